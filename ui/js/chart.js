// Time charts drawn as inline SVG: lines or stacked bars over time buckets, with axes, grid and a legend.
import { h, s } from "./dom.js";

export const PALETTE = ["#3b5bdb", "#f08c00", "#2b8a3e", "#c2255c", "#7048e8", "#1098ad", "#e8590c", "#5c940d", "#862e9c", "#495057"];

/** Round-ish tick values from 0 to max. */
function ticks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= raw) || raw;
  const out = [];
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

function timeLabel(t, spanMs) {
  const d = new Date(t);
  if (spanMs <= 2 * 86400e3) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleDateString([], { month: "short", day: "numeric" });
}

/**
 * Draws series over time.
 * opts: { series: [{name, points: [[timeMs, value]]}], from, to (ms), bucketMs, kind: "line"|"bars",
 *         format: (v) => string, title, height, columns (how many charts share the page's width) }
 */
export function timeChart(opts) {
  const { series, from, to, bucketMs, kind = "line", format = String, height = 220 } = opts;
  // Drawn at about the size it is shown, so labels keep their size on wide and narrow screens.
  const viewWidth = (document.getElementById("view") || document.body).clientWidth || 800;
  const W = Math.round(Math.max(320, Math.min(1600, (viewWidth - 80) / (opts.columns || 1)))), H = height, L = 56, R = 12, T = 12, B = 26;
  const span = Math.max(1, to - from);
  const x = (t) => L + ((t - from) / span) * (W - L - R);
  let max = 0;
  if (kind === "bars") {
    const totals = new Map();
    for (const se of series) for (const [t, v] of se.points) totals.set(t, (totals.get(t) || 0) + v);
    for (const v of totals.values()) max = Math.max(max, v);
  } else {
    for (const se of series) for (const [, v] of se.points) max = Math.max(max, v);
  }
  const yt = ticks(max);
  const top = yt[yt.length - 1] || 1;
  const y = (v) => T + (1 - v / top) * (H - T - B);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.title || "chart" });
  const grid = s("g", { class: "grid" });
  for (const v of yt) {
    grid.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, format(v)));
  }
  svg.prepend(grid);
  const xticks = W < 500 ? 3 : 6;
  for (let i = 0; i <= xticks; i++) {
    const t = from + (span * i) / xticks;
    svg.append(s("text", { x: x(t), y: H - 8, "text-anchor": i === 0 ? "start" : i === xticks ? "end" : "middle" }, timeLabel(t, span)));
  }
  svg.append(s("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), stroke: "#c4cad4" }));
  if (kind === "bars") drawBars(svg, series, { x, y, bucketMs, span, W, L, R, format });
  else drawLines(svg, series, { x, y, format });
  const wrap = h("div", {}, svg);
  if (series.length > 1 || opts.legend) wrap.append(legend(series));
  return wrap;
}

function color(i, se) { return se.color || PALETTE[i % PALETTE.length]; }

function drawLines(svg, series, { x, y, format }) {
  series.forEach((se, i) => {
    const pts = [...se.points].sort((a, b) => a[0] - b[0]);
    if (!pts.length) return;
    const c = color(i, se);
    svg.append(s("polyline", { fill: "none", stroke: c, "stroke-width": 2, points: pts.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
    for (const [t, v] of pts) {
      svg.append(s("circle", { cx: x(t), cy: y(v), r: 3, fill: c },
        s("title", {}, `${se.name}: ${format(v)} at ${new Date(t).toLocaleString()}`)));
    }
  });
}

function drawBars(svg, series, { x, y, bucketMs, span, W, L, R, format }) {
  const width = Math.max(2, Math.min(40, ((W - L - R) * bucketMs) / span - 2));
  const base = new Map();
  series.forEach((se, i) => {
    const c = color(i, se);
    for (const [t, v] of se.points) {
      if (!v) continue;
      const b = base.get(t) || 0;
      const x0 = x(t + bucketMs / 2) - width / 2;
      svg.append(s("rect", { x: x0.toFixed(1), y: y(b + v).toFixed(1), width: width.toFixed(1), height: Math.max(0.5, y(b) - y(b + v)).toFixed(1), fill: c },
        s("title", {}, `${se.name}: ${format(v)} at ${new Date(t).toLocaleString()}`)));
      base.set(t, b + v);
    }
  });
}

export function legend(series) {
  return h("div", { class: "legend" }, series.map((se, i) => {
    const span = h("span", {}, se.name);
    span.style.setProperty("--c", color(i, se));
    return span;
  }));
}
