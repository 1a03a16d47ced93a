// A small element builder: the console renders with plain DOM calls, no framework.

/** el("a", { href: "#/x", class: "y", onclick: fn }, "text", child, [more]) */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "value") node.value = value;
    else if (name === "checked") node.checked = Boolean(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of a node. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let ids = 0;
export const uid = (prefix) => `${prefix}-${++ids}`;

/** Tells screen readers what just happened (an aria-live region in index.html). */
export function announce(message) {
  const live = document.getElementById("live");
  if (live) live.textContent = message;
}

export function when(value) {
  if (!value) return "—";
  const date = new Date(value);
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** "3 min ago", for a table at a glance; the exact time goes in the title attribute. */
export function ago(value, now = Date.now()) {
  if (!value) return el("span", {}, "never");
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  return el("time", { datetime: value, title: when(value) }, seconds < 0 ? "in " + span(-seconds) : span(seconds) + " ago");
}

export function span(seconds) {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const number = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));

/** A status word with its colour class; the word itself carries the meaning (not colour alone). */
export function badge(word) {
  return el("span", { class: `badge badge-${String(word ?? "none").replace(/[^a-z_]/gi, "")}` }, word ?? "—");
}

/**
 * A modal confirmation (native dialog: focus is trapped and Escape cancels). Resolves true on confirm.
 * `typed`: the user must type this word first (for destructive actions).
 */
export function confirmDialog({ title, body, confirm, danger = false, typed = null }) {
  return new Promise((resolve) => {
    const titleId = uid("dialog-title");
    const inputId = uid("dialog-input");
    const input = typed ? el("input", { id: inputId, autocomplete: "off", spellcheck: "false" }) : null;
    const ok = el("button", { type: "submit", class: danger ? "danger" : "primary", disabled: typed ? true : undefined }, confirm);
    const dialog = el("dialog", { "aria-labelledby": titleId },
      el("form", { method: "dialog" },
        el("h2", { id: titleId }, title),
        el("div", {}, body),
        typed ? el("p", {}, el("label", { for: inputId }, `Type ${typed} to confirm`), input) : null,
        el("div", { class: "actions" },
          el("button", { type: "button", value: "cancel", onclick: () => dialog.close("cancel") }, "Cancel"),
          ok)));
    if (input) input.addEventListener("input", () => { ok.disabled = input.value !== typed; });
    ok.addEventListener("click", (e) => { e.preventDefault(); dialog.close("confirm"); });
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue === "confirm"); });
    document.body.append(dialog);
    dialog.showModal();
    (input ?? ok).focus();
  });
}

/** A message box for the result of an action: role=alert for errors so it is read at once. */
export function notice(kind, ...content) {
  return el("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...content);
}

let flash = null;

/** A message for the next page shown (after an action that navigates, e.g. a save). */
export function setFlash(message) {
  flash = message;
}

export function takeFlash() {
  const message = flash;
  flash = null;
  return message;
}

/**
 * Tables wider than the page scroll inside their `.table-wrap`; a keyboard user must be able to scroll them too, so a
 * wrapper that really scrolls becomes a focusable, named region (WCAG 2.1.1; axe's scrollable-region-focusable).
 * Called after each render, after a page redraws itself and on resize: a wrapper that stops scrolling leaves the tab order.
 */
export function markScrollableRegions(root = document) {
  for (const wrap of root.querySelectorAll(".table-wrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1) {
      const table = wrap.querySelector("table");
      const labelledBy = table?.getAttribute("aria-labelledby") ?? wrap.closest("section[aria-labelledby]")?.getAttribute("aria-labelledby");
      const label = (labelledBy && document.getElementById(labelledBy)?.textContent) || table?.querySelector("caption")?.textContent || "Table";
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", `${label.trim()} (scrolls sideways)`);
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }
}
