import { get, call, enc } from "../api.js";
import { el, fill, badge, number, when, announce, notice, confirmDialog, markScrollableRegions } from "../dom.js";
import { showError } from "./source-actions.js";

const finished = new Set(["succeeded", "partial", "failed", "cancelled", "skipped"]);
const statuses = ["queued", "running", "loading", "succeeded", "partial", "failed", "cancelled", "skipped"];
/** A run can be cancelled while its pull has not ended (the API answers 409 from loading on). */
const cancellable = new Set(["queued", "running"]);

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
    el("p", { class: "hint" }, `${runs.length} of ${all.length} runs (the newest 100 per source).`),
    runsTable(runs));
  return { title: "Runs", node };
}

/** One run and its events, followed every 2 s until it finishes (queued → running → loading → succeeded/partial/failed/cancelled). */
export async function runPage(source, id) {
  let run = await get(`sources/${enc(source)}/runs/${enc(id)}`);
  let events = await loadEvents(source, id);
  const body = el("div");
  const message = el("div", { role: "status" });
  const node = el("section", { "aria-labelledby": "run-title" },
    el("p", { class: "crumbs" }, el("a", { href: "#/runs" }, "Runs"), " / ", el("a", { href: `#/sources/${enc(source)}` }, source), " / ", id),
    el("h1", { id: "run-title" }, `Run of ${source}`),
    message,
    body);
  let timer = null;
  let stopped = false;
  const cancel = async () => {
    const ok = await confirmDialog({
      title: "Cancel this run?",
      body: el("p", {}, run.status === "queued"
        ? "The run has not started: it is cancelled at once and its pull request is dropped when a worker takes it."
        : "The pull stops at its next batch boundary. Batches it already enqueued still load and the cursor stays where they put it, so the next run resumes without loss or duplicates. The cancel is audited."),
      confirm: "Cancel run",
      danger: true,
    });
    if (!ok) return;
    try {
      const { data } = await call("POST", `sources/${enc(source)}/runs/${enc(id)}/cancel`);
      run = data;
      fill(message, notice("ok", data.status === "cancelled" ? "Run cancelled." : "Cancel requested: the pull stops at its next batch boundary."));
      announce(data.status === "cancelled" ? "Run cancelled" : "Cancel requested");
      draw();
    } catch (error) {
      showError(message, error);
    }
  };
  const draw = () => {
    fill(body, runDetails(run, cancel), eventsSection(events));
    markScrollableRegions(body);
  };
  const poll = async () => {
    if (stopped) return;
    try {
      const next = await get(`sources/${enc(source)}/runs/${enc(id)}`);
      if (next.status !== run.status) announce(`Run ${next.status}`);
      run = next;
      events = await loadEvents(source, id);
      draw();
    } catch (error) {
      fill(body, runDetails(run, cancel), eventsSection(events), notice("error", `Could not refresh: ${error.message}`));
    }
    if (!finished.has(run.status) && !stopped) timer = setTimeout(poll, 2000);
  };
  draw();
  if (!finished.has(run.status)) timer = setTimeout(poll, 2000);
  return { title: `Run of ${source}`, node, dispose() { stopped = true; clearTimeout(timer); } };
}

const loadEvents = (source, id) => get(`sources/${enc(source)}/runs/${enc(id)}/events?limit=1000`).then((r) => r.items);

function runDetails(run, cancel) {
  const done = finished.has(run.status);
  const stopping = run.cancelRequestedAt && !done;
  return [
    el("p", { class: "run-status" }, "Status: ", el("span", { id: "run-status", dataset: { status: run.status } }, badge(run.status)),
      stopping ? " (cancel requested: stops at the next batch boundary)" : "", done ? "" : " (following; refreshes every 2 s)"),
    cancellable.has(run.status) && !run.cancelRequestedAt
      ? el("p", { class: "actions" }, el("button", { type: "button", id: "run-cancel", class: "danger", onclick: cancel }, "Cancel run…"))
      : null,
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
  ];
}

/** What happened in the run, in the order it was recorded (API: …/runs/{id}/events). */
function eventsSection(events) {
  return el("section", { "aria-labelledby": "run-events-title" },
    el("h2", { id: "run-events-title" }, "Events"),
    events.length === 0 ? el("p", { class: "muted" }, "No events recorded.") : el("div", { class: "table-wrap" }, el("table", { id: "run-events" },
      el("thead", {}, el("tr", {}, ["At (UTC)", "Event", "Stream", "Batch", "Detail"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, events.map((e) => el("tr", { dataset: { kind: e.kind } },
        el("td", {}, when(e.at)),
        el("td", {}, /poisoned|lost/.test(e.kind) ? badge(e.kind) : e.kind),
        el("td", {}, e.stream ?? ""),
        el("td", {}, e.batchId ? el("code", {}, e.batchId) : ""),
        el("td", {}, el("code", { class: "event-detail" }, JSON.stringify(e.detail)))))))));
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

