"""Load: `sitroom serve` on loopback, ~50 concurrent readers of /api/events, while an ingest writes.

    .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 30] [--ingest 2000] [--db FILE]

Builds the demo store (unless --db is given), starts the server on a free
127.0.0.1 port, starts an ingest of ``--ingest`` synthetic articles into the
same store (SQLite WAL: one writer, many readers), and has ``--clients``
threads request /api/events with varied filters for ``--seconds``.
Prints request count, p50/p99 latency and the number of 5xx (must be 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sitroom.scale.load import demo_store, run_load
from sitroom.scale.synth import write_corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--ingest", type=int, default=2000, help="articles ingested meanwhile (0: none)")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or demo_store(Path(tmp) / "demo.db")
        corpus = write_corpus(Path(tmp) / "incoming", args.ingest, per_file=100) if args.ingest else None
        result = run_load(db, clients=args.clients, seconds=args.seconds, ingest_paths=corpus,
                          max_requests=args.max_requests)
    print(f"{args.clients} clients, {args.seconds:.0f}s, ingest running throughout: "
          f"{result.ingest_running_throughout}")
    print(result.summary())
    return 1 if result.server_errors or result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
