"""Timeline summarisation evaluation: tilse-style metrics on tiny hand-made timelines,
the Timeline17 reader, date finding, and a floor gate on ../shared/eval/tls."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitroom.evaluate.tls_eval import (
    DATE_FEATURES,
    TlsParams,
    _content_terms,
    _idf,
    _Sent,
    _vec,
    date_f1,
    knee_point,
    load_tasks,
    parse_timeline,
    pm_mean_candidates,
    porter_stem,
    predict_timeline,
    read_topic,
    rouge_counts,
    run_tls_eval,
    sentence_dates,
    sentence_time,
    tilse_scores,
    topic_keywords,
    train_date_weights,
)

ROOT = Path(__file__).resolve().parents[1]
TLS = ROOT.parent / "shared" / "eval" / "tls"
D1, D2, D3 = date(2021, 3, 1), date(2021, 3, 2), date(2021, 3, 10)


def test_porter_stem_known_words():
    pairs = {"caresses": "caress", "ponies": "poni", "relational": "relat", "hopping": "hop",
             "generalization": "gener", "adjustment": "adjust", "sky": "sky", "filing": "file"}
    assert {w: porter_stem(w) for w in pairs} == pairs


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
def test_porter_stem_never_grows_much_and_is_deterministic(word):
    s = porter_stem(word)
    assert s == porter_stem(word)
    assert len(s) <= len(word) + 1


def test_rouge_counts_stopwords_stemming_and_clipping():
    # "the" and "of" are stopwords; "protesters/protester" share a stem; "crowd" twice is clipped to one
    h, p, r = rouge_counts(["The crowd of protesters , crowd"], ["A protester crowd marched"], 1)
    assert (h, p, r) == (2, 3, 3)
    h2, p2, r2 = rouge_counts(["crowd marched"], ["A protester crowd marched"], 2)
    assert (h2, p2, r2) == (1, 1, 2)


def test_identical_timelines_score_one():
    tl = {D1: ["Rebels seized the northern bridge ."], D3: ["Talks resumed in the capital ."]}
    s = tilse_scores(tl, tl)
    assert s["align_m1"]["rouge_1"]["f_score"] == pytest.approx(1.0)
    assert s["align_m1"]["rouge_2"]["f_score"] == pytest.approx(1.0)
    assert s["concat"]["rouge_1"]["f_score"] == pytest.approx(1.0)
    assert s["date"]["date"]["f_score"] == 1.0


def test_align_discounts_by_date_distance():
    ref = {D1: ["Rebels seized the northern bridge ."]}
    off_by_one = {D2: ["Rebels seized the northern bridge ."]}
    s = tilse_scores(off_by_one, ref)
    # aligned to the day before: every hit counts 1/(1+1)
    assert s["align_m1"]["rouge_1"]["precision"] == pytest.approx(0.5)
    assert s["align_m1"]["rouge_1"]["recall"] == pytest.approx(0.5)
    assert s["agreement"]["rouge_1"]["f_score"] == 0.0
    assert s["date"]["date"]["f_score"] == 0.0


def test_many_to_one_alignment_and_unmatched_dates():
    ref = {D1: ["Rebels seized the bridge ."], D3: ["Ceasefire talks opened ."]}
    pred = {D1: ["Rebels seized the bridge ."], D2: ["Rebels seized the bridge again ."]}
    s = tilse_scores(pred, ref)
    # both predicted dates align to D1; D3 is aligned to its cheapest predicted date and scores 0
    r1 = s["align_m1"]["rouge_1"]
    assert 0 < r1["recall"] < 1 and 0 < r1["precision"] < 1
    assert date_f1(pred, ref)["f_score"] == pytest.approx(0.5)


def test_empty_prediction_scores_zero():
    s = tilse_scores({}, {D1: ["Something happened ."]})
    assert s["align_m1"]["rouge_1"]["f_score"] == 0.0
    assert s["date"]["date"]["f_score"] == 0.0


def test_parse_timeline_repeated_date_keeps_later_block():
    text = ("2021-03-01\nFirst account .\n--------------------------------\n"
            "2021-03-02\nNext day .\nMore .\n--------------------------------\n"
            "2021-03-01\nCorrected account .\n--------------------------------\n")
    tl = parse_timeline(text)
    assert tl == {D1: ["Corrected account ."], D2: ["Next day .", "More ."]}


def test_sentence_dates_resolve_against_publication_date():
    pub = date(2021, 3, 10)
    got = sentence_dates("Troops entered the town on Monday , and on March 2 , 2021 the mayor fled .", pub)
    assert date(2021, 3, 8) in got and date(2021, 3, 2) in got
    assert sentence_dates("Nothing dated here at all .", pub) == []
    assert sentence_dates("Yesterday the port closed .", pub) == [date(2021, 3, 9)]


def _write_topic(root: Path) -> Path:
    """A tiny Timeline17-style topic written for the test (own words)."""
    topic = root / "floods_test"
    days = {
        "2021-03-01": ["Heavy rain flooded the river valley on Monday , officials said .",
                       "Hundreds of families left their homes as the water rose ."],
        "2021-03-02": ["The river burst its banks yesterday , flooding the valley towns .",
                       "Rescue teams reached villages cut off by the flooding ."],
        "2021-03-10": ["Aid convoys arrived in the valley on Wednesday with food and tents .",
                       "The government pledged money to rebuild flooded roads ."],
        "2021-03-11": ["Aid convoys reached the flooded valley yesterday , bringing tents .",
                       "Engineers began inspecting bridges damaged by the flooding ."],
    }
    for d, sents in days.items():
        (topic / "InputDocs" / d).mkdir(parents=True)
        (topic / "InputDocs" / d / "1.htm.txt").write_text("\n".join(sents) + "\n")
    (topic / "timelines").mkdir()
    (topic / "timelines" / "tl.txt").write_text(
        "2021-03-01\nThe river valley floods after heavy rain .\n--------------------------------\n"
        "2021-03-10\nAid convoys arrive in the valley .\n--------------------------------\n")
    (topic / "keywords.json").write_text(json.dumps(["floods"]))
    return topic


def test_system_respects_the_protocol_on_a_tiny_topic(tmp_path):
    topic_dir = _write_topic(tmp_path)
    topic = read_topic(topic_dir)
    assert len(topic.docs) == 4 and topic.keywords == ["floods"]
    [task] = load_tasks(tmp_path)
    start, end = task.span
    pred = predict_timeline(task.prep, start, end, task.n_dates, task.n_sents, TlsParams())
    assert len(pred) <= task.n_dates
    assert all(len(v) <= task.n_sents for v in pred.values())
    assert all(start <= d <= end for d in pred)
    res = run_tls_eval(tmp_path, tune_params=False)
    assert res["n_tasks"] == 1
    assert res["metrics"]["date_f1"] > 0.0
    # deterministic
    assert run_tls_eval(tmp_path, tune_params=False)["items"][0]["pred"] == res["items"][0]["pred"]


def test_cli_registers_tls(tmp_path):
    import typer
    from typer.testing import CliRunner

    from sitroom.evaluate.tls_eval import register

    # A fresh app: the subcommand must stand on its own (sitroom.evaluate.cli
    # discovers it through EXTRA_EVALUATORS and calls the same register()).
    eval_app = typer.Typer()
    eval_app.command("noop")(lambda: None)
    register(eval_app)
    _write_topic(tmp_path)
    result = CliRunner().invoke(eval_app, ["tls", str(tmp_path), "--json", "--no-tune"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n_tasks"] == 1
    missing = CliRunner().invoke(eval_app, ["tls", str(tmp_path / "nope")])
    assert missing.exit_code == 2


def test_floor_gate_on_timeline17():
    """Full Timeline17 dev folder, leave-one-topic-out (runs in well under a minute)."""
    if not TLS.exists():
        pytest.skip(f"{TLS} not present (../shared is only beside the developers' checkout)")
    floors = json.loads((ROOT / "tests" / "floors.json").read_text())["tls"]
    res = run_tls_eval(TLS, tune_params=True)
    assert res["n_tasks"] >= 10
    for key, floor in floors.items():
        if key.startswith("_"):
            continue
        assert res["metrics"][key] >= floor, (key, res["metrics"][key], floor)


def test_sentence_time_prefers_days_then_months():
    pub = date(2021, 6, 20)
    assert sentence_time("The army withdrew on June 3 , and again in May .", pub) == (date(2021, 6, 3), "d")
    assert sentence_time("The siege began in April 2020 and never really ended .", pub) == (date(2020, 4, 1), "m")
    # a bare modal "may" is not a month
    assert sentence_time("Talks may resume soon , envoys said .", pub) == (None, "")


def test_topic_keywords_split_camel_case_names():
    assert topic_keywords(["SyrianCrisis"]) == ["syriancrisis", "syrian", "crisis"]
    assert topic_keywords(["H1N1"]) == ["h1n1"]
    assert topic_keywords(["oil spill"]) == ["oil spill"]


def test_knee_point_finds_the_bend():
    assert knee_point([0.9, 0.85, 0.8, 0.2, 0.15, 0.1]) == 2
    assert knee_point([0.5, 0.4]) == 0


def test_pm_mean_keeps_sentences_close_to_shared_terms():
    def mk(text: str, i: int) -> _Sent:
        return _Sent(text, i, 0, [], _content_terms(text), len(text.split()))

    ment = [mk("The dam burst and flooded the valley towns", 0),
            mk("The dam burst after days of heavy rain", 1)]
    pub = [mk("Flooded valley towns were evacuated after the dam burst", 2),
           mk("Football results from the weekend league games", 3),
           mk("Weather tomorrow stays mild across the north", 4)]
    idf = _idf(ment + pub)
    got = pm_mean_candidates(ment, pub, lambda s: _vec(s.terms, idf))
    texts = {s.text for s in got}
    assert "Football results from the weekend league games" not in texts
    assert any("dam burst" in t for t in texts)
    # one side empty: the other side as is
    assert pm_mean_candidates(ment, [], lambda s: _vec(s.terms, idf)) == ment


def test_date_ranker_learns_which_feature_matters():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((300, len(DATE_FEATURES)))
    y = x[:, DATE_FEATURES.index("docs_total")] > 0.8
    w = train_date_weights([(x, y)])
    assert max(range(len(w)), key=lambda i: w[i]) == DATE_FEATURES.index("docs_total")


def test_sentences_per_date_is_rounded_as_news_tls_does():
    from sitroom.evaluate.tls_eval import TlsTask, TlsTopic, _Prepared

    gold = {D1: ["a ."], D2: ["b .", "c ."], D3: ["d ."]}   # mean 1.33 -> 1, not 2
    task = TlsTask(_Prepared(TlsTopic("x", [], [], [])), "x", gold)
    assert task.n_sents == 1


def test_select_params_never_reads_the_held_out_gold(tmp_path):
    from sitroom.evaluate.tls_eval import select_params

    for name in ("alpha_x", "beta_x", "gamma_x"):
        _write_topic(tmp_path).rename(tmp_path / name)
    tasks = load_tasks(tmp_path)
    assert sorted(t.prep.topic.group for t in tasks) == ["alpha", "beta", "gamma"]
    before = select_params(tasks, "alpha", TlsParams())
    held = next(t for t in tasks if t.prep.topic.group == "alpha")
    held.gold = {D2: ["Something else entirely ."]}
    assert select_params(tasks, "alpha", TlsParams()) == before


def test_knob_selection_scores_both_rouge_orders(tmp_path):
    from sitroom.evaluate.tls_eval import _align_m1, _ar_score

    _write_topic(tmp_path)
    [task] = load_tasks(tmp_path)
    start, end = task.span
    # the plain date centroid picks the convoy sentence, whose bigrams the gold shares
    params = TlsParams(topic_mix=0.0)
    pred = predict_timeline(task.prep, start, end, task.n_dates, task.n_sents, params)
    want = _align_m1(pred, task.gold, 1)["f_score"] + _align_m1(pred, task.gold, 2)["f_score"]
    assert _ar_score(task, params) == pytest.approx(want)
    assert want > _align_m1(pred, task.gold, 1)["f_score"] > 0.0


def test_alignment_with_equidistant_predicted_dates():
    # two predicted days equally far from the reference day between them, same text:
    # a tie in alignment cost, which must still give the one-day discount on both sides
    ref = {date(2021, 3, 2): ["Rebels seized the bridge ."]}
    pred = {D1: ["Rebels seized the bridge ."], date(2021, 3, 3): ["Rebels seized the bridge ."]}
    s = tilse_scores(pred, ref)["align_m1"]["rouge_1"]
    # every predicted date is one day off (discount 1/2); the reference aligns to one of them
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(0.5)


# -- cleaning of scraped lines, output tidying, date spread, CentroidOpt -------------------

def test_strip_front_matter_cuts_wire_and_blog_residue():
    from sitroom.evaluate.tls_eval import strip_front_matter

    cases = {
        "OSLO | Mon Mar 1 , 2021 4:10 pm EST OSLO -LRB- Reuters -RRB- - Farmers blocked the "
        "roads around the capital on Monday .": "Farmers blocked the roads around the capital on Monday .",
        "-LRB- Update 4:10 p.m. Oslo , 10:10 a.m. ET -RRB- The mayor ordered the ferries to stop "
        "running .": "The mayor ordered the ferries to stop running .",
        "BERGEN , Norway -- Dock workers walked out over pay for the second week .":
            "Dock workers walked out over pay for the second week .",
        "Photograph : Kari Lund\\/Agency\\/Pool Firefighters battled the warehouse blaze overnight .":
            "Firefighters battled the warehouse blaze overnight .",
    }
    for raw, want in cases.items():
        assert strip_front_matter(raw) == want
    plain = "Farmers blocked the roads -LRB- mostly tractors -RRB- around the capital ."
    assert strip_front_matter(plain) == plain
    # a prefix is only cut when a sentence's worth of text remains
    assert strip_front_matter("OSLO -- Talks end .") == "OSLO -- Talks end ."


@given(st.text(alphabet="ABCDEFGHIJ abcdefghij-|:,.0123456789", max_size=120))
def test_strip_front_matter_keeps_a_tail_of_the_line(raw):
    from sitroom.evaluate.tls_eval import strip_front_matter

    out = strip_front_matter(raw)
    assert raw.strip().endswith(out)
    assert strip_front_matter(out) == out or len(out) < len(raw.strip())


def test_is_residue_flags_page_furniture_not_reports():
    from sitroom.evaluate.tls_eval import is_residue

    assert is_residue("What does the flood mean for farmers ?")
    assert is_residue("Home | World | Business | Sport")
    assert is_residue("Send us your pictures of the storm .")
    assert is_residue("FLOOD WARNINGS ISSUED FOR THE VALLEY TODAY")
    assert is_residue("Read more .")
    assert not is_residue("The river burst its banks and flooded three villages .")
    # "you" inside a quotation is someone's words, not the page talking to its reader
    assert not is_residue("`` You can not stay here , '' the mayor told the residents .")


def test_clean_document_drops_comments_and_splits_joined_lines():
    from sitroom.evaluate.tls_eval import clean_document

    lines = [
        "Storm hits coast Thousands evacuated as the storm nears Monday 1 March 2021 09.15 GMT "
        "Waves flooded the harbour road before dawn .",
        "Earlier events 2 March : Ferries halted along the coast 4 March : Army sent to clear roads",
        "What happens next ?",
        "March 5 , 2021 at 3:10 pm | Report abuse | I live there and it was much worse .",
        "This line belongs to the comment thread as well .",
    ]
    got = [text for _, text in clean_document(lines)]
    assert got == ["Storm hits coast Thousands evacuated as the storm nears",
                   "Waves flooded the harbour road before dawn .",
                   # "Earlier events" (the box's title) is too short to be a report
                   "2 March : Ferries halted along the coast",
                   "4 March : Army sent to clear roads"]
    assert [j for j, _ in clean_document(lines)] == [0, 0, 1, 1]
    # each timeline-box entry is filed under its own date
    assert sentence_dates(got[2], date(2021, 3, 6)) == [date(2021, 3, 2)]


def test_tidy_entry_drops_relative_time_words():
    from sitroom.evaluate.tls_eval import tidy_entry

    assert tidy_entry("Police closed the bridge on Friday , officials said .") == \
        "Police closed the bridge , officials said ."
    assert tidy_entry("The cause of Tuesday 's fire is unknown .") == "The cause of the fire is unknown ."
    assert tidy_entry("On Sunday morning , crews reopened the port .") == "Crews reopened the port ."
    assert tidy_entry("4 March : Army sent to clear roads") == "Army sent to clear roads"
    # "until Wednesday" bounds the closure: kept
    assert tidy_entry("Schools stay shut until Wednesday .") == "Schools stay shut until Wednesday ."
    # nothing left worth an entry: the sentence as it was
    assert tidy_entry("Talks resumed today .") == "Talks resumed today ."


def test_spread_dates_defers_near_neighbours():
    from sitroom.evaluate.tls_eval import spread_dates

    ranked = [date(2021, 3, 10), date(2021, 3, 11), date(2021, 3, 20), date(2021, 3, 12)]
    assert spread_dates(ranked, 0) == ranked
    assert spread_dates(ranked, 1) == [date(2021, 3, 10), date(2021, 3, 20), date(2021, 3, 12),
                                       date(2021, 3, 11)]
    assert spread_dates(ranked, 2) == [date(2021, 3, 10), date(2021, 3, 20), date(2021, 3, 11),
                                       date(2021, 3, 12)]


def _mk(text: str, i: int = 0) -> _Sent:
    return _Sent(text, i, 0, [], _content_terms(text), len(text.split()))


def test_centroid_summary_matches_the_plain_greedy_objective():
    from sitroom.evaluate.tls_eval import _add, _cos, _normed, _sum, centroid_summary

    texts = ["The dam burst and flooded the valley towns .",
             "The dam burst after days of heavy rain in the hills .",
             "Flooded valley towns were evacuated by the army .",
             "Rain kept falling on the valley towns all week .",
             "The army sent boats to the flooded towns .",
             "Football results from the weekend games were delayed ."]
    cands = [_mk(t, i) for i, t in enumerate(texts)]
    idf = _idf(cands)
    params = TlsParams(min_words=1, max_words=100, topic_mix=0.0)
    got = centroid_summary(cands, 3, idf, params)
    # the objective written out: cos(normalised sum of chosen, centroid), greedily
    vecs = [_vec(s.terms, idf) for s in cands]
    centroid = _normed(_sum(vecs))
    chosen: list[int] = []
    summed: dict[str, float] = {}
    for _ in range(3):
        best = max((i for i in range(len(cands)) if i not in chosen),
                   key=lambda i: (_cos(_normed(_add(summed, vecs[i])), centroid), -i))
        chosen.append(best)
        summed = _add(summed, vecs[best])
    assert got == [texts[i] for i in chosen]


def test_topic_mix_pulls_the_choice_towards_the_topic():
    from sitroom.evaluate.tls_eval import centroid_summary

    cands = [_mk("Football results from the weekend league games .", 0),
             _mk("Football fans celebrated the league title in the square .", 1),
             _mk("Flood water reached the league ground near the river .", 2)]
    idf = _idf(cands)
    topic = _vec(_content_terms("flood water river flood dam valley"), idf)
    plain = centroid_summary(cands, 1, idf, TlsParams(topic_mix=0.0), topic=topic)
    pulled = centroid_summary(cands, 1, idf, TlsParams(topic_mix=1.0), topic=topic)
    assert plain != pulled
    assert pulled == ["Flood water reached the league ground near the river ."]


def test_candidate_pool_and_date_features_are_computed_once(tmp_path):
    from sitroom.evaluate.tls_eval import candidate_pool, date_features

    _write_topic(tmp_path)
    [task] = load_tasks(tmp_path)
    start, end = task.span
    params = TlsParams()
    assert candidate_pool(task.prep, start, end, params) is candidate_pool(
        task.prep, start, end, TlsParams(topic_mix=1.0, gap_frac=0.0))
    assert date_features(task.prep, start, end) is date_features(task.prep, start, end)
    assert candidate_pool(task.prep, start, end, params) is not candidate_pool(
        task.prep, start, end, TlsParams(clip_sents=1))


def test_cleaning_keeps_comments_out_of_a_topic(tmp_path):
    topic = _write_topic(tmp_path)
    page = topic / "InputDocs" / "2021-03-02" / "2.htm.txt"
    page.write_text("Rescuers pulled twelve people from the flooded valley yesterday .\n"
                    "March 2 , 2021 at 9:15 pm | Report abuse | The valley floods every spring .\n")
    [task] = load_tasks(tmp_path)
    texts = [s.text for row in task.prep.sents for s in row]
    assert "Rescuers pulled twelve people from the flooded valley yesterday ." in texts
    assert not any("every spring" in t for t in texts)
