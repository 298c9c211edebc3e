"""Render the demo articles (``articles.json``) into the five input formats sitroom reads.

Why a generator: the articles live once, as data, so fixing a sentence fixes it everywhere, and
the corpus exercises every ingest path (text, HTML, RSS/Atom, JSONL, WARC) with the same facts.
Output is deterministic (fixed WARC dates and record ids, sorted input), so re-running the
script on an unchanged master copy gives byte-identical files and a clean ``git diff``.

Run with ``python -m sitroom.demo.build_corpus [--out DIR]``.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from sitroom.demo import ARTICLES_JSON, CORPUS_DIR

FORMATS = ("text", "html", "rss", "atom", "jsonl", "warc")
SUBDIRS = ("text", "html", "feeds", "jsonl", "warc")
JSONL_NAME = "demo_articles.jsonl"
WARC_NAME = "demo_crawl.warc.gz"
CRAWL_DELAY = timedelta(hours=2)  # pretend the crawler fetched each page two hours after publication
CRAWLER = "sitroom-demo-crawler/1.0"


@dataclass(frozen=True)
class Outlet:
    """An invented news outlet (name and web domain)."""

    name: str
    domain: str
    kind: str = ""
    base: str = ""

    @property
    def slug(self) -> str:
        """File-name friendly form of the outlet name."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @property
    def home(self) -> str:
        """Home page URL."""
        return f"https://{self.domain}/"


@dataclass(frozen=True)
class DemoArticle:
    """One article of the master copy, before rendering."""

    slug: str
    title: str
    outlet: str
    date: str  # YYYY-MM-DD, day of publication (UTC)
    published: str  # ISO 8601 timestamp with Z
    author: str
    url: str
    body: str  # paragraphs separated by blank lines
    format: str  # text | html | rss | atom | jsonl | warc
    syndicated_from: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        """Body split into paragraphs."""
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def published_dt(self) -> datetime:
        """Publication time as an aware UTC datetime."""
        return datetime.fromisoformat(self.published.replace("Z", "+00:00")).astimezone(UTC)


def load_master(path: Path = ARTICLES_JSON) -> tuple[list[Outlet], list[DemoArticle]]:
    """Read the master copy; articles come back in publication order (stable across runs)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    outlets = [Outlet(**o) for o in data["outlets"]]
    arts = [DemoArticle(**a) for a in data["articles"]]
    arts.sort(key=lambda a: (a.published, a.slug))
    return outlets, arts


def load_articles(path: Path = ARTICLES_JSON) -> list[DemoArticle]:
    """Only the articles of the master copy, in publication order."""
    return load_master(path)[1]


def _numbered(arts: Sequence[DemoArticle]) -> dict[str, int]:
    """Global 1-based running number per slug, so file names sort chronologically."""
    return {a.slug: i for i, a in enumerate(arts, start=1)}


# ---------------------------------------------------------------- text


def render_text(a: DemoArticle) -> str:
    """Plain-text file: ``date YYYY-MM-DD  Title - Outlet``, a blank line, then the body."""
    if " - " in a.title or "\n" in a.title:
        raise ValueError(f"title would break the text header: {a.title!r}")
    return f"date {a.date}  {a.title} - {a.outlet}\n\n" + "\n\n".join(a.paragraphs) + "\n"


# ---------------------------------------------------------------- html


def _nav(outlet: Outlet) -> str:
    sections = ("World", "Middle East", "Politics", "Business", "Opinion")
    links = "\n".join(
        f'        <li><a href="{outlet.home}{s.lower().replace(" ", "-")}/">{s}</a></li>'
        for s in sections
    )
    return (
        '  <header class="site-header">\n'
        f'    <a class="logo" href="{outlet.home}">{html.escape(outlet.name)}</a>\n'
        '    <nav aria-label="Sections">\n      <ul>\n'
        f"{links}\n      </ul>\n    </nav>\n"
        '    <form class="search" action="/search"><input name="q" placeholder="Search"></form>\n'
        "  </header>\n"
    )


def _footer(outlet: Outlet, year: int) -> str:
    return (
        '  <footer class="site-footer">\n'
        '    <p><a href="/about/">About us</a> | <a href="/contact/">Contact</a> | '
        '<a href="/privacy/">Privacy policy</a> | <a href="/terms/">Terms of use</a></p>\n'
        f"    <p>&copy; {year} {html.escape(outlet.name)}. All rights reserved.</p>\n"
        "    <p>Sign up for our morning briefing: the day's top stories in your inbox.</p>\n"
        "  </footer>\n"
    )


def _author_type(author: str, outlet: Outlet) -> str:
    """Bylines like "Crescent Wire staff" name an organisation, not a person."""
    low = author.lower()
    if low.endswith((" staff", " desk")) or low.endswith(("wire", "agency")) or author == outlet.name:
        return "Organization"
    return "Person"


def render_html(a: DemoArticle, outlet: Outlet) -> str:
    """A realistic article page: head metadata, site chrome around an ``<article>``."""
    e = html.escape
    ts = a.published_dt
    iso = ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    human = f"{ts.strftime('%B')} {ts.day}, {ts.year}"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": iso,
        "author": {"@type": _author_type(a.author, outlet), "name": a.author},
        "publisher": {"@type": "Organization", "name": outlet.name},
        "mainEntityOfPage": a.url,
    }
    ld_json = json.dumps(ld, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    paras = "\n".join(f"      <p>{e(p)}</p>" for p in a.paragraphs)
    teaser = e(a.paragraphs[0][:200])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n'
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{e(a.title)} | {e(outlet.name)}</title>\n"
        f'  <meta name="description" content="{teaser}">\n'
        f'  <meta name="author" content="{e(a.author)}">\n'
        f'  <meta property="og:site_name" content="{e(outlet.name)}">\n'
        '  <meta property="og:type" content="article">\n'
        f'  <meta property="og:title" content="{e(a.title)}">\n'
        f'  <meta property="og:url" content="{e(a.url)}">\n'
        f'  <meta property="article:published_time" content="{iso}">\n'
        '  <meta property="article:section" content="Middle East">\n'
        f'  <link rel="canonical" href="{e(a.url)}">\n'
        '  <link rel="stylesheet" href="/static/site.css">\n'
        f'  <script type="application/ld+json">{ld_json}</script>\n'
        "</head>\n<body>\n"
        + _nav(outlet)
        + '  <main id="content">\n'
        + "    <article>\n"
        + f"      <h1>{e(a.title)}</h1>\n"
        + f'      <p class="byline">By {e(a.author)} | <time datetime="{iso}">{human}</time></p>\n'
        + f"{paras}\n"
        + "    </article>\n"
        + '    <aside class="related">\n'
        + "      <h2>More from Middle East</h2>\n"
        + f'      <ul><li><a href="{outlet.home}middle-east/">Latest regional coverage</a></li></ul>\n'
        + "    </aside>\n"
        + "  </main>\n"
        + _footer(outlet, ts.year)
        + "</body>\n</html>\n"
    )


# ---------------------------------------------------------------- feeds


def _html_fragment(a: DemoArticle) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in a.paragraphs)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_rss(items: Sequence[DemoArticle], outlet: Outlet) -> str:
    """RSS 2.0 feed, newest item first, full text in ``content:encoded``."""
    newest = max(a.published_dt for a in items)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n',
        "<channel>\n",
        f"  <title>{xml_escape(outlet.name)}</title>\n",
        f"  <link>{outlet.home}</link>\n",
        f'  <atom:link href="{outlet.home}feeds/middle-east.rss" rel="self" type="application/rss+xml"/>\n',
        f"  <description>{xml_escape(outlet.name)}: news and analysis from Iran and the Gulf</description>\n",
        "  <language>en</language>\n",
        f"  <lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n",
    ]
    for a in sorted(items, key=lambda x: (x.published, x.slug), reverse=True):
        parts += [
            "  <item>\n",
            f"    <title>{xml_escape(a.title)}</title>\n",
            f"    <link>{xml_escape(a.url)}</link>\n",
            f'    <guid isPermaLink="true">{xml_escape(a.url)}</guid>\n',
            f"    <pubDate>{format_datetime(a.published_dt)}</pubDate>\n",
            f"    <dc:creator>{xml_escape(a.author)}</dc:creator>\n",
            "    <category>Middle East</category>\n",
            f"    <description>{xml_escape(a.paragraphs[0])}</description>\n",
            f"    <content:encoded>{_cdata(_html_fragment(a))}</content:encoded>\n",
            "  </item>\n",
        ]
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def render_atom(items: Sequence[DemoArticle], outlet: Outlet) -> str:
    """Atom 1.0 feed, newest entry first, full text as escaped HTML in ``content``."""
    def stamp(dt: datetime) -> str:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")

    newest = max(a.published_dt for a in items)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n',
        f"  <title>{xml_escape(outlet.name)}</title>\n",
        "  <subtitle>World news</subtitle>\n",
        f"  <id>{outlet.home}feeds/world.atom</id>\n",
        f'  <link rel="self" href="{outlet.home}feeds/world.atom"/>\n',
        f'  <link rel="alternate" type="text/html" href="{outlet.home}"/>\n',
        f"  <updated>{stamp(newest)}</updated>\n",
    ]
    for a in sorted(items, key=lambda x: (x.published, x.slug), reverse=True):
        parts += [
            "  <entry>\n",
            f"    <title>{xml_escape(a.title)}</title>\n",
            f'    <link rel="alternate" type="text/html" href="{xml_escape(a.url)}"/>\n',
            f"    <id>{xml_escape(a.url)}</id>\n",
            f"    <published>{stamp(a.published_dt)}</published>\n",
            f"    <updated>{stamp(a.published_dt)}</updated>\n",
            f"    <author><name>{xml_escape(a.author)}</name></author>\n",
            f"    <summary>{xml_escape(a.paragraphs[0])}</summary>\n",
            f'    <content type="html">{xml_escape(_html_fragment(a))}</content>\n',
            "  </entry>\n",
        ]
    parts.append("</feed>\n")
    return "".join(parts)


# ---------------------------------------------------------------- jsonl


def render_jsonl(items: Iterable[DemoArticle]) -> str:
    """One JSON object per line with the keys title, text, date, url, source."""
    lines = []
    for a in items:
        obj = {
            "title": a.title,
            "text": "\n\n".join(a.paragraphs),
            "date": a.published,
            "url": a.url,
            "source": a.outlet,
        }
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- warc


def _warc_stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_id(key: str) -> str:
    """Stable record id so the WARC is byte-identical across runs."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sitroom-demo:' + key)}>"


def render_warc(items: Sequence[DemoArticle], outlets: dict[str, Outlet]) -> bytes:
    """Gzipped WARC: one warcinfo record, then an HTTP response record per crawled page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    first = min(a.published_dt for a in items)
    info_date = _warc_stamp(first)
    info = writer.create_warcinfo_record(
        WARC_NAME,
        {"software": CRAWLER, "format": "WARC File Format 1.0",
         "description": "sitroom demo crawl (invented outlets, text written for the project)"},
    )
    info.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo"))
    info.rec_headers.replace_header("WARC-Date", info_date)
    writer.write_record(info)
    for a in sorted(items, key=lambda x: (x.published, x.slug)):
        body = render_html(a, outlets[a.outlet]).encode("utf-8")
        fetched = a.published_dt + CRAWL_DELAY
        http_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Date", format_datetime(fetched, usegmt=True)),
                ("Last-Modified", format_datetime(a.published_dt, usegmt=True)),
                ("Server", "nginx"),
                ("Cache-Control", "max-age=300"),
            ],
            protocol="HTTP/1.1",
        )
        rec = writer.create_warc_record(
            a.url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Record-ID": _record_id(a.url),
                "WARC-Date": _warc_stamp(fetched),
            },
        )
        writer.write_record(rec)
    return buf.getvalue()


# ---------------------------------------------------------------- build


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def build(out_dir: Path = CORPUS_DIR, master: Path = ARTICLES_JSON) -> dict[str, int]:
    """Regenerate the corpus under ``out_dir``; returns how many articles each format got.

    The five format folders are wiped first so renamed or removed articles leave no stale files.
    """
    outlets_list, arts = load_master(master)
    outlets = {o.name: o for o in outlets_list}
    unknown = sorted({a.format for a in arts} - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown formats in master copy: {unknown}")
    missing = sorted({a.outlet for a in arts} - set(outlets))
    if missing:
        raise ValueError(f"articles name outlets missing from the outlet list: {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in SUBDIRS:
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    num = _numbered(arts)
    by_fmt: dict[str, list[DemoArticle]] = {f: [a for a in arts if a.format == f] for f in FORMATS}

    for a in by_fmt["text"]:
        _write(out_dir / "text" / f"{num[a.slug]:03d}_{a.slug}.txt", render_text(a))
    for a in by_fmt["html"]:
        _write(out_dir / "html" / f"{num[a.slug]:03d}_{a.slug}.html", render_html(a, outlets[a.outlet]))
    for fmt, render in (("rss", render_rss), ("atom", render_atom)):
        groups: dict[str, list[DemoArticle]] = {}
        for a in by_fmt[fmt]:
            groups.setdefault(a.outlet, []).append(a)
        for name, items in sorted(groups.items()):
            o = outlets[name]
            _write(out_dir / "feeds" / f"{o.slug}.{fmt}.xml", render(items, o))
    if by_fmt["jsonl"]:
        _write(out_dir / "jsonl" / JSONL_NAME, render_jsonl(by_fmt["jsonl"]))
    if by_fmt["warc"]:
        path = out_dir / "warc" / WARC_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_warc(by_fmt["warc"], outlets))
    return {f: len(v) for f, v in by_fmt.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CORPUS_DIR, help="output folder (default: the bundled corpus)")
    parser.add_argument("--master", type=Path, default=ARTICLES_JSON, help="articles JSON master copy")
    args = parser.parse_args(argv)
    counts = build(args.out, args.master)
    total = sum(counts.values())
    summary = ", ".join(f"{k}={v}" for k, v in counts.items())
    print(f"wrote {total} articles to {args.out} ({summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
