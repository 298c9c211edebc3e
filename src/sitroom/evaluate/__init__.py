"""Evaluation harness: score event coding against public gold data.

``sitroom eval DATASET PATH`` (see :mod:`sitroom.evaluate.cli`) and the CI
accuracy gate both go through :func:`run_eval`, so the figures a developer
sees are the figures CI defends.
"""

from __future__ import annotations

from pathlib import Path

from sitroom.evaluate.harness import SPLITS, EvalResult, evaluate, primary, select_split, split_of
from sitroom.evaluate.mappings import (
    acled_label,
    cameo_root,
    cameo_to_plover,
    gtd_attack_type,
    quad_class,
)
from sitroom.evaluate.predict import (
    Predictor,
    PredictorUnavailable,
    SitroomPredictor,
    default_predictor,
)
from sitroom.evaluate.readers import DATASETS, GoldActor, GoldItem, read_dataset

__all__ = [
    "DATASETS", "SPLITS", "EvalResult", "GoldActor", "GoldItem", "Predictor",
    "PredictorUnavailable", "SitroomPredictor", "acled_label", "cameo_root",
    "cameo_to_plover", "default_predictor", "evaluate", "gtd_attack_type", "primary",
    "quad_class", "read_dataset", "run_eval", "select_split", "split_of",
]


def run_eval(dataset: str, path: str | Path, predictor: Predictor | None = None,
             split: str = "all", limit: int | None = None) -> EvalResult:
    """Read a gold file and score ``predictor`` (default: the real extractor) on it."""
    items = read_dataset(dataset, path)
    return evaluate(dataset, items, predictor or default_predictor(), split=split, limit=limit)
