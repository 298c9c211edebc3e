"""REST API over a hand-built store (no spaCy): endpoints, filters, errors, exports, ingest."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitroom.api.app as app_module
from sitroom.api import create_app
from sitroom.api import queries as Q
from sitroom.api.errors import ApiError
from sitroom.records import (
    Actor,
    Article,
    Event,
    Evidence,
    FieldValue,
    Mention,
    PlaceRef,
    Quantity,
    Statement,
    TimeRef,
)
from sitroom.store import open_store

EVIL_TITLE = "<script>alert('title')</script>" + "W" * 3000
EVIL_TEXT = (
    "Protest organisers in Damascus accused <img src=x onerror=alert('img')> the ministry "
    "of fraud.\x00\x07 <script>window.__pwned = 1; alert('body')</script> Nothing else happened."
)


# ------------------------------------------------------------------ fixtures
def _ev(article: Article, needle: str, sentence: tuple[int, int] | None = None) -> Evidence:
    """Evidence for the first occurrence of ``needle`` inside the article (sentence = whole text)."""
    start = article.text.index(needle)
    s0, s1 = sentence if sentence else (0, len(article.text))
    return Evidence(article.id, s0, s1, start, start + len(needle), needle)


def _sentence_of(article: Article, needle: str) -> tuple[int, int]:
    i = article.text.index(needle)
    s0 = article.text.rfind(". ", 0, i)
    s0 = 0 if s0 < 0 else s0 + 2
    s1 = article.text.find(".", i)
    return s0, (len(article.text) if s1 < 0 else s1 + 1)


def _mention(article: Article, trigger: str, event_type: str, **kw: Any) -> Mention:
    sent = _sentence_of(article, trigger)
    return Mention(
        id=f"{article.id}:{article.text.index(trigger)}", article_id=article.id,
        event_type=event_type, trigger=_ev(article, trigger, sent),
        sentence=Evidence(article.id, sent[0], sent[1], sent[0], sent[1], article.text[sent[0]:sent[1]]),
        **kw,
    )


def build_store(path: Path) -> dict[str, Any]:
    """A small store: a merged two-report strike, a protest, an agreement, a malicious
    article, a historical event and an undated one. Returns handles for assertions."""
    a1 = Article.make(
        "Missiles fired from Iran struck the Ain al-Asad air base in Anbar on Wednesday. "
        "Officials said at least 11 soldiers were injured in the barrage.",
        title="Missiles hit air base", source="Gulf Ledger", url="https://ledger.example/a1",
        published="2020-01-08")
    a2 = Article.make(
        "Iranian missiles hit the Ain al-Asad base overnight, and the Pentagon said nobody was "
        "injured at first. Later counts differed.",
        title="Base struck, no injuries at first", source="River Post",
        url="https://riverpost.example/2", published="2020-01-09")
    a3 = Article.make(
        "Thousands of demonstrators marched through Baghdad on Friday demanding that foreign "
        "troops leave the country.", title="Baghdad march", source="Capital Times",
        published="2020-01-24")
    a4 = Article.make(
        "Baghdad and Washington agreed to keep talking about the troop presence, officials said.",
        title="Talks continue", source="Gulf Ledger", published="2020-01-12")
    evil = Article.make(EVIL_TEXT, title=EVIL_TITLE, source="<b>Evil Outlet</b>\x1b[31m",
                        url="javascript:alert('url')", published="2020-01-10")
    a6 = Article.make(
        "Historians recall that a coup in 1953 toppled the elected government in Tehran.",
        title="Background", source="River Post", published="2020-01-05")
    a7 = Article.make("Envoys met to consult on the crisis at some point.", title="Undated",
                      source="Capital Times", published="2020-01-15")

    m1 = _mention(a1, "struck", "ASSAULT", mode="missile",
                  sources=[Actor("Iran", "Iran", "IRN", "GOV", _ev(a1, "Iran"))],
                  targets=[Actor("air base", "United States", "USA", "MIL")],
                  time=TimeRef("on Wednesday", "2020-01-08", "2020-01-08", "day", _ev(a1, "on Wednesday")),
                  place=PlaceRef("Ain al-Asad", "Ain al-Asad Air Base", "IRQ", "Anbar", 33.8, 42.44, "site",
                                 evidence=_ev(a1, "Ain al-Asad")),
                  quantities=[Quantity("injured", 11, "at least", "at least 11 soldiers")])
    m2 = _mention(a2, "hit", "ASSAULT", mode="missile",
                  statements=[Statement("attribution", Actor("the Pentagon", "Pentagon", "USA", "MIL"), "said")])
    m3 = _mention(a3, "marched", "PROTEST")
    m4 = _mention(a4, "agreed", "AGREE")
    m5 = _mention(evil, "accused", "ACCUSE")
    m6 = _mention(a6, "coup", "COERCE")
    m7 = _mention(a7, "consult", "CONSULT")

    store = open_store(path)
    store.add_batch([(a1, [m1]), (a2, [m2]), (a3, [m3]), (a4, [m4]), (evil, [m5]), (a6, [m6]),
                     (a7, [m7])])

    def fv(v: int, a: Article, m: Mention) -> FieldValue:
        return FieldValue(v, a.id, a.source, a.published, m.id)

    e1 = Event(id="ev_strike", event_type="ASSAULT", mode="missile",
               sources=m1.sources, targets=m1.targets, time=m1.time, place=m1.place,
               mention_ids=[m1.id, m2.id], article_ids=[a1.id, a2.id], n_sources=2, n_articles=2,
               confidence=0.9, quantities={"injured": [fv(0, a2, m2), fv(11, a1, m1)]},
               statements=m2.statements, summary="Missiles struck a base.")
    e2 = Event(id="ev_march", event_type="PROTEST",
               sources=[Actor("demonstrators", "demonstrators", "IRQ", "CVL")],
               time=TimeRef("on Friday", "2020-01-24", "2020-01-24", "day"),
               place=PlaceRef("Baghdad", "Baghdad", "IRQ", "Baghdad", 33.34, 44.4, "city"),
               mention_ids=[m3.id], article_ids=[a3.id], n_sources=1, n_articles=1, confidence=0.7)
    e3 = Event(id="ev_talks", event_type="AGREE",
               sources=[Actor("Baghdad", "Iraq", "IRQ", "GOV")],
               targets=[Actor("Washington", "United States", "USA", "GOV")],
               time=TimeRef("", "2020-01-12", "2020-01-12", "reported"),
               mention_ids=[m4.id], article_ids=[a4.id], n_sources=1, n_articles=1, confidence=0.6)
    e4 = Event(id="ev_evil", event_type="ACCUSE",
               sources=[Actor("<script>alert('actor')</script>", "<b>organisers</b>", "SYR", "CVL")],
               time=TimeRef("", "2020-01-10", "2020-01-10", "reported"),
               place=PlaceRef("Damascus", "<i>Damascus</i>", "SYR", "", 33.51, 36.29, "city"),
               mention_ids=[m5.id], article_ids=[evil.id], n_sources=1, n_articles=1, confidence=0.4)
    e5 = Event(id="ev_coup", event_type="COERCE", modality="historical",
               sources=[Actor("coup", "United States", "USA", "SPY")],
               targets=[Actor("government", "Iran", "IRN", "GOV")],
               time=TimeRef("in 1953", "1953-01-01", "1953-12-31", "year"),
               mention_ids=[m6.id], article_ids=[a6.id], n_sources=1, n_articles=1)
    e6 = Event(id="ev_undated", event_type="CONSULT", mention_ids=[m7.id], article_ids=[a7.id],
               n_sources=1, n_articles=1)
    store.replace_events([e1, e2, e3, e4, e5, e6])
    store.close()
    return {"evil": evil, "a1": a1, "a2": a2, "m1": m1, "m2": m2, "events": [e1, e2, e3, e4, e5, e6]}


def build_big_store(path: Path, n: int = 230) -> list[Event]:
    """Many events with repeated dates and source counts, to exercise keyset ties."""
    store = open_store(path)
    events = []
    for i in range(n):
        day = None if i % 17 == 0 else f"2020-{1 + i % 3:02d}-{1 + i % 7:02d}"
        lon = -179.5 + (i * 7.3) % 359
        lat = -60 + (i * 3.1) % 120
        events.append(Event(
            id=f"ev_{i:04d}", event_type=Q.EVENT_TYPES[i % 16],
            time=TimeRef("", day, day, "day") if day else None,
            place=PlaceRef("p", f"Place {i}", "XYZ", "", lat, lon, "city"),
            sources=[Actor("A", f"Actor{i % 5}", ["IRN", "USA", "IRQ"][i % 3])],
            targets=[Actor("B", "Other", ["USA", "IRN", "SYR"][i % 3])],
            n_sources=i % 4, n_articles=i % 4,
        ))
    store.replace_events(events)
    store.close()
    return events


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("api") / "api.db"
    out = build_store(path)
    out["path"] = path
    return out


@pytest.fixture(scope="module")
def client(data: dict[str, Any]) -> TestClient:
    return TestClient(create_app(data["path"]), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, list[Event]]:
    path = tmp_path_factory.mktemp("big") / "big.db"
    events = build_big_store(path)
    return TestClient(create_app(path), raise_server_exceptions=False), events


def assert_error(resp: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert resp.status_code in statuses, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "message", "detail"}
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert "Traceback" not in resp.text
    return err


def ids(resp: Any) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [e["id"] for e in resp.json()["items"]]


# ------------------------------------------------------------------ meta
def test_meta_lists_counts_and_vocabularies(client: TestClient) -> None:
    r = client.get("/api")
    assert r.status_code == 200
    body = r.json()
    assert body["read_only"] is True
    assert body["counts"]["events"] == 6 and body["counts"]["articles"] == 7
    assert [t["type"] for t in body["event_types"]][:2] == ["AGREE", "CONSULT"]
    codes = {c["code"] for c in body["countries"]}
    assert {"IRN", "USA", "IRQ", "SYR"} <= codes
    assert body["date_span"] == {"min": "2020-01-08", "max": "2020-01-24"}


# ------------------------------------------------------------------ list + filters
def test_events_default_order_and_count(client: TestClient) -> None:
    r = client.get("/api/events")
    body = r.json()
    assert body["count"] == 6
    assert [e["id"] for e in body["items"]] == [
        "ev_coup", "ev_strike", "ev_evil", "ev_talks", "ev_march", "ev_undated"]
    assert body["next_cursor"] is None
    strike = body["items"][1]
    assert strike["quad_class"] == "material_conflict"
    assert strike["place"]["lat"] == 33.8 and strike["n_sources"] == 2
    assert strike["quantities"] == {"injured": [0, 11]}


@pytest.mark.parametrize(("query", "expected"), [
    ("country=irn", ["ev_coup", "ev_strike"]),
    ("country=IRQ", ["ev_strike", "ev_talks", "ev_march"]),
    ("actor=demonstr", ["ev_march"]),
    ("actor=100%25", []),                       # LIKE wildcards are literal
    ("type=assault", ["ev_strike"]),
    ("mode=missile", ["ev_strike"]),
    ("place=asad", ["ev_strike"]),
    ("text=marched", ["ev_march"]),
    ("min_sources=2", ["ev_strike"]),
    ("background=false", ["ev_strike", "ev_evil", "ev_talks", "ev_march", "ev_undated"]),
    ("since=2020-01-10&until=2020-01-12", ["ev_evil", "ev_talks"]),
    ("since=2020-01", ["ev_strike", "ev_evil", "ev_talks", "ev_march"]),
    ("until=1953", ["ev_coup"]),
    ("bbox=40,30,46,35", ["ev_strike", "ev_march"]),
    ("bbox=36,33,37,34", ["ev_evil"]),
    ("bbox=170,-10,-170,10", []),                # antimeridian box: valid, empty here
    ("country=USA&type=AGREE", ["ev_talks"]),
])
def test_event_filters(client: TestClient, query: str, expected: list[str]) -> None:
    assert ids(client.get(f"/api/events?{query}")) == expected


def test_sorts(client: TestClient) -> None:
    assert ids(client.get("/api/events?sort=-date"))[:2] == ["ev_march", "ev_talks"]
    assert ids(client.get("/api/events?sort=-date"))[-1] == "ev_undated"
    assert ids(client.get("/api/events?sort=-sources"))[0] == "ev_strike"


@pytest.mark.parametrize("sort", ["date", "-date", "sources", "-sources"])
def test_pagination_round_trip(big: tuple[TestClient, list[Event]], sort: str) -> None:
    client, events = big
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"sort": sort, "limit": 37}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/events", params=params).json()
        assert ("count" in body) == (cursor is None)
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        pages += 1
        if not cursor:
            break
    assert pages == -(-len(events) // 37)
    assert len(seen) == len(set(seen)) == len(events)
    full = client.get("/api/events", params={"sort": sort, "limit": 500}).json()
    assert [e["id"] for e in full["items"]] == seen
    by_id = {e.id: e for e in events}
    if sort.endswith("sources"):
        counts = [by_id[i].n_sources for i in seen]
        assert counts == sorted(counts, reverse=sort.startswith("-"))
    else:
        dated = [by_id[i].time.value for i in seen if by_id[i].time]  # type: ignore[union-attr]
        assert dated == sorted(dated, reverse=sort.startswith("-"))
        assert all(by_id[i].time is None for i in seen[len(dated):])   # undated last


def test_pagination_with_filter(big: tuple[TestClient, list[Event]]) -> None:
    client, events = big
    want = {e.id for e in events if e.n_sources >= 2 and e.sources[0].country == "IRN"}
    got: list[str] = []
    params: dict[str, Any] = {"min_sources": 2, "country": "IRN", "limit": 10, "sort": "-date"}
    first = client.get("/api/events", params=params).json()
    count = first["count"]
    got += [e["id"] for e in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = client.get("/api/events", params={**params, "cursor": cursor}).json()
        got += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
    # IRN appears as source or target; the set must match what the filter selects
    want = {e.id for e in events if e.n_sources >= 2
            and "IRN" in (e.sources[0].country, e.targets[0].country)}
    assert set(got) == want and len(got) == count


# ------------------------------------------------------------------ bad parameters
BAD_QUERIES = [
    "since=yesterday", "since=2020-13-01", "since=2020-02-30", "until=20200101",
    "since=2020-02-01&until=2020-01-01", "country=Iran", "country=I", "country=%3Cscript%3E",
    "type=EXPLODE", "type=" + "A" * 500, "mode=%3Cb%3E", "bbox=1,2,3", "bbox=a,b,c,d",
    "bbox=0,0,200,10", "bbox=0,10,10,0", "bbox=0,0,nan,10", "bbox=0,0,inf,10",
    "min_sources=-1", "min_sources=many", "min_sources=99999999999999999999",
    "background=maybe", "sort=random", "limit=0", "limit=501", "limit=100000000000000000000",
    "limit=ten", "cursor=!!!", "cursor=e30", "cursor=" + "A" * 5000, "text=" + "x" * 201,
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_parameters_are_4xx_with_the_error_shape(client: TestClient, query: str) -> None:
    err = assert_error(client.get(f"/api/events?{query}"), (400, 422))
    assert err["code"] in ("invalid_parameter", "invalid_cursor")
    # the same filter parameters on stats, map and exports fail the same way
    if not query.startswith(("sort=", "limit=", "cursor=")):
        for path in ("/api/stats", "/api/map", "/api/export.csv"):
            assert_error(client.get(f"{path}?{query}"), (400, 422))


def test_cursor_is_tied_to_its_sort(big: tuple[TestClient, list[Event]]) -> None:
    client, _ = big
    cur = client.get("/api/events?limit=5&sort=date").json()["next_cursor"]
    assert cur
    assert_error(client.get(f"/api/events?limit=5&sort=-sources&cursor={cur}"), 400)
    forged = Q.encode_cursor("date", [1, 2])   # wrong types
    assert_error(client.get(f"/api/events?sort=date&cursor={forged}"), 400)


def test_unknown_type_lists_the_allowed_ones(client: TestClient) -> None:
    err = assert_error(client.get("/api/events?type=BOMB"), 400)
    assert "ASSAULT" in err["detail"]["allowed"]


def test_other_validation_errors_use_the_shape(client: TestClient) -> None:
    err = assert_error(client.get("/api/map?max_points=0"), 422)
    assert err["code"] == "invalid_parameter" and "max_points" in err["message"]
    assert_error(client.get("/api/stats?dyad=not-a-dyad"), 400)
    assert_error(client.get("/api/stories/all/timeline?background=perhaps"), 422)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["since", "until", "country", "actor", "type", "mode", "place", "bbox",
                            "text", "min_sources", "background", "sort", "limit", "cursor"]),
       value=st.text(max_size=60))
def test_any_parameter_value_is_never_a_500(client: TestClient, key: str, value: str) -> None:
    r = client.get("/api/events", params={key: value})
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code != 200:
        assert_error(r, (400, 422))


@settings(max_examples=200, deadline=None)
@given(since=st.one_of(st.none(), st.text(max_size=12)), bbox=st.one_of(st.none(), st.text(max_size=30)),
       ms=st.one_of(st.none(), st.text(max_size=6)))
def test_filter_parser_raises_only_api_errors(since: str | None, bbox: str | None, ms: str | None) -> None:
    try:
        f = Q.parse_filter(since=since, bbox=bbox, min_sources=ms)
    except ApiError as exc:
        assert exc.status == 400 and exc.message
    else:
        assert f.min_sources >= 0
        if f.bbox:
            assert f.bbox[1] <= f.bbox[3]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12))
def test_month_dates_expand_to_whole_month(year: int, month: int) -> None:
    s = Q.parse_date(f"{year:04d}-{month:02d}", "since", end=False)
    u = Q.parse_date(f"{year:04d}-{month:02d}", "until", end=True)
    assert s is not None and u is not None
    assert s.endswith("-01") and s[:7] == u[:7] and s <= u


# ------------------------------------------------------------------ detail
def test_event_detail_has_evidence_sources_and_history(client: TestClient, data: dict[str, Any]) -> None:
    r = client.get("/api/events/ev_strike")
    assert r.status_code == 200
    d = r.json()
    assert d["event"]["id"] == "ev_strike" and d["event"]["mention_ids"]
    assert d["event"]["quad_class"] == "material_conflict"
    assert len(d["reports"]) == 2
    for rep in d["reports"]:
        t = rep["trigger"]
        assert rep["sentence"][t["start"]:t["end"]] == t["text"]
        assert rep["outlet"] in ("Gulf Ledger", "River Post")
    first = d["reports"][0]
    assert first["published"] == "2020-01-08" and first["trigger"]["text"] == "struck"
    assert first["sentence"].startswith("Missiles fired from Iran")
    assert first["sentence"][first["time_span"]["start"]:first["time_span"]["end"]] == "on Wednesday"
    assert [s["outlet"] for s in d["sources"]] == ["Gulf Ledger", "River Post"]
    assert d["sources"][0]["url"] == "https://ledger.example/a1"
    hist = d["quantities"]["injured"]
    assert [h["value"] for h in hist] == [0, 11] and hist[0]["outlet"] == "River Post"
    assert d["disagreements"] and "injured" in d["disagreements"][0]
    assert d["statements"][0]["kind"] == "attribution"
    assert "ASSAULT" in d["description"]


def test_event_lookup_by_unique_prefix_and_404(client: TestClient) -> None:
    assert client.get("/api/events/ev_str").json()["event"]["id"] == "ev_strike"
    assert_error(client.get("/api/events/ev_"), 404)          # ambiguous
    assert_error(client.get("/api/events/%25"), 404)          # no wildcard lookups
    assert_error(client.get("/api/events/nope"), 404)
    assert_error(client.get("/api/events/" + "x" * 300), 404)


def test_article_endpoint_returns_raw_text_as_json(client: TestClient, data: dict[str, Any]) -> None:
    evil = data["evil"]
    r = client.get(f"/api/articles/{evil.id}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["text"] == EVIL_TEXT and body["title"] == EVIL_TITLE
    assert body["mentions"][0]["event_id"] == "ev_evil"
    trig = body["mentions"][0]["trigger"]
    assert body["text"][trig["start"]:trig["end"]] == "accused"
    assert_error(client.get("/api/articles/doesnotexist"), 404)


# ------------------------------------------------------------------ stats, map, stories
def test_stats(client: TestClient) -> None:
    s = client.get("/api/stats").json()
    assert s["total"] == 6 and s["undated"] == 1
    days = {d["date"]: d["count"] for d in s["per_day"]}
    assert days["2020-01-08"] == 1 and days["1953-01-01"] == 1
    assert {t["type"]: t["count"] for t in s["per_type"]}["ASSAULT"] == 1
    q = {d["date"]: d for d in s["quad_per_day"]}
    assert q["2020-01-24"]["material_conflict"] == 1 and q["2020-01-12"]["verbal_coop"] == 1
    dyads = {d["dyad"]: d["count"] for d in s["dyads"]}
    assert dyads["IRN>USA"] == 1 and dyads["IRQ>USA"] == 1
    # default intensity pair: the top dyad with both sides known
    assert s["intensity"]["dyad"] in dyads and "?" not in s["intensity"]["dyad"]
    pair = client.get("/api/stats?dyad=USA>IRN").json()["intensity"]
    assert pair["dyad"] == "USA>IRN"
    scores = {p["date"]: p["score"] for p in pair["series"]}
    assert scores["2020-01-08"] < 0          # the strike, either direction
    assert scores["1953-01-01"] < 0
    assert client.get("/api/stats?country=SYR").json()["total"] == 1


def test_map_points_and_aggregation(client: TestClient, big: tuple[TestClient, list[Event]]) -> None:
    m = client.get("/api/map").json()
    assert m["located"] == 3 and m["cell_degrees"] == 0.0
    assert {p["event_id"] for p in m["points"]} == {"ev_strike", "ev_march", "ev_evil"}
    assert client.get("/api/map?type=PROTEST").json()["points"][0]["event_id"] == "ev_march"
    bclient, events = big
    agg = bclient.get("/api/map?max_points=20").json()
    assert len(agg["points"]) <= 20 and agg["cell_degrees"] > 0
    assert sum(p["count"] for p in agg["points"]) <= len(events)
    assert all(-180 <= p["lon"] <= 180 and -90 <= p["lat"] <= 90 for p in agg["points"])


def test_stories_have_timelines(client: TestClient) -> None:
    body = client.get("/api/stories").json()
    assert body["items"][0]["id"] == "all" and body["items"][0]["n_events"] == 6
    tl = client.get("/api/stories/all/timeline").json()
    dates = [e["date"] for e in tl["timeline"] if e["date"]]
    assert dates == sorted(dates)
    assert any(e["background"] for e in tl["timeline"])
    assert all(e["background"] is False for e in
               client.get("/api/stories/all/timeline?background=false").json()["timeline"])
    assert {"name": "United States", "count": 3} in tl["actors"]
    assert any(p["name"] == "Ain al-Asad Air Base" for p in tl["places"])
    assert any("injured" in line for d in tl["disagreements"] for line in d["lines"])
    assert tl["summary"] and tl["summary"][0]["event_id"] == "ev_strike"
    for s in body["items"][1:]:
        assert s["id"].startswith("s") and s["n_events"] >= 2
        assert client.get(f"/api/stories/{s['id']}/timeline").status_code == 200
    assert_error(client.get("/api/stories/nope/timeline"), 404)


# ------------------------------------------------------------------ exports
@pytest.mark.parametrize("query", ["", "country=IRQ", "since=2020-01-09&background=false", "type=ASSAULT",
                                   "bbox=30,30,50,40"])
def test_exports_match_the_filter(client: TestClient, query: str) -> None:
    listed = ids(client.get(f"/api/events?limit=500&{query}"))
    jl = client.get(f"/api/export.jsonl?{query}")
    assert jl.status_code == 200 and "attachment" in jl.headers["content-disposition"]
    lines = [json.loads(x) for x in jl.text.splitlines() if x.strip()]
    assert len(lines) == len(listed) == int(jl.headers["x-sitroom-events"])
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/export.csv?{query}").text)))
    assert sorted(r["sitroom_id"] for r in rows) == sorted(listed)
    gj = client.get(f"/api/export.geojson?{query}").json()
    located = {"ev_strike", "ev_march", "ev_evil"}
    assert sorted(f["properties"]["id"] for f in gj["features"]) == sorted(set(listed) & located)


# ------------------------------------------------------------------ docs, headers, pages
def test_openapi_is_served_but_cdn_docs_are_not(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/events" in spec["paths"] and "/api/export.csv" in spec["paths"]
    assert_error(client.get("/docs"), 404)
    assert_error(client.get("/redoc"), 404)


def test_security_headers_everywhere(client: TestClient) -> None:
    for path in ("/", "/story", "/api/events", "/static/app.css", "/api/nope"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_embed_no_article_text_and_load_nothing_external(client: TestClient) -> None:
    for path in ("/", "/story", "/story?id=all"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        for needle in ("alert(", "Evil Outlet", "Gulf Ledger", "struck"):
            assert needle not in r.text
    static = Path(app_module.STATIC_DIR)
    for f in static.rglob("*"):
        if f.suffix in (".html", ".js", ".css"):
            text = f.read_text(encoding="utf-8")
            assert "innerHTML" not in text and "insertAdjacentHTML" not in text, f
            local = text.replace("http://www.w3.org/2000/svg", "")   # an XML namespace, not a fetch
            assert "http://" not in local and "https://" not in local and "//cdn" not in local, f
    assert (static / "world.json").stat().st_size > 50_000


def test_unexpected_errors_keep_the_shape(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internals")
    monkeypatch.setattr(Q, "stats", boom)
    r = client.get("/api/stats")
    err = assert_error(r, 500)
    assert err["code"] == "internal_error" and "secret" not in r.text


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.delete("/api/events"), 405)


# ------------------------------------------------------------------ read-only + ingest
def test_read_only_by_default(client: TestClient, data: dict[str, Any]) -> None:
    before = os.stat(data["path"]).st_mtime_ns
    err = assert_error(client.post("/api/ingest", json={"text": "Troops attacked a village."}), 403)
    assert err["code"] == "forbidden"
    assert client.get("/api").json()["counts"]["articles"] == 7
    assert os.stat(data["path"]).st_mtime_ns == before


@pytest.fixture()
def ingest_client(tmp_path: Path) -> tuple[TestClient, Path]:
    path = tmp_path / "ingest.db"
    build_store(path)
    return TestClient(create_app(path, allow_ingest=True, max_upload_bytes=2000),
                      raise_server_exceptions=False), path


def test_ingest_size_limit_and_body_validation(ingest_client: tuple[TestClient, Path]) -> None:
    client, _ = ingest_client
    big_body = json.dumps({"text": "word " * 1000})
    err = assert_error(client.post("/api/ingest", content=big_body,
                                   headers={"content-type": "application/json"}), 413)
    assert err["detail"] == {"limit": 2000}

    def chunks() -> Any:                    # no Content-Length: the streamed size is checked
        for _ in range(10):
            yield b"x" * 500
    assert_error(client.post("/api/ingest", content=chunks()), 413)
    assert_error(client.post("/api/ingest", content=b""), 400)
    assert_error(client.post("/api/ingest", content=b"\xff\xfe"), 400)
    assert_error(client.post("/api/ingest", content=b'{"title": "no text"}'), 400)
    assert_error(client.post("/api/ingest", content=b'{"text": "ok"}\nnot json'), 400)
    assert_error(client.post("/api/ingest", content=b'[1, 2]'), 400)
    assert_error(client.post("/api/ingest", content=b'{"text": "ok", "url": 5}'), 400)


def test_ingest_passes_records_to_the_pipeline(ingest_client: tuple[TestClient, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    client, path = ingest_client
    seen: list[Any] = []

    def fake(records: list[dict[str, Any]], db_path: Path) -> dict[str, Any]:
        seen.append((records, db_path))
        return {"new": len(records)}
    monkeypatch.setattr(app_module, "run_ingest", fake)
    one = {"title": "T", "text": "Rebels attacked a convoy.", "date": "2020-02-01",
           "url": "https://x.example/1", "source": "Wire"}
    r = client.post("/api/ingest", json=one)
    assert r.status_code == 200 and r.json() == {"new": 1}
    body = json.dumps(one) + "\n\n" + json.dumps({**one, "text": "Police arrested ten people."}) + "\n"
    assert client.post("/api/ingest", content=body).json() == {"new": 2}
    assert seen[0] == ([one], path.resolve())
    assert seen[1][0][1]["text"] == "Police arrested ten people."


@pytest.mark.slow
def test_ingest_runs_the_real_pipeline(ingest_client: tuple[TestClient, Path]) -> None:
    try:
        from sitroom.nlp import load_nlp
        load_nlp()
    except Exception as exc:  # pragma: no cover - depends on the installed model
        pytest.skip(f"spaCy model not available: {exc}")
    client, _ = ingest_client
    art = {"title": "Clashes", "source": "Test Wire", "date": "2020-02-03",
           "text": "Government troops attacked rebel positions near Aleppo on Monday, "
                   "killing at least five fighters, officials said."}
    r = client.post("/api/ingest", json=art)
    assert r.status_code == 200, r.text
    assert r.json()["new"] == 1
    assert client.get("/api").json()["counts"]["articles"] == 8
    again = client.post("/api/ingest", json=art).json()
    assert again["new"] == 0 and again["known"] == 1


def test_serve_runs_uvicorn_on_loopback(data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from sitroom.api import serve
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    serve(data["path"], port=9999)
    app, kw = calls[0]
    assert kw["host"] == "127.0.0.1" and kw["port"] == 9999
    assert TestClient(app).get("/api").json()["read_only"] is True


def test_api_stories_are_the_story_stage_stories(demo_db: Path) -> None:
    """The web UI, `sitroom stories` and `sitroom summarize` must agree on ids."""
    from sitroom import open_store
    from sitroom.story import build_stories as group

    with open_store(demo_db) as store:
        expected = [s.id for s in group(store.events(), store.mentions(), store.articles())
                    if len(s.event_ids) >= 2]
    body = TestClient(create_app(demo_db)).get("/api/stories").json()
    ids = [s["id"] for s in body["items"]]
    assert ids[0] == "all" and ids[1:] == expected[: len(ids) - 1]
    assert len(ids) > 1


def test_events_filter_by_story(demo_db: Path) -> None:
    c = TestClient(create_app(demo_db))
    stories = c.get("/api/stories").json()["items"]
    story = stories[1]
    body = c.get(f"/api/events?story={story['id']}&limit=500").json()
    assert body["count"] == story["n_events"]
    narrowed = c.get(f"/api/events?story={story['id']}&type=ASSAULT").json()
    assert narrowed["count"] <= body["count"]
    assert all(e["event_type"] == "ASSAULT" for e in narrowed["items"])
    bad = c.get("/api/events?story=s_nope")
    assert bad.status_code == 400 and bad.json()["error"]["detail"]["param"] == "story"
    assert c.get(f"/api/stats?story={story['id']}").status_code == 200
    assert c.get(f"/api/export.geojson?story={story['id']}").status_code == 200


def test_serve_with_two_worker_processes(data: dict[str, Any]) -> None:
    """`sitroom serve --workers 2` forks uvicorn workers that each build the app."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitroom.cli", "serve", "--db", str(data["path"]),
         "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/events?limit=2", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert r.status_code == 200 and len(r.json()["items"]) == 2
    finally:
        proc.terminate()
        proc.wait(20)


def test_stories_are_read_from_the_store_and_citable(tmp_path: Path) -> None:
    """create_app stores the stories of a store that has none; the API then
    reads them, and every stored story (a one-event one too) can be opened
    and used as a filter by its id."""
    from sitroom.story import build_stories as group

    path = tmp_path / "s.db"
    build_store(path)
    with open_store(path) as store:
        assert not store.stories_current
    c = TestClient(create_app(path))
    with open_store(path) as store:
        assert store.stories_current
        expected = group(store.events(), store.mentions(), store.articles())
        rows = store.story_rows()
    assert [r["id"] for r in rows] == [s.id for s in expected]
    listed = c.get("/api/stories").json()["items"]
    assert [s["id"] for s in listed] == ["all", *(s.id for s in expected if len(s.event_ids) > 1)]
    single = next(s for s in expected if len(s.event_ids) == 1)
    assert c.get(f"/api/stories/{single.id}/timeline").json()["story"]["n_events"] == 1
    body = c.get(f"/api/events?story={single.id}").json()
    assert [e["id"] for e in body["items"]] == single.event_ids
    assert c.get("/api/events?story=all").json()["count"] == 6


def test_stories_follow_events_written_while_serving(tmp_path: Path) -> None:
    """Events rewritten behind the server's back (no merge hook): the API groups
    them itself rather than serve stale stories, and writes nothing."""
    from sitroom.story import build_stories as group

    path = tmp_path / "s.db"
    events = build_store(path)["events"]
    c = TestClient(create_app(path))
    before = c.get("/api/stories").json()["items"]
    strike = next(e for e in events if e.id == "ev_strike")
    talks = next(e for e in events if e.id == "ev_talks")
    talks.article_ids = [*talks.article_ids, strike.article_ids[0]]   # now one story
    with open_store(path) as store:
        store.write_events([talks], replace_ids=["ev_talks"])
        expected = group(store.events(), store.mentions(), store.articles())
    after = c.get("/api/stories").json()["items"]
    assert after != before
    assert [s["id"] for s in after[1:]] == [s.id for s in expected if len(s.event_ids) > 1]
    joined = next(s for s in expected if "ev_talks" in s.event_ids)
    assert c.get(f"/api/events?story={joined.id}").json()["count"] == len(joined.event_ids) >= 2
    with open_store(path) as store:
        assert not store.stories_current
