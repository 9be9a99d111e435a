// Overview: totals for a range, requests and cost over time, active cooldowns, and requests in flight (live).
import { api, query } from "../api.js";
import { h, empty, errorBox, num, compact, usd, usdAxis, time, rangeSelect, RANGES, sumTokens, duration } from "../dom.js";
import { timeChart } from "../chart.js";
import { inflight, onLive } from "../live.js";

let range = "24h";

export async function render(view) {
  const body = h("div", {});
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Overview"),
    rangeSelect(range, (v) => { range = v; load(body); })), body);
  const inflightSlot = h("div", { id: "inflight" });
  view.append(h("h2", {}, "In flight"), inflightSlot);
  const drawInflight = () => {
    const items = [...inflight.values()];
    if (!items.length) {
      inflightSlot.replaceChildren(empty("Nothing in flight right now. Requests show up here while they run."));
      return;
    }
    inflightSlot.replaceChildren(h("div", { class: "table-wrap" }, h("table", { "aria-label": "Requests in flight" },
      h("thead", {}, h("tr", {}, ["Started", "Running for", "Key", "Alias", "API", "Stream"].map((c) => h("th", {}, c)))),
      h("tbody", {}, items.map((r) => h("tr", {},
        h("td", {}, time(r.started_at)), h("td", {}, duration((Date.now() - Date.parse(r.started_at)) / 1000)),
        h("td", {}, r.key || "–"), h("td", {}, r.alias || "–"), h("td", {}, r.client_api), h("td", {}, r.streamed ? "≋" : "")))))));
  };
  drawInflight();
  let pending = null;
  const refreshSoon = () => {
    // Coalesce bursts of finished requests into one refresh of the totals.
    if (!pending) pending = setTimeout(() => { pending = null; load(body); }, 1500);
  };
  const offs = [
    onLive("request_started", drawInflight),
    onLive("request_finished", () => { drawInflight(); refreshSoon(); }),
    onLive("cooldown_set", refreshSoon), onLive("cooldown_cleared", refreshSoon),
  ];
  const ticker = setInterval(drawInflight, 1000);
  await load(body);
  return () => { offs.forEach((off) => off()); clearInterval(ticker); clearTimeout(pending); };
}

async function load(body) {
  const r = RANGES.find((x) => x.id === range);
  const to = new Date(), from = new Date(to - r.seconds * 1000);
  let summary, cooldowns;
  try {
    [summary, cooldowns] = await Promise.all([
      api.get("/usage/summary" + query({ bucket: r.bucket, from: from.toISOString(), to: to.toISOString() })),
      api.get("/cooldowns"),
    ]);
  } catch (e) {
    body.replaceChildren(errorBox(e, "Could not load the overview"));
    return;
  }
  const t = summary.totals;
  const active = cooldowns.cooldowns.length;
  const stat = (label, value, sub, cls = "") => h("div", { class: "stat " + cls, "data-stat": label.toLowerCase() },
    h("div", { class: "label" }, label), h("div", { class: "value" }, value), sub ? h("div", { class: "sub" }, sub) : null);
  const cards = h("div", { class: "cards" },
    stat("Requests", num(t.requests), r.label),
    stat("Tokens", compact(sumTokens(t.tokens)), `${compact(t.tokens.input)} in · ${compact(t.tokens.output)} out`),
    stat("Cost", usd(t.cost), t.cost === null ? "no pricing configured" : null),
    stat("Errors", num(t.errors), t.requests ? `${((t.errors / t.requests) * 100).toFixed(1)}% of requests` : null, t.errors ? "bad" : ""),
    stat("Cooldowns", num(active), active ? h("a", { href: "#/performance" }, "see performance") : "all targets available", active ? "bad" : ""));
  const bucketMs = { minute: 60e3, hour: 3600e3, day: 86400e3 }[summary.bucket];
  const pts = (f) => summary.buckets.map((b) => [Date.parse(b.start), f(b)]);
  const charts = summary.buckets.length
    ? h("div", { class: "charts2" },
      h("div", { class: "card" }, h("h3", {}, "Requests"),
        timeChart({ series: [{ name: "succeeded", points: pts((b) => b.requests - b.errors) }, { name: "errors", color: "#c92a2a", points: pts((b) => b.errors) }], from: +from, to: +to, bucketMs, kind: "bars", format: compact, title: "Requests over time", legend: true, columns: innerWidth > 760 ? 2 : 1 })),
      h("div", { class: "card" }, h("h3", {}, "Cost (USD)"),
        timeChart({ series: [{ name: "cost", color: "#2b8a3e", points: pts((b) => b.cost || 0) }], from: +from, to: +to, bucketMs, kind: "line", format: usdAxis, title: "Cost over time", columns: innerWidth > 760 ? 2 : 1 })))
    : empty("No requests in this range yet.");
  body.replaceChildren(cards, charts);
}
