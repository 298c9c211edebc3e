"""Chronological timeline of merged events.

Events sort by their own resolved date (not the date an article was
published), so a 1953 coup mentioned in 2020 coverage sits in 1953 and is
flagged as background. Events whose date could not be resolved go last.
Negated and hypothetical events are left out: they did not happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sitroom.records import Article, Event, Mention

from ._common import (
    INTENSITY,
    coverage_span,
    event_article_ids,
    is_background,
    n_sources,
    parse_iso,
)
from .summary import describe_event, summary_sentences

EXCLUDED_MODALITIES = frozenset({"negated", "hypothetical"})


@dataclass
class TimelineEntry:
    """One dated line of the timeline, with its evidence and reporting outlets."""

    date: str | None
    precision: str
    event_id: str
    line: str
    summary: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    background: bool = False


def _sort_key(ev: Event, articles: Mapping[str, Article]) -> tuple[int, str, float, str]:
    value = ev.time.value if ev.time is not None else None
    d = parse_iso(value)
    # Zero-padded ISO of the parsed date keeps "953" and "0953" in the right place.
    key = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d is not None else (value or "")
    return (value is None, key, -INTENSITY.get(ev.event_type, 1.0) * n_sources(ev, articles), ev.id)


def _outlets(ev: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> list[str]:
    arts = [articles[a] for a in event_article_ids(ev, mentions) if a in articles]
    arts.sort(key=lambda a: (a.published is None, a.published or "", a.id))
    out: list[str] = []
    for a in arts:
        name = " ".join((a.source or "unknown outlet").split())[:80]
        if name not in out:
            out.append(name)
    return out


def timeline(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    include_background: bool = True, max_sentences: int = 1,
) -> list[TimelineEntry]:
    """Chronological entries (unknown dates last); background events keep their own dates."""
    start, _ = coverage_span(articles)
    out = []
    for ev in sorted(
        (e for e in events if e.modality not in EXCLUDED_MODALITIES),
        key=lambda e: _sort_key(e, articles),
    ):
        bg = is_background(ev, start)
        if bg and not include_background:
            continue
        out.append(TimelineEntry(
            date=ev.time.value if ev.time is not None else None,
            precision=ev.time.precision if ev.time is not None else "unknown",
            event_id=ev.id,
            line=describe_event(ev, mentions, articles),
            summary=[(s.text, s.article_id)
                     for s in summary_sentences(ev, mentions, articles, max_sentences)],
            sources=_outlets(ev, mentions, articles),
            background=bg,
        ))
    return out


def render_timeline_text(entries: Iterable[TimelineEntry], articles: Mapping[str, Article]) -> str:
    """Plain text: one line per event, its evidence sentence, and the outlets reporting it."""
    lines = []
    for e in entries:
        flag = "[background] " if e.background else ""
        lines.append(f"{flag}{e.line}")
        for text, aid in e.summary:
            art = articles.get(aid)
            outlet = " ".join((art.source if art else "").split())[:80] or "unknown outlet"
            lines.append(f"    “{text}” ({outlet})")
        lines.append(f"    sources: {', '.join(e.sources) if e.sources else 'none recorded'}")
    return "\n".join(lines) + ("\n" if lines else "")
