"""The learned judge used at run time: the decision and span models of
`decision.py` / `spans.py`, behind the small `extractive.Judge` interface."""

from __future__ import annotations

from collections.abc import Sequence

from .extractive import Candidate, Judgement


def learned_judge(question: str, language: str, candidates: Sequence[Candidate], article_words: set[str]) -> Judgement:
    from .decision import Candidate as Cand
    from .decision import Decider

    decider = Decider.load(language)
    cands = [Cand(c.passage.text, c.score, c.dense, i, (c.context,)) for i, c in enumerate(candidates)]
    v = decider.judge(question, cands)
    if v.choice is None:
        return Judgement(v.probability, decider.threshold)
    return Judgement(v.probability, decider.threshold, v.choice.sentence_index, v.choice.span.start, v.choice.span.end)
