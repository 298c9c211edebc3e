"""The one flow: ingest -> nlp -> extract -> resolve -> store -> merge.

Every stage is a module with one job; this file only wires them together,
so the library call :func:`ingest` and the CLI command of the same name do
exactly the same thing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitroom.extract import extract_mentions
from sitroom.ingest import NearDuplicateIndex, iter_articles
from sitroom.merge import merge_mentions
from sitroom.nlp import load_nlp
from sitroom.records import Article, IngestFailure, Mention
from sitroom.resolve import resolve_mentions
from sitroom.store import Store, open_store

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
                     batch_size: int = 32) -> list[tuple[Article, list[Mention] | Exception]]:
    """Run nlp, extract and resolve over a batch; a failing article gets its exception.

    Kept free of the store so that other engines (a Dask worker) can run it.
    """
    nlp = load_nlp(model)
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
            mentions = extract_mentions(doc, article)
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
                 batch_size: int = 32, on_progress: ProgressFn | None = None) -> None:
        self.store = store
        self.report = report
        self.model = model
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.dedup = NearDuplicateIndex()
        for article_id, text in store.article_texts():
            self.dedup.add(Article(id=article_id, text=text))
        self.pending: list[Article] = []
        self.done: dict[str, Processed] = {}
        self.seen: set[str] = set()

    def failure(self, failure: IngestFailure) -> None:
        self.store.record_failure(failure)
        self.report.failures.append(failure)
        if self.on_progress:
            self.on_progress(self.report)

    def add(self, item: Article, result: Processed | None = None) -> None:
        """Queue one article (with its worker result, if it was processed elsewhere)."""
        if item.id in self.seen or self.store.has_article(item.id):
            self.report.known += 1
            return
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
            for article, res in process_articles(todo, model=self.model, batch_size=self.batch_size):
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
        self.report.new += self.store.add_batch(stored)
        self.report.mentions += sum(len(ms) for _, ms in stored)
        self.report.words += sum(len(a.text.split()) for a, _ in stored)
        self.pending.clear()
        if self.on_progress:
            self.on_progress(self.report)

    def finish(self, merge: bool = True) -> None:
        """Store what is queued and rebuild the events if anything changed."""
        self.flush()
        if merge and self.store.events_stale:
            self.report.events = remerge(self.store)
        else:
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
) -> IngestReport:
    """Read news files into the store and merge their events.

    Idempotent: articles already stored (same content hash) are skipped, so
    re-running after a crash resumes where the last committed batch ended.
    """
    started = time.perf_counter()
    store = db if isinstance(db, Store) else open_store(db)
    report = IngestReport()
    try:
        sink = ArticleSink(store, report, model=model, batch_size=batch_size,
                           on_progress=on_progress)
        for item in iter_articles(paths, default_date=default_date):
            if isinstance(item, IngestFailure):
                sink.failure(item)
            else:
                sink.add(item)
        sink.finish(merge)
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


def remerge(store: Store) -> int:
    """Rebuild every event from every stored mention; returns the event count.

    A full, deterministic re-merge is the simplest way to guarantee that
    re-running gives the same events; it is one transaction, so readers never
    see a half-merged store.
    """
    mentions = store.mentions()
    articles = store.articles()
    events = merge_mentions(list(mentions.values()), articles)
    store.replace_events(events)
    return len(events)
