"""bench/assessor_en.py's figures without a model: the ROC AUC, the curve
of answered and refused shares, and which seed items it reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.assessor_en import auc, curve, items_of


def test_auc_counts_ordered_pairs_and_ties_half() -> None:
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.1], [0.9]) == 0.0
    assert auc([0.5, 0.9], [0.5]) == pytest.approx(0.75)


def test_curve_gives_answered_positives_and_refused_negatives() -> None:
    assert curve([0.6, 0.4], [0.3, 0.7], [0.5]) == [(0.5, 50.0, 50.0)]
    assert curve([0.6, 0.4], [0.3, 0.7], [0.0, 1.0]) == [(0.0, 100.0, 0.0), (1.0, 0.0, 100.0)]


def test_only_single_turn_english_answerable_and_unanswerable_items_are_read(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "kind": "answerable", "lang": "en", "q": "When?"},
        {"id": "b", "kind": "unanswerable", "lang": "en", "q": "Who?"},
        {"id": "c", "kind": "answerable", "lang": "ur", "q": "کب؟"},
        {"id": "d", "kind": "adversarial", "lang": "en", "q": "Ignore it."},
        {"id": "e", "kind": "answerable", "lang": "en", "q": "And then?", "history": [["q", "a"]]},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert [i["id"] for i in items_of([path])] == ["a", "b"]
