"""Throughput of the full pipeline against bare spaCy, in the same run.

    .venv/bin/python benchmarks/throughput.py [PATH ...] [--repeat N]

Reads the articles once (default: the bundled demo corpus), then times
(1) spaCy ``nlp.pipe`` alone over their texts and (2) ``sitroom.ingest``
into a fresh store (ingest → nlp → extract → resolve → store → merge).
Prints articles/s and words/s for both and the ratio full/bare — a ratio,
not a time, so it means the same on any machine.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import sitroom
from sitroom.demo import CORPUS_DIR
from sitroom.ingest import iter_articles
from sitroom.nlp import load_nlp
from sitroom.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS_DIR])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of each")
    args = parser.parse_args()

    articles = [a for a in iter_articles(args.paths) if isinstance(a, Article)]
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    list(nlp.pipe(texts[:4]))  # warm up: load vectors, caches

    bare = min(_time(lambda: list(nlp.pipe(texts, batch_size=32))) for _ in range(args.repeat))

    def full() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            sitroom.ingest(args.paths, db=Path(tmp) / "bench.db")

    full_s = min(_time(full) for _ in range(args.repeat))
    n = len(articles)
    print(f"corpus: {n} articles, {words} words")
    print(f"bare spaCy nlp.pipe : {n / bare:8.1f} articles/s {words / bare:10.0f} words/s")
    print(f"full sitroom ingest : {n / full_s:8.1f} articles/s {words / full_s:10.0f} words/s")
    print(f"ratio full/bare     : {bare / full_s:8.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)   : {peak_mb:8.0f} MB")


def _time(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
