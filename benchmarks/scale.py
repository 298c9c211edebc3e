"""Single process vs Dask with 1 and 2 workers, on the same synthetic corpus, in one run.

    .venv/bin/python benchmarks/scale.py [--n 20000] [--shard-size 100] [--keep DIR]

Generates ``--n`` articles (the demo corpus, varied deterministically so
every copy is new to the store), then times ``sitroom.ingest`` (single
process), ``ingest_dask`` with 1 worker and with 2 workers, each into a
fresh store. Prints articles/s and the ratios the issue sets as goals
(dask@2 / dask@1 >= 1.7; dask@1 within 10% of single process), then the
driver-side load+merge time against the number of mentions, replayed from
the shard results on growing prefixes of the corpus (the serial part that
bounds scale-out; see benchmarks/README.md), and a small follow-up batch merged
incrementally vs fully.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import sitroom
from sitroom.pipeline import remerge, update_events
from sitroom.scale import ingest_dask
from sitroom.scale.synth import write_corpus
from sitroom.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="articles to generate")
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--extra", type=int, default=40,
                        help="articles of the follow-up batch (incremental merge)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    files = write_corpus(work / "corpus", args.n, per_file=args.per_file)
    print(f"corpus: {args.n} articles in {len(files)} JSONL files · {os.cpu_count()} CPUs")

    rows = []
    t0 = time.perf_counter()
    rep = sitroom.ingest(files, db=work / "single.db")
    rows.append(("single process", time.perf_counter() - t0, rep.new, rep.mentions, None))
    for n in (1, 2):
        t0 = time.perf_counter()
        rep = ingest_dask(files, work / f"dask{n}.db", workers=n, shard_size=args.shard_size)
        rows.append((f"dask, {n} worker{'s' * (n > 1)}", time.perf_counter() - t0, rep.new,
                     rep.mentions, rep))
    for name, secs, new, mentions, rep in rows:
        extra = ""
        if rep is not None:
            rss = max(rep.peak_rss_mb.values()) if rep.peak_rss_mb else 0
            extra = (f" · compute {rep.compute_seconds:.1f}s merge {rep.merge_seconds:.1f}s"
                     f" · peak worker RSS {rss:.0f} MB")
        print(f"{name:16s}: {new} articles, {mentions} mentions in {secs:7.1f}s "
              f"= {new / secs:6.1f} articles/s{extra}")
    single, d1, d2 = (r[1] for r in rows)
    print(f"dask@2 / dask@1 speed-up     : {d1 / d2:.2f}x  (goal >= 1.7)")
    print(f"dask@1 / single-process speed: {single / d1:.2f}   (goal >= 0.90)")

    print("driver load + merge (replayed from shard results, no NLP):")
    db = work / "merge_1.0.db"
    for frac in (0.25, 0.5, 1.0):
        subset = files[: max(1, round(len(files) * frac))]
        db = work / f"merge_{frac}.db"
        for old in work.glob(f"merge_{frac}.db*"):
            old.unlink()
        rep = ingest_dask(subset, db, workers=1, shard_size=args.shard_size,
                          workdir=work / "dask2.db.shards")
        assert rep.compute_seconds == 0, "shard results should all be reused"
        with open_store(db) as store:
            c0, w0 = time.process_time(), time.perf_counter()
            remerge(store)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(f"  {rep.new:6d} articles {rep.mentions:7d} mentions {rep.events:6d} events: "
              f"load+merge {rep.seconds:6.1f}s (final merge {rep.merge_seconds:.1f}s) · "
              f"full re-merge from the store {wall:.1f}s wall, {cpu:.1f}s CPU "
              f"= {1000 * cpu / max(1, rep.mentions):.2f} ms CPU/mention")
    # A small follow-up batch into the full store: incremental vs full merge.
    extra = write_corpus(work / "extra", args.extra, seed=99, per_file=args.extra)
    for how in ("incremental", "full"):
        target = work / f"extra_{how}.db"
        for old in work.glob(f"extra_{how}.db*"):
            old.unlink()
        with open_store(db) as src:
            src.backup(target)
        rep = sitroom.ingest(extra, db=target, merge=False)
        with open_store(target) as store:
            c0, w0 = time.process_time(), time.perf_counter()
            done, n_events = update_events(store, full=how == "full")
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            total = store.counts()
        print(f"  +{rep.new} articles ({rep.mentions} mentions) into {total['mentions']} mentions: "
              f"{done} merge {wall:.1f}s wall, {cpu:.1f}s CPU ({n_events} events written, "
              f"{total['events']} in the store)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
