"""The Dask engine: same store as the single-process engine, resumable, failures named."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import sitroom
from sitroom.demo import CORPUS_DIR
from sitroom.ingest import read_path
from sitroom.records import Article, IngestFailure
from sitroom.scale import ingest_dask, plan_shards, read_part
from sitroom.scale.shards import read_result, result_path

pytest.importorskip("distributed")


def snapshot(db: Path) -> dict[str, object]:
    con = sqlite3.connect(db)
    try:
        return {
            "articles": sorted(con.execute("SELECT id, duplicate_of FROM articles").fetchall()),
            "mentions": sorted(r[0] for r in con.execute("SELECT id FROM mentions")),
            "events": sorted(r[0] for r in con.execute("SELECT id FROM events")),
            "links": sorted(con.execute("SELECT event_id, mention_id FROM event_mentions").fetchall()),
            "failures": sorted(con.execute("SELECT origin, reason FROM failures").fetchall()),
            "ok": con.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
        }
    finally:
        con.close()


def test_dask_with_two_workers_builds_the_same_store_and_the_cli_resumes_it(tmp_path: Path) -> None:
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"
    sitroom.ingest([CORPUS_DIR], db=local_db)
    report = ingest_dask([CORPUS_DIR], dask_db, workers=2, shard_size=8, recycle_after=2)
    assert report.new == 48 and report.workers == 2 and not report.failures
    assert report.restarts >= 1 and report.peak_rss_mb and min(report.peak_rss_mb.values()) > 0
    want, got = snapshot(local_db), snapshot(dask_db)
    assert got == want
    assert want["events"] and want["ok"]
    shards = list((tmp_path / "dask.db.shards").glob("*.jsonl"))
    assert len(shards) == report.shards == len(plan_shards([CORPUS_DIR], 8))

    from typer.testing import CliRunner

    from sitroom.cli import app

    # Every shard is on disk: the CLI rerun recomputes nothing and adds nothing.
    again = CliRunner().invoke(app, [
        "ingest", str(CORPUS_DIR), "--db", str(dask_db), "--engine", "dask", "--workers", "2",
        "--shard-size", "8", "--recycle-after", "2", "-q"])
    assert again.exit_code == 0, again.output
    assert "0 new" in again.output and f"{len(shards)} done before" in again.output
    assert snapshot(dask_db) == want


def test_a_failing_shard_is_retried_then_named_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("001_kirkuk-rockets-kill-contractor.txt", "014_us-strike-kills-soleimani.txt"):
        (folder / name).write_bytes((CORPUS_DIR / "text" / name).read_bytes())
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the shard folder should be")
    db = tmp_path / "s.db"
    report = ingest_dask([folder], db, workers=1, shard_size=1, retries=1, workdir=blocked)
    assert report.shards == 2 and report.shards_failed == 2 and report.new == 0
    assert all(f.origin.startswith("shard ") and "failed after 1 retries" in f.reason
               for f in report.failures)
    with sitroom.open_store(db) as store:
        assert len(store.failures()) == 2

    report = ingest_dask([folder], db, workers=1, shard_size=1)
    assert report.new == 2 and not report.failures
    with sitroom.open_store(db) as store:
        assert store.failures() == []  # the retried shards' failures are cleared
        assert store.counts()["articles"] == 2


def _jsonl(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for i in range(n):
            if i == 7:
                fh.write("{not json\n")
                continue
            if i == 4000:  # a zero-filled block: this line fails, its neighbours are read
                fh.write('{"title": "x", "text": "' + "\x00" * 40 + '"}\n')
                continue
            fh.write(json.dumps({"title": f"Item {i}", "date": "2020-01-05",
                                 "text": f"Officials in Basra counted {i} convoys crossing the river."}) + "\n")


def test_big_jsonl_and_warc_are_sliced_by_records_and_slices_read_like_the_whole(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    _jsonl(src, 5000)  # over HEAD_BYTES, so it is worth slicing
    warc = CORPUS_DIR / "warc" / "demo_crawl.warc.gz"
    shards = plan_shards([src], shard_size=300) + plan_shards([warc], shard_size=3)
    kinds = {p.kind for s in shards for p in s.parts}
    assert kinds == {"jsonl", "warc"}
    sliced: list[tuple[str, str]] = []
    for shard in shards:
        for part in shard.parts:
            for item in read_part(part, None, 20_000_000):
                sliced.append((item.origin, item.id if isinstance(item, Article) else item.reason))
    whole = [(i.origin, i.id if isinstance(i, Article) else i.reason)
             for p in (src, warc) for i in read_path(p)]
    assert sorted(sliced) == sorted(whole)
    assert any("invalid JSON" in r for _, r in sliced)
    assert any(o.endswith("#4001") and "NUL" in r for o, r in sliced)


def test_a_huge_jsonl_line_is_refused_without_loading_it(tmp_path: Path) -> None:
    src = tmp_path / "huge.jsonl"
    with src.open("w") as fh:
        fh.write(json.dumps({"text": "Troops left Kirkuk on Monday, the ministry said."}) + "\n")
        fh.write('{"text": "' + "x" * 3_000_000 + '"}\n')
        fh.write(json.dumps({"text": "Protesters gathered in Baghdad on Tuesday."}) + "\n")
    (shard,) = plan_shards([src], shard_size=1_000_000)
    from sitroom.scale.shards import Part

    part = Part(str(src), "jsonl", 1, 3)
    items = list(read_part(part, None, 1_000_000))
    assert [type(i).__name__ for i in items] == ["Article", "IngestFailure", "Article"]
    bad = items[1]
    assert isinstance(bad, IngestFailure) and "too large" in bad.reason and bad.origin.endswith("#2")
    assert shard.parts[0].kind == "file"  # 3 lines: not worth slicing


def test_shard_results_are_complete_or_absent(tmp_path: Path) -> None:
    from sitroom.scale.engine import run_shard

    (shard,) = plan_shards([CORPUS_DIR / "text"], shard_size=100)
    outcome = run_shard(shard, str(tmp_path))
    assert outcome.articles == 10 and not outcome.skipped and outcome.peak_rss_mb > 0
    path = result_path(tmp_path, shard)
    rows = list(read_result(path))
    assert sum(isinstance(r, tuple) for r in rows) == 10
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed, not left behind
    assert run_shard(shard, str(tmp_path)).skipped
    path.write_text(path.read_text().rsplit("\n", 2)[0] + "\n")  # cut the end marker
    with pytest.raises(ValueError):
        list(read_result(path))


def test_a_user_actor_dictionary_is_part_of_the_shard_key(tmp_path: Path) -> None:
    """Results coded with another dictionary must not be reused by a rerun."""
    actors = tmp_path / "mine.tsv"
    actors.write_text("pattern\tname\tcountry\tsector\ttype\nKataib X\tKataib X\tIRQ\tREB\tgroup\n")
    plain = plan_shards([CORPUS_DIR / "text"], shard_size=100)
    mine = plan_shards([CORPUS_DIR / "text"], shard_size=100, actors=actors)
    assert mine[0].actors == str(actors.resolve()) and plain[0].actors is None
    assert plain[0].key != mine[0].key
    assert plan_shards([CORPUS_DIR / "text"], shard_size=100, actors=actors)[0].key == mine[0].key
    actors.write_text(actors.read_text() + "Kataib Y\tKataib Y\tIRQ\tREB\tgroup\n")
    assert plan_shards([CORPUS_DIR / "text"], shard_size=100, actors=actors)[0].key != mine[0].key


_FAULTS = """
import resource, sys
import numpy as np
if sys.argv[1] == "tuned":
    from sitroom.scale.engine import tune_allocator
    assert tune_allocator()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    a = np.ones(1 << 17)  # 1 MiB, like one of spaCy's temporary arrays
    del a
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="page-fault counts need Linux")
def test_workers_reuse_freed_memory_despite_the_nannys_trim_setting() -> None:
    """With Dask's MALLOC_TRIM_THRESHOLD_, every large array is mapped and faulted in
    anew; a tuned worker reuses the freed memory instead (the cause of Dask@1 being
    slower than a single process)."""
    import os
    import platform
    import subprocess
    import sys

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt tuning is glibc-only")
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}  # what the nanny sets

    def faults(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _FAULTS, mode], env=env, check=True,
                             capture_output=True, text=True).stdout
        return int(out.split()[-1])

    plain, tuned = faults("plain"), faults("tuned")
    assert plain > 200 * 200            # ~256 fresh pages per 1 MiB array
    assert tuned < plain / 10
