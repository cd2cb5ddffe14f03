"""The refusal decision of the llama.cpp generator, without a model: which
first tokens start the refusal marker, and the processor that rules them out
for the first generated token only."""

from __future__ import annotations

import numpy as np
import pytest

from rag.llm import _suppress_first, refusal_like
from rag.prompts import NOT_FOUND


@pytest.mark.parametrize("token", ["NOT", " NOT", "N", "Not", " not", "NOT IN", "NO"])
def test_tokens_that_start_the_marker(token: str) -> None:
    assert refusal_like(token, NOT_FOUND)


@pytest.mark.parametrize("token", ["6", "The", " Six", "Nine", "NOTE", "", " ", "M"])
def test_tokens_that_do_not(token: str) -> None:
    assert not refusal_like(token, NOT_FOUND)


def test_suppression_applies_to_the_first_token_only() -> None:
    (processor,) = _suppress_first([2, 5])
    first = processor(np.array([1]), np.zeros(8, dtype=np.float32))
    assert np.isneginf(first[[2, 5]]).all() and np.isfinite(np.delete(first, [2, 5])).all()
    second = processor(np.array([1, 2]), np.zeros(8, dtype=np.float32))
    assert np.isfinite(second).all()
