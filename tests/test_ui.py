"""The UI without a browser: the chat function with a scripted pipeline, rendering,
the upload checks, and the bind/auth rule of `khabar ui`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for fake_pipeline

from fake_pipeline import (  # noqa: E402
    ARTICLE,
    EN_AGES,
    EN_ANSWER,
    EN_SENTENCE,
    UR_AGES,
    UR_ANSWER,
    UR_SENTENCE,
    FakePipeline,
)

from rag import lang  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.errors import UsageError  # noqa: E402
from rag.lang import LanguagePack  # noqa: E402
from rag.types import Answer  # noqa: E402
from ui import render  # noqa: E402
from ui.app import build_app, check_bind  # noqa: E402
from ui.chat import check_question, stream_answer, whole_words  # noqa: E402
from ui.handlers import ALL_ARTICLES, Handlers  # noqa: E402
from ui.uploads import MAX_UPLOAD_BYTES, read_upload, sanitise_filename, save_upload  # noqa: E402

URDU_QUESTION = "مشترکہ پریس کانفرنس کس دن ہوئی؟"
ENGLISH_QUESTION = "On which day of the week was the joint press conference held?"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(articles_dir=tmp_path / "articles", data_dir=tmp_path / "data", max_question_chars=200)


@pytest.fixture
def handlers(settings: Settings) -> Handlers:
    return Handlers(FakePipeline(token_delay=0), settings)


# --- streaming -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("", ""),
        ("مشترکہ پری", "مشترکہ "),
        ("منگل کے روز۔ ", "منگل کے روز۔ "),
        ("ZWNJ\u200cجوڑ", ""),  # a zero-width non-joiner does not end a word
        ("Tuesday, 28 Oct", "Tuesday, 28 "),
        ("٢٨ دن\n", "٢٨ دن\n"),
    ],
)
def test_whole_words_never_shows_half_a_word(text: str, visible: str) -> None:
    assert whole_words(text) == visible


def test_stream_answer_yields_growing_whole_words_then_the_answer() -> None:
    steps = list(stream_answer(FakePipeline(token_delay=0), URDU_QUESTION))
    partial, final = steps[:-1], steps[-1]
    assert partial, "tokens should stream before the answer"
    for step in partial:
        assert step.answer is None
        assert step.text[-1].isspace()
        assert UR_ANSWER.startswith(step.text)
    assert [len(s.text) for s in partial] == sorted(len(s.text) for s in partial)
    assert final.answer is not None and final.text == UR_ANSWER
    assert final.tokens == len(range(0, len(UR_ANSWER), 3))


def test_stream_answer_yields_nothing_more_once_stopped() -> None:
    """Tokens the model wrote before Stop, still queued, are not shown after it: a late
    update would put the stopped answer back on screen as streaming (Ask hidden for good)."""
    import threading

    class Queued(FakePipeline):
        def ask(self, question, **kwargs):  # type: ignore[no-untyped-def, override]
            on_token = kwargs["on_token"]
            for word in ("one ", "two ", "three ", "four "):
                on_token(word)
            released.wait(5)  # all four tokens are queued before the consumer sees the first
            return super().ask(question, **{**kwargs, "on_token": None})

    released = threading.Event()
    stop = threading.Event()
    steps = stream_answer(Queued(token_delay=0), "q", stop=stop)
    first = next(steps)
    assert first.answer is None and first.text == "one "
    stop.set()
    released.set()
    assert list(steps) == []


def test_stream_answer_reraises_pipeline_errors() -> None:
    class Broken(FakePipeline):
        def ask(self, question, **kwargs):  # type: ignore[no-untyped-def, override]
            raise UsageError("too long")

    with pytest.raises(UsageError, match="too long"):
        list(stream_answer(Broken(), "q"))


@pytest.mark.parametrize("question", ["", "   ", "x" * 201])
def test_check_question_bounds_length(question: str) -> None:
    with pytest.raises(UsageError):
        check_question(question, 200)


# --- the chat function -----------------------------------------------------------------------


def test_chat_streams_an_urdu_answer_with_citation_and_evidence(handlers: Handlers) -> None:
    steps = list(handlers.chat(URDU_QUESTION, ALL_ARTICLES, [], []))
    messages, box, turns, evidence = steps[-1]
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert 'dir="rtl"' in messages[0]["content"] and URDU_QUESTION in messages[0]["content"]
    answer = messages[1]["content"]
    assert 'dir="rtl"' in answer and 'lang="ur"' in answer
    assert "منگل" in answer
    assert 'href="#kh-ev-0-1"' in answer and 'class="kh-quote"' in answer
    assert "<strong>منگل</strong>" in answer  # the fact marked in the quoted sentence
    assert answer.count("قومی سائبر کرائم") == 1 + answer.count('class="kh-plain"')  # quoted once (+ the Copy text)
    assert "tokens/s" not in answer and "retrieval" not in answer  # no timings shown to readers
    assert len(turns) == 1 and turns[0][1].citations[0].n == 1
    assert 'id="kh-ev-0-1"' in evidence and 'id="kh-mark-0-1"' in evidence
    assert f">{UR_SENTENCE}</mark>" in evidence
    assert EN_SENTENCE in evidence  # the aligned English sentence beside the Urdu one
    assert "score" not in evidence and "0.873" not in evidence  # no retrieval scores shown to readers
    # streamed steps show a partial answer before the final one
    assert any("kh-streaming" in s[0][-1]["content"] for s in steps[:-1])


def test_follow_up_passes_history_and_article_scope(handlers: Handlers) -> None:
    *_, (messages, _, turns, _) = handlers.chat(URDU_QUESTION, ARTICLE, [], [])
    *_, (messages, _, turns, evidence) = handlers.chat(ENGLISH_QUESTION, ARTICLE, messages, turns)
    calls = handlers.pipeline.calls  # type: ignore[attr-defined]
    assert calls[0]["history"] == [] and calls[0]["article"] == ARTICLE
    assert calls[1]["history"] == [(URDU_QUESTION, UR_ANSWER)]
    assert 'dir="ltr"' in messages[3]["content"] and "Tuesday" in messages[3]["content"]
    assert 'href="#kh-ev-1-1"' in messages[3]["content"]
    assert evidence.index("kh-turn-1") < evidence.index("kh-turn-0")  # newest evidence first


def test_refusal_says_why(handlers: Handlers) -> None:
    *_, (messages, _, _, _) = handlers.chat("کتنے لوگ گرفتار ہوئے؟", None, [], [], lang="ur")
    assert 'data-reason="not_in_article"' in messages[-1]["content"]
    assert "ہو سکتا ہے مضمون میں یہ بات نہ ہو۔" in messages[-1]["content"]
    assert "مضمون میں اس بارے میں کچھ نہیں بتایا گیا" not in messages[-1]["content"]  # said once, not twice


def test_too_long_question_is_not_sent(handlers: Handlers) -> None:
    steps = list(handlers.chat("؟" * 201, None, [], []))
    assert steps[-1][0] == [] and handlers.pipeline.calls == []  # type: ignore[attr-defined]


def test_api_returns_the_cli_json(handlers: Handlers) -> None:
    out = handlers.api_ask(ENGLISH_QUESTION)
    assert out["answer"] == EN_ANSWER and out["citations"][0]["aligned"]["language"] == "ur"
    assert set(out) == {"question", "language", "answer", "refused", "citations", "timings_ms", "models", "strategy"}
    summary = handlers.api_summarize(ARTICLE)
    assert set(summary["summaries"]) == {"ur", "en"} and summary["consistency"]["checked"] == 2


def test_summary_markdown_has_both_languages_and_warnings() -> None:
    md = render.summary_markdown(FakePipeline().summarize(ARTICLE))
    assert "## اردو · Urdu" in md and "## English" in md
    assert "**وزیر مملکت نے اعلان کیا۔** [1]" in md  # the headline
    assert "2. پریس کانفرنس منگل کو ہوئی۔ [1]" in md
    assert "## Consistency warnings" in md


def test_summary_markdown_sources_list_every_cited_sentence() -> None:
    # the download used to list only one source although points cited several
    md = render.summary_markdown(FakePipeline().summarize(ARTICLE))
    english = md.split("## English", 1)[1]
    assert "1. The gang targeted children aged 6 to 10. [2]" in english
    assert f"- [1] {EN_SENTENCE}" in english and f"- [2] {EN_AGES}" in english
    urdu = md.split("## English", 1)[0]
    assert f"- [1] {UR_SENTENCE}" in urdu and f"- [2] {UR_AGES}" in urdu


def test_summary_html_links_each_marker_to_its_own_sentence() -> None:
    en = FakePipeline().summarize(ARTICLE).summaries["en"]
    html = render.summary_html(en, "en")
    assert '<strong>The minister announced it.</strong> <a class="kh-cite" href="#kh-sum-en-1"' in html
    assert 'The gang targeted children aged 6 to 10. <a class="kh-cite" href="#kh-sum-en-2"' in html
    assert 'id="kh-sum-en-1"' in html and 'id="kh-sum-en-2"' in html
    assert "kh-cite-static" not in html  # markers are links now, as in chat


def test_summary_handler_shows_urdu_first_and_moves_the_bar_per_point(handlers: Handlers) -> None:
    fractions: list[float] = []
    steps = list(handlers.summarize(ARTICLE, progress=lambda f, desc="": fractions.append(f)))
    first_ur, first_en = steps[0][0], steps[0][1]
    assert "پریس کانفرنس" in first_ur and "kh-cite" in first_ur
    assert "The minister" not in first_en and "Urdu summary ready" in first_en
    assert [f for f in fractions if f > 0] == [0.25, 0.5, 0.75, 1.0]
    assert "The press conference was on Tuesday." in steps[-1][1]
    assert steps[-1][3].interactive and not steps[0][3].interactive
    assert "disagree" in steps[-1][2] and steps[0][2] == ""


def test_the_summary_tab_has_a_box_per_language_pack(settings: Settings) -> None:
    hebrew = LanguagePack(code="he", name="Hebrew", native_name="עברית", script=re.compile("[\u0590-\u05ff]"), direction="rtl")
    with lang.registered(hebrew):
        handlers = Handlers(FakePipeline(token_delay=0), settings)
        assert handlers.summary_languages == ("ur", "en", "he")
        steps = list(handlers.summarize(ARTICLE, progress=lambda f, desc="": None))
        # ur, en, he, then the consistency note and the download
        assert all(len(step) == 5 for step in steps)
        assert "עברית · Hebrew" in steps[0][2] and "Urdu summary ready" in steps[0][2]
        assert "پریس کانفرنس" in steps[-1][0] and "The press conference was on Tuesday." in steps[-1][1]
        assert "disagree" in steps[-1][3] and steps[-1][4].interactive
        app = build_app(FakePipeline(), settings)
        ids = {c.get("props", {}).get("elem_id") for c in app.config["components"]}
        assert {"kh-summary-ur", "kh-summary-en", "kh-summary-he"} <= ids


def test_build_app_exposes_ask_and_summarize(settings: Settings) -> None:
    app = build_app(FakePipeline(), settings)
    names = {dep.get("api_name") for dep in app.config["dependencies"]}
    assert {"ask", "summarize"} <= names


# --- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("منگل کو", "rtl"),
        ("NCCIA نے اعلان کیا", "ltr"),
        ("28 دن", "rtl"),
        ("Tuesday", "ltr"),
        ("", "ltr"),
        ("٢٨", "ltr"),
    ],
)
def test_direction_follows_the_first_strong_letter(text: str, expected: str) -> None:
    assert render.direction(text) == expected


def test_text_is_escaped_and_paragraphs_get_dir_auto() -> None:
    html = render.paragraphs("<script>x</script>\nدوسرا پیراگراف [2]", turn=3)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('<p dir="auto">') == 2 and 'href="#kh-ev-3-2"' in html


def test_highlight_uses_offsets_and_skips_front_matter() -> None:
    text = "---\nlanguage: en\n---\nOne. Two is here.\nThree."
    start = text.index("Two")
    html = render.highlighted_article(text, [(start, start + len("Two is here."), "m1", "[1]")])
    assert "language:" not in html
    assert '<mark id="m1" title="[1]">Two is here.</mark>' in html
    assert html.count("<p ") == 2


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/x.txt", "x.txt"),
        ("..\\..\\win\\y.md", "y.md"),
        ("خبر نامہ.txt", "خبر_نامہ.txt"),
        ("story.en.TXT", "story.en.txt"),
        (".hidden.txt", "hidden.txt"),
        ("../.txt", "article.txt"),
    ],
)
def test_sanitise_filename(name: str, safe: str) -> None:
    assert sanitise_filename(name) == safe


@pytest.mark.parametrize("name", ["x.pdf", "x", "../../etc/passwd", "x.txt.exe"])
def test_sanitise_filename_rejects_other_types(name: str) -> None:
    with pytest.raises(UsageError, match=r"\.txt or \.md"):
        sanitise_filename(name)


def test_good_file_is_saved_and_indexed(handlers: Handlers, tmp_path: Path) -> None:
    src = tmp_path / "upload.txt"
    src.write_text("اسلام آباد: ایک نئی خبر۔\nدوسرا جملہ؟\n", encoding="utf-8")
    status, rows, _, _ = handlers.add_article(str(src), progress=lambda *a, **k: None)
    saved = Path(handlers.settings.uploads_dir) / "upload.txt"  # data/uploads/, never seeds/
    assert status.startswith("✓") and saved.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert handlers.pipeline.indexed == [saved.resolve()]  # type: ignore[attr-defined]
    assert [r[1] for r in rows] == [ARTICLE, "upload"]  # id column; headline first


def test_existing_article_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.en.txt").write_text("old", encoding="utf-8")
    src = tmp_path / "story.en.txt"
    src.write_text("new", encoding="utf-8")
    saved = save_upload(src, "story.en.txt", folder)
    assert saved.path.name == "story-1.en.txt" and saved.status == "new"
    assert (folder / "story.en.txt").read_text(encoding="utf-8") == "old"


def test_path_escape_lands_inside_the_articles_folder(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("text", encoding="utf-8")
    folder = tmp_path / "deep" / "articles"
    saved = save_upload(src, "../../etc/x.txt", folder)
    assert saved.path == folder.resolve() / "x.txt"
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("خبر".encode("utf-16"), "not UTF-8"),
        (b" \n\t", "empty"),
        (b"x" * (5 * 1_000_000), "limit is 1 MB"),
    ],
)
def test_bad_files_are_refused_and_nothing_changes(
    handlers: Handlers, tmp_path: Path, content: bytes, message: str
) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        read_upload(src, "bad.txt")
    status, *rest = handlers.add_article(str(src), progress=lambda *a, **k: None)
    assert status.startswith("✗") and message in status
    for folder in (Path(handlers.settings.articles_dir), Path(handlers.settings.uploads_dir)):
        assert not folder.exists() or not any(folder.iterdir())
    assert handlers.pipeline.indexed == []  # type: ignore[attr-defined]


def test_limit_is_inclusive(tmp_path: Path) -> None:
    src = tmp_path / "big.md"
    src.write_bytes(b"a" * MAX_UPLOAD_BYTES)
    assert len(read_upload(src, "big.md")) == MAX_UPLOAD_BYTES


# --- binding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_auth(host: str) -> None:
    assert check_bind(host) is None


def test_network_bind_needs_auth_or_insecure(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError, match="--auth USER:PASSWORD"):
        check_bind("0.0.0.0")
    assert check_bind("0.0.0.0", "editor:pa:ss") == ("editor", "pa:ss")
    assert check_bind("0.0.0.0", insecure=True) is None
    assert "WARNING" in capsys.readouterr().err
    for bad in ("editor", ":pw", "editor:"):
        with pytest.raises(UsageError, match="USER:PASSWORD"):
            check_bind("127.0.0.1", bad)


def test_answer_html_for_refusal_without_text() -> None:
    answer = Answer("q", "en", "", True, "cannot_read_source")
    html = render.answer_html(answer, 0)
    assert 'data-reason="cannot_read_source"' in html and 'dir="ltr"' in html


def test_question_shows_before_the_queue_then_the_answer_fills_in(handlers: Handlers) -> None:
    messages, box, pending = handlers.show_question(URDU_QUESTION, [])
    assert box == "" and pending == URDU_QUESTION
    assert "kh-streaming" in messages[-1]["content"] and handlers.pipeline.calls == []  # type: ignore[attr-defined]
    *_, (final, turns, evidence) = handlers.answer_pending(pending, ALL_ARTICLES, messages, [])
    assert len(final) == 2 and "منگل" in final[1]["content"] and len(turns) == 1 and "<mark" in evidence


def test_refused_question_stays_in_the_box(handlers: Handlers) -> None:
    shown = [{"role": "user", "content": "earlier"}]
    messages, box, pending = handlers.show_question("x" * 201, shown)
    assert pending == ""  # nothing is asked; the chat and the box are left as they are (skip updates)
    assert all(type(v).__name__ == "dict" and v.get("__type__") == "update" and len(v) == 1 for v in (messages, box))
    steps = list(handlers.answer_pending(pending, None, shown, []))
    assert len(steps) == 1 and all(v.get("__type__") == "update" and len(v) == 1 for v in steps[0])
