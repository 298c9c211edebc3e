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


def process_articles(articles: Sequence[Article], model: str | None = None,
                     batch_size: int = 32) -> list[tuple[Article, list[Mention] | Exception]]:
    """Run nlp, extract and resolve over a batch; a failing article gets its exception.

    Kept free of the store so that other engines (a Dask worker) can run it.
    """
    nlp = load_nlp(model)
    out: list[tuple[Article, list[Mention] | Exception]] = []
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        try:
            mentions = extract_mentions(doc, article)
            resolve_mentions(mentions, doc, article)
            out.append((article, mentions))
        except Exception as exc:  # one bad article must not stop the batch
            out.append((article, exc))
    return out


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
    dedup = NearDuplicateIndex()
    for article_id, text in store.article_texts():
        dedup.add(Article(id=article_id, text=text))

    pending: list[Article] = []
    seen: set[str] = set()

    def flush() -> None:
        if not pending:
            return
        stored: list[tuple[Article, list[Mention]]] = []
        for article, result in process_articles(pending, model=model, batch_size=batch_size):
            if isinstance(result, Exception):
                failure = IngestFailure(article.origin, f"extraction failed: {result!r}")
                store.record_failure(failure)
                report.failures.append(failure)
                continue
            stored.append((article, result))
        report.new += store.add_batch(stored)
        report.mentions += sum(len(ms) for _, ms in stored)
        report.words += sum(len(a.text.split()) for a, _ in stored)
        pending.clear()
        if on_progress:
            on_progress(report)

    for item in iter_articles(paths, default_date=default_date):
        if isinstance(item, IngestFailure):
            store.record_failure(item)
            report.failures.append(item)
            if on_progress:
                on_progress(report)
            continue
        if item.id in seen or store.has_article(item.id):
            report.known += 1
            continue
        seen.add(item.id)
        original = dedup.add(item)
        if original is not None:
            report.syndicated += 1
            _link_copy(item, original, pending, store)
        pending.append(item)
        if len(pending) >= batch_size:
            flush()
    flush()

    if merge and store.events_stale:
        report.events = remerge(store)
    else:
        report.events = store.counts()["events"]
    report.seconds = time.perf_counter() - started
    if not isinstance(db, Store):
        store.close()
    return report


def _link_copy(item: Article, original_id: str, pending: list[Article], store: Store) -> None:
    """Mark the later-published of two near-identical articles as the copy.

    Files arrive in path order, not publication order, so the article read
    first is not always the wire original. On the same day the longer text
    is taken as the original: republishers trim, they rarely add.
    """
    earlier = next((a for a in pending if a.id == original_id), None) or store.article(original_id)
    if (earlier is not None and item.published and earlier.published
            and (item.published, -len(item.text)) < (earlier.published, -len(earlier.text))
            and earlier.duplicate_of is None):
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
