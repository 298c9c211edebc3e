// Dashboard: one filter bar drives the map, the time chart, the table and
// the exports together; the detail panel shows every report behind an event
// with its evidence sentence and the trigger highlighted.
import {
  QUADS, QUAD_LABEL, actorName, api, clean, dateLabel, dyadLabel, el, highlighted, placeLabel, safeUrl, typeBadge,
} from "./common.js";
import { EventMap } from "./map.js";
import { renderChart } from "./chart.js";

const FILTER_KEYS = ["since", "until", "country", "actor", "type", "story", "text", "min_sources", "background", "bbox"];
const form = document.getElementById("filters");
const tbody = document.querySelector("#events tbody");
const detail = document.getElementById("detail");
const moreBtn = document.getElementById("more");
const sortSel = document.getElementById("sort");
const dyadSel = document.getElementById("dyad");

const state = { cursor: null, selected: null, seq: 0, stats: null };
const map = new EventMap(document.getElementById("map"), { onPick: pickCell });

// ------------------------------------------------------------ filter state
function filters() {
  const fd = new FormData(form);
  const out = {};
  for (const k of FILTER_KEYS) {
    const v = fd.get(k);
    if (k === "background") out[k] = v ? "true" : "false";
    else if (k === "min_sources") { if (v && v !== "0") out[k] = v; }
    else if (v) out[k] = String(v).trim();
  }
  return out;
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  for (const k of FILTER_KEYS) {
    const input = form.elements[k];
    if (!input || !q.has(k)) continue;
    if (input.type === "checkbox") input.checked = q.get(k) === "true";
    else input.value = q.get(k);
  }
  if (q.get("sort")) sortSel.value = q.get("sort");
  if (q.get("dyad")) state.dyad = q.get("dyad");
  return q.get("event");
}

function writeUrl() {
  const q = new URLSearchParams(filters());
  if (q.get("background") === "false") q.delete("background");
  if (sortSel.value !== "-date") q.set("sort", sortSel.value);
  if (state.selected) q.set("event", state.selected);
  if (state.dyad) q.set("dyad", state.dyad);
  history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
  const qs = new URLSearchParams(filters()).toString();
  for (const kind of ["jsonl", "csv", "geojson"]) {
    document.getElementById(`export-${kind}`).href = `/api/export.${kind}${qs ? "?" + qs : ""}`;
  }
  const bbox = form.elements.bbox.value;
  document.getElementById("bbox-chip").hidden = !bbox;
}

function showError(where, err) {
  where.replaceChildren(el("div", { class: "empty" }, `Could not load: ${err.message}`));
}

// ------------------------------------------------------------ loading
async function refresh({ refit = true } = {}) {
  const seq = ++state.seq;
  writeUrl();
  const f = filters();
  state.cursor = null;
  try {
    const [page, stats, points] = await Promise.all([
      api("/api/events", { ...f, sort: sortSel.value, limit: 100 }),
      api("/api/stats", { ...f, dyad: state.dyad }),
      api("/api/map", { ...f, bbox: undefined, max_points: 2000 }),
    ]);
    if (seq !== state.seq) return;
    renderRows(page, false);
    state.stats = stats;
    renderDyads(stats);
    renderChart(document.getElementById("chart"), stats, { onPick: pickRange });
    map.setPoints(points.points, { refit: refit && !f.bbox });
    document.getElementById("map-foot").textContent =
      `${points.located.toLocaleString()} located event${points.located === 1 ? "" : "s"}` +
      (points.cell_degrees ? ` · grouped in ${points.cell_degrees}° cells` : "") +
      " · drag to pan, scroll to zoom, click a dot for its events";
  } catch (err) {
    if (seq !== state.seq) return;
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted" }, `Could not load events: ${err.message}`)));
  }
}

function renderRows(page, append) {
  if (!append) tbody.replaceChildren();
  if (page.count !== undefined) {
    document.getElementById("count").textContent = `· ${page.count.toLocaleString()}`;
  }
  for (const it of page.items) {
    const tr = el("tr", { "data-id": it.id, tabindex: 0, class: it.id === state.selected ? "sel" : null },
      el("td", { class: "date" }, dateLabel(it)),
      el("td", {}, typeBadge(it.event_type, it.quad_class), it.modality !== "asserted" ? el("div", { class: "tag-bg" }, it.modality) : null),
      el("td", { class: "who" }, dyadLabel(it)),
      el("td", {}, placeLabel(it.place)),
      el("td", { class: "num" }, String(it.n_sources)));
    tr.addEventListener("click", () => select(it.id));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") select(it.id); });
    tbody.append(tr);
  }
  if (!append && !page.items.length) {
    tbody.append(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No events match these filters.")));
  }
  state.cursor = page.next_cursor;
  moreBtn.hidden = !state.cursor;
}

async function loadMore() {
  if (!state.cursor) return;
  const page = await api("/api/events", { ...filters(), sort: sortSel.value, limit: 100, cursor: state.cursor });
  renderRows(page, true);
}

function renderDyads(stats) {
  const current = stats.intensity ? stats.intensity.dyad : "";
  dyadSel.replaceChildren();
  for (const d of stats.dyads || []) {
    if (d.dyad.includes("?")) continue;
    dyadSel.append(el("option", { value: d.dyad, selected: d.dyad === current }, `${d.source} → ${d.target} (${d.count})`));
  }
  if (!dyadSel.options.length) dyadSel.append(el("option", { value: "" }, "no actor pairs"));
}

function pickRange(since, until) {
  form.elements.since.value = since;
  form.elements.until.value = until;
  refresh();
}

function pickCell(p) {
  const d = 0.02 + (p.count > 1 ? 0.5 : 0);
  const box = [p.lon - d, p.lat - d, p.lon + d, p.lat + d].map((v) => v.toFixed(3));
  form.elements.bbox.value = box.join(",");
  document.getElementById("bbox-label").textContent = `Near ${clean(p.place, 30) || "map point"}`;
  select(p.event_id);
  refresh({ refit: false });
}

// ------------------------------------------------------------ detail panel
async function select(id) {
  state.selected = id;
  for (const tr of tbody.querySelectorAll("tr")) tr.classList.toggle("sel", tr.dataset.id === id);
  map.mark(id);
  writeUrl();
  detail.replaceChildren(el("div", { class: "empty" }, "Loading…"));
  try {
    const d = await api(`/api/events/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    renderDetail(d);
  } catch (err) {
    showError(detail, err);
  }
}

function renderDetail(d) {
  const it = d.item;
  const ev = d.event;
  const kv = el("dl", { class: "kv" });
  const add = (k, v) => { if (v) kv.append(el("dt", {}, k), el("dd", {}, v)); };
  add("When", `${dateLabel(it)}${it.time_text ? ` (“${clean(it.time_text, 60)}”)` : ""} · ${it.date_precision}`);
  add("Who", (it.sources || []).map((a) => `${actorName(a)}${a.country ? ` (${a.country})` : ""}`).join(", "));
  add("Whom", (it.targets || []).map((a) => `${actorName(a)}${a.country ? ` (${a.country})` : ""}`).join(", "));
  add("Where", it.place ? `${placeLabel(it.place)}${it.place.admin1 ? ` · ${clean(it.place.admin1, 40)}` : ""} · ${it.place.precision}` : "");
  add("Mode", it.mode);
  add("Modality", it.modality !== "asserted" ? it.modality : "");
  add("Reported by", `${it.n_sources} outlet${it.n_sources === 1 ? "" : "s"}, ${it.n_articles} article${it.n_articles === 1 ? "" : "s"}`);
  add("Confidence", it.confidence ? it.confidence.toFixed(2) : "");
  add("Event id", ev.id);

  const parts = [
    el("div", { class: "detail-head" }, typeBadge(it.event_type, it.quad_class), el("span", { class: "muted" }, QUAD_LABEL[it.quad_class] || "")),
    el("div", { class: "detail-title" }, clean(d.description, 300)),
    kv,
  ];
  const kinds = Object.keys(d.quantities || {});
  if (kinds.length) {
    parts.push(el("h2", { class: "section-title" }, "Figures as reported"));
    const ul = el("ul", { class: "plain" });
    for (const k of kinds) {
      const hist = d.quantities[k].map((fv) => `${clean(fv.value, 30)} (${clean(fv.outlet, 40) || "?"}${fv.published ? ", " + fv.published : ""})`);
      ul.append(el("li", {}, el("b", {}, k), " ", el("span", { class: "figure-hist" }, hist.join(" → "))));
    }
    parts.push(ul);
  }
  if ((d.disagreements || []).length) {
    parts.push(el("h2", { class: "section-title" }, "Reports disagree"));
    for (const line of d.disagreements) parts.push(el("div", { class: "disagree" }, clean(line, 500)));
  }
  const stmts = (d.statements || []).filter((s) => s.speaker || s.text);
  if (stmts.length) {
    parts.push(el("h2", { class: "section-title" }, "Statements"));
    const ul = el("ul", { class: "plain" });
    for (const s of stmts.slice(0, 12)) {
      ul.append(el("li", {}, el("span", { class: "badge soft" }, s.kind), " ",
        s.speaker ? actorName(s.speaker) : "unnamed", s.text ? ` — “${clean(s.text, 80)}”` : ""));
    }
    parts.push(ul);
  }
  parts.push(el("h2", { class: "section-title" }, `Reports (${d.reports.length})`));
  for (const r of d.reports) parts.push(reportCard(r, it.quad_class));
  detail.replaceChildren(...parts);
  detail.scrollTop = 0;
}

function reportCard(r, quad) {
  const spans = [];
  if (r.trigger) spans.push({ ...r.trigger, tag: "mark", cls: "trigger", title: `trigger: ${r.event_type}` });
  for (const a of r.actor_spans || []) spans.push({ ...a, cls: "hl-actor", title: a.role });
  if (r.place_span) spans.push({ ...r.place_span, cls: "hl-place", title: "place" });
  if (r.time_span) spans.push({ ...r.time_span, cls: "hl-time", title: "time" });
  const url = safeUrl(r.url);
  const meta = el("div", { class: "report-meta" },
    el("span", { class: "outlet" }, clean(r.outlet, 60) || "unknown outlet"),
    el("span", {}, r.published || "undated"),
    r.modality !== "asserted" ? el("span", { class: "badge soft" }, r.modality) : null);
  const actions = el("div", { class: "report-actions" },
    el("button", { type: "button", class: "linkish", onclick: () => openArticle(r.article_id) }, "Read article"),
    url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, "Original") : null);
  return el("div", { class: `report q-${quad}`, "data-mention": r.mention_id },
    meta,
    r.title ? el("div", { class: "report-title" }, clean(r.title, 200)) : null,
    el("p", { class: "sentence" }, highlighted(r.sentence, spans)),
    actions);
}

async function openArticle(id) {
  const dlg = document.getElementById("article-dialog");
  try {
    const a = await api(`/api/articles/${encodeURIComponent(id)}`);
    document.getElementById("article-title").textContent = clean(a.title, 200) || "(untitled)";
    document.getElementById("article-meta").textContent =
      [clean(a.outlet, 80), a.published, a.duplicate_of ? "syndicated copy" : ""].filter(Boolean).join(" · ");
    const spans = (a.mentions || []).filter((m) => m.trigger).map((m) => ({ ...m.trigger, tag: "mark", title: m.event_type }));
    const body = document.getElementById("article-text");
    body.replaceChildren(highlighted(a.text, spans));
    if (!dlg.open) dlg.showModal();
  } catch (err) {
    alertBox(`Could not load the article: ${err.message}`);
  }
}

function alertBox(msg) {
  detail.prepend(el("div", { class: "disagree" }, msg));
}

// ------------------------------------------------------------ boot
async function boot() {
  const meta = await api("/api");
  const c = meta.counts;
  document.getElementById("topstats").replaceChildren(
    el("span", {}, el("b", {}, c.events.toLocaleString()), " events"),
    el("span", {}, el("b", {}, c.articles.toLocaleString()), " articles"),
    el("span", {}, el("b", {}, c.sources.toLocaleString()), " outlets"),
    meta.date_span.min ? el("span", {}, `${meta.date_span.min} → ${meta.date_span.max}`) : null,
  );
  const countrySel = form.elements.country;
  for (const x of meta.countries.slice(0, 250)) countrySel.append(el("option", { value: x.code }, `${x.code} (${x.count})`));
  const typeSel = form.elements.type;
  for (const [q, label] of QUADS) {
    const grp = el("optgroup", { label });
    for (const t of meta.event_types.filter((e) => e.quad_class === q)) grp.append(el("option", { value: t.type }, t.type));
    typeSel.append(grp);
  }
  const storySel = form.elements.story;
  const stories = await api("/api/stories");
  for (const st of stories.items.filter((x) => x.id !== "all").slice(0, 100)) {
    storySel.append(el("option", { value: st.id }, `${clean(st.title, 60)} (${st.n_events})`));
  }
  document.getElementById("legend").replaceChildren(...QUADS.map(([q, label]) => el("span", {}, el("i", { class: `q-${q}` }), label)));
  const eventId = readUrl();
  await map.loadWorld();
  await refresh();
  if (eventId) {
    select(eventId);
  } else {
    // open on the most-reported event, so the panel shows evidence at once
    const top = await api("/api/events", { ...filters(), sort: "-sources", limit: 1 });
    if (top.items.length) select(top.items[0].id);
  }
}

let timer = null;
form.addEventListener("input", (e) => {
  if (e.target.name === "bbox") return;
  clearTimeout(timer);
  timer = setTimeout(() => refresh(), e.target.type === "search" ? 300 : 50);
});
form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
form.addEventListener("reset", () => setTimeout(() => { form.elements.bbox.value = ""; refresh(); }, 0));
sortSel.addEventListener("change", () => refresh({ refit: false }));
dyadSel.addEventListener("change", () => { state.dyad = dyadSel.value; refresh({ refit: false }); });
moreBtn.addEventListener("click", loadMore);
document.getElementById("bbox-clear").addEventListener("click", () => { form.elements.bbox.value = ""; refresh(); });
document.getElementById("zoom-in").addEventListener("click", () => map.zoom(1.6));
document.getElementById("zoom-out").addEventListener("click", () => map.zoom(1 / 1.6));
document.getElementById("zoom-fit").addEventListener("click", () => map.fit());
document.getElementById("article-close").addEventListener("click", () => document.getElementById("article-dialog").close());

boot().catch((err) => showError(detail, err));
