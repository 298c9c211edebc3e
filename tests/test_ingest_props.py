"""Property tests: the ingest parsers never raise and the text header round-trips."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.ingest import (
    decode_bytes,
    detect_format,
    format_header,
    normalize_date,
    parse_text_header,
    read_path,
)
from sitroom.records import Article, IngestFailure

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Header fields: one line each, no surrounding space; sources carry no dash so
# the last " - " unambiguously separates title and source.
_line_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85")
titles = st.text(_line_chars, min_size=1, max_size=80).map(str.strip).filter(bool)
sources = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                                blacklist_characters="-\x85"), min_size=1, max_size=40
                  ).map(str.strip).filter(bool)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
bodies = st.text(min_size=0, max_size=300)


def _read_bytes(data: bytes, name: str) -> list[Article | IngestFailure]:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        return list(read_path(p, default_date="2020-01-01"))


@SETTINGS
@given(title=titles, source=sources, day=dates, body=st.text(min_size=1, max_size=200))
def test_header_round_trip(title: str, source: str, day: date, body: str) -> None:
    text = format_header(day.isoformat(), title, source) + "\n" + body
    h = parse_text_header(text)
    assert h.found
    assert (h.title, h.source, h.published, h.date_precision) == (title, source, day.isoformat(), "day")
    assert h.body == body


@SETTINGS
@given(title=titles.filter(lambda t: " - " not in t and not t.endswith(" -")), day=dates)
def test_header_round_trip_without_source(title: str, day: date) -> None:
    h = parse_text_header(format_header(day.isoformat(), title) + "\nBody text.")
    assert (h.title, h.source, h.published) == (title, "", day.isoformat())


@SETTINGS
@given(st.text(max_size=400))
def test_header_parser_never_raises(text: str) -> None:
    h = parse_text_header(text)
    assert isinstance(h.body, str)
    if not h.found:
        assert h.body == text
    if h.published is not None:
        assert normalize_date(h.published) is not None


@SETTINGS
@given(st.text(max_size=400))
def test_text_reader_never_raises(text: str) -> None:
    items = _read_bytes(text.encode("utf-8"), "t.txt")
    assert items and all(isinstance(i, Article | IngestFailure) for i in items)
    for i in items:
        if isinstance(i, Article):
            assert i.text.strip() and i.published is not None


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_records = st.fixed_dictionaries(
    {},
    optional={"text": _json_values | bodies, "title": _json_values, "date": _json_values | st.text(max_size=20),
              "url": _json_values, "source": _json_values},
)
# Raw (non-JSON) lines are printable: control bytes would make the file binary.
_garbage = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
_lines = st.lists(_records.map(json.dumps) | _garbage,
                  min_size=1, max_size=6)


@SETTINGS
@given(_lines)
def test_jsonl_reader_never_raises(lines: list[str]) -> None:
    first = json.dumps({"text": "A first record that is always valid."})
    items = _read_bytes(("\n".join([first, *lines]) + "\n").encode("utf-8"), "r.jsonl")
    assert isinstance(items[0], Article) and items[0].origin.endswith("#1")
    assert len(items) <= 1 + len(lines)
    assert items and all(isinstance(i, Article | IngestFailure) for i in items)
    for i in items:
        if isinstance(i, Article):
            assert i.fmt == "jsonl" and i.text.strip() and "#" in i.origin
            assert i.published is None or normalize_date(i.published) == (i.published, "day") \
                or i.date_precision in ("month", "year")
        else:
            assert i.reason


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.html", "a.xml", "a.json", "a.warc", "a.bin"]))
def test_any_bytes_give_articles_or_failures(data: bytes, name: str) -> None:
    assert detect_format(Path(name), data) in ("text", "html", "rss", "jsonl", "warc", "binary")
    text, reason = decode_bytes(data)
    assert (text is None) != (reason == "")
    items = _read_bytes(data, name)
    assert items and all(isinstance(i, Article | IngestFailure) for i in items)


@SETTINGS
@given(st.text(max_size=60) | st.integers() | st.none())
def test_normalize_date_is_total(raw: object) -> None:
    got = normalize_date(raw)
    assert got is None or (len(got[0]) == 10 and got[1] in ("day", "month", "year"))
