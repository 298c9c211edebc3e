"""SQLite store: one file, WAL, one transaction per batch, versioned schema.

Articles, ingest failures, mentions and merged events live side by side.
Whole records are kept as JSON (the dataclasses in :mod:`sitroom.records`)
next to the columns that queries filter on, so nothing a later stage may need
is thrown away, and the schema only grows by migration.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitroom.records import Article, Event, IngestFailure, Mention, from_dict, to_dict

# Each migration takes the schema from version i to i+1. Never edit one that
# has shipped: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        published TEXT,
        date_precision TEXT NOT NULL DEFAULT 'day',
        origin TEXT NOT NULL DEFAULT '',
        fmt TEXT NOT NULL DEFAULT 'text',
        duplicate_of TEXT,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE failures (
        origin TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE TABLE mentions (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        event_type TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT '',
        modality TEXT NOT NULL,
        date TEXT,
        date_precision TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        event_type TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT '',
        modality TEXT NOT NULL,
        date TEXT,
        date_end TEXT,
        date_precision TEXT,
        source_countries TEXT NOT NULL DEFAULT '',
        target_countries TEXT NOT NULL DEFAULT '',
        actors TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        country TEXT,
        lat REAL,
        lon REAL,
        n_sources INTEGER NOT NULL DEFAULT 0,
        n_articles INTEGER NOT NULL DEFAULT 0,
        confidence REAL NOT NULL DEFAULT 0,
        evidence_text TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL
    );
    CREATE INDEX events_date ON events(date);
    CREATE INDEX events_type ON events(event_type);
    CREATE TABLE event_mentions (
        event_id TEXT NOT NULL,
        mention_id TEXT NOT NULL,
        PRIMARY KEY (event_id, mention_id)
    );
    CREATE INDEX event_mentions_mention ON event_mentions(mention_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: near-duplicate signatures, so start-up rebuilds the index without
    # re-reading and re-hashing every text. A table of its own keeps the scan
    # small (no walk past long texts); ``ingested_at`` is copied from the
    # article so the index is rebuilt in the same order as from the texts.
    # Stores migrated from 1 fill it once (see ensure_signatures).
    """
    CREATE TABLE article_signatures (
        id TEXT PRIMARY KEY,
        ingested_at TEXT NOT NULL,
        sig BLOB NOT NULL
    );
    """,
    # 3: stored stories (issue #5), kept up to date by every merge, so that
    # listing and filtering by story need not regroup every event. ``stories``
    # holds one row per story (``sort_start`` is ``date_start`` or '9999', so
    # the ranking index serves ORDER BY ... LIMIT); ``story_events`` its
    # members in timeline order; ``story_keys`` each event's grouping keys
    # (signals and articles, with its day) so that an incremental update
    # finds the events a changed one may link to by index. Meta
    # ``stories_of`` names the ``events_version`` the stories were built from.
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        date_start TEXT,
        date_end TEXT,
        sort_start TEXT NOT NULL,
        n_events INTEGER NOT NULL,
        n_articles INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        countries TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL,
        article_ids TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX stories_rank ON stories(n_sources DESC, n_events DESC, sort_start, id);
    CREATE TABLE story_events (
        event_id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        pos INTEGER NOT NULL
    );
    CREATE INDEX story_events_story ON story_events(story_id, pos);
    CREATE TABLE story_keys (
        key TEXT NOT NULL,
        event_id TEXT NOT NULL,
        day INTEGER
    );
    CREATE INDEX story_keys_key ON story_keys(key, day);
    CREATE INDEX story_keys_event ON story_keys(event_id);
    """,
)


class StoreError(RuntimeError):
    """The store file cannot be used (not SQLite, newer schema ...)."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class EventQuery:
    """Filters for :meth:`Store.events`; every field is optional."""

    since: str | None = None      # ISO date, inclusive
    until: str | None = None      # ISO date, inclusive
    country: str | None = None    # alpha-3: as source, target or place
    actor: str | None = None      # substring of an actor's name or text
    event_type: str | None = None
    place: str | None = None      # substring of the place name
    text: str | None = None       # substring of the evidence sentences
    include_background: bool = True
    min_sources: int = 0
    limit: int | None = None
    mode: str | None = None       # PLOVER mode, case-insensitive
    bbox: tuple[float, float, float, float] | None = None  # minlon, minlat, maxlon, maxlat
    event_ids: tuple[str, ...] | None = None  # only these events (a story's)


def _like(value: str) -> str:
    """A LIKE pattern matching ``value`` literally anywhere (``%`` and ``_`` escaped)."""
    esc = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def event_where(q: EventQuery) -> tuple[str, list[Any]]:
    """The SQL ``WHERE`` clause (or "") and arguments selecting ``q``'s events.

    The one translation of a filter into SQL: the CLI, the library and the
    API (list, map, stats, exports) all select events through it.
    """
    where: list[str] = []
    args: list[Any] = []
    if q.since:
        where.append("COALESCE(date_end, date) >= ?")
        args.append(q.since)
    if q.until:
        where.append("date <= ?")
        args.append(q.until)
    if q.country:
        c = q.country.upper()
        where.append("(source_countries LIKE ? OR target_countries LIKE ? OR country = ?)")
        args += [f"%|{c}|%", f"%|{c}|%", c]
    for column, value in (("actors", q.actor), ("place", q.place), ("evidence_text", q.text)):
        if value:
            where.append(f"{column} LIKE ? ESCAPE '\\'")
            args.append(_like(value))
    if q.event_type:
        where.append("event_type = ?")
        args.append(q.event_type.upper())
    if q.mode:
        where.append("lower(mode) = ?")
        args.append(q.mode.lower())
    if q.bbox:
        minlon, minlat, maxlon, maxlat = q.bbox
        where.append("lat IS NOT NULL AND lon IS NOT NULL AND lat BETWEEN ? AND ?")
        args += [minlat, maxlat]
        if minlon <= maxlon:
            where.append("lon BETWEEN ? AND ?")
            args += [minlon, maxlon]
        else:  # the box crosses the antimeridian
            where.append("(lon >= ? OR lon <= ?)")
            args += [minlon, maxlon]
    if q.event_ids is not None:
        where.append(f"id IN ({','.join('?' * len(q.event_ids))})" if q.event_ids else "0")
        args += list(q.event_ids)
    if not q.include_background:
        where.append("modality != 'historical'")
    if q.min_sources:
        where.append("n_sources >= ?")
        args.append(q.min_sources)
    return (" WHERE " + " AND ".join(where) if where else ""), args


class Store:
    """A sitroom database. Use :func:`open_store` to get one."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable sitroom database ({exc})") from exc

    # -- schema -----------------------------------------------------------
    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this sitroom "
                f"({len(MIGRATIONS)}); upgrade sitroom"
            )
        for i in range(version, len(MIGRATIONS)):
            with self.transaction():
                for statement in MIGRATIONS[i].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {i + 1}")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: a killed process leaves the previous batch intact."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta ---------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    def _in(self, sql: str, values: Iterable[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``sql``, whose one ``IN ({marks})`` takes ``values``, run in
        chunks that stay under SQLite's bound-parameter limit."""
        for chunk in _chunks(sorted(set(values)), 500):
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def _column_in(self, sql: str, values: Iterable[str]) -> set[str]:
        """The first column of :meth:`_in`'s rows, as a set."""
        return {r[0] for r in self._in(sql, values)}

    def _rows(self, select: str, ids: Iterable[str] | None, order: str) -> list[sqlite3.Row]:
        """``select`` over every row, or over the rows with these ids."""
        if ids is None:
            return self.db.execute(f"{select} ORDER BY {order}").fetchall()
        return list(self._in(f"{select} WHERE id IN ({{marks}})", ids))

    # -- articles -------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(self, ids: Iterable[str] | None = None) -> dict[str, Article]:
        """Articles by id (all of them when ``ids`` is None)."""
        rows = self._rows("SELECT * FROM articles", ids, order="published, id")
        return {r["id"]: _article(r) for r in rows}

    def set_duplicate(self, article_id: str, original_id: str) -> None:
        """Record that a stored article is a copy of another (events go stale)."""
        with self.transaction() as db:
            db.execute("UPDATE articles SET duplicate_of=? WHERE id=?", (original_id, article_id))
            self._set_meta("events_stale", "1")

    def article_texts(self) -> Iterator[tuple[str, str]]:
        """(id, text) of every stored article, oldest first."""
        for row in self.db.execute("SELECT id, text FROM articles ORDER BY ingested_at, id"):
            yield row[0], row[1]

    # -- near-duplicate signatures (issue #7) ------------------------------------
    def ensure_signatures(self, scheme: str, sign: Callable[[str], bytes],
                          batch: int = 500) -> int:
        """Give every stored article a signature made under ``scheme``; returns
        how many texts had to be hashed (0 once the store is up to date).

        Saved signatures of another scheme are dropped first: they are not
        comparable. Each batch commits on its own, so an interrupted fill
        keeps its progress.
        """
        if self.get_meta("signature_scheme") != scheme:
            with self.transaction() as db:
                db.execute("DELETE FROM article_signatures")
                self._set_meta("signature_scheme", scheme)
        missing = [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT id FROM article_signatures)")]
        for chunk in _chunks(missing, batch):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, ingested_at, text FROM articles WHERE id IN ({marks})",
                chunk).fetchall()
            sigs = [(r[0], r[1], sign(r[2])) for r in rows]
            with self.transaction() as db:
                db.executemany("INSERT OR REPLACE INTO article_signatures(id, ingested_at, sig) "
                               "VALUES (?,?,?)", sigs)
        return len(missing)

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """(id, signature) of every stored article in the order the texts were
        stored (as :meth:`article_texts`); b"" for a text too short to match."""
        for row in self.db.execute(
                "SELECT id, sig FROM article_signatures ORDER BY ingested_at, id"):
            yield row[0], row[1]

    # -- failures -------------------------------------------------------------
    def record_failure(self, failure: IngestFailure) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO failures(origin, reason, seen_at) VALUES (?,?,?) "
                "ON CONFLICT(origin) DO UPDATE SET reason=excluded.reason, seen_at=excluded.seen_at",
                (failure.origin, failure.reason, _now()),
            )

    def failures(self) -> list[IngestFailure]:
        rows = self.db.execute("SELECT origin, reason FROM failures ORDER BY origin").fetchall()
        return [IngestFailure(r[0], r[1]) for r in rows]

    # -- mentions -------------------------------------------------------------
    def mentions(self, ids: Iterable[str] | None = None) -> dict[str, Mention]:
        rows = self._rows("SELECT data FROM mentions", ids, order="id")
        out = {}
        for row in rows:
            m = from_dict(Mention, json.loads(row[0]))
            out[m.id] = m
        return out

    # -- events ---------------------------------------------------------------
    @property
    def events_stale(self) -> bool:
        return self.get_meta("events_stale", "0") == "1"

    def replace_events(self, events: Sequence[Event]) -> None:
        """Swap in a fresh merge result atomically (readers see old or new, never half)."""
        self.write_events(events)

    def _mention_sentences(self) -> dict[str, str]:
        out = {}
        for row in self.db.execute("SELECT id, json_extract(data, '$.sentence.text') FROM mentions"):
            out[row[0]] = row[1] or ""
        return out

    def event(self, event_id: str) -> Event | None:
        row = self.db.execute("SELECT data FROM events WHERE id=?", (event_id,)).fetchone()
        if row is None:
            # accept a unique prefix, as git does for commits
            rows = self.db.execute(
                "SELECT data FROM events WHERE id LIKE ? LIMIT 2", (event_id + "%",)
            ).fetchall()
            if len(rows) != 1:
                return None
            row = rows[0]
        return from_dict(Event, json.loads(row[0]))

    def events(self, query: EventQuery | None = None) -> list[Event]:
        """Events matching ``query``, in date order (undated last)."""
        where, args = event_where(query or EventQuery())
        sql = "SELECT data FROM events" + where
        sql += " ORDER BY date IS NULL, date, n_sources DESC, id"
        if query is not None and query.limit:
            sql += f" LIMIT {int(query.limit)}"
        return [from_dict(Event, json.loads(r[0])) for r in self.db.execute(sql, args)]

    # -- counts ---------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "failures", "mentions", "events"):
            out[table] = int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        out["sources"] = int(
            self.db.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0]
        )
        return out

    def integrity_ok(self) -> bool:
        return bool(self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # -- scale-out / fault tolerance (issue #7) -------------------------------
    def clear_failure(self, origin: str) -> None:
        """Forget a failure that a rerun has since fixed (e.g. a retried Dask shard)."""
        with self.transaction() as db:
            db.execute("DELETE FROM failures WHERE origin=?", (origin,))

    def backup(self, path: str | Path) -> Path:
        """Consistent copy of the store while others may write, via SQLite's backup API.

        Written to a temporary file next to ``path`` and renamed over it, so a
        reader (or a crash) never sees a half-written backup.
        """
        import contextlib
        import os
        import tempfile

        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent if str(target.parent) else ".")
        os.close(fd)
        try:
            dest = sqlite3.connect(tmp)
            try:
                self.db.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return target

    # -- bulk paths for large stores (issue #7) ---------------------------------
    @staticmethod
    def record_json(record: Any) -> str:
        """A record as the JSON the store keeps."""
        return json.dumps(to_dict(record), ensure_ascii=False)

    def add_batch(self, items: Sequence[tuple[Article, Sequence[Mention]]],
                  encoded: dict[str, str] | None = None,
                  signatures: Mapping[str, bytes] | None = None) -> int:
        """Store articles with their mentions in one transaction; returns articles added.

        An article and its mentions land together or not at all, which is what
        makes a killed ingest resumable: a stored article is a finished one.
        ``encoded`` maps mention ids to their JSON when the caller has it
        already (a Dask shard result), which then is stored as is.
        ``signatures`` are near-duplicate signatures by article id, made under
        the scheme last given to :meth:`ensure_signatures`; an article without
        one is signed at the next start-up instead.
        """
        enc = encoded or {}
        sigs = signatures or {}
        added = 0
        with self.transaction() as db:
            for article, mentions in items:
                now = _now()
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles(id, title, source, url, published, "
                    "date_precision, origin, fmt, duplicate_of, text, ingested_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        article.id, article.title, article.source, article.url,
                        article.published, article.date_precision, article.origin,
                        article.fmt, article.duplicate_of, article.text, now,
                    ),
                )
                if cur.rowcount == 0:
                    continue
                added += 1
                sig = sigs.get(article.id)
                if sig is not None:
                    db.execute("INSERT OR REPLACE INTO article_signatures(id, ingested_at, sig) "
                               "VALUES (?,?,?)", (article.id, now, sig))
                db.execute("DELETE FROM failures WHERE origin=?", (article.origin,))
                db.executemany(
                    "INSERT OR REPLACE INTO mentions(id, article_id, event_type, mode, modality, "
                    "date, date_precision, data) VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            m.id, m.article_id, m.event_type, m.mode, m.modality,
                            m.time.value if m.time else None,
                            m.time.precision if m.time else None,
                            enc.get(m.id) or Store.record_json(m),
                        )
                        for m in mentions
                    ],
                )
            if added:
                self._set_meta("events_stale", "1")
        return added

    def _sentences_of(self, mention_ids: Iterable[str] | None) -> dict[str, str]:
        if mention_ids is None:
            return self._mention_sentences()
        return {row[0]: row[1] or "" for row in self._in(
            "SELECT id, json_extract(data, '$.sentence.text') FROM mentions WHERE id IN ({marks})",
            mention_ids)}

    def write_events(self, events: Sequence[Event], *, replace_ids: Iterable[str] | None = None,
                     merged_through: str | None = None) -> None:
        """Store merge results in one transaction (readers see old or new, never half).

        ``replace_ids=None`` replaces every event (same rows as
        :meth:`replace_events`); otherwise only the events with those ids are
        deleted first -- an incremental merge rewrites the events it touched.
        ``merged_through`` records the mention rowid the events now cover.
        """
        sentences = self._sentences_of(
            None if replace_ids is None else [mid for ev in events for mid in ev.mention_ids])
        rows = [Store._event_columns(ev, sentences) for ev in events]
        with self.transaction() as db:
            if replace_ids is None:
                db.execute("DELETE FROM events")
                db.execute("DELETE FROM event_mentions")
            else:
                for chunk in _chunks(sorted(set(replace_ids)), 500):
                    marks = ",".join("?" * len(chunk))
                    db.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)
                    db.execute(f"DELETE FROM event_mentions WHERE event_id IN ({marks})", chunk)
            db.executemany(
                "INSERT OR REPLACE INTO events(id, event_type, mode, modality, date, date_end, "
                "date_precision, source_countries, target_countries, actors, place, country, "
                "lat, lon, n_sources, n_articles, confidence, evidence_text, data) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.executemany(
                "INSERT OR IGNORE INTO event_mentions(event_id, mention_id) VALUES (?,?)",
                [(ev.id, mid) for ev in events for mid in ev.mention_ids])
            if merged_through is not None:
                self._set_meta("merged_through", merged_through)
            self._set_meta("events_stale", "0")
            # stored stories name the version they were built from (see stories_current)
            self._set_meta("events_version", str(int(self.get_meta("events_version") or 0) + 1))

    @staticmethod
    def _event_columns(ev: Event, sentences: dict[str, str]) -> tuple[Any, ...]:
        """An event's row: the filter columns, then the whole record as JSON."""
        actors = " ; ".join(f"{a.name} {a.text}".strip() for a in [*ev.sources, *ev.targets])
        place = ev.place
        place_text = " ".join(
            x for x in ((place.name, place.text, place.admin1) if place else ()) if x)
        evidence = " ".join(sentences.get(mid, "") for mid in ev.mention_ids)
        return (
            ev.id, ev.event_type, ev.mode, ev.modality,
            ev.time.value if ev.time else None,
            ev.time.end if ev.time else None,
            ev.time.precision if ev.time else None,
            _bars(a.country for a in ev.sources),
            _bars(a.country for a in ev.targets),
            actors, place_text,
            place.country if place else None,
            place.lat if place else None,
            place.lon if place else None,
            ev.n_sources, ev.n_articles, ev.confidence, evidence,
            Store.record_json(ev),
        )

    def unmerged_mentions(self) -> dict[str, Mention]:
        """Stored mentions that belong to no event yet (added since the last merge)."""
        rows = self.db.execute(
            "SELECT data FROM mentions WHERE id NOT IN (SELECT mention_id FROM event_mentions) "
            "ORDER BY id").fetchall()
        out = {}
        for row in rows:
            m = from_dict(Mention, json.loads(row[0]))
            out[m.id] = m
        return out

    def events_with_mentions(self, mention_ids: Iterable[str]) -> list[Event]:
        """Stored events holding any of these mentions."""
        ids = self._column_in(
            "SELECT event_id FROM event_mentions WHERE mention_id IN ({marks})", mention_ids)
        return [from_dict(Event, json.loads(r["data"]))
                for r in self._rows("SELECT data, id FROM events", ids, order="id")]

    def events_in(self, event_types: Iterable[str], since: str | None,
                  until: str | None) -> list[Event]:
        """Stored events of these types dated within [since, until] (ISO days,
        either side open) or undated: the neighbourhood an incremental merge
        re-examines."""
        types = sorted(set(event_types))
        if not types:
            return []
        where = [f"event_type IN ({','.join('?' * len(types))})"]
        args: list[Any] = list(types)
        dated: list[str] = []
        if since:
            dated.append("COALESCE(date_end, date) >= ?")
            args.append(since)
        if until:
            dated.append("date <= ?")
            args.append(until)
        if dated:
            where.append("(date IS NULL OR (" + " AND ".join(dated) + "))")
        sql = "SELECT data FROM events WHERE " + " AND ".join(where) + " ORDER BY id"
        return [from_dict(Event, json.loads(r[0])) for r in self.db.execute(sql, args)]

    def article_ids_of_mentions(self, mention_ids: Iterable[str]) -> set[str]:
        """Articles the given mentions come from."""
        return self._column_in("SELECT article_id FROM mentions WHERE id IN ({marks})", mention_ids)


    def mention_ids(self) -> set[str]:
        """Ids of every stored mention (cheap: no JSON)."""
        return {r[0] for r in self.db.execute("SELECT id FROM mentions")}

    def max_article_rowid(self) -> int:
        """Insertion mark of the newest stored article (0 when empty)."""
        return int(self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM articles").fetchone()[0])

    def articles_added_after(self, rowid: int) -> set[str]:
        """Ids of articles stored after the insertion mark ``rowid``."""
        return {r[0] for r in self.db.execute("SELECT id FROM articles WHERE rowid > ?", (rowid,))}

    def copies_of(self, article_ids: Iterable[str]) -> set[str]:
        """Stored articles marked as copies of any of these."""
        return self._column_in("SELECT id FROM articles WHERE duplicate_of IN ({marks})", article_ids)

    def events_with_articles(self, article_ids: Iterable[str]) -> list[Event]:
        """Stored events holding a mention of any of these articles."""
        return self.events_with_mentions(
            self._column_in("SELECT id FROM mentions WHERE article_id IN ({marks})", article_ids))

    # -- stored stories (issue #5) ----------------------------------------------
    # Rows only: the Story record and the grouping live in sitroom.story.stories.
    @property
    def stories_current(self) -> bool:
        """Whether the stored stories were built from the events stored now."""
        done = self.get_meta("stories_of")
        return done is not None and done == (self.get_meta("events_version") or "0")

    def events_by_ids(self, ids: Iterable[str]) -> list[Event]:
        """Stored events with these ids (missing ones left out), by id."""
        rows = self._rows("SELECT data, id FROM events", ids, order="id")
        return sorted((from_dict(Event, json.loads(r["data"])) for r in rows), key=lambda e: e.id)

    def article_heads(self, ids: Iterable[str] | None = None) -> dict[str, Article]:
        """Articles without their text (empty): what grouping and citing need."""
        rows = self._rows(
            "SELECT id, title, source, url, published, date_precision, origin, fmt, "
            "duplicate_of, '' AS text FROM articles", ids, order="published, id")
        return {r["id"]: _article(r) for r in rows}

    def mention_articles(self, mention_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Article id of each mention (of every mention when ``mention_ids`` is None)."""
        rows = self._rows("SELECT id, article_id FROM mentions", mention_ids, order="id")
        return {r[0]: r[1] for r in rows}

    def story_rows(self, *, limit: int | None = None, min_events: int = 1,
                   ids: Iterable[str] | None = None, prefix: str | None = None,
                   with_articles: bool = True) -> list[sqlite3.Row]:
        """Stored story rows, biggest first (outlets, events, earliest start, id)."""
        where = ["n_events >= ?"]
        args: list[Any] = [min_events]
        if prefix is not None:
            where.append("substr(id, 1, ?) = ?")
            args += [len(prefix), prefix]
        if ids is not None:
            wanted = sorted(set(ids))
            where.append(f"id IN ({','.join('?' * len(wanted))})" if wanted else "0")
            args += wanted
        cols = "*" if with_articles else (
            "id, title, date_start, date_end, n_events, n_articles, n_sources, countries, data")
        sql = (f"SELECT {cols} FROM stories WHERE " + " AND ".join(where)
               + " ORDER BY n_sources DESC, n_events DESC, sort_start, id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.db.execute(sql, args).fetchall()

    def story_event_ids(self, story_id: str) -> list[str]:
        """A stored story's events in timeline order ([] for no such story)."""
        return [r[0] for r in self.db.execute(
            "SELECT event_id FROM story_events WHERE story_id=? ORDER BY pos", (story_id,))]

    def story_ids_of_events(self, event_ids: Iterable[str]) -> set[str]:
        """Stories the given events belong to."""
        return self._column_in("SELECT story_id FROM story_events WHERE event_id IN ({marks})",
                               event_ids)

    def story_members(self, story_ids: Iterable[str]) -> set[str]:
        """Every event of the given stories."""
        return self._column_in("SELECT event_id FROM story_events WHERE story_id IN ({marks})",
                               story_ids)

    def story_keys_of(self, event_ids: Iterable[str]) -> dict[str, tuple[int | None, set[str]]]:
        """Stored grouping keys of these events, with each one's day ordinal."""
        out: dict[str, tuple[int | None, set[str]]] = {}
        for r in self._in("SELECT event_id, key, day FROM story_keys WHERE event_id IN ({marks})",
                          event_ids):
            out.setdefault(r[0], (r[2], set()))[1].add(r[1])
        return out

    def story_key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        """How many stored events carry each key (keys absent count 0)."""
        return {r[0]: int(r[1]) for r in self._in(
            "SELECT key, COUNT(*) FROM story_keys WHERE key IN ({marks}) GROUP BY key", keys)}

    def story_key_events(self, key: str, day_from: int | None = None,
                         day_to: int | None = None) -> list[str]:
        """Events carrying ``key`` (dated within [day_from, day_to] ordinals when given)."""
        if day_from is None or day_to is None:
            rows = self.db.execute("SELECT event_id FROM story_keys WHERE key=?", (key,))
        else:
            rows = self.db.execute("SELECT event_id FROM story_keys WHERE key=? "
                                   "AND day BETWEEN ? AND ?", (key, day_from, day_to))
        return [r[0] for r in rows]

    def write_stories(self, stories: Sequence[Mapping[str, Any]],
                      members: Sequence[tuple[str, str, int]],
                      keys: Sequence[tuple[str, str, int | None]], *,
                      drop_stories: Iterable[str] | None = None,
                      drop_events: Iterable[str] | None = None,
                      drop_keys: Iterable[str] | None = None,
                      version: str | None = None) -> None:
        """Replace stored stories in one transaction; all ``drop_*`` None = replace all.

        ``stories`` are rows (the columns of table ``stories``), ``members``
        (event id, story id, position) and ``keys`` (key, event id, day
        ordinal). ``drop_stories`` are story ids, ``drop_events`` event ids
        whose memberships go, ``drop_keys`` event ids whose keys go; then the
        stories are marked as built from ``version`` (the events version
        now, by default).
        """
        full = drop_stories is None and drop_events is None and drop_keys is None
        with self.transaction() as db:
            if full:
                for table in ("stories", "story_events", "story_keys"):
                    db.execute(f"DELETE FROM {table}")
            for ids, sql in ((drop_stories, "DELETE FROM stories WHERE id"),
                             (drop_events, "DELETE FROM story_events WHERE event_id"),
                             (drop_keys, "DELETE FROM story_keys WHERE event_id")):
                for chunk in _chunks(sorted(set(ids or ())), 500):
                    db.execute(f"{sql} IN ({','.join('?' * len(chunk))})", chunk)
            cols = ("id", "title", "date_start", "date_end", "sort_start", "n_events",
                    "n_articles", "n_sources", "countries", "data", "article_ids")
            db.executemany(
                f"INSERT OR REPLACE INTO stories({', '.join(cols)}) "
                f"VALUES ({','.join('?' * len(cols))})",
                [tuple(row[c] for c in cols) for row in stories])
            db.executemany("INSERT OR REPLACE INTO story_events(event_id, story_id, pos) "
                           "VALUES (?,?,?)", members)
            db.executemany("INSERT INTO story_keys(key, event_id, day) VALUES (?,?,?)", keys)
            self._set_meta("stories_of", version or self.get_meta("events_version") or "0")


def open_store(path: str | Path = "sitroom.db") -> Store:
    """Open (creating or migrating) the store at ``path``."""
    p = Path(path)
    if str(path) != ":memory:" and p.exists() and p.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    return Store(path)


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"], text=row["text"], title=row["title"], source=row["source"],
        url=row["url"], published=row["published"], date_precision=row["date_precision"],
        origin=row["origin"], fmt=row["fmt"], duplicate_of=row["duplicate_of"],
    )


def _bars(codes: Iterable[str | None]) -> str:
    """Country codes as ``|IRN|USA|`` so a LIKE '%|IRN|%' filter is exact."""
    vals = sorted({c for c in codes if c})
    return "|" + "|".join(vals) + "|" if vals else ""


def _chunks(items: Sequence[str], n: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
