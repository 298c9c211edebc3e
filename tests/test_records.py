"""Records: the fast encoder gives what dataclasses.asdict gives, and decodes back."""

from __future__ import annotations

import json
from dataclasses import asdict

from sitroom.records import (
    Actor,
    Event,
    Evidence,
    FieldValue,
    Mention,
    PlaceRef,
    Quantity,
    Statement,
    TimeRef,
    from_dict,
    to_dict,
)


def _mention() -> Mention:
    ev = Evidence("a1", 0, 40, 5, 11, "struck")
    return Mention(
        id="a1:5", article_id="a1", event_type="ASSAULT", mode="aerial", trigger=ev, sentence=ev,
        sources=[Actor("Iran", "Iran", "IRN", "MIL", ev)], targets=[Actor("base", sector="MIL")],
        time=TimeRef("on Tuesday", "2020-01-07", "2020-01-07", "day", ev),
        place=PlaceRef("Asad", "Ain al-Asad", "IRQ", "Anbar", 33.8, 42.4, "site", None, ev),
        quantities=[Quantity("injured", 11, "at least", "11", ev)],
        statements=[Statement("claim", Actor("IRGC", country="IRN"), "claimed", ev)],
        context=["place:Asad"], confidence=0.8,
    )


def test_to_dict_equals_asdict_and_round_trips() -> None:
    m = _mention()
    ev = Event(id="ev_1", event_type="ASSAULT", sources=m.sources, mention_ids=[m.id],
               quantities={"injured": [FieldValue(11, "a1", "Wire", "2020-01-08", m.id)]},
               statements=m.statements, time=m.time, place=m.place)
    for record, cls in ((m, Mention), (ev, Event)):
        assert json.dumps(to_dict(record)) == json.dumps(asdict(record))
        assert from_dict(cls, json.loads(json.dumps(to_dict(record)))) == record
