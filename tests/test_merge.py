"""Tests for sitroom.merge: cross-document event coreference (hand-built mentions)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.merge import (
    best_quantity,
    event_as_of,
    mentions_compatible,
    merge_mentions,
)
from sitroom.records import (
    Actor,
    Article,
    Event,
    Evidence,
    FieldValue,
    Mention,
    PlaceRef,
    Quantity,
    Statement,
    TimeRef,
)

IRAN = Actor(text="Iran", name="Iran", country="IRN", sector="GOV")
IRGC = Actor(text="the Revolutionary Guard", name="IRGC", country="IRN", sector="MIL")
US_TROOPS = Actor(text="American troops", name="United States", country="USA", sector="MIL")
US = Actor(text="Washington", name="United States", country="USA", sector="GOV")
BASE = PlaceRef(text="the Asad air base", name="Ain al-Asad", country="IRQ",
                lat=33.80, lon=42.44, precision="site")
ERBIL = PlaceRef(text="Erbil", name="Erbil", country="IRQ", lat=36.19, lon=44.01,
                 precision="city")
IRAQ = PlaceRef(text="Iraq", name="Iraq", country="IRQ", lat=33.0, lon=44.0,
                precision="country")


def art(aid: str, source: str, published: str | None, precision: str = "day",
        duplicate_of: str | None = None) -> Article:
    return Article(id=aid, text="", source=source, published=published,
                   date_precision=precision, duplicate_of=duplicate_of)


def ev(aid: str, text: str) -> Evidence:
    return Evidence(article_id=aid, sent_start=0, sent_end=len(text), start=0,
                    end=len(text), text=text)


def day(v: str, text: str = "on Tuesday") -> TimeRef:
    return TimeRef(text=text, value=v, precision="day")


def reported(v: str) -> TimeRef:
    return TimeRef(text="", value=v, precision="reported")


def mention(mid: str, aid: str, *, etype: str = "ASSAULT", mode: str = "missile",
            trigger: str = "fired", sentence: str = "", sources: list[Actor] | None = None,
            targets: list[Actor] | None = None, time: TimeRef | None = None,
            place: PlaceRef | None = None, modality: str = "asserted",
            quantities: list[Quantity] | None = None,
            statements: list[Statement] | None = None, confidence: float = 0.7) -> Mention:
    return Mention(
        id=mid, article_id=aid, event_type=etype, mode=mode,
        trigger=ev(aid, trigger), sentence=ev(aid, sentence or trigger),
        sources=list(sources or []), targets=list(targets or []), time=time, place=place,
        quantities=list(quantities or []), modality=modality,
        statements=list(statements or []), confidence=confidence,
    )


ARTICLES = {
    a.id: a for a in [
        art("a1", "Gulf Courier", "2020-01-08"),
        art("a2", "Harbor Times", "2020-01-08"),
        art("a3", "Harbor Times", "2020-01-09", precision="unknown"),
        art("a4", "Valley Wire", "2020-01-08", duplicate_of="a1"),
        art("a5", "Gulf Courier", "2020-01-16"),
        art("a6", "Northern Post", "2020-01-24"),
        art("a7", "Northern Post", "2020-01-08"),
    ]
}


def strike_mentions() -> list[Mention]:
    """Reports of one missile strike, plus things that must stay apart."""
    return [
        mention("m1", "a1", sentence="Iran fired ballistic missiles at American troops "
                "at the Asad air base on Tuesday night, with no casualties reported.",
                sources=[IRAN], targets=[US_TROOPS], time=day("2020-01-07"), place=BASE,
                quantities=[Quantity(kind="injured", value=0, text="no casualties")],
                statements=[Statement(kind="attribution", speaker=US, text="said")]),
        mention("m2", "a2", trigger="launched", sentence="The Revolutionary Guard launched "
                "more than a dozen missiles at bases hosting American troops in Iraq.",
                sources=[IRGC], targets=[US_TROOPS], time=reported("2020-01-08"), place=IRAQ,
                statements=[Statement(kind="claim", speaker=IRGC, text="claimed")]),
        mention("m3", "a3", trigger="missile attack", mode="",
                sentence="After the missile attack on the air base, the Guard warned of more.",
                sources=[IRGC], time=reported("2020-01-09"), place=BASE),
        # The same article repeats its lead event without naming anyone.
        mention("m4", "a1", trigger="strike", mode="", sentence="The strike on the air base "
                "came days after the drone killing in Baghdad.", time=reported("2020-01-08"),
                place=BASE),
    ]


def by_member(events: list[Event], mid: str) -> Event:
    return next(e for e in events if mid in e.mention_ids)


# --- the headline behaviour ------------------------------------------------------

def test_two_outlets_one_strike_one_event() -> None:
    events = merge_mentions(strike_mentions(), ARTICLES)
    assert len(events) == 1
    e = events[0]
    assert e.mention_ids == ["m1", "m2", "m3", "m4"]
    assert e.article_ids == ["a1", "a2", "a3"]
    assert e.n_articles == 3
    assert e.n_sources == 2            # Gulf Courier + Harbor Times
    assert e.event_type == "ASSAULT" and e.mode == "missile"
    assert e.modality == "asserted"
    # the explicit day beats the article dates; the site beats the country
    assert e.time is not None and e.time.value == "2020-01-07" and e.time.precision == "day"
    assert e.place is not None and e.place.name == "Ain al-Asad"
    assert [a.country for a in e.sources] == ["IRN", "IRN"]
    assert e.sources[0].name == "IRGC"   # named by two mentions, Iran/GOV by one
    assert [a.country for a in e.targets] == ["USA"]
    assert {s.kind for s in e.statements} == {"attribution", "claim"}
    assert 0.0 < e.confidence <= 1.0


def test_syndicated_copy_counts_once() -> None:
    copy = mention("m5", "a4", sentence="Iran fired ballistic missiles at American troops "
                   "at the Asad air base on Tuesday night.", sources=[IRAN],
                   targets=[US_TROOPS], time=day("2020-01-07"), place=BASE)
    events = merge_mentions([*strike_mentions(), copy], ARTICLES)
    assert len(events) == 1
    assert events[0].n_articles == 4 and events[0].n_sources == 2
    # a genuinely independent outlet does add a source
    other = mention("m6", "a7", sentence="Missiles fired from Iran struck the Asad base.",
                    sources=[IRAN], targets=[US_TROOPS], time=reported("2020-01-08"),
                    place=BASE)
    events = merge_mentions([*strike_mentions(), copy, other], ARTICLES)
    assert len(events) == 1 and events[0].n_sources == 3


def test_confidence_rises_with_sources() -> None:
    one = merge_mentions(strike_mentions()[:1], ARTICLES)[0]
    many = merge_mentions(strike_mentions(), ARTICLES)[0]
    assert many.confidence > one.confidence


def test_opposite_direction_strikes_stay_apart() -> None:
    a = mention("x1", "a1", sentence="Iran struck US forces.", sources=[IRAN],
                targets=[US_TROOPS], time=day("2020-01-08"), place=IRAQ)
    b = mention("x2", "a2", sentence="US forces struck Iran.", sources=[US_TROOPS],
                targets=[IRAN], time=day("2020-01-08"), place=IRAQ)
    assert not mentions_compatible(a, b, ARTICLES)
    events = merge_mentions([a, b], ARTICLES)
    assert len(events) == 2
    assert {e.sources[0].country for e in events} == {"IRN", "USA"}


def test_historical_1953_mention_stays_apart() -> None:
    coup = mention("h1", "a2", etype="ASSAULT", mode="", trigger="coup",
                   sentence="Tensions date back to the 1953 coup backed by American and "
                   "British spies.", sources=[US], targets=[IRAN], modality="historical",
                   time=TimeRef(text="1953", value="1953-01-01", end="1953-12-31",
                                precision="year"))
    # a background mention whose only date is the article's date
    vague = mention("h2", "a2", trigger="fired", sentence="Iran fired missiles at US "
                    "troops in the past.", sources=[IRAN], targets=[US_TROOPS],
                    modality="historical", time=reported("2020-01-08"), place=BASE)
    events = merge_mentions([*strike_mentions(), coup, vague], ARTICLES)
    assert by_member(events, "h1").mention_ids == ["h1"]
    assert by_member(events, "h2").mention_ids == ["h2"]
    assert by_member(events, "h1").modality == "historical"
    assert by_member(events, "m1").mention_ids == ["m1", "m2", "m3", "m4"]


def test_later_historical_reference_with_agreeing_date_merges() -> None:
    later = mention("h3", "a5", trigger="attack", sentence="The Jan. 8 attack on the "
                    "Asad base injured 11 service members, the Pentagon said.",
                    sources=[IRAN], targets=[US_TROOPS], modality="historical",
                    time=day("2020-01-08", "Jan. 8"), place=BASE,
                    quantities=[Quantity(kind="injured", value=11)])
    events = merge_mentions([*strike_mentions(), later], ARTICLES)
    assert len(events) == 1 and "h3" in events[0].mention_ids
    assert events[0].modality == "asserted"


def test_threat_stays_apart_from_assault() -> None:
    threat = mention("t1", "a2", etype="THREATEN", mode="", trigger="warned",
                     sentence="Iran warned it would fire more missiles at American troops.",
                     sources=[IRAN], targets=[US_TROOPS], time=reported("2020-01-08"),
                     modality="future")
    events = merge_mentions([*strike_mentions(), threat], ARTICLES)
    assert len(events) == 2
    assert by_member(events, "t1").event_type == "THREATEN"
    assert by_member(events, "t1").mention_ids == ["t1"]


def test_future_merges_with_future_not_with_asserted() -> None:
    f1 = mention("f1", "a1", trigger="will strike", sentence="Iran will strike US bases.",
                 sources=[IRAN], targets=[US_TROOPS], time=reported("2020-01-08"),
                 modality="future")
    f2 = mention("f2", "a2", trigger="would strike", sentence="Iran would strike US bases.",
                 sources=[IRAN], targets=[US_TROOPS], time=reported("2020-01-08"),
                 modality="future")
    neg = mention("n1", "a7", trigger="did not strike", sentence="Iran did not strike.",
                  sources=[IRAN], targets=[US_TROOPS], time=reported("2020-01-08"),
                  modality="negated")
    m1 = strike_mentions()[0]
    assert mentions_compatible(f1, f2, ARTICLES)
    assert not mentions_compatible(f1, m1, ARTICLES)
    assert not mentions_compatible(neg, m1, ARTICLES)
    events = merge_mentions([f1, f2, neg, m1], ARTICLES)
    assert sorted(len(e.mention_ids) for e in events) == [1, 1, 2]
    assert by_member(events, "f1").mention_ids == ["f1", "f2"]
    assert by_member(events, "f1").modality == "future"


# --- the pairwise rule --------------------------------------------------------

def _pair(ta: TimeRef | None, tb: TimeRef | None, pa: PlaceRef | None = None,
          pb: PlaceRef | None = None) -> bool:
    a = mention("p1", "a1", sources=[IRAN], time=ta, place=pa)
    b = mention("p2", "a2", sources=[IRAN], time=tb, place=pb)
    return mentions_compatible(a, b, ARTICLES)


def test_date_tolerances() -> None:
    assert _pair(day("2020-01-07"), day("2020-01-08"))         # Tuesday vs Wednesday
    assert not _pair(day("2020-01-07"), day("2020-01-09"))
    month = TimeRef(text="in January", value="2020-01-01", end="2020-01-31", precision="month")
    assert _pair(month, day("2020-01-20"))
    assert not _pair(month, day("2020-02-02"))
    assert _pair(TimeRef(text="in January", value="2020-01-01", precision="month"),
                 day("2020-01-31"))                             # end inferred
    assert _pair(reported("2020-01-10"), day("2020-01-07"))     # reported 3 days later
    assert not _pair(reported("2020-01-12"), day("2020-01-07"))
    assert _pair(reported("2020-01-08"), reported("2020-01-11"))
    assert not _pair(reported("2020-01-08"), reported("2020-01-13"))
    assert _pair(TimeRef(text="", precision="unknown"), day("1999-05-05"))
    assert _pair(None, day("2020-01-07"))


def test_reported_date_of_undated_article_is_unknown() -> None:
    # a3's date was guessed from file metadata, so its "reported" date says nothing
    a = mention("p1", "a3", sources=[IRAN], time=reported("2020-03-01"))
    b = mention("p2", "a2", sources=[IRAN], time=day("2020-01-07"))
    assert mentions_compatible(a, b, ARTICLES)


def test_place_tolerances() -> None:
    t = day("2020-01-08")
    near = PlaceRef(text="Hit", name="Hit", country="IRQ", lat=33.64, lon=42.83,
                    precision="city")
    assert _pair(t, t, BASE, near)                      # ~40 km
    assert not _pair(t, t, BASE, ERBIL)                 # ~300 km
    assert _pair(t, t, BASE, IRAQ)                      # country-level contains the site
    syria = PlaceRef(text="Syria", name="Syria", country="SYR", precision="country")
    assert not _pair(t, t, BASE, syria)
    assert _pair(t, t, BASE, None)


def test_actor_and_mode_rules() -> None:
    t = day("2020-01-08")
    a = mention("p1", "a1", sources=[IRAN], targets=[US_TROOPS], time=t)
    b = mention("p2", "a2", sources=[IRGC], targets=[], time=t, mode="")
    c = mention("p3", "a2", sources=[IRAN], targets=[US_TROOPS], time=t, mode="aerial")
    d = mention("p4", "a2", etype="COERCE", sources=[IRAN], targets=[US_TROOPS], time=t)
    assert mentions_compatible(a, b, ARTICLES)     # empty target side, empty mode
    assert not mentions_compatible(a, c, ARTICLES)  # missile vs aerial
    assert not mentions_compatible(a, d, ARTICLES)  # different PLOVER type


def test_chains_cannot_join_incompatible_mentions() -> None:
    """A~B and B~C are compatible (<100 km) but A and C are ~160 km apart."""
    t = day("2020-01-08")

    def at(mid: str, aid: str, lon: float) -> Mention:
        p = PlaceRef(text="x", name=f"town{lon}", country="IRQ", lat=33.0, lon=lon,
                     precision="city")
        return mention(mid, aid, sentence="Iran fired missiles at American troops.",
                       sources=[IRAN], targets=[US_TROOPS], time=t, place=p)

    a, b, c = at("c1", "a1", 42.0), at("c2", "a2", 42.85), at("c3", "a7", 43.7)
    assert mentions_compatible(a, b, ARTICLES) and mentions_compatible(b, c, ARTICLES)
    assert not mentions_compatible(a, c, ARTICLES)
    for e in merge_mentions([a, b, c], ARTICLES):
        assert not {"c1", "c3"} <= set(e.mention_ids)


def test_unrelated_same_day_events_stay_apart() -> None:
    """Same type and day but nothing else in common is not enough evidence."""
    t = reported("2020-01-08")
    a = mention("u1", "a1", mode="", trigger="clashed", sentence="Herders clashed with "
                "farmers over grazing land.", time=t)
    b = mention("u2", "a2", mode="", trigger="bombed", sentence="A car bomb tore through "
                "a crowded market.", time=t)
    assert len(merge_mentions([a, b], ARTICLES)) == 2


# --- report history -------------------------------------------------------------

def casualty_reports() -> list[Mention]:
    later = [
        mention("q2", "a5", trigger="attack", sentence="Eleven troops were treated for "
                "concussions after the missile attack on the Asad base.", sources=[IRAN],
                targets=[US_TROOPS], modality="historical", time=day("2020-01-08", "Jan. 8"),
                place=BASE, quantities=[Quantity(kind="injured", value=11)]),
        mention("q3", "a6", trigger="strike", sentence="The count of troops hurt in the "
                "Iranian strike on the base rose to 34.", sources=[IRAN], targets=[US_TROOPS],
                modality="historical", time=day("2020-01-08", "Jan. 8"), place=BASE,
                quantities=[Quantity(kind="injured", value=34)]),
    ]
    return [*later, *strike_mentions()]


def test_quantity_history_ordered_by_publication() -> None:
    events = merge_mentions(casualty_reports(), ARTICLES)
    assert len(events) == 1
    hist = events[0].quantities["injured"]
    assert [(v.published, v.value) for v in hist] == [
        ("2020-01-08", 0), ("2020-01-16", 11), ("2020-01-24", 34)]
    assert [v.source for v in hist] == ["Gulf Courier", "Gulf Courier", "Northern Post"]
    assert [v.mention_id for v in hist] == ["m1", "q2", "q3"]
    assert best_quantity(hist) == (34, 0, 34)


def test_best_quantity_edge_cases() -> None:
    assert best_quantity([]) == (None, None, None)
    fv = [FieldValue(5, "x", "A", "2020-01-02", "m"), FieldValue(9, "y", "B", "2020-01-02", "n"),
          FieldValue(20, "z", "C", "2020-01-01", "o"), FieldValue(3, "w", "D", None, "p")]
    assert best_quantity(fv) == (9, 3, 20)


def test_event_as_of_drops_later_reports() -> None:
    mentions = casualty_reports()
    event = merge_mentions(mentions, ARTICLES)[0]
    by_id = {m.id: m for m in mentions}
    early = event_as_of(event, by_id, ARTICLES, "2020-01-10")
    assert early is not None and early.id == event.id
    assert "q2" not in early.mention_ids and "q3" not in early.mention_ids
    assert early.article_ids == ["a1", "a2", "a3"]
    assert best_quantity(early.quantities["injured"]) == (0, 0, 0)
    mid = event_as_of(event, by_id, ARTICLES, "2020-01-20T12:00:00")
    assert mid is not None and best_quantity(mid.quantities["injured"]) == (11, 0, 11)
    full = event_as_of(event, by_id, ARTICLES, "2020-12-31")
    assert full is not None and full.mention_ids == event.mention_ids
    assert event_as_of(event, by_id, ARTICLES, "2020-01-01") is None


# --- determinism -----------------------------------------------------------------

def _everything() -> list[Mention]:
    extra = [
        mention("x1", "a7", sentence="US forces struck Iran.", sources=[US_TROOPS],
                targets=[IRAN], time=day("2020-01-08"), place=IRAQ),
        mention("t1", "a2", etype="THREATEN", mode="", trigger="warned",
                sentence="Iran warned of more strikes.", sources=[IRAN], targets=[US],
                time=reported("2020-01-08"), modality="future"),
        mention("h1", "a2", mode="", trigger="coup", sentence="The 1953 coup.",
                sources=[US], targets=[IRAN], modality="historical",
                time=TimeRef(text="1953", value="1953-01-01", precision="year")),
        mention("z1", "a3", mode="", trigger="attack", sentence="An attack on the base.",
                time=None, place=BASE),
    ]
    return [*casualty_reports(), *extra]


def _snapshot(events: list[Event]) -> list[dict]:
    return [asdict(e) for e in events]


@settings(max_examples=40, deadline=None)
@given(st.permutations(_everything()))
def test_order_independence(shuffled: list[Mention]) -> None:
    assert _snapshot(merge_mentions(shuffled, ARTICLES)) == _snapshot(
        merge_mentions(_everything(), ARTICLES))


def test_ids_stable_across_reruns() -> None:
    first = merge_mentions(_everything(), ARTICLES)
    second = merge_mentions(_everything(), ARTICLES)
    assert [e.id for e in first] == [e.id for e in second]
    strike = by_member(first, "m1")
    assert strike.id == "ev_" + hashlib.sha1(b"m1").hexdigest()[:12]
    # adding a later report does not change the id of the event it joins
    more = mention("m9", "a6", trigger="attack", sentence="Iranian missiles hit the Asad "
                   "base.", sources=[IRAN], targets=[US_TROOPS], modality="historical",
                   time=day("2020-01-08"), place=BASE)
    assert by_member(merge_mentions([*_everything(), more], ARTICLES), "m9").id == strike.id
    assert len({e.id for e in first}) == len(first)


def test_duplicate_mention_ids_kept_once() -> None:
    ms = strike_mentions()
    events = merge_mentions([*ms, *ms], ARTICLES)
    assert len(events) == 1 and events[0].mention_ids == ["m1", "m2", "m3", "m4"]


def test_empty_input() -> None:
    assert merge_mentions([], {}) == []


def test_drone_and_air_strike_modes_are_one_family() -> None:
    from sitroom.merge.features import modes_compatible

    assert modes_compatible("drone", "aerial") and modes_compatible("aerial", "drone")
    assert modes_compatible("", "drone") and modes_compatible("drone", "drone")
    assert not modes_compatible("drone", "heavy-weapons")


def test_event_actors_are_the_reports_consensus_roles() -> None:
    """An actor most reports make the target is not also a source because one
    report misparsed it; a one-report reading of a many-report event stays on
    that report's mention; a country with and without a sector is one actor."""
    from sitroom.merge.build import _merge_roles

    general = Actor(text="Soleimani", name="Qassem Soleimani", country="IRN", sector="MIL")
    us_plain = Actor(text="the United States", name="United States", country="USA")
    road = Actor(text="the road", name="road", country="IRQ")
    sources = [[US_TROOPS], [us_plain], [US_TROOPS], [general], [US_TROOPS], [US_TROOPS]]
    targets = [[general], [general, road], [general], [], [general], [general]]
    srcs, tgts = _merge_roles(sources, targets)
    assert [(a.name, a.sector) for a in srcs] == [("United States", "MIL")]
    assert [a.name for a in tgts] == ["Qassem Soleimani"]
    # Two reports: each reading is a fifth or more of them, so both stay.
    srcs, tgts = _merge_roles([[IRAN], [IRGC]], [[US_TROOPS], [road]])
    assert {a.name for a in srcs} == {"Iran", "IRGC"} and {a.name for a in tgts} == {"United States", "road"}
    # A tie between sides keeps the actor on both.
    srcs, tgts = _merge_roles([[IRAN]], [[IRAN]])
    assert srcs and tgts


def test_reports_of_an_attack_on_one_named_person_are_one_event() -> None:
    """An assassination told by its purpose in one outlet and by its weapon
    (a drone) in another is one act; the same named target hit by other
    hands is not."""
    general = Actor(text="Soleimani", name="Qassem Soleimani", country="IRN", sector="MIL")
    ms = [
        mention("k1", "a1", trigger="assassination", mode="assassinate",
                sentence="Tehran vowed revenge for the assassination of its top general.",
                targets=[general], time=reported("2020-01-08")),
        mention("k2", "a2", trigger="struck", mode="drone",
                sentence="An American drone struck the general's convoy near the airport.",
                sources=[US_TROOPS], targets=[general], time=reported("2020-01-08")),
        mention("k3", "a7", trigger="attack", mode="",
                sentence="Iran hailed the attack in the name of the fallen commander.",
                sources=[IRAN], targets=[general], time=reported("2020-01-08")),
    ]
    events = merge_mentions(ms, ARTICLES)
    by_mention = {mid: e.id for e in events for mid in e.mention_ids}
    assert by_mention["k1"] == by_mention["k2"]
    assert by_mention["k3"] != by_mention["k1"]
    joined = next(e for e in events if "k1" in e.mention_ids)
    assert joined.n_sources == 2 and joined.mode in ("assassinate", "drone")


def test_a_protest_one_outlet_calls_a_riot_is_one_event() -> None:
    crowd = Actor(text="protesters", name="protesters", sector="CVL")
    ms = [
        mention("p1", "a1", etype="PROTEST", mode="demo", trigger="protested",
                sentence="Thousands protested outside the embassy on Tuesday.",
                sources=[crowd], targets=[US], time=day("2020-01-07"), place=ERBIL),
        mention("p2", "a2", etype="PROTEST", mode="riot", trigger="rioted",
                sentence="Crowds rioted outside the embassy on Tuesday, burning tyres.",
                sources=[crowd], targets=[US], time=day("2020-01-07"), place=ERBIL),
    ]
    (event,) = merge_mentions(ms, ARTICLES)
    assert event.n_sources == 2


def test_reports_naming_different_weapons_of_one_strike_can_join() -> None:
    """One outlet's "drone strike" is another's "missile strike": different means are
    evidence against joining, not a veto, when target, day, place and hands agree."""
    general = Actor(text="Soleimani", name="Qassem Soleimani", country="IRN", sector="MIL")
    airport = PlaceRef(text="Baghdad airport", name="Baghdad International Airport", country="IRQ",
                       lat=33.26, lon=44.23, precision="site")
    ms = [
        mention("w1", "a1", trigger="drone strike", mode="drone",
                sentence="A US drone strike near Baghdad airport on Friday killed the general.",
                sources=[US_TROOPS], targets=[general], time=day("2020-01-03", "on Friday"), place=airport),
        mention("w2", "a2", trigger="fired", mode="heavy-weapons",
                sentence="US forces fired missiles at the general's convoy at Baghdad airport on Friday.",
                sources=[US_TROOPS], targets=[general], time=day("2020-01-03", "on Friday"), place=airport),
    ]
    (event,) = merge_mentions(ms, ARTICLES)
    assert event.n_sources == 2
