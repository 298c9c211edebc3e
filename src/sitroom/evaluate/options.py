"""Option types shared by every ``sitroom eval`` subcommand.

A module of its own so that evaluator modules can import these at module
level (typer resolves annotations from the module's globals) without an
import cycle through :mod:`sitroom.evaluate.cli`, which imports them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Split(StrEnum):
    dev = "dev"
    holdout = "holdout"
    all = "all"


PathArg = Annotated[Path, typer.Argument(help="The gold file or folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write per-item JSONL here.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="Score at most N items.")]
SplitOpt = Annotated[Split, typer.Option("--split", help="dev, holdout or all.")]


def write_items(out: Path | None, rows: Iterable[dict[str, Any]]) -> None:
    """Per-item predictions as JSON lines (the ``--out`` file every evaluator writes)."""
    if out is None:
        return
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
