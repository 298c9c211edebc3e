"""Output side: one-line descriptions, extractive summaries, timelines and situation reports.

Pure functions over records (Event, Mention, Article); the store and CLI
call them. Every sentence shown is quoted from an article and cited.
"""

from .figures import disagreements
from .report import build_report, rank_events, render_report_html, render_report_markdown
from .stories import (
    Story,
    Summary,
    build_stories,
    render_story_timeline_text,
    render_summary_markdown,
    render_summary_text,
    story_timeline,
    summarize_story,
)
from .summary import describe_event, event_summary
from .timeline import TimelineEntry, render_timeline_text, timeline

__all__ = [
    "Story",
    "Summary",
    "build_stories",
    "render_story_timeline_text",
    "render_summary_markdown",
    "render_summary_text",
    "story_timeline",
    "summarize_story",
    "TimelineEntry",
    "build_report",
    "describe_event",
    "disagreements",
    "event_summary",
    "rank_events",
    "render_report_html",
    "render_report_markdown",
    "render_timeline_text",
    "timeline",
]
