"""The ``sitroom`` command: a thin wrapper over the library.

Every command opens the store, calls one library function and prints the
result. Errors are one line on stderr, ``error: <what>: <why>``, with exit
code 1 (bad data) or 2 (bad usage), never a traceback.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitroom.records import Event, Mention, to_dict
from sitroom.store import EventQuery, Store, StoreError, open_store

app = typer.Typer(
    name="sitroom",
    help="A situation room built from the news: sourced, merged political events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
actors_app = typer.Typer(help="Inspect and check actor dictionaries.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")


def _mount_eval() -> None:
    """``sitroom eval DATASET PATH``: accuracy against public gold data."""
    from sitroom.evaluate.cli import eval_app

    app.add_typer(eval_app, name="eval", help="Measure accuracy against gold data (plover, case, gtd, petrarch).")


_mount_eval()

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_DB = "sitroom.db"
DbOpt = Annotated[
    Path, typer.Option("--db", help="SQLite store file.", envvar="SITROOM_DB")
]


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFmt(StrEnum):
    md = "md"
    html = "html"


class ExportFmt(StrEnum):
    plover = "plover"
    acled = "acled"
    gdelt = "gdelt"
    geojson = "geojson"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear error line and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


def _open(db: Path, must_exist: bool = True) -> Store:
    if must_exist and not db.exists():
        raise fail(f"{db}: no such store (run `sitroom ingest PATH --db {db}` first)")
    try:
        return open_store(db)
    except StoreError as exc:
        raise fail(str(exc)) from exc


@contextmanager
def atomic_output(path: Path | None) -> Iterator[TextIO]:
    """Write to a temp file and rename, so a reader never sees half a file."""
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fp:
            yield fp
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- ingest -----------------------------------------------------------------

@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (text, HTML, RSS/Atom, JSONL, WARC).")],
    db: DbOpt = Path(DEFAULT_DB),
    date: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD) for files that do not state one."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000)] = 32,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[
        str, typer.Option(help="local: this process; dask: shards on a Dask cluster (resumable).")
    ] = "local",
    workers: Annotated[
        int, typer.Option(min=1, max=4096, help="dask: worker processes of the local cluster.")
    ] = 2,
    scheduler: Annotated[
        str | None, typer.Option(help="dask: address of a running scheduler (tcp://host:8786).")
    ] = None,
    recycle_after: Annotated[
        int, typer.Option(min=0, help="dask: restart a worker after N shards (0: never).")
    ] = 0,
    shard_size: Annotated[int, typer.Option(min=1, help="dask: records per shard.")] = 200,
    full_merge: Annotated[bool, typer.Option(
        "--full-merge", help="Re-merge every stored mention (after a large backfill); "
                             "by default small additions only update the events they touch.")] = False,
    actors: Annotated[Path | None, typer.Option(
        help="Your actor dictionary (TSV, the format of `sitroom actors check`); "
             "its rows extend and override the bundled one.")] = None,
) -> None:
    """Read news files into the store, extract events and merge them."""
    from sitroom.pipeline import IngestReport
    from sitroom.pipeline import ingest as run_ingest
    from sitroom.scale.engine import ScaleReport

    if engine not in ("local", "dask"):
        err.print(f"[bold red]error:[/] --engine {engine!r}: use local or dask", markup=True)
        raise typer.Exit(2)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"[bold red]error:[/] {p}: no such file or directory", markup=True)
    paths = [p for p in paths if p.exists()]
    if not paths:
        raise typer.Exit(1)
    if date is not None:
        _check_date(date, "--date")
    if actors is not None:
        _check_actor_option(actors)
    store = _open(db, must_exist=False)
    reported = 0

    with Progress(
        SpinnerColumn(), TextColumn("[bold]ingesting[/]"), BarColumn(),
        TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
        console=err, disable=quiet or not err.is_terminal, transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None, status="")

        def on_progress(rep: Any) -> None:
            nonlocal reported
            for f in rep.failures[reported:]:
                progress.console.print(f"[yellow]skipped[/] {f.origin}: {f.reason}", markup=True)
            reported = len(rep.failures)
            progress.update(
                task, status=f"{rep.new} new, {rep.known} known, {len(rep.failures)} failed"
            )

        report: IngestReport
        try:
            if engine == "dask":
                from sitroom.scale import ingest_dask

                report = ingest_dask(
                    paths, store, workers=workers, scheduler=scheduler,
                    recycle_after=recycle_after, shard_size=shard_size, default_date=date,
                    model=model, batch_size=batch_size, on_progress=on_progress,
                    full_merge=full_merge, actors=actors,
                )
            else:
                report = run_ingest(
                    paths, store, default_date=date, model=model, batch_size=batch_size,
                    on_progress=on_progress, full_merge=full_merge, actors=actors,
                )
        finally:
            store.close()
    for f in report.failures[reported:]:
        err.print(f"[yellow]skipped[/] {f.origin}: {f.reason}", markup=True)
    out.print(
        f"{report.new} new, {report.known} already known, {report.syndicated} syndicated copies, "
        f"{len(report.failures)} failed · {report.mentions} mentions · {report.events} events "
        f"· {report.seconds:.1f}s ({report.articles_per_s:.1f} articles/s)"
    )
    if isinstance(report, ScaleReport):
        out.print(
            f"shards: {report.shards} ({report.shards_skipped} done before, "
            f"{report.shards_failed} failed) · {report.restarts} worker restarts · "
            f"merge {report.merge_seconds:.1f}s"
        )
        for name, mb in sorted(report.peak_rss_mb.items()):
            out.print(f"peak RSS {name}: {mb:.0f} MB")
    if missing:
        raise typer.Exit(1)


def _check_actor_option(path: Path) -> None:
    """An unreadable --actors file stops the run; malformed rows are named and skipped."""
    from sitroom.extract.actors import check_actor_file

    if not path.is_file():
        err.print(f"[bold red]error:[/] --actors {path}: no such file", markup=True)
        raise typer.Exit(2)
    problems = check_actor_file(path)
    for line in problems:
        if ": cannot read: " in line:
            err.print(f"[bold red]error:[/] --actors {line}", markup=True)
            raise typer.Exit(2)
    for line in problems[:20]:
        err.print(f"[yellow]warning:[/] {line}", markup=True)
    if len(problems) > 20:
        err.print(f"[yellow]warning:[/] … {len(problems) - 20} more problems in {path}", markup=True)
    if problems:
        err.print("[yellow]warning:[/] malformed rows are skipped; of a repeated pattern "
                  "the last row wins", markup=True)


def _check_span(since: str | None, until: str | None) -> None:
    for value, name in ((since, "--since"), (until, "--until")):
        if value:
            _check_date(value, name)


def _context(store: Store, events: list[Event]) -> tuple[dict[str, Mention], dict[str, Any]]:
    """The mentions and articles behind these events (what renderers cite)."""
    return (store.mentions({m for e in events for m in e.mention_ids}),
            store.articles({a for e in events for a in e.article_ids}))


def _check_date(value: str, name: str) -> str:
    from datetime import date as _date

    try:
        _date.fromisoformat(value)
    except ValueError as exc:
        raise fail(f"{name} {value!r}: expected a date as YYYY-MM-DD", 2) from exc
    return value


# -- query --------------------------------------------------------------------

def _event_dict(ev: Event, mentions: dict[str, Mention] | None = None) -> dict[str, Any]:
    d = to_dict(ev)
    if mentions is not None:
        d["evidence"] = [to_dict(mentions[m].sentence) for m in ev.mention_ids if m in mentions]
    return d


def _actors(actors: list[Any]) -> str:
    return ", ".join(
        f"{a.name or a.text} ({a.country or '?'}{' ' + a.sector if a.sector else ''})" for a in actors
    )


def _place(ev: Event) -> str:
    p = ev.place
    if p is None:
        return ""
    return ", ".join(x for x in (p.name or p.text, p.admin1, p.country or "") if x)


def _date(ev: Event) -> str:
    t = ev.time
    if t is None or not t.value:
        return "?"
    if t.precision in ("day", "reported"):
        return t.value
    if t.precision == "month":
        return t.value[:7]
    if t.precision in ("year", "decade"):
        return t.value[:4] + ("s" if t.precision == "decade" else "")
    return f"{t.value}~{t.end or ''}"


EVENT_COLUMNS = ("id", "date", "precision", "type", "mode", "source", "target", "place",
                 "sources", "articles", "modality")


def _event_row(ev: Event) -> dict[str, Any]:
    return {
        "id": ev.id, "date": _date(ev), "precision": ev.time.precision if ev.time else "unknown",
        "type": ev.event_type, "mode": ev.mode, "source": _actors(ev.sources),
        "target": _actors(ev.targets), "place": _place(ev), "sources": ev.n_sources,
        "articles": ev.n_articles, "modality": ev.modality,
    }


@app.command()
def events(
    db: DbOpt = Path(DEFAULT_DB),
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 of an actor or the place.")] = None,
    actor: Annotated[str | None, typer.Option(help="Text in an actor's name.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="PLOVER event type.")] = None,
    place: Annotated[str | None, typer.Option(help="Text in the place name.")] = None,
    text: Annotated[str | None, typer.Option(help="Text in the evidence sentences.")] = None,
    background: Annotated[bool, typer.Option(help="Include background (historical) events.")] = True,
    min_sources: Annotated[int, typer.Option(min=0)] = 0,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    format_: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
) -> None:
    """List events, filtered."""
    from sitroom.records import EVENT_TYPES

    _check_span(since, until)
    if type_ and type_.upper() not in EVENT_TYPES:
        raise fail(f"--type {type_!r}: not a PLOVER type (one of {', '.join(EVENT_TYPES)})", 2)
    store = _open(db)
    with store:
        found = store.events(EventQuery(
            since=since, until=until, country=country, actor=actor, event_type=type_,
            place=place, text=text, include_background=background, min_sources=min_sources,
            limit=limit,
        ))
    if format_ is Fmt.json:
        out.print_json(data=[_event_dict(e) for e in found]) if found else out.print("[]")
    elif format_ is Fmt.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=EVENT_COLUMNS)
        writer.writeheader()
        for ev in found:
            writer.writerow(_event_row(ev))
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(show_lines=False)
        for col in EVENT_COLUMNS:
            table.add_column(col, overflow="fold")
        for ev in found:
            table.add_row(*(str(v) for v in _event_row(ev).values()))
        out.print(table)
        out.print(f"{len(found)} events")


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(help="Event id (a unique prefix is enough).")],
    db: DbOpt = Path(DEFAULT_DB),
    as_of: Annotated[
        str | None, typer.Option(help="Show only what was reported on or before this date.")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every field of one event, with its evidence sentences and sources."""
    from sitroom.merge.history import event_as_of
    from sitroom.story import disagreements

    if as_of:
        _check_date(as_of, "--as-of")
    store = _open(db)
    with store:
        ev = store.event(event_id)
        if ev is None:
            raise fail(f"no event {event_id!r} in {db}")
        mentions = store.mentions(ev.mention_ids)
        articles = store.articles(ev.article_ids)
    if as_of:
        then = event_as_of(ev, mentions, articles, as_of)
        if then is None:
            raise fail(f"event {ev.id} had no reports on or before {as_of}")
        ev = then
    if json_:
        d = _event_dict(ev, mentions)
        d["articles"] = {a: _article_meta(articles[a]) for a in ev.article_ids if a in articles}
        out.print_json(data=d)
        return
    out.print(f"[bold]{ev.id}[/]  {ev.event_type}{' / ' + ev.mode if ev.mode else ''}  ({ev.modality})")
    out.print(f"  date:     {_date(ev)} [{ev.time.precision if ev.time else 'unknown'}]"
              + (f"  — “{ev.time.text}”" if ev.time and ev.time.text else ""))
    out.print(f"  source:   {_actors(ev.sources) or '—'}")
    out.print(f"  target:   {_actors(ev.targets) or '—'}")
    place = ev.place
    coords = f" ({place.lat:.3f}, {place.lon:.3f})" if place and place.lat is not None and place.lon is not None else ""
    out.print(f"  place:    {_place(ev) or '—'}{coords}" + (f" [{place.precision}]" if place else ""))
    out.print(f"  reports:  {ev.n_sources} sources, {ev.n_articles} articles, confidence {ev.confidence:.2f}")
    for kind, values in ev.quantities.items():
        history = " → ".join(f"{v.value} ({v.source or '?'}, {v.published or '?'})" for v in values)
        out.print(f"  {kind}: {history}")
    for line in disagreements(ev):
        out.print(f"  [yellow]disagreement[/]: {line}")
    for st in ev.statements:
        who = st.speaker.name or st.speaker.text if st.speaker else "?"
        out.print(f"  {st.kind}: {who} — “{st.text}”")
    out.print("\n[bold]evidence[/]")
    # One line per sentence, every trigger in it marked: a sentence that
    # reports two facets of the event is one piece of evidence, not two.
    by_sentence: dict[tuple[str, int], list[Mention]] = {}
    for mid in ev.mention_ids:
        m = mentions.get(mid)
        if m is not None and m.sentence is not None:
            by_sentence.setdefault((m.article_id, m.sentence.start), []).append(m)
    for (aid, _), group in sorted(by_sentence.items(), key=lambda kv: (
            (articles[kv[0][0]].published or "") if kv[0][0] in articles else "", kv[0])):
        a = articles.get(aid)
        meta = f"{a.source or '?'}, {a.published or 'undated'}: {a.title}" if a else aid
        out.print(f"  [{meta}]", markup=False)
        out.print(f"    {_highlight(group)}")


def _highlight(group: Sequence[Mention]) -> str:
    """An evidence sentence with the triggers of its mentions in bold (rich markup, text escaped)."""
    from rich.markup import escape

    s = group[0].sentence
    if s is None:
        return ""
    spans = sorted({(t.start - s.start, t.end - s.start) for m in group
                    if (t := m.trigger) is not None and s.start <= t.start <= t.end <= s.end})
    out, pos = [], 0
    for a, b in spans:
        if a < pos:   # overlapping triggers: mark the first
            continue
        out += [escape(s.text[pos:a]), "[bold reverse]", escape(s.text[a:b]), "[/]"]
        pos = b
    out.append(escape(s.text[pos:]))
    return "".join(out)


def _article_meta(a: Any) -> dict[str, Any]:
    d = asdict(a)
    d.pop("text", None)
    return d


StoryOpt = Annotated[
    str | None, typer.Option("--story", help="Story id (a unique prefix is enough); see `sitroom stories`.")
]


def _find_story(store: Store, story_id: str) -> Any:
    """The story with this id or unique id prefix (read from the stored stories,
    built and stored first if the store has none current), or a clear error."""
    from sitroom.story.stories import load_stories

    found = load_stories(store, prefix=story_id, limit=6)
    exact = [s for s in found if s.id == story_id]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise fail(f"no story {story_id!r} (list them with `sitroom stories`)")
    raise fail(f"story id {story_id!r} is ambiguous: {', '.join(s.id for s in found[:5])}")


def _story_context(store: Store, story_id: str,
                   ) -> tuple[Any, list[Event], dict[str, Mention], dict[str, Any]]:
    """A story with only its own events, their mentions and articles loaded."""
    chosen = _find_story(store, story_id)
    events = store.events_by_ids(chosen.event_ids)
    mentions, articles = _context(store, events)
    return chosen, events, mentions, articles


@app.command()
def stories(
    db: DbOpt = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(min=1)] = 20,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ongoing stories: events grouped by shared actors, places, time and articles."""
    from sitroom.story.stories import load_stories

    store = _open(db)
    with store:
        found = load_stories(store, limit=limit)
    if json_:
        out.print_json(data=[asdict(s) for s in found]) if found else out.print("[]")
        return
    table = Table()
    for col in ("id", "title", "from", "to", "events", "sources"):
        table.add_column(col, overflow="fold")
    for st in found:
        table.add_row(st.id, st.title, st.start or "?", st.end or "?", str(len(st.event_ids)),
                      str(st.n_sources))
    out.print(table)


@app.command()
def timeline(
    db: DbOpt = Path(DEFAULT_DB),
    story: StoryOpt = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 of an actor or the place.")] = None,
    background: Annotated[bool, typer.Option(help="Include background events.")] = True,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The events in date order, each line with its sources (of one story with --story)."""
    from sitroom.story import render_story_timeline_text, render_timeline_text, story_timeline
    from sitroom.story import timeline as build_timeline

    _check_span(since, until)
    store = _open(db)
    chosen = None
    with store:
        if story:
            chosen, events, mentions, articles = _story_context(store, story)
        else:
            events = store.events(EventQuery(since=since, until=until, country=country,
                                             include_background=background))
            mentions, articles = _context(store, events)
    if chosen is not None:
        entries = story_timeline(chosen, events, mentions, articles)
        if not background:
            entries = [e for e in entries if not e.background]
    else:
        entries = build_timeline(events, mentions, articles, include_background=background)
    if json_:
        out.print_json(data=[asdict(e) for e in entries]) if entries else out.print("[]")
    elif chosen is not None:
        sys.stdout.write(render_story_timeline_text(chosen, entries, articles))
    else:
        sys.stdout.write(render_timeline_text(entries, articles))


@app.command()
def summarize(
    story: Annotated[str, typer.Option("--story", help="Story id (a unique prefix is enough).")],
    db: DbOpt = Path(DEFAULT_DB),
    sentences: Annotated[int, typer.Option(min=1, max=50, help="Summary length.")] = 8,
    markdown: Annotated[bool, typer.Option("--markdown", help="Markdown instead of text.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A short cited summary of one story, saying where sources disagree."""
    from sitroom.story import render_summary_markdown, render_summary_text, summarize_story

    store = _open(db)
    with store:
        chosen, events, mentions, articles = _story_context(store, story)
    summary = summarize_story(chosen, events, mentions, articles, max_sentences=sentences)
    if json_:
        out.print_json(data=asdict(summary))
    elif markdown:
        sys.stdout.write(render_summary_markdown(summary, articles))
    else:
        sys.stdout.write(render_summary_text(summary, articles))


@app.command()
def report(
    db: DbOpt = Path(DEFAULT_DB),
    format_: Annotated[ReportFmt, typer.Option("--format", "-f")] = ReportFmt.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    title: Annotated[str, typer.Option(help="Report title.")] = "Situation report",
) -> None:
    """A situation report in Markdown or self-contained HTML."""
    from sitroom.story import render_report_html, render_report_markdown

    store = _open(db)
    with store:
        found = store.events()
        mentions = store.mentions()
        articles = store.articles()
    render: Callable[..., str] = (
        render_report_html if format_ is ReportFmt.html else render_report_markdown
    )
    text = render(found, mentions, articles, title=title)
    with atomic_output(output) as fp:
        fp.write(text)
    if output:
        err.print(f"wrote {output}")


@app.command()
def export(
    format_: Annotated[ExportFmt, typer.Argument(help="plover | acled | gdelt | geojson")],
    db: DbOpt = Path(DEFAULT_DB),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 of an actor or the place.")] = None,
) -> None:
    """Export events as PLOVER JSONL, ACLED-style CSV, GDELT-style CSV or GeoJSON."""
    from sitroom import export as ex

    writers = {
        ExportFmt.plover: ex.write_plover_jsonl, ExportFmt.acled: ex.write_acled_csv,
        ExportFmt.gdelt: ex.write_gdelt_csv, ExportFmt.geojson: ex.write_geojson,
    }
    _check_span(since, until)
    store = _open(db)
    with store:
        found = store.events(EventQuery(since=since, until=until, country=country))
        mentions, articles = _context(store, found)
    with atomic_output(output) as fp:
        n = writers[format_](found, mentions, articles, fp)
    if output:
        err.print(f"wrote {n} events to {output}")


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """A consistent copy of the store, safe while an ingest or server is using it."""
    store = _open(db)
    with store:
        written = store.backup(target)
    err.print(f"wrote {written}")


@app.command()
def failures(db: DbOpt = Path(DEFAULT_DB)) -> None:
    """Files and records that could not be ingested, with the reason."""
    store = _open(db)
    with store:
        rows = store.failures()
    for f in rows:
        out.print(f"{f.origin}: {f.reason}", markup=False)
    out.print(f"{len(rows)} failures")


@app.command()
def stats(db: DbOpt = Path(DEFAULT_DB), json_: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of articles, sources, mentions, events and failures."""
    store = _open(db)
    with store:
        counts = store.counts()
    if json_:
        out.print_json(data=counts)
    else:
        for k, v in counts.items():
            out.print(f"{k:>10}: {v}")


@app.command()
def demo(
    db: DbOpt = Path("sitroom-demo.db"),
    html: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path("sitroom-demo-report.html"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Ingest the bundled demo corpus and print its situation report."""
    from sitroom.demo import CORPUS_DIR

    ingest([CORPUS_DIR], db=db, date=None, model=None, batch_size=32, quiet=quiet)
    report(db=db, format_=ReportFmt.md, output=None, title="Situation report: US–Iran crisis in Iraq (demo)")
    report(db=db, format_=ReportFmt.html, output=html, title="Situation report: US–Iran crisis in Iraq (demo)")
    err.print(f"\nStore: {db}  ·  HTML report: {html}")
    err.print(f"Open the situation room: sitroom serve --db {db}   then browse http://127.0.0.1:8765/")
    err.print(f"Next: sitroom events --db {db}   ·   sitroom timeline --db {db}   ·   sitroom show EVENT_ID --db {db}")


@app.command()
def serve(
    db: DbOpt = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Interface to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    allow_ingest: Annotated[
        bool, typer.Option(help="Accept POST /api/ingest (size-limited).")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (one per core).")] = 1,
) -> None:
    """Start the REST API and the web UI over the store (read-only by default)."""
    from sitroom.api import serve as run_server

    if not db.exists():
        raise fail(f"{db}: no such store (run `sitroom ingest PATH --db {db}` first)")
    err.print(f"sitroom: serving {db} at http://{host}:{port}/  (API: /api/events, schema: /openapi.json)")
    run_server(db, host=host, port=port, allow_ingest=allow_ingest, workers=workers)


@actors_app.command("check")
def actors_check(path: Annotated[Path, typer.Argument(help="Actor dictionary TSV to validate.")]) -> None:
    """Validate a user actor dictionary; print each problem with its line number."""
    from sitroom.extract import check_actor_file

    if not path.exists():
        raise fail(f"{path}: no such file")
    problems = check_actor_file(path)
    for p in problems:
        out.print(f"{path}:{p}", markup=False)
    if problems:
        raise typer.Exit(1)
    out.print(f"{path}: ok")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

