"""TIMEX3 recognition and normalisation (TimeML conventions), anchored at the document date.

Why rules around spaCy: spaCy's DATE/TIME entities find most expressions but
with the wrong extents for TimeML (leading prepositions, ranges as one span) and
miss the vague ones ("now", "recently", "every week"); TimeML values
(P3Y, 1998-W33, 1989-Q3, PRESENT_REF) need rules either way. The calendar
arithmetic is shared with :mod:`sitroom.resolve.time`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from sitroom.resolve.time import (
    MONTHS,
    NUMBER_WORDS,
    WEEKDAYS,
    parse_anchor,
    resolve_time,
    to_timex,
)

_MONTHS_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")

__all__ = ["Timex", "find_timexes", "timex_value"]


class Timex(NamedTuple):
    """One recognised expression: character offsets, TIMEX3 value (None if unknown) and type."""

    start: int
    end: int
    value: str | None
    type: str


_NUM = (r"(?:\d+(?:\.\d+)?|\d+\s+\d/\d|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|several|a few|few|"
        r"a couple of|couple of|many|some|half an?|a half|one and a half|two and a half)")
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|quarters?|nights?|weekends?)"
_UNIT_CODE = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
              "weekend": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
              "centurie": "CE", "quarter": "Q"}
_TIME_UNITS = ("second", "minute", "hour")
_MORE_NUMBERS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                 "sixty": 60, "hundred": 100, "many": -1, "some": -1, "few": -1, "a few": -1,
                 "several": -1, "half a": 0.5, "half an": 0.5, "a half": 0.5,
                 "one and a half": 1.5, "two and a half": 2.5}

_LEAD = re.compile(
    r"^(?:(?:in|on|at(?!\s+(?:least|most)\b)|for|since|until|till|by|from|to|during|within|over|through|throughout|"
    r"after|before|of|between|around|until|as of|into|starting|beginning|ending|and|or|"
    r"than|with|per|the\s+(?=\d{4}\b))\s+)+", re.I)
_TRAIL = re.compile(r"(?:'s|’s|[\s,.;:)\"'`-])+$")
_PRESENT = re.compile(r"^(?:now|right now|currently|current|at present|presently|the present|"
                      r"present|these days|nowadays|today's|already|at the moment)$")
_PAST = re.compile(r"^(?:recently|then[- ]current|the past|past|lately|previously|formerly|once|earlier|"
                   r"recent (?:times|weeks and months)|"
                   r"the recent past|"
                   r"past (?:years|decades|months)|in the past|years ago|long ago)$")
_FUTURE = re.compile(r"^(?:soon|the future|future|the near future|the (?:near|short) term|the coming (?:years|months)|"
                     r"shortly|later|someday|eventually)$")
_SET = re.compile(
    r"^(?:(?:every|each|per)\s+(?:(other|single)\s+)?(\w+)|(daily|weekly|monthly|annually|"
    r"yearly|hourly|nightly|quarterly|biweekly|annual))$")
_SEASON_CODE = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SET_ADV = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
            "hourly": "PT1H", "nightly": "P1D", "quarterly": "P1Q", "biweekly": "P2W",
            "annual": "P1Y"}
_CLOCK = re.compile(
    r"\b(?:(\d{1,2})(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)|(noon|midday|midnight))", re.I)
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                "tonight": "NI"}
_QUARTER = re.compile(
    r"^(?:the\s+)?(?:(\d{4})\s+|fiscal\s+|(?:the\s+)?(?:fiscal\s+)?)?(?:(first|second|third|fourth|"
    r"1st|2nd|3rd|4th|current|latest|past|previous|year-earlier|year-ago|same|last|final)[\s-]+)?"
    r"(?:fiscal\s+)?(?:(\d{4})\s+)?quarter(?:\s+(?:of\s+)?(?:fiscal\s+)?(\d{4}))?$")
_TENS_N = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90}
_ONES_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9}
_QN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


_TEENS = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_NUMBER_WORD_RE = re.compile(
    r"\b(?:(?P<h>a|one|two|three|four|five|six|seven|eight|nine)\s+hundred|"
    r"(?P<t>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?P<o>one|two|three|"
    r"four|five|six|seven|eight|nine)\b)?|(?P<teen>" + "|".join(_TEENS) + r"))\b")


def _digits(t: str) -> str:
    """Spelled-out counts as digits ('twenty four hours' -> '24 hours'), so one pattern reads both."""
    def repl(m: re.Match[str]) -> str:
        if m.group("h"):
            return str(100 * (1 if m.group("h") in ("a", "one") else _ONES_N[m.group("h")]))
        if m.group("teen"):
            return str(_TEENS[m.group("teen")])
        return str(_TENS_N[m.group("t")] + _ONES_N.get(m.group("o") or "", 0))
    return _NUMBER_WORD_RE.sub(repl, t)


def _num(word: str) -> float | None:
    word = word.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    m = re.fullmatch(r"(\d+)\s+(\d)/(\d)", word)
    if m:
        return int(m.group(1)) + int(m.group(2)) / int(m.group(3))
    if word in _MORE_NUMBERS:
        return _MORE_NUMBERS[word]
    n = NUMBER_WORDS.get(word)
    return float(n) if n is not None and word not in ("several", "a few", "few") else (
        -1.0 if word in ("several", "a few", "few") else None)


def _duration(n: float | None, unit: str) -> str:
    unit = unit.lower().rstrip("s") if unit.lower() != "centuries" else "century"
    code = _UNIT_CODE.get(unit, "X")
    t = "T" if unit in _TIME_UNITS else ""
    if code in ("DE", "CE"):
        mult = 10 if code == "DE" else 100
        code = "Y"
        n = None if n is None or n < 0 else n * mult
    if n is None or n < 0:
        return f"P{t}X{code}"
    if n != int(n):
        if code == "Y":
            return f"P{int(n)}Y{int(round((n - int(n)) * 12))}M" if n >= 1 else f"P{int(n * 12)}M"
        if code == "H":
            return f"PT{int(n)}H{int(round((n - int(n)) * 60))}M" if n >= 1 else f"PT{int(n * 60)}M"
        if code == "D":
            return f"P{int(n)}DT{int(round((n - int(n)) * 24))}H" if n >= 1 else f"PT{int(n * 24)}H"
        return f"P{t}{n:g}{code}"
    return f"P{t}{int(n)}{code}"


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _last_quarter(ref: date) -> tuple[int, int]:
    """The most recently completed quarter (financial news reports on it)."""
    q = _quarter_of(ref) - 1
    return (ref.year, q) if q else (ref.year - 1, 4)


def _quarter_value(m: re.Match[str], ref: date | None) -> str | None:
    year_s = m.group(1) or m.group(3) or m.group(4)
    which = (m.group(2) or "").lower()
    if which in _QN:
        q = _QN[which]
        if year_s:
            return f"{year_s}-Q{q}"
        if ref is None:
            return None
        year = ref.year if q <= _quarter_of(ref) else ref.year - 1
        return f"{year}-Q{q}"
    if ref is None:
        return f"{year_s}-QX" if year_s else None
    if which == "current":
        return f"{ref.year}-Q{_quarter_of(ref)}"
    y, q = _last_quarter(ref)
    if which in ("year-earlier",):
        return f"{y - 1}-Q{q}"
    if year_s:
        return f"{year_s}-Q{q}"
    return f"{y}-Q{q}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _clock(t: str, day: str | None) -> str | None:
    m = _CLOCK.search(t)
    if not m:
        return None
    if m.group(4):
        hh, mm = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[m.group(4).lower()]
    else:
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
        pm = m.group(3).lower().startswith("p")
        if hh > 12 or mm > 59:
            return None
        hh = (hh % 12) + (12 if pm else 0)
    return f"{day or 'XXXX-XX-XX'}T{hh:02d}:{mm:02d}"


def _future_weekday(t: str, ref: date) -> str | None:
    m = re.search(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", t)
    if not m:
        return None
    wd = WEEKDAYS[m.group(1)]
    d = ref + timedelta(days=(wd - ref.weekday()) % 7)
    return d.isoformat()


_TENS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9}
_WORD_YEAR = re.compile(r"\b(nineteen|twenty)[\s-]+(" + "|".join(_TENS) + r")(?:[\s-]+(" +
                        "|".join(_ONES) + r"))?\b", re.I)


def _word_years(t: str) -> str:
    """Spoken years in transcripts: 'nineteen ninety-seven' -> '1997'."""
    def digits(m: re.Match[str]) -> str:
        century = 19 if m.group(1).lower() == "nineteen" else 20
        return str(century * 100 + _TENS[m.group(2).lower()] + _ONES.get((m.group(3) or "").lower(), 0))
    return _WORD_YEAR.sub(digits, t)


def timex_value(text: str, anchor: str | None, tense: str = "",
                fiscal: bool = False) -> tuple[str | None, str]:
    """TIMEX3 (value, type) of one expression; ``tense`` ("future"/"past") orients bare weekdays and months."""
    t = _word_years(re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" .,;:\"'`"))
    text = t
    t = _digits(t)
    t = re.sub(r"^(?:about|around|approximately|roughly|nearly|almost|some|more than|"
               r"(?:no|not) (?:more|less|fewer) than|"
               r"less than|at least|at most|over|under|only|just|up to|fully|another|"
               r"an additional|the first|the last|the past|the next|the previous|the "
               r"following|the coming|the final)\s+(?=" + _NUM + r"[\s-])", "", t)
    ref = parse_anchor(anchor)
    if fiscal and ref is not None and re.fullmatch(
            r"(?:a|one) year (?:earlier|ago|before)|(?:the )?year-(?:earlier|ago)(?: period| quarter)?", t):
        y, q = _last_quarter(ref)
        return f"{y - 1}-Q{q}", "DATE"
    if _PRESENT.match(t):
        return "PRESENT_REF", "DATE"
    if _PAST.match(t):
        return "PAST_REF", "DATE"
    if _FUTURE.match(t):
        return "FUTURE_REF", "DATE"
    m = _SET.match(t)
    if m:
        if m.group(3):
            return _SET_ADV[m.group(3)], "SET"
        unit = m.group(2)
        if unit.rstrip("s") in _UNIT_CODE:
            return _set_value(unit, m.group(1)), "SET"
        if unit in WEEKDAYS:
            return f"XXXX-WXX-{WEEKDAYS[unit] + 1}", "SET"
        if unit in MONTHS:
            return f"XXXX-{MONTHS[unit]:02d}", "SET"  # 'each July'
        if unit in _SEASON_CODE:
            return f"XXXX-{_SEASON_CODE[unit]}", "SET"
    m = _QUARTER.match(re.sub(r"\b(?:comparable\s+|same\s+)?(?:year-ago|year-earlier|prior-year)\s+"
                              r"(?=(?:\w+[\s-]+)?quarter)", "", t))
    if m:
        qv = _quarter_value(m, ref)
        if qv and re.search(r"\b(?:year-ago|year-earlier|prior-year)\s+(?:\w+[\s-]+)?quarter", t):
            qv = f"{int(qv[:4]) - 1}{qv[4:]}"
        return qv, "DATE"
    # Durations: "three years", "10-hour", "the last two months", "years".
    m = re.fullmatch(r"(?:the\s+|a\s+(?=\d))?(?:(?:last|past|next|previous|first|final|latest|"
                     r"year-earlier|year-ago|"
                     r"coming|following|recent|same|whole|entire|full)\s+)?(" + _NUM + r")[\s-]+(?:(?:full|more|"
                     r"calendar|straight|consecutive|long|trading|business|working|additional|"
                     r"further)\s+)?(" + _UNIT + r")(?:[\s-]+(?:long|old|"
                     r"period))?", t)
    if m and not re.search(r"\b(ago|earlier|later|before|after|from now)\b", t):
        return _duration(_num(m.group(1)), m.group(2)), "DURATION"
    m = re.fullmatch(r"(?:the\s+)?(?:(?:last|past|next|coming|recent|early|later)\s+)?"
                     r"(?:several\s+|few\s+|many\s+)?(" + _UNIT + r")", t)
    if m and m.group(1).endswith("s") and not m.group(1).startswith("weekend"):
        return _duration(None, m.group(1)), "DURATION"
    m = re.fullmatch(r"(" + _UNIT + r")[\s-]+long", t)
    if m:
        return _duration(None, m.group(1)), "DURATION"
    if ref is not None:
        m = _MONTH_REL_YEAR.fullmatch(t)
        if m:
            # 'April next year', 'Feb. 3 this year': the month in the named year.
            year = ref.year + {"this": 0, "next": 1, "last": -1}[m.group(4)]
            month = MONTHS[m.group(2)]
            dom = int(m.group(3)) if m.group(3) else None
            if dom is not None and not 1 <= dom <= 31:
                return None, "DATE"
            return (f"{year}-{month:02d}-{dom:02d}" if dom else f"{year}-{month:02d}"), "DATE"
        hv = _holiday_value(t, ref, tense)
        if hv:
            return hv, "DATE"
        v = _relative_value(t, ref, tense) or _month_value(t, ref, tense)
        if v is not None:
            return v
    clock = _CLOCK.search(t)
    day_part = _PART_OF_DAY.get(t.split()[-1]) if t else None
    ref_tr = resolve_time(text, anchor, "day")
    if tense == "future" and ref is not None and ref_tr.precision == "day":
        fw = _future_weekday(t, ref)
        if fw and not re.search(r"\b(last|past|previous)\b", t):
            ref_tr.value = fw
    value = to_timex(ref_tr)
    if clock:
        rest = _CLOCK.sub(" ", t).replace(" est", " ").strip(" ,")
        if rest and rest != t:
            rv = timex_value(rest, anchor, tense)[0]
            if rv and len(rv) == 10:
                value = rv
        day = value if value and len(value) == 10 else (anchor[:10] if anchor and not re.search(
            r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{4})\b", t) else None)
        return _clock(t, day), "TIME"
    if value is None:
        m = re.fullmatch(r"(\d{4})", t)
        if m:
            return m.group(1), "DATE"
        return None, "DATE"
    if day_part and len(value) == 10 and t.split()[-1] not in ("morning", "night"):
        return f"{value}T{day_part}", "TIME"
    return value, "DATE"


def _set_value(unit: str, other: str | None) -> str:
    u = unit.rstrip("s").lower()
    code = _UNIT_CODE.get(u, "X")
    t = "T" if u in _TIME_UNITS else ""
    return f"P{t}{2 if other == 'other' else 1}{code}"


_MONTH_ONLY = re.compile(
    r"(?:(early|mid|late)[\s-]+)?(?:(?:this|last|next)\s+)?" + _MONTHS_RE +
    r"\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?")


_MONTH_REL_YEAR = re.compile(
    r"(?:(early|mid|late)[\s-]+)?" + _MONTHS_RE + r"\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?,?\s+"
    r"(?:of\s+)?(this|next|last) year")


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based; -1 = last) given weekday of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


_HOLIDAYS: dict[str, Any] = {
    "christmas": lambda y: date(y, 12, 25), "christmas day": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24), "new year's day": lambda y: date(y, 1, 1),
    "new year's eve": lambda y: date(y, 12, 31), "boxing day": lambda y: date(y, 12, 26),
    "halloween": lambda y: date(y, 10, 31), "valentine's day": lambda y: date(y, 2, 14),
    "independence day": lambda y: date(y, 7, 4), "the fourth of july": lambda y: date(y, 7, 4),
    "july fourth": lambda y: date(y, 7, 4), "easter": _easter, "easter sunday": _easter,
    "good friday": lambda y: _easter(y) - timedelta(days=2),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + timedelta(days=1),
}
_HOLIDAY_RE = re.compile(r"(" + "|".join(sorted((re.escape(k) for k in _HOLIDAYS), key=len,
                                              reverse=True)) + r")(?:,?\s+(\d{4}))?")


def _holiday_value(t: str, ref: date | None, tense: str) -> str | None:
    """A named holiday: its day in the year given, else the occurrence nearest the document
    date in the direction the tense points (the past one when untensed, unless it is near)."""
    m = _HOLIDAY_RE.fullmatch(t)
    if not m:
        return None
    rule = _HOLIDAYS[m.group(1)]
    if m.group(2):
        return str(rule(int(m.group(2))).isoformat())
    if ref is None:
        return None
    days = [rule(y) for y in (ref.year - 1, ref.year, ref.year + 1)]
    if tense == "past":
        days = [d for d in days if d <= ref] or days
    elif tense == "future":
        days = [d for d in days if d >= ref] or days
    best = min(days, key=lambda d: 1.5 * (d - ref).days if d > ref else (ref - d).days)
    return best.isoformat()


def _month_value(t: str, ref: date, tense: str) -> tuple[str | None, str] | None:
    """A month (and day) without a year: the article's year, unless the tense points across it."""
    m = _MONTH_ONLY.fullmatch(t)
    if not m or (m.group(2) in ("may", "march") and not m.group(3) and t == m.group(2) and False):
        return None
    month = MONTHS[m.group(2)]
    here = ref.year * 12 + ref.month - 1
    options = [(y * 12 + month - 1, y) for y in (ref.year - 1, ref.year, ref.year + 1)]
    if t.startswith("last ") or tense == "past":
        options = [o for o in options if o[0] <= here] or options
    elif t.startswith("next ") or tense == "future":
        options = [o for o in options if o[0] >= here] or options
    # Untensed: news mostly looks back, so a coming month must be much nearer than the
    # last one ('June' in May is this June; 'March' in October is the past March).
    year = min(options, key=lambda o: (1.5 * (o[0] - here) if o[0] > here else here - o[0],
                                       o[0] > here))[1]
    if t.startswith("last ") and year == ref.year and month == ref.month:
        year -= 1
    if m.group(3):
        day = int(m.group(3))
        if not 1 <= day <= 31:
            return None
        return f"{year}-{month:02d}-{day:02d}", "DATE"
    return f"{year}-{month:02d}", "DATE"


def _weekend(ref: date, t: str, tense: str) -> date:
    """The Saturday meant: the last one in past-tense text, the coming one in future, else the nearer."""
    last_sat = ref - timedelta(days=(ref.weekday() - 5) % 7)
    next_sat = last_sat if ref.weekday() >= 5 else last_sat + timedelta(days=7)
    if t.startswith("last") or tense == "past":
        return last_sat
    if t.startswith("next") or tense == "future":
        return next_sat
    return last_sat if ref - last_sat <= next_sat - ref else next_sat


def _relative_value(t: str, ref: date, tense: str = "") -> tuple[str | None, str] | None:
    """TimeML readings that differ from sitroom's intervals (weeks, 'a year ago', parts of day)."""
    m = re.fullmatch(r"(?:(early|late|later|earlier)\s+)?(this|last|next|the past|past|the previous|"
                     r"previous|the coming|coming|the following|the same|that)\s+week", t)
    if m:
        step = {"this": 0, "the same": 0, "that": 0, "next": 1, "the coming": 1, "coming": 1,
                "the following": 1}.get(m.group(2), -1)
        return _week(ref + timedelta(weeks=step)), "DATE"
    if t in ("the week", "this week"):
        return _week(ref), "DATE"
    m = re.fullmatch(r"(?:the\s+)?(?:(" + _NUM + r")\s+)?(day|week|month|year|decade)s?\s+"
                     r"(?:ago|earlier|before)", t)
    if m:
        n = _num(m.group(1) or "one")
        unit = m.group(2)
        if n is None or n < 0 or n != int(n):
            return {"year": "PAST_REF", "decade": "PAST_REF"}.get(unit, "PAST_REF"), "DATE"
        k = int(n)
        if unit == "day":
            return (ref - timedelta(days=k)).isoformat(), "DATE"
        if unit == "week":
            return _week(ref - timedelta(weeks=k)), "DATE"
        if unit == "month":
            y, mo = divmod(ref.year * 12 + ref.month - 1 - k, 12)
            return f"{y}-{mo + 1:02d}", "DATE"
        if unit == "year":
            return str(ref.year - k), "DATE"
        return str((ref.year - 10 * k) // 10), "DATE"
    m = re.fullmatch(r"(?:(?:early|later|earlier|late)\s+)?(this|today|tonight|yesterday|"
                     r"tomorrow|last|this)\s*(morning|afternoon|evening|night)?", t)
    if m and m.group(1) in ("this", "today", "yesterday", "tomorrow", "tonight", "last") and (
            m.group(2) or m.group(1) != "this" and m.group(1) != "last"):
        off = {"yesterday": -1, "tomorrow": 1, "last": -1}.get(m.group(1), 0)
        part = m.group(2) or ("night" if m.group(1) == "tonight" else None)
        d = (ref + timedelta(days=off)).isoformat()
        if part:
            return f"{d}T{_PART_OF_DAY[part]}", "TIME"
        return d, "DATE"
    if re.fullmatch(r"(?:earlier |later )?(?:this|the current) year|(?:so far |earlier |later )this year|"
                    r"the year", t):
        return str(ref.year), "DATE"
    if t in ("this month", "earlier this month", "later this month", "the month"):
        return f"{ref.year}-{ref.month:02d}", "DATE"
    if re.fullmatch(r"(?:a|one) year (?:earlier|ago|before)|the year-earlier period|"
                    r"the (?:previous|prior) year|year-earlier|a year-earlier", t):
        return str(ref.year - 1), "DATE"
    if t in ("the weekend", "this weekend", "the week-end", "last weekend", "next weekend", "weekend"):
        return f"{_week(_weekend(ref, t, tense))}-WE", "DATE"
    if t in ("next year", "the next year"):
        return str(ref.year + 1), "DATE"
    if re.fullmatch(r"(?:the )?year[- ]end|year's end|the end of (?:the|this) year|"
                    r"(?:the |this )?current fiscal year|this fiscal year", t):
        return str(ref.year), "DATE"
    if re.fullmatch(r"(?:the )?(?:end|middle|beginning|start) of (?:the|this) month|month[- ]end", t):
        return f"{ref.year}-{ref.month:02d}", "DATE"
    m = re.fullmatch(r"the week (?:of|beginning|starting) (.+)", t)
    if m:
        day = _month_value(m.group(1), ref, tense)
        if day and day[0] and len(day[0]) == 10:
            return _week(date.fromisoformat(day[0])), "DATE"
    m = re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[\s-]+)?(\d{3})0'?s", t)
    if m:
        return m.group(2) + "X", "DATE"
    return None


_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MON_DAY = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
_SPAN_RE = re.compile(
    r"\b(?:(?:every|each)\s+(?:other\s+)?(?:day|week|month|year|quarter|morning|night|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"spring|autumn|fall|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|summer|winter)|"
    r"daily|weekly|hourly|yearly|nightly|"
    r"now|currently|recently|nowadays|these days|lately|at present|presently|"
    r"(?:christmas|new year's|thanksgiving|election|labor|memorial|independence|valentine's|boxing)"
    r"\s+(?:day|eve)|christmas|thanksgiving|easter(?:\s+sunday)?|halloween|good friday|"
    r"(?:the\s+)?year[-\s]end|year's\s+end|the\s+(?:end|middle|beginning|start)\s+of\s+the\s+month|"
    r"the\s+current\s+fiscal\s+year|the\s+week\s+of\s+" + _MON_DAY + r"|"
    r"(?<!as\s)soon(?!\s+(?:as|after|afterwards?)\b)|"
    r"\bthen[-\s]current\b|\bcurrent(?=\s+[a-z])(?!\s+(?:quarter|year|month|week|fiscal|period)\b)|"
    r"the\s+(?:near\s+)?future|the\s+(?:near|short)\s+term(?![-\w])|"
    r"(?:(?:earlier|later)\s+)?(?:that|that same|the same)\s+(?:day|month|year|morning|afternoon|"
    r"evening|night)|the\s+(?:following|next|previous|preceding)\s+(?:day|morning|afternoon|evening|"
    r"night|month|year)|"
    r"(?:in\s+)?the past(?!\s+(?:" + _NUM + r"\s+)?" + _UNIT + r")|"
    r"(?:more than |less than |about |nearly |almost |at least |some |the (?:past|last|next|first|"
    r"previous|coming|following) )?" + _NUM + r"[\s-]+(?:(?:full|more|trading|business|working|"
    r"additional|further)\s+)?" + _UNIT +
    r"(?![-\s]olds?\b|-(?!long\b)\w)(?:-long)?|"
    r"(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter|"
    r"(?:\d{1,2}(?::\d{2})?\s*[ap]\.m\.?)|"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?nineteen[\s-]+(?:"
    + "|".join(_TENS) + r")(?:[\s-]+(?:" + "|".join(_ONES) + r"))?|"
    r"(?<![$\d.,])(?:19|20)\d\d(?![\d%]|\s*(?:people|troops|dollars|km|miles)))\b", re.I)


# Compound expressions TimeML tags as one TIMEX3 but a NER splits in two: a clock time
# and its day ("9 a.m. Tuesday", "5 p.m. EST, Nov. 9"), a day and its part ("Thursday evening").
_COMPOUND_RE = re.compile(
    r"\b(?:(?:\d{1,2}(?::\d{2})?\s*[ap]\.\s?m\.?|noon|midnight)(?:\s+(?:[ecmp][sd]t|gmt|local time))?"
    r",?\s+(?:" + _WD + r"|today|yesterday|tomorrow|" + _MON_DAY + r")|"
    r"(?:(?:early|late)\s+)?(?:" + _WD + r"|yesterday|today|tomorrow)\s+"
    r"(?:morning|afternoon|evening|night))\b", re.I)


_MODIFIER = re.compile(
    r"^(?:(?:about|around|approximately|roughly|nearly|almost|only|just|both|some|sometime|"
    r"an?(?=\s+(?:\w+\.?\s+\d|\d|first|second|third|fourth|\w+-quarter))|"
    r"the(?=\s+(?:[A-Z][a-z]{2,3}\.?\s+\d|\d|(?:first|second|third|fourth)-quarter|past \d))|"
    r"(?:earlier|later)(?=\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tonight|this|that)))\s+)+", re.I)


_LATER = re.compile(r"(?<=[a-z])\s+(?:later|afterwards?)$", re.I)


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a candidate to TimeML extent: no leading prepositions, no trailing punctuation."""
    seg = text[start:end]
    for rx in (_LEAD, _MODIFIER, _LEAD):
        m = rx.match(seg)
        if m:
            start += m.end()
            seg = text[start:end]
    m = _LATER.search(seg)
    if m and re.search(r"\b" + _UNIT + r"$", seg[:m.start()], re.I):
        # 'three days later': TimeML tags the measure, 'later' is the relation.
        end = start + m.start()
        seg = text[start:end]
    m = _TRAIL.search(seg)
    if m:
        if seg.endswith(".") and re.search(r"\b(?:[ap]\.m|[A-Z][a-z]{2,3})\.$", seg):
            # keep the abbreviation's dot? TimeML usually stops before sentence punctuation
            end = start + m.start() + (0 if seg[m.start():].strip(".") else 0)
        else:
            end = start + m.start()
    if end <= start:
        return None
    return start, end


_RANGE_SPLIT = re.compile(r"\s+(?:and|to|or|through|until|-|ended|ending)\s+|\s*[-–]\s*(?=\d|[A-Z])")
_NOT_TIMEX = re.compile(
    r"^(?:(?!(?:1[89]|20)\d\d$)\d+(?:\.\d+)?|the (?:day|time)|one|day|days|annual|time|the time|age \d+|"
    r"\d+ years? old|the years?|.*\byear[- ]olds?|noon|midnight|years|months|decades|weeks)$",
    re.I)


_PAST_PREP = frozenset({"since"})
_FUTURE_PREP = frozenset({"until", "till", "through", "pending"})
_PLAN_LEMMAS = frozenset({"plan", "schedule", "expect", "due"})


def _is_past_verb(tok: Any) -> bool:
    """Simple past, or a participle carried by 'had'/'was' ('had been scheduled')."""
    if tok.tag_ == "VBD":
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in tok.children)


def _tense(doc: Any, start: int, end: int) -> str:
    """'future', 'past' or '' for the clause around an expression ('will meet on Tuesday').

    Why the extra cues: news states deadlines with 'until'/'through' and a past
    starting point with 'since'; a date
    that only modifies a noun ('a June agreement') takes no tense from the clause.
    """
    if doc is None:
        return ""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_ == "on" and span.start > 1:
        prev = doc[span.start - 2] if doc[span.start - 2].lower_ in _PAST_PREP | _FUTURE_PREP else prev
    if prev is not None and prev.lower_ in _PAST_PREP:
        return "past"
    root = span.root
    if root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN"):
        return ""
    head = root.head
    while head.dep_ in ("prep", "pobj", "npadvmod", "compound", "amod") and head.head is not head:
        head = head.head
    toks = [*head.children, head]
    past = _is_past_verb(head)
    if prev is not None and prev.lower_ in _FUTURE_PREP and not past:
        return "future"
    if any(t.lower_ in ("will", "'ll", "wo", "shall") for t in toks):
        return "future"
    if head.tag_ == "VB" and any(t.lower_ == "to" for t in head.children) and not (
            head.head is not head and _is_past_verb(head.head)):
        return "future"
    if any(t.lemma_ in _PLAN_LEMMAS and t.dep_ not in ("acl", "amod", "relcl")
           for t in (head, head.head)):
        return "future"
    if any(t.lower_ in ("will", "'ll") and span.start - 8 <= t.i < span.start for t in span.sent):
        return "future"
    aux = [t for t in head.children if t.dep_ in ("aux", "auxpass")]
    if head.tag_ == "VBD" or any(t.tag_ == "VBD" for t in aux):
        return "past"
    if head.tag_ == "VBN":
        # 'was hit in March', 'has fallen since June'; a bare participle ('a summit set for
        # April') says nothing of tense.
        return "past" if any(t.lemma_ == "have" or t.tag_ == "VBD" for t in aux) else ""
    return ""


def find_timexes(source: Any, anchor: str | None, ents: Sequence[Any] | None = None) -> list[Timex]:
    """TIMEX3 candidates in ``source`` (a spaCy Doc, or plain text: then regexes only).

    Spans follow TimeML: leading prepositions dropped, modifiers ("about", "the last")
    kept, ranges split into their two ends; each gets a value relative to ``anchor``.
    ``ents`` (the Doc's DATE/TIME entities, when the caller has them) saves collecting
    ``doc.ents`` again.
    """
    doc = None if isinstance(source, str) else source
    text = source if isinstance(source, str) else source.text
    cands: list[tuple[int, int]] = []
    range_end: dict[tuple[int, int], tuple[int, int]] = {}
    if doc is not None:
        for ent in (doc.ents if ents is None else ents):
            if ent.label_ not in ("DATE", "TIME"):
                continue
            s, e = ent.start_char, ent.end_char
            parts = _split_range(text, s, e)
            cands.extend(parts)
            if len(parts) == 2:
                first, second = (_clean_span(text, *p) for p in parts)
                if first is not None and second is not None:
                    range_end[first] = second
    # The calendar patterns run on spaCy output too: the NER misses some plain dates
    # ('visas today', "this year's election", 'the Aug. 7 bombings').
    from sitroom.resolve.time import _DAY_WORDS, _MDY, _REL_UNIT, _WEEKDAY, _YEAR

    extra = (_MDY, _DAY_WORDS, _REL_UNIT) + ((_WEEKDAY, _YEAR) if doc is None else ())
    for rx in extra:
        for m in rx.finditer(text.lower()):
            cands.append((m.start(), m.end()))
    for rx in (_SPAN_RE, _COMPOUND_RE):
        for m in rx.finditer(text):
            cands.append((m.start(), m.end()))
    cleaned: list[tuple[int, int]] = []
    for s, e in cands:
        se = _clean_span(text, s, e)
        if se is not None and not _NOT_TIMEX.match(text[se[0]:se[1]]):
            cleaned.append(se)
    # Longest first; drop candidates overlapping an accepted one.
    cleaned = sorted(set(cleaned), key=lambda x: (-(x[1] - x[0]), x[0]))
    taken: list[tuple[int, int]] = []
    for s, e in cleaned:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
    # Earnings reports compare with the same quarter a year before ('a year earlier' = 1988-Q3).
    fiscal = bool(re.search(r"\bquarter\b", text, re.I)) and len(re.findall(
        r"\b(?:a share|per share|net income|net loss|earnings|revenue|profit)\b", text, re.I)) >= 2
    out: list[Timex] = []
    for s, e in sorted(taken):
        seg = text[s:e]
        tense = _tense(doc, s, e)
        if tense == "past" and seg.lower() == "soon":
            continue  # 'was soon released': narrative sequence, not the future
        value, kind = timex_value(seg, anchor, tense=tense, fiscal=fiscal)
        if (s, e) in range_end and value and _MONTH_ONLY.fullmatch(seg.lower().strip(" .,")):
            value = _range_year(value, text[slice(*range_end[s, e])], anchor, tense)
        am = ANAPHOR.fullmatch(seg.lower().strip())
        if am:
            value, kind = _anaphoric(am, out, anchor)
        if value is None and not re.search(r"[a-z]", seg.lower()):
            continue
        if value is None or _not_a_time(text, s, e, kind):
            continue
        out.append(Timex(s, e, value, kind))
    return out


_YEAR_CUE = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2}|(?:this|last|next) year)\b", re.I)


def _range_year(value: str, other: str, anchor: str | None, tense: str) -> str:
    """'May and June of last year': the first end takes the year the second names."""
    if not _YEAR_CUE.search(other):
        return value
    year = (timex_value(other, anchor, tense)[0] or "")[:4]
    return year + value[4:] if year.isdigit() and value[:4].isdigit() else value


# 'that day', 'the following year': dated against the last date the text named
ANAPHOR = re.compile(
    r"(?:(?:earlier|later)\s+)?(?P<same>that|that same|the same)\s+(?P<u1>day|month|year|morning|"
    r"afternoon|evening|night)|the\s+(?P<dir>following|next|previous|preceding)\s+"
    r"(?P<u2>day|morning|afternoon|evening|night|month|year)")
_ABS_VALUE = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:T.*)?")


def _anaphoric(m: re.Match[str], before: list[Timex], anchor: str | None) -> tuple[str | None, str]:
    """'that day', 'the following year', 'the next morning': relative to the time the story
    last named (TimeML's anaphoric anchor), the document date when it named none."""
    unit = m.group("u1") or m.group("u2")
    step = {"following": 1, "next": 1, "previous": -1, "preceding": -1}.get(m.group("dir") or "", 0)
    if m.group("dir") == "next" and unit in ("month", "year"):
        # 'the next year' usually counts from the document date ('next year').
        return timex_value(m.group(0), anchor)
    need = 1 if unit == "year" else 2 if unit == "month" else 3
    ref: tuple[int, int, int] | None = None
    for t in reversed(before):
        v = _ABS_VALUE.fullmatch(t.value or "")
        if t.type in ("DATE", "TIME") and v and sum(g is not None for g in v.groups()) >= need:
            ref = (int(v.group(1)), int(v.group(2) or 1), int(v.group(3) or 1))
            break
    if ref is None:
        d = parse_anchor(anchor)
        if d is None:
            return None, "DATE"
        ref = (d.year, d.month, d.day)
    y, mo, dd = ref
    if unit == "year":
        return str(y + step), "DATE"
    if unit == "month":
        yy, mm = divmod(y * 12 + mo - 1 + step, 12)
        return f"{yy}-{mm + 1:02d}", "DATE"
    try:
        day = date(y, mo, dd) + timedelta(days=step)
    except ValueError:
        return None, "DATE"
    part = _PART_OF_DAY.get(unit)
    if part and unit not in ("morning", "night"):
        return f"{day.isoformat()}T{part}", "TIME"
    return day.isoformat(), "DATE"


def _not_a_time(text: str, s: int, e: int, kind: str) -> bool:
    """Numbers that only look temporal: fractions ('three-quarters of') and index levels ('2082.1')."""
    seg = text[s:e].lower()
    after = text[e:e + 30]
    if re.fullmatch(r"(?:(?:more|less) than |about |nearly |almost |roughly )?(?:a|one|three)"
                    r"[\s-]quarters?", seg) and (re.match(r"\s+of\b", after) or "-" in seg):
        return True
    return bool(re.fullmatch(r"\d{4}", seg) and re.match(r"\.\d", after))


def _split_range(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """'Oct. 15 and Nov. 1', '1990-1995', 'between 1990 and 1995' -> two spans when both ends parse."""
    seg = text[s:e]
    m = re.search(r"\s+of\s+", seg)
    if m:
        # 'the first nine months of 1997': a measure and the period it is taken from.
        a, b = seg[: m.start()], seg[m.end():]
        if re.match(r"PT?\d", timex_value(a, "2000-06-15")[0] or "") and timex_value(b, "2000-06-15")[0]:
            return [(s, s + m.start()), (s + m.end(), e)]
    for m in _RANGE_SPLIT.finditer(seg):
        a, b = seg[: m.start()], seg[m.end():]
        a_clean = _LEAD.sub("", a)
        if timex_value(a_clean, "2000-06-15")[0] and timex_value(b, "2000-06-15")[0]:
            return [(s, s + m.start()), (s + m.end(), e)]
    return [(s, e)]
