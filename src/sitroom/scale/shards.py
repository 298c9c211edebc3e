"""Shards: how the input is cut into independent units of work, and their results.

A shard is a list of parts (a whole file, or a slice of JSONL lines / WARC
records). Its key hashes the parts, the files' sizes and modification times
and the reading options, so a result file named by the key is reused exactly
when the same input would be read the same way: that is what makes a killed
run resumable without processing anything twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitroom.extract.actors import actor_file_digest
from sitroom.ingest.detect import HEAD_BYTES, decode_bytes, detect_format
from sitroom.ingest.readers import _Ctx, _walk, fmt_mb, jsonl_line, read_path, read_warc
from sitroom.records import Article, IngestFailure, Mention, from_dict, to_dict

# Bump when the shard result format or what a worker computes changes.
RESULT_VERSION = 1

Item = Article | IngestFailure


@dataclass(frozen=True)
class Part:
    """One file, or records ``start..stop`` (1-based, inclusive) of a JSONL/WARC file."""

    path: str
    kind: str = "file"        # file | jsonl | warc
    start: int = 0
    stop: int = 0

    def label(self) -> str:
        if self.kind == "file":
            return self.path
        return f"{self.path}#{self.start}-{self.stop}"


@dataclass(frozen=True)
class Shard:
    """An independent unit of work; ``key`` names its result file."""

    key: str
    parts: tuple[Part, ...]
    default_date: str | None = None
    model: str | None = None
    max_bytes: int = 20_000_000
    actors: str | None = None  # user actor TSV, as given

    def label(self) -> str:
        first = self.parts[0].label()
        return first if len(self.parts) == 1 else f"{first} (+{len(self.parts) - 1} files)"


@dataclass
class ShardOutcome:
    """What a worker reports back: small, so the scheduler never carries articles."""

    key: str
    articles: int = 0
    failures: int = 0
    seconds: float = 0.0
    worker: str = ""
    pid: int = 0
    peak_rss_mb: float = 0.0
    skipped: bool = False      # the result file already existed
    recycle: bool = False      # this worker has done its share: restart it
    extra: dict[str, Any] = field(default_factory=dict)


def _file_sig(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    return f"{st.st_size}:{st.st_mtime_ns}"


def _key(parts: Iterable[Part], default_date: str | None, model: str | None, max_bytes: int,
         actors_digest: str = "") -> str:
    h = hashlib.sha256(f"v{RESULT_VERSION}|{default_date}|{model}|{max_bytes}".encode())
    if actors_digest:  # a result coded with another dictionary is not this shard's result
        h.update(f"|actors:{actors_digest}".encode())
    for p in parts:
        h.update(f"\n{p.path}|{p.kind}|{p.start}|{p.stop}|{_file_sig(p.path)}".encode())
    return h.hexdigest()[:24]


def _jsonl_lines(path: Path, head: bytes) -> int:
    """Line count of a line-delimited JSONL file, or 0 when it is not one (array, pretty JSON)."""
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        if not isinstance(json.loads(first), dict):
            return 0
    except (ValueError, RecursionError):
        return 0
    n = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk
    return n + (0 if last.endswith(b"\n") else 1)


def _warc_records(path: Path) -> int:
    """Number of WARC records (decompressing, never parsing payloads), 0 if unreadable."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    try:
        with open(path, "rb") as fh:
            for n, _rec in enumerate(ArchiveIterator(fh), 1):  # noqa: B007 - n used after loop
                pass
    except Exception:
        return 0
    return n


def plan_shards(paths: Iterable[str | Path], shard_size: int = 200, *,
                default_date: str | None = None, model: str | None = None,
                max_bytes: int = 20_000_000, actors: str | Path | None = None) -> list[Shard]:
    """Cut the input into shards of about ``shard_size`` records, in reading order.

    Files are walked exactly as the single-process reader walks them, so the
    order in which shard results are loaded (and hence which of two
    syndicated copies counts as the original) is the same in both engines.
    Small files are grouped; a JSONL or WARC file with more records than
    ``shard_size`` is sliced by record ranges. ``actors`` (a user actor TSV)
    is part of every shard's key, by content.
    """
    shard_size = max(1, shard_size)
    actors_path = str(Path(actors).resolve()) if actors else None
    digest = actor_file_digest(actors) if actors else ""
    shards: list[Shard] = []
    group: list[Part] = []

    def emit(parts: list[Part]) -> None:
        shards.append(Shard(_key(parts, default_date, model, max_bytes, digest), tuple(parts),
                            default_date, model, max_bytes, actors_path))

    def close_group() -> None:
        if group:
            emit(list(group))
            group.clear()

    if isinstance(paths, str | Path):
        paths = [paths]
    for raw in paths:
        root = Path(raw)
        files = _walk(root, set()) if root.is_dir() else iter([root])
        for f in files:
            path = str(f.resolve()) if f.exists() else str(f)
            n = 0
            kind = "file"
            try:
                with open(f, "rb") as fh:
                    head = fh.read(HEAD_BYTES)
                fmt = detect_format(f, head) if head else "empty"
                if fmt == "jsonl" and len(head) == HEAD_BYTES:
                    n, kind = _jsonl_lines(f, head), "jsonl"
                elif fmt == "warc":
                    n, kind = _warc_records(f), "warc"
            except OSError:
                pass
            if n > shard_size:
                close_group()
                for start in range(1, n + 1, shard_size):
                    emit([Part(path, kind, start, min(n, start + shard_size - 1))])
                continue
            group.append(Part(path))
            if len(group) >= shard_size:
                close_group()
    close_group()
    return shards


# --------------------------------------------------------------------------- reading


def _jsonl_range(part: Part, ctx: _Ctx, max_bytes: int) -> Iterator[Item]:
    """Lines ``start..stop`` of a JSONL file, streamed: a huge line is refused, not loaded."""
    with open(part.path, "rb") as fh:
        n = 0
        while True:
            line = fh.readline(max_bytes + 1)
            if not line:
                return
            n += 1
            over = len(line) > max_bytes and not line.endswith(b"\n")
            if over:  # skip the rest of an over-long line without holding it
                size = len(line)
                while (more := fh.readline(1 << 20)):
                    size += len(more)
                    if more.endswith(b"\n"):
                        break
            if n < part.start:
                continue
            if n > part.stop:
                return
            where, origin = f"JSONL line {n}", ctx.rec(n)
            if over:
                yield IngestFailure(origin, f"{where}: too large ({fmt_mb(size)} > {fmt_mb(max_bytes)})")
                continue
            text, reason = decode_bytes(line)
            if text is None:
                yield IngestFailure(origin, f"{where}: {reason}")
                continue
            item = jsonl_line(text.strip().lstrip("\ufeff"), n, ctx)
            if item is not None:
                yield item


def read_part(part: Part, default_date: str | None, max_bytes: int) -> Iterator[Item]:
    """Articles and failures of one part; like :func:`sitroom.ingest.read_path`, never raises."""
    if part.kind == "file":
        yield from read_path(Path(part.path), default_date, max_bytes)
        return
    ctx = _Ctx(Path(part.path), default_date)
    try:
        if part.kind == "jsonl":
            yield from _jsonl_range(part, ctx, max_bytes)
        else:
            yield from read_warc(Path(part.path), ctx, max_bytes, records=(part.start, part.stop))
    except Exception as e:
        msg = " ".join(str(e).split())[:160]
        yield IngestFailure(part.label(), f"unexpected error: {type(e).__name__}: {msg}")


# --------------------------------------------------------------------------- results


def result_path(workdir: str | Path, shard: Shard) -> Path:
    return Path(workdir) / f"{shard.key}.jsonl"


def write_result(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write a shard result atomically: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False))
                fh.write("\n")
            fh.write(json.dumps({"end": True}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def result_rows(results: Iterable[tuple[Article, list[Mention] | Exception]],
                failures: Iterable[IngestFailure], repeats: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Rows of a result file: failures, repeated ids, then articles with mentions or error."""
    for f in failures:
        yield {"f": [f.origin, f.reason]}
    for article_id in repeats:
        yield {"r": article_id}
    for article, res in results:
        if isinstance(res, Exception):
            yield {"a": to_dict(article), "e": repr(res)}
        else:
            yield {"a": to_dict(article), "m": [to_dict(m) for m in res]}


class ShardResultError(ValueError):
    """A result file that is incomplete or unreadable (it is then recomputed)."""


def read_result(path: Path) -> Iterator[str | Item | tuple[Article, list[Mention] | Exception]]:
    """Failures, repeated article ids and (article, mentions-or-error) pairs, in stored order."""
    for row in read_result_encoded(path):
        yield row[:2] if isinstance(row, tuple) else row


_MENTION_FIELDS: tuple[str, ...] = ()


def read_result_encoded(path: Path) -> Iterator[
        str | Item | tuple[Article, list[Mention] | Exception, dict[str, str]]]:
    """:func:`read_result`'s rows, plus each mention's JSON as the store keeps it.

    The worker already wrote every mention as ``to_dict`` data; re-dumping
    that dict is far cheaper for the driver than encoding the record again.
    A mention written by a different record version (other fields) is left
    out of the map and then encoded from the record.
    """
    global _MENTION_FIELDS
    if not _MENTION_FIELDS:
        import dataclasses

        _MENTION_FIELDS = tuple(f.name for f in dataclasses.fields(Mention))
    rows = path.read_text(encoding="utf-8").splitlines()
    if not rows or rows[-1] != '{"end": true}':
        raise ShardResultError(f"{path}: incomplete shard result")
    for line in rows[:-1]:
        row = json.loads(line)
        if "f" in row:
            yield IngestFailure(row["f"][0], row["f"][1])
            continue
        if "r" in row:
            yield str(row["r"])
            continue
        article = from_dict(Article, row["a"])
        if "e" in row:
            yield article, RuntimeError(row["e"]), {}
            continue
        mentions, encoded = [], {}
        for raw in row["m"]:
            m = from_dict(Mention, raw)
            mentions.append(m)
            if tuple(raw) == _MENTION_FIELDS:
                encoded[m.id] = json.dumps(raw, ensure_ascii=False)
        yield article, mentions, encoded
