"""The functions behind the page's events, as methods of one object around a pipeline.

Kept apart from the layout (`app.py`) so tests call them directly with a fake
pipeline: `Handlers(FakePipeline(), settings).chat(...)` is the chat function.
The chat's handlers take `lang`, the interface language the page's switch holds
(a `gr.State`): every word the app itself says comes from ui/i18n.py in it. The
answers keep the question's language, as the pipeline writes them.
"""

from __future__ import annotations

import html
import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag import lang as languages
from rag.errors import KhabarError, UsageError
from rag.paths import id_file_stem, inside
from rag.pipeline import PipelineLike
from rag.types import Answer, SummaryResult

from . import render
from .articles import Articles, choices, rows
from .chat import answer_from_json, check_question, markdown_export, stream_answer
from .i18n import DEFAULT_LANG, lang_of, t
from .progress import creep, summary_stage, with_heartbeat

ALL_ARTICLES = "__all__"
HISTORY_TURNS = 4  # follow-ups see this many previous exchanges: enough context, a bounded prompt
EXPORTS_KEPT = 64  # Markdown exports kept on disk (each answer writes one; Gradio serves its own copy)

Message = dict[str, str]
Turn = tuple[str, Answer]


def content_of(message: dict[str, Any]) -> str:
    """A chat message's HTML: Gradio hands messages back with `content` as a list of
    {"text": ..., "type": "text"} parts; the handlers write it as one string."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


def plain_messages(messages: list[Any] | None) -> list[Message]:
    """Messages as {"role", "content": html} (see `content_of`); other roles dropped."""
    return [
        {"role": str(m["role"]), "content": content_of(m)}
        for m in messages or []
        if isinstance(m, dict) and m.get("role") in ("user", "assistant")
    ]


def _esc(text: str) -> str:
    """A file name or message made inert for the Markdown/HTML of status lines and toasts."""
    return html.escape(text, quote=True)


def _coming(result: SummaryResult, code: str) -> bool:
    """Whether a summary is still to come or to grow (the progress note goes
    under it): not made yet, or written point by point by the model. An
    extractive summary or a refusal is made in one step."""
    summary = result.summaries.get(code)
    return summary is None or summary.method == "abstractive"


class Handlers:
    """Chat, summaries, uploads and the API endpoints for one pipeline and its settings."""

    def __init__(self, pipeline: PipelineLike, settings: Any) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self._texts: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._stops: dict[str, threading.Event] = {}  # per browser session: the Stop button's flag
        self._asked: set[str] = set()  # article scopes asked about since the server started
        self._exports: Path | None = None  # the folder of the conversations' Markdown exports
        self.articles = Articles(pipeline, settings, self._texts)  # the Articles tab, sharing the text cache
        # the Summary tab's boxes, one per language with a pack (in registry order: Urdu, English)
        self.summary_languages = languages.codes()

    def article_text(self, article: str, language: str) -> str:
        """The article's text (cached until the next upload re-indexes)."""
        if (article, language) not in self._texts:
            self._texts[article, language] = self.pipeline.article_text(article, language)
        return self._texts[article, language]

    def page(self, lang: Any = DEFAULT_LANG) -> render.Page:
        """How the HTML is made for a page in `lang`: its words, articles named by headline."""
        return render.Page(lang_of(lang), self.articles.headline)

    def evidence(self, turns: list[Turn] | None, lang: Any = DEFAULT_LANG) -> str:
        """The evidence panel for the conversation so far (also redrawn when the language changes)."""
        return render.evidence_html(list(turns or []), self.article_text, page=self.page(lang))

    def show_question(self, question: str, messages: list[Message] | None, lang: Any = DEFAULT_LANG) -> tuple[Any, ...]:
        """Put the question on screen at once: (messages, textbox, pending question).

        The answer slot says "Searching the article…" until `answer_pending` runs.
        An empty or too long question changes nothing on screen (the conversation
        stays), stays in the box, and a warning in `lang` says why.
        """
        messages = plain_messages(messages)
        try:
            question = check_question(question, self.settings.max_question_chars, lang_of(lang))
        except UsageError as err:
            gr.Warning(str(err), title=t("toast.warning", lang))  # the title for Gradio versions that show it
            return gr.skip(), gr.skip(), ""
        messages += [
            {"role": "user", "content": render.user_html(question)},
            {"role": "assistant", "content": render.partial_html("", t("chat.searching", lang))},
        ]
        return messages, "", question

    def answer_pending(
        self,
        pending: str,
        article: str | None,
        messages: list[Message] | None,
        turns: list[Turn] | None,
        lang: Any = DEFAULT_LANG,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """The queued half of a chat turn started by `show_question`: yields (messages, turns, evidence).

        It leaves the text box alone, so the user can type the next question meanwhile.
        Without a pending question (it was refused) nothing changes.
        """
        if not pending:
            yield gr.skip(), gr.skip(), gr.skip()
            return
        stop = self._stop_flag(request)
        steps = self.chat(pending, article, messages, turns, shown=True, stop=stop, lang=lang)
        for messages_, _box, turns_, evidence in steps:
            yield messages_, turns_, evidence

    def _stop_flag(self, request: gr.Request | None) -> threading.Event:
        """A fresh Stop flag for this browser session's next answer."""
        flag = threading.Event()
        key = getattr(request, "session_hash", None) or ""
        with self._lock:
            self._stops[key] = flag
        return flag

    def stop(self, messages: list[Message] | None, lang: Any = DEFAULT_LANG, request: gr.Request | None = None) -> Any:
        """The Stop button: end this session's answer (the model stops at its next token)
        and mark what had arrived as stopped; the question is not added to the history."""
        key = getattr(request, "session_hash", None) or ""
        with self._lock:
            flag = self._stops.pop(key, None)
        if flag is not None:
            flag.set()
        messages = plain_messages(messages)
        if messages and messages[-1]["role"] == "assistant" and "kh-streaming" in messages[-1]["content"]:
            messages[-1] = {"role": "assistant", "content": render.stopped_html(messages[-1]["content"], self.page(lang))}
            return messages
        return gr.skip()

    def _status(self, scope: str | None, lang: str) -> str:
        """The waiting line: searching, and on the first question about an article in this
        server, that the model reads it first."""
        key = scope or ALL_ARTICLES
        with self._lock:
            first = key not in self._asked
            self._asked.add(key)
        return t("chat.searching", lang) + ("\n" + t("chat.first_read", lang) if first else "")

    def _found(self, question: str, scope: str | None, history: list[tuple[str, str]], page: render.Page) -> str:
        """The retrieved passages as evidence, before the answer is written ("" if the pipeline cannot say)."""
        retrieve = getattr(self.pipeline, "retrieve", None)
        if retrieve is None:
            return ""
        try:
            from rag.conversation import standalone
            from rag.text import detect_language

            query = standalone(question, history, detect_language).text
            hits = retrieve(query, article=scope)
        except Exception:  # only a preview: the answer itself reports any error
            logging.getLogger(__name__).debug("retrieval preview failed", exc_info=True)
            return ""
        passages = [(h.passage.article, h.passage.language, h.passage.text) for h in hits[:4]]
        return render.retrieved_html(question, passages, page) if passages else ""

    def chat(
        self,
        question: str,
        article: str | None,
        messages: list[Message] | None,
        turns: list[Turn] | None,
        shown: bool = False,
        stop: threading.Event | None = None,
        lang: Any = DEFAULT_LANG,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat; yields (messages, textbox, turns, evidence).

        The answer slot says "Searching the article…" (and, the first time for an
        article, that the model reads it first); the evidence panel shows the
        retrieved passages as soon as retrieval ends, then the answer's evidence.
        The previous exchanges go to `pipeline.ask(history=...)`, which makes a
        follow-up standalone. With `shown`, the question and its waiting slot are
        already the last two messages. `stop` (the Stop button) ends it. The app's own
        words (status, notes, evidence headings, errors) are in `lang`.
        """
        page = self.page(lang)
        messages, turns = plain_messages(messages), list(turns or [])
        if not shown:
            shown_messages, box, question = self.show_question(question, messages, page.lang)
            if not question:
                yield messages, box, turns, gr.skip()
                return
            messages = shown_messages
        turn = len(turns)
        history = [(q, a.answer) for q, a in turns[-HISTORY_TURNS:]]
        scope = None if article in (None, "", ALL_ARTICLES) else article
        status = self._status(scope, page.lang)
        messages[-1] = {"role": "assistant", "content": render.partial_html("", status)}
        yield list(messages), "", list(turns), gr.skip()
        found = self._found(question, scope, history, page)
        if stop is not None and stop.is_set():
            return
        if found:
            yield list(messages), "", list(turns), render.evidence_html(turns, self.article_text, pending=found, page=page)
        try:
            for step in stream_answer(self.pipeline, question, article=scope, history=history, stop=stop):
                if step.answer is None:
                    messages[-1] = {"role": "assistant", "content": render.partial_html(step.text)}
                    yield list(messages), "", list(turns), gr.skip()
                    continue
                turns.append((question, step.answer))
                messages[-1] = {"role": "assistant", "content": render.answer_html(step.answer, turn, page=page)}
                yield list(messages), "", list(turns), render.evidence_html(turns, self.article_text, page=page)
        except KhabarError as err:
            messages[-1] = {"role": "assistant", "content": render.error_html(str(err))}
            yield list(messages), "", list(turns), render.evidence_html(turns, self.article_text, page=page)
        except Exception as exc:  # a message in the chat, never a bare "Error" toast
            logging.getLogger(__name__).exception("chat failed")
            message = page.t("chat.failed", error=type(exc).__name__)
            messages[-1] = {"role": "assistant", "content": render.error_html(message)}
            yield list(messages), "", list(turns), render.evidence_html(turns, self.article_text, page=page)

    def clear(self, lang: Any = DEFAULT_LANG) -> tuple[list[Any], list[Any], str]:
        """A new conversation: empty chat, no history, empty evidence panel."""
        return [], [], self.evidence([], lang)

    def cleared_note(self, article: str | None, lang: Any = DEFAULT_LANG) -> str:
        """The note that the chat was cleared because the article changed, naming the article by headline."""
        page = self.page(lang)
        if article in (None, "", ALL_ARTICLES):
            text = page.html("chat.cleared_all")
        else:
            text = page.html("chat.cleared", title=self.articles.headline(str(article), page.lang))
        return f'<p class="kh-note" dir="{page.dir}">{text}</p>'

    def article_changed(self, article: str | None, messages: list[Message] | None, lang: Any = DEFAULT_LANG) -> tuple[Any, ...]:
        """Another article chosen: a new conversation, and a note that says so
        (outputs: messages, turns, evidence, note)."""
        note = self.cleared_note(article, lang) if messages else ""
        return [], [], self.evidence([], lang), note

    def undo(self, messages: list[Message] | None, turns: list[Turn] | None, lang: Any = DEFAULT_LANG) -> tuple[Any, ...]:
        """Remove the last exchange and put its question back in the box to edit
        (outputs: messages, turns, evidence, textbox)."""
        messages, turns = plain_messages(messages), list(turns or [])
        if len(messages) < 2:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        user, reply = messages[-2], messages[-1]
        del messages[-2:]
        if turns and render.finished(reply["content"]):
            turns.pop()  # a finished answer was in the history; a stopped or failed one never was
        return messages, turns, self.evidence(turns, lang), render.question_text(user["content"])

    def retry(self, messages: list[Message] | None, turns: list[Turn] | None, lang: Any = DEFAULT_LANG) -> tuple[Any, ...]:
        """Ask the last question again (outputs: messages, turns, evidence, pending question)."""
        messages_, turns_, evidence, question = self.undo(messages, turns, lang)
        if not isinstance(question, str) or not question:
            return gr.skip(), gr.skip(), gr.skip(), ""
        messages_ += [
            {"role": "user", "content": render.user_html(question)},
            {"role": "assistant", "content": render.partial_html("", t("chat.searching", lang))},
        ]
        return messages_, turns_, evidence, question

    def example(self, event: gr.SelectData) -> str:
        """An example question picked on the empty chat, as the question to ask."""
        value = event.value
        return str(value.get("text", "") if isinstance(value, dict) else value or "")

    def save(
        self, messages: list[Message] | None, turns: list[Turn] | None, lang: Any = DEFAULT_LANG
    ) -> tuple[dict[str, Any], Any]:
        """The conversation as JSON for the browser's localStorage (kept across reloads),
        and the Markdown export of it for the Export button."""
        data = {"messages": plain_messages(messages), "turns": [[q, a.to_json()] for q, a in (turns or [])]}
        return data, self.export(turns, lang)

    def restore(self, saved: dict[str, Any] | None, lang: Any = DEFAULT_LANG) -> tuple[Any, ...]:
        """The conversation saved in this browser, back on the page (outputs: messages, turns, evidence);
        with none, the empty evidence panel in `lang`."""
        empty = gr.skip(), gr.skip(), self.evidence([], lang)
        if not isinstance(saved, dict) or not saved.get("messages"):
            return empty
        try:
            turns = [(str(q), answer_from_json(a)) for q, a in saved.get("turns", [])]
            messages = plain_messages(saved["messages"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return empty
        if messages and "kh-streaming" in messages[-1]["content"]:
            messages[-1] = {"role": "assistant", "content": render.stopped_html(messages[-1]["content"], self.page(lang))}
        return messages, turns, self.evidence(turns, lang)

    def export(self, turns: list[Turn] | None, lang: Any = DEFAULT_LANG) -> Any:
        """The Export button: the conversation as a Markdown file with its citations (off while empty)."""
        if not turns:
            return gr.DownloadButton(value=None, interactive=False)
        with self._lock:
            if self._exports is None:
                self._exports = Path(tempfile.mkdtemp(prefix="khabar-chat-"))
            folder = self._exports
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix="khabar-conversation-", suffix=".md", delete=False
        ) as out:
            out.write(markdown_export(turns, self.page(lang)))
        # Gradio copies the file into its own cache when it is returned: keep only the latest few here
        for old in sorted(folder.glob("*.md"), key=lambda p: p.stat().st_mtime)[:-EXPORTS_KEPT]:
            old.unlink(missing_ok=True)
        return gr.DownloadButton(value=out.name, interactive=True)

    def _summarize(
        self, article: str | None, refresh: bool, progress: gr.Progress, lang: str = DEFAULT_LANG
    ) -> Iterator[tuple[Any, ...]]:
        """The summaries as they grow, one output per `summary_languages`: the
        Urdu one at once, then each English point, the progress bar moving per
        step; then the consistency note and the Markdown file at the end.
        The page's own words are in `lang`, the interface language."""
        if not article:
            raise gr.Error(t("summary.choose", lang))
        stage = t("summary.regenerating" if refresh else "summary.loading", lang)
        headline = self.articles.headline
        done = 0.0
        progress(0.0, desc=stage)

        def tick(seconds: float) -> None:  # the bar moves and the time shows while a step runs
            progress(creep(done, seconds), desc=t("summary.waited", lang, stage=stage, seconds=f"{seconds:.0f}"))

        try:
            for step in with_heartbeat(self.pipeline.summarize_stream(article, "both", refresh=refresh), tick):
                done = step.fraction
                stage = summary_stage(step, lang)
                progress(step.fraction, desc=stage)
                result = step.result
                pending = "" if step.done else stage
                if step.done:
                    folder = Path(tempfile.mkdtemp(prefix="khabar-summary-"))
                    path = inside(folder, folder / f"{id_file_stem(result.article)}-summary.md")
                    path.write_text(render.summary_markdown(result), encoding="utf-8")
                    download: Any = gr.DownloadButton(value=str(path), interactive=True)
                else:
                    download = gr.DownloadButton(interactive=False)
                yield (
                    *(
                        render.summary_html(
                            result.summaries.get(code), code, pending if _coming(result, code) else "", lang, headline
                        )
                        for code in self.summary_languages
                    ),
                    render.consistency_html(result.consistency, lang) if step.done else "",
                    download,
                )
        except KhabarError as err:
            raise gr.Error(str(err)) from None

    def summarize(
        self, article: str | None, lang: str = DEFAULT_LANG, progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, ...]]:
        """Both summaries (cached if the pipeline has them), consistency warnings, a Markdown file."""
        yield from self._summarize(article, False, progress, lang)

    def regenerate(
        self, article: str | None, lang: str = DEFAULT_LANG, progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, ...]]:
        """As `summarize`, but generated afresh."""
        yield from self._summarize(article, True, progress, lang)

    def add_article(self, file_path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Validate, save and index one uploaded article (English messages); a refused file changes nothing.

        Returns (status, article table rows, chat picker, summary picker); the page
        itself uses `add_articles` (several files, the interface language)."""
        status, _ = self.articles.add(file_path, DEFAULT_LANG, progress)
        infos = self.pipeline.articles()
        picks = choices(infos, DEFAULT_LANG)
        return (
            status,
            rows(infos, DEFAULT_LANG, Path(self.settings.uploads_dir)),
            gr.Dropdown(choices=[(t("chat.all_articles", DEFAULT_LANG), ALL_ARTICLES), *picks]),
            gr.Dropdown(choices=picks),
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
            raise gr.Error(t("chat.failed", DEFAULT_LANG, error=type(exc).__name__)) from None

    def api_summarize(self, article: str = "", refresh: bool = False) -> dict[str, Any]:
        """Both summaries of one article: the same JSON as `khabar summarize --json`."""
        try:
            return self.pipeline.summarize(article or None, "both", refresh=refresh).to_json()
        except KhabarError as err:
            raise gr.Error(str(err)) from None
        except Exception as exc:
            logging.getLogger(__name__).exception("api_summarize failed")
            raise gr.Error(t("summary.failed", DEFAULT_LANG, error=type(exc).__name__)) from None
