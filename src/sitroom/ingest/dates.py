"""Date normalisation: every reader funnels its raw date strings through here.

Why one place: feeds use RFC 2822, HTML uses ISO 8601 with time zones, JSONL
producers use whatever they like. Downstream code wants ``YYYY-MM-DD`` plus an
honest precision, and must never get "today" for a string like "yesterday".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_tz
from typing import Any

_MIN_YEAR, _MAX_YEAR = 1800, 2100
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
# Relative phrases make dateparser answer relative to *now*: refuse them.
_RELATIVE = re.compile(
    r"\b(ago|yesterday|today|tomorrow|now|last|next|this|hours?|minutes?|seconds?)\b", re.I
)


def _ok(y: int, m: int = 1, d: int = 1) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return _MIN_YEAR <= y <= _MAX_YEAR


def normalize_date(value: Any) -> tuple[str, str] | None:
    """Return ``(iso_date, precision)`` for a raw date value, or None.

    Precision is "day", "month" or "year" according to what the string states;
    the date part is taken as written (no time-zone shift), because the local
    calendar day is what the article reported.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        return (d.isoformat(), "day") if _ok(d.year) else None
    if isinstance(value, int | float):
        # Epoch seconds (or milliseconds) from JSON producers.
        ts = float(value)
        if ts > 1e11:
            ts /= 1000.0
        try:
            d = datetime.fromtimestamp(ts, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
        return (d.isoformat(), "day") if _ok(d.year) else None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 200:
        return None
    m = _ISO_DAY.match(s)
    if m:
        y, mo, dd = (int(g) for g in m.groups())
        return (f"{y:04d}-{mo:02d}-{dd:02d}", "day") if _ok(y, mo, dd) else None
    m = _ISO_MONTH.match(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return (f"{y:04d}-{mo:02d}-01", "month") if _ok(y, mo) else None
    m = _YEAR.match(s)
    if m:
        y = int(m.group(1))
        return (f"{y:04d}-01-01", "year") if _ok(y) else None
    tup = parsedate_tz(s)  # RFC 2822, as in RSS <pubDate>
    if tup is not None and tup[0] and tup[1] and tup[2]:
        y, mo, dd = tup[0], tup[1], tup[2]
        if _ok(y, mo, dd):
            return (f"{y:04d}-{mo:02d}-{dd:02d}", "day")
    if _RELATIVE.search(s) or not re.search(r"\d", s):
        return None
    return _dateparser(s)


def _dateparser(s: str) -> tuple[str, str] | None:
    """Fall back to dateparser for "8 January 2020", "Jan. 8, 2020", "08/01/2020" ..."""
    try:
        from dateparser.date import DateDataParser
    except ImportError:  # pragma: no cover - dependency is declared
        return None
    try:
        ddp = DateDataParser(
            languages=["en"],
            settings={
                "PREFER_DAY_OF_MONTH": "first",
                "PARSERS": ["custom-formats", "absolute-time"],
                "RETURN_AS_TIMEZONE_AWARE": False,
                "REQUIRE_PARTS": ["year"],
            },
        )
        data = ddp.get_date_data(s)
    except Exception:
        return None
    dt = data.date_obj if data else None
    if dt is None or not _ok(dt.year, dt.month, dt.day):
        return None
    period = data.period or "day"
    if period == "year":
        return (f"{dt.year:04d}-01-01", "year")
    if period == "month":
        return (f"{dt.year:04d}-{dt.month:02d}-01", "month")
    return (dt.date().isoformat(), "day")
