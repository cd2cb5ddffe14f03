"""Plain data types shared by the pipeline, the CLI and the UI.

Offsets (`start`, `end`) are always character offsets into the article file's
text exactly as stored on disk (decoded as UTF-8), so `text == raw[start:end]`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NewType

# The code of a language pack (rag.lang.codes()). A plain string: the packs
# are registered at run time, so a type cannot list them; text is checked
# against the registry where it enters (rag/corpus.py for article files,
# rag.lang.detect for questions).
Language = str
RefusalReason = Literal["not_in_article", "unsafe", "cannot_read_source"]

# An article id names files (summary cache, downloads, translated editions), so
# it is checked once, here: letters of any script (Urdu too) with their marks,
# digits, `.`, `_` and `-`; no leading dot or dash (no `..`, no hidden files,
# nothing an option parser reads); at most ARTICLE_ID_MAX characters, so
# `ID-<hash>.json` stays under the 255-byte file-name limit even in Urdu.
ArticleId = NewType("ArticleId", str)
ARTICLE_ID_MAX = 100
_ID_PUNCT = "._-"


def article_id_problem(value: str) -> str | None:
    """Why `value` is not a valid article id, or None when it is."""
    if not value:
        return "it is empty"
    if len(value) > ARTICLE_ID_MAX:
        return f"it is {len(value)} characters long, over the limit of {ARTICLE_ID_MAX}"
    if value[0] in ".-":
        return f"it starts with {value[0]!r}"
    for ch in value:
        if ch not in _ID_PUNCT and unicodedata.category(ch)[0] not in "LMN":
            return f"it contains {ch!r} (U+{ord(ch):04X})"
    return None


def check_article_id(value: str) -> ArticleId:
    """`value` as an ArticleId; ValueError saying why when it breaks the rule."""
    problem = article_id_problem(value)
    if problem is not None:
        raise ValueError(f"{value!r} is not a valid article id: {problem}")
    return ArticleId(value)


def safe_article_id(value: str) -> ArticleId:
    """An id made valid: other characters become `_`, leading dots and dashes go,
    the length is cut. For ids taken from file names, which the user chose."""
    if article_id_problem(value) is None:
        return ArticleId(value)
    out = "".join(ch if ch in _ID_PUNCT or unicodedata.category(ch)[0] in "LMN" else "\0" for ch in value)
    out = re.sub("\0+", "_", out).lstrip(".-")[:ARTICLE_ID_MAX]
    return ArticleId(out or "article")


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
    language: Language
    aligned: dict[str, Any] | None = None
    highlight: tuple[int, int] | None = None  # file offsets of the answer's fact inside the cited sentence

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
        if self.highlight is not None:
            out["highlight"] = list(self.highlight)
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
    decision: dict[str, Any] | None = None  # why it answered or refused: rule, score, threshold

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
        if self.decision is not None:
            out["decision"] = self.decision
        return out


@dataclass
class SummaryPoint:
    """One point (or the headline) of a summary and the sentences it states.
    Citation numbers are shared by one language's headline and points: the
    same sentence has the same number wherever it is cited."""

    text: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@dataclass
class Summary:
    """A summary in one language (a headline sentence on top of its points),
    or an honest refusal."""

    language: Language
    points: list[SummaryPoint] = field(default_factory=list)
    refused: bool = False
    reason: RefusalReason | None = None
    method: str = ""  # "extractive" or "abstractive"
    headline: SummaryPoint | None = None

    def sources(self) -> list[Citation]:
        """Every cited sentence once, by citation number."""
        cited = {c.n: c for p in ([self.headline] if self.headline else []) + self.points for c in p.citations}
        return [cited[n] for n in sorted(cited)]

    def to_json(self) -> dict[str, Any]:
        if self.refused:
            return {"refused": True, "reason": self.reason}
        return {
            "headline": self.headline.to_json() if self.headline else None,
            "points": [p.to_json() for p in self.points],
            "method": self.method,
        }


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
class SummaryProgress:
    """One step of a streamed summary: the result so far (languages and
    points that are ready), how far along it is (0..1) and what is next."""

    result: SummaryResult
    fraction: float
    stage: str
    done: bool = False


@dataclass
class ArticleInfo:
    article: str
    editions: dict[str, dict[str, Any]]  # language -> {path, sentences, provenance, flagged, title}
    indexed_at: str = ""

    def title(self, prefer: str = "", limit: int = 90) -> str:
        """The headline to show for the article: that of the `prefer` edition
        when there is one, else of the original, else of any edition (front
        matter `title:` or its first sentence), cut to `limit` characters;
        the id when no edition has one."""
        langs = sorted(self.editions, key=lambda g: (g != prefer, self.editions[g].get("provenance") != "original", g))
        for lang in langs:
            title = " ".join(str(self.editions[lang].get("title") or "").split())
            if title:
                return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
        return self.article

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
