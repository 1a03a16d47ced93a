// Builds the console into dist/: one script, one stylesheet and index.html, no external URLs (the hosts embed
// dist/ and serve it under /api/console/, offline). Run by scripts/test.sh and scripts/run.sh before dotnet build.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const dist = new URL("./dist/", import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: { console: "src/main.js", "console-style": "src/style.css" },
  outdir: "dist",
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  legalComments: "eof",
  logLevel: "warning",
});
await copyFile(new URL("./src/index.html", import.meta.url), new URL("./index.html", dist));
