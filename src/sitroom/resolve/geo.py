"""Toponym recognition and document-level resolution.

Why two passes: a toponym alone is ambiguous (Alexandria, Paris, Georgia), but an
article names its region several times; resolving every toponym once, counting
the countries and provinces they land in, and resolving again with those as
context settles most ambiguity the way a reader does.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sitroom.records import PlaceRef
from sitroom.resolve.gazetteer import Gazetteer, Place, normalise

__all__ = ["resolve_toponyms", "toponym_spans", "demonym_country"]

_PLACE_LABELS = ("GPE", "LOC", "FAC", "NORP")
_FOLLOWER = re.compile(r"\s*,\s*([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})")


def demonym_country(word: str, gazetteer: Gazetteer) -> PlaceRef | None:
    """'Iraqi' / 'Iraqis' / 'American' -> the country (LGL and GeoVirus annotate them so)."""
    return gazetteer.demonym(word)


def toponym_spans(doc: Any) -> list[tuple[int, int]]:
    """Character spans of place names in a spaCy Doc (GPE/LOC/FAC, and demonyms)."""
    out = []
    text = doc.text   # built from the tokens on every access: once, not per entity
    for ent in doc.ents:
        if ent.label_ not in _PLACE_LABELS:
            continue
        s, e = ent.start_char, ent.end_char
        if text[s:s + 4].lower() == "the ":
            s += 4
        out.append((s, e))
    return out


# Context weights (tuned on the dev split of LGL/GeoVirus only).
COUNTRY_SHARE_BOOST = 40.0   # x share of the article's other toponyms in that country
TOP_COUNTRY_BOOST = 0.0     # the article's most-named country
ADMIN1_CONTEXT_BOOST = 15.0  # a province/state the article names elsewhere
METROPOLIS_POP = 1_000_000
ALT_NAME_EXTRA_PENALTY = 12.0  # 'Minnesota' is an alternate name of a village: prefer the state


def resolve_toponyms(text: str, spans: Sequence[tuple[int, int]],
                     gazetteer: Gazetteer | None = None) -> list[PlaceRef | None]:
    """Resolve the toponyms at ``spans`` of ``text``, each in the light of all the others."""
    gaz = gazetteer or Gazetteer.default()
    names = [text[s:e] for s, e in spans]
    keys = [normalise(n) for n in names]
    first = [_plain(gaz, n) for n in names]
    prior = _local_prior(text)
    out: list[PlaceRef | None] = []
    for i, ((_s, e), name) in enumerate(zip(spans, names, strict=True)):
        countries, admin1 = _context(first, keys, keys[i])
        countries.update(prior)
        m = _FOLLOWER.match(text, e)
        ref = None
        if m:
            ref = gaz.lookup(f"{name}, {m.group(1)}", [c for c, _ in countries.most_common(3)])
            if ref is not None and normalise(ref.name) == normalise(m.group(1)):
                ref = None
        if ref is None:
            ref = _ranked(gaz, name, countries, admin1)
        if ref is not None and ref.lat is None:
            ref = _with_point(gaz, ref)
        out.append(ref)
    if gaz is not None:
        out = _coherence(gaz, text, spans, keys, out)
    return out


# US local news has a register of its own: sheriffs, counties and townships, street
# addresses, route numbers, AP state abbreviations. Each kind of cue found counts as
# US_LOCAL_WEIGHT toponyms in the United States, so a lone 'Alexandria' in a police
# brief is read as an American town unless the article names places abroad.
US_LOCAL_WEIGHT = 2.0
_US_LOCAL_CUES = (
    re.compile(r"\b(?:County|Parish|Township)\b"),
    re.compile(r"\b(?:[Ss]heriff|[Dd]eputies|[Tt]rooper|Highway Patrol|[Dd]istrict [Aa]ttorney)\b"),
    re.compile(r"\b\d{1,5} (?:[NSEW]\.? )?[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:St|Street|Ave|Avenue|"
               r"Road|Rd|Drive|Dr|Blvd|Boulevard|Lane|Ln|Highway|Hwy|Pike|Court|Ct)\b"),
    re.compile(r"\b(?:Interstate \d|I-\d+|U\.S\. \d+|U\.S\. Highway|State Route|County Road)"),
    re.compile(r"\b(?:Ala|Ariz|Ark|Calif|Colo|Conn|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|"
               r"Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo|N\.[CDHJMY]|S\.[CD]|"
               r"W\.Va|R\.I)\.(?=[\s,])"),
)


def _local_prior(text: str) -> Counter[str]:
    """Pseudo-votes for the United States from the register of US local news."""
    n = sum(1 for cue in _US_LOCAL_CUES if cue.search(text))
    return Counter({"USA": US_LOCAL_WEIGHT * n}) if n else Counter()


def _context(first: Sequence[PlaceRef | None], keys: Sequence[str],
             own: str) -> tuple[Counter[str], Counter[str]]:
    """Countries and provinces of the article's other toponyms (areas count double)."""
    countries: Counter[str] = Counter()
    admin1: Counter[str] = Counter()
    for j, ref in enumerate(first):
        if ref is None or not ref.country or keys[j] == own:
            continue
        weight = 2 if ref.precision in ("country", "province") else 1
        countries[ref.country] += weight
        if ref.admin1:
            admin1[normalise(ref.admin1)] += weight
    return countries, admin1


# Coherence (tuned on dev): a local article names places near one another, so an
# ambiguous name ('Paris', 'Richmond') is read as the candidate closest to the
# article's other unambiguous-enough places, and a county known only by its state
# sits among the article's towns in that state rather than at the state centre.
PROXIMITY_BOOST = 45.0
PROXIMITY_SCALE_KM = 300.0
COUNTY_STATE_VOTE = 3
COUNTY_NEAR_MIN = 0.5   # an unvoted namesake county must lie within ~300 km of a named town
VICINITY_FALLBACK = True
VICINITY_MIN_TOWNS = 1


def _near_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _coherence(gaz: Gazetteer, text: str, spans: Sequence[tuple[int, int]], keys: list[str],
               first: list[PlaceRef | None]) -> list[PlaceRef | None]:
    """Re-rank ambiguous city names by closeness to the article's other places (two sweeps).

    Each other distinct name votes once: a province votes fully for candidates inside it,
    a city or site by distance; so one misread name cannot drag the rest abroad.
    """
    out = list(first)
    # A county name narrows the article to the states that have one ('Platte County':
    # Nebraska, Missouri or Wyoming), which says which Columbus and Norfolk are meant.
    # Where the county's own point is known it votes by distance, as a town does.
    county_states: dict[str, list[Place]] = {}
    for k in set(keys):
        if _is_county(k):
            codes = gaz.us_counties.get(k) or gaz.us_counties.get(k + " county") or []
            places = [p for p in (gaz.county_in(k, c) for c in codes) if p is not None]
            if places:
                county_states[k] = places
    for _sweep in range(2):
        picks: dict[str, PlaceRef] = {}
        for j, r in enumerate(out):
            if r is not None and r.lat is not None and r.lon is not None \
                    and r.precision in ("city", "site", "province", "county"):
                picks.setdefault(keys[j], r)
        for i, ref in enumerate(out):
            others = [r for k, r in picks.items() if k != keys[i]]
            if not others and not any(k != keys[i] for k in county_states):
                continue
            if _is_county(keys[i]) and (ref is None or ref.precision == "province"):
                s, e = spans[i]
                out[i] = _county_by_context(gaz, keys[i], text[s:e], others) or ref
                continue
            if ref is None:
                if _sweep and VICINITY_FALLBACK:
                    s, e = spans[i]
                    out[i] = _vicinity(text[s:e], others)
                continue
            if "," in ref.text or _FOLLOWER.match(text, spans[i][1]):
                continue
            found, hint = gaz.candidates(ref.text)
            if ref.precision == "province" and hint is None \
                    and ref.country not in {r.country for r in others}:
                # A province abroad ('Norfolk', England) in an article whose other places
                # are all elsewhere: its namesake towns there get a hearing too.
                home = {r.country for r in others}
                found = [pp for pp in found if pp[0].kind == "city" and pp[0].country in home]
                found.append((gaz_place(ref), True))
            elif ref.precision != "city":
                continue
            cities = [(p, pr) for p, pr in _no_small_namesakes(found)
                      if p.lat is not None and p.lon is not None
                      and p.kind in ("city", "site", "province")]
            if len({(round(p.lat or 0), round(p.lon or 0)) for p, _ in cities}) < 2:
                continue

            voters = [r for k, r in picks.items() if k != keys[i] and k not in county_states]
            counties = [v for k, v in county_states.items() if k != keys[i]]
            if not voters and not counties:
                continue

            def score(pp: tuple[Any, bool], others: list[PlaceRef] = voters,
                      counties: list[list[Place]] = counties, hint: str | None = hint) -> float:
                place, primary = pp
                votes = sum(_county_vote(place, c) for c in counties)
                for r in others:
                    if r.precision == "province":
                        votes += 1.0 if (place.country == r.country
                                         and place.admin1 == r.admin1) else 0.0
                    else:
                        d = _near_km(place.lat, place.lon, r.lat or 0.0, r.lon or 0.0)
                        votes += PROXIMITY_SCALE_KM / (PROXIMITY_SCALE_KM + d)
                sc = gaz._score(place, primary, (), hint)
                if not primary:
                    sc -= ALT_NAME_EXTRA_PENALTY
                return sc + PROXIMITY_BOOST * votes / (len(others) + len(counties))

            best = max(cities, key=score)[0]
            if best.lat != ref.lat or best.lon != ref.lon:
                out[i] = best.ref(ref.text)
    return out


def _county_vote(place: Place, counties: list[Place]) -> float:
    """How well ``place`` sits with a county name: near one of its namesakes, or in its state."""
    if place.country != "USA" or place.lat is None or place.lon is None:
        return 0.0
    best = 0.0
    for c in counties:
        if c.lat is not None and c.lon is not None and c.name != c.admin1:  # the county's point
            d = _near_km(place.lat, place.lon, c.lat, c.lon)
            best = max(best, PROXIMITY_SCALE_KM / (PROXIMITY_SCALE_KM + d))
        elif place.admin1 == c.admin1:
            best = max(best, 1.0)
    return best


def gaz_place(ref: PlaceRef) -> Place:
    """The gazetteer entry a resolved reference came from (enough of it to rank again)."""
    return Place(ref.name, ref.precision, ref.country, ref.admin1, ref.lat, ref.lon,
                 ref.geonameid, 0, True)


def _county_by_context(gaz: Gazetteer, key: str, text: str,
                       others: list[PlaceRef]) -> PlaceRef | None:
    """A US county: the state the article's other places sit in (a named state weighs most),
    else the namesake nearest the article's towns; placed at the county's own point where
    known, else among the article's towns in that state, else at the state's centre."""
    codes = gaz.us_counties.get(key) or gaz.us_counties.get(key + " county") or []
    cands = [p for p in (gaz.county_in(key, c) for c in codes) if p is not None]
    if not cands:
        return None
    votes: Counter[str] = Counter()
    for r in others:
        if r.country == "USA" and r.admin1:
            votes[r.admin1] += COUNTY_STATE_VOTE if r.precision == "province" else 1
    towns = [r for r in others if r.precision in ("city", "site")
             and r.lat is not None and r.lon is not None]

    def near(place: Place) -> float:
        if place.lat is None or place.lon is None or not towns:
            return 0.0
        return max(PROXIMITY_SCALE_KM / (PROXIMITY_SCALE_KM + _near_km(
            place.lat, place.lon, r.lat or 0.0, r.lon or 0.0)) for r in towns)

    best = max(cands, key=lambda p: votes[p.admin1] + near(p))
    if len(cands) > 1 and not votes[best.admin1] and near(best) < COUNTY_NEAR_MIN:
        return None
    ref = best.ref(text)
    if best.name == best.admin1:  # no point of its own: the state's entry
        inside = [r for r in towns if r.admin1 == best.admin1 and r.precision == "city"]
        if inside:
            ref.lat = statistics.median(r.lat or 0.0 for r in inside)
            ref.lon = statistics.median(r.lon or 0.0 for r in inside)
            ref.name = text
    return ref


def _vicinity(text: str, others: list[PlaceRef]) -> PlaceRef | None:
    """An unknown local name (a neighbourhood, creek, township): the article's own area.

    Local news names small places near the towns it names; the median of those towns, in
    the state most of them share, is a better guess than nothing. Precision says so.
    """
    towns = [r for r in others if r.precision == "city" and r.lat is not None and r.lon is not None]
    if len(towns) < VICINITY_MIN_TOWNS:
        return None
    area = Counter((r.country, r.admin1) for r in towns).most_common(1)[0][0]
    towns = [r for r in towns if (r.country, r.admin1) == area]
    return PlaceRef(text=text, name="", country=area[0], admin1=area[1],
                    lat=statistics.median(r.lat or 0.0 for r in towns),
                    lon=statistics.median(r.lon or 0.0 for r in towns), precision="vicinity")


def _is_county(key: str) -> bool:
    return key.endswith((" county", " parish", " borough"))


def _with_point(gaz: Gazetteer, ref: PlaceRef) -> PlaceRef:
    """A division known without coordinates: its namesake city in the country, else the country."""
    found, _ = gaz.candidates(ref.text)
    cities = [p for p, _ in found if p.kind == "city" and p.country == ref.country and p.lat is not None]
    if cities:
        best = max(cities, key=lambda p: p.population)
        ref.lat, ref.lon = best.lat, best.lon
        return ref
    country = gaz.country(ref.country) if ref.country else None
    if country is not None and country.lat is not None:
        ref.lat, ref.lon = country.lat, country.lon
    return ref


def _plain(gaz: Gazetteer, name: str) -> PlaceRef | None:
    """Context-free reading, used only to gather the article's countries and provinces."""
    st = gaz.us_state(name)
    if st is not None:
        return st.ref(name)
    return gaz.lookup(name) or gaz.demonym(name)


# A small town abroad in an article whose places all lie in one country is more often a
# local name the gazetteer lacks ('al-Arabi district' of Mosul is not Arabi, Ethiopia,
# reached only by dropping the article 'al'):
# better left to the vicinity fallback than sent across the world.
STRAY_MIN_VOTES = 3
STRAY_MIN_SHARE = 0.8
STRAY_MAX_POP = 100_000


# 'Florida', 'Oregon', 'Washington' in the news are the states, not the small towns of that
# name: a town under this size does not outrank a curated province called so.
TOWN_VS_PROVINCE_POP = 10_000


def _no_small_namesakes(found: list[tuple[Place, bool]]) -> list[tuple[Place, bool]]:
    if not any(p.kind == "province" and p.curated and pr for p, pr in found):
        return found
    return [(p, pr) for p, pr in found
            if p.kind != "city" or p.curated or p.population >= TOWN_VS_PROVINCE_POP]


def _stray(place: Place, primary: bool, countries: Counter[str]) -> bool:
    total = sum(countries.values())
    if place.kind != "city" or place.curated or (primary and place.population >= STRAY_MAX_POP) \
            or total < STRAY_MIN_VOTES or countries[place.country or ""]:
        return False
    return countries.most_common(1)[0][1] / total >= STRAY_MIN_SHARE


def _ranked(gaz: Gazetteer, name: str, countries: Counter[str],
            admin1: Counter[str]) -> PlaceRef | None:
    st = gaz.us_state(name)
    if st is not None:
        return st.ref(name)
    if "," in name:
        return gaz.lookup(name, [c for c, _ in countries.most_common(3)])
    found, hint = gaz.candidates(name)
    total = sum(countries.values())
    top = countries.most_common(1)[0][0] if countries else None
    if found:
        def score(pp: tuple[Any, bool]) -> float:
            place, primary = pp
            sc = gaz._score(place, primary, (), hint)
            if place.country and total:
                sc += COUNTRY_SHARE_BOOST * countries[place.country] / total
                if place.country == top:
                    sc += TOP_COUNTRY_BOOST
            if place.admin1 and normalise(place.admin1) in admin1:
                sc += ADMIN1_CONTEXT_BOOST
            if not primary:
                sc -= ALT_NAME_EXTRA_PENALTY
            return sc

        key = normalise(name)
        if key in gaz.demonyms and not any(p.curated for p, _ in found):
            found = []
        found = _no_small_namesakes(found)
        if found:
            best, primary = max(found, key=score)
            if _stray(best, primary, countries):
                return None
            if best.kind == "province" and hint != "province":
                # 'New York' in the news is the city: a metropolis outranks its namesake province.
                big = [p for p, _primary in found if p.kind == "city"
                       and p.country == best.country and p.population >= METROPOLIS_POP]
                if big:
                    best = max(big, key=lambda p: p.population)
            return best.ref(name)
    county = gaz.county(name, list(admin1))
    if county is not None:
        return county.ref(name)
    return gaz.demonym(name)
