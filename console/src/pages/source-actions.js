import { call, enc, ApiError } from "../api.js";
import { el, fill, notice, announce, confirmDialog, setFlash } from "../dom.js";

export function showError(box, error) {
  const text = error instanceof ApiError ? error.explanation : String(error?.message ?? error);
  fill(box, notice("error", text, error instanceof ApiError && error.status === 412 ? [" ", el("button", { type: "button", onclick: () => location.reload() }, "Reload")] : null));
}

/** POST …/runs, then go to the run, which follows it until it finishes; on 409, go to the run already under way. */
export async function runNow(name, box) {
  try {
    const { data } = await call("POST", `sources/${enc(name)}/runs`);
    announce(`Run of ${name} queued`);
    location.hash = `#/runs/${enc(name)}/${enc(data.runId)}`;
  } catch (error) {
    // A pull already queued or under way (often the scheduler's first run of a new source): follow that run.
    if (error instanceof ApiError && error.status === 409 && error.problem?.runId) {
      setFlash(`A run of ${name} was already queued or under way; this is that run.`);
      location.hash = `#/runs/${enc(name)}/${enc(error.problem.runId)}`;
      return;
    }
    showError(box, error);
  }
}

/**
 * PATCH {enabled}. With the ETag of the page's GET when there is one; from a list (no ETag in hand) the source is
 * read first, so the write still carries If-Match against a concurrent change between the two calls.
 */
export async function setEnabled(name, enabled, etag, box) {
  try {
    let ifMatch = etag;
    if (!ifMatch) ifMatch = (await call("GET", `sources/${enc(name)}`)).etag;
    await call("PATCH", `sources/${enc(name)}`, { body: { enabled }, ifMatch });
    setFlash(`${name} ${enabled ? "enabled" : "disabled"}.`);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } catch (error) {
    showError(box, error);
  }
}

export async function deleteSource(name, etag, box) {
  const ok = await confirmDialog({
    title: `Delete source ${name}?`,
    body: el("p", {}, "The definition goes; its loaded tables, run history and cursors stay. Re-creating it resumes from its cursors."),
    confirm: "Delete",
    danger: true,
    typed: name,
  });
  if (!ok) return;
  try {
    await call("DELETE", `sources/${enc(name)}`, { ifMatch: etag });
    setFlash(`Source ${name} deleted.`);
    location.hash = "#/sources";
  } catch (error) {
    showError(box, error);
  }
}

export async function resetStream(source, stream, box) {
  const ok = await confirmDialog({
    title: `Reset stream ${stream}?`,
    body: el("p", {}, `The cursor of ${source} / ${stream} is forgotten: the next pull reads the whole stream again (a full resync; rows are merged, not duplicated). The reset is audited.`),
    confirm: "Reset stream",
    danger: true,
  });
  if (!ok) return false;
  try {
    const { data } = await call("POST", `sources/${enc(source)}/streams/${enc(stream)}/reset`);
    fill(box, notice("ok", `Stream ${stream} reset. `, data.previousCursor ? `Forgotten cursor: ${data.previousCursor}.` : "It had no cursor yet.", " The next pull is a full resync."));
    announce(`Stream ${stream} reset`);
    return true;
  } catch (error) {
    showError(box, error);
    return false;
  }
}
