import { get, getStatus, enc } from "../api.js";
import { el, fill, ago, badge, span, number } from "../dom.js";
import { timeChart, seriesBy } from "../charts.js";
import { ranges } from "./source.js";

/** Health of the dependencies, freshness of every source and the queue depth over time. */
export async function statusPage() {
  const status = await getStatus();
  const chart = el("div", { class: "charts" });
  const disposers = [];
  let range = ranges[0];
  const rangeSelect = el("select", { id: "status-range", onchange: () => { range = ranges.find((r) => r.id === rangeSelect.value); draw(); } },
    ranges.map((r) => el("option", { value: r.id, selected: r === range }, r.label)));
  async function draw() {
    disposers.splice(0).forEach((d) => d());
    const to = new Date();
    const from = new Date(to.getTime() - range.seconds * 1000);
    try {
      const points = await get(`timeseries/points?metric=daedalus_queue_depth&from=${from.toISOString()}&to=${to.toISOString()}&step=${range.step}&aggregate=max`);
      const c = timeChart({ title: "Queue depth", description: `(messages waiting, highest per ${range.step}; ${range.label})`, series: seriesBy(points.points, "queue"), unit: "messages", format: (v) => (Number.isInteger(v) ? number(v) : number(Number(v.toFixed(1)))), emptyText: "No queue depth recorded in this range (hosts without a queue record none).", range: [from.getTime() / 1000, to.getTime() / 1000] });
      disposers.push(c.dispose);
      fill(chart, c.node);
    } catch (error) {
      fill(chart, el("p", { class: "muted" }, `Queue depth is not available: ${error.message}`));
    }
  }
  const node = el("section", { "aria-labelledby": "status-title" },
    el("h1", { id: "status-title" }, "Status ", badge(status.status)),
    el("p", { class: "hint" }, "Healthy, degraded (a source is stale or its last run failed) or unhealthy (a dependency is down). Checked ", ago(status.checkedAt), "."),
    el("h2", { id: "checks-title" }, "Dependencies"),
    el("div", { class: "table-wrap" }, el("table", { "aria-labelledby": "checks-title" },
      el("thead", {}, el("tr", {}, ["Check", "Status", "Detail", "Took"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, status.checks.map((c) => el("tr", {}, el("th", { scope: "row" }, c.name), el("td", {}, badge(c.status)), el("td", {}, c.detail ?? "—"), el("td", { class: "num" }, `${c.durationMs.toFixed(1)} ms`)))))),
    el("div", { class: "page-head" }, el("h2", {}, "Queue depth"), el("p", {}, el("label", { for: "status-range" }, "Range "), rangeSelect)),
    chart,
    el("h2", { id: "fresh-title" }, "Freshness"),
    el("div", { class: "table-wrap" }, el("table", { "aria-labelledby": "fresh-title" },
      el("thead", {}, el("tr", {}, ["Source", "State", "Schedule (UTC)", "Last success", "Last run", "Next expected", "Lag"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, status.sources.map((s) => el("tr", {},
        el("th", { scope: "row" }, el("a", { href: `#/sources/${enc(s.name)}` }, s.name)),
        el("td", {}, badge(s.state)),
        el("td", {}, el("code", {}, s.schedule)),
        el("td", {}, ago(s.lastSuccessAt)),
        el("td", {}, s.lastRunStatus ? [badge(s.lastRunStatus), " ", ago(s.lastRunAt)] : "—"),
        el("td", {}, ago(s.nextExpectedAt)),
        el("td", { class: "num" }, s.lagSeconds > 0 ? span(s.lagSeconds) : "on time")))))));
  draw();
  return { title: "Status", node, dispose: () => disposers.splice(0).forEach((d) => d()) };
}
