"""The seed articles (../shared/seeds): Iran's January 2020 missile strike.

These check the whole flow — ingest, extract, resolve, store, merge — on
real reporting. Nothing in the code knows these articles; the assertions
only look for what a careful human coder would record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom import open_store
from sitroom.records import Event, Mention

from .conftest import SEEDS, need

pytestmark = pytest.mark.integration


def _load(db: Path) -> tuple[list[Event], dict[str, Mention]]:
    with open_store(db) as store:
        return store.events(), store.mentions()


def _evidence(ev: Event, mentions: dict[str, Mention]) -> str:
    return " ".join(
        mentions[m].sentence.text for m in ev.mention_ids if mentions[m].sentence  # type: ignore[union-attr]
    )


def _countries(actors) -> set[str]:
    return {a.country for a in actors if a.country}


def _strike(events: list[Event]) -> Event:
    """The Iranian missile strike on US forces in Iraq: the best-supported IRN→USA assault."""
    candidates = [
        e for e in events
        if e.event_type == "ASSAULT" and e.modality == "asserted"
        and "IRN" in _countries(e.sources) and "USA" in _countries(e.targets)
    ]
    assert candidates, "no asserted ASSAULT by IRN on USA"
    return max(candidates, key=lambda e: (e.n_articles, len(e.mention_ids)))


def test_missile_strike_is_one_event_supported_by_both_articles(seeds_db: Path) -> None:
    events, mentions = _load(seeds_db)
    strike = _strike(events)
    assert strike.n_articles == 2
    assert strike.n_sources >= 2
    assert strike.time is not None and strike.time.value in ("2020-01-07", "2020-01-08")
    sectors = {a.sector for a in strike.sources if a.country == "IRN"}
    assert "MIL" in sectors or "GOV" in sectors
    assert "MIL" in {a.sector for a in strike.targets if a.country == "USA"}


def test_missile_strike_place_is_al_asad_or_erbil(seeds_db: Path) -> None:
    events, _ = _load(seeds_db)
    place = _strike(events).place
    assert place is not None and place.country == "IRQ"
    name = f"{place.name} {place.text}".lower()
    assert any(k in name for k in ("asad", "assad", "erbil", "irbil", "arbil")), place
    assert place.lat is not None and 32 < place.lat < 37


def test_claim_and_pentagon_confirmation_are_statements(seeds_db: Path) -> None:
    events, _ = _load(seeds_db)
    strike = _strike(events)
    kinds = {(s.kind, s.speaker.country if s.speaker else None) for s in strike.statements}
    assert ("claim", "IRN") in kinds, strike.statements
    assert any(kind == "attribution" and who == "USA" for kind, who in kinds), strike.statements


def test_threat_to_strike_52_targets_is_threaten_not_assault(seeds_db: Path) -> None:
    events, mentions = _load(seeds_db)
    threats = [e for e in events if e.event_type == "THREATEN" and "52" in _evidence(e, mentions)]
    assert threats, "Trump's warning is not coded as THREATEN"
    assert "USA" in _countries(threats[0].sources)
    for e in events:
        if e.event_type == "ASSAULT" and "52" in _evidence(e, mentions):
            assert e.modality in ("future", "hypothetical"), e


@pytest.mark.parametrize("cues", [("drone", "june"), ("tanker",)])
def test_background_events_keep_their_own_dates(seeds_db: Path, cues: tuple[str, ...]) -> None:
    """The June 2019 drone downing and the summer tanker attacks are background."""
    events, mentions = _load(seeds_db)
    found = [
        e for e in events
        if e.event_type == "ASSAULT" and all(c in _evidence(e, mentions).lower() for c in cues)
    ]
    assert found, f"no event about {cues}"
    for e in found:
        assert e.modality == "historical", e
        assert e.time is not None and e.time.value is not None, e
        assert e.time.value < "2020-01", e.time


def test_denials_are_marked(seeds_db: Path) -> None:
    events, mentions = _load(seeds_db)
    denied = [e for e in events if any(s.kind == "denial" for s in e.statements)]
    assert denied, "no denial recorded"
    assert any(
        s.speaker is not None and s.speaker.country == "IRN"
        for e in denied for s in e.statements if s.kind == "denial"
    )


def test_without_a_date_flag_nothing_is_silently_dated_today(tmp_path: Path) -> None:
    import sitroom

    need(SEEDS)
    db = tmp_path / "nodate.db"
    sitroom.ingest([SEEDS], db=db)
    with open_store(db) as store:
        arts = store.articles()
        events = store.events()
    undated = [a for a in arts.values() if a.date_precision == "unknown"]
    assert len(undated) == 1
    assert _strike(events).n_articles == 2
    for e in events:
        if e.article_ids == [undated[0].id] and e.time is not None:
            assert e.time.precision == "unknown" or e.time.value is None or e.time.value < "2020-02"


def test_reingest_adds_nothing(seeds_db: Path) -> None:
    import sitroom

    before = _load(seeds_db)
    report = sitroom.ingest([SEEDS], db=seeds_db, default_date="2020-01-08")
    assert report.new == 0 and report.known == 2
    after = _load(seeds_db)
    assert [e.id for e in before[0]] == [e.id for e in after[0]]
