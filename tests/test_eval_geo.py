"""sitroom eval geo: corpus readers, Gritta et al. metrics, context resolution, and the gate."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sitroom.evaluate.geo_eval import (
    MAX_ERROR_KM,
    geo_metrics,
    haversine_km,
    read_geo,
    run_geo_eval,
)
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.geo import resolve_toponyms

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GEO = SHARED / "eval" / "geo"
FLOORS = json.loads((Path(__file__).with_name("floors.json")).read_text())

# Our own two tiny articles, one in each corpus format.
LGL_LIKE = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><text>Flooding closed roads near Athens, Ga., and in Clarke County on Monday.</text>
<toponyms>
<toponym><start>27</start><end>33</end><phrase>Athens</phrase>
<gaztag geonameid="4180386"><name>Athens</name><lat>33.96</lat><lon>-83.38</lon></gaztag></toponym>
<toponym><start>35</start><end>38</end><phrase>Ga.</phrase>
<gaztag geonameid="4197000"><name>Georgia</name><lat>32.75</lat><lon>-83.5</lon></gaztag></toponym>
<toponym><start>47</start><end>60</end><phrase>Clarke County</phrase></toponym>
</toponyms></article></articles>
"""
GEOVIRUS_LIKE = """<articles><article><source>x</source>
<text>Iraqi officials in Baghdad reported new cases.</text>
<locations>
<location><name>Iraqi</name><start>1</start><end>6</end><lat>33.0</lat><lon>44.0</lon></location>
<location><name>Baghdad</name><start>20</start><end>27</end><lat>33.34</lat><lon>44.4</lon></location>
</locations></article></articles>
"""


def test_read_lgl_and_geovirus_offsets(tmp_path: Path) -> None:
    (tmp_path / "lgl.xml").write_text(LGL_LIKE, encoding="utf-8")
    (tmp_path / "gv.xml").write_text(GEOVIRUS_LIKE, encoding="utf-8")
    lgl = read_geo(tmp_path / "lgl.xml")
    assert [t.phrase for t in lgl[0].toponyms] == ["Athens", "Ga."]   # no coordinates: skipped
    gv = read_geo(tmp_path / "gv.xml")
    tops = gv[0].toponyms
    assert [(t.start, t.end) for t in tops] == [(0, 5), (19, 26)]    # 1-based shifted to 0-based
    assert all(gv[0].text[t.start:t.end] == t.phrase for t in tops)


def test_haversine_known_distance() -> None:
    # One degree of latitude is about 111 km.
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.2, abs=0.5)
    assert haversine_km(10, 20, 10, 20) == 0


def test_geo_metrics() -> None:
    m = geo_metrics([0.0, 100.0, 200.0, MAX_ERROR_KM])
    assert m["accuracy_161km"] == 0.5
    assert m["median_km"] == 150.0
    assert m["mean_km"] == pytest.approx((300 + MAX_ERROR_KM) / 4)
    assert 0 < m["auc"] < 1
    assert geo_metrics([0.0, 0.0])["auc"] == 0.0
    assert geo_metrics([MAX_ERROR_KM])["auc"] == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=30000), min_size=1, max_size=30))
def test_metrics_bounds(errors: list[float]) -> None:
    m = geo_metrics(errors)
    assert 0.0 <= m["auc"] <= 1.0 + 1e-9
    assert 0.0 <= m["accuracy_161km"] <= 1.0
    assert not math.isnan(m["mean_km"])


def _resolve(text: str, names: list[str]) -> list:
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    return resolve_toponyms(text, spans, Gazetteer.default())


def test_context_picks_the_right_namesake() -> None:
    us = _resolve("Police in Athens said the Georgia storm hit Atlanta hard.", ["Athens", "Georgia",
                                                                               "Atlanta"])
    assert us[0] is not None and us[0].country == "USA" and us[0].admin1 == "Georgia"
    assert us[1] is not None and us[1].country == "USA"
    gr = _resolve("Protesters marched in Athens as Greece debated cuts in Thessaloniki.",
                  ["Athens", "Greece", "Thessaloniki"])
    assert gr[0] is not None and gr[0].country == "GRC"


def test_demonyms_states_and_counties() -> None:
    refs = _resolve("Iraqi troops and Kentucky guardsmen met in Laurel County and London, Ky.",
                    ["Iraqi", "Kentucky", "Laurel County", "Ky."])
    assert refs[0] is not None and refs[0].country == "IRQ" and refs[0].precision == "country"
    assert refs[2] is not None and refs[2].admin1 == "Kentucky"
    assert refs[3] is not None and refs[3].admin1 == "Kentucky"


def test_us_local_register_reads_a_lone_town_as_american() -> None:
    brief = _resolve("Deputies from the sheriff's office arrested a man at his home on 1200 Main "
                     "Street in Athens on Monday.", ["Athens"])
    assert brief[0] is not None and brief[0].country == "USA"
    travel = _resolve("Tourists crowded the old streets of Athens on Monday.", ["Athens"])
    assert travel[0] is not None and travel[0].country == "GRC"


def test_county_and_town_settle_each_other() -> None:
    # Neither name says its state: there are ten Henry Counties and eight American Parises,
    # but only one pair lies together (Tennessee).
    refs = _resolve("The Henry County sheriff said the Paris man was charged on Sunday.",
                    ["Henry County", "Paris"])
    county, town = refs
    assert town is not None and (town.country, town.admin1) == ("USA", "Tennessee")
    assert county is not None and county.admin1 == "Tennessee" and county.precision == "province"
    assert county.lat is not None and county.lon is not None
    assert haversine_km(county.lat, county.lon, 36.3, -88.3) < 80   # its own point, not the state's


def test_county_gets_its_own_point() -> None:
    refs = _resolve("Flooding closed roads in Laurel County, Kentucky, on Monday.",
                    ["Laurel County", "Kentucky"])
    county, state = refs
    assert county is not None and state is not None and county.admin1 == "Kentucky"
    assert county.lat is not None and county.lon is not None
    assert state.lat is not None and state.lon is not None
    assert (county.lat, county.lon) != (state.lat, state.lon)
    assert haversine_km(county.lat, county.lon, 37.1, -84.1) < 60   # London, Ky. is its seat


def test_state_name_is_not_a_small_namesake_town() -> None:
    refs = _resolve("He worked near Frederick before he moved to Florida, and reporters in New York "
                    "City followed the case.", ["Frederick", "Florida", "New York City"])
    assert refs[1] is not None and (refs[1].admin1, refs[1].precision) == ("Florida", "province")


def test_unknown_local_name_stays_in_the_article_country() -> None:
    names = ["al-Arabi district", "Mosul", "Nineveh", "Iraq", "Baghdad"]
    refs = _resolve("Gunmen attacked a checkpoint in the al-Arabi district of Mosul in Nineveh "
                    "province, Iraq, and police in Baghdad were put on alert.", names)
    assert refs[0] is not None and refs[0].country == "IRQ"   # not Arabi in Ethiopia


def test_cli_on_fixture(tmp_path: Path) -> None:
    from sitroom.evaluate.cli import eval_app

    (tmp_path / "gv.xml").write_text(GEOVIRUS_LIKE, encoding="utf-8")
    res = CliRunner().invoke(eval_app, ["geo", str(tmp_path / "gv.xml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data[0]["metrics"]["accuracy_161km"] == 1.0
    res = CliRunner().invoke(eval_app, ["geo", str(tmp_path / "missing.xml")])
    assert res.exit_code == 2


@pytest.mark.parametrize(("corpus", "file"), [("LGL", "lgl.xml"), ("GeoVirus", "GeoVirus.xml")])
def test_gate_on_shared_geo(corpus: str, file: str) -> None:
    """Resolution on gold spans, holdout articles (a third; a few seconds each)."""
    path = GEO / corpus / file
    if not path.exists():
        pytest.skip(f"no geo gold at {path} (../shared is absent in a fresh clone)")
    got = run_geo_eval(path, split="holdout")["metrics"]
    for name, floor in FLOORS["geo"][corpus].items():
        if name.endswith("_max"):
            assert got[name[:-4]] <= floor, f"{corpus} {name[:-4]}: {got[name[:-4]]:.3f} > {floor}"
        else:
            assert got[name] >= floor, f"{corpus} {name}: {got[name]:.3f} < floor {floor}"
