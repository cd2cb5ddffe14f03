"""The learned decide used at run time: the decision and span models of
`decision.py` / `spans.py`, behind the small `extractive.DecideFn` interface."""

from __future__ import annotations

from collections.abc import Sequence

from .extractive import Candidate, Decision


def learned_decision(question: str, language: str, candidates: Sequence[Candidate], article_words: set[str]) -> Decision:
    from .decision import Candidate as Cand
    from .decision import Decider

    decider = Decider.load(language)
    cands = [Cand(c.passage.text, c.score, c.dense, i, (c.context,)) for i, c in enumerate(candidates)]
    v = decider.decide(question, cands)
    if v.choice is None:
        return Decision(v.probability, decider.threshold)
    return Decision(v.probability, decider.threshold, v.choice.sentence_index, v.choice.span.start, v.choice.span.end)
