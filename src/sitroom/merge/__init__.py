"""merge: cross-document event coreference -- one Event per real-world event.

GDELT's best-known flaw is the opposite: one article becomes several events
and background mentions are coded as new ones. Here every mention of the same
act, from any outlet or any sentence of one article, folds into one Event that
keeps the full report history (quantities, statements, sources).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sitroom.merge.build import best_quantity, build_event, event_id, outlet_key
from sitroom.merge.cluster import cluster_block
from sitroom.merge.features import feats_compatible, featurize
from sitroom.merge.history import event_as_of
from sitroom.records import Article, Event, Mention

__all__ = [
    "best_quantity",
    "build_event",
    "event_as_of",
    "event_id",
    "mentions_compatible",
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
        for members in cluster_block(blocks[etype]):
            events.append(build_event([ordered[i] for i in members], articles))
    events.sort(key=lambda e: ((e.time.value or "") if e.time else "", e.id))
    return events
