"""The learned answer decision used at run time: `decision.Decider` (fitted
on Urdu SQuAD 2.0 by bench/train_answerer.py) behind the small
`extractive.DecideFn` interface.

When the embedder gives token states, two heads fitted for the language
read them for an answered question; the decision itself does not change.
The sentence head (`relevance.py`) reads the question with each candidate
and weighs in which sentence answers; the span reader (`reader.py`) then
recuts the answer inside the chosen sentence, from the same states.

Only Urdu has fitted weights. For another language the decision falls back
to a rule a reader can follow (`rule_decision`): a question with a checkable
answer type (a number, a year, a day, a date) is answered from the best
candidate that has that type and holds at least half of the question's
content words; anything else is left to the chat model, which reads that
language (English with the default model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import grounding
from .extractive import Candidate, Decision
from .reader import TokenView, read_pairs
from .spans import Choice, SpanModel

if TYPE_CHECKING:
    from .reader import Reader, TokenStates
    from .relevance import SentenceHead

# Share of the question's content words a candidate must hold for the rule
# (not learned: the value the previous extractive rule used for the same
# override, kept so English behaves as before where no weights exist).
RULE_COVERAGE = 0.5


def learned_decision(
    question: str,
    language: str,
    candidates: Sequence[Candidate],
    avoid: frozenset[str] = frozenset(),
    states: Callable[[], object] | None = None,
) -> Decision:
    """`states` gives the embedder (called only for an answered question):
    the sentence head and the span reader read its token states when they
    were fitted on the ones it gives."""
    from .decision import Candidate as Cand
    from .decision import Decider, has_weights

    if not has_weights(language):
        return rule_decision(question, candidates)
    decider = Decider.load(language)
    cands = [Cand(c.passage.text, c.score, c.dense, i, (c.context,)) for i, c in enumerate(candidates)]
    read = _Reading(question, language, states)
    v = decider.decide(question, cands, avoid, evidence=read.sentence_evidence)
    if v.choice is None:
        return Decision(v.probability, decider.threshold)
    choice = v.choice
    if v.answerable:
        choice = read.recut(choice, decider.spans)
    span = choice.span
    return Decision(v.probability, decider.threshold, choice.sentence_index, span.start, span.end)


class _Reading:
    """The embedder's token states of the question read with candidate
    sentences, taken once per sentence and shared by the two heads."""

    def __init__(self, question: str, language: str, states: Callable[[], object] | None) -> None:
        self.question, self.language, self.states = question, language, states
        self.views: dict[str, TokenView] = {}

    def _embedder(self, head: Reader | SentenceHead) -> TokenStates | None:
        if self.states is None:
            return None
        embedder = self.states()
        return embedder if head.reads(embedder) else None

    def _read(self, embedder: TokenStates, sentences: Sequence[str]) -> list[TokenView]:
        todo = [s for s in dict.fromkeys(sentences) if s not in self.views]
        if todo:
            for s, view in zip(todo, read_pairs(embedder, self.question, todo), strict=True):
                self.views[s] = view
        return [self.views[s] for s in sentences]

    def sentence_evidence(self, sentences: Sequence[str]) -> np.ndarray | None:
        """The sentence head's bonus for each candidate (None without a head
        or the states it reads)."""
        from .relevance import load_sentence_head

        head = load_sentence_head(self.language)
        if head is None or not head.gamma or len(sentences) < 2:
            return None
        embedder = self._embedder(head)
        return None if embedder is None else head.bonus(self._read(embedder, sentences))

    def recut(self, choice: Choice, spans: SpanModel) -> Choice:
        """The choice recut with the span reader's evidence, when a reader was
        fitted for the language on the token states this embedder gives (else unchanged)."""
        from .reader import load_reader

        reader = load_reader(self.language)
        if reader is None or not reader.beta:
            return choice
        embedder = self._embedder(reader)
        if embedder is None:
            return choice
        (view,) = self._read(embedder, [choice.view.text])
        return reader.recut(choice, view, spans)


def rule_decision(question: str, candidates: Sequence[Candidate]) -> Decision:
    """1.0 for the first candidate that has the asked-for type and covers the
    question, with the whole sentence as the answer; else 0.0."""
    if grounding.answer_type(question) == "any":
        return Decision(0.0, 0.5)
    for i, c in enumerate(candidates):
        if grounding.coverage(question, c.context) >= RULE_COVERAGE:
            return Decision(1.0, 0.5, i, 0, len(c.passage.text))
    return Decision(0.0, 0.5)
