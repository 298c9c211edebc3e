"""merge: cross-document event coreference -- one Event per real-world event.

GDELT's best-known flaw is the opposite: one article becomes several events
and background mentions are coded as new ones. Here every mention of the same
act, from any outlet or any sentence of one article, folds into one Event that
keeps the full report history (quantities, statements, sources).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sitroom.merge.build import best_quantity, build_event, event_id, outlet_key
from sitroom.merge.cluster import cluster_block, merge_groups
from sitroom.merge.features import date_interval, feats_compatible, featurize
from sitroom.merge.history import event_as_of
from sitroom.records import Article, Event, Mention

__all__ = [
    "INCREMENTAL_WINDOW",
    "best_quantity",
    "build_event",
    "date_interval",
    "event_as_of",
    "event_id",
    "mentions_compatible",
    "merge_incremental",
    "merge_mentions",
    "outlet_key",
]


def mentions_compatible(a: Mention, b: Mention, articles: Mapping[str, Article]) -> bool:
    """Could ``a`` and ``b`` report the same real-world event?

    A necessary (not sufficient) condition; the clusterer also needs positive
    evidence (shared actors, place, words) before it merges.

    * same PLOVER type (no cross-type equivalences yet: a THREATEN is not the
      ASSAULT it announces);
    * modes equal or one empty (an unspecified "attack" may be the missile
      strike);
    * actor countries do not contradict, per role: if both name source
      countries the sets must intersect, same for targets (Iran striking the
      US is not the US striking Iran); unknown sides are compatible;
    * places within ~100 km when both are city/site with coordinates, same
      country (and province) otherwise;
    * dates overlap given their precision (day +-1, a month contains its days,
      "reported" article dates cover ~3 days before publication; unknown
      matches anything) -- see ``sitroom.merge.features``;
    * modality: asserted and historical describe real events and merge, but a
      historical mention needs an explicit date that agrees (the 1953 coup
      never joins today's news); negated, hypothetical and future mentions
      merge only with their own kind (future+future: the same threat).
    """
    return feats_compatible(featurize(0, a, articles), featurize(1, b, articles))


def merge_mentions(mentions: Sequence[Mention], articles: Mapping[str, Article]) -> list[Event]:
    """Cluster mentions into events; deterministic and input-order independent.

    Mentions are sorted by id first (a repeated id keeps one copy), blocked by
    event type and clustered strictly (see ``sitroom.merge.cluster``). Events
    come back sorted by (time, id) so output order is stable too.
    """
    uniq: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: (m.id, m.article_id, m.event_type)):
        uniq.setdefault(m.id, m)
    ordered = list(uniq.values())
    blocks: dict[str, list] = {}
    for i, m in enumerate(ordered):
        blocks.setdefault(m.event_type, []).append(featurize(i, m, articles))
    events: list[Event] = []
    for etype in sorted(blocks):
        for members in merge_groups(blocks[etype], cluster_block(blocks[etype])):
            events.append(build_event([ordered[i] for i in members], articles))
    events.sort(key=lambda e: ((e.time.value or "") if e.time else "", e.id))
    return events


# How far (days) around a new mention's date existing events are re-examined.
INCREMENTAL_WINDOW = 14.0


def merge_incremental(existing_events: Sequence[Event], new_mentions: Sequence[Mention],
                      all_mentions: Mapping[str, Mention],
                      articles: Mapping[str, Article],
                      rebuild: Collection[str] = ()) -> list[Event]:
    """Fold newly extracted mentions into existing events without a full re-merge.

    Only the neighbourhood of the new reports is re-clustered: existing events
    of the same type whose date lies within ``INCREMENTAL_WINDOW`` days of a
    new mention (or that are undated, or when the new mention is undated).
    Their mentions plus the new ones go through :func:`merge_mentions`; every
    other event is returned unchanged. Since clustering is blocked by type and
    compares dates within a few days, this equals a full re-merge except when
    a chain of merges would reach beyond the window (a new report joining
    events more than two weeks apart) -- the periodic full re-merge settles
    that. No mention is ever dropped: each id of the input events and of
    ``new_mentions`` is in exactly one returned event, so report histories
    survive; event ids follow the smallest member id, as in a full merge.
    Events whose id is in ``rebuild`` are always re-clustered (say, one of
    their articles became a syndicated copy, which changes their sources).
    """
    known = {mid for e in existing_events for mid in e.mention_ids}
    fresh = [m for m in new_mentions if m.id not in known]
    if not fresh and not rebuild:
        return sorted(existing_events, key=_event_order)
    windows: dict[str, list[tuple[float, float] | None]] = {}
    for m in fresh:
        iv = date_interval(m, articles)
        windows.setdefault(m.event_type, []).append(
            None if iv is None else (iv[0] - INCREMENTAL_WINDOW, iv[1] + INCREMENTAL_WINDOW))
    touched: list[Event] = []
    kept: list[Event] = []
    for e in existing_events:
        wins = windows.get(e.event_type)
        if e.id in rebuild:
            touched.append(e)
            continue
        if wins is None:
            kept.append(e)
            continue
        ivs = [date_interval(all_mentions[mid], articles) for mid in e.mention_ids
               if mid in all_mentions]
        if any(w is None for w in wins) or any(iv is None for iv in ivs) or any(
                w is not None and iv is not None and iv[0] <= w[1] and w[0] <= iv[1]
                for w in wins for iv in ivs):
            touched.append(e)
        else:
            kept.append(e)
    pool: dict[str, Mention] = {m.id: m for m in fresh}
    for e in touched:
        for mid in e.mention_ids:
            old = all_mentions.get(mid)
            if old is not None:
                pool.setdefault(mid, old)
    merged = merge_mentions(list(pool.values()), articles)
    out = kept + merged
    out.sort(key=_event_order)
    return out


def _event_order(e: Event) -> tuple[str, str]:
    return ((e.time.value or "") if e.time else "", e.id)
