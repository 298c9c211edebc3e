"""Tests for sitroom.resolve: time normalisation, the gazetteer, and mention resolution."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.records import Article, Evidence, Mention, PlaceRef, TimeRef
from sitroom.resolve import Gazetteer, resolve_mentions, resolve_time
from sitroom.resolve.time import to_timex

ANCHOR = "2020-01-08"  # a Wednesday


def span(text: str, anchor: str | None = ANCHOR, precision: str = "day") -> tuple:
    ref = resolve_time(text, anchor, precision)
    return ref.value, ref.end, ref.precision


# --- resolve_time: relative expressions -------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Tuesday", ("2020-01-07", "2020-01-07", "day")),
        ("Wednesday", ("2020-01-08", "2020-01-08", "day")),          # the anchor day itself
        ("late on Thursday", ("2020-01-02", "2020-01-02", "day")),   # nearest past Thursday
        ("last Wednesday", ("2020-01-01", "2020-01-01", "day")),
        ("Tuesday night", ("2020-01-07", "2020-01-07", "day")),
        ("yesterday", ("2020-01-07", "2020-01-07", "day")),
        ("last night", ("2020-01-07", "2020-01-07", "day")),
        ("today", ("2020-01-08", "2020-01-08", "day")),
        ("three days ago", ("2020-01-05", "2020-01-05", "day")),
        ("last week", ("2019-12-30", "2020-01-05", "week")),
        ("last month", ("2019-12-01", "2019-12-31", "month")),
        ("earlier this month", ("2020-01-01", "2020-01-31", "month")),
        ("last year", ("2019-01-01", "2019-12-31", "year")),
    ],
)
def test_relative_expressions(text: str, expected: tuple) -> None:
    assert span(text) == expected


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("in June", ANCHOR, ("2019-06-01", "2019-06-30", "month")),       # after anchor -> last year
        ("in January", ANCHOR, ("2020-01-01", "2020-01-31", "month")),    # the anchor's own month
        ("in June", "2020-08-15", ("2020-06-01", "2020-06-30", "month")),
        ("late December", ANCHOR, ("2019-12-21", "2019-12-31", "month")),
        ("early March", "2020-05-01", ("2020-03-01", "2020-03-10", "month")),
        ("March 2003", ANCHOR, ("2003-03-01", "2003-03-31", "month")),
        ("over the summer", ANCHOR, ("2019-06-01", "2019-08-31", "season")),
        ("this summer", "2020-07-20", ("2020-06-01", "2020-08-31", "season")),
        ("last summer", "2020-07-20", ("2019-06-01", "2019-08-31", "season")),
        ("the winter", ANCHOR, ("2019-12-01", "2020-02-29", "season")),
        ("the spring of 2014", ANCHOR, ("2014-03-01", "2014-05-31", "season")),
    ],
)
def test_months_and_seasons(text: str, anchor: str, expected: tuple) -> None:
    assert span(text, anchor) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 1953", ("1953-01-01", "1953-12-31", "year")),
        ("early 2019", ("2019-01-01", "2019-04-30", "year")),
        ("late 2019", ("2019-09-01", "2019-12-31", "year")),
        ("the 1980s", ("1980-01-01", "1989-12-31", "decade")),
        ("the early 1990s", ("1990-01-01", "1993-12-31", "decade")),
        ("the '70s", ("1970-01-01", "1979-12-31", "decade")),
        ("Jan. 3", ("2020-01-03", "2020-01-03", "day")),
        ("January 3, 2020", ("2020-01-03", "2020-01-03", "day")),
        ("3 January", ("2020-01-03", "2020-01-03", "day")),
        ("Dec. 30", ("2019-12-30", "2019-12-30", "day")),   # year-less, rolls back
        ("2003-03-20", ("2003-03-20", "2003-03-20", "day")),
        ("Sept. 11, 2001", ("2001-09-11", "2001-09-11", "day")),
    ],
)
def test_absolute_expressions(text: str, expected: tuple) -> None:
    assert span(text) == expected


def test_turn_of_century_is_a_decade_around_2000() -> None:
    value, end, precision = span("the turn of the century")
    assert precision == "decade"
    assert value is not None and end is not None
    assert value <= "2000-01-01" <= end


@pytest.mark.parametrize("text", ["decades-long", "for three years", "recently", "", "the mission",
                                  "1,953 people", "Tuesdays are busy?"[:0]])
def test_unresolvable(text: str) -> None:
    assert span(text) == (None, None, "unknown")


def test_month_never_invents_a_day() -> None:
    ref = resolve_time("in October", ANCHOR)
    assert ref.precision == "month"
    assert ref.value == "2019-10-01" and ref.end == "2019-10-31"


@pytest.mark.parametrize("text", ["on Tuesday", "yesterday", "last week", "last month", "in June",
                                  "over the summer"])
def test_relative_needs_a_known_anchor(text: str) -> None:
    assert span(text, ANCHOR, "unknown") == (None, None, "unknown")
    assert span(text, None) == (None, None, "unknown")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("in 1953", "1953-01-01"), ("January 3, 2020", "2020-01-03"), ("the 1980s", "1980-01-01")],
)
def test_absolute_resolves_without_anchor(text: str, expected: str) -> None:
    assert resolve_time(text, ANCHOR, "unknown").value == expected
    assert resolve_time(text, None).value == expected


def test_timex_rendering() -> None:
    assert to_timex(resolve_time("on Tuesday", ANCHOR)) == "2020-01-07"
    assert to_timex(resolve_time("in June", ANCHOR)) == "2019-06"
    assert to_timex(resolve_time("the 1980s", ANCHOR)) == "198"
    assert to_timex(resolve_time("last week", ANCHOR)) == "2020-W01"
    assert to_timex(resolve_time("over the summer", ANCHOR)) == "2019-SU"
    assert to_timex(resolve_time("recently", ANCHOR)) is None


# --- hypothesis properties ------------------------------------------------------------

_DAY_CUE = re.compile(
    r"\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\b(mon|tue|tues|wed|weds|thu|"
    r"thur|thurs|fri|sat|sun)\b|today|tonight|yesterday|tomorrow|overnight|night|morning|"
    r"afternoon|evening",
    re.IGNORECASE,
)

_WORDS = st.sampled_from([
    "on", "last", "next", "this", "in", "early", "late", "mid", "the", "of", "ago", "days", "weeks",
    "Tuesday", "Sunday", "June", "May", "December", "summer", "winter", "1953", "2019", "1980s",
    "'90s", "3", "31", "Jan.", "yesterday", "week", "month", "year", "turn", "century", ",", "-",
    "decades-long", "tonight", "weekend", "quarter", "first", "2/30/2019", "two",
])
_PHRASES = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_ANCHORS = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
                     .map(date.isoformat))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), _PHRASES), anchor=_ANCHORS,
       precision=st.sampled_from(["day", "unknown"]))
def test_resolve_time_properties(text: str, anchor: str | None, precision: str) -> None:
    ref = resolve_time(text, anchor, precision)
    assert ref.text == text
    if ref.value is None:
        assert ref.precision == "unknown"
        return
    start = date.fromisoformat(ref.value)
    assert ref.end is not None
    assert start <= date.fromisoformat(ref.end)
    if ref.precision == "day":
        assert _DAY_CUE.search(text), text


def test_resolve_time_survives_garbage_anchor() -> None:
    assert resolve_time("on Tuesday", "not-a-date").value is None
    assert resolve_time("in 1953", "not-a-date").value == "1953-01-01"


# --- gazetteer ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def test_gazetteer_is_cached(gaz: Gazetteer) -> None:
    assert Gazetteer.default() is gaz


@pytest.mark.parametrize("name", ["Al-Asad", "Ain al-Assad air base", "Asad air base", "al Asad Airbase"])
def test_air_base_is_a_site_in_anbar(gaz: Gazetteer, name: str) -> None:
    ref = gaz.lookup(name)
    assert ref is not None
    assert (ref.precision, ref.country, ref.admin1) == ("site", "IRQ", "Anbar")
    assert ref.lat is not None and ref.lon is not None
    assert abs(ref.lat - 33.8) < 0.3 and abs(ref.lon - 42.4) < 0.3


def test_erbil_spellings_agree(gaz: Gazetteer) -> None:
    refs = [gaz.lookup(n) for n in ("Erbil", "Irbil", "Arbil")]
    assert all(r is not None for r in refs)
    assert len({(r.lat, r.lon, r.precision) for r in refs if r}) == 1
    assert refs[0] is not None and refs[0].country == "IRQ" and refs[0].precision == "city"


@pytest.mark.parametrize(
    ("name", "country", "precision"),
    [("Baghdad", "IRQ", "city"), ("Kirkuk", "IRQ", "city"), ("Tehran", "IRN", "city"),
     ("Fallujah", "IRQ", "city"), ("Iraq", "IRQ", "country"), ("U.S.", "USA", "country"),
     ("Anbar province", "IRQ", "province"), ("Nineveh", "IRQ", "province"),
     ("the Strait of Hormuz", None, "site"), ("Natanz", "IRN", "site"), ("Al Udeid", "QAT", "site")],
)
def test_lookups(gaz: Gazetteer, name: str, country: str | None, precision: str) -> None:
    ref = gaz.lookup(name)
    assert ref is not None
    assert (ref.country, ref.precision) == (country, precision)


def test_city_output_carries_geonames_fields(gaz: Gazetteer) -> None:
    ref = gaz.lookup("Baghdad")
    assert ref is not None
    assert ref.geonameid and ref.admin1 == "Baghdad"
    assert abs((ref.lat or 0) - 33.3) < 0.2 and abs((ref.lon or 0) - 44.4) < 0.2


def test_context_country_decides_paris(gaz: Gazetteer) -> None:
    fr = gaz.lookup("Paris", ["FRA"])
    us = gaz.lookup("Paris", ["USA"])
    assert fr is not None and fr.country == "FRA"
    assert us is not None and us.country == "USA" and us.admin1 == "Texas"
    tx = gaz.lookup("Paris, Texas")
    assert tx is not None and tx.admin1 == "Texas"


def test_demonyms_are_not_places(gaz: Gazetteer) -> None:
    for word in ("Iraqi", "Iranian", "Syrian", "American", "Americans"):
        assert gaz.lookup(word) is None


def test_unknown_name(gaz: Gazetteer) -> None:
    assert gaz.lookup("Xqzzyville of the Nowhere") is None
    assert gaz.lookup("") is None


# --- resolve_mentions ---------------------------------------------------------------------------

TEXT = (
    "Iranian missiles struck the Al-Asad air base in Anbar on Tuesday, officials said.\n"
    "The base was first built in 1953 by Iraqi engineers.\n"
    "Residents of Baghdad gathered in the streets."
)


@pytest.fixture(scope="module")
def doc_and_article():  # type: ignore[no-untyped-def]
    from sitroom.nlp import load_nlp

    article = Article.make(TEXT, published=ANCHOR, source="Test Wire")
    return load_nlp()(TEXT), article


def _sentence(article: Article, needle: str) -> Evidence:
    start = article.text.index(needle)
    end = article.text.find("\n", start)
    end = len(article.text) if end < 0 else end
    return Evidence(article.id, start, end, start, end, article.text[start:end])


def _span(article: Article, sent: Evidence, needle: str) -> Evidence:
    start = article.text.index(needle, sent.sent_start)
    return Evidence(article.id, sent.sent_start, sent.sent_end, start, start + len(needle), needle)


def test_resolve_mentions(doc_and_article) -> None:  # type: ignore[no-untyped-def]
    doc, article = doc_and_article
    s1 = _sentence(article, "Iranian missiles")
    s2 = _sentence(article, "The base was")
    s3 = _sentence(article, "Residents of")
    strike = Mention(
        id="m1", article_id=article.id, event_type="ASSAULT", sentence=s1,
        trigger=_span(article, s1, "struck"),
        time=TimeRef(text="on Tuesday", evidence=_span(article, s1, "on Tuesday")),
        place=PlaceRef(text="Al-Asad air base", evidence=_span(article, s1, "Al-Asad air base")),
        context=["place:Anbar"],
    )
    built = Mention(
        id="m2", article_id=article.id, event_type="COOPERATE", sentence=s2,
        trigger=_span(article, s2, "built"),
        time=TimeRef(text="in 1953", evidence=_span(article, s2, "in 1953")),
    )
    rally = Mention(
        id="m3", article_id=article.id, event_type="PROTEST", sentence=s3,
        trigger=_span(article, s3, "gathered"),
        place=PlaceRef(text="Baghdad", evidence=_span(article, s3, "Baghdad")),
    )
    resolve_mentions([strike, built, rally], doc, article)

    assert strike.time is not None and strike.time.value == "2020-01-07"
    assert strike.time.precision == "day" and strike.time.evidence is not None
    assert strike.modality == "asserted"
    assert strike.place is not None
    assert (strike.place.precision, strike.place.country, strike.place.admin1) == ("site", "IRQ", "Anbar")
    assert strike.place.evidence is not None and strike.place.evidence.text == "Al-Asad air base"

    assert built.time is not None and built.time.value == "1953-01-01"
    assert built.modality == "historical"

    assert rally.time is not None
    assert (rally.time.value, rally.time.precision) == (ANCHOR, "reported")
    assert rally.place is not None and rally.place.country == "IRQ" and rally.place.precision == "city"


def test_inherits_earlier_date_in_paragraph() -> None:
    from sitroom.nlp import load_nlp

    text = "On Monday, militants attacked a convoy near Kirkuk. Hours later they fired rockets at a base."
    article = Article.make(text, published=ANCHOR)
    doc = load_nlp()(text)
    start = text.index("Hours later")
    sent = Evidence(article.id, start, len(text), start, len(text))
    trig = text.index("fired")
    m = Mention(id="x", article_id=article.id, event_type="ASSAULT", sentence=sent,
                trigger=Evidence(article.id, start, len(text), trig, trig + 5, "fired"))
    resolve_mentions([m], doc, article)
    assert m.time is not None and m.time.value == "2020-01-06" and m.time.precision == "day"
    assert m.time.evidence is not None and "Monday" in m.time.evidence.text


def test_unknown_article_date() -> None:
    text = "Protesters marched on Tuesday."
    article = Article.make(text, published="2020-01-08", date_precision="unknown")
    sent = Evidence(article.id, 0, len(text), 0, len(text))
    relative = Mention(id="a", article_id=article.id, event_type="PROTEST", sentence=sent,
                       time=TimeRef(text="on Tuesday"))
    undated = Mention(id="b", article_id=article.id, event_type="PROTEST", sentence=sent)
    resolve_mentions([relative, undated], None, article)
    assert relative.time is not None and (relative.time.value, relative.time.precision) == (None, "unknown")
    assert relative.time.text == "on Tuesday"
    assert undated.time is not None and (undated.time.value, undated.time.precision) == (None, "unknown")


def test_province_context_breaks_ties_within_a_country(gaz: Gazetteer) -> None:
    ref = gaz.lookup("Athens", ["USA"], ["Georgia"])
    assert ref is not None and (ref.country, ref.admin1) == ("USA", "Georgia")
    state = gaz.lookup("Georgia", ["USA"])
    assert state is not None and state.precision == "province" and state.country == "USA"


def _spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for n in names:
        i = text.index(n, pos)
        out.append((i, i + len(n)))
        pos = i + len(n)
    return out


def test_coherence_reads_an_ambiguous_town_near_its_neighbours(gaz: Gazetteer) -> None:
    from sitroom.resolve.geo import resolve_toponyms

    # No state is named: only the nearby towns say which Paris this is.
    text = "Hail hit Paris on Sunday, and the highway from Texarkana to Sulphur Springs closed."
    refs = resolve_toponyms(text, _spans(text, ["Paris", "Texarkana", "Sulphur Springs"]), gaz)
    paris = refs[0]
    assert paris is not None and (paris.country, paris.admin1) == ("USA", "Texas")


def test_county_sits_among_the_articles_towns(gaz: Gazetteer) -> None:
    from sitroom.resolve.geo import resolve_toponyms

    text = ("Deputies in Lamar County searched farms outside Paris, Texas, and Texarkana "
            "after the storm; Texas officials sent help.")
    refs = resolve_toponyms(text, _spans(text, ["Lamar County", "Paris", "Texarkana", "Texas"]), gaz)
    county, state = refs[0], refs[3]
    assert county is not None and county.admin1 == "Texas" and county.name == "Lamar County"
    assert county.lat is not None and state is not None and state.lat is not None
    # Among the towns in the north-east of the state, not at the state's centre.
    assert county.lat > 32.5 and abs(county.lat - state.lat) > 1.0


def test_unknown_local_name_falls_back_to_the_articles_area(gaz: Gazetteer) -> None:
    from sitroom.resolve.geo import resolve_toponyms

    text = "Flooding closed roads in Qwzzleton Hollow, west of Texarkana, and near Sulphur Springs."
    refs = resolve_toponyms(text, _spans(text, ["Qwzzleton Hollow", "Texarkana", "Sulphur Springs"]),
                            gaz)
    guess = refs[0]
    assert guess is not None and guess.precision == "vicinity" and guess.name == ""
    assert (guess.country, guess.admin1) == ("USA", "Texas")
    # Alone in a text, an unknown name stays unresolved rather than guessed.
    assert resolve_toponyms("Qwzzleton Hollow", [(0, 16)], gaz) == [None]


@pytest.mark.parametrize(
    ("name", "country", "lat"),
    [("KwaZulu-Natal", "ZAF", -28.5), ("Khyber Pakhtunkhwa", "PAK", 34.5), ("Sumatra", "IDN", 0.0),
     ("Prince Edward Island", "CAN", 46.4), ("Gujarat", "IND", 22.7)],
)
def test_supplement_provinces_have_coordinates(gaz: Gazetteer, name: str, country: str,
                                               lat: float) -> None:
    ref = gaz.lookup(name)
    assert ref is not None and ref.country == country and ref.precision == "province"
    assert ref.lat is not None and abs(ref.lat - lat) < 1.0


def test_new_york_alone_is_the_city(gaz: Gazetteer) -> None:
    from sitroom.resolve.geo import resolve_toponyms

    ref = resolve_toponyms("Talks resumed in New York.", [(17, 25)], gaz)[0]
    assert ref is not None and ref.precision == "city" and ref.name == "New York City"
    assert ref.lat is not None and abs(ref.lat - 40.7) < 0.2
    state = resolve_toponyms("Albany is in New York State.", [(13, 27)], gaz)[0]
    assert state is not None and state.precision == "province"


def test_a_county_name_settles_which_towns_are_meant(gaz: Gazetteer) -> None:
    from sitroom.resolve.geo import resolve_toponyms

    # Only Nebraska has a Platte County, a Columbus and a Norfolk together.
    text = "Sheriffs in Platte County said the road from Columbus to Norfolk reopened."
    refs = resolve_toponyms(text, _spans(text, ["Platte County", "Columbus", "Norfolk"]), gaz)
    assert [r.admin1 if r else None for r in refs] == ["Nebraska"] * 3


def test_city_provinces_are_labelled_within_their_own_country(gaz: Gazetteer) -> None:
    # An English county named like a Canadian city must not label British Columbia.
    found, _ = gaz.candidates("Vancouver")
    canadian = [p for p, _ in found if p.country == "CAN" and p.population > 100_000]
    assert canadian and canadian[0].admin1 == "British Columbia"


# --- event places from the article-level pass -------------------------------------------------
# Two short reports in our own words on real events: the stadium bombing in Iskandariya, Babil
# (March 2016), and Hurricane Laura in central Louisiana (August 2020).

IRAQ_STORY = (
    "A suicide bomber blew himself up at a football stadium in Iskandariya on Friday, "
    "killing at least 29 people, police said.\n"
    "The town lies south of Baghdad in Babil province. Many of the wounded were taken "
    "to hospitals in Hilla, where relatives gathered on Saturday."
)
LOUISIANA_STORY = (
    "Hurricane Laura tore through central Louisiana on Thursday. Winds toppled trees onto "
    "homes in Alexandria, and crews in Pineville worked to restore power across Rapides Parish."
)


def _placed_mention(article: Article, trigger: str, place: str) -> Mention:
    text = article.text
    t, p = text.index(trigger), text.index(place)
    return Mention(
        id=f"{article.id}:{t}", article_id=article.id, event_type="ASSAULT",
        trigger=Evidence(article.id, 0, len(text), t, t + len(trigger), trigger),
        place=PlaceRef(text=place, evidence=Evidence(article.id, 0, len(text), p, p + len(place),
                                                     place)),
    )


def test_event_places_use_the_whole_article() -> None:
    from sitroom.nlp import load_nlp

    article = Article.make(IRAQ_STORY, published="2016-03-26")
    bombing = _placed_mention(article, "blew", "Iskandariya")
    vigil = _placed_mention(article, "gathered", "Hilla")
    resolve_mentions([bombing, vigil], load_nlp()(IRAQ_STORY), article)
    # Alone, 'Iskandariya' is Alexandria in Egypt; in this story it is the town in Babil.
    assert Gazetteer.default().lookup("Iskandariya") is not None
    assert bombing.place is not None
    assert (bombing.place.country, bombing.place.admin1) == ("IRQ", "Babil")
    assert bombing.place.text == "Iskandariya" and bombing.place.evidence is not None
    # each event keeps the place where it happened, not the first place of the article
    assert vigil.place is not None and vigil.place.text == "Hilla"
    assert (vigil.place.country, vigil.place.admin1) == ("IRQ", "Babil")
    assert (vigil.place.lat, vigil.place.lon) != (bombing.place.lat, bombing.place.lon)


def test_event_place_in_local_news_sits_among_its_neighbours() -> None:
    from sitroom.nlp import load_nlp

    article = Article.make(LOUISIANA_STORY, published="2020-08-28")
    storm = _placed_mention(article, "toppled", "Alexandria")
    repair = _placed_mention(article, "worked", "Pineville")
    resolve_mentions([storm, repair], load_nlp()(LOUISIANA_STORY), article)
    # the largest Alexandria is in Egypt, the largest American one in Virginia
    assert storm.place is not None and (storm.place.country, storm.place.admin1) == ("USA",
                                                                                     "Louisiana")
    assert storm.place.lat is not None and abs(storm.place.lat - 31.3) < 0.5
    assert repair.place is not None and repair.place.admin1 == "Louisiana"


def test_event_places_without_a_parse_and_unknown_names() -> None:
    text = "Gunmen attacked a checkpoint in Iskandariya, south of Baghdad. Later a bomb hit Qzxwv."
    article = Article.make(text, published="2016-03-26")
    first = _placed_mention(article, "attacked", "Iskandariya")
    first.context = ["place:Baghdad"]   # the extractor tags the sentence's other places
    second = _placed_mention(article, "hit", "Qzxwv")
    same = _placed_mention(article, "attacked", "Iskandariya")
    resolve_mentions([first, second, same], None, article)   # no spaCy doc: mention spans only
    assert first.place is not None and first.place.country == "IRQ"
    assert second.place is not None and second.place.text == "Qzxwv"
    assert second.place.precision in ("unknown", "vicinity")
    # two events at one place get equal but separate PlaceRefs
    assert same.place == first.place and same.place is not first.place


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcXYZ ée'.-\u2019"), max_size=12))
def test_normalise_fast_path_agrees_with_the_full_fold(name: str) -> None:
    import unicodedata

    from sitroom.resolve.gazetteer import normalise

    folded = "".join(c for c in unicodedata.normalize("NFKD", name)
                     if not unicodedata.combining(c))
    folded = re.sub(r"['`.\u2018\u2019]", "", folded.lower())
    assert normalise(name) == re.sub(r"[^0-9a-z]+", " ", folded).strip()


def test_a_span_that_lost_its_article_finds_the_name_indexed_with_it(gaz: Gazetteer) -> None:
    # "tankers attacked in the Gulf": the span is "Gulf", not a province of Papua New Guinea.
    gulf = gaz.lookup("Gulf", context_countries=["IRN", "USA"])
    assert gulf is not None and gulf.name == "Persian Gulf"
    hague = gaz.lookup("Hague")
    assert hague is not None and hague.country == "NLD"


def test_town_and_village_designators_are_stripped(gaz: Gazetteer) -> None:
    # Incident reports write "Tarmiyah town", "X village": the name is the place.
    town = gaz.lookup("Tarmiyah town", context_countries=["IRQ"])
    assert town is not None and town.country == "IRQ" and town.precision == "city"
    assert gaz.lookup("Cape Town") is not None and gaz.lookup("Cape Town").country == "ZAF"  # type: ignore[union-attr]


# --- event times come from the TIMEX3 normaliser ``sitroom eval time`` measures --------------

def _resolved(text: str, trigger: str, when: str | None = None, published: str = ANCHOR) -> TimeRef:
    """Resolve one mention of ``text`` (its trigger word, its own time phrase) with a parse."""
    from sitroom.nlp import load_nlp

    article = Article.make(text, published=published)
    t = text.index(trigger)
    s = max(text.rfind(". ", 0, t) + 2, 0)
    e = text.find(". ", t)
    e = len(text) if e < 0 else e + 1
    sent = Evidence(article.id, s, e, s, e, text[s:e])
    own = None
    if when is not None:
        w = text.index(when)
        own = TimeRef(text=when, evidence=Evidence(article.id, s, e, w, w + len(when), when))
    m = Mention(id="t", article_id=article.id, event_type="ASSAULT", sentence=sent,
                trigger=Evidence(article.id, s, e, t, t + len(trigger), trigger), time=own)
    resolve_mentions([m], load_nlp()(text), article)
    assert m.time is not None
    return m.time


def test_holiday_names_a_day() -> None:
    ref = _resolved("Police said gunmen attacked the church on Christmas Eve.", "attacked",
                    "on Christmas Eve")
    assert (ref.value, ref.end, ref.precision) == ("2019-12-24", "2019-12-24", "day")
    assert ref.text == "on Christmas Eve" and ref.evidence is not None


def test_that_year_is_the_year_named_before() -> None:
    ref = _resolved("The plant opened in March 2011. Its workers went on strike that year over wages.",
                    "strike")
    assert (ref.value, ref.end, ref.precision) == ("2011-01-01", "2011-12-31", "year")
    assert ref.evidence is not None and ref.evidence.text == "that year"


def test_the_following_day_counts_from_the_date_before() -> None:
    ref = _resolved("Rebels seized the town on March 3, 2019. Troops recaptured it the following day.",
                    "recaptured")
    assert (ref.value, ref.precision) == ("2019-03-04", "day")


def test_weekend_by_tense() -> None:
    # ANCHOR is a Wednesday: the weekend just past, or the coming one in a future clause.
    past = _resolved("Gunmen attacked a checkpoint over the weekend, officials said.", "attacked",
                     "over the weekend")
    assert (past.value, past.end, past.precision) == ("2020-01-04", "2020-01-05", "week")
    coming = _resolved("Protesters will march through the capital over the weekend.", "march",
                       "over the weekend")
    assert (coming.value, coming.end, coming.precision) == ("2020-01-11", "2020-01-12", "week")


def test_month_of_next_year_stays_a_month() -> None:
    ref = _resolved("The two governments will hold talks in April next year.", "talks",
                    "in April next year")
    assert (ref.value, ref.end, ref.precision) == ("2021-04-01", "2021-04-30", "month")


def test_a_range_is_dated_by_its_first_end_with_the_year_of_the_second() -> None:
    ref = _resolved("Tankers were attacked in May and June of last year, officials said.",
                    "attacked", "in May and June of last year")
    assert (ref.value, ref.end, ref.precision) == ("2019-05-01", "2019-05-31", "month")


def test_weekday_and_narrowed_month_keep_their_readings() -> None:
    # Past or untensed weekdays look back (or are the publication day); 'early March' keeps
    # resolve_time's 1st-10th, which TimeML (2019-03) cannot say.
    ref = _resolved("Militants shelled the town on Wednesday.", "shelled", "on Wednesday")
    assert (ref.value, ref.precision) == (ANCHOR, "day")
    ref = _resolved("Militants shelled the town in early March.", "shelled", "in early March")
    assert (ref.value, ref.end, ref.precision) == ("2019-03-01", "2019-03-10", "month")


def test_durations_and_vague_times_fall_back_to_the_report() -> None:
    ref = _resolved("Fighting has raged for three years, and troops recently shelled the town.",
                    "shelled", "recently")
    assert (ref.value, ref.precision) == (ANCHOR, "reported")


def test_unknown_publication_date_dates_nothing_relative_even_with_timex() -> None:
    from sitroom.nlp import load_nlp

    text = "Gunmen attacked the church on Christmas Eve. They struck again the following day."
    article = Article.make(text, published=ANCHOR, date_precision="unknown")
    sent = Evidence(article.id, 0, 43, 0, 43)
    w = text.index("on Christmas Eve")
    m = Mention(id="u", article_id=article.id, event_type="ASSAULT", sentence=sent,
                time=TimeRef(text="on Christmas Eve",
                             evidence=Evidence(article.id, 0, 43, w, w + 16, "on Christmas Eve")))
    resolve_mentions([m], load_nlp()(text), article)
    assert m.time is not None and (m.time.value, m.time.precision) == (None, "unknown")


# --- gazetteer cache: a compact file read lazily must answer as the built index does ------

def _tiny_gazetteer() -> Gazetteer:
    from sitroom.resolve.gazetteer import Place

    springfield_il = Place("Springfield", "city", "USA", "Illinois", 39.8, -89.6, 11, 110_000)
    springfield_mo = Place("Springfield", "city", "USA", "Missouri", 37.2, -93.3, 12, 160_000)
    illinois = Place("Illinois", "province", "USA", "Illinois", 40.0, -89.0, curated=True)
    gaz = Gazetteer([
        (springfield_il, ["Springfield", "Springfield IL", "springfield"]),
        (springfield_mo, ["Springfield", "Queen City of the Ozarks"]),
        (illinois, ["Illinois", "Ill"]),
        (Place("United States", "country", "USA", "", 39.0, -98.0, 6_252_001),
         ["United States", "USA", "the States"]),
        (Place("Ar Ramadi", "city", "IRQ", "Anbar", 33.4, 43.3, 13, 270_000), ["Ramadi"]),
    ])
    gaz._states["IL"] = illinois
    gaz.demonyms = frozenset({"american"})
    gaz.demonym_countries = {"american": "USA"}
    gaz.us_counties = {"sangamon county": ["IL"]}
    gaz.county_points = {("sangamon county", "IL"): ("Sangamon County", 39.76, -89.66)}
    return gaz


def _answers(gaz: Gazetteer, names: list[str]) -> list[tuple]:
    return [(gaz.candidates(n), gaz.lookup(n), gaz.lookup(n, ["IRQ"]), gaz.demonym(n) if n else None)
            for n in names]


_TINY_NAMES = ["Springfield", "springfield", "Springfield IL", "Springfield, Ill.", "Ill.",
               "Illinois", "USA", "States", "Ramadi", "al-Ramadi", "Americans", "Ozarks",
               "Sangamon County", "", "nowhere"]


def test_cache_file_answers_as_the_built_gazetteer(tmp_path) -> None:
    from sitroom.resolve import gazetteer as gz

    built = _tiny_gazetteer()
    path = tmp_path / "gazetteer-test.gaz"
    gz._write(built, path, built._adds)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind
    opened = gz._open(path)
    assert len(opened) == len(built)
    assert _answers(opened, _TINY_NAMES) == _answers(built, _TINY_NAMES)
    assert opened.county("Sangamon County") == built.county("Sangamon County")
    assert opened.us_state("Ill.") == built.us_state("Ill.")
    # One object per place, so 'Illinois, Ill.' still excludes the container itself.
    assert opened.us_state("Ill.") is opened.candidates("Illinois")[0][0][0]
    assert opened.lookup("Illinois, Ill.") == built.lookup("Illinois, Ill.")


def test_a_gazetteer_changed_while_its_cache_is_written_is_not_cached(tmp_path) -> None:
    from sitroom.resolve import gazetteer as gz
    from sitroom.resolve.gazetteer import Place

    built = _tiny_gazetteer()
    adds = built._adds
    built.add(Place("Nowhere", "city", None, "", None, None), ["Nowhere"])
    gz._write(built, tmp_path / "g.gaz", adds)
    assert list(tmp_path.iterdir()) == []


def test_damaged_cache_files_are_refused(tmp_path) -> None:
    from sitroom.resolve import gazetteer as gz

    built = _tiny_gazetteer()
    path = tmp_path / "g.gaz"
    gz._write(built, path, built._adds)
    data = path.read_bytes()
    for damaged in (data[: len(data) - 3], data[:30], b"", b"not a cache at all"):
        path.write_bytes(damaged)
        with pytest.raises((ValueError, EOFError, TypeError)):
            gz._open(path)


def test_an_opened_cache_pickles_and_takes_new_places(tmp_path) -> None:
    import pickle

    from sitroom.resolve import gazetteer as gz
    from sitroom.resolve.gazetteer import Place

    built = _tiny_gazetteer()
    path = tmp_path / "g.gaz"
    gz._write(built, path, built._adds)
    opened = gz._open(path)
    opened.lookup("Springfield")
    again = pickle.loads(pickle.dumps(opened))
    assert _answers(again, _TINY_NAMES) == _answers(built, _TINY_NAMES)
    extra = Place("Springfield", "city", "GBR", "England", 51.7, 0.5, 14, 20_000)
    for gaz in (built, opened):
        gaz.add(extra, ["Springfield", "Chelmsford Springfield"])
    assert _answers(opened, _TINY_NAMES) == _answers(built, _TINY_NAMES)
    assert len(opened) == len(built)


_WORDS = st.sampled_from(["al hillah", "Hilla", "the Gulf", "Gulf", "Kūt", "Kut", "Paris",
                          "paris", "Homs", "New York", "York", "Ain al-Asad", "Asad", "X"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(_WORDS, min_size=1, max_size=4),
                          st.sampled_from(["city", "site", "province", "country"]),
                          st.integers(0, 10_000_000), st.booleans()), max_size=12))
def test_cache_round_trip_keeps_every_answer(entries: list) -> None:
    import tempfile
    from pathlib import Path

    from sitroom.resolve import gazetteer as gz
    from sitroom.resolve.gazetteer import Place

    built = Gazetteer([
        (Place(names[0], kind, "IRQ" if pop % 2 else "USA", "", 30.0 + i, 40.0, i, pop, curated),
         names)
        for i, (names, kind, pop, curated) in enumerate(entries)
    ])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "g.gaz"
        gz._write(built, path, built._adds)
        opened = gz._open(path)
        names = ["Hilla", "al-Hilla", "Gulf", "the Gulf", "Kut", "Paris", "New York", "York",
                 "Asad air base", "northern Homs", "X", "Paris, Iraq"]
        assert len(opened) == len(built)
        assert _answers(opened, names) == _answers(built, names)


def test_real_build_and_its_cache_agree(tmp_path) -> None:
    # The cities15000 build is small enough for a test and has every kind of entry.
    from sitroom.resolve import gazetteer as gz

    built = Gazetteer.build(min_population=15000)
    gz._write(built, tmp_path / "g.gaz", built._adds)
    opened = gz._open(tmp_path / "g.gaz")
    names = ["Paris", "Alexandria", "Georgia", "Erbil", "Al-Asad", "Mosul", "Athens, Ga.",
             "Springfield", "northern Homs", "Anbar province", "the Gulf", "New York", "Kut",
             "Laurel County", "Iraqis", "S.C.", "Dagestani", "city of Basra"]
    assert len(opened) == len(built)
    assert _answers(opened, names) == _answers(built, names)
    assert [opened.county(n, ["Kentucky"]) for n in names] == [built.county(n, ["Kentucky"])
                                                                 for n in names]
    assert opened.demonyms == built.demonyms and opened.us_counties == built.us_counties


def test_stale_gazetteer_caches_are_pruned(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    from sitroom.resolve.gazetteer import KEEP_CACHES, _prune

    for i in range(6):
        f = tmp_path / f"gazetteer-old{i}.gaz"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "gazetteer-legacy.pickle").write_bytes(b"x")
    current = tmp_path / "gazetteer-now.gaz"
    current.write_bytes(b"x")
    _prune(current)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "gazetteer-legacy.pickle" not in left and current.name in left
    assert len(left) == KEEP_CACHES and "gazetteer-old5.gaz" in left
