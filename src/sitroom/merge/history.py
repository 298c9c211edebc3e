"""What was known then: an event rebuilt from the reports published by a date."""

from __future__ import annotations

from collections.abc import Mapping

from sitroom.merge.build import build_event
from sitroom.records import Article, Event, Mention


def event_as_of(event: Event, mentions: Mapping[str, Mention],
                articles: Mapping[str, Article], as_of: str) -> Event | None:
    """Rebuild ``event`` from the member mentions whose article was published
    on or before ``as_of`` (ISO date or datetime; compared by day).

    Articles with no publication date are left out: we cannot show they were
    known by then. The event keeps its id so the two views line up; None when
    nothing had been reported yet.
    """
    cutoff = as_of[:10]
    kept = []
    for mid in event.mention_ids:
        m = mentions.get(mid)
        if m is None:
            continue
        art = articles.get(m.article_id)
        if art is None or not art.published or art.published[:10] > cutoff:
            continue
        kept.append(m)
    if not kept:
        return None
    return build_event(kept, articles, eid=event.id)
