"""Run a predictor over gold items and score it the way each dataset's field does.

One item = one text. The extractor may return several mentions for it; the
item is scored on its *primary* mention (highest confidence, earliest on
ties), since a coder assigns one event per gold record. For GTD, which codes
only attacks, the primary mention is the most confident violent one
(ASSAULT/COERCE) when there is one, and among those one with a mode; for CASE (ACLED), the most confident
material-conflict one, since ACLED codes acts on the ground, not statements.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sitroom.evaluate.mappings import (
    NONE_LABEL,
    acled_label_snippet,
    cameo_root,
    cameo_to_plover,
    gtd_attack_type_snippet,
    quad_class,
)
from sitroom.evaluate.metrics import (
    ClassificationReport,
    classification_report,
    confusion,
    exact_match,
    haversine_km,
    mean_accuracy,
    share_within,
)
from sitroom.evaluate.predict import Predictor, predict_all
from sitroom.evaluate.readers import GoldActor, GoldItem
from sitroom.evaluate.tables import legacy_codes
from sitroom.records import EVENT_TYPES, QUAD_CLASS, Mention

SPLITS: tuple[str, ...] = ("dev", "holdout", "all")
VIOLENT = ("ASSAULT", "COERCE")
# ACLED codes what happened on the ground, not what was said about it.
MATERIAL_CONFLICT = tuple(t for t in EVENT_TYPES if QUAD_CLASS[t] == "material_conflict")


def split_of(item_id: str) -> str:
    """'holdout' for a fixed third of ids (sha1(id) % 3 == 0), else 'dev'.

    Hash-based so the split never depends on file order, and is the same on
    every machine: developers tune on dev and report on holdout.
    """
    return "holdout" if int(hashlib.sha1(item_id.encode("utf-8")).hexdigest(), 16) % 3 == 0 \
        else "dev"


def select_split(items: Sequence[GoldItem], split: str) -> list[GoldItem]:
    """The items of one split ('all' keeps everything)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return [i for i in items if split == "all" or split_of(i.id) == split]


@dataclass
class EvalResult:
    """Scores of one dataset run: flat metrics (gated in CI), reports, per-item rows."""

    dataset: str
    split: str
    n: int
    metrics: dict[str, float] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)   # items each metric was scored on
    reports: dict[str, ClassificationReport] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (per-item rows excluded: they go to --out)."""
        return {
            "dataset": self.dataset, "split": self.split, "n": self.n,
            "metrics": self.metrics, "support": self.support,
            "per_label": {k: [asdict(s) for s in r.per_label] for k, r in self.reports.items()},
            "confusion": self.confusion, "errors": self.errors,
            "seconds": round(self.seconds, 2),
        }


# ---------------------------------------------------------------- helpers


def primary(mentions: Sequence[Mention], prefer: Sequence[str] = (),
            moded: bool = False) -> Mention | None:
    """The mention an item is scored on: most confident (earliest on ties).

    ``prefer`` restricts the choice to those types when any is present;
    ``moded`` then prefers a mention whose mode says how (for GTD, where one
    summary describes one attack and "how" is what the attack type codes).
    """
    pool = [m for m in mentions if m.event_type in prefer] or list(mentions)
    if moded:
        pool = [m for m in pool if m.mode] or pool
    best: Mention | None = None
    for m in pool:
        if best is None or m.confidence > best.confidence:
            best = m
    return best


def _mode_key(mode: str) -> str:
    mode = legacy_codes("mode").get(mode, mode)
    return legacy_codes("mode_equiv").get(mode, mode)


def _quantity(mentions: Sequence[Mention], first: Mention | None, kind: str) -> int | None:
    """The count of ``kind`` on the primary mention, else on the earliest that has one."""
    ordered = ([first] if first else []) + [m for m in mentions if m is not first]
    for m in ordered:
        for q in m.quantities:
            if q.kind == kind:
                return q.value
    return None


def _actor_flags(g: dict[str, Any], m: Mention | None) -> dict[str, bool | None]:
    """Source/target country and sector matches, as every event scheme scores them."""
    return {
        f"{side}_{attr}": _actor_match(g[f"{side}s"], m, f"{side}s", attr)
        for attr in ("country", "sector") for side in ("source", "target")
    }


def _actor_match(gold: list[GoldActor], pred: Mention | None, side: str,
                 attr: str) -> bool | None:
    """Does the primary mention's first actor on ``side`` match any gold actor?

    None (not scored) when the gold record has no value for ``attr``; gold
    compound actors ("Hungarian and Romanian officials") accept either.
    """
    wanted = {getattr(a, attr) for a in gold if getattr(a, attr)}
    if not wanted:
        return None
    actors = getattr(pred, side) if pred is not None else []
    return bool(actors) and getattr(actors[0], attr) in wanted


def _actor_view(actors: list[Any]) -> list[dict[str, Any]]:
    return [{"text": a.text, "country": a.country, "sector": a.sector} for a in actors]


def _mention_view(m: Mention | None) -> dict[str, Any]:
    if m is None:
        return {"event_type": NONE_LABEL}
    place = m.place
    return {
        "event_type": m.event_type, "mode": m.mode, "confidence": m.confidence,
        "trigger": m.trigger.text if m.trigger else "",
        "sources": _actor_view(m.sources), "targets": _actor_view(m.targets),
        "quantities": {q.kind: q.value for q in m.quantities},
        "place": None if place is None else
        {"text": place.text, "name": place.name, "lat": place.lat, "lon": place.lon},
        "date": m.time.value if m.time else None,
        "context": m.context, "modality": m.modality,
    }


def _gold_view(gold: dict[str, Any]) -> dict[str, Any]:
    return {k: (_actor_view(v) if k in ("sources", "targets") else v) for k, v in gold.items()}


# ---------------------------------------------------------------- per dataset


def _score_plover(items: Sequence[GoldItem], preds: Sequence[list[Mention]],
                  res: EvalResult) -> None:
    gold_t, pred_t, any_hit, quad = [], [], [], []
    flags: dict[str, list[bool | None]] = {k: [] for k in (
        "mode", "source_country", "target_country", "source_sector", "target_sector")}
    killed_g, killed_p = [], []
    for item, mentions in zip(items, preds, strict=True):
        m = primary(mentions)
        g = item.gold
        p_type = m.event_type if m else NONE_LABEL
        gold_t.append(g["event_type"])
        pred_t.append(p_type)
        any_hit.append(any(x.event_type == g["event_type"] for x in mentions))
        quad.append(QUAD_CLASS.get(p_type) == QUAD_CLASS.get(g["event_type"]))
        row = {
            "event_type": p_type == g["event_type"],
            "mode": None if not g["mode"] else
            (m is not None and _mode_key(m.mode) == _mode_key(g["mode"])),
            **_actor_flags(g, m),
        }
        for k in flags:
            flags[k].append(row[k])
        killed_g.append(g["killed"])
        killed_p.append(_quantity(mentions, m, "killed"))
        res.items.append({"id": item.id, "text": item.text, "gold": _gold_view(g),
                          "predicted": _mention_view(m), "n_mentions": len(mentions),
                          "correct": row})
    rep = classification_report(gold_t, pred_t, labels=EVENT_TYPES)
    res.reports["event_type"] = rep
    res.confusion = confusion(gold_t, pred_t)
    res.metrics.update({
        "event_type_accuracy": rep.accuracy, "event_type_macro_f1": rep.macro_f1,
        "event_type_weighted_f1": rep.weighted_f1,
        "event_type_any_accuracy": mean_accuracy(any_hit)[0],
        "quad_class_accuracy": mean_accuracy(quad)[0],
    })
    res.support.update({k: len(items) for k in res.metrics})
    for k, vals in flags.items():
        acc, n = mean_accuracy(vals)
        res.metrics[f"{k}_accuracy"] = acc
        res.support[f"{k}_accuracy"] = n
    acc, n = exact_match(killed_g, killed_p)
    res.metrics["killed_exact"] = acc
    res.support["killed_exact"] = n


def _score_case(items: Sequence[GoldItem], preds: Sequence[list[Mention]],
                res: EvalResult) -> None:
    gold_l, pred_l = [], []
    for item, mentions in zip(items, preds, strict=True):
        m = primary(mentions, prefer=MATERIAL_CONFLICT)
        label = acled_label_snippet(item.text, m)
        gold_l.append(item.gold["label"])
        pred_l.append(label)
        view = _mention_view(m)
        view["label"] = label
        res.items.append({"id": item.id, "text": item.text, "gold": item.gold,
                          "predicted": view, "n_mentions": len(mentions),
                          "correct": {"label": label == item.gold["label"]}})
    rep = classification_report(gold_l, pred_l)
    res.reports["label"] = rep
    res.confusion = confusion(gold_l, pred_l)
    res.metrics.update({"accuracy": rep.accuracy, "macro_f1": rep.macro_f1,
                        "micro_f1": rep.micro_f1, "weighted_f1": rep.weighted_f1})
    res.support.update({k: len(items) for k in res.metrics})


def _place_of(mentions: Sequence[Mention], first: Mention | None) -> tuple[float, float] | None:
    ordered = ([first] if first else []) + [m for m in mentions if m is not first]
    for m in ordered:
        if m.place is not None and m.place.lat is not None and m.place.lon is not None:
            return m.place.lat, m.place.lon
    return None


def _score_gtd(items: Sequence[GoldItem], preds: Sequence[list[Mention]],
               res: EvalResult) -> None:
    gold_l, pred_l = [], []
    kg, kp, wg, wp = [], [], [], []
    distances: list[float | None] = []
    dates: list[bool | None] = []
    for item, mentions in zip(items, preds, strict=True):
        g = item.gold
        m = primary(mentions, prefer=VIOLENT, moded=True)
        label = gtd_attack_type_snippet(item.text, m)
        gold_l.append(g["attack_type"] or "Unknown")
        pred_l.append(label)
        kg.append(g["killed"])
        kp.append(_quantity(mentions, m, "killed"))
        wg.append(g["wounded"])
        wp.append(_quantity(mentions, m, "injured"))
        dist = None
        where = _place_of(mentions, m)
        if where is not None and g["lat"] is not None and g["lon"] is not None:
            dist = haversine_km(g["lat"], g["lon"], where[0], where[1])
        if g["lat"] is not None:
            distances.append(dist)
        pdate = m.time.value if m is not None and m.time is not None else None
        dates.append(None if not item.date else pdate == item.date)
        view = _mention_view(m)
        view.update({"attack_type": label, "killed": kp[-1], "wounded": wp[-1],
                     "distance_km": None if dist is None else round(dist, 1)})
        res.items.append({"id": item.id, "text": item.text, "gold": g, "predicted": view,
                          "n_mentions": len(mentions),
                          "correct": {"attack_type": label == gold_l[-1],
                                      "killed": kg[-1] == (kp[-1] or 0),
                                      "wounded": wg[-1] == (wp[-1] or 0),
                                      "within_161km": None if dist is None else dist <= 161.0,
                                      "date": dates[-1]}})
    rep = classification_report(gold_l, pred_l)
    res.reports["attack_type"] = rep
    res.confusion = confusion(gold_l, pred_l)
    res.metrics.update({"attack_type_accuracy": rep.accuracy,
                        "attack_type_macro_f1": rep.macro_f1,
                        "attack_type_weighted_f1": rep.weighted_f1})
    res.support.update({k: len(items) for k in res.metrics})
    for name, (g_vals, p_vals) in {"killed_exact": (kg, kp), "wounded_exact": (wg, wp)}.items():
        acc, n = exact_match(g_vals, p_vals)
        res.metrics[name] = acc
        res.support[name] = n
    predicted = [d for d in distances if d is not None]
    share, n = share_within(predicted)
    res.metrics["within_161km"] = share          # among items with predicted coordinates
    res.support["within_161km"] = n
    res.metrics["geo_coverage"] = len(predicted) / len(distances) if distances else 0.0
    res.support["geo_coverage"] = len(distances)
    res.metrics["within_161km_all"] = share_within(distances)[0]  # abstaining counts as a miss
    res.support["within_161km_all"] = len(distances)
    acc, n = mean_accuracy(dates)
    res.metrics["date_exact"] = acc
    res.support["date_exact"] = n


def _score_petrarch(items: Sequence[GoldItem], preds: Sequence[list[Mention]],
                    res: EvalResult) -> None:
    gold_r, pred_r, gold_t, pred_t = [], [], [], []
    flags: dict[str, list[bool | None]] = {k: [] for k in (
        "quad_class", "source_country", "target_country", "source_sector", "target_sector")}
    for item, mentions in zip(items, preds, strict=True):
        g = item.gold
        m = primary(mentions)
        root = cameo_root(m) if m else NONE_LABEL
        g_root = g["cameo"][:2]
        g_type = cameo_to_plover(g["cameo"])
        gold_r.append(g_root)
        pred_r.append(root)
        if g_type:
            gold_t.append(g_type)
            pred_t.append(m.event_type if m else NONE_LABEL)
        row = {
            "cameo_root": root == g_root,
            "event_type": None if not g_type else (m is not None and m.event_type == g_type),
            "quad_class": m is not None and quad_class(root) == quad_class(g_root),
            **_actor_flags(g, m),
        }
        for k in flags:
            flags[k].append(row[k])
        view = _mention_view(m)
        view["cameo_root"] = root
        res.items.append({"id": item.id, "text": item.text, "gold": _gold_view(g),
                          "predicted": view, "n_mentions": len(mentions), "correct": row})
    rep = classification_report(gold_r, pred_r)
    res.reports["cameo_root"] = rep
    res.confusion = confusion(gold_r, pred_r)
    res.metrics.update({"cameo_root_accuracy": rep.accuracy, "cameo_root_macro_f1": rep.macro_f1})
    res.support.update({k: len(items) for k in res.metrics})
    if gold_t:
        trep = classification_report(gold_t, pred_t, labels=EVENT_TYPES)
        res.reports["event_type"] = trep
        res.metrics["event_type_accuracy"] = trep.accuracy
        res.metrics["event_type_macro_f1"] = trep.macro_f1
        res.support["event_type_accuracy"] = res.support["event_type_macro_f1"] = len(gold_t)
    for k, vals in flags.items():
        acc, n = mean_accuracy(vals)
        res.metrics[f"{k}_accuracy"] = acc
        res.support[f"{k}_accuracy"] = n


SCORERS = {"plover": _score_plover, "case": _score_case, "gtd": _score_gtd,
           "petrarch": _score_petrarch}


def evaluate(dataset: str, items: Sequence[GoldItem], predictor: Predictor,
             split: str = "all", limit: int | None = None) -> EvalResult:
    """Predict every item of ``split`` (at most ``limit``) and score it.

    A text the predictor fails on counts as "nothing extracted" and is
    tallied in ``errors``, so one crash lowers the score instead of hiding it.
    """
    if dataset not in SCORERS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(SCORERS)}")
    chosen = select_split(items, split)
    if limit is not None:
        chosen = chosen[:limit]
    started = time.perf_counter()
    raw = predict_all(predictor, [(i.text, i.date) for i in chosen])
    preds: list[list[Mention]] = []
    res = EvalResult(dataset=dataset, split=split, n=len(chosen))
    for r in raw:
        if isinstance(r, Exception):
            res.errors += 1
            preds.append([])
        else:
            preds.append(r)
    SCORERS[dataset](chosen, preds, res)
    for row, r in zip(res.items, raw, strict=True):
        if isinstance(r, Exception):
            row["error"] = f"{type(r).__name__}: {r}"
    res.seconds = time.perf_counter() - started
    return res
