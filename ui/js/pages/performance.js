// Performance: per target TTFT, tokens/s, error rate and samples; cooldowns with countdowns and clear buttons.
import { api, seg } from "../api.js";
import { h, empty, errorBox, num, ms, tps, pct, time, duration, toast, confirmDialog } from "../dom.js";
import { onLive } from "../live.js";

export async function render(view) {
  const coolSlot = h("div", { id: "cooldowns" });
  const perfSlot = h("div", { id: "performance" });
  view.append(h("div", { class: "page-head" }, h("h1", {}, "Performance")),
    h("h2", {}, "Cooldowns"), coolSlot, h("h2", {}, "Targets"), perfSlot);
  let deadlines = [];
  const tick = () => {
    for (const d of deadlines) {
      const left = (d.until - Date.now()) / 1000;
      d.cell.textContent = left > 0 ? duration(left) : "expired";
    }
  };
  const loadCooldowns = async () => {
    let list;
    try {
      list = (await api.get("/cooldowns")).cooldowns;
    } catch (e) {
      coolSlot.replaceChildren(errorBox(e, "Could not load cooldowns"));
      return;
    }
    deadlines = [];
    if (!list.length) {
      coolSlot.replaceChildren(empty("No target is cooling down: every target is available."));
      return;
    }
    const rows = list.map((c) => {
      const cell = h("td", { class: "num countdown" });
      deadlines.push({ cell, until: Date.now() + c.remaining_seconds * 1000 });
      return h("tr", { "data-target": `${c.provider}/${c.model}` },
        h("td", {}, c.provider), h("td", {}, c.model), h("td", {}, c.reason), h("td", {}, c.status ?? "–"),
        h("td", { class: "num" }, num(c.failures)), h("td", { title: c.until }, time(c.until)), cell,
        h("td", {}, h("button", { type: "button", class: "small", onclick: () => clear(c) }, "Clear")));
    });
    coolSlot.replaceChildren(h("div", { class: "row end" }, h("button", { type: "button", class: "danger", onclick: clearAll }, "Clear all")),
      h("div", { class: "table-wrap" }, h("table", { "aria-label": "Cooldowns" },
        h("thead", {}, h("tr", {}, ["Provider", "Model", "Reason", "Status", "Failures", "Until", "Remaining", ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, rows))));
    tick();
  };
  const clear = async (c) => {
    try {
      // The model may contain "/": each segment is escaped, the slashes kept.
      await api.del(`/cooldowns/${seg(c.provider)}/${c.model.split("/").map(seg).join("/")}`);
      toast(`Cleared the cooldown of ${c.provider}/${c.model}`);
    } catch (e) {
      toast(e.message, "error");
    }
    loadCooldowns();
  };
  const clearAll = async () => {
    if (!(await confirmDialog("Clear all cooldowns?", "Every cooling target goes back into rotation now.", "Clear all"))) return;
    try {
      const r = await api.del("/cooldowns");
      toast(`Cleared ${r.cleared} cooldown(s)`);
    } catch (e) { toast(e.message, "error"); }
    loadCooldowns();
  };
  const loadPerf = async () => {
    let p;
    try {
      p = await api.get("/performance");
    } catch (e) {
      perfSlot.replaceChildren(errorBox(e, "Could not load performance"));
      return;
    }
    if (!p.targets.length) {
      perfSlot.replaceChildren(empty("No samples yet: targets are measured as requests go through them."));
      return;
    }
    perfSlot.replaceChildren(h("p", { class: "muted" }, `Rolling window of ${duration(p.window_seconds)}.`),
      h("div", { class: "table-wrap" }, h("table", { "aria-label": "Target performance" },
        h("thead", {}, h("tr", {}, ["Provider", "Model", "TTFT p50", "TTFT p95", "Tok/s p50", "Tok/s p95", "Duration p50", "Error rate", "Samples", "Last seen"]
          .map((c, i) => h("th", { class: i >= 2 && i <= 8 ? "num" : "" }, c)))),
        h("tbody", {}, p.targets.map((t) => h("tr", {},
          h("td", {}, t.provider), h("td", {}, t.model), h("td", { class: "num" }, ms(t.ttft_ms.p50)), h("td", { class: "num" }, ms(t.ttft_ms.p95)),
          h("td", { class: "num" }, tps(t.tokens_per_second.p50)), h("td", { class: "num" }, tps(t.tokens_per_second.p95)),
          h("td", { class: "num" }, ms(t.duration_ms.p50)),
          h("td", { class: "num" }, h("span", { class: t.error_rate > 0.2 ? "badge bad" : t.error_rate > 0 ? "badge warn" : "" }, pct(t.error_rate))),
          h("td", { class: "num" }, num(t.requests)), h("td", {}, time(t.last_seen))))))));
  };
  await Promise.all([loadCooldowns(), loadPerf()]);
  const ticker = setInterval(tick, 1000);
  let pending = null;
  const perfSoon = () => { if (!pending) pending = setTimeout(() => { pending = null; loadPerf(); }, 2000); };
  const offs = [onLive("cooldown_set", loadCooldowns), onLive("cooldown_cleared", loadCooldowns), onLive("request_finished", perfSoon)];
  return () => { clearInterval(ticker); clearTimeout(pending); offs.forEach((off) => off()); };
}
