"""Attacks on the app's handlers (issue 8, holes 6 and 10): bad bytes through
the API, throttled logins, file names rendered as HTML. The handlers are
called directly, as in tests/test_ui.py; one test goes through a launched app
with gradio_client."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import gradio as gr
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for fake_pipeline

from fake_models import ScriptedGenerator  # noqa: E402
from fake_pipeline import FakePipeline  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.embedding import HashEmbedder  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from ui.app import LoginGuard, launch  # noqa: E402
from ui.handlers import Handlers  # noqa: E402

REPLY = "Six children were rescued during the raid [2]."
ARTICLE = (
    "Police arrested a gang in Islamabad on Tuesday together with the NCCIA.\n"
    "During the raid in Muzaffargarh 6 children were rescued.\n"
    "The suspects sold the videos on the dark web.\n"
)


class StrictEmbedder(HashEmbedder):
    """Encodes its input as UTF-8 first, as the real embedder's tokenizer does."""

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        for t in texts:
            t.encode("utf-8")
        return super().embed_documents(texts)


@pytest.fixture
def real_handlers(tmp_path: Path) -> Handlers:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "raid.en.txt").write_text(ARTICLE, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", articles_dir=folder, models_dir=tmp_path / "m", cache_dir=tmp_path / "c")
    p = Pipeline(settings, embedder=StrictEmbedder(), generator=ScriptedGenerator([REPLY] * 5))
    p.index()
    return Handlers(p, settings)


def test_api_answers_a_question_with_a_lone_surrogate(real_handlers: Handlers) -> None:
    out = real_handlers.api_ask("How many children\ud800 were rescued during the raid?")
    assert out["answer"].startswith("Six children")


@pytest.mark.parametrize("question", ["\ud800", "\x00\x00", "\u202e\u2066\u2069", ""])
def test_api_gives_a_message_for_a_question_that_is_only_bad_bytes(real_handlers: Handlers, question: str) -> None:
    with pytest.raises(gr.Error) as info:
        real_handlers.api_ask(question)
    assert info.value.message and "question" in info.value.message.lower()


def test_api_turns_an_unexpected_failure_into_a_message(real_handlers: Handlers, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("TextEncodeInput must be Union[...]")

    monkeypatch.setattr(real_handlers.pipeline, "ask", broken)
    with pytest.raises(gr.Error) as info:
        real_handlers.api_ask("How many children were rescued?")
    assert "TypeError" in info.value.message


def test_api_through_gradio_client_never_returns_a_null_error(tmp_path: Path) -> None:
    import json

    import httpx
    from gradio_client import Client

    settings = Settings(articles_dir=tmp_path / "a", data_dir=tmp_path / "d", max_question_chars=200)
    app = launch(FakePipeline(token_delay=0), host="127.0.0.1", port=_free_port(), settings=settings, block=False)
    try:
        client = Client(app.local_url, verbose=False)
        with pytest.raises(Exception) as info:
            client.predict("\x00\u202e", "", api_name="/ask")
        assert "Type a question first" in str(info.value)
        # httpx cannot encode a lone surrogate, so the request is written by hand, as a hostile client would
        body = json.dumps({"data": ["On which day was the press conference\ud800 held?", ""]}, ensure_ascii=True)
        base = app.local_url.rstrip("/")
        event = httpx.post(f"{base}/gradio_api/call/ask", content=body, headers={"content-type": "application/json"}).json()["event_id"]
        stream = httpx.get(f"{base}/gradio_api/call/ask/{event}", timeout=30).text
        assert "event: complete" in stream, stream
        assert "Tuesday" in stream and "null" not in stream.split("event: complete", 1)[1][:20]
    finally:
        app.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- logins -----------------------------------------------------------------------------------


def test_forty_wrong_passwords_are_throttled() -> None:
    guard = LoginGuard("editor", "s3cret")
    t0 = time.perf_counter()
    results = [guard("editor", f"guess{i}") for i in range(40)]
    elapsed = time.perf_counter() - t0
    assert not any(results)
    assert elapsed >= 1.4  # 5 checked failures at 0.3 s each; unthrottled, 40 took 1.4 s in total over HTTP
    assert guard.checked <= 6  # the rest were refused unchecked: locked
    guard("editor", "guess41")  # renews the lock if a slow machine let it run out
    assert guard("editor", "s3cret") is False  # even the right password waits out the lock


def test_forty_wrong_logins_over_http_are_throttled(tmp_path: Path) -> None:
    import httpx

    settings = Settings(articles_dir=tmp_path / "a", data_dir=tmp_path / "d")
    app = launch(FakePipeline(token_delay=0), host="127.0.0.1", port=_free_port(), auth="editor:s3cret", settings=settings, block=False)
    try:
        base = app.local_url.rstrip("/")
        t0 = time.perf_counter()
        codes = [httpx.post(f"{base}/login", data={"username": "editor", "password": f"guess{i}"}).status_code for i in range(40)]
        elapsed = time.perf_counter() - t0
        assert set(codes) == {400}
        assert elapsed >= 1.4, elapsed  # unthrottled, these 40 took well under that
        # locked: even the right password is refused until the lock runs out. A failure that was checked
        # (it answers only after the 0.3 s delay; one refused unchecked while locked answers at once)
        # renews the lock for at least 4 s, so the right password sent right after it must be refused;
        # sending it after any wrong guess raced the lock's end on a loaded machine.
        deadline = time.perf_counter() + 60  # the lock after 40 requests is at most a few doublings of 2 s
        while True:
            t = time.perf_counter()
            httpx.post(f"{base}/login", data={"username": "editor", "password": "again"})
            if time.perf_counter() - t >= 0.3:
                break
            assert t < deadline, "no failure was checked within 60 s"
            time.sleep(0.05)
        assert httpx.post(f"{base}/login", data={"username": "editor", "password": "s3cret"}).status_code == 400
    finally:
        app.close()


def test_lock_grows_and_a_success_resets_it() -> None:
    now = [0.0]
    guard = LoginGuard("editor", "s3cret", clock=lambda: now[0], sleep=lambda s: None)
    for _ in range(5):
        assert guard("editor", "wrong") is False
    first = guard.locked_until - now[0]
    now[0] = guard.locked_until
    assert guard("editor", "wrong") is False
    assert guard.locked_until - now[0] == 2 * first
    now[0] = guard.locked_until
    assert guard("editor", "s3cret") is True and guard.failures == 0
    assert guard("someone", "s3cret") is False  # the user name is checked too


# --- file names in messages -------------------------------------------------------------------

EVIL = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(("name", "content"), [(f"{EVIL}.txt", b""), (f"{EVIL}.pdf", b"text"), (f"{EVIL}.txt", b"\x00\x01")])
def test_upload_messages_never_carry_html_from_a_file_name(tmp_path: Path, name: str, content: bytes) -> None:
    settings = Settings(articles_dir=tmp_path / "articles", data_dir=tmp_path / "data")
    handlers = Handlers(FakePipeline(token_delay=0), settings)
    src = tmp_path / "up" / name
    src.parent.mkdir()
    src.write_bytes(content)
    status, *_ = handlers.add_article(str(src), progress=lambda *a, **k: None)
    assert status.startswith("✗")
    assert "<img" not in status and "&lt;img" in status


def test_chat_shows_a_message_for_an_unexpected_failure(real_handlers: Handlers, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("TextEncodeInput must be Union[...]")

    monkeypatch.setattr(real_handlers.pipeline, "ask", broken)
    *_, last = list(real_handlers.chat("How many children were rescued?", None, [], []))
    messages = last[0]
    assert "could not be answered (TypeError)" in messages[-1]["content"]


def test_chat_question_of_bidi_controls_is_refused_as_empty(real_handlers: Handlers) -> None:
    messages, box, pending = real_handlers.show_question("\u202e\u2066\x00", [])
    assert pending == "" and messages == {"__type__": "update"}  # nothing asked; the chat is left as it is


def test_gradio_never_checks_the_upload_type_in_the_browser() -> None:
    """Gradio's client-side type check shows "Invalid file type: NAME" as HTML;
    without `file_types` it never runs, and the server's escaped message is shown."""
    from ui.app import STATIC, build_app

    app = build_app(FakePipeline(token_delay=0), Settings())
    (upload,) = [c for c in app.config["components"] if c.get("props", {}).get("elem_id") == "kh-upload"]
    assert not upload["props"].get("file_types")
    assert 'setAttribute("accept", ".txt,.md")' in (STATIC / "khabar.js").read_text(encoding="utf-8")
