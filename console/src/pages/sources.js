import { get, getStatus, enc } from "../api.js";
import { el, ago, badge, span } from "../dom.js";
import { runNow, setEnabled } from "./source-actions.js";

/** Sources at a glance: each one's freshness (from /status) beside its definition. */
export async function sourcesPage() {
  const [sources, status] = await Promise.all([get("sources"), getStatus()]);
  const freshness = new Map((status.sources ?? []).map((s) => [s.name, s]));
  const message = el("div");
  const rows = sources.items.map((source) => {
    const f = freshness.get(source.name);
    return el("tr", {},
      el("th", { scope: "row" }, el("a", { href: `#/sources/${enc(source.name)}` }, source.name)),
      el("td", {}, source.plugin),
      el("td", {}, badge(f?.state ?? (source.enabled === false ? "disabled" : "unknown"))),
      el("td", {}, ago(f?.lastSuccessAt)),
      el("td", {}, f?.lastRunStatus ? [badge(f.lastRunStatus), " ", ago(f.lastRunAt)] : "—"),
      el("td", { class: "num" }, f && f.lagSeconds > 0 ? span(f.lagSeconds) : "on time"),
      el("td", {}, el("code", {}, source.schedule ?? "default")),
      el("td", { class: "actions" },
        el("button", { type: "button", onclick: () => runNow(source.name, message), "aria-label": `Run now: ${source.name}` }, "Run now"),
        el("button", { type: "button", onclick: () => setEnabled(source.name, source.enabled === false, null, message), "aria-label": `${source.enabled === false ? "Enable" : "Disable"} ${source.name}` }, source.enabled === false ? "Enable" : "Disable")));
  });
  const node = el("section", { "aria-labelledby": "sources-title" },
    el("div", { class: "page-head" },
      el("h1", { id: "sources-title" }, "Sources"),
      el("a", { class: "button primary", href: "#/sources/new" }, "New source")),
    el("p", { class: "hint" }, `Overall: `, badge(status.status), ` · checked ${new Date(status.checkedAt).toISOString().slice(11, 19)} UTC. Freshness: fresh, stale (a scheduled run is overdue), never (no successful run yet) or disabled.`),
    message,
    sources.items.length === 0
      ? el("p", {}, "No sources yet. ", el("a", { href: "#/sources/new" }, "Create one"), " or apply config/daedalus.yaml with `daedalus sources apply`.")
      : el("div", { class: "table-wrap" }, el("table", {},
        el("caption", { class: "visually-hidden" }, "Sources with their freshness and last run"),
        el("thead", {}, el("tr", {}, ["Source", "Plugin", "Freshness", "Last success", "Last run", "Lag", "Schedule (UTC)", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows))));
  return { title: "Sources", node };
}
