"""Situation report, timeline, summaries and disagreement lines over a hand-built crisis."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.records import Article, Event, Evidence, Mention, TimeRef
from sitroom.story import (
    describe_event,
    disagreements,
    event_summary,
    render_report_html,
    render_report_markdown,
    render_timeline_text,
    timeline,
)
from sitroom.story._common import clean_text


def _load_scenario() -> ModuleType:
    """Import the shared scenario by path, so the tests need no package layout."""
    spec = importlib.util.spec_from_file_location(
        "_sitroom_story_scenario", Path(__file__).with_name("test_story_scenario.py"))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SCN = _load_scenario()


def _by_id(events: list[Event]) -> dict[str, Event]:
    return {e.id: e for e in events}


# ---------------------------------------------------------------- describe
def test_describe_event_reads_as_one_line() -> None:
    events, mentions, articles = SCN.build()
    line = describe_event(_by_id(events)["ev-strike"], mentions, articles)
    assert line == ("2020-01-08 · ASSAULT (missile) · Iran (IRN MIL) → United States (USA MIL)"
                    " · Ain al-Asad air base, Anbar, IRQ · 3 sources")


def test_describe_event_uses_the_dates_precision() -> None:
    events, mentions, articles = SCN.build()
    line = describe_event(_by_id(events)["ev-1953"], mentions, articles)
    assert line.startswith("1953 · COERCE")
    assert "1953-01-01" not in line


def test_describe_event_survives_an_empty_event() -> None:
    line = describe_event(Event(id="x", event_type="PROTEST"), {}, {})
    assert line == "date unknown · PROTEST · 0 sources"


# ----------------------------------------------------------------- summary
def test_summary_is_extractive_cited_and_earliest_first() -> None:
    events, mentions, articles = SCN.build()
    summ = event_summary(_by_id(events)["ev-strike"], mentions, articles, 2)
    assert len(summ) == 2
    for text, aid in summ:
        assert text in articles[aid].text
    dates = [articles[aid].published for _, aid in summ]
    assert dates == sorted(dates)
    assert summ[0][0].startswith("Iran fired ballistic missiles")   # the lead, not a reaction


def test_summary_drops_near_duplicates() -> None:
    text = "Rebels shelled the town of Qara on Monday, killing four people."
    arts = {f"d{i}": Article(id=f"d{i}", text=text + (" Extra." if i else ""), source=f"O{i}",
                             published=f"2021-03-0{i + 1}") for i in range(3)}
    ms = {f"m{i}": Mention(id=f"m{i}", article_id=f"d{i}", event_type="ASSAULT",
                           sentence=Evidence(f"d{i}", 0, len(text), 0, len(text), text))
          for i in range(3)}
    ev = Event(id="e", event_type="ASSAULT", mention_ids=list(ms), article_ids=list(arts))
    summ = event_summary(ev, ms, arts, 2)
    assert summ == [(text, "d0")]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.integers(0, 400), st.integers(0, 400))
def test_summary_never_crashes_on_odd_offsets(text: str, a: int, b: int) -> None:
    art = Article(id="z", text=text, source="S", published="2022-01-01")
    lo, hi = min(a, b), max(a, b)
    m = Mention(id="m", article_id="z", event_type="ACCUSE",
                trigger=Evidence("z", lo, hi, lo, hi, text[lo:hi]))
    ev = Event(id="e", event_type="ACCUSE", mention_ids=["m"], article_ids=["z"])
    for sent, aid in event_summary(ev, {"m": m}, {"z": art}):
        assert aid == "z"
        assert "\n" not in sent and sent == sent.strip()


# ---------------------------------------------------------------- timeline
def test_timeline_is_chronological_with_background_in_its_own_time() -> None:
    events, mentions, articles = SCN.build()
    undated = Event(id="ev-undated", event_type="ACCUSE", mention_ids=["m4"], article_ids=["a2"],
                    n_sources=1)
    negated = Event(id="ev-neg", event_type="ASSAULT", modality="negated",
                    time=TimeRef("", "2020-01-09", precision="day"))
    entries = timeline([*events, undated, negated], mentions, articles)
    ids = [e.event_id for e in entries]
    assert ids == ["ev-1953", "ev-strike", "ev-threat", "ev-talks", "ev-undated"]
    assert [e.background for e in entries] == [True, False, False, False, False]
    assert entries[1].sources == ["Meridian Wire", "Tigris Post", "Gulf Courier"]
    assert entries[0].precision == "year"
    without = timeline(events, mentions, articles, include_background=False)
    assert "ev-1953" not in [e.event_id for e in without]


def test_old_asserted_event_counts_as_background() -> None:
    events, mentions, articles = SCN.build()
    old = _by_id(events)["ev-1953"]
    old.modality = "asserted"     # extractor missed the modality: the date still tells
    entry = next(e for e in timeline(events, mentions, articles) if e.event_id == "ev-1953")
    assert entry.background


def test_render_timeline_text_lists_sources() -> None:
    events, mentions, articles = SCN.build()
    text = render_timeline_text(timeline(events, mentions, articles), articles)
    lines = text.splitlines()
    assert lines[0].startswith("[background] 1953")
    assert "sources: Meridian Wire, Tigris Post, Gulf Courier" in text
    assert text.index("2020-01-08") < text.index("2020-01-19")


# ----------------------------------------------------------- disagreements
def test_disagreement_line_traces_the_changing_figure() -> None:
    events, mentions, _ = SCN.build()
    strike = _by_id(events)["ev-strike"]
    assert disagreements(strike, mentions) == [
        "injured: 0 (Meridian Wire, 2020-01-08) → 11 (Pentagon via Tigris Post, 2020-01-16)"
        " → 34 (Gulf Courier, 2020-01-24)"
    ]
    assert disagreements(strike)[0].startswith("injured: 0 (Meridian Wire, 2020-01-08) → 11 (Tigris Post")


def test_no_disagreement_when_reports_agree() -> None:
    events, mentions, _ = SCN.build()
    strike = _by_id(events)["ev-strike"]
    for fv in strike.quantities["injured"]:
        fv.value = 11
    assert disagreements(strike, mentions) == []


# ------------------------------------------------------------------ report
def test_markdown_report_has_sections_citations_and_disagreement() -> None:
    events, mentions, articles = SCN.build()
    md = render_report_markdown(events, mentions, articles, generated="2020-01-25")
    for heading in ("# Situation report", "## Key developments", "## Timeline", "## Background",
                    "## Actors", "## Sources"):
        assert heading in md
    assert "2020-01-08 to 2020-01-24" in md and "4 articles from 3 outlets" in md
    key = md[md.index("## Key developments"):md.index("## Timeline")]
    # The strike outranks the threat, which outranks the talks; background is not a key event.
    assert key.index("ASSAULT") < key.index("THREATEN") < key.index("CONSULT")
    assert "1953" not in key
    assert "injured: 0 (Meridian Wire, 2020-01-08) → 11 (Pentagon via Tigris Post, 2020-01-16) → 34" in key
    assert "Claimed by:** IRGC (per Iranian state TV)" in key
    assert "Denied by:** Kataib Hezbollah" in key
    assert re.search(r"Iran fired ballistic missiles .*\. \[\d\]", key)
    background = md[md.index("## Background"):md.index("## Actors")]
    assert "1953 · COERCE" in background and "In 1953, a coup" in background
    sources = md[md.index("## Sources"):]
    for outlet in ("Meridian Wire", "Tigris Post", "Gulf Courier"):
        assert outlet in sources
    assert "https://meridian.example/iraq-base" in sources
    # Every citation number used points at a listed source.
    used = {int(n) for n in re.findall(r"\[(\d+)\]", md[:md.index("## Sources")])}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", sources, re.M)}
    assert used and used <= listed
    actors = md[md.index("## Actors"):md.index("## Sources")]
    assert "| Iran → United States | 0 | 0 | 1 | 1 | 2 |" in actors


def test_html_report_has_same_content_and_highlights_triggers() -> None:
    events, mentions, articles = SCN.build()
    page = render_report_html(events, mentions, articles)
    assert page.startswith("<!DOCTYPE html>")
    for section in ("Key developments", "Timeline", "Background", "Actors", "Sources"):
        assert f"<h2>{section}</h2>" in page
    assert "<mark>fired</mark>" in page
    assert 'href="#src-1"' in page and 'id="src-1"' in page
    assert "→ 11 (Pentagon via Tigris Post, 2020-01-16) → 34" in page
    assert "IRGC (per Iranian state TV)" in page


def _hostile() -> tuple[list[Event], dict[str, Mention], dict[str, Article]]:
    events, mentions, articles = SCN.build()
    a = articles["a1"]
    a.title = "<script>alert(1)</script>\x00\x1b[31mred\u202e" + "x" * 10_000
    a.source = 'Evil "Outlet" <img src=x onerror=alert(2)>'
    a.url = "javascript:alert(3)"
    return events, mentions, articles


def test_html_escapes_hostile_article_text() -> None:
    events, mentions, articles = _hostile()
    page = render_report_html(events, mentions, articles, title="<b>Report</b>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\x00" not in page and "\x1b" not in page and "\u202e" not in page
    assert 'href="javascript:' not in page
    assert "x" * 300 not in page          # the 10,000-char title is cut for display
    assert "<title>&lt;b&gt;Report&lt;/b&gt;</title>" in page
    # Self-contained: no external scripts, styles, fonts or images.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"(src|@import|url\()\s*=?\s*[\"']?https?:", page, re.I)


def test_markdown_neutralises_hostile_article_text() -> None:
    events, mentions, articles = _hostile()
    md = render_report_markdown(events, mentions, articles)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\x00" not in md and "x" * 300 not in md
    assert "<javascript:" not in md


def test_report_with_nothing_to_say_still_renders() -> None:
    md = render_report_markdown([], {}, {})
    page = render_report_html([], {}, {})
    assert "No current events" in md and "No current events" in page
    assert "0 articles from 0 outlets" in md


def test_clean_text_strips_controls_and_truncates() -> None:
    assert clean_text("a\x00b\n\tc", None) == "a b c"
    assert clean_text("y" * 50, 10) == "y" * 9 + "…"


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section",
    "article", "blockquote", "mark", "sup", "a", "ul", "ol", "li", "b", "div", "span", "table",
    "thead", "tbody", "tr", "th", "td",
}


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120), st.text(max_size=60), st.text(max_size=200))
def test_html_never_emits_tags_from_article_text(title: str, outlet: str, url: str) -> None:
    events, mentions, articles = SCN.build()
    for a in articles.values():
        a.title, a.source, a.url = title, outlet, url
    for e in events:
        for act in e.sources:
            act.name = title
    page = render_report_html(events, mentions, articles)
    tags = {t.lower() for t in re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", page)}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith(("#src-", "http://", "https://")), href


def test_timeline_entries_highlight_triggers_in_html() -> None:
    events, mentions, articles = SCN.build()
    page = render_report_html(events, mentions, articles)
    background = page[page.index('id="background"'):page.index('id="actors"')]
    assert "<mark>toppled</mark>" in background


def test_report_tolerates_evidence_from_unknown_articles() -> None:
    events, mentions, articles = SCN.build()
    del articles["a2"]       # the store lost an article: its mentions still carry sentence text
    md = render_report_markdown(events, mentions, articles)
    page = render_report_html(events, mentions, articles)
    assert "Pentagon revises" not in md and "Kataib Hezbollah" in md
    assert "## Sources" in md and "<h2>Sources</h2>" in page
