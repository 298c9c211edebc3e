// Shared helpers for sitroom's pages. Article text is hostile input: every
// string reaches the DOM through text nodes (append / textContent), never
// through an HTML parser, so markup in an article stays visible text.

export const QUADS = [
  ["verbal_coop", "Verbal coop."],
  ["material_coop", "Material coop."],
  ["verbal_conflict", "Verbal conflict"],
  ["material_conflict", "Material conflict"],
];
export const QUAD_LABEL = Object.fromEntries(QUADS);

/** Build an element; string children become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const SVGNS = "http://www.w3.org/2000/svg";
/** Build an SVG element (attributes only; text via textContent). */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Strip control characters and cap length: hostile titles must not break the layout. */
export function clean(value, limit = 400) {
  let s = String(value ?? "").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, "");
  s = s.replace(/\s+/g, " ").trim();
  return s.length > limit ? s.slice(0, limit - 1) + "…" : s;
}

/** Only http(s) links are clickable: a javascript: URL in an article stays text. */
export function safeUrl(url) {
  try {
    const u = new URL(String(url || ""), window.location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** GET a JSON endpoint with query params (empty values dropped). */
export async function api(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const url = path + (q.toString() ? "?" + q : "");
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * A sentence with highlighted spans, as DOM (never HTML strings).
 * spans: [{start, end, cls, tag}] relative to the sentence; overlapping spans
 * after the first are dropped, the trigger (given first) wins.
 */
export function highlighted(sentence, spans) {
  // control characters become spaces one for one, so the offsets still hold
  const text = String(sentence ?? "").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ");
  const keep = [];
  for (const s of spans) {
    if (!s || !(s.start >= 0) || !(s.end <= text.length) || s.start >= s.end) continue;
    if (keep.some((k) => s.start < k.end && k.start < s.end)) continue;
    keep.push(s);
  }
  keep.sort((a, b) => a.start - b.start);
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const s of keep) {
    if (s.start > pos) frag.append(text.slice(pos, s.start));
    frag.append(el(s.tag || "span", { class: s.cls || null, title: s.title || null }, text.slice(s.start, s.end)));
    pos = s.end;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  return frag;
}

export function actorName(a) {
  return clean(a.name || a.text || "?", 60);
}

/** "Iran, IRGC → United States" from an event item. */
export function dyadLabel(item, cap = 2) {
  const names = (list) => {
    const uniq = [...new Set(list.map(actorName))];
    return uniq.slice(0, cap).join(", ") + (uniq.length > cap ? ` +${uniq.length - cap}` : "");
  };
  const s = names(item.sources || []);
  const t = names(item.targets || []);
  if (s && t) return `${s} → ${t}`;
  return s || (t ? `? → ${t}` : "—");
}

export function placeLabel(p) {
  if (!p) return "";
  const bits = [p.name || p.text, p.country].filter(Boolean);
  return clean(bits.join(", "), 80);
}

export function dateLabel(item) {
  if (!item.date) return "undated";
  const p = item.date_precision;
  if (p === "year") return item.date.slice(0, 4);
  if (p === "month") return item.date.slice(0, 7);
  return item.date;
}

export function typeBadge(type, quad, extra = "") {
  return el("span", { class: `badge q-${quad || "none"} ${extra}`.trim(), title: QUAD_LABEL[quad] || "" }, type || "?");
}
