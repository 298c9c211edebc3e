"""The Dask engine: shards processed on workers, loaded and merged on the driver.

Workers run the expensive, independent part (read -> nlp -> extract ->
resolve) and write one result file per shard. The driver keeps everything
order-dependent (known articles, syndicated copies, event merging) and loads
results in plan order, so the store equals the single-process engine's.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import platform
import resource
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitroom.ingest.readers import _check_default_date
from sitroom.pipeline import ArticleSink, IngestReport, ProgressFn, process_articles
from sitroom.records import Article, IngestFailure
from sitroom.scale.shards import (
    Shard,
    ShardOutcome,
    ShardResultError,
    plan_shards,
    read_part,
    read_result_encoded,
    result_path,
    result_rows,
    write_result,
)
from sitroom.store import Store, open_store

log = logging.getLogger(__name__)

# Shards finished by this worker process (for recycling after N).
_done_here = 0
# Whether tune_allocator has run in this process.
_allocator_tuned = False

# glibc mallopt parameters, and the values glibc's own dynamic tuning tops out at
# on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX; trim is twice the mmap threshold).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 64 << 20


@dataclass
class ScaleReport(IngestReport):
    """An ingest report plus what the cluster did."""

    shards: int = 0
    shards_skipped: int = 0     # result already on disk from an earlier run
    shards_failed: int = 0
    workers: int = 0
    restarts: int = 0           # worker recycles
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker process
    compute_seconds: float = 0.0
    merge_seconds: float = 0.0


def default_workdir(db_path: str | Path) -> Path:
    """Shard results live next to the store, so a rerun against it finds them."""
    return Path(f"{db_path}.shards")


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB.

    Linux's VmHWM first: ``ru_maxrss`` survives exec, so a spawned worker
    would report its parent's peak.
    """
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if os.uname().sysname == "Darwin" else peak / 1024


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return ""


def tune_allocator() -> bool:
    """Let a worker reuse freed memory instead of returning it to the OS after every batch.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``. Setting any
    malloc threshold switches off glibc's dynamic mmap threshold, so every array
    spaCy allocates above 128 KiB is mmapped and unmapped again: about 7,000 page
    faults per article, which cost a worker ~17% more CPU than the same shard in
    a single process (``benchmarks/scale.py``). Fixing both thresholds at the
    values glibc's own tuning would reach restores single-process speed; peak
    memory stays bounded by worker recycling. Runs once per process, glibc only
    (elsewhere it does nothing and returns False).
    """
    global _allocator_tuned
    if _allocator_tuned:
        return True
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        ok = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
            libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False
    _allocator_tuned = ok
    return ok


def run_shard(shard: Shard, workdir: str, batch_size: int = 32, recycle_after: int = 0) -> ShardOutcome:
    """Worker task: read and process one shard, write its result atomically.

    Idempotent: an existing result is not recomputed, so a retried or
    rescheduled task costs nothing once its result is on disk.
    """
    global _done_here
    started = time.perf_counter()
    tune_allocator()
    out = result_path(workdir, shard)
    outcome = ShardOutcome(shard.key, worker=_worker_address(), pid=os.getpid())
    if out.exists():
        outcome.skipped = True
    else:
        failures: list[IngestFailure] = []
        articles: list[Article] = []
        repeats: list[str] = []
        seen: set[str] = set()
        for part in shard.parts:
            for item in read_part(part, shard.default_date, shard.max_bytes):
                if isinstance(item, IngestFailure):
                    failures.append(item)
                elif item.id in seen:
                    repeats.append(item.id)
                else:
                    seen.add(item.id)
                    articles.append(item)
        results = (process_articles(articles, model=shard.model, batch_size=batch_size,
                                    actors=shard.actors) if articles else [])
        write_result(out, result_rows(results, failures, repeats))
        outcome.articles, outcome.failures = len(articles), len(failures)
        _done_here += 1
    outcome.seconds = time.perf_counter() - started
    outcome.peak_rss_mb = peak_rss_mb()
    outcome.recycle = recycle_after > 0 and _done_here >= recycle_after
    return outcome


@contextlib.contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None) -> Iterator[Any]:
    """A client on the cluster at ``scheduler``, or on a local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def ingest_dask(
    paths: Iterable[str | Path],
    db: str | Path | Store = "sitroom.db",
    *,
    workers: int = 2,
    scheduler: str | None = None,
    recycle_after: int = 0,
    shard_size: int = 200,
    retries: int = 2,
    workdir: str | Path | None = None,
    default_date: str | None = None,
    model: str | None = None,
    batch_size: int = 32,
    on_progress: ProgressFn | None = None,
    merge: bool = True,
    max_bytes: int = 20_000_000,
    full_merge: bool = False,
    actors: str | Path | None = None,
) -> ScaleReport:
    """Ingest on a Dask cluster; same store as :func:`sitroom.ingest` for the same input.

    Resumable: shards whose result file exists are not recomputed; a shard
    that still fails after ``retries`` is recorded as an IngestFailure (and
    retried by the next run). ``recycle_after`` restarts a worker after that
    many shards, bounding memory growth in long runs. ``full_merge`` as in
    :func:`sitroom.ingest` (a full re-merge instead of an incremental one);
    ``actors`` a user actor TSV, as there (workers must be able to read it).
    """
    started = time.perf_counter()
    default_date = _check_default_date(default_date)
    store = db if isinstance(db, Store) else open_store(db)
    report = ScaleReport(workers=workers)
    work = Path(workdir) if workdir is not None else default_workdir(store.path)
    try:
        shards = plan_shards(paths, shard_size, default_date=default_date, model=model,
                             max_bytes=max_bytes, actors=actors)
        report.shards = len(shards)
        sink = ArticleSink(store, report, model=model, batch_size=batch_size,
                           on_progress=on_progress, actors=actors)
        finished = {s.key for s in shards if result_path(work, s).exists()}
        report.shards_skipped = len(finished)
        todo = [s for s in shards if s.key not in finished]
        cursor = 0

        def load_ready() -> None:
            nonlocal cursor
            while cursor < len(shards) and shards[cursor].key in finished:
                _load(shards[cursor], work, sink, report)
                cursor += 1

        load_ready()
        if todo:
            t0 = time.perf_counter()
            with dask_client(workers, scheduler) as client:
                report.workers = len(client.scheduler_info().get("workers", {})) or workers
                _compute(client, todo, work, batch_size, recycle_after, retries, sink,
                         report, finished, load_ready)
            report.compute_seconds = time.perf_counter() - t0
        load_ready()
        t0 = time.perf_counter()
        sink.finish(merge, full_merge)
        report.merge_seconds = time.perf_counter() - t0
    finally:
        if not isinstance(db, Store):
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _compute(client: Any, todo: list[Shard], work: Path, batch_size: int, recycle_after: int,
             retries: int, sink: ArticleSink, report: ScaleReport, finished: set[str],
             load_ready: Any) -> None:
    from distributed import as_completed

    by_key: dict[str, Shard] = {}
    futures = []
    for shard in todo:
        fut = client.submit(run_shard, shard, str(work), batch_size, recycle_after,
                            key=f"sitroom-shard-{shard.key}", retries=retries, pure=False)
        by_key[fut.key] = shard
        futures.append(fut)
    cannot_restart: set[str] = set()
    for fut in as_completed(futures):
        shard = by_key[fut.key]
        if fut.status != "finished":
            exc = fut.exception()
            sink.failure(IngestFailure(
                f"shard {shard.label()}",
                f"shard failed after {retries} retries: {type(exc).__name__}: {exc}"[:500],
            ))
            report.shards_failed += 1
            continue
        outcome: ShardOutcome = fut.result()
        fut.release()
        name = f"{outcome.worker or 'worker'} (pid {outcome.pid})"
        report.peak_rss_mb[name] = max(report.peak_rss_mb.get(name, 0.0), outcome.peak_rss_mb)
        if outcome.recycle and outcome.worker and outcome.worker not in cannot_restart:
            try:
                client.restart_workers([outcome.worker])
                report.restarts += 1
            except Exception as exc:  # e.g. a worker without a nanny
                log.warning("cannot recycle %s: %s", outcome.worker, exc)
                cannot_restart.add(outcome.worker)
        finished.add(shard.key)
        load_ready()


def _load(shard: Shard, work: Path, sink: ArticleSink, report: ScaleReport) -> None:
    path = result_path(work, shard)
    try:
        rows = list(read_result_encoded(path))
    except (OSError, ValueError, ShardResultError) as exc:
        with contextlib.suppress(OSError):
            path.unlink()  # recomputed by the next run
        sink.failure(IngestFailure(f"shard {shard.label()}", f"unreadable shard result: {exc}"))
        report.shards_failed += 1
        return
    sink.store.clear_failure(f"shard {shard.label()}")
    for row in rows:
        if isinstance(row, str):
            report.known += 1
        elif isinstance(row, IngestFailure):
            sink.failure(row)
        elif isinstance(row, Article):  # pragma: no cover - rows carry results
            sink.add(row)
        else:
            sink.add(row[0], row[1], row[2])
