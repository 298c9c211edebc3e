"""Near-duplicate signatures kept in the store: start-up rebuilds the index
from them (no text is re-hashed), old stores are signed once, and syndicated
copies are linked exactly as when the index was rebuilt from the texts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitroom.ingest import NearDuplicateIndex, dedup
from sitroom.pipeline import ArticleSink, IngestReport
from sitroom.records import Article
from sitroom.store import MIGRATIONS, Store, open_store

WIRE = (
    "Fishermen in the coastal town of Varn said on Wednesday that a patrol boat had fired warning "
    "shots at three trawlers working near the disputed sandbanks, the second such incident this "
    "month. The harbour master told reporters that no one was hurt but that the crews had returned "
    "to port and would not go out again until the navy explained what had happened. A spokesman "
    "for the coast guard declined to comment, saying an inquiry had been opened into the encounter."
)
REPRINT = WIRE.replace("Wednesday", "Wednesday evening") + " (Reporting by the Varn desk.)"
UNRELATED = (
    "The city council of Oster approved a plan on Monday to rebuild the old tram line that was "
    "closed twenty years ago, after a long debate about its cost and the route through the market "
    "district. Shop owners welcomed the decision, while residents of the northern suburbs asked why "
    "their neighbourhood had again been left off the map of new stops."
)


def _v1_store(path: Path, arts: list[Article]) -> None:
    """A store as schema version 1 left it: no signatures anywhere."""
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    for i, a in enumerate(arts):
        con.execute("INSERT INTO articles(id, title, source, url, published, date_precision, origin, "
                    "fmt, duplicate_of, text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (a.id, a.title, a.source, a.url, a.published, a.date_precision, a.origin,
                     a.fmt, a.duplicate_of, a.text, f"2021-03-0{i + 1}T10:00:00Z"))
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts texts shingled and hashed by any NearDuplicateIndex."""
    calls: list[int] = []
    real = dedup._hash_words

    def counting(words: list[str], k: int):  # type: ignore[no-untyped-def]
        calls.append(len(words))
        return real(words, k)

    monkeypatch.setattr(dedup, "_hash_words", counting)
    return calls


def _sink(store: Store) -> ArticleSink:
    return ArticleSink(store, IngestReport())


def test_old_store_is_signed_once_and_still_finds_copies(tmp_path: Path, hashed: list[int]) -> None:
    path = tmp_path / "old.db"
    original = Article.make(WIRE, published="2021-03-01", source="Coast Daily")
    other = Article.make(UNRELATED, published="2021-03-01", source="Oster Post")
    _v1_store(path, [original, other])
    with open_store(path) as store:
        sink = _sink(store)
        assert len(hashed) == 2 and len(sink.dedup) == 2       # signed once, on migration
        copy = Article.make(REPRINT, published="2021-03-02", source="Wire Digest")
        sink.add(copy, [])
        sink.flush()
        assert sink.report.syndicated == 1 and copy.duplicate_of == original.id
        assert store.article(copy.id).duplicate_of == original.id  # type: ignore[union-attr]
    hashed.clear()
    with open_store(path) as store:
        sink = _sink(store)
        assert hashed == [] and len(sink.dedup) == 3            # no stored text re-hashed
        again = Article.make(REPRINT + " Updated.", published="2021-03-03")
        sink.add(again, [])
        assert len(hashed) == 1 and again.duplicate_of == original.id


def test_earlier_published_copy_still_wins_after_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    late = Article.make(WIRE, published="2021-03-05", source="Late Gazette")
    with open_store(path) as store:
        sink = _sink(store)
        sink.add(late, [])
        sink.flush()
    with open_store(path) as store:
        sink = _sink(store)
        early = Article.make(REPRINT, published="2021-03-01", source="Wire Service")
        sink.add(early, [])
        sink.flush()
        assert early.duplicate_of is None
        assert store.article(late.id).duplicate_of == early.id  # type: ignore[union-attr]


def test_fresh_ingest_stores_signatures(tmp_path: Path, hashed: list[int]) -> None:
    with open_store(tmp_path / "new.db") as store:
        sink = _sink(store)
        arts = [Article.make(t, published="2021-03-01") for t in (WIRE, UNRELATED, "Too short.")]
        for a in arts:
            sink.add(a, [])
        sink.flush()
        assert len(hashed) == 2  # the short text is never hashed
        sigs = dict(store.signatures())
        assert sigs == {arts[0].id: sink.dedup.signature(WIRE),
                        arts[1].id: sink.dedup.signature(UNRELATED), arts[2].id: b""}
        assert len(sigs[arts[0].id]) == 4 * sink.dedup.num_perm
        hashed.clear()
        assert store.ensure_signatures(sink.dedup.scheme, sink.dedup.signature) == 0
        assert hashed == []


def test_index_from_signatures_matches_index_from_texts(tmp_path: Path) -> None:
    texts = [WIRE, UNRELATED, REPRINT, REPRINT.replace("trawlers", "fishing boats"),
             UNRELATED.replace("Monday", "Tuesday") + " The vote was close.", "Short item."]
    arts = [Article.make(t, published="2021-03-01") for t in texts]
    path = tmp_path / "s.db"
    _v1_store(path, arts)
    with open_store(path) as store:
        from_sigs = _sink(store).dedup
        from_texts = NearDuplicateIndex()
        for aid, text in store.article_texts():
            from_texts.add(Article(id=aid, text=text))
    probes = [Article.make(t + " More to follow.") for t in texts]
    got = [from_sigs.add(p) for p in probes]
    assert got == [from_texts.add(p) for p in probes]
    assert got == [arts[0].id, arts[1].id, arts[0].id, arts[0].id, arts[1].id, None]
    assert len(from_sigs) == len(from_texts) == 10  # short texts are not indexed
