"""Readers for public gold event data: one :class:`GoldItem` per coded text.

Each reader turns one release format into the same small record, so the
harness scores every dataset the same way. Gold labels are normalised to the
current PLOVER vocabulary on the way in (see ``data/legacy_codes.tsv``), so a
renamed type never counts as an extractor error.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitroom.evaluate.tables import legacy_codes

DATASETS: tuple[str, ...] = ("plover", "case", "gtd", "petrarch")


@dataclass
class GoldActor:
    """One gold participant: country code (ISO alpha-3, 'IGO' ...) and sector."""

    text: str = ""
    country: str | None = None
    sector: str | None = None


@dataclass
class GoldItem:
    """One text with its human labels; ``gold`` keys depend on the dataset."""

    id: str
    text: str
    date: str | None = None
    gold: dict[str, Any] = field(default_factory=dict)


class GoldFormatError(ValueError):
    """The file is not in the format its reader expects."""


# ---------------------------------------------------------------- helpers


def normalise_type(name: str | None) -> str | None:
    """Current PLOVER name for a (possibly legacy) event type."""
    if not name:
        return None
    up = name.strip().upper()
    return legacy_codes("type").get(up, up)


def normalise_mode(mode: str | None) -> str:
    """Current PLOVER mode name for a (possibly legacy) gold mode; '' when none."""
    if not mode:
        return ""
    low = mode.strip().lower()
    return legacy_codes("mode").get(low, low)


def normalise_country(code: str | None) -> str | None:
    """ISO alpha-3 (or IGO/NGO ...) for a gold country code; None when blank."""
    if not code or not code.strip():
        return None
    up = code.strip().upper()
    return legacy_codes("country").get(up, up) or None


def normalise_sector(code: str | None) -> str | None:
    """Three-letter primary sector: CAMEO appends ethnic/religious codes ('CVLalb')."""
    if not code or not code.strip():
        return None
    head = code.strip().upper()[:3]
    mapped = legacy_codes("sector").get(head, head)
    return mapped or None


def _int_or_none(value: Any) -> int | None:
    """Counts arrive as '6.0', '', 'nan' or 6: keep only real numbers."""
    if value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(round(number))


def _float_or_none(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _actors(value: Any) -> list[GoldActor]:
    if not isinstance(value, list):
        return []
    out = []
    for a in value:
        if isinstance(a, dict):
            out.append(GoldActor(
                text=str(a.get("actorText", "")),
                country=normalise_country(a.get("code")),
                sector=normalise_sector(a.get("sector")),
            ))
    return out


# ---------------------------------------------------------------- PLOVER


def read_plover(path: str | Path) -> Iterator[GoldItem]:
    """PLOVER gold-standard records (a JSON list); the DOCUMENT record is skipped.

    gold: event_type, mode, context (list), sources/targets (GoldActor lists),
    killed, injured, place (name) — each None/empty when the coder left it out.
    """
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(records, list):
        raise GoldFormatError(f"{path}: expected a JSON list of records")
    for n, rec in enumerate(records):
        if not isinstance(rec, dict):
            continue
        event = normalise_type(rec.get("event"))
        text = rec.get("text")
        if event in (None, "DOCUMENT") or not isinstance(text, str) or not text.strip():
            continue
        context = rec.get("context") or ""
        loc = rec.get("eventLoc")
        yield GoldItem(
            id=str(rec.get("id") or f"plover-{n}"),
            text=text,
            date=rec.get("date") or None,
            gold={
                "event_type": event,
                "mode": normalise_mode(rec.get("mode")),
                "context": [c.strip() for c in str(context).split(",") if c.strip()],
                "sources": _actors(rec.get("source")),
                "targets": _actors(rec.get("target")),
                "killed": _int_or_none(rec.get("dead")),
                "injured": _int_or_none(rec.get("injured")),
                "place": loc.get("name") if isinstance(loc, dict) else None,
            },
        )


# ---------------------------------------------------------------- CASE 2021


def read_case(path: str | Path) -> Iterator[GoldItem]:
    """CASE 2021 Task 2 TSV with columns id, EventSnippet, SubType; gold: label."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        needed = {"id", "EventSnippet", "SubType"}
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise GoldFormatError(f"{path}: expected TSV columns {sorted(needed)}")
        for row in reader:
            text = (row.get("EventSnippet") or "").strip()
            label = (row.get("SubType") or "").strip()
            if not text or not label:
                continue
            yield GoldItem(id=f"case-{row['id'].strip()}", text=text, gold={"label": label})


# ---------------------------------------------------------------- GTD


def read_gtd(path: str | Path) -> Iterator[GoldItem]:
    """GTD-style CSV with a ``summary`` text; gold: attack_type, killed, wounded, lat/lon, city.

    GTD rows have no stable id, so the id is a hash of date and summary: the
    dev/holdout split then survives re-ordering or subsetting of the file.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "summary" not in reader.fieldnames:
            raise GoldFormatError(f"{path}: expected a CSV with a 'summary' column")
        for row in reader:
            text = (row.get("summary") or "").strip()
            if not text:
                continue
            date = (row.get("date") or "").strip() or None
            digest = hashlib.sha1(f"{date}|{text}".encode()).hexdigest()[:12]
            yield GoldItem(
                id=f"gtd-{digest}",
                text=text,
                date=date,
                gold={
                    "attack_type": (row.get("attack_type") or "").strip() or None,
                    "killed": _int_or_none(row.get("killed")),
                    "wounded": _int_or_none(row.get("wounded")),
                    "lat": _float_or_none(row.get("latitude")),
                    "lon": _float_or_none(row.get("longitude")),
                    "city": (row.get("city") or "").strip() or None,
                    "country": (row.get("country") or "").strip() or None,
                },
            )


# ---------------------------------------------------------------- PETRARCH


def _split_actor_code(code: str | None) -> GoldActor:
    """'USAGOV' -> country USA, sector GOV; '---' or '' -> nothing; 'IGOUNO' -> IGO."""
    code = (code or "").strip().upper()
    if not code or set(code) <= {"-"}:
        return GoldActor()
    return GoldActor(text=code, country=normalise_country(code[:3]),
                     sector=normalise_sector(code[3:6]) if len(code) >= 6 else None)


def read_petrarch(path: str | Path) -> Iterator[GoldItem]:
    """PETRARCH validation XML: ``<Sentence date id><EventCoding .../><Text/></Sentence>``.

    gold: cameo (first EventCoding's code), cameo_all, sources, targets. A
    sentence coded with several events keeps all codes in ``cameo_all``.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise GoldFormatError(f"{path}: not XML: {exc}") from exc
    for n, sent in enumerate(root.iter("Sentence")):
        text_el = sent.find("Text")
        text = " ".join((text_el.text or "").split()) if text_el is not None else ""
        if not text:
            continue
        codings = sent.findall("EventCoding")
        codes = [(c.get("eventcode") or "").strip() for c in codings]
        codes = [c for c in codes if c and c.strip("-")]
        if not codes:
            continue  # sentences coded "no event" carry nothing to score here
        first = next(c for c in codings if (c.get("eventcode") or "").strip() == codes[0])
        date = (sent.get("date") or "").strip() or None
        if date and len(date) == 8 and date.isdigit():
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        src = _split_actor_code(first.get("sourcecode"))
        tgt = _split_actor_code(first.get("targetcode"))
        yield GoldItem(
            id=str(sent.get("id") or f"petrarch-{n}"),
            text=text,
            date=date,
            gold={
                "cameo": codes[0],
                "cameo_all": codes,
                "sources": [src] if src.country or src.sector else [],
                "targets": [tgt] if tgt.country or tgt.sector else [],
            },
        )


READERS = {"plover": read_plover, "case": read_case, "gtd": read_gtd, "petrarch": read_petrarch}


def read_dataset(name: str, path: str | Path) -> list[GoldItem]:
    """All gold items of a dataset; ``name`` is one of :data:`DATASETS`."""
    if name not in READERS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return list(READERS[name](path))
