"""Ongoing stories: merged events grouped by who, where, when and which articles.

Why connected components with guards: single shared signals (one country, one
date) chain everything into one giant "story" within a week of news. Two events
are linked only when an article reports both, or when they fall within a time
window *and* share at least two signals (the same actor dyad counts as two, a
shared actor country plus a shared place country, ...). Grouping is a pure
function of the events, so the same input gives the same stories, and a new
event that links to a story joins it (the story id is a hash of its founding
event, which new later events do not change).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sitroom.records import Article, Event, Mention

from ._common import (
    INTENSITY,
    clean_text,
    coverage_span,
    date_label,
    event_article_ids,
    is_background,
    parse_iso,
    place_label,
)
from .figures import disagreements
from .summary import NEAR_DUPLICATE, _tokens, jaccard, summary_sentences
from .timeline import EXCLUDED_MODALITIES, TimelineEntry, timeline

__all__ = ["Story", "Summary", "build_stories", "story_timeline", "summarize_story",
           "render_summary_text", "render_summary_markdown", "render_story_timeline_text"]

# Event type -> the verb used in titles.
_VERBS: dict[str, str] = {
    "AGREE": "agree", "CONSULT": "consult", "SUPPORT": "support", "CONCEDE": "concede",
    "COOPERATE": "cooperate", "AID": "aid", "RETREAT": "retreat", "REQUEST": "request",
    "ACCUSE": "accuse", "REJECT": "reject", "THREATEN": "threaten", "SANCTION": "sanction",
    "PROTEST": "protest", "MOBILIZE": "mobilize", "COERCE": "coerce", "ASSAULT": "assault",
}


@dataclass
class Story:
    """A group of events (and their articles) that make one ongoing story."""

    id: str
    title: str
    actors: list[str] = field(default_factory=list)      # names, most frequent first
    countries: list[str] = field(default_factory=list)   # actor countries, most frequent first
    places: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    event_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    n_sources: int = 0
    event_types: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """A cited multi-document summary of a story and the figures its sources disagree on."""

    story_id: str
    title: str
    start: str | None
    end: str | None
    sentences: list[tuple[str, str]] = field(default_factory=list)   # (text, article id)
    disagreements: list[str] = field(default_factory=list)
    n_sources: int = 0


def _event_day(ev: Event, articles: Mapping[str, Article], mentions: Mapping[str, Mention]) -> date | None:
    d = parse_iso(ev.time.value) if ev.time is not None and ev.time.value else None
    if d is not None:
        return d
    pubs = sorted(articles[a].published or "" for a in event_article_ids(ev, mentions) if a in articles)
    pubs = [p for p in pubs if p]
    return parse_iso(pubs[0]) if pubs else None


def _actor_name(a: object) -> str:
    return clean_text(getattr(a, "name", "") or getattr(a, "text", ""), 60)


def _signals(ev: Event) -> set[str]:
    """Keys two events may share: actor countries, the dyad, the place, its country."""
    sig: set[str] = set()
    countries = sorted({a.country for a in ev.sources + ev.targets if a.country})
    for c in countries:
        sig.add(f"c:{c}")
    src = sorted({a.country or _actor_name(a).lower() for a in ev.sources} - {""})
    tgt = sorted({a.country or _actor_name(a).lower() for a in ev.targets} - {""})
    for s in src:
        for t in tgt:
            if s != t:
                sig.add("d:" + "|".join(sorted((s, t))))
    if ev.place is not None:
        if ev.place.geonameid:
            sig.add(f"p:{ev.place.geonameid}")
        elif ev.place.name or ev.place.text:
            sig.add("p:" + clean_text(ev.place.name or ev.place.text).lower())
        if ev.place.country:
            sig.add(f"pc:{ev.place.country}")
    return sig


def _strength(shared: set[str]) -> int:
    """A shared dyad is worth two signals: it names both sides of the story."""
    return sum(2 if s.startswith("d:") else 1 for s in shared)


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        # the smaller id becomes the root: independent of input order
        lo, hi = sorted((ra, rb))
        parent[hi] = lo


def build_stories(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    window_days: int = 21, max_article_events: int = 12,
) -> list[Story]:
    """Group events into stories, biggest (by sources, then events) first.

    Events linked by an article they share (unless the article reports more than
    ``max_article_events`` events: a round-up is not a story), or dated within
    ``window_days`` and sharing two signals, end in the same story.
    """
    evs = sorted((e for e in events if e.modality not in EXCLUDED_MODALITIES), key=lambda e: e.id)
    by_id = {e.id: e for e in evs}
    parent = {e.id: e.id for e in evs}
    days = {e.id: _event_day(e, articles, mentions) for e in evs}
    sigs = {e.id: _signals(e) for e in evs}
    arts = {e.id: event_article_ids(e, mentions) for e in evs}

    by_article: dict[str, list[str]] = defaultdict(list)
    for eid, aids in arts.items():
        for a in aids:
            by_article[a].append(eid)
    for eids in by_article.values():
        if 1 < len(eids) <= max_article_events:
            for other in eids[1:]:
                _union(parent, eids[0], other)

    # Blocking by signal: only events sharing a key are compared.
    by_sig: dict[str, list[str]] = defaultdict(list)
    for eid, sig in sigs.items():
        for s in sig:
            by_sig[s].append(eid)
    checked: set[tuple[str, str]] = set()
    for s in sorted(by_sig):
        eids = by_sig[s]
        if len(eids) > 2000:   # a key this common says nothing
            continue
        for i, a in enumerate(eids):
            for b in eids[i + 1:]:
                if (a, b) in checked:
                    continue
                checked.add((a, b))
                da, db = days[a], days[b]
                if da is None or db is None or abs(da.toordinal() - db.toordinal()) > window_days:
                    continue
                if _strength(sigs[a] & sigs[b]) >= 2:
                    _union(parent, a, b)

    groups: dict[str, list[Event]] = defaultdict(list)
    for e in evs:
        groups[_find(parent, e.id)].append(by_id[e.id])
    stories = [_make_story(g, mentions, articles, days) for g in groups.values()]
    stories.sort(key=lambda s: (-s.n_sources, -len(s.event_ids), s.start or "9999", s.id))
    return stories


def _make_story(group: Sequence[Event], mentions: Mapping[str, Mention],
                articles: Mapping[str, Article], days: Mapping[str, date | None]) -> Story:
    dated: list[tuple[date, str]] = sorted(
        (d, e.id) for e in group if (d := days[e.id]) is not None)
    founder = dated[0][1] if dated else min(e.id for e in group)
    sid = "s" + hashlib.sha1(founder.encode("utf-8")).hexdigest()[:12]
    actor_counts: Counter[str] = Counter()
    country_counts: Counter[str] = Counter()
    place_counts: Counter[str] = Counter()
    type_counts: Counter[str] = Counter()
    article_ids: list[str] = []
    for e in sorted(group, key=lambda e: e.id):
        for a in e.sources + e.targets:
            name = _actor_name(a)
            if name:
                actor_counts[name] += 1
            if a.country:
                country_counts[a.country] += 1
        lab = place_label(e.place)
        if lab:
            place_counts[lab] += 1
        type_counts[e.event_type] += 1
        for aid in event_article_ids(e, mentions):
            if aid not in article_ids:
                article_ids.append(aid)
    outlets = {clean_text(articles[a].source) or a for a in article_ids if a in articles
               and not articles[a].duplicate_of}
    actors = [n for n, _ in sorted(actor_counts.items(), key=lambda kv: (-kv[1], kv[0]))][:6]
    countries = [c for c, _ in sorted(country_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    places = [p for p, _ in sorted(place_counts.items(), key=lambda kv: (-kv[1], kv[0]))][:5]
    types = [t for t, _ in sorted(type_counts.items(),
                                  key=lambda kv: (-kv[1], -INTENSITY.get(kv[0], 1.0), kv[0]))]
    # The span is the news, not the history it recalls (a 1953 coup in 2020 coverage).
    start_cov, _ = coverage_span({a: articles[a] for a in article_ids if a in articles})
    by_id = {e.id: e for e in group}
    span = [d for d, eid in dated if not is_background(by_id[eid], start_cov)] or [d for d, _ in dated]
    return Story(
        id=sid, title=story_title(actors, types, places), actors=actors, countries=countries,
        places=places, start=span[0].isoformat() if span else None,
        end=span[-1].isoformat() if span else None,
        event_ids=[e.id for e in sorted(group, key=lambda e: (days[e.id] or date.max, e.id))],
        article_ids=article_ids, n_sources=len(outlets), event_types=types,
    )


def story_title(actors: Sequence[str], types: Sequence[str], places: Sequence[str]) -> str:
    """'Iran–United States: assault, threaten … in Ain al-Asad, IRQ'."""
    who = "–".join(actors[:2]) or "Unattributed events"
    verbs = [_VERBS.get(t, t.lower()) for t in types[:2]]
    what = ", ".join(verbs) + (" …" if len(types) > 2 else "")
    where = f" in {places[0]}" if places else ""
    return f"{who}: {what}{where}" if what else f"{who}{where}"


def _story_events(story: Story, events: Iterable[Event]) -> list[Event]:
    wanted = set(story.event_ids)
    return [e for e in events if e.id in wanted]


def story_timeline(
    story: Story, events: Iterable[Event], mentions: Mapping[str, Mention],
    articles: Mapping[str, Article], max_sentences: int = 2,
) -> list[TimelineEntry]:
    """The story's dated events, each with 1–3 cited report sentences; background
    events sit at their own date and are flagged."""
    n = max(1, min(3, max_sentences))
    return timeline(_story_events(story, events), mentions, articles, max_sentences=n)


def summarize_story(
    story: Story, events: Iterable[Event], mentions: Mapping[str, Mention],
    articles: Mapping[str, Article], max_sentences: int = 8,
) -> Summary:
    """Extractive summary: the best-attested sentences of the story's most important
    events (intensity × sources), near repeats dropped, in publication order; plus one
    line per figure the sources disagree on."""
    evs = _story_events(story, events)
    ranked = sorted(evs, key=lambda e: (-INTENSITY.get(e.event_type, 1.0) * max(e.n_sources, 1),
                                        e.id))
    picked: list[tuple[str, str, str]] = []   # (published, text, article id)
    for ev in ranked:
        if len(picked) >= max_sentences:
            break
        for s in summary_sentences(ev, mentions, articles, 1):
            toks = _tokens(s.text)
            if any(jaccard(toks, _tokens(t)) >= NEAR_DUPLICATE for _, t, _ in picked):
                continue
            picked.append((s.published or "", s.text, s.article_id))
    picked.sort(key=lambda x: (x[0] == "", x[0], x[2]))
    disagree: list[str] = []
    for ev in ranked:
        lines = disagreements(ev, mentions)
        if lines:
            where = place_label(ev.place)
            prep = "at" if ev.place is not None and ev.place.precision == "site" else "in"
            what = f"{date_label(ev.time)} {ev.event_type.lower()}" + (f" {prep} {where}" if where else "")
            disagree.extend(f"{what} — {line}" for line in lines)
    return Summary(story.id, story.title, story.start, story.end,
                   [(t, a) for _, t, a in picked], disagree, story.n_sources)


def _outlet(aid: str, articles: Mapping[str, Article]) -> str:
    art = articles.get(aid)
    if art is None:
        return aid
    when = f", {art.published[:10]}" if art.published else ""
    return f"{clean_text(art.source, 60) or 'unknown outlet'}{when}"


def render_summary_text(summary: Summary, articles: Mapping[str, Article]) -> str:
    """Plain text: title, span, numbered cited sentences, then where sources disagree."""
    span = f"{summary.start or '?'} to {summary.end or '?'}"
    lines = [summary.title, f"{span} · {summary.n_sources} sources", ""]
    for i, (text, aid) in enumerate(summary.sentences, 1):
        lines.append(f"{i}. {text} [{_outlet(aid, articles)}]")
    if summary.disagreements:
        lines += ["", "Sources disagree:"]
        lines += [f"  - {d}" for d in summary.disagreements]
    return "\n".join(lines) + "\n"


def render_summary_markdown(summary: Summary, articles: Mapping[str, Article]) -> str:
    """Markdown with footnote-style citations (one per article)."""
    cites: list[str] = []
    body = []
    for text, aid in summary.sentences:
        if aid not in cites:
            cites.append(aid)
        escaped = text.replace("*", r"\*")
        body.append(f"{escaped} [^{cites.index(aid) + 1}]")
    out = [f"## {summary.title}", "",
           f"*{summary.start or '?'} to {summary.end or '?'} · {summary.n_sources} sources*", "",
           " ".join(body), ""]
    if summary.disagreements:
        out += ["**Sources disagree**", ""] + [f"- {d}" for d in summary.disagreements] + [""]
    out += [f"[^{i}]: {_outlet(aid, articles)}" for i, aid in enumerate(cites, 1)]
    return "\n".join(out) + "\n"


def render_story_timeline_text(story: Story, entries: Sequence[TimelineEntry],
                               articles: Mapping[str, Article]) -> str:
    """Timeline of one story under its title (sentences cited by outlet and date)."""
    lines = [story.title, f"{story.start or '?'} to {story.end or '?'}", ""]
    for e in entries:
        flag = "[background] " if e.background else ""
        lines.append(f"{flag}{e.line}")
        for text, aid in e.summary:
            lines.append(f"    “{text}” [{_outlet(aid, articles)}]")
    return "\n".join(lines) + "\n"
