import { call, enc, ApiError } from "../api.js";
import { el, fill, notice, uid, announce, setFlash } from "../dom.js";

const plugins = ["sample", "monday", "quickbooks", "snowflake"];
// Stream fields the form edits one by one; the rest of a stream (rename, qa, protect, settings) is edited as JSON.
const streamFields = ["mode", "primaryKey", "cursor", "target"];

/**
 * Create (name null) or edit a source. The API validates (the YAML's rules); its problem+json `errors` are keyed
 * by JSON path ($.schedule, $.streams.customers.target.table, …) and each lands at the field with that path, or the
 * nearest enclosing one. An edit is a PUT of the whole source with If-Match: the ETag of the GET it started from.
 */
export async function sourceFormPage(name) {
  let source = { plugin: "sample", enabled: true, schedule: "0 */15 * * * *", settings: {}, secrets: {}, streams: { customers: { mode: "incremental" } } };
  let etag = null;
  if (name) ({ data: source, etag } = await call("GET", `sources/${enc(name)}`));

  const summary = el("div", { tabindex: "-1", id: "form-errors" });
  const streamsBox = el("div", { class: "streams" });
  const fields = [];
  const field = (path, label, control, hint) => {
    const id = control.id || (control.id = uid("field"));
    const errorId = `${id}-error`;
    const hintId = hint ? `${id}-hint` : null;
    control.dataset.path = path;
    if (hintId) control.setAttribute("aria-describedby", hintId);
    const wrap = el("div", { class: "field-row", dataset: { path } },
      el("label", { for: id }, label),
      hint ? el("span", { class: "hint", id: hintId }, hint) : null,
      control,
      el("span", { class: "field-error", id: errorId }));
    fields.push({ path, control, wrap, errorId, hintId });
    return wrap;
  };

  const nameInput = el("input", { name: "name", value: name ?? "", required: true, readonly: name ? true : undefined, autocomplete: "off", spellcheck: "false" });
  const pluginInput = el("input", { name: "plugin", value: source.plugin ?? "", list: "plugin-list", required: true, autocomplete: "off" });
  const enabledInput = el("input", { type: "checkbox", name: "enabled", checked: source.enabled !== false });
  const scheduleInput = el("input", { name: "schedule", value: source.schedule ?? "", autocomplete: "off", spellcheck: "false" });
  const windowStart = el("input", { name: "windowStart", value: source.window?.start ?? "", placeholder: "HH:mm", autocomplete: "off" });
  const windowEnd = el("input", { name: "windowEnd", value: source.window?.end ?? "", placeholder: "HH:mm", autocomplete: "off" });
  const settingsInput = el("textarea", { name: "settings", rows: 5, spellcheck: "false" }, pairsText(source.settings));
  const secretsInput = el("textarea", { name: "secrets", rows: 2, spellcheck: "false" }, pairsText(source.secrets));
  const metricsInput = el("textarea", { name: "metrics", rows: 3, spellcheck: "false" }, source.metrics?.length ? JSON.stringify(source.metrics, null, 2) : "");
  const notificationsInput = el("textarea", { name: "notifications", rows: 3, spellcheck: "false" }, source.notifications && Object.keys(source.notifications).length ? JSON.stringify(source.notifications, null, 2) : "");

  const streamEditors = [];
  const addStream = (streamName, spec) => {
    const editor = streamEditor(streamName, spec ?? {}, field, () => {
      streamEditors.splice(streamEditors.indexOf(editor), 1);
      editor.node.remove();
      announce(`Stream removed`);
    });
    streamEditors.push(editor);
    streamsBox.append(editor.node);
    return editor;
  };
  for (const [streamName, spec] of Object.entries(source.streams ?? {})) addStream(streamName, spec);

  const submit = el("button", { type: "submit", class: "primary" }, name ? "Save changes" : "Create source");
  const form = el("form", { class: "source-form", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(fields, summary);
    let body;
    try {
      body = {
        ...(name ? source : {}),
        name: nameInput.value.trim(),
        plugin: pluginInput.value.trim(),
        enabled: enabledInput.checked,
        schedule: scheduleInput.value.trim() || undefined,
        window: windowStart.value.trim() || windowEnd.value.trim() ? { start: windowStart.value.trim(), end: windowEnd.value.trim() } : undefined,
        settings: parsePairs(settingsInput.value, "$.settings"),
        secrets: parsePairs(secretsInput.value, "$.secrets"),
        streams: Object.fromEntries(streamEditors.map((s) => s.read())),
        metrics: parseJson(metricsInput.value, "$.metrics"),
        notifications: parseJson(notificationsInput.value, "$.notifications"),
      };
    } catch (error) {
      if (error.path) return showErrors(fields, summary, { [error.path]: [error.message] }, "The form has an error the API was not asked about yet.");
      throw error;
    }
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    submit.disabled = true;
    try {
      if (name) await call("PUT", `sources/${enc(name)}`, { body, ifMatch: etag });
      else await call("POST", "sources", { body });
      setFlash(name ? `Source ${body.name} saved.` : `Source ${body.name} created.`);
      location.hash = `#/sources/${enc(body.name)}`;
    } catch (error) {
      if (error instanceof ApiError && error.problem?.errors) showErrors(fields, summary, error.problem.errors, error.problem.detail ?? error.problem.title);
      else fill(summary, notice("error", error instanceof ApiError ? error.explanation : String(error.message ?? error), error.status === 412 ? [" ", el("button", { type: "button", onclick: () => location.reload() }, "Reload")] : null)), summary.focus();
    } finally {
      submit.disabled = false;
    }
  } },
    summary,
    el("fieldset", {}, el("legend", {}, "Source"),
      field("$.name", "Name", nameInput, name ? "A source is renamed by creating the new one and deleting the old one." : "Lowercase letters, digits and underscores."),
      field("$.plugin", "Plugin", pluginInput),
      el("datalist", { id: "plugin-list" }, plugins.map((p) => el("option", { value: p }))),
      field("$.enabled", "Enabled (the scheduler pulls it)", enabledInput),
      field("$.schedule", "Schedule", scheduleInput, "6-field NCRONTAB, seconds first, UTC, e.g. 0 */15 * * * *"),
      el("div", { class: "pair" }, field("$.window.start", "Window start (UTC)", windowStart), field("$.window.end", "Window end (UTC)", windowEnd)),
      field("$.settings", "Settings", settingsInput, "One name=value per line (the plugin's settings, e.g. customers=1000)."),
      field("$.secrets", "Secrets", secretsInput, "One logical-name=secret-store-key per line. Names of secrets only: a secret value is refused.")),
    el("fieldset", {}, el("legend", {}, "Streams"),
      streamsBox,
      el("button", { type: "button", onclick: () => {
        const editor = addStream("", {});
        editor.focus();
      } }, "Add stream")),
    el("fieldset", {}, el("legend", {}, "Metrics and notifications"),
      field("$.metrics", "Metric rules (JSON array)", metricsInput, 'e.g. [{"name": "invoice_amount", "stream": "invoices", "time": "issued_on", "value": "amount"}]'),
      field("$.notifications", "This source's notification channels (JSON object)", notificationsInput, 'e.g. {"sales": {"format": "teams", "url": "teams-sales-webhook"}}')),
    el("div", { class: "actions" }, submit, el("a", { class: "button", href: name ? `#/sources/${enc(name)}` : "#/sources" }, "Cancel")));

  const node = el("section", { "aria-labelledby": "form-title" },
    el("p", { class: "crumbs" }, el("a", { href: "#/sources" }, "Sources"), name ? [" / ", el("a", { href: `#/sources/${enc(name)}` }, name)] : null, " / ", name ? "edit" : "new"),
    el("h1", { id: "form-title" }, name ? `Edit ${name}` : "New source"),
    form);
  return { title: name ? `Edit ${name}` : "New source", node };
}

function streamEditor(streamName, spec, field, remove) {
  let current = streamName;
  const p = () => `$.streams.${current || "?"}`;
  const nameInput = el("input", { value: streamName, required: true, autocomplete: "off", spellcheck: "false" });
  const mode = el("select", {}, ["incremental", "full"].map((m) => el("option", { value: m, selected: (spec.mode ?? "incremental") === m }, m)));
  const primaryKey = el("input", { value: spec.primaryKey?.join(", ") ?? "", placeholder: "plugin default", autocomplete: "off" });
  const cursor = el("input", { value: spec.cursor ?? "", placeholder: "plugin default", autocomplete: "off" });
  const schema = el("input", { value: spec.target?.schema ?? "", placeholder: "public", autocomplete: "off" });
  const table = el("input", { value: spec.target?.table ?? "", placeholder: "stream name", autocomplete: "off" });
  const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => !streamFields.includes(k)));
  const more = el("textarea", { rows: 3, spellcheck: "false" }, Object.keys(rest).length ? JSON.stringify(rest, null, 2) : "");
  more.dataset.catchall = "true";
  const wraps = [
    field(p(), "Stream name", nameInput),
    field(`${p()}.mode`, "Mode", mode),
    field(`${p()}.primaryKey`, "Primary key", primaryKey, "Columns, comma-separated."),
    field(`${p()}.cursor`, "Cursor field", cursor),
    field(`${p()}.target.schema`, "Target schema", schema),
    field(`${p()}.target.table`, "Target table", table),
    field(p(), "More (JSON: rename, qa, protect, settings)", more, 'e.g. {"qa": [{"column": "name", "rule": "not_null"}], "protect": {"email": "encrypt"}}'),
  ];
  // Error paths use the stream's name: keep the fields' paths in step with it.
  const suffixes = ["", ".mode", ".primaryKey", ".cursor", ".target.schema", ".target.table", ""];
  const controls = [nameInput, mode, primaryKey, cursor, schema, table, more];
  const repath = () => controls.forEach((c, i) => {
    const path = `$.streams.${current || "?"}${suffixes[i]}`;
    c.dataset.path = path;
    c.closest(".field-row").dataset.path = path;
  });
  nameInput.addEventListener("input", () => { current = nameInput.value.trim(); repath(); legendText.textContent = current || "new stream"; });
  const legendText = el("span", {}, streamName || "new stream");
  const node = el("fieldset", { class: "stream" },
    el("legend", {}, "Stream ", legendText),
    wraps,
    el("button", { type: "button", class: "link", onclick: remove }, "Remove this stream"));
  return {
    node,
    focus: () => nameInput.focus(),
    read() {
      const path = `$.streams.${current || "?"}`;
      const extra = parseJson(more.value, path) ?? {};
      const target = schema.value.trim() || table.value.trim() ? { schema: schema.value.trim() || undefined, table: table.value.trim() || undefined } : undefined;
      const streamSpec = {
        ...extra,
        mode: mode.value,
        primaryKey: primaryKey.value.trim() ? primaryKey.value.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
        cursor: cursor.value.trim() || undefined,
        target,
      };
      for (const key of Object.keys(streamSpec)) if (streamSpec[key] === undefined) delete streamSpec[key];
      return [current, streamSpec];
    },
  };
}

function pairsText(map) {
  return Object.entries(map ?? {}).map(([k, v]) => `${k}=${v}`).join("\n");
}

function parsePairs(text, path) {
  const map = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf("=");
    if (at <= 0) throw Object.assign(new Error(`line ${i + 1}: expected name=value`), { path });
    map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return map;
}

function parseJson(text, path) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(new Error(`not valid JSON: ${error.message}`), { path });
  }
}

function clearErrors(fields, summary) {
  fill(summary);
  for (const f of fields) {
    f.wrap.classList.remove("has-error");
    f.control.removeAttribute("aria-invalid");
    f.control.setAttribute("aria-describedby", [f.hintId].filter(Boolean).join(" "));
    const box = document.getElementById(f.errorId);
    if (box) box.textContent = "";
  }
}

/** Among fields of one path: an exact error goes to the plain field, a deeper one to the JSON catch-all. */
function rank(field, path) {
  const catchall = field.control.dataset.catchall === "true";
  return field.control.dataset.path === path ? (catchall ? 1 : 0) : (catchall ? 0 : 1);
}

/** Puts each error at the field whose path is the error's path or its nearest ancestor; lists all at the top. */
function showErrors(fields, summary, errors, detail) {
  const live = fields.filter((f) => f.control.isConnected);
  const placed = [];
  for (const [path, messages] of Object.entries(errors)) {
    const target = live
      .filter((f) => f.control.dataset.path === path || path.startsWith(f.control.dataset.path + ".") || path.startsWith(f.control.dataset.path + "["))
      .sort((a, b) => b.control.dataset.path.length - a.control.dataset.path.length || rank(a, path) - rank(b, path))[0];
    if (target) {
      target.wrap.classList.add("has-error");
      target.control.setAttribute("aria-invalid", "true");
      target.control.setAttribute("aria-describedby", [target.errorId, target.hintId].filter(Boolean).join(" "));
      const box = document.getElementById(target.errorId);
      box.textContent = [box.textContent, ...messages.map((m) => (path === target.control.dataset.path ? m : `${path.slice(target.control.dataset.path.length + 1)}: ${m}`))].filter(Boolean).join(" ");
    }
    placed.push({ path, messages, target });
  }
  fill(summary, el("div", { class: "notice notice-error", role: "alert" },
    el("h2", {}, detail || "The source is invalid"),
    el("ul", {}, placed.map(({ path, messages, target }) => el("li", {},
      target ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); target.control.focus(); } }, el("code", {}, path)) : el("code", {}, path),
      ": ", messages.join(" "))))));
  summary.focus();
}
