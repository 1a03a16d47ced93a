import uPlot from "uplot";
import { el, uid, when } from "./dom.js";

// Colour-blind-safe (Okabe–Ito), dark enough against white for lines and points.
const palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/**
 * A time chart as a figure: a caption that says what it shows, the uPlot canvas (hidden from screen readers) and
 * the same numbers as a table under a disclosure, so nothing is only in the picture.
 * range: [fromEpochSeconds, toEpochSeconds] for the x axis (default: the data's).
 * series: [{ label, points: [[epochSeconds, value|null], ...], dash?, stepped? }]
 */
export function timeChart({ title, description, series, unit = "", emptyText = "No data in this range yet.", format = (v) => v, range = null }) {
  const captionId = uid("chart");
  const figure = el("figure", { class: "chart", "aria-labelledby": captionId },
    el("figcaption", { id: captionId }, el("strong", {}, title), description ? el("span", { class: "hint" }, " ", description) : null));
  const withData = series.filter((s) => s.points.length > 0);
  if (withData.length === 0) {
    figure.append(el("p", { class: "muted" }, emptyText));
    return { node: figure, dispose() {} };
  }

  const xs = [...new Set(withData.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = withData.map((s) => {
    const column = new Array(xs.length).fill(null);
    for (const [x, y] of s.points) column[index.get(x)] = y;
    return column;
  });
  const box = el("div", { class: "chart-canvas", "aria-hidden": "true" });
  figure.append(box, dataTable(withData, format, unit));

  const options = {
    width: 600,
    height: 220,
    legend: { live: true },
    cursor: { focus: { prox: 16 } },
    // The asked range, not the data's: one run alone still sits in its place on the time axis.
    scales: { x: range ? { time: true, range: () => [range[0], range[1]] } : { time: true }, y: { range: (_, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: "#1f2933", grid: { stroke: "#e4e7eb" } },
      { stroke: "#1f2933", grid: { stroke: "#e4e7eb" }, label: unit, size: 70, values: (_, ticks) => ticks.map((t) => format(t)) },
    ],
    series: [
      { value: (_, v) => (v === null ? "—" : when(new Date(v * 1000).toISOString())) },
      ...withData.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? palette[i % palette.length],
        width: 2,
        dash: s.dash,
        spanGaps: s.spanGaps ?? true,
        paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: s.showPoints ?? true, size: 6 },
        value: (_, v) => (v === null || v === undefined ? "—" : format(v)),
      })),
    ],
  };
  const plot = new uPlot(options, [xs, ...ys], box);
  const resize = () => plot.setSize({ width: Math.max(320, Math.min(box.clientWidth || 600, 1200)), height: 220 });
  const observer = new ResizeObserver(resize);
  observer.observe(box);
  return { node: figure, dispose() { observer.disconnect(); plot.destroy(); } };
}

function dataTable(series, format, unit) {
  const rows = series.flatMap((s) => s.points.map(([x, y]) => [s.label, x, y]));
  rows.sort((a, b) => a[1] - b[1]);
  return el("details", { class: "chart-data" },
    el("summary", {}, `Data as a table (${rows.length} points)`),
    el("table", {},
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "series"), el("th", { scope: "col" }, "time (UTC)"), el("th", { scope: "col" }, unit || "value"))),
      el("tbody", {}, rows.slice(-500).map(([label, x, y]) => el("tr", {}, el("td", {}, label), el("td", {}, when(new Date(x * 1000).toISOString())), el("td", { class: "num" }, y === null ? "—" : format(y)))))));
}

/** Points of /timeseries/points grouped into chart series by one label. */
export function seriesBy(points, label) {
  const groups = new Map();
  for (const p of points) {
    const key = p.labels?.[label] ?? "(none)";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push([new Date(p.time).getTime() / 1000, p.value]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, pts]) => ({ label: name, points: pts }));
}
