"""The functions behind the page's events, as methods of one object around a pipeline.

Kept apart from the layout (`app.py`) so tests call them directly with a fake
pipeline: `Handlers(FakePipeline(), settings).chat(...)` is the chat function.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.errors import KhabarError, UsageError
from rag.paths import id_file_stem, inside
from rag.pipeline import PipelineLike
from rag.types import Answer

from . import render
from .articles import Articles, rows
from .chat import check_question, stream_answer
from .i18n import t

ALL_ARTICLES = "__all__"
HISTORY_TURNS = 4  # follow-ups see this many previous exchanges: enough context, a bounded prompt

Message = dict[str, str]
Turn = tuple[str, Answer]


def _esc(text: str) -> str:
    """A file name or message made inert for the Markdown/HTML of status lines and toasts."""
    return html.escape(text, quote=True)


class Handlers:
    """Chat, summaries, uploads and the API endpoints for one pipeline and its settings."""

    def __init__(self, pipeline: PipelineLike, settings: Any) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self._texts: dict[tuple[str, str], str] = {}
        self.articles = Articles(pipeline, settings, self._texts)  # the Articles tab, sharing the text cache

    def article_text(self, article: str, language: str) -> str:
        """The article's text (cached until the next upload re-indexes)."""
        if (article, language) not in self._texts:
            self._texts[article, language] = self.pipeline.article_text(article, language)
        return self._texts[article, language]

    def article_choices(self, lang: str = "en") -> list[tuple[str, str]]:
        """(headline, id) of every indexed article, computed now (never cached: uploads appear at once)."""
        return [(info.title(lang), info.article) for info in self.pipeline.articles()]

    def show_question(self, question: str, messages: list[Message] | None) -> tuple[list[Message], str, str]:
        """Put the question on screen at once, before the queue: (messages, textbox, pending question).

        The answer slot shows a waiting mark (and Gradio the place in the queue)
        until `answer_pending` runs; a refused question stays in the box.
        """
        messages = list(messages or [])
        try:
            question = check_question(question, self.settings.max_question_chars)
        except UsageError as err:
            gr.Warning(str(err))
            return messages, question, ""
        messages += [
            {"role": "user", "content": render.user_html(question)},
            {"role": "assistant", "content": render.partial_html("")},
        ]
        return messages, "", question

    def answer_pending(
        self, pending: str, article: str | None, messages: list[Message] | None, turns: list[Turn] | None
    ) -> Iterator[tuple[Any, ...]]:
        """The queued half of a chat turn started by `show_question`: yields (messages, turns, evidence).

        It leaves the text box alone, so the user can type the next question meanwhile.
        """
        if pending:
            for messages_, _box, turns_, evidence in self.chat(pending, article, messages, turns, shown=True):
                yield messages_, turns_, evidence

    def chat(
        self,
        question: str,
        article: str | None,
        messages: list[Message] | None,
        turns: list[Turn] | None,
        shown: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat; yields (messages, textbox, turns, evidence).

        The previous exchanges go to `pipeline.ask(history=...)`, which makes a
        follow-up standalone; the evidence panel updates when the answer is complete.
        With `shown`, the question and its waiting slot are already the last two messages.
        """
        messages, turns = list(messages or []), list(turns or [])
        if not shown:
            messages, box, question = self.show_question(question, messages)
            if not question:
                yield messages, box, turns, gr.skip()
                return
        turn = len(turns)
        yield list(messages), "", list(turns), gr.skip()
        history = [(q, a.answer) for q, a in turns[-HISTORY_TURNS:]]
        scope = None if article in (None, "", ALL_ARTICLES) else article
        try:
            for step in stream_answer(self.pipeline, question, article=scope, history=history):
                if step.answer is None:
                    messages[-1] = {"role": "assistant", "content": render.partial_html(step.text)}
                    yield list(messages), "", list(turns), gr.skip()
                    continue
                turns.append((question, step.answer))
                html = render.answer_html(step.answer, turn, step.tokens, step.seconds)
                messages[-1] = {"role": "assistant", "content": html}
                yield list(messages), "", list(turns), render.evidence_html(turns, self.article_text)
        except KhabarError as err:
            messages[-1] = {"role": "assistant", "content": render.error_html(str(err))}
            yield list(messages), "", list(turns), gr.skip()
        except Exception as exc:  # a message in the chat, never a bare "Error" toast
            logging.getLogger(__name__).exception("chat failed")
            message = f"The question could not be answered ({type(exc).__name__}); the server log has the details."
            messages[-1] = {"role": "assistant", "content": render.error_html(message)}
            yield list(messages), "", list(turns), gr.skip()

    def clear(self) -> tuple[list[Any], list[Any], str]:
        """A new conversation: empty chat, no history, empty evidence panel."""
        return [], [], render.evidence_html([], self.article_text)

    def _summarize(
        self, article: str | None, refresh: bool, progress: gr.Progress, lang: str = "en"
    ) -> Iterator[tuple[Any, ...]]:
        """Both summaries as they grow: the Urdu one at once, then each English
        point, the progress bar moving per step; the Markdown file at the end.
        The page's own words are in `lang`, the interface language."""
        if not article:
            raise gr.Error(t("summary.choose", lang))
        progress(0.0, desc=t("summary.regenerating" if refresh else "summary.loading", lang))
        try:
            for step in self.pipeline.summarize_stream(article, "both", refresh=refresh):
                progress(step.fraction, desc=step.stage)
                result = step.result
                pending = "" if step.done else step.stage
                if step.done:
                    folder = Path(tempfile.mkdtemp(prefix="khabar-summary-"))
                    path = inside(folder, folder / f"{id_file_stem(result.article)}-summary.md")
                    path.write_text(render.summary_markdown(result), encoding="utf-8")
                    download: Any = gr.DownloadButton(value=str(path), interactive=True)
                else:
                    download = gr.DownloadButton(interactive=False)
                yield (
                    render.summary_html(
                        result.summaries.get("ur"), "ur", "" if "ur" in result.summaries else pending, lang
                    ),
                    render.summary_html(result.summaries.get("en"), "en", pending, lang),
                    render.consistency_html(result.consistency, lang) if step.done else "",
                    download,
                )
        except KhabarError as err:
            raise gr.Error(str(err)) from None

    def summarize(
        self, article: str | None, lang: str = "en", progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, ...]]:
        """Both summaries (cached if the pipeline has them), consistency warnings, a Markdown file."""
        yield from self._summarize(article, False, progress, lang)

    def regenerate(
        self, article: str | None, lang: str = "en", progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, ...]]:
        """As `summarize`, but generated afresh."""
        yield from self._summarize(article, True, progress, lang)

    def add_article(self, file_path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Validate, save and index one uploaded article (English messages); a refused file changes nothing.

        Returns (status, article table rows, chat picker, summary picker); the page
        itself uses `add_articles` (several files, the interface language)."""
        status, _ = self.articles.add(file_path, "en", progress)
        choices = self.article_choices()
        infos = self.pipeline.articles()
        return (
            status,
            rows(infos, "en", Path(self.settings.uploads_dir)),
            gr.Dropdown(choices=[("All articles", ALL_ARTICLES), *choices]),
            gr.Dropdown(choices=choices),
        )

    def api_ask(self, question: str, article: str = "") -> dict[str, Any]:
        """Answer one question (no chat history): the same JSON as `khabar ask --json`."""
        try:
            question = check_question(question, self.settings.max_question_chars)
            scope = None if article in ("", ALL_ARTICLES) else article
            return self.pipeline.ask(question, article=scope).to_json()
        except KhabarError as err:
            raise gr.Error(str(err)) from None
        except Exception as exc:  # never `{"error": null}`: say what failed, without a traceback
            logging.getLogger(__name__).exception("api_ask failed")
            raise gr.Error(f"The question could not be answered ({type(exc).__name__}); the server log has the details.") from None

    def api_summarize(self, article: str = "", refresh: bool = False) -> dict[str, Any]:
        """Both summaries of one article: the same JSON as `khabar summarize --json`."""
        try:
            return self.pipeline.summarize(article or None, "both", refresh=refresh).to_json()
        except KhabarError as err:
            raise gr.Error(str(err)) from None
        except Exception as exc:
            logging.getLogger(__name__).exception("api_summarize failed")
            raise gr.Error(f"The summary could not be made ({type(exc).__name__}); the server log has the details.") from None
