"""resolve: pin each mention to a time interval and a place, offline.

Time comes from the mention's own expression, else the nearest earlier date in
the same paragraph (news states a date once and then says "on the same day"),
else the article date marked as merely "reported". Expressions are normalised by
``resolve.timex.find_timexes`` over the whole article, the normaliser ``sitroom
eval time`` measures (tense from the parse, holidays, "that year" against the last
date named), with ``resolve_time``'s interval kept where both agree ("early March"
stays the 1st-10th). Place comes from one
article-level pass (``resolve.geo.resolve_toponyms``): every toponym of the
article, and the place of every mention, is resolved in the light of all the
others, so an ambiguous town in an Iraq story lands in Iraq and a county names
its state. Each mention keeps its own place (the one the extractor chose).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sitroom.records import Article, Evidence, Mention, PlaceRef, TimeRef
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.geo import resolve_toponyms, toponym_spans
from sitroom.resolve.time import from_timex, is_relative, resolve_time, to_timex
from sitroom.resolve.timex import ANAPHOR, Timex, find_timexes

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["Gazetteer", "resolve_time", "resolve_mentions", "resolve_place", "article_places",
           "to_timex", "HISTORICAL_DAYS"]

HISTORICAL_DAYS = 10   # an event that ended this long before publication is background
_TIME_LABELS = ("DATE", "TIME")
_PLACE_LABELS = ("GPE", "LOC", "FAC")


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


def _time_ents_of(doc: Doc) -> list[Span]:
    return [e for e in doc.ents if e.label_ in _TIME_LABELS]


def _timexes_of(article: Article, doc: Doc | None, time_ents: Sequence[Span] | None
                ) -> list[Timex]:
    """The article's TIMEX3s (``doc`` must be its parse, or None: then regexes only),
    valued against its date (against none when that date is unknown)."""
    anchor, precision = _anchor(article)
    if precision == "unknown":
        anchor = None
    if doc is None:
        return find_timexes(article.text, anchor)
    return find_timexes(doc, anchor, ents=time_ents)


def _timex_time(tx: Timex, text: str, anchor: str | None, precision: str) -> TimeRef:
    """The TimeRef of one TIMEX3; ``resolve_time``'s interval when it names the same value
    (it keeps 'early March' as the 1st-10th, where TimeML only says 2020-03)."""
    ref = from_timex(tx.value, text)
    if ref.value is None:
        return ref
    own = resolve_time(text, anchor, precision)
    if own.value is not None and to_timex(own) == to_timex(ref):
        return own
    return ref


def _timex_at(timexes: Sequence[Timex], start: int, end: int) -> Timex | None:
    """The first TIMEX3 inside the character span (an expression's evidence)."""
    return next((t for t in timexes if start <= t.start and t.end <= end), None) or next(
        (t for t in timexes if t.start < end and start < t.end), None)


def _inherited_time(mention: Mention, time_ents: Sequence[Span] | None, article: Article,
                    timexes: Sequence[Timex] | None = None) -> TimeRef | None:
    """The nearest dated expression before the mention, within its sentence or paragraph.

    ``time_ents`` are the DATE/TIME entities of the article's own parse (None without
    one); each is valued by the article's TIMEX3s inside it (``timexes``), the first
    end of a range ('May and June') first. Anaphoric TIMEX3s the parser misses ('that
    year', 'the following day') count too, and in the mention's own sentence also after
    its trigger: the extractor never saw them, so they are the mention's own expression.
    """
    if time_ents is None or mention.sentence is None:
        return None
    sent = mention.sentence
    par_start = _paragraph_start(article.text, sent.sent_start)
    anchor, precision = _anchor(article)
    limit = mention.trigger.start if mention.trigger else sent.sent_end
    hi = max(limit, sent.sent_start)
    # (rank, start, end, its TIMEX3s, its entity): the nearest before the trigger first
    cands: list[tuple[int, int, int, list[Timex] | None, Span | None]] = []
    for e in time_ents:
        if e.start_char >= par_start and e.end_char <= hi:
            inside = None if timexes is None else [
                tx for tx in timexes if tx.start < e.end_char and e.start_char < tx.end]
            cands.append((_rank(hi - e.end_char, e.start_char, sent), e.start_char, e.end_char,
                          inside, e))
    for tx in timexes or ():
        if tx.start < par_start or not ANAPHOR.fullmatch(article.text[tx.start:tx.end].lower()):
            continue
        if any(tx.start < e.end_char and e.start_char < tx.end for e in time_ents):
            continue
        if tx.end <= hi:
            cands.append((_rank(hi - tx.end, tx.start, sent), tx.start, tx.end, [tx], None))
        elif sent.sent_start <= tx.start and tx.end <= sent.sent_end:
            cands.append((tx.start - hi, tx.start, tx.end, [tx], None))
    for _, start, end, inside, ent in sorted(cands, key=lambda c: c[0]):
        text = article.text[start:end]
        if inside is None:
            found = [resolve_time(text, anchor, precision)]
        else:
            found = [_timex_time(tx, article.text[tx.start:tx.end], anchor, precision)
                     for tx in inside]
        ref = next((r for r in found if r.value is not None), None)
        if ref is not None:
            ref.evidence = _evidence(article, None, start, end, text)
            ref.evidence.sent_start, ref.evidence.sent_end = (
                (ent.sent.start_char, ent.sent.end_char) if ent is not None
                else _sentence_of(article.text, start, sent))
            return ref
    return None


def _rank(distance: int, start: int, sent: Evidence) -> int:
    """Nearest to the trigger first, the mention's own sentence before the rest."""
    return distance + (0 if start >= sent.sent_start else 1 << 30)


def _sentence_of(text: str, pos: int, sent: Evidence) -> tuple[int, int]:
    """The sentence around ``pos``: the mention's own when it lies there, else a guess
    from sentence punctuation (cheaper than asking the parse for every candidate)."""
    if sent.sent_start <= pos < sent.sent_end:
        return sent.sent_start, sent.sent_end
    start = max(text.rfind(". ", 0, pos) + 2, text.rfind("\n", 0, pos) + 1, 0)
    ends = [j for j in (text.find(". ", pos), text.find("\n", pos)) if j >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _reported(article: Article) -> TimeRef:
    anchor, precision = _anchor(article)
    if anchor is None or precision == "unknown":
        return TimeRef(text="", value=None, end=None, precision="unknown")
    return TimeRef(text="", value=anchor, end=anchor, precision="reported")


def _own_time(own: TimeRef, timexes: Sequence[Timex] | None, article: Article) -> TimeRef:
    """The mention's own expression: the TIMEX3 at its evidence, else ``resolve_time``."""
    anchor, precision = _anchor(article)
    ev = own.evidence
    tx = None
    if timexes is not None and ev is not None and ev.end <= len(article.text) and \
            article.text[ev.start:ev.end] == own.text:
        tx = _timex_at(timexes, ev.start, ev.end)
    elif ev is None:
        # no position in the article: the expression alone (no tense, no earlier dates)
        found = find_timexes(own.text, None if precision == "unknown" else anchor)
        tx = found[0] if found else None
    if tx is not None:
        inside = article.text[tx.start:tx.end] if ev is not None else own.text[tx.start:tx.end]
        ref = _timex_time(tx, inside, anchor, precision)
        if ref.value is not None or tx.value is None or not tx.value[:1].isdigit():
            # A date, or what TimeML says is not one (a duration, PAST_REF, a set).
            ref.text = own.text
            ref.evidence = ev
            return ref
    ref = resolve_time(own.text, anchor, precision)
    ref.evidence = ev
    return ref


def resolve_mention_time(mention: Mention, doc: Doc | None, article: Article,
                         time_ents: Sequence[Span] | None = None,
                         timexes: Sequence[Timex] | None = None) -> TimeRef:
    """Own expression -> earlier expression in the paragraph -> the article date ('reported').

    ``doc`` is used only when it is the parse of ``article.text``; ``time_ents``
    (its DATE/TIME entities) and ``timexes`` (its TIMEX3s) save a batch from
    collecting them per mention.
    """
    if doc is not None and doc.text != article.text:
        doc = None
    if time_ents is None and doc is not None:
        time_ents = _time_ents_of(doc)
    if timexes is None and doc is not None:
        timexes = _timexes_of(article, doc, time_ents)
    return _mention_time(mention, article, time_ents, timexes)


def _mention_time(mention: Mention, article: Article, time_ents: Sequence[Span] | None,
                  timexes: Sequence[Timex] | None) -> TimeRef:
    _, precision = _anchor(article)
    own = mention.time
    if own is not None and not own.text and own.precision == "reported":
        return _reported(article)  # the extractor found it dated by nothing in its text
    if own is not None and own.text:
        ref = _own_time(own, timexes, article)
        if ref.value is not None:
            return ref
        if precision == "unknown" and is_relative(own.text):
            return ref  # we know what it says, not what it is relative to
    return _inherited_time(mention, time_ents, article, timexes) or _reported(article)


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


def article_places(article: Article, doc: Doc | None, gazetteer: Gazetteer,
                   extra: Sequence[tuple[int, int]] = ()) -> dict[tuple[int, int], PlaceRef]:
    """Resolve the article's toponyms (and the ``extra`` spans) together, in one pass.

    Why one pass: the place of an event is ambiguous alone ('Alexandria', 'Paris') but
    the article names its region elsewhere; the same resolver as ``sitroom eval geo``
    weighs every name against the others. ``extra`` spans (the extractor's event places)
    replace any recognised toponym they overlap.
    """
    text = article.text
    given = list(dict.fromkeys((s, e) for s, e in extra if 0 <= s < e <= len(text)))
    spans = list(given)
    if doc is not None and doc.text == text:
        spans += [(s, e) for s, e in toponym_spans(doc)
                  if not any(s < ee and ss < e for ss, ee in given)]
    if not spans:
        return {}
    refs = resolve_toponyms(text, spans, gazetteer)
    return {span: ref for span, ref in zip(spans, refs, strict=True) if ref is not None}


def resolve_place(place: PlaceRef, gazetteer: Gazetteer, article: Article,
                  doc: Doc | None = None) -> PlaceRef:
    """Resolve one place mention of ``article`` with the whole article as context."""
    span = _span_of(place, article.text)
    ref = article_places(article, doc, gazetteer, [span]).get(span) if span else None
    return _placed(place, ref)


def _placed(place: PlaceRef, ref: PlaceRef | None) -> PlaceRef:
    if ref is None:
        return PlaceRef(text=place.text, precision="unknown", evidence=place.evidence)
    ref.text = place.text
    ref.evidence = place.evidence
    return ref


def _span_of(place: PlaceRef, text: str) -> tuple[int, int] | None:
    ev = place.evidence
    if ev is not None and 0 <= ev.start < ev.end <= len(text):
        return ev.start, ev.end
    j = text.find(place.text) if place.text else -1
    return (j, j + len(place.text)) if j >= 0 else None


def _tag_spans(mention: Mention, text: str) -> list[tuple[int, int]]:
    """Where the mention's 'place:NAME' context tags occur, in its sentence if it has one."""
    lo = mention.sentence.sent_start if mention.sentence is not None else 0
    out = []
    for tag in mention.context:
        name = tag[6:] if tag.startswith("place:") else ""
        j = text.find(name, lo) if name else -1
        if j < 0 and name:
            j = text.find(name)
        if j >= 0:
            out.append((j, j + len(name)))
    return out


def resolve_mentions(mentions: list[Mention], doc: Doc | None, article: Article) -> None:
    """Fill in time and place of every mention in place (see module docstring for the order)."""
    spans = [_span_of(m.place, article.text) if m.place is not None else None for m in mentions]
    if doc is not None and doc.text != article.text:
        doc = None   # not this article's parse: its offsets would point elsewhere
    time_ents = _time_ents_of(doc) if doc is not None else None
    timexes = _timexes_of(article, doc, time_ents) if mentions else None
    places: dict[tuple[int, int], PlaceRef] = {}
    if any(m.place is not None for m in mentions):
        extra = [sp for sp in spans if sp is not None]
        if doc is None:
            # No parse to find the article's toponyms: the extractor's 'place:' tags (the
            # other places of each sentence) are the context. With a parse they only add
            # noise ('IPS' is a police force, not Ybbs in Austria).
            extra += [sp for m in mentions for sp in _tag_spans(m, article.text)]
        places = article_places(article, doc, Gazetteer.default(), extra)
    for mention, span in zip(mentions, spans, strict=True):
        mention.time = _mention_time(mention, article, time_ents, timexes)
        if mention.modality == "asserted" and _is_historical(mention.time, article):
            mention.modality = "historical"
        if mention.place is not None:
            ref = places.get(span) if span is not None else None
            # one PlaceRef per mention: two events at one place must not share an object
            mention.place = _placed(mention.place, replace(ref) if ref is not None else None)
