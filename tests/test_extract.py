"""Tests for the extract stage on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.extract import (
    check_actor_file,
    check_actor_text,
    extract_mentions,
    load_actor_dictionary,
    load_lexicon,
    parse_lexicon,
)
from sitroom.records import EVENT_TYPES, Article, Mention


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from sitroom.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def run(nlp):  # type: ignore[no-untyped-def]
    def _run(text: str, published: str | None = "2021-03-10") -> list[Mention]:
        art = Article.make(text, published=published)
        return extract_mentions(nlp(text), art)

    return _run


def _of(ms: list[Mention], etype: str) -> list[Mention]:
    return [m for m in ms if m.event_type == etype]


def _countries(actors) -> set[str | None]:  # type: ignore[no-untyped-def]
    return {a.country for a in actors}


# ------------------------------------------------------------------ one sentence per type
TYPE_CASES = [
    ("AGREE", "Chile and Peru agreed on Monday to a new border arrangement."),
    ("CONSULT", "The Kenyan foreign minister met his Ugandan counterpart in Kampala on Friday."),
    ("SUPPORT", "Germany praised Ghana for holding a peaceful vote."),
    ("CONCEDE", "The Thai government lifted the curfew in the southern provinces."),
    ("COOPERATE", "Norway and Sweden will cooperate closely on border policing, officials said."),
    ("AID", "Japan sent food aid to Haiti after the storm."),
    ("RETREAT", "Russian troops withdrew from the disputed village overnight."),
    ("REQUEST", "The Arab League demanded that Israel halt settlement building."),
    ("ACCUSE", "Pakistan accused India of shelling villages along the frontier."),
    ("REJECT", "Venezuela rejected the proposal from Colombia."),
    ("THREATEN", "North Korea threatened to strike South Korea if the drills continued."),
    ("SANCTION", "The European Union imposed sanctions on Belarus on Tuesday."),
    ("PROTEST", "Thousands of students demonstrated in Santiago against fee increases."),
    ("MOBILIZE", "Turkey deployed troops to its southern border."),
    ("COERCE", "Egyptian police arrested twelve journalists in Cairo."),
    ("ASSAULT", "Syrian warplanes bombed a market in Idlib, killing 14 people."),
]


@pytest.mark.parametrize(("etype", "text"), TYPE_CASES)
def test_each_type_is_found(run, etype: str, text: str) -> None:  # type: ignore[no-untyped-def]
    ms = run(text)
    assert etype in {m.event_type for m in ms}, [(m.event_type, m.trigger.text) for m in ms]
    assert all(m.event_type in EVENT_TYPES for m in ms)


def test_mention_fields_carry_evidence(run) -> None:  # type: ignore[no-untyped-def]
    text = "On Sunday, Ethiopian troops attacked rebel positions near Mekele."
    ms = run(text)
    m = _of(ms, "ASSAULT")[0]
    assert m.id == f"{m.article_id}:{m.trigger.start}"
    assert text[m.trigger.start:m.trigger.end] == m.trigger.text == "attacked"
    assert m.sentence.sent_start <= m.trigger.start < m.sentence.sent_end
    src = m.sources[0]
    assert (src.country, src.sector) == ("ETH", "MIL")
    assert text[src.evidence.start:src.evidence.end] == src.evidence.text
    assert m.time is not None and "Sunday" in m.time.text and m.time.value is None
    assert m.place is not None and m.place.text == "Mekele"
    assert "place:Mekele" in m.context
    assert 0.0 <= m.confidence <= 1.0


def test_ids_are_deterministic(run) -> None:  # type: ignore[no-untyped-def]
    text = "Iraqi forces shelled the town. Kurdish fighters returned fire."
    a = [m.id for m in run(text)]
    b = [m.id for m in run(text)]
    assert a == b and len(set(a)) == len(a)


# ------------------------------------------------------------------ roles
def test_passive_voice_agent_is_source(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("The convoy was attacked by Somali militants near the border.")
    m = _of(ms, "ASSAULT")[0]
    assert _countries(m.sources) == {"SOM"}
    assert m.sources[0].sector == "REB"


def test_noun_event_with_demonym_and_target(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("The Iranian missile attack on Saudi oil facilities caused fires.")
    m = _of(ms, "ASSAULT")[0]
    assert "IRN" in _countries(m.sources)
    assert "SAU" in _countries(m.targets)
    assert m.mode == "heavy-weapons"


def test_possessive_source_on_noun_trigger(run) -> None:  # type: ignore[no-untyped-def]
    m = _of(run("Israel's strike on Hamas positions drew criticism."), "ASSAULT")[0]
    assert "ISR" in _countries(m.sources)
    assert "PSE" in _countries(m.targets)


def test_coordinated_actors(run) -> None:  # type: ignore[no-untyped-def]
    m = _of(run("Britain and France condemned the coup in Mali."), "ACCUSE")[0]
    assert {"GBR", "FRA"} <= _countries(m.sources)


def test_coordinated_modifiers_split(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Rockets were fired at U.S. and coalition forces in Syria.")
    m = _of(ms, "ASSAULT")[0]
    assert ("USA", "MIL") in {(a.country, a.sector) for a in m.targets}
    assert ("IGO", "MIL") in {(a.country, a.sector) for a in m.targets}


def test_capital_speaks_for_government(run) -> None:  # type: ignore[no-untyped-def]
    m = _of(run("Moscow expelled two Estonian diplomats."), "SANCTION")[0]
    assert (m.sources[0].country, m.sources[0].sector) == ("RUS", "GOV")


# ------------------------------------------------------------------ statements
def test_attribution_is_not_source(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("The Pentagon said Houthi fighters fired a drone at a ship in the Red Sea.")
    m = _of(ms, "ASSAULT")[0]
    assert "YEM" in _countries(m.sources)
    assert "USA" not in _countries(m.sources)
    att = [s for s in m.statements if s.kind == "attribution"]
    assert att and att[0].speaker is not None and att[0].speaker.name == "Pentagon"


def test_according_to(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Gunmen kidnapped three aid workers in Darfur, according to the United Nations.")
    m = ms[0]
    att = [s for s in m.statements if s.kind == "attribution"]
    assert att and att[0].speaker.country == "IGO"


def test_claim_of_responsibility(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("The Taliban claimed responsibility for the bombing in Kabul.")
    m = _of(ms, "ASSAULT")[0]
    claims = [s for s in m.statements if s.kind == "claim"]
    assert claims and claims[0].speaker.country == "AFG"
    assert "AFG" in _countries(m.sources)


def test_denial_is_statement_not_source(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Russia denied involvement in the cyber attacks on Ukrainian banks.")
    assert not _of(ms, "REJECT")
    m = _of(ms, "COERCE")[0]
    assert [s.kind for s in m.statements] == ["denial"]
    assert m.statements[0].speaker.country == "RUS"
    assert "RUS" not in _countries(m.sources)


# ------------------------------------------------------------------ modality
def test_negation(run) -> None:  # type: ignore[no-untyped-def]
    m = _of(run("Indian forces did not attack the camp."), "ASSAULT")[0]
    assert m.modality == "negated"


def test_threat_is_not_asserted_assault(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("The president warned that he would bomb Libyan airfields.")
    assert _of(ms, "THREATEN")
    assert all(m.modality != "asserted" for m in _of(ms, "ASSAULT"))


def test_vow_becomes_threat_with_future_act(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Hezbollah vowed to retaliate against Israel.")
    t = _of(ms, "THREATEN")[0]
    assert "LBN" in _countries(t.sources)
    assert all(m.modality == "future" for m in _of(ms, "ASSAULT"))


def test_conditional_is_hypothetical(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Officials said the army could strike the rebels if talks failed.")
    assert _of(ms, "ASSAULT")[0].modality == "hypothetical"


def test_past_year_is_historical(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Iraq invaded Kuwait in 1990.", published="2021-03-10")
    m = _of(ms, "ASSAULT")[0]
    assert m.modality == "historical"
    assert m.time is not None and "1990" in m.time.text


def test_earlier_month_is_historical_but_last_month_is_not(run) -> None:  # type: ignore[no-untyped-def]
    old = _of(run("Militants attacked a checkpoint in June.", published="2021-01-20"), "ASSAULT")[0]
    new = _of(run("Militants attacked a checkpoint in December.", published="2021-01-20"), "ASSAULT")[0]
    assert old.modality == "historical"
    assert new.modality == "asserted"


def test_future_cooperation_is_agree(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Canada will send medical supplies to Nepal.")
    assert _of(ms, "AGREE")
    assert _of(ms, "AID")[0].modality == "future"


# ------------------------------------------------------------------ quantities
def test_quantities_with_hedges(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("A car bomb in Mogadishu killed at least 11 people and wounded dozens.")
    m = _of(ms, "ASSAULT")[0]
    q = {(x.kind, x.value, x.hedge) for x in m.quantities}
    assert ("killed", 11, "at least") in q
    assert ("injured", 24, "at least") in q
    assert all(x.evidence is not None for x in m.quantities)
    assert m.mode == "explosives"


def test_more_than_a_dozen(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Rebels fired more than a dozen rockets at the airport.")
    m = _of(ms, "ASSAULT")[0]
    assert ("weapons", 12, "more than") in {(x.kind, x.value, x.hedge) for x in m.quantities}


def test_zero_casualties(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Shells hit the base on Monday. No soldiers were hurt.")
    m = _of(ms, "ASSAULT")[0]
    assert ("injured", 0) in {(x.kind, x.value) for x in m.quantities}


def test_treated_for_injuries_counts_as_injured(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Drones struck the camp overnight. Eight guards were treated for burns.")
    m = _of(ms, "ASSAULT")[0]
    assert ("injured", 8) in {(x.kind, x.value) for x in m.quantities}


# ------------------------------------------------------------------ several events
def test_several_events_in_one_sentence(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Police arrested forty protesters after demonstrators stormed the parliament in Lima.")
    types = {m.event_type for m in ms}
    assert {"COERCE", "PROTEST"} <= types
    coerce = _of(ms, "COERCE")[0]
    assert ("arrested", 40) in {(q.kind, q.value) for q in coerce.quantities}


def test_struck_and_killed_is_one_event(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("A Turkish drone struck and killed two PKK commanders.")
    a = _of(ms, "ASSAULT")
    assert len(a) == 1
    assert a[0].mode == "drone"
    assert "TUR" in _countries(a[0].sources)


# ------------------------------------------------------------------ dictionaries
def test_actor_dictionary_basics() -> None:
    d = load_actor_dictionary()
    assert d.get("Tehran").country == "IRN"
    assert d.get("Revolutionary Guards").sector == "MIL"
    assert d.get("US").country == "USA"
    assert d.get("us") is None  # the pronoun is not the United States
    assert d.get("Ghana").country == "GHA"  # from pycountry


def test_user_actor_file_extends_and_overrides(tmp_path: Path) -> None:
    f = tmp_path / "mine.tsv"
    f.write_text("# my actors\npattern\tname\tcountry\tsector\ttype\n"
                 "Blue Brigade\tBlue Brigade\tMLI\tREB\tgroup\n"
                 "Pentagon\tDefense Dept\tUSA\tGOV\tinstitution\n", "utf-8")
    assert check_actor_file(f) == []
    d = load_actor_dictionary(f)
    assert d.get("Blue Brigade").country == "MLI"
    assert d.get("Pentagon").sector == "GOV"
    assert load_actor_dictionary().get("Pentagon").sector == "MIL"


def test_check_actor_file_reports_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "bad.tsv"
    f.write_text("Foo\tFoo\tXXQ\tGOV\tgroup\n"
                 "Bar\tBar\tFRA\tWIZ\tgroup\n"
                 "Baz\tBaz\tFRA\n"
                 "Qux\tQux\tFRA\tGOV\tplanet\n"
                 "Foo\tFoo\tFRA\tGOV\tgroup\n", "utf-8")
    errs = check_actor_file(f)
    joined = "\n".join(errs)
    assert ":1:" in joined and "XXQ" in joined
    assert ":2:" in joined and "WIZ" in joined
    assert ":3:" in joined and "columns" in joined
    assert ":4:" in joined and "planet" in joined
    assert ":5:" in joined and "already defined" in joined
    assert "cannot read" in check_actor_file(tmp_path / "missing.tsv")[0]


def test_bundled_files_are_valid() -> None:
    text = Path(__file__).resolve().parents[1].joinpath(
        "src/sitroom/extract/data/actors.tsv").read_text("utf-8")
    assert check_actor_text(text) == []
    lex = load_lexicon()
    assert "attack" in lex.triggers and "missile" in lex.modes


def test_lexicon_errors_have_line_numbers() -> None:
    _, errs = parse_lexicon("attack\tVERB\tASSAULT\n\nfoo\tADV\tASSAULT\nbar\tVERB\tNOPE\n")
    assert any(":3:" in e for e in errs) and any(":4:" in e for e in errs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcXYZ\t-. #", max_size=30), max_size=8))
def test_check_actor_text_never_crashes(lines: list[str]) -> None:
    errs = check_actor_text("\n".join(lines))
    assert isinstance(errs, list)
    assert all(isinstance(e, str) and e for e in errs)


# ------------------------------------------------------------------ seed articles
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.mark.integration
def test_seed_articles(run) -> None:  # type: ignore[no-untyped-def]
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip(f"seed articles not found in {SEEDS} (needs ../shared)")
    ms = [m for f in files for m in run(f.read_text("utf-8"), published="2020-01-08")]
    assaults = [m for m in ms if m.event_type == "ASSAULT" and m.modality == "asserted"
                and "IRN" in _countries(m.sources) and "USA" in _countries(m.targets)]
    assert assaults
    assert any(m.mode == "heavy-weapons" for m in assaults)
    assert any(m.place is not None and "Assad" in m.place.text for m in assaults)
    assert any(s.kind == "claim" and s.speaker and s.speaker.country == "IRN" for m in ms for s in m.statements)
    assert any(s.kind == "attribution" and s.speaker and s.speaker.name == "Pentagon" for m in ms for s in m.statements)
    assert any(s.kind == "denial" for m in ms for s in m.statements)
    threats = [m for m in ms if m.event_type == "THREATEN" and "USA" in _countries(m.sources)]
    assert threats
    assert any(m.modality == "historical" for m in ms if m.event_type == "ASSAULT")


# ------------------------------------------------------------------ sentence-level roles
def test_recipient_from_prepositional_phrase(run) -> None:  # type: ignore[no-untyped-def]
    """A side the parse leaves empty is filled from the sentence's other actors."""
    m = _of(run("Kenya offered emergency talks on the border dispute, speaking of Somalia."),
            "CONSULT") or _of(run("Kenya proposed new talks over the dispute involving Somalia."), "CONSULT")
    assert m and "SOM" in _countries(m[0].targets)


def test_actor_without_country_takes_the_sentence_state(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Peruvian police arrested the leader of the Shining Path in a raid.")
    m = _of(ms, "COERCE")[0]
    assert "PER" in _countries(m.sources)
    assert m.targets and m.targets[0].country == "PER"


def test_must_clause_is_a_demand(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Germany said on Monday that Serbia must hand over the suspects.")
    req = _of(ms, "REQUEST")
    assert req, [(x.event_type, x.trigger.text if x.trigger else "") for x in ms]
    assert "DEU" in _countries(req[0].sources) and "SRB" in _countries(req[0].targets)


def test_coordinated_victims_add_up(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("A bomb exploded near a checkpoint in Kirkuk. One attacker and two soldiers were killed.")
    assert ("killed", 3) in {(q.kind, q.value) for x in ms for q in x.quantities}


def test_in_addition_to_the_bomber(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("A suicide bomber attacked a police post in Ramadi. In addition to the bomber, four officers died.")
    kills = [q.value for x in ms for q in x.quantities if q.kind == "killed"]
    assert 5 in kills


def test_shot_and_killed_named_person_is_one(run) -> None:  # type: ignore[no-untyped-def]
    ms = run("Gunmen attacked a market in Mosul. The local mayor was shot and killed near his home.")
    kills = [q.value for x in ms for q in x.quantities if q.kind == "killed"]
    assert kills and kills[0] == 1
