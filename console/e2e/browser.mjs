// The set-up both browser scripts share: the server and key from the environment, Debian's headless Chromium
// (driven by playwright-core) with one page, and what the page reports that the scripts treat as a fault.
import { chromium } from "playwright-core";

/** DAEDALUS_URL (without a trailing slash) and DAEDALUS_KEY, both required; SCREENSHOTS, a directory, optional. */
export function consoleEnvironment() {
  const base = process.env.DAEDALUS_URL?.replace(/\/$/, "");
  const key = process.env.DAEDALUS_KEY;
  if (!base || !key) throw new Error("DAEDALUS_URL and DAEDALUS_KEY are required");
  return { base, key, shots: process.env.SCREENSHOTS };
}

/**
 * A browser (CHROMIUM_PATH, default /usr/bin/chromium) with one page in a light, UTC, en-US context, 20 s timeouts.
 * `problems` collects page errors and console errors; a refused request (4xx, which the scripts provoke on purpose)
 * is logged by the browser too and is not one.
 */
export async function openConsolePage(contextOptions) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true });
  const context = await browser.newContext({ colorScheme: "light", timezoneId: "UTC", locale: "en-US", ...contextOptions });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  return { browser, page, problems };
}
