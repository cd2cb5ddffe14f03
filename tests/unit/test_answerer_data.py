"""bench/answerer_data.py: the figures the answerer's training script compares."""

from __future__ import annotations

from bench.answerer_data import aggregate


def _rows(contains: list[int]) -> list[dict[str, float]]:
    return [{"contains_gold": c, "token_f1": 0.5, "false_refusal": 0.0} for c in contains]


def test_rounded_figures_tie_where_the_unrounded_ones_do_not() -> None:
    """66.68% against 66.66%: rounded to 0.1 both are 66.7, so a comparison
    of settings on rounded figures takes the first of them whichever is
    better (bench/train_answerer.pick_window did)."""
    a = _rows([1] * 6668 + [0] * 3332)
    b = _rows([1] * 6666 + [0] * 3334)
    assert aggregate(a)["contains_gold"] == aggregate(b)["contains_gold"] == 66.7
    fine_a, fine_b = aggregate(a, digits=None)["contains_gold"], aggregate(b, digits=None)["contains_gold"]
    assert fine_a is not None and fine_b is not None and fine_a > fine_b


def test_a_figure_without_rows_is_none() -> None:
    assert aggregate([], digits=None)["contains_gold"] is None
    assert aggregate(_rows([1]))["refusal_rate"] is None
