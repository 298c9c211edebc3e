"""Ingest: files (text, HTML, RSS/Atom, JSONL, WARC) to Articles or IngestFailures.

Entry points: :func:`iter_articles` for files and folders, :func:`read_path`
for one file, :func:`detect_format` for content sniffing, and
:class:`NearDuplicateIndex` to flag syndicated copies.
"""

from sitroom.ingest.dates import normalize_date
from sitroom.ingest.dedup import NearDuplicateIndex
from sitroom.ingest.detect import decode_bytes, detect_format
from sitroom.ingest.header import TextHeader, format_header, parse_text_header
from sitroom.ingest.readers import html_to_text, iter_articles, read_path

__all__ = [
    "NearDuplicateIndex",
    "TextHeader",
    "decode_bytes",
    "detect_format",
    "format_header",
    "html_to_text",
    "iter_articles",
    "normalize_date",
    "parse_text_header",
    "read_path",
]
