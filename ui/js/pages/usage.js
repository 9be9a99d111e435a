// Usage: charts over time grouped by model, provider, key or user (attribution); a breakdown table; CSV export built in the page.
import { api, query } from "../api.js";
import { h, empty, errorBox, field, num, compact, usd, usdAxis, rangeSelect, RANGES, sumTokens } from "../dom.js";
import { timeChart } from "../chart.js";

const state = { range: "24h", groupBy: "model", metric: "requests" };
const METRICS = [
  ["requests", "Requests", (s) => s.requests, compact],
  ["tokens", "Tokens (all kinds)", (s) => sumTokens(s.tokens), compact],
  ["input", "Input tokens", (s) => s.tokens.input, compact],
  ["cache_read", "Cache read tokens", (s) => s.tokens.cache_read, compact],
  ["cache_write", "Cache write tokens", (s) => s.tokens.cache_write, compact],
  ["output", "Output tokens", (s) => s.tokens.output, compact],
  ["reasoning", "Reasoning tokens", (s) => s.tokens.reasoning, compact],
  ["cost", "Cost (USD)", (s) => s.cost || 0, usdAxis],
  ["errors", "Errors", (s) => s.errors, compact],
];

export async function render(view) {
  const body = h("div", {});
  const select = (label, key, options) => field(label, h("select", { onchange: (e) => { state[key] = e.target.value; load(body); } },
    options.map(([v, l]) => h("option", { value: v, selected: state[key] === v }, l))));
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Usage")),
    h("div", { class: "toolbar" },
      field("Range", rangeSelect(state.range, (v) => { state.range = v; load(body); })),
      select("Group by", "groupBy", [["model", "Model"], ["provider", "Provider"], ["key", "Key"], ["attribution", "User"]]),
      select("Chart", "metric", METRICS.map(([id, label]) => [id, label]))),
    body);
  await load(body);
}

async function load(body) {
  const r = RANGES.find((x) => x.id === state.range);
  const to = new Date(), from = new Date(to - r.seconds * 1000);
  let summary;
  try {
    summary = await api.get("/usage/summary" + query({ bucket: r.bucket, group_by: state.groupBy, from: from.toISOString(), to: to.toISOString() }));
  } catch (e) {
    body.replaceChildren(errorBox(e, "Could not load usage"));
    return;
  }
  if (!summary.buckets.length) {
    body.replaceChildren(empty("No usage in this range yet."));
    return;
  }
  const [, label, value, format] = METRICS.find((m) => m[0] === state.metric);
  const groups = new Map();
  for (const b of summary.buckets) {
    const g = b.group ?? "(none)";
    if (!groups.has(g)) groups.set(g, { name: g, points: [], buckets: [] });
    groups.get(g).points.push([Date.parse(b.start), value(b)]);
    groups.get(g).buckets.push(b);
  }
  const series = [...groups.values()];
  const bucketMs = { minute: 60e3, hour: 3600e3, day: 86400e3 }[summary.bucket];
  const chart = h("div", { class: "card" }, h("h3", {}, `${label} by ${state.groupBy}`),
    timeChart({ series, from: +from, to: +to, bucketMs, kind: "bars", format, title: `${label} by ${state.groupBy}`, legend: true }));
  const exportButton = h("button", { type: "button", id: "usage-csv", onclick: () => download(summary, from, to) }, "Export CSV");
  body.replaceChildren(chart, h("div", { class: "page-head" }, h("h2", {}, "Breakdown"), exportButton), breakdown(series, summary.totals));
}

function totalsOf(buckets) {
  const t = { requests: 0, errors: 0, cost: null, tokens: { input: 0, cache_read: 0, cache_write: 0, output: 0, reasoning: 0 } };
  for (const b of buckets) {
    t.requests += b.requests;
    t.errors += b.errors;
    if (b.cost !== null && b.cost !== undefined) t.cost = (t.cost || 0) + b.cost;
    for (const k of Object.keys(t.tokens)) t.tokens[k] += b.tokens[k] || 0;
  }
  return t;
}

function breakdown(series, totals) {
  const row = (name, t, cls) => h("tr", { class: cls || "" }, h("td", {}, name), h("td", { class: "num" }, num(t.requests)), h("td", { class: "num" }, num(t.errors)),
    ...["input", "cache_read", "cache_write", "output", "reasoning"].map((k) => h("td", { class: "num" }, num(t.tokens[k]))), h("td", { class: "num" }, usd(t.cost)));
  const rows = series.map((s) => ({ name: s.name, t: totalsOf(s.buckets) })).sort((a, b) => b.t.requests - a.t.requests);
  return h("div", { class: "table-wrap" }, h("table", { "aria-label": "Usage breakdown" },
    h("thead", {}, h("tr", {}, ["Group", "Requests", "Errors", "Input", "Cache read", "Cache write", "Output", "Reasoning", "Cost"].map((c, i) => h("th", { class: i ? "num" : "" }, c)))),
    h("tbody", {}, rows.map((r) => row(r.name, r.t)), row("Total", totals, "total"))));
}

function csvCell(v) {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function download(summary, from, to) {
  const header = ["bucket_start", state.groupBy, "requests", "errors", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens", "cost_usd"];
  const lines = [header.join(",")];
  for (const b of summary.buckets) {
    lines.push([b.start, b.group, b.requests, b.errors, b.tokens.input, b.tokens.cache_read, b.tokens.cache_write, b.tokens.output, b.tokens.reasoning, b.cost].map(csvCell).join(","));
  }
  const blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv" });
  const a = h("a", { href: URL.createObjectURL(blob), download: `plexus-usage-${state.groupBy}-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv` });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
