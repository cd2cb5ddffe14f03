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
from typing import Any

from rag import lang as languages
from rag.errors import KhabarError, UsageError
from rag.inputs import clean_text
from rag.pipeline import PipelineLike
from rag.types import Answer, Citation

from .i18n import DEFAULT_LANG, t
from .render import ENGLISH, Page, refusal_text

_DONE = object()


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the pipeline's token callback when the reader pressed Stop: it ends generation."""


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


def check_question(question: str, max_chars: int, lang: str = DEFAULT_LANG) -> str:
    """The cleaned question (`rag.inputs.clean_text`: no surrogates, controls
    or bidi marks), or UsageError if it is empty or too long, its message in
    `lang` (the interface language)."""
    question = clean_text(question or "")
    if not question:
        raise UsageError(t("chat.type_first", lang))
    if len(question) > max_chars:
        raise UsageError(t("chat.too_long", lang, n=len(question), limit=max_chars))
    return question


def stream_answer(
    pipeline: PipelineLike,
    question: str,
    *,
    article: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    k: int | None = None,
    stop: threading.Event | None = None,
) -> Iterator[Streamed]:
    """Ask in a worker thread; yield whole-word partial text, then the final Answer.

    Errors raised by the pipeline are re-raised here, in the caller's thread. When
    `stop` is set (the Stop button) the next token raises `Stopped` inside the
    pipeline, which ends the model's generation and frees it for the next question;
    nothing more is yielded after that, not even tokens already written.
    """
    events: queue.Queue[object] = queue.Queue()
    stop = stop or threading.Event()

    def on_token(token: str) -> None:
        if stop.is_set():
            raise Stopped()
        events.put(token)

    def work() -> None:
        try:
            events.put(pipeline.ask(question, k=k, article=article, history=list(history), on_token=on_token))
        except BaseException as err:  # noqa: B036 - handed to the caller's thread
            events.put(err)
        finally:
            events.put(_DONE)

    threading.Thread(target=work, name="khabar-ask", daemon=True).start()
    text, shown, tokens, first = "", "", 0, 0.0
    answer: Answer | None = None
    while True:
        item = events.get()
        if isinstance(item, Stopped) or stop.is_set():
            # nothing more after Stop, not the tokens still queued nor the answer: a late
            # update would show the answer the Stop button marked stopped as streaming again
            return
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


def _language(data: dict[str, Any], text: str) -> str:
    """The `language` saved with an answer or a citation; when it is missing,
    the language `text` is in (the default one for text no pack reads)."""
    if data.get("language"):
        return str(data["language"])
    try:
        return languages.detect(text)
    except KhabarError:
        return languages.default().code


def answer_from_json(data: dict[str, Any]) -> Answer:
    """An Answer back from its `to_json()` (a conversation saved in the browser)."""
    cites = [
        Citation(
            int(c["n"]), str(c["article"]), int(c["start"]), int(c["end"]), str(c["text"]), float(c.get("score", 0.0)),
            _language(c, str(c["text"])), c.get("aligned"), tuple(c["highlight"]) if c.get("highlight") else None,
        )
        for c in data.get("citations", [])
    ]
    question = str(data.get("question", ""))
    return Answer(
        question, _language(data, question), str(data.get("answer", "")), bool(data.get("refused")),
        data.get("reason"), cites, dict(data.get("timings_ms", {})), dict(data.get("models", {})),
        str(data.get("strategy", "")), data.get("decision"),
    )


def markdown_export(turns: Sequence[tuple[str, Answer]], page: Page = ENGLISH) -> str:
    """The conversation as Markdown: each question, its answer, and the cited sentences
    (named by headline); the app's own words in the interface language of `page`."""
    lines = [f"# {page.t('chat.export_title')}", ""]
    for i, (question, answer) in enumerate(turns, 1):
        lines += [f"## {i}. {question}", ""]
        lines += [refusal_text(answer, page) if answer.refused else answer.answer.strip(), ""]
        if answer.citations:
            lines += [page.t("chat.closest" if answer.refused else "chat.sources"), ""]
            lines += [
                f"- [{c.n}] {c.text} ("
                + page.t("chat.source_at", title=page.headline(c.article, c.language), language=page.language(c.language), start=c.start, end=c.end)
                + ")"
                for c in answer.citations
            ]
            lines.append("")
    return "\n".join(lines)
