"""The chat's 👍/👎 buttons: find the answer a rating is for, store it (rag/feedback.py).

Gradio's like event gives the index of the rated message in the chat. Answers
that failed (an error message) have no turn in the history, so the turn is
found by counting the finished answers before it, and checked against the
question shown above it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.feedback import record_feedback
from rag.types import Answer

from .i18n import t

ALL_ARTICLES = "__all__"


def _text(content: Any) -> str:
    if isinstance(content, dict):  # a message dict, or Gradio's {"text": ...}
        content = content.get("content", content.get("text", ""))
    if isinstance(content, list):
        content = " ".join(_text(c) for c in content)
    return html.unescape(str(content or ""))


def turn_for(messages: Sequence[Any], index: Any, turns: Sequence[tuple[str, Answer]]) -> tuple[str, Answer] | None:
    """The (question, answer) turn the rated message at `index` shows, or None
    (an error message, a message still streaming, or a history out of step)."""
    i = index[0] if isinstance(index, list | tuple) else index
    if not isinstance(i, int) or not 0 <= i < len(messages):
        return None
    rated = messages[i]
    if not isinstance(rated, dict) or rated.get("role") != "assistant":
        return None
    rated_html = str(rated.get("content", ""))
    if "kh-error" in rated_html or "kh-streaming" in rated_html:
        return None
    finished = sum(
        1
        for m in messages[:i]
        if isinstance(m, dict)
        and m.get("role") == "assistant"
        and "kh-error" not in str(m.get("content", ""))
        and "kh-streaming" not in str(m.get("content", ""))
    )
    if finished >= len(turns):
        return None
    question, answer = turns[finished]
    shown = _text(messages[i - 1]) if i > 0 else ""
    if " ".join(question.split()) not in " ".join(shown.split()):
        return None
    return question, answer


class Feedback:
    """Stores ratings in `path` (`Settings.feedback_path`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rate(
        self,
        messages: list[Any] | None,
        turns: list[tuple[str, Answer]] | None,
        article: str | None,
        lang: str | None,
        data: gr.LikeData,
    ) -> None:
        """The chatbot's like event: store 👍 or 👎 with the question, answer and citations."""
        if data.liked is not True and data.liked is not False:
            return  # a rating taken back, or a custom option: nothing to store
        found = turn_for(messages or [], data.index, turns or [])
        if found is None:
            return
        rating = "up" if data.liked else "down"
        try:
            record_feedback(
                self.path, rating, found[1], article=None if article in (None, "", ALL_ARTICLES) else article
            )
        except OSError:
            logging.getLogger(__name__).exception("feedback not saved")
            return
        gr.Info(t(f"feedback.saved_{rating}", lang))  # t reads None as the default interface language
