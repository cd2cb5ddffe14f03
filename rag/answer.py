"""Compatibility names for code written before `rag/answering/` (to be
removed once nothing imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .answering.ask import validate_question  # noqa: F401
from .answering.citations import cite_passage as _cite
from .types import Citation, Passage

if TYPE_CHECKING:
    from .pipeline import Pipeline


def cite_passage(p: Pipeline, n: int, passage: Passage, score: float) -> Citation:
    return _cite(p.aligned, n, passage, score)
