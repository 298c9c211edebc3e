"""Exports parse back with the expected columns and values; mapping tables are complete."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import pytest

from sitroom.export import (
    ACLED_COLUMNS,
    GDELT_COLUMNS,
    write_acled_csv,
    write_gdelt_csv,
    write_geojson,
    write_plover_jsonl,
)
from sitroom.export.mapping import acled_table, cameo_table, to_acled, to_cameo
from sitroom.records import EVENT_TYPES, QUAD_CLASS, Actor, Event, TimeRef


def _load_scenario() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_sitroom_story_scenario", Path(__file__).with_name("test_story_scenario.py"))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SCN = _load_scenario()
QUAD_NUM = {"verbal_coop": 1, "material_coop": 2, "verbal_conflict": 3, "material_conflict": 4}


def _run(writer, events=None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    evs, mentions, articles = SCN.build()
    buf = io.StringIO()
    n = writer(evs if events is None else events, mentions, articles, buf)
    return n, buf.getvalue()


def test_plover_jsonl_round_trips_with_evidence() -> None:
    n, text = _run(write_plover_jsonl)
    rows = [json.loads(line) for line in text.splitlines()]
    assert n == len(rows) == 4
    strike = next(r for r in rows if r["id"] == "ev-strike")
    assert strike["event"] == "ASSAULT" and strike["mode"] == "missile"
    assert strike["date"] == "2020-01-08" and strike["date_precision"] == "day"
    assert strike["source"][0] == {"actorText": "Iran", "actorName": "Iran", "code": "IRN", "sector": "MIL"}
    assert strike["target"][0]["code"] == "USA"
    assert strike["location"]["name"] == "Ain al-Asad air base"
    assert strike["location"]["lat"] == pytest.approx(33.8)
    assert strike["injured"] == 34 and strike["dead"] is None
    assert strike["reports"]["sources"] == 3 and strike["reports"]["articles"] == 3
    _, mentions, articles = SCN.build()
    assert len(strike["evidence"]) == 4
    for ev in strike["evidence"]:
        art = articles[ev["article_id"]]
        assert art.text[ev["start"]:ev["end"]] == ev["trigger"]
        assert ev["sentence"] in art.text and ev["outlet"] == art.source and ev["url"] == art.url
    kinds = {s["kind"] for s in strike["statements"]}
    assert kinds == {"claim", "denial", "attribution"}
    assert [q["value"] for q in strike["quantities"]["injured"]] == [0, 11, 34]
    coup = next(r for r in rows if r["id"] == "ev-1953")
    assert coup["modality"] == "historical" and coup["date_precision"] == "year"


def test_acled_csv_columns_and_mapping() -> None:
    n, text = _run(write_acled_csv)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == len(rows) == 4
    assert tuple(rows[0].keys()) == ACLED_COLUMNS
    strike = next(r for r in rows if r["sitroom_id"] == "ev-strike")
    assert strike["event_date"] == "2020-01-08" and strike["year"] == "2020"
    assert strike["time_precision"] == "1"
    assert strike["disorder_type"] == "Political violence"
    assert strike["event_type"] == "Explosions/Remote violence"
    assert strike["sub_event_type"] == "Shelling/artillery/missile attack"
    assert strike["actor1"] == "Military Forces of Iran"
    assert strike["actor2"] == "Military Forces of the United States"
    assert strike["inter1"] == "8"       # foreign forces acting in Iraq
    assert strike["country"] == "Iraq" and strike["admin1"] == "Anbar"
    assert strike["latitude"] == "33.8" and strike["geo_precision"] == "1"
    assert strike["source"] == "Meridian Wire; Tigris Post; Gulf Courier"
    assert strike["fatalities"] == "0"
    assert strike["notes"].startswith("PLOVER ASSAULT/missile: Iran fired")
    coup = next(r for r in rows if r["sitroom_id"] == "ev-1953")
    assert coup["time_precision"] == "3" and coup["event_date"] == "1953-01-01"
    threat = next(r for r in rows if r["sitroom_id"] == "ev-threat")
    assert threat["time_precision"] == "2"     # date defaulted to the report date


def test_tabular_exports_leave_out_events_that_did_not_happen() -> None:
    evs, _, _ = SCN.build()
    evs.append(Event(id="ev-no", event_type="ASSAULT", modality="negated",
                     time=TimeRef("", "2020-01-09", precision="day")))
    n, text = _run(write_acled_csv, evs)
    assert n == 4 and "ev-no" not in text
    n, text = _run(write_gdelt_csv, evs)
    assert n == 4
    n, text = _run(write_plover_jsonl, evs)
    assert n == 5 and '"negated"' in text


def test_acled_protest_and_civilian_mappings() -> None:
    assert to_acled("PROTEST", "riot").sub_event_type == "Violent demonstration"  # type: ignore[union-attr]
    assert to_acled("PROTEST", "demo").event_type == "Protests"  # type: ignore[union-attr]
    assert to_acled("ASSAULT", "aerial").sub_event_type == "Air/drone strike"  # type: ignore[union-attr]
    assert to_acled("ASSAULT", "drone").sub_event_type == "Air/drone strike"  # type: ignore[union-attr]
    civ = to_acled("ASSAULT", "firearms", ("CVL",))
    assert civ is not None and civ.event_type == "Violence against civilians"
    assert to_acled("ASSAULT", "firearms").event_type == "Battles"  # type: ignore[union-attr]
    assert to_acled("ASSAULT", "no-such-mode").event_type == "Battles"  # type: ignore[union-attr]


def test_gdelt_csv_columns_and_codes() -> None:
    n, text = _run(write_gdelt_csv)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == len(rows) == 4
    assert tuple(rows[0].keys()) == GDELT_COLUMNS
    strike = next(r for r in rows if r["SQLDATE"] == "20200108")
    assert strike["Actor1Code"] == "IRNMIL" and strike["Actor1CountryCode"] == "IRN"
    assert strike["Actor2Name"] == "UNITED STATES"
    assert strike["EventRootCode"] == "19" and strike["EventCode"].startswith("19")
    assert strike["QuadClass"] == "4" and float(strike["GoldsteinScale"]) <= -9
    assert strike["NumSources"] == "3" and strike["NumArticles"] == "3" and strike["NumMentions"] == "4"
    assert strike["SOURCEURL"] == "https://meridian.example/iraq-base"
    assert strike["ActionGeo_CountryCode"] == "IRQ" and strike["ActionGeo_Lat"] == "33.8"
    talks = next(r for r in rows if r["SQLDATE"] == "20200119")
    assert talks["EventRootCode"] == "04" and talks["QuadClass"] == "1"
    assert len({r["GLOBALEVENTID"] for r in rows}) == 4
    assert all(r["GLOBALEVENTID"].isdigit() for r in rows)


def test_geojson_features_have_lon_lat() -> None:
    n, text = _run(write_geojson)
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and n == len(data["features"]) == 2
    strike = next(f for f in data["features"] if f["properties"]["id"] == "ev-strike")
    assert strike["geometry"] == {"type": "Point", "coordinates": [42.44, 33.8]}
    assert strike["properties"]["injured"] == 34 and strike["properties"]["quad_class"] == 4
    assert json.loads(_run(write_geojson, [])[1])["features"] == []


def test_mapping_files_cover_all_16_types() -> None:
    cameo = cameo_table()
    acled = acled_table()
    for t in EVENT_TYPES:
        assert (t, "*") in cameo, t
        assert (t, "*", "*") in acled, t
        # QuadClass in GDELT numbering agrees with PLOVER's quad class for every row.
        for (ct, _), code in cameo.items():
            if ct == t:
                assert code.quad_class == QUAD_NUM[QUAD_CLASS[t]], (t, code)
    assert {t for t, _ in cameo} == set(EVENT_TYPES)
    assert {t for t, _, _ in acled} == set(EVENT_TYPES)
    for code in cameo.values():
        assert code.code.isdigit() and 3 <= len(code.code) <= 4 and -10 <= code.goldstein <= 10
    assert to_cameo("CONSULT", "Third Party").code == "044"  # type: ignore[union-attr]


def test_exports_handle_a_bare_event() -> None:
    bare = [Event(id="b", event_type="REQUEST", sources=[Actor("someone")])]
    for writer in (write_plover_jsonl, write_acled_csv, write_gdelt_csv):
        n, text = _run(writer, bare)
        assert n == 1 and text
    rows = list(csv.DictReader(io.StringIO(_run(write_acled_csv, bare)[1])))
    assert rows[0]["event_date"] == "" and rows[0]["time_precision"] == "3"
    assert rows[0]["actor1"] == "someone"
