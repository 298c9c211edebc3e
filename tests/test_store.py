"""The SQLite store: migrations, batches, queries, atomic event swaps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitroom.records import (
    Actor,
    Article,
    Event,
    Evidence,
    IngestFailure,
    Mention,
    PlaceRef,
    TimeRef,
)
from sitroom.store import MIGRATIONS, EventQuery, StoreError, open_store


def _article(text: str, **kw) -> Article:
    return Article.make(text, title=kw.pop("title", text[:20]), source=kw.pop("source", "Test Wire"),
                        published=kw.pop("published", "2020-01-08"), origin=kw.pop("origin", "x.txt"), **kw)


def _mention(article: Article, start: int = 0, **kw) -> Mention:
    ev = Evidence(article.id, 0, len(article.text), start, start + 4, article.text[start:start + 4])
    return Mention(id=f"{article.id}:{start}", article_id=article.id, event_type=kw.pop("event_type", "ASSAULT"),
                   trigger=ev, sentence=Evidence(article.id, 0, len(article.text), 0, len(article.text), article.text),
                   **kw)


def _event(eid: str, mention: Mention, **kw) -> Event:
    return Event(id=eid, event_type=mention.event_type, mention_ids=[mention.id],
                 article_ids=[mention.article_id], n_sources=1, n_articles=1, **kw)


def test_new_store_is_migrated_to_latest(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.counts() == {"articles": 0, "failures": 0, "mentions": 0, "events": 0, "sources": 0}
    assert store.integrity_ok()
    store.close()
    # reopening does not migrate twice
    assert open_store(tmp_path / "a.db").schema_version == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_store(path)


def test_batches_are_idempotent_and_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    a = _article("Rockets hit the base near the city on Friday.")
    m = _mention(a, sources=[Actor(text="militia", country="IRQ", sector="REB")],
                 time=TimeRef("on Friday", "2019-12-27", precision="day"))
    assert store.add_batch([(a, [m])]) == 1
    assert store.add_batch([(a, [m])]) == 0
    assert store.has_article(a.id)
    assert store.article(a.id) == a
    assert store.mentions() == {m.id: m}
    assert store.events_stale


def test_failures_are_recorded_and_cleared_on_success(tmp_path: Path) -> None:
    store = open_store(tmp_path / "f.db")
    store.record_failure(IngestFailure("bad.txt", "binary file"))
    store.record_failure(IngestFailure("bad.txt", "empty file"))
    assert store.failures() == [IngestFailure("bad.txt", "empty file")]
    store.add_batch([(_article("Now fixed text.", origin="bad.txt"), [])])
    assert store.failures() == []


def test_event_queries_filter(tmp_path: Path) -> None:
    store = open_store(tmp_path / "q.db")
    a = _article("Missiles struck the air base overnight.", published="2020-01-08")
    b = _article("Protesters marched in the capital.", published="2020-01-24", source="Other")
    ma = _mention(a)
    mb = _mention(b, event_type="PROTEST")
    store.add_batch([(a, [ma]), (b, [mb])])
    e1 = _event("ev_a", ma, sources=[Actor("Iran", "Iran", "IRN", "MIL")],
                targets=[Actor("US forces", "United States", "USA", "MIL")],
                time=TimeRef("", "2020-01-08", precision="day"),
                place=PlaceRef("Ain al-Asad", "Ain al-Asad air base", "IRQ", "Anbar", 33.8, 42.4, "site"))
    e2 = _event("ev_b", mb, sources=[Actor("protesters", "protesters", "IRQ", "CVL")],
                time=TimeRef("", "2020-01-24", precision="day"))
    e3 = _event("ev_c", ma, modality="historical", time=TimeRef("in 1953", "1953-01-01", "1953-12-31", "year"))
    store.replace_events([e1, e2, e3])
    assert not store.events_stale
    ids = lambda q: [e.id for e in store.events(q)]  # noqa: E731
    assert ids(EventQuery()) == ["ev_c", "ev_a", "ev_b"]
    assert ids(EventQuery(since="2020-01-01")) == ["ev_a", "ev_b"]
    assert ids(EventQuery(until="2020-01-10", include_background=False)) == ["ev_a"]
    assert ids(EventQuery(country="irn")) == ["ev_a"]
    assert ids(EventQuery(country="IRQ")) == ["ev_a", "ev_b"]   # place country counts too
    assert ids(EventQuery(event_type="protest")) == ["ev_b"]
    assert ids(EventQuery(place="asad")) == ["ev_a"]
    assert ids(EventQuery(actor="protesters")) == ["ev_b"]
    assert ids(EventQuery(text="marched")) == ["ev_b"]
    assert ids(EventQuery(limit=1)) == ["ev_c"]
    assert store.event("ev_a") == e1
    assert store.event("ev_") is None            # ambiguous prefix
    assert store.event("ev_b")                   # exact
    assert store.event("nope") is None


def test_open_store_on_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)


def _v1_store(path: Path, texts: list[str]) -> list[Article]:
    """A store as the first schema left it: articles, no signature table."""
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    arts = [_article(t) for t in texts]
    for i, a in enumerate(arts):
        con.execute("INSERT INTO articles(id, title, source, url, published, date_precision, origin, "
                    "fmt, duplicate_of, text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (a.id, a.title, a.source, a.url, a.published, a.date_precision, a.origin,
                     a.fmt, None, a.text, f"2020-01-0{i + 1}T00:00:00Z"))
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    return arts


def test_signatures_are_filled_once_for_a_migrated_store(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    arts = _v1_store(path, ["Rockets hit the base on Friday.", "Talks resumed in Geneva.",
                            "A short one."])
    calls: list[str] = []

    def sign(text: str) -> bytes:
        calls.append(text)
        return b"" if text.startswith("A short") else text[:4].encode()

    with open_store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert list(store.signatures()) == []
        assert store.ensure_signatures("s1", sign) == 3 and len(calls) == 3
        # Same order as the texts were stored in; b"" kept for the short text.
        assert list(store.signatures()) == [(arts[0].id, b"Rock"), (arts[1].id, b"Talk"),
                                            (arts[2].id, b"")]
        assert store.ensure_signatures("s1", sign) == 0 and len(calls) == 3
        # A new article stored with its signature needs no hashing later.
        new = _article("Protesters marched on Sunday.")
        store.add_batch([(new, [])], signatures={new.id: b"Prot"})
        assert store.ensure_signatures("s1", sign) == 0 and len(calls) == 3
        # One stored without a signature is signed at the next start-up.
        bare = _article("Shelling resumed overnight.")
        store.add_batch([(bare, [])])
        assert store.ensure_signatures("s1", sign) == 1 and calls[-1] == bare.text
        assert dict(store.signatures())[bare.id] == b"Shel"
        # Signatures of another scheme are not comparable: all are redone.
        assert store.ensure_signatures("s2", sign) == 5 and len(calls) == 9
        assert len(list(store.signatures())) == 5 and store.integrity_ok()


def test_a_store_with_events_but_no_stories_migrates_and_gets_them(tmp_path: Path) -> None:
    """Schema 2 -> 3 adds the story tables; the events of an older store are
    grouped on first use and the stories stay current until the events change."""
    from sitroom.story import build_stories
    from sitroom.story.stories import load_stories

    path = tmp_path / "old.db"
    arts = _v1_store(path, ["Rockets hit the base on Friday.", "Talks resumed in Geneva."])
    with open_store(path) as store:
        ms = [_mention(a) for a in arts]
        store.add_batch([(a, [m]) for a, m in zip(arts, ms, strict=True)])
        store.write_events([_event("e1", ms[0]), _event("e2", ms[1])])
    con = sqlite3.connect(path)   # back to schema 2: no story tables
    for table in ("stories", "story_events", "story_keys"):
        con.execute(f"DROP TABLE {table}")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
    with open_store(path) as store:
        assert store.schema_version == len(MIGRATIONS) >= 3
        assert not store.stories_current and store.story_rows() == []
        expected = build_stories(store.events(), store.mentions(), store.articles())
        assert load_stories(store) == expected and store.stories_current
        assert sorted(store.story_event_ids(s.id)[0] for s in expected) == ["e1", "e2"]
        assert store.story_ids_of_events(["e1"]) == {s.id for s in expected if "e1" in s.event_ids}
        store.write_events([_event("e1", ms[0])], replace_ids=["e1"])
        assert not store.stories_current   # the events moved on: stories must follow
