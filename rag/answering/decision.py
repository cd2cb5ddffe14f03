"""The answer decision: answer from the candidate sentences, or say that the
article does not say. A logistic regression over lexical-match, answer-type
and span-score features (`features.DECISION_FEATURES`), fitted on Urdu
SQuAD 2.0 rows by `bench/train_answerer.py`; the threshold and the data it
was chosen on are stored beside the weights in `weights/decision_<lang>.json`.

Inputs are what the pipeline already has: the question, its language, the
top-k candidate sentences (best first) and their neighbouring sentences.
Retrieval scores are carried but not used as features: the model was fitted
with BM25 ranks inside one paragraph, and the pipeline's fused scores live on
another scale. Once the decision has answered, the embedder's cosine of the
question with each candidate (`Candidate.dense`) weighs in the choice of the
sentence (`SpanModel.dense_weight`, fitted by bench/sentence_dense.py), and so
does the caller's `Evidence` (the sentence head on the embedder's token
states, relevance.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .features import DECISION_FEATURES, DecisionInput, QuestionInfo, decision_features, question_info
from .spans import Choice, SpanModel, load_span_model, pick, score_sentences

WEIGHTS_DIR = Path(__file__).with_name("weights")

# given the candidates' texts (best first): a value per candidate added to its
# log p(sentence), or None when there is no such evidence
Evidence = Callable[[Sequence[str]], "np.ndarray | None"]


@dataclass(frozen=True)
class Candidate:
    """A retrieved sentence: its text, retrieval scores (`dense`: the
    embedder's cosine with the question) and rank (0 = best), and the
    sentences next to it in the article."""

    text: str
    score: float = 0.0
    dense: float = 0.0
    rank: int = 0
    neighbours: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Verdict:
    """The decision and the short answer it rests on."""

    probability: float  # that the candidates answer the question
    answerable: bool  # probability >= threshold
    choice: Choice | None  # the chosen sentence and span (None when no span could be cut)


def decision_input(q: QuestionInfo, candidates: Sequence[Candidate], choice: Choice | None) -> DecisionInput:
    """The decision's view of the candidates (ordered by rank) and the chosen span."""
    ordered = sorted(candidates, key=lambda c: c.rank)
    texts = [c.text for c in ordered]
    window = list(texts) + [n for c in ordered for n in c.neighbours]
    if choice is None:
        return DecisionInput(q, texts[0] if texts else "", texts, window, -10.0, 0.0, 0.0, 0)
    return DecisionInput(
        q,
        texts[choice.sentence_index],
        texts,
        window,
        choice.raw.score,
        choice.raw.prob,
        choice.margin,
        choice.sentence_index,
        (choice.raw.first_token, choice.raw.last_token),
        choice.mass,
        choice.sentence_prob,
    )


class Decider:
    """Answerability from the candidate sentences (`score`), and the
    threshold chosen at training time (`threshold`)."""

    def __init__(
        self, lang: str, weights: np.ndarray, threshold: float, spans: SpanModel, meta: dict[str, Any] | None = None
    ) -> None:
        if len(weights) != len(DECISION_FEATURES):
            raise ValueError(f"{len(weights)} decision weights for {len(DECISION_FEATURES)} features")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within 0..1, got {threshold}")
        self.lang = lang
        self.weights = weights
        self.threshold = threshold
        self.spans = spans
        self.meta = meta or {}

    @classmethod
    def load(cls, lang: str) -> Decider:
        """The committed weights for `lang` (ValueError when none exist)."""
        return _load(lang)

    @classmethod
    def from_json(cls, data: dict[str, Any], spans: SpanModel) -> Decider:
        if data["features"] != DECISION_FEATURES:
            raise ValueError("decision weights were fitted on other features: run bench/train_answerer.py again")
        return cls(
            data["lang"],
            np.asarray(data["weights"], dtype=np.float64),
            float(data["threshold"]),
            spans,
            dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "features": DECISION_FEATURES,
            "weights": [round(float(w), 5) for w in self.weights],
            "threshold": round(self.threshold, 4),
            "meta": self.meta,
        }

    def probability(self, row: np.ndarray) -> float:
        return float(1 / (1 + np.exp(-np.clip(row.astype(np.float64) @ self.weights, -30, 30))))

    def decide(
        self,
        question: str,
        candidates: Sequence[Candidate],
        avoid: frozenset[str] = frozenset(),
        evidence: Evidence | None = None,
    ) -> Verdict:
        """Decide, and return the short answer the decision rests on. A span
        stating only numbers of `avoid` (an earlier answer's count) is not of
        the kind a count question asks for (`QuestionInfo.avoid`). For an
        answered question, `evidence` (given the candidates' texts, best
        first) may add to each one's log p(sentence) (the sentence head,
        relevance.py)."""
        q = replace(question_info(question, self.lang), avoid=avoid)
        ordered = sorted(candidates, key=lambda c: c.rank)
        if not ordered:
            return Verdict(0.0, False, None)
        scored = score_sentences(q, [c.text for c in ordered], self.spans)
        choice = pick(q, scored, self.spans, self.spans.policy)
        p = self.probability(decision_features(decision_input(q, ordered, choice)))
        answerable = p >= self.threshold
        if answerable:
            # the decision stands; which sentence answers also weighs the
            # embedder's cosine of each with the question, and the evidence
            bonus = self.spans.dense_weight * np.array([c.dense for c in ordered], dtype=np.float64)
            extra = evidence([c.text for c in ordered]) if evidence is not None else None
            if extra is not None:
                bonus = bonus + np.asarray(extra, dtype=np.float64)
            if bonus.any():
                choice = pick(q, scored, self.spans, self.spans.policy, bonus) or choice
        return Verdict(p, answerable, choice)

    def score(self, question: str, candidates: Sequence[Candidate]) -> float:
        """Probability that the candidates answer the question."""
        return self.decide(question, candidates).probability


@lru_cache(maxsize=4)
def _load(lang: str) -> Decider:
    path = WEIGHTS_DIR / f"decision_{lang}.json"
    if not path.exists():
        raise ValueError(f"no decision weights for language {lang!r} ({path.name}); run bench/train_answerer.py")
    return Decider.from_json(json.loads(path.read_text(encoding="utf-8")), load_span_model(lang))


def has_weights(lang: str) -> bool:
    """Whether fitted decision weights exist for `lang`."""
    return (WEIGHTS_DIR / f"decision_{lang}.json").exists()
