"""SIGKILL `sitroom ingest` at random points, rerun: the store equals a clean run's.

Kill points come from a seeded RNG: half at a random time, half a random
moment after the store has committed a new article (so kills land mid-batch
and mid-merge, not only during start-up).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitroom.demo import CORPUS_DIR

SEED = 20200103
KILLS = 10
INPUTS = [CORPUS_DIR / "text", CORPUS_DIR / "jsonl"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def sitroom_cmd(db: Path) -> list[str]:
    exe = Path(sys.executable).with_name("sitroom")
    return [str(exe), "ingest", *map(str, INPUTS), "--db", str(db), "--batch-size", "1",
            "--date", "2020-01-06", "-q"]


def article_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def snapshot(db: Path) -> dict[str, object]:
    con = sqlite3.connect(db)
    try:
        def col(sql: str) -> list[object]:
            return [r[0] for r in con.execute(sql)]
        return {
            "articles": sorted(con.execute("SELECT id, duplicate_of FROM articles").fetchall()),
            "mentions": sorted(col("SELECT id FROM mentions")),
            "events": sorted(col("SELECT id FROM events")),
            "links": sorted(con.execute("SELECT event_id, mention_id FROM event_mentions").fetchall()),
            "stale": col("SELECT value FROM meta WHERE key='events_stale'"),
            "integrity": col("PRAGMA integrity_check"),
        }
    finally:
        con.close()


def run_to_end(db: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(sitroom_cmd(db), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return time.perf_counter() - t0


def test_sigkill_at_random_points_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    clean = tmp_path / "clean.db"
    clean_s = run_to_end(clean)
    want = snapshot(clean)
    assert want["integrity"] == ["ok"] and want["events"] and want["stale"] == ["0"]

    rng = random.Random(SEED)
    generation = 0
    db = tmp_path / "killed-0.db"
    kills, attempts = 0, 0
    deadline = time.monotonic() + 150
    while kills < KILLS and attempts < 3 * KILLS and time.monotonic() < deadline:
        attempts += 1
        before = article_count(db)
        by_progress = rng.random() < 0.5
        delay = rng.uniform(0.3, 0.6 * clean_s)
        proc = subprocess.Popen(sitroom_cmd(db), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        t0 = time.perf_counter()
        while proc.poll() is None:
            elapsed = time.perf_counter() - t0
            if by_progress and article_count(db) > before:
                time.sleep(rng.uniform(0, 0.2))  # somewhere in the next batch
                break
            if elapsed >= (clean_s * 2 if by_progress else delay):
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        elif proc.wait() == 0:
            # The resumed run finished before the kill: it must equal a clean run,
            # and later kills need a store with work left, so start a new one.
            assert snapshot(db) == want
            generation += 1
            db = tmp_path / f"killed-{generation}.db"
        proc.wait()
        # After every kill the file is a readable, consistent database.
        if db.exists():
            assert snapshot(db)["integrity"] == ["ok"]

    assert kills >= KILLS, f"only {kills} kills in {attempts} attempts"
    run_to_end(db)
    got = snapshot(db)
    assert got == want
    for key in ("articles", "mentions", "events", "links"):
        items = got[key]
        assert isinstance(items, list) and len(items) == len(set(map(str, items)))  # no duplicates


def test_backup_is_a_consistent_copy_written_atomically(tmp_path: Path) -> None:
    import sitroom

    db = tmp_path / "live.db"
    sitroom.ingest([CORPUS_DIR / "text"], db=db, default_date="2020-01-06")
    target = tmp_path / "backup.db"
    target.write_text("an older backup")  # replaced whole, never half-written
    with sitroom.open_store(db) as store:
        assert store.backup(target) == target
        want = store.counts()
    with sitroom.open_store(target) as copy:
        assert copy.counts() == want and copy.integrity_ok()
    assert not list(tmp_path.glob(".*.tmp"))
