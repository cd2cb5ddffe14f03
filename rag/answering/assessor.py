"""The chat model's assessment of retrieved sentences, for a language the
model reads but no decision was fitted for (English with the default model).

It is asked only after the model refused or its answer failed the check: a
small model refuses answerable questions too readily when it reads the whole
article. Each of the first `ASSESSED` candidates is shown to it alone with the
question ("Does the sentence state the answer to this question?"), and the
share of "Yes" against "No" in its first reply token is read; nothing is
generated. A candidate the model assesses more likely Yes than No is quoted as
the answer, whole and cited, so the reader sees the evidence itself. The
sentence the rule (or decision) before it answers from is assessed the same
way and dropped when the model finds it likelier No.

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


def assessed(assessor: Assessor, first: DecideFn, asked: str | None = None) -> DecideFn:
    """`first` decides, and the model assesses the sentence it answers from:
    kept when the model finds it likelier Yes than No (or cannot tell).
    Otherwise, or when `first` does not answer, the model assesses the
    candidates and the best one it assesses Yes is the answer.

    The check on `first` matters because this runs after the model itself
    refused: `first` (the English rule: the kind of fact asked for and half
    the question's words) then overrules the model with a sentence about the
    same thing but not the thing asked ("How many of the rescued children
    were girls?" -> "…the rescue of at least six children…"). Over the
    English seed questions the rule answered after a refusal, the model's
    share was 0.74-0.96 on the six right answers and 0.31 and 0.45 on the
    two wrong ones (stop 26, /tmp script; the 0.5 is not fitted to them).

    `asked` is the question as the model is shown it (a follow-up with the
    earlier question it leans on); default: the question `first` reads."""

    def decide(
        question: str, language: str, candidates: Sequence[Candidate], avoid: frozenset[str] = frozenset()
    ) -> Decision:
        d = first(question, language, candidates, avoid=avoid)
        if not candidates:
            return d
        shares: dict[int, float | None] = {}

        def share(i: int) -> float | None:
            if i not in shares:
                shares[i] = assessor.yes_share(assess_messages(candidates[i].passage.text, asked or question))
            return shares[i]

        if d.answerable and d.index is not None:
            own = share(d.index)
            if own is None:
                return d
            if own >= ASSESS_MAJORITY:
                return Decision(own, ASSESS_MAJORITY, d.index, d.start, d.end, by=f"{d.by} and assessment")
        elif d.answerable:
            return d
        known = [(s, i) for i in range(min(ASSESSED, len(candidates))) if (s := share(i)) is not None]
        if not known:
            return d
        best, i = max(known, key=lambda x: (x[0], -x[1]))
        if best < ASSESS_MAJORITY:
            return Decision(best, ASSESS_MAJORITY, by="assessment")
        return Decision(best, ASSESS_MAJORITY, i, 0, len(candidates[i].passage.text), by="assessment")

    return decide
