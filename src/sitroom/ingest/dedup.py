"""Near-duplicate detection for syndicated wire copy.

The same agency story is republished by dozens of outlets with a changed
byline, headline or a trimmed paragraph. Counting each copy as independent
confirmation would inflate an event's source count, so copies are linked to
the first version seen (MinHash over word shingles, LSH for sub-linear lookup).
Signatures are compact bytes that the store keeps, so a large store rebuilds
the index at start-up without re-reading its texts.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from sitroom.records import Article

if TYPE_CHECKING:   # datasketch pulls in scipy (~0.25 s): imported when an index is made
    from datasketch import MinHash

_WORD = re.compile(r"\w+", re.UNICODE)


_MIX = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)

# Stored signatures: little-endian uint32, one value per permutation (MinHash
# values never exceed 32 bits). Bump SIGNATURE_VERSION whenever shingling or
# hashing changes, so stores recompute what they saved.
SIG_DTYPE = np.dtype("<u4")
SIGNATURE_VERSION = 1


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

    Signatures are kept as rows of one uint32 matrix (every MinHash value fits
    in 32 bits), so a stored store can rebuild the index from saved bytes
    (:meth:`add_signature`) without re-reading or re-hashing any text.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 3,
                 min_words: int = 20, seed: int = 1) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.min_words = min_words
        self.seed = seed
        # LSH at a slightly lower threshold catches borderline candidates,
        # which are then checked against the real threshold. datasketch picks
        # the band layout; the bands themselves are plain dicts here, which is
        # several times faster than its generic storage layer.
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=max(0.05, threshold - 0.1), num_perm=num_perm)
        self._bands = [(i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b)]
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in self._bands]
        proto = MinHash(num_perm=num_perm, seed=seed)
        # Reusing the permutations saves regenerating them per article;
        # datasketch >= 2 also wants their scheme named.
        self._mh_kw: dict[str, Any] = {"permutations": proto.permutations}
        if getattr(proto, "scheme", None) is not None:
            self._mh_kw["scheme"] = proto.scheme
        self._sigs = np.empty((64, num_perm), dtype=SIG_DTYPE)
        self._ids: list[str] = []
        self._order: dict[str, int] = {}
        self._root: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._order

    @property
    def scheme(self) -> str:
        """Everything a stored signature depends on: saved signatures made under
        another scheme (other parameters, another datasketch permutation scheme)
        must be recomputed, not mixed in."""
        ds = self._mh_kw.get("scheme", "legacy")
        return (f"minhash v{SIGNATURE_VERSION} perm={self.num_perm} seed={self.seed} "
                f"shingle={self.shingle} min_words={self.min_words} {ds}")

    def minhash(self, text: str) -> MinHash:
        """MinHash signature of the text's word shingles."""
        return self._minhash(_WORD.findall(text.lower()))

    def _minhash(self, words: list[str]) -> MinHash:
        from datasketch import MinHash

        m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=int, **self._mh_kw)
        m.update_batch(_hash_words(words, self.shingle).tolist())
        return m

    def signature(self, text: str) -> bytes:
        """The text's signature as compact bytes, b"" when it is too short to match.

        This is what the store keeps per article; :meth:`add_signature` takes it back.
        """
        words = _WORD.findall(text.lower())
        if len(words) < self.min_words:
            return b""
        return self._minhash(words).hashvalues.astype(SIG_DTYPE).tobytes()

    def signature_of(self, article_id: str) -> bytes | None:
        """Stored-form signature of an indexed article (None when not indexed)."""
        pos = self._order.get(article_id)
        return None if pos is None else self._sigs[pos].tobytes()

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
        if article.id in self._order:
            return None
        return self.add_signature(article.id, self.signature(article.text))

    def add_signature(self, article_id: str, signature: bytes) -> str | None:
        """:meth:`add` for an article whose :meth:`signature` is already known.

        Gives exactly what ``add`` gives for the text, so an index rebuilt from
        stored signatures matches one rebuilt from the texts.
        """
        if article_id in self._order or not signature:
            return None
        sig = np.frombuffer(signature, dtype=SIG_DTYPE)
        if len(sig) != self.num_perm:
            raise ValueError(f"signature of {article_id!r} has {len(sig)} values, "
                             f"expected {self.num_perm}")
        keys = [sig[lo:hi].tobytes() for lo, hi in self._bands]
        cands: set[int] = set()
        for key, table in zip(keys, self._tables, strict=True):
            hit = table.get(key)
            if hit is not None:
                cands.update(hit)
        best: int | None = None
        if cands:
            idx = np.fromiter(cands, dtype=np.intp, count=len(cands))
            sims = np.count_nonzero(self._sigs[idx] == sig, axis=1) / float(self.num_perm)
            ok = sims >= self.threshold
            if ok.any():
                # Highest similarity; on a tie the earliest indexed article.
                top = sims[ok].max()
                best = int(idx[ok][sims[ok] == top].min())
        pos = len(self._ids)
        if pos == len(self._sigs):
            self._sigs = np.concatenate([self._sigs, np.empty_like(self._sigs)])
        self._sigs[pos] = sig
        self._ids.append(article_id)
        self._order[article_id] = pos
        for key, table in zip(keys, self._tables, strict=True):
            table.setdefault(key, []).append(pos)
        if best is None:
            return None
        root = self._root.get(best, best)
        self._root[pos] = root
        return self._ids[root]
