"""Stories for the API: the story stage's stories, shaped for listing.

One story "all" covers the whole store; the others are the stored stories
(:mod:`sitroom.story.stories`: events linked by shared articles, or by two
shared signals — actor pair, country, place — within a time window), kept up
to date by every merge, so the web UI, ``sitroom stories`` and ``sitroom
summarize`` show the same stories with the same ids. A store whose stored
stories are not current (an older store opened read-only) gets them computed
in memory instead: the caller passes that list as ``computed``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from sitroom.store import Store
from sitroom.story.stories import Story as StageStory
from sitroom.story.stories import story_from_row

MAX_STORIES = 100
ALL_ID = "all"


@dataclass
class Story:
    """A story's size and enough metadata for a listing."""

    id: str
    title: str
    n_events: int = 0
    start: str | None = None
    end: str | None = None
    actors: list[tuple[str, int]] = field(default_factory=list)
    n_sources: int = 0

    def brief(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "n_events": self.n_events,
            "start": self.start, "end": self.end, "n_sources": self.n_sources,
            "actors": [{"name": n, "count": c} for n, c in self.actors],
        }


def _from_stage(st: StageStory) -> Story:
    return Story(id=st.id, title=st.title, n_events=len(st.event_ids), start=st.start,
                 end=st.end, actors=list(zip(st.actors, st.actor_counts, strict=False))[:5],
                 n_sources=st.n_sources)


def _from_row(row: sqlite3.Row) -> Story:
    st = _from_stage(story_from_row(row, []))
    st.n_events = int(row["n_events"])
    return st


def all_story(store: Store) -> Story:
    """'all': every event, its date span, the five actors in most events, every outlet."""
    db = store.db
    n, first, last = db.execute(
        "SELECT COUNT(*), MIN(date), MAX(date) FROM events").fetchone()
    name = ("COALESCE(NULLIF(json_extract(a.value, '$.name'), ''), "
            "json_extract(a.value, '$.text'), '')")
    actors = [(r[0], int(r[1])) for r in db.execute(
        f"SELECT name, COUNT(*) AS n FROM ("
        f"SELECT e.id, {name} AS name FROM events e, json_each(e.data, '$.sources') a UNION "
        f"SELECT e.id, {name} AS name FROM events e, json_each(e.data, '$.targets') a) "
        "WHERE name != '' GROUP BY name ORDER BY n DESC, name LIMIT 5")]
    outlets = int(db.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0])
    return Story(id=ALL_ID, title="Everything in the store", n_events=int(n), start=first,
                 end=last, actors=actors, n_sources=outlets)


def list_stories(store: Store, every: Story, computed: Sequence[StageStory] | None) -> list[Story]:
    """``every`` ('all') first, then the stories of two or more events, biggest
    first, at most MAX_STORIES."""
    if computed is None:
        rows = store.story_rows(limit=MAX_STORIES, min_events=2, with_articles=False)
        return [every, *(_from_row(r) for r in rows)]
    return [every, *(_from_stage(s) for s in computed if len(s.event_ids) >= 2)][:MAX_STORIES + 1]


def find_story(store: Store, story_id: str,
               computed: Sequence[StageStory] | None) -> tuple[Story, list[str]] | None:
    """A story other than 'all' and its event ids (timeline order), or None."""
    if computed is not None:
        st = next((s for s in computed if s.id == story_id), None)
        return None if st is None else (_from_stage(st), list(st.event_ids))
    if not story_id or len(story_id) > 64:
        return None
    rows = store.story_rows(ids=[story_id], with_articles=False)
    if not rows:
        return None
    return _from_row(rows[0]), store.story_event_ids(story_id)
