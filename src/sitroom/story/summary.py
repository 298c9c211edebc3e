"""One-line descriptions and extractive summaries of merged events.

Summaries are extractive on purpose: every sentence shown is a sentence some
outlet printed, so it can be cited and checked. We pick sentences that share
the most content with the other reports of the same event (centrality), lean
towards ones that carry figures, names and places (informativeness), and drop
near-duplicates (syndicated copies, wire rewrites).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sitroom.records import Article, Event, Mention

from ._common import (
    actors_label,
    clean_text,
    date_label,
    event_article_ids,
    n_sources,
    place_label,
)

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_WORDS = (
    "the a an and or of to in on at by for with from as is was were are be been has have had "
    "that this these those it its their his her they he she we you i said says say would will "
    "not no but also after before over into about than then there which who whom what when "
    "where while more most other some such only can could may might"
)
_STOP = frozenset(_STOP_WORDS.split(" "))
NEAR_DUPLICATE = 0.6    # Jaccard of content words above which two sentences say the same thing
MAX_SENTENCE_CHARS = 600


@dataclass
class SummarySentence:
    """A picked sentence with where it came from and where its trigger sits."""

    text: str
    article_id: str
    mention_id: str
    published: str | None
    mark: tuple[int, int] | None = None   # trigger span inside ``text``
    score: float = 0.0
    offset: int = 0                       # where the sentence starts in its article


def _stem(word: str) -> str:
    """Crude plural folding so 'missiles' meets 'missile'; enough for overlap scores."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tokens(text: str) -> set[str]:
    return {_stem(w) for w in (t.lower() for t in _WORD_RE.findall(text))
            if len(w) > 2 and w not in _STOP}


def jaccard(a: set[str], b: set[str]) -> float:
    """Overlap of two word sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _sentence_of(
    m: Mention, articles: Mapping[str, Article]
) -> tuple[str, tuple[int, int] | None, int]:
    """The mention's sentence, the trigger span inside it and the sentence offset."""
    art = articles.get(m.article_id)
    sent, trig = m.sentence, m.trigger
    text, start = "", None
    if sent is not None:
        start = sent.sent_start
        text = sent.text
        if not text and art is not None:
            text = art.text[sent.sent_start:sent.sent_end]
    elif trig is not None and art is not None:
        start = trig.sent_start
        text = art.text[trig.sent_start:trig.sent_end]
    if not text:
        return "", None, 0
    mark = None
    if trig is not None:
        tt = trig.text or (art.text[trig.start:trig.end] if art is not None else "")
        if start is not None:
            rel = trig.start - start
            rel_end = rel + (trig.end - trig.start)
            if 0 <= rel < rel_end <= len(text) and (not tt or text[rel:rel_end] == tt):
                mark = (rel, rel_end)
        if mark is None and tt:
            i = text.lower().find(tt.lower())
            if i >= 0:
                mark = (i, i + len(tt))
    return text, mark, start or 0


def _normalise(text: str, mark: tuple[int, int] | None) -> tuple[str, tuple[int, int] | None]:
    """Collapse whitespace/control characters while keeping the trigger span aligned."""
    if mark is None:
        return clean_text(text, MAX_SENTENCE_CHARS), None
    a, b = mark
    pre, mid, post = clean_text(text[:a]), clean_text(text[a:b]), clean_text(text[b:])
    out = pre + (" " if pre else "")
    s = len(out)
    out += mid
    e = len(out)
    out += (" " if post else "") + post
    if len(out) > MAX_SENTENCE_CHARS:
        out = out[: MAX_SENTENCE_CHARS - 1].rstrip() + "…"
        if e > len(out) - 1:
            return out, None
    return out, (s, e) if mid else None


def candidate_sentences(
    event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]
) -> list[SummarySentence]:
    """Every distinct member sentence of an event, earliest-published first."""
    seen: set[str] = set()
    out: list[SummarySentence] = []
    for mid in dict.fromkeys(event.mention_ids):
        m = mentions.get(mid)
        if m is None:
            continue
        raw, mark, offset = _sentence_of(m, articles)
        text, mark = _normalise(raw, mark)
        if not text:
            continue
        key = text.lower()
        if key in seen:
            continue
        seen.add(key)
        art = articles.get(m.article_id)
        out.append(SummarySentence(text, m.article_id, mid, art.published if art else None, mark,
                                   offset=offset))
    out.sort(key=lambda s: (s.published is None, s.published or "", s.offset))
    return out


def _score(cands: list[SummarySentence], event: Event) -> None:
    toks = [_tokens(c.text) for c in cands]
    names = {
        w for a in (*event.sources, *event.targets) for w in _tokens(a.name or a.text)
    }
    if event.place is not None:
        names |= _tokens(event.place.name or event.place.text)
    for i, c in enumerate(cands):
        others = [jaccard(toks[i], toks[j]) for j in range(len(cands))
                  if j != i and cands[j].article_id != c.article_id]
        central = sum(others) / len(others) if others else 0.0
        info = 0.0
        if re.search(r"\d", c.text):
            info += 0.1
        info += min(0.3, 0.1 * len(names & toks[i]))
        if c.mark is not None:
            info += 0.05
        # Leads state the event itself; later paragraphs give reactions and context.
        if c.offset < 400:
            info += 0.1
        # The first report says what happened; later ones mostly update it.
        if c.published is not None and c.published == cands[0].published:
            info += 0.1
        n_words = len(c.text.split())
        if n_words < 7:
            info -= 0.25
        elif n_words > 60:
            info -= 0.1
        c.score = central + info


def summary_sentences(
    event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    max_sentences: int = 2,
) -> list[SummarySentence]:
    """The best ``max_sentences`` distinct sentences, in publication order."""
    cands = candidate_sentences(event, mentions, articles)
    if not cands or max_sentences <= 0:
        return []
    _score(cands, event)
    order = sorted(range(len(cands)), key=lambda i: (-cands[i].score, i))
    picked: list[int] = []
    for i in order:
        ti = _tokens(cands[i].text)
        if any(jaccard(ti, _tokens(cands[j].text)) >= NEAR_DUPLICATE for j in picked):
            continue
        picked.append(i)
        if len(picked) >= max_sentences:
            break
    return [cands[i] for i in sorted(picked)]


def event_summary(
    event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    max_sentences: int = 2,
) -> list[tuple[str, str]]:
    """Extractive summary: [(sentence, article_id)], central and informative, earliest first."""
    return [(s.text, s.article_id) for s in summary_sentences(event, mentions, articles, max_sentences)]


_MODALITY_TAG = {
    "negated": "did not happen (per reports)",
    "future": "planned/expected",
    "hypothetical": "hypothetical",
}


def describe_event(
    event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]
) -> str:
    """'2020-01-08 · ASSAULT (missile) · Iran (IRN MIL) → United States (USA MIL) · place · 3 sources'."""
    parts = [date_label(event.time)]
    kind = event.event_type + (f" ({clean_text(event.mode, 40)})" if event.mode else "")
    parts.append(kind)
    src, tgt = actors_label(event.sources), actors_label(event.targets)
    if src or tgt:
        parts.append(f"{src or 'unknown actor'} → {tgt}" if tgt else src)
    place = place_label(event.place)
    if place:
        parts.append(place)
    n = n_sources(event, articles)
    n_art = event.n_articles or len(event_article_ids(event, mentions))
    rep = f"{n} source{'s' if n != 1 else ''}"
    if n_art > n:
        rep += f" ({n_art} articles)"
    parts.append(rep)
    tag = _MODALITY_TAG.get(event.modality)
    if tag:
        parts.append(tag)
    return " · ".join(parts)
