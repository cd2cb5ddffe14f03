"""Numbered citations: the passage, its offsets in the file, the sentence of
the other edition aligned with it, and (for a short answer) where in the
sentence the answer's fact sits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..types import Citation, Hit, Passage

Aligned = Callable[[Passage], dict[str, Any] | None]


def cite_passage(aligned: Aligned, n: int, passage: Passage, score: float, highlight: tuple[int, int] | None = None) -> Citation:
    """Citation `[n]` of a passage; `highlight` is (start, end) inside the
    passage's text, turned into file offsets."""
    mark = None if highlight is None else (passage.start + highlight[0], passage.start + highlight[1])
    return Citation(
        n=n,
        article=passage.article,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        score=score,
        language=passage.language,
        aligned=aligned(passage),
        highlight=mark,
    )


def cite_hits(aligned: Aligned, hits: Sequence[Hit]) -> list[Citation]:
    return [cite_passage(aligned, i, h.passage, h.score) for i, h in enumerate(hits, start=1)]
