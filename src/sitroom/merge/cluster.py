"""Deterministic, blocked, strict clustering of mention features.

Method (one pass per event type):

1. Sort mentions canonically -- dated ones with narrow intervals first (by
   interval start, then id), then wide intervals (year, decade), then undated
   ones -- so the result does not depend on input order, and clusters are
   seeded by the most informative reports.
2. Each mention looks up candidate clusters through an index: dated mentions
   by week buckets of their interval, undated mentions by shared anchors
   (same article, a source/target country, the place country). This keeps the
   work near O(n log n) per type instead of all pairs.
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
MAX_BUCKETS = 20          # wider intervals go into a shared "wide" list
MAX_CANDIDATES = 3000     # cap for undated lookups through common anchors
THRESHOLD_DATED = 1.1
THRESHOLD_UNDATED = 1.3


@dataclass
class Cluster:
    """Running consensus of a cluster: enough to check and score newcomers."""

    key: int
    members: list[int] = field(default_factory=list)
    interval: tuple[float, float] | None = None
    n_undated: int = 0
    has_historical: bool = False
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
        if f.modality == "historical" and (f.interval is None or self.n_undated):
            return False
        if f.interval is None and self.has_historical:
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
        if f.interval is None:
            self.n_undated += 1
        elif self.interval is None:
            self.interval = f.interval
        else:
            self.interval = (max(self.interval[0], f.interval[0]),
                             min(self.interval[1], f.interval[1]))
        if f.modality == "historical":
            self.has_historical = True
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


def _buckets(iv: tuple[float, float]) -> range:
    return range(int(iv[0] // BUCKET_DAYS), int(iv[1] // BUCKET_DAYS) + 1)


def _anchors(f: Feat) -> list[tuple[str, str]]:
    out = [("a", f.article_id)]
    out += [("s", c) for c in sorted(f.src)]
    out += [("t", c) for c in sorted(f.tgt)]
    if f.place is not None and f.place.country:
        out.append(("p", f.place.country))
    return out


def _order_key(f: Feat) -> tuple[int, float, str]:
    if f.interval is None:
        return (2, 0.0, f.id)
    wide = (f.interval[1] - f.interval[0]) > BUCKET_DAYS * MAX_BUCKETS
    return (1 if wide else 0, f.interval[0], f.id)


def cluster_block(feats: list[Feat]) -> list[list[int]]:
    """Cluster one event-type block; returns member feature indices per cluster."""
    clusters: list[Cluster] = []
    by_bucket: dict[int, list[int]] = {}
    wide: list[int] = []
    anchor_index: dict[tuple[str, str], list[int]] | None = None
    by_idx = {f.idx: f for f in feats}

    def register_dated(ci: int) -> None:
        iv = clusters[ci].interval
        if iv is None:
            return
        rng = _buckets(iv)
        if len(rng) > MAX_BUCKETS:
            wide.append(ci)
            return
        for b in rng:
            by_bucket.setdefault(b, []).append(ci)

    def register_anchors(ci: int, f: Feat) -> None:
        assert anchor_index is not None
        for a in _anchors(f):
            lst = anchor_index.setdefault(a, [])
            if not lst or lst[-1] != ci:
                lst.append(ci)

    for f in sorted(feats, key=_order_key):
        cands: set[int] = set()
        if f.interval is not None:
            rng = _buckets(f.interval)
            for b in rng:
                cands.update(by_bucket.get(b, ()))
            cands.update(wide)
            threshold = THRESHOLD_DATED
        else:
            if anchor_index is None:
                # First undated mention: index every cluster by its anchors.
                anchor_index = {}
                for ci, c in enumerate(clusters):
                    for i in c.members:
                        register_anchors(ci, by_idx[i])
            same = anchor_index.get(("a", f.article_id), [])
            cands.update(same)
            for a in _anchors(f)[1:]:
                lst = anchor_index.get(a, [])
                if len(cands) + len(lst) > MAX_CANDIDATES:
                    lst = lst[-(MAX_CANDIDATES - len(cands)):] if len(cands) < MAX_CANDIDATES else []
                cands.update(lst)
            threshold = THRESHOLD_UNDATED
        best, best_score = -1, 0.0
        for ci in sorted(cands):   # ascending: ties go to the older cluster
            c = clusters[ci]
            if not c.accepts(f):
                continue
            sc = c.score(f)
            if sc >= threshold - 1e-9 and (best < 0 or sc > best_score + 1e-9):
                best, best_score = ci, sc
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
    return [c.members for c in clusters]

