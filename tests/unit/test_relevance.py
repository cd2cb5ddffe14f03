"""The sentence head (rag/answering/relevance.py): its input, its weights
file, and how it moves the choice of the sentence of an answered question
without touching the decision. Token states here are made up, small and
exact (tests/unit/test_reader.py's FakeStates); the committed head on the
real embedder is checked in tests/e2e/test_reader_e2e.py."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering import learned
from rag.answering.decision import Candidate as DCandidate
from rag.answering.decision import Decider
from rag.answering.extractive import Candidate
from rag.answering.reader import Reader, TokenView
from rag.answering.relevance import SentenceHead, pooled
from rag.embedding import HashEmbedder
from rag.types import Passage
from tests.unit.test_reader import FakeStates

QUESTION = "کتنے افراد گرفتار ہوئے؟"
FIRST = "پولیس نے بتایا کہ منگل کو کراچی میں بارہ افراد گرفتار ہوئے۔"
SECOND = "حکام کے مطابق بدھ کو لاہور میں پانچ افراد گرفتار ہوئے۔"


def _head(gamma: float = 1.0, embedder: str = "fake", layer: int = 3) -> SentenceHead:
    # inputs of width 2 (mean, max of h * q / |q|): the score is 10 * the maximum
    return SentenceHead(
        "ur", embedder, layer, np.zeros(2, np.float32), np.ones(2, np.float32), np.array([0.0, 10.0], np.float32), gamma
    )


def test_pooled_is_the_mean_and_maximum_of_the_question_weighted_half() -> None:
    view = TokenView(np.array([[0, 1], [1, 2], [2, 3]]), np.array([[9, 1], [9, 2], [9, 6]], np.float32))
    np.testing.assert_allclose(pooled(view), [3.0, 6.0])
    empty = TokenView(np.zeros((0, 2), np.int64), np.zeros((0, 4), np.float32))
    assert pooled(empty).tolist() == [0.0] * 4  # the width of a sentence read with its tokens


def test_head_round_trips_through_json_and_checks_its_shapes() -> None:
    h = _head(gamma=0.5)
    back = SentenceHead.from_json(h.to_json())
    assert back.gamma == 0.5 and back.layer == 3 and back.embedder == "fake"
    np.testing.assert_allclose(back.weights, h.weights)
    with pytest.raises(ValueError):
        SentenceHead.from_json(h.to_json() | {"weights": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError):
        SentenceHead.from_json(h.to_json() | {"gamma": -1.0})


def test_reads_only_the_states_it_was_fitted_on() -> None:
    h = _head()
    assert h.reads(FakeStates("x"))
    assert not h.reads(FakeStates("x", id="other"))
    assert not h.reads(FakeStates("x", layer=4))
    assert not h.reads(HashEmbedder())


def test_bonus_is_zero_for_the_best_sentence_and_scales_with_gamma() -> None:
    views = [
        TokenView(np.array([[0, 1]]), np.array([[0, 0.1]], np.float32)),
        TokenView(np.array([[0, 1]]), np.array([[0, 1.0]], np.float32)),
    ]
    np.testing.assert_allclose(_head(1.0).bonus(views), [-9.0, 0.0], rtol=1e-5)
    np.testing.assert_allclose(_head(0.5).bonus(views), [-4.5, 0.0], rtol=1e-5)
    assert _head().bonus([]).shape == (0,)


def test_evidence_moves_the_sentence_of_an_answered_question_only() -> None:
    decider = Decider.load("ur")
    cands = [DCandidate(FIRST, rank=0), DCandidate(SECOND, rank=1)]
    plain = decider.decide(QUESTION, cands)
    assert plain.answerable and plain.choice is not None and plain.choice.sentence_index == 0
    moved = decider.decide(QUESTION, cands, evidence=lambda texts: np.array([-20.0, 0.0]))
    assert moved.probability == plain.probability
    assert moved.choice is not None and moved.choice.sentence_index == 1 and "پانچ" in moved.choice.span.text
    calls: list[object] = []
    never = Decider(decider.lang, decider.weights, 1.0, decider.spans)  # answers nothing
    refused = never.decide(QUESTION, cands, evidence=lambda texts: calls.append(texts))  # type: ignore[func-returns-value]
    assert not refused.answerable and calls == []


def _cands() -> list[Candidate]:
    return [
        Candidate(Passage(i, "a", "ur", i, 0, len(s), s), 1.0, 0.5, i, s) for i, s in enumerate((FIRST, SECOND))
    ]


def test_learned_decision_reads_each_candidate_once_for_both_heads(monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.answering.reader as reader_mod
    import rag.answering.relevance as relevance_mod

    plain = learned.learned_decision(QUESTION, "ur", _cands())
    assert plain.index == 0
    monkeypatch.setattr(relevance_mod, "load_sentence_head", lambda lang: _head())
    monkeypatch.setattr(reader_mod, "load_reader", lambda lang: None)
    states = FakeStates("لاہور")  # the head's score is highest for the sentence with this word
    got = learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: states)
    assert got.probability == plain.probability and got.index == 1
    assert states.calls == 1
    # the span reader reuses the chosen sentence's states: still one call of the embedder
    w = np.array([[5.0, 0.0], [0.0, 5.0]], np.float32)
    reader = Reader("ur", "fake", 3, np.zeros(2, np.float32), np.ones(2, np.float32), w, np.zeros(2, np.float32), 5.0)
    monkeypatch.setattr(reader_mod, "load_reader", lambda lang: reader)
    again = FakeStates("لاہور")
    read = learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: again)
    assert read.index == 1 and "لاہور" in SECOND[read.start : read.end] and again.calls == 1
    # another embedder's states are not read: the plain choice
    other = FakeStates("لاہور", id="another-embedder")
    kept = learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: other)
    assert kept.index == plain.index and other.calls == 0
    # gamma 0: the head is off
    monkeypatch.setattr(relevance_mod, "load_sentence_head", lambda lang: _head(gamma=0.0))
    monkeypatch.setattr(reader_mod, "load_reader", lambda lang: None)
    off = FakeStates("لاہور")
    assert learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: off).index == 0 and off.calls == 0
