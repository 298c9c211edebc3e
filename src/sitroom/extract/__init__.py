"""Extract stage: PLOVER event mentions, with evidence, from a spaCy parse.

Public API::

    extract_mentions(doc, article) -> list[Mention]
    load_actor_dictionary(extra_path=None) -> ActorDictionary
    check_actor_file(path) -> list[str]
    load_lexicon(path=None) -> Lexicon
"""

from sitroom.extract.actors import (
    ACTOR_TYPES,
    SECTORS,
    ActorDictionary,
    ActorEntry,
    check_actor_file,
    check_actor_text,
    load_actor_dictionary,
)
from sitroom.extract.core import extract_mentions
from sitroom.extract.lexicon import LexEntry, Lexicon, load_lexicon, parse_lexicon

__all__ = [
    "ACTOR_TYPES",
    "SECTORS",
    "ActorDictionary",
    "ActorEntry",
    "LexEntry",
    "Lexicon",
    "check_actor_file",
    "check_actor_text",
    "extract_mentions",
    "load_actor_dictionary",
    "load_lexicon",
    "parse_lexicon",
]
