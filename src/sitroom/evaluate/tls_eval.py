"""``sitroom eval tls``: timeline summarisation on Timeline17-format data (news-tls protocol).

One task per gold timeline; the system may output as many dates as the gold
has and ceil(mean gold sentences per date) sentences a date, from articles
published inside the gold date span. The system is DATEWISE-style: dates ranked
by how many articles refer to them (regex candidates resolved by
``sitroom.resolve.resolve_time`` against the folder's publication date) and how
many are published on/after them; per date a tf-idf centroid summary of the
sentences that refer to it or lead the next day's articles.

Timeline ROUGE as the ``tilse`` package computes it, in pure Python.

Why our own: tilse's default scorer shells out to the ROUGE-1.5.5 Perl script
(and the package pulls in numba, textacy, nltk and scikit-learn), none of
which sitroom may depend on. What is reproduced (Martschat & Markert 2017):

* tokens as ROUGE-1.5.5 with ``-m -s``: lower-cased, anything but letters
  and digits splits words, stopwords dropped, Porter stem for words longer
  than three letters; n-grams run across sentence boundaries of a summary;
* raw counts (``-t 2``): hits, system n-grams, reference n-grams;
* ``concat``, ``agreement`` and ``align+ m:1`` (each date aligned to the
  date of least cost ``(1 - 1/(|Δdays|+1)) * (1 - ROUGE-1-approx F1)``,
  the aligned ROUGE hits discounted by ``1/(|Δdays|+1)``), micro-averaged.

Known difference: ROUGE's stopword list is the SMART list and its stemmer
consults a WordNet exception table first; we use spaCy's English stopword list
and the plain Porter algorithm, so figures can differ from the Perl script in
the third decimal.
"""

from __future__ import annotations

import json
import math
import re
import time as _time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import typer

from sitroom.evaluate.options import JsonOpt, OutOpt, PathArg, write_items

__all__ = ["porter_stem", "rouge_tokens", "rouge_counts", "date_f1", "tilse_scores",
           "rouge_approx_f1", "parse_timeline", "read_topic", "find_topics", "sentence_dates",
           "TlsParams", "predict_timeline", "load_tasks", "tune", "run_tls_eval", "register"]

Timeline = Mapping[date, Sequence[str]]


# -- Porter stemmer (Porter 1980, with the author's later bli/logi revisions) ---------------

def _cons(w: str, i: int) -> bool:
    c = w[i]
    if c in "aeiou":
        return False
    if c == "y":
        return i == 0 or not _cons(w, i - 1)
    return True


def _measure(stem: str) -> int:
    """Number of vowel-consonant sequences: [C](VC)^m[V]."""
    n, i, size = 0, 0, len(stem)
    while i < size and _cons(stem, i):
        i += 1
    while i < size:
        while i < size and not _cons(stem, i):
            i += 1
        if i >= size:
            break
        while i < size and _cons(stem, i):
            i += 1
        n += 1
    return n


def _has_vowel(stem: str) -> bool:
    return any(not _cons(stem, i) for i in range(len(stem)))


def _double_cons(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _cons(w, len(w) - 1)


def _cvc(w: str) -> bool:
    return (len(w) >= 3 and _cons(w, len(w) - 3) and not _cons(w, len(w) - 2)
            and _cons(w, len(w) - 1) and w[-1] not in "wxy")


_STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
          ("izer", "ize"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
          ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
          ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
          ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"))
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
          ("ful", ""), ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
          "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize")


def _longest(word: str, suffixes: Sequence[str]) -> str | None:
    best = None
    for s in suffixes:
        if word.endswith(s) and (best is None or len(s) > len(best)):
            best = s
    return best


def _step1(w: str) -> str:
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
        return _step1c(w)
    for suf in ("ed", "ing"):
        if w.endswith(suf) and _has_vowel(w[: -len(suf)]):
            w = w[: -len(suf)]
            if w.endswith(("at", "bl", "iz")):
                w += "e"
            elif _double_cons(w) and w[-1] not in "lsz":
                w = w[:-1]
            elif _measure(w) == 1 and _cvc(w):
                w += "e"
            break
    return _step1c(w)


def _step1c(w: str) -> str:
    if w.endswith("y") and _has_vowel(w[:-1]):
        return w[:-1] + "i"
    return w


def _map_step(w: str, table: Sequence[tuple[str, str]]) -> str:
    suf = _longest(w, [s for s, _ in table])
    if suf is not None and _measure(w[: -len(suf)]) > 0:
        return w[: -len(suf)] + dict(table)[suf]
    return w


def _step4(w: str) -> str:
    suf = _longest(w, _STEP4)
    if suf is None:
        return w
    stem = w[: -len(suf)]
    if _measure(stem) > 1 and (suf != "ion" or stem.endswith(("s", "t"))):
        return stem
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    if _measure(w) > 1 and _double_cons(w) and w.endswith("l"):
        w = w[:-1]
    return w


@lru_cache(maxsize=200_000)
def porter_stem(word: str) -> str:
    """The Porter stem of a lower-case word (words of one or two letters are kept)."""
    if len(word) <= 2:
        return word
    w = _step1(word)
    w = _map_step(w, _STEP2)
    w = _map_step(w, _STEP3)
    w = _step4(w)
    return _step5(w)


# -- ROUGE counts ---------------------------------------------------------------------------

def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS)


_STOP = _stopwords()
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=100_000)
def _sentence_tokens(sentence: str) -> tuple[str, ...]:
    out = []
    for tok in _NON_WORD.split(sentence.lower()):
        if not tok or tok in _STOP:
            continue
        out.append(porter_stem(tok) if len(tok) > 3 else tok)
    return tuple(out)


def rouge_tokens(sentences: Sequence[str]) -> list[str]:
    """One summary as the ROUGE token stream (sentences concatenated)."""
    out: list[str] = []
    for s in sentences:
        out.extend(_sentence_tokens(s))
    return out


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_counts(pred: Sequence[str], ref: Sequence[str], n: int) -> tuple[int, int, int]:
    """(hits, system n-grams, reference n-grams) of ROUGE-n, one reference."""
    p = _ngrams(rouge_tokens(pred), n)
    r = _ngrams(rouge_tokens(ref), n)
    hits = sum(min(c, r[g]) for g, c in p.items() if g in r)
    return hits, sum(p.values()), sum(r.values())


def rouge_approx_f1(pred: Sequence[str], ref: Sequence[str]) -> float:
    """tilse's alignment-cost ROUGE-1: whitespace tokens, no stemming or stopwords."""
    pc = Counter(t for s in pred for t in s.split())
    rc = Counter(t for s in ref for t in s.split())
    match = sum(min(c, rc[t]) for t, c in pc.items())
    p = match / sum(pc.values()) if pc else 0.0
    r = match / sum(rc.values()) if rc else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(num: float, pden: float, rnum: float, rden: float) -> dict[str, float]:
    p = num / pden if pden else 0.0
    r = rnum / rden if rden else 0.0
    return {"precision": p, "recall": r, "f_score": _f(p, r)}


def date_f1(pred: Timeline, ref: Timeline) -> dict[str, float]:
    """Share of predicted dates in the reference, and of reference dates predicted."""
    shared = len(set(pred) & set(ref))
    p = shared / len(pred) if pred else 0.0
    r = shared / len(ref) if ref else 0.0
    return {"precision": p, "recall": r, "f_score": _f(p, r)}


def _concat(pred: Timeline, ref: Timeline, n: int) -> dict[str, float]:
    ps = [s for d in sorted(pred) for s in pred[d]]
    rs = [s for d in sorted(ref) for s in ref[d]]
    h, pc, rc = rouge_counts(ps, rs, n)
    return _prf(h, pc, h, rc)


def _agreement(pred: Timeline, ref: Timeline, n: int) -> dict[str, float]:
    pn = pd = rn = rd = 0.0
    for d in set(pred) | set(ref):
        h, pc, rc = rouge_counts(pred.get(d, ()), ref.get(d, ()), n)
        if d in pred:
            pn += h
            pd += pc
        if d in ref:
            rn += h
            rd += rc
    return _prf(pn, pd, rn, rd)


def _align_m1(pred: Timeline, ref: Timeline, n: int) -> dict[str, float]:
    """align+ m:1: every date goes to its cheapest partner on the other side."""
    pdates, rdates = sorted(pred), sorted(ref)

    def cost(dp: date, dr: date) -> float:
        date_factor = 1 - 1 / (abs(dp.toordinal() - dr.toordinal()) + 1)
        return date_factor * (1 - _approx(dp, dr))

    approx_cache: dict[tuple[date, date], float] = {}

    def _approx(dp: date, dr: date) -> float:
        key = (dp, dr)
        if key not in approx_cache:
            approx_cache[key] = rouge_approx_f1(pred[dp], ref[dr])
        return approx_cache[key]

    def discount(dp: date, dr: date) -> float:
        return 1 / (abs(dp.toordinal() - dr.toordinal()) + 1)

    pn = pd = rn = rd = 0.0
    for dp in pdates:
        if rdates:
            # argmin keeps the first minimum, as numpy's does, over sorted dates
            dr = min(rdates, key=lambda x: (cost(dp, x), rdates.index(x)))
            h, pc, _ = rouge_counts(pred[dp], ref[dr], n)
            pn += discount(dp, dr) * h
        else:
            _, pc, _ = rouge_counts(pred[dp], (), n)
        pd += pc
    for dr in rdates:
        if pdates:
            dp = min(pdates, key=lambda x: (cost(x, dr), pdates.index(x)))
            h, _, rc = rouge_counts(pred[dp], ref[dr], n)
            rn += discount(dp, dr) * h
        else:
            _, _, rc = rouge_counts((), ref[dr], n)
        rd += rc
    return _prf(pn, pd, rn, rd)


def tilse_scores(pred: Timeline, ref: Timeline) -> dict[str, dict[str, dict[str, float]]]:
    """``{metric: {rouge_1|rouge_2: {precision, recall, f_score}}}`` plus ``date``."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, fn in (("concat", _concat), ("agreement", _agreement), ("align_m1", _align_m1)):
        out[name] = {f"rouge_{n}": fn(pred, ref, n) for n in (1, 2)}
    out["date"] = {"date": date_f1(pred, ref)}
    return out


# =========================================================================================
# Timeline17-format data
# =========================================================================================

@dataclass
class TlsDoc:
    """One input article: publication date (its folder name) and its sentences, one a line."""

    pub: date
    sentences: list[str]
    name: str = ""


@dataclass
class TlsTopic:
    """A Timeline17 topic folder: input articles, keywords and gold timelines."""

    name: str
    docs: list[TlsDoc]
    keywords: list[str]
    timelines: list[tuple[str, dict[date, list[str]]]]

    @property
    def group(self) -> str:
        """The story behind the folder ('bpoil' for 'bpoil_bbc'): the unit of leave-one-out."""
        return self.name.split("_")[0]


_SEPARATOR = re.compile(r"^-{5,}\s*$")


def parse_timeline(text: str) -> dict[date, list[str]]:
    """Gold timeline text: a date line, its sentences, a dashed line; a repeated date keeps
    the later block (as tilse's reader does)."""
    out: dict[date, list[str]] = {}
    current: date | None = None
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if _SEPARATOR.match(line):
            if current is not None:
                out[current] = [s for s in lines if s]
            current, lines = None, []
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", line):
            try:
                current = date.fromisoformat(line)
                continue
            except ValueError:
                pass
        if line:
            lines.append(line)
    if current is not None and lines:
        out[current] = lines
    return out


def read_topic(path: Path) -> TlsTopic:
    """One topic folder (``InputDocs/<date>/*.txt``, ``timelines/*.txt``, ``keywords.json``)."""
    docs: list[TlsDoc] = []
    for day_dir in sorted((path / "InputDocs").iterdir()):
        try:
            pub = date.fromisoformat(day_dir.name[:10])
        except ValueError:
            continue
        if not day_dir.is_dir():
            continue
        for f in sorted(day_dir.iterdir()):
            if not f.is_file():
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            sents = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if sents:
                docs.append(TlsDoc(pub, sents, f"{day_dir.name}/{f.name}"))
    keywords: list[str] = []
    kw_file = path / "keywords.json"
    if kw_file.exists():
        try:
            data = json.loads(kw_file.read_text(encoding="utf-8"))
            keywords = [str(k) for k in data] if isinstance(data, list) else []
        except json.JSONDecodeError:
            keywords = []
    timelines = []
    tl_dir = path / "timelines"
    if tl_dir.is_dir():
        for f in sorted(tl_dir.glob("*.txt")):
            tl = parse_timeline(f.read_text(encoding="utf-8", errors="replace"))
            if tl:
                timelines.append((f.name, tl))
    return TlsTopic(path.name, docs, keywords, timelines)


def find_topics(path: Path) -> list[Path]:
    """PATH itself when it is a topic, else every topic folder directly inside it."""
    if (path / "InputDocs").is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "InputDocs").is_dir()) if path.is_dir() else []


# =========================================================================================
# Fast date references: regex candidates, resolved by sitroom.resolve.resolve_time
# =========================================================================================

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE_CANDIDATE = re.compile(
    r"\b(?:"
    r"(?:(?:last|this|next|past)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|" + _MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s*(?:1[89]|20)\d\d\b)?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b(?:,?\s*(?:1[89]|20)\d\d\b)?"
    r"|(?:1[89]|20)\d\d-\d\d-\d\d"
    r"|yesterday|today|tonight|last night"
    r")"
)
_QUICK = re.compile(r"day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|tonight|night|-\d\d-")


@lru_cache(maxsize=200_000)
def _resolve_day(phrase: str, anchor: date) -> date | None:
    from sitroom.resolve.time import resolve_time

    ref = resolve_time(phrase, anchor.isoformat())
    if ref.value and ref.precision == "day":
        try:
            return date.fromisoformat(ref.value)
        except ValueError:
            return None
    return None


def sentence_dates(sentence: str, pub: date) -> list[date]:
    """Day-precision dates a sentence refers to, relative to its article's publication date.

    Regex candidates go to ``resolve_time`` (the same rules as the pipeline), so
    "on Tuesday" and "April 20" resolve the way sitroom resolves them elsewhere.
    """
    low = sentence.lower()
    if not _QUICK.search(low):
        return []
    low = low.replace(" , ", ", ")
    out: list[date] = []
    for m in _DATE_CANDIDATE.finditer(low):
        d = _resolve_day(m.group(0), pub)
        if d is not None and d not in out:
            out.append(d)
    return out


# =========================================================================================
# DATEWISE-style system: rank dates by references, then a centroid summary per date
# =========================================================================================

@dataclass(frozen=True)
class TlsParams:
    """Knobs of the system. Defaults are set a priori; ``tune`` picks date weights per
    held-out topic on the other topics only (leave-one-topic-out)."""

    w_mention: float = 1.0      # distinct articles that refer to the date
    w_sent: float = 0.0         # sentences that refer to it (repeats inside an article)
    w_pub: float = 0.5          # articles published that day
    w_pub_next: float = 0.5     # articles published the day after (today's news, tomorrow's paper)
    clip_sents: int = 5         # only an article's first sentences are summary candidates
    pub_days: tuple[int, ...] = (0, 1)   # undated lead sentences count for pub day minus these
    max_sim: float = 0.5        # redundancy ceiling between chosen sentences
    min_words: int = 5
    max_words: int = 50
    gap_days: int = 0           # a date this close to a better one waits until the rest are used


_WORD = re.compile(r"[a-z][a-z0-9]+|\d+[a-z]+")


@lru_cache(maxsize=200_000)
def _content_terms(sentence: str) -> tuple[str, ...]:
    return tuple(porter_stem(w) for w in _WORD.findall(sentence.lower()) if w not in _STOP)


@dataclass
class _Sent:
    text: str
    doc: int
    pos: int
    dates: list[date]
    terms: tuple[str, ...]
    n_words: int


@dataclass
class _Prepared:
    """A topic read once: every sentence with its dates and terms."""

    topic: TlsTopic
    sents: list[list[_Sent]] = field(default_factory=list)


def prepare(topic: TlsTopic) -> _Prepared:
    """Date references and content terms of every sentence, computed once per topic."""
    prep = _Prepared(topic)
    for i, doc in enumerate(topic.docs):
        prep.sents.append([
            _Sent(s, i, j, sentence_dates(s, doc.pub), _content_terms(s), len(s.split()))
            for j, s in enumerate(doc.sentences)
        ])
    return prep


def date_features(prep: _Prepared, start: date, end: date) -> dict[date, dict[str, float]]:
    """Per candidate date in [start, end]: articles/sentences referring to it, articles
    published on it and on the next day. Only articles published in the span count."""
    feats: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i, doc in enumerate(prep.topic.docs):
        if not start <= doc.pub <= end:
            continue
        seen: set[date] = set()
        for s in prep.sents[i]:
            for d in s.dates:
                if start <= d <= end:
                    feats[d]["sent"] += 1
                    if d not in seen:
                        seen.add(d)
                        feats[d]["mention"] += 1
        feats[doc.pub]["pub"] += 1
        prev = date.fromordinal(doc.pub.toordinal() - 1)
        if start <= prev:
            feats[prev]["pub_next"] += 1
    return feats


def rank_dates(feats: Mapping[date, Mapping[str, float]], params: TlsParams) -> list[date]:
    """Dates by weighted reference counts, earlier date first on ties (deterministic)."""
    def score(d: date) -> float:
        f = feats[d]
        return (params.w_mention * f.get("mention", 0.0) + params.w_sent * f.get("sent", 0.0)
                + params.w_pub * f.get("pub", 0.0) + params.w_pub_next * f.get("pub_next", 0.0))

    ranked = sorted(feats, key=lambda d: (-score(d), d))
    if params.gap_days <= 0:
        return ranked
    # Temporal spread: the day after a big day mostly repeats it, so neighbours of a
    # chosen date go to the back of the queue instead of crowding out other weeks.
    first: list[date] = []
    later: list[date] = []
    taken: set[int] = set()
    for d in ranked:
        o = d.toordinal()
        if any(o + k in taken for k in range(-params.gap_days, params.gap_days + 1)):
            later.append(d)
        else:
            first.append(d)
            taken.add(o)
    return first + later


def _idf(sents: Sequence[_Sent]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for s in sents:
        df.update(set(s.terms))
    n = len(sents) or 1
    return {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}


def _vec(terms: Sequence[str], idf: Mapping[str, float]) -> dict[str, float]:
    tf = Counter(terms)
    v = {t: c * idf.get(t, 1.0) for t, c in tf.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def _add(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    out = dict(a)
    for t, x in b.items():
        out[t] = out.get(t, 0.0) + x
    return out


def _normed(v: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def centroid_summary(cands: Sequence[_Sent], k: int, idf: Mapping[str, float],
                     params: TlsParams, used: Sequence[Mapping[str, float]] = ()) -> list[str]:
    """Greedy sentences whose sum comes closest to the candidates' tf-idf centroid.

    Too short/long sentences, near repeats of chosen ones and of sentences already
    used for other dates are skipped.
    """
    uniq: dict[str, _Sent] = {}
    for s in cands:
        uniq.setdefault(s.text, s)
    pool = [s for s in uniq.values() if params.min_words <= s.n_words <= params.max_words
            and s.terms]
    if not pool:
        return []
    vecs = [_vec(s.terms, idf) for s in pool]
    centroid: dict[str, float] = {}
    for v in vecs:
        centroid = _add(centroid, v)
    centroid = _normed(centroid)
    chosen: list[int] = []
    summed: dict[str, float] = {}
    while len(chosen) < k:
        best, best_score = -1, -1.0
        for i, v in enumerate(vecs):
            if i in chosen:
                continue
            if any(_cos(v, vecs[j]) > params.max_sim for j in chosen):
                continue
            if any(_cos(v, u) > 0.8 for u in used):
                continue
            sc = _cos(_normed(_add(summed, v)), centroid)
            if sc > best_score:
                best, best_score = i, sc
        if best < 0:
            break
        chosen.append(best)
        summed = _add(summed, vecs[best])
    return [pool[i].text for i in chosen]


def predict_timeline(prep: _Prepared, start: date, end: date, n_dates: int, n_sents: int,
                     params: TlsParams | None = None) -> dict[date, list[str]]:
    """A timeline of at most ``n_dates`` dates and ``n_sents`` sentences a date, from the
    articles published in [start, end]."""
    params = params or TlsParams()
    feats = date_features(prep, start, end)
    ranked = rank_dates(feats, params)
    docs = prep.topic.docs
    in_span = [i for i, d in enumerate(docs) if start <= d.pub <= end]
    by_mention: dict[date, list[_Sent]] = defaultdict(list)
    by_pub: dict[date, list[_Sent]] = defaultdict(list)
    every: list[_Sent] = []
    for i in in_span:
        for s in prep.sents[i][: params.clip_sents]:
            every.append(s)
            for d in s.dates:
                by_mention[d].append(s)
            if not s.dates:
                by_pub[docs[i].pub].append(s)
    idf = _idf(every)
    out: dict[date, list[str]] = {}
    used: list[dict[str, float]] = []
    for d in ranked:
        if len(out) >= n_dates:
            break
        cands = list(by_mention.get(d, []))
        for k in params.pub_days:
            cands += by_pub.get(date.fromordinal(d.toordinal() + k), [])
        summary = centroid_summary(cands, n_sents, idf, params, used)
        if summary:
            out[d] = summary
            used.extend(_vec(_content_terms(s), idf) for s in summary)
    return out


# =========================================================================================
# The news-tls protocol, leave-one-topic-out tuning, the command
# =========================================================================================

@dataclass
class TlsTask:
    """One gold timeline of one topic folder."""

    prep: _Prepared
    name: str
    gold: dict[date, list[str]]

    @property
    def span(self) -> tuple[date, date]:
        return min(self.gold), max(self.gold)

    @property
    def n_dates(self) -> int:
        return len(self.gold)

    @property
    def n_sents(self) -> int:
        """Gold sentences per date, mean rounded up (news-tls)."""
        return math.ceil(sum(len(v) for v in self.gold.values()) / len(self.gold))


def load_tasks(path: Path) -> list[TlsTask]:
    """Every gold timeline under PATH (a tls folder or one topic) as a task."""
    tasks: list[TlsTask] = []
    for tp in find_topics(path):
        topic = read_topic(tp)
        prep = prepare(topic)
        tasks.extend(TlsTask(prep, f"{topic.name}/{name}", tl) for name, tl in topic.timelines)
    return tasks


# Date-ranking weights tried when tuning (on training topics only).
_GRID = [TlsParams(w_mention=1.0, w_sent=ws, w_pub=wp, w_pub_next=wn, gap_days=g)
         for g in (0, 1, 2) for ws in (0.0, 0.5) for wp in (0.0, 0.5, 1.0)
         for wn in (0.0, 0.5, 1.0)]


def _date_only_f1(task: TlsTask, params: TlsParams) -> float:
    start, end = task.span
    ranked = rank_dates(date_features(task.prep, start, end), params)
    return date_f1(dict.fromkeys(ranked[: task.n_dates], ()), task.gold)["f_score"]


def tune(train: Sequence[TlsTask], grid: Sequence[TlsParams] = _GRID) -> TlsParams:
    """The grid point with the best mean date-F1 over ``train`` (first wins ties)."""
    if not train:
        return TlsParams()
    best, best_f = grid[0], -1.0
    for p in grid:
        f = sum(_date_only_f1(t, p) for t in train) / len(train)
        if f > best_f + 1e-12:
            best, best_f = p, f
    return best


def run_task(task: TlsTask, params: TlsParams) -> dict[str, Any]:
    """Predict and score one task; the row keeps both timelines for reading errors."""
    start, end = task.span
    pred = predict_timeline(task.prep, start, end, task.n_dates, task.n_sents, params)
    scores = tilse_scores(pred, task.gold)
    return {
        "task": task.name, "n_gold_dates": task.n_dates, "sents_per_date": task.n_sents,
        "span": [start.isoformat(), end.isoformat()], "params": asdict(params),
        "ar1_f": scores["align_m1"]["rouge_1"]["f_score"],
        "ar2_f": scores["align_m1"]["rouge_2"]["f_score"],
        "date_f1": scores["date"]["date"]["f_score"],
        "scores": scores,
        "pred": {d.isoformat(): s for d, s in sorted(pred.items())},
    }


def run_tls_eval(path: Path, tune_params: bool = True, only: Sequence[str] = ()) -> dict[str, Any]:
    """Score every task under PATH; with ``tune_params`` each topic group's weights are picked
    on the other groups' tasks (leave-one-topic-out), never on its own gold."""
    t0 = _time.perf_counter()
    tasks = load_tasks(path)
    rows = []
    for task in tasks:
        if only and not any(o in task.name for o in only):
            continue
        group = task.prep.topic.group
        train = [t for t in tasks if t.prep.topic.group != group]
        params = tune(train) if tune_params and train else TlsParams()
        rows.append(run_task(task, params))
    n = len(rows)
    metrics: dict[str, float] = {}
    if n:
        for key in ("ar1_f", "ar2_f", "date_f1"):
            metrics[key] = sum(r[key] for r in rows) / n
        for name in ("concat", "agreement"):
            for rn in ("rouge_1", "rouge_2"):
                metrics[f"{name}_{rn}_f"] = sum(r["scores"][name][rn]["f_score"] for r in rows) / n
    return {"dataset": "tls", "n_tasks": n, "metrics": metrics, "items": rows,
            "tuned": tune_params, "seconds": _time.perf_counter() - t0}


def register(eval_app: typer.Typer) -> None:
    """Add ``sitroom eval tls``."""

    no_tune_opt = Annotated[bool, typer.Option(
        "--no-tune", help="Use the fixed default weights instead of leave-one-topic-out.")]

    def tls_command(path: Path, as_json: bool = False, out: Path | None = None,
                    no_tune: bool = False) -> None:
        """Timeline17 (news-tls protocol): alignment ROUGE-1/-2 F1 (align+ m:1) and date F1."""
        from rich.console import Console
        from rich.table import Table

        console = Console(soft_wrap=True, highlight=False)
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        if not path.exists():
            err.print(f"error: {path}: no such file or folder", markup=False)
            raise typer.Exit(2)
        res = run_tls_eval(path, tune_params=not no_tune)
        if not res["n_tasks"]:
            err.print(f"error: no Timeline17 topic (InputDocs/ + timelines/) in {path}", markup=False)
            raise typer.Exit(1)
        write_items(out, res["items"])
        if as_json:
            console.print_json(json.dumps({k: v for k, v in res.items() if k != "items"}))
            return
        table = Table(title=f"tls ({res['n_tasks']} timelines, "
                            f"{'leave-one-topic-out' if res['tuned'] else 'default weights'}, "
                            f"{res['seconds']:.1f}s)")
        table.add_column("timeline")
        for col in ("AR1-F", "AR2-F", "date-F1"):
            table.add_column(col, justify="right")
        for r in res["items"]:
            table.add_row(r["task"], f"{r['ar1_f']:.3f}", f"{r['ar2_f']:.3f}", f"{r['date_f1']:.3f}")
        m = res["metrics"]
        table.add_row("mean", f"{m['ar1_f']:.3f}", f"{m['ar2_f']:.3f}", f"{m['date_f1']:.3f}")
        console.print(table)

    # Real objects, not the strings postponed evaluation leaves (typer resolves them
    # in module globals, where the shared option types are not).
    tls_command.__annotations__ = {"path": PathArg, "as_json": JsonOpt, "out": OutOpt,
                                   "no_tune": no_tune_opt, "return": None}
    eval_app.command("tls")(tls_command)
