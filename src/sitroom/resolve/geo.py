"""Toponym recognition and document-level resolution.

Why two passes: a toponym alone is ambiguous (Alexandria, Paris, Georgia), but an
article names its region several times; resolving every toponym once, counting
the countries and provinces they land in, and resolving again with those as
context settles most ambiguity the way a reader does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sitroom.records import PlaceRef
from sitroom.resolve.gazetteer import Gazetteer, normalise

__all__ = ["resolve_toponyms", "toponym_spans", "demonym_country"]

_PLACE_LABELS = ("GPE", "LOC", "FAC", "NORP")
_FOLLOWER = re.compile(r"\s*,\s*([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})")


def demonym_country(word: str, gazetteer: Gazetteer) -> PlaceRef | None:
    """'Iraqi' / 'Iraqis' / 'American' -> the country (LGL and GeoVirus annotate them so)."""
    return gazetteer.demonym(word)


def toponym_spans(doc: Any) -> list[tuple[int, int]]:
    """Character spans of place names in a spaCy Doc (GPE/LOC/FAC, and demonyms)."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in _PLACE_LABELS:
            continue
        s, e = ent.start_char, ent.end_char
        if doc.text[s:s + 4].lower() == "the ":
            s += 4
        out.append((s, e))
    return out


# Context weights (tuned on the dev split of LGL/GeoVirus only).
COUNTRY_SHARE_BOOST = 40.0   # x share of the article's other toponyms in that country
TOP_COUNTRY_BOOST = 0.0     # the article's most-named country
ADMIN1_CONTEXT_BOOST = 15.0  # a province/state the article names elsewhere
ALT_NAME_EXTRA_PENALTY = 12.0  # 'Minnesota' is an alternate name of a village: prefer the state


def resolve_toponyms(text: str, spans: Sequence[tuple[int, int]],
                     gazetteer: Gazetteer | None = None) -> list[PlaceRef | None]:
    """Resolve the toponyms at ``spans`` of ``text``, each in the light of all the others."""
    gaz = gazetteer or Gazetteer.default()
    names = [text[s:e] for s, e in spans]
    keys = [normalise(n) for n in names]
    first = [_plain(gaz, n) for n in names]
    out: list[PlaceRef | None] = []
    for i, ((_s, e), name) in enumerate(zip(spans, names, strict=True)):
        countries: Counter[str] = Counter()
        admin1: Counter[str] = Counter()
        for j, ref in enumerate(first):
            if ref is None or not ref.country or keys[j] == keys[i]:
                continue
            weight = 2 if ref.precision in ("country", "province") else 1
            countries[ref.country] += weight
            if ref.admin1:
                admin1[normalise(ref.admin1)] += weight
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
    return out


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
        if found:
            return max(found, key=score)[0].ref(name)
    county = gaz.county(name, list(admin1))
    if county is not None:
        return county.ref(name)
    return gaz.demonym(name)
