"""Small formatting helpers shared by the describe/summary/timeline/report code.

Everything here is pure and tolerant of half-filled records: the extractor
and resolver may leave any field empty, and a report must still read well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sitroom.records import Actor, Article, Event, Mention, PlaceRef, TimeRef

# How violent / consequential each PLOVER type is, for ranking "key developments".
# Material conflict first, verbal co-operation last; the numbers only need a sane order.
INTENSITY: dict[str, float] = {
    "ASSAULT": 5.0, "COERCE": 4.0, "MOBILIZE": 3.5, "SANCTION": 3.0, "PROTEST": 3.0,
    "THREATEN": 2.8, "AID": 2.5, "RETREAT": 2.5, "CONCEDE": 2.2, "AGREE": 2.0,
    "COOPERATE": 2.0, "ACCUSE": 1.8, "REJECT": 1.6, "REQUEST": 1.5, "SUPPORT": 1.2,
    "CONSULT": 1.0,
}

_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WS_RE = re.compile(r"\s+")


def clean_text(text: Any, limit: int | None = None) -> str:
    """Make article-derived text safe to lay out on one line.

    Control and bidi-override characters are dropped (they can garble a
    terminal or reorder a line visually), whitespace collapses, and very long
    values are cut with an ellipsis so one bad title cannot swamp a report.
    """
    s = "" if text is None else str(text)
    s = unicodedata.normalize("NFC", s)
    s = _CTRL_RE.sub(" ", s)
    s = _WS_RE.sub(" ", s).strip()
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)].rstrip() + "…"
    return s


def parse_iso(value: str | None) -> date | None:
    """Parse YYYY[-MM[-DD]] leniently (years like 0953 or partial dates happen)."""
    if not value:
        return None
    m = re.match(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value.strip())
    if not m:
        return None
    try:
        y = int(m.group(1))
        mo = int(m.group(2) or 1)
        d = int(m.group(3) or 1)
        return date(y, mo, d)
    except ValueError:
        return None


def date_label(time: TimeRef | None) -> str:
    """Human date honest about its precision: '1953', '2020-01', 'week of …'."""
    if time is None or not time.value:
        return "date unknown"
    v = time.value
    p = time.precision
    if p == "year":
        return v[:4]
    if p == "decade":
        return v[:3] + "0s" if len(v) >= 3 else v
    if p == "month":
        return v[:7]
    if p == "season":
        return f"{v[:7]} to {time.end[:7]}" if time.end else v[:7]
    if p == "week":
        return f"week of {v[:10]}"
    if p == "reported":
        return f"{v[:10]} (reported)"
    return v[:10]


def actor_label(actor: Actor, with_codes: bool = True) -> str:
    """'Iran (IRN MIL)': canonical name plus the codes analysts filter on."""
    name = clean_text(actor.name or actor.text, 80) or "unknown actor"
    if not with_codes:
        return name
    codes = " ".join(c for c in (actor.country, actor.sector) if c)
    return f"{name} ({codes})" if codes else name


def actors_label(actors: Iterable[Actor], with_codes: bool = True, cap: int = 3) -> str:
    """Join several actors, dropping duplicates and summarising a long tail.

    Reports name one actor at different grains ("Iran", "Iranian forces"):
    one name and country is shown once, with its most specific sector, and a
    countryless generic ("the military") is dropped when a named actor of
    that sector is there.
    """
    chosen: dict[tuple[str, str], Actor] = {}
    for a in actors:
        key = ((a.name or a.text).strip().lower(), a.country or "")
        if key not in chosen or (chosen[key].sector is None and a.sector):
            chosen[key] = a
    named_sectors = {a.sector for a in chosen.values() if a.country and a.sector}
    kept = [a for a in chosen.values() if a.country or a.sector not in named_sectors]
    seen: list[str] = []
    for a in kept:
        lab = actor_label(a, with_codes)
        if lab not in seen:
            seen.append(lab)
    if not seen:
        return ""
    if len(seen) > cap:
        return ", ".join(seen[:cap]) + f" +{len(seen) - cap}"
    return ", ".join(seen)


def place_label(place: PlaceRef | None) -> str:
    """'Ain al-Asad air base, Anbar, IRQ', without repeating a level."""
    if place is None:
        return ""
    name = clean_text(place.name or place.text, 80)
    parts = [name] if name else []
    admin1 = clean_text(place.admin1, 60)
    if admin1 and admin1.lower() != name.lower():
        parts.append(admin1)
    show_country = place.precision != "country" or not parts
    if place.country and place.country not in parts and show_country:
        parts.append(place.country)
    return ", ".join(parts)


def event_outlets(event: Event, articles: Mapping[str, Article]) -> list[str]:
    """Distinct outlet names reporting an event, earliest report first."""
    arts = sorted(
        (articles[a] for a in dict.fromkeys(event.article_ids) if a in articles),
        key=article_sort_key,
    )
    out: list[str] = []
    for a in arts:
        name = clean_text(a.source, 80) or "unknown outlet"
        if name not in out:
            out.append(name)
    return out


def event_article_ids(event: Event, mentions: Mapping[str, Mention]) -> list[str]:
    """Article ids of an event, falling back to its mentions when unset."""
    ids = list(dict.fromkeys(event.article_ids))
    for mid in event.mention_ids:
        m = mentions.get(mid)
        if m is not None and m.article_id not in ids:
            ids.append(m.article_id)
    return ids


def article_sort_key(article: Article) -> tuple[int, str, str]:
    """Chronological order with undated articles last, stable by id."""
    return (article.published is None, article.published or "", article.id)


def n_sources(event: Event, articles: Mapping[str, Article]) -> int:
    """Distinct outlets; trust the merger's count, else count outlets we can see."""
    if event.n_sources:
        return event.n_sources
    return max(len(event_outlets(event, articles)), 1 if event.mention_ids else 0)


def is_background(event: Event, coverage_start: str | None = None) -> bool:
    """Historical context rather than news: flagged so, or dated >1 year before coverage."""
    if event.modality == "historical":
        return True
    if coverage_start and event.time is not None and event.time.value:
        ev = parse_iso(event.time.value)
        start = parse_iso(coverage_start)
        if ev is not None and start is not None and ev < start - timedelta(days=366):
            return True
    return False


def coverage_span(articles: Mapping[str, Article]) -> tuple[str | None, str | None]:
    """First and last publication date among the articles."""
    dates = sorted(a.published[:10] for a in articles.values() if a.published)
    if not dates:
        return None, None
    return dates[0], dates[-1]


def format_value(value: Any) -> str:
    """A reported figure as text, keeping hedges ('at least 11')."""
    if isinstance(value, Mapping):
        m_hedge = str(value.get("hedge") or "")
        m_val = value.get("value")
        return f"{m_hedge} {m_val}".strip() if m_hedge else str(m_val)
    hedge = getattr(value, "hedge", "")
    inner = getattr(value, "value", None)
    if inner is not None and not isinstance(value, int | float | str):
        return f"{hedge} {inner}".strip() if hedge else str(inner)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def numeric_value(value: Any) -> float | None:
    """The number inside a reported figure, whatever shape it was stored in."""
    if isinstance(value, Mapping):
        value = value.get("value")
    elif not isinstance(value, int | float | str) and hasattr(value, "value"):
        value = value.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ""))
        except ValueError:
            return None
    return None
