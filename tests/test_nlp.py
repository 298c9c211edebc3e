"""The spaCy wrapper: offline model choice and layout-aware sentence starts."""

from __future__ import annotations

import pytest

from sitroom.nlp import ModelNotFound, load_nlp, pipe


def test_model_is_loaded_once_and_has_line_breaks(nlp) -> None:
    assert load_nlp() is nlp
    assert nlp.pipe_names.index("sitroom_line_breaks") < nlp.pipe_names.index("parser")


def test_headline_and_bullets_are_their_own_sentences(nlp) -> None:
    doc = nlp("Rockets hit base near Kirkuk\nBAGHDAD — A contractor was killed on Friday.\n"
              "- The militia denied it.\n- Washington blamed it.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Rockets hit base near Kirkuk"
    assert not any("killed" in x and "denied" in x for x in sents)
    assert not any("denied" in x and "blamed" in x for x in sents)


def test_hard_wrapped_text_is_not_cut_at_every_line(nlp) -> None:
    doc = nlp("The minister said on Monday that the\ntalks would resume next week in\n"
              "Geneva and that both sides\nhad agreed to attend. Nothing\nelse was said.")
    assert len(list(doc.sents)) == 2


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelNotFound, match="no_such_model_pkg"):
        load_nlp("no_such_model_pkg")


def test_pipe_truncates_huge_texts() -> None:
    docs = list(pipe(["word " * 60_000]))
    assert len(docs) == 1 and len(docs[0].text) <= 200_000
