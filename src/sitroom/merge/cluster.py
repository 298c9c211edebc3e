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
    MEANS_MODES,
    Feat,
    PlaceKey,
    modes_compatible,
    place_score,
    places_compatible,
)

BUCKET_DAYS = 7
MAX_BUCKETS = 20          # wider intervals are indexed by year buckets instead
YEAR_DAYS = 365
MAX_CANDIDATES = 3000     # cap for undated lookups through common anchors
THRESHOLD_DATED = 1.1
THRESHOLD_UNDATED = 1.3
NAMED_TARGET = 0.6        # a shared named target (a person, a group): see features.named_actors


@dataclass
class Cluster:
    """Running consensus of a cluster: enough to check and score newcomers."""

    key: int
    members: list[int] = field(default_factory=list)
    interval: tuple[float, float] | None = None
    mclass: str = ""
    mode: str = ""
    modes: set[str] = field(default_factory=set)   # every member's mode (compatibility is not transitive)
    src_sets: set[frozenset[str]] = field(default_factory=set)
    tgt_sets: set[frozenset[str]] = field(default_factory=set)
    places: set[PlaceKey] = field(default_factory=set)
    src: Counter[str] = field(default_factory=Counter)
    tgt: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    trig: Counter[str] = field(default_factory=Counter)
    days: Counter[float] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    tgt_names: set[str] = field(default_factory=set)

    def accepts(self, f: Feat) -> bool:
        """The pairwise rule against every member, via the consensus."""
        if self.mclass != f.mclass:   # see features.modality_compatible
            return False
        if f.mode and any(not modes_compatible(m, f.mode) for m in self.modes):
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
        if f.tgt_names & self.tgt_names:
            s += NAMED_TARGET   # accepts() already vetoed conflicting sources
        return s

    def add(self, f: Feat) -> None:
        """Fold a member into the consensus."""
        self.members.append(f.idx)
        if not self.mclass:
            self.mclass = f.mclass
        if f.mode:
            self.mode = f.mode
            self.modes.add(f.mode)
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
        self.tgt_names.update(f.tgt_names)
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


# ---------------------------------------------------------------- second pass
#
# The first pass is strict: one contradicting actor country keeps a report
# out. Extraction noise makes that too strict on real news (a dateline
# "BAGHDAD" read as the attacker, a target "Iraq" from "Iraqi bases"), so
# one real strike ends up as several clusters. The second pass compares whole
# clusters and weighs the evidence: text, trigger, day and place agreeing
# strongly can outweigh one side's actor disagreement; an actor country that
# is just the country where the event happened is weak evidence either way;
# a reversed direction (A hits B vs B hits A) stays a veto.

MERGE2_THRESHOLD = 1.6
MODE_CONFLICT = 0.6   # two reports name different weapons (see group_score)
DAY_SLACK = 0.5   # half a day beyond each consensus: "Tuesday" vs "Wednesday" across time zones


@dataclass
class Group:
    """Consensus of a first-pass cluster, for cluster-to-cluster decisions."""

    members: list[int]
    mclass: str
    modes: set[str]
    interval: tuple[float, float] | None
    places: list[PlaceKey]
    src: Counter[str]
    tgt: Counter[str]
    words: Counter[str]
    trig: Counter[str]
    days: set[float]
    articles: set[str]
    first: str            # smallest member id, for deterministic ordering
    tgt_names: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, feats: list[Feat]) -> Group:
        iv: tuple[float, float] | None = None
        for f in feats:
            if f.interval is None:
                continue
            iv = f.interval if iv is None else (max(iv[0], f.interval[0]),
                                                 min(iv[1], f.interval[1]))
        g = cls(members=[f.idx for f in feats], mclass=feats[0].mclass,
                modes={f.mode for f in feats if f.mode}, interval=iv,
                places=sorted({f.place for f in feats if f.place is not None},
                              key=lambda p: (p.country or "", p.admin1, p.rank,
                                             p.lat or 0.0, p.lon or 0.0)),
                src=Counter(), tgt=Counter(), words=Counter(), trig=Counter(),
                days={f.day for f in feats if f.day is not None},
                articles={f.article_id for f in feats}, first=min(f.id for f in feats),
                tgt_names={n for f in feats for n in f.tgt_names})
        for f in feats:
            g.src.update(f.src)
            g.tgt.update(f.tgt)
            g.words.update(f.words)
            g.trig.update(f.trig)
        return g

    def merged(self, other: Group) -> Group:
        """``Group.of`` over this group's members followed by ``other``'s,
        computed from the two consensuses instead of every member again
        (the second pass joins thousands of groups)."""
        iv = self.interval
        if other.interval is not None:
            iv = other.interval if iv is None else (max(iv[0], other.interval[0]),
                                                     min(iv[1], other.interval[1]))
        g = Group(members=self.members + other.members, mclass=self.mclass,
                  modes=self.modes | other.modes, interval=iv,
                  places=sorted(set(self.places) | set(other.places),
                                key=lambda p: (p.country or "", p.admin1, p.rank,
                                               p.lat or 0.0, p.lon or 0.0)),
                  src=Counter(self.src), tgt=Counter(self.tgt), words=Counter(self.words),
                  trig=Counter(self.trig), days=self.days | other.days,
                  articles=self.articles | other.articles, first=min(self.first, other.first),
                  tgt_names=self.tgt_names | other.tgt_names)
        g.src.update(other.src)
        g.tgt.update(other.tgt)
        g.words.update(other.words)
        g.trig.update(other.trig)
        return g

    @property
    def place_countries(self) -> set[str]:
        return {p.country for p in self.places if p.country}


def _cos(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    num = sum(v * b.get(k, 0) for k, v in a.items())
    den = (sum(v * v for v in a.values()) ** 0.5) * (sum(v * v for v in b.values()) ** 0.5)
    return num / den if den else 0.0


def _side(a: Counter[str], b: Counter[str], where: set[str]) -> float:
    """Agreement of one actor role: +overlap, -disagreement, 0 when unknown.

    Countries that are only where the event happened are dropped first when
    something else is left (a place misread as an actor)."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    inter = sa & sb
    if inter:
        return 0.4 * len(inter) / len(sa | sb)
    if not (sa - where) or not (sb - where):
        return 0.0    # one side only names the country it happened in
    return -0.6


def group_score(a: Group, b: Group) -> float | None:
    """Evidence that two clusters report one event; None when impossible."""
    if a.mclass != b.mclass:
        return None
    modes = sorted(a.modes | b.modes)
    weapons_differ = False
    if any(not modes_compatible(x, y) for x in modes for y in modes):
        if not set(modes) <= MEANS_MODES:
            return None
        # Two means ("drone" vs "missile"): outlets name the weapon of one strike
        # differently, so it is evidence against, not a veto.
        weapons_differ = True
    # Each consensus is already an intersection (a point when reports say
    # "Tuesday" and "Wednesday" across time zones), so allow one day between.
    if a.interval is not None and b.interval is not None and (
            a.interval[0] > b.interval[1] + DAY_SLACK or b.interval[0] > a.interval[1] + DAY_SLACK):
        return None
    where = a.place_countries | b.place_countries
    sa, sb = set(a.src) - where or set(a.src), set(b.src) - where or set(b.src)
    ta, tb = set(a.tgt) - where or set(a.tgt), set(b.tgt) - where or set(b.tgt)
    if sa and tb and ta and sb and not (sa & sb) and not (ta & tb) and (sa & tb) and (ta & sb):
        return None   # reversed direction
    s = 1.5 * _cos(a.words, b.words) + 0.5 * _cos(a.trig, b.trig)
    src_side = _side(a.src, b.src, where)
    s += src_side + _side(a.tgt, b.tgt, where)
    if a.tgt_names & b.tgt_names and src_side >= 0:
        s += NAMED_TARGET   # the same named person or group on the receiving end, by the same hands
    if a.places and b.places:
        if any(pa.country and pb.country and pa.country != pb.country
               for pa in a.places for pb in b.places):
            return None
        if any(pa.point and pb.point and not places_compatible(pa, pb)
               for pa in a.places for pb in b.places):
            return None   # two sites or cities too far apart
        if all(places_compatible(pa, pb) for pa in a.places for pb in b.places):
            s += max(place_score(pa, pb) for pa in a.places for pb in b.places)
        else:
            s -= 0.3   # a province that does not hold the other's site: often a second target
    if a.days and b.days:
        gap = min(abs(x - y) for x in a.days for y in b.days)
        s += 0.5 if gap < 0.5 else 0.3 if gap < 1.5 else 0.0
    if a.modes and a.modes == b.modes:
        s += 0.3
    if weapons_differ:
        s -= MODE_CONFLICT
    if a.articles & b.articles:
        s += 0.3
    return s


def merge_groups(feats: list[Feat], clusters: list[list[int]],
                 threshold: float = MERGE2_THRESHOLD) -> list[list[int]]:
    """Second, cluster-level pass: join first-pass clusters whose consensus
    is compatible and whose weighted evidence clears ``threshold``.

    Candidate pairs share a week bucket of their date interval (undated
    clusters are left as they are); pairs are taken best first (ties by the
    clusters' smallest member ids) and re-scored against the grown groups,
    so the outcome depends only on the first-pass clusters.
    """
    by_idx = {f.idx: f for f in feats}
    groups = [Group.of([by_idx[i] for i in c]) for c in clusters]
    buckets: dict[int, list[int]] = {}
    for gi, g in enumerate(groups):
        if g.interval is None or len(_buckets(g.interval)) > 4:
            continue
        for b in _buckets(g.interval):
            buckets.setdefault(b, []).append(gi)
    pairs: set[tuple[int, int]] = set()
    for lst in buckets.values():
        for x in range(len(lst)):
            for y in range(x + 1, len(lst)):
                pairs.add((min(lst[x], lst[y]), max(lst[x], lst[y])))
    scored = []
    for i, j in pairs:
        sc = group_score(groups[i], groups[j])
        if sc is not None and sc >= threshold:
            scored.append((-sc, min(groups[i].first, groups[j].first),
                           max(groups[i].first, groups[j].first), i, j))
    scored.sort()
    parent = list(range(len(groups)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    current = {gi: g for gi, g in enumerate(groups)}
    for _, _, _, i, j in scored:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        sc = group_score(current[ri], current[rj])
        if sc is None or sc < threshold:
            continue
        keep, drop = min(ri, rj), max(ri, rj)
        parent[drop] = keep
        current[keep] = current[keep].merged(current[drop])
        del current[drop]
    return [current[k].members for k in sorted(current)]
