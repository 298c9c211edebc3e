"""Exports of merged events to the formats conflict researchers already load.

* PLOVER JSON lines: the native, lossless view (every field with its evidence).
* ACLED-style CSV and GDELT-2.0-style CSV: lossy projections through the
  mapping tables in ``data/`` so events sit beside existing datasets.
* GeoJSON: events with coordinates, for any map tool.

Every writer streams rows to an open text file and returns how many events
it wrote; none of them holds more than one event's output in memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import IO, Any

from sitroom.records import Actor, Article, Event, Mention
from sitroom.story import describe_event, event_summary
from sitroom.story._common import clean_text, event_article_ids, numeric_value
from sitroom.story.figures import current_best

from .mapping import AcledType, country_name, to_acled, to_cameo

__all__ = [
    "ACLED_COLUMNS",
    "GDELT_COLUMNS",
    "write_acled_csv",
    "write_gdelt_csv",
    "write_geojson",
    "write_plover_jsonl",
]


# ------------------------------------------------------------------ helpers
def _best(event: Event, kind: str) -> int | None:
    """Current best figure ('killed', 'injured') as an int, or None when unreported."""
    fv = current_best(event.quantities.get(kind, []))
    if fv is None:
        return None
    num = numeric_value(fv.value)
    return int(num) if num is not None else None


def _date(event: Event) -> str:
    return (event.time.value or "")[:10] if event.time is not None else ""


def _precision(event: Event) -> str:
    return event.time.precision if event.time is not None else "unknown"


def _outlets(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> list[str]:
    out: list[str] = []
    for aid in event_article_ids(event, mentions):
        art = articles.get(aid)
        name = clean_text(art.source, 120) if art is not None else ""
        if name and name not in out:
            out.append(name)
    return out


def _first_url(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> str:
    arts = [articles[a] for a in event_article_ids(event, mentions) if a in articles]
    arts.sort(key=lambda a: (a.published is None, a.published or "", a.id))
    for a in arts:
        if a.url:
            return clean_text(a.url, 2000)
    return ""


def _actor_json(a: Actor) -> dict[str, Any]:
    return {"actorText": a.text, "actorName": a.name, "code": a.country, "sector": a.sector}


# ------------------------------------------------------------------- PLOVER
def _evidence(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> list[dict[str, Any]]:
    out = []
    for mid in event.mention_ids:
        m = mentions.get(mid)
        if m is None:
            continue
        art = articles.get(m.article_id)
        sent = m.sentence or m.trigger
        sentence = ""
        if m.sentence is not None and m.sentence.text:
            sentence = m.sentence.text
        elif sent is not None and art is not None:
            sentence = art.text[sent.sent_start:sent.sent_end]
        trig = m.trigger
        out.append({
            "mention_id": m.id,
            "article_id": m.article_id,
            "url": art.url if art else "",
            "outlet": art.source if art else "",
            "published": art.published if art else None,
            "title": art.title if art else "",
            "sentence": " ".join(sentence.split()),
            "trigger": trig.text if trig is not None else "",
            "start": trig.start if trig is not None else None,
            "end": trig.end if trig is not None else None,
            "sent_start": sent.sent_start if sent is not None else None,
            "sent_end": sent.sent_end if sent is not None else None,
            "modality": m.modality,
        })
    return out


def plover_record(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> dict[str, Any]:
    """One event as a PLOVER-style JSON object, with evidence for every report."""
    context: list[str] = []
    for mid in event.mention_ids:
        m = mentions.get(mid)
        for c in (m.context if m is not None else []):
            if c not in context:
                context.append(c)
    evidence = _evidence(event, mentions, articles)
    place = event.place
    summary = event_summary(event, mentions, articles, 2)
    return {
        "id": event.id,
        "date": _date(event) or None,
        "date_end": event.time.end if event.time is not None else None,
        "date_precision": _precision(event),
        "event": event.event_type,
        "mode": event.mode,
        "context": context,
        "modality": event.modality,
        "source": [_actor_json(a) for a in event.sources],
        "target": [_actor_json(a) for a in event.targets],
        "location": None if place is None else {
            "name": place.name or place.text, "lat": place.lat, "lon": place.lon,
            "country": place.country, "admin1": place.admin1, "precision": place.precision,
            "geonameid": place.geonameid,
        },
        "dead": _best(event, "killed"),
        "injured": _best(event, "injured"),
        "quantities": {
            kind: [{"value": fv.value if isinstance(fv.value, int | float | str) else str(fv.value),
                    "article_id": fv.article_id, "outlet": fv.source, "published": fv.published,
                    "mention_id": fv.mention_id} for fv in values]
            for kind, values in event.quantities.items()
        },
        "reports": {"sources": event.n_sources, "articles": event.n_articles or len(
            event_article_ids(event, mentions)), "mentions": len(event.mention_ids)},
        "confidence": event.confidence,
        "eventText": evidence[0]["trigger"] if evidence else "",
        "text": evidence[0]["sentence"] if evidence else "",
        "description": describe_event(event, mentions, articles),
        "summary": [{"sentence": s, "article_id": a} for s, a in summary],
        "evidence": evidence,
        "statements": [{
            "kind": s.kind,
            "speaker": None if s.speaker is None else _actor_json(s.speaker),
            "text": s.text,
            "evidence": None if s.evidence is None else asdict(s.evidence),
        } for s in event.statements],
    }


def write_plover_jsonl(events: Iterable[Event], mentions: Mapping[str, Mention],
                       articles: Mapping[str, Article], fp: IO[str]) -> int:
    """One JSON object per line per event; returns the number written."""
    n = 0
    for ev in events:
        fp.write(json.dumps(plover_record(ev, mentions, articles), ensure_ascii=False) + "\n")
        n += 1
    return n


# -------------------------------------------------------------------- ACLED
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "plover_event", "plover_mode", "sitroom_id",
)

_STATE_SECTORS = frozenset({"GOV", "MIL", "POL", "COP", "JUD", "LEG", "SPY", "EXE", "PTY"})
_REBEL_SECTORS = frozenset({"REB", "INS", "UAF"})
_MILITIA_SECTORS = frozenset({"MLT", "PRM", "MILITIA"})
_CIVILIAN_SECTORS = frozenset({"CVL", "CIV", "REF", "EDU", "HLH"})
_SECTOR_FORCE = {"MIL": "Military Forces of {}", "GOV": "Government of {}",
                 "POL": "Police Forces of {}", "COP": "Police Forces of {}"}


def _acled_time_precision(event: Event) -> int:
    """1 = exact day, 2 = within a week or month, 3 = only a longer window is known."""
    p = _precision(event)
    if p == "day":
        return 1
    if p in ("week", "month", "reported"):
        return 2
    return 3


def _inter(actor: Actor | None, event: Event, role: str) -> int:
    """ACLED interaction code of an actor (0 = no actor)."""
    if actor is None:
        return 0
    if event.event_type == "PROTEST" and role == "source":
        return 5 if "riot" in event.mode else 6
    sector = (actor.sector or "").upper()
    where = event.place.country if event.place is not None else None
    if sector in _STATE_SECTORS:
        # Foreign state forces acting abroad are "External/other forces" in ACLED.
        return 8 if where and actor.country and actor.country not in (where, "IGO") else 1
    if sector in _REBEL_SECTORS:
        return 2
    if sector in _MILITIA_SECTORS:
        return 3
    if sector in _CIVILIAN_SECTORS:
        return 7
    return 8


def _acled_actor(actor: Actor | None, event: Event, role: str) -> str:
    if actor is None:
        return ""
    name = clean_text(actor.name or actor.text, 120)
    cname = country_name(actor.country) if actor.country not in (None, "IGO") else ""
    inter = _inter(actor, event, role)
    if inter in (5, 6, 7) and cname:
        label = {5: "Rioters", 6: "Protesters", 7: "Civilians"}[inter]
        return f"{label} ({cname})"
    sector = (actor.sector or "").upper()
    if sector in _SECTOR_FORCE and cname and name.lower() in (cname.lower(), (actor.country or "").lower(), ""):
        return _SECTOR_FORCE[sector].format(_with_article(cname))
    return name


_THE_NAMES = frozenset({"Netherlands", "Philippines", "Gambia", "Bahamas", "Maldives", "Comoros",
                        "Seychelles", "Solomon Islands", "Marshall Islands"})


def _with_article(cname: str) -> str:
    """'the United States', 'the Philippines': how ACLED-style labels read."""
    if cname.startswith("United ") or cname.endswith("Republic") or cname in _THE_NAMES:
        return "the " + cname
    return cname


def _geo_precision(event: Event) -> str:
    p = event.place.precision if event.place is not None else "unknown"
    return {"site": "1", "city": "1", "province": "2", "country": "3"}.get(p, "")


def acled_row(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> dict[str, Any]:
    """One event as an ACLED-style row (lossy: see data/plover_to_acled.tsv)."""
    tsec = tuple((a.sector or "").upper() for a in event.targets)
    kind = to_acled(event.event_type, event.mode, tsec) or AcledType(
        "Strategic developments", "Strategic developments", "Other")
    a1 = event.sources[0] if event.sources else None
    a2 = event.targets[0] if event.targets else None
    i1, i2 = _inter(a1, event, "source"), _inter(a2, event, "target")
    pair = sorted(x for x in (i1, i2) if x)
    interaction = "" if not pair else (f"{pair[0]}{pair[1]}" if len(pair) == 2 else f"{pair[0]}0")
    place = event.place
    iso = place.country if place is not None and place.country else ""
    date = _date(event)
    summary = event_summary(event, mentions, articles, 1)
    note = f"PLOVER {event.event_type}{'/' + event.mode if event.mode else ''}"
    if event.modality not in ("asserted", ""):
        note += f" ({event.modality})"
    if summary:
        note += ": " + summary[0][0]
    killed = _best(event, "killed")
    return {
        "event_id_cnty": f"{iso or 'XXX'}-{event.id}",
        "event_date": date,
        "year": date[:4] if date else "",
        "time_precision": _acled_time_precision(event),
        "disorder_type": kind.disorder_type,
        "event_type": kind.event_type,
        "sub_event_type": kind.sub_event_type,
        "actor1": _acled_actor(a1, event, "source"),
        "assoc_actor_1": "; ".join(_acled_actor(a, event, "source") for a in event.sources[1:]),
        "inter1": i1 or "",
        "actor2": _acled_actor(a2, event, "target"),
        "assoc_actor_2": "; ".join(_acled_actor(a, event, "target") for a in event.targets[1:]),
        "inter2": i2 or "",
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if kind.event_type == "Violence against civilians" else "",
        "iso": iso,
        "country": country_name(iso) if iso else "",
        "admin1": clean_text(place.admin1, 120) if place is not None else "",
        "location": clean_text(place.name or place.text, 120) if place is not None else "",
        "latitude": place.lat if place is not None and place.lat is not None else "",
        "longitude": place.lon if place is not None and place.lon is not None else "",
        "geo_precision": _geo_precision(event),
        "source": "; ".join(_outlets(event, mentions, articles)),
        "source_scale": "",
        "notes": clean_text(note, 1000),
        "fatalities": killed if killed is not None else 0,
        "plover_event": event.event_type,
        "plover_mode": event.mode,
        "sitroom_id": event.id,
    }


# Event-count datasets record what happened: a denied, hypothetical or merely planned
# event would be counted as real by anyone loading the CSV, so those stay out
# (the PLOVER JSONL and GeoJSON keep them, with their modality).
TABULAR_EXCLUDED = frozenset({"negated", "hypothetical", "future"})


def write_acled_csv(events: Iterable[Event], mentions: Mapping[str, Mention],
                    articles: Mapping[str, Article], fp: IO[str]) -> int:
    """ACLED-style CSV (header plus one row per event that happened); returns the row count."""
    w = csv.DictWriter(fp, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        if ev.modality in TABULAR_EXCLUDED:
            continue
        w.writerow(acled_row(ev, mentions, articles))
        n += 1
    return n


# -------------------------------------------------------------------- GDELT
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_Lat", "ActionGeo_Long", "DATEADDED", "SOURCEURL",
)
_GEO_TYPE = {"country": 1, "province": 4, "city": 4, "site": 4}


def gdelt_id(event_id: str) -> int:
    """Stable positive integer id (GDELT ids are integers; ours are strings)."""
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:12], 16)


def _gdelt_actor(actors: list[Actor]) -> tuple[str, str, str, str]:
    if not actors:
        return "", "", "", ""
    a = actors[0]
    country = a.country or ""
    sector = (a.sector or "").upper()
    name = clean_text(a.name or a.text, 120).upper()
    return country + sector, name, country, sector


def gdelt_row(event: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> dict[str, Any]:
    """One event as a GDELT 2.0 event-table row (subset of columns)."""
    cameo = to_cameo(event.event_type, event.mode)
    date = _date(event).replace("-", "")
    a1 = _gdelt_actor(event.sources)
    a2 = _gdelt_actor(event.targets)
    place = event.place
    full_name = ""
    if place is not None:
        parts = [clean_text(place.name or place.text, 120), clean_text(place.admin1, 120),
                 country_name(place.country)]
        full_name = ", ".join(dict.fromkeys(p for p in parts if p))
    first_pub = min((articles[a].published or "" for a in event_article_ids(event, mentions)
                     if a in articles and articles[a].published), default="")
    return {
        "GLOBALEVENTID": gdelt_id(event.id),
        "SQLDATE": date if len(date) == 8 else "",
        "MonthYear": date[:6] if len(date) >= 6 else "",
        "Year": date[:4],
        "Actor1Code": a1[0], "Actor1Name": a1[1], "Actor1CountryCode": a1[2], "Actor1Type1Code": a1[3],
        "Actor2Code": a2[0], "Actor2Name": a2[1], "Actor2CountryCode": a2[2], "Actor2Type1Code": a2[3],
        "IsRootEvent": 1,
        "EventCode": cameo.code if cameo else "",
        "EventBaseCode": cameo.code[:3] if cameo else "",
        "EventRootCode": cameo.root if cameo else "",
        "QuadClass": cameo.quad_class if cameo else "",
        "GoldsteinScale": cameo.goldstein if cameo else "",
        "NumMentions": len(event.mention_ids),
        "NumSources": event.n_sources,
        "NumArticles": event.n_articles or len(event_article_ids(event, mentions)),
        "AvgTone": 0,
        "ActionGeo_Type": _GEO_TYPE.get(place.precision, 0) if place is not None else 0,
        "ActionGeo_FullName": full_name,
        "ActionGeo_CountryCode": place.country or "" if place is not None else "",
        "ActionGeo_ADM1Code": "",
        "ActionGeo_Lat": place.lat if place is not None and place.lat is not None else "",
        "ActionGeo_Long": place.lon if place is not None and place.lon is not None else "",
        "DATEADDED": first_pub.replace("-", "")[:8],
        "SOURCEURL": _first_url(event, mentions, articles),
    }


def write_gdelt_csv(events: Iterable[Event], mentions: Mapping[str, Mention],
                    articles: Mapping[str, Article], fp: IO[str]) -> int:
    """GDELT-2.0-style CSV with a header (GDELT itself ships headerless TSV); real events only."""
    w = csv.DictWriter(fp, fieldnames=list(GDELT_COLUMNS), lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        if ev.modality in TABULAR_EXCLUDED:
            continue
        w.writerow(gdelt_row(ev, mentions, articles))
        n += 1
    return n


# ------------------------------------------------------------------ GeoJSON
def write_geojson(events: Iterable[Event], mentions: Mapping[str, Mention],
                  articles: Mapping[str, Article], fp: IO[str]) -> int:
    """FeatureCollection of the events that have coordinates; returns the feature count."""
    fp.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for ev in events:
        p = ev.place
        if p is None or p.lat is None or p.lon is None:
            continue
        cam = to_cameo(ev.event_type, ev.mode)
        feature = {
            "type": "Feature",
            # GeoJSON order is longitude, latitude.
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {
                "id": ev.id, "date": _date(ev) or None, "date_precision": _precision(ev),
                "event": ev.event_type, "mode": ev.mode, "modality": ev.modality,
                "quad_class": cam.quad_class if cam else None,
                "place": p.name or p.text, "country": p.country, "admin1": p.admin1,
                "geo_precision": p.precision,
                "sources": ev.n_sources, "articles": ev.n_articles,
                "dead": _best(ev, "killed"), "injured": _best(ev, "injured"),
                "description": describe_event(ev, mentions, articles),
                "url": _first_url(ev, mentions, articles),
            },
        }
        fp.write((",\n" if n else "\n") + json.dumps(feature, ensure_ascii=False))
        n += 1
    fp.write("\n]}\n")
    return n
