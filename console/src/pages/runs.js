import { get, enc } from "../api.js";
import { el, fill, badge, number, when, announce, notice } from "../dom.js";

const finished = new Set(["succeeded", "partial", "failed", "skipped"]);
const statuses = ["queued", "running", "loading", "succeeded", "partial", "failed", "skipped"];

export function runsTable(runs, { showSource = true } = {}) {
  if (runs.length === 0) return el("p", { class: "muted" }, "No runs.");
  return el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, [showSource ? "Source" : null, "Started (UTC)", "Status", "Trigger", "Rows read", "Loaded", "Quarantined", "Duration", "Anomalies", ""].filter((h) => h !== null).map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, runs.map((run) => el("tr", {},
      showSource ? el("td", {}, el("a", { href: `#/sources/${enc(run.source)}` }, run.source)) : null,
      el("td", {}, when(run.startedAt)),
      el("td", {}, badge(run.status)),
      el("td", {}, run.trigger),
      el("td", { class: "num" }, number(run.rowsRead)),
      el("td", { class: "num" }, number(run.rowsLoaded)),
      el("td", { class: "num" }, number(run.rowsQuarantined)),
      el("td", { class: "num" }, run.durationSeconds == null ? "—" : `${run.durationSeconds.toFixed(1)} s`),
      el("td", { class: "num" }, run.anomalies?.length ? badge(`${run.anomalies.length} anomal${run.anomalies.length === 1 ? "y" : "ies"}`) : "—"),
      el("td", {}, el("a", { href: `#/runs/${enc(run.source)}/${enc(run.id)}`, "aria-label": `Details of the ${run.source} run started ${when(run.startedAt)}` }, "Details")))))));
}

/** Runs of every source (the API lists runs per source; the console merges them), filtered by source, status and trigger. */
export async function runsPage(params) {
  const sources = (await get("sources")).items.map((s) => s.name);
  const chosen = params.get("source") ?? "";
  const names = chosen ? [chosen] : sources;
  const lists = await Promise.all(names.map((n) => get(`sources/${enc(n)}/runs?limit=100`).then((r) => r.items).catch(() => [])));
  const status = params.get("status") ?? "";
  const trigger = params.get("trigger") ?? "";
  const all = lists.flat().sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const runs = all.filter((r) => (!status || r.status === status) && (!trigger || r.trigger === trigger));
  const triggers = [...new Set(all.map((r) => r.trigger))].sort();

  const apply = (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const query = new URLSearchParams([...form.entries()].filter(([, v]) => v));
    location.hash = `#/runs${query.size ? "?" + query : ""}`;
  };
  const select = (id, name, label, options, value) => el("span", { class: "field" },
    el("label", { for: id }, label),
    el("select", { id, name }, el("option", { value: "" }, "all"), options.map((o) => el("option", { value: o, selected: o === value }, o))));
  const node = el("section", { "aria-labelledby": "runs-title", dataset: { filter: params.toString() } },
    el("h1", { id: "runs-title" }, "Runs"),
    el("form", { class: "filters", onsubmit: apply, "aria-label": "Filter runs" },
      select("runs-source", "source", "Source", sources, chosen),
      select("runs-status", "status", "Status", statuses, status),
      select("runs-trigger", "trigger", "Trigger", triggers, trigger),
      el("button", { type: "submit" }, "Filter")),
    el("p", { class: "hint" }, `${runs.length} of ${all.length} runs (the newest 100 per source). The API has no run cancellation yet, so the console offers none.`),
    runsTable(runs));
  return { title: "Runs", node };
}

/** One run, followed every 2 s until it finishes (queued → running → loading → succeeded/partial/failed). */
export async function runPage(source, id) {
  let run = await get(`sources/${enc(source)}/runs/${enc(id)}`);
  const body = el("div");
  const node = el("section", { "aria-labelledby": "run-title" },
    el("p", { class: "crumbs" }, el("a", { href: "#/runs" }, "Runs"), " / ", el("a", { href: `#/sources/${enc(source)}` }, source), " / ", id),
    el("h1", { id: "run-title" }, `Run of ${source}`),
    body);
  let timer = null;
  let stopped = false;
  const draw = () => fill(body, runDetails(run));
  const poll = async () => {
    if (stopped) return;
    try {
      const next = await get(`sources/${enc(source)}/runs/${enc(id)}`);
      if (next.status !== run.status) announce(`Run ${next.status}`);
      run = next;
      draw();
    } catch (error) {
      fill(body, runDetails(run), notice("error", `Could not refresh: ${error.message}`));
    }
    if (!finished.has(run.status) && !stopped) timer = setTimeout(poll, 2000);
  };
  draw();
  if (!finished.has(run.status)) timer = setTimeout(poll, 2000);
  return { title: `Run of ${source}`, node, dispose() { stopped = true; clearTimeout(timer); } };
}

function runDetails(run) {
  const done = finished.has(run.status);
  return [
    el("p", { class: "run-status" }, "Status: ", el("span", { id: "run-status", dataset: { status: run.status } }, badge(run.status)), done ? "" : " (following; refreshes every 2 s)"),
    el("dl", { class: "facts" },
      [["Run id", el("code", {}, run.id)], ["Trigger", run.trigger], ["Started (UTC)", when(run.startedAt)], ["Finished (UTC)", when(run.finishedAt)],
        ["Duration", run.durationSeconds == null ? "—" : `${run.durationSeconds.toFixed(1)} s`], ["Rows read", number(run.rowsRead)], ["Rows loaded", number(run.rowsLoaded)],
        ["Rows quarantined", number(run.rowsQuarantined)], ["Rows deleted", number(run.rowsDeleted)], ["Batches", number(run.batches)],
        ["Batches poisoned", number(run.batchesPoisoned)], ["Batches lost", number(run.batchesLost)], ["Rows not loaded", number(run.rowsNotLoaded)]]
        .map(([t, v]) => [el("dt", {}, t), el("dd", {}, v)])),
    run.error ? [el("h2", {}, "Error"), el("pre", { class: "error-text" }, run.error)] : null,
    run.batchesPoisoned ? el("p", {}, el("a", { href: "#/poison" }, "See the poison queue"), " to inspect and replay its poisoned batches.") : null,
    el("h2", {}, "Anomalies"),
    anomaliesTable(run.anomalies ?? []),
    el("p", { class: "hint" }, "The API gives a run's counters and error, not a per-event log; the host log has the rest."),
  ];
}

export function anomaliesTable(anomalies, { showRun = false } = {}) {
  if (anomalies.length === 0) return el("p", { class: "muted" }, "None (or not judged: fewer than 8 earlier succeeded runs).");
  return el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, [showRun ? "Source" : null, "Stream", "Metric", "Value", "Usual", "Band", "Score", "Baseline", "Detected (UTC)", showRun ? "Run" : null].filter(Boolean).map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, anomalies.map((a) => el("tr", {},
      showRun ? el("td", {}, a.source) : null,
      el("td", {}, a.stream),
      el("td", {}, a.metric),
      el("td", { class: "num" }, fmt(a.value)),
      el("td", { class: "num" }, fmt(a.expected)),
      el("td", { class: "num" }, `${fmt(a.low)} – ${fmt(a.high)}`),
      el("td", { class: "num" }, a.score.toFixed(1)),
      el("td", {}, `${a.baselineRuns} runs${a.seasonal ? ", same weekday" : ""}`),
      el("td", {}, when(a.detectedAt)),
      showRun ? el("td", {}, el("a", { href: `#/runs/${enc(a.source)}/${enc(a.runId)}` }, "Run")) : null)))));
}

const fmt = (v) => (Math.abs(v) >= 100 ? number(Math.round(v)) : Number(v.toPrecision(3)).toString());

