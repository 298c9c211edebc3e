"""Load the mapping tables shipped under ``evaluate/data`` (TSV, '#' comments).

Kept apart from the logic so the tables can be read, reviewed and diffed as
data by people who know the target schemes but not the code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

DATA_PACKAGE = "sitroom.evaluate.data"


@cache
def read_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a data TSV, comments and blank lines dropped, cells stripped."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(rows)


@cache
def legacy_codes(kind: str) -> dict[str, str]:
    """old -> new for one ``kind`` (type, mode, country, sector) of legacy_codes.tsv."""
    return {row[1]: (row[2] if len(row) > 2 else "") for row in read_table("legacy_codes.tsv")
            if row[0] == kind}
