"""PLOVER mentions -> other coding schemes (ACLED/CASE, GTD, CAMEO), in one place.

The tables in ``evaluate/data`` give the default target for each PLOVER type
and mode. Some target labels need more than type+mode (ACLED separates
peaceful protests from protests met with arrests; GTD separates bombings from
shootings), so the functions here refine the default with cues the mention
itself carries, in a fixed, documented order:

ACLED/CASE (:func:`acled_label`)
  1. a claim or denial of responsibility attached to the mention -> ATTRIB
  2. table default for (type, mode), falling back to (type, "*")
  3. ASSAULT:
     - protesters among the targets -> FORCE_AGAINST_PROTEST
     - protesters (rioters) among the sources -> VIOL_DEMONSTR
     - unless the mode already names the sub-type (aerial, suicide-attack ...),
       weapon words in the evidence (``weapon_cues.tsv``: grenade, mortar,
       warplanes ...) pick the remote-violence sub-type
     - default ARMED_CLASH becomes ATTACK when every target is civilian, or
       MOB_VIOL when the sources are civilians (a mob) and no target is armed
  4. COERCE: protesters among the targets -> PROTEST_WITH_INTER; a seizure by a
     non-state armed source -> NON_STATE_ACTOR_OVERTAKES_TER; a seizure of
     weapons (a 'weapons' quantity, or arms words in the evidence) -> DISR_WEAP
  5. PROTEST (not riot): reported deaths/injuries -> FORCE_AGAINST_PROTEST;
     arrests -> PROTEST_WITH_INTER

GTD (:func:`gtd_attack_type`)
  table default; when only the ``*`` row matched (no telling mode), the first
  GTD weapon word found in the evidence decides.

Whole snippets (what the CASE and GTD scorers use)
  :func:`acled_label_snippet`: the first cue of ``acled_cues.tsv`` found in the
  snippet's foreground (:func:`foreground`: clauses naming a cause, motive,
  grievance or earlier event blanked out), else anywhere in the snippet
  (ACLED's precedence: force on demonstrations, disasters, claims, suicide
  bombs, weapons seized ... armed clash), else :func:`acled_label`.
  :func:`gtd_attack_type_snippet`: ``gtd_cues.tsv`` on the summary's first
  sentence ('before' cues such as kidnapping or a prominent target override
  the mention; 'after' cues fill in when it gives no attack type).

CAMEO (:func:`cameo_root`, :func:`quad_class`, :func:`cameo_to_plover`)
  table lookups only.
"""

from __future__ import annotations

import re
from functools import cache

from sitroom.evaluate.tables import read_table
from sitroom.records import EVENT_TYPES, Mention

NONE_LABEL = "NONE"   # what an item gets when the extractor found nothing to map

ARMED_SECTORS = frozenset({"MIL", "REB", "COP", "UAF", "IMG", "SPY", "GOV", "INS", "PMF"})
NON_STATE_ARMED = frozenset({"REB", "UAF", "IMG", "INS"})
CIVILIAN_SECTORS = frozenset({"CVL", "REF", "EDU", "MED", "JRN", "BUS", "REL", "LAB", "HLH"})
# ASSAULT modes that already name the ACLED sub-type; weapon words refine the others.
_DECISIVE_ASSAULT_MODES = frozenset({"aerial", "drone", "suicide-attack", "unconventional",
                                     "sexual", "abduct", "seize"})
_PROTESTER = re.compile(r"\b(protest\w*|demonstrat\w*|marcher\w*|rioter\w*|rall(?:y|ies)|crowds?)\b",
                        re.I)


@cache
def _type_mode_table(name: str) -> dict[tuple[str, str], str]:
    return {(row[0], row[1]): row[2] for row in read_table(name) if len(row) >= 3}


def _lookup(name: str, event_type: str, mode: str) -> tuple[str, bool]:
    """(target, specific): specific is False when only a '*' row matched."""
    table = _type_mode_table(name)
    if (event_type, mode) in table:
        return table[(event_type, mode)], True
    if (event_type, "*") in table:
        return table[(event_type, "*")], False
    return table.get(("*", "*"), NONE_LABEL), False


@cache
def _cues(scheme: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r"\b" + re.escape(row[1]) + r"\b", re.I), row[2])
                 for row in read_table("weapon_cues.tsv") if row[0] == scheme)


def _evidence_text(m: Mention) -> str:
    parts = [e.text for e in (m.trigger, m.sentence) if e is not None and e.text]
    return " ".join(parts)


def _first_cue(scheme: str, text: str) -> str | None:
    for pattern, label in _cues(scheme):
        if pattern.search(text):
            return label
    return None


def _sectors(actors: list) -> set[str]:
    return {a.sector for a in actors if a.sector}


def _has_protesters(actors: list) -> bool:
    return any(_PROTESTER.search(f"{a.text} {a.name}") for a in actors)


def _has_quantity(m: Mention, kind: str) -> bool:
    return any(q.kind == kind and q.value > 0 for q in m.quantities)


def acled_label(m: Mention) -> str:
    """ACLED sub-event label (CASE 2021 Task 2 spelling) for one mention."""
    if any(s.kind in ("claim", "denial") for s in m.statements):
        return "ATTRIB"
    label, specific = _lookup("plover_acled.tsv", m.event_type, m.mode)
    if m.event_type == "ASSAULT":
        if _has_protesters(m.targets):
            return "FORCE_AGAINST_PROTEST"
        if _has_protesters(m.sources):
            return "VIOL_DEMONSTR"
        if m.mode not in _DECISIVE_ASSAULT_MODES:
            cue = _first_cue("acled", _evidence_text(m))
            if cue:
                return cue
        if label == "ARMED_CLASH":
            tgt, src = _sectors(m.targets), _sectors(m.sources)
            if tgt and tgt <= CIVILIAN_SECTORS:
                return "ATTACK"
            if src and src <= CIVILIAN_SECTORS and not (tgt & ARMED_SECTORS):
                return "MOB_VIOL"
        return label
    if m.event_type == "COERCE":
        if _has_protesters(m.targets):
            return "PROTEST_WITH_INTER"
        if m.mode in ("seize", "confiscate"):
            if _has_quantity(m, "weapons") or _first_cue("acled_seize", _evidence_text(m)):
                return "DISR_WEAP"
            if _sectors(m.sources) & NON_STATE_ARMED:
                return "NON_STATE_ACTOR_OVERTAKES_TER"
        return label
    if m.event_type == "PROTEST" and m.mode != "riot":
        if _has_quantity(m, "killed") or _has_quantity(m, "injured"):
            return "FORCE_AGAINST_PROTEST"
        if _has_quantity(m, "arrested"):
            return "PROTEST_WITH_INTER"
    return label


@cache
def _snippet_cues() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]:
    out = []
    for row in read_table("acled_cues.tsv"):
        if len(row) < 2 or not row[1]:
            continue
        req = re.compile(row[2], re.I) if len(row) > 2 and row[2] else None
        out.append((row[0], re.compile(row[1], re.I), req))
    return tuple(out)


def acled_snippet_cue(text: str) -> str | None:
    """First ACLED label whose cue (``acled_cues.tsv``) the text carries, else None."""
    for label, pattern, req in _snippet_cues():
        if pattern.search(text) and (req is None or req.search(text)):
            return label
    return None


# Clauses that name a prior or motivating event rather than the one reported: ACLED codes
# the reported event, so cues inside them (the attack an expulsion answers, the arrest a
# protest is about, the crime a sanction punishes) must not decide the label.
_BACKGROUND = re.compile(
    r"\b(in (?:retaliation|response|reprisal) (?:for|to)|following|after|accus\w+ (?:of|for)"
    r"|responsible for|over (?:the|a|an)|for (?:taking|their|his|her) part in|in support of"
    r"|to protest|to demand|demanding|amid|because of|due to|blam\w+ .{0,40}? for)\b[^.;]*",
    re.I)
# ... except right after a casualty report ("six killed after troops opened fire"): there
# the clause names the event that caused the casualties, which is the one to code.
_OUTCOME_BEFORE = re.compile(
    r"\b(killed|wounded|injured|died|dead|hurt|casualties|hospitali[sz]ed)\W+(\w+\W+){0,3}?$", re.I)


# What a protest is against is its grievance, not something that happened at it
# ("demonstrations against gun violence" are not violent demonstrations).
_GRIEVANCE = re.compile(r"\b(protest\w*|demonstrat\w*|rall(?:y|ies)|march\w*|walkouts?|sit-ins?"
                        r"|vigils?)\s+(?:against|over)\b[^.;,]*", re.I)


def foreground(text: str) -> str:
    """The text with background clauses (cause, motive, earlier event, grievance) blanked out."""
    def blank(mo: re.Match[str]) -> str:
        return mo.group(0) if _OUTCOME_BEFORE.search(text, 0, mo.start()) else " "
    text = _GRIEVANCE.sub(lambda mo: mo.group(1), text)
    return _BACKGROUND.sub(blank, text)


def acled_label_snippet(text: str, m: Mention | None) -> str:
    """ACLED label for a whole snippet: lexical cues in ACLED's precedence order, then the mention.

    CASE snippets are short and about one incident; ACLED's sub-types turn on
    means (suicide, grenade, shelling), on who acts on whom (force against a
    demonstration, demonstrators turning violent) and on non-political classes
    PLOVER has no type for (disasters, organised crime), which the snippet's
    words carry more reliably than one parsed mention. The cues are read in
    the foreground first because ACLED codes the reported event, not the
    attack an expulsion answers or the arrest a protest is about.
    """
    cue = acled_snippet_cue(foreground(text)) or acled_snippet_cue(text)
    if cue is not None:
        return cue
    return acled_label(m) if m is not None else NONE_LABEL


def gtd_attack_type(m: Mention) -> str:
    """GTD attack type for one mention ('Unknown' for non-attacks)."""
    label, specific = _lookup("plover_gtd.tsv", m.event_type, m.mode)
    if not specific and m.event_type in ("ASSAULT", "COERCE"):
        cue = _first_cue("gtd", _evidence_text(m))
        if cue:
            return cue
    return label


_FIRST_SENTENCE = re.compile(r"^.*?[.!?](\s|$)", re.S)


@cache
def _gtd_cues() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    return tuple((row[0], row[1], re.compile(row[2], re.I)) for row in read_table("gtd_cues.tsv")
                 if len(row) >= 3)


def gtd_attack_type_snippet(text: str, m: Mention | None) -> str:
    """GTD attack type for a whole summary: codebook cues (``gtd_cues.tsv``), then the mention.

    'before' cues (kidnapping, assassination of a prominent person) override
    the mention, since GTD codes the aim, not the weapon; 'after' cues only
    fill in when the mention gives no attack type.
    """
    dated = re.sub(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}:\s*", "", text)
    first = _FIRST_SENTENCE.match(dated)
    head = first.group(0) if first else dated
    for label, when, pattern in _gtd_cues():
        if when == "before" and pattern.search(head):
            return label
    label = gtd_attack_type(m) if m is not None else "Unknown"
    if label in ("Unknown", NONE_LABEL):
        for cue, when, pattern in _gtd_cues():
            if when == "after" and pattern.search(head):
                return cue
    return label


def cameo_root(m: Mention) -> str:
    """Two-digit CAMEO root code for one mention."""
    return _lookup("plover_cameo.tsv", m.event_type, m.mode)[0]


@cache
def _quads() -> dict[str, str]:
    return {row[0]: row[1] for row in read_table("cameo_quad.tsv")}


def quad_class(cameo_code: str) -> str | None:
    """Quad class of a CAMEO code (any length), None when the root is unknown."""
    return _quads().get(cameo_code.strip()[:2])


@cache
def _cameo_plover() -> dict[str, str]:
    return {row[0]: (row[1] if len(row) > 1 else "") for row in read_table("cameo_plover.tsv")}


def cameo_to_plover(code: str) -> str | None:
    """PLOVER type for a CAMEO event code by longest prefix; None when it has none."""
    table = _cameo_plover()
    code = code.strip()
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]] or None
    return None


def coverage() -> dict[str, dict[str, bool]]:
    """Which PLOVER types each table maps explicitly: a check for tests and docs."""
    out: dict[str, dict[str, bool]] = {}
    for name in ("plover_acled.tsv", "plover_gtd.tsv", "plover_cameo.tsv"):
        table = _type_mode_table(name)
        out[name] = {t: any(k[0] in (t, "*") for k in table) for t in EVENT_TYPES}
    return out
