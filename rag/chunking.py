"""Editions -> passages. A passage is one sentence (long sentences are cut at
a clause mark), which keeps citations precise and offsets exact."""

from __future__ import annotations

from .text import split_sentences
from .types import Edition, Passage

MAX_CHARS = 600


def chunk_edition(edition: Edition, first_id: int = 0, max_chars: int = MAX_CHARS) -> list[Passage]:
    """Split an edition's body into passages whose `text` equals
    `edition.text[start:end]`."""
    if max_chars < 50:
        raise ValueError(f"max_chars must be at least 50, got {max_chars}")
    passages: list[Passage] = []
    spans = split_sentences(edition.text, edition.body_start)
    for start, end in spans:
        for s, e in _cut(edition.text, start, end, max_chars):
            passages.append(
                Passage(
                    id=first_id + len(passages),
                    article=edition.article,
                    language=edition.language,
                    index=len(passages),
                    start=s,
                    end=e,
                    text=edition.text[s:e],
                )
            )
    return passages


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence after a comma (Urdu `،` or Latin `,`) or a
    space, so no passage exceeds max_chars."""
    out: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind("،"), window.rfind(","), window.rfind(" ، "))
        if cut < max_chars // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = max_chars - 1
        piece_end = start + cut + 1
        out.append((start, piece_end))
        start = piece_end
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out
