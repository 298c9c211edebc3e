"""ECB+ event coreference: the scorer on hand-computed cases, the reader on
a tiny self-written CROMER file, and a gate on the real dev topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitroom.evaluate.coref_eval import (
    SINGLE_FEATURES,
    EcbMention,
    PairPrior,
    _frame_features,
    _max_assignment,
    average_linkage,
    b_cubed,
    bin_columns,
    ceaf_e,
    clean_word,
    conll_scores,
    cut_merges,
    document_clusters,
    event_classes,
    fit_boosted,
    fit_logistic,
    lemma_baseline,
    linkage_merges,
    muc,
    normal_lemma,
    read_conll_key,
    read_ecbplus,
    singleton_features,
)

from .conftest import EVAL, ROOT, need

KEY = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b"}
RESP = {1: "x", 2: "x", 3: "y", 4: "y", 5: "y"}


def test_muc_by_hand() -> None:
    # key {1,2,3} is cut in two by the response (1 of 2 links kept), {4,5} kept whole
    r, p, f = muc(KEY, RESP)
    assert r == pytest.approx(2 / 3) and p == pytest.approx(2 / 3) and f == pytest.approx(2 / 3)


def test_b_cubed_by_hand() -> None:
    r, p, f = b_cubed(KEY, RESP)
    assert r == pytest.approx(11 / 15) and p == pytest.approx(11 / 15)
    assert f == pytest.approx(11 / 15)


def test_ceaf_e_by_hand() -> None:
    # phi4: {1,2,3}~{1,2} = 4/5, {4,5}~{3,4,5} = 4/5; aligned sum 1.6 over 2 clusters
    r, p, f = ceaf_e(KEY, RESP)
    assert (r, p, f) == pytest.approx((0.8, 0.8, 0.8))


def test_conll_is_mean_of_three() -> None:
    s = conll_scores(KEY, RESP)
    assert s["conll_f1"] == pytest.approx((2 / 3 + 11 / 15 + 0.8) / 3)


def test_perfect_and_all_singletons() -> None:
    assert conll_scores(KEY, KEY)["conll_f1"] == pytest.approx(1.0)
    single = {m: m for m in KEY}
    s = conll_scores(KEY, single)
    assert s["muc_r"] == 0.0 and s["b3_p"] == 1.0
    # B3 recall: 3 mentions at 1/3 and 2 at 1/2
    assert s["b3_r"] == pytest.approx((3 * (1 / 3) + 2 * 0.5) / 5)


def test_hungarian_beats_greedy() -> None:
    assert _max_assignment([[0.9, 0.8], [0.8, 0.1]]) == pytest.approx(1.6)
    assert _max_assignment([[0.5], [0.7], [0.2]]) == pytest.approx(0.7)


def test_average_linkage_deterministic() -> None:
    sim = np.array([[0, .9, .1, .1], [.9, 0, .2, .1], [.1, .2, 0, .8], [.1, .1, .8, 0]])
    labels = average_linkage(4, sim, 0.5)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert len(set(average_linkage(4, sim, 0.05))) == 1


_DOC = """<Document doc_name="{name}">
<token t_id="1" sentence="0" number="0">Rebels</token>
<token t_id="2" sentence="0" number="1">{verb}</token>
<token t_id="3" sentence="0" number="2">the</token>
<token t_id="4" sentence="0" number="3">town</token>
<token t_id="5" sentence="1" number="0">Nobody</token>
<token t_id="6" sentence="1" number="1">{verb}</token>
<Markables>
<ACTION_OCCURRENCE m_id="1"><token_anchor t_id="2"/></ACTION_OCCURRENCE>
<ACTION_OCCURRENCE m_id="2"><token_anchor t_id="6"/></ACTION_OCCURRENCE>
<ACTION_OCCURRENCE m_id="9" instance_id="ACT1" TAG_DESCRIPTOR="t_take"/>
</Markables>
<Relations>
<CROSS_DOC_COREF r_id="7" note="ACT1"><source m_id="1"/><target m_id="9"/></CROSS_DOC_COREF>
</Relations>
</Document>
"""


def test_reader_on_own_fixture(tmp_path: Path) -> None:
    folder = tmp_path / "ECB+" / "40"
    folder.mkdir(parents=True)
    (folder / "40_1ecb.xml").write_text(_DOC.format(name="40_1ecb.xml", verb="seized"))
    (folder / "40_2ecb.xml").write_text(_DOC.format(name="40_2ecb.xml", verb="took"))
    (tmp_path / "ECBplus_coreference_sentences.csv").write_text(
        "Topic,File,Sentence Number\n40,1ecb,0\n40,2ecb,0\n40,2ecb,1\n")
    corpus = read_ecbplus(tmp_path)
    ids = sorted(m.id for m in corpus.mentions)
    # sentence 1 of doc 1 is not validated, so its mention is left out
    assert ids == ["40_1ecb.xml_1", "40_2ecb.xml_1", "40_2ecb.xml_2"]
    gold = {m.id: m.gold for m in corpus.mentions}
    assert gold["40_1ecb.xml_1"] == gold["40_2ecb.xml_1"] == "ACT1"
    assert gold["40_2ecb.xml_2"].startswith("SINGLE_")
    for m in corpus.mentions:
        m.lemma = m.text.lower()
    pred = lemma_baseline(corpus.mentions)
    assert pred["40_1ecb.xml_1"] != pred["40_2ecb.xml_1"]   # "seized" vs "took"


def _ecb() -> Path:
    return need(EVAL / "coref" / "ecbplus")


def test_reader_matches_gold_conll_key() -> None:
    root = _ecb()
    key = read_conll_key(str(root / "gold_conll" / "evt_gold_dev.keyfile"))
    assert conll_scores(key, key)["conll_f1"] == pytest.approx(1.0)
    corpus = read_ecbplus(root, topics=(2, 5, 12, 18, 21, 23, 34, 35))
    mine = {m.id: m.gold for m in corpus.mentions}
    assert set(mine) == set(key)
    # The key joins two within-document chains of different documents that
    # share a target id (one cluster in topic 34); otherwise identical.
    assert conll_scores(key, mine)["conll_f1"] > 0.998


@pytest.fixture(scope="module")
def dev_result():  # type: ignore[no-untyped-def]
    from sitroom.evaluate.coref_eval import run_coref

    return run_coref(_ecb(), split="dev")


def test_dev_gate(dev_result) -> None:  # type: ignore[no-untyped-def]
    floors = json.loads((ROOT / "tests" / "floors.json").read_text())["coref"]
    assert dev_result.key == "gold_conll" and dev_result.n_mentions == 1245
    for method, metrics in floors.items():
        if method.startswith("_"):
            continue
        for metric, floor in metrics.items():
            got = dev_result.scores[method][metric]
            assert got >= floor, f"{method} {metric} {got:.3f} < floor {floor}"
    # the learned method must beat the same-lemma baseline
    assert dev_result.scores["full"]["conll_f1"] > dev_result.scores["lemma"]["conll_f1"]
    # resolving within predicted document clusters beats resolving per topic
    assert dev_result.scores["full+docclus"]["conll_f1"] > dev_result.scores["full"]["conll_f1"]
    assert dev_result.scores["full+docclus"]["conll_f1"] > \
        dev_result.scores["lemma+docclus"]["conll_f1"]


def test_lemma_normalisation() -> None:
    assert normal_lemma("explosion") == normal_lemma("explode")
    assert normal_lemma("nomination") == normal_lemma("nominate")
    assert normal_lemma("death") == normal_lemma("die")
    assert normal_lemma("die") != normal_lemma("kill")
    assert event_classes("apprehended") & event_classes("capture")
    assert not event_classes("arrest") & event_classes("earthquake")


@given(st.text(max_size=30))
def test_clean_word_is_idempotent_alnum(word: str) -> None:
    w = clean_word(word)
    assert clean_word(w) == w
    assert all(ch.isalnum() for ch in w)


def test_document_clusters_split_two_events() -> None:
    # two pairs of similar documents, barely alike across the pairs
    sim = np.array([[1, .6, .02, .01], [.6, 1, .01, .03], [.02, .01, 1, .5],
                    [.01, .03, .5, 1]])
    groups = document_clusters({7: (["a", "b", "c", "d"], sim)}, 0.1)
    assert groups["a"] == groups["b"] != groups["c"] == groups["d"]
    assert groups["a"].startswith("7_")


def test_fit_logistic_orders_evidence() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((400, 2))
    y = (x[:, 0] > 0.5).astype(float)
    model = fit_logistic(x, y)
    p = model.prob(np.array([[0.9, 0.5], [0.1, 0.5]]))
    assert p[0] > 0.8 > 0.2 > p[1]


def test_lone_document_joins_its_nearest_group() -> None:
    # "e" is like nothing above the threshold, but closest to "c"
    sim = np.array([[1, .6, .02, .01, .0], [.6, 1, .01, .03, .0], [.02, .01, 1, .5, .04],
                    [.01, .03, .5, 1, .02], [.0, .0, .04, .02, 1]])
    groups = document_clusters({7: (["a", "b", "c", "d", "e"], sim)}, 0.1)
    assert groups["e"] == groups["c"] != groups["a"]


def test_fit_logistic_weight_equals_repeated_rows() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((200, 2))
    y = (x[:, 0] + 0.3 * rng.random(200) > 0.6).astype(float)
    twice = fit_logistic(np.vstack([x, x[:50]]), np.concatenate([y, y[:50]]))
    weighted = fit_logistic(x, y, weight=np.r_[np.full(50, 2.0), np.ones(150)])
    probe = np.array([[0.2, 0.5], [0.8, 0.1]])
    assert weighted.prob(probe) == pytest.approx(twice.prob(probe), abs=1e-6)


def _mention(n: int, topic: int = 1, gold: str = "g", **kw: Any) -> EcbMention:
    m = EcbMention(id=f"m{n}", doc=f"{topic}_{n}ecb.xml", topic=topic, sent=0, tokens=[0],
                   text="fell", gold=gold, lemma="fall", pos="VERB")
    for k, v in kw.items():
        setattr(m, k, v)
    return m


def test_frame_features_tell_two_falls_apart() -> None:
    a = _mention(1, parts=frozenset({"ames"}), nums=frozenset({"200"}), tense="past",
                 gov="die")
    b = _mention(2, parts=frozenset({"brook"}), nums=frozenset({"2000"}), tense="past",
                 gov="die")
    c = _mention(3, parts=frozenset({"ames"}), tense="fut", neg=True)
    f = dict(zip(("same_gov", "deps", "deps_clash", "parts", "parts_clash", "nums_clash",
                  "tense_clash", "neg_diff"), _frame_features([a, b, c]), strict=True))
    assert f["same_gov"][0, 1] == 1 and f["same_gov"][0, 2] == 0
    assert f["parts_clash"][0, 1] == 1 and f["parts"][0, 2] == 1 and f["parts_clash"][0, 2] == 0
    assert f["nums_clash"][0, 1] == 1 and f["nums_clash"][0, 2] == 0   # no number: no clash
    assert f["tense_clash"][0, 2] == 1 and f["tense_clash"][0, 1] == 0
    assert f["neg_diff"][1, 2] == 1


def test_singleton_features_and_lemma_rates() -> None:
    # training topic 1: "say" never corefers, "fall" always does
    train_ms = [_mention(i, topic=1, gold=f"s{i}", lemma="say") for i in range(4)]
    train_ms += [_mention(10 + i, topic=1, gold="f") for i in range(4)]
    prior = PairPrior(train_ms)
    assert prior.single_rate("say") > 0.6 > 0.3 > prior.single_rate("fall")
    # leaving its own topic out, the lemma falls back to the base rate
    assert prior.single_rate("say", skip_topic=1) == pytest.approx(prior.single_base)
    ms = [_mention(1, topic=2), _mention(2, topic=2), _mention(3, topic=2, lemma="say")]
    sim = np.array([[0, .9, .1], [.9, 0, .1], [.1, .1, 0]])
    x = singleton_features(ms, sim, prior)
    assert x.shape == (3, len(SINGLE_FEATURES))
    col = dict(zip(SINGLE_FEATURES, x.T, strict=True))
    assert col["top1"][0] == pytest.approx(0.9) and col["top1"][2] == pytest.approx(0.1)
    assert col["lemma_single_rate"][2] > col["lemma_single_rate"][0]


def _partition(labels: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def _naive_average_linkage(sim: np.ndarray, threshold: float) -> list[int]:
    """Textbook average linkage, recomputing every cluster mean each step."""
    clusters = [[i] for i in range(len(sim))]
    while len(clusters) > 1:
        best, pair = -np.inf, (0, 0)
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                mean = float(np.mean(sim[np.ix_(clusters[a], clusters[b])]))
                if mean > best:
                    best, pair = mean, (a, b)
        if best < threshold:
            break
        a, b = pair
        clusters[a] = clusters[a] + clusters.pop(b)
    labels = [0] * len(sim)
    for k, members in enumerate(clusters):
        for i in members:
            labels[i] = k
    return labels


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=10_000),
       st.floats(min_value=0.05, max_value=0.95))
def test_one_linkage_run_serves_every_threshold(n: int, seed: int, cut: float) -> None:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)), 1)
    sim = upper + upper.T
    merges = linkage_merges(n, sim, 0.0)
    heights = [h for h, _, _ in merges]
    # joins only get weaker, so a higher threshold keeps a prefix of them
    assert heights == sorted(heights, reverse=True)
    labels = cut_merges(n, merges, cut)
    assert labels == average_linkage(n, sim, cut)
    assert _partition(labels) == _partition(_naive_average_linkage(sim, cut))
    # a label is the lowest index of its cluster
    assert all(labels[i] <= i and labels[labels[i]] == labels[i] for i in range(n))


def test_bin_columns_counts_edges_below() -> None:
    x = np.array([[0.0, 5.0], [0.5, 1.0], [2.0, 1.0]])
    b = bin_columns(x, [np.array([0.25, 1.0]), np.array([1.0])])
    assert b.tolist() == [[0, 1], [1, 1], [2, 1]]


def test_boosted_trees_learn_an_interaction() -> None:
    # the label is "exactly one of two cues": no linear model can fit it
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(2000, 3)).astype(float)
    y = (x[:, 0] != x[:, 1]).astype(float)
    probe = np.array([[0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    trees = fit_boosted(x, y, rounds=40, depth=2, lr=0.3, subsample=0.5)
    p = trees.prob(probe)
    assert p[0] < 0.1 and p[1] < 0.1 and p[2] > 0.9 and p[3] > 0.9
    linear = fit_logistic(x, y).prob(probe)
    assert np.all(np.abs(linear - 0.5) < 0.1)
    # the noise column earns no share of the split gain
    assert trees.weights.sum() == pytest.approx(1.0)
    assert trees.weights[2] < 0.05 < trees.weights[0]


def test_boosted_trees_are_deterministic_and_weight_rows() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((600, 2))
    y = (x[:, 0] + 0.2 * rng.random(600) > 0.6).astype(float)
    probe = np.array([[0.1, 0.5], [0.9, 0.5]])
    a, b = fit_boosted(x, y, seed=3).prob(probe), fit_boosted(x, y, seed=3).prob(probe)
    assert a.tolist() == b.tolist() and a[0] < 0.2 < 0.8 < a[1]
    # counting the positives ten times raises the probabilities where the
    # labels are mixed (x0 near 0.5), and the mean one
    plain = fit_boosted(x, y, seed=3)
    heavy = fit_boosted(x, y, weight=np.where(y > 0, 10.0, 1.0), seed=3)
    mixed = np.array([[0.5, 0.5]])
    assert heavy.prob(mixed)[0] > plain.prob(mixed)[0] + 0.1
    assert heavy.prob(x).mean() > plain.prob(x).mean()
