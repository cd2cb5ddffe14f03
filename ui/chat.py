"""Streaming an answer from the pipeline, buffered to whole words.

`pipeline.ask` is blocking and reports tokens through `on_token`; it runs in a
worker thread while `stream_answer` yields the text so far, cut at the last
whitespace so half-formed Arabic-script words never flicker on screen.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rag.errors import UsageError
from rag.inputs import clean_text
from rag.pipeline import PipelineLike
from rag.types import Answer

_DONE = object()


@dataclass
class Streamed:
    """One step of a streamed answer: the visible text, and at the end the Answer."""

    text: str
    answer: Answer | None = None
    tokens: int = 0  # tokens received so far
    seconds: float = 0.0  # wall time since the first token (for tokens/s)


def whole_words(text: str) -> str:
    """`text` up to and including its last whitespace: only finished words."""
    for i in range(len(text) - 1, -1, -1):
        if text[i].isspace():
            return text[: i + 1]
    return ""


def check_question(question: str, max_chars: int) -> str:
    """The cleaned question (`rag.inputs.clean_text`: no surrogates, controls
    or bidi marks), or UsageError if it is empty or too long."""
    question = clean_text(question or "")
    if not question:
        raise UsageError("Type a question first.")
    if len(question) > max_chars:
        raise UsageError(f"The question is {len(question)} characters long; the limit is {max_chars}: shorten it.")
    return question


def stream_answer(
    pipeline: PipelineLike,
    question: str,
    *,
    article: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    k: int | None = None,
) -> Iterator[Streamed]:
    """Ask in a worker thread; yield whole-word partial text, then the final Answer.

    Errors raised by the pipeline are re-raised here, in the caller's thread.
    """
    events: queue.Queue[object] = queue.Queue()

    def work() -> None:
        try:
            events.put(pipeline.ask(question, k=k, article=article, history=list(history), on_token=events.put))
        except BaseException as err:  # noqa: B036 - handed to the caller's thread
            events.put(err)
        finally:
            events.put(_DONE)

    threading.Thread(target=work, name="khabar-ask", daemon=True).start()
    text, shown, tokens, first = "", "", 0, 0.0
    answer: Answer | None = None
    while True:
        item = events.get()
        if item is _DONE:
            break
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, Answer):
            answer = item
            continue
        if isinstance(item, str):
            if tokens == 0:
                first = time.perf_counter()
            tokens += 1
            text += item
            visible = whole_words(text)
            if visible != shown:
                shown = visible
                yield Streamed(shown, None, tokens, time.perf_counter() - first)
    if answer is None:
        raise RuntimeError("the pipeline returned no answer")
    yield Streamed(answer.answer, answer, tokens, time.perf_counter() - first if tokens else 0.0)
