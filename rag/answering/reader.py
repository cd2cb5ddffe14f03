"""A span reader on the embedder's token states: where in the chosen
sentence the answer starts and ends.

The embedder reads the question and one sentence together, as one text
(`pair_text`), so each of the sentence's tokens has a hidden state that has
seen the question. A linear head on those states gives every token a start
and an end score; softmaxes over the sentence's tokens make them log p(start)
and log p(end). Per token the head reads the state h (of transformer layer
`layer`) and h * q / |q|, q being the mean state of the question part; both
are standardised with the training data's mean and scale. The head is fitted
on the gold sentences of Urdu SQuAD 2.0 train by `bench/train_reader.py`,
and written to `weights/reader_<lang>.json` with the embedder it was fitted
on: states of another embedder or layer are never read.

The reader does not decide and does not choose the sentence: the decision
(`decision.py`) and the span scorer's sentence choice (`spans.py`) run as
before. It recuts the answer window inside the chosen sentence: each
candidate span of the span scorer gets `beta * (log p(start) + log p(end))`
added to its score, and the window of highest expected utility is taken
again (`spans.recut`) with the reader's own weight `lam` of token F1 against
holding the answer: the sharper distribution needs another balance (`beta`
and `lam` chosen together on the calibration titles). One extra pass
of the embedder per answered question.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeGuard

import numpy as np

from ..embedding import TokenStates as EmbedderStates
from .spans import Choice, SpanModel, recut

WEIGHTS_DIR = Path(__file__).with_name("weights")
PAIR_PREFIX = "task: question answering | query: {question} | text: "
NO_TOKEN = -30.0  # log-probability given to a span edge no token covers


class TokenStates(EmbedderStates, Protocol):
    """The embedder's token states (rag.embedding.TokenStates), with its id:
    the reader's weights name the embedder they were fitted on."""

    @property
    def id(self) -> str: ...


def pair_text(question: str, sentence: str) -> tuple[str, int]:
    """The text the embedder reads, and where the sentence starts in it."""
    prefix = PAIR_PREFIX.format(question=question.strip())
    return prefix + sentence, len(prefix)


@dataclass(frozen=True)
class TokenView:
    """The sentence's tokens as the reader sees them: character offsets in
    the sentence (a token's leading space may start it one character early:
    clipped to 0) and the head's inputs, one row per token."""

    offsets: np.ndarray  # (n, 2) int
    features: np.ndarray  # (n, 2 * dim) float32


def token_view(offsets: np.ndarray, states: np.ndarray, start: int) -> TokenView:
    """Split one pair's tokens into the question part (mean state q) and the
    sentence's tokens (those ending after `start`), and build the features."""
    offsets = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    states = np.asarray(states, dtype=np.float32)
    ends = offsets[:, 1]
    question = (ends > 0) & (ends <= start)
    sentence = ends > start
    q = states[question].mean(axis=0) if question.any() else np.zeros(states.shape[1], dtype=np.float32)
    h = states[sentence]
    qn = q / (float(np.linalg.norm(q)) + 1e-6)
    rel = np.stack([np.maximum(0, offsets[sentence, 0] - start), offsets[sentence, 1] - start], axis=1)
    return TokenView(rel, np.concatenate([h, h * qn[None, :]], axis=1))


def gives_states(states: object, embedder: str, layer: int) -> TypeGuard[TokenStates]:
    """Whether `states` gives token states of this embedder and layer: the
    only ones a head fitted on them may read."""
    return (
        callable(getattr(states, "token_states", None))
        and getattr(states, "id", None) == embedder
        and getattr(states, "state_layer", None) == layer
    )


def rounded(a: np.ndarray) -> Any:
    """Weights as JSON numbers (5 decimals)."""
    return np.round(a.astype(np.float64), 5).tolist()


def _log_softmax(x: np.ndarray) -> np.ndarray:
    m = float(x.max())
    return x - (m + float(np.log(np.exp(x - m).sum())))


@dataclass(frozen=True)
class Reader:
    """The fitted head for one language."""

    lang: str
    embedder: str  # id of the embedder whose states it was fitted on
    layer: int
    mean: np.ndarray  # (2 * dim,)
    scale: np.ndarray  # (2 * dim,)
    weights: np.ndarray  # (2 * dim, 2): start, end
    bias: np.ndarray  # (2,)
    beta: float  # weight of the reader's log-probabilities beside the span scores
    # the window's weight of token F1 against holding the answer, with the reader (spans.SpanModel.lam)
    lam: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = len(self.mean)
        if self.scale.shape != (d,) or self.weights.shape != (d, 2) or self.bias.shape != (2,):
            raise ValueError(
                f"reader weights do not fit together: {self.mean.shape}, {self.scale.shape}, {self.weights.shape}"
            )
        if self.beta < 0 or self.lam < 0:
            raise ValueError(f"beta and lam must be >= 0, got {self.beta}, {self.lam}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reader:
        return cls(
            lang=str(data["lang"]),
            embedder=str(data["embedder"]),
            layer=int(data["layer"]),
            mean=np.asarray(data["mean"], dtype=np.float32),
            scale=np.asarray(data["scale"], dtype=np.float32),
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            beta=float(data["beta"]),
            lam=float(data["lam"]),
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
            "bias": r(self.bias),
            "beta": self.beta,
            "lam": self.lam,
            "meta": self.meta,
        }

    def reads(self, states: object) -> TypeGuard[TokenStates]:
        """Whether `states` gives the token states this head was fitted on."""
        return gives_states(states, self.embedder, self.layer)

    def logits(self, view: TokenView) -> np.ndarray:
        """(n, 2) start and end scores of the sentence's tokens."""
        x = (view.features - self.mean) / self.scale
        return np.asarray(x @ self.weights + self.bias, dtype=np.float64)

    def edges(self, view: TokenView) -> tuple[np.ndarray, np.ndarray]:
        """log p(start) and log p(end) over the sentence's tokens."""
        z = self.logits(view)
        if len(z) == 0:
            return np.zeros(0), np.zeros(0)
        return _log_softmax(z[:, 0]), _log_softmax(z[:, 1])

    def span_scores(self, view: TokenView, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """log p(start) + log p(end) of each character span (start, end) of
        the sentence: the start's token is the first one ending after it,
        the end's token the last one starting before it."""
        ls, le = self.edges(view)
        out = np.full(len(spans), 2 * NO_TOKEN)
        if len(ls) == 0:
            return out
        starts, ends = view.offsets[:, 0], view.offsets[:, 1]
        for k, (c0, c1) in enumerate(spans):
            a = np.nonzero(ends > c0)[0]
            b = np.nonzero(starts < c1)[0]
            out[k] = (ls[a[0]] if len(a) else NO_TOKEN) + (le[b[-1]] if len(b) else NO_TOKEN)
        return out

    def recut(self, choice: Choice, view: TokenView, spans: SpanModel) -> Choice:
        """The chosen sentence's answer cut again with this reader's evidence
        (`view`: that sentence read with the question), with its beta and lam."""
        extra = self.beta * self.span_scores(view, [(sp.start, sp.end) for sp in choice.alternatives])
        return recut(choice, extra, spans.with_(lam=self.lam))

    def read(self, states: TokenStates, question: str, sentence: str) -> TokenView:
        """The sentence's token view, read with the question."""
        (view,) = read_pairs(states, question, [sentence])
        return view


def read_pairs(states: TokenStates, question: str, sentences: Sequence[str]) -> list[TokenView]:
    """Each sentence's token view, read with the question (one call of the embedder)."""
    texts = [pair_text(question, s) for s in sentences]
    got = states.token_states([t for t, _ in texts])
    return [token_view(offsets, hidden, start) for (offsets, hidden), (_, start) in zip(got, texts, strict=True)]


@lru_cache(maxsize=4)
def load_reader(lang: str) -> Reader | None:
    """The committed reader for `lang`, or None when none was fitted."""
    path = WEIGHTS_DIR / f"reader_{lang}.json"
    if not path.exists():
        return None
    return Reader.from_json(json.loads(path.read_text(encoding="utf-8")))
