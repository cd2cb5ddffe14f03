"""bench/sentence_rechoice.py's conditional logit, without models: it learns
a feature that points at the gold sentence, the penalty shrinks it, and the
offset (the committed choice) counts."""

from __future__ import annotations

import numpy as np

from bench.sentence_rechoice import Row, fit, nll_and_accuracy


def _rows(n: int, seed: int = 0) -> list[Row]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        gold = int(rng.integers(4))
        informative = rng.normal(0.0, 1.0, 4)
        informative[gold] += 1.5  # higher at the gold sentence, not always the highest
        noise = rng.normal(0.0, 1.0, 4)
        out.append(Row(np.log(np.full(4, 0.25)), np.column_stack([informative, noise]), informative, gold, np.zeros(4)))
    return out


def test_the_fit_learns_the_feature_that_points_at_the_gold_sentence() -> None:
    rows = _rows(400)
    w = fit(rows, 0.0)
    assert w[0] > 1.0
    assert abs(w[1]) < 0.3
    held = _rows(400, seed=1)
    fitted_nll, fitted_acc = nll_and_accuracy(held, lambda r: r.offset + r.features @ w)
    flat_nll, flat_acc = nll_and_accuracy(held, lambda r: r.offset)
    assert fitted_nll < flat_nll and fitted_acc > flat_acc + 20
    assert abs(flat_nll - np.log(4)) < 1e-9  # a flat choice: -log(1/4)


def test_the_penalty_shrinks_the_weights() -> None:
    rows = _rows(200)
    assert np.abs(fit(rows, 1.0)).sum() < np.abs(fit(rows, 0.0)).sum()


def test_a_strong_offset_leaves_less_to_learn() -> None:
    rows = _rows(300)
    # the committed choice already knows the gold sentence: the feature adds less
    known = [Row(np.where(np.arange(4) == r.gold, 0.0, -3.0), r.features, r.cosine, r.gold, r.decision) for r in rows]
    assert fit(known, 0.0)[0] < fit(rows, 0.0)[0]
