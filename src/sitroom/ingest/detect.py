"""Format sniffing and text decoding.

Files in the wild are misnamed (HTML saved as .txt, feeds as .xml, JSONL as
.json), so the format is decided from the bytes; the extension only breaks ties.
Decoding is strict on purpose: a wrong guess at an encoding silently corrupts
names and places, so we only fall back from UTF-8 when the result clearly reads
as text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zlib
from pathlib import Path

FORMATS: tuple[str, ...] = ("text", "html", "rss", "jsonl", "warc", "binary")

HEAD_BYTES = 65536

# Magic numbers of common non-text files, for a clearer failure reason.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "executable"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"SQLite format 3", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"),
)

_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)\b", re.I)
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|main|h[1-6]|span|"
    r"table|header|nav|script|style|link|br|ul|li|a)\b",
    re.I,
)
_JSON_START = re.compile(r'^(?:\{\s*(?:"|\}|$)|\[\s*(?:\{|\]|$))', re.M)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Non-ASCII characters that are normal in cp1252/latin-1 English/European prose.
_OK_PUNCT = set("“”‘’–—…€•«»°£¥§©®™·¡¿×÷¢\u00a0")
_MOJIBAKE = re.compile(r"[ÃÂâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def bom_encoding(data: bytes) -> str | None:
    """Encoding named by a byte-order mark, if any."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


# Text with a few corrupt lines (a crash's zero-filled block, a stray NUL) is
# still text: NUL bytes mean binary only when they are more than this share of
# the sample, or sit on more than this share of its lines.
MAX_NUL_SHARE = 0.1
MAX_NUL_LINE_SHARE = 0.25


def binary_kind(head: bytes) -> str | None:
    """Return a description when ``head`` is not text, else None.

    Many NUL bytes, NUL bytes on many lines, or many other C0 control
    characters mean binary; UTF-16/32 text (which is full of NULs) is
    recognised by its BOM first. A few NUL-bearing lines in otherwise clean
    text are left to the reader, which names each bad line (JSONL) or drops
    the NULs (prose), instead of losing the whole file.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"\x1f\x8b"):
        return "gzip archive"
    if bom_encoding(head) in ("utf-16", "utf-32"):
        return None
    sample = head[:8192]
    if not sample:
        return None
    nul = sample.count(0)
    if nul:
        if nul > MAX_NUL_SHARE * len(sample):
            return f"{nul * 100 // len(sample)}% NUL bytes"
        lines = sample.rstrip(b"\n").split(b"\n")
        bad = sum(1 for line in lines if 0 in line)
        if bad > max(1.0, MAX_NUL_LINE_SHARE * len(lines)):
            return f"NUL bytes on {bad} of {len(lines)} lines"
    ctrl = sum(1 for b in sample if b < 32 and b not in (0, 9, 10, 12, 13, 11, 27))
    if ctrl / len(sample) > 0.02:
        return "control characters"
    return None


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
    except zlib.error:
        return b""


def detect_format(path: Path, head: bytes) -> str:
    """Classify a file as text|html|rss|jsonl|warc|binary from its first bytes.

    The extension is consulted only when content is ambiguous (e.g. an XML
    document that is neither a feed nor XHTML).
    """
    name = path.name.lower()
    if head.startswith(b"\x1f\x8b"):
        return "warc" if _gunzip_head(head).startswith(b"WARC/") else "binary"
    if head.startswith(b"WARC/"):
        return "warc"
    if binary_kind(head) is not None:
        return "binary"
    enc = bom_encoding(head) or "utf-8"
    if enc not in ("utf-16", "utf-32"):
        head = head.replace(b"\x00", b"")  # a few corrupt lines must not hide the format
    text = head.decode(enc, errors="replace").lstrip("\ufeff \t\r\n")
    low = text[:4096].lower()
    # JSON lines (or a JSON array / pretty-printed object of records); prose that
    # merely starts with a brace is not JSON.
    if text.startswith(("{", "[")) and (
        _JSON_START.match(text) or name.endswith((".json", ".jsonl", ".ndjson"))
    ):
        return "jsonl"
    if text.startswith("<"):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
        if start.startswith(b"<?xml") or start.startswith(b"<!--") or _FEED_ROOT.match(start):
            # (A feed mentioned inside an HTML page's <link> tags is not a feed.)
            if _FEED_ROOT.search(head[:4096]) and "<html" not in low[:1024]:
                return "rss"
            if "<html" in low or "<!doctype html" in low:
                return "html"
            if name.endswith((".rss", ".atom", ".xml")) and (b"<item" in head or b"<entry" in head):
                return "rss"
        if _HTML_TAG.search(text[:4096]):
            return "html"
        if name.endswith((".html", ".htm", ".xhtml")):
            return "html"
    if name.endswith((".html", ".htm")) and _HTML_TAG.search(text[:4096]):
        return "html"
    if name.endswith((".jsonl", ".ndjson")) and any(
        _JSON_START.match(line.strip()) for line in text.split("\n")[:20]
    ):
        return "jsonl"  # JSONL whose first line is broken
    return "text"


def _looks_like_text(s: str) -> bool:
    """True when a cp1252/latin-1 decoding reads like Western prose."""
    if not s.strip():
        return True
    if _MOJIBAKE.search(s):
        return False  # UTF-8 bytes mixed with stray bytes: not a clean legacy file
    non_ascii = [c for c in s if ord(c) > 127]
    if not non_ascii:
        return True
    letters = sum(1 for c in s if c.isalpha())
    if len(non_ascii) > 0.15 * max(letters, 1):
        return False
    odd = 0
    for c in non_ascii:
        cat = unicodedata.category(c)
        if not (cat.startswith("L") or c in _OK_PUNCT):
            odd += 1
    if odd > 0.1 * len(non_ascii) + 1:
        return False
    # Runs of 3+ non-ASCII characters almost never occur in Western text.
    return re.search(r"[^\x00-\x7f]{3,}", s) is None


def _meta_charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", data[:4096], re.I)
    if m is None:
        m = re.search(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w-]+)""", data[:512], re.I)
    if m is None:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str | None, str]:
    """Decode bytes to text, returning ``(text, "")`` or ``(None, reason)``.

    Order: BOM, UTF-8, a declared charset (HTTP header / meta tag), then
    cp1252 and latin-1 only when the result looks like clean text.
    """
    enc = bom_encoding(data)
    if enc is not None:
        try:
            return data.decode(enc).lstrip("\ufeff"), ""
        except UnicodeDecodeError as e:
            return None, f"not valid {enc.upper()} (byte 0x{data[e.start]:02x} at {e.start})"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as e:
        err = e
    reason = f"not valid UTF-8 (byte 0x{data[err.start]:02x} at {err.start})"
    declared = declared or _meta_charset(data)
    tried: list[str] = []
    if declared and declared not in ("utf-8", "utf_8"):
        tried.append(declared)
    tried += ["cp1252", "latin-1"]
    for codec in tried:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == declared or _looks_like_text(text):
            return text, ""
    return None, reason
