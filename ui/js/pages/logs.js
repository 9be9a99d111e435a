// Logs: the request table, live over the event stream, with filters and paging; a row opens its details.
import { api, query, seg } from "../api.js";
import { h, clear, empty, errorBox, field, num, usd, ms, tps, time, statusBadge, copyButton } from "../dom.js";
import { onLive, recent, inflight, whenFinished } from "../live.js";
import { traceView } from "./debug.js";

const FILTERS = ["key", "attribution", "alias", "provider", "model", "status", "streamed", "passthrough", "client_api", "target_api"];
const state = { filters: {}, limit: 50, cursors: [], cursor: null };

export async function render(view, args) {
  if (args[0]) return renderDetail(view, args[0]);
  return renderList(view);
}

const API_CHOICES = [["", "any"], ["chat", "chat"], ["messages", "messages"], ["gemini", "gemini"], ["responses", "responses"], ["embeddings", "embeddings"]];

function filterForm(reload) {
  const f = state.filters;
  const text = (name, label) => field(label, h("input", { name, value: f[name] || "", placeholder: "any", size: 12 }));
  const choice = (name, label, options) => field(label, h("select", { name },
    options.map(([v, l]) => h("option", { value: v, selected: (f[name] || "") === v }, l))));
  const form = h("form", { class: "toolbar", role: "search", "aria-label": "Filter requests" },
    text("key", "Key"), text("attribution", "User"), text("alias", "Alias"), text("provider", "Provider"), text("model", "Model"),
    choice("status", "Status", [["", "any"], ["success", "success"], ["error", "error"], ["cancelled", "cancelled"], ["limited", "limited"]]),
    choice("streamed", "Stream", [["", "any"], ["true", "streamed"], ["false", "unary"]]),
    choice("passthrough", "Passthrough", [["", "any"], ["true", "⚡ yes"], ["false", "no"]]),
    choice("client_api", "Client API", API_CHOICES), choice("target_api", "Target API", API_CHOICES),
    choice("limit", "Per page", [["25", "25"], ["50", "50"], ["100", "100"], ["200", "200"]]),
    h("button", { type: "submit", class: "primary" }, "Apply"),
    h("button", { type: "button", onclick: () => { state.filters = {}; state.cursors = []; state.cursor = null; reload(true); } }, "Reset"));
  form.elements.limit.value = String(state.limit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    state.filters = {};
    for (const k of FILTERS) if (data.get(k)) state.filters[k] = String(data.get(k)).trim();
    state.limit = Number(data.get("limit")) || 50;
    state.cursors = [];
    state.cursor = null;
    reload(false);
  });
  return form;
}

const COLUMNS = ["Time", "Key", "User", "Alias", "Provider / model", "Kind", "API", "⚡", "Stream", "In", "Cache r", "Cache w", "Out", "Reasoning", "Cost", "TTFT", "Tok/s", "Duration", "Status"];
const NUMERIC = new Set(["In", "Cache r", "Cache w", "Out", "Reasoning", "Cost", "TTFT", "Tok/s", "Duration"]);

/** One table row for a usage row (or a running request, from request_started). */
export function logRow(r, running = false) {
  const t = r.tokens || {};
  const open = () => { location.hash = "#/logs/" + encodeURIComponent(r.request_id); };
  const tr = h("tr", {
    class: "clickable" + (running ? " running" : ""), tabindex: 0, "data-id": r.request_id,
    onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); },
  },
  h("td", { title: r.started_at }, time(r.started_at)),
  h("td", {}, r.key || "–"),
  h("td", { class: "attribution", title: "the label after the key (SECRET:label)" }, r.attribution || "–"),
  h("td", {}, r.alias || "–"),
  h("td", {}, r.provider ? `${r.provider} / ${r.model || "?"}` : "–"),
  h("td", { class: "kind" }, r.kind === "embeddings" ? h("span", { class: "badge kind" }, "embeddings") : r.kind || "chat"),
  h("td", {}, r.target_api ? `${r.client_api} → ${r.target_api}` : r.client_api || "–"),
  h("td", { title: r.passthrough ? "passthrough: the body was not translated" : "" }, r.passthrough ? h("span", { class: "pt" }, "⚡") : ""),
  h("td", { title: r.streamed ? "streamed" : "unary" }, r.streamed ? "≋" : ""),
  h("td", { class: "num", title: r.tokens_estimated ? "estimated: the upstream reported no count" : "" },
    running ? "" : (r.tokens_estimated ? "~" : "") + num(t.input)),
  ...[t.cache_read, t.cache_write, t.output, t.reasoning].map((v) => h("td", { class: "num" }, running ? "" : num(v))),
  h("td", { class: "num" }, running ? "" : usd(r.cost ? r.cost.total : null)),
  h("td", { class: "num" }, running ? "" : ms(r.ttft_ms)),
  h("td", { class: "num" }, running ? "" : tps(r.tokens_per_second)),
  h("td", { class: "num" }, running ? "" : ms(r.duration_ms)),
  h("td", {}, statusBadge(running ? "running" : r.status, running ? null : r.http_status)));
  return tr;
}

export function logTable(rows) {
  return h("div", { class: "table-wrap" }, h("table", { "aria-label": "Requests" },
    h("thead", {}, h("tr", {}, COLUMNS.map((c) => h("th", { class: NUMERIC.has(c) ? "num" : "", scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => logRow(r)))));
}

/** Whether a live row passes the filters in use (so the live view matches what a reload would show). */
function matches(r) {
  const f = state.filters;
  for (const k of ["key", "attribution", "alias", "provider", "model", "status", "client_api", "target_api"]) if (f[k] && r[k] !== f[k]) return false;
  if (f.streamed && String(!!r.streamed) !== f.streamed) return false;
  if (f.passthrough && String(!!r.passthrough) !== f.passthrough) return false;
  return true;
}

async function renderList(view) {
  const listArea = h("div", { id: "logs-list" });
  let tbody = null;
  const reload = async (redrawForm) => {
    if (redrawForm) { formSlot.replaceChildren(filterForm(reload)); }
    clear(listArea);
    tbody = null;
    let page;
    try {
      page = await api.get("/usage" + query({ ...state.filters, limit: state.limit, cursor: state.cursor }));
    } catch (e) {
      listArea.append(errorBox(e, "Could not load requests"));
      return;
    }
    const table = logTable(page.items);
    tbody = table.querySelector("tbody");
    const emptyNote = empty(Object.keys(state.filters).length
      ? "No requests match these filters." : "No requests yet. Send one through the gateway and it shows up here live.");
    emptyNote.id = "logs-empty";
    listArea.append(page.items.length ? table : emptyNote, pager(page, reload));
    if (!page.items.length) { table.hidden = true; listArea.prepend(table); }
  };
  const formSlot = h("div", {}, filterForm(reload));
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Logs"),
    h("span", { class: "muted" }, "Live: new requests appear at the top of the first page.")), formSlot, listArea);
  await reload(false);

  const live = (r, running) => {
    if (!tbody || state.cursor || !matches(r)) return;
    const old = tbody.querySelector(`tr[data-id="${CSS.escape(r.request_id)}"]`);
    const row = logRow(r, running);
    if (!running) row.classList.add("fresh");
    if (old) old.replaceWith(row); else tbody.prepend(row);
    tbody.closest(".table-wrap").hidden = false;
    const note = document.getElementById("logs-empty");
    if (note) note.remove();
    while (tbody.children.length > state.limit * 2) tbody.lastChild.remove();
  };
  const offs = [
    onLive("request_started", (d) => live({ ...d, tokens: {} }, true)),
    onLive("request_finished", (d) => live(d, false)),
  ];
  return () => offs.forEach((off) => off());
}

function pager(page, reload) {
  return h("div", { class: "pager" },
    h("button", { type: "button", disabled: !state.cursors.length, onclick: () => { state.cursor = state.cursors.pop() || null; reload(false); } }, "← Newer"),
    h("button", { type: "button", onclick: () => { state.cursors = []; state.cursor = null; reload(false); }, disabled: !state.cursor }, "Newest"),
    h("button", { type: "button", disabled: !page.next_cursor, onclick: () => { state.cursors.push(state.cursor); state.cursor = page.next_cursor; reload(false); } }, "Older →"));
}

/** The row from this page's live events, or when still running once it ends, else from the store. */
async function loadRow(id) {
  if (recent.has(id)) return recent.get(id);
  if (inflight.has(id)) {
    const row = await whenFinished(id, 10 * 60 * 1000);
    if (row) return row;
  }
  return api.get("/usage/" + seg(id));
}

/** Waits until the store lists the trace (traces are written in batches), then loads it. */
async function loadTrace(row) {
  const from = new Date(Date.parse(row.started_at) - 1000).toISOString();
  for (let i = 0; i < 40; i++) {
    const page = await api.get("/debug/traces" + query({ from, limit: 500 }));
    if (page.items.some((t) => t.request_id === row.request_id)) return api.get("/debug/traces/" + seg(row.request_id));
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("The trace was not stored (yet). Reload the page in a moment.");
}

async function renderDetail(view, id) {
  view.append(h("p", {}, h("a", { href: "#/logs" }, "← All requests")));
  const waiting = inflight.has(id) ? h("p", { class: "muted" }, "This request is still running; its details appear when it ends.") : null;
  if (waiting) view.append(waiting);
  let r;
  try {
    r = await loadRow(id);
    if (waiting) waiting.remove();
  } catch (e) {
    view.append(errorBox(e, "Could not load request " + id));
    return;
  }
  const t = r.tokens || {}, c = r.cost;
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Request ", h("code", {}, r.request_id)), copyButton(() => r.request_id, "Copy id")),
    h("div", { class: "grid2" },
      h("div", { class: "card" }, h("dl", { class: "kv" },
        kv("Started", time(r.started_at)), kv("Status", statusBadge(r.status, r.http_status)),
        kv("Key", r.key || "–"), kv("User", r.attribution || "–"), kv("Alias", r.alias || "–"),
        kv("Provider / model", r.provider ? `${r.provider} / ${r.model}` : "–"),
        kv("Kind", r.kind || "chat"),
        kv("Protocols", `${r.client_api} → ${r.target_api || "–"}`), kv("Passthrough", r.passthrough ? "⚡ yes" : "no"),
        kv("Streamed", r.streamed ? "yes" : "no"), kv("Stop reason", r.stop_reason || "–"),
        r.error ? kv("Error", h("span", { class: "error-text" }, r.error)) : null)),
      h("div", { class: "card" }, h("dl", { class: "kv" },
        kv("Tokens in", r.tokens_estimated ? `~${num(t.input)} (estimated: the upstream reported no count)` : num(t.input)),
        kv("Cache read", num(t.cache_read)), kv("Cache write", num(t.cache_write)),
        kv("Tokens out", num(t.output)), kv("Reasoning", num(t.reasoning)),
        kv("Cost", c ? `${usd(c.total)} (in ${usd(c.input)}, out ${usd(c.output)}, cache ${usd(c.cache_read + c.cache_write)})` : "unknown (no pricing)"),
        kv("TTFT", ms(r.ttft_ms)), kv("Tokens/s", tps(r.tokens_per_second)), kv("Duration", ms(r.duration_ms))))),
    h("h2", {}, "Attempts"), attemptsTable(r.attempts || []));
  const traceSlot = h("div", { id: "request-trace" });
  view.append(h("h2", {}, "Trace"), traceSlot);
  if (!r.has_trace) {
    traceSlot.append(empty("No trace was captured for this request. Turn capture on under Debug traces, then send the request again."));
    return;
  }
  try {
    traceSlot.append(traceView(await loadTrace(r)));
  } catch (e) {
    traceSlot.append(errorBox(e, "Could not load the trace"));
  }
}

const kv = (k, v) => [h("dt", {}, k), h("dd", {}, v)];

function attemptsTable(attempts) {
  if (!attempts.length) return empty("No upstream attempt was made (the request failed before routing).");
  return h("div", { class: "table-wrap" }, h("table", { "aria-label": "Attempts" },
    h("thead", {}, h("tr", {}, ["#", "Provider", "Model", "API", "⚡", "Status", "Duration", "Error"].map((c) => h("th", {}, c)))),
    h("tbody", {}, attempts.map((a, i) => h("tr", {},
      h("td", {}, i + 1), h("td", {}, a.provider), h("td", {}, a.model), h("td", {}, a.api),
      h("td", {}, a.passthrough ? "⚡" : ""), h("td", {}, a.status === null || a.status === undefined ? "–" : String(a.status)),
      h("td", { class: "num" }, ms(a.duration_ms)), h("td", {}, a.error || ""))))));
}
