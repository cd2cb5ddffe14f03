"""The chat model's assessment of retrieved sentences (rag/answering/assessor.py)
on fakes: asked only after the model refused or failed the check, the best
sentence assessed more likely Yes than No is quoted, else the refusal stands;
and the llama.cpp processor that reads the share of "Yes" (no model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
from conftest import EN_SENTENCES
from fake_models import AssessingGenerator

from rag.answering.assessor import ASSESS_MAJORITY, ASSESSED, assessed
from rag.answering.extractive import Candidate, Decision
from rag.config import Settings
from rag.embedding import HashEmbedder
from rag.llm import Assessor, _YesShare
from rag.pipeline import Pipeline
from rag.prompts import assess_messages
from rag.types import Passage


def _cands(texts: Sequence[str]) -> list[Candidate]:
    return [
        Candidate(Passage(i, "a", "en", i, 0, len(t), t), 1.0 / (i + 1), 0.5, i + 1, t) for i, t in enumerate(texts)
    ]


def _never(question: str, language: str, candidates: Sequence[Candidate], avoid: frozenset[str] = frozenset()) -> Decision:
    return Decision(0.0, 0.5)


def test_the_best_sentence_assessed_yes_is_the_whole_answer() -> None:
    assessor = AssessingGenerator([], {"one": 0.3, "two words": 0.8, "three": 0.6, "four": 0.99})
    d = assessed(assessor, _never)("Where?", "en", _cands(["one", "two words", "three", "four"]))
    assert isinstance(assessor, Assessor)
    assert len(assessor.assessed) == ASSESSED == 3  # the fourth candidate is not assessed
    assert d.answerable and d.by == "assessment"
    assert (d.index, d.start, d.end, d.probability) == (1, 0, len("two words"), 0.8)


def test_no_sentence_assessed_yes_keeps_the_refusal() -> None:
    shares = {"one": 0.49, "two": 0.2, "three": 0.1}
    d = assessed(AssessingGenerator([], shares), _never)("Where?", "en", _cands(["one", "two", "three"]))
    assert not d.answerable and d.index is None
    assert d.probability == 0.49 and d.threshold == ASSESS_MAJORITY


def _confident(question: str, language: str, candidates: Sequence[Candidate], avoid: frozenset[str] = frozenset()) -> Decision:
    return Decision(1.0, 0.5, 0, 0, 3)


def test_the_first_decision_stands_when_the_model_assesses_its_sentence_yes() -> None:
    assessor = AssessingGenerator([], {"one": 0.9})
    d = assessed(assessor, _confident)("Where?", "en", _cands(["one", "two", "three"]))
    assert assessor.assessed == ["one"]  # its own sentence only
    assert d.answerable and d.by == "decision and assessment"
    assert (d.index, d.start, d.end, d.probability) == (0, 0, 3, 0.9)


def test_the_first_decision_is_dropped_when_the_model_assesses_its_sentence_no() -> None:
    """"How many of the rescued children were girls?": the rule quotes the
    sentence on six rescued children, the model assesses it No; another
    candidate it assesses Yes is the answer, and with none the refusal stands."""
    assessor = AssessingGenerator([], {"one": 0.3, "two": 0.2, "three": 0.7})
    d = assessed(assessor, _confident)("Where?", "en", _cands(["one", "two", "three"]))
    assert assessor.assessed == ["one", "two", "three"]  # "one" is not assessed twice
    assert d.answerable and d.by == "assessment" and (d.index, d.probability) == (2, 0.7)
    none = assessed(AssessingGenerator([], {"one": 0.45}), _confident)("Where?", "en", _cands(["one", "two"]))
    assert not none.answerable and none.probability == 0.45 and none.index is None


def test_an_assessor_that_cannot_tell_keeps_the_first_decision_that_answers() -> None:
    first = Decision(1.0, 0.5, 0, 0, 3)
    d = assessed(AssessingGenerator([], {"one": None}), lambda *_, **__: first)("Where?", "en", _cands(["one", "two"]))
    assert d is first


def test_an_assessor_that_cannot_tell_leaves_the_first_decision() -> None:
    first = Decision(0.2, 0.5)
    d = assessed(AssessingGenerator([], {"one": None, "two": None}), lambda *_, **__: first)(
        "Where?", "en", _cands(["one", "two"])
    )
    assert d is first


def test_the_assessment_prompt_holds_the_sentence_and_the_question_only() -> None:
    [system, user] = assess_messages("The raid was on 23 May.", "When was the raid?")
    assert system["role"] == "system" and "article" in system["content"]
    assert user["content"] == (
        "Sentence: The raid was on 23 May.\nQuestion: When was the raid?\n"
        "Does the sentence state the answer to this question? Reply Yes or No."
    )


def test_the_processor_reads_the_share_of_yes_at_the_first_token_only() -> None:
    rule = _YesShare(yes=[0, 1], no=[2])
    logits = np.log(np.array([0.3, 0.1, 0.2, 0.4], dtype=np.float32))
    out = rule(np.array([5]), logits.copy())
    assert rule.share == pytest.approx(0.4 / 0.6, abs=1e-6)
    assert np.allclose(out, logits)  # it reads, it does not steer
    rule(np.array([5, 6]), np.log(np.array([0.9, 0.05, 0.03, 0.02], dtype=np.float32)))
    assert rule.share == pytest.approx(0.4 / 0.6, abs=1e-6)


@pytest.fixture
def assessing(settings: Settings, make_pipeline: Callable[..., Pipeline]) -> Callable[..., Pipeline]:
    make_pipeline().index()

    def make(replies: Sequence[str], shares: dict[str, float | None]) -> Pipeline:
        p = Pipeline(settings, embedder=HashEmbedder(), generator=AssessingGenerator(replies, shares))
        p._decide = _never
        return p

    return make


def test_a_model_refusal_overturned_by_its_own_assessment_quotes_the_sentence(
    assessing: Callable[..., Pipeline],
) -> None:
    rescued = EN_SENTENCES[1]
    p = assessing(["NOT IN ARTICLE"], {rescued[:30]: 0.9})
    a = p.ask("How many children were rescued during the raid?")
    assert not a.refused, a.decision
    assert a.answer == f"{rescued} [1]" and a.citations[0].text == rescued
    assert a.strategy == "generative-fallback:extractive"
    assert a.decision is not None and a.decision["why"] == "model refused; assessment: answered"
    assert a.decision["score"] == 0.9 and a.decision["threshold"] == ASSESS_MAJORITY
    assert 1 <= len(p._generator.assessed) <= ASSESSED  # type: ignore[union-attr]


def test_a_model_refusal_stands_when_its_assessment_says_no(assessing: Callable[..., Pipeline]) -> None:
    p = assessing(["NOT IN ARTICLE"], {})
    a = p.ask("Which hospital treated the rescued children?")
    assert a.refused and a.reason == "not_in_article"
    assert a.decision is not None and "assessment: not answered" in a.decision["why"]


def test_a_supported_model_answer_the_model_stands_by_is_kept(assessing: Callable[..., Pipeline]) -> None:
    p = assessing(["Six children were rescued during the raid [2]."], {EN_SENTENCES[1][:30]: 0.9})
    a = p.ask("How many children were rescued during the raid?")
    assert a.strategy == "generative" and not a.refused
    gen = p._generator
    assert gen.assessed == [EN_SENTENCES[1]]  # type: ignore[union-attr]
    # its own answer against the cited sentence, not the question alone
    assert "Answer: Six children were rescued during the raid." in gen.prompts_assessed[0]  # type: ignore[union-attr]


def test_a_supported_model_answer_the_model_disowns_goes_to_the_fallback(assessing: Callable[..., Pipeline]) -> None:
    """The check passes (every number and name is in the cited sentence), but
    the model finds its answer likelier No than Yes against that sentence: the
    answer is dropped as unsupported, and the fallback's own assessment of the
    candidates (here No as well) leaves the refusal."""
    p = assessing(["Six children were rescued during the raid [2]."], {EN_SENTENCES[1][:30]: 0.3})
    a = p.ask("How many children were rescued during the raid?")
    assert a.refused and a.reason == "not_in_article"
    assert a.decision is not None
    assert a.decision["why"].startswith("model answer unsupported: (its own assessment: 0.30)")


def test_a_generator_with_assessing_off_cannot_tell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """assess=False (the server back-end's behaviour, for comparisons) loads no model and says nothing."""
    from rag.llm import LlamaCppGenerator

    gen = LlamaCppGenerator("m", tmp_path / "missing.gguf", frozenset({"en"}), frozenset({"en"}), assess=False)
    assert gen.yes_share(assess_messages("The raid was on 23 May.", "When was the raid?")) is None
    assert gen._llm is None


def test_the_assessment_reads_the_question_as_the_model_was_shown_it() -> None:
    assessor = AssessingGenerator([], {"one": 0.9})
    assessed(assessor, _never, "And how many were sentenced? (follow-up to: How many FIRs?)")(
        "how many were sentenced FIRs?", "en", _cands(["one"])
    )
    assert "Question: And how many were sentenced? (follow-up to: How many FIRs?)\n" in assessor.prompts_assessed[0]


def test_a_follow_up_is_assessed_with_the_earlier_question_it_leans_on(assessing: Callable[..., Pipeline]) -> None:
    p = assessing(["NOT IN ARTICLE"], {})
    p.ask("And how many children were rescued?", history=[("When was the raid?", "On 23 May [1].")])
    prompts = p._generator.prompts_assessed  # type: ignore[union-attr]
    assert prompts and all(
        "Question: And how many children were rescued? (follow-up to: When was the raid?)\n" in x for x in prompts
    )


def test_a_follow_up_to_a_question_the_model_cannot_read_is_assessed_alone(assessing: Callable[..., Pipeline]) -> None:
    p = assessing(["NOT IN ARTICLE"], {})
    p.ask("And how many children were rescued?", history=[("چھاپہ کب مارا گیا؟", "23 مئی کو۔ [1]")])
    prompts = p._generator.prompts_assessed  # type: ignore[union-attr]
    assert prompts and all("Question: And how many children were rescued?\n" in x for x in prompts)
