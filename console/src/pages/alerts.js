import { get, getStatus } from "../api.js";
import { el } from "../dom.js";
import { anomaliesTable } from "./runs.js";

const allEvents = ["run_failed", "run_partial", "batch_poisoned", "source_stale", "recovered", "anomaly"];

/** Alerting (docs/alerting.md): the anomalies of each source's latest succeeded run, and where notifications go. */
export async function alertsPage() {
  const [status, notifications, sources] = await Promise.all([getStatus(), get("notifications"), get("sources")]);
  const channelRows = [
    ...Object.entries(notifications.channels ?? {}).map(([name, c]) => ["all sources (global)", name, c]),
    ...sources.items.flatMap((s) => Object.entries(s.notifications ?? {}).map(([name, c]) => [s.name, name, c])),
  ];
  const node = el("section", { "aria-labelledby": "alerts-title" },
    el("h1", { id: "alerts-title" }, "Alerts"),
    el("h2", {}, "Anomalies"),
    el("p", { class: "hint" }, "Stream metrics of each source's latest succeeded run that left their usual band (rows, change rate, quarantine rate, duration). Informational: they do not make the status degraded."),
    anomaliesTable(status.anomalies ?? [], { showRun: true }),
    el("h2", { id: "channels-title" }, "Notification channels"),
    el("p", { class: "hint" }, "Webhooks notified on run_failed, run_partial, batch_poisoned, source_stale, recovered and anomaly events. The URL column is the name of the secret that holds the webhook URL, never the URL. Change them in daedalus.yaml and `daedalus sources apply`."),
    channelRows.length === 0 ? el("p", { class: "muted" }, "No channels configured.") : el("div", { class: "table-wrap" }, el("table", { "aria-labelledby": "channels-title" },
      el("thead", {}, el("tr", {}, ["Scope", "Channel", "Format", "URL secret", "Events"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, channelRows.map(([scope, name, c]) => el("tr", {},
        el("td", {}, scope), el("th", { scope: "row" }, name), el("td", {}, c.format ?? "generic"), el("td", {}, el("code", {}, c.url)),
        el("td", {}, (c.events?.length ? c.events : allEvents).join(", "))))))));
  return { title: "Alerts", node };
}
