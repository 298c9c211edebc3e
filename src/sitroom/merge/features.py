"""Per-mention features used by event coreference, and the pairwise rule.

Everything a merge decision needs is computed once per mention (``Feat``) so
the clustering loop only does cheap set and arithmetic operations.

Dates become *padded intervals* of day ordinals. Two dates are compatible
exactly when their padded intervals overlap, so the tolerance lives in the
padding:

* ``day``: ``[d - 0.5, d + 0.5]`` -- two day dates overlap when at most one
  day apart (the same strike is "Tuesday" in Washington and "Wednesday" in
  Baghdad);
* ``week``/``month``/``season``/``year``/``decade``: the whole period plus
  the same half-day pad, so a month contains its days;
* ``reported`` (the article date stands in for the event date):
  ``[r - 3, r + 0.5]`` -- news reports an event up to about three days after
  it happens, hardly ever before; two reported dates then overlap when at
  most ~3 days apart, and a reported date covers an explicit date from
  three days before to one day after it;
* ``unknown`` (or a "reported" date taken from an article whose own date was
  only guessed): no interval, compatible with anything.

Because one-dimensional intervals have the Helly property (pairwise
overlapping <=> a common point exists), a cluster only has to keep the
intersection of its members' intervals to check a newcomer against *every*
member at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sitroom.records import Article, Mention

PAD = 0.5
REPORTED_BEFORE = 3.0   # an event is reported up to ~3 days after it happened
NEAR_KM = 100.0         # city/site places closer than this can be the same event

PLACE_RANK: dict[str, int] = {"site": 0, "city": 1, "province": 2, "country": 3, "unknown": 4}
DATE_RANK: dict[str, int] = {
    "day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "decade": 5,
    "reported": 6, "unknown": 7,
}

# Modalities that describe something that happened; historical mentions are
# merged with asserted ones only when their (explicit) dates agree.
REAL = frozenset({"asserted", "historical"})

_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor
not now of off on once only or other our out over own same she should so some such than that the
their them then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your
said says say saying told tells according reported reports report officials official statement
news agency spokesman spokeswoman spokesperson added late early week day today yesterday tuesday
wednesday thursday friday saturday sunday monday year years month months new one two three
"""
_STOP = frozenset(_STOP_WORDS.split())
_TOKEN = re.compile(r"[a-z][a-z\-]{2,}")


def stem(word: str) -> str:
    """Crude suffix stripping so "attacks"/"attacked"/"attacking" and
    "missile"/"missiles" match.

    Merge only sees evidence text, not spaCy tokens; a light stemmer is a
    good-enough lemma stand-in for word overlap and costs nothing."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suf in ("ations", "ation", "ings", "ing", "ed", "s"):
        if word.endswith(suf) and not word.endswith("ss") and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


# News vocabulary is small next to the number of mentions, and one sentence
# often yields several mentions: caching stems and sentence tokens removes
# most of the featurizing cost of a full re-merge.
_stem = lru_cache(maxsize=1 << 17)(stem)


@lru_cache(maxsize=1 << 14)
def tokens(text: str) -> frozenset[str]:
    """Content-word stems of a text (lower-cased, stopwords removed)."""
    return frozenset(_stem(t) for t in _TOKEN.findall(text.lower()) if t not in _STOP)


def _parse(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        # Tolerate "YYYY-MM" and "YYYY" values from coarse resolvers.
        parts = iso.split("-")
        try:
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 and parts[1] else 1
            return date(y, m, 1)
        except (ValueError, IndexError):
            return None


def _period_end(start: date, precision: str) -> date:
    """Last day of a coarse period when the resolver gave no end."""
    if precision == "week":
        return start + timedelta(days=6)
    if precision == "month":
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if precision == "season":
        return start + timedelta(days=91)
    if precision == "year":
        return date(start.year, 12, 31)
    if precision == "decade":
        return date(start.year - start.year % 10 + 9, 12, 31)
    return start


def date_interval(mention: Mention, articles: Mapping[str, Article]) -> tuple[float, float] | None:
    """Padded ordinal interval of a mention's time, or None when unknown.

    A historical mention only counts as dated when its date is explicit: a
    "reported" date for a background event (the 1953 coup) is the article's
    date, not the event's, so it must not pull the mention into today's news.
    """
    t = mention.time
    if t is None or t.precision in ("unknown", "") or t.value is None:
        return None
    start = _parse(t.value)
    if start is None:
        return None
    if t.precision == "reported":
        if mention.modality == "historical":
            return None
        art = articles.get(mention.article_id)
        if art is not None and art.date_precision == "unknown":
            return None
        o = start.toordinal()
        return (o - REPORTED_BEFORE, o + PAD)
    if t.precision == "day":
        o = start.toordinal()
        return (o - PAD, o + PAD)
    end = _parse(t.end) if t.end else None
    if end is None or end < start:
        end = _period_end(start, t.precision)
    return (start.toordinal() - PAD, end.toordinal() + PAD)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class PlaceKey:
    """The parts of a PlaceRef that matter for compatibility (hashable)."""

    country: str | None
    admin1: str
    lat: float | None
    lon: float | None
    rank: int          # PLACE_RANK

    @property
    def point(self) -> bool:
        return self.rank <= 1 and self.lat is not None and self.lon is not None


def places_compatible(a: PlaceKey, b: PlaceKey) -> bool:
    """Within ~100 km for city/site pairs; same country otherwise."""
    if a.country and b.country and a.country != b.country:
        return False
    if a.point and b.point:
        assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= NEAR_KM
    if a.rank == 2 and b.rank <= 2 and a.admin1 and b.admin1:
        # Province vs province/city: a place cannot sit in two provinces.
        return a.admin1.lower() == b.admin1.lower()
    if b.rank == 2 and a.rank <= 2 and a.admin1 and b.admin1:
        return a.admin1.lower() == b.admin1.lower()
    return True


def place_score(a: PlaceKey, b: PlaceKey) -> float:
    """Positive evidence from places (0 when either is unknown)."""
    if a.rank >= 4 or b.rank >= 4:
        return 0.0
    if a.point and b.point:
        assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        return max(0.0, 1.0 - 0.5 * d / NEAR_KM)
    if a.admin1 and b.admin1 and a.admin1.lower() == b.admin1.lower():
        return 0.5
    if a.country and a.country == b.country:
        return 0.3
    return 0.0


def _countries(actors: list) -> frozenset[str]:
    return frozenset(a.country for a in actors if a.country)


@lru_cache(maxsize=1)
def _country_level_names() -> frozenset[str]:
    """Canonical names the actor dictionary gives whole countries (also for
    their demonyms and capitals): "Iran" names a state, not one participant."""
    from sitroom.extract.actors import load_actor_dictionary

    d = load_actor_dictionary()
    return frozenset(e.name.lower() for e in (*d.exact.values(), *d.folded.values())
                     if e.type in ("country", "demonym", "capital"))


def named_actors(actors: list) -> frozenset[str]:
    """Lower-cased names of specific participants (a person, a group, an
    institution): not a whole country, not a generic noun ("civilians").

    Why: two reports of an attack on the same named person are far stronger
    evidence of one event than two attacks sharing a target country.
    """
    out = set()
    for a in actors:
        name = (a.name or "").strip()
        if (name and name[0].isupper() and name != a.country
                and name.lower() not in _country_level_names()):
            out.add(name.lower())
    return frozenset(out)


@dataclass
class Feat:
    """Everything the clusterer needs to know about one mention."""

    idx: int
    id: str
    article_id: str
    event_type: str
    mode: str
    modality: str
    interval: tuple[float, float] | None
    day: float | None          # day-precision ordinal, for closeness scoring
    reported: bool             # the date is the article's, not stated
    src: frozenset[str]
    tgt: frozenset[str]
    place: PlaceKey | None
    words: frozenset[str]
    trig: frozenset[str]
    tgt_names: frozenset[str] = frozenset()   # see named_actors

    @property
    def mclass(self) -> str:
        """Modality class: asserted and historical describe real events."""
        return "real" if self.modality in REAL else self.modality


def featurize(idx: int, m: Mention, articles: Mapping[str, Article]) -> Feat:
    """Compute a mention's merge features once."""
    p = m.place
    pk: PlaceKey | None = None
    if p is not None and (p.country or p.lat is not None):
        rank = PLACE_RANK.get(p.precision, 4)
        if rank == 4 and p.country:
            rank = 3
        pk = PlaceKey(p.country, p.admin1 or "", p.lat, p.lon, rank)
    trig = m.trigger.text if m.trigger else ""
    sent = m.sentence.text if m.sentence else ""
    iv = date_interval(m, articles)
    trig_tokens = tokens(trig)
    day = None
    if iv is not None and m.time is not None and m.time.precision == "day":
        day = (iv[0] + iv[1]) / 2
    return Feat(
        idx=idx, id=m.id, article_id=m.article_id, event_type=m.event_type,
        mode=m.mode or "", modality=m.modality or "asserted", interval=iv, day=day,
        reported=m.time is not None and m.time.precision == "reported",
        src=_countries(m.sources), tgt=_countries(m.targets), place=pk,
        # the token pattern cannot span the joining space, so the words of
        # "trigger + sentence" are the union of both token sets
        words=trig_tokens | tokens(sent), trig=trig_tokens,
        tgt_names=named_actors(m.targets),
    )


def intervals_overlap(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    """Padded intervals overlap (unknown overlaps everything)."""
    if a is None or b is None:
        return True
    return a[0] <= b[1] and b[0] <= a[1]


def modality_compatible(a: str, b: str) -> bool:
    """Asserted/historical merge together; negated, hypothetical and future
    mentions only merge with their own kind (future+future is the same
    threat repeated), never with something that happened."""
    ca = "real" if a in REAL else a
    cb = "real" if b in REAL else b
    return ca == cb


# Modes one report may use for another's act: a drone strike is an air strike
# to an outlet that does not say what flew.
MODE_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"aerial", "drone"}),
    frozenset({"explosives", "suicide-attack"}),   # a suicide bombing is an explosive attack
    frozenset({"demo", "riot"}),   # one outlet's demonstration is another's riot
)
# Modes that say what an attack was for, not what it was done with: "the
# assassination of X" and "the drone strike that killed X" can be one act.
PURPOSE_MODES: frozenset[str] = frozenset({"assassinate", "massacre"})
MEANS_MODES: frozenset[str] = frozenset({
    "heavy-weapons", "aerial", "drone", "firearms", "explosives", "suicide-attack",
    "primitive", "unconventional",
})


def modes_compatible(a: str, b: str) -> bool:
    """Equal, unknown on one side, of one family (see MODE_FAMILIES), or a
    purpose and a means (PURPOSE_MODES, MEANS_MODES). Not transitive: a
    cluster checks a newcomer against every member's mode."""
    if not a or not b or a == b or any(a in f and b in f for f in MODE_FAMILIES):
        return True
    return (a in PURPOSE_MODES and b in MEANS_MODES) or (b in PURPOSE_MODES and a in MEANS_MODES)


def feats_compatible(a: Feat, b: Feat) -> bool:
    """The pairwise rule (see ``mentions_compatible``)."""
    if a.event_type != b.event_type:
        return False
    if not modes_compatible(a.mode, b.mode):
        return False
    if not modality_compatible(a.modality, b.modality):
        return False
    # A historical mention needs its own explicit date (which must agree).
    if (a.modality == "historical" and a.interval is None) or (
        b.modality == "historical" and b.interval is None
    ):
        return False
    if not intervals_overlap(a.interval, b.interval):
        return False
    if a.src and b.src and not (a.src & b.src):
        return False
    if a.tgt and b.tgt and not (a.tgt & b.tgt):
        return False
    return not (a.place is not None and b.place is not None
                and not places_compatible(a.place, b.place))

