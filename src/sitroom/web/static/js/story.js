// Story page: the list of stories, and for the chosen one its
// key developments with quoted evidence, actors and places, disagreements
// between reports, and the full timeline.
import { api, clean, el, highlighted, typeBadge } from "./common.js";

const list = document.getElementById("stories");
const main = document.getElementById("story");

function storyId() {
  return new URLSearchParams(location.search).get("id") || "all";
}

function bars(items, label) {
  const max = Math.max(1, ...items.map((x) => x.count));
  const ul = el("ul", { class: "plain bars" });
  for (const x of items) {
    ul.append(el("li", {},
      el("span", {}, clean(x.name, 60)), el("span", { class: "muted num" }, String(x.count)),
      el("div", { class: "bar-track" }, el("div", { class: "bar-fill", style: null, "data-w": x.count / max }))));
  }
  // widths set through the CSSOM (a style attribute would need 'unsafe-inline' under CSP)
  for (const f of ul.querySelectorAll(".bar-fill")) f.style.width = `${Math.round(Number(f.dataset.w) * 100)}%`;
  return el("section", { class: "panel" }, el("h2", {}, label), items.length ? ul : el("p", { class: "muted" }, "none"));
}

function quote(s) {
  const spans = s.mark ? [{ start: s.mark[0], end: s.mark[1], tag: "mark" }] : [];
  return el("p", { class: "quote" }, "“", highlighted(s.text, spans), "” ", s.outlet ? el("cite", {}, `— ${clean(s.outlet, 60)}`) : null);
}

function render(d) {
  const st = d.story;
  const header = el("section", { class: "panel story-header" },
    el("h1", {}, clean(st.title, 200)),
    el("p", { class: "muted" },
      `${st.n_events} events · ${d.n_articles} articles from ${d.outlets.length} outlets`,
      d.span.start ? ` · coverage ${d.span.start} → ${d.span.end}` : "",
      d.truncated ? " · showing the most-reported events only" : ""),
    el("p", { class: "muted" }, "Events linked by shared reports, actors, places and time. ",
      el("a", { href: st.id === "all" ? "/" : `/?story=${encodeURIComponent(st.id)}` }, "Open on the dashboard")));

  const summary = el("section", { class: "panel" }, el("h2", {}, "Key developments"));
  if (!d.summary.length) summary.append(el("p", { class: "muted" }, "No current events in this story."));
  for (const k of d.summary) {
    const item = el("div", { class: `key-item q-${k.quad_class}`, "data-event": k.event_id },
      el("div", { class: "line" }, typeBadge(k.event_type, k.quad_class), " ",
        el("a", { href: `/?event=${encodeURIComponent(k.event_id)}` }, clean(k.line, 400))));
    for (const s of k.sentences) item.append(quote(s));
    if (k.figures.length) item.append(el("div", { class: "muted" }, k.figures.map((f) => `${f.kind}: ${clean(f.value, 40)}`).join(" · ")));
    for (const c of k.claims) item.append(el("div", { class: "muted" }, `${c.kind}: ${clean(c.speaker, 60)}${c.per ? ` (per ${clean(c.per, 60)})` : ""}`));
    summary.append(item);
  }

  const dis = el("section", { class: "panel" }, el("h2", {}, "Where reports disagree"));
  if (!d.disagreements.length) dis.append(el("p", { class: "muted" }, "No conflicting figures."));
  for (const x of d.disagreements) {
    dis.append(el("div", { class: "muted" }, clean(x.line, 300)));
    for (const line of x.lines) dis.append(el("div", { class: "disagree" }, clean(line, 500)));
  }

  const tl = el("ol", { class: "timeline" });
  for (const t of d.timeline) {
    const li = el("li", { class: `q-${t.quad_class}${t.background ? " bg" : ""}`, "data-event": t.event_id },
      el("div", { class: "when" }, t.date || "undated", t.precision && t.precision !== "day" ? ` (${t.precision})` : "",
        t.background ? " · background" : ""),
      el("div", { class: "line" }, typeBadge(t.event_type, t.quad_class), " ",
        el("a", { href: `/?event=${encodeURIComponent(t.event_id)}` }, clean(t.line, 400))));
    for (const s of t.summary) li.append(el("p", { class: "quote" }, `“${clean(s.text, 600)}”`));
    if (t.sources.length) li.append(el("div", { class: "sources" }, `sources: ${t.sources.map((x) => clean(x, 60)).join(", ")}`));
    tl.append(li);
  }
  const timeline = el("section", { class: "panel" }, el("h2", {}, `Timeline (${d.timeline.length})`), el("div", { style: null }, tl));

  main.replaceChildren(header, summary,
    el("div", { class: "story-cols" }, bars(d.actors, "Actors"), bars(d.places, "Places"), dis),
    timeline);
  document.title = `sitroom — ${clean(st.title, 80)}`;
}

async function boot() {
  const id = storyId();
  const stories = await api("/api/stories");
  list.replaceChildren(...stories.items.map((s) => el("li", {},
    el("a", { href: `/story?id=${encodeURIComponent(s.id)}`, "aria-current": s.id === id ? "true" : null },
      clean(s.title, 80), el("small", {}, `${s.n_events} events${s.start ? ` · ${s.start} → ${s.end}` : ""}`)))));
  try {
    render(await api(`/api/stories/${encodeURIComponent(id)}/timeline`));
  } catch (err) {
    main.replaceChildren(el("div", { class: "empty" }, `Could not load this story: ${err.message}`));
  }
}

boot();
