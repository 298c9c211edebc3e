"""Event mentions from a parsed article: triggers, roles, modality, statements.

The method is lexicon + dependency rules, sentence by sentence:

1. triggers: tokens whose lemma is in the lexicon (multiword rows need their
   extra words among the trigger's dependents; the most specific row wins);
2. linked triggers are folded together ("struck and killed", "a drone strike
   killed ...", "launched attacks") so one event gives one mention;
3. roles from the parse: verb subject / passive agent -> source, object or
   against/on/at object -> target; noun triggers take possessive, demonym or
   compound modifiers as source ("Iranian missile attacks") and on/against
   objects as target; coordination gives several actors;
4. speech verbs ("X said Y did Z", "according to X") become attribution
   statements, "claimed responsibility"/"admitted" become claims and "denied
   involvement" denials, never sources;
5. modality (negated, future, hypothetical, historical), time and place as
   written, casualty quantities with hedges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sitroom.extract.actors import ActorDictionary, ActorEntry, city_country, load_actor_dictionary
from sitroom.extract.lexicon import LexEntry, Lexicon, load_lexicon
from sitroom.records import (
    QUAD_CLASS,
    Actor,
    Article,
    Evidence,
    Mention,
    PlaceRef,
    Quantity,
    Statement,
    TimeRef,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SPEECH = frozenset({
    "say", "tell", "report", "announce", "state", "add", "confirm", "write", "tweet", "note",
    "explain", "acknowledge", "disclose", "reveal", "declare", "quote", "claim", "assert",
    "stress", "reiterate", "comment", "post", "believe", "estimate", "allege_",
})
LIGHT_VERBS = frozenset({
    "carry", "conduct", "launch", "stage", "mount", "wage", "hold", "make", "begin", "start",
    "continue", "organize", "organise", "perform", "undertake", "commit", "unleash", "resume",
    "order", "authorize", "approve", "lead", "plan", "step", "issue", "lodge", "impose",
    "open", "announce", "call", "declare", "reach", "sign", "give", "provide", "send",
})
CLAIM_VERBS = frozenset({"claim", "take", "accept", "admit", "acknowledge", "assume", "bear", "confess"})
DENY_VERBS = frozenset({"deny", "disclaim", "disavow", "dismiss", "reject"})
RESP_NOUNS = frozenset({
    "responsibility", "credit", "involvement", "role", "part", "complicity", "link",
    "hand", "participation", "connection", "blame",
})
DENIAL_OBJECTS = RESP_NOUNS | frozenset({
    "allegation", "accusation", "charge", "claim", "report", "involvement", "wrongdoing",
})
NOT_AGENTIVE = SPEECH | CLAIM_VERBS | DENY_VERBS | frozenset({
    "confirm", "link", "blame", "see", "watch", "fear", "expect", "follow", "mark", "cause", "spark",
    "trigger", "prompt", "tout", "interpret", "describe", "call", "consider", "discuss", "investigate",
})
OUTCOME_VERBS = frozenset({"kill", "wound", "injure", "hurt", "destroy", "damage", "hit", "die"})
NEG_GOVERNORS = frozenset({"refuse", "decline", "fail", "avoid", "reject", "deny", "stop", "cancel"})
HYPO_GOVERNORS = frozenset({
    "consider", "risk", "threat", "possibility", "prospect", "fear", "brink", "danger", "chance",
    "likelihood", "option", "weigh", "contemplate", "debate", "mull", "could", "might",
})
FUTURE_GOVERNORS = frozenset({
    "threaten", "vow", "pledge", "promise", "plan", "intend", "prepare", "warn", "want", "seek",
    "aim", "agree", "offer", "expect", "decide", "demand", "urge", "call", "ask", "request",
    "push", "press", "order", "ready", "willing", "prepared", "set", "hope", "threat",
    "ultimatum", "intention", "readiness", "going",
})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPO_AUX = frozenset({"could", "might", "may", "should", "must"})
OBJECT_CONTROL = frozenset({
    "urge", "ask", "order", "force", "call", "tell", "persuade", "pressure", "allow", "press",
    "encourage", "invite", "compel", "request", "warn", "lead", "prompt", "cause", "push", "drive",
})
SITE_NOUNS = frozenset({
    "base", "airbase", "facility", "embassy", "consulate", "compound", "camp", "airport", "port",
    "refinery", "field", "installation", "outpost", "headquarters", "city", "town", "village",
    "station", "plant", "site", "hospital", "school", "market", "mosque", "church", "palace",
    "building", "office", "checkpoint", "prison", "border", "province", "region", "district",
    "bases", "facilities", "embassies",
})
PLACE_PREPS = frozenset({
    "in", "at", "near", "outside", "inside", "across", "into", "throughout", "around", "off",
    "over", "within", "along", "on",
})
TARGET_PREPS: dict[str, frozenset[str]] = {
    "ASSAULT": frozenset({"on", "against", "at", "upon", "into"}),
    "COERCE": frozenset({"on", "against", "upon"}),
    "SANCTION": frozenset({"on", "against", "with", "upon", "to"}),
    "THREATEN": frozenset({"against", "with"}),
    "ACCUSE": frozenset({"against", "of"}),
    "REQUEST": frozenset({"from", "to", "of"}),
    "REJECT": frozenset({"from", "by"}),
    "CONSULT": frozenset({"with", "to"}),
    "AGREE": frozenset({"with", "to"}),
    "COOPERATE": frozenset({"with", "to"}),
    "AID": frozenset({"to", "for"}),
    "SUPPORT": frozenset({"for", "to", "with"}),
    "PROTEST": frozenset({"against", "outside"}),
    "RETREAT": frozenset({"from", "to"}),
    "MOBILIZE": frozenset({"against", "to"}),
    "CONCEDE": frozenset({"to"}),
}
TEMPORAL_PREPS = frozenset({"after", "before", "since", "following", "until", "amid", "despite"})
CLAUSE_TARGET_TYPES = frozenset({"REQUEST", "REJECT", "ACCUSE", "THREATEN", "SUPPORT", "AGREE"})
OF_IS_SOURCE = frozenset({"RETREAT", "PROTEST", "MOBILIZE", "CONSULT", "THREATEN", "REQUEST", "ACCUSE"})
NP_MODS = frozenset({"compound", "amod", "poss", "nmod", "det", "nummod", "quantmod", "case",
                     "flat", "punct", "advmod", "npadvmod"})
SLOT_DEPS = frozenset({"dobj", "prt", "prep", "pobj", "compound", "amod", "nsubjpass", "attr",
                       "npadvmod", "advmod", "dative", "acomp", "oprd", "nmod", "xcomp", "pcomp",
                       "obj", "nsubj", "poss"})
ROLE_BLOCK = frozenset({"ccomp", "advcl", "conj", "relcl", "acl", "parataxis", "cc"})
NON_MATERIAL = frozenset({
    "statement", "report", "video", "footage", "image", "data", "figure", "detail", "document",
    "list", "album", "photo", "picture", "book", "film", "song", "result", "finding", "record",
})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
ORG_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
HISTORICAL_CUES = frozenset({"history", "decades-long", "decade", "decades", "century", "centuries",
                             "anniversary", "ago", "legacy", "dating", "date"})
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "dozen": 12, "a": 1, "an": 1, "single": 1, "couple": 2,
}
VAGUE_COUNTS = {  # word -> (lower bound, hedge)
    "several": (3, "about"), "dozens": (24, "at least"), "scores": (40, "at least"),
    "hundreds": (200, "at least"), "thousands": (2000, "at least"), "few": (2, "about"),
    "many": (10, "at least"), "numerous": (10, "at least"), "some": (2, "about"),
    "tens": (20, "at least"), "millions": (2_000_000, "at least"),
}
HEDGES = {
    ("at", "least"): "at least", ("more", "than"): "more than", ("over",): "more than",
    ("about",): "about", ("around",): "about", ("nearly",): "about", ("almost",): "about",
    ("approximately",): "about", ("roughly",): "about", ("some",): "about",
    ("up", "to"): "up to", ("as", "many", "as"): "up to", ("at", "most"): "up to",
    ("fewer", "than"): "up to", ("less", "than"): "up to", ("estimated",): "about",
}
QTY_KIND: dict[str, str] = {
    "kill": "killed", "die": "killed", "dead": "killed", "death": "killed", "fatality": "killed",
    "life": "killed", "slay": "killed", "massacre": "killed", "execute": "killed",
    "injure": "injured", "wound": "injured", "hurt": "injured", "injured": "injured",
    "wounded": "injured", "injury": "injured", "harm": "injured", "treat": "injured",
    "hospitalize": "injured",
    "missing": "missing", "abduct": "missing", "kidnap": "missing",
    "arrest": "arrested", "detain": "arrested", "jail": "arrested", "imprison": "arrested",
    "displace": "displaced", "flee": "displaced", "evacuate": "displaced",
}
WEAPON_NOUNS = frozenset({"missile", "rocket", "shell", "mortar", "bomb", "drone", "projectile",
                          "grenade", "round"})
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUM = re.compile(r"^\d[\d,]*(\.\d+)?$")
CONFLICT_TYPES = frozenset(t for t, q in QUAD_CLASS.items() if "conflict" in q)


@dataclass
class Cand:
    """A trigger under construction; ``parts`` are folded trigger tokens."""

    tok: Token
    entry: LexEntry
    event_type: str
    mode: str
    context: list[str]
    parts: list[Token] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    dropped: bool = False
    derived_from: Cand | None = None


@dataclass
class _Ctx:
    article: Article
    doc: Doc
    lex: Lexicon
    actors: ActorDictionary
    coref: dict[int, Actor | None] = field(default_factory=dict)
    recent_assaults: list[tuple[int, Mention]] = field(default_factory=list)
    sent_actors: dict[int, list[tuple[Token, Actor]]] = field(default_factory=dict)
    sent_states: dict[int, frozenset[str]] = field(default_factory=dict)
    np_actors: dict[int, Actor | None] = field(default_factory=dict)
    text: str = ""   # doc.text once: spaCy rebuilds it from the tokens on every access


# ---------------------------------------------------------------- helpers
def _ev(ctx: _Ctx, sent: Span, start: int, end: int) -> Evidence:
    if not ctx.text:
        ctx.text = ctx.doc.text
    return Evidence(ctx.article.id, sent.start_char, sent.end_char, start, end,
                    ctx.text[start:end])


def _tok_ev(ctx: _Ctx, sent: Span, toks: Iterable[Token]) -> Evidence:
    tl = list(toks)
    start = min(t.idx for t in tl)
    end = max(t.idx + len(t.text) for t in tl)
    return _ev(ctx, sent, start, end)


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _word_class(t: Token) -> str:
    if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass")):
        return "VERB"
    if t.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    return ""


def _slot_tokens(t: Token) -> list[tuple[Token, int]]:
    """Dependents up to two arcs down (three through 'of'), not crossing clause edges."""
    out: list[tuple[Token, int]] = []
    frontier = [(t, 0)]
    while frontier:
        cur, d = frontier.pop()
        for ch in cur.children:
            if ch.dep_ not in SLOT_DEPS:
                continue
            out.append((ch, d + 1))
            if d + 1 < 2 or (d + 1 < 4 and (cur.lower_ == "of" or ch.lower_ == "of")):
                frontier.append((ch, d + 1))
    return out


def _match_entry(t: Token, entries: list[LexEntry]) -> tuple[LexEntry, set[int]] | None:
    slots = _slot_tokens(t) if entries and entries[0].slots else []
    for e in entries:
        consumed: set[int] = set()
        ok = True
        for slot in e.slots:
            hit = None
            for tok, _d in slots:
                if _lemma(tok) in slot or tok.lower_ in slot:
                    if e.pos == "NOUN" and tok.dep_ not in ("compound", "amod", "nmod"):
                        continue
                    hit = tok
                    break
            if hit is None and e.pos == "NOUN" and t.i > 0:
                prev = t.doc[t.i - 1]
                if _lemma(prev) in slot or prev.lower_ in slot:
                    hit = prev
            if hit is None:
                ok = False
                break
            consumed.add(hit.i)
        if ok:
            return e, consumed
    return None


DOCUMENT_NOUNS = frozenset({"statement", "declaration", "resolution", "letter", "communique",
                            "message", "appeal", "decree", "ultimatum", "report", "petition"})


def _subject(v: Token) -> tuple[list[Token], bool]:
    """Subject tokens of a verb (climbing through xcomp/conj/relcl) and whether passive."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
    for c in v.children:
        if passive and c.dep_ == "agent":
            return [p for p in c.children if p.dep_ == "pobj"], True
        if c.dep_ in ("nsubj", "csubj"):
            if c.tag_ in ("WDT", "WP") and v.dep_ == "relcl":
                return [v.head], passive
            return [c], passive
    if passive:
        for c in v.children:  # "blamed, including by the US"
            if c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ in ("prep", "agent") and g.lower_ == "by":
                        return [p for p in g.children if p.dep_ == "pobj"], True
        return [], True
    cur = v
    for _ in range(3):
        head = cur.head
        if head is cur:
            break
        if cur.dep_ == "relcl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
            return [head], False
        if cur.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
            poss = [c for c in head.children if c.dep_ == "poss"]
            poss += [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                     for g in c.children if g.dep_ == "pobj"]
            if not poss and _lemma(head) in DOCUMENT_NOUNS and head.dep_ == "dobj":
                # "X issued a statement demanding ...": the issuer of the document speaks
                return _subject(head.head)
            return poss, False
        if cur.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "acomp"):
            if cur.dep_ == "conj" and any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children):
                agents = [p for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
                return agents, False
            if cur.dep_ == "xcomp" and _lemma(head) in OBJECT_CONTROL:
                objs = [c for c in head.children if c.dep_ in ("dobj", "dative")]
                if objs:
                    return objs, False
            if cur.dep_ == "pcomp":
                head = head.head
            if _lemma(head) in SPEECH:
                # "X did Y, he said, targeting Z": the reported clause's subject acts
                for cc in head.children:
                    if cc.dep_ == "ccomp" and cc is not cur:
                        subj = [g for g in cc.children if g.dep_ == "nsubj"]
                        if subj:
                            return subj, False
                return [], False
            for c in head.children:
                if c.dep_ in ("nsubj", "csubj"):
                    return [c], False
                if c.dep_ == "agent":
                    return [p for p in c.children if p.dep_ == "pobj"], False
            cur = head
            continue
        break
    return [], False


def _np_span(h: Token) -> list[Token]:
    left = h.i
    for c in h.lefts:
        if c.dep_ == "punct" and not (c.text == "-" and not c.whitespace_):
            continue
        if c.dep_ in NP_MODS:
            left = min(left, c.left_edge.i)
    for k in range(h.i - 1, left - 1, -1):
        tk = h.doc[k]
        if tk.is_space or "\n" in tk.whitespace_ or (tk.text in ("-", "\u2013", "\u2014", ":", ";")
                                                     and tk.whitespace_):
            left = k + 1
            break
    right = h.i
    for c in h.rights:
        if c.dep_ in ("compound", "flat", "nmod") or (c.dep_ == "prep" and c.lower_ == "of"
                                                      and h.lower_ in _TITLE_OF):
            right = max(right, c.right_edge.i)
    return list(h.doc[left:right + 1])


_TITLE_OF = frozenset({"minister", "secretary", "ministry", "department", "president", "head",
                       "chief", "leader", "commander", "king", "queen", "prince", "government",
                       # state names and bodies named "of" their state ("the Republic of Korea",
                       # "the army of Chad", "the people of Gaza")
                       "republic", "kingdom", "emirate", "sultanate", "federation", "army",
                       "forces", "navy", "police", "parliament", "embassy", "authorities",
                       "people", "citizens", "residents", "ambassador", "envoy", "governor"})


# ---------------------------------------------------------------- actors
NON_ACTOR_HEADS = frozenset({"border", "borders", "frontier", "frontiers"})


def _actor_from_np(ctx: _Ctx, sent: Span, h: Token) -> Actor | None:
    """The actor a noun phrase head names (memoised per token; callers get a fresh copy)."""
    if h.i in ctx.np_actors:
        got = ctx.np_actors[h.i]
    else:
        got = _actor_from_np_uncached(ctx, sent, h)
        ctx.np_actors[h.i] = got
    return None if got is None else replace(got)


def _actor_from_np_uncached(ctx: _Ctx, sent: Span, h: Token) -> Actor | None:
    if h.tag_ in ("WDT", "WP", "WP$") or h.lower_ in ("that", "which", "who", "whom"):
        return None
    if h.lower_ in NON_ACTOR_HEADS:
        return None  # "the Thai border" is a place, not the Thai state acting or acted on
    if h.pos_ == "PRON" or h.lower_ in PERSON_PRONOUNS | ORG_PRONOUNS:
        if h.lower_ not in PERSON_PRONOUNS | ORG_PRONOUNS or _expletive(h):
            return None
        ref = _antecedent(ctx, h)
        if ref is None:
            return None
        return Actor(text=h.text, name=ref.name, country=ref.country, sector=ref.sector,
                     evidence=_tok_ev(ctx, sent, [h]))
    span = _np_span(h)
    words = [t.text for t in span]
    spaces = [t.whitespace_ for t in span]
    matches = [m for m in ctx.actors.match_tokens(words, spaces) if not _backer(span, m[1])]
    if not matches and h.text.endswith("s") and h.pos_ in ("PROPN", "NOUN"):
        e = ctx.actors.get(h.text[:-1])
        if e is not None and e.type == "demonym":
            matches = [(span.index(h), span.index(h) + 1, e)]
    head_pos = span.index(h)
    head_entry: ActorEntry | None = None
    specific: ActorEntry | None = None
    country_entry: ActorEntry | None = None
    sector_words: list[ActorEntry] = []
    for m_start, m_end, ent in matches:
        covers_head = m_start <= head_pos < m_end
        if ent.type == "sector":
            sector_words.append(ent)
            if covers_head:
                head_entry = ent
            continue
        if covers_head:
            head_entry = ent
        if ent.type in ("institution", "person", "group", "igo", "capital") and specific is None:
            specific = ent
        if ent.country and country_entry is None:
            country_entry = ent
    if not matches:
        if h.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") and h.pos_ == "PROPN":
            ent_span = next((e for e in sent.ents if e.start <= h.i < e.end), None)
            toks = list(ent_span) if ent_span is not None else [h]
            text = " ".join(t.text for t in toks)
            # a town named as a party stands for the state it lies in
            town = _town_country(ctx, text, sent) if h.ent_type_ == "GPE" else None
            return Actor(text=text, name=text, country=town, evidence=_tok_ev(ctx, sent, toks))
        return None
    if head_entry is not None and head_entry.type != "sector":
        # the phrase's own head decides ("NATO-member Norway" is Norway, not NATO)
        specific = head_entry if head_entry.type != "country" else specific
        country_entry = head_entry if head_entry.country else country_entry
        if head_entry.type == "country":
            specific = None
    # "President Dos Santos": a titled person is kept; the sentence may tell the country later
    if head_entry is None and specific is None and country_entry is None and not (
            sector_words and h.pos_ == "PROPN" and h.ent_type_ in ("PERSON", "")):
        return None
    if head_entry is None and not (h.pos_ == "PROPN" or any(s <= head_pos < e for s, e, _ in matches)):
        # "Iranian targets", "U.S. drone": country from the modifier, no sector from the head
        pass
    country = (specific or country_entry or head_entry or sector_words[0]).country
    if country is None and country_entry is not None:
        country = country_entry.country
    if specific is not None and specific.type != "capital":
        sector = specific.sector
        if sector is None and head_entry is not None and head_entry.type == "sector":
            sector = head_entry.sector
    elif head_entry is not None and head_entry.type == "sector":
        sector = head_entry.sector
    elif specific is not None:
        sector = specific.sector
        if head_entry is not None and head_entry.type in ("country", "demonym"):
            sector = head_entry.sector
    elif head_entry is not None:
        sector = head_entry.sector
    else:
        sector = None
    if specific is not None and specific.type == "capital" and head_entry is not specific:
        sector = head_entry.sector if head_entry is not None and head_entry.type == "sector" else None
    if specific is not None and specific.type == "igo" and sector == "IGO":
        # PLOVER puts the body in the country slot (IGO); the sector says who in it acts
        sector = next((w.sector for w in reversed(sector_words) if w.sector != "IGO"), None)
    if sector is None and sector_words and (head_entry is None or h.ent_type_ == "PERSON"):
        sector = sector_words[-1].sector  # "Lebanon's new President Elias Hrawi": the title
    name_src = specific or country_entry or head_entry
    name = name_src.name if name_src is not None else h.text
    if h.ent_type_ == "PERSON" and not any(s <= head_pos < e for s, e, _ in matches):
        ent_span = next((e for e in sent.ents if e.start <= h.i < e.end), None)
        name = ent_span.text if ent_span is not None else h.text
    toks = span[min(s for s, _, _ in matches):]
    a = Actor(text=" ".join(t.text for t in toks).replace(" 's", "'s"), name=name,
              country=country, sector=sector, evidence=_tok_ev(ctx, sent, toks))
    return a


BACKER_WORDS = frozenset({"backed", "sponsored", "funded", "supported", "allied", "aligned",
                          "trained", "armed", "inspired", "friendly"})


def _backer(span: list[Token], end: int) -> bool:
    """'CIA-backed coup': the backer is not the actor of the phrase."""
    rest = [t.lower_ for t in span[end:end + 2]]
    return len(rest) == 2 and rest[0] == "-" and rest[1] in BACKER_WORDS


def _expletive(h: Token) -> bool:
    """'It is clear that ...': a dummy subject, not a reference."""
    if h.lower_ != "it" or _lemma(h.head) != "be":
        return False
    for c in h.head.children:
        if c.dep_ in ("ccomp", "csubj"):
            return True
        if c.dep_ in ("acomp", "attr") and any(g.dep_ == "ccomp" for g in c.children):
            return True
    return False


def _antecedent(ctx: _Ctx, h: Token) -> Actor | None:
    """Cheap pronoun resolution: the nearest preceding actor, subjects first."""
    if h.i in ctx.coref:
        return ctx.coref[h.i]
    want_person = h.lower_ in PERSON_PRONOUNS
    first_sent = h.sent.start
    for _ in range(2):
        if first_sent > 0:
            first_sent = ctx.doc[first_sent - 1].sent.start
    found: list[tuple[Token, Actor]] = []
    for i in range(h.i - 1, first_sent - 1, -1):
        t = ctx.doc[i]
        if t.pos_ not in ("PROPN", "NOUN") or t.dep_ in ("compound", "amod", "nmod", "flat"):
            continue
        if t.lower_ in PERSON_PRONOUNS | ORG_PRONOUNS:
            continue
        a = _actor_from_np(ctx, t.sent, t)
        if a is None:
            continue
        is_person = t.ent_type_ == "PERSON" or (ctx.actors.get(t.text) or ActorEntry("", "", None, None, "")).type == "person"
        plural = h.lower_ in ("they", "them", "their")
        if want_person != is_person and not (plural and is_person is False):
            continue
        if not want_person and not plural and (a.country is None or a.sector == "CVL"):
            continue
        found.append((t, a))
    best = next((a for t, a in found if t.dep_ in ("nsubj", "nsubjpass", "poss")), None)
    if best is None and found:
        best = found[0][1]
    ctx.coref[h.i] = best
    return best


# Heads that count or group people: the actor is who they are "of"
# ("thousands of Nigerians", "members of the opposition party", "a group of refugees").
COLLECTIVE_HEADS = frozenset({
    "thousand", "thousands", "hundred", "hundreds", "dozen", "dozens", "score", "scores",
    "million", "millions", "group", "member", "members", "number", "some", "many", "most",
    "several", "few", "all", "band", "contingent", "unit", "units", "crowd", "crowds", "team",
    "delegation", "batch", "patch", "rest", "majority", "handful", "tens",
})


def _collective_of(h: Token) -> Token | None:
    """'thousands of (thousands of) people': the noun a counting head stands for."""
    cur = h
    for _ in range(3):
        if cur.lower_ not in COLLECTIVE_HEADS and _lemma(cur) not in COLLECTIVE_HEADS:
            break
        nxt = next((o for c in cur.children if c.dep_ == "prep" and c.lower_ == "of"
                    for o in c.children if o.dep_ == "pobj"), None)
        if nxt is None:
            break
        cur = nxt
    return cur if cur is not h else None


def _actors(ctx: _Ctx, sent: Span, tok: Token, deep: bool = False) -> list[Actor]:
    """Actors for a noun phrase head and its conjuncts; ``deep`` also looks inside site nouns."""
    out: list[Actor] = []
    for h in [tok, *tok.conjuncts]:
        if h.i < sent.start or h.i >= sent.end:
            continue
        inner = _collective_of(h)
        if inner is not None:
            got = _actors(ctx, sent, inner, deep)
            if got:
                out.extend(got)
                continue
        split = _split_modifiers(ctx, sent, h)
        if split:
            out.extend(split)
            continue
        a = _actor_from_np(ctx, sent, h)
        if deep and (_lemma(h) in SITE_NOUNS or h.lower_ in SITE_NOUNS):
            occupants = [o for c in h.children if c.dep_ in ("acl", "relcl")
                         for o in c.children if o.dep_ == "dobj"]
            found = [x for o in occupants for x in _actors(ctx, sent, o)]
            if found:
                out.extend(found)  # "bases hosting US troops": the troops are the target
                continue
        town_guess = a is not None and h.ent_type_ == "GPE" and ctx.actors.get(a.text) is None
        if a is None or a.country is None or town_guess:
            for ap in h.children:
                if ap.dep_ == "appos":
                    b = _actor_from_np(ctx, sent, ap)
                    if b is not None and b.country is not None:
                        a = b
                        break
        if a is None and deep:
            for c in h.children:
                if c.dep_ in ("acl", "relcl") and not any(
                        w.dep_ == "nsubj" and w.tag_ == "WP" for w in c.children):
                    # not "those who killed X": X is their victim, not who they are
                    for o in c.children:
                        if o.dep_ in ("dobj",):
                            out.extend(_actors(ctx, sent, o))
                if c.dep_ == "prep" and c.lower_ == "of":
                    for o in c.children:
                        if o.dep_ == "pobj":
                            out.extend(_actors(ctx, sent, o))
        a = _locate(ctx, sent, h, a)
        if a is not None:
            out.append(a)
    return out


def _locate(ctx: _Ctx, sent: Span, h: Token, a: Actor | None) -> Actor | None:
    """Give an actor with no state of its own (or an ethnic minority) the state it is in."""
    if h.pos_ not in ("NOUN", "PROPN"):
        return a
    loc = _located_in(ctx, h)
    if loc is None:
        return a
    if a is None and h.lower_ not in PERSON_PRONOUNS | ORG_PRONOUNS:
        toks = _np_span(h)
        return Actor(text=" ".join(t.text for t in toks), name=h.text, country=loc,
                     evidence=_tok_ev(ctx, sent, toks))
    if a is not None and (a.country is None or _is_ethnic(h)):
        a.country = loc
    return a


LOCATIVE_VERBS = frozenset({"base", "operate", "live", "station", "deploy"})


def _span_country(ctx: _Ctx, sent: Span, span: list[Token]) -> str | None:
    """State of a place span: a country or capital in the dictionary, else a known town."""
    text = _tok_ev(ctx, sent, span).text
    entry = ctx.actors.get(text)
    if entry is not None:
        return entry.country if entry.type in ("country", "capital") else None
    return _town_country(ctx, text, sent)


def _sentence_states(ctx: _Ctx, sent: Span) -> frozenset[str]:
    """States a sentence names by any dictionary word (cached): context for town names."""
    got = ctx.sent_states.get(sent.start)
    if got is None:
        words = [t.text for t in sent]
        spaces = [t.whitespace_ for t in sent]
        got = frozenset(e.country for _, _, e in ctx.actors.match_tokens(words, spaces)
                        if e.country and e.country not in ("IGO", "NGO"))
        ctx.sent_states[sent.start] = got
    return got


def _town_country(ctx: _Ctx, name: str, sent: Span) -> str | None:
    """A town's state, preferring a namesake in a state the sentence names."""
    return city_country(name, _sentence_states(ctx, sent))


def _place_country(ctx: _Ctx, p: Token) -> str | None:
    """Country of a place noun: a state or capital from the dictionary, else a known city."""
    full = " ".join(t.text for t in p.subtree if t.dep_ != "amod" or t is p)
    for text in (full, p.text):
        e = ctx.actors.get(text)
        if e is not None:
            if e.type == "demonym" and p.pos_ == "PROPN" and p.ent_type_ in ("GPE", "LOC"):
                return e.country  # a region listed with its people ("in Darfur")
            return e.country if e.type in ("country", "capital") else None
    if p.ent_type_ not in ("GPE", "LOC"):
        return None
    ent = next((e for e in p.doc.ents if e.start <= p.i < e.end), None)
    name = ent.text if ent is not None and ent.label_ in ("GPE", "LOC") else p.text
    return _town_country(ctx, name, p.sent) or (city_country(p.text) if name != p.text else None)


def _is_ethnic(h: Token) -> bool:
    return any(c.lower_ == "ethnic" for c in h.lefts)


def _located_in(ctx: _Ctx, h: Token) -> str | None:
    """'security forces in Guinea', 'a group based in Trinidad': the state the actor is in.

    An "ethnic X" minority is coded by where it lives, so for it the clause's
    own "in <state>" counts too ("ethnic Albanians demonstrated in Serbia").
    """
    # "a missionary from Calgary", "refugees from Liberia": people are coded by where they are from
    # (forces "from" a place are leaving it, so armed actors are not)
    hent = ctx.actors.get(h.text)
    origin = h.pos_ == "NOUN" and (hent is None or hent.sector not in ("MIL", "REB", "COP"))
    preps = [c for c in h.children if c.dep_ == "prep" and (
        c.lower_ == "in" or c.lower_ == "from" and origin)]
    preps += [g for c in h.children if c.dep_ in ("acl", "relcl") and _lemma(c) in LOCATIVE_VERBS
              for g in c.children if g.dep_ == "prep" and g.lower_ == "in"]
    if not preps and _is_ethnic(h) and h.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
        gov = h.head
        for _ in range(3):  # "hundreds of ethnic X demonstrated in Y": up to the clause's verb
            if gov.pos_ in ("VERB", "AUX") or gov.head is gov:
                break
            gov = gov.head
        preps = [c for c in gov.children if c.dep_ == "prep" and c.lower_ == "in"]
    for prep in preps:
        for o in prep.children:
            if o.dep_ != "pobj":
                continue
            got = _place_country(ctx, o)
            # "in a gunbattle in southern Serbia": the place may sit one phrase deeper
            for deeper in ([] if got else [g for c in o.children if c.dep_ == "prep"
                                           and c.lower_ == "in" for g in c.children
                                           if g.dep_ == "pobj"]):
                got = _place_country(ctx, deeper)
                if got:
                    break
            if got is not None:
                return got
    return None


def _split_modifiers(ctx: _Ctx, sent: Span, h: Token) -> list[Actor]:
    """"U.S. and coalition forces" -> U.S. forces + coalition forces."""
    mods = [c for c in h.lefts if c.dep_ in ("compound", "nmod", "amod")]
    group: list[Token] = []
    for m in mods:
        if m.conjuncts:
            group = [m, *[c for c in m.conjuncts if c.i < h.i]]
            break
        if any(c.dep_ == "cc" for c in m.children) and mods.index(m) + 1 < len(mods):
            group = mods[mods.index(m):]
            break
    if len(group) < 2:
        return []
    head_entry = ctx.actors.get(h.text)
    lead_country: ActorEntry | None = None
    for m in mods:
        if m.i < group[0].i:
            e = ctx.actors.get(m.text)
            if e is not None and e.country:
                lead_country = e
    out = []
    for x in group:
        e = ctx.actors.get(x.text)
        if e is None:
            continue
        country = e.country or (lead_country.country if lead_country else None)
        sector = head_entry.sector if head_entry is not None and head_entry.type == "sector" else e.sector
        if e.type == "sector" and (head_entry is None or head_entry.type != "sector"):
            sector = e.sector
        name = e.name if e.type != "sector" or lead_country is None else lead_country.name
        out.append(Actor(text=f"{x.text} {h.text}", name=name, country=country, sector=sector,
                         evidence=_tok_ev(ctx, sent, [x])))
    return out if len(out) == len(group) else []


def _dedupe(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple[str, int]] = set()
    out = []
    for a in actors:
        key = (a.name, a.evidence.start if a.evidence else -1)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


# ---------------------------------------------------------------- triggers
def _is_statement_cue(t: Token) -> bool:
    """'denied involvement', 'denied that ...' are denials, not REJECT events."""
    if _lemma(t) not in DENY_VERBS:
        return False
    for c in t.children:
        if c.dep_ in ("dobj", "nsubjpass") and (_lemma(c) in DENIAL_OBJECTS):
            return True
        if _lemma(t) == "deny" and c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX"):
            return True
    return False


def _find_candidates(ctx: _Ctx, sent: Span) -> list[Cand]:
    cands: list[Cand] = []
    for t in sent:
        cls = _word_class(t)
        if not cls:
            continue
        lemma = _lemma(t)
        entries = [e for e in ctx.lex.candidates(lemma) if e.pos == cls]
        if t.pos_ == "PROPN" and (t.ent_type_ or t.dep_ in ("compound", "flat")):
            continue  # part of a name ("Associated Press", "Islamic Revolution")
        if not entries and t.pos_ == "PROPN":
            entries = [e for e in ctx.lex.candidates(lemma) if e.pos == "VERB"]
        if not entries:
            continue
        m = _match_entry(t, entries)
        if m is None:
            continue
        entry, consumed = m
        if cls == "VERB" and not _accept_verb(t, entry):
            continue
        if cls == "NOUN" and not _accept_noun(t, entry):
            continue
        cands.append(Cand(t, entry, entry.event_type, entry.mode,
                          [entry.context] if entry.context else [], [t], consumed))
    by_i = {c.tok.i: c for c in cands}
    for c in cands:
        for i in c.consumed:
            other = by_i.get(i)
            if other is not None and other is not c and not other.dropped:
                other.dropped = True
                c.parts.append(other.tok)
                if not c.mode and other.mode:
                    c.mode = other.mode
    return [c for c in cands if not c.dropped]


def _accept_verb(t: Token, e: LexEntry) -> bool:
    lemma = _lemma(t)
    if _is_statement_cue(t):
        return False
    children = list(t.children)
    if (t.dep_ == "ROOT" and t.tag_ == "VB" and t.i == t.sent.start
            and not any(c.dep_ in ("nsubj", "aux") for c in children)):
        return False  # imperative ("Visit our homepage")
    dobjs = [c for c in children if c.dep_ in ("dobj", "nsubjpass")]
    if any(_lemma(d) in NON_MATERIAL for d in dobjs) and lemma in ("release", "issue", "free", "return"):
        return False
    if lemma in ("return", "free", "release", "call", "host", "back", "charge") and not dobjs and not e.slots:
        return False  # these verbs are events only with an object ("released prisoners")
    if lemma == "host" and any(_lemma(d) in ("military", "troops", "troop", "force", "personnel", "base") for d in dobjs):
        return False
    if lemma == "meet" and any(_lemma(d) in ("demand", "requirement", "need", "target", "goal", "deadline", "standard", "criterion") for d in dobjs):
        return False
    if lemma == "fire" and any(_lemma(d) in ("minister", "official", "employee", "staff", "director", "chief", "coach", "manager") for d in dobjs):
        return False
    return not (lemma in ("support", "back") and t.dep_ == "amod")


def _accept_noun(t: Token, e: LexEntry) -> bool:
    lemma = _lemma(t)
    if lemma == "release" and any(c.lower_ in ("press", "news") for c in t.lefts):
        return False  # "a press release": a document, not a freed prisoner
    if lemma in ("deal",) and not any(c.dep_ in ("amod", "compound", "prep", "poss") for c in t.children):
        return False
    if t.dep_ == "compound" and _word_class(t.head) == "NOUN" and _lemma(t.head) not in (
            "mission", "effort", "talk", "bid", "process", "campaign", "operation", "plan", "initiative"):
        return False  # "attack helicopter", "strike force": a modifier, not an event
    return not (lemma in ("threat", "warning") and t.dep_ in ("pobj",) and _lemma(t.head) in ("under",))


def _linked(a: Token, b: Token) -> bool:
    """b hangs directly off a as conj/advcl/xcomp/relcl/acl, or via subject/agent/prep."""
    if b.head == a and b.dep_ in ("conj", "advcl", "xcomp", "relcl", "acl", "nsubj", "nsubjpass", "dobj"):
        return True
    if (b.head.head == a and b.head.dep_ in ("prep", "agent") and b.dep_ == "pobj"
            and b.head.lower_ in ("in", "by", "during", "with", "from", "of", "using")):
        return True
    return b.head.head == a and b.dep_ == "pcomp"


def _has_own_subject(t: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in t.children)


def _fold(cands: list[Cand]) -> list[Cand]:
    """Fold outcome verbs and argument-linked same-type triggers into one mention."""
    parent: dict[int, Cand] = {}

    def rep(c: Cand) -> Cand:
        while c.tok.i in parent:
            c = parent[c.tok.i]
        return c

    def join(keep: Cand, fold: Cand) -> None:
        keep, fold = rep(keep), rep(fold)
        if keep is fold:
            return
        parent[fold.tok.i] = keep
        fold.dropped = True
        keep.parts.extend(fold.parts)
        keep.consumed |= fold.consumed
        if not keep.mode and fold.mode:
            keep.mode = fold.mode
        for ctx_tag in fold.context:
            if ctx_tag not in keep.context:
                keep.context.append(ctx_tag)

    assaults = [c for c in cands if c.event_type == "ASSAULT"]
    for c in assaults:
        for d in assaults:
            if d is c:
                continue
            if _linked(c.tok, d.tok):
                keep, fold = c, d
            else:
                continue
            fold_out = _lemma(fold.tok) in OUTCOME_VERBS
            keep_out = _lemma(keep.tok) in OUTCOME_VERBS
            rel = fold.tok.dep_ if fold.tok.head == keep.tok else fold.tok.head.dep_
            if rel == "conj" and not fold_out and _has_own_subject(fold.tok):
                continue  # "Iran attacked X and Israel bombed Y": two acts
            if keep_out and not fold_out and keep.tok.pos_ == "VERB" and fold.tok.pos_ == "NOUN":
                keep, fold = fold, keep  # "the attack killed 5": keep the attack noun
            join(keep, fold)
    for c in cands:  # same-type noun that is the object of a same-type verb ("launched strikes")
        for d in cands:
            if d is c or d.event_type != c.event_type:
                continue
            if d.tok.head == c.tok and d.tok.dep_ in ("dobj", "attr", "nsubjpass") and d.tok.pos_ == "NOUN":
                join(c, d)
    for c in cands:  # "began a hunger strike to demand X": the strike is the act, the demand its aim
        if c.dropped or c.event_type != "PROTEST" or c.tok.pos_ != "NOUN" or c.tok.dep_ not in ("dobj", "pobj"):
            continue
        verb = c.tok.head if c.tok.dep_ == "dobj" else c.tok.head.head
        for d in cands:
            if (d is not c and not d.dropped and d.event_type in ("PROTEST", "REQUEST", "ACCUSE")
                    and d.tok.head == verb and d.tok.dep_ in ("xcomp", "advcl")):
                join(c, d)
    return [c for c in cands if not c.dropped]


# ---------------------------------------------------------------- roles
def _governing_verb(t: Token) -> Token | None:
    """The light verb a noun trigger is the object of ("carried out an attack")."""
    if t.pos_ not in ("NOUN", "PROPN"):
        return None
    h = t.head
    if t.dep_ in ("dobj", "attr", "nsubjpass") and h.pos_ in ("VERB", "AUX") and (
            _lemma(h) in LIGHT_VERBS or not (load_lexicon().candidates(_lemma(h)) or _lemma(h) in NOT_AGENTIVE)):
        return h
    if t.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ == "VERB" and _lemma(h.head) in ("go", "engage"):
        return h.head
    return None


PARTICIPATION_VERBS = frozenset({"participate", "take", "join", "engage", "gather", "assemble",
                                 "converge", "march", "meet", "arrive", "return", "come", "travel",
                                 "fly", "head", "go", "rally", "turn"})


def _purpose_verb(t: Token) -> Token | None:
    """'negotiators returned for talks', 'crowds gathered for a rally': who moves acts.

    A noun event that is the purpose ("for") or the activity ("in", "to") of a
    motion or participation verb is carried out by that verb's subject.
    """
    if t.pos_ not in ("NOUN", "PROPN") or t.dep_ != "pobj" or t.head.dep_ != "prep":
        return None
    prep, v = t.head, t.head.head
    if v.pos_ != "VERB" or _lemma(v) not in PARTICIPATION_VERBS:
        return None
    return v if prep.lower_ in ("for", "in", "to") else None


def _roles(ctx: _Ctx, sent: Span, c: Cand) -> tuple[list[Actor], list[Actor]]:
    sources: list[Actor] = []
    targets: list[Actor] = []
    tprep = TARGET_PREPS.get(c.event_type, frozenset())
    for p in c.parts:
        if p.pos_ in ("VERB", "AUX"):
            subj, passive = _subject(p)
            for s in subj:
                sources.extend(_actors(ctx, sent, s))
            if passive and not subj and _lemma(p) in ("launch", "fire"):
                # "missiles were launched from Iran": the launch site's country acts
                for ch in p.children:
                    if ch.dep_ == "prep" and ch.lower_ == "from":
                        for o in ch.children:
                            if o.dep_ == "pobj" and o.ent_type_ == "GPE":
                                sources.extend(_actors(ctx, sent, o))
            for ch in p.children:
                if ch.dep_ in ("dobj", "dative", "nsubjpass") and ch.i not in c.consumed:
                    if passive and ch.dep_ == "nsubjpass" or not passive:
                        targets.extend(_actors(ctx, sent, ch, deep=True))
                elif ch.dep_ == "prep" and (ch.lower_ in tprep or ch.lower_ in ("against", "on")):
                    for o in ch.children:
                        if o.dep_ == "pobj":
                            targets.extend(_actors(ctx, sent, o, deep=True))
                elif ch.dep_ in ("xcomp", "advcl") and _lemma(ch) in ("target",):
                    for o in ch.children:
                        if o.dep_ == "dobj":
                            targets.extend(_actors(ctx, sent, o, deep=True))
            if c.event_type in CLAUSE_TARGET_TYPES and not any(
                    ch.dep_ in ("dobj", "dative") for ch in p.children):
                # "demanded that Iran withdraw", "accused X of ...": the clause's subject is asked
                for ch in p.children:
                    if ch.dep_ == "ccomp":
                        for g in ch.children:
                            if g.dep_ in ("nsubj", "nsubjpass"):
                                targets.extend(_actors(ctx, sent, g))
            # objects of consumed object nouns ("missiles at X" attached to the noun); a demand
            # names who must act with "by" ("demanded an admission by Tokyo")
            preps = tprep | {"by"} if c.event_type == "REQUEST" else tprep
            for ch in p.children:
                if ch.dep_ == "dobj":
                    for g in ch.children:
                        if g.dep_ == "prep" and g.lower_ in preps:
                            for o in g.children:
                                if o.dep_ == "pobj":
                                    found = _actors(ctx, sent, o, deep=True)
                                    # the one a demand is made of outranks actors of its clause
                                    targets = (found + targets if g.lower_ == "by"
                                               else targets + found)
        else:
            nsrc, ntgt = _noun_roles(ctx, sent, p, c.event_type, tprep)
            sources.extend(nsrc)
            targets.extend(ntgt)
            gv = _governing_verb(p)
            pv = _purpose_verb(p) if gv is None else None
            actor_verb = gv or pv
            if actor_verb is not None and (not nsrc or all(a.country is None for a in nsrc)):
                subj, passive = _subject(actor_verb)
                found = [a for s in subj for a in _actors(ctx, sent, s)] if not passive else []
                if not nsrc:
                    sources.extend(found)
                elif found and found[0].country is not None:
                    # "the US sped up the withdrawal of forces": the forces are the subject's
                    for a in nsrc:
                        a.country = found[0].country
            if gv is not None and not nsrc:
                for ch in gv.children:
                    if ch.dep_ == "prep" and ch.lower_ in tprep:
                        for o in ch.children:
                            if o.dep_ == "pobj":
                                targets.extend(_actors(ctx, sent, o, deep=True))
    sources = _dedupe(sources)
    src_keys = {a.evidence.start for a in sources if a.evidence}
    targets = [a for a in _dedupe(targets) if not a.evidence or a.evidence.start not in src_keys]
    return sources, targets


def _noun_roles(ctx: _Ctx, sent: Span, n: Token, etype: str,
                tprep: frozenset[str]) -> tuple[list[Actor], list[Actor]]:
    sources: list[Actor] = []
    targets: list[Actor] = []
    for ch in n.children:
        if ch.dep_ == "poss":
            sources.extend(_actors(ctx, sent, ch))
        elif ch.dep_ in ("amod", "compound", "nmod"):
            for a in _actors(ctx, sent, ch):
                entry = ctx.actors.get(ch.text) or ctx.actors.get(a.text)
                if entry is not None and entry.type == "person" and etype in CONFLICT_TYPES:
                    targets.append(a)  # "the Soleimani strike"
                else:
                    sources.append(a)
        elif ch.dep_ == "prep":
            objs = [o for o in ch.children if o.dep_ == "pobj"]
            if ch.lower_ == "by":
                for o in objs:
                    sources.extend(_actors(ctx, sent, o))
            elif ch.lower_ == "of":
                for o in objs:
                    (sources if etype in OF_IS_SOURCE else targets).extend(_actors(ctx, sent, o, deep=True))
            elif ch.lower_ in tprep or ch.lower_ in ("against", "on"):
                for o in objs:
                    targets.extend(_actors(ctx, sent, o, deep=True))
            elif ch.lower_ == "between":
                for o in objs:
                    sources.extend(_actors(ctx, sent, o))
    if n.dep_ == "nsubj" and n.head.pos_ == "VERB" and _lemma(n.head) in OUTCOME_VERBS:
        for ch in n.head.children:
            if ch.dep_ == "dobj":
                targets.extend(_actors(ctx, sent, ch))
    return sources, targets


# ---------------------------------------------------------------- statements
def _speaker(ctx: _Ctx, sent: Span, v: Token) -> Actor | None:
    subj, passive = _subject(v)
    for s in subj:
        acts = _actors(ctx, sent, s)
        if acts:
            return acts[0]
        if s.pos_ in ("PROPN", "NOUN"):
            return Actor(text=s.text, name=s.text, evidence=_tok_ev(ctx, sent, [s]))
    return None


def _cue(ctx: _Ctx, sent: Span, v: Token) -> tuple[str, Evidence]:
    toks = [v]
    for ch in v.children:
        if ch.dep_ == "prep" and ch.lower_ == "in" and ch.i == v.i + 1:
            objs = [o for o in ch.children if o.dep_ == "pobj" and _lemma(o) in
                    ("statement", "tweet", "interview", "release", "message", "speech", "post")]
            if objs:
                toks.extend(list(ch.subtree))
    toks.sort(key=lambda t: t.i)
    ev = _tok_ev(ctx, sent, toks)
    return ev.text, ev


def _statements(ctx: _Ctx, sent: Span, c: Cand) -> list[Statement]:
    out: list[Statement] = []
    seen: set[int] = set()
    for p in c.parts:
        path_child = p
        cur = p
        for _ in range(8):
            head = cur.head
            if head is cur:
                break
            lemma = _lemma(head)
            if head.i not in seen:
                if lemma in RESP_NOUNS and head.pos_ == "NOUN":
                    v = head.head
                    if v.dep_ in ("prep",):
                        v = v.head
                    lv = _lemma(v)
                    if lv in CLAIM_VERBS or lv in DENY_VERBS:
                        seen.add(head.i)
                        kind = "denial" if lv in DENY_VERBS else "claim"
                        text, ev = _cue(ctx, sent, v)
                        ev = _tok_ev(ctx, sent, [v, head])
                        out.append(Statement(kind, _speaker(ctx, sent, v), ev.text, ev))
                        seen.add(v.i)
                elif head.pos_ in ("VERB", "AUX") and lemma in ("admit", "acknowledge", "confess") and path_child.dep_ in ("xcomp", "ccomp", "dobj", "pcomp"):
                    seen.add(head.i)
                    text, ev = _cue(ctx, sent, head)
                    out.append(Statement("claim", _speaker(ctx, sent, head), text, ev))
                elif head.pos_ in ("VERB", "AUX") and lemma == "deny" and path_child.dep_ in ("xcomp", "ccomp", "dobj", "pcomp"):
                    seen.add(head.i)
                    text, ev = _cue(ctx, sent, head)
                    out.append(Statement("denial", _speaker(ctx, sent, head), text, ev))
                elif head.pos_ in ("VERB", "AUX") and lemma in SPEECH and (
                        path_child.dep_ in ("ccomp", "parataxis", "dobj", "xcomp", "advcl")
                        or (path_child.dep_ == "conj" and lemma == "say")) and (
                        lemma != "claim" or path_child.dep_ == "ccomp"):
                    seen.add(head.i)
                    text, ev = _cue(ctx, sent, head)
                    out.append(Statement("attribution", _speaker(ctx, sent, head), text, ev))
            path_child = head
            cur = head
    # "..., he said" attached below the clause; "according to X"; "citing X"
    clause = c.tok
    for _ in range(6):
        if clause.pos_ in ("VERB", "AUX") or clause.head is clause:
            break
        clause = clause.head
    while clause.dep_ in ("conj", "xcomp", "aux") and clause.head is not clause:
        clause = clause.head
    for t in list(clause.children) + [t for t in sent if t.lower_ == "according"]:
        if t.i in seen:
            continue
        if t.dep_ in ("parataxis", "advcl") and _lemma(t) in SPEECH:
            seen.add(t.i)
            text, ev = _cue(ctx, sent, t)
            out.append(Statement("attribution", _speaker(ctx, sent, t), text, ev))
        elif t.lower_ == "according":
            for to in t.children:
                for o in to.children:
                    if o.dep_ == "pobj":
                        acts = _actors(ctx, sent, o)
                        sp = acts[0] if acts else Actor(text=o.text, name=o.text, evidence=_tok_ev(ctx, sent, [o]))
                        ev = _tok_ev(ctx, sent, [t, to])
                        seen.add(t.i)
                        out.append(Statement("attribution", sp, ev.text, ev))
    for st in list(out):
        if st.kind != "attribution" or st.evidence is None:
            continue
        verb = ctx.doc.char_span(st.evidence.start, st.evidence.start + 1, alignment_mode="expand")
        if verb is None:
            continue
        for ch in verb.root.children:
            if _lemma(ch) == "cite" and ch.i not in seen:
                for o in ch.children:
                    if o.dep_ == "dobj":
                        acts = _actors(ctx, sent, o)
                        if acts:
                            seen.add(ch.i)
                            out.append(Statement("attribution", acts[0], ch.text, _tok_ev(ctx, sent, [ch])))
    return out


# ---------------------------------------------------------------- modality, time
def _governors(t: Token) -> list[tuple[Token, str]]:
    """Heads above a trigger within its reported clause: (token, dep of the path child)."""
    out = []
    cur = t
    for _ in range(6):
        head = cur.head
        if head is cur:
            break
        if cur.dep_ == "pobj" and (head.lower_ in TEMPORAL_PREPS or _reason_prep(head)):
            break  # "after the assassination", "revenge for the killing": not the governed act
        if cur.dep_ == "relcl" or cur.dep_ == "advcl" and any(
                ch.dep_ == "mark" and ch.lower_ in TEMPORAL_PREPS for ch in cur.children):
            break  # "revenge on those who killed him", "called for calm after a strike
            # killed him": a relative or time clause has its own tense
        out.append((head, cur.dep_))
        if _lemma(head) in SPEECH and head.pos_ in ("VERB", "AUX"):
            break
        cur = head
    return out


def _has_neg(t: Token) -> bool:
    for c in t.children:
        if c.dep_ == "neg":
            return True
        if c.dep_ == "det" and c.lower_ in ("no", "neither"):
            return True
    return False


def _aux(t: Token) -> set[str]:
    return {c.lower_ for c in t.children if c.dep_ in ("aux", "auxpass")}


def _conditional(t: Token) -> bool:
    cur = t
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in cur.children):
            return True
        if cur.head is cur or cur.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "pobj", "prep", "dobj"):
            break
        if cur.dep_ in ("advcl", "ccomp"):
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in cur.children):
                return True
            break
        cur = cur.head
    return False


def _modality(ctx: _Ctx, c: Cand, time_text: str) -> str:
    t = c.tok
    chain = [t]
    gv = _governing_verb(t)
    if gv is not None:
        chain.append(gv)
    if _lemma(t) in ("war", "retaliation", "revenge") and t.dep_ == "pobj":
        chain.append(t.head.head)
    for x in chain:
        if _has_neg(x):
            return "negated"
    govs = _governors(t)
    # the first verb up the path with auxiliaries decides
    for x in chain:
        aux = _aux(x)
        if aux & HYPO_AUX or (aux & {"would"} and _conditional(x)):
            return "hypothetical"
        if aux & FUTURE_AUX or "would" in aux or ("going" in aux and "to" in aux):
            return "future"
        if _conditional(x):
            return "hypothetical"
    for g, dep in govs[:4]:
        lg = _lemma(g)
        if (lg in NEG_GOVERNORS and g.i != t.i and dep in ("xcomp", "dobj", "pcomp", "prep", "pobj")
                and not _is_statement_cue(g)):
            return "negated"
        if lg in HYPO_GOVERNORS and dep in ("xcomp", "dobj", "pobj", "prep", "ccomp", "acl", "pcomp"):
            return "hypothetical"
        if lg in FUTURE_GOVERNORS and dep in ("xcomp", "ccomp", "dobj", "pobj", "prep", "acl", "pcomp", "advcl") and g.i != t.i:
            if lg in ("agree", "offer", "decide", "order") and dep not in ("xcomp", "acl"):
                continue
            return "future"
        aux = _aux(g)
        if g.pos_ in ("VERB", "AUX") and dep in ("xcomp", "conj", "pcomp", "prep", "advcl",
                                                  "dobj"):
            if aux & HYPO_AUX or _conditional(g):
                return "hypothetical"
            if aux & FUTURE_AUX or "would" in aux:
                return "future"
        if g.pos_ in ("VERB", "AUX") and dep in ("ccomp",) and lg not in SPEECH:
            break
    if _is_historical(ctx, c, time_text):
        return "historical"
    return "asserted"


def _is_historical(ctx: _Ctx, c: Cand, time_text: str) -> bool:
    t = c.tok
    near = list(t.subtree) + [a for a in t.ancestors][:3]
    for x in near:
        lx = x.lower_
        if lx in ("decades-long", "centuries-old", "years-long", "long-running") or _lemma(x) in ("history",) and x.i != t.i:
            return True
        if lx in ("dating", "dates") and x.i != t.i:
            return True
    text = time_text.lower()
    if not text:
        return False
    if re.search(r"\b(last|previous|past)\s+(year|summer|winter|spring|autumn|fall|decade|century)\b", text):
        return True
    if re.search(r"\b(over|during|in|this|earlier this)\s+the\s+(summer|winter|spring|autumn|fall)\b", text) or \
            re.search(r"\bthe\s+(summer|winter|spring|autumn|fall)\b", text):
        return True
    if re.search(r"\b(years?|decades?|centuries)\s+ago\b", text):
        return True
    pub = ctx.article.published
    py = int(pub[:4]) if pub and len(pub) >= 7 and pub[:4].isdigit() else None
    pm = int(pub[5:7]) if pub and len(pub) >= 7 and pub[5:7].isdigit() else None
    years = [int(y) for y in _YEAR.findall(text)]
    month = next((MONTHS[w] for w in re.findall(r"[a-z]+", text) if w in MONTHS and w != "may"), None)
    if years:
        y = years[0]
        if py is None:
            return False
        if y < py - 0 and (month is None or y < py - 1 or (pm is not None and (py - y) * 12 + pm - month >= 2)):
            return y < py
        return False
    if month is not None and pm is not None:
        return (pm - month) % 12 >= 2  # the most recent such month lies 2+ months back
    return False


def _dates_other_noun(e: Span, anchors: Sequence[Token]) -> bool:
    """The date entity is a modifier of a noun outside the event's own words
    ("weekend strikes", "Tuesday's vote", "the June downing")."""
    root = e.root
    head = root.head
    return (head is not root and root.dep_ in ("compound", "amod", "nmod", "poss")
            and head.pos_ in ("NOUN", "PROPN") and head not in anchors
            and not (e.start <= head.i < e.end))


def _time(ctx: _Ctx, sent: Span, c: Cand) -> TimeRef | None:
    anchors = list(c.parts)
    # A date that modifies another noun dates that noun's event, not this one:
    # "protest at weekend air strikes" is not a weekend protest.
    scope = _cause_scope(c.tok)
    ents = [e for e in sent.ents if e.label_ in ("DATE", "TIME")
            and not _dates_other_noun(e, anchors) and (scope is None or e.start in scope)]
    if not ents:
        return None
    gv = _governing_verb(c.tok)
    if gv is not None:
        anchors.append(gv)
    best: tuple[int, Span] | None = None
    for e in ents:
        root = e.root
        for a in anchors:
            d = None
            cur = root
            for k in range(5):
                if cur == a:
                    d = k
                    break
                if cur.head is cur:
                    break
                if cur.dep_ in ("ccomp", "relcl", "advcl", "parataxis") and k > 0:
                    break
                cur = cur.head
            if d is not None and (best is None or d < best[0]):
                best = (d, e)
    if best is None:
        e = min(ents, key=lambda e: min(abs(e.start - p.i) for p in c.parts))
        # only a nearby, not-too-far expression governs when the parse gives nothing
        if min(abs(e.start - p.i) for p in c.parts) > 12:
            return None
        best = (99, e)
    e = best[1]
    toks = list(e)
    prev = ctx.doc[e.start - 1] if e.start > sent.start else None
    if prev is not None and prev.dep_ == "prep" and prev.lower_ in ("on", "in", "over", "during", "since", "at", "by", "until"):
        toks = [prev, *toks]
    ev = _tok_ev(ctx, sent, toks)
    return TimeRef(text=ev.text, evidence=ev)


# ---------------------------------------------------------------- place
def _place_span(sent: Span, p: Token) -> list[Token] | None:
    ent = next((e for e in sent.ents if e.start <= p.i < e.end), None)
    if ent is not None and ent.label_ in ("GPE", "LOC", "FAC"):
        return list(ent)
    if ent is not None and ent.label_ in ("PERSON", "NORP", "DATE", "TIME", "CARDINAL", "MONEY"):
        return None
    if p.pos_ == "PROPN":
        toks = [x for x in p.lefts if x.dep_ in ("compound", "amod", "nmod") and x.pos_ == "PROPN"] + [p]
        return sorted(toks, key=lambda x: x.i)
    if _lemma(p) in SITE_NOUNS or p.lower_ in SITE_NOUNS:
        mods = [x for x in p.lefts if x.dep_ in ("compound", "nmod", "amod")]
        if any(m.pos_ == "PROPN" for m in mods):
            return list(p.doc[min(m.left_edge.i for m in mods):p.i + 1])
    return None


def _places(ctx: _Ctx, sent: Span, c: Cand, targets: list[Actor]) -> list[list[Token]]:
    found: list[list[Token]] = []
    seen: set[int] = set()
    actor_starts = {a.evidence.start for a in targets if a.evidence}

    def add(p: Token) -> None:
        for q in [p, *p.conjuncts]:
            span = _place_span(sent, q)
            if span is None and q is not p and q.pos_ == "PROPN" and found:
                span = [q]  # "at Al-Assad and Irbil": a conjoined name is a place too
            if span and span[0].i not in seen and span[0].idx not in actor_starts:
                entry = ctx.actors.get(" ".join(t.text for t in span))
                if entry is not None and entry.type in ("person", "group", "igo", "institution", "sector"):
                    continue
                seen.update(t.i for t in span)
                found.append(span)
                for ap in q.children:
                    if ap.dep_ == "appos":
                        add(ap)

    def scan(tok: Token) -> None:
        for ch in tok.children:
            if ch.dep_ == "prep" and ch.lower_ in PLACE_PREPS:
                if ch.lower_ == "on" and c.event_type == "ASSAULT" and tok in c.parts:
                    continue  # "attack on X": X is the target
                for o in ch.children:
                    if o.dep_ == "pobj":
                        add(o)
            elif ch.dep_ == "npadvmod" and ch.ent_type_ in ("GPE", "LOC"):
                add(ch)

    anchors = list(c.parts)
    gv = _governing_verb(c.tok)
    if gv is not None:
        anchors.append(gv)
    for a in anchors:
        scan(a)
    objs = [ch for a in anchors for ch in a.children
            if ch.dep_ in ("dobj", "nsubjpass", "pobj") or (ch.dep_ == "prep" and ch.lower_ in ("on", "at", "against"))]
    objs = [o for x in objs for o in ([x] if x.dep_ != "prep" else [g for g in x.children if g.dep_ == "pobj"])]
    for o in objs:
        for q in [o, *o.conjuncts]:
            if _lemma(q) in SITE_NOUNS or q.lower_ in SITE_NOUNS:
                add(q)
            scan(q)
    for a in anchors:
        for t in a.subtree:
            if t.dep_ == "prep" and t.lower_ in ("in", "at", "near") and t.head.i not in {x.i for x in anchors}:
                if any(x is not t.head and x.dep_ in ("relcl",) for x in t.head.ancestors if x.i in {y.i for y in a.subtree}):
                    continue
                for o in t.children:
                    if o.dep_ == "pobj":
                        add(o)
    return found


# ---------------------------------------------------------------- quantities
def _parse_number(t: Token) -> tuple[int, str] | None:
    """Value and hedge for a number token with its modifiers ("at least 11", "a dozen")."""
    low = t.lower_.replace(",", "")
    value: int | None = None
    hedge = ""
    if _NUM.match(low):
        value = int(float(low))
    elif low in NUMBER_WORDS and low not in ("a", "an"):
        value = NUMBER_WORDS[low]
        if low == "dozen":
            pass
    elif low in VAGUE_COUNTS:
        value, hedge = VAGUE_COUNTS[low]
    elif t.like_num:
        try:
            value = int(float(low))
        except ValueError:
            return None
    if value is None:
        return None
    # multipliers: "two dozen", "3 million"
    for ch in t.children:
        if ch.dep_ in ("compound", "nummod", "quantmod") and ch.like_num and ch.i < t.i:
            sub = _parse_number(ch)
            if sub and low in ("dozen", "hundred", "thousand", "million"):
                value = sub[0] * value
    if low == "million":
        value = value * 1_000_000 if value < 1000 else value
    # hedge words before the number
    left = [x.lower_ for x in t.doc[max(t.sent.start, t.i - 4):t.i]]
    if left and left[-1] in ("a", "an"):
        left = left[:-1]
    for words, h in HEDGES.items():
        if tuple(left[-len(words):]) == words:
            hedge = h
            break
    return value, hedge


def _count_for(victim: Token) -> tuple[int, str, list[Token]] | None:
    """How many people a victim phrase counts: nummod, the number itself, 'a'/'no'."""
    if victim.lower_ in ("nobody", "none", "noone"):
        return 0, "", [victim]
    if victim.lower_ == "one" and any(c.lower_ == "no" for c in victim.children):
        return 0, "", [victim]
    if victim.like_num or victim.lower_ in VAGUE_COUNTS:
        r = _parse_number(victim)
        if r:
            return r[0], r[1], list(victim.subtree)
    for ch in victim.children:
        if ch.dep_ in ("nummod",) or (ch.dep_ == "amod" and ch.lower_ in VAGUE_COUNTS):
            r = _parse_number(ch)
            if r:
                return r[0], r[1], sorted(list(ch.subtree) + [victim], key=lambda x: x.i)
        if ch.dep_ == "det" and ch.lower_ == "no":
            return 0, "", [ch, victim]
        if ch.dep_ == "det" and ch.lower_ in ("a", "an") and victim.tag_ in ("NN", "NNP"):
            return 1, "", [ch, victim]
        if ch.dep_ in ("det", "predet") and ch.lower_ == "both" and victim.tag_ == "NNS":
            return 2, "", [ch, victim]
        if (ch.dep_ in ("det", "poss") and (ch.lower_ in ("the", "this", "that") or ch.dep_ == "poss")
                and victim.tag_ == "NN" and victim.pos_ == "NOUN"):
            return 1, "", [ch, victim]  # "the officer's wife was killed": one person
        if ch.dep_ == "prep" and ch.lower_ == "of" and victim.lower_ in VAGUE_COUNTS:
            r = _parse_number(victim)
            if r:
                return r[0], r[1], list(victim.subtree)
    if victim.ent_type_ == "PERSON":
        return 1, "", [victim]
    if victim.lower_ == "both" and victim.pos_ == "PRON":
        return 2, "", [victim]
    return None


def _in_addition(t: Token) -> int:
    """'In addition to the bomber, five died': the people the count leaves out (0 if none)."""
    for tok in t.sent:
        if tok.lower_ == "addition" and tok.i > 0 and t.doc[tok.i - 1].lower_ == "in":
            for to in tok.children:
                if to.lower_ == "to":
                    for o in to.children:
                        if o.dep_ == "pobj":
                            r = _count_for(o)
                            if r is not None:
                                return r[0]
    return 0


def _quantities(ctx: _Ctx, sent: Span) -> list[tuple[Token, Quantity]]:
    out: list[tuple[Token, Quantity]] = []
    for t in sent:
        lemma = _lemma(t)
        kind = QTY_KIND.get(lemma) or QTY_KIND.get(t.lower_)
        if kind is None:
            continue
        victims: list[Token] = []
        if t.pos_ in ("VERB", "AUX"):
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children)
            for c in t.children:
                if lemma == "die" and c.dep_ == "nsubj" or passive and c.dep_ == "nsubjpass" or not passive and c.dep_ == "dobj":
                    victims.append(c)
            if lemma == "treat" and not any(c.dep_ == "prep" and c.lower_ == "for" for c in t.children):
                continue
            if not victims and t.dep_ in ("amod", "acl") and t.head.pos_ in ("NOUN", "PRON", "NUM"):
                victims.append(t.head)
            if not victims and t.dep_ == "conj" and t.head.pos_ == "VERB":
                # "was shot and killed": the subject sits on the first verb
                hp = any(c.dep_ in ("nsubjpass", "auxpass") for c in t.head.children)
                victims.extend(c for c in t.head.children
                               if (c.dep_ == "nsubjpass" and (passive or hp))
                               or (c.dep_ == "nsubj" and lemma == "die"))
        elif t.pos_ == "ADJ":
            if t.dep_ in ("amod",):
                victims.append(t.head)
            elif t.dep_ in ("acomp",):
                victims.extend(c for c in t.head.children if c.dep_ == "nsubj")
            elif t.dep_ in ("conj",) and t.head.pos_ == "ADJ":
                victims.extend(c for c in t.head.head.children if c.dep_ == "nsubj")
            else:
                victims.extend(c for c in t.children if c.like_num)
        elif t.pos_ == "NOUN" and lemma in ("death", "fatality", "casualty", "injury", "life"):
            victims.append(t)
            if lemma == "casualty":
                kind = "casualties"
        for v in victims:
            # coordinated victims add up: "one assailant and one soldier were killed" -> 2
            counts = [r for r in (_count_for(vv) for vv in [v, *v.conjuncts]) if r is not None]
            if not counts:
                continue
            value = sum(r[0] for r in counts)
            hedge = next((r[1] for r in counts if r[1]), "")
            toks = [x for r in counts for x in r[2]]
            if kind == "killed":
                value += _in_addition(t)
            ev = _tok_ev(ctx, sent, toks + [t])
            kinds = ["killed", "injured"] if kind == "casualties" else [kind]
            for k in kinds:
                out.append((t, Quantity(k, value, hedge, ev.text, ev)))
    # weapons fired: "launched more than a dozen missiles"
    for t in sent:
        if _lemma(t) in WEAPON_NOUNS and t.dep_ in ("dobj", "nsubjpass", "pobj"):
            for ch in t.children:
                if ch.dep_ == "nummod":
                    num = _parse_number(ch)
                    if num:
                        ev = _tok_ev(ctx, sent, list(ch.subtree) + [t])
                        out.append((t, Quantity("weapons", num[0], num[1], ev.text, ev)))
    return out


# ---------------------------------------------------------------- mode, context
LEADER_NOUNS = frozenset({"leader", "chief", "commander", "president", "minister", "governor",
                          "mayor", "head", "premier", "deputy", "general", "politician", "mp"})


def _infer_mode(ctx: _Ctx, c: Cand) -> tuple[str, list[str]]:
    if c.event_type == "PROTEST" and c.mode in ("", "demo"):
        # a demonstration where stones fly or shops are looted is a riot in PLOVER
        means = _clause_means(ctx, c)
        return (means if means[0] else (c.mode, []))
    if c.mode and c.event_type == "ASSAULT":
        # a manner word on the trigger itself is more specific than the trigger's
        # default mode ("sexually abused" is sexual, not beat)
        for ch in c.tok.children:
            m = ctx.lex.modes.get(_lemma(ch))
            if ch.dep_ in ("advmod", "compound", "amod") and m is not None and m.event_type == "ASSAULT":
                return m.mode, [m.context] if m.context else []
    if c.mode or c.event_type != "ASSAULT":
        return c.mode, []
    if _lemma(c.tok) in ("kill", "murder", "shoot", "gun") and any(
            ch.dep_ == "dobj" and _lemma(ch) in LEADER_NOUNS and ch.tag_ in ("NN", "NNP")
            for ch in c.tok.children):
        return "assassinate", []  # "killed the deputy chief of ..." (one person): targeted
    looks: list[Token] = []
    for p in c.parts:
        looks.extend(ch for ch in p.children
                     if ch.dep_ in ("compound", "amod", "nmod", "nsubj", "dobj", "advmod"))
        for ch in p.children:
            if ch.dep_ in ("prep", "agent") and ch.lower_ in ("with", "by", "of", "using"):
                looks.extend(o for o in ch.children if o.dep_ == "pobj")
        if p.i > 0:
            looks.append(p.doc[p.i - 1])
    more: list[Token] = []
    for x in looks:
        more.extend(ch for ch in x.children if ch.dep_ in ("compound", "amod"))
    for x in looks + more:
        m = ctx.lex.modes.get(_lemma(x))
        if m is not None and m.event_type == c.event_type:
            return m.mode, [m.context] if m.context else []
    return _clause_means(ctx, c)


def _clause_root(t: Token) -> Token:
    """The verb heading the clause an event sits in, climbing through folded-in clauses."""
    cur = t
    for _ in range(4):
        if cur.dep_ in ("advcl", "conj", "xcomp", "dobj", "pobj", "prep", "acl", "nsubj",
                        "nsubjpass", "compound", "amod") and cur.head is not cur:
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("advcl", "conj", "xcomp"):
                break
            cur = cur.head
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("advcl", "conj", "xcomp"):
                break
        else:
            break
    return cur


def _clause_means(ctx: _Ctx, c: Cand) -> tuple[str, list[str]]:
    """The means named anywhere in the event's own clause, nearest first.

    PLOVER's ASSAULT mode says how force was used; the weapon is often an
    argument of a neighbouring word rather than of the trigger ("militiamen
    armed with machetes attacked", "launched rocket fire ..., killing 50").
    Reported clauses of other speakers and relative clauses are not searched.
    """
    root = _clause_root(c.tok)
    scope = _cause_scope(c.tok)
    skip: set[int] = set()
    for t in root.subtree:
        if scope is not None and t.i not in scope:
            skip.add(t.i)  # a cause's weapon is its own ("retaliation for a drone strike")
        elif t is not root and t.i not in skip and (
                t.dep_ in ("ccomp", "parataxis", "relcl") or scope is None and _reason_prep(t)):
            skip.update(x.i for x in t.subtree if not any(p.i == x.i for p in c.parts))
    best: tuple[int, LexEntry] | None = None
    for t in root.subtree:
        if t.i in skip:
            continue
        m = ctx.lex.modes.get(_lemma(t))
        if m is None or m.event_type != c.event_type:
            continue
        d = min(abs(t.i - p.i) for p in c.parts)
        if best is None or d < best[0]:
            best = (d, m)
    if best is None:
        return "", []
    return best[1].mode, [best[1].context] if best[1].context else []


def _threat_mode(target: Cand | None) -> str:
    if target is None:
        return ""
    et, mode = target.event_type, target.mode
    if et in ("ASSAULT", "MOBILIZE"):
        return "violence"
    if et == "COERCE":
        return {"ban": "ban", "deport": "expel", "seize": "territory", "arrest": "violence",
                "curfew": "curfew"}.get(mode, "restrict")
    if et == "SANCTION":
        return {"expel": "expel", "restrict": "restrict"}.get(mode, "relations")
    if et in ("PROTEST", "RETREAT"):
        return "relations"
    return ""


# Types whose complement event is their content ("threatened to strike X",
# "urged Iran to withdraw"), so its target is theirs; other acts share only a
# purpose clause's target ("opened fire to disperse X"). An attack "in revenge
# for the attack that killed X" is another act: X is not its target.
COMPLEMENT_TARGET_TYPES = frozenset({"THREATEN", "AGREE", "REQUEST", "REJECT", "ACCUSE"})


def _purpose_clause(t: Token) -> bool:
    """A verb of an infinitive purpose clause ("opened fire to disperse X"): its object is the act's."""
    return t.pos_ == "VERB" and t.dep_ in ("xcomp", "advcl") and any(
        ch.dep_ == "aux" and ch.lower_ == "to" for ch in t.children)


def _complement(c: Cand, cands: list[Cand]) -> Cand | None:
    """The event an INTENT/THREATEN/REQUEST trigger governs ("threatened to strike")."""
    best: tuple[int, Cand] | None = None
    for d in cands:
        if d is c:
            continue
        for depth, anc in enumerate(d.tok.ancestors, start=1):
            if anc == c.tok:
                if best is None or depth < best[0]:
                    best = (depth, d)
                break
            if depth > 4 or (anc.dep_ in ("ccomp",) and _lemma(anc.head) in SPEECH):
                break
    return best[1] if best else None


# ---------------------------------------------------------------- assembly
MODALITY_PENALTY = {"asserted": 0.0, "historical": 0.05, "future": 0.15, "hypothetical": 0.2, "negated": 0.2}


def _confidence(c: Cand, sources: list[Actor], targets: list[Actor], has_place: bool,
                has_time: bool, modality: str) -> float:
    """How complete and how central a mention is (used to rank a sentence's mentions)."""
    score = 0.3
    score += 0.2 if sources else 0.0
    score += 0.15 if targets else 0.0
    score += 0.1 if has_place else 0.0
    score += 0.05 if has_time else 0.0
    depth = sum(1 for _ in c.tok.ancestors)
    score += max(0.0, 0.15 - 0.04 * depth)
    score += 0.05 if c.entry.slots else 0.0
    if any(p.pos_ in ("VERB", "AUX") for p in c.parts):
        score += 0.1
    elif c.tok.dep_ == "pobj" and c.tok.head.lower_ in ("for", "of", "over", "about", "because", "against", "to"):
        score -= 0.1  # "sanctions for its support of ...": a reason, not a reported act
    score -= MODALITY_PENALTY.get(modality, 0.0)
    return round(min(1.0, max(0.05, score)), 3)


# "decided to allow": a decision is the act itself, not a promise, so decide/resolve are no anchors
INTENT_GOVS = frozenset({"ready", "willing", "prepared", "plan", "intend", "prepare", "committed",
                         "commit", "determined", "poised", "set", "eager"})
REFUSAL_GOVS = frozenset({"fail", "refuse", "decline", "reject", "oppose", "resist", "rule"})


def _intent_anchor(t: Token) -> Token | None:
    """The word that makes an act announced rather than done: 'will', 'would', 'ready to'."""
    cur = t
    for _ in range(4):
        for ch in cur.children:
            if ch.dep_ == "aux" and ch.lower_ in FUTURE_AUX | {"would"}:
                return ch
        if cur is not t and _lemma(cur) in INTENT_GOVS:
            return cur
        if cur.head is cur or cur.dep_ not in ("xcomp", "conj", "pobj", "prep", "dobj", "pcomp", "acomp", "acl"):
            break
        cur = cur.head
    return cur if cur is not t and _lemma(cur) in INTENT_GOVS else None


def _refusal_anchor(t: Token) -> Token | None:
    """'failed to reach', 'will not accept': the word that turns cooperation into rejection."""
    cur = t
    for _ in range(3):
        for ch in cur.children:
            if ch.dep_ == "neg":
                return ch
        if cur is not t and _lemma(cur) in REFUSAL_GOVS:
            return cur
        if cur.head is cur or cur.dep_ not in ("xcomp", "dobj", "pcomp", "pobj", "prep"):
            break
        cur = cur.head
    return cur if cur is not t and _lemma(cur) in REFUSAL_GOVS else None


def _is_state(ctx: _Ctx, a: Actor) -> bool:
    e = ctx.actors.get(a.text)
    return e is not None and e.type in ("country", "capital")


def _is_reporter(t: Token) -> bool:
    """Subject of 'X said', object of 'according to X': who reports, not who acts."""
    cur = t
    for _ in range(3):
        if cur.dep_ in ("nsubj", "nsubjpass") and _lemma(cur.head) in SPEECH and cur.head.dep_ != "ROOT":
            return True
        if cur.dep_ in ("nsubj",) and _lemma(cur.head) in SPEECH and any(
                c.dep_ == "ccomp" for c in cur.head.children) and cur.head.i > t.i and any(
                c.dep_ in ("ccomp", "parataxis") and c.i < cur.head.i for c in cur.head.children):
            return True
        if cur.dep_ == "pobj" and cur.head.lower_ == "to" and cur.head.head.lower_ == "according":
            return True
        if cur.dep_ not in ("conj", "appos", "compound", "poss") or cur.head is cur:
            break
        cur = cur.head
    return False


def _sentence_actors(ctx: _Ctx, sent: Span) -> list[tuple[Token, Actor]]:
    """Every actor noun phrase of a sentence with a country, reporters excluded (cached)."""
    got = ctx.sent_actors.get(sent.start)
    if got is not None:
        return got
    out: list[tuple[Token, Actor]] = []
    for t in sent:
        if t.pos_ not in ("PROPN", "NOUN") or t.dep_ in ("compound", "flat", "amod", "nmod"):
            continue
        if _is_reporter(t):
            continue
        a = _actor_from_np(ctx, sent, t)
        if a is not None and _is_ethnic(t):
            a = _locate(ctx, sent, t, a)
        if a is not None and a.country is not None:
            out.append((t, a))
    ctx.sent_actors[sent.start] = out
    return out


def _sentence_country(ctx: _Ctx, sent: Span) -> str | None:
    """The one state a sentence is about, when it names exactly one (IGO/NGO aside)."""
    found = {a.country for _, a in _sentence_actors(ctx, sent) if a.country not in SPECIAL_CODES}
    return found.pop() if len(found) == 1 else None


SPECIAL_CODES = frozenset({"IGO", "NGO", None})


def _fill_roles(ctx: _Ctx, sent: Span, c: Cand, sources: list[Actor],
                targets: list[Actor], statements: list[Statement]) -> tuple[list[Actor], list[Actor]]:
    """PLOVER codes both sides even when the parse links only one: borrow from the sentence.

    A side the parse left empty takes the nearest actor of the sentence that
    is not already on the other side (the recipient after the trigger first,
    the source before it first); an actor with no country takes the sentence's
    only state; actors with a country are listed first.
    """
    used = {a.evidence.start for a in sources + targets if a.evidence}
    # who claims, denies or reports an act is not a party to it
    used |= {st.speaker.evidence.start for st in statements
             if st.speaker is not None and st.speaker.evidence is not None}
    pool = [(t, a) for t, a in _sentence_actors(ctx, sent)
            if a.evidence is not None and a.evidence.start not in used
            and not any(t.i == p.i for p in c.parts)]
    trig = c.tok.i
    # the victims of what a reaction answers are not its target ("revenge for the killing of X")
    causes = {x.i for p in c.parts for ch in p.subtree if _reason_prep(ch) for x in ch.subtree}
    for who in sent:
        # "those who killed X", "those responsible for the killing of X": the victims of
        # the unnamed group's deed are not the target of what the sentence says of it
        if who.pos_ == "PRON" and any(_unnamed_head(ch) for ch in who.children):
            inside = {x.i for x in who.subtree}
            if trig not in inside:
                causes |= inside
            else:  # the deed of an unnamed group: who is outside the phrase only reacts to it
                pool = [x for x in pool if x[0].i in inside]
    scope = _cause_scope(c.tok)
    if scope is not None:  # a cause: who reacts to it ("X vowed revenge for ...") did not do it
        pool = [x for x in pool if x[0].i in scope]
    generic = [a for a in targets if a.country is None]
    if targets and len(generic) == len(targets) and _sentence_country(ctx, sent) is None:
        targets = []  # "killing 20 people": only a generic victim; the sentence may name whose
    if not targets:
        src_countries = {a.country for a in sources}
        # a later actor of the source's own state is often the domestic recipient
        # ("the president reneged on his promise to the Zambian people")
        after = [x for x in pool if x[0].i > trig and x[0].i not in causes and (
            x[1].country not in src_countries or x[1].name not in {a.name for a in sources})]
        before = sorted((x for x in pool if x[0].i < trig and x[1].country not in src_countries),
                        key=lambda x: -x[0].i)
        picks = after or ([] if causes else before)
        if picks:
            pick = picks[0]
            targets = [pick[1], *generic]
            used.add(pick[1].evidence.start if pick[1].evidence else -1)
            pool = [x for x in pool if x is not pick]
    if not sources and not _unnamed_agent(c):
        # an actor of the target's own state may act on it ("ethnic X protested in Y")
        tgt_names = {a.name for a in targets}
        before = sorted((x for x in pool if x[0].i < trig and x[1].name not in tgt_names
                         and not _landmark(x[0])), key=lambda x: -x[0].i)
        if before:
            sources = [before[0][1]]
    if not targets:
        targets = generic
    home = _sentence_country(ctx, sent)
    if home is not None:
        for a in sources + targets:
            if a.country is None:
                a.country = home
    sources = sorted(sources, key=lambda a: a.country is None)
    targets = sorted(targets, key=lambda a: a.country is None)
    return sources, targets


# "revenge for", "anger over", "arrested for": an event that is the reason for a reaction
# (a noun or verb of these) is a cause: it already happened, and the reaction's subject
# is not its agent.
REASON_PREPS = frozenset({"for", "over"})
REACTION_WORDS = frozenset({
    "revenge", "retaliation", "reprisal", "vengeance", "anger", "outrage", "condemnation",
    "mourning", "punishment", "apology", "grief", "protest", "sanction", "blame",
    "avenge", "retaliate", "condemn", "denounce", "criticize", "criticise", "punish",
    "arrest", "detain", "sentence", "jail", "convict", "charge", "execute", "apologize",
    "apologise", "mourn", "vow", "swear"})


def _reason_prep(prep: Token) -> bool:
    return (prep.dep_ == "prep" and prep.lower_ in REASON_PREPS
            and _lemma(prep.head) in REACTION_WORDS)


LANDMARK_PREPS = frozenset({"near", "inside", "outside", "beside", "past"})  # not "behind": who is behind an attack did it


def _landmark(t: Token) -> bool:
    """An actor named only to say where something is ("landed not far from the US embassy",
    "fell near the Iranian consulate"): a landmark, not who acted."""
    prep = t.head
    if t.dep_ != "pobj" or prep.dep_ not in ("prep", "advmod"):
        return False
    if prep.lower_ in LANDMARK_PREPS:
        return True
    # "far from X", "(landed) not far from X", "200 metres from X"
    return prep.lower_ == "from" and (prep.head.lower_ in DISTANCE_WORDS or any(
        ch.dep_ in ("advmod", "npadvmod") and ch.lower_ in DISTANCE_WORDS
        for ch in prep.head.children))


DISTANCE_WORDS = frozenset({"far", "away", "metres", "meters", "kilometres", "kilometers",
                            "miles", "yards"})


def _cause_scope(t: Token) -> set[int] | None:
    """The reason phrase an event sits in, as token indices, or None.

    "Iran fired missiles on Wednesday in retaliation for the killing of X": the
    killing's agent, date and weapon are not the firing's, so only the phrase
    "for the killing of X" may supply them. Temporal links ("retook the village
    after fighting") are not reasons: there the same side often acts on.
    """
    cur = t
    for _ in range(8):
        head = cur.head
        if head is cur:
            return None
        if cur.dep_ == "pobj" and _reason_prep(head):
            return {x.i for x in head.subtree}
        cur = head
    return None


def _unnamed_head(mod: Token) -> bool:
    """A modifier that makes a pronoun an unnamed perpetrator: 'who killed', 'responsible for'."""
    if mod.dep_ == "relcl":
        return any(ch.dep_ == "nsubj" and ch.tag_ in ("WP", "WDT") for ch in mod.children)
    return mod.dep_ == "amod" and _lemma(mod) == "responsible"


def _unnamed_agent(c: Cand) -> bool:
    """The parse names who acted, but not by name: 'those who killed him', 'anyone who
    attacks', 'those responsible for the killing'. Borrowing a sentence actor would be a guess."""
    if any(p.pos_ in ("VERB", "AUX") and p.head.pos_ == "PRON" and _unnamed_head(p)
           for p in c.parts):
        return True
    t = c.tok
    prep = t.head
    return (t.dep_ == "pobj" and prep.lower_ == "for" and _lemma(prep.head) == "responsible"
            and prep.head.head.pos_ == "PRON")


OBLIGATION_AUX = frozenset({"must", "should", "ought"})


def _obligations(ctx: _Ctx, sent: Span, used: set[int]) -> list[Mention]:
    """'X said Y must do Z' is a demand of X on Y (PLOVER REQUEST), whatever Z is."""
    out: list[Mention] = []
    aid = ctx.article.id
    for t in sent:
        if t.lower_ not in OBLIGATION_AUX or t.dep_ != "aux":
            continue
        clause = t.head
        if clause.dep_ not in ("ccomp", "acl", "relcl") or clause.head is clause:
            continue
        gov = clause.head
        if gov.pos_ in ("NOUN", "PROPN") and gov.head.pos_ in ("VERB", "AUX"):
            gov = gov.head
        if gov.pos_ not in ("VERB", "AUX"):
            continue
        subj, passive = _subject(gov)
        sources = _dedupe([a for s in subj for a in _actors(ctx, sent, s)]) if not passive else []
        targets = _dedupe([a for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")
                           for a in _actors(ctx, sent, c)])
        if not sources or not targets or {a.name for a in sources} & {a.name for a in targets}:
            continue
        ev = _tok_ev(ctx, sent, [t])
        if ev.start in used:
            continue
        used.add(ev.start)
        sent_ev = _ev(ctx, sent, sent.start_char, sent.end_char)
        out.append(Mention(
            id=f"{aid}:{ev.start}", article_id=aid, event_type="REQUEST", mode="", trigger=ev,
            sentence=sent_ev, sources=sources, targets=targets, modality="asserted",
            context=["obligation"],
            # the sentence's main assertion when it is what the main verb reports
            confidence=1.0 if gov.dep_ == "ROOT" else 0.5,
        ))
    return out


def _sentence_mentions(ctx: _Ctx, sent: Span, si: int) -> list[Mention]:
    aid = ctx.article.id
    cands = _fold(_find_candidates(ctx, sent))
    comps: dict[int, Cand] = {}
    for c in cands:
        comp = _complement(c, cands)
        if comp is not None:
            comps[c.tok.i] = comp
        if c.event_type == "INTENT":
            if comp is not None:
                c.event_type = "THREATEN" if comp.event_type in CONFLICT_TYPES else "AGREE"
            else:
                c.event_type = "THREATEN" if _lemma(c.tok) in ("vow", "swear") else "AGREE"
        if c.event_type == "THREATEN" and not c.mode:
            c.mode = _threat_mode(comp)
            if not c.mode and comp is None and any(
                    ch.dep_ == "xcomp" and ch.pos_ == "VERB" for ch in c.tok.children):
                c.mode = "violence"  # "threatened to deliver blows": an unnamed act of force
    built: list[tuple[Cand, Mention, list[list[Token]]]] = []
    sent_ev = _ev(ctx, sent, sent.start_char, sent.end_char)
    for c in cands:
        sources, targets = _roles(ctx, sent, c)
        lemma = _lemma(c.tok)
        if c.event_type == "PROTEST" and lemma == "protest" and (any(
                a.sector in ("GOV", "IGO") or _is_state(ctx, a) for a in sources) or any(
                ch.dep_ == "ccomp" for ch in c.tok.children) or c.tok.dep_ == "parataxis"):
            # a protest that is said ("X is failing, a group protested") is verbal: ACCUSE
            c.event_type, c.mode = "ACCUSE", "allege"
        if c.tok.dep_ == "pobj" and c.tok.head.lower_ == "to" and c.tok.head.head.lower_ in (
                "opposed", "averse", "objected", "objecting"):
            c.event_type, c.mode = "REJECT", ""  # "is opposed to French mediation"
        if c.event_type == "COERCE" and c.mode == "deport" and targets and all(
                a.country in ("IGO", "NGO") or a.sector in ("IGO", "NGO") for a in targets):
            c.event_type, c.mode = "SANCTION", "expel"  # forcing out an agency ends its mission
        if c.event_type == "PROTEST" and lemma == "storm" and any(a.sector in ("MIL", "COP", "REB") for a in sources):
            c.event_type, c.mode = "ASSAULT", ""
        comp = comps.get(c.tok.i)
        if not targets and comp is not None and (
                c.event_type in COMPLEMENT_TARGET_TYPES or _purpose_clause(comp.tok)):
            # "urged Iran to withdraw": the one asked is the target; "promised aid to X": X is
            csrc, ctgt = _roles(ctx, sent, comp)
            pool = csrc + ctgt if c.event_type in ("REQUEST", "REJECT", "ACCUSE") else ctgt
            targets = [a for a in pool if not any(a.name == s.name for s in sources)]
        statements = _statements(ctx, sent, c)
        time = _time(ctx, sent, c)
        modality = _modality(ctx, c, time.text if time else "")
        if time is None and _cause_scope(c.tok) is not None:
            # a cause takes no date from the clause that reacts to it: only the report's
            time = TimeRef(text="", precision="reported")
        for st in statements:
            sp = st.speaker
            if st.kind == "claim" and sp is not None and not sources:
                sources = [sp]
            if st.kind == "denial" and sp is not None:
                sources = [a for a in sources if not (a.name == sp.name and a.country == sp.country)]
        place_spans = _places(ctx, sent, c, targets)
        mode, mode_ctx = _infer_mode(ctx, c)
        context = list(dict.fromkeys([*c.context, *mode_ctx]))
        if not targets and place_spans:
            # PLOVER convention: with no other recipient, the state where it happens is the target
            for pspan in place_spans:
                ptext = _tok_ev(ctx, sent, pspan).text
                entry = ctx.actors.get(ptext)
                if entry is not None and entry.type in ("country", "capital") and not any(
                        a.country == entry.country for a in sources):
                    targets = [Actor(text=ptext, name=entry.name, country=entry.country,
                                     sector=None, evidence=_tok_ev(ctx, sent, pspan))]
                    break
        sources, targets = _fill_roles(ctx, sent, c, sources, targets, statements)
        if any(a.country is None for a in sources + targets) and place_spans:
            # people with no state of their own are coded by where they act
            # ("crowds blocked streets in Hong Kong")
            where = _span_country(ctx, sent, place_spans[0])
            for a in sources + targets:
                if a.country is None and where is not None:
                    a.country = where
        for pspan in place_spans if not targets else []:
            # "a curfew in Abidjan", "bombs in Kabul": the state of the town, even when it is
            # the source's own (PLOVER codes domestic repression so)
            ptext = _tok_ev(ctx, sent, pspan).text
            entry = ctx.actors.get(ptext)
            if entry is not None:
                city = entry.country if entry.type in ("country", "capital") else None
            else:
                city = _town_country(ctx, ptext, sent)
            if city is not None:
                targets = [Actor(text=ptext, name=ptext, country=city, sector=None,
                                 evidence=_tok_ev(ctx, sent, pspan))]
                break
        place = None
        if place_spans:
            pev = _tok_ev(ctx, sent, place_spans[0])
            place = PlaceRef(text=pev.text, evidence=pev)
            for pspan in place_spans:
                tag = f"place:{_tok_ev(ctx, sent, pspan).text}"
                if tag not in context:
                    context.append(tag)
        trig_ev = _tok_ev(ctx, sent, [c.tok])
        m = Mention(
            id=f"{aid}:{trig_ev.start}", article_id=aid, event_type=c.event_type, mode=mode,
            trigger=trig_ev, sentence=sent_ev, sources=sources, targets=targets, time=time,
            place=place, modality=modality, statements=statements, context=context,
            confidence=_confidence(c, sources, targets, place is not None, time is not None, modality),
        )
        built.append((c, m, place_spans))
    # main-clause events outrank the events they govern ("agreed to provide aid" is AGREE)
    for c, m, _ in built:
        for d, n, _ in built:
            if d is not c and c.tok in d.tok.ancestors:
                m.confidence = round(min(1.0, m.confidence + 0.1), 3)
                n.confidence = round(max(0.05, n.confidence - 0.1), 3)
    # PLOVER codes announced acts as intent (AGREE when cooperative, THREATEN when conflictual)
    # and refused cooperation as REJECT
    extra: list[Mention] = []
    used = {m.trigger.start for _, m, _ in built if m.trigger}
    cand_toks = {c.tok.i for c in cands}
    for c, m, _ in built:
        anc = {a.i for a in c.tok.ancestors}
        if any(d.tok.i in anc and QUAD_CLASS.get(d.event_type, "").startswith("verbal") for d in cands):
            continue
        quad = QUAD_CLASS[m.event_type]
        if m.modality == "future" and quad != "verbal_conflict" and m.event_type != "AGREE":
            anchor = _intent_anchor(c.tok)
            etype = "THREATEN" if m.event_type in CONFLICT_TYPES else "AGREE"
            mode = _threat_mode(c) if etype == "THREATEN" else ""
        elif m.modality == "negated" and "coop" in quad:
            anchor = _refusal_anchor(c.tok)
            etype, mode = "REJECT", ""
        else:
            continue
        if anchor is None or anchor.i in cand_toks:
            continue
        ev = _tok_ev(ctx, sent, [anchor])
        if ev.start in used:
            continue
        used.add(ev.start)
        extra.append(Mention(
            id=f"{aid}:{ev.start}", article_id=aid, event_type=etype, mode=mode, trigger=ev,
            sentence=sent_ev, sources=list(m.sources), targets=list(m.targets), time=m.time,
            place=m.place, modality="asserted", statements=list(m.statements),
            context=list(m.context) + [f"{'intent' if etype != 'REJECT' else 'refused'}:{m.event_type}"],
            confidence=round(min(1.0, m.confidence + 0.25), 3),
        ))
    extra.extend(_obligations(ctx, sent, used))
    mentions = [m for _, m, _ in built] + extra
    # quantities go to the mention whose trigger they hang off, else the sentence's attack
    for tok, q in _quantities(ctx, sent):
        target_m: Mention | None = None
        for c, m, _ in built:
            if tok in c.parts:
                target_m = m
                break
        if target_m is None:
            anc = {a.i for a in tok.ancestors} | {tok.i}
            related = [(c, m) for c, m, _ in built
                       if c.tok.i in anc or tok.i in {a.i for a in c.tok.ancestors}]
            pref = [m for c, m in related if m.event_type == "ASSAULT"] or [m for _, m in related]
            target_m = pref[0] if pref else None
        if target_m is None:
            want = "COERCE" if q.kind == "arrested" else "ASSAULT"
            same = [m for _, m, _ in built if m.event_type == want]
            if same:
                target_m = same[0]
            elif q.kind != "weapons":
                recent = [m for i, m in ctx.recent_assaults if si - i <= 3]
                target_m = recent[-1] if recent else None
        if target_m is None:
            continue
        if not any(x.kind == q.kind and x.value == q.value and x.evidence and q.evidence
                   and x.evidence.start == q.evidence.start for x in target_m.quantities):
            target_m.quantities.append(q)
    for _, m, _ in built:
        if m.event_type == "ASSAULT" and m.modality in ("asserted", "historical"):
            ctx.recent_assaults.append((si, m))
    mentions.sort(key=lambda m: m.trigger.start if m.trigger else 0)
    return mentions


def extract_mentions(doc: Doc, article: Article, *, lexicon: Lexicon | None = None,
                     actors: ActorDictionary | None = None) -> list[Mention]:
    """Every event mention in a parsed article, in text order.

    ``doc`` must be the parse of ``article.text`` so that character offsets in
    the evidence point into the article. Mention ids are
    ``f"{article.id}:{trigger_start}"`` and so are stable across runs.
    """
    ctx = _Ctx(article, doc, lexicon or load_lexicon(), actors or load_actor_dictionary())
    out: list[Mention] = []
    for si, sent in enumerate(doc.sents):
        out.extend(_sentence_mentions(ctx, sent, si))
    for m in out:
        _state_forces(m)
    return out


# Attacks delivered with these means are carried out by a state's armed
# forces, never by its civil government: "Iran fired missiles" is IRN MIL.
_ARMED_MODES = frozenset({"heavy-weapons", "aerial", "drone", "missile", "explosives", "firearms"})


def _state_forces(m: Mention) -> None:
    """Give a bare country acting with military means the MIL sector."""
    if m.event_type not in ("ASSAULT", "MOBILIZE") or (m.event_type == "ASSAULT" and m.mode not in _ARMED_MODES):
        return
    for a in m.sources:
        if a.country and len(a.country) == 3 and a.country != "IGO" and a.sector is None:
            a.sector = "MIL"
