import { call, get, enc, ApiError } from "../api.js";
import { el, when, notice, setFlash, confirmDialog } from "../dom.js";
import { showError } from "./source-actions.js";

const kinds = [
  { path: "batches/poison", title: "Poisoned batches", what: "batch", plural: "batches", help: "Batches that failed to load too often (Daedalus:Queue:MaxDequeueCount, 5 by default). Replaying moves a batch back to the batch queue; the worker loads it again (a batch already loaded is a no-op)." },
  { path: "pulls/poison", title: "Poisoned pull requests", what: "pull request", plural: "pull requests", help: "Pull requests that failed too often; their runs are failed until replayed. Replaying moves one back to the pull queue and resumes its run." },
];

/** The two poison queues: inspect each message's error, replay one or all. */
export async function poisonPage() {
  const message = el("div");
  const sections = await Promise.all(kinds.map((kind) => section(kind, message)));
  const node = el("section", { "aria-labelledby": "poison-title" },
    el("h1", { id: "poison-title" }, "Poison queues"),
    message,
    sections);
  return { title: "Poison", node };
}

async function section(kind, message) {
  const id = kind.path.replace("/", "-");
  let items;
  try {
    items = (await get(`${kind.path}?limit=32`)).items;
  } catch (error) {
    const text = error instanceof ApiError && error.status === 503 ? "This host has no queue (503)." : error.message;
    return el("section", { "aria-labelledby": `${id}-title` }, el("h2", { id: `${id}-title` }, kind.title), notice("warn", text));
  }
  const replay = async (messageId) => {
    if (!messageId) {
      const ok = await confirmDialog({ title: `Replay every ${kind.what}?`, body: el("p", {}, `All ${items.length} shown (and any others in the queue) go back to be processed again.`), confirm: "Replay all" });
      if (!ok) return;
    }
    try {
      const { data } = await call("POST", `${kind.path}/replay`, messageId ? { body: { messageId } } : {});
      setFlash(`${data.replayed} ${data.replayed === 1 ? kind.what : kind.plural} replayed.`);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (error) {
      showError(message, error);
    }
  };
  return el("section", { "aria-labelledby": `${id}-title` },
    el("div", { class: "page-head" },
      el("h2", { id: `${id}-title` }, `${kind.title} (${items.length})`),
      items.length ? el("button", { type: "button", onclick: () => replay(null) }, `Replay all ${kind.plural}`) : null),
    el("p", { class: "hint" }, kind.help),
    items.length === 0 ? el("p", { class: "muted", id: `${id}-empty` }, "The queue is empty.") : el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ["Source", kind.path.startsWith("batches") ? "Stream" : "Run", "Poisoned at (UTC)", "Attempts", "Error", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, items.map((item) => el("tr", { dataset: { message: item.messageId } },
        el("td", {}, item.source ?? "—"),
        el("td", {}, kind.path.startsWith("batches") ? item.stream ?? "—" : item.runId ? el("a", { href: `#/runs/${enc(item.source ?? "")}/${enc(item.runId)}` }, "run") : "—"),
        el("td", {}, when(item.insertedAt)),
        el("td", { class: "num" }, item.dequeueCount),
        el("td", {}, el("details", {}, el("summary", {}, firstLine(item.error)), el("pre", { class: "error-text" }, item.error), item.batchId ? el("p", {}, "Batch ", el("code", {}, item.batchId)) : null, el("p", {}, "Message ", el("code", {}, item.messageId)))),
        el("td", {}, el("button", { type: "button", onclick: () => replay(item.messageId), "aria-label": `Replay ${kind.what} ${item.batchId ?? item.messageId}` }, "Replay"))))))));
}

const firstLine = (text) => {
  const line = String(text ?? "").split("\n")[0];
  return line.length > 90 ? line.slice(0, 90) + "…" : line;
};
