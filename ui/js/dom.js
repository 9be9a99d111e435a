// Small DOM and formatting helpers. Text always goes in as text nodes (never as HTML).

/** Creates an element: h("a", {href: "#", onclick: fn, class: "x"}, "text", child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = tag.includes(":")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.split(":")[1]) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.setAttribute("class", v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value" && "value" in el && !tag.includes(":")) el.value = v;
    else if (k === "checked" || k === "selected" || k === "disabled" || k === "hidden" || k === "open" || k === "required") el[k] = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** SVG element shorthand. */
export const s = (tag, attrs, ...children) => h("svg:" + tag, attrs, ...children);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function toast(message, kind = "info") {
  const t = h("div", { class: "toast " + kind, role: kind === "error" ? "alert" : "status" }, message);
  document.getElementById("toasts").append(t);
  setTimeout(() => t.remove(), kind === "error" ? 7000 : 3500);
}

export const empty = (text) => h("div", { class: "empty" }, text);

/** An error box for a failed API call. */
export function errorBox(err, prefix = "") {
  const text = (prefix ? prefix + ": " : "") + (err && err.message ? err.message : String(err));
  return h("div", { class: "alert error", role: "alert" }, text);
}

export function field(label, input, hint) {
  const id = input.id || "f-" + Math.random().toString(36).slice(2, 9);
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("span", { class: "hint" }, hint) : null);
}

/** A modal dialog; resolves with the value of the button pressed (Escape resolves null). */
export function dialog(title, body, buttons = [{ label: "OK", value: true, class: "primary" }]) {
  return new Promise((resolve) => {
    const d = h("dialog", { "aria-label": title }, h("h2", {}, title), body,
      h("div", { class: "row end" }, buttons.map((b) =>
        h("button", { type: "button", class: b.class || "", "data-value": String(b.value), onclick: () => { d.close(); resolve(b.value); } }, b.label))));
    d.addEventListener("cancel", () => resolve(null));
    d.addEventListener("close", () => setTimeout(() => d.remove(), 0));
    document.body.append(d);
    d.showModal();
  });
}

export const confirmDialog = (title, text, label = "Delete") =>
  dialog(title, h("p", {}, text), [{ label: "Cancel", value: false }, { label, value: true, class: "danger" }]);

/** A button that copies the text returned by `get` to the clipboard. */
export function copyButton(get, label = "Copy") {
  return h("button", {
    type: "button", class: "small", title: "Copy to clipboard",
    onclick: async (e) => {
      e.preventDefault();
      e.stopPropagation();
      const text = get();
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const area = h("textarea", {}, text);
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      toast("Copied");
    },
  }, label);
}

// Formatting

const nf = new Intl.NumberFormat("en-US");
export const num = (n) => (n === null || n === undefined ? "–" : nf.format(Math.round(n)));
export function compact(n) {
  if (n === null || n === undefined) return "–";
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M";
  if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(0) + "k";
  return nf.format(Math.round(n * 100) / 100);
}
/** USD; null means unknown (no pricing), never shown as 0. */
export function usd(n) {
  if (n === null || n === undefined) return "–";
  if (n === 0) return "$0";
  if (Math.abs(n) < 0.01) return "$" + n.toFixed(6).replace(/0+$/, "");
  return "$" + n.toFixed(n < 100 ? 4 : 2);
}
/** USD for chart axes: enough digits for fractions of a cent. */
export function usdAxis(v) {
  if (!v) return "$0";
  if (v >= 1) return "$" + compact(v);
  return "$" + Number(v.toPrecision(2)).toString();
}
export function ms(n) {
  if (n === null || n === undefined) return "–";
  return n >= 10000 ? (n / 1000).toFixed(1) + " s" : Math.round(n) + " ms";
}
export const tps = (n) => (n === null || n === undefined ? "–" : n.toFixed(1));
export const pct = (n) => (n === null || n === undefined ? "–" : (n * 100).toFixed(1) + "%");
export function time(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}
export function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  const m = Math.floor(seconds / 60), sec = seconds % 60;
  return m ? `${m}m ${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

/** Status of a usage row as a badge. */
export function statusBadge(status, http) {
  const kind = status === "success" ? "ok" : status === "error" ? "bad" : status === "running" ? "" : "warn";
  return h("span", { class: "badge " + kind }, status + (http ? " " + http : ""));
}

export const sumTokens = (t) => t ? ["input", "cache_read", "cache_write", "output", "reasoning"].reduce((a, k) => a + (t[k] || 0), 0) : 0;

/** The range choices of Overview and Usage: label, seconds, bucket. */
export const RANGES = [
  { id: "1h", label: "Last hour", seconds: 3600, bucket: "minute" },
  { id: "24h", label: "Last 24 hours", seconds: 86400, bucket: "hour" },
  { id: "7d", label: "Last 7 days", seconds: 7 * 86400, bucket: "hour" },
  { id: "30d", label: "Last 30 days", seconds: 30 * 86400, bucket: "day" },
];

export function rangeSelect(current, onchange) {
  return h("select", { "aria-label": "Time range", onchange: (e) => onchange(e.target.value) },
    RANGES.map((r) => h("option", { value: r.id, selected: r.id === current }, r.label)));
}

/** A comma-separated text as a list of trimmed non-empty entries. */
export const splitList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
