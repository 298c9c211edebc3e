"""Reported figures (killed, injured, ...): the current best value and where reports differ.

Casualty counts move as reporting matures ("no injuries" on day one, dozens a
week later), so a single number hides the story. We keep the latest report as
the current best and show the sequence when outlets disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from sitroom.records import Event, FieldValue, Mention

from ._common import clean_text, format_value, numeric_value

# Display order: the figures analysts look for first.
KIND_ORDER: tuple[str, ...] = ("killed", "injured", "missing", "arrested", "displaced", "weapons")


def ordered_kinds(event: Event) -> list[str]:
    """Quantity kinds of an event, best-known kinds first."""
    kinds = [k for k in KIND_ORDER if event.quantities.get(k)]
    kinds += sorted(k for k in event.quantities if k not in KIND_ORDER and event.quantities[k])
    return kinds


def _chrono_key(fv: FieldValue) -> tuple[int, str, float]:
    num = numeric_value(fv.value)
    return (fv.published is None, fv.published or "", num if num is not None else 0.0)


def current_best(values: list[FieldValue]) -> FieldValue | None:
    """The latest dated report wins; on the same day the highest figure (later tallies grow)."""
    if not values:
        return None
    dated = [v for v in values if v.published]
    pool = dated or values
    return max(pool, key=lambda v: (v.published or "", numeric_value(v.value) or 0.0))


def _speaker_for(fv: FieldValue, event: Event, mentions: Mapping[str, Mention] | None) -> str:
    """Who the outlet attributes the figure to ('Pentagon'), when that is unambiguous.

    Only attributions in the figure's own sentence count: a "state TV said" two
    sentences away says nothing about who gave this number.
    """
    m = mentions.get(fv.mention_id) if mentions is not None else None
    if m is None:
        return ""
    stmts = [s for s in m.statements if s.kind == "attribution"]
    sent = m.sentence or m.trigger
    if not stmts and sent is not None:
        stmts = [
            s for s in event.statements
            if s.kind == "attribution" and s.evidence is not None
            and s.evidence.article_id == m.article_id
            and s.evidence.sent_start == sent.sent_start
        ]
    names = {clean_text(s.speaker.name or s.speaker.text, 60) for s in stmts if s.speaker}
    names.discard("")
    return names.pop() if len(names) == 1 else ""


def reporter_label(fv: FieldValue, event: Event, mentions: Mapping[str, Mention] | None) -> str:
    """'Pentagon via Tigris Post, 2020-01-16'."""
    outlet = clean_text(fv.source, 60) or "unknown outlet"
    speaker = _speaker_for(fv, event, mentions)
    who = f"{speaker} via {outlet}" if speaker and speaker.lower() != outlet.lower() else outlet
    return f"{who}, {fv.published[:10] if fv.published else 'undated'}"


def disagreement_line(
    kind: str, values: list[FieldValue], event: Event, mentions: Mapping[str, Mention] | None = None
) -> str | None:
    """'injured: 0 (A, d1) → 11 (B, d2)' when the reports do not all agree, else None.

    Each article speaks once, with the largest figure it gives: several counts
    inside one report ("two soldiers ... four in all") are that report's own
    detail, not sources disagreeing.
    """
    per_article: dict[str, FieldValue] = {}
    for fv in values:
        held = per_article.get(fv.article_id)
        if held is None or (numeric_value(fv.value) or 0) > (numeric_value(held.value) or 0):
            per_article[fv.article_id] = fv
    values = list(per_article.values())
    distinct = {format_value(v.value) for v in values}
    if len(distinct) < 2:
        return None
    steps: list[tuple[str, list[str]]] = []
    for fv in sorted(values, key=_chrono_key):
        val = format_value(fv.value)
        lab = reporter_label(fv, event, mentions)
        if steps and steps[-1][0] == val:
            if lab not in steps[-1][1]:
                steps[-1][1].append(lab)
        else:
            steps.append((val, [lab]))
    parts = []
    for val, labs in steps:
        shown = "; ".join(labs[:3]) + (f"; +{len(labs) - 3} more" if len(labs) > 3 else "")
        parts.append(f"{val} ({shown})")
    return f"{kind}: " + " → ".join(parts)


def disagreements(event: Event, mentions: Mapping[str, Mention] | None = None) -> list[str]:
    """One line per figure that differs across reports, in report order.

    ``mentions`` is optional: with it, each figure names the official the
    outlet attributed it to ("Pentagon via Tigris Post").
    """
    out = []
    for kind in ordered_kinds(event):
        line = disagreement_line(kind, event.quantities[kind], event, mentions)
        if line:
            out.append(line)
    return out


def best_figures(event: Event) -> list[tuple[str, str]]:
    """(kind, value text) of the current best figure for every reported kind."""
    out = []
    for kind in ordered_kinds(event):
        best = current_best(event.quantities[kind])
        if best is not None:
            out.append((kind, format_value(best.value)))
    return out
