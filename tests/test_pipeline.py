"""The whole flow as a library: resumable, idempotent, failure-tolerant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sitroom
from sitroom.demo import CORPUS_DIR
from sitroom.pipeline import IngestReport


class Crash(Exception):
    """Stands in for a process killed between two batches."""


def _snapshot(db: Path) -> tuple[list[str], list[str], int, bool]:
    with sitroom.open_store(db) as store:
        articles = sorted(store.articles())
        events = sorted(e.id for e in store.events())
        return articles, events, store.counts()["mentions"], store.integrity_ok()


def test_a_crash_mid_run_loses_nothing_and_rerun_equals_clean_run(tmp_path: Path) -> None:
    corpus = CORPUS_DIR / "text"
    clean = tmp_path / "clean.db"
    sitroom.ingest([corpus], db=clean, batch_size=2)

    crashed = tmp_path / "crashed.db"
    calls = 0

    def die_after_two_batches(report: IngestReport) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Crash

    with pytest.raises(Crash):
        sitroom.ingest([corpus], db=crashed, batch_size=2, on_progress=die_after_two_batches)
    with sitroom.open_store(crashed) as store:
        assert store.counts()["articles"] == 4       # both committed batches survived
        assert store.events_stale                    # and the store knows events are behind
    report = sitroom.ingest([corpus], db=crashed, batch_size=2)
    assert report.known == 4 and report.new == len(list(corpus.glob("*.txt"))) - 4
    assert _snapshot(crashed) == _snapshot(clean)


def test_events_are_deterministic_across_runs(tmp_path: Path) -> None:
    corpus = CORPUS_DIR / "jsonl"
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    sitroom.ingest([corpus], db=a)
    sitroom.ingest([corpus], db=b, batch_size=3)
    assert _snapshot(a) == _snapshot(b)


def test_one_failing_article_does_not_stop_the_batch(tmp_path: Path, monkeypatch) -> None:
    import sitroom.pipeline as pipeline

    real = pipeline.extract_mentions

    def flaky(doc, article):  # type: ignore[no-untyped-def]
        if "Kirkuk" in article.title:
            raise RuntimeError("boom")
        return real(doc, article)

    monkeypatch.setattr(pipeline, "extract_mentions", flaky)
    db = tmp_path / "f.db"
    report = sitroom.ingest([CORPUS_DIR / "text"], db=db)
    assert report.failures and all("extraction failed" in f.reason for f in report.failures)
    assert report.new == len(list((CORPUS_DIR / "text").glob("*.txt"))) - len(report.failures)
    with sitroom.open_store(db) as store:
        assert {f.origin for f in store.failures()} == {f.origin for f in report.failures}


def test_syndicated_copy_points_at_the_earlier_original(tmp_path: Path) -> None:
    body = (
        "Militia supporters broke through the outer gate of the embassy compound on Tuesday, "
        "setting fire to a reception area and chanting against the United States, while guards "
        "fired tear gas from the roof. The State Department said all staff were safe and that "
        "additional Marines had been sent to reinforce the compound overnight."
    )
    src = tmp_path / "in"
    src.mkdir()
    # The copy sorts first by file name but was published a day later.
    (src / "a_copy.txt").write_text(f"date 2020-01-01  Embassy gate breached - Reprint Daily\n\n{body}\n")
    (src / "b_wire.txt").write_text(
        f"date 2019-12-31  Crowd storms embassy compound - Original Wire\n\n{body} Talks continued.\n")
    db = tmp_path / "s.db"
    report = sitroom.ingest([src], db=db)
    assert report.syndicated == 1
    with sitroom.open_store(db) as store:
        arts = {a.source: a for a in store.articles().values()}
    assert arts["Reprint Daily"].duplicate_of == arts["Original Wire"].id
    assert arts["Original Wire"].duplicate_of is None


def test_folder_with_corrupt_files_ingests_the_good_ones(tmp_path: Path) -> None:
    src = tmp_path / "mixed"
    shutil.copytree(CORPUS_DIR / "text", src)
    bad = {
        "binary.txt": b"\x00\x01\x02\x03" * 200,
        "empty.txt": b"",
        "latin.txt": b"caf\xe9 \x81\x8d\x8f\x90 \xff\xfe\x00",
        "truncated.html": b"<html><head><title>x</title></head><body><div",
        "feed.xml": b"<?xml version='1.0'?><rss><channel><item><title>x",
        "bad.jsonl": b'{"title": "a"}\n{not json\n',
        "nul.json": b'{"text": "\x00\x00\x00"}',
    }
    for i in range(13):
        bad[f"junk{i:02d}.txt"] = bytes(range(256)) * (i + 1)
    for name, data in bad.items():
        (src / name).write_bytes(data)
    db = tmp_path / "m.db"
    report = sitroom.ingest([src], db=db)
    good = len(list((CORPUS_DIR / "text").glob("*.txt")))
    assert report.new == good
    failed = {Path(f.origin.split("#")[0]).name for f in report.failures}
    assert failed == set(bad)
    assert all(f.reason for f in report.failures)
