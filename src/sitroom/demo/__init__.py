"""Bundled demo corpus: reports on the US-Iran crisis in Iraq, Dec 2019 - Jan 2020.

The corpus is the default input of the main job, so users see something real on first run
without fetching anything. Every article was written for this project by the sitroom team;
the outlets are invented. ``articles.json`` is the master copy and ``build_corpus`` renders it
into the five input formats under ``corpus/``.
"""

from pathlib import Path

DEMO_DIR: Path = Path(__file__).resolve().parent
CORPUS_DIR: Path = DEMO_DIR / "corpus"
ARTICLES_JSON: Path = DEMO_DIR / "articles.json"

__all__ = ["ARTICLES_JSON", "CORPUS_DIR", "DEMO_DIR"]
