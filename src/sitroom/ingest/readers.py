"""Readers that turn files into Articles, or into IngestFailures that say why not.

The contract is "never raise for bad input": a corpus of thousands of scraped
files always contains some broken ones, and one bad file must cost one named
failure, not the batch.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sitroom.ingest.dates import normalize_date
from sitroom.ingest.detect import (
    HEAD_BYTES,
    binary_kind,
    bom_encoding,
    decode_bytes,
    detect_format,
)
from sitroom.ingest.header import parse_text_header, split_title_source
from sitroom.records import Article, IngestFailure

Item = Article | IngestFailure

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "header", "footer", "pre", "dd", "dt", "figcaption",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head")
_HTMLISH = re.compile(r"<(?:p|br|div|span|a|b|i|em|strong|img|ul|li|h[1-6])\b[^>]*>", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

_TEXT_KEYS = ("text", "body", "content", "article", "full_text", "maintext", "description")
_HTML_KEYS = ("html", "raw_html", "content_html")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "datetime",
              "date_publish", "timestamp", "seendate")
_URL_KEYS = ("url", "link", "uri")
_SOURCE_KEYS = ("source", "outlet", "publisher", "sitename", "site_name", "domain")


# --------------------------------------------------------------------------- helpers


def fmt_mb(n: float) -> str:
    """Human size in decimal units, e.g. ``52.4 MB`` / ``20 MB`` / ``60.0 kB``."""
    unit, div = ("MB", 1e6) if n >= 1e6 else ("kB", 1e3)
    return f"{n / div:.0f} {unit}" if n % div == 0 else f"{n / div:.1f} {unit}"


def clean_text(text: str) -> str:
    """Normalise line endings and trim; offsets downstream index this exact string."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def html_to_text(markup: str) -> str:
    """Plain text from an HTML fragment (feed summaries, JSON ``html`` fields).

    Block elements become line breaks so sentences from different paragraphs
    are never glued together.
    """
    if not markup or "<" not in markup:
        return clean_text(markup or "")
    import lxml.html

    markup = _XML_DECL.sub("", markup.replace("\x00", ""))
    try:
        root = lxml.html.fromstring(f"<div>{markup}</div>")
    except Exception:
        return clean_text(re.sub(r"<[^>]+>", " ", markup))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return clean_text(text)


def _looks_like_headline(line: str) -> bool:
    """A first line that reads as a title: short, capitalised, not a sentence."""
    s = line.strip()
    words = s.split()
    if not (2 <= len(words) <= 30) or len(s) > 250:
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    if not (s[0].isupper() or s[0].isdigit() or s[0] in "\"'‘“"):
        return False
    return sum(c.isalpha() for c in s) >= 0.5 * len(s.replace(" ", ""))


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def _mtime_date(path: Path) -> str | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()
    except (OSError, ValueError, OverflowError):
        return None


_PATH_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_./]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)"
)


def path_date(path: Path) -> str | None:
    """A date written in the file name or its two parent folders (``2011-02-01/12.txt``).

    Corpora are often filed by publication day; that is the file's own date,
    so it beats a batch-wide default. The nearest component wins.
    """
    for part in (path.name, path.parent.name, path.parent.parent.name):
        m = _PATH_DATE.search(part)
        if m:
            nd = normalize_date(f"{m.group(1)}-{m.group(3)}-{m.group(4)}")
            if nd is not None:
                return nd[0]
    return None


class _Ctx:
    """Per-file reading context: origin naming and the fallback date rule."""

    def __init__(self, path: Path, default_date: str | None) -> None:
        self.path = path
        self.origin = str(path)
        self.default_date = default_date

    def rec(self, n: int) -> str:
        return f"{self.origin}#{n}"

    def fallback_date(self) -> tuple[str | None, str]:
        """A date in the path, or default_date, as a stated day; else mtime, marked unknown."""
        from_path = path_date(self.path)
        if from_path:
            return from_path, "day"
        if self.default_date:
            return self.default_date, "day"
        return _mtime_date(self.path), "unknown"


def _pick(obj: dict[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", [], {}):
            return v
    return None


def _as_str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        v = _pick(v, ("name", "title", "text", "value", "href", "url")) or ""
    if isinstance(v, list):
        v = ", ".join(_as_str(x) for x in v if x)
    return str(v).strip()


def _hostname(url: str) -> str:
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


# --------------------------------------------------------------------------- text


def read_text(text: str, ctx: _Ctx) -> Iterator[Item]:
    """Plain text, with an optional header line or ``Key: value`` block."""
    hdr = parse_text_header(text)
    body = clean_text(hdr.body)
    if not body:
        reason = "no text after header" if hdr.found else "empty file"
        yield IngestFailure(ctx.origin, reason)
        return
    title = hdr.title
    if not title:
        first = _first_line(body)
        title = first if _looks_like_headline(first) else ""
    published, precision = ctx.fallback_date()
    if hdr.published:
        published, precision = hdr.published, hdr.date_precision
    yield Article.make(
        body, title=title, source=hdr.source, url=hdr.url, published=published,
        date_precision=precision, origin=ctx.origin, fmt="text",
    )


# --------------------------------------------------------------------------- HTML


def _meta_fallbacks(markup: str) -> dict[str, str]:
    """Metadata trafilatura may miss: OpenGraph/article meta tags, <title>, <p> text."""
    import lxml.html

    out: dict[str, str] = {}
    try:
        root = lxml.html.fromstring(_XML_DECL.sub("", markup))
    except Exception:
        return out
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        val = (meta.get("content") or "").strip()
        if not key or not val:
            continue
        if key in ("article:published_time", "date", "pubdate", "publishdate", "dc.date",
                   "dc.date.issued", "datepublished", "og:published_time", "sailthru.date",
                   "parsely-pub-date") and "date" not in out:
            out["date"] = val
        elif key in ("og:site_name", "application-name", "publisher") and "site" not in out:
            out["site"] = val
        elif key in ("og:title", "twitter:title") and "og_title" not in out:
            out["og_title"] = val
        elif key == "og:url" and "url" not in out:
            out["url"] = val
    for t in root.iter("title"):
        out["title"] = (t.text_content() or "").strip()
        break
    for t in root.iter("time"):
        dt = t.get("datetime")
        if dt and "time" not in out:
            out["time"] = dt
    for bad in root.iter(*_DROP_TAGS, "nav", "footer"):
        bad.drop_tree()
    paras = [" ".join((p.text_content() or "").split()) for p in root.iter("p")]
    out["paras"] = "\n\n".join(p for p in paras if len(p) > 1)
    return out


def _quiet_trafilatura() -> None:
    """trafilatura logs a WARNING for every page it cannot extract; we report those
    as IngestFailures instead, so its chatter is muted unless someone configured it."""
    log = logging.getLogger("trafilatura")
    if log.level == logging.NOTSET:
        log.setLevel(logging.ERROR)


# A large real news page has a few thousand tags; this allows 10x that.
MAX_HTML_TAGS = 60_000


def html_article(
    markup: str, origin: str, fmt: str, url: str = "",
    fallback: tuple[str | None, str] = (None, "unknown"),
) -> Item:
    """Main text and metadata of one HTML page (offline: trafilatura never fetches here)."""
    import trafilatura

    # Extraction time grows with the number of elements: a pathological page
    # (hundreds of thousands of tags) would stall the batch for minutes, so it
    # is refused up front, by a cheap count, as one named failure.
    tags = markup.count("<")
    if tags > MAX_HTML_TAGS:
        return IngestFailure(origin, f"HTML too complex to extract ({tags} tags > {MAX_HTML_TAGS})")
    # Stray NUL bytes (a corrupt download) carry nothing; parsers turn them into junk.
    markup = markup.replace("\x00", "")
    _quiet_trafilatura()
    doc = None
    with contextlib.suppress(Exception):
        doc = trafilatura.bare_extraction(
            markup, url=url or None, with_metadata=True, include_comments=False,
            include_tables=True, deduplicate=False,
        )
    d: dict[str, Any] = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else {}
    meta = _meta_fallbacks(markup)
    text = clean_text(d.get("text") or "")
    if not text:
        # Short pages fall under trafilatura's minimum size; plain <p> text still counts.
        paras = clean_text(meta.get("paras", ""))
        if len(paras) >= 40:
            text = paras
    if not text:
        low = markup.lower()
        if "</html>" not in low and "</body>" not in low:
            return IngestFailure(origin, "truncated HTML: no text extracted")
        return IngestFailure(origin, "HTML: no text extracted")
    raw_title = meta.get("title", "")
    title = _as_str(d.get("title")) or meta.get("og_title", "") or raw_title
    source = _as_str(d.get("sitename")) or meta.get("site", "")
    if not source and raw_title and title and raw_title != title:
        # "Headline - Outlet" in <title> where trafilatura kept only the headline.
        t2, s2 = split_title_source(raw_title.replace(" | ", " - "))
        if t2 == title and 0 < len(s2) <= 60:
            source = s2
    url = url or _as_str(d.get("url")) or meta.get("url", "")
    if not source and url:
        source = _hostname(url)
    published: str | None = fallback[0]
    precision = fallback[1]
    for cand in (meta.get("date"), d.get("date"), meta.get("time")):
        nd = normalize_date(cand)
        if nd is not None:
            published, precision = nd
            break
    return Article.make(
        text, title=title, source=source, url=url, published=published,
        date_precision=precision, origin=origin, fmt=fmt,
    )


def read_html(text: str, ctx: _Ctx) -> Iterator[Item]:
    yield html_article(text, ctx.origin, "html", fallback=ctx.fallback_date())


# --------------------------------------------------------------------------- feeds


def read_feed(data: bytes, ctx: _Ctx) -> Iterator[Item]:
    """RSS/Atom: one Article per item; full content preferred over the summary."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    msg = _feed_error(exc)
    # A broken feed often yields one hollow entry; only entries with content count.
    usable = [e for e in entries if e.get("title") or e.get("summary") or e.get("content")]
    if not usable:
        if exc is not None:
            yield IngestFailure(ctx.origin, f"invalid feed: {msg}")
        else:
            yield IngestFailure(ctx.origin, "feed has no items")
        return
    feed = parsed.get("feed") or {}
    feed_title = html_to_text(_as_str(feed.get("title")))
    feed_link = _as_str(feed.get("link"))
    for n, entry in enumerate(entries, 1):
        if not any(entry is u for u in usable):
            continue
        try:
            yield _feed_entry(entry, ctx, n, feed_title, feed_link)
        except Exception as e:  # one bad item must not lose the rest
            yield IngestFailure(ctx.rec(n), f"feed item {n}: {type(e).__name__}: {e}")
    if exc is not None and "SAX" in type(exc).__name__:
        # Truncated XML: the items before the break are kept, the file is still reported.
        yield IngestFailure(ctx.origin, f"invalid feed: {msg} ({len(usable)} items recovered)")


def _feed_error(exc: object) -> str:
    if exc is None:
        return "malformed XML"
    text = " ".join(str(exc).split())
    text = re.sub(r"^<unknown>:\d+:\d+:\s*", "", text)
    return text[:160] or type(exc).__name__


def _feed_entry(entry: Any, ctx: _Ctx, n: int, feed_title: str, feed_link: str) -> Item:
    bodies = [c.get("value", "") for c in (entry.get("content") or []) if c.get("value")]
    body = max(bodies, key=len) if bodies else ""
    summary = _as_str(entry.get("summary"))
    text = html_to_text(body) if body else ""
    if len(text) < len(html_to_text(summary)):
        text = html_to_text(summary)
    title = html_to_text(_as_str(entry.get("title")))
    if not text:
        text = title
    if not text:
        return IngestFailure(ctx.rec(n), f"feed item {n}: no text")
    published: str | None = None
    precision = "unknown"
    for key in ("published", "updated", "created", "dc_date"):
        nd = normalize_date(entry.get(key))
        if nd is not None:
            published, precision = nd
            break
    else:
        for key in ("published_parsed", "updated_parsed"):
            st = entry.get(key)
            if st:
                published, precision = f"{st[0]:04d}-{st[1]:02d}-{st[2]:02d}", "day"
                break
        else:
            published, precision = ctx.fallback_date()
    url = _as_str(entry.get("link")) or _as_str(entry.get("id"))
    source = feed_title or _hostname(feed_link) or _hostname(url)
    if isinstance(entry.get("source"), dict) and entry["source"].get("title"):
        source = _as_str(entry["source"]["title"])  # aggregator feeds name the outlet per item
    return Article.make(
        text, title=title, source=source, url=url, published=published,
        date_precision=precision, origin=ctx.rec(n), fmt="rss",
    )


# --------------------------------------------------------------------------- JSONL


def record_article(obj: Any, origin: str, where: str, ctx: _Ctx) -> Item:
    """One JSON record to an Article; ``where`` names it in failure reasons."""
    if not isinstance(obj, dict):
        return IngestFailure(origin, f"{where}: not a JSON object")
    raw = _pick(obj, _TEXT_KEYS)
    text = ""
    if isinstance(raw, str):
        text = html_to_text(raw) if _HTMLISH.search(raw) else clean_text(raw)
    elif raw is not None:
        return IngestFailure(origin, f"{where}: 'text' is not a string")
    url = _as_str(_pick(obj, _URL_KEYS))
    if not text:
        html = _pick(obj, _HTML_KEYS)
        if isinstance(html, str) and html.strip():
            item = html_article(html, origin, "jsonl", url=url, fallback=ctx.fallback_date())
            if isinstance(item, IngestFailure):
                return IngestFailure(origin, f"{where}: {item.reason}")
            text = item.text
    if not text:
        missing = "empty 'text'" if any(k in obj for k in _TEXT_KEYS) else "missing 'text'"
        return IngestFailure(origin, f"{where}: {missing}")
    nd = normalize_date(_pick(obj, _DATE_KEYS))
    published, precision = nd if nd is not None else ctx.fallback_date()
    title = html_to_text(_as_str(_pick(obj, _TITLE_KEYS)))
    source = _as_str(_pick(obj, _SOURCE_KEYS)) or _hostname(url)
    return Article.make(
        text, title=title, source=source, url=url, published=published,
        date_precision=precision, origin=origin, fmt="jsonl",
    )


def jsonl_line(line: str, n: int, ctx: _Ctx) -> Item | None:
    """Line ``n`` of a JSONL file as an Article or a named failure; None when blank.

    A line holding NUL bytes is corrupt (a zero-filled block after a crash,
    a bad copy): it fails on its own, naming the line, while its neighbours
    are read as usual.
    """
    line = line.strip()
    if not line:
        return None
    where, origin = f"JSONL line {n}", ctx.rec(n)
    nul = line.count("\x00")
    if nul:
        return IngestFailure(origin, f"{where}: corrupt line ({nul} NUL byte{'s' if nul > 1 else ''})")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return IngestFailure(origin, f"{where}: invalid JSON ({e.msg} at column {e.colno})")
    except RecursionError:
        return IngestFailure(origin, f"{where}: JSON nested too deeply")
    return record_article(obj, origin, where, ctx)


def read_jsonl(text: str, ctx: _Ctx) -> Iterator[Item]:
    """JSON Lines; also a JSON array of records or one (pretty-printed) object."""
    stripped = text.strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n" in stripped):
        try:
            whole = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            whole = None
        if isinstance(whole, list):
            if whole and not any(isinstance(o, dict) for o in whole):
                yield IngestFailure(ctx.origin, "JSON array holds no records (no objects)")
                return
            for n, obj in enumerate(whole, 1):
                yield record_article(obj, ctx.rec(n), f"JSON record {n}", ctx)
            if not whole:
                yield IngestFailure(ctx.origin, "empty JSON array")
            return
        if isinstance(whole, dict):
            yield record_article(whole, ctx.rec(1), "JSON record 1", ctx)
            return
    seen = False
    for n, line in enumerate(text.split("\n"), 1):
        item = jsonl_line(line, n, ctx)
        if item is not None:
            seen = True
            yield item
    if not seen:
        yield IngestFailure(ctx.origin, "empty file")


# --------------------------------------------------------------------------- WARC

_HTML_CT = ("text/html", "application/xhtml")


def _charset(ctype: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", ctype or "", re.I)
    return m.group(1).lower() if m else None


def read_warc(path: Path, ctx: _Ctx, max_bytes: int = 20_000_000,
              records: tuple[int, int] | None = None) -> Iterator[Item]:
    """WARC/WARC.gz: HTML ``response`` and ``resource`` records through the HTML reader.

    A crawl is a container of many pages, so the size limit applies to each
    record, not to the file: a multi-GB WARC streams record by record.
    ``records=(first, last)`` (1-based, inclusive) reads only that slice, so a
    scale-out engine can shard one crawl; file-level verdicts are then left to
    whoever reads the whole file.
    """
    from warcio.archiveiterator import ArchiveIterator

    found = typed = 0
    n = 0
    try:
        with open(path, "rb") as fh:
            for n, rec in enumerate(ArchiveIterator(fh), 1):  # noqa: B007 - n used after loop
                if rec.rec_type:
                    typed += 1
                if records is not None and not records[0] <= n <= records[1]:
                    if n > records[1]:
                        break
                    continue
                if rec.rec_type == "response":
                    if rec.http_headers is None:
                        continue
                    status = rec.http_headers.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue
                    ctype = rec.http_headers.get_header("Content-Type") or ""
                elif rec.rec_type == "resource":
                    ctype = rec.rec_headers.get_header("Content-Type") or ""
                else:
                    continue
                declared = rec.rec_headers.get_header("Content-Length") or "0"
                if declared.isdigit() and int(declared) > max_bytes:
                    found += 1
                    yield IngestFailure(ctx.rec(n), f"WARC record {n} too large "
                                        f"({fmt_mb(int(declared))} > {fmt_mb(max_bytes)})")
                    continue
                payload = rec.content_stream().read(max_bytes + 1)
                missing = getattr(rec.raw_stream, "limit", 0)
                if isinstance(missing, int) and missing > 0:
                    found += 1
                    yield IngestFailure(ctx.rec(n), f"truncated WARC record {n} ({missing} bytes missing)")
                    continue
                # Missing content type: sniff the payload.
                if not ctype.lower().startswith(_HTML_CT) and (
                    ctype or detect_format(Path("x.html"), payload[:HEAD_BYTES]) != "html"
                ):
                    continue
                found += 1
                origin = ctx.rec(n)
                text, reason = decode_bytes(payload, _charset(ctype))
                if text is None:
                    yield IngestFailure(origin, reason)
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                nd = normalize_date(rec.rec_headers.get_header("WARC-Date"))
                # Capture time bounds publication but is not it: marked "unknown".
                fallback = (nd[0], "unknown") if nd else ctx.fallback_date()
                try:
                    yield html_article(text, origin, "warc", url=url, fallback=fallback)
                except Exception as e:
                    yield IngestFailure(origin, f"WARC record {n}: {type(e).__name__}: {e}")
    except Exception as e:
        msg = " ".join(str(e).split())[:160]
        yield IngestFailure(ctx.origin if n == 0 else ctx.rec(n + 1),
                            f"invalid WARC: {type(e).__name__}: {msg}")
        return
    if records is not None:
        return
    if n and not typed:
        yield IngestFailure(ctx.origin, "invalid WARC: no record has a WARC-Type")
    elif not found:
        yield IngestFailure(ctx.origin, "WARC file has no HTML records")


# --------------------------------------------------------------------------- dispatch


def _read_path(path: Path, ctx: _Ctx, max_bytes: int) -> Iterator[Item]:
    try:
        st = path.stat()
    except FileNotFoundError:
        yield IngestFailure(ctx.origin, "no such file")
        return
    except OSError as e:
        yield IngestFailure(ctx.origin, f"cannot read: {e.strerror or e}")
        return
    if not path.is_file():
        yield IngestFailure(ctx.origin, "not a regular file")
        return
    if st.st_size == 0:
        yield IngestFailure(ctx.origin, "empty file")
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as e:
        yield IngestFailure(ctx.origin, f"cannot read: {e.strerror or e}")
        return
    fmt = detect_format(path, head)
    if fmt == "warc":
        yield from read_warc(path, ctx, max_bytes)
        return
    if st.st_size > max_bytes:
        yield IngestFailure(ctx.origin, f"file too large ({fmt_mb(st.st_size)} > {fmt_mb(max_bytes)})")
        return
    if fmt == "binary":
        kind = binary_kind(head)
        yield IngestFailure(ctx.origin, f"binary file ({kind})" if kind else "binary file")
        return
    data = head if len(head) < HEAD_BYTES else path.read_bytes()
    if len(data) > max_bytes:  # grew since stat()
        yield IngestFailure(ctx.origin, f"file too large ({fmt_mb(len(data))} > {fmt_mb(max_bytes)})")
        return
    if fmt == "rss":
        if b"\x00" in data and bom_encoding(data) not in ("utf-16", "utf-32"):
            data = data.replace(b"\x00", b"")  # stray NULs would break the XML parse
        yield from read_feed(data, ctx)
        return
    text, reason = decode_bytes(data)
    if text is None:
        yield IngestFailure(ctx.origin, reason)
        return
    if not text.strip():
        yield IngestFailure(ctx.origin, "empty file")
        return
    if fmt == "html":
        yield from read_html(text, ctx)
    elif fmt == "jsonl":
        yield from read_jsonl(text, ctx)
    else:
        yield from read_text(text, ctx)


def _check_default_date(default_date: str | None) -> str | None:
    if default_date is None:
        return None
    nd = normalize_date(default_date)
    if nd is None:
        raise ValueError(f"default_date {default_date!r} is not a date (use YYYY-MM-DD)")
    return nd[0]


def read_path(
    path: Path, default_date: str | None = None, max_bytes: int = 20_000_000
) -> Iterator[Item]:
    """Read one file; every problem becomes an IngestFailure, never an exception."""
    path = Path(path)
    ctx = _Ctx(path, _check_default_date(default_date))
    emitted = False
    try:
        for item in _read_path(path, ctx, max_bytes):
            emitted = True
            yield item
    except Exception as e:
        emitted = True
        msg = " ".join(str(e).split())[:160]
        yield IngestFailure(ctx.origin, f"unexpected error: {type(e).__name__}: {msg}")
    if not emitted:
        yield IngestFailure(ctx.origin, "no articles found")


def _walk(root: Path, seen: set[str]) -> Iterator[Path]:
    """Files under ``root``, sorted by name, hidden entries skipped, symlink loops cut."""
    try:
        real = os.path.realpath(root)
    except OSError:
        return
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        yield root  # read_path will report the error
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        p = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(p, seen)
        else:
            yield p


def iter_articles(
    paths: Iterable[str | Path],
    default_date: str | None = None,
    max_bytes: int = 20_000_000,
    dedup: Any = None,
) -> Iterator[Item]:
    """Articles and failures from files and directories (recursive, sorted).

    ``dedup`` is an optional NearDuplicateIndex; when given, each article's
    ``duplicate_of`` is set to the earlier near-identical article, if any.
    """
    default_date = _check_default_date(default_date)
    if isinstance(paths, str | Path):
        paths = [paths]
    for raw in paths:
        p = Path(raw)
        files = _walk(p, set()) if p.is_dir() else iter([p])
        for f in files:
            for item in read_path(f, default_date, max_bytes):
                if dedup is not None and isinstance(item, Article):
                    item.duplicate_of = dedup.add(item)
                yield item
