"""Hybrid retrieval: dense (cosine) and keyword (BM25) scores fused into one,
then spread across aligned sentences of other editions, so a question in one
language finds evidence in the other.

Fusion (`Fusion`): each score is standardised over the passages being ranked
(z-scores) and the keyword's is added with a weight (0.3, chosen on Urdu
SQuAD titles read as articles: bench/retrieval_fusion.py). Reciprocal rank
fusion, which throws away how far apart the scores are, is kept for
comparison: on the calibration / holdout titles it puts the gold sentence
first for 22.8 / 25.2% of questions against 27.1 / 29.3% for the score
fusion, and in the top 4 for 65.9 / 71.3% against 64.2 / 69.0%; the answers
from the top 4 gain all the same (bench/fusion_answers.py).

A question is scored once (`score`: one matrix-vector product and one BM25
pass over the whole store); every ranking it needs (the whole corpus to find
the article, then the article's edition in the question's language) reuses
those scores and ranks only its candidates. Ranking, fusion and spreading are
numpy operations over passage-id arrays: nothing per question loops over all
passages in Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import lang
from .store import Store
from .types import Hit

RRF_K = 60


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1/(k + rank),
    rank counted from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return scores


class Groups(dict[int, set[int]]):
    """Passage id -> ids of the passages aligned with it in other editions,
    with the same links as two id arrays (`pairs`) for vectorised spreading."""

    _pairs: tuple[np.ndarray, np.ndarray] | None = None

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pairs is None:
            self._pairs = _pairs(self)
        return self._pairs


def _pairs(groups: dict[int, set[int]]) -> tuple[np.ndarray, np.ndarray]:
    src = [a for a, others in groups.items() for _ in others]
    dst = [b for others in groups.values() for b in others]
    return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)


def aligned_groups(store: Store) -> Groups:
    """Passage id -> ids of the passages aligned with it in other editions."""
    groups = Groups()
    first_lang, second_lang = lang.aligned_pair()  # the order the manifest stores its links in
    for article, links in store.manifest.alignments.items():
        for first_idx, second_idx in links:
            ids = [p.id for i in first_idx if (p := store.passage(article, first_lang, i))]
            ids += [p.id for i in second_idx if (p := store.passage(article, second_lang, i))]
            for a in ids:
                groups.setdefault(a, set()).update(b for b in ids if b != a)
    return groups


@dataclass(frozen=True)
class Fusion:
    """How the dense and keyword scores of the ranked passages become one:
    "score" adds their z-scores, the keyword's times `keyword_weight`;
    "rank" is reciprocal rank fusion, the keyword ranking's share times
    `keyword_weight`."""

    method: str = "score"
    keyword_weight: float = 0.3

    def __post_init__(self) -> None:
        if self.method not in ("score", "rank"):
            raise ValueError(f"fusion method must be 'score' or 'rank', got {self.method!r}")
        if self.keyword_weight < 0:
            raise ValueError(f"keyword_weight must be >= 0, got {self.keyword_weight}")


FUSION = Fusion()
RANK_FUSION = Fusion("rank", 1.0)


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def fuse(dense: np.ndarray, keyword: np.ndarray, candidates: np.ndarray, n: int, fusion: Fusion = FUSION) -> np.ndarray:
    """One score per passage (length `n`) from the candidates' dense and
    keyword scores; passages outside `candidates` score 0 and are never
    ranked."""
    fused = np.zeros(n, dtype=np.float64)
    if fusion.method == "score":
        fused[candidates] = _standardised(dense[candidates].astype(np.float64))
        fused[candidates] += fusion.keyword_weight * _standardised(keyword[candidates].astype(np.float64))
        return fused
    dense_rank = candidates[np.argsort(-dense[candidates], kind="stable")]
    fused[dense_rank] += 1.0 / (RRF_K + np.arange(1, len(dense_rank) + 1))
    kw_pos = candidates[keyword[candidates] > 0]
    kw_rank = kw_pos[np.argsort(-keyword[kw_pos], kind="stable")]
    fused[kw_rank] += fusion.keyword_weight / (RRF_K + np.arange(1, len(kw_rank) + 1))
    return fused


@dataclass(frozen=True)
class QueryScores:
    """One question's dense and keyword scores over every passage."""

    dense: np.ndarray
    keyword: np.ndarray


def score(store: Store, query: str, query_vec: np.ndarray) -> QueryScores:
    """Score a question against the whole store, once."""
    return QueryScores(store.dense_scores(query_vec), store.keyword_scores(query))


def retrieve(
    store: Store,
    query: str,
    query_vec: np.ndarray,
    k: int,
    article: str | None = None,
    language: str | None = None,
    groups: dict[int, set[int]] | None = None,
    scores: QueryScores | None = None,
    fusion: Fusion = FUSION,
) -> list[Hit]:
    """Top-k passages for a query, optionally limited to one article and one
    language. With `language` set, hits on aligned sentences of another
    edition count for their counterpart in `language`. Pass `scores` (from
    `score`) to rank again without scoring again. `fusion` other than the
    default is for bench/retrieval_fusion.py's comparison."""
    n = len(store.passages)
    if n == 0:
        return []
    if scores is None:
        scores = score(store, query, query_vec)
    dense, keyword = scores.dense, scores.keyword
    # a sentence that addresses the assistant is never a hit (rag/injection.py)
    if article is None:
        candidates = np.flatnonzero(store.searchable)
    else:
        rows = store.article_rows(article)
        candidates = rows[store.searchable[rows]]
    if len(candidates) == 0:
        return []
    fused = fuse(dense, keyword, candidates, n, fusion)
    if groups:
        src, dst = groups.pairs() if isinstance(groups, Groups) else _pairs(groups)
        allowed = np.zeros(n, dtype=bool)
        allowed[candidates] = True
        keep = allowed[src] & allowed[dst]
        # an aligned sentence inherits the better of the two scores
        before = fused.copy()
        np.maximum.at(fused, dst[keep], before[src[keep]])
    if language is not None:
        candidates = candidates[store.language_codes[candidates] == store.language_id(language)]
    if len(candidates) > k:
        # the k best without sorting them all: everything scoring at least the k-th best (ties kept)
        values = fused[candidates]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        candidates = candidates[values >= kth]
    top = candidates[np.lexsort((candidates, -fused[candidates]))[:k]]  # best score first, ties by id
    return [
        Hit(passage=store.passages[pid], score=float(fused[pid]), dense=float(dense[pid]), rank=r)
        for r, pid in enumerate(top.tolist(), start=1)
    ]
