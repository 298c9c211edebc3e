"""Stories: grouping events into ongoing stories, story timelines, cited summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.records import Actor, Article, Event, Evidence, FieldValue, Mention, PlaceRef, TimeRef
from sitroom.story import (
    build_stories,
    render_summary_markdown,
    render_summary_text,
    story_timeline,
    summarize_story,
)


def _art(aid: str, day: str, source: str, text: str) -> Article:
    return Article(id=aid, text=text, title="", source=source, published=day)


def _ev(eid: str, etype: str, src: str, tgt: str, day: str, aid: str, place: str | None,
        text: str, articles: dict[str, Article], mentions: dict[str, Mention],
        pcountry: str | None = None) -> Event:
    art = articles[aid]
    start = art.text.index(text)
    ev_ = Evidence(aid, start, start + len(text), start, start + 4, text[:4])
    mid = f"m-{eid}"
    sa = Actor(text=src, name=src, country=src[:3].upper())
    ta = Actor(text=tgt, name=tgt, country=tgt[:3].upper())
    pl = PlaceRef(text=place, name=place, country=pcountry) if place else None
    mentions[mid] = Mention(id=mid, article_id=aid, event_type=etype, trigger=ev_, sentence=ev_,
                            sources=[sa], targets=[ta], time=TimeRef(day, day, day, "day"), place=pl)
    return Event(id=eid, event_type=etype, sources=[sa], targets=[ta],
                 time=TimeRef(day, day, day, "day"), place=pl, mention_ids=[mid],
                 article_ids=[aid], n_sources=1, n_articles=1)


@pytest.fixture()
def world():
    """Two unrelated stories plus an event linked to the first only by a shared article."""
    articles = {
        "a1": _art("a1", "2022-05-01", "River Post",
                   "Norland shelled the border town of Varel on Sunday. Three people were hurt."),
        "a2": _art("a2", "2022-05-03", "Hill Times",
                   "Norland troops attacked Varel again on Tuesday, officials said. "
                   "Sudmark protested to Norland's envoy."),
        "a3": _art("a3", "2022-05-02", "Coast Daily",
                   "Farmers in Ostia marched against grain prices on Monday."),
        "a4": _art("a4", "2022-09-20", "River Post",
                   "Norland shelled Varel once more in September, months after the spring clashes."),
    }
    mentions: dict[str, Mention] = {}
    events = [
        _ev("e1", "ASSAULT", "Norland", "Sudmark", "2022-05-01", "a1", "Varel",
            "Norland shelled the border town of Varel on Sunday.", articles, mentions, "SUD"),
        _ev("e2", "ASSAULT", "Norland", "Sudmark", "2022-05-03", "a2", "Varel",
            "Norland troops attacked Varel again on Tuesday, officials said.", articles, mentions, "SUD"),
        # linked to e2 only through article a2 (different dyad direction counts the same anyway)
        _ev("e3", "PROTEST", "Sudmark", "Norland", "2022-05-03", "a2", None,
            "Sudmark protested to Norland's envoy.", articles, mentions),
        _ev("e4", "PROTEST", "Ostia", "Ostgov", "2022-05-02", "a3", "Ostia",
            "Farmers in Ostia marched against grain prices on Monday.", articles, mentions, "OST"),
        # same dyad and place, but far outside the window: a later, separate story
        _ev("e5", "ASSAULT", "Norland", "Sudmark", "2022-09-20", "a4", "Varel",
            "Norland shelled Varel once more in September, months after the spring clashes.",
            articles, mentions, "SUD"),
    ]
    events[1].quantities = {"injured": [
        FieldValue(3, "a1", "River Post", "2022-05-01", "m-e1"),
        FieldValue(7, "a2", "Hill Times", "2022-05-03", "m-e2"),
    ]}
    return events, mentions, articles


def test_grouping_by_dyad_window_and_shared_article(world):
    events, mentions, articles = world
    stories = build_stories(events, mentions, articles)
    groups = sorted(sorted(s.event_ids) for s in stories)
    assert groups == [["e1", "e2", "e3"], ["e4"], ["e5"]]
    main = next(s for s in stories if "e1" in s.event_ids)
    assert main.start == "2022-05-01" and main.end == "2022-05-03"
    assert main.n_sources == 2 and set(main.article_ids) == {"a1", "a2"}
    assert main.actors[:2] == ["Norland", "Sudmark"]
    assert main.title.startswith("Norland–Sudmark: assault") and "Varel" in main.title


def test_stories_are_deterministic_and_incremental(world):
    events, mentions, articles = world
    first = build_stories(events, mentions, articles)
    again = build_stories(list(reversed(events)), mentions, articles)
    assert [(s.id, s.event_ids) for s in first] == [(s.id, s.event_ids) for s in again]
    # a new report of the same clashes joins the existing story and keeps its id
    articles["a5"] = _art("a5", "2022-05-04", "Bay Wire", "Norland artillery hit Varel overnight.")
    new = _ev("e6", "ASSAULT", "Norland", "Sudmark", "2022-05-04", "a5", "Varel",
              "Norland artillery hit Varel overnight.", articles, mentions, "SUD")
    grown = build_stories([*events, new], mentions, articles)
    old_main = next(s for s in first if "e1" in s.event_ids)
    new_main = next(s for s in grown if "e1" in s.event_ids)
    assert "e6" in new_main.event_ids and new_main.id == old_main.id


def test_single_shared_signal_does_not_link(world):
    events, mentions, articles = world
    # e4's actors share nothing; give it Norland as target: one shared country is not enough
    events[3].targets = [Actor(text="Norland", name="Norland", country="NOR")]
    stories = build_stories(events, mentions, articles)
    assert any(s.event_ids == ["e4"] for s in stories)


def test_summary_cites_every_sentence_and_states_disagreement(world):
    events, mentions, articles = world
    main = next(s for s in build_stories(events, mentions, articles) if "e1" in s.event_ids)
    summary = summarize_story(main, events, mentions, articles, max_sentences=3)
    assert 1 <= len(summary.sentences) <= 3
    for text, aid in summary.sentences:
        assert text in articles[aid].text
    assert any("injured" in d and "3" in d and "7" in d for d in summary.disagreements)
    text = render_summary_text(summary, articles)
    assert "Sources disagree" in text and "[River Post, 2022-05-01]" in text
    md = render_summary_markdown(summary, articles)
    assert md.startswith("## ") and "[^1]:" in md


def test_story_timeline_entries_are_dated_and_cited(world):
    events, mentions, articles = world
    main = next(s for s in build_stories(events, mentions, articles) if "e1" in s.event_ids)
    entries = story_timeline(main, events, mentions, articles)
    assert [e.event_id for e in entries] == ["e1", "e2", "e3"]
    assert [e.date for e in entries] == ["2022-05-01", "2022-05-03", "2022-05-03"]
    for e in entries:
        assert 1 <= len(e.summary) <= 3
        assert all(text in articles[aid].text for text, aid in e.summary)


def test_demo_corpus_stories(demo_db: Path):
    import sitroom

    with sitroom.open_store(demo_db) as store:
        events, mentions, articles = store.events(), store.mentions(), store.articles()
    stories = build_stories(events, mentions, articles)
    assert stories and stories == build_stories(events, mentions, articles)
    top = stories[0]
    # the US–Iran crisis dominates the demo corpus
    assert {"IRN", "USA"} <= set(top.countries[:4])
    assert top.n_sources >= 3 and top.start is not None and top.start >= "2019"
    summary = summarize_story(top, events, mentions, articles)
    assert 3 <= len(summary.sentences) <= 8
    assert all(text and aid in articles for text, aid in summary.sentences)
    assert summary.disagreements, "the demo's casualty figures differ across outlets"
    entries = story_timeline(top, events, mentions, articles)
    assert any(e.background for e in entries) and any(not e.background for e in entries)
