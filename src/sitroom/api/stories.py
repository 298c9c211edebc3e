"""PROVISIONAL stories: groups of events that share an actor within a few days.

Real story building is a separate piece of work (another issue); until it
lands, the API offers this simple version so the UI has something to show:
one story "all" covering the whole store, plus one story per connected group
of dated, non-background events linked by a shared actor name within
:data:`WINDOW_DAYS`. Replace :func:`build_stories` when the real one exists;
the endpoint shapes need not change.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

WINDOW_DAYS = 7
MAX_STORIES = 100
ALL_ID = "all"


@dataclass
class Story:
    """A provisional story: its events (ids) and enough metadata for a listing."""

    id: str
    title: str
    event_ids: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    actors: list[tuple[str, int]] = field(default_factory=list)
    provisional: bool = True

    def brief(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "n_events": len(self.event_ids),
            "start": self.start, "end": self.end,
            "actors": [{"name": n, "count": c} for n, c in self.actors],
            "provisional": self.provisional,
        }


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def build_stories(db: sqlite3.Connection) -> list[Story]:
    """'all' first, then actor-linked groups (largest first), at most :data:`MAX_STORIES`."""
    rows = db.execute(
        "SELECT id, date, modality, "
        "json_extract(data, '$.sources') AS s, json_extract(data, '$.targets') AS t "
        "FROM events ORDER BY date IS NULL, date, id"
    ).fetchall()
    all_story = Story(id=ALL_ID, title="Everything in the store")
    parent: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    dates: dict[str, str | None] = {}
    last_seen: dict[str, tuple[date, str]] = {}
    for r in rows:
        eid = r["id"]
        all_story.event_ids.append(eid)
        dates[eid] = r["date"]
        d = _day(r["date"])
        if d is None or r["modality"] in ("historical", "negated", "hypothetical"):
            continue
        parent[eid] = eid
        actor_names = []
        for blob in (r["s"], r["t"]):
            for a in json.loads(blob or "[]"):
                name = (a.get("name") or a.get("text") or "").strip()
                if name:
                    actor_names.append(name)
        names[eid] = actor_names
        for name in {n.lower() for n in actor_names}:
            prev = last_seen.get(name)
            if prev is not None and (d - prev[0]).days <= WINDOW_DAYS:
                ra, rb = _find(parent, prev[1]), _find(parent, eid)
                if ra != rb:
                    parent[rb] = ra
            last_seen[name] = (d, eid)
    groups: dict[str, list[str]] = {}
    for eid in parent:
        groups.setdefault(_find(parent, eid), []).append(eid)
    dated = [d for d in dates.values() if d]
    all_story.start, all_story.end = (min(dated), max(dated)) if dated else (None, None)
    all_story.actors = Counter(n for ns in names.values() for n in ns).most_common(5)
    stories = [all_story]
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
        if len(members) < 2 or len(stories) > MAX_STORIES:
            continue
        actors = Counter(n for e in members for n in set(names.get(e, ())))
        top = [n for n, _ in actors.most_common(2)]
        ds = sorted(x for x in (dates[e] for e in members) if x)
        stories.append(Story(
            id="s-" + min(members)[:24],
            title=" & ".join(top) if top else f"{len(members)} linked events",
            event_ids=members, start=ds[0] if ds else None, end=ds[-1] if ds else None,
            actors=actors.most_common(5),
        ))
    return stories
