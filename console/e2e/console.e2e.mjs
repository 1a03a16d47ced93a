// End-to-end test of the web console in a real headless Chromium (Debian's, driven by playwright-core), against a
// running `daedalus serve` with real PostgreSQL and Azurite. Started by tests/Daedalus.Tests/WebConsole/
// WebConsoleEndToEndTests.cs, which prepares the server (a write key, a poisoned batch of source `shop`) and checks
// the database afterwards. Exit code 0 only when every step passed; each failure names its step.
//
// Env: DAEDALUS_URL (server root), DAEDALUS_KEY (write key), CHROMIUM_PATH (default /usr/bin/chromium),
// SCREENSHOTS (directory for console-*.png; docs/images refreshes the docs' pictures).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { consoleEnvironment, openConsolePage } from "./browser.mjs";

const { base, key, shots } = consoleEnvironment();
// The 422 this test provokes is a refused request: not one of the page's problems (see browser.mjs).
const { browser, page, problems } = await openConsolePage({ viewport: { width: 1366, height: 820 } });

let step = "start";
const steps = [];
async function run(name, body) {
  step = name;
  const started = Date.now();
  await body();
  steps.push(`ok   ${name} (${Date.now() - started} ms)`);
  console.log(steps.at(-1));
}
async function shot(name) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `console-${name}.png`), fullPage: true });
}
const expectText = async (locator, text) => {
  await locator.filter({ hasText: text }).first().waitFor();
};

try {
  await run("the console is served under /api/console and asks for the key", async () => {
    await page.goto(`${base}/api/console`);
    if (!page.url().endsWith("/api/console/")) throw new Error(`expected a redirect to /api/console/, at ${page.url()}`);
    await page.getByLabel("API key").waitFor();
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== "sign-in-key") throw new Error(`the key field does not have the focus (${focused} has)`);
    await shot("sign-in");
  });

  await run("a wrong key is refused, the right one signs in", async () => {
    await page.getByLabel("API key").fill("dk_wrong_key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectText(page.getByRole("alert"), "The key was refused");
    // By keyboard only: type the key, Enter.
    await page.getByLabel("API key").fill("");
    await page.keyboard.type(key);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Sources" }).waitFor();
    // Each page moves the focus to its content, so the next Tab is the page's first control.
    if ((await page.evaluate(() => document.activeElement?.id)) !== "main") throw new Error("the page did not move the focus to its content");
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.textContent);
    if (first !== "New source") throw new Error(`the first Tab stop is "${first}", not New source`);
    await page.getByRole("link", { name: "shop", exact: true }).waitFor();
    await shot("sources");
  });

  await run("a validation error is shown at the schedule field", async () => {
    await page.getByRole("link", { name: "New source" }).click();
    await page.getByLabel("Name", { exact: true }).fill("orders");
    await page.getByLabel("Plugin", { exact: true }).fill("sample");
    await page.getByLabel("Schedule", { exact: true }).fill("every tuesday");
    await page.getByLabel("Settings", { exact: true }).fill("customers=400\nmaxGenerations=0");
    await page.getByRole("button", { name: "Create source" }).click();
    const row = page.locator('.field-row[data-path="$.schedule"]');
    await expectText(row.locator(".field-error"), "NCRONTAB");
    if ((await page.getByLabel("Schedule", { exact: true }).getAttribute("aria-invalid")) !== "true") throw new Error("the schedule input is not marked aria-invalid");
    const describedBy = await page.getByLabel("Schedule", { exact: true }).getAttribute("aria-describedby");
    if (!describedBy?.split(" ").includes(await row.locator(".field-error").getAttribute("id"))) throw new Error("the error is not tied to the input by aria-describedby");
    await expectText(page.locator("#form-errors"), "$.schedule");
    // Only the schedule is wrong: no other field shows an error.
    if ((await page.locator(".field-row.has-error").count()) !== 1) throw new Error("more than one field marked in error");
    await shot("source-form-error");
  });

  await run("a stream-level error lands at the stream's field", async () => {
    await page.getByLabel("Schedule", { exact: true }).fill("0 0 3 * * *");
    await page.getByLabel("Target table", { exact: true }).fill("Bad Table");
    await page.getByRole("button", { name: "Create source" }).click();
    await expectText(page.locator('.field-row[data-path="$.streams.customers.target.table"] .field-error'), "identifier");
    if ((await page.locator('.field-row[data-path="$.schedule"].has-error').count()) !== 0) throw new Error("the fixed schedule still shows its error");
  });

  await run("create a source", async () => {
    await page.getByLabel("Target table", { exact: true }).fill("");
    await page.getByLabel("Target schema", { exact: true }).fill("orders");
    await page.getByRole("button", { name: "Create source" }).click();
    await page.getByRole("heading", { name: /^orders/ }).waitFor();
    await expectText(page.locator(".notice-ok"), "Source orders created.");
  });

  await run("trigger a run and watch it finish", async () => {
    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByRole("heading", { name: "Run of orders" }).waitFor();
    await page.locator('#run-status[data-status="succeeded"]').waitFor({ timeout: 120_000 });
    // A new source is due at once, so the scheduler may have run it first: then Run now either met that run (409,
    // and the console follows it) or came after it and read nothing new. Either way the source's runs read 400 rows.
    const read = Number((await page.locator("dt:text-is('Rows read') + dd").textContent()).replace(/\D/g, ""));
    const runs = await (await fetch(`${base}/api/v1/sources/orders/runs`, { headers: { authorization: `Bearer ${key}` } })).json();
    const total = runs.items.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.rowsRead, 0);
    if (total !== 400 || (read !== 400 && read !== 0)) throw new Error(`the run read ${read} rows and the source's runs ${total}, expected 400 in all`);
    await shot("run");
  });

  await run("reset a stream, with confirmation", async () => {
    await page.getByRole("link", { name: "orders" }).first().click();
    await page.getByRole("heading", { name: /^orders/ }).waitFor();
    await page.getByRole("button", { name: "Reset stream customers" }).click();
    const dialog = page.getByRole("dialog", { name: "Reset stream customers?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Reset stream customers" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reset stream" }).click();
    await expectText(page.locator(".notice-ok"), "Stream customers reset.");
    await page.locator("figure.chart canvas").first().waitFor();
    await shot("source");
  });

  await run("cancel a slow run from its page, with confirmation, and see its events", async () => {
    // Source `big` (prepared by the test) holds far more rows than the pull reads before the cancel reaches it.
    await page.goto(`${base}/api/console/#/sources/big`);
    await page.getByRole("heading", { name: /^big/ }).waitFor();
    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByRole("heading", { name: "Run of big" }).waitFor();
    await page.getByRole("button", { name: "Cancel run…" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this run?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel run" }).click();
    await page.locator('#run-status[data-status="cancelled"]').waitFor({ timeout: 120_000 });
    if ((await page.getByRole("button", { name: "Cancel run…" }).count()) !== 0) throw new Error("a cancelled run still offers Cancel");
    await page.locator('#run-events tr[data-kind="run.cancel_requested"]').waitFor();
    await page.locator('#run-events tr[data-kind="run.finished"]').waitFor();
    await expectText(page.locator("pre.error-text"), "cancelled by");
    await shot("run-cancelled");
    // Back where the next step starts (the run page has a second "Runs" link, in its breadcrumbs).
    await page.goto(`${base}/api/console/#/sources/orders`);
    await page.getByRole("heading", { name: /^orders/ }).waitFor();
  });

  await run("runs of every source, filtered", async () => {
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    await page.getByLabel("Source").selectOption("orders");
    await page.getByRole("button", { name: "Filter" }).click();
    // The page of this filter (rendered after the hash changed), not the one before it.
    await page.locator('section[data-filter="source=orders"] tbody tr').first().waitFor();
    const sources = await page.locator("tbody tr td:first-child").allTextContents();
    if (sources.length === 0 || sources.some((s) => s !== "orders")) throw new Error(`filtered runs show sources ${sources.join(", ")}`);
    await page.getByLabel("Source").selectOption("");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.locator('section[data-filter=""] tbody tr').first().waitFor();
    await shot("runs");
  });

  await run("inspect and replay a poisoned batch", async () => {
    await page.getByRole("link", { name: "Poison" }).click();
    await page.getByRole("heading", { name: "Poisoned batches (1)" }).waitFor();
    const row = page.locator("tbody tr").filter({ hasText: "shop" });
    await row.locator("summary").click();
    await expectText(row.locator("pre.error-text"), "read-only for maintenance");
    await shot("poison");
    await row.getByRole("button", { name: /^Replay batch/ }).click();
    await expectText(page.locator(".notice-ok"), "1 batch replayed.");
    await page.getByRole("heading", { name: "Poisoned batches (0)" }).waitFor();
  });

  await run("status with the queue depth picture", async () => {
    await page.getByRole("link", { name: "Status" }).click();
    await page.getByRole("heading", { name: /^Status/ }).waitFor();
    await page.getByRole("rowheader", { name: "postgresql" }).waitFor();
    await page.locator("figure.chart").first().waitFor();
    await shot("status");
  });

  await run("alerts: anomalies and notification channels", async () => {
    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("heading", { name: "Notification channels" }).waitFor();
    await shot("alerts");
  });

  await run("disable and delete, with confirmation", async () => {
    await page.goto(`${base}/api/console/#/sources/orders`);
    await page.getByRole("heading", { name: /^orders/ }).waitFor();
    await page.getByRole("button", { name: "Disable" }).click();
    await expectText(page.locator(".notice-ok"), "orders disabled.");
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog");
    const confirm = dialog.getByRole("button", { name: "Delete" });
    if (!(await confirm.isDisabled())) throw new Error("delete is possible before typing the name");
    await dialog.getByLabel("Type orders to confirm").fill("orders");
    await confirm.click();
    await expectText(page.locator(".notice-ok"), "Source orders deleted.");
    if ((await page.getByRole("link", { name: "orders", exact: true }).count()) !== 0) throw new Error("orders is still listed");
  });

  if (problems.length) throw new Error(`the browser reported:\n${problems.join("\n")}`);
  console.log(`all ${steps.length} steps passed`);
} catch (error) {
  console.error(`FAILED at step "${step}": ${error.message}`);
  if (problems.length) console.error(problems.join("\n"));
  if (shots) await page.screenshot({ path: path.join(shots, "console-failure.png"), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
