"""The span reader (rag/answering/reader.py): how it splits a (question,
sentence) pair's tokens, maps character spans onto its start and end
scores, recuts the chosen sentence's answer, and when it stays out (no
weights, another embedder, another layer). Token states here are made up,
small and exact; the real embedder's states are checked in tests/e2e."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from rag.answering import learned
from rag.answering.decision import Candidate as DCandidate
from rag.answering.decision import Decider
from rag.answering.extractive import Candidate
from rag.answering.reader import Reader, TokenView, pair_text, token_view
from rag.answering.spans import recut
from rag.embedding import HashEmbedder
from rag.types import Passage


def _words(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Offsets of each word with its leading space, as SentencePiece gives them."""
    out, i = [], 0
    for w in text.split(" "):
        out.append((max(0, start + i - 1) if i else start, start + i + len(w)))
        i += len(w) + 1
    return out


def test_token_view_splits_question_and_sentence_and_clips_the_leading_space() -> None:
    text, start = pair_text("کتنے لوگ؟", "پانچ لوگ آئے")
    assert text[start:] == "پانچ لوگ آئے"
    offsets = np.array(_words(text[:start].rstrip(" ")) + _words("پانچ لوگ آئے", start))
    offsets[len(offsets) - 3] = (start - 1, start + 4)  # the sentence's first word carries the space before it
    states = np.arange(len(offsets) * 2, dtype=np.float32).reshape(-1, 2) + 1
    view = token_view(offsets, states, start)
    assert view.offsets.tolist() == [[0, 4], [4, 8], [8, 12]]
    assert view.features.shape == (3, 4)
    q = states[:-3].mean(axis=0)
    np.testing.assert_allclose(view.features[:, :2], states[-3:])
    np.testing.assert_allclose(view.features[:, 2:], states[-3:] * q / np.linalg.norm(q), rtol=1e-5)


def _reader(beta: float = 1.0, embedder: str = "fake", layer: int = 3) -> Reader:
    # features of width 2: the start score is feature 0, the end score feature 1
    w = np.array([[5.0, 0.0], [0.0, 5.0]], dtype=np.float32)
    return Reader(
        "ur", embedder, layer, np.zeros(2, np.float32), np.ones(2, np.float32), w, np.zeros(2, np.float32), beta
    )


def test_span_scores_follow_the_start_and_end_tokens() -> None:
    view = TokenView(
        np.array([[0, 4], [4, 8], [8, 12], [12, 16]]), np.array([[0, 0], [1, 0], [0, 0], [0, 1]], np.float32)
    )
    scores = _reader().span_scores(view, [(0, 4), (5, 16), (4, 12), (13, 16)])
    assert int(np.argmax(scores)) == 1  # starts on token 1, ends on token 3
    assert scores[1] > scores[2] and scores[1] > scores[3]


def test_reader_round_trips_through_json_and_checks_its_shapes() -> None:
    r = _reader(beta=0.5)
    back = Reader.from_json(r.to_json())
    assert back.beta == 0.5 and back.layer == 3 and back.embedder == "fake"
    np.testing.assert_allclose(back.weights, r.weights)
    bad = r.to_json() | {"weights": [[1.0, 2.0, 3.0]]}
    with pytest.raises(ValueError):
        Reader.from_json(bad)


class FakeStates:
    """One-number token states, highest on the word `wanted`: with `_reader`'s
    head, the answer starts and ends there."""

    def __init__(self, wanted: str, id: str = "fake", layer: int = 3) -> None:
        self.id, self.state_layer, self.wanted, self.calls = id, layer, wanted, 0

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        self.calls += 1
        out = []
        for text in texts:
            offs = _words(text)
            hot = [text[a:b].strip() == self.wanted for a, b in offs]
            states = np.array([[1.0 if h else 0.1] for h in hot], np.float32)  # features: h and h * q / |q| = h
            out.append((np.array(offs), states))
        return out


def test_reads_only_the_states_it_was_fitted_on() -> None:
    r = _reader()
    assert r.reads(FakeStates("x"))
    assert not r.reads(FakeStates("x", id="other"))
    assert not r.reads(FakeStates("x", layer=4))
    assert not r.reads(HashEmbedder())


SENTENCE = "پولیس نے بتایا کہ منگل کو کراچی میں بارہ افراد گرفتار ہوئے۔"
QUESTION = "کتنے افراد گرفتار ہوئے؟"


def _choice():  # type: ignore[no-untyped-def]
    decider = Decider.load("ur")
    verdict = decider.decide(QUESTION, [DCandidate(SENTENCE)])
    assert verdict.choice is not None
    return decider, verdict.choice


def test_recut_without_evidence_keeps_the_window_and_with_it_moves_to_the_reader_span() -> None:
    decider, choice = _choice()
    same = recut(choice, np.zeros(len(choice.alternatives)), decider.spans)
    assert same.span.text == choice.span.text and same.sentence_index == choice.sentence_index
    view = _reader().read(FakeStates("کراچی"), QUESTION, SENTENCE)
    extra = 5.0 * _reader().span_scores(view, [(sp.start, sp.end) for sp in choice.alternatives])
    moved = recut(choice, extra, decider.spans)
    assert "کراچی" in moved.span.text and "کراچی" not in choice.span.text
    with pytest.raises(ValueError):
        recut(choice, np.zeros(1), decider.spans)


def _cands() -> list[Candidate]:
    return [Candidate(Passage(0, "a", "ur", 0, 0, len(SENTENCE), SENTENCE), 1.0, 0.5, 0, SENTENCE)]


def test_learned_decision_recuts_with_the_reader_and_keeps_the_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.answering.reader as reader_mod

    plain = learned.learned_decision(QUESTION, "ur", _cands())
    states = FakeStates("کراچی")
    monkeypatch.setattr(reader_mod, "load_reader", lambda lang: _reader(beta=5.0))
    read = learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: states)
    assert read.probability == plain.probability and read.index == plain.index
    assert "کراچی" in SENTENCE[read.start : read.end] and "کراچی" not in SENTENCE[plain.start : plain.end]
    assert states.calls == 1
    other = FakeStates("کراچی", id="another-embedder")
    kept = learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: other)
    assert (kept.start, kept.end) == (plain.start, plain.end) and other.calls == 0
    monkeypatch.setattr(reader_mod, "load_reader", lambda lang: None)
    assert learned.learned_decision(QUESTION, "ur", _cands(), states=lambda: states).start == plain.start
