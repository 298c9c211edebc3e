"""``sitroom eval``: score the extractor on a gold file and show where it errs.

The lead mounts this with ``app.add_typer(eval_app, name="eval")``. Metrics
go to the terminal (or as JSON with ``--json``); per-item predictions go to
``--out`` as JSON lines so errors can be read one by one.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sitroom.evaluate import run_eval
from sitroom.evaluate.harness import EvalResult
from sitroom.evaluate.options import (
    JsonOpt,
    LimitOpt,
    OutOpt,
    PathArg,
    Split,
    SplitOpt,
    write_items,
)
from sitroom.evaluate.predict import PredictorUnavailable
from sitroom.evaluate.readers import GoldFormatError


class Dataset(StrEnum):
    plover = "plover"
    case = "case"
    gtd = "gtd"
    petrarch = "petrarch"


eval_app = typer.Typer(help="Score sitroom against public gold data.", add_completion=False,
                       pretty_exceptions_enable=False, no_args_is_help=True)
_out = Console(soft_wrap=True, highlight=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

# The predictor the command uses; tests swap in a stub (None = the real extractor).
PREDICTOR: Any = None


def metrics_table(res: EvalResult) -> Table:
    """The headline numbers, one metric a row, with how many items each covers."""
    table = Table(title=f"{res.dataset} ({res.split}, {res.n} items, {res.errors} errors, "
                        f"{res.seconds:.1f}s)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("n", justify="right")
    for name, value in res.metrics.items():
        table.add_row(name, f"{value:.3f}", str(res.support.get(name, "")))
    return table


def confusion_table(res: EvalResult, top: int = 3) -> Table:
    """Confusions one gold label a row (readable at any width, unlike a 30x30 grid).

    The full matrix is in ``--json`` output under "confusion".
    """
    table = Table(title="confusion (gold label: what it was taken for)")
    table.add_column("gold")
    table.add_column("n", justify="right")
    table.add_column("right", justify="right")
    table.add_column("most often predicted instead")
    rows = sorted(res.confusion.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for gold, row in rows:
        wrong = sorted(((c, p) for p, c in row.items() if p != gold), key=lambda x: (-x[0], x[1]))
        table.add_row(gold, str(sum(row.values())), str(row.get(gold, 0)),
                      ", ".join(f"{p} {c}" for c, p in wrong[:top]))
    return table


def eval_events(
    dataset: Dataset,
    path: Path,
    as_json: bool = False,
    out: Path | None = None,
    limit: int | None = None,
    split: Split = Split.all,
    confusion: bool = True,
) -> None:
    """Score the extractor on DATASET's gold file at PATH."""
    if not path.exists():
        _err.print(f"error: {path}: no such file", markup=False)
        raise typer.Exit(2)
    try:
        res = run_eval(dataset.value, path, predictor=PREDICTOR, split=split.value, limit=limit)
    except (GoldFormatError, PredictorUnavailable, OSError, UnicodeDecodeError) as exc:
        _err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from exc
    write_items(out, res.items)
    if as_json:
        _out.print_json(json.dumps(res.as_dict(), default=str))
        return
    _out.print(metrics_table(res))
    if confusion and res.confusion:
        _out.print(confusion_table(res))
    if out is not None:
        _out.print(f"per-item predictions: {out}")


def _events_command(dataset: Dataset, blurb: str) -> None:
    def command(
        path: PathArg,
        as_json: JsonOpt = False,
        out: OutOpt = None,
        limit: LimitOpt = None,
        split: SplitOpt = Split.all,
        confusion: Annotated[bool, typer.Option("--confusion/--no-confusion",
                                                help="Show the confusion table.")] = True,
    ) -> None:
        eval_events(dataset, path, as_json=as_json, out=out, limit=limit, split=split,
                    confusion=confusion)

    command.__doc__ = blurb
    eval_app.command(dataset.value)(command)


_events_command(Dataset.plover, "PLOVER gold-standard records: type, mode, actors.")
_events_command(Dataset.case, "CASE 2021 Task 2 TSV: ACLED sub-event types.")
_events_command(Dataset.gtd, "GTD-style CSV with a summary column: attack type, casualties, place.")
_events_command(Dataset.petrarch, "PETRARCH-style EventCoding XML records.")

# Evaluators of later stages live in their own modules; each that exists
# adds its subcommand(s) through ``register(eval_app)``, taking its option
# types from sitroom.evaluate.options (never from this module: a cycle).
EXTRA_EVALUATORS: tuple[str, ...] = (
    "sitroom.evaluate.time_eval",
    "sitroom.evaluate.geo_eval",
    "sitroom.evaluate.coref_eval",
    "sitroom.evaluate.tls_eval",
)


def _register_extras() -> None:
    import importlib

    for name in EXTRA_EVALUATORS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        register = getattr(module, "register", None)
        if register is not None:  # tests/test_cli.py checks that every one registered
            register(eval_app)


_register_extras()
