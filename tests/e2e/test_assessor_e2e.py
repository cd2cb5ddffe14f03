"""The default chat model's Yes/No assessment of one sentence against a
question (rag/answering/assessor.py), with the real GGUF: a sentence that states
the answer is assessed Yes, one on the same story that does not is assessed No,
and assessing leaves the article's cached prefix alone."""

from __future__ import annotations

import pytest

from rag.llm import Assessor
from rag.prompts import assess_messages

pytestmark = pytest.mark.e2e


def test_the_model_assesses_the_answering_sentence_yes_and_a_neighbour_no(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    gen = real_pipeline.generator()
    assert isinstance(gen, Assessor)
    question = "Where were the videos sold?"
    yes = gen.yes_share(assess_messages("The videos were sold on the dark web for thousands of dollars.", question))
    no = gen.yes_share(assess_messages("The children were handed over to the child protection bureau.", question))
    assert yes is not None and no is not None
    assert yes > 0.5 > no, (yes, no)


def test_assessing_does_not_evict_the_article_prefix(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The assessment runs in the one context and puts its state back: the
    tokens it holds (the article's prefix) are the same after it."""
    real_pipeline.warm()
    gen = real_pipeline.generator()
    before = list(gen._llm.input_ids[: gen._llm.n_tokens])
    assert len(before) > 500  # the article is there
    gen.yes_share(assess_messages("The raid was on 23 May.", "When was the raid?"))
    assert list(gen._llm.input_ids[: gen._llm.n_tokens]) == before
