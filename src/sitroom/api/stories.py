"""Stories for the API: the story stage's grouping, shaped for listing.

One story "all" covers the whole store; the others come from
:func:`sitroom.story.build_stories` (events linked by shared articles, or by
two shared signals — actor pair, country, place — within a time window), so
the web UI, ``sitroom stories`` and ``sitroom summarize`` show the same
stories with the same ids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sitroom.store import Store

MAX_STORIES = 100
ALL_ID = "all"


@dataclass
class Story:
    """A story's events (ids) and enough metadata for a listing."""

    id: str
    title: str
    event_ids: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    actors: list[tuple[str, int]] = field(default_factory=list)
    n_sources: int = 0

    def brief(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "n_events": len(self.event_ids),
            "start": self.start, "end": self.end, "n_sources": self.n_sources,
            "actors": [{"name": n, "count": c} for n, c in self.actors],
        }


def build_stories(store: Store) -> list[Story]:
    """'all' first, then the story stage's stories (most sources first), at most MAX_STORIES."""
    from sitroom.story import build_stories as group

    events = store.events()
    by_id = {e.id: e for e in events}
    mentions = store.mentions()
    articles = store.articles()

    def actor_counts(ids: list[str]) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for eid in ids:
            ev = by_id.get(eid)
            if ev is not None:
                counts.update({a.name or a.text for a in [*ev.sources, *ev.targets]} - {""})
        return counts.most_common(5)

    dated = sorted(e.time.value for e in events if e.time and e.time.value)
    all_ids = [e.id for e in events]
    out = [Story(id=ALL_ID, title="Everything in the store", event_ids=all_ids,
                 start=dated[0] if dated else None, end=dated[-1] if dated else None,
                 actors=actor_counts(all_ids),
                 n_sources=len({a.source for a in articles.values()}))]
    for st in group(events, mentions, articles)[:MAX_STORIES]:
        if len(st.event_ids) < 2:
            continue
        out.append(Story(id=st.id, title=st.title, event_ids=list(st.event_ids), start=st.start,
                         end=st.end, actors=actor_counts(st.event_ids), n_sources=st.n_sources))
    return out
