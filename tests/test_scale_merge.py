"""The merge at store scale: faster paths give identical results, and the
incremental update of a merged store equals a full re-merge."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from sitroom.merge import merge_mentions
from sitroom.pipeline import remerge, update_events
from sitroom.records import Article, Event, Mention, to_dict
from sitroom.store import Store, open_store

from .test_merge_scale import make_corpus


def fingerprint(events: list[Event]) -> str:
    rows = [[e.id, e.mention_ids, e.n_sources, e.confidence, e.time.value if e.time else None,
             e.place.name if e.place else None, [a.country for a in e.sources]] for e in events]
    return hashlib.sha1(json.dumps(rows).encode()).hexdigest()


def test_merge_output_is_unchanged_by_the_speed_ups() -> None:
    # Fingerprints of merge_mentions before the caching / group-combining
    # rewrite (same corpus, same code path): the rewrite must not move a
    # single mention or change an id.
    for n, seed, count, expected in (
            (4000, 7, 1207, "ea7be5104c018cea6be0f3fbb104366039ae4625"),
            (1500, 3, 436, "db63b3490ed228cfa68cb8a74f42df7c4bb59b70")):
        mentions, articles, _ = make_corpus(n, seed)
        events = merge_mentions(mentions, articles)
        assert len(events) == count
        assert fingerprint(events) == expected


def _store(path: Path, mentions: list[Mention], articles: dict[str, Article]) -> Store:
    store = open_store(path)
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article_id].append(m)
    order = sorted(by_article, key=lambda a: (articles[a].published or "", a))
    store.add_batch([(articles[a], by_article[a]) for a in order])
    return store


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        "events": [tuple(r) for r in store.db.execute("SELECT * FROM events ORDER BY id")],
        "links": [tuple(r) for r in store.db.execute(
            "SELECT event_id, mention_id FROM event_mentions ORDER BY 1, 2")],
    }


def test_fast_encoder_and_event_writer_match_the_generic_ones(tmp_path: Path) -> None:
    mentions, articles, _ = make_corpus(600, seed=4)
    events = merge_mentions(mentions, articles)
    for rec in [*mentions[:200], *events[:200]]:
        assert Store.record_json(rec) == json.dumps(to_dict(rec), ensure_ascii=False)
    a = _store(tmp_path / "a.db", mentions, articles)
    b = _store(tmp_path / "b.db", mentions, articles)
    rows = "SELECT id, data FROM mentions ORDER BY id"
    assert [tuple(r) for r in a.db.execute(rows)] == [
        (m.id, json.dumps(to_dict(m), ensure_ascii=False)) for m in sorted(mentions, key=lambda m: m.id)]
    b.write_events(events)
    assert [tuple(r) for r in b.db.execute("SELECT id, data FROM events ORDER BY id")] == [
        (e.id, json.dumps(to_dict(e), ensure_ascii=False)) for e in sorted(events, key=lambda e: e.id)]
    assert not b.events_stale


def test_remerge_with_mentions_in_memory_equals_reading_them_back(tmp_path: Path) -> None:
    mentions, articles, _ = make_corpus(500, seed=8)
    a = _store(tmp_path / "a.db", mentions, articles)
    b = _store(tmp_path / "b.db", mentions, articles)
    remerge(a)
    # half the mentions "in memory", the rest read from the store
    remerge(b, known={m.id: m for m in mentions[::2]})
    assert snapshot(a) == snapshot(b)
    assert snapshot(a)["events"]


def test_update_events_is_incremental_for_a_small_batch_and_equals_a_full_merge(
        tmp_path: Path) -> None:
    mentions, articles, _ = make_corpus(1200, seed=11)
    ordered = sorted(mentions, key=lambda m: (articles[m.article_id].published or "", m.id))
    cut = int(len(ordered) * 0.95)
    inc = _store(tmp_path / "inc.db", ordered[:cut], articles)
    assert update_events(inc) == ("full", len(merge_mentions(ordered[:cut], articles)))
    late = ordered[cut:]
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in late:
        by_article[m.article_id].append(m)
    inc.add_batch([(articles[a], ms) for a, ms in sorted(by_article.items())])
    assert inc.events_stale
    how, _ = update_events(inc)
    assert how == "incremental"
    assert not inc.events_stale
    full = _store(tmp_path / "full.db", ordered, articles)
    update_events(full)
    assert snapshot(inc) == snapshot(full)
    # every mention is in exactly one event
    links = snapshot(inc)["links"]
    assert sorted(m for _, m in links) == sorted(m.id for m in mentions)
    # forcing a full merge gives the same store
    full.db.execute("UPDATE meta SET value='1' WHERE key='events_stale'")
    assert update_events(full, full=True)[0] == "full"
    assert snapshot(full) == snapshot(inc)


def test_incremental_update_rebuilds_events_of_a_relinked_copy(tmp_path: Path) -> None:
    mentions, articles, _ = make_corpus(400, seed=2)
    store = _store(tmp_path / "s.db", mentions, articles)
    update_events(store)
    # A new article turns out to be the original of a stored one, from the
    # outlet of another report of the same event: that event must be rebuilt
    # with one source fewer.
    ev = next(e for e in store.events() if e.n_sources >= 2 and all(
        articles[a].duplicate_of is None for a in e.article_ids))
    victim, other = ev.article_ids[0], next(
        a for a in ev.article_ids if articles[a].source != articles[ev.article_ids[0]].source)
    orig = Article(id="orig-1", text="", source=articles[other].source,
                   published=articles[victim].published)
    store.add_batch([(orig, [])])
    store.set_duplicate(victim, "orig-1")
    how, _ = update_events(store)
    assert how == "incremental"
    rebuilt = store.event(ev.id)
    assert rebuilt is not None and rebuilt.n_sources == ev.n_sources - 1
    got = snapshot(store)
    remerge(store)
    assert snapshot(store) == got
