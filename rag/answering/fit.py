"""Fitting the two small linear models in numpy: a listwise softmax ranker
(one group = the candidate spans of one question, one of them right) and an
L2-regularised logistic regression (the answer decision).

Shortcuts: full-batch gradient descent with Adam steps and a fixed number of
iterations; features are expected to be roughly on a 0..1 scale already, so
nothing is standardised. Deterministic: no sampling inside.
"""

from __future__ import annotations

import numpy as np


def _adam(grad_fn: object, dim: int, steps: int, lr: float) -> np.ndarray:
    assert callable(grad_fn)
    w = np.zeros(dim, dtype=np.float64)
    m = np.zeros(dim)
    v = np.zeros(dim)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


def group_softmax(scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Softmax of `scores` within each group; groups begin at `starts`."""
    ends = np.append(starts[1:], len(scores))
    out = np.empty_like(scores, dtype=np.float64)
    for s, e in zip(starts, ends, strict=True):
        z = scores[s:e] - scores[s:e].max()
        p = np.exp(z)
        out[s:e] = p / p.sum()
    return out


def fit_ranker(
    x: np.ndarray, target: np.ndarray, starts: np.ndarray, l2: float = 1e-3, steps: int = 300, lr: float = 0.05
) -> np.ndarray:
    """Weights maximising the mean log-probability of the target candidate
    of each group under a softmax of x @ w. `target` holds a target
    distribution per group (e.g. one-hot), summing to 1 in each group."""
    if len(x) != len(target):
        raise ValueError(f"{len(x)} rows but {len(target)} targets")
    groups = len(starts)
    if groups == 0:
        raise ValueError("no groups to fit")
    ends = np.append(starts[1:], len(x))
    seg = np.repeat(np.arange(groups), ends - starts)
    x64 = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)  # float32 kept: half the memory

    def grad(w: np.ndarray) -> np.ndarray:
        s = (x64 @ w.astype(x64.dtype)).astype(np.float64)
        mx = np.maximum.reduceat(s, starts)
        e = np.exp(s - mx[seg])
        tot = np.bincount(seg, weights=e, minlength=groups)
        p = e / tot[seg]
        return (x64.T @ (p - target).astype(x64.dtype)).astype(np.float64) / groups + l2 * w

    return _adam(grad, x.shape[1], steps, lr)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 500, lr: float = 0.05) -> np.ndarray:
    """L2-regularised logistic regression weights (the bias is a feature column)."""
    if len(x) != len(y):
        raise ValueError(f"{len(x)} rows but {len(y)} labels")
    x64 = x.astype(np.float64)
    y64 = y.astype(np.float64)

    def grad(w: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-(x64 @ w)))
        return x64.T @ (p - y64) / len(y64) + l2 * w

    return _adam(grad, x.shape[1], steps, lr)


def sigmoid(z: float | np.ndarray) -> float | np.ndarray:
    """The logistic function."""
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic; ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))
