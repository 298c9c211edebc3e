"""A deterministic synthetic corpus for scale and load runs, grown from the demo.

Every demo article is copied many times with its figures, weekdays and a
few place and outlet names varied by a seeded RNG, so each copy has its own
content hash (ingest stores it as new) while staying realistic news text for
the extractor. Written as JSONL files of ``per_file`` records.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from sitroom.records import Article

_PLACES = ["Kirkuk", "Baghdad", "Basra", "Mosul", "Erbil", "Tehran", "Damascus", "Beirut",
           "Sanaa", "Aden", "Kabul", "Tripoli"]
_OUTLETS = ["Gulf Courier", "Zagros Observer", "Continental Dispatch", "Harbor Times",
            "Levant Ledger", "Northern Wire", "Desert Gazette", "River Post"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUM = re.compile(r"\b\d{1,3}\b")
_DAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def demo_articles() -> list[Article]:
    from sitroom.demo import CORPUS_DIR
    from sitroom.ingest import iter_articles

    return [a for a in iter_articles([CORPUS_DIR], default_date="2020-01-06")
            if isinstance(a, Article)]


def perturb(article: Article, rng: random.Random) -> dict[str, str]:
    """One varied copy of ``article`` as a JSONL record."""
    text = _NUM.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), article.text)
    text = _DAY.sub(lambda m: rng.choice(_DAYS), text)
    for place in _PLACES:
        if place in text and rng.random() < 0.3:
            text = text.replace(place, rng.choice(_PLACES))
    day = 1 + rng.randrange(28)
    month = 1 + rng.randrange(12)
    return {
        "title": _NUM.sub(lambda m: str(int(m.group()) + 1), article.title or ""),
        "text": text + f"\n\nReport {rng.randrange(10**9)}.",
        "date": f"{2015 + rng.randrange(10)}-{month:02d}-{day:02d}",
        "source": rng.choice(_OUTLETS),
        "url": f"https://news.example/{rng.randrange(10**12)}",
    }


def write_corpus(out_dir: str | Path, n: int, *, seed: int = 7, per_file: int = 500) -> list[Path]:
    """Write ``n`` varied articles as JSONL files under ``out_dir``; returns the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = demo_articles()
    rng = random.Random(seed)
    files: list[Path] = []
    fh = None
    try:
        for i in range(n):
            if i % per_file == 0:
                if fh:
                    fh.close()
                path = out / f"synth_{i // per_file:05d}.jsonl"
                files.append(path)
                fh = path.open("w", encoding="utf-8")
            assert fh is not None
            fh.write(json.dumps(perturb(base[i % len(base)], rng), ensure_ascii=False) + "\n")
    finally:
        if fh:
            fh.close()
    return files
