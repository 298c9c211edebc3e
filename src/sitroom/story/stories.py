"""Ongoing stories: merged events grouped by who, where, when and which articles.

Why connected components with guards: single shared signals (one country, one
date) chain everything into one giant "story" within a week of news. Two events
are linked only when an article reports both, or when they fall within a time
window *and* share at least two signals (the same actor dyad counts as two, a
shared actor country plus a shared place country, ...). Grouping is a pure
function of the events, so the same input gives the same stories, and a new
event that links to a story joins it (the story id is a hash of its founding
event, which new later events do not change).

The store keeps the stories (see "stored stories" below): every merge brings
them up to date -- a full merge regroups everything, an incremental one only
the stories its changed events touch -- and readers (CLI, API) list and
filter them without regrouping. Stored or computed, they are the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from sitroom.store import Store

__all__ = ["Story", "Summary", "build_stories", "story_timeline", "summarize_story",
           "render_summary_text", "render_summary_markdown", "render_story_timeline_text",
           "compute_stories", "load_stories", "rebuild_stories", "refresh_stories", "update_stories"]

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
    actor_counts: list[int] = field(default_factory=list)  # how often each of ``actors``


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


# Grouping parameters of the stored stories (build_stories' defaults).
WINDOW_DAYS = 21
MAX_ARTICLE_EVENTS = 12
# A signal shared by more events than this says nothing (one country, say).
MAX_SIGNAL_EVENTS = 2000


@dataclass(frozen=True)
class EventKeys:
    """What grouping looks at in one event: its day, signals and articles.

    Kept per event in the store (table ``story_keys``) so that an incremental
    update finds an event's possible partners with an index lookup.
    """

    day: date | None
    signals: frozenset[str]
    articles: tuple[str, ...]

    def names(self) -> list[str]:
        """Signals, then ``a:<article id>`` for each article: one key namespace."""
        return sorted(self.signals) + [ARTICLE_KEY + a for a in self.articles]


ARTICLE_KEY = "a:"


def event_keys(ev: Event, mentions: Mapping[str, Mention],
               articles: Mapping[str, Article]) -> EventKeys:
    """The grouping keys of one event (see :class:`EventKeys`)."""
    return EventKeys(_event_day(ev, articles, mentions), frozenset(_signals(ev)),
                     tuple(event_article_ids(ev, mentions)))


def _linked(a: EventKeys, b: EventKeys, window_days: int) -> bool:
    """Dated within the window and sharing two signals' worth (the pair test)."""
    da, db = a.day, b.day
    if da is None or db is None or abs(da.toordinal() - db.toordinal()) > window_days:
        return False
    return _strength(set(a.signals & b.signals)) >= 2


def group_keys(keys: Mapping[str, EventKeys], window_days: int = WINDOW_DAYS,
               max_article_events: int = MAX_ARTICLE_EVENTS,
               too_common: Set[str] | None = None) -> list[list[str]]:
    """Connected components of the events (ids sorted, each list sorted).

    ``too_common`` are the keys to ignore (an article reporting more than
    ``max_article_events`` events, a signal of more than MAX_SIGNAL_EVENTS);
    None counts them within ``keys``. Passing the counts of a whole store lets
    a subset that is closed under links be grouped alone, with the result it
    has within the store.
    """
    ids = sorted(keys)
    parent = {e: e for e in ids}
    by_article: dict[str, list[str]] = defaultdict(list)
    for eid in ids:
        for a in keys[eid].articles:
            by_article[a].append(eid)
    for aid, eids in by_article.items():
        skip = (len(eids) > max_article_events if too_common is None
                else ARTICLE_KEY + aid in too_common)
        if len(eids) > 1 and not skip:
            for other in eids[1:]:
                _union(parent, eids[0], other)

    # Blocking by signal: only events sharing a key are compared.
    by_sig: dict[str, list[str]] = defaultdict(list)
    for eid in ids:
        for s in keys[eid].signals:
            by_sig[s].append(eid)
    # Within a key's events, sorted by day, only those within the window are
    # compared (the others cannot link); a pair already in one story, or
    # already tested through another key, is not tested again. The links
    # found are the same as testing every pair, and so are the components.
    checked: set[tuple[str, str]] = set()
    for s in sorted(by_sig):
        eids = by_sig[s]
        if len(eids) > MAX_SIGNAL_EVENTS if too_common is None else s in too_common:
            continue
        dated = sorted((d.toordinal(), e) for e in eids if (d := keys[e].day) is not None)
        for i, (da, a) in enumerate(dated):
            for db, b in dated[i + 1:]:
                if db - da > window_days:
                    break
                if _find(parent, a) == _find(parent, b):
                    continue
                pair = (a, b) if a < b else (b, a)
                if pair in checked:
                    continue
                checked.add(pair)
                if _strength(set(keys[a].signals & keys[b].signals)) >= 2:
                    _union(parent, a, b)

    groups: dict[str, list[str]] = defaultdict(list)
    for e in ids:
        groups[_find(parent, e)].append(e)
    return list(groups.values())


def story_sort_key(s: Story) -> tuple[int, int, str, str]:
    """Biggest first: by outlets, then events; then earliest, then id."""
    return (-s.n_sources, -len(s.event_ids), s.start or "9999", s.id)


def build_stories(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    window_days: int = WINDOW_DAYS, max_article_events: int = MAX_ARTICLE_EVENTS,
) -> list[Story]:
    """Group events into stories, biggest (by sources, then events) first.

    Events linked by an article they share (unless the article reports more than
    ``max_article_events`` events: a round-up is not a story), or dated within
    ``window_days`` and sharing two signals, end in the same story.
    """
    evs = [e for e in events if e.modality not in EXCLUDED_MODALITIES]
    keys = {e.id: event_keys(e, mentions, articles) for e in evs}
    return _stories_of(evs, keys, mentions, articles,
                       group_keys(keys, window_days, max_article_events))


def _stories_of(evs: Iterable[Event], keys: Mapping[str, EventKeys],
                mentions: Mapping[str, Mention], articles: Mapping[str, Article],
                groups: Iterable[list[str]]) -> list[Story]:
    by_id = {e.id: e for e in evs}
    days = {eid: k.day for eid, k in keys.items()}
    stories = [_make_story([by_id[e] for e in g], mentions, articles, days) for g in groups]
    stories.sort(key=story_sort_key)
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
    seen_articles: dict[str, None] = {}   # ordered set: first report first
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
        seen_articles.update(dict.fromkeys(event_article_ids(e, mentions)))
    article_ids = list(seen_articles)
    outlets = {clean_text(articles[a].source) or a for a in article_ids if a in articles
               and not articles[a].duplicate_of}
    top_actors = sorted(actor_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    actors = [n for n, _ in top_actors]
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
        actor_counts=[c for _, c in top_actors],
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


# ------------------------------------------------------------ stored stories
# The store keeps the stories (issue #5): rebuilt whole after a full merge,
# updated component by component after an incremental one, and always equal
# to build_stories over the stored events.

def story_row(story: Story) -> dict[str, Any]:
    """A story as the columns of the store's ``stories`` table."""
    return {
        "id": story.id, "title": story.title, "date_start": story.start, "date_end": story.end,
        "sort_start": story.start or "9999", "n_events": len(story.event_ids),
        "n_articles": len(story.article_ids), "n_sources": story.n_sources,
        "countries": "|" + "|".join(story.countries) + "|" if story.countries else "",
        "data": json.dumps({"actors": story.actors, "actor_counts": story.actor_counts,
                            "countries": story.countries, "places": story.places,
                            "event_types": story.event_types}, ensure_ascii=False),
        "article_ids": json.dumps(story.article_ids, ensure_ascii=False),
    }


def story_from_row(row: sqlite3.Row | Mapping[str, Any], event_ids: Sequence[str]) -> Story:
    """The Story a ``stories`` row (and its members, in order) stands for."""
    data = json.loads(row["data"])
    keys = row.keys()
    return Story(
        id=row["id"], title=row["title"], actors=list(data["actors"]),
        countries=list(data["countries"]), places=list(data["places"]),
        start=row["date_start"], end=row["date_end"], event_ids=list(event_ids),
        article_ids=json.loads(row["article_ids"]) if "article_ids" in keys else [],
        n_sources=int(row["n_sources"]), event_types=list(data["event_types"]),
        actor_counts=[int(c) for c in data["actor_counts"]],
    )


def _store_context(store: Store, events: Sequence[Event], every: bool = False,
                   ) -> tuple[dict[str, Mention], dict[str, Article]]:
    """What grouping reads besides the events: each mention's article (as a bare
    Mention) and the articles' heads (no text); of the whole store if ``every``."""
    mids = None if every else {m for e in events for m in e.mention_ids}
    mentions = {mid: Mention(id=mid, article_id=aid, event_type="")
                for mid, aid in store.mention_articles(mids).items()}
    aids = None if every else ({a for e in events for a in e.article_ids}
                               | {m.article_id for m in mentions.values()})
    return mentions, store.article_heads(aids)


def _rows(stories: Sequence[Story], keys: Mapping[str, EventKeys], key_ids: Iterable[str],
          ) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]],
                     list[tuple[str, str, int | None]]]:
    members = [(eid, s.id, i) for s in stories for i, eid in enumerate(s.event_ids)]
    key_rows: list[tuple[str, str, int | None]] = []
    for eid in sorted(key_ids):
        k = keys[eid]
        day = k.day.toordinal() if k.day is not None else None
        key_rows.extend((key, eid, day) for key in k.names())
    return [story_row(s) for s in stories], members, key_rows


def rebuild_stories(store: Store, events: Sequence[Event] | None = None,
                    mentions: Mapping[str, Mention] | None = None,
                    articles: Mapping[str, Article] | None = None) -> int:
    """Regroup every stored event and store the result; returns the story count.

    ``events`` (with their ``mentions`` and ``articles``) are the stored
    events when the caller has them in memory (a full merge); otherwise they
    are read, with article heads instead of whole articles.
    """
    if events is None:
        events = store.events()
    if mentions is None or articles is None:
        mentions, articles = _store_context(store, events, every=True)
    evs = [e for e in events if e.modality not in EXCLUDED_MODALITIES]
    keys = {e.id: event_keys(e, mentions, articles) for e in evs}
    stories = _stories_of(evs, keys, mentions, articles, group_keys(keys))
    store.write_stories(*_rows(stories, keys, keys))
    return len(stories)


def _too_common(key: str, count: int) -> bool:
    limit = MAX_ARTICLE_EVENTS if key.startswith(ARTICLE_KEY) else MAX_SIGNAL_EVENTS
    return count > limit


def refresh_stories(store: Store, changed: Iterable[str], removed: Iterable[str]) -> str:
    """Bring stored stories (current before the events changed) up to date.

    ``changed`` are events written anew (new, rewritten, or whose articles
    changed), ``removed`` events deleted. Only the stories these touch are
    regrouped, with every event they now link to, together with the whole
    stories those belong to. That set is closed under links (an unchanged pair
    links as before, as long as no signal crosses MAX_SIGNAL_EVENTS and every
    event sharing an article with a changed one is included), so grouping it
    alone, with the store's key counts, gives exactly the components
    :func:`build_stories` finds over every event. When a signal does cross the
    limit, every story is rebuilt. Returns "incremental" or "full".
    """
    removed = set(removed)
    touched = set(changed) | removed
    now = store.events_by_ids(touched - removed)
    mentions, articles = _store_context(store, now)
    new_keys = {e.id: event_keys(e, mentions, articles)
                for e in now if e.modality not in EXCLUDED_MODALITIES}
    old_keys = store.story_keys_of(touched)
    delta: Counter[str] = Counter()
    for _, ks in old_keys.values():
        delta.update(dict.fromkeys(ks, -1))
    for ek in new_keys.values():
        for k in ek.names():
            delta[k] += 1
    before = store.story_key_counts(delta)
    counts = {k: before.get(k, 0) + d for k, d in delta.items()}
    if any(_too_common(k, before.get(k, 0)) != _too_common(k, counts[k])
           for k in delta if not k.startswith(ARTICLE_KEY)):
        rebuild_stories(store)
        return "full"

    pulled = set(touched)
    for k in delta:   # an article's event count may have crossed its limit
        if k.startswith(ARTICLE_KEY):
            pulled.update(store.story_key_events(k))
    partners: set[str] = set()
    for ek in new_keys.values():
        if ek.day is None:
            continue
        day = ek.day.toordinal()
        for s in ek.signals:
            if not _too_common(s, counts[s]):
                partners.update(store.story_key_events(s, day - WINDOW_DAYS, day + WINDOW_DAYS))
    partners -= pulled
    stored = store.story_keys_of(partners)
    for eid in partners:
        ordinal, ks = stored[eid]
        other = EventKeys(date.fromordinal(ordinal) if ordinal is not None else None,
                          frozenset(k for k in ks if not k.startswith(ARTICLE_KEY)), ())
        if any(_linked(ek, other, WINDOW_DAYS) for ek in new_keys.values()):
            pulled.add(eid)

    old_stories = store.story_ids_of_events(pulled)
    regroup = store.story_members(old_stories) | pulled
    rest = store.events_by_ids(regroup - touched)
    more_mentions, more_articles = _store_context(store, rest)
    mentions.update(more_mentions)
    articles.update(more_articles)
    evs = [*rest, *(e for e in now if e.id in new_keys)]
    keys = {**{e.id: event_keys(e, mentions, articles) for e in rest}, **new_keys}
    all_keys = {k for ek in keys.values() for k in ek.names()}
    counts.update(store.story_key_counts(all_keys - counts.keys()))
    common = {k for k in all_keys if _too_common(k, counts.get(k, 0))}
    stories = _stories_of(evs, keys, mentions, articles, group_keys(keys, too_common=common))
    rows, members, key_rows = _rows(stories, keys, new_keys)
    store.write_stories(rows, members, key_rows, drop_stories=old_stories,
                        drop_events=regroup, drop_keys=touched)
    return "incremental"


def update_stories(store: Store, changed: Iterable[str], removed: Iterable[str],
                   was_current: bool) -> str:
    """After an incremental merge: refresh the stored stories if they were
    current before it, else rebuild them all. Returns "incremental" or "full"."""
    if not was_current:
        rebuild_stories(store)
        return "full"
    return refresh_stories(store, changed, removed)


def compute_stories(store: Store) -> list[Story]:
    """:func:`build_stories` over every stored event, nothing written (a
    read-only store whose stored stories are not current)."""
    return build_stories(store.events(), *_store_context(store, (), every=True))


def load_stories(store: Store, *, limit: int | None = None, min_events: int = 1,
                 prefix: str | None = None, write: bool = True) -> list[Story]:
    """The store's stories, biggest first (as :func:`build_stories` ranks them).

    Read from the store when they are current; otherwise built from every
    event first -- and written, when ``write`` and the store allows it (an
    older store, events written without a merge), else kept in memory only.
    ``prefix`` keeps the stories whose id starts with it.
    """
    if not store.stories_current and write:
        with contextlib.suppress(sqlite3.OperationalError):   # a read-only store
            rebuild_stories(store)
    if not store.stories_current:
        found = [s for s in compute_stories(store)
                 if len(s.event_ids) >= min_events
                 and (prefix is None or s.id.startswith(prefix))]
        return found[:limit] if limit is not None else found
    return [story_from_row(r, store.story_event_ids(r["id"]))
            for r in store.story_rows(limit=limit, min_events=min_events, prefix=prefix)]
