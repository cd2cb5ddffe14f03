"""Answers cut from the article's own sentences, for a question in a language
the chat model cannot read (Urdu with the default model), and as the fallback
of the generative strategy.

Steps: the retrieved sentences of the question's edition are the candidates;
a question that asks for a checkable kind of fact (a number, a year, a day, a
date) needs a candidate that has one; the learned decision (`decision.py`)
then says "answer" or "the article does not say"; the answer line is the
learned short span (`spans.py`) of the best candidate, and the sentence it was
cut from is cited, with the span marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .. import grounding
from ..conversation import Query
from ..types import Answer, Hit, Passage
from .citations import Aligned, cite_passage
from .names import NameIndex


@dataclass(frozen=True)
class Candidate:
    """A retrieved sentence offered to the decision, with its neighbours."""

    passage: Passage
    score: float  # fused retrieval score
    dense: float  # cosine to the question
    rank: int
    context: str  # the sentence with its neighbours (pronouns point there)
    # the sentence just before it ("he" of this sentence names someone there)
    # and the other editions' sentences aligned with either: where a name it
    # leans on may stand, in some spelling or script
    naming: str = ""


@dataclass(frozen=True)
class Decision:
    """The learned decision on the candidates, and the short answer it rests
    on: `candidates[index].passage.text[start:end]` (index None: no span)."""

    probability: float
    threshold: float
    index: int | None = None
    start: int = 0
    end: int = 0
    by: str = "decision"  # who decided: the learned decision, or the chat model's assessment

    @property
    def answerable(self) -> bool:
        return self.probability >= self.threshold


class DecideFn(Protocol):
    """`avoid`: numbers the answer must not consist of alone (the count an
    earlier answer gave, for a count follow-up)."""

    def __call__(
        self, question: str, language: str, candidates: Sequence[Candidate], avoid: frozenset[str] = frozenset()
    ) -> Decision: ...


@dataclass
class Verdict:
    """What the extractive step decided, kept for the JSON (`decision`)."""

    answered: bool
    why: str
    score: float | None = None
    threshold: float | None = None


def candidates(
    hits: Sequence[Hit], neighbourhood: dict[int, str], naming: dict[int, str] | None = None, n: int = 4
) -> list[Candidate]:
    naming = naming or {}
    return [
        Candidate(h.passage, h.score, h.dense, h.rank, neighbourhood.get(h.passage.id, h.passage.text), naming.get(h.passage.id, ""))
        for h in hits[:n]
    ]


def asked(resolved: Query, language: str) -> str:
    """The question the span scorer and the decision read. Retrieval uses
    the follow-up resolved against the history (`resolved.text`); but a
    follow-up that asks on its own, with its own question word and no
    pronoun pointing back ("and how many were sentenced?"), is read as
    asked, so the earlier question's words carried into the resolved text
    do not pull the answer back to the earlier fact. A follow-up with a
    pronoun ("how old is he?"), without a question word ("and the
    others?"), or with nothing but its question word («اور کس تاریخ کو؟»
    "and on which date?") is read resolved."""
    if resolved.text == resolved.question or resolved.pronoun:
        return resolved.text
    from .features import question_info

    info = question_info(resolved.question, language)
    return resolved.question if info.qtype != "other" and info.content else resolved.text


def typed(question: str, cands: Sequence[Candidate]) -> list[Candidate]:
    """The candidates that have the kind of fact the question asks for."""
    kind = grounding.answer_type(question)
    return [c for c in cands if grounding.has_type(c.passage.text, kind)]


def naming(cands: Sequence[Candidate], names: Sequence[str]) -> list[Candidate]:
    """The candidates that name everyone the question asks about (`names`:
    its Latin names, `names.latin_names`, and those found in another script,
    `NameIndex.script_names`), in the sentence, the one just before it, or
    their aligned sentences of other editions, in some spelling or script. A
    sentence that names none of them answers about someone else ("How old
    is Rinz?" is not answered by "The suspect from Germany travelled for 28
    days" unless Rinz is named there or just before), as for a generated
    answer (generative._names_kept)."""
    if not names:
        return list(cands)
    return [c for c in cands if all(NameIndex((c.naming, c.passage.text)).has(n) for n in names)]


def answer(
    question: str,
    language: str,
    cands: Sequence[Candidate],
    decide: DecideFn,
    aligned: Aligned,
    names: Sequence[str] = (),
    avoid: frozenset[str] = frozenset(),
) -> tuple[Answer | None, Verdict]:
    """The short, cited answer, or None with the reason for refusing."""
    if not cands:
        return None, Verdict(False, "no passage retrieved")
    usable = typed(question, cands)
    if not usable:
        return None, Verdict(False, f"no candidate has the kind of fact asked for ({grounding.answer_type(question)})")
    usable = naming(usable, names)
    if not usable:
        return None, Verdict(False, f"no candidate names {', '.join(names)}")
    j = decide(question, language, usable, avoid=avoid)
    if not j.answerable:
        return None, Verdict(False, f"{j.by}: not answered by the candidates", j.probability, j.threshold)
    if j.index is None:
        best, start, end = usable[0], 0, len(usable[0].passage.text)
    else:
        best, start, end = usable[j.index], j.start, j.end
    fact = best.passage.text[start:end].strip()
    cite = cite_passage(aligned, 1, best.passage, best.score, (start, end))
    out = Answer(question, language, f"{fact} [1]", False, None, [cite], strategy="extractive")
    return out, Verdict(True, f"{j.by}: answered", j.probability, j.threshold)
