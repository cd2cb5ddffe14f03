"""Sentence alignment between two editions of one article.

A monotonic dynamic programme over sentence-embedding similarities that allows
1-1, 1-2, 2-1, 1-0 and 0-1 links, the approach of Vecalign and Bertalign
(without their multi-resolution speed-ups: articles are short)."""

from __future__ import annotations

import numpy as np

# (sentences taken from a, from b): weight of the link's similarity.
MOVES: dict[tuple[int, int], float] = {(1, 1): 1.0, (1, 2): 1.5, (2, 1): 1.5, (1, 0): 0.0, (0, 1): 0.0}
THRESHOLD = 0.2  # similarity below which linking earns nothing


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def align(a: np.ndarray, b: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Align rows of `a` with rows of `b` (both L2-normalised). Returns links
    `([i...], [j...])` in order; 1-0 and 0-1 links have an empty side."""
    m, n = len(a), len(b)
    best = np.full((m + 1, n + 1), -np.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0, 0] = 0.0
    for i in range(m + 1):
        for j in range(n + 1):
            if i == 0 and j == 0:
                continue
            for (di, dj), weight in MOVES.items():
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or best[pi, pj] == -np.inf:
                    continue
                if di and dj:
                    va = _unit(a[pi:i].sum(axis=0))
                    vb = _unit(b[pj:j].sum(axis=0))
                    gain = weight * (float(va @ vb) - THRESHOLD)
                else:
                    gain = 0.0
                score = best[pi, pj] + gain
                if score > best[i, j]:
                    best[i, j] = score
                    back[(i, j)] = (di, dj)
    links: list[tuple[list[int], list[int]]] = []
    i, j = m, n
    while i > 0 or j > 0:
        di, dj = back[(i, j)]
        links.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    links.reverse()
    return links
