// Accessibility and concurrency of the web console in a real headless Chromium (Debian's, driven by playwright-core),
// against a running `daedalus serve`. Started by tests/Daedalus.Tests/WebConsole/WebConsoleAccessibilityTests.cs,
// which prepares a source `shop` with one finished run and a write key.
//
// - Every page is checked with axe-core (WCAG 2.1 A and AA rules, contrast included) in its normal state and with a
//   form error showing; any violation fails the run, named by rule, page and element.
// - Keyboard: from the top of the page, Tab reaches the navigation and the page's main action in order, and Enter
//   on a focused link navigates.
// - A stale write: the source is changed behind the page's back, the page's Disable is refused with 412 and the
//   console says so and offers Reload; after Reload the same action succeeds.
//
// Env: DAEDALUS_URL, DAEDALUS_KEY, CHROMIUM_PATH (default /usr/bin/chromium), SCREENSHOTS (optional).
import { createRequire } from "node:module";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { consoleEnvironment, openConsolePage } from "./browser.mjs";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const { base, key, shots } = consoleEnvironment();
// A laptop screen.
// bypassCSP: the console's CSP (script-src 'self') would refuse the injected axe-core; the pages themselves are unchanged.
const { browser, page, problems } = await openConsolePage({ viewport: { width: 1280, height: 720 }, bypassCSP: true });

let step = "start";
async function run(name, body) {
  step = name;
  const started = Date.now();
  await body();
  console.log(`ok   ${name} (${Date.now() - started} ms)`);
}

/** axe-core on the current page: WCAG 2.0/2.1 A and AA. Throws with every violation, its rule and its elements. */
async function audit(label) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`) })), passes: r.passes.length };
  });
  if (result.violations.length) {
    const text = result.violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n}`).join("\n")}`).join("\n");
    throw new Error(`${label}: ${result.violations.length} accessibility violation(s)\n${text}`);
  }
  if (shots) {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `a11y-${label.replace(/[^a-z0-9]+/gi, "-")}.png`), fullPage: true });
  }
}

async function visit(hash, heading) {
  await page.goto(`${base}/api/console/${hash}`);
  await page.getByRole("heading", { name: heading }).first().waitFor();
  // Charts and tables fill in after the heading; let the page settle before it is judged.
  await page.waitForLoadState("networkidle");
}

try {
  await run("sign-in page", async () => {
    await page.goto(`${base}/api/console/`);
    await page.getByLabel("API key").waitFor();
    await audit("sign-in");
    await page.getByLabel("API key").fill(key);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Sources" }).first().waitFor();
  });

  const pages = [
    ["#/sources", /^Sources/, "sources"],
    ["#/sources/shop", /^shop/, "source"],
    ["#/sources/shop/edit", /shop/, "source-edit"],
    ["#/sources/new", /source/i, "source-new"],
    ["#/runs", /^Runs/, "runs"],
    ["#/poison", /^Poisoned batches/, "poison"],
    ["#/status", /^Status/, "status"],
    ["#/alerts", /^Alerts/, "alerts"],
  ];
  for (const [hash, heading, label] of pages) {
    await run(`axe: ${label}`, async () => {
      await visit(hash, heading);
      await audit(label);
    });
  }

  await run("axe: a run's page", async () => {
    await visit("#/runs", /^Runs/);
    await page.getByRole("link", { name: "Details" }).first().click();
    await page.getByRole("heading", { name: "Run of shop" }).waitFor();
    await page.waitForLoadState("networkidle");
    await audit("run");
  });

  await run("axe: a form showing its errors", async () => {
    await visit("#/sources/new", /source/i);
    await page.getByLabel("Name", { exact: true }).fill("a11y");
    await page.getByLabel("Schedule", { exact: true }).fill("every day");
    await page.getByRole("button", { name: "Create source" }).click();
    await page.locator(".field-row.has-error").first().waitFor();
    await audit("source-form-errors");
  });

  await run("keyboard: Tab reaches the navigation and the page's actions, Enter follows a link", async () => {
    await visit("#/sources/shop", /^shop/);
    await page.locator("body").focus();
    const reached = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const name = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const style = getComputedStyle(a);
        // A visible focus indicator: an outline or a box shadow on the focused element.
        const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
        return `${a.tagName.toLowerCase()}:${(a.textContent || a.getAttribute("aria-label") || "").trim()}:${visible ? "focus-visible" : "no-focus-ring"}`;
      });
      if (name) reached.push(name);
    }
    for (const wanted of ["a:Sources", "a:Runs", "a:Poison", "a:Status", "a:Alerts", "button:Run now", "button:Disable", "button:Delete"]) {
      if (!reached.some((r) => r.startsWith(wanted + ":"))) throw new Error(`Tab never reached ${wanted}; reached: ${reached.join(" | ")}`);
    }
    const unringed = reached.filter((r) => r.endsWith(":no-focus-ring"));
    if (unringed.length) throw new Error(`focused elements without a visible focus indicator: ${unringed.join(" | ")}`);
    // After a navigation the console focuses the page's content (so a screen reader starts there); from the top of
    // the document the order is: skip link, navigation, sign out, then the page.
    const from = (wanted, after) => reached.findIndex((r, i) => i > after && r.startsWith(wanted + ":"));
    const skip = from("a:Skip to content", -1);
    const nav = from("a:Runs", skip);
    const action = from("button:Run now", nav);
    if (skip < 0 || nav < 0 || action < 0) throw new Error(`Tab order is not skip link, navigation, then the page: ${reached.join(" | ")}`);
    await page.getByRole("link", { name: "Runs", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /^Runs/ }).first().waitFor();
  });

  await run("a stale page's write is refused (412), explained, and works after Reload", async () => {
    await visit("#/sources/shop", /^shop/);
    // Someone else changes the source after this page read it: its ETag is now stale.
    const headers = { authorization: `Bearer ${key}`, accept: "application/json" };
    const current = await fetch(`${base}/api/v1/sources/shop`, { headers });
    const etag = current.headers.get("etag");
    const changed = await fetch(`${base}/api/v1/sources/shop`, { method: "PATCH", headers: { ...headers, "content-type": "application/json", "if-match": etag }, body: JSON.stringify({ schedule: "0 30 3 * * *" }) });
    if (changed.status !== 200) throw new Error(`the concurrent PATCH answered ${changed.status}`);
    await page.getByRole("button", { name: "Disable" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Someone else changed this source" });
    await alert.waitFor();
    await audit("stale-write");
    await alert.getByRole("button", { name: "Reload" }).click();
    await page.getByRole("heading", { name: /^shop/ }).first().waitFor();
    await page.locator("dd code").filter({ hasText: "0 30 3 * * *" }).waitFor();
    await page.getByRole("button", { name: "Disable" }).click();
    await page.locator(".notice-ok").filter({ hasText: "shop disabled." }).waitFor();
  });

  if (problems.length) throw new Error(`the browser reported:\n${problems.join("\n")}`);
  console.log("all accessibility and concurrency checks passed");
} catch (error) {
  console.error(`FAILED at step "${step}": ${error.message}`);
  if (problems.length) console.error(problems.join("\n"));
  if (shots) {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "a11y-failure.png"), fullPage: true }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
