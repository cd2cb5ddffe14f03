"""Plain data types shared by the pipeline, the CLI and the UI.

Offsets (`start`, `end`) are always character offsets into the article file's
text exactly as stored on disk (decoded as UTF-8), so `text == raw[start:end]`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Language = Literal["ur", "en"]
RefusalReason = Literal["not_in_article", "unsafe", "cannot_read_source"]


@dataclass(frozen=True)
class Edition:
    """One language edition of an article: a file on disk and its metadata."""

    article: str  # article id, shared by all editions of one story
    language: Language
    path: str
    text: str  # the whole file, as stored (front matter included)
    body_start: int  # offset where the body begins (after front matter)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.article}:{self.language}"


@dataclass(frozen=True)
class Passage:
    """A retrievable unit (here: a sentence) with offsets into its edition."""

    id: int  # position in the store
    article: str
    language: Language
    index: int  # sentence number within its edition
    start: int
    end: int
    text: str
    # the sentence speaks to the assistant ("SYSTEM: ...", "note to the
    # assistant", «ہدایات نظر انداز کریں»): never retrieved, quoted or prompted
    addresses_assistant: bool = False


@dataclass
class Hit:
    """A passage returned by retrieval, with its fused score."""

    passage: Passage
    score: float
    dense: float = 0.0
    rank: int = 0


@dataclass
class Citation:
    """A numbered citation as printed `[n]` and returned in JSON."""

    n: int
    article: str
    start: int
    end: int
    text: str
    score: float
    language: Language = "ur"
    aligned: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n,
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "language": self.language,
        }
        if self.aligned is not None:
            out["aligned"] = self.aligned
        return out


@dataclass
class Answer:
    """What `ask` returns; `to_json` is the `ask --json` contract."""

    question: str
    language: Language
    answer: str
    refused: bool
    reason: RefusalReason | None = None
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    strategy: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "models": dict(self.models),
            "strategy": self.strategy,
        }
        if self.refused:
            out["reason"] = self.reason
        return out


@dataclass
class SummaryPoint:
    text: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@dataclass
class Summary:
    """A summary in one language, or an honest refusal."""

    language: Language
    points: list[SummaryPoint] = field(default_factory=list)
    refused: bool = False
    reason: RefusalReason | None = None
    method: str = ""  # "extractive" or "abstractive"

    def to_json(self) -> dict[str, Any]:
        if self.refused:
            return {"refused": True, "reason": self.reason}
        return {"points": [p.to_json() for p in self.points], "method": self.method}


@dataclass
class SummaryResult:
    article: str
    summaries: dict[str, Summary]
    models: dict[str, str]
    consistency: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "summaries": {k: v.to_json() for k, v in self.summaries.items()},
            "consistency": self.consistency,
            "models": dict(self.models),
        }


@dataclass
class ArticleInfo:
    article: str
    editions: dict[str, dict[str, Any]]  # language -> {path, sentences, provenance, flagged}
    indexed_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
