"""The evaluation harness: readers, metrics, mappings, split, harness and CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sitroom.evaluate import cli as eval_cli
from sitroom.evaluate import evaluate, read_dataset, split_of
from sitroom.evaluate.harness import primary, select_split
from sitroom.evaluate.mappings import (
    acled_label,
    acled_label_snippet,
    cameo_root,
    cameo_to_plover,
    coverage,
    foreground,
    gtd_attack_type,
    quad_class,
)
from sitroom.evaluate.metrics import (
    classification_report,
    confusion,
    exact_match,
    haversine_km,
    share_within,
)
from sitroom.evaluate.readers import (
    GoldFormatError,
    normalise_sector,
    read_case,
    read_gtd,
    read_petrarch,
    read_plover,
)
from sitroom.evaluate.tables import read_table
from sitroom.records import EVENT_TYPES, QUAD_CLASS, Actor, Evidence, Mention, Quantity, Statement

FIX = Path(__file__).parent / "fixtures" / "evaluate"

CASE_LABELS = {
    "ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK",
    "ATTACK", "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST",
    "GOV_REGAINS_TERIT", "GRENADE", "HQ_ESTABLISHED", "MOB_VIOL",
    "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "OTHER", "PEACE_PROTEST",
    "PROPERTY_DISTRUCT", "PROTEST_WITH_INTER", "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB",
    "VIOL_DEMONSTR", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB",
}
GTD_TYPES = {
    "Bombing/Explosion", "Armed Assault", "Assassination", "Hostage Taking (Kidnapping)",
    "Facility/Infrastructure Attack", "Hijacking", "Unarmed Assault",
    "Hostage Taking (Barricade Incident)", "Unknown",
}


def mention(event_type: str, mode: str = "", **kw: object) -> Mention:
    return Mention(id="m", article_id="a", event_type=event_type, mode=mode, **kw)  # type: ignore[arg-type]


def sentence(text: str) -> Evidence:
    return Evidence("a", 0, len(text), 0, len(text), text)


# ---------------------------------------------------------------- readers


def test_plover_reader_skips_document_and_maps_legacy_codes() -> None:
    items = list(read_plover(FIX / "plover.json"))
    assert [i.id for i in items] == ["FIX-DEMAND-0001", "FIX-FIGHT-0001", "FIX-PROTEST-0001"]
    demand, fight, protest = items
    assert demand.gold["event_type"] == "REQUEST"
    assert demand.gold["context"] == ["diplomatic", "military"]
    assert demand.gold["targets"][0].country == "ITA"       # CAMEO ITL -> ISO ITA
    assert demand.gold["targets"][0].sector == "REB"        # ethnic suffix dropped
    assert fight.gold["event_type"] == "ASSAULT"
    assert (fight.gold["killed"], fight.gold["injured"]) == (4, 2)
    assert fight.gold["targets"] == [] and fight.gold["place"] == "Kassala"
    assert protest.gold["mode"] == "boycott"                  # strike-gen
    assert protest.gold["sources"][0].sector is None          # '***' is unknown
    assert protest.gold["targets"] == [] and protest.date == "2001-02-05"


def test_case_reader_skips_empty_snippets() -> None:
    items = list(read_case(FIX / "case.tsv"))
    assert [i.id for i in items] == ["case-1", "case-2", "case-4"]
    assert items[0].gold == {"label": "ART_MISS_ATTACK"} and items[0].date is None


def test_gtd_reader_parses_counts_and_coordinates() -> None:
    items = list(read_gtd(FIX / "gtd.csv"))
    assert len(items) == 2                                    # empty summary skipped
    first, second = items
    assert first.gold["attack_type"] == "Bombing/Explosion"
    assert (first.gold["killed"], first.gold["wounded"]) == (3, 11)
    assert first.gold["lat"] == pytest.approx(35.46) and first.date == "2013-05-06"
    assert second.gold["killed"] is None and second.gold["wounded"] == 0
    assert second.gold["lat"] is None
    assert first.id.startswith("gtd-") and first.id != second.id


def test_gtd_ids_do_not_depend_on_row_order(tmp_path: Path) -> None:
    lines = (FIX / "gtd.csv").read_text().splitlines()
    flipped = tmp_path / "flipped.csv"
    flipped.write_text("\n".join([lines[0], lines[2], lines[1]]) + "\n")
    assert {i.id for i in read_gtd(FIX / "gtd.csv")} == {i.id for i in read_gtd(flipped)}


def test_petrarch_reader() -> None:
    items = list(read_petrarch(FIX / "petrarch.xml"))
    assert [i.id for i in items] == ["FIX-PET-001", "FIX-PET-002"]   # '---' coding skipped
    talk, fight = items
    assert talk.date == "2015-03-12"
    assert talk.text.startswith("The French president flew") and "\n" not in talk.text
    assert talk.gold["cameo"] == "042"
    assert (talk.gold["sources"][0].country, talk.gold["sources"][0].sector) == ("FRA", "GOV")
    assert (talk.gold["targets"][0].country, talk.gold["targets"][0].sector) == ("DEU", None)
    assert fight.gold["cameo_all"] == ["190", "173"]
    assert fight.gold["targets"][0].sector == "REB"


def test_readers_reject_wrong_formats(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("not, a, gold file\n")
    with pytest.raises(GoldFormatError):
        list(read_plover(bad))
    with pytest.raises(GoldFormatError):
        list(read_case(bad))
    with pytest.raises(GoldFormatError):
        list(read_gtd(bad))
    with pytest.raises(GoldFormatError):
        list(read_petrarch(bad))
    with pytest.raises(ValueError, match="unknown dataset"):
        read_dataset("acled", bad)


_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=40).filter(lambda s: s.strip() and '"' not in s)


@given(st.lists(st.tuples(_cell, st.sampled_from(sorted(CASE_LABELS))), min_size=1,
                max_size=8))
def test_case_reader_round_trips_any_snippet(rows: list[tuple[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.tsv"
        body = "".join(f"{n}\t{text}\t{label}\n" for n, (text, label) in enumerate(rows))
        path.write_text("id\tEventSnippet\tSubType\n" + body, encoding="utf-8")
        items = list(read_case(path))
    assert [(i.text, i.gold["label"]) for i in items] == [(t.strip(), lab) for t, lab in rows]


@given(st.text(max_size=12))
def test_sector_normaliser_is_total(code: str) -> None:
    out = normalise_sector(code)
    assert out is None or (len(out) <= 3 and out == out.upper())


@given(st.lists(st.fixed_dictionaries({
    "text": _cell, "event": st.sampled_from([*EVENT_TYPES, "DEMAND", "FIGHT", "DOCUMENT"]),
    "dead": st.one_of(st.none(), st.integers(0, 500), st.text(max_size=5)),
}), max_size=6))
def test_plover_reader_survives_any_record(records: list[dict[str, object]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        items = list(read_plover(path))
    assert len(items) == sum(1 for r in records if r["event"] != "DOCUMENT")
    assert all(i.gold["event_type"] in EVENT_TYPES for i in items)
    assert all(i.gold["killed"] is None or isinstance(i.gold["killed"], int) for i in items)


# ---------------------------------------------------------------- metrics


def test_classification_report_by_hand() -> None:
    gold = ["A", "A", "B", "C"]
    pred = ["A", "B", "B", "A"]
    rep = classification_report(gold, pred)
    by = {s.label: s for s in rep.per_label}
    assert (by["A"].precision, by["A"].recall, by["A"].f1) == (0.5, 0.5, 0.5)
    assert (by["B"].precision, by["B"].recall) == (0.5, 1.0)
    assert by["B"].f1 == pytest.approx(2 / 3)
    assert by["C"].f1 == 0.0 and by["C"].support == 1
    assert rep.accuracy == 0.5
    assert rep.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert rep.weighted_f1 == pytest.approx((0.5 * 2 + 2 / 3 * 1 + 0 * 1) / 4)
    assert rep.micro_f1 == pytest.approx(0.5)


def test_predictions_outside_the_label_set_are_misses_only() -> None:
    rep = classification_report(["A", "B"], ["A", "NONE"])
    assert rep.accuracy == 0.5
    assert rep.micro_f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)   # P = 1/1, R = 1/2
    with pytest.raises(ValueError):
        classification_report(["A"], [])


def test_explicit_labels_count_unseen_types_in_macro() -> None:
    rep = classification_report(["A"], ["A"], labels=["A", "B"])
    assert rep.macro_f1 == 0.5 and rep.weighted_f1 == 1.0


def test_confusion() -> None:
    assert confusion(["A", "A", "B"], ["A", "B", "B"]) == {"A": {"A": 1, "B": 1}, "B": {"B": 1}}


def test_exact_match_treats_missing_prediction_as_zero() -> None:
    assert exact_match([3, 0, None, 2], [3, None, 5, 1]) == (2 / 3, 3)


def test_haversine_and_share_within() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.05)
    assert haversine_km(33.3, 44.4, 33.3, 44.4) == 0.0
    # Baghdad to Mosul is about 350 km
    assert 330 < haversine_km(33.31, 44.36, 36.34, 43.13) < 380
    assert share_within([10.0, 200.0, None, 161.0]) == (0.5, 4)
    assert share_within([]) == (0.0, 0)


# ---------------------------------------------------------------- mappings


def test_every_table_covers_all_sixteen_types() -> None:
    for name, cov in coverage().items():
        assert set(cov) == set(EVENT_TYPES), name
        assert all(cov.values()), (name, [t for t, ok in cov.items() if not ok])


def test_tables_only_use_target_vocabularies() -> None:
    assert {r[2] for r in read_table("plover_acled.tsv")} <= CASE_LABELS
    assert {r[2] for r in read_table("plover_gtd.tsv")} <= GTD_TYPES
    assert {r[2] for r in read_table("weapon_cues.tsv") if r[0] == "acled"} <= CASE_LABELS
    assert {r[2] for r in read_table("weapon_cues.tsv") if r[0] == "gtd"} <= GTD_TYPES
    assert {r[0] for r in read_table("plover_acled.tsv")} <= set(EVENT_TYPES)
    for t in EVENT_TYPES:   # the quad class of a type's CAMEO root agrees with PLOVER's own,
        if t == "CONCEDE":  # except CAMEO 08 "yield", material in CAMEO, verbal in PLOVER
            continue
        assert quad_class(cameo_root(mention(t))) == QUAD_CLASS[t], t


def test_acled_cues() -> None:
    assert acled_label(mention("ASSAULT", "aerial")) == "AIR_STRIKE"
    civilians = [Actor("villagers", sector="CVL")]
    assert acled_label(mention("ASSAULT", "firearms", targets=civilians)) == "ATTACK"
    assert acled_label(mention("ASSAULT", "firearms",
                               targets=[Actor("militia", sector="REB")])) == "ARMED_CLASH"
    assert acled_label(mention("ASSAULT", targets=[Actor("the protesters")])) == \
        "FORCE_AGAINST_PROTEST"
    assert acled_label(mention("ASSAULT", sources=[Actor("a mob", sector="CVL")])) == "MOB_VIOL"
    assert acled_label(mention("ASSAULT", "explosives",
                               sentence=sentence("A grenade was thrown at a bus."))) == "GRENADE"
    assert acled_label(mention("PROTEST", "demo")) == "PEACE_PROTEST"
    assert acled_label(mention("PROTEST", "riot")) == "VIOL_DEMONSTR"
    assert acled_label(mention("PROTEST", "demo",
                               quantities=[Quantity("arrested", 40)])) == "PROTEST_WITH_INTER"
    assert acled_label(mention("COERCE", "arrest")) == "ARREST"
    assert acled_label(mention("COERCE", "seize",
                               sources=[Actor("insurgents", sector="REB")])) == \
        "NON_STATE_ACTOR_OVERTAKES_TER"
    assert acled_label(mention("COERCE", "seize", sources=[Actor("army", sector="MIL")])) == \
        "GOV_REGAINS_TERIT"
    assert acled_label(mention("ASSAULT", statements=[Statement("claim")])) == "ATTRIB"
    assert acled_label(mention("SANCTION", "expel")) == "DIPLO"


def test_gtd_cues() -> None:
    assert gtd_attack_type(mention("ASSAULT", "suicide-attack")) == "Bombing/Explosion"
    assert gtd_attack_type(mention("ASSAULT", "assassinate")) == "Assassination"
    assert gtd_attack_type(mention("ASSAULT", "abduct")) == "Hostage Taking (Kidnapping)"
    blast = sentence("A roadside bomb went off near a patrol.")
    assert gtd_attack_type(mention("ASSAULT", sentence=blast)) == "Bombing/Explosion"
    assert gtd_attack_type(mention("ASSAULT")) == "Armed Assault"
    assert gtd_attack_type(mention("CONSULT")) == "Unknown"


def test_cameo_mappings() -> None:
    assert cameo_root(mention("CONSULT", "visit")) == "04"
    assert cameo_root(mention("ACCUSE", "investigate")) == "09"
    assert cameo_root(mention("ASSAULT", "heavy-weapons")) == "19"
    assert cameo_root(mention("ASSAULT", "beat")) == "18"
    assert cameo_to_plover("0841") == "RETREAT"
    assert cameo_to_plover("083") == "CONCEDE"
    assert cameo_to_plover("1712") == "ASSAULT"
    assert cameo_to_plover("1711") == "COERCE"
    assert cameo_to_plover("163") == "COERCE"
    assert cameo_to_plover("010") is None
    assert quad_class("193") == "material_conflict" and quad_class("99") is None


# ---------------------------------------------------------------- split


def test_split_is_deterministic_and_about_a_third() -> None:
    ids = [f"item-{n}" for n in range(3000)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in ids]
    share = first.count("holdout") / len(ids)
    assert 0.30 < share < 0.37
    # pinned: sha1("item-0") is fixed, so is its split, on any machine
    import hashlib

    expect = "holdout" if int(hashlib.sha1(b"item-0").hexdigest(), 16) % 3 == 0 else "dev"
    assert split_of("item-0") == expect


def test_select_split_partitions() -> None:
    items = read_dataset("plover", FIX / "plover.json")
    dev, hold = select_split(items, "dev"), select_split(items, "holdout")
    assert sorted(i.id for i in dev + hold) == sorted(i.id for i in items)
    assert not {i.id for i in dev} & {i.id for i in hold}
    with pytest.raises(ValueError):
        select_split(items, "train")


# ---------------------------------------------------------------- harness


def stub(text: str, date: str | None) -> list[Mention]:
    """A keyword stand-in for the extractor, enough to exercise scoring."""
    low = text.lower()
    if "shelled" in low:
        return [mention("ASSAULT", "heavy-weapons", confidence=0.9,
                        sources=[Actor("army", country="SDN", sector="MIL")],
                        quantities=[Quantity("killed", 4)]),
                mention("CONSULT", confidence=0.2)]
    if "called on" in low:
        return [mention("REQUEST", sources=[Actor("Norway", country="NOR", sector="GOV")])]
    if "walked off" in low:
        raise RuntimeError("boom")
    return []


def test_primary_prefers_confidence_then_order() -> None:
    a, b, c = mention("AGREE", confidence=0.5), mention("ASSAULT", confidence=0.5), \
        mention("COERCE", confidence=0.4)
    assert primary([a, b, c]) is a
    assert primary([a, b, c], prefer=("ASSAULT", "COERCE")) is b
    assert primary([]) is None


def test_evaluate_plover_with_stub() -> None:
    items = read_dataset("plover", FIX / "plover.json")
    res = evaluate("plover", items, stub)
    assert res.n == 3 and res.errors == 1
    assert res.metrics["event_type_accuracy"] == pytest.approx(2 / 3)
    assert res.metrics["source_country_accuracy"] == pytest.approx(2 / 3)  # failed item misses
    assert res.support["source_country_accuracy"] == 3
    assert res.metrics["mode_accuracy"] == pytest.approx(0.5)   # two gold modes
    assert res.metrics["killed_exact"] == 1.0
    assert res.confusion["PROTEST"] == {"NONE": 1}
    assert res.items[2]["error"] == "RuntimeError: boom"
    assert math.isclose(res.reports["event_type"].macro_f1, 2 / 16)


def test_evaluate_gtd_and_petrarch_with_stub() -> None:
    def gtd_stub(text: str, date: str | None) -> list[Mention]:
        from sitroom.records import PlaceRef, TimeRef

        if "explosives" in text:
            return [mention("ASSAULT", "explosives", quantities=[Quantity("killed", 3)],
                            place=PlaceRef("Kirkuk", lat=35.47, lon=44.39),
                            time=TimeRef("", value=date))]
        return [mention("ASSAULT", "firearms")]

    res = evaluate("gtd", read_dataset("gtd", FIX / "gtd.csv"), gtd_stub)
    assert res.metrics["attack_type_accuracy"] == 1.0
    assert res.metrics["killed_exact"] == 1.0 and res.support["killed_exact"] == 1
    assert res.metrics["wounded_exact"] == 0.5
    assert res.metrics["within_161km"] == 1.0 and res.metrics["geo_coverage"] == 1.0
    assert res.metrics["date_exact"] == 0.5

    def pet_stub(text: str, date: str | None) -> list[Mention]:
        return [mention("CONSULT", "visit", sources=[Actor("France", country="FRA")])]

    res = evaluate("petrarch", read_dataset("petrarch", FIX / "petrarch.xml"), pet_stub)
    assert res.metrics["cameo_root_accuracy"] == 0.5
    assert res.metrics["event_type_accuracy"] == 0.5
    assert res.metrics["quad_class_accuracy"] == 0.5
    assert res.metrics["source_country_accuracy"] == 0.5


def test_evaluate_case_and_limit() -> None:
    def case_stub(text: str, date: str | None) -> list[Mention]:
        return [mention("ASSAULT", "heavy-weapons")] if "mortar" in text else []

    res = evaluate("case", read_dataset("case", FIX / "case.tsv"), case_stub, limit=2)
    assert res.n == 2
    # item 1 from the snippet's "mortar", item 2 from its "marched" (no mention needed)
    assert res.metrics["accuracy"] == 1.0
    assert res.metrics["weighted_f1"] == pytest.approx(1.0)
    assert res.items[0]["predicted"]["label"] == "ART_MISS_ATTACK"
    assert res.items[1]["predicted"]["label"] == "PEACE_PROTEST"


@pytest.mark.parametrize(("text", "label"), [
    ("A car carrying a suicide attacker blew up at the gate of the base.", "SUIC_BOMB"),
    ("Police defused two roadside bombs planted near the bridge.", "DISR_WEAP"),
    ("Soldiers found a cache of rifles and ammunition in a farmhouse.", "DISR_WEAP"),
    ("Riot police fired tear gas to disperse demonstrators in the square.", "PROTEST_WITH_INTER"),
    ("Troops opened fire on the protesters, killing three of them.", "FORCE_AGAINST_PROTEST"),
    ("Stone-throwing protesters clashed with police near the parliament.", "VIOL_DEMONSTR"),
    ("Teachers marched to the ministry to demand their unpaid salaries.", "PEACE_PROTEST"),
    ("Warplanes struck rebel positions east of the town.", "AIR_STRIKE"),
    ("A hand grenade was thrown into a crowded tea shop.", "GRENADE"),
    ("An earthquake of magnitude 6 flattened several villages.", "NATURAL_DISASTER"),
    ("A passenger train derailed near the river, killing four.", "MAN_MADE_DISASTER"),
    ("The group claimed responsibility for the ambush on the convoy.", "ATTRIB"),
    ("The two governments agreed to a ceasefire starting at midnight.", "AGREEMENT"),
    ("The ministry expelled three diplomats over spying claims.", "DIPLO"),
    ("Gunmen kidnapped an aid worker on the road to the airport.", "ABDUCT_DISSAP"),
    ("Customs officers broke up a ring smuggling heroin across the border.", "ORG_CRIME"),
])
def test_acled_snippet_cues(text: str, label: str) -> None:
    assert acled_label_snippet(text, None) == label


@pytest.mark.parametrize(("text", "label"), [
    # a clause naming the cause or an earlier event does not decide the label
    ("The capital expelled two envoys in retaliation for a nerve agent attack.", "DIPLO"),
    ("Farmers rallied in the town square following the arrest of their leader.", "PEACE_PROTEST"),
    ("Students held demonstrations against police violence in three cities.", "PEACE_PROTEST"),
    # ... except after a casualty report, where it names what caused them
    ("Five people were killed after a car bomb went off at the market.", "REM_EXPLOS"),
    ("Two villagers died after a strong earthquake hit the valley.", "NATURAL_DISASTER"),
    # negated or unfulfilled readings of a cue
    ("A roadside mine wounded six soldiers; no group has claimed the attack.", "REM_EXPLOS"),
    ("A grenade exploded in the bus station and police later recovered its pin.", "GRENADE"),
    ("Jets bombed what officials called chemical weapons facilities near the coast.", "AIR_STRIKE"),
    ("Rebel units entered the town at dawn and met no resistance.", "NON_VIOL_TERRIT_TRANSFER"),
    # codebook vocabulary
    ("Security forces violently dispersed a sit-in outside the court.", "FORCE_AGAINST_PROTEST"),
    ("Protesters blocked the main highway with burning tyres.", "VIOL_DEMONSTR"),
    ("Youths rioted through the night and threw petrol bombs at shops.", "VIOL_DEMONSTR"),
    ("Army units established control over the district after a week of fighting.",
     "GOV_REGAINS_TERIT"),
    ("The army is moving troops and armour towards the northern border.", "CHANGE_TO_GROUP_ACT"),
    ("Inspectors seized a lorry full of counterfeit medicines.", "ORG_CRIME"),
    ("The militia set up two camps on the hills above the village.", "HQ_ESTABLISHED"),
])
def test_acled_snippet_focuses_on_the_reported_event(text: str, label: str) -> None:
    assert acled_label_snippet(text, None) == label


def test_foreground_blanks_background_only() -> None:
    assert "arrest" not in foreground("Hundreds marched following the arrest of a student.")
    assert "bomb" in foreground("Three died after a bomb exploded.")
    assert "violence" not in foreground("A march against violence crossed the city.")
    assert foreground("Troops shelled the town.") == "Troops shelled the town."


@given(st.text(max_size=200))
def test_foreground_is_total_and_never_longer(text: str) -> None:
    out = foreground(text)
    assert isinstance(out, str)
    assert len(out) <= len(text)


def test_acled_snippet_falls_back_to_mention() -> None:
    m = mention("COERCE", "arrest")
    assert acled_label_snippet("Nothing in these words decides it.", m) == "ARREST"
    assert acled_label_snippet("Nothing in these words decides it.", None) == "NONE"


# ---------------------------------------------------------------- CLI


def test_cli_json_and_jsonl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eval_cli, "PREDICTOR", stub)
    out = tmp_path / "items.jsonl"
    result = CliRunner().invoke(
        eval_cli.eval_app, ["plover", str(FIX / "plover.json"), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["dataset"] == "plover" and summary["n"] == 3
    assert summary["metrics"]["event_type_accuracy"] == pytest.approx(2 / 3)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["FIX-DEMAND-0001", "FIX-FIGHT-0001", "FIX-PROTEST-0001"]
    assert rows[1]["correct"]["event_type"] is True and rows[1]["gold"]["event_type"] == "ASSAULT"


def test_cli_table_split_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eval_cli, "PREDICTOR", stub)
    runner = CliRunner()
    result = runner.invoke(eval_cli.eval_app,
                           ["case", str(FIX / "case.tsv"), "--split", "all", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "weighted_f1" in result.output and "confusion" in result.output
    assert runner.invoke(eval_cli.eval_app, ["case", str(tmp_path / "nope.tsv")]).exit_code == 2
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n")
    failed = runner.invoke(eval_cli.eval_app, ["case", str(bad)])
    assert failed.exit_code == 1 and "expected TSV columns" in failed.output
    assert runner.invoke(eval_cli.eval_app, ["acled", str(bad)]).exit_code == 2
