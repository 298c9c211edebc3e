"""Stored stories: what a full rebuild and an incremental refresh cost, and
what reading them saves, on a synthetic store (no NLP: the merge tests' corpus).

    .venv/bin/python benchmarks/stories.py [--mentions 12000] [--late 0.01]

Builds a store of the first (1 - late) mentions in date order, merges it
(full: events and stories), times a full story rebuild from the store, then
stores the late mentions and times the incremental merge's story refresh.
Prints ms per event, and the time `sitroom stories` spends before (grouping
every event at each call) and after (reading the stored stories).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_merge_scale import make_corpus  # noqa: E402

import sitroom.story.stories as S  # noqa: E402
from sitroom.pipeline import update_events  # noqa: E402
from sitroom.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=12000)
    parser.add_argument("--late", type=float, default=0.01, help="share merged incrementally")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    mentions, articles, _ = make_corpus(args.mentions, args.seed)
    ordered = sorted(mentions, key=lambda m: (articles[m.article_id].published or "", m.id))
    cut = int(len(ordered) * (1 - args.late))
    tmp = tempfile.TemporaryDirectory()
    store = open_store(Path(tmp.name) / "s.db")

    def add(batch: list) -> None:
        by_article = defaultdict(list)
        for m in batch:
            by_article[m.article_id].append(m)
        store.add_batch([(articles[a], ms) for a, ms in sorted(by_article.items())])

    add(ordered[:cut])
    update_events(store)
    n = store.counts()["events"]
    t0 = time.perf_counter()
    k = S.rebuild_stories(store)
    full = time.perf_counter() - t0
    print(f"store: {n} events, {k} stories")
    print(f"full rebuild from the store : {full * 1000:7.0f} ms = {full * 1000 / n:.3f} ms/event")

    t0 = time.perf_counter()
    S.build_stories(store.events(), store.mentions(), store.articles())
    before = time.perf_counter() - t0
    t0 = time.perf_counter()
    S.load_stories(store, limit=20)
    after = time.perf_counter() - t0
    print(f"`sitroom stories`, grouping at every call: {before * 1000:7.0f} ms; "
          f"reading stored: {after * 1000:5.1f} ms")

    timing: dict[str, float] = {}
    sizes: dict[str, int] = {}
    refresh, write = S.refresh_stories, store.write_stories

    def timed_refresh(*a: object) -> str:
        t = time.perf_counter()
        how = refresh(*a)   # type: ignore[arg-type]
        timing["refresh"] = time.perf_counter() - t
        return how

    def counted_write(rows: list, members: list, keys: list, **kw: object) -> None:
        sizes.update(touched=len(kw.get("drop_keys") or ()),   # type: ignore[arg-type]
                     regrouped=len(kw.get("drop_events") or ()))   # type: ignore[arg-type]
        write(rows, members, keys, **kw)   # type: ignore[arg-type]

    S.refresh_stories = timed_refresh   # type: ignore[assignment]
    store.write_stories = counted_write   # type: ignore[method-assign]
    add(ordered[cut:])
    how, _ = update_events(store)
    n2 = store.counts()["events"]
    r = timing.get("refresh", float("nan"))
    print(f"late batch: {len(ordered) - cut} mentions, merge {how}; stories refreshed "
          f"({sizes.get('touched', 0)} changed events, {sizes.get('regrouped', 0)} regrouped) "
          f"in {r * 1000:.0f} ms = {r * 1000 / n2:.3f} ms per stored event")
    assert S.load_stories(store) == S.build_stories(store.events(), store.mentions(),
                                                    store.articles())
    print("stored stories equal build_stories: yes")
    store.close()


if __name__ == "__main__":
    main()
