"""Shared fixtures: paths to ../shared, the spaCy model, ready-made stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"


def need(path: Path) -> Path:
    """Skip (with the reason) when a ../shared resource is absent, as in a user's clone."""
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only beside the developers' checkout)")
    return path


@pytest.fixture(scope="session")
def nlp():
    from sitroom.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo corpus, ingested once per test session."""
    import sitroom
    from sitroom.demo import CORPUS_DIR

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    report = sitroom.ingest([CORPUS_DIR], db=db)
    assert report.new >= 40, report
    return db


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two seed articles; the headerless one dated by the --date flag."""
    import sitroom

    need(SEEDS)
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    sitroom.ingest([SEEDS], db=db, default_date="2020-01-08")
    return db
