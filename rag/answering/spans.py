"""Short answers cut from a sentence: a learned linear scorer over candidate
token spans (as the SQuAD logistic-regression baseline), and the choice of
sentence among the top candidates.

The answer is always a substring of a sentence of the article, in that
sentence's language: nothing is written by a model. Weights come from
`weights/spans.json`, written by `bench/train_answerer.py`.

Shortcuts: candidates are token n-grams (n <= MAX_SPAN) with a few hard
filters (see `features.candidate_bounds`); the sentence is chosen by the best
span score plus a fitted bonus for the retrieval rank and the share of
question words the sentence holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .features import (
    QuestionInfo,
    SentenceView,
    candidate_bounds,
    question_info,
    sentence_view,
    span_feature_names,
    span_features,
    words_match,
)

WEIGHTS_DIR = Path(__file__).with_name("weights")
POLICIES = ("span", "words+2", "words+4", "cover3", "clause", "sentence")


@dataclass(frozen=True)
class Span:
    """A candidate answer: `sentence[start:end]`, its score, and its share of
    the sentence's probability mass."""

    text: str
    start: int
    end: int
    score: float
    prob: float
    sentence: str
    first_token: int
    last_token: int


@dataclass(frozen=True)
class SpanModel:
    """Linear span scorer weights for one language, plus the sentence-choice
    bonuses and the length policy chosen at training time."""

    lang: str
    weights: np.ndarray
    rank_bonus: tuple[float, ...]
    overlap_bonus: float
    policy: str
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpanModel:
        names = span_feature_names(data["lang"])
        if data["features"] != names:
            raise ValueError("span weights were fitted on other features: run bench/train_answerer.py again")
        return cls(
            lang=data["lang"],
            weights=np.asarray(data["weights"], dtype=np.float64),
            rank_bonus=tuple(float(b) for b in data.get("rank_bonus", [0.0])),
            overlap_bonus=float(data.get("overlap_bonus", 0.0)),
            policy=str(data.get("policy", "span")),
            meta=dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "features": span_feature_names(self.lang),
            "weights": [round(float(w), 5) for w in self.weights],
            "rank_bonus": list(self.rank_bonus),
            "overlap_bonus": self.overlap_bonus,
            "policy": self.policy,
            "meta": self.meta,
        }


@lru_cache(maxsize=4)
def load_span_model(lang: str) -> SpanModel:
    """The committed span weights for `lang` (ValueError when none exist)."""
    path = WEIGHTS_DIR / f"spans_{lang}.json"
    if not path.exists():
        raise ValueError(f"no span weights for language {lang!r} ({path.name}); run bench/train_answerer.py")
    return SpanModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def candidate_spans(q: QuestionInfo, sentence: str, model: SpanModel) -> tuple[SentenceView, list[Span]]:
    """All candidate spans of `sentence`, scored, best first."""
    view = sentence_view(q, sentence)
    bounds = candidate_bounds(view)
    if not bounds:
        return view, []
    scores = span_features(q, view, bounds).astype(np.float64) @ model.weights
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    spans = [
        Span(
            sentence[view.toks[i].start : view.toks[j].end],
            view.toks[i].start,
            view.toks[j].end,
            float(s),
            float(p),
            sentence,
            i,
            j,
        )
        for (i, j), s, p in zip(bounds, scores, probs, strict=True)
    ]
    spans.sort(key=lambda sp: -sp.score)
    return view, spans


def extend(span: Span, view: SentenceView, policy: str, others: Sequence[Span] = ()) -> Span:
    """The span grown by a length policy: `span` (as scored), `words+N` (up
    to N more words on each side, not across punctuation), `cover3` (the
    smallest range holding the three best spans of the sentence: wide when
    the scorer hesitates), `clause` (to the punctuation marks around it),
    `sentence` (the whole sentence). `others` are the sentence's spans, best
    first (for `cover3`)."""
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    toks = view.toks
    i, j = span.first_token, span.last_token
    if policy == "span":
        return span
    if policy == "sentence":
        i, j = 0, len(toks) - 1
    elif policy == "cover3":
        for other in others[:3]:
            i, j = min(i, other.first_token), max(j, other.last_token)
    elif policy.startswith("words+"):
        for _ in range(int(policy[len("words+") :])):
            if i > 0 and toks[i - 1].is_word:
                i -= 1
            if j < len(toks) - 1 and toks[j + 1].is_word:
                j += 1
    else:  # clause
        while i > 0 and toks[i - 1].is_word:
            i -= 1
        while j < len(toks) - 1 and toks[j + 1].is_word:
            j += 1
    while i < j and not toks[i].is_word:
        i += 1
    while j > i and not toks[j].is_word:
        j -= 1
    s, e = toks[i].start, toks[j].end
    return Span(span.sentence[s:e], s, e, span.score, span.prob, span.sentence, i, j)


def best_span(question: str, sentence: str, lang: str, policy: str | None = None) -> Span | None:
    """The best-scoring answer span of one sentence (None when no candidate),
    grown by `policy` (default: the policy chosen at training time)."""
    model = load_span_model(lang)
    q = question_info(question, lang)
    view, spans = candidate_spans(q, sentence, model)
    if not spans:
        return None
    return extend(spans[0], view, policy or model.policy, spans)


@dataclass(frozen=True)
class Choice:
    """The chosen answer over several candidate sentences."""

    span: Span  # already grown by the policy
    raw: Span  # as scored
    sentence_index: int  # index into the candidates given
    total: float  # span score + sentence bonuses
    margin: float  # total minus the best total of another sentence (large when alone)
    overlap: float  # share of question content words in the chosen sentence
    view: SentenceView  # the chosen sentence's tokens
    alternatives: tuple[Span, ...]  # the chosen sentence's best spans, best first

    def grown(self, policy: str) -> Span:
        """The raw span grown by another length policy."""
        return extend(self.raw, self.view, policy, self.alternatives)


def question_overlap(q: QuestionInfo, view: SentenceView) -> float:
    """Share of the question's content words matched in the sentence."""
    if not q.content:
        return 0.0
    stems = {t.stem for t, hit in zip(view.toks, view.in_question, strict=True) if hit}
    return sum(1 for t in q.content if any(words_match(t.stem, s) for s in stems)) / len(q.content)


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence with its best spans (best first) and its share of question words."""

    rank: int
    view: SentenceView
    spans: tuple[Span, ...]
    overlap: float


def score_sentences(q: QuestionInfo, sentences: Sequence[str], model: SpanModel) -> list[ScoredSentence]:
    """The spans of each sentence (given best first by retrieval), scored."""
    out = []
    for rank, sentence in enumerate(sentences):
        view, spans = candidate_spans(q, sentence, model)
        if spans:
            out.append(ScoredSentence(rank, view, tuple(spans[:3]), question_overlap(q, view)))
    return out


def pick(
    scored: Sequence[ScoredSentence], rank_bonus: Sequence[float], overlap_bonus: float, policy: str
) -> Choice | None:
    """The sentence with the best span score + rank bonus + overlap bonus, and its best span."""
    totals = sorted(
        (
            (s.spans[0].score + rank_bonus[min(s.rank, len(rank_bonus) - 1)] + overlap_bonus * s.overlap, s)
            for s in scored
        ),
        key=lambda t: -t[0],
    )
    if not totals:
        return None
    total, best = totals[0]
    margin = total - totals[1][0] if len(totals) > 1 else 10.0
    grown = extend(best.spans[0], best.view, policy, best.spans)
    return Choice(grown, best.spans[0], best.rank, total, margin, best.overlap, best.view, best.spans)


def choose(q: QuestionInfo, sentences: Sequence[str], model: SpanModel, policy: str | None = None) -> Choice | None:
    """Score the spans of each sentence (ranked best first by retrieval) and
    pick the best sentence by span score + rank bonus + overlap bonus."""
    return pick(score_sentences(q, sentences, model), model.rank_bonus, model.overlap_bonus, policy or model.policy)
