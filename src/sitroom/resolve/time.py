"""Normalise news time expressions against the article date, offline.

Rule-based on purpose: news uses a small, regular set of temporal phrases
("on Tuesday", "last month", "in June", "the 1980s"), and rules give
intervals with honest precision instead of a parser's guessed full date.
Usable on its own (no spaCy), e.g. for a TimeML evaluation via :func:`to_timex`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sitroom.records import Evidence, TimeRef

__all__ = ["resolve_time", "to_timex", "from_timex", "is_relative"]

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9

WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(calendar.day_name):
    WEEKDAYS[_name.lower()] = _i
    WEEKDAYS[_name[:3].lower()] = _i
for _abbr, _i in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
    WEEKDAYS[_abbr] = _i

# Season -> (start month, end month); winter starts in December of the named year.
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2),
}

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": 3, "a few": 3, "few": 3, "a couple of": 2, "couple of": 2,
}

DECADE_WORDS: dict[str, int] = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90,
}

# Phrases that measure a span rather than name one: never a point in time.
_DURATION = re.compile(
    r"\b(decades?|years?|months?|weeks?|days?|hours?|centur(?:y|ies))[- ]long\b"
    r"|^(?:for|over|during|within|in)?\s*(?:the\s+)?(?:past|last|next|coming)?\s*"
    r"(?:\d+|[a-z]+|a few|several)\s+(?:decades|years|months|weeks|days|hours|minutes)$"
    r"|^(?:for\s+)?(?:decades|years|months|weeks|days|hours)$"
)

_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(1[0-9]{3}|20[0-9]{2}|21[0-9]{2})"
_WEEKDAY_RE = (
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)"
)
_PART = r"(early|mid|middle|late|the end of|end of|the beginning of|beginning of|the start of|start of)"

_ISO = re.compile(r"\b" + _YEAR_RE + r"-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"^" + _YEAR_RE + r"-(\d{2})$")
_MDY = re.compile(r"\b" + _MONTH_RE + r"\.?\s+" + _DAY_RE + r"\b(?:,?\s*" + _YEAR_RE + r"\b)?")
_DMY = re.compile(r"\b" + _DAY_RE + r"\s+(?:of\s+)?" + _MONTH_RE + r"\b\.?(?:,?\s*" + _YEAR_RE + r"\b)?")
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_MONTH_YEAR = re.compile(r"\b(?:" + _PART + r"[\s-]+)?" + _MONTH_RE + r"\b\.?(?:,?\s*(?:of\s+)?" + _YEAR_RE + r"\b)?")
_SEASON = re.compile(
    r"\b(?:(last|this|next|past|previous|coming)\s+)?(?:" + _PART + r"[\s-]+)?"
    r"(spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?'?" + _YEAR_RE + r")?"
)
_DECADE = re.compile(r"\b(?:" + _PART + r"[\s-]+)?(?:the\s+)?(1[0-9]{2}0|20[0-9]0)'?s\b")
_SHORT_DECADE = re.compile(r"(?:" + _PART + r"[\s-]+)?(?:the\s+)?['’](\d)0s\b")
_WORD_DECADE = re.compile(
    r"\b(?:" + _PART + r"[\s-]+)?the\s+(?:(19|20)(\d0)s|(" + "|".join(DECADE_WORDS) + r"))\b"
)
_CENTURY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)[\s-]+century\b")
_YEAR = re.compile(r"(?:\b" + _PART + r"[\s-]+)?(?<![\d$£€.,])\b" + _YEAR_RE + r"\b(?![\d%]|\s*(?:people|troops|dollars|km|miles))")
_AGO = re.compile(r"\b(\d+|[a-z]+(?: few| couple of)?)\s+(day|week|month|year|decade)s?\s+(?:ago|earlier|before)\b")
_WEEKDAY = re.compile(r"\b(?:(last|this|next|past|previous|coming)\s+)?" + _WEEKDAY_RE + r"\b\.?")
_QUARTER = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th|q1|q2|q3|q4)\s*(?:quarter\s*)?(?:of\s+)?" + _YEAR_RE)

_QUARTERS = {"first": 1, "1st": 1, "q1": 1, "second": 2, "2nd": 2, "q2": 2, "third": 3, "3rd": 3,
             "q3": 3, "fourth": 4, "4th": 4, "q4": 4}
_BARE_QUARTER = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter\b")
_REL_UNIT = re.compile(
    r"\b(last|this|next|past|previous|coming|earlier this|later this|so far this|"
    r"the previous|the past|the following)\s+(week|weekend|month|year)\b"
)
_DAY_WORDS = re.compile(
    r"\b(today|tonight|yesterday|tomorrow|overnight|this (?:morning|afternoon|evening)|"
    r"last (?:night|evening)|earlier today|later today|the day before yesterday|"
    r"the day after tomorrow)\b"
)
_VAGUE = re.compile(
    r"^(?:now|recently|currently|at present|presently|the past|the future|once|then|"
    r"at the time|at that time|the time|lately|previously|formerly|soon|later|earlier)$"
)


@dataclass(frozen=True)
class _Span:
    """A resolved interval before it becomes a TimeRef."""

    start: date
    end: date
    precision: str


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int) -> _Span:
    return _Span(date(year, month, 1), _month_end(year, month), "month")


def _part_of_month(year: int, month: int, part: str | None) -> _Span:
    """'early/mid/late June' narrows the month but keeps month precision."""
    span = _month_span(year, month)
    if not part:
        return span
    if part.startswith("early") or "beginning" in part or "start" in part:
        return _Span(span.start, date(year, month, 10), "month")
    if part.startswith("mid"):
        return _Span(date(year, month, 11), date(year, month, 20), "month")
    return _Span(date(year, month, 21), span.end, "month")


def _part_of_range(first: int, last: int, part: str | None) -> tuple[int, int]:
    """Narrow an inclusive integer range (months of a year, years of a decade) by 'early/mid/late'."""
    if not part:
        return first, last
    n = last - first + 1
    third = max(1, n // 3)
    if part.startswith("early") or "beginning" in part or "start" in part:
        return first, first + third - 1 + (1 if n % 3 == 2 else 0)
    if part.startswith("mid"):
        return first + third, last - third
    return last - third + 1 - (1 if n % 3 == 2 else 0), last


def _is_early(part: str) -> bool:
    return part.startswith("early") or "beginning" in part or "start" in part


def _year_span(year: int, part: str | None = None) -> _Span:
    """A year, narrowed to Jan-Apr / May-Aug / Sep-Dec by early/mid/late."""
    first, last = 1, 12
    if part:
        first, last = (1, 4) if _is_early(part) else (5, 8) if part.startswith("mid") else (9, 12)
    return _Span(date(year, first, 1), _month_end(year, last), "year")


def _decade_span(start_year: int, part: str | None = None) -> _Span:
    """A decade, narrowed to years 0-3 / 4-6 / 7-9 by early/mid/late."""
    first, last = start_year, start_year + 9
    if part:
        first, last = ((start_year, start_year + 3) if _is_early(part) else
                       (start_year + 4, start_year + 6) if part.startswith("mid") else
                       (start_year + 7, start_year + 9))
    return _Span(date(first, 1, 1), date(last, 12, 31), "decade")


def _season_span(year: int, season: str) -> _Span:
    first, last = SEASONS[season]
    if first > last:  # winter: December .. February of the next year
        return _Span(date(year, first, 1), _month_end(year + 1, last), "season")
    return _Span(date(year, first, 1), _month_end(year, last), "season")


def _week_span(day: date) -> _Span:
    monday = day - timedelta(days=day.weekday())
    return _Span(monday, monday + timedelta(days=6), "week")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _add_months(d: date, months: int) -> date:
    idx = d.year * 12 + d.month - 1 + months
    y, m = divmod(idx, 12)
    return date(y, m + 1, 1)


def parse_anchor(anchor: str | None) -> date | None:
    """The day an ISO date or timestamp names, or None for anything else."""
    if not anchor:
        return None
    try:
        return date.fromisoformat(anchor[:10])
    except ValueError:
        return None


def _clean(text: str) -> str:
    t = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    t = re.sub(r"\s+", " ", t).strip(" .,;:()[]\"")
    return t


def _absolute(t: str, ref: date | None) -> _Span | None:
    """Expressions that carry their own year (a year-less day/month uses ``ref``)."""
    m = _ISO.search(t)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _Span(d, d, "day") if d else None
    m = _ISO_MONTH.search(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return _month_span(int(m.group(1)), int(m.group(2)))
    m = _NUMERIC.search(t)
    if m:
        year = int(m.group(3))
        year = year + 2000 if year < 50 else year + 1900 if year < 100 else year
        d = _safe_date(year, int(m.group(1)), int(m.group(2))) or _safe_date(
            year, int(m.group(2)), int(m.group(1)))
        return _Span(d, d, "day") if d else None
    for rx, mi, di in ((_MDY, 1, 2), (_DMY, 2, 1)):
        m = rx.search(t)
        if not m:
            continue
        month = MONTHS.get(m.group(mi).rstrip("."))
        day = int(m.group(di))
        if month is None or not 1 <= day <= 31:
            continue
        if m.group(3):
            d = _safe_date(int(m.group(3)), month, day)
            return _Span(d, d, "day") if d else None
        if ref is None:
            return None
        # Year-less date: this year unless that is more than a month ahead of the anchor.
        d = _safe_date(ref.year, month, day)
        if d is None or d > ref + timedelta(days=31):
            d = _safe_date(ref.year - 1, month, day)
        return _Span(d, d, "day") if d else None
    m = _QUARTER.search(t)
    if m:
        q = _QUARTERS[m.group(1)]
        year = int(m.group(2))
        return _Span(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "season")
    return None


def _month_phrase(t: str, ref: date | None) -> _Span | None:
    for m in _MONTH_YEAR.finditer(t):
        word = m.group(2)
        # "may" and "march" are also verbs; require a cue when they stand alone.
        if word in ("may", "march", "mar") and not m.group(3) and not re.search(
            r"\b(in|since|until|by|early|mid|late|last|this|next|of|during|from)\s+" + word + r"\b",
            t,
        ) and t != word:
            continue
        month = MONTHS[word]
        part = m.group(1)
        if m.group(3):
            return _part_of_month(int(m.group(3)), month, part)
        if ref is None:
            return None
        before = t[: m.start()]
        year = ref.year
        if re.search(r"\bnext\s*$", before):
            year = ref.year if month > ref.month else ref.year + 1
        elif re.search(r"\bthis\s*$", before):
            year = ref.year
        elif month > ref.month or (re.search(r"\b(last|past|previous)\s*$", before) and month == ref.month):
            year = ref.year - 1
        return _part_of_month(year, month, part)
    return None


def _season_phrase(t: str, ref: date | None) -> _Span | None:
    m = _SEASON.search(t)
    if not m:
        return None
    which, part, season, year_s = m.group(1), m.group(2), m.group(3), m.group(4)
    if year_s:
        span = _season_span(int(year_s), season)
    else:
        if ref is None:
            return None
        year = ref.year
        span = _season_span(year, season)
        while span.start > ref:
            year -= 1
            span = _season_span(year, season)
        if which == "this" and ref.year > span.start.year and season != "winter":
            span = _season_span(ref.year, season)  # "this summer" said in spring: the coming one
        elif which in ("last", "past", "previous") and span.start <= ref <= span.end:
            span = _season_span(year - 1, season)
        elif which in ("next", "coming"):
            span = _season_span(year + 1, season)
    if part:
        months = (span.end.year * 12 + span.end.month) - (span.start.year * 12 + span.start.month)
        first, last = _part_of_range(0, months, part)
        span = _Span(_add_months(span.start, first),
                     _add_months(span.start, last + 1) - timedelta(days=1), "season")
    return span


def _relative(t: str, ref: date) -> _Span | None:
    """Expressions that only mean something relative to the anchor date."""
    m = _BARE_QUARTER.search(t)
    if m:
        q = _QUARTERS[m.group(1)]
        year = ref.year if 3 * q - 2 <= ref.month else ref.year - 1
        return _Span(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "season")
    m = _DAY_WORDS.search(t)
    if m:
        w = m.group(1)
        offset = 0
        if w in ("yesterday", "last night", "last evening"):
            offset = -1
        elif w == "overnight":
            offset = -1 if "last" in t else 0
        elif w == "tomorrow":
            offset = 1
        elif w == "the day before yesterday":
            offset = -2
        elif w == "the day after tomorrow":
            offset = 2
        d = ref + timedelta(days=offset)
        return _Span(d, d, "day")
    m = _AGO.search(t)
    if m:
        n = _number(m.group(1).replace("a few", "few"))
        unit = m.group(2)
        if n is None:
            return None
        if unit == "day":
            d = ref - timedelta(days=n)
            return _Span(d, d, "day")
        if unit == "week":
            return _week_span(ref - timedelta(weeks=n))
        if unit == "month":
            first = _add_months(ref, -n)
            return _month_span(first.year, first.month)
        if unit == "year":
            return _year_span(ref.year - n)
        return _decade_span((ref.year - 10 * n) // 10 * 10)
    m = _REL_UNIT.search(t)
    if m:
        which, unit = m.group(1), m.group(2)
        step = -1 if which in ("last", "past", "previous", "the previous", "the past") else (
            1 if which in ("next", "coming", "the following") else 0)
        if unit == "week":
            return _week_span(ref + timedelta(weeks=step))
        if unit == "weekend":
            # The most recent Saturday-Sunday (the coming one for "next").
            sat = ref - timedelta(days=(ref.weekday() - 5) % 7)
            if step > 0:
                sat = ref + timedelta(days=(5 - ref.weekday()) % 7 or 7)
            return _Span(sat, sat + timedelta(days=1), "week")
        if unit == "month":
            first = _add_months(ref, step)
            return _month_span(first.year, first.month)
        return _year_span(ref.year + step)
    if re.search(r"\b(over|during|at|on) the weekend\b|^(the )?weekend$", t):
        sat = ref - timedelta(days=(ref.weekday() - 5) % 7)
        return _Span(sat, sat + timedelta(days=1), "week")
    m = _WEEKDAY.search(t)
    if m:
        which, wd = m.group(1), WEEKDAYS.get(m.group(2).rstrip("."))
        if wd is None or (m.group(2) in ("sun", "sat", "mon", "wed", "fri") and t != m.group(2)
                          and not re.search(r"\b(on|last|this|next|since|by|until)\s+" + m.group(2) + r"\b", t)):
            return None
        if which in ("next", "coming"):
            d = ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)
        else:
            back = (ref.weekday() - wd) % 7
            if which in ("last", "past", "previous") and back == 0:
                back = 7
            d = ref - timedelta(days=back)
        return _Span(d, d, "day")
    return None


def is_relative(text: str) -> bool:
    """Whether ``text`` needs an anchor to mean anything (weekday, 'last week', 'in June' ...)."""
    t = _clean(text)
    if _absolute(t, None) or _explicit_year(t):
        return False
    far = date(2000, 6, 15)
    return (_relative(t, far) or _month_phrase(t, far) or _season_phrase(t, far)) is not None


def _explicit_year(t: str) -> _Span | None:
    m = _CENTURY.search(t)
    if m:
        c = int(m.group(1))
        return _Span(date(max(1, (c - 1) * 100), 1, 1), date(c * 100 - 1, 12, 31), "decade")
    m = _DECADE.search(t)
    if m:
        return _decade_span(int(m.group(2)), m.group(1))
    m = _WORD_DECADE.search(t)
    if m:
        if m.group(2):
            return _decade_span(int(m.group(2) + m.group(3)[0]) * 10, m.group(1))
        return _decade_span(1900 + DECADE_WORDS[m.group(4)], m.group(1))
    m = _SHORT_DECADE.search(t)
    if m:
        dec = int(m.group(2)) * 10
        return _decade_span(1900 + dec if dec >= 30 else 2000 + dec, m.group(1))
    m = _YEAR.search(t)
    if m:
        return _year_span(int(m.group(2)), m.group(1))
    return None


def _turn_of_century(t: str, ref: date | None) -> _Span | None:
    if "turn of the century" not in t and "turn of the millennium" not in t:
        return None
    m = re.search(r"\b(1[0-9]|20)(?:th)?\b", t)
    century = (int(m.group(1)) * 100 if m else round(ref.year / 100) * 100 if ref else 2000)
    return _Span(date(century - 3, 1, 1), date(century + 2, 12, 31), "decade")


def _resolve_span(t: str, ref: date | None) -> _Span | None:
    if not t or _VAGUE.match(t) or _DURATION.search(t):
        return None
    span = _turn_of_century(t, ref)
    if span:
        return span
    span = _absolute(t, ref)
    if span:
        return span
    if _absolute(t, date(2000, 6, 15)):
        return None  # a year-less explicit date with no anchor
    # A month/season with its own year is absolute; without one it needs the anchor.
    span = _month_phrase(t, ref) or _season_phrase(t, ref)
    if span:
        return span
    if ref is not None:
        span = _relative(t, ref)
        if span:
            return span
    elif _relative(t, date(2000, 6, 15)):
        return None  # relative, and we do not know to what
    return _explicit_year(t)


def resolve_time(text: str, anchor: str | None, anchor_precision: str = "day") -> TimeRef:
    """Resolve ``text`` against ``anchor`` (ISO date of the article) into a TimeRef.

    The interval is as wide as the text warrants: a month stays a month, never a
    guessed day. Relative phrases need a trustworthy anchor; with an unknown one
    they stay unresolved rather than being pinned to a file date.
    """
    ref = None if anchor_precision == "unknown" else parse_anchor(anchor)
    try:
        span = _resolve_span(_clean(text), ref)
    except (ValueError, OverflowError, KeyError):
        span = None
    if span is None:
        return TimeRef(text=text, value=None, end=None, precision="unknown")
    return TimeRef(text=text, value=span.start.isoformat(), end=span.end.isoformat(),
                   precision=span.precision)


def with_evidence(ref: TimeRef, evidence: Evidence | None) -> TimeRef:
    """Attach evidence to a resolved TimeRef (kept separate so resolve_time stays pure)."""
    ref.evidence = evidence
    return ref


_SEASON_CODE = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}


def to_timex(ref: TimeRef) -> str | None:
    """Render a TimeRef as a TimeML/TIMEX3 ``value`` (2020-01-07, 2020-01, 2020-W02, 198, 2020-SU)."""
    if not ref.value:
        return None
    start = date.fromisoformat(ref.value)
    p = ref.precision
    if p in ("day", "reported"):
        return start.isoformat()
    if p == "week":
        y, w, _ = start.isocalendar()
        return f"{y}-W{w:02d}"
    if p == "month":
        return f"{start.year}-{start.month:02d}"
    if p == "season":
        code = _SEASON_CODE.get(start.month)
        return f"{start.year}-{code}" if code else f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if p == "year":
        return str(start.year)
    if p == "decade":
        end = date.fromisoformat(ref.end) if ref.end else start
        if end.year - start.year >= 90:
            return str(start.year // 100).zfill(2)
        return str(start.year // 10)
    return None


_TIMEX_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T.*)?")
_TIMEX_WEEK = re.compile(r"(\d{4})-W(\d\d)(-WE)?")
_TIMEX_MONTH = re.compile(r"(\d{4})-(\d\d)")
_TIMEX_PART = re.compile(r"(\d{4})-(SP|SU|FA|WI|Q[1-4]|H[12])")
_TIMEX_YEAR = re.compile(r"(\d{4})")
_TIMEX_DECADE = re.compile(r"(\d{3})X?")
_TIMEX_CENTURY = re.compile(r"(\d{2})X?X?")
_SEASON_MONTH = {v: k for k, v in _SEASON_CODE.items()}


def _timex_span(value: str) -> _Span | None:
    m = _TIMEX_DAY.fullmatch(value)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _Span(d, d, "day") if d else None
    m = _TIMEX_WEEK.fullmatch(value)
    if m:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        if m.group(3):  # the weekend of that week, as resolve_time gives "the weekend"
            return _Span(monday + timedelta(days=5), monday + timedelta(days=6), "week")
        return _week_span(monday)
    m = _TIMEX_MONTH.fullmatch(value)
    if m:
        return _month_span(int(m.group(1)), int(m.group(2))) if 1 <= int(m.group(2)) <= 12 else None
    m = _TIMEX_PART.fullmatch(value)
    if m:
        year, code = int(m.group(1)), m.group(2)
        if code in _SEASON_MONTH:
            season = next(k for k, v in SEASONS.items() if v[0] == _SEASON_MONTH[code])
            return _season_span(year, season)
        if code[0] == "Q":
            q = int(code[1])
            return _Span(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "season")
        first = 1 if code == "H1" else 7
        return _Span(date(year, first, 1), _month_end(year, first + 5), "year")
    m = _TIMEX_YEAR.fullmatch(value)
    if m:
        return _year_span(int(value)) if int(value) > 0 else None
    m = _TIMEX_DECADE.fullmatch(value)
    if m:
        return _decade_span(int(m.group(1)) * 10) if int(m.group(1)) > 0 else None
    m = _TIMEX_CENTURY.fullmatch(value)
    if m:
        c = int(m.group(1))
        return _Span(date(max(1, c * 100), 1, 1), date(c * 100 + 99, 12, 31), "decade")
    return None


def from_timex(value: str | None, text: str = "") -> TimeRef:
    """The TimeRef a TIMEX3 ``value`` names: the inverse of :func:`to_timex`.

    Why: events are dated by the same normaliser the TempEval evaluation measures, so
    its values must become intervals with honest precision. Only calendar dates name
    an event's time: durations (P3Y), sets, PAST_REF/PRESENT_REF/FUTURE_REF and
    underspecified values (XXXX-XX-05) give an unresolved TimeRef.
    """
    try:
        span = _timex_span(value) if value else None
    except (ValueError, OverflowError):
        span = None
    if span is None:
        return TimeRef(text=text, value=None, end=None, precision="unknown")
    return TimeRef(text=text, value=span.start.isoformat(), end=span.end.isoformat(),
                   precision=span.precision)
