"""Fuzzing the readers: mangled input never crashes, never hangs, and is named.

Two halves: hypothesis mangles demo files (truncation, byte flips, NUL
bytes, re-encoding) and throws arbitrary bytes at every reader; a corpus of
hand-built pathological files (deep nesting, tag floods, huge WARC records,
a 200 MB single line) checks each gets one named failure, quickly.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.demo import CORPUS_DIR
from sitroom.ingest import read_path
from sitroom.ingest.readers import MAX_HTML_TAGS
from sitroom.pipeline import ArticleTooLong, process_articles
from sitroom.records import Article, IngestFailure
from sitroom.scale.shards import Part, read_part

SAMPLES = sorted(p for p in CORPUS_DIR.rglob("*") if p.is_file())
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def read_all(path: Path, max_bytes: int = 20_000_000) -> list[Article | IngestFailure]:
    items = list(read_path(path, max_bytes=max_bytes))
    assert items, "every file yields at least one item"
    for item in items:
        assert isinstance(item, Article | IngestFailure)
        if isinstance(item, IngestFailure):
            assert item.reason.strip() and item.origin.startswith(str(path))
        else:
            assert item.text.strip() and "\x00" not in item.text
    return items


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from([".txt", ".html", ".xml", ".jsonl",
                                                          ".warc", ".warc.gz", ""]))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, ext: str) -> None:
    path = tmp_path / f"blob{ext}"
    path.write_bytes(data)
    read_all(path)


@FUZZ
@given(sample=st.sampled_from(SAMPLES), cut=st.floats(0.0, 1.0),
       flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
       nuls=st.integers(0, 5))
def test_mangled_demo_files_never_raise(tmp_path: Path, sample: Path, cut: float,
                                        flips: list[tuple[float, int]], nuls: int) -> None:
    data = bytearray(sample.read_bytes()[: max(1, int(len(sample.read_bytes()) * cut))])
    for where, byte in flips:
        data[min(len(data) - 1, int(where * len(data)))] = byte
    for i in range(nuls):
        data.insert((i * 7919) % (len(data) + 1), 0)
    path = tmp_path / sample.name
    path.write_bytes(bytes(data))
    read_all(path)


@FUZZ
@given(text=st.text(max_size=800), enc=st.sampled_from(["utf-16-le", "utf-16", "cp1252",
                                                        "latin-1", "utf-32", "shift_jis"]))
def test_wrong_encodings_never_raise(tmp_path: Path, text: str, enc: str) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(text.encode(enc, errors="replace"))
    read_all(path)


# --------------------------------------------------------------------------- corpus


def test_deeply_nested_html_is_named_and_fast(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    body = "Soldiers crossed the border at dawn on Monday, officials said. " * 5
    path.write_text("<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000 + "</body></html>")
    (item,) = read_all(path)
    assert isinstance(item, IngestFailure)
    assert "HTML" in item.reason


def test_a_flood_of_tags_is_refused_before_extraction(tmp_path: Path) -> None:
    path = tmp_path / "flood.html"
    path.write_text("<html><body>" + "<p>Rockets hit the base.</p>" * MAX_HTML_TAGS + "</body></html>")
    (item,) = read_all(path)
    assert isinstance(item, IngestFailure) and "too complex" in item.reason


def test_a_200_mb_single_line_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "line.jsonl"
    with path.open("wb") as fh:  # sparse: 200 MB on paper, a few bytes on disk
        fh.write(b'{"text": "')
        fh.truncate(200_000_000)
    (item,) = read_all(path)
    assert isinstance(item, IngestFailure) and "too large" in item.reason
    # The Dask engine streams JSONL by line: the same line is refused there too.
    (item,) = list(read_part(Part(str(path), "jsonl", 1, 1), None, 5_000_000))
    assert isinstance(item, IngestFailure) and "too large" in item.reason


def _warc(records: list[tuple[str, bytes]], gz: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, payload in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                        http_headers=http)
        writer.write_record(rec)
    return buf.getvalue()


PAGE = (b"<html><head><title>Convoy attacked</title></head><body><article><p>"
        + b"A convoy was attacked near Mosul on Sunday, the army said. " * 8
        + b"</p></article></body></html>")


def test_a_huge_warc_record_is_refused_and_the_next_one_read(tmp_path: Path) -> None:
    big = b"<html><body><p>" + b"x" * 3_000_000 + b"</p></body></html>"
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_warc([("http://a.example/1", big), ("http://a.example/2", PAGE)]))
    items = read_all(path, max_bytes=1_000_000)
    assert isinstance(items[0], IngestFailure) and "too large" in items[0].reason
    assert isinstance(items[1], Article) and "Mosul" in items[1].text


def test_a_warc_record_declaring_a_huge_length_is_named(tmp_path: Path) -> None:
    path = tmp_path / "liar.warc"
    head = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://b.example/\r\n"
            b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            b"Content-Type: text/html\r\nContent-Length: 99999999999999\r\n\r\n")
    path.write_bytes(head + PAGE)
    items = read_all(path)
    assert all(isinstance(i, IngestFailure) for i in items)
    assert any("too large" in i.reason for i in items if isinstance(i, IngestFailure))


def test_truncated_files_of_every_format_are_named(tmp_path: Path) -> None:
    for sample in SAMPLES:
        data = sample.read_bytes()
        path = tmp_path / f"cut_{sample.name}"
        path.write_bytes(data[: len(data) // 3])
        items = read_all(path)
        if sample.suffix in (".gz",):
            assert any(isinstance(i, IngestFailure) for i in items)


def test_bad_lines_fail_alone_and_nul_bytes_are_named(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {"title": "Talks resume", "date": "2020-01-08",
            "text": "Delegations from both countries met in Geneva on Wednesday."}
    lines = [json.dumps(good).encode(), b"\xff\xfe{]", b'{"text": "cut off',
             json.dumps({**good, "text": good["text"] + " More talks follow."}).encode()]
    path.write_bytes(b"\n".join(lines))
    items = read_all(path)
    assert sum(isinstance(i, Article) for i in items) == 2
    assert sum(isinstance(i, IngestFailure) for i in items) == 2
    # A line of NUL bytes (a crash's zero-filled block) fails alone, by line number.
    path.write_bytes(b"\n".join([lines[0], b"\x00\x00\x00", lines[3]]))
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Article", "IngestFailure", "Article"]
    assert items[1].origin == f"{path}#2"
    assert items[1].reason == "JSONL line 2: corrupt line (3 NUL bytes)"


_WORDS = st.sampled_from(["troops", "crossed", "the", "border", "near", "Selm", "on", "Monday",
                          "officials", "said", "talks", "resumed", "in", "Geneva"])


@FUZZ
@given(texts=st.lists(st.lists(_WORDS, min_size=3, max_size=12).map(" ".join),
                      min_size=4, max_size=24),
       picks=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6),
                                st.integers(1, 4)), min_size=1, max_size=6))
def test_sporadic_nul_bytes_cost_only_their_lines(tmp_path: Path, texts: list[str],
                                                  picks: list[tuple[int, int, int]]) -> None:
    lines = [json.dumps({"title": f"Item {i}", "date": "2020-01-08", "text": t}).encode()
             for i, t in enumerate(texts)]
    # NUL runs on at most a quarter of the lines, anywhere in them (inside a
    # string, between records, before the opening brace).
    bad: set[int] = set()
    for line_pick, pos_pick, run in picks:
        n = line_pick % len(lines)
        if n not in bad and len(bad) + 1 > max(1, len(lines) // 4):
            continue
        bad.add(n)
        pos = pos_pick % (len(lines[n]) + 1)
        lines[n] = lines[n][:pos] + b"\x00" * run + lines[n][pos:]
    path = tmp_path / "sporadic.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read_all(path)
    assert len(items) == len(lines)
    for n, item in enumerate(items):
        assert item.origin == f"{path}#{n + 1}"
        if n in bad:
            assert isinstance(item, IngestFailure)
            assert item.reason.startswith(f"JSONL line {n + 1}: corrupt line (")
            assert "NUL byte" in item.reason
        else:
            assert isinstance(item, Article) and item.text == texts[n]


@FUZZ
@given(data=st.binary(min_size=64, max_size=2048), period=st.integers(2, 8))
def test_binary_with_many_nuls_is_still_rejected(tmp_path: Path, data: bytes, period: int) -> None:
    # NUL bytes spread through the file (every few bytes, as in UTF-16 or
    # packed numbers: over 10% of it) are binary, whatever the extension says.
    blob = bytearray(data)
    for i in range(0, len(blob), period):
        blob[i] = 0
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(blob))
    (item,) = read_all(path)
    assert isinstance(item, IngestFailure) and item.reason.startswith("binary file (")


def test_an_over_long_article_fails_alone_in_processing() -> None:
    ok = Article.make("Rebels attacked a checkpoint in Kirkuk on Monday.", published="2020-01-06")
    huge = Article.make("Protesters marched in Tehran. " * 20_000, published="2020-01-06")
    out = dict((a.id, r) for a, r in process_articles([huge, ok]))
    assert isinstance(out[huge.id], ArticleTooLong)
    assert isinstance(out[ok.id], list)


@pytest.mark.parametrize("name", ["empty.txt", "dir"])
def test_empty_and_odd_paths_are_named(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "dir":
        path.mkdir()
    else:
        path.write_bytes(b"")
    (item,) = read_all(path)
    assert isinstance(item, IngestFailure)
