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


# ------------------------------------------------------------ stored stories
def _stored_equals_computed(store) -> list:
    """The stored stories, asserted equal to grouping every stored event afresh."""
    from sitroom.story.stories import load_stories

    assert store.stories_current
    stored = load_stories(store, write=False)
    assert stored == build_stories(store.events(), store.mentions(), store.articles())
    return stored


def test_demo_store_keeps_the_stories_build_stories_finds(demo_db: Path):
    import sitroom
    from sitroom.story.stories import load_stories

    with sitroom.open_store(demo_db) as store:
        stored = _stored_equals_computed(store)
        top = stored[0]
        assert store.story_event_ids(top.id) == top.event_ids
        assert [s.id for s in load_stories(store, prefix=top.id[:7])][:1] == [top.id]
        assert load_stories(store, limit=3) == stored[:3]


_COUNTRIES = ["NOR", "SUD", "OST", "VAL", "KAM", "BRE", "TOR", "ULM", "ZED", "YAR"]
_PLACES = [(f"{name}", c) for name in ("Varel", "Ostia", "Kamp", "Brel") for c in _COUNTRIES[::3]] + [None] * 16


def _random_world(rng, n_articles: int = 400):
    from datetime import date, timedelta

    base = date(2022, 3, 1)
    arts = {}
    for i in range(n_articles):
        aid = f"a{i:02d}"
        day = (base + timedelta(days=rng.randrange(720))).isoformat()
        arts[aid] = Article(id=aid, text=f"Report {i}.", source=rng.choice("PQRS") + " News",
                            published=day)
    arts["a03"].duplicate_of = "a02"
    return arts


def _random_event(rng, eid: str, articles: dict[str, Article], busy: float = 0.0) -> Event:
    from datetime import date, timedelta

    src, tgt = rng.sample(_COUNTRIES, 2)
    day = None if rng.random() < 0.15 else (
        date(2022, 3, 1) + timedelta(days=rng.randrange(720))).isoformat()
    place = rng.choice(_PLACES)
    # a00 is a busy article: its event count crosses the round-up limit both ways
    aids = sorted({"a00" if rng.random() < busy else rng.choice(sorted(articles))
                   for _ in range(rng.choice((1, 1, 2)))})
    return Event(
        id=eid, event_type=rng.choice(["ASSAULT", "PROTEST", "ACCUSE", "CONSULT"]),
        sources=[Actor(text=src, name=src.title(), country=src)],
        targets=[Actor(text=tgt, name=tgt.title(), country=tgt)],
        time=TimeRef(day or "", day, day, "day") if day else None,
        place=PlaceRef(text=place[0], name=place[0], country=place[1]) if place else None,
        modality="hypothetical" if rng.random() < 0.08 else "asserted",
        article_ids=aids, n_sources=1, n_articles=len(aids))


@pytest.mark.parametrize("seed, signal_cap, busy",
                         [(1, None, 0.0), (2, None, 0.0), (3, None, 0.08), (4, 30, 0.08),
                          (5, 24, 0.0)])
def test_incremental_story_updates_equal_a_full_grouping(tmp_path: Path, monkeypatch, seed,
                                                         signal_cap, busy):
    """Random batches of new, rewritten and deleted events: after each, the stories
    refreshed around the changes equal build_stories over the whole store (also
    when a signal's event count crosses its limit, and an article's)."""
    import random

    import sitroom.story.stories as S
    from sitroom.store import open_store

    if signal_cap is not None:
        monkeypatch.setattr(S, "MAX_SIGNAL_EVENTS", signal_cap)
    rng = random.Random(seed)
    articles = _random_world(rng)
    store = open_store(tmp_path / "s.db")
    store.add_batch([(a, []) for a in articles.values()])
    events = {f"e{i:03d}": _random_event(rng, f"e{i:03d}", articles, busy) for i in range(120)}
    store.write_events(list(events.values()))
    assert not store.stories_current
    S.rebuild_stories(store)
    _stored_equals_computed(store)
    hows = []
    next_id = 120
    for _ in range(10):
        gone = set(rng.sample(sorted(events), 2))
        redone = set(rng.sample(sorted(set(events) - gone), 2))
        for eid in gone:
            del events[eid]
        for eid in redone:
            events[eid] = _random_event(rng, eid, articles, busy)
        added = {f"e{next_id + i:03d}" for i in range(rng.randrange(1, 4))}
        next_id += len(added)
        for eid in added:
            events[eid] = _random_event(rng, eid, articles, busy)
        store.write_events([events[e] for e in sorted(redone | added)],
                           replace_ids=gone | redone)
        assert not store.stories_current
        hows.append(S.update_stories(store, redone | added, gone, was_current=True))
        _stored_equals_computed(store)
    assert "incremental" in hows
    if signal_cap is not None:
        assert "full" in hows


def test_incremental_merge_keeps_stored_stories_exact(tmp_path: Path, monkeypatch):
    """The pipeline hook: a small batch merged incrementally regroups only the
    stories it touches, and the store then equals a full grouping."""
    from collections import defaultdict

    import sitroom.story.stories as S
    from sitroom.pipeline import update_events
    from sitroom.store import open_store

    from .test_merge_scale import make_corpus

    mentions, articles, _ = make_corpus(900, seed=5)
    ordered = sorted(mentions, key=lambda m: (articles[m.article_id].published or "", m.id))
    cut = int(len(ordered) * 0.96)
    store = open_store(tmp_path / "s.db")

    def add(batch):
        by_article = defaultdict(list)
        for m in batch:
            by_article[m.article_id].append(m)
        store.add_batch([(articles[a], ms) for a, ms in sorted(by_article.items())])

    add(ordered[:cut])
    assert update_events(store)[0] == "full"
    before = {s.id: s for s in _stored_equals_computed(store)}
    hows: list[str] = []
    refresh = S.refresh_stories
    monkeypatch.setattr(S, "refresh_stories", lambda *a: hows.append(refresh(*a)) or hows[-1])
    add(ordered[cut:])
    assert update_events(store)[0] == "incremental"
    assert hows == ["incremental"]
    after = _stored_equals_computed(store)
    # most stories are untouched by a small batch: same id, same events
    assert sum(before.get(s.id) == s for s in after) > len(after) // 2


def test_stories_are_built_and_stored_on_first_use(tmp_path: Path, world):
    """An older store (events, no stories) gets them on first read; a read-only
    one gets them computed, not written."""
    import sqlite3

    from sitroom.store import Store, open_store
    from sitroom.story.stories import load_stories

    events, mentions, articles = world
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_batch([(a, [m for m in mentions.values() if m.article_id == a.id])
                         for a in articles.values()])
        store.write_events(events)
        expected = build_stories(store.events(), store.mentions(), store.articles())
        ro = Store.__new__(Store)
        ro.path, ro.db = str(path), sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        ro.db.row_factory = sqlite3.Row
        assert load_stories(ro) == expected and not ro.stories_current
        ro.db.close()
        assert not store.stories_current
        assert load_stories(store) == expected
        assert store.stories_current
        assert load_stories(store, min_events=2) == [s for s in expected if len(s.event_ids) > 1]
