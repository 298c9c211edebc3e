"""Synthetic-corpus check of sitroom.merge: quality (B-cubed) and scale.

Generates events with known identity, then noisy reports of them (dates off
by the time-zone day or replaced by the article date, actors or places
missing, country-level places, undated articles, syndicated copies) and
checks the merge recovers them. Run as a script to print timings:
``python tests/test_merge_scale.py 20000``.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.merge import merge_mentions
from sitroom.records import (
    EVENT_TYPES,
    Actor,
    Article,
    Event,
    Evidence,
    Mention,
    PlaceRef,
    TimeRef,
)

COUNTRIES = ["AFG", "IRN", "IRQ", "ISR", "LBN", "MLI", "NGA", "PAK", "RUS", "SDN", "SOM", "SYR",
             "TUR", "UKR", "USA", "YEM", "ETH", "COL", "MMR", "VEN"]
_VOCAB_TEXT = """
convoy market checkpoint village border refinery pipeline embassy parliament
ceasefire drone rocket mortar airstrike ambush raid protest march rally blockade
hostage prisoner talks summit loan grain vaccine tanker frigate militia police
army rebels students farmers miners workers clerics envoy minister general
harbour airport bridge dam mosque church school hospital barracks camp
"""
VOCAB = _VOCAB_TEXT.split()
OUTLETS = [f"Outlet {i}" for i in range(60)]


def make_corpus(n_mentions: int, seed: int = 7) -> tuple[list[Mention], dict[str, Article],
                                                          dict[str, int]]:
    """Mentions, articles and the gold event index of each mention."""
    rng = random.Random(seed)
    start = date(2021, 1, 1).toordinal()
    mentions: list[Mention] = []
    articles: dict[str, Article] = {}
    gold: dict[str, int] = {}
    ev_no = 0
    while len(mentions) < n_mentions:
        ev_no += 1
        etype = rng.choice(EVENT_TYPES)
        src, tgt = rng.sample(COUNTRIES, 2)
        day0 = start + rng.randrange(365)
        lat, lon = rng.uniform(-30, 50), rng.uniform(-80, 100)
        words = rng.sample(VOCAB, 4)
        for k in range(rng.choice([1, 1, 2, 3, 4, 6, 10])):
            if len(mentions) >= n_mentions:
                break
            pub = day0 + rng.choice([0, 0, 1, 1, 2, 3])
            aid = f"art{ev_no}_{k}"
            undated = rng.random() < 0.04
            dup = None
            if k and rng.random() < 0.1:
                dup = f"art{ev_no}_0"
            articles[aid] = Article(
                id=aid, text="", source=rng.choice(OUTLETS),
                published=date.fromordinal(pub).isoformat(),
                date_precision="unknown" if undated else "day", duplicate_of=dup)
            r = rng.random()
            if r < 0.45:
                tr = TimeRef(text="on Monday", value=date.fromordinal(
                    day0 + rng.choice([0, 0, 0, 1])).isoformat(), precision="day")
            elif r < 0.95:
                tr = TimeRef(text="", value=date.fromordinal(pub).isoformat(),
                             precision="reported")
            else:
                tr = TimeRef(text="", precision="unknown")
            place = None
            pr = rng.random()
            if pr < 0.5:
                place = PlaceRef(text="x", name=f"p{ev_no}", country=src,
                                 lat=lat + rng.uniform(-0.2, 0.2),
                                 lon=lon + rng.uniform(-0.2, 0.2), precision="city")
            elif pr < 0.7:
                place = PlaceRef(text="x", name=src, country=src, precision="country")
            sources = [Actor(text=src, name=src, country=src)] if rng.random() < 0.85 else []
            targets = [Actor(text=tgt, name=tgt, country=tgt)] if rng.random() < 0.7 else []
            picked = rng.sample(words, 3) + rng.sample(VOCAB, 3)
            sent = " ".join(picked)
            mid = f"m{len(mentions):06d}"
            mentions.append(Mention(
                id=mid, article_id=aid, event_type=etype,
                trigger=Evidence(aid, 0, 1, 0, 1, picked[0]),
                sentence=Evidence(aid, 0, len(sent), 0, len(sent), sent),
                sources=sources, targets=targets, time=tr, place=place, confidence=0.6))
            gold[mid] = ev_no
    return mentions, articles, gold


def bcubed(events: list[Event], gold: dict[str, int]) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering against gold events."""
    pred = {mid: i for i, e in enumerate(events) for mid in e.mention_ids}
    by_pred: dict[int, set[str]] = {}
    by_gold: dict[int, set[str]] = {}
    for mid, c in pred.items():
        by_pred.setdefault(c, set()).add(mid)
        by_gold.setdefault(gold[mid], set()).add(mid)
    p = r = 0.0
    for mid in pred:
        a, b = by_pred[pred[mid]], by_gold[gold[mid]]
        inter = len(a & b)
        p += inter / len(a)
        r += inter / len(b)
    n = len(pred)
    return p / n, r / n


def test_synthetic_corpus_bcubed() -> None:
    mentions, articles, gold = make_corpus(3000)
    events = merge_mentions(mentions, articles)
    assert sorted(m for e in events for m in e.mention_ids) == sorted(gold)
    p, r = bcubed(events, gold)
    # GDELT-style one-event-per-mention would score recall ~0.4 here
    assert p > 0.9, p
    assert r > 0.8, r


SMALL = make_corpus(400, seed=3)


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_synthetic_order_independence(rnd: random.Random) -> None:
    mentions, articles, _ = SMALL
    shuffled = list(mentions)
    rnd.shuffle(shuffled)
    a = merge_mentions(mentions, articles)
    b = merge_mentions(shuffled, articles)
    assert [(e.id, e.mention_ids, e.time, e.place, e.n_sources) for e in a] == [
        (e.id, e.mention_ids, e.time, e.place, e.n_sources) for e in b]


def test_events_are_internally_compatible() -> None:
    """Strictness: every pair inside an event passes the pairwise rule."""
    from sitroom.merge import mentions_compatible

    mentions, articles, _ = SMALL
    by_id = {m.id: m for m in mentions}
    for e in merge_mentions(mentions, articles):
        ms = [by_id[i] for i in e.mention_ids]
        for i, a in enumerate(ms):
            for b in ms[i + 1:]:
                assert mentions_compatible(a, b, articles), (a.id, b.id)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    ms, arts, gd = make_corpus(n)
    t0 = time.perf_counter()
    evs = merge_mentions(ms, arts)
    dt = time.perf_counter() - t0
    prec, rec = bcubed(evs, gd)
    print(f"{n} mentions -> {len(evs)} events (gold {len(set(gd.values()))}) in {dt:.2f}s; "
          f"B3 P={prec:.3f} R={rec:.3f} F1={2 * prec * rec / (prec + rec):.3f}")
