"""Plain-text article headers.

Two conventions are common in scraped corpora: a one-line
``date YYYY-MM-DD  Title - Source`` header, and an e-mail-like block of
``Title:``/``Date:``/``Source:``/``URL:`` lines. Both carry metadata that must
not leak into the article text (extractors would read the title twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitroom.ingest.dates import normalize_date

_LINE_HEADER = re.compile(
    r"^[ \t]*date[ \t]+(\d{4}-\d{1,2}-\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?Z?)?(?:[ \t]+(.*))?$",
    re.I,
)
_KV_LINE = re.compile(r"^[ \t]*(title|headline|date|published|source|outlet|url|link)[ \t]*:[ \t]*(.*)$", re.I)
_KV_MAP = {
    "title": "title", "headline": "title", "date": "date", "published": "date",
    "source": "source", "outlet": "source", "url": "url", "link": "url",
}
SEP = " - "


@dataclass
class TextHeader:
    """Metadata parsed from the top of a text file, and the body without it."""

    body: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str | None = None
    date_precision: str = "unknown"
    found: bool = False


def split_title_source(rest: str) -> tuple[str, str]:
    """Split ``Title - Source`` at the LAST separator (titles may contain dashes)."""
    rest = rest.strip()
    if SEP in rest:
        title, source = rest.rsplit(SEP, 1)
        return title.strip(), source.strip()
    if rest.endswith(" -"):
        return rest[:-2].strip(), ""
    return rest, ""


def format_header(published: str, title: str, source: str = "") -> str:
    """Build a one-line header; the inverse of :func:`parse_text_header`."""
    rest = f"{title}{SEP}{source}" if source else title
    return f"date {published}  {rest}"


def parse_text_header(text: str) -> TextHeader:
    """Strip a leading header from ``text`` and return what it said.

    Never raises: text without a recognisable header comes back unchanged
    with ``found=False``.
    """
    first, nl, rest = text.partition("\n")
    m = _LINE_HEADER.match(first.rstrip("\r"))
    if m:
        nd = normalize_date(m.group(1))
        if nd is not None:
            title, source = split_title_source(m.group(2) or "")
            return TextHeader(
                body=rest if nl else "", title=title, source=source,
                published=nd[0], date_precision=nd[1], found=True,
            )
    return _parse_kv_block(text)


def _parse_kv_block(text: str) -> TextHeader:
    lines = text.split("\n")
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines):
        m = _KV_LINE.match(lines[i].rstrip("\r"))
        if not m:
            break
        key = _KV_MAP[m.group(1).lower()]
        if key in fields:
            break
        fields[key] = m.group(2).strip()
        i += 1
    # A block needs two recognised keys (or one followed by a blank line) so a
    # body line like "Source: the ministry" is not mistaken for metadata.
    ends_blank = i >= len(lines) or not lines[i].strip()
    if not fields or (len(fields) < 2 and not ends_blank) or i == start:
        return TextHeader(body=text)
    hdr = TextHeader(body="\n".join(lines[i:]), found=True)
    hdr.title = fields.get("title", "")
    hdr.source = fields.get("source", "")
    hdr.url = fields.get("url", "")
    nd = normalize_date(fields["date"]) if fields.get("date") else None
    if nd is not None:
        hdr.published, hdr.date_precision = nd
    return hdr
