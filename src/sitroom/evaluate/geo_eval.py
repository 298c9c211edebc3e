"""``sitroom eval geo``: toponym resolution (and recognition) on LGL / GeoVirus XML.

Metrics follow Gritta et al. (2018), "What's missing in geoparsing?": share of
toponyms within 161 km (100 miles) of gold, mean and median error in km, and
the AUC of the log error curve (0 best, 1 worst). ``--mode resolution`` gives
our resolver the gold spans; ``--mode e2e`` recognises toponyms too and scores
resolution on the gold toponyms it found (recall/precision reported alongside).
"""

from __future__ import annotations

import json
import math
import time as _time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from sitroom.evaluate.options import JsonOpt, OutOpt, PathArg, Split, SplitOpt, write_items

__all__ = ["GeoToponym", "GeoArticle", "read_geo", "haversine_km", "geo_metrics",
           "run_geo_eval", "register"]

EARTH_RADIUS_KM = 6371.0
MAX_ERROR_KM = 20039.0   # half the Earth's circumference: the worst possible error


@dataclass(frozen=True)
class GeoToponym:
    """A gold toponym: 0-based character offsets, phrase and coordinates."""

    start: int
    end: int
    phrase: str
    lat: float
    lon: float


@dataclass
class GeoArticle:
    id: str
    text: str
    toponyms: list[GeoToponym] = field(default_factory=list)


def _f(el: ET.Element | None) -> float | None:
    try:
        return float(el.text) if el is not None and el.text else None
    except ValueError:
        return None


def read_geo(path: Path) -> list[GeoArticle]:
    """LGL (``toponym``/``gaztag``, 0-based) or GeoVirus (``location``, 1-based) XML.

    Offsets are checked against the text: GeoVirus starts are shifted by one,
    and any toponym whose phrase does not sit at its offsets is re-found nearby.
    """
    root = ET.parse(path).getroot()
    out: list[GeoArticle] = []
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        doc_id = art.get("docid") or art.findtext("source") or f"{path.stem}-{i}"
        tops: list[GeoToponym] = []
        for el in art.iter("toponym"):
            gaz = el.find("gaztag")
            lat, lon = (_f(gaz.find("lat")), _f(gaz.find("lon"))) if gaz is not None else (None, None)
            if lat is None or lon is None:
                lat, lon = _f(el.find("lat")), _f(el.find("lon"))
            top = _toponym(text, el, lat, lon, one_based=False)
            if top is not None:
                tops.append(top)
        for el in art.iter("location"):
            top = _toponym(text, el, _f(el.find("lat")), _f(el.find("lon")), one_based=True)
            if top is not None:
                tops.append(top)
        out.append(GeoArticle(str(doc_id), text, tops))
    return out


def _toponym(text: str, el: ET.Element, lat: float | None, lon: float | None,
             one_based: bool) -> GeoToponym | None:
    phrase = el.findtext("phrase") or el.findtext("name") or ""
    s, e = _f(el.find("start")), _f(el.find("end"))
    if lat is None or lon is None or s is None or e is None or not phrase:
        return None
    start, end = int(s), int(e)
    if one_based and text[start - 1:end - 1] == phrase:
        start, end = start - 1, end - 1
    if text[start:end] != phrase:
        j = text.find(phrase, max(0, start - 20))
        if j < 0 or j > start + 40:
            return None
        start, end = j, j + len(phrase)
    return GeoToponym(start, end, phrase, lat, lon)


# -- metrics ----------------------------------------------------------------------------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def geo_metrics(errors: Sequence[float]) -> dict[str, float]:
    """Accuracy@161 km, mean/median km, and AUC of ln(error + 1) scaled by the maximum error.

    Unresolved toponyms should be passed as ``MAX_ERROR_KM`` so they count against us.
    """
    if not errors:
        return {"accuracy_161km": 0.0, "mean_km": 0.0, "median_km": 0.0, "auc": 1.0, "n": 0.0}
    errs = sorted(min(max(e, 0.0), MAX_ERROR_KM) for e in errors)
    n = len(errs)
    mid = n // 2
    median = errs[mid] if n % 2 else (errs[mid - 1] + errs[mid]) / 2
    scaled = [math.log(e + 1) / math.log(MAX_ERROR_KM + 1) for e in errs]
    if n == 1:
        auc = scaled[0]
    else:  # trapezoid rule over x in [0, 1]
        auc = sum((scaled[i] + scaled[i + 1]) / 2 for i in range(n - 1)) / (n - 1)
    return {"accuracy_161km": sum(e <= 161.0 for e in errs) / n, "mean_km": sum(errs) / n,
            "median_km": median, "auc": auc, "n": float(n)}


# -- prediction -------------------------------------------------------------------------

def resolve_article(art: GeoArticle, spans: Sequence[tuple[int, int]]) -> list[Any]:
    """Resolve the toponyms at ``spans`` with the whole article as context."""
    from sitroom.resolve.geo import resolve_toponyms

    return resolve_toponyms(art.text, spans)


def _recognise(texts: list[str]) -> list[list[tuple[int, int]]]:
    from sitroom.nlp import load_nlp
    from sitroom.resolve.geo import toponym_spans

    nlp = load_nlp()
    return [toponym_spans(d) for d in nlp.pipe(texts, batch_size=16)]


class Mode(StrEnum):
    resolution = "resolution"
    e2e = "e2e"


def run_geo_eval(path: Path, split: str = "all", mode: str = "resolution",
                 sample: int | None = None) -> dict[str, Any]:
    """Score toponym resolution (gold spans) or end-to-end geoparsing on one corpus file."""
    from sitroom.evaluate.harness import split_of

    t0 = _time.perf_counter()
    arts = [a for a in read_geo(path) if split == "all" or split_of(a.id) == split]
    if sample:
        arts = arts[::sample]
    errors: list[float] = []
    rows: list[dict[str, Any]] = []
    n_gold = n_pred = n_found = 0
    pred_spans: list[list[tuple[int, int]]]
    if mode == "e2e":
        pred_spans = _recognise([a.text for a in arts])
    else:
        pred_spans = [[(t.start, t.end) for t in a.toponyms] for a in arts]
    for art, spans in zip(arts, pred_spans, strict=True):
        refs = resolve_article(art, spans)
        n_gold += len(art.toponyms)
        n_pred += len(spans)
        used: set[int] = set()
        for top in art.toponyms:
            hit = None
            for j, (s, e) in enumerate(spans):
                if j not in used and s < top.end and top.start < e:
                    hit = j
                    break
            if hit is None:
                rows.append({"doc": art.id, "phrase": top.phrase, "kind": "missed"})
                continue
            used.add(hit)
            n_found += 1
            ref = refs[hit]
            if ref is None or ref.lat is None or ref.lon is None:
                err = MAX_ERROR_KM
            else:
                err = haversine_km(top.lat, top.lon, ref.lat, ref.lon)
            errors.append(err)
            if err > 161:
                rows.append({"doc": art.id, "phrase": top.phrase, "kind": "far",
                             "error_km": round(err), "gold": [top.lat, top.lon],
                             "pred": None if ref is None else
                             {"name": ref.name, "country": ref.country, "admin1": ref.admin1,
                              "lat": ref.lat, "lon": ref.lon, "precision": ref.precision}})
    metrics = geo_metrics(errors)
    if mode == "e2e":
        p = n_found / n_pred if n_pred else 0.0
        r = n_found / n_gold if n_gold else 0.0
        metrics.update({"recognition_precision": p, "recognition_recall": r,
                        "recognition_f1": 2 * p * r / (p + r) if p + r else 0.0})
    return {"dataset": f"geo:{path.stem}", "split": split, "mode": mode, "n_docs": len(arts),
            "metrics": metrics, "items": rows, "seconds": _time.perf_counter() - t0}


def register(eval_app: typer.Typer) -> None:
    """Add ``sitroom eval geo``."""

    @eval_app.command("geo")
    def geo_command(path: PathArg, as_json: JsonOpt = False, out: OutOpt = None,
                    split: SplitOpt = Split.all,
                    mode: Annotated[Mode, typer.Option("--mode", help="resolution (gold spans) "
                                                       "or e2e (our recognition too).")]
                    = Mode.resolution) -> None:
        """LGL / GeoVirus XML: accuracy within 161 km, mean/median km, AUC (Gritta et al. 2018)."""
        from rich.console import Console
        from rich.table import Table

        console = Console(soft_wrap=True, highlight=False)
        files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
        if not path.exists() or not files:
            Console(stderr=True).print(f"error: {path}: no XML corpus", markup=False)
            raise typer.Exit(2)
        try:
            results = [run_geo_eval(f, split=split.value, mode=mode.value) for f in files]
        except ET.ParseError as exc:
            Console(stderr=True).print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from exc
        write_items(out, (row for res in results for row in res["items"]))
        if as_json:
            console.print_json(json.dumps([{k: v for k, v in r.items() if k != "items"}
                                           for r in results]))
            return
        for res in results:
            table = Table(title=f"{res['dataset']} ({res['mode']}, {res['split']}, "
                                f"{res['n_docs']} docs, {res['seconds']:.1f}s)")
            table.add_column("metric")
            table.add_column("value", justify="right")
            for name, value in res["metrics"].items():
                table.add_row(name, f"{value:.3f}" if value < 100 else f"{value:.0f}")
            console.print(table)
