"""Accuracy gate: the real extractor must stay at or above the floors in floors.json.

Runs the same evaluation as ``sitroom eval DATASET PATH --split all`` on the
gold data in ../shared/eval (skipped, with the reason, where it is absent).
Raise a floor when the extractor improves; lowering one needs a reason in
the commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitroom.evaluate import EvalResult, read_dataset
from sitroom.evaluate.harness import evaluate
from sitroom.evaluate.predict import Predictor, PredictorUnavailable, default_predictor

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT.parent / "shared" / "eval" / "events"
FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text(encoding="utf-8"))
GOLD = {
    "plover": EVENTS / "plover-gsr" / "PLOVER_GSR_CAMEO.txt",
    "case": EVENTS / "case2021-task2" / "dev.tsv",
    "gtd": EVENTS / "gtd-iraq" / "dev_2012-2014.csv",
}
DATASETS = list(FLOORS["datasets"])


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    try:
        return default_predictor()
    except PredictorUnavailable as exc:
        pytest.skip(f"extractor not available: {exc}")


@pytest.mark.integration
@pytest.mark.parametrize("dataset", DATASETS)
def test_accuracy_at_or_above_floor(dataset: str, predictor: Predictor) -> None:
    path = GOLD[dataset]
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/eval is only beside the developers' checkout)")
    res: EvalResult = evaluate(dataset, read_dataset(dataset, path), predictor, split="all")
    assert res.errors == 0, f"{res.errors} {dataset} items crashed the extractor"
    floors = FLOORS["datasets"][dataset]
    below = {name: (round(res.metrics.get(name, 0.0), 4), floor)
             for name, floor in floors.items() if res.metrics.get(name, 0.0) < floor}
    assert not below, f"{dataset} below its floors (measured, floor): {below}"


def test_floors_name_real_metrics() -> None:
    """A typo in floors.json would silently gate nothing: every name must exist."""
    from sitroom.evaluate.harness import SCORERS
    from sitroom.evaluate.readers import GoldItem

    for dataset, floors in FLOORS["datasets"].items():
        assert dataset in SCORERS
        assert all(0.0 <= v <= 1.0 for v in floors.values())
        if dataset == "plover":
            item = GoldItem("x", "t", gold={"event_type": "AGREE", "mode": "", "sources": [],
                                            "targets": [], "killed": None})
        elif dataset == "case":
            item = GoldItem("x", "t", gold={"label": "OTHER"})
        else:
            item = GoldItem("x", "t", gold={"attack_type": "Unknown", "killed": None,
                                            "wounded": None, "lat": None, "lon": None})
        res = evaluate(dataset, [item], lambda text, date: [])
        assert set(floors) <= set(res.metrics), set(floors) - set(res.metrics)
