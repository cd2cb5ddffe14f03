"""Which candidate sentence answers the question: a listwise head on the
embedder's token states of the question read with each sentence.

The span scorer's sentence choice (`spans.sentence_probs`) sees words: the
question's words found in a sentence, the scores of the spans it holds. A
sentence that answers in other words loses to one that repeats the question
(«مفرور» "at large" asked, «بڑے پیمانے پر باقی» written; «سربراہ» "head"
asked, «ڈائریکٹر جنرل» written). The embedder reads the question and the
sentence as one text (`reader.pair_text`), so the states of the sentence's
tokens have seen the question. The head pools them (the mean and the
maximum over the sentence's tokens of h * q / |q|, the span reader's second
half of features), standardises them, and a linear layer gives the sentence
a score.

Fitted listwise (a softmax over each question's BM25 top 4, the gold
sentence the target) on answerable Urdu SQuAD 2.0 train rows by
`bench/train_sentence_head.py`, and written to
`weights/sentences_<lang>.json` with the embedder and layer it read: states
of another embedder are never read. `gamma`, the head's weight beside the
span scorer's log p(sentence) and the embedder's cosine
(`SpanModel.dense_weight`), is chosen on the calibration titles.

The head only moves which sentence an answered question is answered from;
the decision to answer is not changed. It costs one pass of the embedder
over the candidates (at most 4 short texts, one batch); the span reader then
reuses the chosen sentence's states.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from .reader import TokenStates, TokenView, gives_states, rounded

WEIGHTS_DIR = Path(__file__).with_name("weights")


def pooled(view: TokenView) -> np.ndarray:
    """The head's input for one sentence read with its question: mean and
    maximum over the sentence's tokens of h * q / |q| (zeros for a sentence
    with no token)."""
    f = np.asarray(view.features, dtype=np.float32)
    half = f.shape[1] // 2
    if len(f) == 0:
        return np.zeros(2 * half, dtype=np.float32)
    hq = f[:, half:]
    return np.concatenate([hq.mean(axis=0), hq.max(axis=0)]).astype(np.float32)


@dataclass(frozen=True)
class SentenceHead:
    """The fitted head for one language."""

    lang: str
    embedder: str  # id of the embedder whose states it was fitted on
    layer: int
    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)
    weights: np.ndarray  # (d,)
    gamma: float  # weight of the score beside log p(sentence) and the cosine bonus
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = len(self.mean)
        if self.scale.shape != (d,) or self.weights.shape != (d,):
            raise ValueError(f"sentence head weights do not fit together: {self.mean.shape}, {self.scale.shape}, {self.weights.shape}")
        if self.gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {self.gamma}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentenceHead:
        return cls(
            lang=str(data["lang"]),
            embedder=str(data["embedder"]),
            layer=int(data["layer"]),
            mean=np.asarray(data["mean"], dtype=np.float32),
            scale=np.asarray(data["scale"], dtype=np.float32),
            weights=np.asarray(data["weights"], dtype=np.float32),
            gamma=float(data["gamma"]),
            meta=dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        r = rounded
        return {
            "lang": self.lang,
            "embedder": self.embedder,
            "layer": self.layer,
            "mean": r(self.mean),
            "scale": r(self.scale),
            "weights": r(self.weights),
            "gamma": self.gamma,
            "meta": self.meta,
        }

    def reads(self, states: object) -> TypeGuard[TokenStates]:
        """Whether `states` gives the token states this head was fitted on."""
        return gives_states(states, self.embedder, self.layer)

    def scores(self, views: Sequence[TokenView]) -> np.ndarray:
        """One score per sentence (each read with the question)."""
        if not views:
            return np.zeros(0)
        x = (np.stack([pooled(v) for v in views]) - self.mean) / self.scale
        return np.asarray(x @ self.weights, dtype=np.float64)

    def bonus(self, views: Sequence[TokenView]) -> np.ndarray:
        """gamma * score, centred: what is added to log p(sentence)."""
        s = self.scores(views)
        return self.gamma * (s - s.max()) if len(s) else s


@lru_cache(maxsize=4)
def load_sentence_head(lang: str) -> SentenceHead | None:
    """The committed head for `lang`, or None when none was fitted."""
    path = WEIGHTS_DIR / f"sentences_{lang}.json"
    if not path.exists():
        return None
    return SentenceHead.from_json(json.loads(path.read_text(encoding="utf-8")))
