import { call, get, getStatus, enc } from "../api.js";
import { el, fill, ago, badge, span, number, when } from "../dom.js";
import { timeChart, seriesBy } from "../charts.js";
import { runNow, setEnabled, deleteSource, resetStream } from "./source-actions.js";
import { runsTable } from "./runs.js";

export const ranges = [
  { id: "1h", label: "last hour", seconds: 3600, step: "1m" },
  { id: "24h", label: "last 24 hours", seconds: 86400, step: "1m" },
  { id: "7d", label: "last 7 days", seconds: 7 * 86400, step: "5m" },
  { id: "30d", label: "last 30 days", seconds: 30 * 86400, step: "15m" },
];

/** One source: its definition, streams (with reset), recent runs and the pictures of its runs. */
export async function sourcePage(name) {
  const [{ data: source, etag }, status, runs] = await Promise.all([
    call("GET", `sources/${enc(name)}`),
    getStatus(),
    get(`sources/${enc(name)}/runs?limit=100`),
  ]);
  const freshness = (status.sources ?? []).find((s) => s.name === name);
  const message = el("div");
  const enabled = source.enabled !== false;
  const charts = el("div", { class: "charts" });
  const disposers = [];
  let range = ranges[1];
  const rangeSelect = el("select", { id: "source-range", onchange: () => { range = ranges.find((r) => r.id === rangeSelect.value); drawCharts(); } },
    ranges.map((r) => el("option", { value: r.id, selected: r === range }, r.label)));

  async function drawCharts() {
    disposers.splice(0).forEach((d) => d());
    const to = new Date();
    const from = new Date(to.getTime() - range.seconds * 1000);
    const query = `metric=daedalus_rows_read&labels=${enc(`source=${name}`)}&from=${from.toISOString()}&to=${to.toISOString()}&step=${range.step}&aggregate=sum`;
    let rowsChart;
    try {
      const points = await get(`timeseries/points?${query}`);
      rowsChart = timeChart({ title: "Rows read per run, by stream", description: `(${range.label}; one point per run, ${range.step} buckets)`, series: seriesBy(points.points, "stream"), unit: "rows", format: (v) => (Number.isInteger(v) ? number(v) : number(Number(v.toFixed(1)))), range: [from.getTime() / 1000, to.getTime() / 1000] });
    } catch (error) {
      rowsChart = { node: el("p", { class: "muted" }, `Rows per run are not available: ${error.message}`), dispose() {} };
    }
    const fresh = freshnessChart(runs.items, freshness, from, to);
    disposers.push(rowsChart.dispose, fresh.dispose);
    fill(charts, rowsChart.node, fresh.node);
  }

  const lastByStream = new Map();
  const streams = Object.entries(source.streams ?? {});
  const node = el("section", { "aria-labelledby": "source-title" },
    el("p", { class: "crumbs" }, el("a", { href: "#/sources" }, "Sources"), " / ", name),
    el("div", { class: "page-head" },
      el("h1", { id: "source-title" }, name, " ", badge(freshness?.state ?? (enabled ? "unknown" : "disabled"))),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary", onclick: () => runNow(name, message) }, "Run now"),
        el("a", { class: "button", href: `#/sources/${enc(name)}/edit` }, "Edit"),
        el("button", { type: "button", onclick: () => setEnabled(name, !enabled, etag, message) }, enabled ? "Disable" : "Enable"),
        el("button", { type: "button", class: "danger", onclick: () => deleteSource(name, etag, message) }, "Delete"))),
    message,
    el("dl", { class: "facts" },
      fact("Plugin", source.plugin),
      fact("Enabled", enabled ? "yes" : "no"),
      fact("Schedule (UTC)", el("code", {}, source.schedule ?? "default (every 15 minutes)")),
      source.window ? fact("Window (UTC)", `${source.window.start}–${source.window.end}`) : null,
      fact("Last success", ago(freshness?.lastSuccessAt)),
      fact("Last run", freshness?.lastRunStatus ? [badge(freshness.lastRunStatus), " ", ago(freshness.lastRunAt)] : "—"),
      fact("Next expected", freshness?.nextExpectedAt ? when(freshness.nextExpectedAt) : "—"),
      fact("Lag", freshness && freshness.lagSeconds > 0 ? span(freshness.lagSeconds) : "on time"),
      fact("Secrets (store keys)", Object.keys(source.secrets ?? {}).length ? Object.entries(source.secrets).map(([k, v]) => `${k} → ${v}`).join(", ") : "none"),
      etag ? null : fact("Concurrency", el("span", { class: "hint" }, "this API gives no ETag, so edits are not protected against concurrent changes"))),
    el("h2", { id: "streams-title" }, "Streams"),
    el("div", { class: "table-wrap" }, el("table", { "aria-labelledby": "streams-title" },
      el("thead", {}, el("tr", {}, ["Stream", "Mode", "Cursor field", "Primary key", "Target", "Last rows read", "Last read at", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", { id: "streams-body" }, streams.map(([stream, spec]) => el("tr", { dataset: { stream } },
        el("th", { scope: "row" }, stream),
        el("td", {}, spec?.mode ?? "incremental"),
        el("td", {}, spec?.cursor ? el("code", {}, spec.cursor) : "plugin default"),
        el("td", {}, spec?.primaryKey?.join(", ") ?? "plugin default"),
        el("td", {}, el("code", {}, `${spec?.target?.schema ?? "public"}.${spec?.target?.table ?? stream}`)),
        el("td", { class: "num", dataset: { cell: "rows" } }, "—"),
        el("td", { dataset: { cell: "at" } }, "—"),
        el("td", { class: "actions" }, el("button", { type: "button", onclick: () => resetStream(name, stream, message), "aria-label": `Reset stream ${stream}` }, "Reset…"))))))),
    el("p", { class: "hint" }, "The API shows a stream's cursor field, not the cursor value; a reset answers with the value it forgot."),
    el("div", { class: "page-head" }, el("h2", {}, "Pictures"), el("p", {}, el("label", { for: "source-range" }, "Range "), rangeSelect)),
    charts,
    el("h2", {}, "Recent runs"),
    runsTable(runs.items.slice(0, 15), { showSource: false }),
    el("p", {}, el("a", { href: `#/runs?source=${enc(name)}` }, "All runs of this source")));

  // Last rows per stream: the latest point of each stream's series in the last 6 days (1-minute buckets).
  fillLastRows(name, lastByStream, node);
  drawCharts();
  return { title: name, node, dispose: () => disposers.splice(0).forEach((d) => d()) };
}

async function fillLastRows(name, lastByStream, node) {
  try {
    const to = new Date();
    const from = new Date(to.getTime() - 6 * 86400 * 1000);
    const points = await get(`timeseries/points?metric=daedalus_rows_read&labels=${enc(`source=${name}`)}&from=${from.toISOString()}&to=${to.toISOString()}&step=1m&aggregate=sum`);
    for (const p of points.points) lastByStream.set(p.labels.stream, p);
    for (const row of node.querySelectorAll("#streams-body tr")) {
      const last = lastByStream.get(row.dataset.stream);
      if (!last) continue;
      row.querySelector("[data-cell=rows]").textContent = number(last.value);
      fill(row.querySelector("[data-cell=at]"), ago(last.time));
    }
  } catch {
    // The table keeps its dashes; the charts say why.
  }
}

const fact = (term, value) => [el("dt", {}, term), el("dd", {}, value)];

/**
 * Freshness against the schedule: the age of the newest successfully loaded data over time (a sawtooth that drops at
 * each succeeded run) against the age at which /status calls the source stale (about two schedule intervals).
 */
function freshnessChart(runs, freshness, from, to) {
  const succeeded = runs.filter((r) => r.status === "succeeded" && r.finishedAt).map((r) => new Date(r.finishedAt).getTime() / 1000).sort((a, b) => a - b);
  const scheduled = runs.filter((r) => r.trigger === "schedule").map((r) => new Date(r.startedAt).getTime() / 1000).sort((a, b) => a - b);
  const gaps = scheduled.slice(1).map((t, i) => t - scheduled[i]).filter((g) => g > 0).sort((a, b) => a - b);
  let interval = gaps.length ? gaps[Math.floor(gaps.length / 2)] : null;
  if (!interval && freshness?.nextExpectedAt && freshness?.lastSuccessAt) interval = (new Date(freshness.nextExpectedAt) - new Date(freshness.lastSuccessAt)) / 1000;
  const start = from.getTime() / 1000;
  const end = to.getTime() / 1000;
  const points = [];
  let last = succeeded.filter((t) => t < start).pop() ?? null;
  const push = (t) => { if (last !== null) points.push([t, (t - last) / 60]); };
  push(start);
  for (const t of succeeded.filter((s) => s >= start && s <= end)) { push(t); last = t; points.push([t, 0]); }
  push(end);
  const series = [{ label: "age of the newest load", points, spanGaps: false }];
  if (interval && points.length) series.push({ label: "stale after (≈ 2 intervals)", points: [[start, (2 * interval) / 60], [end, (2 * interval) / 60]], dash: [6, 4], showPoints: false });
  return timeChart({
    title: "Freshness against schedule",
    description: interval ? `(schedule interval ≈ ${span(interval)}, estimated from the runs and /status)` : "(no scheduled runs yet to estimate the interval)",
    series,
    unit: "minutes",
    range: [start, end],
    format: (v) => (Math.round(v * 10) / 10).toString(),
    emptyText: "No successful run yet, so there is no data age to draw.",
  });
}
