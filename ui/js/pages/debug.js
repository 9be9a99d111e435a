// Debug traces: the capture switch with its filters (GET/PATCH /debug), recent traces, and one trace side by side.
import { api, seg } from "../api.js";
import { h, empty, errorBox, field, time, toast, copyButton, splitList, statusBadge } from "../dom.js";

export async function render(view, args) {
  if (args[0]) return renderTrace(view, args[0]);
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Debug traces")));
  const settingsSlot = h("div", {});
  const listSlot = h("div", {});
  view.append(settingsSlot, h("h2", {}, "Recent traces"), listSlot);
  await Promise.all([renderSettings(settingsSlot), renderList(listSlot)]);
}

async function renderSettings(slot) {
  let s;
  try {
    s = await api.get("/debug");
  } catch (e) {
    slot.append(errorBox(e, "Could not load the capture settings"));
    return;
  }
  const f = s.filters || {};
  const save = async (change, what) => {
    try {
      s = await api.patch("/debug", change);
      toast(what);
      capture.checked = s.capture;
      onError.checked = s.capture_on_error;
    } catch (e) {
      toast(e.message, "error");
      capture.checked = s.capture;
      onError.checked = s.capture_on_error;
    }
  };
  const capture = h("input", { type: "checkbox", id: "capture-switch", role: "switch", checked: s.capture,
    onchange: () => save({ capture: capture.checked }, capture.checked ? "Capture is on" : "Capture is off") });
  const onError = h("input", { type: "checkbox", id: "capture-errors-switch", role: "switch", checked: s.capture_on_error,
    onchange: () => save({ capture_on_error: onError.checked }, "Saved") });
  const keys = h("input", { name: "keys", value: (f.keys || []).join(", "), placeholder: "key names" });
  const aliases = h("input", { name: "aliases", value: (f.aliases || []).join(", "), placeholder: "aliases" });
  const providers = h("input", { name: "providers", value: (f.providers || []).join(", "), placeholder: "providers" });
  const form = h("form", { class: "card" },
    h("div", { class: "row" },
      h("label", { class: "switch", for: "capture-switch" }, capture, "Capture every request"),
      h("label", { class: "switch", for: "capture-errors-switch" }, onError, "Capture failed requests")),
    h("p", { class: "muted" }, "With capture off, requests that match any filter below are still captured. The capture switches are written to plexus.yaml (debug.capture); filters last until a restart. Secrets are redacted in traces."),
    h("div", { class: "grid2" }, field("Keys", keys, "comma-separated"), field("Aliases", aliases, "comma-separated")),
    field("Providers", providers, "comma-separated"),
    h("button", { type: "submit" }, "Save filters"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save({ filters: { keys: splitList(keys.value), aliases: splitList(aliases.value), providers: splitList(providers.value) } }, "Filters saved");
  });
  slot.append(form);
}

async function renderList(slot) {
  let page;
  try {
    page = await api.get("/debug/traces?limit=100");
  } catch (e) {
    slot.append(errorBox(e, "Could not load traces"));
    return;
  }
  if (!page.items.length) {
    slot.append(empty("No traces yet. Turn capture on, then send a request."));
    return;
  }
  slot.append(h("div", { class: "table-wrap" }, h("table", { "aria-label": "Traces" },
    h("thead", {}, h("tr", {}, ["Time", "Request", "Alias", "Provider", "Status"].map((c) => h("th", {}, c)))),
    h("tbody", {}, page.items.map((t) => {
      const open = () => { location.hash = "#/debug/" + encodeURIComponent(t.request_id); };
      return h("tr", { class: "clickable", tabindex: 0, "data-id": t.request_id, onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); } },
        h("td", {}, time(t.started_at)), h("td", {}, h("code", {}, t.request_id)), h("td", {}, t.alias || "–"),
        h("td", {}, t.provider || "–"), h("td", {}, t.status ? statusBadge(t.status) : "–"));
    })))));
}

async function renderTrace(view, id) {
  view.append(h("p", {}, h("a", { href: "#/debug" }, "← Debug traces"), " · ", h("a", { href: "#/logs/" + encodeURIComponent(id) }, "Request details")));
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Trace ", h("code", {}, id))));
  try {
    view.append(traceView(await api.get("/debug/traces/" + seg(id))));
  } catch (e) {
    view.append(errorBox(e, "Could not load the trace"));
  }
}

const pretty = (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** A collapsible panel with a copy button. */
function panel(title, content, copyText, { wide = false, open = true } = {}) {
  return h("details", { class: "panel" + (wide ? " wide" : ""), open },
    h("summary", {}, title, h("span", { class: "spacer" }), copyButton(() => copyText)),
    h("div", { class: "body" }, content));
}

function jsonBlock(v) { return h("pre", { class: "json" }, v === undefined || v === null ? "–" : pretty(v)); }

function eventsBlock(events) {
  return h("div", { class: "events" }, events.map((e) => h("div", { class: "ev" },
    h("span", { class: "at", title: "milliseconds since the request arrived" }, `${Math.round(e.at_ms ?? 0)} ms`),
    h("pre", {}, (e.event ? `event: ${e.event}\n` : "") + pretty(e.data)))));
}

/** A message part (request or response) with its headers, body or timed events. */
function part(p, label) {
  if (!p || (typeof p === "object" && !Object.keys(p).length)) return [empty(`No ${label} was recorded.`), ""];
  const bits = [];
  const meta = [];
  if (p.url) meta.push(["URL", p.url]);
  if (p.status !== undefined) meta.push(["Status", String(p.status)]);
  if (meta.length) bits.push(h("dl", { class: "kv" }, meta.map(([k, v]) => [h("dt", {}, k), h("dd", {}, h("code", {}, v))])));
  if (p.headers && Object.keys(p.headers).length) {
    bits.push(h("details", {}, h("summary", {}, "Headers"), jsonBlock(p.headers)));
  }
  if (p.events) bits.push(h("h3", {}, `${p.events.length} events`), eventsBlock(p.events));
  else bits.push(jsonBlock(p.body));
  const copy = p.events ? p.events.map((e) => (e.event ? `event: ${e.event}\n` : "") + "data: " + pretty(e.data)).join("\n\n") : pretty(p.body ?? p);
  return [h("div", {}, bits), copy];
}

/** The whole trace: client request | upstream request, upstream response | client response, final message. */
export function traceView(trace) {
  const cells = [
    ["Raw client request", trace.client_request, "client request"],
    ["Transformed upstream request", trace.upstream_request, "upstream request"],
    ["Raw upstream response", trace.upstream_response, "upstream response"],
    ["Transformed client response", trace.client_response, "client response"],
  ].map(([title, p, label]) => {
    const [content, copy] = part(p, label);
    return panel(title, content, copy);
  });
  const grid = h("div", { class: "trace-grid", id: "trace-view" }, cells);
  const retries = trace.upstream_requests || [];
  if (retries.length > 1) {
    grid.append(panel(`All upstream requests (${retries.length})`, jsonBlock(retries), pretty(retries), { wide: true, open: false }));
  }
  grid.append(panel("Reconstructed final message", jsonBlock(trace.final_message), pretty(trace.final_message), { wide: true }));
  return h("div", {}, h("div", { class: "row end" }, copyButton(() => JSON.stringify(trace, null, 2), "Copy whole trace")), grid);
}
