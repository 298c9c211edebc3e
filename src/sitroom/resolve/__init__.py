"""resolve: pin each mention to a time interval and a place, offline.

Time comes from the mention's own expression, else the nearest earlier date in
the same paragraph (news states a date once and then says "on the same day"),
else the article date marked as merely "reported". Place comes from the
gazetteer, ranked with the article's focus country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sitroom.records import Article, Evidence, Mention, PlaceRef, TimeRef
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.time import is_relative, resolve_time, to_timex

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Gazetteer", "resolve_time", "resolve_mentions", "resolve_place", "to_timex",
           "HISTORICAL_DAYS"]

HISTORICAL_DAYS = 10   # an event that ended this long before publication is background
_TIME_LABELS = ("DATE", "TIME")
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_CONTAINER = re.compile(r"\s*,\s*((?:[A-Z][\w.'-]*)(?:\s+[A-Z][\w.'-]*){0,2})")


def _anchor(article: Article) -> tuple[str | None, str]:
    precision = article.date_precision or "day"
    if not article.published:
        return None, "unknown"
    return article.published, precision


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, max(pos, 0)) + 1


def _evidence(article: Article, sent: Evidence | None, start: int, end: int, text: str) -> Evidence:
    return Evidence(
        article_id=article.id,
        sent_start=sent.sent_start if sent else start,
        sent_end=sent.sent_end if sent else end,
        start=start, end=end, text=text,
    )


def _inherited_time(mention: Mention, doc: Doc | None, article: Article) -> TimeRef | None:
    """The nearest temporal expression before the mention, within its sentence or paragraph."""
    if doc is None or mention.sentence is None or doc.text != article.text:
        return None
    sent = mention.sentence
    par_start = _paragraph_start(article.text, sent.sent_start)
    anchor, precision = _anchor(article)
    limit = mention.trigger.start if mention.trigger else sent.sent_end
    ents = [e for e in doc.ents if e.label_ in _TIME_LABELS
            and e.start_char >= par_start and e.end_char <= max(limit, sent.sent_start)]
    for ent in sorted(ents, key=lambda e: -e.start_char):
        ref = resolve_time(ent.text, anchor, precision)
        if ref.value is not None:
            ref.evidence = _evidence(article, None, ent.start_char, ent.end_char, ent.text)
            ref.evidence.sent_start = ent.sent.start_char
            ref.evidence.sent_end = ent.sent.end_char
            return ref
    return None


def _reported(article: Article) -> TimeRef:
    anchor, precision = _anchor(article)
    if anchor is None or precision == "unknown":
        return TimeRef(text="", value=None, end=None, precision="unknown")
    return TimeRef(text="", value=anchor, end=anchor, precision="reported")


def resolve_mention_time(mention: Mention, doc: Doc | None, article: Article) -> TimeRef:
    """Own expression -> earlier expression in the paragraph -> the article date ('reported')."""
    anchor, precision = _anchor(article)
    own = mention.time
    if own is not None and own.text:
        ref = resolve_time(own.text, anchor, precision)
        ref.evidence = own.evidence
        if ref.value is not None:
            return ref
        if precision == "unknown" and is_relative(own.text):
            return ref  # we know what it says, not what it is relative to
    return _inherited_time(mention, doc, article) or _reported(article)


def _is_historical(ref: TimeRef, article: Article) -> bool:
    anchor, precision = _anchor(article)
    if anchor is None or precision == "unknown" or ref.precision in ("reported", "unknown"):
        return False
    last = ref.end or ref.value
    if last is None:
        return False
    try:
        return date.fromisoformat(last) < date.fromisoformat(anchor) - timedelta(days=HISTORICAL_DAYS)
    except ValueError:
        return False


def focus_countries(doc: Doc | None, gazetteer: Gazetteer, limit: int = 2) -> list[str]:
    """The countries an article is mostly about: most frequent among its resolved toponyms."""
    if doc is None:
        return []
    counts: Counter[str] = Counter()
    cache: dict[str, str | None] = {}
    for ent in doc.ents:
        if ent.label_ not in _PLACE_LABELS and ent.label_ != "NORP":
            continue
        if ent.text not in cache:
            # 'Iraqi forces' says as much about the focus as 'Iraq' does.
            ref = (gazetteer.demonym(ent.text) if ent.label_ == "NORP"
                   else gazetteer.lookup(ent.text))
            cache[ent.text] = ref.country if ref else None
        country = cache[ent.text]
        if country:
            counts[country] += 1
    return [c for c, _ in counts.most_common(limit)]


def resolve_place(place: PlaceRef, context: Sequence[str], gazetteer: Gazetteer,
                  text: str = "") -> PlaceRef:
    """Resolve one place mention; an 'X, Y' in the article text narrows X to Y."""
    name = place.text
    ev = place.evidence
    if ev is not None and text and "," not in name:
        m = _CONTAINER.match(text, ev.end)
        if m:
            combined = gazetteer.lookup(f"{name}, {m.group(1)}", context)
            single = gazetteer.lookup(name, context)
            if combined is not None and (single is None or combined.country != single.country
                                         or combined.admin1 != single.admin1):
                within = gazetteer.lookup(m.group(1), context)
                if within is not None and within.precision in ("country", "province"):
                    combined.text = name
                    combined.evidence = ev
                    return combined
    ref = gazetteer.lookup(name, context)
    if ref is None:
        return PlaceRef(text=name, precision="unknown", evidence=ev)
    ref.text = name
    ref.evidence = ev
    return ref


def resolve_mentions(mentions: list[Mention], doc: Doc | None, article: Article) -> None:
    """Fill in time and place of every mention in place (see module docstring for the order)."""
    gazetteer = Gazetteer.default() if any(m.place for m in mentions) else None
    focus = focus_countries(doc, gazetteer) if gazetteer is not None else []
    for mention in mentions:
        mention.time = resolve_mention_time(mention, doc, article)
        if mention.modality == "asserted" and _is_historical(mention.time, article):
            mention.modality = "historical"
        if mention.place is not None and gazetteer is not None:
            local: list[str] = []
            for tag in mention.context:
                if tag.startswith("place:"):
                    ref = gazetteer.lookup(tag[6:])
                    if ref is not None and ref.country and ref.country not in local:
                        local.append(ref.country)
            context = local + [c for c in focus if c not in local]
            mention.place = resolve_place(mention.place, context, gazetteer, article.text)
