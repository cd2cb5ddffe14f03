"""bench/retrieval_fusion.py's fusion, without models: at keyword weight 1
it ranks as rag.retrieval's reciprocal rank fusion, and the weight moves it."""

from __future__ import annotations

import numpy as np

from bench.retrieval_fusion import fused_order, rank_of, recalls, topped_up
from rag.retrieval import rrf


def test_weight_one_is_the_pipelines_fusion() -> None:
    dense, keyword = [3, 1, 2, 0], [2, 0]
    fused = rrf([dense, keyword])
    assert fused_order(dense, keyword, 1.0) == sorted(fused, key=lambda d: (-fused[d], d))


def test_the_keyword_weight_decides_between_the_rankings() -> None:
    dense, keyword = [1, 2, 3], [2, 3]  # 2 is second by meaning, first by words
    assert fused_order(dense, keyword, 1.0)[0] == 2
    assert fused_order(dense, keyword, 0.0) == dense


def test_topped_up_adds_the_second_rankings_best_not_already_in() -> None:
    assert topped_up([5, 6, 7, 8], [6, 9, 5], 3, 1) == [5, 6, 7, 9]
    assert topped_up([5, 6], [5, 6], 2, 1) == [5, 6]


def test_recalls_reads_the_gold_rank_per_ranking() -> None:
    texts = ["alpha beta", "gamma delta", "beta gamma"]
    title_of = np.array(["t", "t", "t"])
    docs = np.eye(3)
    # the question's vector points at sentence 1; its words match sentence 0 and 2 ("beta")
    got = recalls(texts, title_of, [("beta", "t", 1)], docs, np.array([[0.0, 1.0, 0.5]]))
    assert got["dense"].tolist() == [1]
    assert got["bm25"].tolist() == [999]  # no shared word: not ranked by keywords
    assert got["fused4"].tolist() == [1]
    assert rank_of(4, [1, 2]) == 999
