"""Plain records that flow one way through the pipeline.

ingest -> Article; extract -> Mention (with Evidence on every field);
resolve fills TimeRef/PlaceRef; merge -> Event. Every record is a dataclass
so it serialises with ``dataclasses.asdict`` and round-trips through JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# PLOVER 16 event types, in quad-class order (verbal coop, material coop,
# verbal conflict, material conflict).
EVENT_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "SANCTION", "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
)

QUAD_CLASS: dict[str, str] = {
    "AGREE": "verbal_coop", "CONSULT": "verbal_coop", "SUPPORT": "verbal_coop",
    "CONCEDE": "verbal_coop",
    "COOPERATE": "material_coop", "AID": "material_coop", "RETREAT": "material_coop",
    "REQUEST": "verbal_conflict", "ACCUSE": "verbal_conflict", "REJECT": "verbal_conflict",
    "THREATEN": "verbal_conflict",
    "SANCTION": "material_conflict", "PROTEST": "material_conflict",
    "MOBILIZE": "material_conflict", "COERCE": "material_conflict",
    "ASSAULT": "material_conflict",
}

# Modality of an event mention: did it happen, per the text?
MODALITIES: tuple[str, ...] = ("asserted", "negated", "future", "hypothetical", "historical")

# Responsibility statements attached to a mention.
CLAIMS: tuple[str, ...] = ("claim", "denial", "attribution")

# Precision of a resolved date, finest first.
DATE_PRECISIONS: tuple[str, ...] = (
    "day", "week", "month", "season", "year", "decade", "reported", "unknown",
)


def content_hash(text: str) -> str:
    """Stable article identity: sha256 of whitespace-normalised text (16 hex chars)."""
    norm = " ".join(text.split()).lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass
class Article:
    """One news report, whatever format it arrived in."""

    id: str
    text: str
    title: str = ""
    source: str = ""          # outlet name, e.g. "Gulf Courier"
    url: str = ""
    published: str | None = None   # ISO date YYYY-MM-DD, or None when unknown
    date_precision: str = "day"    # "day" when stated; "unknown" when guessed from file metadata
    origin: str = ""          # file path, plus "#N" for the Nth record of a multi-record file
    fmt: str = "text"         # text | html | rss | jsonl | warc
    duplicate_of: str | None = None  # id of the earlier near-identical article (syndicated copy)

    @classmethod
    def make(cls, text: str, **kw: Any) -> Article:
        """Build an article whose id is the hash of its text."""
        return cls(id=content_hash(text), text=text, **kw)


@dataclass
class IngestFailure:
    """A file (or record in a file) that could not be read, and why."""

    origin: str
    reason: str


@dataclass
class Evidence:
    """Where a value came from: the article, the sentence, the characters.

    ``start``/``end`` are character offsets into ``Article.text``; the
    sentence offsets let a UI highlight the span inside its sentence.
    """

    article_id: str
    sent_start: int
    sent_end: int
    start: int
    end: int
    text: str = ""            # the span's own text, for display


@dataclass
class Actor:
    """A participant: what the text says, and who that is."""

    text: str
    name: str = ""            # canonical name, e.g. "Iran", "Pentagon"
    country: str | None = None   # ISO-3166 alpha-3, or "IGO"/None
    sector: str | None = None    # GOV, MIL, REB, CVL, MED, BUS, IGO, ...
    evidence: Evidence | None = None


@dataclass
class Quantity:
    """A counted outcome: people killed, injured, missiles fired ..."""

    kind: str                 # killed | injured | missing | arrested | displaced | weapons
    value: int                # best single value (lower bound when hedged)
    hedge: str = ""           # "at least", "more than", "about", "up to", ""
    text: str = ""
    evidence: Evidence | None = None


@dataclass
class TimeRef:
    """A time expression and what it resolves to."""

    text: str                 # as written ("on Tuesday", "in 1953"), "" when defaulted
    value: str | None = None  # ISO start date YYYY-MM-DD (or None when unresolvable)
    end: str | None = None    # ISO end date for intervals (month, season ...)
    precision: str = "unknown"   # one of DATE_PRECISIONS
    evidence: Evidence | None = None


@dataclass
class PlaceRef:
    """A place expression and where it is."""

    text: str
    name: str = ""
    country: str | None = None   # ISO-3166 alpha-3
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    precision: str = "unknown"   # site | city | province | country | unknown
    geonameid: int | None = None
    evidence: Evidence | None = None


@dataclass
class Statement:
    """Who says so: an attribution ("the Pentagon said") or a claim/denial."""

    kind: str                 # attribution | claim | denial
    speaker: Actor | None = None
    text: str = ""            # the cue, e.g. "said", "claimed responsibility", "denied"
    evidence: Evidence | None = None


@dataclass
class Mention:
    """One event as one sentence of one article reports it."""

    id: str
    article_id: str
    event_type: str           # one of EVENT_TYPES
    mode: str = ""            # PLOVER mode, e.g. "aerial", "missile" ... ("" when none)
    trigger: Evidence | None = None
    sentence: Evidence | None = None
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    time: TimeRef | None = None
    place: PlaceRef | None = None
    quantities: list[Quantity] = field(default_factory=list)
    modality: str = "asserted"   # one of MODALITIES
    statements: list[Statement] = field(default_factory=list)
    context: list[str] = field(default_factory=list)  # PLOVER context tags
    confidence: float = 0.5


@dataclass
class FieldValue:
    """One reported value of an event field, with who reported it and when."""

    value: Any
    article_id: str
    source: str
    published: str | None
    mention_id: str


@dataclass
class Event:
    """One real-world event, merged from every mention that reports it."""

    id: str
    event_type: str
    mode: str = ""
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    time: TimeRef | None = None
    place: PlaceRef | None = None
    modality: str = "asserted"
    mention_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    n_sources: int = 0        # distinct outlets (syndicated copies count once)
    n_articles: int = 0
    confidence: float = 0.0
    quantities: dict[str, list[FieldValue]] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    summary: str = ""


def to_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-ready data (what ``dataclasses.asdict`` gives, JSON-equal).

    Built field by field without asdict's deep copies: encoding mentions and
    events is on the hot path of storing shard results and writing events.
    """
    return _plain(record)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LEAVES: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    import dataclasses

    cls = type(value)
    if cls in _LEAVES:
        return value
    names = _FIELD_NAMES.get(cls)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {n: _plain(getattr(value, n)) for n in names}
    if cls is list or cls is tuple:
        return [_plain(x) for x in value]
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value


def from_dict(cls: type[Any], data: Any) -> Any:
    """Rebuild a (nested) record from :func:`to_dict` output.

    Written once here, generically, so that the store and the API never keep
    hand-written field lists in step with the dataclasses. The per-class
    plan (field names and converters) is built once: resolving type hints is
    far slower than building the record.
    """
    if data is None:
        return None
    plan = _plan(cls)
    if plan is None:
        return data
    return cls(**{name: conv(data[name]) for name, conv in plan if name in data})


_Converter = Callable[[Any], Any]


_PLANS: dict[type[Any], tuple[tuple[str, _Converter], ...] | None] = {}


def _plan(cls: type[Any]) -> tuple[tuple[str, _Converter], ...] | None:
    import dataclasses
    import typing

    if cls not in _PLANS:
        if dataclasses.is_dataclass(cls):
            hints = typing.get_type_hints(cls)
            _PLANS[cls] = tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))
        else:
            _PLANS[cls] = None
    return _PLANS[cls]


def _identity(value: Any) -> Any:
    return value


def _converter(tp: Any) -> _Converter:
    """A function turning JSON data into a value of type ``tp``."""
    import dataclasses
    import types
    import typing

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        conv = _converter(inner[0]) if len(inner) == 1 else _identity
        return lambda v: None if v is None else conv(v)
    if origin is list:
        item = _converter(args[0])
        if item is _identity:
            return lambda v: None if v is None else list(v)
        return lambda v: None if v is None else [item(x) for x in v]
    if origin is dict:
        val = _converter(args[1])
        return lambda v: None if v is None else {k: val(x) for k, x in v.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return lambda v: from_dict(tp, v)
    return _identity
