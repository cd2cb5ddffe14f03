"""The learned answer decision used at run time: `decision.Decider` (fitted
on Urdu SQuAD 2.0 by bench/train_answerer.py) behind the small
`extractive.DecideFn` interface.

When the embedder gives token states and a span reader was fitted for the
language (`reader.py`), the answer of an answered question is recut inside
the chosen sentence with the reader's evidence; the decision itself does
not change.

Only Urdu has fitted weights. For another language the decision falls back
to a rule a reader can follow (`rule_decision`): a question with a checkable
answer type (a number, a year, a day, a date) is answered from the best
candidate that has that type and holds at least half of the question's
content words; anything else is left to the chat model, which reads that
language (English with the default model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import grounding
from .extractive import Candidate, Decision
from .spans import Choice, SpanModel

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
    the span reader reads its token states when it has the right ones."""
    from .decision import Candidate as Cand
    from .decision import Decider, has_weights

    if not has_weights(language):
        return rule_decision(question, candidates)
    decider = Decider.load(language)
    cands = [Cand(c.passage.text, c.score, c.dense, i, (c.context,)) for i, c in enumerate(candidates)]
    v = decider.decide(question, cands, avoid)
    if v.choice is None:
        return Decision(v.probability, decider.threshold)
    choice = v.choice
    if v.answerable and states is not None:
        choice = read_again(question, language, choice, decider.spans, states)
    span = choice.span
    return Decision(v.probability, decider.threshold, choice.sentence_index, span.start, span.end)


def read_again(question: str, language: str, choice: Choice, spans: SpanModel, states: Callable[[], object]) -> Choice:
    """The choice recut with the span reader's evidence, when a reader was
    fitted for `language` on the token states this embedder gives (else unchanged)."""
    from .reader import load_reader

    reader = load_reader(language)
    if reader is None or not reader.beta:
        return choice
    embedder = states()
    if not reader.reads(embedder):
        return choice
    return reader.recut(choice, reader.read(embedder, question, choice.view.text), spans)


def rule_decision(question: str, candidates: Sequence[Candidate]) -> Decision:
    """1.0 for the first candidate that has the asked-for type and covers the
    question, with the whole sentence as the answer; else 0.0."""
    if grounding.answer_type(question) == "any":
        return Decision(0.0, 0.5)
    for i, c in enumerate(candidates):
        if grounding.coverage(question, c.context) >= RULE_COVERAGE:
            return Decision(1.0, 0.5, i, 0, len(c.passage.text))
    return Decision(0.0, 0.5)
