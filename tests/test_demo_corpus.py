"""The bundled demo corpus: size, spread over formats and outlets, dates, and reproducibility.

The corpus files are parsed directly here (not through sitroom.ingest) so this test pins the
corpus itself, independently of the ingest code that reads it.
"""

from __future__ import annotations

import difflib
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from sitroom.demo import ARTICLES_JSON, CORPUS_DIR
from sitroom.demo.build_corpus import (
    DemoArticle,
    Outlet,
    build,
    load_articles,
    load_master,
    render_html,
    render_text,
)

FIRST, LAST = date(2019, 12, 27), date(2020, 1, 31)
HEADER_RE = re.compile(r"^date (\d{4}-\d{2}-\d{2})  (.+) - ([^-].*)$")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


class _PageParser(HTMLParser):
    """Pull site name, publication time, headline and article paragraphs out of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.h1 = ""
        self.paras: list[str] = []
        self._in_article = 0
        self._tag: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        elif tag == "article":
            self._in_article += 1
        elif self._in_article and tag in ("h1", "p") and "class" not in a:
            self._tag, self._buf = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1
        elif tag == self._tag:
            text = "".join(self._buf)
            if tag == "h1":
                self.h1 = text
            else:
                self.paras.append(text)
            self._tag = None

    def handle_data(self, data: str) -> None:
        if self._tag:
            self._buf.append(data)


def _page(html_text: str) -> _PageParser:
    p = _PageParser()
    p.feed(html_text)
    p.close()
    return p


def _collect(corpus: Path) -> list[dict[str, str]]:
    """Every article in the corpus as {fmt, date, outlet, title, text}, read straight from disk."""
    out: list[dict[str, str]] = []
    for f in sorted((corpus / "text").glob("*.txt")):
        lines = f.read_text(encoding="utf-8").split("\n")
        m = HEADER_RE.match(lines[0])
        assert m, f"bad header in {f.name}: {lines[0]!r}"
        assert lines[1] == "", f"{f.name}: header must be followed by a blank line"
        out.append({"fmt": "text", "date": m[1], "title": m[2], "outlet": m[3],
                    "text": "\n".join(lines[2:]).strip()})
    for f in sorted((corpus / "html").glob("*.html")):
        p = _page(f.read_text(encoding="utf-8"))
        out.append({"fmt": "html", "date": p.meta["article:published_time"][:10],
                    "outlet": p.meta["og:site_name"], "title": p.h1, "text": "\n\n".join(p.paras)})
    for f in sorted((corpus / "feeds").glob("*.xml")):
        root = ET.parse(f).getroot()
        if root.tag == "rss":
            chan = root.find("channel")
            assert chan is not None
            outlet = chan.findtext("title", "")
            for item in chan.findall("item"):
                day = parsedate_to_datetime(item.findtext("pubDate", "")).date().isoformat()
                body = _page("<article>" + item.findtext(CONTENT, "") + "</article>")
                out.append({"fmt": "rss", "date": day, "outlet": outlet,
                            "title": item.findtext("title", ""), "text": "\n\n".join(body.paras)})
        else:
            assert root.tag == f"{ATOM}feed"
            outlet = root.findtext(f"{ATOM}title", "")
            for entry in root.findall(f"{ATOM}entry"):
                body = _page("<article>" + entry.findtext(f"{ATOM}content", "") + "</article>")
                out.append({"fmt": "atom", "date": entry.findtext(f"{ATOM}published", "")[:10],
                            "outlet": outlet, "title": entry.findtext(f"{ATOM}title", ""),
                            "text": "\n\n".join(body.paras)})
    for f in sorted((corpus / "jsonl").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            assert set(obj) == {"title", "text", "date", "url", "source"}
            out.append({"fmt": "jsonl", "date": obj["date"][:10], "outlet": obj["source"],
                        "title": obj["title"], "text": obj["text"]})
    for f in sorted((corpus / "warc").glob("*.warc.gz")):
        with f.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response":
                    continue
                assert rec.http_headers.get_statuscode() == "200"
                p = _page(rec.content_stream().read().decode("utf-8"))
                out.append({"fmt": "warc", "date": p.meta["article:published_time"][:10],
                            "outlet": p.meta["og:site_name"], "title": p.h1,
                            "text": "\n\n".join(p.paras)})
    return out


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, str]]:
    return _collect(CORPUS_DIR)


def test_corpus_size_formats_and_outlets(corpus: list[dict[str, str]]) -> None:
    assert len(corpus) >= 40
    per_fmt = {f: sum(1 for a in corpus if a["fmt"] == f) for f in ("text", "html", "jsonl", "warc")}
    per_fmt["feeds"] = sum(1 for a in corpus if a["fmt"] in ("rss", "atom"))
    assert all(n >= 6 for n in per_fmt.values()), per_fmt  # roughly even spread
    assert len({a["outlet"] for a in corpus}) >= 6
    assert all(a["title"] and a["outlet"] for a in corpus)


def test_corpus_matches_master_copy(corpus: list[dict[str, str]]) -> None:
    master = load_articles()
    assert len(corpus) == len(master)
    assert sorted(a["title"] for a in corpus) == sorted(a.title for a in master)
    by_title = {a.title: a for a in master}
    for a in corpus:
        assert a["text"] == "\n\n".join(by_title[a["title"]].paragraphs), a["title"]


def test_every_article_dated_inside_the_crisis_window(corpus: list[dict[str, str]]) -> None:
    for a in corpus:
        assert FIRST <= date.fromisoformat(a["date"]) <= LAST, (a["title"], a["date"])


def test_articles_are_short_news_reports() -> None:
    arts = load_articles()
    for a in arts:
        assert 120 <= len(a.body.split()) <= 350, a.slug
        assert len(a.paragraphs) >= 4, a.slug
        assert a.date == a.published[:10]
        assert a.url.startswith("https://") and a.slug in a.url
    assert len({a.slug for a in arts}) == len(arts)
    assert len({a.url for a in arts}) == len(arts)


def test_each_major_event_is_covered_by_several_outlets() -> None:
    arts = load_articles()
    events = {
        "kirkuk attack": r"K-1|Kirkuk",
        "strikes on militia": r"five (?:Kataib Hezbollah )?(?:sites|facilities)|three (?:sites|locations) in Iraq",
        "embassy storming": r"embassy compound|outer compound",
        "soleimani killing": r"killed .*Soleimani|Soleimani.* killed|killing of .*Soleimani",
        "missile strike": r"Ain al-Asad",
        "airliner": r"PS752|Ukrainian (?:airliner|passenger jet|jet)",
        "injury counts": r"concussion|traumatic brain injur",
    }
    for name, pattern in events.items():
        outlets = {a.outlet for a in arts if re.search(pattern, a.body)}
        assert len(outlets) >= 3, (name, outlets)


def test_one_syndicated_pair_is_near_identical() -> None:
    arts = load_articles()
    copies = [a for a in arts if a.syndicated_from]
    assert len(copies) == 1
    copy = copies[0]
    orig = next(a for a in arts if a.slug == copy.syndicated_from)
    assert copy.outlet != orig.outlet and copy.title != orig.title and copy.format != orig.format
    ratio = difflib.SequenceMatcher(None, orig.body, copy.body).ratio()
    assert 0.9 < ratio < 1.0
    assert len(copy.paragraphs) == len(orig.paragraphs) - 1


def test_build_is_deterministic_and_committed_corpus_is_current(tmp_path: Path) -> None:
    counts = build(tmp_path / "a")
    build(tmp_path / "b")
    assert sum(counts.values()) == len(load_articles())
    fresh = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    again = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(CORPUS_DIR) for p in CORPUS_DIR.rglob("*") if p.is_file())
    assert fresh == again == shipped
    for rel in fresh:
        data = (tmp_path / "a" / rel).read_bytes()
        assert data == (tmp_path / "b" / rel).read_bytes(), rel
        assert data == (CORPUS_DIR / rel).read_bytes(), f"{rel} is stale: rerun build_corpus"


def test_build_rejects_titles_that_break_the_text_header(tmp_path: Path) -> None:
    data = json.loads(ARTICLES_JSON.read_text(encoding="utf-8"))
    first_text = next(a for a in data["articles"] if a["format"] == "text")
    first_text["title"] = "Left - right"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="text header"):
        build(tmp_path / "out", bad)


def test_outlets_are_invented() -> None:
    outlets, _ = load_master()
    assert all(o.domain.endswith(".example") for o in outlets)


_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                 min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def _articles(draw: st.DrawFn) -> DemoArticle:
    title = draw(_words.filter(lambda t: " - " not in t and not t.endswith(" -")))
    outlet = draw(_words.filter(lambda t: " - " not in t and not t.startswith("-")))
    paras = draw(st.lists(_words, min_size=1, max_size=5))
    day = draw(st.dates(min_value=FIRST, max_value=LAST))
    return DemoArticle(slug="x", title=title, outlet=outlet, date=day.isoformat(),
                       published=f"{day.isoformat()}T12:00:00Z", author=draw(_words),
                       url="https://www.example.example/x", body="\n\n".join(paras), format="text")


@settings(max_examples=60, deadline=None)
@given(_articles())
def test_text_and_html_renderings_round_trip(a: DemoArticle) -> None:
    lines = render_text(a).split("\n")
    m = HEADER_RE.match(lines[0])
    assert m and (m[1], m[2], m[3]) == (a.date, a.title, a.outlet)
    assert "\n".join(lines[2:]).strip() == "\n\n".join(a.paragraphs)
    page = _page(render_html(a, Outlet(name=a.outlet, domain="www.example.example")))
    assert page.h1 == a.title
    assert page.paras == a.paragraphs
    assert page.meta["og:site_name"] == a.outlet
    assert page.meta["article:published_time"].startswith(a.date)
