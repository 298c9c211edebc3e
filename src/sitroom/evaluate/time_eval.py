"""``sitroom eval time``: TIMEX3 recognition and normalisation on TimeML (TempEval-3 protocol).

Why our own scorer: the TempEval-3 script needs the original Java/Perl toolkit;
the protocol is simple enough to write out. Spans are matched one-to-one
(strict: same offsets; relaxed: any overlap); value accuracy is measured on
relaxed matches and value F1 is relaxed F1 times value accuracy, which is what
TempEval-3's attribute F1 works out to. The document creation time is the anchor.
"""

from __future__ import annotations

import html
import json
import re
import time as _time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import typer

from sitroom.evaluate.options import JsonOpt, OutOpt, PathArg, Split, SplitOpt, write_items

__all__ = ["TimexSpan", "TimeDoc", "read_timeml", "read_corpus", "score_docs", "run_time_eval",
           "register"]

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class TimexSpan:
    """One TIMEX3: character offsets into the document text, type and normalised value."""

    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass
class TimeDoc:
    """A TimeML document reduced to what the protocol needs."""

    id: str
    dct: str
    text: str
    timexes: list[TimexSpan] = field(default_factory=list)


def parse_timeml(doc_id: str, raw: str) -> TimeDoc:
    """Plain text of <TEXT> with TIMEX3 offsets, and the DCT value, from TimeML markup."""
    dct = ""
    m = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    if m:
        dct = m.group(1)
    body_m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    body = body_m.group(1) if body_m else raw
    parts: list[str] = []
    length = 0
    open_timex: list[tuple[int, dict[str, str]]] = []
    timexes: list[TimexSpan] = []
    pos = 0
    for tm in _TAG.finditer(body):
        chunk = html.unescape(body[pos:tm.start()])
        parts.append(chunk)
        length += len(chunk)
        pos = tm.end()
        closing, name, attrs, selfclosing = tm.group(1), tm.group(2), tm.group(3), tm.group(4)
        if name != "TIMEX3" or selfclosing:
            continue
        if not closing:
            open_timex.append((length, dict(_ATTR.findall(attrs))))
        elif open_timex:
            start, at = open_timex.pop()
            timexes.append(TimexSpan(start, length, at.get("type", ""), at.get("value", "")))
    chunk = html.unescape(body[pos:])
    parts.append(chunk)
    text = "".join(parts)
    timexes = [TimexSpan(t.start, t.end, t.type, t.value, text[t.start:t.end]) for t in timexes]
    timexes.sort(key=lambda t: (t.start, t.end))
    return TimeDoc(doc_id, dct, text, timexes)


def read_timeml(path: Path) -> TimeDoc:
    """One .tml file."""
    return parse_timeml(path.name.removesuffix(".tml"), path.read_text(encoding="utf-8"))


def read_corpus(path: Path) -> list[TimeDoc]:
    """Every .tml under ``path`` (or the one file), sorted by id for determinism."""
    files = [path] if path.is_file() else sorted(path.rglob("*.tml"))
    return sorted((read_timeml(f) for f in files), key=lambda d: d.id)


# -- scoring --------------------------------------------------------------------------

def _match(gold: list[TimexSpan], pred: list[TimexSpan],
           strict: bool) -> list[tuple[TimexSpan, TimexSpan]]:
    """One-to-one matches: exact offsets (strict) or overlap, largest overlap first (relaxed)."""
    pairs: list[tuple[int, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if strict:
                if g.start == p.start and g.end == p.end:
                    pairs.append((g.end - g.start, i, j))
            else:
                ov = min(g.end, p.end) - max(g.start, p.start)
                if ov > 0:
                    pairs.append((ov, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _ov, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((gold[i], pred[j]))
    return out


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_docs(gold: dict[str, list[TimexSpan]],
               pred: dict[str, list[TimexSpan]]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """TempEval-3 figures over documents, and one error row per unmatched or misvalued timex."""
    n_gold = n_pred = strict_tp = relaxed_tp = value_ok = type_ok = 0
    rows: list[dict[str, Any]] = []
    for doc_id, g in gold.items():
        p = pred.get(doc_id, [])
        n_gold += len(g)
        n_pred += len(p)
        strict_tp += len(_match(g, p, strict=True))
        relaxed = _match(g, p, strict=False)
        relaxed_tp += len(relaxed)
        matched_g = {id(a) for a, _ in relaxed}
        matched_p = {id(b) for _, b in relaxed}
        for a, b in relaxed:
            ok = a.value == b.value
            value_ok += ok
            type_ok += a.type == b.type
            if not ok or (a.start, a.end) != (b.start, b.end):
                rows.append({"doc": doc_id, "kind": "value" if not ok else "extent",
                             "gold": asdict(a), "pred": asdict(b)})
        rows.extend({"doc": doc_id, "kind": "missed", "gold": asdict(a)}
                    for a in g if id(a) not in matched_g)
        rows.extend({"doc": doc_id, "kind": "spurious", "pred": asdict(b)}
                    for b in p if id(b) not in matched_p)
    sp, sr, sf = _f1(strict_tp, n_pred, n_gold)
    rp, rr, rf = _f1(relaxed_tp, n_pred, n_gold)
    acc = value_ok / relaxed_tp if relaxed_tp else 0.0
    tacc = type_ok / relaxed_tp if relaxed_tp else 0.0
    metrics = {
        "strict_precision": sp, "strict_recall": sr, "strict_f1": sf,
        "relaxed_precision": rp, "relaxed_recall": rr, "relaxed_f1": rf,
        "value_accuracy": acc, "value_f1": rf * acc, "type_accuracy": tacc, "type_f1": rf * tacc,
        "n_gold": float(n_gold), "n_pred": float(n_pred),
    }
    return metrics, rows


def predict_doc(doc: TimeDoc, nlp_doc: Any = None) -> list[TimexSpan]:
    """Our recogniser on one document, anchored at its creation time."""
    from sitroom.resolve.timex import find_timexes

    target: Any = nlp_doc if nlp_doc is not None else doc.text
    return [TimexSpan(t.start, t.end, t.type, t.value or "", doc.text[t.start:t.end])
            for t in find_timexes(target, doc.dct[:10] or None)]


def value_only(docs: list[TimeDoc]) -> dict[str, float]:
    """Normalisation alone: our value for each gold span (the 'on gold spans' figure)."""
    from sitroom.resolve.timex import timex_value

    n = ok = 0
    for d in docs:
        for t in d.timexes:
            n += 1
            ok += timex_value(t.text, d.dct[:10] or None)[0] == t.value
    return {"gold_span_value_accuracy": ok / n if n else 0.0}


def run_time_eval(path: Path, split: str = "all", sample: int | None = None,
                  use_spacy: bool = True) -> dict[str, Any]:
    """Score the recogniser on the TimeML folder at ``path``; ``sample`` keeps every k-th doc."""
    from sitroom.evaluate.harness import split_of

    t0 = _time.perf_counter()
    docs = [d for d in read_corpus(path) if split == "all" or split_of(d.id) == split]
    if sample:
        docs = docs[::sample]
    nlp_docs: list[Any] = [None] * len(docs)
    if use_spacy:
        from sitroom.nlp import load_nlp

        nlp = load_nlp()
        nlp_docs = list(nlp.pipe((d.text for d in docs), batch_size=16))
    gold = {d.id: d.timexes for d in docs}
    pred = {d.id: predict_doc(d, nd) for d, nd in zip(docs, nlp_docs, strict=True)}
    metrics, rows = score_docs(gold, pred)
    metrics.update(value_only(docs))
    return {"dataset": "time", "split": split, "n_docs": len(docs), "metrics": metrics,
            "items": rows, "seconds": _time.perf_counter() - t0}


def register(eval_app: typer.Typer) -> None:
    """Add ``sitroom eval time``."""

    @eval_app.command("time")
    def time_command(path: PathArg, as_json: JsonOpt = False, out: OutOpt = None,
                     split: SplitOpt = Split.all) -> None:
        """TimeML (TempEval-3): TIMEX3 relaxed/strict span F1, value accuracy and value F1."""
        from rich.console import Console
        from rich.table import Table

        console = Console(soft_wrap=True, highlight=False)
        if not path.exists():
            Console(stderr=True).print(f"error: {path}: no such file", markup=False)
            raise typer.Exit(2)
        res = run_time_eval(path, split=split.value)
        if not res["n_docs"]:
            Console(stderr=True).print(f"error: no .tml documents in {path}", markup=False)
            raise typer.Exit(1)
        write_items(out, res["items"])
        if as_json:
            console.print_json(json.dumps({k: v for k, v in res.items() if k != "items"}))
            return
        table = Table(title=f"time ({res['split']}, {res['n_docs']} docs, {res['seconds']:.1f}s)")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in res["metrics"].items():
            table.add_row(name, f"{value:.0f}" if name.startswith("n_") else f"{value:.3f}")
        console.print(table)
