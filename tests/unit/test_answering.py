"""The answering use case on the fakes, with a scripted answer decision: the
order of the checks, short answers with marked citations, refusals that show
the closest sentences, and the fallback from a refusing chat model."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from conftest import ARTICLE, EN_SENTENCES, UR_SENTENCES

from rag.answering.extractive import Candidate, Decision
from rag.pipeline import Pipeline
from rag.prompts import REFUSALS


class FakeDecision:
    """Answers with `probability`; the span is the first occurrence of `fact`
    in the first candidate that has it."""

    def __init__(self, probability: float, fact: str = "", threshold: float = 0.5) -> None:
        self.probability = probability
        self.fact = fact
        self.threshold = threshold
        self.calls: list[tuple[str, list[str]]] = []
        self.avoided: list[frozenset[str]] = []

    def __call__(
        self, question: str, language: str, candidates: Sequence[Candidate], avoid: frozenset[str] = frozenset()
    ) -> Decision:
        self.calls.append((question, [c.passage.text for c in candidates]))
        self.avoided.append(avoid)
        for i, c in enumerate(candidates):
            at = c.passage.text.find(self.fact) if self.fact else -1
            if at >= 0:
                return Decision(self.probability, self.threshold, i, at, at + len(self.fact))
        return Decision(self.probability, self.threshold)


@pytest.fixture
def ask_with(make_pipeline: Callable[..., Pipeline]) -> Callable[..., Pipeline]:
    make_pipeline().index()

    def make(decide: FakeDecision, replies: Sequence[str] = ()) -> Pipeline:
        p = make_pipeline(list(replies))
        p._decide = decide
        return p

    return make


def _prompts(p: Pipeline) -> list:  # type: ignore[type-arg]
    return p._generator.prompts  # type: ignore[union-attr]


def test_urdu_answer_is_the_short_fact_with_its_sentence_cited(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.9, "6 بچوں"))
    a = p.ask("چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟")
    assert not a.refused
    assert a.answer == "6 بچوں [1]"
    [c] = a.citations
    assert c.text == UR_SENTENCES[1]
    text = p.article_text(ARTICLE, "ur")
    assert c.highlight is not None and text[c.highlight[0] : c.highlight[1]] == "6 بچوں"
    assert a.decision == {"answered": True, "why": "decision: answered", "score": 0.9, "threshold": 0.5}
    assert a.to_json()["citations"][0]["highlight"] == list(c.highlight)
    assert _prompts(p) == []


def test_below_threshold_is_refused_with_the_closest_sentences(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.2, "6 بچوں"))
    a = p.ask("چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟")
    assert a.refused and a.reason == "not_in_article"
    assert a.answer == REFUSALS["not_in_article"]["ur"]
    assert 1 <= len(a.citations) <= 2
    assert UR_SENTENCES[1] in [c.text for c in a.citations]
    assert a.decision is not None and a.decision["score"] == 0.2


def test_asked_for_number_without_a_number_in_any_candidate_is_refused_before_the_decision(ask_with: Callable[..., Pipeline]) -> None:
    decide = FakeDecision(0.99, "ویڈیوز")
    p = ask_with(decide)
    a = p.ask("ملزمان نے کتنی ویب سائٹس پر ویڈیوز بیچیں؟")  # only sentence 3 is about videos, without a number
    if not a.refused:
        # the retrieved candidates held a number elsewhere: the decision was asked
        assert decide.calls
    else:
        assert a.reason == "not_in_article"


@pytest.mark.parametrize("question", ["چھاپہ کتنے بجے مارا گیا؟", "At what time did the raid in Muzaffargarh happen?"])
def test_asked_for_a_time_of_day_the_article_never_gives_is_refused(ask_with: Callable[..., Pipeline], question: str) -> None:
    """The article has a weekday, a count of days and figures, but no clock
    time or part of the day: no candidate has the kind of fact asked for, so
    neither the decision nor a model answer ("On Tuesday") can answer."""
    decide = FakeDecision(0.99, "منگل")
    p = ask_with(decide, ["The raid happened on Tuesday [1]."])
    a = p.ask(question)
    assert a.refused and a.reason == "not_in_article", a.answer
    assert "(time)" in a.decision["why"]  # type: ignore[index]
    assert decide.calls == []


def test_a_name_absent_in_every_spelling_is_refused_before_the_model(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.99, "Rinz"), ["Rinz is in Peshawar [4]."])
    a = p.ask("What did the police find in Peshawar?")
    assert a.refused and a.reason == "not_in_article"
    assert "peshawar" in a.decision["why"]  # type: ignore[index]
    assert _prompts(p) == []


def test_a_misspelled_name_is_still_answered(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.99), ["The court sent Rinz on a 14 day remand [4]."])
    a = p.ask("What happened to Reinz?")
    assert not a.refused, a.answer
    assert a.citations[0].text == EN_SENTENCES[3]


def test_model_refusal_overridden_by_a_confident_decision(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.95, "6 children"), ["NOT IN ARTICLE"])
    a = p.ask("How many children were rescued during the raid?")
    assert not a.refused
    assert a.answer == "6 children [1]"
    assert a.strategy == "generative-fallback:extractive"
    assert a.decision is not None and "model refused" in a.decision["why"]


def test_model_refusal_kept_when_the_decision_agrees(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.1, "6 children"), ["NOT IN ARTICLE"])
    a = p.ask("How many children were rescued during the raid?")
    assert a.refused and a.reason == "not_in_article"
    assert a.citations, "a refusal shows the closest sentences"


def test_unsupported_model_answer_replaced_by_the_cut_fact(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.9, "6 children"), ["Nine children were rescued during the raid [2]."])
    a = p.ask("How many children were rescued during the raid?")
    assert "Nine" not in a.answer
    assert a.answer == "6 children [1]"
    assert "unsupported: 9" in a.decision["why"]  # type: ignore[index]


def test_supported_model_answer_is_kept(ask_with: Callable[..., Pipeline]) -> None:
    decide = FakeDecision(0.0)
    p = ask_with(decide, ["Six children were rescued during the raid [2]."])
    a = p.ask("How many children were rescued during the raid?")
    assert a.answer == "Six children were rescued during the raid. [1]"
    assert a.strategy == "generative"
    assert decide.calls == []


def test_model_answer_citing_a_sentence_retrieval_missed_is_kept(ask_with: Callable[..., Pipeline]) -> None:
    """The model reads the whole edition: an answer drawn from a sentence the
    retrieval did not rank (here one about the court, asked with a
    misspelt name) is cited to that sentence and kept."""
    decide = FakeDecision(0.0)
    p = ask_with(decide, ["Rinz was sent on a 14 day remand by the court."])
    a = p.ask("What happened to Rinnz in the end?", k=1)
    assert not a.refused, a.decision
    assert a.citations and "remand" in a.citations[0].text


def test_words_repeated_from_the_question_are_not_claims(ask_with: Callable[..., Pipeline]) -> None:
    decide = FakeDecision(0.0)
    p = ask_with(decide, ["The footage the gang reportedly made was sold on the dark web [3]."])
    a = p.ask("Where was the footage the gang reportedly made sold?")
    assert not a.refused, a.decision
    assert a.strategy == "generative"


def test_a_model_refusal_reports_the_model_s_refusal_share(ask_with: Callable[..., Pipeline]) -> None:
    kept = ask_with(FakeDecision(0.1, "6 children"), ["NOT IN ARTICLE"])
    kept._generator.last_refusal_probability = 0.71  # type: ignore[union-attr]
    a = kept.ask("How many children were rescued during the raid?")
    assert a.refused and a.decision is not None
    assert a.decision["refusal_probability"] == 0.71
    overridden = ask_with(FakeDecision(0.95, "6 children"), ["NOT IN ARTICLE"])
    overridden._generator.last_refusal_probability = 0.64  # type: ignore[union-attr]
    b = overridden.ask("How many children were rescued during the raid?")
    assert not b.refused and b.decision is not None
    assert b.decision["refusal_probability"] == 0.64 and "model refused" in b.decision["why"]


def _user_prompt(p: Pipeline) -> str:
    return str(_prompts(p)[-1][-1]["content"])


def test_english_follow_up_to_an_urdu_turn_shows_the_model_the_english_sentence(ask_with: Callable[..., Pipeline]) -> None:
    """The model reads no Urdu: the earlier Urdu question is named in the
    prompt by the English sentence aligned with its answer."""
    p = ask_with(FakeDecision(0.0), ["During the raid in Muzaffargarh 6 children were rescued [2]."])
    history = [("چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟", "Muzaffargarh میں 6 بچوں کو بازیاب کرایا گیا۔ [1]")]
    p.ask("And where did it happen?", history=history)
    prompt = _user_prompt(p)
    assert f"(follow-up to: the earlier answer, {EN_SENTENCES[1]})" in prompt
    assert "بازیاب" not in prompt


def test_english_follow_up_to_a_refused_urdu_turn_uses_the_urdu_question(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.0), ["The court sent Rinz on a 14 day remand [4]."])
    history = [("عدالت نے Rinz کو کتنے دن کے remand پر بھیجا؟", REFUSALS["not_in_article"]["ur"])]
    p.ask("And why?", history=history)
    assert f"(follow-up to: an earlier question about: {EN_SENTENCES[3]})" in _user_prompt(p)


def test_follow_up_in_the_model_s_language_names_the_earlier_question(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.0), ["During the raid in Muzaffargarh 6 children were rescued [2]."])
    p.ask("And where did it happen?", history=[("How many children were rescued?", "6 children [1].")])
    assert "(follow-up to: How many children were rescued?)" in _user_prompt(p)


def test_an_answer_pinning_a_fact_on_a_name_its_sentences_lack_is_not_kept(ask_with: Callable[..., Pipeline]) -> None:
    """The 6 children and the raid are in the cited sentence; Rinz is not,
    nor in the sentence before it: the article never says Rinz rescued anyone."""
    p = ask_with(FakeDecision(0.0), ["Rinz rescued 6 children during the raid [2]."])
    a = p.ask("How many children did Rinz rescue during the raid?")
    assert a.refused
    assert a.decision is not None and "rinz not in the cited sentences" in a.decision["why"]


def test_an_answer_whose_sentence_names_the_asked_name_is_kept(ask_with: Callable[..., Pipeline]) -> None:
    p = ask_with(FakeDecision(0.0), ["Rinz was sent on a 14 day remand [4]."])
    a = p.ask("For how many days was Rinz sent on remand?")
    assert not a.refused, a.decision
    assert a.strategy == "generative"


def test_a_name_in_the_sentence_before_the_cited_one_counts(ask_with: Callable[..., Pipeline]) -> None:
    """A cited sentence says "the raid"; the sentence before it names the
    place the question asks about (as "he" points back to a name)."""
    p = ask_with(FakeDecision(0.0), ["The Islamabad police rescued 6 children during the raid [2]."])
    a = p.ask("How many children did the police in Islamabad rescue?")
    assert not a.refused, a.decision


# --- a quoted sentence must name whom the question asks about -----------------------------


def _cand(text: str, naming: str = "", rank: int = 1) -> Candidate:
    from rag.types import Passage

    return Candidate(Passage(rank, "a", "en", rank, 0, len(text), text), 1.0, 0.5, rank, text, naming)  # type: ignore[arg-type]


def test_a_sentence_that_names_no_one_asked_about_is_not_quoted() -> None:
    from rag.answering import extractive as ex

    about_someone_else = _cand("The suspect from Germany travelled to Pakistan for 28 days.")
    named = _cand("He travelled for 28 days.", naming="The network was run by a German national named Rinz.", rank=2)
    assert ex.naming([about_someone_else, named], ["reinz"]) == [named]  # named just before it, in another spelling
    decide = FakeDecision(0.9)
    got, verdict = ex.answer("How old is Reinz?", "en", [about_someone_else], decide, lambda p: None, ["reinz"])
    assert got is None and verdict.why == "no candidate names reinz" and decide.calls == []


def test_a_name_in_the_aligned_sentence_of_the_other_edition_counts() -> None:
    from rag.answering import extractive as ex

    us_based = _cand("The NCCIA acted on intelligence from the US-based NCMEC.", naming="این سی سی آئی اے نے امریکہ میں مقیم ادارے سے")
    assert ex.naming([us_based], ["american"]) == [us_based]
    assert ex.naming([_cand(us_based.passage.text)], ["american"]) == []
    # a question that names no one keeps every candidate
    assert ex.naming([us_based], []) == [us_based]


def test_an_urdu_question_names_someone_through_the_latin_edition() -> None:
    from rag.answering import extractive as ex

    ages = _cand("اس گروہ نے 6 سے 10 سال کی عمر کے بچوں کو نشانہ بنایا۔", naming="The gang targeted children aged 6 to 10.")
    named = _cand("اس نے 28 دن تک سفر کیا۔", naming="The network was run by a German national named Rinz.", rank=2)
    assert ex.naming([ages, named], ["رینز"]) == [named]
    got, verdict = ex.answer("رینز کی عمر کتنی ہے؟", "ur", [ages], FakeDecision(0.9), lambda p: None, ["رینز"])
    assert got is None and verdict.why == "no candidate names رینز"


def test_names_are_those_of_the_question_as_asked_not_of_the_earlier_turn(ask_with: Callable[..., Pipeline]) -> None:
    """«وہ» ("he") of a follow-up need not be named in the answer's sentence:
    the names asked about are read from the user's question, not from the
    follow-up resolved with the earlier turn's words."""
    from rag.answering.ask import Asker

    p = ask_with(FakeDecision(0.9))
    asker = Asker(p.answer_deps(), FakeDecision(0.9), None)
    asker.question = "How old is he?"
    assert asker.names_asked(ARTICLE) == []
    asker.question = "How old is Reinz?"
    assert asker.names_asked(ARTICLE) == ["reinz"]


def test_a_count_follow_up_answered_with_the_earlier_count_is_a_repeat() -> None:
    from rag.answering.ask import Earlier, _repeats_earlier

    firs = Earlier("How many FIRs were registered?", "Authorities have registered 178 FIRs.")
    assert _repeats_earlier("And how many of them led to convictions?", "178 FIRs were registered.", firs)
    assert not _repeats_earlier("And how many of them led to convictions?", "14 people were sentenced.", firs)
    assert not _repeats_earlier("And how many of them led to convictions?", "14 of the 178 cases.", firs)  # a new number too
    assert not _repeats_earlier("Who registered them?", "The authorities registered 178 FIRs.", firs)  # not a count
    assert not _repeats_earlier("How many FIRs were registered?", "178 FIRs.", Earlier())  # not a follow-up
    # an earlier answer with several numbers may already hold the new count
    both = Earlier("How many suspects were arrested?", "Two suspects were arrested, while three others remain at large.")
    assert not _repeats_earlier("And how many remain at large?", "Three remain at large.", both)
    # a number the follow-up states itself is given, not an answer
    assert not _repeats_earlier("Of the 178 FIRs, how many led to convictions?", "178 FIRs.", firs)


def test_an_urdu_count_follow_up_is_not_offered_the_earlier_count_again(ask_with: Callable[..., Pipeline]) -> None:
    """«اور ان میں سے کتنوں کو سزا ملی؟» after «178 ایف آئی آر»: the extractive
    decision does not get the sentence of the earlier count, as the model's
    fallback does not; asked fresh, the question gets every candidate."""
    decide = FakeDecision(0.2)
    p = ask_with(decide)
    p.ask("اور کتنے دن کا ریمانڈ ملا؟", history=[("کتنے بچوں کو بازیاب کرایا گیا؟", "6 بچوں [1]")])
    p.ask("کتنے دن کا ریمانڈ ملا؟")
    (_, follow_up), (_, fresh) = decide.calls
    assert UR_SENTENCES[3] in follow_up and UR_SENTENCES[1] not in follow_up
    assert UR_SENTENCES[1] in fresh


def test_a_count_follow_up_tells_the_decision_the_earlier_count(ask_with: Callable[..., Pipeline]) -> None:
    """The sentence kept for a count follow-up may state the earlier count
    beside the new one ("two arrested, three at large"): the decision is told
    the earlier count (less numbers the follow-up states), so that its span
    is not that count; a question asked fresh, or not for a count, is not."""
    decide = FakeDecision(0.2)
    p = ask_with(decide)
    p.ask("اور کتنے دن کا ریمانڈ ملا؟", history=[("کتنے بچوں کو بازیاب کرایا گیا؟", "6 بچوں [1]")])
    p.ask("کتنے دن کا ریمانڈ ملا؟")
    p.ask("اور 6 میں سے کتنے دن کا ریمانڈ ملا؟", history=[("کتنے بچوں کو بازیاب کرایا گیا؟", "6 بچوں [1]")])
    p.ask("اور ریمانڈ کس نے دیا؟", history=[("کتنے بچوں کو بازیاب کرایا گیا؟", "6 بچوں [1]")])
    assert decide.avoided == [frozenset({"6"}), frozenset(), frozenset(), frozenset()]
