"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings fused with
reciprocal rank fusion, then spread across aligned sentences of other
editions, so a question in one language finds evidence in the other."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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


def aligned_groups(store: Store) -> dict[int, set[int]]:
    """Passage id -> ids of the passages aligned with it in other editions."""
    groups: dict[int, set[int]] = {}
    for article, links in store.manifest.alignments.items():
        for ur_idx, en_idx in links:
            ids = [p.id for i in ur_idx if (p := store.passage(article, "ur", i))]
            ids += [p.id for i in en_idx if (p := store.passage(article, "en", i))]
            for a in ids:
                groups.setdefault(a, set()).update(b for b in ids if b != a)
    return groups


def retrieve(
    store: Store,
    query: str,
    query_vec: np.ndarray,
    k: int,
    article: str | None = None,
    language: str | None = None,
    groups: dict[int, set[int]] | None = None,
) -> list[Hit]:
    """Top-k passages for a query, optionally limited to one article and one
    language. With `language` set, hits on aligned sentences of another
    edition count for their counterpart in `language`."""
    n = len(store.passages)
    if n == 0:
        return []
    dense = store.dense_scores(query_vec)
    keyword = store.keyword_scores(query)
    # a sentence that addresses the assistant is never a hit (rag/injection.py)
    allowed = np.array([not p.addresses_assistant for p in store.passages], dtype=bool)
    if article is not None:
        allowed &= np.array([p.article == article for p in store.passages], dtype=bool)
    candidates = np.flatnonzero(allowed)
    dense_rank = candidates[np.argsort(-dense[candidates], kind="stable")]
    kw_pos = candidates[keyword[candidates] > 0]
    kw_rank = kw_pos[np.argsort(-keyword[kw_pos], kind="stable")]
    fused = rrf([dense_rank.tolist(), kw_rank.tolist()])
    if groups:
        for pid, score in list(fused.items()):
            for other in groups.get(pid, ()):
                # an aligned sentence inherits the better of the two scores
                if allowed[other] and fused.get(other, 0.0) < score:
                    fused[other] = score
    if language is not None:
        fused = {pid: s for pid, s in fused.items() if store.passages[pid].language == language}
    best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [
        Hit(passage=store.passages[pid], score=score, dense=float(dense[pid]), rank=r)
        for r, (pid, score) in enumerate(best, start=1)
    ]
