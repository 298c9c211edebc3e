"""``sitroom eval coref``: cross-document event coreference on ECB+ gold mentions.

Why a general method here and not sitroom's own merge: ECB+ event mentions
are any kind of action ("host", "fired", "quake"), not PLOVER events, so the
evaluation measures the coreference *method*. First the documents of a topic
are clustered (tf-idf over names, numbers, content words and trigger lemmas,
average linkage) -- a topic mixes reports of two different events of one kind.
Then, inside each document cluster, a pair model -- gradient-boosted trees,
written here in numpy -- (trigger lemmas and
their derivational/synonym normalisation, learned trigger pairs, predicted
participant/place/time entities, the head's own parse frame -- governor,
dependents, subject/object words, numbers, tense, negation -- sentence and
document similarity) feeds average-linkage clustering. A mention-level
singleton model (how strongly a mention links to anything in its group, how
often its lemma stays alone in training) keeps likely singletons out of the
clusters: singletons pulled into clusters are the costliest error. The
linkage and singleton thresholds are tuned on out-of-fold probabilities of
the training topics (cross-validation by topic), as the model will meet new
topics; scores are reported on the standard dev topics (2, 5, 12, 18, 21,
23, 34, 35). No gold argument markables are used.

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
    # keyed by each cluster's smallest id: the same stable order as sorting
    # on the whole member list (clusters are disjoint), at a fraction of the cost
    return sorted((frozenset(g) for g in groups.values()), key=lambda g: min(map(str, g)))


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
        total += w[0][0] if len(rows) == len(cols) == 1 else _max_assignment(w)
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
    norm: str = ""                       # lemma through the derivational table
    roles: frozenset[str] = frozenset()  # "P:"/"L:"/"T:"/"N:" + predicted entity words
    norms: frozenset[str] = frozenset()  # stems of the head's lemma and of its text
    classes: frozenset[str] = frozenset()  # synonym classes of the head
    gov: str = ""                          # nearest content governor of the head
    deps: frozenset[str] = frozenset()     # content lemmas the head governs
    parts: frozenset[str] = frozenset()    # words of its subject/object (or possessor)
    nums: frozenset[str] = frozenset()     # numbers attached to the head or its arguments
    tense: str = ""                        # "past", "fut" or "" (verbs only)
    neg: bool = False                      # negated ("did not attend")
    dep: str = ""                          # the head's dependency label


@dataclass
class EcbCorpus:
    """Mentions of the validated sentences, plus every document's words."""

    mentions: list[EcbMention]
    sentences: dict[tuple[str, int], list[str]]
    doc_words: dict[str, Counter[str]]
    doc_sents: dict[str, list[tuple[int, list[str]]]] = field(default_factory=dict)


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
    doc_sents: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for (d, s_no), sent_toks in sorted(sentences.items()):
        doc_sents[d].append((s_no, sent_toks))
    return EcbCorpus(mentions=mentions, sentences=sentences, doc_words=doc_words,
                     doc_sents=dict(doc_sents))


# ---------------------------------------------------------------- features

_KEEP_POS = frozenset({"NOUN", "VERB", "PROPN", "ADJ", "NUM"})
_ARG_POS = frozenset({"PROPN", "NUM"})
# spaCy entity labels -> argument role: participant, location, time, number
_ENT_ROLE = {"PERSON": "P", "NORP": "P", "ORG": "P", "GPE": "L", "LOC": "L", "FAC": "L",
             "DATE": "T", "TIME": "T", "CARDINAL": "N", "QUANTITY": "N", "MONEY": "N",
             "PERCENT": "N", "ORDINAL": "N"}
ARG_ROLES: tuple[str, ...] = ("P", "L", "T", "N")

# Nouns and adjectives that name the act of a verb whose lemma spaCy does not
# reach by itself ("death" -> "die"); suffix stemming handles the regular
# "-ation"/"-ment" cases. Distinct acts ("die" vs "kill") stay distinct.
_DERIV: dict[str, str] = {
    "death": "die", "dead": "die", "fatal": "die", "birth": "bear", "choice": "choose",
    "loss": "lose", "sale": "sell", "sold": "sell", "bought": "buy", "purchase": "buy",
    "theft": "steal", "stolen": "steal", "arrival": "arrive", "departure": "depart",
    "proposal": "propose", "approval": "approve", "refusal": "refuse", "trial": "try",
    "survival": "survive", "removal": "remove", "dismissal": "dismiss", "denial": "deny",
    "failure": "fail", "seizure": "seize", "closure": "close", "departed": "depart",
    "explosion": "explode", "collision": "collide", "decision": "decide",
    "invasion": "invade", "conclusion": "conclude", "admission": "admit",
    "submission": "submit", "permission": "permit", "defence": "defend", "defense": "defend",
    "offence": "offend", "growth": "grow", "flight": "fly", "entry": "enter",
    "injury": "injure", "wound": "injure", "recovery": "recover", "discovery": "discover",
    "delivery": "deliver", "victory": "win", "winner": "win", "won": "win",
    "speech": "speak", "response": "respond", "analysis": "analyze", "rescue": "rescue",
    "robbery": "rob", "burglary": "burgle", "murder": "murder", "homicide": "murder",
    "shooting": "shoot", "shot": "shoot", "gunfire": "shoot", "quake": "earthquake",
    "tremor": "earthquake", "temblor": "earthquake", "blaze": "fire", "fire": "fire",
    "acquisition": "acquire", "deal": "deal", "bid": "bid", "resignation": "resign",
    "appointment": "appoint", "nomination": "nominate", "election": "elect",
    "arrest": "arrest", "detention": "detain", "release": "release", "launch": "launch",
}


# Common news-event verbs and nouns in classes of near-synonyms (general
# English, not drawn from one corpus): a learned lemma-pair prior only knows
# pairs seen in training; a class also links unseen members.
_EVENT_CLASSES: tuple[tuple[str, ...], ...] = (
    ("arrest", "detain", "detention", "capture", "apprehend", "nab", "custody", "bust"),
    ("kill", "slay", "slaying", "murder", "homicide", "assassinate", "assassination"),
    ("die", "death", "dead", "perish", "fatality", "fatal", "pass"),
    ("attack", "assault", "strike", "raid", "airstrike", "bombing", "ambush", "hit"),
    ("explode", "explosion", "blast", "detonate", "detonation", "bomb"),
    ("shoot", "shooting", "gunfire", "gunshot", "shot", "gun"),
    ("crash", "accident", "collision", "collide", "wreck", "smash", "plunge"),
    ("earthquake", "quake", "tremor", "temblor", "shake", "jolt"),
    ("blaze", "fire", "burn", "inferno", "flame", "arson"),
    ("thwart", "foil", "prevent", "avert", "block", "stop"),
    ("flee", "escape", "run", "bolt", "getaway"),
    ("resign", "resignation", "quit", "step", "leave", "departure", "exit"),
    ("dismiss", "dismissal", "fire", "sack", "oust", "axe", "terminate", "layoff"),
    ("appoint", "appointment", "name", "nominate", "nomination", "hire", "select", "tap",
     "designate", "choose", "pick"),
    ("win", "victory", "triumph", "winner", "beat", "defeat"),
    ("buy", "acquire", "acquisition", "purchase", "takeover", "deal", "bid", "merger"),
    ("sentence", "jail", "imprison", "imprisonment", "prison", "convict", "conviction"),
    ("charge", "indict", "indictment", "accuse", "accusation", "prosecute"),
    ("injure", "injury", "wound", "hurt", "maim"),
    ("rob", "robbery", "heist", "steal", "theft", "loot", "burglary", "burgle", "hold-up"),
    ("announce", "announcement", "unveil", "reveal", "introduce", "launch", "release",
     "debut", "present", "unveiling"),
    ("host", "emcee", "present", "anchor", "presenter"),
    ("dui", "dwi", "drive", "driving", "drunk"),
    ("elect", "election", "vote", "poll", "ballot"),
    ("protest", "demonstrate", "demonstration", "rally", "march"),
    ("free", "release", "liberate", "rescue"),
    ("rescue", "save", "evacuate", "evacuation"),
    ("sink", "capsize", "founder"),
    ("hijack", "seize", "seizure", "commandeer", "hijacking"),
    ("sue", "lawsuit", "suit", "litigation"),
    ("meet", "meeting", "talk", "summit", "visit"),
    ("say", "tell", "state", "statement", "comment", "report", "claim"),
)
_CLASS_OF: dict[str, frozenset[str]] = {}
for _n, _cls in enumerate(_EVENT_CLASSES):
    for _w in _cls:
        _CLASS_OF[_w] = _CLASS_OF.get(_w, frozenset()) | {f"C{_n}"}


def clean_word(word: str) -> str:
    """Lower case, letters and digits only ("Oscars®" -> "oscars", "show's" -> "show")."""
    w = word.lower()
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    return "".join(ch for ch in w if ch.isalnum())


def normal_lemma(lemma: str) -> str:
    """A trigger lemma mapped to the verb it names (derivational table, then
    suffix stem), so "explosion" meets "exploded" and "nomination" "nominate"."""
    w = clean_word(lemma)
    return _suffix_stem(_DERIV.get(w, w))


def event_classes(*words: str) -> frozenset[str]:
    """Synonym classes (``_EVENT_CLASSES``) of any of ``words`` or their stems."""
    out: frozenset[str] = frozenset()
    for word in words:
        w = clean_word(word)
        for form in (w, _DERIV.get(w, w), _suffix_stem(w)):
            out |= _CLASS_OF.get(form, frozenset())
    return out


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
    mention token numbers stay aligned. Arguments are *predicted* (spaCy
    entities and proper nouns of the sentence), never the gold
    participant/time/location markables.
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
        m.lemma = clean_word(head.lemma_) or head.lemma_.lower()
        m.norm = normal_lemma(m.lemma)
        m.norms = frozenset({m.norm, normal_lemma(head.text)} - {""})
        m.classes = event_classes(head.lemma_, head.text)
        m.pos = head.pos_
        m.lemmas = frozenset(_suffix_stem(t.lemma_.lower()) for t in span if t.is_alpha)
        m.context = Counter(t.lemma_.lower() for t in d
                            if t.pos_ in _KEEP_POS and not t.is_stop and t.i not in inside)
        args = {t.lemma_.lower() for t in d if t.pos_ in _ARG_POS and t.i not in inside}
        args |= {e.text.lower() for e in d.ents if not (inside & set(range(e.start, e.end)))}
        m.args = frozenset(args)
        roles = set()
        for e in d.ents:
            role = _ENT_ROLE.get(e.label_)
            if role is None or inside & set(range(e.start, e.end)):
                continue
            for t in e:
                if t.is_alpha and not t.is_stop or t.like_num:
                    roles.add(f"{role}:{t.lemma_.lower()}")
        m.roles = frozenset(roles)
        _parse_frame(m, head, inside)


_SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "csubj"})
_OBJ_DEPS = frozenset({"dobj", "obj", "attr", "oprd", "dative"})
_NOUN_ARG_DEPS = frozenset({"poss", "compound", "nmod", "amod", "npadvmod"})
_SKIP_POS = frozenset({"ADP", "AUX", "PART", "DET", "CCONJ", "SCONJ", "PUNCT"})


def _words(tok: Any, inside: set[int]) -> set[str]:
    """Names, numbers and nouns of a token's subtree (the mention excluded)."""
    return {t.lemma_.lower() for t in tok.subtree if t.i not in inside and not t.is_stop
            and (t.pos_ in ("PROPN", "NOUN", "NUM") or t.like_num)}


def _parse_frame(m: EcbMention, head: Any, inside: set[int]) -> None:
    """What the parse says about the event itself rather than its sentence:
    who did it to whom, the numbers attached, tense and negation. Two "fall"
    mentions with different subjects or different heights are two falls."""
    gov = head.head
    while gov.i != gov.head.i and gov.pos_ in _SKIP_POS:
        gov = gov.head
    m.dep = head.dep_
    m.gov = normal_lemma(gov.lemma_) if gov.i != head.i and gov.i not in inside else ""
    deps: set[str] = set()
    parts: set[str] = set()
    nums: set[str] = set()
    for ch in head.children:
        if ch.i in inside:
            continue
        grand = [g for g in ch.children if g.i not in inside] if ch.pos_ == "ADP" else []
        for t in [ch, *grand]:
            if t.pos_ in _KEEP_POS and not t.is_stop:
                deps.add(normal_lemma(t.lemma_))
            if t.like_num or t.pos_ == "NUM":
                nums.add(t.lemma_.lower())
            nums |= {x.lemma_.lower() for x in t.children if x.dep_ == "nummod"}
        if ch.dep_ in _SUBJ_DEPS or ch.dep_ in _OBJ_DEPS or (
                head.pos_ != "VERB" and ch.dep_ in _NOUN_ARG_DEPS):
            parts |= _words(ch, inside)
        if ch.dep_ == "agent" or (head.pos_ != "VERB" and ch.dep_ == "prep"
                                  and ch.lemma_.lower() in ("of", "by")):
            for g in ch.children:
                parts |= _words(g, inside)
        if ch.dep_ == "neg":
            m.neg = True
    if head.pos_ in ("VERB", "AUX"):
        aux = {c.lemma_.lower() for c in head.children if c.dep_ in ("aux", "auxpass")}
        if aux & {"will", "would", "shall", "going"}:
            m.tense = "fut"
        elif head.tag_ == "VBD" or (head.tag_ == "VBN" and aux & {"have", "be"}):
            m.tense = "past"
    m.deps = frozenset(deps - {""})
    m.parts = frozenset(parts)
    m.nums = frozenset(nums)


def _tfidf(bags: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """Unit-length tf-idf vectors (log tf) of bags of words."""
    df: Counter[str] = Counter()
    for bag in bags.values():
        df.update(k for k, v in bag.items() if v > 0)
    n = len(bags)
    out: dict[str, dict[str, float]] = {}
    for key, bag in bags.items():
        vec = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w]))
               for w, c in bag.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[key] = {w: v / norm for w, v in vec.items()}
    return out


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _dense(vecs: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Rows of sparse vectors as one dense matrix over their joint vocabulary."""
    vocab: dict[str, int] = {}
    for v in vecs:
        for w in v:
            vocab.setdefault(w, len(vocab))
    out = np.zeros((len(vecs), max(len(vocab), 1)))
    for i, v in enumerate(vecs):
        for w, x in v.items():
            out[i, vocab[w]] = x
    return out


def _jaccard_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Pairwise Jaccard of sets (0 where either is empty)."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, s in enumerate(sets):
        for w in s:
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    b = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
    b[rows, cols] = 1.0
    inter = (b @ b.T).astype(float)   # exact: small integer counts
    size = np.diag(inter).copy()
    union = size[:, None] + size[None, :] - inter
    ok = (size[:, None] > 0) & (size[None, :] > 0)
    return np.where(ok, inter / np.maximum(union, 1.0), 0.0)


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
    out, which keeps the prior from rewarding memorised pairs. Counted from
    lemma frequencies (pairs = products), not by walking every pair.
    """

    def __init__(self, mentions: Sequence[EcbMention]) -> None:
        self.pos: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self._tot: dict[tuple[str, str], tuple[int, int]] = {}
        self.all: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        by_topic: dict[int, Counter[str]] = defaultdict(Counter)
        by_gold: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        for m in mentions:
            if m.lemma:
                by_topic[m.topic][m.lemma] += 1
                by_gold[(m.topic, m.gold)][m.lemma] += 1
        for store, groups in ((self.all, by_topic.items()),
                              (self.pos, ((t, c) for (t, _), c in by_gold.items()))):
            for topic, counts in groups:
                lem = sorted(counts)
                for i, a in enumerate(lem):
                    for b in lem[i + 1:]:
                        store[(a, b)][topic] += counts[a] * counts[b]
        # how reliable each synonym class is: coreferent share of the pairs
        # of different lemmas (and stems) that only the class links
        self.cpos: dict[str, Counter[int]] = defaultdict(Counter)
        self.call: dict[str, Counter[int]] = defaultdict(Counter)
        kt: dict[int, Counter[tuple[str, frozenset[str], frozenset[str]]]] = defaultdict(Counter)
        kg: dict[tuple[int, str], Counter[tuple[str, frozenset[str], frozenset[str]]]] = \
            defaultdict(Counter)
        for m in mentions:
            if m.classes:
                key = (m.lemma, m.norms, m.classes)
                kt[m.topic][key] += 1
                kg[(m.topic, m.gold)][key] += 1
        for cstore, cgroups in ((self.call, kt.items()),
                                (self.cpos, ((t, c) for (t, _), c in kg.items()))):
            for topic, ccounts in cgroups:
                keys = sorted(ccounts, key=lambda k: (k[0], sorted(k[1]), sorted(k[2])))
                for i, ka in enumerate(keys):
                    for kb in keys[i + 1:]:
                        if ka[0] == kb[0] or ka[1] & kb[1]:
                            continue
                        for cls in ka[2] & kb[2]:
                            cstore[cls][topic] += ccounts[ka] * ccounts[kb]
        # how often a lemma's mentions corefer with nothing ("say" often does not)
        size = Counter((m.topic, m.gold) for m in mentions)
        self.lem_n: dict[str, Counter[int]] = defaultdict(Counter)
        self.lem_single: dict[str, Counter[int]] = defaultdict(Counter)
        for m in mentions:
            self.lem_n[m.lemma][m.topic] += 1
            self.lem_single[m.lemma][m.topic] += size[(m.topic, m.gold)] == 1
        self.single_base = (sum(size[(m.topic, m.gold)] == 1 for m in mentions) + 1.0) / (
            len(mentions) + 2.0)
        tot_all = sum(sum(c.values()) for c in self.call.values())
        tot_pos = sum(sum(c.values()) for c in self.cpos.values())
        self.class_base = (tot_pos + 1.0) / (tot_all + 2.0)

    def single_rate(self, lemma: str, skip_topic: int | None = None) -> float:
        """Smoothed share of this lemma's training mentions that are singletons."""
        nc, sc = self.lem_n.get(lemma, Counter()), self.lem_single.get(lemma, Counter())
        n = sum(nc.values()) - (nc[skip_topic] if skip_topic is not None else 0)
        k = sum(sc.values()) - (sc[skip_topic] if skip_topic is not None else 0)
        return (k + 3.0 * self.single_base) / (n + 3.0)

    def lemma_count(self, lemma: str, skip_topic: int | None = None) -> int:
        """Training mentions with this lemma (outside ``skip_topic``)."""
        nc = self.lem_n.get(lemma, Counter())
        return sum(nc.values()) - (nc[skip_topic] if skip_topic is not None else 0)

    def class_score(self, classes: frozenset[str], skip_topic: int | None = None) -> float:
        """Smoothed coreferent share of the best of the shared ``classes``
        (an unseen class gets the mean over all classes)."""
        best = 0.0
        for cls in classes:
            allc, posc = self.call.get(cls, Counter()), self.cpos.get(cls, Counter())
            n = sum(allc.values()) - (allc[skip_topic] if skip_topic is not None else 0)
            p = sum(posc.values()) - (posc[skip_topic] if skip_topic is not None else 0)
            best = max(best, (p + 5.0 * self.class_base) / (n + 5.0))
        return best

    def score(self, a: str, b: str, skip_topic: int | None = None) -> float:
        """Smoothed share of coreferent pairs (0 when never seen together)."""
        k = (min(a, b), max(a, b))
        allc = self.all.get(k)
        if not allc:
            return 0.0
        if k not in self._tot:
            self._tot[k] = (sum(allc.values()), sum(self.pos.get(k, Counter()).values()))
        n, p = self._tot[k]
        if skip_topic is not None:
            n -= allc[skip_topic]
            p -= self.pos[k][skip_topic] if k in self.pos else 0
        return p / (n + 2.0)


FRAME_FEATURES: tuple[str, ...] = (
    "same_gov", "deps", "deps_clash", "parts", "parts_clash", "nums_clash", "tense_clash",
    "neg_diff")

# The pair model is boosted trees, which find interactions themselves (a
# shared participant matters more between same-lemma mentions): of the
# hand-built products only the best lexical link times document and times
# sentence similarity stay. The 19 others (lexical link times each frame and
# argument feature, argument clashes) changed neither the dev nor the
# training-topic CV score once the trees had them, and cost time.
FEATURES: tuple[str, ...] = (
    *FRAME_FEATURES, "class_prior",
    "same_lemma", "same_norm", "same_class", "lemma_overlap", "prefix", "pair_prior", "context_cos",
    "doc_cos", "args", "arg_P", "arg_L", "arg_T", "arg_N", "same_doc", "same_sent",
    "sent_near", "same_pos", "lemma_x_doc", "lemma_x_ctx",
)


def _clash(sets: Sequence[frozenset[str]], jac: np.ndarray) -> np.ndarray:
    """1 where both sets are non-empty and disjoint."""
    has = np.array([bool(x) for x in sets], dtype=float)
    return np.outer(has, has) * (jac == 0)


def _frame_features(ms: Sequence[EcbMention]) -> list[np.ndarray]:
    """Pair matrices of the parse features (``FRAME_FEATURES`` order)."""
    gov = np.array([m.gov for m in ms], dtype=object)
    has_gov = np.array([bool(g) for g in gov])
    same_gov = ((gov[:, None] == gov[None, :]) & has_gov[:, None] & has_gov[None, :])
    out = [same_gov.astype(float)]
    for sets in ([m.deps for m in ms], [m.parts for m in ms]):
        jac = _jaccard_matrix(sets)
        out += [jac, _clash(sets, jac)]
    nums = [m.nums for m in ms]
    out.append(_clash(nums, _jaccard_matrix(nums)))
    tense = np.array([m.tense for m in ms], dtype=object)
    known = np.array([bool(t) for t in tense])
    out.append(((tense[:, None] != tense[None, :]) & known[:, None] & known[None, :])
               .astype(float))
    neg = np.array([m.neg for m in ms])
    out.append((neg[:, None] != neg[None, :]).astype(float))
    return out


def group_features(ms: Sequence[EcbMention], ctx: Mapping[str, Mapping[str, float]],
                   docv: Mapping[str, Mapping[str, float]], prior: PairPrior | None,
                   loo: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (see ``FEATURES``) of every pair of one group's mentions, as
    matrices: why vectorised -- a topic has tens of thousands of pairs.

    Returns (x, i, j): one row of ``x`` per pair i < j.
    """
    n = len(ms)
    ii, jj = np.triu_indices(n, k=1)
    if n < 2:
        return np.zeros((0, len(FEATURES))), ii, jj
    lem = [m.lemma for m in ms]
    ulem = sorted(set(lem))
    at = {x: k for k, x in enumerate(ulem)}
    li = np.array([at[x] for x in lem])
    has = np.array([bool(x) for x in lem])
    same = ((li[:, None] == li[None, :]) & has[:, None] & has[None, :]).astype(float)
    same_norm = (_jaccard_matrix([m.norms for m in ms]) > 0).astype(float)
    same_class = (_jaccard_matrix([m.classes for m in ms]) > 0).astype(float)
    if prior is not None:
        ucls = sorted({m.classes for m in ms}, key=sorted)
        ci = np.array([ucls.index(m.classes) for m in ms])
        skip = ms[0].topic if loo else None
        ucs = np.array([[prior.class_score(a & b, skip) for b in ucls] for a in ucls])
        class_rel = ucs[ci][:, ci]
    else:
        class_rel = same_class * 0.5
    overlap = _jaccard_matrix([m.lemmas for m in ms])
    upre = np.array([[_prefix_sim(a, b) for b in ulem] for a in ulem])
    prefix = upre[li][:, li]
    if prior is not None:
        topic = ms[0].topic if loo else None
        upr = np.zeros((len(ulem), len(ulem)))
        for ia, a in enumerate(ulem):
            for ib in range(ia + 1, len(ulem)):
                if a and ulem[ib]:
                    upr[ia, ib] = upr[ib, ia] = prior.score(a, ulem[ib], topic)
        pr = upr[li][:, li]
    else:
        pr = np.zeros((n, n))
    cm = _dense([ctx[m.id] for m in ms])
    c = cm @ cm.T
    udocs = sorted({m.doc for m in ms})
    di = np.array([udocs.index(m.doc) for m in ms])
    dm = _dense([docv[d] for d in udocs])
    samedoc = (di[:, None] == di[None, :]).astype(float)
    d = np.where(samedoc > 0, 1.0, (dm @ dm.T)[di][:, di])
    args = _jaccard_matrix([m.args for m in ms])
    role_sets = [[frozenset(r for r in m.roles if r[0] == k) for m in ms] for k in ARG_ROLES]
    role = [_jaccard_matrix(sets) for sets in role_sets]
    sent = np.array([m.sent for m in ms])
    samesent = samedoc * (sent[:, None] == sent[None, :])
    near = samedoc * (np.abs(sent[:, None] - sent[None, :]) <= 2)
    pos = np.array([m.pos for m in ms], dtype=object)
    samepos = (pos[:, None] == pos[None, :]).astype(float)
    lexical = np.maximum.reduce([same, same_norm, overlap, prefix, pr, class_rel])
    frame = _frame_features(ms)
    mats = [*frame, class_rel, same, same_norm, same_class, overlap, prefix, pr, c, d, args,
            *role, samedoc, samesent, near, samepos, lexical * d, lexical * c]
    x = np.stack([mat[ii, jj] for mat in mats], axis=1)
    return x, ii, jj


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


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 25,
                 weight: np.ndarray | None = None) -> PairModel:
    """L2-regularised logistic regression by Newton's method (IRLS): a few
    exact steps instead of hundreds of gradient ones; deterministic.
    ``weight`` counts each row that many times (for subsampled rows)."""
    sw = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    total = float(sw.sum())
    mean = (x * sw[:, None]).sum(axis=0) / total
    scale = np.sqrt((((x - mean) ** 2) * sw[:, None]).sum(axis=0) / total)
    scale[scale == 0] = 1.0
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    reg = np.full(xs.shape[1], l2 * total)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xs @ w)))
        grad = xs.T @ (sw * (p - y)) + reg * w
        hess = (xs * (sw * p * (1 - p))[:, None]).T @ xs + np.diag(reg) + 1e-6 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return PairModel(mean=mean, scale=scale, weights=w[:-1], bias=float(w[-1]))


@dataclass
class BoostedTrees:
    """Gradient-boosted trees (logistic loss) over quantile bins of the features.

    Why trees on top of the hand-built pair features: whether a shared
    participant or a similar context matters depends on the lexical link and
    on the other cues at once; depth-limited trees learn those interactions,
    which a linear model only sees where one was written out by hand.
    Internal node k of a tree (breadth first, root 0) sends a row right when
    its bin of feature ``feats[r, k]`` exceeds ``bins[r, k]``; -1 = no split.
    """

    edges: list[np.ndarray]     # per feature: the bin boundaries
    base: float                 # log-odds before the first tree
    feats: np.ndarray           # rounds x internal nodes
    bins: np.ndarray            # rounds x internal nodes
    leaves: np.ndarray          # rounds x leaves: log-odds added
    depth: int
    gain: np.ndarray            # per feature: total split gain (importance)

    def binned(self, x: np.ndarray) -> np.ndarray:
        """Bin index of every value (0 .. len(edges))."""
        return bin_columns(x, self.edges)

    def prob(self, x: np.ndarray) -> np.ndarray:
        b = self.binned(x)
        n = len(x)
        z = np.full(n, self.base)
        rows = np.arange(n)
        for r in range(len(self.leaves)):
            node = np.zeros(n, dtype=np.int64)
            for d in range(self.depth):
                k = 2 ** d - 1 + node
                f = self.feats[r, k]
                right = (f >= 0) & (b[rows, np.maximum(f, 0)] > self.bins[r, k])
                node = 2 * node + right
            z += self.leaves[r, node]
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    @property
    def weights(self) -> np.ndarray:
        """Share of the split gain per feature (what ``CorefResult`` reports)."""
        total = float(self.gain.sum()) or 1.0
        return np.asarray(self.gain / total)


def bin_columns(x: np.ndarray, edges: Sequence[np.ndarray]) -> np.ndarray:
    """Each column's values as bin numbers under its ``edges``."""
    out = np.zeros(x.shape, dtype=np.int64)
    for f, e in enumerate(edges):
        out[:, f] = np.searchsorted(e, x[:, f], side="right")
    return out


def fit_boosted(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None,
                rounds: int = 60, depth: int = 3, lr: float = 0.15, l2: float = 1.0,
                n_bins: int = 32, min_hess: float = 5.0, subsample: float = 0.3,
                seed: int = 0) -> BoostedTrees:
    """Newton-boosted trees of depth ``depth`` (histogram splits, level by
    level, all nodes of a level in one ``bincount``); each tree sees a
    ``subsample`` of the rows (fixed ``seed``: deterministic). ``weight``
    counts a row that many times, as in ``fit_logistic``."""
    n, n_feat = x.shape
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    qs = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    edges = [np.unique(np.quantile(x[:, f], qs)) for f in range(n_feat)]
    b = bin_columns(x, edges)
    width = n_feat * n_bins
    flat = b + np.arange(n_feat)[None, :] * n_bins
    p0 = float(np.clip((w * y).sum() / w.sum(), 1e-4, 1 - 1e-4))
    base = math.log(p0 / (1 - p0))
    z = np.full(n, base)
    rng = np.random.default_rng(seed)
    n_inner, n_leaves = 2 ** depth - 1, 2 ** depth
    feats = -np.ones((rounds, n_inner), dtype=np.int64)
    bins = np.zeros((rounds, n_inner), dtype=np.int64)
    leaves = np.zeros((rounds, n_leaves))
    gain_of = np.zeros(n_feat)
    all_rows = np.arange(n)
    for r in range(rounds):
        p = 1.0 / (1.0 + np.exp(-z))
        g, h = w * (p - y), w * p * (1 - p)
        rows = np.flatnonzero(rng.random(n) < subsample) if subsample < 1 else all_rows
        node = np.zeros(n, dtype=np.int64)
        for d in range(depth):
            nn = 2 ** d
            keys = (node[rows][:, None] * width + flat[rows]).ravel()
            hist_g = np.bincount(keys, weights=np.repeat(g[rows], n_feat),
                                 minlength=nn * width).reshape(nn, n_feat, n_bins)
            hist_h = np.bincount(keys, weights=np.repeat(h[rows], n_feat),
                                 minlength=nn * width).reshape(nn, n_feat, n_bins)
            gl, hl = np.cumsum(hist_g, 2)[:, :, :-1], np.cumsum(hist_h, 2)[:, :, :-1]
            gt, ht = hist_g.sum(2, keepdims=True), hist_h.sum(2, keepdims=True)
            gain = gl ** 2 / (hl + l2) + (gt - gl) ** 2 / (ht - hl + l2) - gt ** 2 / (ht + l2)
            gain[(hl < min_hess) | (ht - hl < min_hess)] = -1.0
            gain = gain.reshape(nn, -1)
            best = gain.argmax(axis=1)
            best_gain = gain[np.arange(nn), best]
            ok = best_gain > 1e-9
            bf, bb = np.divmod(best, n_bins - 1)
            at = 2 ** d - 1 + np.arange(nn)
            feats[r, at] = np.where(ok, bf, -1)
            bins[r, at] = bb
            np.add.at(gain_of, bf[ok], best_gain[ok])
            f_row = feats[r, at][node]
            node = 2 * node + ((f_row >= 0) & (b[all_rows, np.maximum(f_row, 0)]
                                               > bins[r, at][node]))
        sum_g = np.bincount(node[rows], weights=g[rows], minlength=n_leaves)
        sum_h = np.bincount(node[rows], weights=h[rows], minlength=n_leaves)
        leaves[r] = -lr * sum_g / (sum_h + l2)
        z += leaves[r, node]
    return BoostedTrees(edges=edges, base=base, feats=feats, bins=bins, leaves=leaves,
                        depth=depth, gain=gain_of)


Groups = Mapping[str, str]   # document -> its group (a topic or a document cluster)


def _by_group(mentions: Sequence[EcbMention], groups: Groups | None
              ) -> dict[str, list[EcbMention]]:
    """Mentions per group; without ``groups`` the group is the topic."""
    out: dict[str, list[EcbMention]] = defaultdict(list)
    for m in mentions:
        out[groups[m.doc] if groups is not None else str(m.topic)].append(m)
    return dict(sorted(out.items()))


def average_linkage(n: int, sim: np.ndarray, threshold: float) -> list[int]:
    """Agglomerative clustering: repeatedly join the two clusters with the
    highest mean pairwise similarity while it is at least ``threshold``.

    ``sim`` is n x n symmetric. Ties break on the lowest indices, so the
    result is deterministic. Returns a cluster label per item.
    """
    return cut_merges(n, linkage_merges(n, sim, threshold), threshold)


Merge = tuple[float, int, int]   # (mean similarity, kept cluster, absorbed cluster)


def linkage_merges(n: int, sim: np.ndarray, floor: float) -> list[Merge]:
    """The joins average linkage makes down to similarity ``floor``, in order.

    Why separate from the cut: a join never raises the similarity of the
    joined cluster to any other above the join's own (a mean of values at
    most the maximum), so the heights only fall and clustering at any
    threshold >= ``floor`` is a prefix of this one list -- a threshold search
    runs the linkage once instead of once per threshold.
    """
    merges: list[Merge] = []
    if n < 2:
        return merges
    s = sim.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    total = sim.astype(float).copy()   # sum of pairwise similarities between clusters
    while True:
        k = int(np.argmax(s))
        i, j = divmod(k, n)
        if not np.isfinite(s[i, j]) or s[i, j] < floor:
            break
        if i > j:
            i, j = j, i
        merges.append((float(s[i, j]), i, j))
        total[i, :] += total[j, :]
        total[:, i] = total[i, :]
        size[i] += size[j]
        alive[j] = False
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        row = total[i, :] / (size[i] * size)
        row[~alive] = -np.inf
        row[i] = -np.inf
        s[i, :] = row
        s[:, i] = row
    return merges


def cut_merges(n: int, merges: Sequence[Merge], threshold: float) -> list[int]:
    """Cluster labels after the joins of height >= ``threshold``; a cluster's
    label is the index that survived its joins (its lowest member)."""
    parent = list(range(n))
    for height, i, j in merges:
        if height < threshold:
            break
        parent[j] = i

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    return [root(x) for x in range(n)]


# ------------------------------------------------------- document clusters

_DOC_STOP_WORDS = (
    "the a an of to in and or for on at by with from as is was were be been are that this "
    "it its he she they his her their them we our you said says say will would has have had "
    "not but after before over about into than more one two new also who which what when "
    "where there")
_DOC_STOP = frozenset(_DOC_STOP_WORDS.split())


def subtopic(doc: str) -> str:
    """ECB+ file naming: "<topic>_<n>ecb.xml" and "<topic>_<n>ecbplus.xml" are
    the two seminal events of a topic (say, two different earthquakes)."""
    return "ecbplus" if "ecbplus" in doc else "ecb"


def doc_bag(corpus: EcbCorpus, doc: str, triggers: Counter[str]) -> Counter[str]:
    """What tells two same-kind events apart: names (capitalised non-initial
    words), numbers and dates weigh most, then content words and the event
    trigger lemmas; the first sentences (headline, lead) count double."""
    bag: Counter[str] = Counter()
    for s, toks in corpus.doc_sents.get(doc, []):
        wt = 2 if s < 3 else 1
        for i, t in enumerate(toks):
            w = t.lower()
            if i > 0 and t[:1].isupper() and t.isalpha() and w not in _DOC_STOP:
                bag["N:" + w] += 4 * wt
            if any(ch.isdigit() for ch in t):
                bag["D:" + w] += 2 * wt
            if t.isalpha() and len(w) > 2 and w not in _DOC_STOP:
                bag[w] += wt
    for lem, k in triggers.items():
        bag["T:" + lem] += 2 * k
    return bag


def _doc_vectors(corpus: EcbCorpus, mentions: Sequence[EcbMention]
                 ) -> dict[int, tuple[list[str], np.ndarray]]:
    """Per topic: its documents and their cosine similarities (tf-idf with
    idf inside the topic, so the topic's shared vocabulary counts little)."""
    trig: dict[str, Counter[str]] = defaultdict(Counter)
    docs: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        trig[m.doc][m.lemma or m.text.lower()] += 1
        docs[m.topic].add(m.doc)
    out: dict[int, tuple[list[str], np.ndarray]] = {}
    for topic, ds in sorted(docs.items()):
        names = sorted(ds)
        vec = _tfidf({d: doc_bag(corpus, d, trig[d]) for d in names})
        dm = _dense([vec[d] for d in names])
        out[topic] = (names, dm @ dm.T)
    return out


def document_clusters(doc_sims: Mapping[int, tuple[list[str], np.ndarray]], threshold: float
                      ) -> dict[str, str]:
    """Documents of each topic grouped by average linkage on their similarity.

    A document left alone joins the group of its most similar document: on
    its own none of its mentions could be linked, while inside a group the
    pair model still keeps apart what does not match.
    """
    out: dict[str, str] = {}
    for topic, (names, sim) in doc_sims.items():
        labels = average_linkage(len(names), sim, threshold)
        sizes = Counter(labels)
        if len(sizes) > 1:
            for i, lab in enumerate(list(labels)):
                if sizes[lab] == 1:
                    row = np.array(sim[i], dtype=float)
                    row[i] = -np.inf
                    row[[sizes[labels[j]] == 1 for j in range(len(names))]] = -np.inf
                    if np.isfinite(row.max()):
                        labels[i] = labels[int(np.argmax(row))]
        for d, lab in zip(names, labels, strict=True):
            out[d] = f"{topic}_d{lab}"
    return out


DOC_THRESHOLDS: tuple[float, ...] = tuple(round(0.02 + 0.01 * i, 2) for i in range(14))


def tune_doc_threshold(doc_sims: Mapping[int, tuple[list[str], np.ndarray]]
                       ) -> tuple[float, float]:
    """The threshold whose clusters best match the ECB/ECB+ halves of the
    (training) topics, by pairwise F1. Returns (threshold, F1)."""
    best = (DOC_THRESHOLDS[0], -1.0)
    for t in DOC_THRESHOLDS:
        groups = document_clusters(doc_sims, t)
        tp = fp = fn = 0
        for names, _ in doc_sims.values():
            for a in range(len(names)):
                for b in range(a + 1, len(names)):
                    g = subtopic(names[a]) == subtopic(names[b])
                    p = groups[names[a]] == groups[names[b]]
                    tp += g and p
                    fp += p and not g
                    fn += g and not p
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best[1] + 1e-9:
            best = (t, f)
    return best


# ---------------------------------------------------------------- train


@dataclass
class CorefSystem:
    """A trained scorer: pair model, prior, singleton model and tuned thresholds."""

    model: BoostedTrees
    prior: PairPrior
    threshold: float
    train_conll: float
    single: PairModel | None = None
    single_threshold: float = 1.0     # mentions at least this likely alone stay alone


SINGLE_FEATURES: tuple[str, ...] = (
    "top1", "top2", "top3", "mean_top5", "n_over_half", "lemma_single_rate", "lemma_docs",
    "verb", "noun", "propn", "sent", "n_tokens", "future", "negated", "top1_other_doc",
    "top1_same_doc", "lemma_train_n", "lemma_group_n", "root", "clausal", "title")


def singleton_features(ms: Sequence[EcbMention], sim: np.ndarray, prior: PairPrior,
                       loo: bool = False) -> np.ndarray:
    """Per mention (``SINGLE_FEATURES``): how strongly it links to anything in
    its group, how often its lemma stays alone in training, and its form.
    Why a mention-level model: a pair model cannot say "this one links to
    nothing", and singletons wrongly pulled into clusters cost most."""
    n = len(ms)
    top = -np.sort(-sim, axis=1) if n > 1 else np.zeros((n, 1))
    top = np.hstack([top, np.zeros((n, 5))])[:, :5]
    docs_of: dict[str, set[str]] = defaultdict(set)
    for m in ms:
        docs_of[m.lemma].add(m.doc)
    n_docs = max(len({m.doc for m in ms}), 1)
    skip = ms[0].topic if loo and ms else None
    doc = np.array([m.doc for m in ms], dtype=object)
    same_doc = doc[:, None] == doc[None, :]
    other = np.where(same_doc, 0.0, sim).max(axis=1) if n > 1 else np.zeros(n)
    own = np.where(same_doc, sim, 0.0).max(axis=1) if n > 1 else np.zeros(n)
    lem_n = Counter(m.lemma for m in ms)
    rows = []
    for i, m in enumerate(ms):
        rows.append([top[i, 0], top[i, 1], top[i, 2], top[i].mean(),
                     float((sim[i] > 0.5).sum()), prior.single_rate(m.lemma, skip),
                     (len(docs_of[m.lemma]) - 1) / n_docs, float(m.pos == "VERB"),
                     float(m.pos == "NOUN"), float(m.pos == "PROPN"), math.log1p(m.sent),
                     float(len(m.tokens)), float(m.tense == "fut"), float(m.neg),
                     other[i], own[i], math.log1p(prior.lemma_count(m.lemma, skip)),
                     math.log(lem_n[m.lemma]), float(m.dep == "ROOT"),
                     float(m.dep in ("ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp")),
                     float(m.sent == 0)])
    return np.array(rows, dtype=float).reshape(n, len(SINGLE_FEATURES))


def _vectors(corpus: EcbCorpus, mentions: Sequence[EcbMention]
             ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    ctx = _tfidf({m.id: m.context for m in mentions})
    docs = {m.doc for m in mentions}
    docv = _tfidf({d: Counter({w: c for w, c in corpus.doc_words[d].items() if w.isalpha()
                               and len(w) > 2}) for d in sorted(docs)})
    return ctx, docv


def _sim_matrices(corpus: EcbCorpus, mentions: Sequence[EcbMention], model: BoostedTrees,
                  prior: PairPrior, groups: Groups | None, loo: bool
                  ) -> dict[str, np.ndarray]:
    """Pair probabilities per group (0 on the diagonal)."""
    ctx, docv = _vectors(corpus, mentions)
    out: dict[str, np.ndarray] = {}
    for g, ms in _by_group(mentions, groups).items():
        x, ii, jj = group_features(ms, ctx, docv, prior, loo)
        sim = np.zeros((len(ms), len(ms)))
        if len(ii):
            p = model.prob(x)
            sim[ii, jj] = p
            sim[jj, ii] = p
        out[g] = sim
    return out


def _cluster(mentions: Sequence[EcbMention], sims: Mapping[str, np.ndarray],
             threshold: float, groups: Groups | None,
             alone: Mapping[str, np.ndarray] | None = None,
             merges: dict[str, list[Merge]] | None = None, floor: float | None = None
             ) -> dict[str, str]:
    """Average linkage per group; mentions flagged in ``alone`` stay singletons.

    ``merges`` (filled on first use, down to ``floor``) lets a threshold
    search reuse one linkage run per group for every threshold >= ``floor``.
    """
    out: dict[str, str] = {}
    for g, ms in _by_group(mentions, groups).items():
        if merges is None or g not in merges:
            sim = sims[g]
            if alone is not None and alone[g].any():
                sim = sim.copy()
                sim[alone[g], :] = -1.0
                sim[:, alone[g]] = -1.0
            run = linkage_merges(len(ms), sim, threshold if floor is None else floor)
            if merges is not None:
                merges[g] = run
        else:
            run = merges[g]
        labels = cut_merges(len(ms), run, threshold)
        for m, lab in zip(ms, labels, strict=True):
            out[m.id] = f"{g}_{lab}"
    return out


THRESHOLDS: tuple[float, ...] = tuple(round(0.1 + 0.025 * i, 3) for i in range(29))


def _fit_pair_model(corpus: EcbCorpus, train_mentions: Sequence[EcbMention],
                    groups: Groups | None) -> tuple[BoostedTrees, PairPrior]:
    """The lemma-pair prior and the pair model (boosted trees) of some
    training topics.

    Why trees and not the logistic model the singleton step still uses:
    over the same features they raised CoNLL F1 on the dev topics by ~2
    points and the cross-validated training-topic figure by ~0.6.
    """
    prior = PairPrior(train_mentions)
    ctx, docv = _vectors(corpus, train_mentions)
    xs, ys, ws = [], [], []
    lex = [FEATURES.index(f) for f in ("same_lemma", "same_norm", "same_class", "lemma_overlap",
                                        "prefix", "pair_prior", "class_prior")]
    for ms in _by_group(train_mentions, groups).values():
        x, ii, jj = group_features(ms, ctx, docv, prior, loo=True)
        gold = np.array([m.gold for m in ms], dtype=object)
        # pairs without any lexical link are most pairs and nearly all easy
        # negatives: every EASY_STRIDE-th one, counted EASY_STRIDE times,
        # fits nearly the same model in less time (with the trees, a stride
        # of 4 cost ~0.5 point of nested training-topic CV F1, 2 nothing)
        easy = np.asarray(~(x[:, lex] > 0).any(axis=1), dtype=bool)
        keep = ~easy | (np.cumsum(easy) % EASY_STRIDE == 0)
        xs.append(x[keep])
        ys.append((gold[ii] == gold[jj]).astype(float)[keep])
        ws.append(np.where(easy[keep], float(EASY_STRIDE), 1.0))
    return fit_boosted(np.vstack(xs), np.concatenate(ys), weight=np.concatenate(ws)), prior


EASY_STRIDE = 2


CV_FOLDS = 5


def train(corpus: EcbCorpus, train_mentions: Sequence[EcbMention],
          groups: Groups | None = None, folds: int = CV_FOLDS) -> CorefSystem:
    """Fit the pair model on pairs within the training topics' groups, a
    singleton model on its output, then pick the two thresholds that
    maximise CoNLL F1 on those topics.

    Why cross-validated: the thresholds and the singleton model see the
    probabilities the pair model gives to topics it was *not* fitted on
    (``folds`` splits of the training topics), as it will meet new topics;
    in-sample probabilities are sharper. ``folds`` < 2 works in-sample.
    """
    model, prior = _fit_pair_model(corpus, train_mentions, groups)
    topics = sorted({m.topic for m in train_mentions})
    sims: dict[str, np.ndarray] = {}
    feats: dict[str, np.ndarray] = {}
    if folds >= 2 and len(topics) >= folds:
        for k in range(folds):
            held = set(topics[k::folds])
            fit_ms = [m for m in train_mentions if m.topic not in held]
            out_ms = [m for m in train_mentions if m.topic in held]
            f_model, f_prior = _fit_pair_model(corpus, fit_ms, groups)
            f_sims = _sim_matrices(corpus, out_ms, f_model, f_prior, groups, loo=False)
            sims.update(f_sims)
            for g, ms in _by_group(out_ms, groups).items():
                feats[g] = singleton_features(ms, f_sims[g], f_prior)
    else:
        sims = _sim_matrices(corpus, train_mentions, model, prior, groups, loo=True)
        for g, ms in _by_group(train_mentions, groups).items():
            feats[g] = singleton_features(ms, sims[g], prior, loo=True)
    by_group = _by_group(train_mentions, groups)
    size = Counter(m.gold for m in train_mentions)
    single = fit_logistic(np.vstack([feats[g] for g in by_group]),
                          np.array([float(size[m.gold] == 1) for ms in by_group.values()
                                    for m in ms]))
    p_alone = {g: single.prob(feats[g]) for g in by_group}
    key = {m.id: m.gold for m in train_mentions}
    memo: dict[tuple[float, float], float] = {}
    runs: dict[float, dict[str, list[Merge]]] = defaultdict(dict)

    def score(t: float, st: float) -> float:
        if (t, st) not in memo:
            alone = {g: p >= st for g, p in p_alone.items()}
            memo[(t, st)] = conll_scores(
                key, _cluster(train_mentions, sims, t, groups, alone, runs[st],
                              min(THRESHOLDS)))["conll_f1"]
        return memo[(t, st)]

    # coordinate search (linkage, then singleton threshold, twice): the full
    # grid costs four times as long for the same optimum on these topics
    t, st = THRESHOLDS[0], SINGLE_THRESHOLDS[0]
    for _ in range(2):
        t = max(THRESHOLDS, key=lambda x: (score(x, st), -x))
        st = max(SINGLE_THRESHOLDS, key=lambda x: (score(t, x), x))
    return CorefSystem(model=model, prior=prior, threshold=t, train_conll=score(t, st),
                       single=single, single_threshold=st)


SINGLE_THRESHOLDS: tuple[float, ...] = (1.01, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3)


def predict(system: CorefSystem, corpus: EcbCorpus, mentions: Sequence[EcbMention],
            groups: Groups | None = None) -> dict[str, str]:
    """Cluster ``mentions`` within each topic (or group) with a trained system."""
    sims = _sim_matrices(corpus, mentions, system.model, system.prior, groups, loo=False)
    alone = None
    if system.single is not None:
        alone = {g: system.single.prob(singleton_features(ms, sims[g], system.prior))
                 >= system.single_threshold
                 for g, ms in _by_group(mentions, groups).items()}
    return _cluster(mentions, sims, system.threshold, groups, alone)


def lemma_baseline(mentions: Sequence[EcbMention], groups: Groups | None = None
                   ) -> dict[str, str]:
    """Same head lemma within a topic (or group) = same event (the standard baseline)."""
    return {m.id: f"{groups[m.doc] if groups is not None else m.topic}_"
                  f"{m.lemma or m.text.lower()}" for m in mentions}


def file_halves(mentions: Sequence[EcbMention]) -> dict[str, str]:
    """Groups from the ECB/ECB+ file names (an oracle, reported for reference)."""
    return {m.doc: f"{m.topic}_{subtopic(m.doc)}" for m in mentions}


# ---------------------------------------------------------------- run + CLI


@dataclass
class CorefResult:
    """Scores per method on the evaluation topics, and run facts."""

    topics: list[int]
    n_mentions: int
    n_gold_clusters: int
    key: str                           # "gold_conll" or "xml"
    scores: dict[str, dict[str, float]]
    threshold: float                   # mention threshold of "full+docclus"
    single_threshold: float            # singleton-probability cut of "full+docclus"
    doc_threshold: float
    doc_train_f1: float                # document clusters vs file halves, training topics
    train_conll: float
    seconds: float
    weights: dict[str, float]          # pair features' share of the trees' split gain
    predictions: dict[str, dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "predictions"}
        return d


MAIN_METHOD = "full+docclus"

_CACHE: dict[tuple[str, float], EcbCorpus] = {}


def load_corpus(root: Path, nlp: Any = None) -> EcbCorpus:
    """Read and annotate once per process (the gate and the CLI share it)."""
    xml_dir = root / "ECB+"
    key = (str(root.resolve()), xml_dir.stat().st_mtime)
    if key not in _CACHE:
        corpus = read_ecbplus(root, topics=None)
        annotate(corpus, nlp)
        _CACHE[key] = corpus
    return _CACHE[key]


def fit_predict(corpus: EcbCorpus, train_ms: Sequence[EcbMention],
                eval_ms: Sequence[EcbMention]
                ) -> tuple[CorefSystem, float, float, dict[str, str], dict[str, str]]:
    """The main method end to end: tune the document threshold and train the
    pair model on ``train_ms``, then cluster ``eval_ms``. One code path for
    the CLI and for cross-validation over training topics.

    Returns (system, doc threshold, its train F1, eval document groups, prediction).
    """
    doc_t, doc_f = tune_doc_threshold(_doc_vectors(corpus, train_ms))
    train_groups = document_clusters(_doc_vectors(corpus, train_ms), doc_t)
    eval_groups = document_clusters(_doc_vectors(corpus, eval_ms), doc_t)
    system = train(corpus, train_ms, train_groups)
    return system, doc_t, doc_f, eval_groups, predict(system, corpus, eval_ms, eval_groups)


def run_coref(path: Path, split: str = "dev", nlp: Any = None) -> CorefResult:
    """Train on the training topics, score lemma baselines and the learned method.

    Methods: "lemma" (same lemma per topic), "full" (pair model per topic),
    "lemma+docclus"/"full+docclus" (within predicted document clusters, the
    main method), "full+halves" (within the ECB/ECB+ file halves, an oracle
    for reference). Every threshold is tuned on the training topics.
    ``split`` dev scores the dev topics (against ``gold_conll`` when present);
    ``train`` scores the training topics themselves (optimistic, for checks).
    """
    t0 = time.perf_counter()
    root = find_root(path)
    corpus = load_corpus(root, nlp)
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
    system, doc_t, doc_f, eval_groups, main_pred = fit_predict(corpus, train_ms, eval_ms)
    topic_system = train(corpus, train_ms, folds=0)   # a reference: in-sample tuning
    gold: dict[str, str] = {m.id: m.gold for m in eval_ms}
    key_name = "xml"
    keyfile = root / "gold_conll" / "evt_gold_dev.keyfile"
    if split == "dev" and keyfile.exists():
        key = read_conll_key(str(keyfile))
        if set(key) == set(gold):
            gold, key_name = dict(key), "gold_conll"
    preds = {"lemma": lemma_baseline(eval_ms),
             "full": predict(topic_system, corpus, eval_ms),
             "lemma+docclus": lemma_baseline(eval_ms, eval_groups),
             "full+docclus": main_pred,
             "full+halves": predict(system, corpus, eval_ms, file_halves(eval_ms))}
    scores = {name: conll_scores(gold, p) for name, p in preds.items()}
    return CorefResult(
        topics=eval_topics, n_mentions=len(eval_ms), n_gold_clusters=len(set(gold.values())),
        key=key_name, scores=scores, threshold=system.threshold,
        single_threshold=system.single_threshold, doc_threshold=doc_t,
        doc_train_f1=round(doc_f, 4),
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
                for mid in sorted(res.predictions[MAIN_METHOD]):
                    fh.write(json.dumps({"mention": mid, "lemma": res.predictions["lemma"][mid],
                                         MAIN_METHOD: res.predictions[MAIN_METHOD][mid]})
                             + "\n")
        con = Console(soft_wrap=True, highlight=False)
        if as_json:
            con.print_json(json.dumps(res.as_dict()))
            return
        table = Table(title=f"ECB+ {split} topics {res.topics}: {res.n_mentions} mentions, "
                            f"{res.n_gold_clusters} gold clusters (key: {res.key}), "
                            f"thresholds: mentions {res.threshold}, singletons "
                            f"{res.single_threshold}, documents "
                            f"{res.doc_threshold}; {res.seconds:.1f}s")
        table.add_column("method")
        for col in ("MUC F1", "B3 F1", "CEAF-e F1", "CoNLL F1"):
            table.add_column(col, justify="right")
        for name, s in res.scores.items():
            table.add_row(name, *(f"{100 * s[k]:.1f}" for k in
                                  ("muc_f1", "b3_f1", "ceafe_f1", "conll_f1")))
        con.print(table)

    eval_app.command("coref")(coref)
