"""The FastAPI application behind ``sitroom serve``: REST API plus the static web UI.

Read-only by default: every request opens its own ``mode=ro`` SQLite
connection (connections are not shared across threads), so a running ingest
never blocks readers and the server cannot modify the store unless
``allow_ingest`` is set. HTML pages are static files that fetch JSON; no
article text is ever placed into HTML on the server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import sqlite3
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from sitroom.export import write_acled_csv, write_geojson, write_plover_jsonl
from sitroom.records import EVENT_TYPES, QUAD_CLASS, Article, Event, Mention, from_dict, to_dict
from sitroom.store import Store, open_store
from sitroom.story import build_report, describe_event, disagreements, event_summary, timeline
from sitroom.story.stories import Story as StageStory
from sitroom.story.stories import compute_stories, load_stories

from . import queries as Q
from .errors import ApiError, error_response, install_error_handlers
from .stories import ALL_ID, Story, all_story, find_story, list_stories

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
STATIC_DIR = WEB_DIR / "static"
MAX_EXPORT = 100_000
STORY_EVENT_CAP = 400

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection; check_same_thread is off because FastAPI may run the
    dependency and the endpoint on different pool threads (never concurrently)."""
    db = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=30, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


def _reader(db: sqlite3.Connection, path: Path) -> Store:
    """The Store's read methods (mentions, articles) over our read-only connection.

    Store() would migrate and switch journal modes, which are writes; its read
    methods only need ``.db``, so we build one without running __init__.
    """
    store = Store.__new__(Store)
    store.path = str(path)
    store.db = db
    return store


# ------------------------------------------------------------ serialisers
def _actor(a: Any) -> dict[str, Any]:
    return {"text": a.text, "name": a.name, "country": a.country, "sector": a.sector}


def event_item(ev: Event) -> dict[str, Any]:
    """The list view of an event: everything a table row, map popup or chart needs."""
    p = ev.place
    t = ev.time
    return {
        "id": ev.id, "event_type": ev.event_type, "quad_class": QUAD_CLASS.get(ev.event_type),
        "mode": ev.mode, "modality": ev.modality,
        "date": t.value if t else None, "date_end": t.end if t else None,
        "date_precision": t.precision if t else "unknown", "time_text": t.text if t else "",
        "sources": [_actor(a) for a in ev.sources], "targets": [_actor(a) for a in ev.targets],
        "place": None if p is None else {
            "text": p.text, "name": p.name, "country": p.country, "admin1": p.admin1,
            "lat": p.lat, "lon": p.lon, "precision": p.precision,
        },
        "n_sources": ev.n_sources, "n_articles": ev.n_articles, "confidence": ev.confidence,
        "quantities": {k: [fv.value for fv in v] for k, v in ev.quantities.items()},
        "summary": ev.summary,
    }


def article_brief(a: Article) -> dict[str, Any]:
    return {"id": a.id, "outlet": a.source, "published": a.published, "title": a.title,
            "url": a.url, "duplicate_of": a.duplicate_of}


def _relative(ev: Any, start: int, length: int) -> dict[str, Any] | None:
    """An evidence span's offsets relative to its sentence (None when outside it)."""
    if ev is None:
        return None
    s, e = ev.start - start, ev.end - start
    if s < 0 or e > length or s >= e:
        return None
    return {"start": s, "end": e, "text": ev.text}


def report_item(m: Mention, art: Article | None) -> dict[str, Any]:
    """One supporting report: outlet, date, the sentence, and where the trigger sits in it."""
    sent = m.sentence
    if sent is not None and art is not None and 0 <= sent.sent_start < sent.sent_end <= len(art.text):
        start, text = sent.sent_start, art.text[sent.sent_start:sent.sent_end]
    elif sent is not None:
        start, text = sent.sent_start, sent.text
    elif m.trigger is not None:
        start, text = m.trigger.sent_start, ""
    else:
        start, text = 0, ""
    spans = {}
    for label, evd in (("trigger", m.trigger),
                       ("time", m.time.evidence if m.time else None),
                       ("place", m.place.evidence if m.place else None)):
        spans[label] = _relative(evd, start, len(text))
    actors = []
    for role, group in (("source", m.sources), ("target", m.targets)):
        for a in group:
            rel = _relative(a.evidence, start, len(text))
            if rel:
                actors.append({"role": role, **rel})
    return {
        "mention_id": m.id, "article_id": m.article_id,
        "outlet": art.source if art else "", "published": art.published if art else None,
        "title": art.title if art else "", "url": art.url if art else "",
        "event_type": m.event_type, "mode": m.mode, "modality": m.modality,
        "confidence": m.confidence,
        "sentence": text, "sentence_start": start,
        "trigger": spans["trigger"], "time_span": spans["time"], "place_span": spans["place"],
        "actor_spans": actors,
        "time": to_dict(m.time) if m.time else None,
        "place": to_dict(m.place) if m.place else None,
        "quantities": [to_dict(q) for q in m.quantities],
        "statements": [to_dict(s) for s in m.statements],
    }


def _event_by_id(db: sqlite3.Connection, event_id: str) -> Event:
    if not event_id or len(event_id) > 128:
        raise ApiError(404, "no such event", detail={"id": event_id[:128]})
    row = db.execute("SELECT data FROM events WHERE id=?", (event_id,)).fetchone()
    if row is None and len(event_id) >= 4:
        esc = event_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = db.execute("SELECT data FROM events WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                          (esc + "%",)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise ApiError(404, "no such event", detail={"id": event_id})
    return from_dict(Event, json.loads(row[0]))


def _filtered_events(db: sqlite3.Connection, f: Q.EventFilter, cap: int = MAX_EXPORT) -> list[Event]:
    where, args = Q.where_clause(f)
    sql = f"SELECT data FROM events{where} ORDER BY date IS NULL, date, n_sources DESC, id LIMIT {cap}"
    return [from_dict(Event, json.loads(r[0])) for r in db.execute(sql, args)]


def _context(store: Store, events: list[Event]) -> tuple[dict[str, Mention], dict[str, Article]]:
    mentions = store.mentions({m for e in events for m in e.mention_ids})
    aids = {a for e in events for a in e.article_ids} | {m.article_id for m in mentions.values()}
    return mentions, store.articles(aids)


def get_db(request: Request) -> Iterator[sqlite3.Connection]:
    """One read-only connection per request, closed when the response is done."""
    try:
        db = _connect(request.app.state.db_path)
    except sqlite3.Error as exc:
        raise ApiError(503, "the store cannot be opened", detail=str(exc)) from None
    try:
        yield db
    finally:
        db.close()

DB = Annotated[sqlite3.Connection, Depends(get_db)]

def get_filter(
    request: Request,
    db: DB,
    story: Annotated[str | None, Query(description="only this story's events (see /api/stories)")] = None,
    since: Annotated[str | None, Query(description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD), inclusive")] = None,
    until: Annotated[str | None, Query(description="ISO date, inclusive")] = None,
    country: Annotated[str | None, Query(description="ISO alpha-3: source, target or place")] = None,
    actor: Annotated[str | None, Query(description="substring of an actor name")] = None,
    type: Annotated[str | None, Query(description="PLOVER event type")] = None,  # noqa: A002
    mode: Annotated[str | None, Query(description="PLOVER mode, e.g. missile")] = None,
    place: Annotated[str | None, Query(description="substring of the place name")] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    text: Annotated[str | None, Query(description="substring of the evidence sentences")] = None,
    min_sources: Annotated[str | None, Query(description="at least this many outlets")] = None,
    background: Annotated[str | None, Query(description="include historical background events")] = None,
) -> Q.EventFilter:
    """The shared filter parameters of list, stats, map and export endpoints."""
    f = Q.parse_filter(since, until, country, actor, type, mode, place, bbox, text,
                       min_sources, background)
    if story not in (None, "", ALL_ID):
        ids = request.app.state.story_event_ids(db, story)
        if ids is None:
            raise ApiError(400, "story: no such story (see /api/stories)", "invalid_parameter",
                           {"param": "story"})
        f = dataclasses.replace(f, event_ids=tuple(ids))
    return f

Filter = Annotated[Q.EventFilter, Depends(get_filter)]



# ------------------------------------------------------------ the app
def create_app(db_path: str | Path, allow_ingest: bool = False,
               max_upload_bytes: int = 5_000_000) -> FastAPI:
    """Build the API + UI app over the store at ``db_path``.

    The store is created/migrated once here (a write), then only read, unless
    ``allow_ingest`` turns on ``POST /api/ingest`` (bodies over
    ``max_upload_bytes`` get 413).
    """
    path = Path(db_path).resolve()
    # Create + migrate up front (request connections are read-only), and store
    # the stories if this store has none current (an older store, events
    # written without a merge): listing and filtering by story then read them.
    with open_store(path) as store, contextlib.suppress(sqlite3.Error):
        load_stories(store, limit=1)
    app = FastAPI(
        title="sitroom API",
        version="0.1.0",
        description="Sourced, merged political events (PLOVER) from news articles. "
                    "Every event links to the sentences that report it.",
        docs_url=None, redoc_url=None,   # the stock docs pages load JS from a CDN
        openapi_url="/openapi.json",
    )
    app.state.db_path = path
    install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    stories_cache: dict[str, Any] = {"key": None}
    stories_lock = threading.Lock()
    ingest_lock = threading.Lock()

    # ---------------------------------------------------------------- pages
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/story", include_in_schema=False)
    def story_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "story.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # ---------------------------------------------------------------- API
    @app.get("/api", tags=["meta"])
    def api_meta(db: DB) -> dict[str, Any]:
        """Store counts, vocabularies and the date span: what the filter bar offers."""
        store = _reader(db, path)
        span = db.execute("SELECT MIN(date), MAX(date) FROM events "
                          "WHERE date IS NOT NULL AND modality != 'historical'").fetchone()
        countries: Counter[str] = Counter()
        for r in db.execute("SELECT source_countries, target_countries, country, COUNT(*) AS n "
                            "FROM events GROUP BY 1, 2, 3"):
            for c in {*Q._split_bars(r[0]), *Q._split_bars(r[1]), *([r[2]] if r[2] else [])}:
                countries[c] += int(r["n"])
        modes = [r[0] for r in db.execute(
            "SELECT mode FROM events WHERE mode != '' GROUP BY mode ORDER BY COUNT(*) DESC LIMIT 50")]
        return {
            "name": "sitroom", "version": app.version, "read_only": not allow_ingest,
            "counts": store.counts(), "failures": len(store.failures()),
            "event_types": [{"type": t, "quad_class": QUAD_CLASS[t]} for t in EVENT_TYPES],
            "quad_classes": list(Q.QUAD_ORDER),
            "countries": [{"code": c, "count": n} for c, n in countries.most_common()],
            "modes": modes,
            "date_span": {"min": span[0], "max": span[1]},
        }

    @app.get("/api/events", tags=["events"])
    def list_events(
        db: DB, f: Filter,
        sort: Annotated[str | None, Query(description="date | -date | sources | -sources")] = None,
        limit: Annotated[str | None, Query(description=f"page size, 1..{Q.MAX_LIMIT}")] = None,
        cursor: Annotated[str | None, Query(description="next_cursor from the previous page")] = None,
    ) -> dict[str, Any]:
        """Filtered events, one page at a time (keyset pagination: stable under inserts)."""
        s = Q.parse_sort(sort)
        n = Q.parse_limit(limit)
        after = Q.decode_cursor(cursor, s)
        sql, args = Q.page_sql(f, s, after, n, columns="id, data")
        rows = db.execute(sql, args).fetchall()
        more = len(rows) > n
        rows = rows[:n]
        items = [event_item(from_dict(Event, json.loads(r["data"]))) for r in rows]
        out: dict[str, Any] = {
            "items": items,
            "next_cursor": Q.encode_cursor(s, Q.row_key(rows[-1], s)) if more and rows else None,
            "sort": s, "limit": n,
        }
        if after is None:
            out["count"] = Q.count(db, f)
        return out

    @app.get("/api/events/{event_id}", tags=["events"])
    def get_event(db: DB, event_id: str) -> dict[str, Any]:
        """Everything about one event, with every supporting report and its evidence."""
        ev = _event_by_id(db, event_id)
        store = _reader(db, path)
        mentions, articles = _context(store, [ev])
        ordered = sorted(
            (mentions[m] for m in ev.mention_ids if m in mentions),
            key=lambda m: ((articles[m.article_id].published or "9999") if m.article_id in articles
                           else "9999", m.article_id, m.id),
        )
        arts = sorted(articles.values(), key=lambda a: (a.published is None, a.published or "", a.id))
        quantities = {
            kind: [{**to_dict(fv), "outlet": articles[fv.article_id].source
                    if fv.article_id in articles else fv.source} for fv in values]
            for kind, values in ev.quantities.items()
        }
        return {
            "event": {**to_dict(ev), "quad_class": QUAD_CLASS.get(ev.event_type)},
            "item": event_item(ev),
            "description": describe_event(ev, mentions, articles),
            "summary": [{"text": t, "article_id": a} for t, a in event_summary(ev, mentions, articles)],
            "reports": [report_item(m, articles.get(m.article_id)) for m in ordered],
            "sources": [article_brief(a) for a in arts],
            "quantities": quantities,
            "disagreements": disagreements(ev, mentions),
            "statements": [to_dict(s) for s in ev.statements],
        }

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def get_article(db: DB, article_id: str) -> dict[str, Any]:
        """One stored article, text included (JSON: the client must render it as text)."""
        if len(article_id) > 128:
            raise ApiError(404, "no such article")
        store = _reader(db, path)
        art = store.article(article_id)
        if art is None:
            raise ApiError(404, "no such article", detail={"id": article_id})
        rows = db.execute(
            "SELECT m.id, m.event_type, em.event_id, json_extract(m.data, '$.trigger') AS trig, "
            "json_extract(m.data, '$.sentence') AS sent FROM mentions m "
            "LEFT JOIN event_mentions em ON em.mention_id = m.id WHERE m.article_id = ? ORDER BY m.id",
            (art.id,),
        ).fetchall()
        mentions = []
        for r in rows:
            trig = json.loads(r["trig"]) if r["trig"] else None
            sent = json.loads(r["sent"]) if r["sent"] else None
            mentions.append({
                "mention_id": r["id"], "event_type": r["event_type"], "event_id": r["event_id"],
                "trigger": {"start": trig["start"], "end": trig["end"]} if trig else None,
                "sentence": {"start": sent["sent_start"], "end": sent["sent_end"]} if sent else None,
            })
        return {**to_dict(art), "outlet": art.source, "mentions": mentions}

    @app.get("/api/stats", tags=["stats"])
    def get_stats(
        db: DB, f: Filter,
        dyad: Annotated[str | None, Query(description="SOURCE>TARGET country codes for the intensity line, e.g. IRN>USA")] = None,
    ) -> dict[str, Any]:
        """Counts per day, type, quad class per day and dyad, plus a dyad's intensity per day."""
        return Q.stats(db, f, Q.parse_dyad(dyad))

    @app.get("/api/map", tags=["stats"])
    def get_map(
        db: DB, f: Filter,
        max_points: Annotated[int, Query(ge=1, le=5000, description="most cells returned")] = 2000,
    ) -> dict[str, Any]:
        """Located events for the map, aggregated to at most ``max_points`` grid cells."""
        return Q.map_points(db, f, max_points)

    def _version(db: sqlite3.Connection) -> tuple[Any, ...]:
        """Changes whenever the events or the stored stories do."""
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN "
                               "('events_version', 'stories_of')").fetchall())
        return (meta.get("events_version"), meta.get("stories_of"),
                db.execute("SELECT COUNT(*), MAX(id) FROM events").fetchone()[:],
                os.stat(path).st_mtime_ns)

    def _cached(db: sqlite3.Connection) -> tuple[Story, list[StageStory] | None]:
        """The 'all' story, and the stories computed in memory when the stored
        ones are not current (None: read the store's), both cached per version."""
        key = _version(db)
        with stories_lock:
            if stories_cache["key"] != key:
                store = _reader(db, path)
                stories_cache["all"] = all_story(store)
                stories_cache["computed"] = (None if store.stories_current
                                             else compute_stories(store))
                stories_cache["key"] = key
            return stories_cache["all"], stories_cache["computed"]

    def _story(db: sqlite3.Connection, story_id: str) -> tuple[Story, list[str] | None] | None:
        """A story and its event ids (None for 'all': every event), or None."""
        every, computed = _cached(db)
        if story_id == ALL_ID:
            return every, None
        return find_story(_reader(db, path), story_id, computed)

    def _story_event_ids(db: sqlite3.Connection, story_id: str) -> list[str] | None:
        found = _story(db, story_id)
        return None if found is None else found[1]

    app.state.story_event_ids = _story_event_ids

    @app.get("/api/stories", tags=["stories"])
    def list_stories_(db: DB) -> dict[str, Any]:
        """'all', then ongoing stories (events linked by articles, actors, places and time)."""
        every, computed = _cached(db)
        return {"items": [s.brief() for s in list_stories(_reader(db, path), every, computed)]}

    @app.get("/api/stories/{story_id}/timeline", tags=["stories"])
    def story_timeline(
        db: DB, story_id: str,
        background: Annotated[bool, Query(description="include historical background")] = True,
    ) -> dict[str, Any]:
        """A story's timeline, summary (key developments), actors, places and disagreements."""
        found = _story(db, story_id)
        if found is None:
            raise ApiError(404, "no such story", detail={"id": story_id[:128]})
        story, ids = found
        rows: list[sqlite3.Row] = []
        if ids is None:   # 'all': the best-attested events of the store
            rows = db.execute("SELECT data FROM events ORDER BY n_sources DESC, id "
                              f"LIMIT {STORY_EVENT_CAP + 1}").fetchall()
        for i in range(0, len(ids or ()), 500):
            chunk = (ids or [])[i:i + 500]
            rows += db.execute(
                f"SELECT data FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        events = [from_dict(Event, json.loads(r[0])) for r in rows]
        truncated = len(events) > STORY_EVENT_CAP
        if truncated:
            events.sort(key=lambda e: (-e.n_sources, e.id))
            events = events[:STORY_EVENT_CAP]
        store = _reader(db, path)
        mentions, articles = _context(store, events)
        rep = build_report(events, mentions, articles, title=story.title, top=6, timeline_limit=1)
        entries = timeline(events, mentions, articles, include_background=background)
        by_id = {e.id: e for e in events}
        actors: Counter[str] = Counter()
        places: Counter[str] = Counter()
        for e in events:
            for a in {x.name or x.text for x in [*e.sources, *e.targets]}:
                if a:
                    actors[a] += 1
            if e.place and (e.place.name or e.place.text):
                places[e.place.name or e.place.text] += 1
        return {
            "story": story.brief(),
            "truncated": truncated,
            "span": {"start": rep.span[0], "end": rep.span[1]},
            "n_articles": rep.n_articles, "outlets": rep.outlets,
            "summary": [
                {"event_id": k.event_id, "line": k.line,
                 "event_type": by_id[k.event_id].event_type if k.event_id in by_id else None,
                 "quad_class": QUAD_CLASS.get(by_id[k.event_id].event_type) if k.event_id in by_id else None,
                 "sentences": [{"text": s.text, "article_id": s.article_id,
                                "outlet": articles[s.article_id].source if s.article_id in articles else "",
                                "mark": list(s.mark) if s.mark else None} for s in k.summary],
                 "figures": [{"kind": a, "value": b} for a, b in k.figures],
                 "claims": [{"kind": c.kind, "speaker": c.speaker, "per": c.per} for c in k.claims],
                 "outlets": k.outlets}
                for k in rep.key
            ],
            "timeline": [
                {"event_id": t.event_id, "date": t.date, "precision": t.precision, "line": t.line,
                 "event_type": by_id[t.event_id].event_type if t.event_id in by_id else None,
                 "quad_class": QUAD_CLASS.get(by_id[t.event_id].event_type) if t.event_id in by_id else None,
                 "summary": [{"text": s, "article_id": a} for s, a in t.summary],
                 "sources": t.sources, "background": t.background}
                for t in entries
            ],
            "actors": [{"name": n, "count": c} for n, c in actors.most_common(20)],
            "places": [{"name": n, "count": c} for n, c in places.most_common(20)],
            "dyads": [{"dyad": d, "quad": dict(c)} for d, c in rep.dyads],
            "disagreements": [
                {"event_id": k.event_id, "line": k.line,
                 "event_type": by_id[k.event_id].event_type if k.event_id in by_id else None,
                 "quad_class": QUAD_CLASS.get(by_id[k.event_id].event_type) if k.event_id in by_id else None, "lines": k.disagreements}
                for k in rep.key if k.disagreements
            ] + [
                {"event_id": e.id, "line": t.line, "lines": lines}
                for t in entries if (e := by_id.get(t.event_id)) is not None
                and t.event_id not in {k.event_id for k in rep.key}
                and (lines := disagreements(e, mentions))
            ],
        }

    # -------------------------------------------------------------- exports
    def _export(db: sqlite3.Connection, f: Q.EventFilter, kind: str) -> Response:
        events = _filtered_events(db, f)
        mentions, articles = _context(_reader(db, path), events)
        buf = io.StringIO()
        writer, media, name = {
            "jsonl": (write_plover_jsonl, "application/x-ndjson", "sitroom-events.jsonl"),
            "csv": (write_acled_csv, "text/csv; charset=utf-8", "sitroom-events.csv"),
            "geojson": (write_geojson, "application/geo+json", "sitroom-events.geojson"),
        }[kind]
        writer(events, mentions, articles, buf)
        return Response(buf.getvalue(), media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Sitroom-Events": str(len(events)),
        })

    @app.get("/api/export.jsonl", tags=["export"], response_class=Response)
    def export_jsonl(db: DB, f: Filter) -> Response:
        """PLOVER JSON lines of exactly the events the filter selects."""
        return _export(db, f, "jsonl")

    @app.get("/api/export.csv", tags=["export"], response_class=Response)
    def export_csv(db: DB, f: Filter) -> Response:
        """ACLED-style CSV of exactly the events the filter selects."""
        return _export(db, f, "csv")

    @app.get("/api/export.geojson", tags=["export"], response_class=Response)
    def export_geojson(db: DB, f: Filter) -> Response:
        """GeoJSON points of the located events the filter selects."""
        return _export(db, f, "geojson")

    # --------------------------------------------------------------- ingest
    @app.post("/api/ingest", tags=["ingest"])
    async def ingest(request: Request) -> JSONResponse:
        """Add articles: one JSON object {title,text,date,url,source} or JSON lines.

        Disabled (403) unless the server was started with ingest allowed.
        """
        if not allow_ingest:
            return error_response(403, "forbidden", "this server is read-only (start it with ingest allowed)")
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                too_big = int(declared) > max_upload_bytes
            except ValueError:
                return error_response(400, "bad_request", "invalid Content-Length")
            if too_big:
                return error_response(413, "payload_too_large",
                                      f"body exceeds {max_upload_bytes} bytes", {"limit": max_upload_bytes})
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_upload_bytes:
                return error_response(413, "payload_too_large",
                                      f"body exceeds {max_upload_bytes} bytes", {"limit": max_upload_bytes})
            chunks.append(chunk)
        records = _parse_ingest_body(b"".join(chunks))
        result = await run_in_threadpool(_run_ingest_locked, records)
        return JSONResponse(result)

    def _run_ingest_locked(records: list[dict[str, Any]]) -> dict[str, Any]:
        with ingest_lock:
            return run_ingest(records, path)

    return app


def _parse_ingest_body(body: bytes) -> list[dict[str, Any]]:
    """One JSON object, or JSON lines of objects; each needs a non-empty string ``text``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "body must be UTF-8 JSON") from None
    text = text.strip()
    if not text:
        raise ApiError(400, "empty body: send one article as JSON, or JSON lines")
    records: list[Any]
    try:
        obj = json.loads(text)
        records = obj if isinstance(obj, list) else [obj]
    except ValueError:
        records = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                raise ApiError(400, f"line {n} is not valid JSON", detail={"line": n}) from None
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise ApiError(400, f"record {n} is not a JSON object", detail={"record": n})
        if not isinstance(rec.get("text"), str) or not rec["text"].strip():
            raise ApiError(400, f"record {n} has no text", detail={"record": n})
        for key in ("title", "date", "url", "source"):
            if key in rec and rec[key] is not None and not isinstance(rec[key], str):
                raise ApiError(400, f"record {n}: {key} must be a string", detail={"record": n})
    return records


def run_ingest(records: list[dict[str, Any]], db_path: Path) -> dict[str, Any]:
    """Write the records to a temporary JSONL file and run the normal ingest pipeline on it."""
    import sitroom

    with tempfile.TemporaryDirectory(prefix="sitroom-upload-") as tmp:
        f = Path(tmp) / "upload.jsonl"
        f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        report = sitroom.ingest([f], db=db_path)
    return {
        "new": report.new, "known": report.known, "syndicated": report.syndicated,
        "mentions": report.mentions, "events": report.events,
        "failures": [{"origin": Path(x.origin).name, "reason": x.reason} for x in report.failures],
        "seconds": round(report.seconds, 3),
    }
