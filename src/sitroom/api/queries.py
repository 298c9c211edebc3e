"""Server-side filtering, sorting, keyset pagination and aggregates over ``events``.

The Store's :class:`~sitroom.store.EventQuery` has no bbox, mode, sort or
cursor, and loads whole records; the API needs all of those on 100k events,
so it builds SQL against the store's indexed columns here, read-only. Every
parameter is validated into an :class:`EventFilter` first, so bad input is a
4xx with a message, never a 500.
"""

from __future__ import annotations

import base64
import calendar
import json
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitroom.records import EVENT_TYPES, QUAD_CLASS
from sitroom.store import EventQuery, event_where

from .errors import ApiError

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_TEXT = 200
QUAD_ORDER = ("verbal_coop", "material_coop", "verbal_conflict", "material_conflict")

# Goldstein-like weights per PLOVER type: positive co-operation, negative
# conflict. Only the sign and rough order matter for the intensity line.
INTENSITY_WEIGHT: dict[str, float] = {
    "AGREE": 3.0, "CONSULT": 1.0, "SUPPORT": 3.0, "CONCEDE": 4.0,
    "COOPERATE": 6.0, "AID": 7.0, "RETREAT": 5.0,
    "REQUEST": -1.0, "ACCUSE": -2.0, "REJECT": -4.0, "THREATEN": -6.0,
    "SANCTION": -7.0, "PROTEST": -5.0, "MOBILIZE": -7.0, "COERCE": -8.0, "ASSAULT": -10.0,
}

_ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_COUNTRY_RE = re.compile(r"^[A-Za-z]{3}$")
_MODE_RE = re.compile(r"^[\w\- ]{1,40}$")


@dataclass(frozen=True)
class EventFilter:
    """A validated filter; the same one drives list, map, stats and exports."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    actor: str | None = None
    event_type: str | None = None
    mode: str | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    min_sources: int = 0
    background: bool = True
    event_ids: tuple[str, ...] | None = None   # a story's events


def _bad(param: str, message: str) -> ApiError:
    return ApiError(400, f"{param}: {message}", "invalid_parameter", {"param": param})


def parse_date(value: str | None, param: str, end: bool) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD to a full ISO day (the first or last day of the span)."""
    if value is None or value.strip() == "":
        return None
    m = _ISO_RE.match(value.strip())
    if not m:
        raise _bad(param, "expected a date as YYYY-MM-DD (or YYYY-MM, YYYY)")
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if m.group(3):
        d = int(m.group(3))
    else:
        d = calendar.monthrange(y, mo)[1] if end and 1 <= mo <= 12 else 1
    try:
        return date(y, mo, d).isoformat() if y >= 1 else None
    except ValueError:
        raise _bad(param, f"{value!r} is not a calendar date") from None


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """minlon,minlat,maxlon,maxlat; minlon > maxlon means the box crosses the antimeridian."""
    if value is None or value.strip() == "":
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise _bad("bbox", "expected four numbers: minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise _bad("bbox", "expected four numbers: minlon,minlat,maxlon,maxlat") from None
    for v in (minlon, minlat, maxlon, maxlat):
        if v != v or v in (float("inf"), float("-inf")):
            raise _bad("bbox", "coordinates must be finite numbers")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise _bad("bbox", "longitudes must lie in [-180, 180]")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise _bad("bbox", "latitudes must lie in [-90, 90]")
    if minlat > maxlat:
        raise _bad("bbox", "minlat is greater than maxlat")
    return (minlon, minlat, maxlon, maxlat)


def _short_text(value: str | None, param: str) -> str | None:
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if len(v) > MAX_TEXT:
        raise _bad(param, f"at most {MAX_TEXT} characters")
    return v


def parse_filter(
    since: str | None = None, until: str | None = None, country: str | None = None,
    actor: str | None = None, type: str | None = None, mode: str | None = None,  # noqa: A002
    place: str | None = None, bbox: str | None = None, text: str | None = None,
    min_sources: str | int | None = None, background: str | bool | None = None,
) -> EventFilter:
    """Validate raw query strings into an :class:`EventFilter` (4xx on any bad value)."""
    s = parse_date(since, "since", end=False)
    u = parse_date(until, "until", end=True)
    if s and u and s > u:
        raise _bad("since", "since is after until")
    c = _short_text(country, "country")
    if c is not None:
        if not _COUNTRY_RE.match(c):
            raise _bad("country", "expected an ISO-3166 alpha-3 code such as IRN (or IGO)")
        c = c.upper()
    t = _short_text(type, "type")
    if t is not None:
        t = t.upper()
        if t not in EVENT_TYPES:
            raise ApiError(400, f"type: unknown PLOVER event type {t[:40]!r}", "invalid_parameter",
                           {"param": "type", "allowed": list(EVENT_TYPES)})
    md = _short_text(mode, "mode")
    if md is not None and not _MODE_RE.match(md):
        raise _bad("mode", "expected a PLOVER mode name such as 'missile'")
    ms = 0
    if min_sources not in (None, ""):
        try:
            ms = int(min_sources)
        except (TypeError, ValueError):
            raise _bad("min_sources", "expected a whole number") from None
        if not 0 <= ms <= 100_000:
            raise _bad("min_sources", "must be between 0 and 100000")
    bg = True
    if isinstance(background, bool):
        bg = background
    elif background not in (None, ""):
        b = str(background).strip().lower()
        if b in ("1", "true", "yes", "on"):
            bg = True
        elif b in ("0", "false", "no", "off"):
            bg = False
        else:
            raise _bad("background", "expected true or false")
    return EventFilter(
        since=s, until=u, country=c, actor=_short_text(actor, "actor"), event_type=t,
        mode=md.lower() if md else None, place=_short_text(place, "place"), bbox=parse_bbox(bbox),
        text=_short_text(text, "text"), min_sources=ms, background=bg,
    )


def parse_limit(value: str | int | None, maximum: int = MAX_LIMIT, default: int = DEFAULT_LIMIT) -> int:
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise _bad("limit", "expected a whole number") from None
    if not 1 <= n <= maximum:
        raise _bad("limit", f"must be between 1 and {maximum}")
    return n


def where_clause(f: EventFilter) -> tuple[str, list[Any]]:
    """SQL WHERE (with leading ' WHERE ' or empty) and its arguments: the store's own."""
    return event_where(EventQuery(
        since=f.since, until=f.until, country=f.country, actor=f.actor,
        event_type=f.event_type, mode=f.mode, place=f.place, bbox=f.bbox, text=f.text,
        include_background=f.background, min_sources=f.min_sources, event_ids=f.event_ids,
    ))


# --------------------------------------------------------------- sorting
# Each sort is a tuple of key expressions (all NOT NULL) plus a direction, so
# keyset pagination compares row values: (k1, k2, id) > (?, ?, ?).
SORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "date": (("COALESCE(date, '~')", "id"), "ASC"),      # undated last
    "-date": (("COALESCE(date, '')", "id"), "DESC"),     # undated last
    "sources": (("n_sources", "COALESCE(date, '')", "id"), "ASC"),
    "-sources": (("n_sources", "COALESCE(date, '')", "id"), "DESC"),
}


def parse_sort(value: str | None) -> str:
    s = (value or "date").strip()
    if s not in SORTS:
        raise ApiError(400, "sort: expected one of date, -date, sources, -sources",
                       "invalid_parameter", {"param": "sort", "allowed": list(SORTS)})
    return s


def encode_cursor(sort: str, key: list[Any]) -> str:
    raw = json.dumps({"s": sort, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, sort: str) -> list[Any] | None:
    """The last row's sort key, or a 400 if the cursor is not one we issued for this sort."""
    if cursor in (None, ""):
        return None
    assert cursor is not None
    bad = ApiError(400, "cursor: not a valid cursor for this query (start again without it)",
                   "invalid_cursor", {"param": "cursor"})
    if len(cursor) > 2000:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        obj = json.loads(raw)
    except (ValueError, TypeError):
        raise bad from None
    if not isinstance(obj, dict) or obj.get("s") != sort:
        raise bad
    key = obj.get("k")
    exprs = SORTS[sort][0]
    if not isinstance(key, list) or len(key) != len(exprs):
        raise bad
    for expr, v in zip(exprs, key, strict=True):
        want: type | tuple[type, ...] = int if expr == "n_sources" else str
        if not isinstance(v, want) or isinstance(v, bool):
            raise bad
    return key


def page_sql(f: EventFilter, sort: str, after: list[Any] | None, limit: int,
             columns: str = "*") -> tuple[str, list[Any]]:
    """SELECT for one page; fetches ``limit + 1`` rows so the caller knows if more follow."""
    where, args = where_clause(f)
    exprs, direction = SORTS[sort]
    keycols = ", ".join(f"{e} AS _k{i}" for i, e in enumerate(exprs))
    sql = f"SELECT {columns}, {keycols} FROM events{where}"
    if after is not None:
        op = ">" if direction == "ASC" else "<"
        cond = f"({', '.join(exprs)}) {op} ({', '.join('?' * len(exprs))})"
        sql += (" AND " if where else " WHERE ") + cond
        args = [*args, *after]
    sql += " ORDER BY " + ", ".join(f"{e} {direction}" for e in exprs)
    sql += f" LIMIT {int(limit) + 1}"
    return sql, args


def row_key(row: sqlite3.Row, sort: str) -> list[Any]:
    return [row[f"_k{i}"] for i in range(len(SORTS[sort][0]))]


def count(db: sqlite3.Connection, f: EventFilter) -> int:
    where, args = where_clause(f)
    return int(db.execute(f"SELECT COUNT(*) FROM events{where}", args).fetchone()[0])


# ------------------------------------------------------------ aggregates
def _split_bars(value: str | None) -> list[str]:
    return [c for c in (value or "").split("|") if c]


def dyad_key(sources: str | None, targets: str | None) -> str:
    """'IRN>USA' style key from the stored country bars ('?' for an unknown side)."""
    s = "+".join(_split_bars(sources)) or "?"
    t = "+".join(_split_bars(targets)) or "?"
    return f"{s}>{t}"


def stats(db: sqlite3.Connection, f: EventFilter, dyad: str | None = None,
          max_dyads: int = 25) -> dict[str, Any]:
    """Counts per day, per type, per quad class per day, per country dyad; intensity for one dyad.

    One grouped query does it all, so it stays fast on 100k events. Without
    ``dyad``, the intensity line follows the busiest pair with both sides known.
    """
    where, args = where_clause(f)
    rows = db.execute(
        "SELECT date, event_type, source_countries, target_countries, COUNT(*) AS n, "
        f"SUM(n_sources) AS s FROM events{where} "
        "GROUP BY date, event_type, source_countries, target_countries",
        args,
    ).fetchall()
    per_day: Counter[str] = Counter()
    per_type: Counter[str] = Counter()
    quad_day: dict[str, Counter[str]] = defaultdict(Counter)
    dyads: Counter[str] = Counter()
    dyad_quad: dict[str, Counter[str]] = defaultdict(Counter)
    intensity: dict[str, float] = defaultdict(float)
    intensity_n: Counter[str] = Counter()
    undated = 0
    total = 0
    for r in rows:
        n = int(r["n"])
        total += n
        et = r["event_type"]
        per_type[et] += n
        quad = QUAD_CLASS.get(et, "unknown")
        key = dyad_key(r["source_countries"], r["target_countries"])
        if key != "?>?":
            dyads[key] += n
            dyad_quad[key][quad] += n
        d = r["date"]
        if not d:
            undated += n
            continue
        per_day[d] += n
        quad_day[d][quad] += n
    days = sorted(per_day)
    top = dyads.most_common(max_dyads)
    if dyad is None:
        dyad = next((k for k, _ in top if "?" not in k), top[0][0] if top else None)
    if dyad:
        for r in rows:
            d = r["date"]
            if d and _dyad_matches(dyad, r["source_countries"], r["target_countries"]):
                intensity[d] += INTENSITY_WEIGHT.get(r["event_type"], 0.0) * int(r["n"])
                intensity_n[d] += int(r["n"])
    return {
        "total": total,
        "undated": undated,
        "per_day": [{"date": d, "count": per_day[d]} for d in days],
        "per_type": [{"type": t, "quad_class": QUAD_CLASS.get(t), "count": per_type[t]}
                     for t in EVENT_TYPES if per_type[t]],
        "quad_per_day": [
            {"date": d, **{q: quad_day[d][q] for q in QUAD_ORDER}} for d in days
        ],
        "dyads": [
            {"dyad": k, "source": k.split(">")[0], "target": k.split(">")[1], "count": n,
             "quad": {q: dyad_quad[k][q] for q in QUAD_ORDER}}
            for k, n in top
        ],
        "intensity": None if not dyad else {
            "dyad": dyad,
            "series": [{"date": d, "score": round(intensity[d] / intensity_n[d], 2),
                        "count": intensity_n[d]} for d in sorted(intensity_n)],
        },
    }


def parse_dyad(value: str | None) -> str | None:
    """'IRN>USA' (either side may be '?'); both directions count toward the pair."""
    if value in (None, ""):
        return None
    assert value is not None
    if not re.match(r"^[A-Za-z?+]{1,40}>[A-Za-z?+]{1,40}$", value):
        raise _bad("dyad", "expected SOURCE>TARGET country codes, e.g. IRN>USA")
    return value.upper()


def _dyad_matches(dyad: str, sources: str | None, targets: str | None) -> bool:
    a, b = dyad.split(">")
    sa = set(_split_bars(sources))
    ta = set(_split_bars(targets))
    aset = {x for x in a.split("+") if x != "?"}
    bset = {x for x in b.split("+") if x != "?"}

    def covers(want: set[str], have: set[str]) -> bool:
        return bool(want) and want <= have

    forward = covers(aset, sa) and (covers(bset, ta) or not bset)
    backward = covers(aset, ta) and (covers(bset, sa) or not bset)
    return forward or backward


def map_points(db: sqlite3.Connection, f: EventFilter, max_points: int = 2000) -> dict[str, Any]:
    """Located events, aggregated onto a grid that coarsens until at most ``max_points`` cells.

    The map never pulls 100k rows: each cell carries a count, the dominant
    quad class and one event id to open.
    """
    where, args = where_clause(f)
    located = (" AND " if where else " WHERE ") + "lat IS NOT NULL AND lon IS NOT NULL"
    base = f"FROM events{where}{located}"
    n_located = int(db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0])
    cell = 0.0
    sizes = (0.0,) if n_located <= max_points else (0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
    for cell in sizes:
        if len(sizes) == 1:
            gx, gy = "ROUND(lon, 4)", "ROUND(lat, 4)"
            break
        if cell == 0.0:
            gx, gy = "ROUND(lon, 4)", "ROUND(lat, 4)"
        else:
            # shifted to be non-negative so CAST truncation is a floor
            gx = f"(CAST((lon + 180) / {cell} AS INTEGER) * {cell} - 180 + {cell / 2})"
            gy = f"(CAST((lat + 90) / {cell} AS INTEGER) * {cell} - 90 + {cell / 2})"
        n_cells = int(db.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {base} GROUP BY {gx}, {gy})", args).fetchone()[0])
        if n_cells <= max_points:
            break
    rows = db.execute(
        f"SELECT {gx} AS x, {gy} AS y, COUNT(*) AS n, SUM(n_sources) AS s, "
        "MIN(id) AS id, "
        "GROUP_CONCAT(event_type, ',') AS types "
        f"{base} GROUP BY x, y ORDER BY n DESC LIMIT {int(max_points)}",
        args,
    ).fetchall()
    # clean place names for the representative events only (a PK lookup, not a scan)
    names: dict[str, str] = {}
    reps = [r["id"] for r in rows]
    for i in range(0, len(reps), 500):
        chunk = reps[i:i + 500]
        for pr in db.execute(
            "SELECT id, COALESCE(json_extract(data, '$.place.name'), json_extract(data, '$.place.text')) "
            f"FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk,
        ):
            names[pr[0]] = pr[1] or ""
    points = []
    for r in rows:
        quads: Counter[str] = Counter(QUAD_CLASS.get(t, "unknown") for t in (r["types"] or "").split(",") if t)
        types: Counter[str] = Counter(t for t in (r["types"] or "").split(",") if t)
        points.append({
            "lon": round(float(r["x"]), 4), "lat": round(float(r["y"]), 4), "count": int(r["n"]),
            "sources": int(r["s"] or 0), "place": names.get(r["id"], ""), "event_id": r["id"],
            "quad_class": quads.most_common(1)[0][0] if quads else None,
            "top_type": types.most_common(1)[0][0] if types else None,
        })
    return {"cell_degrees": cell, "located": n_located, "points": points}

