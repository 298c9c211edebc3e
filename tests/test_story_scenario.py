"""A small hand-written crisis used by the story and export tests.

A missile strike reported by three outlets whose injury count grows
(0 → 11 → 34), a claim and a denial of responsibility, a threat, talks,
and a 1953 coup mentioned as background. All text is invented for the tests.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from sitroom.records import (
    Actor,
    Article,
    Event,
    Evidence,
    FieldValue,
    Mention,
    PlaceRef,
    Statement,
    TimeRef,
)

A1_TEXT = (
    "Iran fired ballistic missiles at the Ain al-Asad air base in Anbar province early on Wednesday. "
    "Officials said no American troops were hurt in the strike. "
    "Iranian state TV said the Revolutionary Guards claimed responsibility for the barrage."
)
A2_TEXT = (
    "The Pentagon said 11 service members were treated for concussion symptoms after the missile "
    "strike on Ain al-Asad. "
    "Kataib Hezbollah denied any role in the attack on the base. "
    "Iranian leaders threatened further strikes if Washington retaliated. "
    "In 1953, a coup backed by Britain and the United States toppled Iran's elected prime minister."
)
A3_TEXT = (
    "The number of troops diagnosed with brain injuries from the Iranian missile strike on "
    "Ain al-Asad rose to 34, the Pentagon said on Friday."
)
A4_TEXT = "The foreign ministers of Iraq and Iran held talks in Baghdad on Sunday about the crisis."


def span(article: Article, sentence: str, piece: str | None = None) -> Evidence:
    """Evidence for ``piece`` (or the whole sentence) inside ``sentence`` of ``article``."""
    s = article.text.index(sentence)
    e = s + len(sentence)
    if piece is None:
        return Evidence(article.id, s, e, s, e, sentence)
    p = article.text.index(piece, s)
    return Evidence(article.id, s, e, p, p + len(piece), piece)


def mention(mid: str, article: Article, sentence: str, trigger: str, etype: str, **kw: object) -> Mention:
    """A mention whose sentence and trigger evidence point into ``article``."""
    return Mention(
        id=mid, article_id=article.id, event_type=etype,
        trigger=span(article, sentence, trigger), sentence=span(article, sentence), **kw,  # type: ignore[arg-type]
    )


def build() -> tuple[list[Event], dict[str, Mention], dict[str, Article]]:
    """Events, mentions and articles of the scenario."""
    a1 = Article(id="a1", text=A1_TEXT, title="Missiles hit air base in western Iraq",
                 source="Meridian Wire", url="https://meridian.example/iraq-base", published="2020-01-08")
    a2 = Article(id="a2", text=A2_TEXT, title="Pentagon revises injury count after base attack",
                 source="Tigris Post", url="https://tigris.example/injuries", published="2020-01-16")
    a3 = Article(id="a3", text=A3_TEXT, title="Brain injuries from Iranian strike climb to 34",
                 source="Gulf Courier", url="https://gulf.example/34", published="2020-01-24")
    a4 = Article(id="a4", text=A4_TEXT, title="Iraqi and Iranian ministers meet",
                 source="Gulf Courier", url="https://gulf.example/talks", published="2020-01-20")
    articles = {a.id: a for a in (a1, a2, a3, a4)}

    iran_mil = Actor("Iran", "Iran", "IRN", "MIL")
    usa_mil = Actor("American troops", "United States", "USA", "MIL")
    base = PlaceRef("Ain al-Asad", "Ain al-Asad air base", "IRQ", "Anbar", 33.8, 42.44, "site")
    s1 = A1_TEXT.split(". ")[0] + "."
    s1b = "Officials said no American troops were hurt in the strike."
    s1c = "Iranian state TV said the Revolutionary Guards claimed responsibility for the barrage."
    s2 = A2_TEXT.split(". ")[0] + "."
    s2b = "Kataib Hezbollah denied any role in the attack on the base."
    s2c = "Iranian leaders threatened further strikes if Washington retaliated."
    s2d = "In 1953, a coup backed by Britain and the United States toppled Iran's elected prime minister."
    mentions = {m.id: m for m in (
        mention("m1", a1, s1, "fired", "ASSAULT", mode="missile"),
        mention("m1b", a1, s1b, "strike", "ASSAULT", mode="missile"),
        mention("m2", a2, s2, "strike", "ASSAULT", mode="missile"),
        mention("m3", a3, A3_TEXT, "strike", "ASSAULT", mode="missile"),
        mention("m4", a2, s2c, "threatened", "THREATEN", mode="violence"),
        mention("m5", a2, s2d, "toppled", "COERCE", modality="historical"),
        mention("m6", a4, A4_TEXT, "held talks", "CONSULT"),
    )}
    strike = Event(
        id="ev-strike", event_type="ASSAULT", mode="missile",
        sources=[iran_mil], targets=[usa_mil],
        time=TimeRef("early on Wednesday", "2020-01-08", precision="day"),
        place=base, mention_ids=["m1", "m1b", "m2", "m3"], article_ids=["a1", "a2", "a3"],
        n_sources=3, n_articles=3, confidence=0.9,
        quantities={
            "injured": [
                FieldValue(0, "a1", "Meridian Wire", "2020-01-08", "m1b"),
                FieldValue(11, "a2", "Tigris Post", "2020-01-16", "m2"),
                FieldValue(34, "a3", "Gulf Courier", "2020-01-24", "m3"),
            ],
        },
        statements=[
            Statement("claim", Actor("the Revolutionary Guards", "IRGC", "IRN", "MIL"),
                      "claimed responsibility", span(a1, s1c, "claimed responsibility")),
            Statement("attribution", Actor("Iranian state TV", "Iranian state TV", "IRN", "MED"),
                      "said", span(a1, s1c, "said")),
            Statement("denial", Actor("Kataib Hezbollah", "Kataib Hezbollah", "IRQ", "REB"),
                      "denied", span(a2, s2b, "denied")),
            Statement("attribution", Actor("The Pentagon", "Pentagon", "USA", "MIL"),
                      "said", span(a2, s2, "said")),
        ],
    )
    threat = Event(
        id="ev-threat", event_type="THREATEN", mode="violence",
        sources=[Actor("Iranian leaders", "Iran", "IRN", "GOV")],
        targets=[Actor("Washington", "United States", "USA", "GOV")],
        time=TimeRef("", "2020-01-16", precision="reported"),
        mention_ids=["m4"], article_ids=["a2"], n_sources=1, n_articles=1, confidence=0.7,
    )
    coup = Event(
        id="ev-1953", event_type="COERCE", mode="",
        sources=[Actor("Britain", "United Kingdom", "GBR", "GOV"),
                 Actor("the United States", "United States", "USA", "GOV")],
        targets=[Actor("Iran's elected prime minister", "Iran", "IRN", "GOV")],
        time=TimeRef("In 1953", "1953-01-01", "1953-12-31", precision="year"),
        modality="historical", mention_ids=["m5"], article_ids=["a2"], n_sources=1, n_articles=1,
    )
    talks = Event(
        id="ev-talks", event_type="CONSULT", mode="",
        sources=[Actor("Iraq", "Iraq", "IRQ", "GOV")], targets=[Actor("Iran", "Iran", "IRN", "GOV")],
        time=TimeRef("on Sunday", "2020-01-19", precision="day"),
        place=PlaceRef("Baghdad", "Baghdad", "IRQ", "Baghdad", 33.34, 44.40, "city"),
        mention_ids=["m6"], article_ids=["a4"], n_sources=1, n_articles=1, confidence=0.6,
    )
    return [talks, coup, threat, strike], mentions, articles


def load() -> ModuleType:
    """Import this module by path, so other test files need no package layout."""
    spec = importlib.util.spec_from_file_location("_sitroom_story_scenario", Path(__file__))
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_scenario_evidence_points_at_its_text() -> None:
    events, mentions, articles = build()
    for m in mentions.values():
        art = articles[m.article_id]
        assert m.trigger is not None and m.sentence is not None
        assert art.text[m.trigger.start:m.trigger.end] == m.trigger.text
        assert art.text[m.sentence.sent_start:m.sentence.sent_end] == m.sentence.text
    assert {e.id for e in events} == {"ev-strike", "ev-threat", "ev-1953", "ev-talks"}
