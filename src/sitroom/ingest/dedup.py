"""Near-duplicate detection for syndicated wire copy.

The same agency story is republished by dozens of outlets with a changed
byline, headline or a trimmed paragraph. Counting each copy as independent
confirmation would inflate an event's source count, so copies are linked to
the first version seen (MinHash over word shingles, LSH for sub-linear lookup).
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from sitroom.records import Article

_WORD = re.compile(r"\w+", re.UNICODE)


_MIX = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)


def shingle_hashes(text: str, k: int = 3) -> np.ndarray:
    """Distinct 32-bit hashes of lower-cased word k-grams.

    Words are hashed once (crc32, deterministic across processes) and combined
    arithmetically, which is much faster than hashing every k-gram string;
    punctuation and spacing changes don't matter.
    """
    return _hash_words(_WORD.findall(text.lower()), k)


def _hash_words(words: list[str], k: int) -> np.ndarray:
    wh = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64,
                     count=len(words))
    if len(wh) == 0:
        return wh
    k = max(1, min(k, len(wh), len(_MIX)))
    n = len(wh) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        acc = acc * np.uint64(_MIX[j]) + wh[j:j + n]  # wraps mod 2**64 by design
    return np.unique((acc ^ (acc >> np.uint64(29))) & np.uint64(0xFFFFFFFF))


class NearDuplicateIndex:
    """Index of articles seen so far; ``add`` answers "is this a copy?".

    ``threshold`` is the estimated Jaccard similarity of word 3-shingles above
    which two texts count as the same story. Texts shorter than ``min_words``
    are never matched: a headline-only item shares too little to judge.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 3,
                 min_words: int = 20, seed: int = 1) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.min_words = min_words
        self.seed = seed
        # LSH at a slightly lower threshold catches borderline candidates,
        # which are then checked against the real threshold.
        self._lsh = MinHashLSH(threshold=max(0.05, threshold - 0.1), num_perm=num_perm)
        proto = MinHash(num_perm=num_perm, seed=seed)
        # Reusing the permutations saves regenerating them per article;
        # datasketch >= 2 also wants their scheme named.
        self._mh_kw: dict[str, Any] = {"permutations": proto.permutations}
        if getattr(proto, "scheme", None) is not None:
            self._mh_kw["scheme"] = proto.scheme
        self._sigs: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}
        self._root: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def minhash(self, text: str) -> MinHash:
        """MinHash signature of the text's word shingles."""
        return self._minhash(_WORD.findall(text.lower()))

    def _minhash(self, words: list[str]) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=int, **self._mh_kw)
        m.update_batch(_hash_words(words, self.shingle).tolist())
        return m

    def similarity(self, a: str, b: str) -> float:
        """Estimated Jaccard similarity of two texts (for diagnostics and tests)."""
        return float(self.minhash(a).jaccard(self.minhash(b)))

    def add(self, article: Article) -> str | None:
        """Index ``article``; return the id of the original it copies, else None.

        Copies of copies resolve to the first article of the chain, so every
        syndicated version points at one canonical id. An article whose id is
        already indexed (identical text) is not re-indexed and returns None,
        because its id already identifies it as the same article.
        """
        if article.id in self._sigs:
            return None
        words = _WORD.findall(article.text.lower())
        if len(words) < self.min_words:
            return None
        m = self._minhash(words)
        best: str | None = None
        best_key: tuple[float, int] = (-1.0, 0)
        for cand in self._lsh.query(m):
            sim = float(m.jaccard(self._sigs[cand]))
            key = (sim, -self._order[cand])
            if sim >= self.threshold and key > best_key:
                best, best_key = cand, key
        self._lsh.insert(article.id, m)
        self._sigs[article.id] = m
        self._order[article.id] = len(self._order)
        if best is None:
            return None
        root = self._root.get(best, best)
        self._root[article.id] = root
        return root
