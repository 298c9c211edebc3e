"""`sitroom serve` answers concurrent readers while an ingest writes (WAL): no 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

from sitroom.scale.load import demo_store, run_load  # noqa: E402
from sitroom.scale.synth import write_corpus  # noqa: E402


def test_ten_clients_read_while_an_ingest_writes_with_no_server_errors(tmp_path: Path) -> None:
    db = demo_store(tmp_path / "demo.db")
    corpus = write_corpus(tmp_path / "incoming", 300, per_file=50)
    result = run_load(db, clients=10, seconds=5, ingest_paths=corpus, max_requests=5000)
    assert result.requests > 0
    assert result.server_errors == 0, result.summary()
    assert result.errors == [], result.errors[:5]
    assert set(result.status) == {200}, result.summary()
    assert len(result.latencies_ms) == result.requests  # every request completed
