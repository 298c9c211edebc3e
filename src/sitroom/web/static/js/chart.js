// Time chart: stacked bars of events per day (or week/month on long spans)
// by PLOVER quad class, plus a conflict/co-operation intensity line for one
// actor pair (mean Goldstein-like score per bucket, right axis, -10..+10).
import { QUADS, QUAD_LABEL, svg } from "./common.js";

const DAY = 86400000;
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const parse = (d) => Date.parse(d + "T00:00:00Z");

function bucketOf(span) {
  if (span > 900) return "month";
  if (span > 150) return "week";
  return "day";
}

function bucketKey(d, unit) {
  if (unit === "month") return d.slice(0, 7) + "-01";
  if (unit === "week") {
    const t = parse(d);
    const wd = (new Date(t).getUTCDay() + 6) % 7; // Monday start
    return iso(t - wd * DAY);
  }
  return d;
}

function nextKey(k, unit) {
  const t = parse(k);
  if (unit === "month") {
    const x = new Date(t);
    return iso(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 1));
  }
  return iso(t + (unit === "week" ? 7 : 1) * DAY);
}

export function renderChart(root, stats, { onPick } = {}) {
  root.replaceChildren();
  const W = root.clientWidth || 700;
  const H = root.clientHeight || 220;
  root.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const m = { l: 34, r: 34, t: 10, b: 24 };
  const rows = stats.quad_per_day || [];
  if (!rows.length) {
    root.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty-label" }, "No dated events match the filter"));
    return;
  }
  // Focus on where the events are: a lone event years earlier would squash
  // everything else into one bar. Outliers are counted in a note instead.
  const [first, last, hidden] = focusRange(rows);
  const span = (parse(last) - parse(first)) / DAY;
  const unit = bucketOf(span);
  const buckets = new Map();
  for (let k = bucketKey(first, unit); k <= last; k = nextKey(k, unit)) {
    buckets.set(k, { key: k, total: 0, q: {}, score: 0, n: 0 });
    if (buckets.size > 2000) break;
  }
  for (const r of rows) {
    if (r.date < first || r.date > last) continue;
    const b = buckets.get(bucketKey(r.date, unit));
    if (!b) continue;
    for (const [q] of QUADS) {
      b.q[q] = (b.q[q] || 0) + (r[q] || 0);
      b.total += r[q] || 0;
    }
  }
  const series = (stats.intensity && stats.intensity.series) || [];
  for (const s of series) {
    const b = buckets.get(bucketKey(s.date, unit));
    if (b) { b.score += s.score * s.count; b.n += s.count; }
  }
  const list = [...buckets.values()];
  const maxY = Math.max(1, ...list.map((b) => b.total)) * 1.12;
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const bw = iw / list.length;
  const y = (v) => m.t + ih - (v / maxY) * ih;
  const yi = (v) => m.t + ih / 2 - (v / 10) * (ih / 2);

  if (hidden) {
    root.append(svg("text", { x: W - m.r, y: m.t + 8, "text-anchor": "end", class: "axis" },
      `${hidden} earlier/later event${hidden === 1 ? "" : "s"} not shown (${first} → ${last})`));
  }
  // grid + left axis
  const ticks = niceTicks(maxY);
  for (const t of ticks) {
    root.append(svg("line", { x1: m.l, x2: W - m.r, y1: y(t), y2: y(t), class: "grid" }));
    root.append(svg("text", { x: m.l - 6, y: y(t) + 3, "text-anchor": "end", class: "axis" }, String(t)));
  }
  // bars
  const g = svg("g");
  list.forEach((b, i) => {
    let acc = 0;
    const w = Math.min(26, Math.max(1, bw - (bw > 4 ? 2 : 0)));   // few days: slim bars, centred
    const x = m.l + i * bw + (bw - w) / 2;
    for (const [q] of QUADS) {
      const v = b.q[q] || 0;
      if (!v) continue;
      const rect = svg("rect", { x, width: w, y: y(acc + v), height: Math.max(0.5, y(acc) - y(acc + v)), class: `bar fill-${q}` });
      rect.append(svg("title", {}, `${b.key}${unit !== "day" ? ` (${unit})` : ""}: ${v} ${QUAD_LABEL[q]} of ${b.total}`));
      rect.addEventListener("click", () => onPick && onPick(b.key, iso(parse(nextKey(b.key, unit)) - DAY)));
      g.append(rect);
      acc += v;
    }
  });
  root.append(g);
  // x labels
  const every = Math.max(1, Math.ceil(list.length / Math.max(2, Math.floor(iw / 80))));
  list.forEach((b, i) => {
    if (i % every) return;
    const label = unit === "month" ? b.key.slice(0, 7) : b.key.slice(5);
    root.append(svg("text", { x: m.l + i * bw + bw / 2, y: H - 6, "text-anchor": "middle", class: "axis" }, label));
  });
  // intensity line
  if (series.length) {
    root.append(svg("line", { x1: m.l, x2: W - m.r, y1: yi(0), y2: yi(0), class: "zero" }));
    for (const t of [-10, 0, 10]) {
      root.append(svg("text", { x: W - m.r + 6, y: yi(t) + 3, class: "axis" }, (t > 0 ? "+" : "") + t));
    }
    const pts = list.map((b, i) => (b.n ? [m.l + i * bw + bw / 2, yi(b.score / b.n), b] : null)).filter(Boolean);
    if (pts.length > 1) {
      root.append(svg("path", { class: "intensity", d: "M" + pts.map((p) => `${p[0].toFixed(1)} ${p[1].toFixed(1)}`).join("L") }));
    }
    for (const [cx, cy, b] of pts) {
      const c = svg("circle", { cx, cy, r: 2.8, class: "intensity-dot" });
      c.append(svg("title", {}, `${b.key}: intensity ${(b.score / b.n).toFixed(1)} over ${b.n} event${b.n === 1 ? "" : "s"}`));
      root.append(c);
    }
  }
}

function niceTicks(max) {
  const step = Math.pow(10, Math.floor(Math.log10(max)));
  const s = max / step > 5 ? step * 2 : max / step > 2 ? step : step / 2;
  const out = [];
  for (let v = 0; v <= max / 1.12 + 1e-9; v += Math.max(1, s)) out.push(Math.round(v));
  return out;
}

/** [first, last, hidden]: the date span holding the bulk of events (gaps over 60 days at the ends trimmed). */
function focusRange(rows) {
  const total = (r) => QUADS.reduce((a, [q]) => a + (r[q] || 0), 0);
  const all = rows.reduce((a, r) => a + total(r), 0);
  let lo = 0;
  let hi = rows.length - 1;
  let hidden = 0;
  const GAP = 21 * DAY;
  // trim a thin leading/trailing tail (under 5% of events) separated by a long gap
  for (let i = 0; i < rows.length - 1; i++) {
    const before = rows.slice(0, i + 1).reduce((a, r) => a + total(r), 0);
    if (before > all * 0.05) break;
    if (parse(rows[i + 1].date) - parse(rows[i].date) > GAP) { lo = i + 1; }
  }
  for (let i = rows.length - 1; i > lo; i--) {
    const after = rows.slice(i).reduce((a, r) => a + total(r), 0);
    if (after > all * 0.05) break;
    if (parse(rows[i].date) - parse(rows[i - 1].date) > GAP) { hi = i - 1; }
  }
  for (let i = 0; i < rows.length; i++) if (i < lo || i > hi) hidden += total(rows[i]);
  return [rows[lo].date, rows[hi].date, hidden];
}
