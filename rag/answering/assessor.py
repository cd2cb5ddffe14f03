"""The chat model's assessment of retrieved sentences, for a language the
model reads but no decision was fitted for (English with the default model).

It is asked only after the model refused or its answer failed the check: a
small model refuses answerable questions too readily when it reads the whole
article. Each of the first `ASSESSED` candidates is shown to it alone with the
question ("Does the sentence state the answer to this question?"), and the
share of "Yes" against "No" in its first reply token is read; nothing is
generated. A candidate the model assesses more likely Yes than No is quoted as
the answer, whole and cited, so the reader sees the evidence itself.

Measured (stop 23, bench/assessor_en.py): over the English questions of the
seed sets, the best share among the top 3 separates answerable from
unanswerable questions with a ROC AUC of 0.91 (56 answerable, 18
unanswerable; none of them fitted on: the operating point is not tuned)."""

from __future__ import annotations

from collections.abc import Sequence

from ..llm import Assessor
from ..prompts import assess_messages
from .extractive import Candidate, DecideFn, Decision

ASSESSED = 3  # candidates assessed, best retrieved first (each about 0.6 s on 2 cores)
# "Yes" more likely than "No": the model's own majority, as REFUSAL_MAJORITY
# in rag/llm.py, not a value tuned on questions
ASSESS_MAJORITY = 0.5


def assessed(assessor: Assessor, first: DecideFn) -> DecideFn:
    """`first` decides; when it does not answer, the model assesses the
    candidates and the best one it assesses Yes is the answer."""

    def decide(question: str, language: str, candidates: Sequence[Candidate]) -> Decision:
        d = first(question, language, candidates)
        if d.answerable or not candidates:
            return d
        shares = [assessor.yes_share(assess_messages(c.passage.text, question)) for c in candidates[:ASSESSED]]
        known = [(share, i) for i, share in enumerate(shares) if share is not None]
        if not known:
            return d
        best, i = max(known, key=lambda x: (x[0], -x[1]))
        if best < ASSESS_MAJORITY:
            return Decision(best, ASSESS_MAJORITY, by="assessment")
        return Decision(best, ASSESS_MAJORITY, i, 0, len(candidates[i].passage.text), by="assessment")

    return decide
