"""The Gradio page: Chat, Summary and Articles tabs around a pipeline object.

`build_app(pipeline)` knows only the `PipelineLike` protocol and the types in
`rag.types`, so tests pass a fake. `launch()` adds what a served page needs:
local CSS, JS and font (no CDN, no analytics, no share link), Gradio's queue
with the pipeline running one request at a time, and the bind/auth check.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no telemetry
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402

from rag import lang as languages  # noqa: E402
from rag.errors import UsageError  # noqa: E402
from rag.pipeline import PipelineLike  # noqa: E402

from . import render  # noqa: E402
from .articles import from_uploads, preview_html, title_of  # noqa: E402
from .feedback import Feedback  # noqa: E402
from .fonts import find_urdu_font  # noqa: E402
from .handlers import ALL_ARTICLES, Handlers  # noqa: E402
from .i18n import DEFAULT_LANG, LANGUAGES, gradio_i18n, label, lang_of, t, toast_css  # noqa: E402
from .typography import DEFAULT_STYLE, find_nastaliq, reading_css  # noqa: E402

STATIC = Path(__file__).resolve().parent / "static"
PIPELINE = "pipeline"  # one concurrency group: the models serve one request at a time
# "Khabar Urdu" covers Arabic script only (its unicode-range), so spaces, digits and punctuation
# fall to the next family: a Latin sans with an ordinary line box. With Nastaliq next (as before)
# they took its very tall line box: each highlighted sentence was two lines high and digits looked
# bold. Naskh, not Nastaliq, is the Arabic fallback: it keeps its legibility at small sizes.
FONT_STACK = '"Khabar Urdu", "Noto Sans", "Noto Naskh Arabic", "Noto Sans Arabic", system-ui, sans-serif'
ARABIC_RANGES = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF, U+200C-200F"


def _settings(pipeline: PipelineLike, settings: Any | None) -> Any:
    if settings is not None:
        return settings
    if getattr(pipeline, "settings", None) is not None:
        return pipeline.settings  # type: ignore[attr-defined]
    from rag.config import Settings

    return Settings()


def header_html(lang: str) -> str:
    """The page title and what the app does, in the interface language."""
    return (
        f'<div class="kh-header" dir="auto"><h1 style="margin:0">{render.esc(t("app.title", lang))}</h1>'
        f'<p class="kh-muted" dir="auto">{render.esc(t("app.tagline", lang))}</p></div>'
    )


def build_app(pipeline: PipelineLike, settings: Any | None = None) -> gr.Blocks:
    """The whole page around `pipeline`; `settings` defaults to the pipeline's or `Settings()`."""
    h = Handlers(pipeline, _settings(pipeline, settings))
    art = h.articles
    feedback = Feedback(Path(h.settings.feedback_path))
    # article lists are filled on each page load (`on_load`), never once here: uploads survive a reload
    with gr.Blocks(title="Khabar", analytics_enabled=False) as app:
        lang = gr.State(DEFAULT_LANG)  # the interface language, from the switch (a State: not a parameter of the API)
        with gr.Row(elem_id="kh-top", equal_height=False):
            header = gr.HTML(header_html(DEFAULT_LANG), elem_id="kh-header")
            lang_switch = gr.Radio(
                [(languages.get(code).native_name, code) for code in LANGUAGES],  # each in its own words
                value=DEFAULT_LANG,
                label=label("app.language"),
                elem_id="kh-lang",
                scale=0,
                min_width=160,
            )
            style_switch = gr.Radio(
                [("نسخ Naskh", "naskh"), ("نستعلیق Nastaliq", "nastaliq")],
                value=DEFAULT_STYLE,
                label=label("app.reading_style"),
                elem_id="kh-reading-style",
                scale=0,
                min_width=220,
            )
        with gr.Tabs():
            with gr.Tab(label("tab.chat"), id="chat"):
                with gr.Row(equal_height=False, elem_id="kh-chat-row"):
                    with gr.Column(scale=3, elem_id="kh-chat-col"):
                        picker = gr.Dropdown(
                            [(t("chat.all_articles", DEFAULT_LANG), ALL_ARTICLES)],
                            value=ALL_ARTICLES,
                            label=label("chat.article"),
                            elem_id="kh-article-picker",
                        )
                        note = gr.HTML("", elem_id="kh-chat-note")
                        chatbot = gr.Chatbot(
                            label=label("chat.conversation"),
                            elem_id="kh-chat",
                            height=520,
                            sanitize_html=True,
                            render_markdown=False,
                            feedback_options=("Like", "Dislike"),
                            buttons=[],  # each answer has its own Copy (plain text with citations, not HTML)
                            placeholder=label("chat.placeholder"),
                            examples=[{"text": q} for q in render.EXAMPLES],
                        )
                        with gr.Row(elem_id="kh-ask-row"):
                            box = gr.Textbox(
                                placeholder=label("chat.question"),
                                show_label=False,
                                scale=5,
                                max_length=h.settings.max_question_chars,
                                elem_id="kh-question",  # dir="auto" is set on its textarea (static/khabar.js)
                                autofocus=True,
                            )
                            send = gr.Button(label("chat.ask"), variant="primary", scale=1, elem_id="kh-ask")
                            stop = gr.Button(label("chat.stop"), variant="stop", scale=1, elem_id="kh-stop")
                        with gr.Row(elem_id="kh-chat-tools"):
                            retry = gr.Button(label("chat.retry"), size="sm", elem_id="kh-retry")
                            undo = gr.Button(label("chat.undo"), size="sm", elem_id="kh-undo")
                            new = gr.Button(label("chat.new"), size="sm", elem_id="kh-new")
                            export = gr.DownloadButton(
                                label("chat.export"), size="sm", interactive=False, elem_id="kh-export"
                            )
                    with gr.Column(scale=2, elem_id="kh-evidence-col"):
                        gr.Markdown(label("chat.evidence"), elem_classes=["kh-h3"])
                        evidence = gr.HTML(h.evidence([], DEFAULT_LANG), elem_id="kh-evidence")
                turns = gr.State([])
                pending = gr.State("")
                saved = gr.BrowserState({"messages": [], "turns": []}, storage_key="khabar-conversation")
                to_browser: dict[str, Any] = {"fn": h.save, "inputs": [chatbot, turns, lang], "outputs": [saved, export]}
                quick: dict[str, Any] = {"queue": False, "api_visibility": "private"}
                answering: dict[str, Any] = {
                    "fn": h.answer_pending,
                    "inputs": [pending, picker, chatbot, turns, lang],
                    "outputs": [chatbot, turns, evidence],
                    "concurrency_limit": 1,
                    "concurrency_id": PIPELINE,
                    "api_visibility": "undocumented",
                    "show_progress": "minimal",
                    "show_progress_on": [chatbot],
                }
                answers = []
                # the question goes on screen through the queue without a limit (so a refused one's
                # warning is shown), then the answer waits its turn for the models
                for trigger in (box.submit, send.click):
                    ask = trigger(
                        h.show_question, [box, chatbot, lang], [chatbot, box, pending],
                        concurrency_limit=None, api_visibility="private",
                    )
                    answers.append(ask.then(**answering))
                picked = chatbot.example_select(h.example, None, box, **quick).then(
                    h.show_question, [box, chatbot, lang], [chatbot, box, pending],
                    concurrency_limit=None, api_visibility="private",
                )
                answers.append(picked.then(**answering))
                retried = retry.click(h.retry, [chatbot, turns, lang], [chatbot, turns, evidence, pending], **quick)
                answers.append(retried.then(**answering))
                for event in answers:
                    event.then(**to_browser, **quick)
                stop.click(h.stop, [chatbot, lang], chatbot, cancels=answers, **quick).then(**to_browser, **quick)
                undo.click(h.undo, [chatbot, turns, lang], [chatbot, turns, evidence, box], cancels=answers, **quick).then(
                    **to_browser, **quick
                )
                for cleared in (new.click, chatbot.clear):  # the button and the chat's trash icon: a full reset
                    cleared(h.clear, lang, [chatbot, turns, evidence], cancels=answers, **quick).then(
                        lambda: "", None, note, **quick
                    ).then(**to_browser, **quick)
                picker.input(
                    h.article_changed, [picker, chatbot, lang], [chatbot, turns, evidence, note], cancels=answers, **quick
                ).then(**to_browser, **quick)

            with gr.Tab(label("tab.summary"), id="summary"):
                with gr.Row():
                    sum_article = gr.Dropdown([], value=None, label=label("summary.article"), scale=3, elem_id="kh-sum-article")
                    show = gr.Button(label("summary.make"), variant="primary", scale=1, elem_id="kh-summarise")
                    regen = gr.Button(label("summary.regenerate"), scale=1, elem_id="kh-regenerate")
                    download = gr.DownloadButton(label("summary.download"), interactive=False, scale=1)
                warnings = gr.HTML("")
                with gr.Row(equal_height=False, elem_id="kh-summaries"):
                    boxes = [
                        gr.HTML(render.summary_html(None, code), elem_id=f"kh-summary-{code}") for code in h.summary_languages
                    ]
                sum_outputs = [*boxes, warnings, download]
                show.click(
                    h.summarize,
                    [sum_article, lang],
                    sum_outputs,
                    concurrency_limit=1,
                    concurrency_id=PIPELINE,
                    api_visibility="undocumented",
                )
                regen.click(
                    h.regenerate,
                    [sum_article, lang],
                    sum_outputs,
                    concurrency_limit=1,
                    concurrency_id=PIPELINE,
                    api_visibility="undocumented",
                )

            with gr.Tab(label("tab.articles"), id="articles"):
                table = gr.Dataframe(
                    [],
                    headers=["", "", "", "", "", "", ""],
                    interactive=False,
                    wrap=True,
                    elem_id="kh-articles",
                )
                # no `file_types`: Gradio's own "Invalid file type: NAME" toast renders the
                # file name as HTML. The picker is filtered by `accept` (static/khabar.js)
                # and the type is checked on the server, whose message is escaped.
                upload = gr.File(
                    label=label("articles.upload"),
                    type="filepath",
                    file_count="multiple",
                    elem_id="kh-upload",
                )
                add = gr.Button(label("articles.add"), variant="primary", elem_id="kh-add")
                status = gr.Markdown("", elem_id="kh-articles-status")
                with gr.Row(equal_height=True):
                    art_pick = gr.Dropdown([], value=None, label=label("articles.pick"), scale=4, elem_id="kh-art-pick")
                    delete = gr.Button(label("articles.delete"), variant="stop", scale=1, elem_id="kh-delete")
                with gr.Row(visible=False, elem_id="kh-delete-confirm") as confirm_row:
                    confirm_text = gr.Markdown("")
                    yes = gr.Button(label("articles.delete_yes"), variant="stop", scale=0, elem_id="kh-delete-yes")
                    no = gr.Button(label("articles.delete_no"), scale=0, elem_id="kh-delete-no")
                preview = gr.HTML(preview_html(None, art.text_of, DEFAULT_LANG), elem_id="kh-preview")

                lists = [table, picker, sum_article, art_pick]

                def add_articles(files: Any, ui_lang: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
                    text, added = art.add(files, ui_lang, progress)
                    keep = added[-1] if added else None
                    views, shown = art.views(ui_lang, keep)
                    return (text, *views, preview_html(art.info(shown), art.text_of, ui_lang), None)

                add.click(
                    add_articles,
                    [upload, lang],
                    [status, *lists, preview, upload],
                    concurrency_limit=1,
                    concurrency_id=PIPELINE,
                    api_name="add_article",
                    api_visibility="undocumented",
                )
                art_pick.change(
                    lambda a, ui_lang: (preview_html(art.info(a), art.text_of, ui_lang), gr.Row(visible=False)),
                    [art_pick, lang],
                    [preview, confirm_row],
                    queue=False,
                    api_visibility="private",
                )

                def ask_delete(article: str | None, ui_lang: str) -> tuple[Any, ...]:
                    info = art.info(article)
                    if info is None:
                        return gr.Row(visible=False), "", "⚠ " + t("articles.preview_empty", ui_lang)
                    if not from_uploads(info, art.uploads):
                        return gr.Row(visible=False), "", "⚠ " + t("articles.not_deletable", ui_lang, title=title_of(info, ui_lang))
                    return gr.Row(visible=True), t("articles.delete_confirm", ui_lang, title=title_of(info, ui_lang)), ""

                delete.click(ask_delete, [art_pick, lang], [confirm_row, confirm_text, status], queue=False, api_visibility="private")
                no.click(lambda: gr.Row(visible=False), None, confirm_row, queue=False, api_visibility="private")

                def do_delete(article: str | None, ui_lang: str) -> tuple[Any, ...]:
                    text = art.delete(article, ui_lang)
                    views, shown = art.views(ui_lang)
                    return (text, gr.Row(visible=False), *views, preview_html(art.info(shown), art.text_of, ui_lang))

                yes.click(
                    do_delete,
                    [art_pick, lang],
                    [status, confirm_row, *lists, preview],
                    concurrency_limit=1,
                    concurrency_id=PIPELINE,
                    api_visibility="private",
                )

        chatbot.like(feedback.rate, [chatbot, turns, picker, lang], None, queue=False, api_visibility="private")

        def on_load(switch: str | None) -> tuple[Any, ...]:
            """Each page load (and each switch of language): the article lists read from the index
            now, and the words made on the server in the chosen language."""
            ui_lang = lang_of(switch)
            views, picked = art.views(ui_lang, first_summary=True)
            return (
                ui_lang,
                gr.Radio(value=ui_lang),
                header_html(ui_lang),
                *views,
                preview_html(art.info(picked), art.text_of, ui_lang),
                *(render.summary_html(None, code, ui_lang=ui_lang) for code in h.summary_languages),
            )

        load_outputs = [lang, lang_switch, header, *lists, preview, *boxes]
        # the saved conversation comes back once the language is known (its evidence is drawn in it)
        app.load(
            on_load,
            [lang_switch],
            load_outputs,
            js="async (s) => [await window.khabarApplyLang(window.khabarInitialLang(), false)]",
            queue=False,
            api_visibility="private",
        ).then(h.restore, [saved, lang], [chatbot, turns, evidence], **quick).then(**to_browser, **quick)
        lang_switch.input(
            on_load,
            [lang_switch],
            load_outputs,
            js="async (s) => [await window.khabarApplyLang(s, true)]",
            queue=False,
            api_visibility="private",
        ).then(h.evidence, [turns, lang], evidence, **quick)
        style_switch.input(None, [style_switch], None, js="(s) => { window.khabarApplyStyle(s, true); }")
        app.load(None, None, [style_switch], js="() => window.khabarInitialStyle()")

        gr.api(h.api_ask, api_name="ask", concurrency_limit=1, concurrency_id=PIPELINE)
        gr.api(h.api_summarize, api_name="summarize", concurrency_limit=1, concurrency_id=PIPELINE)
    app.queue(default_concurrency_limit=1, max_size=64)
    return app


def page_assets() -> dict[str, Any]:
    """launch() keyword arguments for the page: local CSS with the Urdu font, JS, a theme with no web fonts."""
    css = (STATIC / "khabar.css").read_text(encoding="utf-8")
    font = find_urdu_font()
    allowed: list[str] = []
    if font is not None:
        allowed.append(str(font.path))
        css = (
            f'@font-face {{ font-family: "Khabar Urdu"; src: url("/gradio_api/file={quote(str(font.path))}"); '
            f"font-display: swap; unicode-range: {ARABIC_RANGES}; }}\n" + css
        )
    css = f":root {{ --kh-font: {FONT_STACK}; }}\n" + css
    nastaliq = find_nastaliq()  # the Nastaliq reading style (ui/typography.py)
    if nastaliq is not None:
        allowed.append(str(nastaliq))
    css += "\n" + reading_css(nastaliq) + "\n" + toast_css()
    theme = gr.themes.Default(
        font=["Khabar Urdu", "ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )
    return {
        "css": css,
        "js": "() => { ("
        + (STATIC / "khabar.js").read_text(encoding="utf-8")
        + ")(); ("
        + (STATIC / "khabar_lang.js").read_text(encoding="utf-8")
        + ")(); }",
        "i18n": gradio_i18n(),
        "theme": theme,
        "allowed_paths": allowed,
    }


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: str | None = None, insecure: bool = False) -> tuple[str, str] | None:
    """Check `--host/--auth/--insecure`; return Gradio's (user, password) or None.

    Binding to anything but loopback needs `--auth USER:PASSWORD` or `--insecure`
    (which prints a warning to stderr). Raises UsageError with the fix otherwise.
    """
    credentials: tuple[str, str] | None = None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise UsageError("--auth must be USER:PASSWORD (both non-empty), e.g. --auth editor:s3cret")
        credentials = (user, password)
    if not _is_loopback(host) and credentials is None:
        if not insecure:
            raise UsageError(
                f"Binding to {host} makes the app reachable from other machines: add --auth USER:PASSWORD, "
                "or --insecure to serve it without a password, or bind to 127.0.0.1."
            )
        print(
            f"WARNING: serving on {host} with no password (--insecure): anyone who can reach this "
            "machine can use the app.",
            file=sys.stderr,
        )
    return credentials


class LoginGuard:
    """Gradio's login check for one USER:PASSWORD, with throttling.

    Gradio calls it with (username, password) and does not say which client
    asks, so failures are counted for the whole server: after `free` failures
    in a row the login is locked for `base_lock` seconds, doubling with each
    further failure up to `max_lock`; while locked every attempt is refused
    unchecked, so parallel guesses gain nothing. Each checked failure also
    costs `delay` seconds. A success resets the count; comparisons are
    constant-time. `launch` hands Gradio the async `check` (Gradio's login
    route runs on the event loop: the delay must not block it); calling the
    object itself is the same check, blocking.
    """

    def __init__(
        self,
        user: str,
        password: str,
        *,
        free: int = 5,
        delay: float = 0.3,
        base_lock: float = 2.0,
        max_lock: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._user = user.encode("utf-8")
        self._password = password.encode("utf-8")
        self.free, self.delay, self.base_lock, self.max_lock = free, delay, base_lock, max_lock
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self.failures = 0
        self.checked = 0  # attempts whose password was compared
        self.locked_until = 0.0

    def _attempt(self, username: str, password: str) -> tuple[bool, float]:
        """(accepted, seconds to wait before answering)."""
        with self._lock:
            if self._clock() < self.locked_until:
                return False, 0.0
            self.checked += 1
            user_ok = hmac.compare_digest(str(username).encode("utf-8", "replace"), self._user)
            password_ok = hmac.compare_digest(str(password).encode("utf-8", "replace"), self._password)
            if user_ok and password_ok:
                self.failures = 0
                return True, 0.0
            self.failures += 1
            if self.failures >= self.free:
                lock = min(self.max_lock, self.base_lock * 2 ** (self.failures - self.free))
                self.locked_until = self._clock() + lock
                print(f"khabar: {self.failures} failed logins in a row; logins refused for {lock:.0f} s", file=sys.stderr)
            return False, self.delay

    def __call__(self, username: str, password: str) -> bool:
        accepted, wait = self._attempt(username, password)
        if wait:
            self._sleep(wait)
        return accepted

    async def check(self, username: str, password: str) -> bool:
        """The same check for Gradio's login route, waiting without blocking the event loop."""
        import asyncio

        accepted, wait = self._attempt(username, password)
        if wait:
            await asyncio.sleep(wait)
        return accepted


def launch(
    pipeline: PipelineLike,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    insecure: bool = False,
    *,
    settings: Any | None = None,
    block: bool = True,
) -> gr.Blocks:
    """Serve the app (what `khabar ui` runs); with `block=False` return once the server is up."""
    credentials = check_bind(host, auth, insecure)
    app = build_app(pipeline, settings)
    assets = page_assets()
    app.launch(
        server_name=host,
        server_port=port,
        # Gradio awaits an async auth function (routes.login) though its type hint names only sync ones
        auth=cast(Any, LoginGuard(*credentials).check) if credentials else None,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        ssr_mode=False,
        footer_links=["api"],
        max_file_size="10mb",
        quiet=not block,
        **assets,
    )
    return app
