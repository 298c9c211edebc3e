"""Scoring functions with no dependencies: P/R/F1 averages, confusion, distances.

Written out (rather than imported from scikit-learn) so the numbers CI
defends are computed by code the project can read; the averages follow
scikit-learn's definitions so figures compare with published CASE scores.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class LabelScore:
    """Precision, recall, F1 and gold support of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class ClassificationReport:
    """Per-label scores plus the three standard averages and accuracy."""

    per_label: list[LabelScore] = field(default_factory=list)
    accuracy: float = 0.0
    macro_f1: float = 0.0
    micro_f1: float = 0.0
    weighted_f1: float = 0.0
    macro_precision: float = 0.0
    macro_recall: float = 0.0
    n: int = 0

    def as_dict(self) -> dict[str, float]:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1,
                "micro_f1": self.micro_f1, "weighted_f1": self.weighted_f1,
                "macro_precision": self.macro_precision, "macro_recall": self.macro_recall,
                "n": self.n}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def classification_report(gold: Sequence[str], pred: Sequence[str],
                          labels: Iterable[str] | None = None) -> ClassificationReport:
    """Single-label scores over ``labels`` (default: every gold label).

    A prediction outside ``labels`` (e.g. "NONE" when nothing was extracted)
    is a miss for the gold label and no one's false positive, as in
    scikit-learn with an explicit ``labels=``. Micro-F1 sums TP/FP/FN over the
    labels; weighted-F1 weights each label's F1 by its gold support (CASE's
    ranking metric); macro-F1 is the plain mean.
    """
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    label_list = sorted(set(labels) if labels is not None else set(gold))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    label_set = set(label_list)
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
            continue
        if p in label_set:
            fp[p] += 1
        if g in label_set:
            fn[g] += 1
    per = []
    for lab in label_list:
        prec = _div(tp[lab], tp[lab] + fp[lab])
        rec = _div(tp[lab], tp[lab] + fn[lab])
        per.append(LabelScore(lab, prec, rec, _f1(prec, rec), tp[lab] + fn[lab]))
    total_support = sum(s.support for s in per)
    sum_tp = sum(tp[lab] for lab in label_list)
    micro_p = _div(sum_tp, sum_tp + sum(fp[lab] for lab in label_list))
    micro_r = _div(sum_tp, sum_tp + sum(fn[lab] for lab in label_list))
    k = len(per)
    return ClassificationReport(
        per_label=per,
        accuracy=_div(sum(1 for g, p in zip(gold, pred, strict=True) if g == p), len(gold)),
        macro_f1=_div(sum(s.f1 for s in per), k),
        micro_f1=_f1(micro_p, micro_r),
        weighted_f1=_div(sum(s.f1 * s.support for s in per), total_support),
        macro_precision=_div(sum(s.precision for s in per), k),
        macro_recall=_div(sum(s.recall for s in per), k),
        n=len(gold),
    )


def confusion(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, int]]:
    """gold label -> predicted label -> count (only non-zero cells)."""
    table: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        row = table.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return table


def exact_match(gold: Sequence[int | None], pred: Sequence[int | None]) -> tuple[float, int]:
    """Share of items with a gold value whose prediction equals it, and that count.

    A missing prediction counts as 0, since a reader with no number reported
    says nobody was hurt; GTD codes "none" as 0 too.
    """
    pairs = [(g, 0 if p is None else p) for g, p in zip(gold, pred, strict=True) if g is not None]
    return _div(sum(1 for g, p in pairs if g == p), len(pairs)), len(pairs)


EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def share_within(distances: Sequence[float | None], km: float = 161.0) -> tuple[float, int]:
    """Share of items within ``km`` (161 km = 100 miles, the geoparsing standard).

    ``None`` marks an item with no predicted coordinates: it counts as a miss,
    so a resolver cannot look good by abstaining. Returns (share, n).
    """
    if not distances:
        return 0.0, 0
    return _div(sum(1 for d in distances if d is not None and d <= km), len(distances)), \
        len(distances)


def mean_accuracy(flags: Iterable[bool | None]) -> tuple[float, int]:
    """Share of True among non-None flags, and how many were scored."""
    scored = [f for f in flags if f is not None]
    return _div(sum(scored), len(scored)), len(scored)
