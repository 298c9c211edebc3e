"""Deterministic, blocked, strict clustering of mention features.

Method (one pass per event type):

1. Sort mentions canonically -- dated ones with narrow intervals first (by
   interval start, then id), then wide intervals (year, decade), then undated
   ones -- so the result does not depend on input order, and clusters are
   seeded by the most informative reports.
2. Each mention looks up candidate clusters through an index: dated mentions
   by week buckets of their interval (year buckets for wide periods), undated
   mentions by shared anchors (same article, a source/target country, the
   place country, a trigger stem; capped). This keeps the work near
   O(n log n) per type instead of all pairs.
3. A candidate must accept the mention under the pairwise rule against the
   cluster's *consensus* (interval intersection, every distinct actor-country
   set, every distinct place, its mode and modality), which equals checking
   every member -- so chains of pairwise-similar mentions cannot glue
   incompatible reports together.
4. Among accepting clusters the mention joins the best-scoring one if the
   score (actors, place, date closeness, word and trigger overlap, mode, same
   article) clears a threshold; otherwise it starts a new cluster.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sitroom.merge.features import (
    Feat,
    PlaceKey,
    place_score,
    places_compatible,
)

BUCKET_DAYS = 7
MAX_BUCKETS = 20          # wider intervals are indexed by year buckets instead
YEAR_DAYS = 365
MAX_CANDIDATES = 3000     # cap for undated lookups through common anchors
THRESHOLD_DATED = 1.1
THRESHOLD_UNDATED = 1.3


@dataclass
class Cluster:
    """Running consensus of a cluster: enough to check and score newcomers."""

    key: int
    members: list[int] = field(default_factory=list)
    interval: tuple[float, float] | None = None
    mclass: str = ""
    mode: str = ""
    src_sets: set[frozenset[str]] = field(default_factory=set)
    tgt_sets: set[frozenset[str]] = field(default_factory=set)
    places: set[PlaceKey] = field(default_factory=set)
    src: Counter[str] = field(default_factory=Counter)
    tgt: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    trig: Counter[str] = field(default_factory=Counter)
    days: Counter[float] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)

    def accepts(self, f: Feat) -> bool:
        """The pairwise rule against every member, via the consensus."""
        if self.mclass != f.mclass:   # see features.modality_compatible
            return False
        if self.mode and f.mode and self.mode != f.mode:
            return False
        if f.modality == "historical" and f.interval is None:
            return False
        if f.interval is not None and self.interval is not None:
            lo, hi = self.interval
            if f.interval[0] > hi or lo > f.interval[1]:
                return False
        if f.src and any(not (f.src & s) for s in self.src_sets):
            return False
        if f.tgt and any(not (f.tgt & s) for s in self.tgt_sets):
            return False
        return not (f.place is not None
                    and any(not places_compatible(f.place, p) for p in self.places))

    def score(self, f: Feat) -> float:
        """Positive evidence that ``f`` reports this cluster's event."""
        n = len(self.members)
        s = 0.0
        if f.src and self.src:
            s += 0.6 * sum(1 for c in f.src if c in self.src) / len(f.src)
        if f.tgt and self.tgt:
            s += 0.6 * sum(1 for c in f.tgt if c in self.tgt) / len(f.tgt)
        if f.place is not None and self.places:
            s += max(place_score(f.place, p) for p in self.places)
        if f.day is not None and self.days:
            if self.days.get(f.day):
                s += 0.6
            elif self.days.get(f.day - 1) or self.days.get(f.day + 1):
                s += 0.4
            else:
                s += 0.2
        elif f.interval is not None and self.interval is not None:
            width = f.interval[1] - f.interval[0]
            s += 0.3 if width <= 5 else 0.1
        if f.words:
            s += sum(self.words.get(w, 0) for w in f.words) / (n * len(f.words))
        if f.trig:
            s += 0.3 * sum(self.trig.get(w, 0) for w in f.trig) / (n * len(f.trig))
        if f.mode and f.mode == self.mode:
            s += 0.3
        if f.article_id in self.articles:
            s += 0.5
        return s

    def add(self, f: Feat) -> None:
        """Fold a member into the consensus."""
        self.members.append(f.idx)
        if not self.mclass:
            self.mclass = f.mclass
        if f.mode:
            self.mode = f.mode
        if f.interval is not None and self.interval is None:
            self.interval = f.interval
        elif f.interval is not None and self.interval is not None:
            self.interval = (max(self.interval[0], f.interval[0]),
                             min(self.interval[1], f.interval[1]))
        if f.src:
            self.src_sets.add(f.src)
            self.src.update(f.src)
        if f.tgt:
            self.tgt_sets.add(f.tgt)
            self.tgt.update(f.tgt)
        if f.place is not None:
            self.places.add(f.place)
        self.words.update(f.words)
        self.trig.update(f.trig)
        if f.day is not None:
            self.days[f.day] += 1
        self.articles.add(f.article_id)


def _buckets(iv: tuple[float, float], size: int = BUCKET_DAYS) -> range:
    return range(int(iv[0] // size), int(iv[1] // size) + 1)


def _anchors(f: Feat) -> list[tuple[str, str]]:
    out = [("a", f.article_id)]
    out += [("s", c) for c in sorted(f.src)]
    out += [("t", c) for c in sorted(f.tgt)]
    out += [("g", w) for w in sorted(f.trig)]
    if f.place is not None and f.place.country:
        out.append(("p", f.place.country))
    return out


def _order_key(f: Feat) -> tuple[int, float, str]:
    """Explicit narrow dates first, then article dates, wide periods, undated.

    Informative mentions seed the clusters; vaguer ones then join the best
    seeded cluster instead of seeding weak clusters of their own.
    """
    if f.interval is None:
        return (3, 0.0, f.id)
    if (f.interval[1] - f.interval[0]) > BUCKET_DAYS * MAX_BUCKETS:
        return (2, f.interval[0], f.id)
    return (1 if f.reported else 0, f.interval[0], f.id)


def cluster_block(feats: list[Feat]) -> list[list[int]]:
    """Cluster one event-type block; returns member feature indices per cluster."""
    clusters: list[Cluster] = []
    by_bucket: dict[int, list[int]] = {}
    by_year: dict[int, list[int]] = {}    # clusters with wide intervals
    anchor_index: dict[tuple[str, str], list[int]] | None = None
    by_idx = {f.idx: f for f in feats}

    def register_dated(ci: int) -> None:
        iv = clusters[ci].interval
        if iv is None:
            return
        rng = _buckets(iv)
        index = by_bucket
        if len(rng) > MAX_BUCKETS:
            rng, index = _buckets(iv, YEAR_DAYS), by_year
        for b in rng:
            index.setdefault(b, []).append(ci)

    def register_anchors(ci: int, f: Feat) -> None:
        assert anchor_index is not None
        for a in _anchors(f):
            lst = anchor_index.setdefault(a, [])
            if not lst or lst[-1] != ci:
                lst.append(ci)

    def ensure_anchor_index() -> dict[tuple[str, str], list[int]]:
        nonlocal anchor_index
        if anchor_index is None:
            # First undated lookup: index every cluster by its members' anchors.
            anchor_index = {}
            for ci, c in enumerate(clusters):
                for i in c.members:
                    register_anchors(ci, by_idx[i])
        return anchor_index

    def candidates(f: Feat) -> set[int]:
        cands: set[int] = set()
        if f.interval is not None:
            for b in _buckets(f.interval):
                cands.update(by_bucket.get(b, ()))
            for b in _buckets(f.interval, YEAR_DAYS):
                cands.update(by_year.get(b, ()))
            return cands
        index = ensure_anchor_index()
        cands.update(index.get(("a", f.article_id), ()))
        for a in _anchors(f)[1:]:
            room = MAX_CANDIDATES - len(cands)
            if room <= 0:
                break
            # newest clusters first when an anchor (say "USA") is very common
            cands.update(index.get(a, [])[-room:])
        return cands

    def best_cluster(f: Feat, exclude: int = -1) -> int:
        threshold = THRESHOLD_DATED if f.interval is not None else THRESHOLD_UNDATED
        best, best_score = -1, 0.0
        for ci in sorted(candidates(f)):   # ascending: ties go to the older cluster
            c = clusters[ci]
            if ci == exclude or not c.members or not c.accepts(f):
                continue
            sc = c.score(f)
            if sc >= threshold - 1e-9 and (best < 0 or sc > best_score + 1e-9):
                best, best_score = ci, sc
        return best

    for f in sorted(feats, key=_order_key):
        best = best_cluster(f)
        if best >= 0:
            clusters[best].add(f)
            if anchor_index is not None:
                register_anchors(best, f)
        else:
            c = Cluster(key=len(clusters))
            c.add(f)
            clusters.append(c)
            register_dated(c.key)
            if anchor_index is not None:
                register_anchors(c.key, f)

    # Rescue pass: a mention left alone may have been seen before the cluster
    # that fits it had formed; offer each singleton to the final clusters.
    for ci, c in enumerate(clusters):
        if len(c.members) != 1:
            continue
        f = by_idx[c.members[0]]
        best = best_cluster(f, exclude=ci)
        if best >= 0:
            clusters[best].add(f)
            c.members = []
            if anchor_index is not None:
                register_anchors(best, f)
    return [c.members for c in clusters if c.members]
