"""bench/train_sentence_head.py on made-up pooled inputs and on a tiny slice
of Urdu SQuAD train: the head learns which candidate is the gold one, gamma
moves the committed choice, and the pooled cache encodes each pair once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.answerer_data import read_rows
from bench.train_sentence_head import Item, PooledCache, choice_figures, fit_head, items_of
from rag.answering.decision import Decider
from rag.answering.relevance import SentenceHead
from tests.unit.test_reader import FakeStates

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "uqa_ur_span_sample.jsonl"


def _items(n: int, seed: int, base_right: float) -> list[Item]:
    """Items of 4 candidates; input 0 marks the gold one under noise in 5
    other inputs; the committed choice (`base`) finds it with probability
    `base_right`."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        gold = int(rng.integers(0, 4))
        x = rng.normal(size=(4, 6)).astype(np.float32)
        x[:, 0] = rng.normal(scale=0.3, size=4)
        x[gold, 0] += 2.0
        base = np.zeros(4)
        base[gold if rng.random() < base_right else (gold + 1) % 4] = 1.0
        out.append(Item({}, None, [None] * 4, gold, x, base))  # type: ignore[arg-type, list-item]
    return out


def test_the_head_learns_the_marked_candidate_and_gamma_adds_it_to_the_committed_choice() -> None:
    train = _items(200, 0, 0.6)
    mean, scale, w = fit_head(train, l2=0.1)
    assert int(np.argmax(np.abs(w))) == 0 and w[0] > 0
    test = _items(100, 1, 0.6)
    model = Decider.load("ur").spans
    off = choice_figures(test, SentenceHead("ur", "fake", 3, mean, scale, w, 0.0), model)
    on = choice_figures(test, SentenceHead("ur", "fake", 3, mean, scale, w, 1.0), model)
    assert 50 <= off["gold_sentence_chosen"] <= 70
    assert on["gold_sentence_chosen"] > off["gold_sentence_chosen"] + 15 and on["nll"] < off["nll"]


def _rows(n: int) -> list[dict[str, object]]:
    """Rows of the committed span sample as paragraphs: the gold sentence
    between two other items' sentences."""
    sample = [r for r in read_rows(SAMPLE) if r["answer"] in r["sentence"]][: n + 2]
    rows = []
    for k, r in enumerate(sample[:n]):
        before, after = sample[(k + 1) % len(sample)]["sentence"], sample[(k + 2) % len(sample)]["sentence"]
        context = f"{before} {r['sentence']} {after}"
        start = len(before) + 1 + r["sentence"].index(r["answer"])
        rows.append({"question": r["question"], "context": context, "answers": [r["answer"]], "answer_starts": [start]})
    return rows


def test_items_keep_rows_whose_gold_sentence_is_a_candidate() -> None:
    rows = _rows(40)
    items = items_of(rows, Decider.load("ur").spans)
    assert 20 <= len(items) <= len(rows)
    for it in items:
        assert 2 <= len(it.scored) <= 4
        gold = it.scored[it.gold].view.text
        start = it.row["context"].find(gold)
        assert start <= it.row["answer_starts"][0] < start + len(gold)


class CountingStates(FakeStates):
    def __init__(self) -> None:
        super().__init__("x")
        self.texts = 0

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        self.texts += len(texts)
        return super().token_states(texts)


def test_pooled_cache_encodes_each_pair_once(tmp_path: Path) -> None:
    states = CountingStates()
    cache = PooledCache(states, tmp_path / "c.pkl")
    pairs = [("q x", "a b x"), ("q", "c d"), ("q x", "a b x")]
    x = cache.vectors(pairs)
    assert x.shape == (3, 2) and states.texts == 2
    np.testing.assert_allclose(x[0], x[2])
    cache.save()
    again = PooledCache(states, tmp_path / "c.pkl")
    np.testing.assert_allclose(again.vectors(pairs[:1]), x[:1])
    assert states.texts == 2
