"""Turn a cluster of mentions into one Event (the consensus of its reports)."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sitroom.merge.features import PLACE_RANK, date_interval
from sitroom.records import (
    MODALITIES,
    Actor,
    Article,
    Event,
    FieldValue,
    Mention,
    PlaceRef,
    Statement,
    TimeRef,
)

# Weight of one outlet's report in the noisy-OR confidence: a single source
# never reaches certainty, independent sources add up quickly.
SOURCE_WEIGHT = 0.6


def event_id(mention_ids: Sequence[str]) -> str:
    """``ev_`` + 12 hex of sha1 of the smallest member id: stable while that
    mention stays in the cluster, whatever else joins or leaves."""
    return "ev_" + hashlib.sha1(min(mention_ids).encode("utf-8")).hexdigest()[:12]


def root_article(article_id: str, articles: Mapping[str, Article]) -> str:
    """Follow ``duplicate_of`` to the original (cycle-safe)."""
    seen = {article_id}
    cur = article_id
    while True:
        art = articles.get(cur)
        nxt = art.duplicate_of if art is not None else None
        if not nxt or nxt in seen:
            return cur
        seen.add(nxt)
        cur = nxt


def outlet_key(article_id: str, articles: Mapping[str, Article]) -> str:
    """Who independently reported it: the outlet of the original article.

    A syndicated copy counts with its original (one source). Articles with no
    outlet name count as their own source, keyed by the original's id.
    """
    root = root_article(article_id, articles)
    art = articles.get(root)
    name = (art.source if art is not None else "").strip().lower()
    return name if name else "#" + root


def best_quantity(values: list[FieldValue]) -> tuple[int | None, int | None, int | None]:
    """(current best, min, max) of a report history.

    The current best is the latest report's value, because casualty counts are
    revised upward as bodies are found ("no casualties" -> 11 -> 34); when the
    latest date has several reports, the highest one wins. Undated reports
    count as the oldest.
    """
    nums = [(v.published or "", v.value) for v in values
            if isinstance(v.value, int) and not isinstance(v.value, bool)]
    if not nums:
        return (None, None, None)
    latest = max(p for p, _ in nums)
    best = max(v for p, v in nums if p == latest)
    allv = [v for _, v in nums]
    return (best, min(allv), max(allv))


def _actor_key(a: Actor) -> tuple[str, str, str]:
    return (a.country or "", a.sector or "", (a.name or a.text).strip().lower())


# An actor named by fewer than this share of an event's mentions is one
# report's reading, not the event's: it stays on that mention (and in the
# evidence), not on the merged event. The most supported actors always stay.
MINORITY_SHARE = 0.2


def _support(groups: list[list[Actor]]) -> tuple[Counter[tuple[str, str, str]],
                                                  dict[tuple[str, str, str], Actor]]:
    """Mentions naming each actor key, and the first actor seen per key."""
    support: Counter[tuple[str, str, str]] = Counter()
    first: dict[tuple[str, str, str], Actor] = {}
    for actors in groups:
        keys = set()
        for a in actors:
            k = _actor_key(a)
            first.setdefault(k, a)
            keys.add(k)
        support.update(keys)
    # "United States" with no sector is the same actor as "United States
    # (MIL)" on the same side: its support goes to the sectored reading.
    for k in [k for k in support if k[0] and not k[1]]:
        sectored = [j for j in support if j[0] == k[0] and j[2] == k[2] and j[1]]
        if sectored:
            best = min(sectored, key=lambda j: (-support[j], j))
            support[best] += support.pop(k)
    return support, first


def _keep(support: Counter[tuple[str, str, str]], first: dict[tuple[str, str, str], Actor],
          n_groups: int) -> list[Actor]:
    order = sorted(support, key=lambda k: (-support[k], k))
    if not order:
        return []
    floor = min(support[order[0]], max(1, math.ceil(MINORITY_SHARE * n_groups)))
    sectors_named = {k[1] for k in order if k[0]}
    kept: list[tuple[str, str, str]] = []
    generic_seen: set[str] = set()
    for k in order:
        country, sector, _ = k
        if support[k] < floor:
            continue
        if country:
            kept.append(k)
        elif sector and sector not in sectors_named and sector not in generic_seen:
            generic_seen.add(sector)
            kept.append(k)
    return [first[k] for k in (kept or order[:1])]


def _merge_roles(source_groups: list[list[Actor]], target_groups: list[list[Actor]]
                 ) -> tuple[list[Actor], list[Actor]]:
    """Consensus sources and targets of an event, most supported first
    (support = number of mentions naming the actor on that side).

    Why across both sides: reports parse the same actor into different roles
    ("Soleimani was killed" vs a misparse making him the agent); an actor
    named on both sides keeps the side most mentions give it (both on a tie).
    Actors with neither country nor sector (a misparsed place) stay on their
    own mention's record; so does a countryless generic actor ("the
    military") when a report names whose forces of that sector they are,
    only the most supported generic of each sector is kept, and actors named
    by fewer than ``MINORITY_SHARE`` of the mentions are left to those mentions.
    """
    s_sup, s_first = _support(source_groups)
    t_sup, t_first = _support(target_groups)
    for k in set(s_sup) & set(t_sup):
        if s_sup[k] > t_sup[k]:
            del t_sup[k]
        elif t_sup[k] > s_sup[k]:
            del s_sup[k]
    n = len(source_groups)
    return _keep(s_sup, s_first, n), _keep(t_sup, t_first, n)


def _majority(values: list[str], prefer: Sequence[str] = ()) -> str:
    """Most common value; ties go to the earliest in ``prefer``, then A-Z."""
    if not values:
        return ""
    cnt = Counter(values)
    rank = {v: i for i, v in enumerate(prefer)}
    return min(cnt, key=lambda v: (-cnt[v], rank.get(v, len(rank)), v))


# Narrowest first: a report's date bounds the event to a few days, which says
# more than an explicit year or decade ("in 21st century form ...").
CHOICE_RANK: dict[str, int] = {
    "day": 0, "reported": 1, "week": 2, "month": 3, "season": 4, "year": 5, "decade": 6,
    "unknown": 7,
}


def _pick_time(members: list[Mention], articles: Mapping[str, Article]) -> TimeRef | None:
    """The narrowest member time that agrees with most members.

    A stated day beats a report date, which beats a stated week, month,
    season, year or decade (ranked by ``CHOICE_RANK``). Among the most precise
    candidates, the one whose date falls inside the most members' intervals
    wins (then the earliest). When the best is a period (week, month ...), it
    is narrowed to the intersection with the other explicit periods. With only
    reported dates, the earliest wins: an event happens by its first report.
    """
    cands = [m for m in members if m.time is not None and m.time.value
             and date_interval(m, articles) is not None]
    if not cands:
        times = [m.time for m in members if m.time is not None]
        return min(times, key=lambda t: (CHOICE_RANK.get(t.precision, 9), t.value or "", t.text)) \
            if times else None
    ivs = [iv for m in members if (iv := date_interval(m, articles)) is not None]
    best_rank = min(CHOICE_RANK.get(m.time.precision, 9) for m in cands if m.time)
    top = [m for m in cands if m.time and CHOICE_RANK.get(m.time.precision, 9) == best_rank]

    def support(m: Mention) -> int:
        iv = date_interval(m, articles)
        assert iv is not None
        if best_rank == 0:   # a day: members whose interval holds that day
            mid = (iv[0] + iv[1]) / 2
            return sum(1 for lo, hi in ivs if lo <= mid <= hi)
        return sum(1 for lo, hi in ivs if lo < iv[1] and iv[0] < hi)

    if top[0].time is not None and top[0].time.precision == "reported":
        chosen = min(top, key=lambda m: (m.time.value if m.time else "", m.id))
    else:
        chosen = min(top, key=lambda m: (-support(m), m.time.value if m.time else "", m.id))
    t = chosen.time
    assert t is not None
    if best_rank in (0, CHOICE_RANK["reported"]):
        return t
    # A period: intersect with the other explicit periods' bounds.
    explicit = [iv for m in cands if m.time and m.time.precision != "reported"
                and (iv := date_interval(m, articles)) is not None]
    lo = max(iv[0] for iv in explicit) + 0.5
    hi = min(iv[1] for iv in explicit) - 0.5
    if lo > hi:
        return t
    start, end = date.fromordinal(int(lo)).isoformat(), date.fromordinal(int(hi)).isoformat()
    return TimeRef(text=t.text, value=start, end=end, precision=t.precision, evidence=t.evidence)


def _pick_place(members: list[Mention]) -> PlaceRef | None:
    """Most precise place (site > city > province > country); ties go to the
    place most members name, then alphabetical."""
    places = [m.place for m in members if m.place is not None]
    if not places:
        return None

    def key(p: PlaceRef) -> tuple[str, str, int]:
        return (p.name or p.text, p.country or "", p.geonameid or 0)

    cnt = Counter(key(p) for p in places)
    return min(places, key=lambda p: (PLACE_RANK.get(p.precision, 4), -cnt[key(p)], key(p)))


def _confidence(members: list[Mention], articles: Mapping[str, Article]) -> float:
    """Noisy-OR over independent outlets of their best member confidence."""
    per_outlet: dict[str, float] = {}
    for m in members:
        k = outlet_key(m.article_id, articles)
        c = min(1.0, max(0.0, float(m.confidence)))
        per_outlet[k] = max(per_outlet.get(k, 0.0), c)
    miss = 1.0
    for c in per_outlet.values():
        miss *= 1.0 - SOURCE_WEIGHT * c
    return round(1.0 - miss, 4)


def _unique_statements(statements: Iterable[Statement]) -> list[Statement]:
    """Each statement once: two events in one sentence ("fired missiles and
    wounded troops, the Pentagon said") share its attribution."""
    out: list[Statement] = []
    seen: set[tuple[object, ...]] = set()
    for st in statements:
        ev = st.evidence
        where = (ev.article_id, ev.start, ev.end) if ev is not None else (st.text,)
        speaker = _actor_key(st.speaker) if st.speaker is not None else None
        key = (st.kind, speaker, *where)
        if key not in seen:
            seen.add(key)
            out.append(st)
    return out


def build_event(members: Sequence[Mention], articles: Mapping[str, Article],
                eid: str | None = None) -> Event:
    """Consensus Event of a cluster of mentions (``eid`` overrides the id)."""
    ms = sorted(members, key=lambda m: m.id)
    ids = [m.id for m in ms]
    art_ids = sorted({m.article_id for m in ms})
    modes = [m.mode for m in ms if m.mode]
    quantities: dict[str, list[FieldValue]] = {}
    for m in ms:
        art = articles.get(m.article_id)
        for q in m.quantities:
            quantities.setdefault(q.kind, []).append(FieldValue(
                value=q.value, article_id=m.article_id,
                source=art.source if art is not None else "",
                published=art.published if art is not None else None,
                mention_id=m.id))
    for kind in quantities:
        quantities[kind].sort(key=lambda v: (v.published or "", v.article_id, v.mention_id))
    statements = _unique_statements(s for m in ms for s in m.statements)
    rep = min(ms, key=lambda m: (-m.confidence, m.id))
    sources, targets = _merge_roles([m.sources for m in ms], [m.targets for m in ms])
    return Event(
        id=eid or event_id(ids),
        event_type=_majority([m.event_type for m in ms]),
        mode=_majority(modes),
        sources=sources,
        targets=targets,
        time=_pick_time(ms, articles),
        place=_pick_place(ms),
        modality=_majority([m.modality for m in ms], prefer=MODALITIES),
        mention_ids=ids,
        article_ids=art_ids,
        n_sources=len({outlet_key(a, articles) for a in art_ids}),
        n_articles=len(art_ids),
        confidence=_confidence(ms, articles),
        quantities=dict(sorted(quantities.items())),
        statements=statements,
        summary=(rep.sentence.text.strip() if rep.sentence else ""),
    )
