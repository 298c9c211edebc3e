"""Second merge pass (noisy actors), incremental merging and "as of" views."""

from __future__ import annotations

from dataclasses import asdict

from sitroom.merge import event_as_of, merge_incremental, merge_mentions
from sitroom.records import Actor, Quantity

from .test_merge import (
    ARTICLES,
    BASE,
    IRAN,
    US,
    US_TROOPS,
    by_member,
    casualty_reports,
    day,
    mention,
    strike_mentions,
)
from .test_merge_scale import make_corpus

IRAQ_DATELINE = Actor(text="BAGHDAD", name="Iraq", country="IRQ", sector=None)


def _noisy_pair() -> list:
    shared = ("Iranian ballistic missiles struck the Asad air base hosting American troops "
              "overnight")
    return [
        *strike_mentions(),
        # A second outlet's report whose source is its dateline, read as an actor:
        # strictly incompatible with "Iran", but text, day, place and mode agree.
        mention("n1", "a7", sentence=shared + ", the military said.", trigger="struck",
                sources=[IRAQ_DATELINE], targets=[US_TROOPS], time=day("2020-01-08"),
                place=BASE),
        mention("n2", "a7", sentence=shared + "; no one was hurt.", trigger="struck",
                sources=[IRAQ_DATELINE], targets=[US_TROOPS], time=day("2020-01-08"),
                place=BASE),
    ]


def test_actor_noise_outweighed_by_strong_agreement() -> None:
    events = merge_mentions(_noisy_pair(), ARTICLES)
    strike = by_member(events, "m1")
    assert {"n1", "n2"} <= set(strike.mention_ids)


def test_reversed_direction_still_apart() -> None:
    back = mention("r1", "a7", sentence="American troops fired missiles at Iranian forces "
                   "near the Asad air base.", sources=[US_TROOPS], targets=[IRAN],
                   time=day("2020-01-08"), place=BASE)
    events = merge_mentions([*strike_mentions(), back], ARTICLES)
    assert by_member(events, "r1").mention_ids == ["r1"]


def _snap(events: list) -> list:
    return [asdict(e) for e in events]


def test_incremental_equals_full_remerge_synthetic() -> None:
    mentions, articles, _ = make_corpus(800, seed=11)
    ordered = sorted(mentions, key=lambda m: (articles[m.article_id].published or "", m.id))
    cut = int(len(ordered) * 0.7)
    old, new = ordered[:cut], ordered[cut:]
    by_id = {m.id: m for m in mentions}
    existing = merge_mentions(old, articles)
    inc = merge_incremental(existing, new, by_id, articles)
    assert _snap(inc) == _snap(merge_mentions(mentions, articles))


def test_incremental_in_batches_keeps_every_mention() -> None:
    mentions, articles, _ = make_corpus(300, seed=5)
    by_id = {m.id: m for m in mentions}
    events: list = []
    for k in range(0, len(mentions), 60):
        events = merge_incremental(events, mentions[k:k + 60], by_id, articles)
        seen = [mid for e in events for mid in e.mention_ids]
        assert len(seen) == len(set(seen)) == min(k + 60, len(mentions))
    assert _snap(events) == _snap(merge_mentions(mentions, articles))


def test_incremental_new_report_joins_existing_event_and_keeps_id() -> None:
    base = strike_mentions()
    existing = merge_mentions(base, ARTICLES)
    later = mention("m9", "a5", sentence="Iran's missile strike on the Asad base left 11 "
                    "American troops injured.", sources=[IRAN], targets=[US_TROOPS],
                    time=day("2020-01-08"), place=BASE,
                    quantities=[Quantity(kind="injured", value=11, text="11 injured")])
    all_m = {m.id: m for m in [*base, later]}
    events = merge_incremental(existing, [later], all_m, ARTICLES)
    strike = by_member(events, "m9")
    assert strike.id == by_member(existing, "m1").id
    assert set(by_member(existing, "m1").mention_ids) < set(strike.mention_ids)
    # re-feeding known mentions changes nothing
    assert _snap(merge_incremental(events, [later], all_m, ARTICLES)) == _snap(events)


def test_as_of_leaves_out_undated_and_later_articles() -> None:
    mentions = casualty_reports()
    event = merge_mentions(mentions, ARTICLES)[0]
    by_id = {m.id: m for m in mentions}
    view = event_as_of(event, by_id, ARTICLES, "2020-01-08")
    assert view is not None and view.id == event.id
    # a3 has a publication date; only articles published by the cutoff are in
    assert all((ARTICLES[a].published or "9999") <= "2020-01-08" for a in view.article_ids)
    assert view.n_articles <= event.n_articles
    # reported values keep who said them and when
    for values in view.quantities.values():
        for v in values:
            assert v.source == ARTICLES[v.article_id].source
            assert v.published == ARTICLES[v.article_id].published


def test_as_of_undated_article_is_not_known_then() -> None:
    undated = {**ARTICLES, "u1": ARTICLES["a1"].__class__(id="u1", text="", source="X",
                                                        published=None)}
    ms = [mention("m1", "a1", sources=[IRAN], targets=[US], time=day("2020-01-08"),
                  place=BASE),
          mention("m2", "u1", sources=[IRAN], targets=[US], time=day("2020-01-08"),
                  place=BASE)]
    event = merge_mentions(ms, undated)[0]
    assert event.mention_ids == ["m1", "m2"]
    view = event_as_of(event, {m.id: m for m in ms}, undated, "2030-01-01")
    assert view is not None and view.mention_ids == ["m1"]
