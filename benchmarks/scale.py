"""Single process vs Dask with 1 and 2 workers, on the same synthetic corpus, in one run.

    .venv/bin/python benchmarks/scale.py [--n 20000] [--shard-size 100] [--keep DIR]

Generates ``--n`` articles (the demo corpus, varied deterministically so
every copy is new to the store), then times ``sitroom.ingest`` (single
process), ``ingest_dask`` with 1 worker and with 2 workers, each into a
fresh store. Prints articles/s and the ratios the issue sets as goals
(dask@2 / dask@1 >= 1.7; dask@1 within 10% of single process), then the
driver-side load+merge time against the number of mentions, replayed from
the shard results on growing prefixes of the corpus (the serial part that
bounds scale-out; see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import sitroom
from sitroom.scale import ingest_dask
from sitroom.scale.synth import write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="articles to generate")
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
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
    for frac in (0.25, 0.5, 1.0):
        subset = files[: max(1, round(len(files) * frac))]
        db = work / f"merge_{frac}.db"
        rep = ingest_dask(subset, db, workers=1, shard_size=args.shard_size,
                          workdir=work / "dask2.db.shards")
        assert rep.compute_seconds == 0, "shard results should all be reused"
        print(f"  {rep.new:6d} articles {rep.mentions:7d} mentions {rep.events:6d} events: "
              f"load+merge {rep.seconds:6.1f}s (final remerge {rep.merge_seconds:.1f}s)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
