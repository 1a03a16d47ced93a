// The console's only server: the public HTTP API under /api/v1, same origin. The console lives at
// <base>/api/console/, so the API is at ../v1/ from it, whatever prefix a proxy adds in front.

export const apiBase = new URL("../v1/", new URL(".", location.href)).pathname;
const keyStorage = "daedalus.console.key";

/** An error answer: status and the problem+json body (title, detail, errors keyed by JSON path). */
export class ApiError extends Error {
  constructor(status, problem, text) {
    super(problem?.detail || problem?.title || text || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? null;
  }

  /** The message an operator should read for this answer. */
  get explanation() {
    if (this.status === 401) return "The key was refused (missing, unknown or revoked). Sign in again.";
    if (this.status === 403) return "This key may not do that (a write-scope key is needed).";
    if (this.status === 412) return "Someone else changed this source since you loaded it. Reload to see their version, then make your change again.";
    const base = this.problem?.title && this.problem?.detail ? `${this.problem.title}: ${this.problem.detail}` : this.message;
    return base;
  }
}

/**
 * How the host wants to be authenticated, read from the anonymous OpenAPI document's security schemes:
 * "apikey" (Authorization: Bearer), "functionkey" (x-functions-key) or "none".
 */
export async function authMode() {
  const response = await fetch(apiBase + "openapi.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new ApiError(response.status, null, "The API's OpenAPI document could not be read.");
  const document = await response.json();
  const schemes = document.components?.securitySchemes ?? {};
  if (schemes.bearer || schemes.apiKeyHeader) return "apikey";
  if (schemes.functionKey || schemes.functionKeyQuery) return "functionkey";
  return "none";
}

export const session = {
  mode: "apikey",
  get key() { return sessionStorage.getItem(keyStorage); },
  set key(value) { if (value) sessionStorage.setItem(keyStorage, value); else sessionStorage.removeItem(keyStorage); },
};

function authHeaders() {
  const key = session.key;
  if (!key || session.mode === "none") return {};
  return session.mode === "functionkey" ? { "x-functions-key": key } : { authorization: `Bearer ${key}` };
}

/**
 * One API call. Resolves { status, data, etag }; rejects with ApiError for any non-2xx answer.
 * `ifMatch`: the ETag the caller read, sent as If-Match (a stale write then answers 412).
 */
export async function call(method, path, { body, ifMatch, signal } = {}) {
  const headers = { accept: "application/json, application/problem+json", ...authHeaders() };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (ifMatch) headers["if-match"] = ifMatch;
  const response = await fetch(apiBase + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: "no-store" });
  const text = await response.text();
  let data = null;
  if (text && /json/.test(response.headers.get("content-type") ?? "")) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, text && !data ? text.slice(0, 300) : null);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("daedalus:unauthorized"));
    throw error;
  }
  return { status: response.status, data, etag: response.headers.get("etag") };
}

export const get = (path, options) => call("GET", path, options).then((r) => r.data);
export const enc = encodeURIComponent;

/** The status route answers 503 with a full report when a dependency is down: both are a report. */
export async function getStatus() {
  try {
    return await get("status");
  } catch (error) {
    if (error instanceof ApiError && error.status === 503 && error.problem?.checks) return error.problem;
    throw error;
  }
}
