"""Situation report: one content model, rendered as Markdown and as a single HTML file.

The model is built once (ranking, summaries, citations numbered in reading
order) and both renderers walk it, so the two formats always say the same
thing. Everything that came from an article is treated as hostile text:
control characters are stripped, long values are cut, and the HTML renderer
escapes it all; the page carries no scripts and loads nothing from outside.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from sitroom.records import QUAD_CLASS, Article, Event, Mention, Statement

from ._common import (
    INTENSITY,
    actor_label,
    clean_text,
    coverage_span,
    event_article_ids,
    event_outlets,
    is_background,
    n_sources,
)
from .figures import best_figures, disagreements
from .summary import SummarySentence, describe_event, summary_sentences
from .timeline import TimelineEntry, timeline

TITLE_LIMIT = 200
OUTLET_LIMIT = 80
URL_LIMIT = 160
QUADS: tuple[tuple[str, str], ...] = (
    ("verbal_coop", "Verbal coop."), ("material_coop", "Material coop."),
    ("verbal_conflict", "Verbal conflict"), ("material_conflict", "Material conflict"),
)


# --------------------------------------------------------------------- model
@dataclass
class Claim:
    """A responsibility claim or denial, with who relayed it."""

    kind: str           # claim | denial
    speaker: str
    per: str
    article_id: str | None


@dataclass
class KeyItem:
    """One key development."""

    event_id: str
    line: str
    summary: list[SummarySentence]
    figures: list[tuple[str, str]]
    disagreements: list[str]
    claims: list[Claim]
    according: list[tuple[str, str | None]]
    outlets: list[str]
    article_ids: list[str]


@dataclass
class Report:
    """Everything a situation report shows, in display order, with citations numbered."""

    title: str
    generated: str | None
    span: tuple[str | None, str | None]
    n_articles: int
    n_duplicates: int
    outlets: list[str]
    n_events: int
    n_background: int
    key: list[KeyItem]
    timeline: list[TimelineEntry]
    timeline_more: int
    background: list[TimelineEntry]
    dyads: list[tuple[str, Counter[str]]]
    cites: dict[str, int] = field(default_factory=dict)
    entry_articles: dict[str, list[str]] = field(default_factory=dict)
    marks: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    known: frozenset[str] = frozenset()

    def cite(self, article_id: str | None) -> int | None:
        """Footnote number of an article, assigned on first use (None when we cannot list it)."""
        if not article_id or article_id not in self.known:
            return None
        if article_id not in self.cites:
            self.cites[article_id] = len(self.cites) + 1
        return self.cites[article_id]


def _is_current(ev: Event, start: str | None) -> bool:
    return ev.modality in ("asserted", "") and not is_background(ev, start)


def rank_events(events: Iterable[Event], articles: Mapping[str, Article]) -> list[Event]:
    """Current (asserted, non-background) events, most important first: outlets × intensity."""
    start, _ = coverage_span(articles)
    cur = [e for e in events if _is_current(e, start)]
    return sorted(cur, key=lambda e: (
        -n_sources(e, articles) * INTENSITY.get(e.event_type, 1.0),
        -e.confidence,
        -(len(e.quantities) > 0),
        e.time.value if e.time is not None and e.time.value else "9999",
        e.id,
    ))


def _statements(ev: Event, mentions: Mapping[str, Mention]) -> list[Statement]:
    out = list(ev.statements)
    for mid in ev.mention_ids:
        m = mentions.get(mid)
        if m is not None:
            out.extend(s for s in m.statements if s not in out)
    return out


def _claims(ev: Event, mentions: Mapping[str, Mention], articles: Mapping[str, Article]) -> tuple[
        list[Claim], list[tuple[str, str | None]]]:
    stmts = _statements(ev, mentions)
    claims: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for s in stmts:
        if s.kind not in ("claim", "denial"):
            continue
        speaker = actor_label(s.speaker, with_codes=False) if s.speaker else "unnamed party"
        if (s.kind, speaker.lower()) in seen:
            continue
        seen.add((s.kind, speaker.lower()))
        aid = s.evidence.article_id if s.evidence else None
        per = ""
        if s.evidence is not None:
            for a in stmts:   # an attribution in the same sentence says who relayed the claim
                if (a.kind == "attribution" and a.speaker is not None and a.evidence is not None
                        and a.evidence.article_id == aid
                        and a.evidence.sent_start == s.evidence.sent_start):
                    cand = actor_label(a.speaker, with_codes=False)
                    if cand.lower() != speaker.lower():
                        per = cand
                        break
        if not per and aid and aid in articles:
            per = clean_text(articles[aid].source, OUTLET_LIMIT)
        claims.append(Claim(s.kind, speaker, per, aid))
    according: list[tuple[str, str | None]] = []
    names: set[str] = set()
    for s in stmts:
        if s.kind == "attribution" and s.speaker is not None:
            name = actor_label(s.speaker, with_codes=False)
            if name.lower() not in names and len(according) < 5:
                names.add(name.lower())
                according.append((name, s.evidence.article_id if s.evidence else None))
    return claims, according


def _dyads(events: Iterable[Event], start: str | None, top: int = 10) -> list[tuple[str, Counter[str]]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for ev in events:
        if not _is_current(ev, start) and ev.modality != "future":
            continue
        quad = QUAD_CLASS.get(ev.event_type)
        if quad is None:
            continue
        srcs = list(dict.fromkeys(actor_label(a, with_codes=False) for a in ev.sources)) or ["?"]
        tgts = list(dict.fromkeys(actor_label(a, with_codes=False) for a in ev.targets)) or ["—"]
        for s in srcs:
            for t in tgts:
                if s == "?" and t == "—":
                    continue
                counts[f"{s} → {t}"][quad] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()),
                                                    -kv[1]["material_conflict"], kv[0]))
    return ranked[:top]


def build_report(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    title: str = "Situation report", generated: str | None = None,
    top: int = 8, timeline_limit: int = 80,
) -> Report:
    """Rank, summarise and cite: the content both renderers show."""
    evs = list(events)
    start, end = coverage_span(articles)
    shown = [e for e in evs if e.modality not in ("negated", "hypothetical")]
    outlets = sorted({clean_text(a.source, OUTLET_LIMIT) for a in articles.values() if a.source})
    entries = timeline(evs, mentions, articles, include_background=True)
    current = [t for t in entries if not t.background]
    rep = Report(
        title=clean_text(title, TITLE_LIMIT) or "Situation report",
        generated=clean_text(generated, 60) if generated else None,
        span=(start, end),
        n_articles=len(articles),
        n_duplicates=sum(1 for a in articles.values() if a.duplicate_of),
        outlets=outlets,
        n_events=len(shown),
        n_background=sum(1 for t in entries if t.background),
        key=[],
        timeline=current[:timeline_limit],
        timeline_more=max(0, len(current) - timeline_limit),
        background=[t for t in entries if t.background],
        dyads=_dyads(evs, start),
        known=frozenset(articles),
    )
    by_id = {e.id: e for e in evs}
    for ev in rank_events(evs, articles)[:top]:
        claims, according = _claims(ev, mentions, articles)
        item = KeyItem(
            event_id=ev.id,
            line=describe_event(ev, mentions, articles),
            summary=summary_sentences(ev, mentions, articles, 2),
            figures=best_figures(ev),
            disagreements=disagreements(ev, mentions),
            claims=claims,
            according=according,
            outlets=event_outlets(ev, articles),
            article_ids=[a for a in event_article_ids(ev, mentions) if a in articles],
        )
        rep.key.append(item)
        rep.marks.update({(s.article_id, s.text): s.mark for s in item.summary if s.mark})
        # Number citations in reading order.
        for s in item.summary:
            rep.cite(s.article_id)
        for c in item.claims:
            rep.cite(c.article_id)
        for _, aid in item.according:
            rep.cite(aid)
    for t in [*rep.timeline, *rep.background]:
        ev = by_id[t.event_id]
        for _, aid in t.summary:
            rep.cite(aid)
        for s in summary_sentences(ev, mentions, articles, len(t.summary)):
            if s.mark:
                rep.marks[(s.article_id, s.text)] = s.mark
        arts = sorted((articles[a] for a in event_article_ids(ev, mentions) if a in articles),
                      key=lambda a: (a.published is None, a.published or "", a.id))
        rep.entry_articles[t.event_id] = [a.id for a in arts]
        for a in arts:
            rep.cite(a.id)
    return rep


# ------------------------------------------------------------ shared wording
def coverage_sentence(rep: Report) -> str:
    """'Articles published 2020-01-03 to 2020-01-16 · 12 articles from 4 outlets · 9 events'."""
    s, e = rep.span
    when = (f"Articles published {s} to {e}" if s and e and s != e
            else f"Articles published {s}" if s else "Publication dates unknown")
    arts = f"{rep.n_articles} article{'s' if rep.n_articles != 1 else ''}"
    if rep.n_duplicates:
        arts += f" ({rep.n_duplicates} syndicated cop{'ies' if rep.n_duplicates != 1 else 'y'})"
    n_out = len(rep.outlets)
    evs = f"{rep.n_events} event{'s' if rep.n_events != 1 else ''}"
    if rep.n_background:
        evs += f" ({rep.n_background} background)"
    return f"{when} · {arts} from {n_out} outlet{'s' if n_out != 1 else ''} · {evs}"


def _figure_text(figs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{k} {v}" for k, v in figs)


def _entry_outlets(rep: Report, t: TimelineEntry, articles: Mapping[str, Article]) -> list[tuple[str, int | None]]:
    """(outlet, first citation number) for each outlet reporting a timeline entry."""
    out: dict[str, int | None] = {}
    for aid in rep.entry_articles.get(t.event_id, []):
        name = clean_text(articles[aid].source, OUTLET_LIMIT) or "unknown outlet"
        out.setdefault(name, rep.cites.get(aid))
    return list(out.items())


def _source_fields(a: Article) -> tuple[str, str, str, str]:
    return (
        clean_text(a.source, OUTLET_LIMIT) or "unknown outlet",
        (a.published or "undated")[:10],
        clean_text(a.title, TITLE_LIMIT) or "(untitled)",
        clean_text(a.url, 2000),
    )


def _safe_href(url: str) -> str | None:
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


# ------------------------------------------------------------------ markdown
_MD_SPECIAL = set("\\`*_[]<>|#")


def md(text: str) -> str:
    """Backslash-escape Markdown/HTML syntax so article text shows literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _md_cite(rep: Report, aid: str | None) -> str:
    n = rep.cites.get(aid) if aid else None
    return f"[{n}]" if n else ""


def render_report_markdown(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    title: str = "Situation report", generated: str | None = None,
) -> str:
    """The situation report as Markdown (reads fine as plain text too)."""
    rep = build_report(events, mentions, articles, title, generated)
    out = [f"# {md(rep.title)}", ""]
    if rep.generated:
        out += [f"_Generated {md(rep.generated)}_", ""]
    out += [f"**Coverage:** {md(coverage_sentence(rep))}", ""]
    if rep.outlets:
        out += [f"**Outlets:** {md(', '.join(rep.outlets))}", ""]

    out += ["## Key developments", ""]
    if not rep.key:
        out += ["No current events were found in this coverage.", ""]
    for i, k in enumerate(rep.key, 1):
        out.append(f"### {i}. {md(k.line)}")
        out.append("")
        if k.summary:
            out.append("> " + " ".join(f"{md(s.text)} {_md_cite(rep, s.article_id)}".rstrip()
                                       for s in k.summary))
            out.append("")
        if k.figures:
            out.append(f"- **Reported figures (latest):** {md(_figure_text(k.figures))}")
        for d in k.disagreements:
            out.append(f"- **Reports differ:** {md(d)}")
        for kind, label in (("claim", "Claimed by"), ("denial", "Denied by")):
            cl = [c for c in k.claims if c.kind == kind]
            if cl:
                out.append(f"- **{label}:** " + "; ".join(
                    f"{md(c.speaker)}{f' (per {md(c.per)})' if c.per else ''} {_md_cite(rep, c.article_id)}".rstrip()
                    for c in cl))
        if k.according:
            out.append("- **According to:** " + ", ".join(
                f"{md(n)} {_md_cite(rep, a)}".rstrip() for n, a in k.according))
        out.append(f"- **Reported by:** {md(', '.join(k.outlets)) or 'no outlet recorded'}")
        out.append("")

    out += ["## Timeline", ""]
    if not rep.timeline:
        out += ["No dated current events.", ""]
    for t in rep.timeline:
        out.extend(_md_entry(rep, t, articles))
    if rep.timeline_more:
        out += [f"_… and {rep.timeline_more} more events._", ""]
    out += ["## Background", ""]
    if not rep.background:
        out += ["No historical events were mentioned in the coverage.", ""]
    for t in rep.background:
        out.extend(_md_entry(rep, t, articles))

    out += ["## Actors", ""]
    if not rep.dyads:
        out += ["No actor pairs were identified.", ""]
    else:
        out.append("| Dyad | " + " | ".join(lab for _, lab in QUADS) + " | Total |")
        out.append("|---|" + "---:|" * (len(QUADS) + 1))
        for dyad, cnt in rep.dyads:
            out.append(f"| {md(dyad)} | " + " | ".join(str(cnt[q]) for q, _ in QUADS)
                       + f" | {sum(cnt.values())} |")
        out.append("")

    out += ["## Sources", ""]
    if not rep.cites:
        out += ["No articles cited.", ""]
    for aid, n in sorted(rep.cites.items(), key=lambda kv: kv[1]):
        outlet, pub, ttl, url = _source_fields(articles[aid])
        line = f"{n}. {md(outlet)}, {pub}: {md(ttl)}"
        if url:
            shown = md(clean_text(url, URL_LIMIT))
            line += f" <{url}>" if _safe_href(url) and not set(url) & set("<> ") else f" ({shown})"
        out.append(line)
    out.append("")
    return "\n".join(out)


def _md_entry(rep: Report, t: TimelineEntry, articles: Mapping[str, Article]) -> list[str]:
    lines = [f"- {md(t.line)}"]
    for text, aid in t.summary:
        lines.append(f"  > {md(text)} {_md_cite(rep, aid)}".rstrip())
    outs = _entry_outlets(rep, t, articles)
    if outs:
        lines.append("  Sources: " + ", ".join(f"{md(o)} [{n}]" if n else md(o) for o, n in outs))
    lines.append("")
    return lines


# ---------------------------------------------------------------------- html
_CSS = """
:root{--ink:#1d2330;--muted:#5d6675;--line:#dde1e7;--accent:#9b1c1c;--bg:#fbfbfa}
*{box-sizing:border-box}
body{font:16px/1.55 Georgia,'Times New Roman',serif;color:var(--ink);background:var(--bg);
max-width:58rem;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.9rem;margin:.2rem 0}
h2{font:600 1.15rem/1.3 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.06em;
border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2.2rem}
h3{font:600 1rem/1.4 system-ui,sans-serif;margin:1.4rem 0 .4rem}
.meta,.sources-line,.small{font:.88rem/1.45 system-ui,sans-serif;color:var(--muted)}
blockquote{margin:.4rem 0;padding:.3rem .9rem;border-left:3px solid var(--line)}
mark{background:#ffe9a8;padding:0 .1em}
ul.facts{font:.92rem/1.5 system-ui,sans-serif;padding-left:1.1rem}
.differ{color:var(--accent)}
ol.timeline{list-style:none;padding:0}
ol.timeline li{border-left:2px solid var(--line);padding:.2rem 0 .6rem .9rem;margin-left:.3rem}
ol.timeline li .line{font:600 .93rem/1.4 system-ui,sans-serif}
table{border-collapse:collapse;font:.88rem system-ui,sans-serif;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}
sup a{text-decoration:none}
ol.sources{font:.88rem/1.5 system-ui,sans-serif;word-break:break-word}
"""


def h(text: str) -> str:
    """HTML-escape (text is already cleaned of control characters)."""
    return html.escape(text, quote=True)


def _h_cite(rep: Report, aid: str | None) -> str:
    n = rep.cites.get(aid) if aid else None
    return f'<sup><a href="#src-{n}">[{n}]</a></sup>' if n else ""


def _h_sentence(s: SummarySentence) -> str:
    if s.mark is None:
        return h(s.text)
    a, b = s.mark
    return f"{h(s.text[:a])}<mark>{h(s.text[a:b])}</mark>{h(s.text[b:])}"


def render_report_html(
    events: Iterable[Event], mentions: Mapping[str, Mention], articles: Mapping[str, Article],
    title: str = "Situation report", generated: str | None = None,
) -> str:
    """The situation report as one self-contained HTML page (inline CSS, no scripts)."""
    rep = build_report(events, mentions, articles, title, generated)
    o = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Belt and braces: even if escaping failed somewhere, nothing may run or load.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'; img-src data:">',
        f"<title>{h(rep.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<header><h1>{h(rep.title)}</h1>",
    ]
    if rep.generated:
        o.append(f'<p class="meta">Generated {h(rep.generated)}</p>')
    o.append(f'<p class="meta">{h(coverage_sentence(rep))}</p>')
    if rep.outlets:
        o.append(f'<p class="meta">Outlets: {h(", ".join(rep.outlets))}</p>')
    o.append("</header>")

    o.append('<section id="key"><h2>Key developments</h2>')
    if not rep.key:
        o.append("<p>No current events were found in this coverage.</p>")
    for i, k in enumerate(rep.key, 1):
        o.append(f"<article><h3>{i}. {h(k.line)}</h3>")
        if k.summary:
            o.append("<blockquote>" + " ".join(
                _h_sentence(s) + _h_cite(rep, s.article_id) for s in k.summary) + "</blockquote>")
        o.append('<ul class="facts">')
        if k.figures:
            o.append(f"<li><b>Reported figures (latest):</b> {h(_figure_text(k.figures))}</li>")
        for d in k.disagreements:
            o.append(f'<li class="differ"><b>Reports differ:</b> {h(d)}</li>')
        for kind, label in (("claim", "Claimed by"), ("denial", "Denied by")):
            cl = [c for c in k.claims if c.kind == kind]
            if cl:
                o.append(f"<li><b>{label}:</b> " + "; ".join(
                    h(c.speaker) + (f" (per {h(c.per)})" if c.per else "") + _h_cite(rep, c.article_id)
                    for c in cl) + "</li>")
        if k.according:
            o.append("<li><b>According to:</b> " + ", ".join(
                h(n) + _h_cite(rep, a) for n, a in k.according) + "</li>")
        o.append(f"<li><b>Reported by:</b> {h(', '.join(k.outlets)) or 'no outlet recorded'}</li>")
        o.append("</ul></article>")
    o.append("</section>")

    def entry(t: TimelineEntry) -> str:
        parts = [f'<li><div class="line">{h(t.line)}</div>']
        for text, aid in t.summary:
            mark = rep.marks.get((aid, text))
            body = _h_sentence(SummarySentence(text, aid, "", None, mark))
            parts.append(f"<blockquote>{body}{_h_cite(rep, aid)}</blockquote>")
        outs = _entry_outlets(rep, t, articles)
        if outs:
            parts.append('<div class="sources-line">Sources: ' + ", ".join(
                h(name) + (f' <a href="#src-{n}">[{n}]</a>' if n else "") for name, n in outs)
                + "</div>")
        parts.append("</li>")
        return "".join(parts)

    o.append('<section id="timeline"><h2>Timeline</h2>')
    if not rep.timeline:
        o.append("<p>No dated current events.</p>")
    else:
        o.append('<ol class="timeline">' + "".join(entry(t) for t in rep.timeline) + "</ol>")
    if rep.timeline_more:
        o.append(f'<p class="small">… and {rep.timeline_more} more events.</p>')
    o.append("</section>")
    o.append('<section id="background"><h2>Background</h2>')
    if not rep.background:
        o.append("<p>No historical events were mentioned in the coverage.</p>")
    else:
        o.append('<ol class="timeline">' + "".join(entry(t) for t in rep.background) + "</ol>")
    o.append("</section>")

    o.append('<section id="actors"><h2>Actors</h2>')
    if not rep.dyads:
        o.append("<p>No actor pairs were identified.</p>")
    else:
        o.append("<table><thead><tr><th>Dyad</th>" + "".join(f"<th>{lab}</th>" for _, lab in QUADS)
                 + "<th>Total</th></tr></thead><tbody>")
        for dyad, cnt in rep.dyads:
            o.append(f"<tr><td>{h(dyad)}</td>" + "".join(f"<td>{cnt[q]}</td>" for q, _ in QUADS)
                     + f"<td>{sum(cnt.values())}</td></tr>")
        o.append("</tbody></table>")
    o.append("</section>")

    o.append('<section id="sources"><h2>Sources</h2>')
    if not rep.cites:
        o.append("<p>No articles cited.</p>")
    else:
        o.append('<ol class="sources">')
        for aid, n in sorted(rep.cites.items(), key=lambda kv: kv[1]):
            outlet, pub, ttl, url = _source_fields(articles[aid])
            href = _safe_href(url)
            shown = h(clean_text(url, URL_LIMIT))
            link = (f' <a href="{h(href)}" rel="noopener noreferrer">{shown}</a>' if href
                    else (f" <span class=\"small\">{shown}</span>" if url else ""))
            o.append(f'<li id="src-{n}" value="{n}"><b>{h(outlet)}</b>, {h(pub)}: '
                     f"{h(ttl)}{link}</li>")
        o.append("</ol>")
    o.append("</section>")
    o.append("</body></html>")
    return "\n".join(o) + "\n"
