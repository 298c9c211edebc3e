"""Predictors: what turns one gold text (and its date) into mentions.

The harness takes any ``Callable[[str, str | None], list[Mention]]`` so it can
be tested with a stub and run against other extractors. The real one batches
texts through ``nlp.pipe`` when asked for many at once (``.batch``), which is
what keeps the accuracy gate fast.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from sitroom.records import Article, Mention

Predictor = Callable[[str, "str | None"], list[Mention]]


class PredictorUnavailable(RuntimeError):
    """The extractor (sitroom.extract.extract_mentions) cannot be imported yet."""


def _extract_fn() -> Callable[[Any, Article], list[Mention]]:
    try:
        module = importlib.import_module("sitroom.extract")
        return module.extract_mentions
    except (ImportError, AttributeError) as exc:
        raise PredictorUnavailable(f"sitroom.extract.extract_mentions is not available: {exc}") \
            from exc


def _resolve_fn() -> Callable[..., Any] | None:
    """Place/time resolution is optional: scoring goes on without it."""
    try:
        module = importlib.import_module("sitroom.resolve")
        return module.resolve_mentions
    except (ImportError, AttributeError):
        return None


class SitroomPredictor:
    """The project's own pipeline: spaCy -> extract_mentions -> resolve_mentions."""

    def __init__(self, model: str | None = None, resolve: bool = True, batch_size: int = 64):
        from sitroom.nlp import load_nlp

        self.extract = _extract_fn()
        self.resolve = _resolve_fn() if resolve else None
        self.nlp = load_nlp(model)
        self.batch_size = batch_size

    def _one(self, doc: Any, text: str, date: str | None) -> list[Mention]:
        article = Article.make(text, published=date)
        mentions = self.extract(doc, article)
        if self.resolve is not None:
            # a resolver bug must not hide the extraction scores
            with contextlib.suppress(Exception):
                self.resolve(mentions, doc, article)
        return mentions

    def __call__(self, text: str, date: str | None = None) -> list[Mention]:
        return self._one(self.nlp(text), text, date)

    def batch(self, items: Sequence[tuple[str, str | None]]) -> list[list[Mention] | Exception]:
        """Predict many texts with one ``nlp.pipe``; a failing text yields its exception."""
        out: list[list[Mention] | Exception] = []
        docs = self.nlp.pipe((t for t, _ in items), batch_size=self.batch_size)
        for (text, date), doc in zip(items, docs, strict=True):
            try:
                out.append(self._one(doc, text, date))
            except Exception as exc:
                out.append(exc)
        return out


def default_predictor(resolve: bool = True) -> SitroomPredictor:
    """The real extractor; raises :class:`PredictorUnavailable` while it is missing."""
    return SitroomPredictor(resolve=resolve)


def predict_all(predictor: Predictor,
                items: Sequence[tuple[str, str | None]]) -> list[list[Mention] | Exception]:
    """Run a predictor over (text, date) pairs, batched when it can be."""
    batch = getattr(predictor, "batch", None)
    if callable(batch):
        return list(batch(items))
    out: list[list[Mention] | Exception] = []
    for text, date in items:
        try:
            out.append(predictor(text, date))
        except Exception as exc:
            out.append(exc)
    return out
