"""Load harness: `sitroom serve` answering many readers while an ingest writes.

Shared by ``benchmarks/load.py`` (50 clients, 30 s) and ``tests/test_load.py``
(a short run). Loopback only, bounded in time and in request count.
"""

from __future__ import annotations

import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FILTERS: list[dict[str, str]] = [
    {}, {"country": "IRN"}, {"country": "USA"}, {"country": "IRQ"}, {"type": "ASSAULT"},
    {"type": "PROTEST"}, {"since": "2020-01-01", "until": "2020-01-10"}, {"text": "missile"},
    {"actor": "Iran"}, {"min_sources": "2"}, {"background": "false"}, {"type": "ACCUSE", "country": "USA"},
    {"since": "2018"}, {"sort": "-sources"}, {"limit": "5"}, {"place": "Baghdad"},
]


@dataclass
class LoadResult:
    requests: int = 0
    status: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)   # transport errors (timeouts, resets)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    ingest_articles: int = 0        # articles the concurrent ingest committed meanwhile
    ingest_running_throughout: bool = False

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.status.items() if code >= 500)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]

    def summary(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        return (f"{self.requests} requests in {self.seconds:.1f}s ({rate:.0f}/s) · "
                f"p50 {self.percentile(50):.0f} ms · p99 {self.percentile(99):.0f} ms · "
                f"5xx {self.server_errors} · transport errors {len(self.errors)} · "
                f"status {dict(sorted(self.status.items()))} · "
                f"ingest committed {self.ingest_articles} articles meanwhile")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _article_count(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(con.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    finally:
        con.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_load(db: str | Path, *, clients: int = 50, seconds: float = 30.0,
             ingest_paths: list[Path] | None = None, max_requests: int = 1_000_000,
             seed: int = 11) -> LoadResult:
    """Serve ``db`` on a free loopback port, ingest into it, and read from ``clients`` threads."""
    import httpx

    db = Path(db)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c",
         f"from sitroom.api import serve; serve({str(db)!r}, host='127.0.0.1', port={port})"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ingest = None
    result = LoadResult()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/events", params={"limit": "1"}, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sitroom serve did not start")
            time.sleep(0.2)
        before = _article_count(db)
        if ingest_paths:
            ingest = subprocess.Popen(
                [sys.executable, "-c",
                 f"import sitroom; sitroom.ingest({[str(p) for p in ingest_paths]!r}, "
                 f"{str(db)!r}, batch_size=8)"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lock = threading.Lock()
        budget = [max_requests]
        stop_at = time.monotonic() + seconds

        def client(i: int) -> None:
            rng = random.Random(seed * 1000 + i)
            lat: list[float] = []
            status: dict[int, int] = {}
            errors: list[str] = []
            with httpx.Client(base_url=base, timeout=60) as http:
                while time.monotonic() < stop_at:
                    with lock:
                        if budget[0] <= 0:
                            break
                        budget[0] -= 1
                    t0 = time.perf_counter()
                    try:
                        r = http.get("/api/events", params=rng.choice(FILTERS))
                        status[r.status_code] = status.get(r.status_code, 0) + 1
                    except httpx.HTTPError as e:
                        errors.append(f"{type(e).__name__}: {e}")
                        continue
                    lat.append((time.perf_counter() - t0) * 1000)
            with lock:
                result.latencies_ms.extend(lat)
                result.errors.extend(errors)
                for code, n in status.items():
                    result.status[code] = result.status.get(code, 0) + n

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 120)
        result.seconds = time.perf_counter() - t0
        result.requests = sum(result.status.values()) + len(result.errors)
        result.ingest_running_throughout = ingest is not None and ingest.poll() is None
        result.ingest_articles = _article_count(db) - before
    finally:
        if ingest is not None:
            _stop(ingest)
        _stop(server)
    return result


def demo_store(path: str | Path) -> Path:
    """A store holding the bundled demo corpus (what `sitroom demo` builds)."""
    import sitroom
    from sitroom.demo import CORPUS_DIR

    path = Path(path)
    if not path.exists():
        sitroom.ingest([CORPUS_DIR], db=path)
    return path


__all__ = ["FILTERS", "LoadResult", "demo_store", "free_port", "run_load"]
