"""BM25 keyword scores over passages, kept as raw term counts so documents can
be added without recomputing the others.

bm25s (used before) stores each (word, passage) score with the corpus-wide
IDF and average length already folded in, so one new article meant
re-tokenising and re-scoring every passage. Here the index keeps what does not
change when passages are added: each passage's word ids and counts (a
row-per-passage sparse matrix: `indptr`, `terms`, `counts`) and its length.
IDF and the average length are computed at query time from document
frequencies, so adding passages is appending rows, and taking a subset (an
edition removed or re-embedded) is slicing rows, without tokenising again.

Scores are BM25 in bm25s' default ("lucene") form, so rankings are the same
as before:  sum over query words w (repeats counted) of
  idf(w) * tf / (tf + k1 * (1 - b + b * len / avg_len)),
  idf(w) = ln(1 + (N - df + 0.5) / (df + 0.5)),  k1 = 1.5, b = 0.75.
A passage with no tokens counts as one marker token (as bm25s needed).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

K1 = 1.5  # bm25s' defaults, kept so rankings do not change
B = 0.75
EMPTY = "\u2205"  # the token of a passage with no words


class KeywordIndex:
    """Word counts per passage; BM25 scores for a query over all passages."""

    def __init__(
        self,
        vocab: dict[str, int] | None = None,
        indptr: np.ndarray | None = None,
        terms: np.ndarray | None = None,
        counts: np.ndarray | None = None,
    ) -> None:
        self.vocab: dict[str, int] = dict(vocab or {})
        self.indptr = np.zeros(1, dtype=np.int64) if indptr is None else np.asarray(indptr, dtype=np.int64)
        self.terms = np.zeros(0, dtype=np.int32) if terms is None else np.asarray(terms, dtype=np.int32)
        self.counts = np.zeros(0, dtype=np.int32) if counts is None else np.asarray(counts, dtype=np.int32)
        if self.indptr[0] != 0 or self.indptr[-1] != len(self.terms) or len(self.terms) != len(self.counts):
            raise ValueError("keyword index arrays do not fit together")
        if len(self.terms) and int(self.terms.max()) >= len(self.vocab):
            raise ValueError("keyword index refers to words outside its vocabulary")
        self._postings: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_tokens(cls, docs: Sequence[Sequence[str]]) -> KeywordIndex:
        index = cls()
        index.add(docs)
        return index

    @property
    def size(self) -> int:
        """Number of passages."""
        return len(self.indptr) - 1

    def lengths(self) -> np.ndarray:
        per_entry = np.repeat(np.arange(self.size), np.diff(self.indptr))
        return np.bincount(per_entry, weights=self.counts, minlength=self.size)

    # -- changes --
    def add(self, docs: Sequence[Sequence[str]]) -> None:
        """Append passages (their tokens); the existing ones are not touched."""
        terms: list[int] = []
        counts: list[int] = []
        ends: list[int] = []
        for toks in docs:
            for word, c in Counter(toks or [EMPTY]).items():
                terms.append(self.vocab.setdefault(word, len(self.vocab)))
                counts.append(c)
            ends.append(len(terms))
        base = int(self.indptr[-1])
        self.indptr = np.concatenate([self.indptr, base + np.asarray(ends, dtype=np.int64)])
        self.terms = np.concatenate([self.terms, np.asarray(terms, dtype=np.int32)])
        self.counts = np.concatenate([self.counts, np.asarray(counts, dtype=np.int32)])
        self._postings = None

    def take(self, rows: Sequence[int] | np.ndarray) -> KeywordIndex:
        """A new index of the given passages, in that order (same vocabulary)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lens = ends - starts
        indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        # positions of every kept entry: start of its row + offset within the row
        offsets = np.arange(int(indptr[-1])) - np.repeat(indptr[:-1], lens)
        pos = np.repeat(starts, lens) + offsets
        return KeywordIndex(self.vocab, indptr, self.terms[pos], self.counts[pos])

    def extend(self, other: KeywordIndex) -> None:
        """Append the passages of another index (its words mapped into this vocabulary)."""
        if other.size == 0:
            return
        words = sorted(other.vocab, key=other.vocab.__getitem__)
        mapping = np.asarray([self.vocab.setdefault(w, len(self.vocab)) for w in words], dtype=np.int32)
        base = int(self.indptr[-1])
        self.indptr = np.concatenate([self.indptr, base + other.indptr[1:]])
        self.terms = np.concatenate([self.terms, mapping[other.terms] if len(other.terms) else other.terms])
        self.counts = np.concatenate([self.counts, other.counts])
        self._postings = None

    # -- scores --
    def _inverted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Passages of each word (built once per change): pointer, passage ids,
        their per-entry length norm, their counts."""
        if self._postings is None:
            # compact types (12 bytes an entry): this copy is what a large index holds in memory
            order = np.argsort(self.terms, kind="stable")
            docs = np.repeat(np.arange(self.size, dtype=np.int32), np.diff(self.indptr))[order]
            ptr = np.concatenate([[0], np.cumsum(np.bincount(self.terms, minlength=len(self.vocab)))]).astype(np.int64)
            lengths = self.lengths()
            avg = float(lengths.mean()) if self.size else 1.0
            norm = (K1 * ((1 - B) + B * lengths / avg)).astype(np.float32)
            self._postings = (ptr, docs, norm[docs], self.counts[order].astype(np.float32))
        return self._postings

    def known(self, tokens: Sequence[str]) -> list[str]:
        return [t for t in tokens if t in self.vocab]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for the query tokens (unknown ones ignored)."""
        out = np.zeros(self.size, dtype=np.float32)
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids or self.size == 0:
            return out
        ptr, docs, norm, tf = self._inverted()
        n = self.size
        for t in ids:
            s, e = int(ptr[t]), int(ptr[t + 1])
            if s == e:
                continue
            df = e - s
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
            part = (idf * tf[s:e] / (norm[s:e] + tf[s:e])).astype(np.float32)  # idf in float64, as bm25s
            out[docs[s:e]] += part  # a passage appears once per word: no repeated index
        return out

    # -- persistence --
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "keywords.npz", indptr=self.indptr, terms=self.terms, counts=self.counts)
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        (directory / "keywords_vocab.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        words = json.loads((directory / "keywords_vocab.json").read_text(encoding="utf-8"))
        with np.load(directory / "keywords.npz") as data:
            return cls({w: i for i, w in enumerate(words)}, data["indptr"], data["terms"], data["counts"])

    @staticmethod
    def saved_in(directory: Path) -> bool:
        return (directory / "keywords.npz").exists() and (directory / "keywords_vocab.json").exists()
