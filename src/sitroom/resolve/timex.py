"""TIMEX3 recognition and normalisation (TimeML conventions), anchored at the document date.

Why rules around spaCy: spaCy's DATE/TIME entities find most expressions but
with the wrong extents for TimeML (leading prepositions, ranges as one span) and
miss the vague ones ("now", "recently", "every week"); TimeML values
(P3Y, 1998-W33, 1989-Q3, PRESENT_REF) need rules either way. The calendar
arithmetic is shared with :mod:`sitroom.resolve.time`.
"""

from __future__ import annotations

import re
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
    r"^(?:(?:in|on|at|for|since|until|till|by|from|to|during|within|over|through|throughout|"
    r"after|before|of|between|around|until|as of|into|starting|beginning|ending|and|or|"
    r"than|with|per|the\s+(?=\d{4}\b))\s+)+", re.I)
_TRAIL = re.compile(r"(?:'s|’s|[\s,.;:)\"'`-])+$")
_PRESENT = re.compile(r"^(?:now|right now|currently|current|at present|presently|the present|"
                      r"present|these days|nowadays|today's|already|at the moment)$")
_PAST = re.compile(r"^(?:recently|the past|past|lately|previously|formerly|once|earlier|"
                   r"recent (?:times|weeks and months)|the recent past|"
                   r"past (?:years|decades|months)|in the past|years ago|long ago)$")
_FUTURE = re.compile(r"^(?:soon|the future|future|the near future|the coming (?:years|months)|"
                     r"shortly|later|someday|eventually)$")
_SET = re.compile(
    r"^(?:(?:every|each|per)\s+(?:(other|single)\s+)?(\w+)|(daily|weekly|monthly|annually|"
    r"yearly|hourly|nightly|quarterly|biweekly|annual))$")
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
_QN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


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
    t = re.sub(r"^(?:about|around|approximately|roughly|nearly|almost|some|more than|"
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
    m = _QUARTER.match(re.sub(r"\b(?:comparable\s+|same\s+)?(?:year-ago|year-earlier|prior-year)\s+"
                              r"(?=(?:\w+[\s-]+)?quarter)", "", t))
    if m:
        qv = _quarter_value(m, ref)
        if qv and re.search(r"\b(?:year-ago|year-earlier|prior-year)\s+(?:\w+[\s-]+)?quarter", t):
            qv = f"{int(qv[:4]) - 1}{qv[4:]}"
        return qv, "DATE"
    # Durations: "three years", "10-hour", "the last two months", "years".
    m = re.fullmatch(r"(?:the\s+|a\s+(?=\d))?(?:(?:last|past|next|previous|first|final|"
                     r"coming|following|recent|same|whole|entire|full)\s+)?(" + _NUM + r")[\s-]+(?:(?:full|more|"
                     r"calendar|straight|consecutive|long)\s+)?(" + _UNIT + r")(?:[\s-]+(?:long|old|"
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
        v = _relative_value(t, ref) or _month_value(t, ref, tense)
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
    year = min(options, key=lambda o: (abs(o[0] - here), o[0] > here))[1]
    if t.startswith("last ") and year == ref.year and month == ref.month:
        year -= 1
    if m.group(3):
        day = int(m.group(3))
        if not 1 <= day <= 31:
            return None
        return f"{year}-{month:02d}-{day:02d}", "DATE"
    return f"{year}-{month:02d}", "DATE"


def _relative_value(t: str, ref: date) -> tuple[str | None, str] | None:
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
        if part and m.group(1) != "last":
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
    if t in ("the weekend", "this weekend", "the week-end"):
        return f"{_week(ref)}-WE", "DATE"
    if t in ("next year", "the next year"):
        return str(ref.year + 1), "DATE"
    if re.fullmatch(r"year-end|the end of the year|the end of this year|the year-end", t):
        return str(ref.year), "DATE"
    m = re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[\s-]+)?(\d{3})0'?s", t)
    if m:
        return m.group(2) + "X", "DATE"
    return None


_SPAN_RE = re.compile(
    r"\b(?:(?:every|each)\s+(?:other\s+)?(?:day|week|month|year|quarter|morning|night|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|summer|winter)|"
    r"daily|weekly|hourly|yearly|nightly|"
    r"now|currently|recently|nowadays|these days|lately|at present|presently|"
    r"the\s+(?:near\s+)?future|"
    r"(?:in\s+)?the past(?!\s+(?:" + _NUM + r"\s+)?" + _UNIT + r")|"
    r"(?:more than |less than |about |nearly |almost |at least |some |the (?:past|last|next|first|"
    r"previous|coming|following) )?" + _NUM + r"[\s-]+(?:full\s+)?" + _UNIT +
    r"(?![-\s]olds?\b|-(?!long\b)\w)(?:-long)?|"
    r"(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter|"
    r"(?:\d{1,2}(?::\d{2})?\s*[ap]\.m\.?)|"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?nineteen[\s-]+(?:"
    + "|".join(_TENS) + r")(?:[\s-]+(?:" + "|".join(_ONES) + r"))?|"
    r"(?<![$\d.,])(?:19|20)\d\d(?![\d%]|\s*(?:people|troops|dollars|km|miles)))\b", re.I)


_MODIFIER = re.compile(
    r"^(?:(?:about|around|approximately|roughly|nearly|almost|only|just|both|some|sometime|"
    r"an?(?=\s+(?:\w+\.?\s+\d|\d|first|second|third|fourth|\w+-quarter))|"
    r"the(?=\s+(?:[A-Z][a-z]{2,3}\.?\s+\d|\d|(?:first|second|third|fourth)-quarter|past \d))|"
    r"(?:earlier|later)(?=\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tonight|this|that)))\s+)+", re.I)


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a candidate to TimeML extent: no leading prepositions, no trailing punctuation."""
    seg = text[start:end]
    for rx in (_LEAD, _MODIFIER, _LEAD):
        m = rx.match(seg)
        if m:
            start += m.end()
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
    r"\d+ years? old|the years?|.*\byear[- ]olds?|soon|noon|midnight|years|months|decades|weeks)$",
    re.I)


def _tense(doc: Any, start: int, end: int) -> str:
    """'future', 'past' or '' for the clause around an expression ('will meet on Tuesday')."""
    if doc is None:
        return ""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    head = span.root.head
    while head.dep_ in ("prep", "pobj", "npadvmod", "compound", "amod") and head.head is not head:
        head = head.head
    toks = [*head.children, head]
    if any(t.lower_ in ("will", "'ll", "wo", "shall") for t in toks):
        return "future"
    if head.tag_ == "VB" and any(t.lower_ == "to" for t in head.children):
        return "future"
    if any(t.lemma_ in ("plan", "schedule", "expect", "due") for t in (head, head.head)):
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


def find_timexes(source: Any, anchor: str | None) -> list[Timex]:
    """TIMEX3 candidates in ``source`` (a spaCy Doc, or plain text: then regexes only).

    Spans follow TimeML: leading prepositions dropped, modifiers ("about", "the last")
    kept, ranges split into their two ends; each gets a value relative to ``anchor``.
    """
    doc = None if isinstance(source, str) else source
    text = source if isinstance(source, str) else source.text
    cands: list[tuple[int, int]] = []
    if doc is not None:
        for ent in doc.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            s, e = ent.start_char, ent.end_char
            parts = _split_range(text, s, e)
            cands.extend(parts)
    else:
        from sitroom.resolve.time import _DAY_WORDS, _MDY, _WEEKDAY, _YEAR

        for rx in (_MDY, _WEEKDAY, _DAY_WORDS, _YEAR):
            for m in rx.finditer(text.lower()):
                cands.append((m.start(), m.end()))
    for m in _SPAN_RE.finditer(text):
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
    fiscal = bool(re.search(r"\bquarter\b", text, re.I))
    out: list[Timex] = []
    for s, e in sorted(taken):
        seg = text[s:e]
        value, kind = timex_value(seg, anchor, tense=_tense(doc, s, e), fiscal=fiscal)
        if value is None and not re.search(r"[a-z]", seg.lower()):
            continue
        if value is None:
            continue
        out.append(Timex(s, e, value, kind))
    return out


def _split_range(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """'Oct. 15 and Nov. 1', '1990-1995', 'between 1990 and 1995' -> two spans when both ends parse."""
    seg = text[s:e]
    for m in _RANGE_SPLIT.finditer(seg):
        a, b = seg[: m.start()], seg[m.end():]
        a_clean = _LEAD.sub("", a)
        if timex_value(a_clean, "2000-06-15")[0] and timex_value(b, "2000-06-15")[0]:
            return [(s, s + m.start()), (s + m.end(), e)]
    return [(s, e)]
