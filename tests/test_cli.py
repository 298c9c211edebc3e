"""Every CLI command, on the demo store and on bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom.cli import app

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for cmd in ("ingest", "events", "show", "timeline", "report", "export", "failures", "stats",
                "stories", "summarize", "backup",
                "demo", "actors", "serve", "eval"):
        assert cmd in out


def test_events_table_json_csv(demo_db: Path) -> None:
    code, out, _ = run("events", "--db", demo_db)
    assert code == 0 and "events" in out
    code, out, _ = run("events", "--db", demo_db, "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows and {"id", "event_type", "sources", "targets"} <= set(rows[0])
    code, out, _ = run("events", "--db", demo_db, "-f", "csv", "--type", "ASSAULT")
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and parsed and all(r["type"] == "ASSAULT" for r in parsed)


def test_events_filters_narrow(demo_db: Path) -> None:
    _, out, _ = run("events", "--db", demo_db, "-f", "json")
    everything = json.loads(out)
    _, out, _ = run("events", "--db", demo_db, "-f", "json", "--since", "2020-01-08",
                    "--until", "2020-01-08", "--country", "IRN")
    some = json.loads(out)
    assert 0 < len(some) < len(everything)
    for e in some:
        assert e["time"]["value"] <= "2020-01-08"


def test_show_prints_evidence_and_as_of(demo_db: Path) -> None:
    _, out, _ = run("events", "--db", demo_db, "-f", "json", "--min-sources", "2")
    ev = json.loads(out)[0]
    code, out, _ = run("show", ev["id"], "--db", demo_db)
    assert code == 0 and ev["id"] in out and "evidence" in out
    code, out, _ = run("show", ev["id"], "--db", demo_db, "--json")
    data = json.loads(out)
    assert code == 0 and data["evidence"] and data["articles"]
    code, _, err = run("show", ev["id"], "--db", demo_db, "--as-of", "1990-01-01")
    assert code == 1 and "no reports" in err


def test_show_unknown_event_is_a_clear_error(demo_db: Path) -> None:
    code, _, err = run("show", "ev_doesnotexist", "--db", demo_db)
    assert code == 1 and "no event" in err


def test_timeline_report_export(demo_db: Path, tmp_path: Path) -> None:
    code, out, _ = run("timeline", "--db", demo_db)
    assert code == 0 and "2020-01" in out
    code, out, _ = run("timeline", "--db", demo_db, "--json")
    assert code == 0 and json.loads(out)
    code, out, _ = run("report", "--db", demo_db)
    assert code == 0 and out.startswith("#")
    html = tmp_path / "r.html"
    code, _, _ = run("report", "--db", demo_db, "-f", "html", "-o", html)
    assert code == 0 and "<html" in html.read_text().lower()
    for fmt in ("plover", "acled", "gdelt", "geojson"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = run("export", fmt, "--db", demo_db, "-o", target)
        assert code == 0 and target.stat().st_size > 0, err
    assert not list(tmp_path.glob(".*.tmp"))


def test_stats_and_failures(demo_db: Path) -> None:
    code, out, _ = run("stats", "--db", demo_db, "--json")
    counts = json.loads(out)
    assert code == 0 and counts["articles"] >= 40 and counts["sources"] >= 6
    code, out, _ = run("failures", "--db", demo_db)
    assert code == 0 and "failures" in out


def test_ingest_reports_new_known_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "in" / "good.txt"
    good.parent.mkdir()
    good.write_text("date 2020-01-05  Parliament votes on troops - Test Wire\n\n"
                    "Iraq's parliament voted on Sunday to ask the government to expel foreign troops.\n")
    (tmp_path / "in" / "bad.bin").write_bytes(b"\x00\x01\x02\xff" * 64)
    (tmp_path / "in" / "empty.txt").write_text("")
    db = tmp_path / "t.db"
    code, out, err = run("ingest", tmp_path / "in", "--db", db, "-q")
    assert code == 0
    assert "1 new, 0 already known" in out and "2 failed" in out
    assert "bad.bin" in err and "empty.txt" in err
    code, out, _ = run("ingest", tmp_path / "in", "--db", db, "-q")
    assert "0 new, 1 already known" in out
    code, out, _ = run("failures", "--db", db)
    assert "bad.bin" in out and "2 failures" in out


@pytest.mark.parametrize("args,needle", [
    (("events", "--since", "yesterday"), "YYYY-MM-DD"),
    (("events", "--type", "PARTY"), "not a PLOVER type"),
    (("ingest", "nope/missing.txt"), "no such file"),
    (("events",), "no such store"),
    (("ingest", ".", "--date", "08/01/2020"), "YYYY-MM-DD"),
])
def test_bad_usage_is_one_clear_line(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    db = tmp_path / "missing.db"
    code, _, err = run(*args, "--db", db)
    assert code != 0 and needle in err
    assert "Traceback" not in err


def test_corrupt_store_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(b"garbage" * 1000)
    code, _, err = run("stats", "--db", db)
    assert code == 1 and "x.db" in err


def test_actors_check(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("this line has no tabs\n")
    code, out, _ = run("actors", "check", bad)
    assert code == 1 and "bad.tsv:" in out
    code, _, err = run("actors", "check", tmp_path / "none.tsv")
    assert code == 1 and "no such file" in err


def test_demo_command(tmp_path: Path) -> None:
    db, html = tmp_path / "d.db", tmp_path / "d.html"
    code, out, err = run("demo", "--db", db, "--html", html, "-q")
    assert code == 0, err
    assert "new" in out and "#" in out
    assert html.exists() and "<script src" not in html.read_text()


def test_serve_wraps_the_api(demo_db: Path, monkeypatch) -> None:
    import sitroom.api

    calls = []
    monkeypatch.setattr(sitroom.api, "serve", lambda db, **kw: calls.append((db, kw)))
    code, _, err = run("serve", "--db", demo_db, "--port", "9999")
    assert code == 0 and calls == [(demo_db, {"host": "127.0.0.1", "port": 9999, "allow_ingest": False,
                                              "workers": 1})]
    assert "http://127.0.0.1:9999/" in err
    code, _, err = run("serve", "--db", demo_db.parent / "none.db")
    assert code == 1 and "no such store" in err


def test_eval_runs_on_a_small_gold_file(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "evaluate" / "plover.json"
    code, out, err = run("eval", "plover", fixture, "--json")
    assert code == 0, err
    metrics = json.loads(out)
    assert "event_type_accuracy" in json.dumps(metrics)


def test_every_evaluator_module_registers_its_subcommand() -> None:
    import importlib

    from sitroom.evaluate.cli import EXTRA_EVALUATORS

    code, out, _ = run("eval", "--help")
    assert code == 0
    for name in ("plover", "case", "gtd", "petrarch"):
        assert name in out
    for module in EXTRA_EVALUATORS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        command = module.rsplit(".", 1)[1].removesuffix("_eval")
        assert command in out, f"{module} exists but registered no `sitroom eval {command}`"


def test_stories_summarize_and_story_timeline(demo_db: Path) -> None:
    code, out, _ = run("stories", "--db", demo_db, "--json")
    found = json.loads(out)
    assert code == 0 and found and found[0]["event_ids"]
    top = found[0]
    code, out, _ = run("summarize", "--story", top["id"][:6], "--db", demo_db)
    assert code == 0 and top["title"] in out and "[" in out
    code, out, _ = run("summarize", "--story", top["id"], "--db", demo_db, "--json")
    summary = json.loads(out)
    assert summary["story_id"] == top["id"] and summary["sentences"]
    code, out, _ = run("timeline", "--story", top["id"], "--db", demo_db, "--json")
    entries = json.loads(out)
    assert code == 0 and entries and {e["event_id"] for e in entries} <= set(top["event_ids"])
    code, _, err = run("summarize", "--story", "s_nope", "--db", demo_db)
    assert code == 1 and "no story" in err


def test_backup_is_a_readable_copy(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    code, _, err = run("backup", copy, "--db", demo_db)
    assert code == 0 and str(copy) in err
    code, out, _ = run("stats", "--db", copy, "--json")
    code2, out2, _ = run("stats", "--db", demo_db, "--json")
    assert code == code2 == 0 and json.loads(out) == json.loads(out2)
    assert not list(tmp_path.glob(".*.tmp"))


def test_full_merge_equals_one_run_over_everything(tmp_path: Path) -> None:
    from sitroom.demo import CORPUS_DIR

    parts, whole = tmp_path / "parts.db", tmp_path / "whole.db"
    for folder in ("text", "jsonl"):
        code, _, err = run("ingest", CORPUS_DIR / folder, "--db", parts, "-q")
        assert code == 0, err
    code, out, _ = run("ingest", CORPUS_DIR / "text", "--db", parts, "-q", "--full-merge")
    assert code == 0 and "0 new" in out
    run("ingest", CORPUS_DIR / "text", CORPUS_DIR / "jsonl", "--db", whole, "-q")
    _, a, _ = run("events", "--db", parts, "-f", "json")
    _, b, _ = run("events", "--db", whole, "-f", "json")
    assert [e["id"] for e in json.loads(a)] == [e["id"] for e in json.loads(b)]


_ERBIL = ("date 2021-02-16  Rockets hit Erbil - Test Wire\n\n"
          "Saraya Awliya al-Dam fired rockets at the airport in Erbil on Monday night, "
          "killing a contractor.\n")


def test_ingest_with_user_actor_dictionary(tmp_path: Path) -> None:
    article = tmp_path / "erbil.txt"
    article.write_text(_ERBIL)
    actors = tmp_path / "mine.tsv"
    actors.write_text("pattern\tname\tcountry\tsector\ttype\n"
                      "Saraya Awliya al-Dam\tSaraya Awliya al-Dam\tIRQ\tREB\tgroup\n"
                      "this row is broken\n")

    def sources(db: Path) -> list[tuple[str, str | None, str | None]]:
        code, out, _ = run("events", "--db", db, "-f", "json", "--type", "ASSAULT")
        assert code == 0
        return [(a["name"], a["country"], a["sector"]) for row in json.loads(out) for a in row["sources"]]

    code, _, err = run("ingest", article, "--db", tmp_path / "plain.db", "-q")
    assert code == 0, err
    assert ("Saraya Awliya al-Dam", "IRQ", "REB") not in sources(tmp_path / "plain.db")
    code, _, err = run("ingest", article, "--db", tmp_path / "mine.db", "-q", "--actors", actors)
    assert code == 0 and "mine.tsv:3" in err and "skipped" in err
    assert ("Saraya Awliya al-Dam", "IRQ", "REB") in sources(tmp_path / "mine.db")
    code, _, err = run("ingest", article, "--db", tmp_path / "x.db", "--actors", tmp_path / "none.tsv")
    assert code == 2 and "none.tsv" in err and "Traceback" not in err


def test_story_commands_store_the_stories_of_a_store_without_them(demo_db: Path,
                                                                   tmp_path: Path) -> None:
    """A store whose stories are missing (an older one) gets them grouped and
    stored by the first story command; the listing equals the demo's."""
    from sitroom.store import open_store

    _, listed, _ = run("stories", "--db", demo_db, "--json", "--limit", "5")
    copy = tmp_path / "old.db"
    with open_store(demo_db) as store:
        store.backup(copy)
    with open_store(copy) as store:
        store.write_stories([], [], [])
        store.db.execute("DELETE FROM meta WHERE key='stories_of'")
        assert not store.stories_current
    top = json.loads(listed)[0]
    code, out, _ = run("timeline", "--story", top["id"][:8], "--db", copy, "--json")
    assert code == 0 and [e["event_id"] for e in json.loads(out)]
    with open_store(copy) as store:
        assert store.stories_current and store.story_event_ids(top["id"]) == top["event_ids"]
    code, out, _ = run("stories", "--db", copy, "--json", "--limit", "5")
    assert code == 0 and json.loads(out) == json.loads(listed)
