"""The refusal decision of the llama.cpp generator, without a model: which
first tokens start the refusal marker, and the processor that rules them out
for the first generated token only."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rag.llm import _FirstTokenRule, refusal_like
from rag.prompts import NOT_FOUND


@pytest.mark.parametrize("token", ["NOT", " NOT", "N", "Not", " not", "NOT IN", "NO"])
def test_tokens_that_start_the_marker(token: str) -> None:
    assert refusal_like(token, NOT_FOUND)


@pytest.mark.parametrize("token", ["6", "The", " Six", "Nine", "NOTE", "", " ", "M"])
def test_tokens_that_do_not(token: str) -> None:
    assert not refusal_like(token, NOT_FOUND)


VOCAB = ["NOT", "6", "4", "The", "Not", "Six", "x", "y"]


def _rule() -> _FirstTokenRule:
    return _FirstTokenRule(lambda i: VOCAB[i], NOT_FOUND)


def _logits(probs: list[float]) -> np.ndarray:
    return np.log(np.array(probs, dtype=np.float32))


def test_a_refusal_without_the_majority_is_ruled_out_for_the_first_token_only() -> None:
    rule = _rule()
    # 'NOT' is the single likeliest token (greedy would refuse), but the answers hold 0.6
    first = rule(np.array([1]), _logits([0.35, 0.2, 0.15, 0.1, 0.05, 0.1, 0.03, 0.02]))
    assert rule.share == pytest.approx(0.40, abs=1e-6)
    assert np.isneginf(first[[0, 4]]).all() and int(np.argmax(first)) == 1
    later = rule(np.array([1, 2]), _logits([0.9, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01]))
    assert int(np.argmax(later)) == 0 and np.isfinite(later).all()


def test_a_refusal_with_the_majority_is_the_only_first_token_left() -> None:
    rule = _rule()
    first = rule(np.array([1]), _logits([0.30, 0.2, 0.1, 0.05, 0.25, 0.05, 0.03, 0.02]))
    assert rule.share == pytest.approx(0.55, abs=1e-6)
    # the marker as written ('NOT') is kept before the likelier-than-others 'Not'
    assert np.isfinite(first[0]) and np.isneginf(np.delete(first, 0)).all()


def test_the_generator_can_decode_the_refusal_greedily(tmp_path: Path) -> None:
    """majority_refusal=False (the OpenAI back-end's behaviour, for comparisons) sends no processor."""
    from rag.llm import LlamaCppGenerator

    seen: list[object] = []

    class FakeLlama:
        def create_chat_completion(self, **kw: object) -> list[dict]:  # type: ignore[type-arg]
            seen.append(kw.get("logits_processor"))
            return [{"choices": [{"delta": {"content": "6 [1]"}}]}]

    for majority in (True, False):
        gen = LlamaCppGenerator("m", tmp_path / "m.gguf", frozenset({"en"}), frozenset({"en"}), majority_refusal=majority)
        gen._llm = FakeLlama()
        gen._markers = re.compile(r"(?!x)x")
        assert gen.chat([{"role": "user", "content": "q"}], max_tokens=4, refusal=NOT_FOUND) == "6 [1]"
    assert seen[0] is not None and seen[1] is None
