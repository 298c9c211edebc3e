"""PLOVER -> ACLED and PLOVER -> CAMEO mappings, loaded from the TSV files beside this module.

The mappings are data, not code, so an analyst can read the choices (each
file's header explains them) and adjust a row without touching Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pycountry


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code with the GDELT columns derived from it."""

    code: str
    root: str
    quad_class: int
    goldstein: float


@dataclass(frozen=True)
class AcledType:
    """ACLED's three-level classification of one event."""

    disorder_type: str
    event_type: str
    sub_event_type: str


def _rows(name: str) -> list[list[str]]:
    text = resources.files("sitroom.export").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    header_seen = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:      # first non-comment line names the columns
            header_seen = True
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


@lru_cache(maxsize=1)
def cameo_table() -> dict[tuple[str, str], CameoCode]:
    """(plover_type, mode or '*') -> CAMEO code."""
    out = {}
    for t, mode, code, quad, gold in _rows("plover_to_cameo.tsv"):
        root = code[:2]
        out[(t, mode)] = CameoCode(code, root, int(quad), float(gold))
    return out


@lru_cache(maxsize=1)
def acled_table() -> dict[tuple[str, str, str], AcledType]:
    """(plover_type, mode or '*', target sector or '*') -> ACLED types."""
    return {(t, mode, sector): AcledType(d, e, s)
            for t, mode, sector, d, e, s in _rows("plover_to_acled.tsv")}


def _norm_mode(mode: str) -> str:
    return mode.strip().lower().replace("_", "-").replace(" ", "-")


def to_cameo(event_type: str, mode: str = "") -> CameoCode | None:
    """CAMEO code for a PLOVER type and mode; the type's default when the mode is unknown."""
    table = cameo_table()
    return table.get((event_type, _norm_mode(mode))) or table.get((event_type, "*"))


def to_acled(event_type: str, mode: str = "", target_sectors: tuple[str, ...] = ()) -> AcledType | None:
    """ACLED classification, most specific matching row first."""
    table = acled_table()
    m = _norm_mode(mode)
    for sector in [*(s for s in target_sectors if s), "*"]:
        for md in (m, "*"):
            hit = table.get((event_type, md, sector))
            if hit is not None:
                return hit
    return None


# pycountry's official short names read oddly in a table ("Korea, Republic of").
_COUNTRY_OVERRIDES = {
    "RUS": "Russia", "COD": "Democratic Republic of Congo", "COG": "Republic of Congo",
    "PSE": "Palestine", "IRN": "Iran", "SYR": "Syria", "KOR": "South Korea",
    "PRK": "North Korea", "TWN": "Taiwan", "VNM": "Vietnam", "LAO": "Laos",
}


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """ISO alpha-3 -> a plain country name (the code itself when unknown)."""
    if not code:
        return ""
    if code in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[code]
    c = pycountry.countries.get(alpha_3=code.upper())
    if c is None:
        return code
    return str(getattr(c, "common_name", None) or c.name)
