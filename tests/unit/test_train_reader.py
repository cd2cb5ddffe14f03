"""bench/train_reader.py on made-up token states: the heads learn where an
answer starts and ends, the reader alone cuts whole words, and the states
cache encodes each text once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bench.train_reader import CachedStates, best_reader_span, edge_tokens, fit_heads
from rag.answering.reader import Reader, TokenView


def _views(n: int, seed: int) -> tuple[list[TokenView], list[tuple[int, int]]]:
    """Sentences of 8 four-character tokens; feature 0 marks the answer's first
    token and feature 1 its last, under noise in 6 other features."""
    rng = np.random.default_rng(seed)
    views, spans = [], []
    for _ in range(n):
        x = rng.normal(size=(8, 8)).astype(np.float32)
        a = int(rng.integers(0, 6))
        b = a + int(rng.integers(0, 2))
        x[:, :2] = 0
        x[a, 0] = x[b, 1] = 3
        views.append(TokenView(np.array([(4 * i, 4 * i + 4) for i in range(8)]), x))
        spans.append((4 * a + 1, 4 * b + 3))  # inside the tokens: the edges must still be found
    return views, spans


@pytest.fixture(scope="module")
def reader() -> Reader:
    views, spans = _views(120, 0)
    return fit_heads(views, spans, layer=3, embedder="fake")


def test_heads_learn_the_marked_start_and_end_on_new_sentences(reader: Reader) -> None:
    test, test_spans = _views(40, 1)
    hits = 0
    for v, s in zip(test, test_spans, strict=True):
        ls, le = reader.edges(v)
        hits += (int(np.argmax(ls)), int(np.argmax(le))) == edge_tokens(v, s)
    assert hits >= 36
    assert reader.beta == 0.0 and reader.layer == 3 and reader.embedder == "fake"


def test_edge_tokens_of_a_span_outside_the_tokens_is_none() -> None:
    v = TokenView(np.array([(0, 4), (4, 8)]), np.zeros((2, 2), np.float32))
    assert edge_tokens(v, (1, 6)) == (0, 1)
    assert edge_tokens(v, (9, 12)) is None


def test_reader_alone_grows_its_cut_to_whole_words(reader: Reader) -> None:
    sentence = "aaa bbb ccc ddd eee fff ggg hhh"
    x = np.zeros((8, 8), np.float32)
    x[2, 0] = x[3, 1] = 3
    # tokens cut inside the words: the answer still comes out as whole words
    v = TokenView(np.array([(0, 2), (2, 4), (9, 10), (12, 13), (16, 19), (20, 23), (24, 27), (28, 31)]), x)
    assert best_reader_span(reader, v, sentence) == "ccc ddd"


class Counting:
    id, state_layer = "fake", 3

    def __init__(self) -> None:
        self.seen: list[str] = []

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        self.seen.extend(texts)
        return [(np.array([[0, len(t)]]), np.full((1, 2), len(t), np.float32)) for t in texts]


def test_cached_states_encode_each_text_once_and_survive_a_restart(tmp_path: Path) -> None:
    inner = Counting()
    cache = CachedStates(inner, tmp_path / "states.pkl", batch=2)
    first = cache.token_states(["ab", "abc", "ab"])
    assert sorted(inner.seen) == ["ab", "abc"]
    assert first[0][1][0, 0] == first[2][1][0, 0] == 2
    cache.save()  # the caller saves (every 400 pairs the cache saves itself)
    again = CachedStates(inner, tmp_path / "states.pkl").token_states(["abc", "abcd"])
    assert inner.seen[-1] == "abcd" and inner.seen.count("abc") == 1
    assert again[0][1][0, 0] == 3
