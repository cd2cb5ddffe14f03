"""Sentence alignment on synthetic vectors with a known link structure."""

from __future__ import annotations

import numpy as np

from rag.align import align

DIM = 16


def e(*axes: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[list(axes)] = 1.0
    return v / np.linalg.norm(v)


def test_one_to_one() -> None:
    a = np.stack([e(0), e(1), e(2)])
    assert align(a, a.copy()) == [([0], [0]), ([1], [1]), ([2], [2])]


def test_mixed_structure_recovered() -> None:
    a = np.stack([e(0), e(1, 2), e(3), e(4), e(5), e(6)])
    b = np.stack([e(0), e(1), e(2), e(3, 4), e(6)])
    assert align(a, b) == [
        ([0], [0]),  # 1-1
        ([1], [1, 2]),  # 1-2: one sentence translated as two
        ([2, 3], [3]),  # 2-1: two sentences merged
        ([4], []),  # 1-0: a sentence left untranslated
        ([5], [4]),  # 1-1
    ]


def test_zero_to_one() -> None:
    a = np.stack([e(0), e(2)])
    b = np.stack([e(0), e(1), e(2)])
    assert align(a, b) == [([0], [0]), ([], [1]), ([1], [2])]


def test_unrelated_sentences_are_not_linked() -> None:
    a = np.stack([e(0)])
    b = np.stack([e(1)])
    links = align(a, b)
    assert all(not (x and y) for x, y in links)
    assert sorted(i for x, _ in links for i in x) == [0]
    assert sorted(j for _, y in links for j in y) == [0]


def test_empty_side() -> None:
    a = np.stack([e(0), e(1)])
    b = np.zeros((0, DIM), dtype=np.float32)
    assert align(a, b) == [([0], []), ([1], [])]
