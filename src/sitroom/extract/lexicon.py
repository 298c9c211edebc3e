"""Event trigger lexicon: which words (and word pairs) signal which PLOVER event.

The lexicon lives in ``data/lexicon.tsv`` so analysts can read and extend it
without touching code; the format is documented in that file's header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sitroom.records import EVENT_TYPES

POS_VALUES = ("VERB", "NOUN", "MODE")
EXTRA_TYPES = ("INTENT",)


@dataclass(frozen=True)
class LexEntry:
    """One lexicon row: trigger lemma plus required dependent lemmas."""

    head: str
    slots: tuple[frozenset[str], ...]
    pos: str
    event_type: str
    mode: str = ""
    context: str = ""
    line: int = 0

    @property
    def specificity(self) -> int:
        return len(self.slots)


@dataclass
class Lexicon:
    """Trigger entries indexed by head lemma, plus mode cue words."""

    triggers: dict[str, list[LexEntry]]
    modes: dict[str, LexEntry]

    def candidates(self, lemma: str) -> list[LexEntry]:
        return self.triggers.get(lemma, [])


def parse_lexicon(text: str, origin: str = "lexicon") -> tuple[Lexicon, list[str]]:
    """Parse lexicon TSV text; return the lexicon and a list of line-numbered errors."""
    triggers: dict[str, list[LexEntry]] = {}
    modes: dict[str, LexEntry] = {}
    errors: list[str] = []
    header_seen = False
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen and cols[0] == "pattern":
            header_seen = True
            continue
        if len(cols) < 3:
            errors.append(f"{origin}:{n}: expected at least 3 tab-separated columns")
            continue
        cols += [""] * (6 - len(cols))
        pattern, pos, etype, mode, context = (c.strip() for c in cols[:5])
        if pos not in POS_VALUES:
            errors.append(f"{origin}:{n}: pos {pos!r} not one of {POS_VALUES}")
            continue
        if etype not in EVENT_TYPES and etype not in EXTRA_TYPES:
            errors.append(f"{origin}:{n}: unknown event type {etype!r}")
            continue
        words = pattern.lower().split()
        if not words:
            errors.append(f"{origin}:{n}: empty pattern")
            continue
        if pos == "NOUN" and len(words) == 2:
            # "air strike": the first word modifies the second (the trigger noun).
            entry = LexEntry(words[1], (frozenset(words[0].split("|")),), pos, etype, mode,
                             context, n)
        else:
            entry = LexEntry(words[0], tuple(frozenset(w.split("|")) for w in words[1:]),
                             pos, etype, mode, context, n)
        if pos == "MODE":
            modes[entry.head] = entry
        else:
            triggers.setdefault(entry.head, []).append(entry)
    for entries in triggers.values():
        entries.sort(key=lambda e: -e.specificity)
    return Lexicon(triggers, modes), errors


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load the bundled lexicon (or ``path``); raise ValueError on malformed rows."""
    if path is None:
        text = resources.files("sitroom.extract").joinpath("data/lexicon.tsv").read_text("utf-8")
        origin = "lexicon.tsv"
    else:
        text = Path(path).read_text("utf-8")
        origin = str(path)
    lex, errors = parse_lexicon(text, origin)
    if errors:
        raise ValueError("; ".join(errors))
    return lex
