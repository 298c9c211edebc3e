"""``sitroom eval coref``: cross-document event coreference on ECB+ gold mentions.

Why a general method here and not sitroom's own merge: ECB+ event mentions
are any kind of action ("host", "fired", "quake"), not PLOVER events, so the
evaluation measures the coreference *method* -- trigger lemmas, learned
trigger pairs, shared participants/places/times in the sentence, and how
alike the two documents are -- with agglomerative clustering whose
threshold is tuned on the training topics and reported on the standard dev
topics (2, 5, 12, 18, 21, 23, 34, 35).

Scores: MUC, B-cubed, CEAF-e and their mean (CoNLL F1), singletons
included, implemented below after the reference scorer's definitions.
"""

from __future__ import annotations

import csv
import json
import math
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sitroom.evaluate.options import JsonOpt, OutOpt, PathArg

DEV_TOPICS: tuple[int, ...] = (2, 5, 12, 18, 21, 23, 34, 35)
TEST_TOPICS: tuple[int, ...] = tuple(range(36, 46))


Clustering = Mapping[Any, Any]   # mention id -> cluster id (any hashables)


def clusters_of(assign: Clustering) -> list[frozenset[Hashable]]:
    """The clusters (sets of mention ids) of an assignment, in a stable order."""
    groups: dict[Hashable, set[Hashable]] = defaultdict(set)
    for m, c in assign.items():
        groups[c].add(m)
    return sorted((frozenset(g) for g in groups.values()), key=lambda g: sorted(map(str, g)))


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _muc_recall(key: list[frozenset[Hashable]], resp: Clustering) -> float:
    num = den = 0
    for k in key:
        parts = {resp.get(m, ("missing", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 0.0


def muc(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """(recall, precision, F1) of MUC: links kept, over links needed."""
    r = _muc_recall(clusters_of(key), response)
    p = _muc_recall(clusters_of(response), key)
    return r, p, _f1(p, r)


def _b3_recall(key: list[frozenset[Hashable]], resp_clusters: dict[Hashable, frozenset[Hashable]]
               ) -> float:
    total = 0.0
    n = 0
    for k in key:
        for m in k:
            n += 1
            r = resp_clusters.get(m)
            if r is not None:
                total += len(k & r) / len(k)
    return total / n if n else 0.0


def b_cubed(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """(recall, precision, F1) of B-cubed: per-mention overlap of its clusters."""
    kc, rc = clusters_of(key), clusters_of(response)
    k_of = {m: c for c in kc for m in c}
    r_of = {m: c for c in rc for m in c}
    r = _b3_recall(kc, r_of)
    p = _b3_recall(rc, k_of)
    return r, p, _f1(p, r)


def _max_assignment(weights: list[list[float]]) -> float:
    """Best total weight of a one-to-one matching (Hungarian method).

    ``weights`` is rows x cols (any shape, non-negative); O(n^3), used per
    connected component so n stays small.
    """
    n_rows = len(weights)
    n_cols = len(weights[0]) if weights else 0
    n = max(n_rows, n_cols)
    if n == 0:
        return 0.0
    big = max((w for row in weights for w in row), default=0.0)
    # square cost matrix, minimisation, 1-based as in the classic formulation
    cost = [[0.0] * (n + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(n):
            w = weights[i][j] if i < n_rows and j < n_cols else 0.0
            cost[i + 1][j + 1] = big - w
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0][j] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    total = 0.0
    for j in range(1, n + 1):
        i = p[j]
        if 1 <= i <= n_rows and j <= n_cols:
            total += weights[i - 1][j - 1]
    return total


def ceaf_e(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """(recall, precision, F1) of entity-based CEAF with phi4 = 2|K&R|/(|K|+|R|).

    The optimal alignment is found per connected component of the
    key/response overlap graph: clusters that share no mention can only add
    zero, so the Hungarian method never sees the whole corpus at once.
    """
    kc, rc = clusters_of(key), clusters_of(response)
    if not kc or not rc:
        return 0.0, 0.0, 0.0
    r_index = {m: j for j, c in enumerate(rc) for m in c}
    # union-find over key clusters (i) and response clusters (len(kc) + j)
    parent = list(range(len(kc) + len(rc)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges: dict[tuple[int, int], int] = defaultdict(int)
    for i, c in enumerate(kc):
        for m in c:
            j = r_index.get(m)
            if j is None:
                continue
            edges[(i, j)] += 1
            a, b = find(i), find(len(kc) + j)
            if a != b:
                parent[a] = b
    comps: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for (i, j) in edges:
        root = find(i)
        comps[root][0].add(i)
        comps[root][1].add(j)
    total = 0.0
    for rows_set, cols_set in comps.values():
        rows, cols = sorted(rows_set), sorted(cols_set)
        w = [[2.0 * edges.get((i, j), 0) / (len(kc[i]) + len(rc[j])) for j in cols] for i in rows]
        total += _max_assignment(w)
    r = total / len(kc)
    p = total / len(rc)
    return r, p, _f1(p, r)


def conll_scores(key: Clustering, response: Clustering) -> dict[str, float]:
    """All three metrics (recall, precision, F1 each) and CoNLL F1, in [0, 1]."""
    out: dict[str, float] = {}
    f1s = []
    for name, fn in (("muc", muc), ("b3", b_cubed), ("ceafe", ceaf_e)):
        r, p, f = fn(key, response)
        out[f"{name}_r"], out[f"{name}_p"], out[f"{name}_f1"] = r, p, f
        f1s.append(f)
    out["conll_f1"] = sum(f1s) / 3
    return out


def read_conll_key(path: str) -> dict[str, str]:
    """Mention id -> cluster id from a CoNLL-format key (one mention a line,
    last column ``(N)``), as the ECB+ ``gold_conll`` files have it."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split()
            out[cols[-2]] = cols[-1].strip("()")
    return out


# ---------------------------------------------------------------- reader


@dataclass
class EcbMention:
    """One gold event mention (an ACTION_* or NEG_ACTION_* markable)."""

    id: str                  # "<doc>_<m_id>", the key files' mention id
    doc: str                 # e.g. "12_10ecbplus.xml"
    topic: int
    sent: int
    tokens: list[int]        # token numbers within the sentence
    text: str
    gold: str                # cluster id
    lemma: str = ""          # head lemma (filled by ``annotate``)
    lemmas: frozenset[str] = frozenset()
    pos: str = ""
    context: Counter[str] = field(default_factory=Counter)   # sentence lemmas
    args: frozenset[str] = frozenset()   # names, numbers, dates in the sentence


@dataclass
class EcbCorpus:
    """Mentions of the validated sentences, plus every document's words."""

    mentions: list[EcbMention]
    sentences: dict[tuple[str, int], list[str]]
    doc_words: dict[str, Counter[str]]


class EcbFormatError(ValueError):
    """The folder is not an ECB+ release."""


def find_root(path: Path) -> Path:
    """The folder holding ``ECB+/`` (accepts it, its parent or ``ECB+`` itself)."""
    for cand in (path, path / "ecbplus", path.parent):
        if (cand / "ECB+").is_dir():
            return cand
    raise EcbFormatError(f"{path}: no ECB+ folder found")


def _topic_of(doc: str) -> int:
    return int(doc.split("_", 1)[0])


def read_ecbplus(path: Path, topics: Iterable[int] | None = None) -> EcbCorpus:
    """Read CROMER XML documents into gold event mentions.

    Only mentions in the validated sentences count (the list shipped with
    the corpus) when that list is present. A mention's gold cluster is its
    cross-document instance; within-document chains get an id of their own
    document; other mentions are singletons.
    """
    root = find_root(path)
    wanted = set(topics) if topics is not None else None
    valid: set[tuple[str, int]] | None = None
    vfile = root / "ECBplus_coreference_sentences.csv"
    if vfile.exists():
        valid = set()
        with open(vfile, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                valid.add((f"{row['Topic']}_{row['File']}.xml", int(row["Sentence Number"])))
    mentions: list[EcbMention] = []
    sentences: dict[tuple[str, int], list[str]] = {}
    doc_words: dict[str, Counter[str]] = {}
    files = sorted((root / "ECB+").glob("*/*.xml"))
    if not files:
        raise EcbFormatError(f"{root}: no XML documents under ECB+/")
    for f in files:
        doc = f.name
        topic = _topic_of(doc)
        if wanted is not None and topic not in wanted:
            continue
        try:
            xml = ET.parse(f).getroot()
        except ET.ParseError as exc:
            raise EcbFormatError(f"{f}: {exc}") from exc
        where: dict[str, tuple[int, int]] = {}
        words: Counter[str] = Counter()
        for t in xml.iter("token"):
            s, n = int(t.get("sentence", "0")), int(t.get("number", "0"))
            where[t.get("t_id", "")] = (s, n)
            sent = sentences.setdefault((doc, s), [])
            sent.append(t.text or "")
            words[(t.text or "").lower()] += 1
        doc_words[doc] = words
        local: dict[str, EcbMention] = {}
        markables = xml.find("Markables")
        for m in (markables if markables is not None else []):
            if not (m.tag.startswith("ACTION") or m.tag.startswith("NEG_ACTION")):
                continue
            anchors = [where[a.get("t_id", "")] for a in m.findall("token_anchor")
                       if a.get("t_id", "") in where]
            if not anchors:
                continue
            s = anchors[0][0]
            if valid is not None and (doc, s) not in valid:
                continue
            toks = [n for _, n in anchors]
            mid = m.get("m_id", "")
            text = " ".join(sentences[(doc, s)][n] for n in toks if n < len(sentences[(doc, s)]))
            local[mid] = EcbMention(id=f"{doc}_{mid}", doc=doc, topic=topic, sent=s,
                                    tokens=toks, text=text, gold=f"SINGLE_{doc}_{mid}")
        relations = xml.find("Relations")
        for rel in (relations if relations is not None else []):
            if rel.tag == "CROSS_DOC_COREF":
                cid = rel.get("note", "") or f"X_{doc}_{rel.get('r_id')}"
            elif rel.tag == "INTRA_DOC_COREF":
                cid = f"INTRA_{doc}_{rel.get('r_id')}"
            else:
                continue
            for src in rel.findall("source"):
                hit = local.get(src.get("m_id", ""))
                if hit is not None:
                    hit.gold = cid
        mentions.extend(local[k] for k in sorted(local, key=lambda k: int(k) if k.isdigit() else 0))
    return EcbCorpus(mentions=mentions, sentences=sentences, doc_words=doc_words)


# ---------------------------------------------------------------- features

_KEEP_POS = frozenset({"NOUN", "VERB", "PROPN", "ADJ", "NUM"})
_ARG_POS = frozenset({"PROPN", "NUM"})


def _suffix_stem(word: str) -> str:
    """Nominalisations and inflections share a stem ("nominate"/"nomination")."""
    for suf in ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ers", "er",
                "ed", "es", "s", "e"):
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def annotate(corpus: EcbCorpus, nlp: Any = None) -> None:
    """Fill lemma, part of speech, sentence context and arguments with spaCy.

    Sentences are parsed on the corpus's own tokens (``Doc(words=...)``) so
    mention token numbers stay aligned.
    """
    from spacy.tokens import Doc

    if nlp is None:
        from sitroom.nlp import load_nlp

        nlp = load_nlp()
    keys = sorted({(m.doc, m.sent) for m in corpus.mentions})
    parsed: dict[tuple[str, int], Any] = {}
    docs = [Doc(nlp.vocab, words=[w or "_" for w in corpus.sentences[k]]) for k in keys]
    for k, d in zip(keys, nlp.pipe(docs, batch_size=64), strict=True):
        parsed[k] = d
    for m in corpus.mentions:
        d = parsed[(m.doc, m.sent)]
        span = [d[i] for i in m.tokens if i < len(d)]
        if not span:
            continue
        inside = {t.i for t in span}
        heads = [t for t in span if t.head.i not in inside or t.head.i == t.i]
        content = [t for t in heads if t.pos_ in ("VERB", "NOUN", "ADJ")] or heads or span
        head = content[-1]
        m.lemma = head.lemma_.lower()
        m.pos = head.pos_
        m.lemmas = frozenset(_suffix_stem(t.lemma_.lower()) for t in span if t.is_alpha)
        m.context = Counter(t.lemma_.lower() for t in d
                            if t.pos_ in _KEEP_POS and not t.is_stop and t.i not in inside)
        args = {t.lemma_.lower() for t in d if t.pos_ in _ARG_POS and t.i not in inside}
        args |= {e.text.lower() for e in d.ents if not (inside & set(range(e.start, e.end)))}
        m.args = frozenset(args)


def _tfidf(bags: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """Unit-length tf-idf vectors (log tf) of bags of words."""
    df: Counter[str] = Counter()
    for bag in bags.values():
        df.update(bag.keys())
    n = len(bags)
    out: dict[str, dict[str, float]] = {}
    for key, bag in bags.items():
        vec = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w])) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[key] = {w: v / norm for w, v in vec.items()}
    return out


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _prefix_sim(a: str, b: str) -> float:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n / max(len(a), len(b)) if n >= 4 else 0.0


class PairPrior:
    """How often two different trigger lemmas corefer in training topics.

    A data-driven synonym list ("fire"/"dismiss", "quake"/"earthquake"):
    counts per topic so a training pair can be scored leaving its own topic
    out, which keeps the prior from rewarding memorised pairs.
    """

    def __init__(self, mentions: Sequence[EcbMention]) -> None:
        self.pos: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self.all: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        by_topic: dict[int, list[EcbMention]] = defaultdict(list)
        for m in mentions:
            by_topic[m.topic].append(m)
        for topic, ms in by_topic.items():
            for i, a in enumerate(ms):
                for b in ms[i + 1:]:
                    if a.lemma == b.lemma or not a.lemma or not b.lemma:
                        continue
                    k = (min(a.lemma, b.lemma), max(a.lemma, b.lemma))
                    self.all[k][topic] += 1
                    if a.gold == b.gold:
                        self.pos[k][topic] += 1

    def score(self, a: str, b: str, skip_topic: int | None = None) -> float:
        """Smoothed share of coreferent pairs (0 when never seen together)."""
        k = (min(a, b), max(a, b))
        allc = self.all.get(k)
        if not allc:
            return 0.0
        n = sum(allc.values()) - (allc[skip_topic] if skip_topic is not None else 0)
        pos = self.pos.get(k, Counter())
        p = sum(pos.values()) - (pos[skip_topic] if skip_topic is not None else 0)
        return p / (n + 2.0)


FEATURES: tuple[str, ...] = (
    "same_lemma", "lemma_overlap", "prefix", "pair_prior", "context_cos", "doc_cos",
    "args", "same_doc", "same_sent", "same_pos",
    "lemma_x_doc", "prior_x_doc", "ctx_x_doc", "lemma_x_samedoc", "lemma_x_ctx", "args_x_lemma",
)


def pair_features(a: EcbMention, b: EcbMention, ctx: Mapping[str, Mapping[str, float]],
                  docv: Mapping[str, Mapping[str, float]], prior: PairPrior | None,
                  skip_topic: int | None = None) -> list[float]:
    """Evidence that two mentions of one topic corefer (see ``FEATURES``)."""
    same = 1.0 if a.lemma and a.lemma == b.lemma else 0.0
    overlap = _jaccard(a.lemmas, b.lemmas)
    prefix = _prefix_sim(a.lemma, b.lemma)
    pr = prior.score(a.lemma, b.lemma, skip_topic) if prior is not None and not same else 0.0
    c = _cos(ctx[a.id], ctx[b.id])
    d = 1.0 if a.doc == b.doc else _cos(docv[a.doc], docv[b.doc])
    lexical = max(same, overlap, prefix, pr)
    return [
        same, overlap, prefix, pr, c, d,
        _jaccard(a.args, b.args),
        1.0 if a.doc == b.doc else 0.0,
        1.0 if a.doc == b.doc and a.sent == b.sent else 0.0,
        1.0 if a.pos == b.pos else 0.0,
        lexical * d, pr * d, c * d, same * (1.0 if a.doc == b.doc else 0.0), lexical * c,
        lexical * _jaccard(a.args, b.args),
    ]


# ---------------------------------------------------------------- model


@dataclass
class PairModel:
    """Logistic regression over ``FEATURES`` (weights after standardising)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def prob(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 400) -> PairModel:
    """Plain full-batch gradient descent with momentum; deterministic."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    vw = np.zeros_like(w)
    vb = 0.0
    lr = 0.5
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xs @ w + b)))
        g = p - y
        gw = xs.T @ g / len(y) + l2 * w
        gb = float(g.mean())
        vw = 0.9 * vw + gw
        vb = 0.9 * vb + gb
        w -= lr * vw
        b -= lr * vb
    return PairModel(mean=mean, scale=scale, weights=w, bias=b)


def _by_topic(mentions: Sequence[EcbMention]) -> dict[int, list[EcbMention]]:
    out: dict[int, list[EcbMention]] = defaultdict(list)
    for m in mentions:
        out[m.topic].append(m)
    return dict(sorted(out.items()))


def _topic_pairs(ms: Sequence[EcbMention], ctx: Mapping[str, Mapping[str, float]],
                 docv: Mapping[str, Mapping[str, float]], prior: PairPrior | None,
                 loo: bool) -> tuple[np.ndarray, list[tuple[int, int]]]:
    rows: list[list[float]] = []
    idx: list[tuple[int, int]] = []
    for i in range(len(ms)):
        for j in range(i + 1, len(ms)):
            rows.append(pair_features(ms[i], ms[j], ctx, docv, prior,
                                      ms[i].topic if loo else None))
            idx.append((i, j))
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES)), idx


def average_linkage(n: int, sim: np.ndarray, threshold: float) -> list[int]:
    """Agglomerative clustering: repeatedly join the two clusters with the
    highest mean pairwise similarity while it is at least ``threshold``.

    ``sim`` is n x n symmetric. Ties break on the lowest indices, so the
    result is deterministic. Returns a cluster label per item.
    """
    labels = list(range(n))
    if n < 2:
        return labels
    s = sim.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    total = sim.astype(float).copy()   # sum of pairwise similarities between clusters
    while True:
        k = int(np.argmax(s))
        i, j = divmod(k, n)
        if not np.isfinite(s[i, j]) or s[i, j] < threshold:
            break
        if i > j:
            i, j = j, i
        total[i, :] += total[j, :]
        total[:, i] = total[i, :]
        size[i] += size[j]
        alive[j] = False
        members[i].extend(members.pop(j))
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        row = total[i, :] / (size[i] * size)
        row[~alive] = -np.inf
        row[i] = -np.inf
        s[i, :] = row
        s[:, i] = row
    for root, ms in members.items():
        for m in ms:
            labels[m] = root
    return labels


@dataclass
class CorefSystem:
    """A trained scorer: pair model, prior and tuned threshold."""

    model: PairModel
    prior: PairPrior
    threshold: float
    train_conll: float
    sub_threshold: float = 0.5
    sub_train_conll: float = 0.0


def _vectors(corpus: EcbCorpus, mentions: Sequence[EcbMention]
             ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    ctx = _tfidf({m.id: m.context for m in mentions})
    docs = {m.doc for m in mentions}
    docv = _tfidf({d: Counter({w: c for w, c in corpus.doc_words[d].items() if w.isalpha()
                               and len(w) > 2}) for d in sorted(docs)})
    return ctx, docv


def subtopic(doc: str) -> str:
    """ECB+ file naming: "<topic>_<n>ecb.xml" and "<topic>_<n>ecbplus.xml" are
    the two seminal events of a topic (say, two different earthquakes)."""
    return "ecbplus" if "ecbplus" in doc else "ecb"


def _sim_matrices(corpus: EcbCorpus, mentions: Sequence[EcbMention], model: PairModel,
                  prior: PairPrior, loo: bool) -> dict[int, np.ndarray]:
    """Pair probabilities per topic (0 on the diagonal)."""
    ctx, docv = _vectors(corpus, mentions)
    out: dict[int, np.ndarray] = {}
    for topic, ms in _by_topic(mentions).items():
        x, idx = _topic_pairs(ms, ctx, docv, prior, loo)
        sim = np.zeros((len(ms), len(ms)))
        if idx:
            p = model.prob(x)
            ii = np.array([a for a, _ in idx])
            jj = np.array([b for _, b in idx])
            sim[ii, jj] = p
            sim[jj, ii] = p
        out[topic] = sim
    return out


def _cluster(mentions: Sequence[EcbMention], sims: Mapping[int, np.ndarray],
             threshold: float, by_subtopic: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    for topic, ms in _by_topic(mentions).items():
        sim = sims[topic]
        if by_subtopic:
            g = np.array([subtopic(m.doc) == "ecb" for m in ms])
            sim = np.where(g[:, None] == g[None, :], sim, 0.0)
        labels = average_linkage(len(ms), sim, threshold)
        for m, lab in zip(ms, labels, strict=True):
            out[m.id] = f"{topic}_{lab}"
    return out


THRESHOLDS: tuple[float, ...] = tuple(round(0.05 + 0.05 * i, 2) for i in range(16))


def train(corpus: EcbCorpus, train_mentions: Sequence[EcbMention]) -> CorefSystem:
    """Fit the pair model on training topics, then pick the clustering
    threshold that maximises CoNLL F1 on those same topics."""
    prior = PairPrior(train_mentions)
    ctx, docv = _vectors(corpus, train_mentions)
    xs, ys = [], []
    for ms in _by_topic(train_mentions).values():
        x, idx = _topic_pairs(ms, ctx, docv, prior, loo=True)
        xs.append(x)
        ys.append(np.array([1.0 if ms[i].gold == ms[j].gold else 0.0 for i, j in idx]))
    model = fit_logistic(np.vstack(xs), np.concatenate(ys))
    sims = _sim_matrices(corpus, train_mentions, model, prior, loo=True)
    gold = {m.id: m.gold for m in train_mentions}
    best: dict[bool, tuple[float, float]] = {}
    for sub in (False, True):
        best_t, best_f = THRESHOLDS[0], -1.0
        for t in THRESHOLDS:
            f = conll_scores(gold, _cluster(train_mentions, sims, t, sub))["conll_f1"]
            if f > best_f + 1e-9:
                best_t, best_f = t, f
        best[sub] = (best_t, best_f)
    return CorefSystem(model=model, prior=prior, threshold=best[False][0],
                       train_conll=best[False][1], sub_threshold=best[True][0],
                       sub_train_conll=best[True][1])


def predict(system: CorefSystem, corpus: EcbCorpus, mentions: Sequence[EcbMention],
            by_subtopic: bool = False) -> dict[str, str]:
    """Cluster ``mentions`` within each topic (or subtopic) with a trained system."""
    sims = _sim_matrices(corpus, mentions, system.model, system.prior, loo=False)
    t = system.sub_threshold if by_subtopic else system.threshold
    return _cluster(mentions, sims, t, by_subtopic)


def lemma_baseline(mentions: Sequence[EcbMention], by_subtopic: bool = False) -> dict[str, str]:
    """Same head lemma within a topic = same event (the standard baseline)."""
    return {m.id: f"{m.topic}_{subtopic(m.doc) if by_subtopic else ''}_{m.lemma or m.text.lower()}"
            for m in mentions}


# ---------------------------------------------------------------- run + CLI


@dataclass
class CorefResult:
    """Scores per method on the evaluation topics, and run facts."""

    topics: list[int]
    n_mentions: int
    n_gold_clusters: int
    key: str                           # "gold_conll" or "xml"
    scores: dict[str, dict[str, float]]
    threshold: float
    sub_threshold: float
    train_conll: float
    seconds: float
    weights: dict[str, float]
    predictions: dict[str, dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "predictions"}
        return d


def run_coref(path: Path, split: str = "dev", nlp: Any = None) -> CorefResult:
    """Train on the training topics, score lemma baseline and the full method.

    ``split`` dev scores the dev topics (against ``gold_conll`` when present);
    ``train`` scores the training topics themselves (optimistic, for checks).
    """
    t0 = time.perf_counter()
    root = find_root(path)
    corpus = read_ecbplus(root, topics=None)
    annotate(corpus, nlp)
    present = sorted({m.topic for m in corpus.mentions})
    dev = [t for t in present if t in DEV_TOPICS]
    train_topics = [t for t in present if t not in DEV_TOPICS and t not in TEST_TOPICS]
    if not train_topics:
        raise EcbFormatError(f"{root}: no training topics to tune on")
    eval_topics = dev if split == "dev" else train_topics if split == "train" else \
        [t for t in present if t in TEST_TOPICS]
    if not eval_topics:
        raise EcbFormatError(f"{root}: no {split} topics present")
    train_ms = [m for m in corpus.mentions if m.topic in train_topics]
    eval_ms = [m for m in corpus.mentions if m.topic in eval_topics]
    system = train(corpus, train_ms)
    gold: dict[str, str] = {m.id: m.gold for m in eval_ms}
    key_name = "xml"
    keyfile = root / "gold_conll" / "evt_gold_dev.keyfile"
    if split == "dev" and keyfile.exists():
        key = read_conll_key(str(keyfile))
        if set(key) == set(gold):
            gold, key_name = dict(key), "gold_conll"
    preds = {"lemma": lemma_baseline(eval_ms), "full": predict(system, corpus, eval_ms),
             "lemma+subtopic": lemma_baseline(eval_ms, by_subtopic=True),
             "full+subtopic": predict(system, corpus, eval_ms, by_subtopic=True)}
    scores = {name: conll_scores(gold, p) for name, p in preds.items()}
    return CorefResult(
        topics=eval_topics, n_mentions=len(eval_ms), n_gold_clusters=len(set(gold.values())),
        key=key_name, scores=scores, threshold=system.threshold,
        sub_threshold=system.sub_threshold,
        train_conll=system.train_conll, seconds=time.perf_counter() - t0,
        weights={f: round(float(w), 3) for f, w in zip(FEATURES, system.model.weights,
                                                       strict=True)},
        predictions=preds)


def register(eval_app: typer.Typer) -> None:
    """Add ``sitroom eval coref`` to the eval command group."""
    from rich.console import Console
    from rich.table import Table


    def coref(
        path: PathArg,
        as_json: JsonOpt = False,
        out: OutOpt = None,
        split: Annotated[str, typer.Option("--split", help="dev (standard) or train.")] = "dev",
    ) -> None:
        """ECB+ cross-document event coreference on gold mentions: MUC, B3, CEAF-e, CoNLL F1."""
        err = Console(stderr=True, highlight=False)
        if split not in ("dev", "train", "test"):
            err.print(f"error: --split must be dev, train or test, not {split}", markup=False)
            raise typer.Exit(2)
        if not path.exists():
            err.print(f"error: {path}: no such file or folder", markup=False)
            raise typer.Exit(2)
        try:
            res = run_coref(path, split=split)
        except (EcbFormatError, OSError) as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from exc
        if out is not None:
            with open(out, "w", encoding="utf-8") as fh:
                for mid in sorted(res.predictions["full"]):
                    fh.write(json.dumps({"mention": mid, "lemma": res.predictions["lemma"][mid],
                                         "full": res.predictions["full"][mid]}) + "\n")
        con = Console(soft_wrap=True, highlight=False)
        if as_json:
            con.print_json(json.dumps(res.as_dict()))
            return
        table = Table(title=f"ECB+ {split} topics {res.topics}: {res.n_mentions} mentions, "
                            f"{res.n_gold_clusters} gold clusters (key: {res.key}), "
                            f"threshold {res.threshold}, {res.seconds:.1f}s")
        table.add_column("method")
        for col in ("MUC F1", "B3 F1", "CEAF-e F1", "CoNLL F1"):
            table.add_column(col, justify="right")
        for name, s in res.scores.items():
            table.add_row(name, *(f"{100 * s[k]:.1f}" for k in
                                  ("muc_f1", "b3_f1", "ceafe_f1", "conll_f1")))
        con.print(table)

    eval_app.command("coref")(coref)
