import { authMode, session, get, ApiError } from "./api.js";
import { el, fill, notice, takeFlash, announce, markScrollableRegions } from "./dom.js";
import { sourcesPage } from "./pages/sources.js";
import { sourceFormPage } from "./pages/source-form.js";
import { sourcePage } from "./pages/source.js";
import { runsPage, runPage } from "./pages/runs.js";
import { poisonPage } from "./pages/poison.js";
import { statusPage } from "./pages/status.js";
import { alertsPage } from "./pages/alerts.js";

// Hash routes: the hosts serve one index.html, and a reload keeps the page.
const routes = [
  [/^#\/sources\/?$/, () => sourcesPage()],
  [/^#\/sources\/new$/, () => sourceFormPage(null)],
  [/^#\/sources\/([^/]+)\/edit$/, (m) => sourceFormPage(decodeURIComponent(m[1]))],
  [/^#\/sources\/([^/]+)$/, (m) => sourcePage(decodeURIComponent(m[1]))],
  [/^#\/runs\/?(\?.*)?$/, (m) => runsPage(new URLSearchParams((m[1] ?? "").slice(1)))],
  [/^#\/runs\/([^/]+)\/([^/]+)$/, (m) => runPage(decodeURIComponent(m[1]), decodeURIComponent(m[2]))],
  [/^#\/poison$/, () => poisonPage()],
  [/^#\/status$/, () => statusPage()],
  [/^#\/alerts$/, () => alertsPage()],
];

const main = document.getElementById("main");
let current = null;

/** Each page is an async function that returns { title, node, dispose? }. */
async function render() {
  current?.dispose?.();
  current = null;
  if (session.mode !== "none" && !session.key) return renderSignIn();
  const hash = location.hash || "#/sources";
  const match = routes.map(([pattern, page]) => [hash.match(pattern), page]).find(([m]) => m);
  markNav(hash);
  fill(main, el("p", { class: "loading" }, "Loading…"));
  try {
    const page = match ? await match[1](match[0]) : { title: "Not found", node: el("section", {}, el("h1", {}, "Not found"), el("p", {}, "No page here. ", el("a", { href: "#/sources" }, "Go to sources"))) };
    current = page;
    document.title = `${page.title} · Daedalus console`;
    fill(main, page.node);
    const flash = takeFlash();
    if (flash) {
      main.prepend(notice("ok", flash));
      announce(flash);
    }
    markScrollableRegions(main);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    document.title = "Error · Daedalus console";
    fill(main, el("h1", {}, "Something went wrong"), notice("error", error instanceof ApiError ? error.explanation : String(error.message ?? error)));
  }
  main.focus({ preventScroll: true });
}

function markNav(hash) {
  for (const link of document.querySelectorAll("#nav a")) {
    const active = hash.startsWith(link.getAttribute("href"));
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function renderSession() {
  const box = document.getElementById("session");
  if (session.mode === "none") return fill(box, el("span", { class: "muted" }, "no authentication"));
  if (!session.key) return fill(box);
  fill(box, el("button", { type: "button", class: "link", onclick: () => { session.key = null; renderSession(); render(); } }, "Sign out"));
}

function renderSignIn(message) {
  document.title = "Sign in · Daedalus console";
  markNav("");
  const label = session.mode === "functionkey" ? "Function key" : "API key";
  const hint = session.mode === "functionkey"
    ? "A function or host key of the Function App (az functionapp keys list). It is sent as x-functions-key."
    : "A key from `daedalus keys create --scope read --scope write` (read scope is enough to look). It is sent as Authorization: Bearer.";
  const input = el("input", { id: "sign-in-key", name: "key", type: "password", autocomplete: "off", required: true, "aria-describedby": "sign-in-hint" });
  const error = el("div");
  const form = el("form", { class: "card narrow", onsubmit: async (e) => {
    e.preventDefault();
    session.key = input.value.trim();
    try {
      await get("sources");
      renderSession();
      render();
    } catch (failure) {
      session.key = null;
      fill(error, notice("error", failure instanceof ApiError ? failure.explanation : String(failure)));
      input.focus();
    }
  } },
    el("h1", {}, "Sign in"),
    message ? notice("error", message) : null,
    error,
    el("p", {}, el("label", { for: "sign-in-key" }, label), input),
    el("p", { id: "sign-in-hint", class: "hint" }, hint, " The key stays in this tab's session storage and is forgotten when the tab closes."),
    el("button", { type: "submit", class: "primary" }, "Sign in"));
  fill(main, form);
  renderSession();
  input.focus();
}

window.addEventListener("daedalus:unauthorized", () => {
  session.key = null;
  current?.dispose?.();
  current = null;
  renderSignIn("The key was refused (missing, unknown or revoked). Sign in again.");
});
window.addEventListener("hashchange", render);

try {
  session.mode = await authMode();
} catch (error) {
  fill(main, notice("error", "The API could not be reached: ", String(error.message ?? error)));
  throw error;
}
renderSession();
render();

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => markScrollableRegions(main), 150);
});
