"""TIMEX3 recogniser/normaliser: compounds, measures, anaphora, holidays, tense cues (issue 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.resolve.timex import (
    Timex,
    _digits,
    _easter,
    _holiday_value,
    _nth_weekday,
    find_timexes,
    timex_value,
)


def _spans(text: str, anchor: str) -> dict[str, Timex]:
    return {text[t.start:t.end]: t for t in find_timexes(text, anchor)}


# -- recognition: compounds, measures, non-times ---------------------------------------

def test_clock_time_and_its_day_are_one_expression() -> None:
    # 2001-05-09 is a Wednesday; plain text carries no tense, so the weekday is the last one.
    found = _spans("Talks broke down at noon Thursday, and resume at 9 a.m. Friday.", "2001-05-09")
    assert found["noon Thursday"].value == "2001-05-03T12:00"
    assert found["9 a.m. Friday"].value == "2001-05-04T09:00"
    found = _spans("The bid runs until 5 p.m. EST, Nov. 9, the firm said.", "2001-11-02")
    assert found["5 p.m. EST, Nov. 9"].value == "2001-11-09T17:00"


def test_weekday_and_part_of_day() -> None:
    found = _spans("A guard was hurt Thursday evening near the port.", "2001-05-11")
    assert found["Thursday evening"].value == "2001-05-10TEV"
    assert found["Thursday evening"].type == "TIME"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the last twenty four hours", "PT24H"),
        ("no more than sixty days", "P60D"),
        ("at least 30 days", "P30D"),
        ("two more weeks", "P2W"),
        ("eight trading days", "P8D"),
        ("almost a hundred years", "P100Y"),
        ("the latest nine months", "P9M"),
    ],
)
def test_measures(text: str, expected: str) -> None:
    assert timex_value(text, "2001-05-09") == (expected, "DURATION")


def test_measure_extents() -> None:
    found = _spans("The ship must wait at least 30 days. Three days later it sailed.", "2001-05-09")
    assert found["at least 30 days"].value == "P30D"        # 'at least' is kept, 'at' is no preposition
    assert found["Three days"].value == "P3D"               # 'later' is the relation, not the measure


def test_fractions_and_index_levels_are_not_times() -> None:
    text = "The port handles three-quarters of the grain; the index closed at 2082.1 points."
    assert find_timexes(text, "2001-05-09") == []


# -- normalisation -------------------------------------------------------------------

def test_weekend_is_the_nearer_one_without_tense() -> None:
    assert timex_value("the weekend", "1990-08-13")[0] == "1990-W32-WE"      # Monday: just past
    assert timex_value("the weekend", "1990-08-16")[0] == "1990-W33-WE"      # Thursday: coming
    assert timex_value("the weekend", "1990-08-16", tense="past")[0] == "1990-W32-WE"


def test_last_night_keeps_its_part_of_day() -> None:
    assert timex_value("last night", "1998-01-20") == ("1998-01-19TNI", "TIME")


def test_month_with_a_relative_year() -> None:
    assert timex_value("April next year", "1998-12-03")[0] == "1999-04"
    assert timex_value("Feb. 3 this year", "1998-12-03")[0] == "1998-02-03"
    assert timex_value("early October last year", "1998-12-03")[0] == "1997-10"


def test_untensed_month_leans_to_the_past() -> None:
    assert timex_value("March", "1989-10-30")[0] == "1989-03"    # seven months back, five ahead
    assert timex_value("February", "1989-10-30")[0] == "1990-02"  # four ahead is much nearer
    assert timex_value("March", "1989-10-30", tense="future")[0] == "1990-03"


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("Thanksgiving Day", "2000-01-07", "1999-11-25"),
        ("Election Day", "1998-10-26", "1998-11-03"),
        ("Easter", "2000-05-02", "2000-04-23"),
        ("Christmas", "1998-10-26", "1998-12-25"),
        ("Christmas 1995", "1998-10-26", "1995-12-25"),
    ],
)
def test_holidays(text: str, anchor: str, expected: str) -> None:
    assert timex_value(text, anchor) == (expected, "DATE")


def test_week_of_a_date_and_period_ends() -> None:
    assert timex_value("the week of March 6", "2000-02-24")[0] == "2000-W10"
    assert timex_value("year's end", "1989-10-26")[0] == "1989"
    assert timex_value("the end of the month", "1990-08-13")[0] == "1990-08"
    assert timex_value("the current fiscal year", "1989-11-02")[0] == "1989"
    assert timex_value("the near term", "1989-11-02")[0] == "FUTURE_REF"


def test_anaphora_follow_the_story_not_the_dateline() -> None:
    text = "The envoy left in June 1994 and came back later that year; he fell ill the next day."
    found = _spans(text, "2001-05-09")
    assert found["that year"].value == "1994"
    text = "The ferry sank on Oct. 3, 1994. Divers reached it the following day."
    assert _spans(text, "2001-05-09")["the following day"].value == "1994-10-04"
    # With nothing earlier in the story, the document date is the anchor.
    assert _spans("Rain came the following day.", "2001-05-09")["the following day"].value == "2001-05-10"


def test_sets_of_months_and_seasons_and_then_current() -> None:
    assert timex_value("each July", "1998-03-22") == ("XXXX-07", "SET")
    assert timex_value("every winter", "1998-03-22") == ("XXXX-WI", "SET")
    assert timex_value("then current", "1998-03-22") == ("PAST_REF", "DATE")


def test_soon_and_current() -> None:
    found = _spans("Rates may soon rise, but not as soon as traders hoped; current prices hold.", "2001-05-09")
    assert found["soon"].value == "FUTURE_REF"
    assert found["current"].value == "PRESENT_REF"
    assert sum(1 for k in found if k == "soon") == 1


def test_year_ago_is_a_quarter_only_in_earnings_reports() -> None:
    from sitroom.nlp import load_nlp

    nlp = load_nlp()

    def values(text: str, anchor: str) -> dict[str, str | None]:
        return {text[t.start:t.end]: t.value for t in find_timexes(nlp(text), anchor)}

    plain = "Wages rose 4% from a year earlier, and the next quarter looks calm."
    assert values(plain, "1998-02-06")["a year earlier"] == "1997"
    earnings = ("Net income rose to $5 million, or 20 cents a share, in the third quarter, "
                "from $4 million a year earlier; revenue climbed 8%.")
    assert values(earnings, "1989-11-02")["a year earlier"] == "1988-Q3"


def test_tense_cues_with_spacy() -> None:
    from sitroom.nlp import load_nlp

    nlp = load_nlp()
    text = "Monitors have been barred from the sites since Jan. 13, officials said."
    spans = {text[t.start:t.end]: t.value for t in find_timexes(nlp(text), "1998-03-06")}
    assert spans["Jan. 13"] == "1998-01-13"
    text = "The delegation planned to leave the capital on Thursday."
    spans = {text[t.start:t.end]: t.value for t in find_timexes(nlp(text), "1998-09-30")}
    assert spans["Thursday"] == "1998-10-01"
    text = "Revenue grew 9% in the first nine months of 1997."
    spans = {text[t.start:t.end]: t.value for t in find_timexes(nlp(text), "1998-02-06")}
    assert spans.get("the first nine months") == "P9M" and spans.get("1997") == "1997"


# -- properties ------------------------------------------------------------------------

_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@given(st.integers(min_value=20, max_value=99), st.sampled_from([" ", "-"]))
def test_spelled_counts_become_digits(n: int, sep: str) -> None:
    tens, ones = divmod(n, 10)
    words = _TENS[tens - 2] + (sep + _ONES[ones - 1] if ones else "")
    assert _digits(f"the last {words} hours") == f"the last {n} hours"


@given(st.integers(min_value=1583, max_value=2400))
def test_easter_is_a_spring_sunday(year: int) -> None:
    d = _easter(year)
    assert d.weekday() == 6
    assert date(year, 3, 22) <= d <= date(year, 4, 25)


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12),
       st.integers(min_value=0, max_value=6), st.sampled_from([1, 2, 3, 4, -1]))
def test_nth_weekday_lands_in_its_month(year: int, month: int, weekday: int, n: int) -> None:
    d = _nth_weekday(year, month, weekday, n)
    assert (d.year, d.month, d.weekday()) == (year, month, weekday)
    if n > 0:
        assert (d.day - 1) // 7 == n - 1
    else:
        assert (d + timedelta(days=7)).month != month


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["", "past", "future"]))
def test_fixed_holidays_are_within_a_year(anchor: date, tense: str) -> None:
    v = _holiday_value("christmas", anchor, tense)
    assert v is not None
    d = date.fromisoformat(v)
    assert (d.month, d.day) == (12, 25)
    assert abs((d - anchor).days) <= 366
    if tense == "past":
        assert d <= anchor
    if tense == "future":
        assert d >= anchor


_PHRASES = ["noon Thursday", "Thursday evening", "three days later", "at least 30 days",
            "the following year", "April next year", "the weekend", "Christmas", "soon",
            "current", "three-quarters of", "2082.1", "in June 1994", "last night", "the week of March 6",
            "as soon as", "year's end", "the last twenty four hours", "and", ",", "the", "Oct. 3, 1994"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PHRASES), max_size=12), st.sampled_from(["", "past", "future"]))
def test_composed_text_gives_disjoint_spans_and_never_raises(parts: list[str], tense: str) -> None:
    text = " ".join(parts)
    out = find_timexes(text, "2001-05-09")
    for a, b in zip(out, out[1:], strict=False):
        assert a.end <= b.start
    assert all(0 <= t.start < t.end <= len(text) and t.value for t in out)
    timex_value(text, "2001-05-09", tense=tense)


# -- TIMEX3 values back into TimeRefs (how events are dated) ----------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-07", ("2020-01-07", "2020-01-07", "day")),
        ("2020-01-07TEV", ("2020-01-07", "2020-01-07", "day")),
        ("2020-W02", ("2020-01-06", "2020-01-12", "week")),
        ("2020-W01-WE", ("2020-01-04", "2020-01-05", "week")),
        ("2020-01", ("2020-01-01", "2020-01-31", "month")),
        ("2019-SU", ("2019-06-01", "2019-08-31", "season")),
        ("2019-WI", ("2019-12-01", "2020-02-29", "season")),
        ("1989-Q3", ("1989-07-01", "1989-09-30", "season")),
        ("1998", ("1998-01-01", "1998-12-31", "year")),
        ("198", ("1980-01-01", "1989-12-31", "decade")),
        ("199X", ("1990-01-01", "1999-12-31", "decade")),
        ("19", ("1900-01-01", "1999-12-31", "decade")),
    ],
)
def test_from_timex_intervals(value: str, expected: tuple[str, str, str]) -> None:
    from sitroom.resolve.time import from_timex

    ref = from_timex(value, "x")
    assert (ref.value, ref.end, ref.precision) == expected and ref.text == "x"


@pytest.mark.parametrize("value", ["PAST_REF", "PRESENT_REF", "FUTURE_REF", "P3Y", "PT2H",
                                   "XXXX-WXX-2", "XXXX-12", "2020-13", "2019-02-30", "", None])
def test_from_timex_is_no_event_date_for_durations_sets_and_refs(value: str | None) -> None:
    from sitroom.resolve.time import from_timex

    ref = from_timex(value)
    assert (ref.value, ref.end, ref.precision) == (None, None, "unknown")


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)),
       st.sampled_from(["day", "week", "month", "season", "year", "decade"]))
def test_from_timex_inverts_to_timex(day: date, kind: str) -> None:
    from sitroom.resolve.time import from_timex, to_timex

    iso = day.isocalendar()
    value = {"day": day.isoformat(), "week": f"{iso.year:04d}-W{iso.week:02d}",
             "month": f"{day.year}-{day.month:02d}",
             "season": f"{day.year}-{('SP', 'SU', 'FA', 'WI')[(day.month - 1) // 3]}",
             "year": str(day.year), "decade": str(day.year // 10)}[kind]
    ref = from_timex(value)
    assert ref.value is not None and ref.end is not None and ref.value <= ref.end
    assert to_timex(ref) == value


def test_range_first_end_takes_the_second_ends_year() -> None:
    nlp = pytest.importorskip("sitroom.nlp").load_nlp()
    text = "Attacks on tankers near the strait in May and June of last year alarmed shippers."
    found = {text[t.start:t.end]: t.value for t in find_timexes(nlp(text), "2020-01-03")}
    assert found.get("May") == "2019-05" and found.get("June of last year") == "2019-06"


def test_bare_weekend_is_a_weekend() -> None:
    # 2019-12-31 is a Tuesday: untensed 'weekend' is the nearer one, just past.
    assert timex_value("weekend", "2019-12-31") == ("2019-W52-WE", "DATE")
