"""The one flow: ingest -> nlp -> extract -> resolve -> store -> merge.

Every stage is a module with one job; this file only wires them together,
so the library call :func:`ingest` and the CLI command of the same name do
exactly the same thing.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitroom.extract import extract_mentions, load_actor_dictionary
from sitroom.ingest import NearDuplicateIndex, iter_articles
from sitroom.merge import INCREMENTAL_WINDOW, date_interval, merge_incremental, merge_mentions
from sitroom.nlp import load_nlp
from sitroom.records import Article, Event, IngestFailure, Mention
from sitroom.resolve import resolve_mentions
from sitroom.store import Store, open_store
from sitroom.story.stories import rebuild_stories, update_stories

ProgressFn = Callable[["IngestReport"], None]


@dataclass
class IngestReport:
    """What one ingest run did: the summary the CLI prints."""

    new: int = 0
    known: int = 0
    syndicated: int = 0          # new articles recognised as copies of another
    mentions: int = 0
    events: int = 0
    words: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def articles_per_s(self) -> float:
        return self.new / self.seconds if self.seconds else 0.0

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


# Longest article text the pipeline parses (a long news feature is ~50k).
MAX_ARTICLE_CHARS = 400_000


class ArticleTooLong(ValueError):
    """An article text too long to parse in bounded time."""


def process_articles(articles: Sequence[Article], model: str | None = None,
                     batch_size: int = 32, actors: str | Path | None = None,
                     ) -> list[tuple[Article, list[Mention] | Exception]]:
    """Run nlp, extract and resolve over a batch; a failing article gets its exception.

    Kept free of the store so that other engines (a Dask worker) can run it.
    ``actors`` is a user actor TSV that extends (and overrides) the bundled
    dictionary.
    """
    nlp = load_nlp(model)
    dictionary = load_actor_dictionary(actors)
    out: list[tuple[Article, list[Mention] | Exception]] = []
    limit = min(MAX_ARTICLE_CHARS, nlp.max_length)
    fits = [a for a in articles if len(a.text) <= limit]
    docs = iter(nlp.pipe((a.text for a in fits), batch_size=batch_size))
    for article in articles:
        if len(article.text) > limit:
            # spaCy would raise for the whole batch; a book-length "article" is
            # not news anyway, and its parse time would stall everyone else.
            out.append((article, ArticleTooLong(f"{len(article.text)} characters > {limit}")))
            continue
        doc = next(docs)
        try:
            mentions = extract_mentions(doc, article, actors=dictionary)
            resolve_mentions(mentions, doc, article)
            out.append((article, mentions))
        except Exception as exc:  # one bad article must not stop the batch
            out.append((article, exc))
    return out


Processed = list[Mention] | Exception


class ArticleSink:
    """Known-article check, syndication links and batched storing, for every engine.

    The single-process path hands it raw articles (processed at flush); the
    Dask engine hands it articles already processed on a worker. Both go
    through the same order-dependent steps here, so both engines build the
    same store from the same input.
    """

    def __init__(self, store: Store, report: IngestReport, *, model: str | None = None,
                 batch_size: int = 32, on_progress: ProgressFn | None = None,
                 actors: str | Path | None = None) -> None:
        self.store = store
        self.report = report
        self.model = model
        self.actors = actors
        self.batch_size = batch_size
        self.on_progress = on_progress
        # The index is rebuilt from the signatures the store keeps, not from the
        # texts: only articles stored without one (an older store) are hashed.
        self.dedup = NearDuplicateIndex()
        store.ensure_signatures(self.dedup.scheme, self.dedup.signature)
        for article_id, sig in store.signatures():
            self.dedup.add_signature(article_id, sig)
        self.pending: list[Article] = []
        self.done: dict[str, Processed] = {}
        self.seen: set[str] = set()
        # Mentions stored by this run, so the merge need not parse them back
        # from the store (dropped past MENTION_CACHE to bound memory).
        self.stored_mentions: dict[str, Mention] | None = {}
        self.encoded: dict[str, str] = {}

    def failure(self, failure: IngestFailure) -> None:
        self.store.record_failure(failure)
        self.report.failures.append(failure)
        if self.on_progress:
            self.on_progress(self.report)

    def add(self, item: Article, result: Processed | None = None,
            encoded: Mapping[str, str] | None = None) -> None:
        """Queue one article (with its worker result, if it was processed elsewhere,
        and the mentions' JSON when the worker wrote it already)."""
        if item.id in self.seen or self.store.has_article(item.id):
            self.report.known += 1
            return
        if encoded:
            self.encoded.update(encoded)
        self.seen.add(item.id)
        original = self.dedup.add(item)
        if original is not None:
            self.report.syndicated += 1
            _link_copy(item, original, self.pending, self.store)
        self.pending.append(item)
        if result is not None:
            self.done[item.id] = result
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        todo = [a for a in self.pending if a.id not in self.done]
        if todo:
            for article, res in process_articles(todo, model=self.model,
                                                 batch_size=self.batch_size, actors=self.actors):
                self.done[article.id] = res
        stored: list[tuple[Article, list[Mention]]] = []
        for article in self.pending:
            result = self.done.pop(article.id)
            if isinstance(result, Exception):
                failure = IngestFailure(article.origin, f"extraction failed: {result!r}")
                self.store.record_failure(failure)
                self.report.failures.append(failure)
                continue
            stored.append((article, result))
        sigs = {a.id: self.dedup.signature_of(a.id) or b"" for a, _ in stored}
        self.report.new += self.store.add_batch(stored, self.encoded, sigs)
        self.encoded.clear()
        if self.stored_mentions is not None:
            for _, ms in stored:
                for m in ms:
                    self.stored_mentions[m.id] = m
            if len(self.stored_mentions) > MENTION_CACHE:
                self.stored_mentions = None
        self.report.mentions += sum(len(ms) for _, ms in stored)
        self.report.words += sum(len(a.text.split()) for a, _ in stored)
        self.pending.clear()
        if self.on_progress:
            self.on_progress(self.report)

    def finish(self, merge: bool = True, full_merge: bool = False) -> None:
        """Store what is queued and bring the events up to date if anything changed
        (incrementally when that is safe, see :func:`update_events`)."""
        self.flush()
        if merge and (self.store.events_stale or full_merge):
            update_events(self.store, full=full_merge, known=self.stored_mentions)
        self.report.events = self.store.counts()["events"]


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | Store = "sitroom.db",
    *,
    default_date: str | None = None,
    model: str | None = None,
    batch_size: int = 32,
    on_progress: ProgressFn | None = None,
    merge: bool = True,
    full_merge: bool = False,
    actors: str | Path | None = None,
) -> IngestReport:
    """Read news files into the store and merge their events.

    Idempotent: articles already stored (same content hash) are skipped, so
    re-running after a crash resumes where the last committed batch ended.
    ``full_merge`` re-merges every stored mention even when only a few were
    added (see :func:`update_events`). ``actors`` is a user actor TSV (format:
    the header of ``extract/data/actors.tsv``; check it with ``sitroom
    actors check``) whose rows extend and override the bundled dictionary.
    """
    started = time.perf_counter()
    store = db if isinstance(db, Store) else open_store(db)
    report = IngestReport()
    try:
        sink = ArticleSink(store, report, model=model, batch_size=batch_size,
                           on_progress=on_progress, actors=actors)
        for item in iter_articles(paths, default_date=default_date):
            if isinstance(item, IngestFailure):
                sink.failure(item)
            else:
                sink.add(item)
        sink.finish(merge, full_merge)
    finally:
        if not isinstance(db, Store):
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _link_copy(item: Article, original_id: str, pending: list[Article], store: Store) -> None:
    """Mark the later-published of two near-identical articles as the copy.

    Files arrive in path order, not publication order, so the article read
    first is not always the wire original. On the same day the longer text
    is taken as the original: republishers trim, they rarely add.
    """
    earlier = next((a for a in pending if a.id == original_id), None) or store.article(original_id)
    # ``earlier`` may already point at ``item``: a run killed after linking
    # the stored article but before storing ``item``. That link is ours.
    if (earlier is not None and item.published and earlier.published
            and (item.published, -len(item.text)) < (earlier.published, -len(earlier.text))
            and earlier.duplicate_of in (None, item.id)):
        item.duplicate_of = None
        if earlier in pending:
            earlier.duplicate_of = item.id
        else:
            store.set_duplicate(earlier.id, item.id)
        return
    item.duplicate_of = original_id


# Above this many mentions the sink stops keeping this run's mentions in memory.
MENTION_CACHE = 300_000
# An incremental merge is used when the new mentions are at most this share of
# the store: it is exact within INCREMENTAL_WINDOW days, and a large batch
# costs about as much as a full re-merge anyway.
INCREMENTAL_MAX_SHARE = 0.1


def remerge(store: Store, known: Mapping[str, Mention] | None = None) -> int:
    """Rebuild every event from every stored mention; returns the event count.

    A full, deterministic re-merge is the simplest way to guarantee that
    re-running gives the same events; it is one transaction, so readers never
    see a half-merged store. ``known`` are mentions already in memory (this
    run's), which are then not parsed back from the store.
    """
    mark = store.max_article_rowid()
    if known:
        mentions = dict(known)
        stored = store.mention_ids()
        missing = stored - mentions.keys()
        if missing:
            mentions.update(store.mentions(missing))
        mentions = {mid: mentions[mid] for mid in stored}
    else:
        mentions = store.mentions()
    articles = store.articles()
    with _gc_paused():
        events = merge_mentions(list(mentions.values()), articles)
    store.write_events(events, merged_through=str(mark))
    # the stories of these events, while mentions and articles are in memory
    rebuild_stories(store, events, mentions, articles)
    return len(events)


def update_events(store: Store, *, full: bool = False,
                  known: Mapping[str, Mention] | None = None) -> tuple[str, int]:
    """Bring the events up to date after an ingest; returns (how, events written).

    Incremental (``merge_incremental``) when the store was merged before by
    this version (meta ``merged_through``), and the mentions added since are
    few (<= INCREMENTAL_MAX_SHARE of the store): only events of the new
    mentions' types within INCREMENTAL_WINDOW days of them, and events of
    articles whose syndication link changed, are rebuilt. Otherwise, or with
    ``full``, a full :func:`remerge`. The two agree except when a new report
    would chain events more than INCREMENTAL_WINDOW days apart; ``full``
    (``sitroom ingest --full-merge``) settles the store exactly as a single
    clean run would.
    """
    mark = store.get_meta("merged_through")
    if full or mark is None:
        return "full", remerge(store, known)
    new = store.unmerged_mentions()
    total = store.counts()["mentions"]
    if len(new) > INCREMENTAL_MAX_SHARE * total:
        return "full", remerge(store, known)
    return "incremental", _merge_new(store, new, int(mark))


def _merge_new(store: Store, new: dict[str, Mention], mark: int) -> int:
    """Incremental merge of ``new`` into the stored events (see update_events)."""
    latest = store.max_article_rowid()
    fresh_articles = store.articles_added_after(mark)
    relinked = store.copies_of(fresh_articles)      # older articles now pointing at a new one
    # Articles of the new mentions (for their dates) and their originals.
    articles = _articles_closure(store, {m.article_id for m in new.values()} | relinked)
    since: dict[str, float] = {}
    until: dict[str, float] = {}
    open_types: set[str] = set()
    for m in new.values():
        iv = date_interval(m, articles)
        if iv is None:
            open_types.add(m.event_type)
            continue
        since[m.event_type] = min(since.get(m.event_type, iv[0]), iv[0])
        until[m.event_type] = max(until.get(m.event_type, iv[1]), iv[1])
    from datetime import date

    def day(o: float) -> str:
        return date.fromordinal(max(1, int(o))).isoformat()

    candidates: dict[str, Event] = {}
    for etype in sorted(open_types | since.keys()):
        if etype in open_types:
            evs = store.events_in([etype], None, None)
        else:
            evs = store.events_in([etype], day(since[etype] - INCREMENTAL_WINDOW - 7),
                                  day(until[etype] + INCREMENTAL_WINDOW + 7))
        candidates.update((e.id, e) for e in evs)
    forced: set[str] = set()
    if relinked:
        for e in store.events_with_articles(relinked):
            candidates[e.id] = e
            forced.add(e.id)
    existing = sorted(candidates.values(), key=lambda e: e.id)
    member_ids = {mid for e in existing for mid in e.mention_ids}
    old = store.mentions(member_ids)
    articles.update(_articles_closure(store, {m.article_id for m in old.values()}, articles))
    with _gc_paused():
        result = merge_incremental(existing, list(new.values()), {**old, **new}, articles,
                                   rebuild=forced)
    stories_were_current = store.stories_current
    store.write_events(result, replace_ids=list(candidates), merged_through=str(latest))
    # Stories: regroup only around the events that really changed (a rewrite
    # equal to the stored event changes nothing), plus those whose articles
    # were relinked (a story counts outlets without copies).
    before = {e.id: e for e in existing}
    changed = {e.id for e in result
               if e.id in forced or (old_ev := before.get(e.id)) is None
               or old_ev != e}
    removed = set(candidates) - {e.id for e in result}
    update_stories(store, changed, removed, stories_were_current)
    return len(result)


def _articles_closure(store: Store, ids: set[str],
                      have: Mapping[str, Article] | None = None) -> dict[str, Article]:
    """These articles and, transitively, the originals they are copies of."""
    out: dict[str, Article] = {}
    todo = {i for i in ids if not have or i not in have}
    while todo:
        got = store.articles(todo)
        out.update(got)
        todo = {a.duplicate_of for a in got.values() if a.duplicate_of} - out.keys()
        if have:
            todo -= have.keys()
    return out


class _gc_paused:
    """Merging allocates millions of short-lived objects next to a large live
    heap (the run's articles and index); generation-2 collections over that
    heap made the merge super-linear. Nothing here builds reference cycles."""

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was:
            gc.enable()
