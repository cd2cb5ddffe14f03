"""The Urdu interface's string table, the Urdu reading style's CSS and choice, and the like handler's turn lookup."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for fake_pipeline

from fake_pipeline import EN_ANSWER, UR_ANSWER, FakePipeline  # noqa: E402

from ui import render  # noqa: E402
from ui.feedback import turn_for  # noqa: E402
from ui.i18n import STRINGS, lang_of, t, table  # noqa: E402
from ui.typography import DEFAULT_STYLE, NASKH, NASTALIQ, STYLE_CLASS, reading_css, style_of  # noqa: E402

URDU = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
ALLOWED_LATIN = {"Khabar", "UTF", "khabar", "index", "txt", "Naskh", "Nastaliq", "MB"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_real_urdu_with_the_same_placeholders(key: str) -> None:
    english, urdu = STRINGS[key]
    assert english.strip() and urdu.strip()
    assert URDU.search(urdu), f"{key}: the Urdu text has no Urdu letters"
    assert fields(english) == fields(urdu), key
    stray = set(LATIN_WORD.findall(re.sub(r"`[^`]*`|\{[^}]*\}", "", urdu))) - ALLOWED_LATIN
    assert not stray, f"{key}: English words left in the Urdu text: {stray}"
    if english.rstrip().endswith("."):
        assert urdu.rstrip()[-1] in "۔؟:)…", f"{key}: an Urdu sentence ends with ۔"


def test_lookup_by_language_and_values() -> None:
    assert t("chat.ask", "ur") == "پوچھیں" and t("chat.ask", "en") == "Ask"
    assert t("chat.ask", "ur-PK") == "پوچھیں" and t("chat.ask", None) == "Ask"
    assert t("summary.sources", "ur", n=3) == "ماخذ (3)"
    assert lang_of("UR") == "ur" and lang_of("fa") == "en" and lang_of("") == "en"
    assert table("ur")["tab.articles"] == "مضامین" and set(table("en")) == set(STRINGS)


def test_summary_words_follow_the_interface_language() -> None:
    result = FakePipeline(token_delay=0).summarize("fake_press")
    html = render.summary_html(result.summaries["en"], "en", ui_lang="ur")
    assert "ماخذ (2)" in html and "Sources" not in html
    assert "ابھی کوئی خلاصہ نہیں" in render.summary_html(None, "ur", ui_lang="ur")
    assert "متفق" in render.consistency_html({"checked": 2, "mismatches": []}, "ur")


# --- reading style -----------------------------------------------------------------------------


def test_naskh_is_the_default_and_unknown_values_fall_back_to_it() -> None:
    assert DEFAULT_STYLE == "naskh"
    assert style_of("nastaliq") is NASTALIQ and style_of(" NASTALIQ ") is NASTALIQ
    assert style_of(None) is NASKH and style_of("comic-sans") is NASKH


def test_nastaliq_css_sets_font_size_and_a_line_as_tall_as_the_face(tmp_path: Path) -> None:
    font = tmp_path / "Noto Nastaliq Urdu.ttf"
    css = reading_css(font)
    assert '@font-face { font-family: "Khabar Nastaliq"; src: url("/gradio_api/file=' in css
    assert "Noto%20Nastaliq%20Urdu.ttf" in css  # the path is URL-quoted
    rule = re.search(r'html\.kh-nastaliq \.kh-msg\[lang="ur"\][^{]*\{([^}]*)\}', css)
    assert rule is not None
    assert '"Khabar Nastaliq"' in rule.group(1) and "line-height: 2.5" in rule.group(1) and "font-size: 1.2em" in rule.group(1)
    assert NASTALIQ.line_height >= 2.5 > NASKH.line_height  # Noto Nastaliq Urdu: ascent + descent = 2.5 em
    assert f"html.{STYLE_CLASS} .kh-edition[lang=\"ur\"]" in css  # article previews too


def test_nastaliq_css_never_styles_by_the_page_language() -> None:
    """An Urdu interface puts lang="ur" on <html>: English answers must stay in their face."""
    css = reading_css(None)
    assert "@font-face" not in css
    assert ":lang(" not in css and "html[lang" not in css
    assert 'html.kh-nastaliq .kh-msg[lang="en"]' not in css


# --- feedback: which answer a like is for ------------------------------------------------------


def _messages() -> tuple[list[dict[str, str]], list[tuple[str, object]]]:
    pipe = FakePipeline(token_delay=0)
    ur = pipe.ask("مشترکہ پریس کانفرنس کس دن ہوئی؟")
    en = pipe.ask("When was the joint press conference?")
    messages = [
        {"role": "user", "content": render.user_html(ur.question)},
        {"role": "assistant", "content": render.answer_html(ur, 0)},
        {"role": "user", "content": render.user_html("broken")},
        {"role": "assistant", "content": render.error_html("The question could not be answered")},
        {"role": "user", "content": render.user_html(en.question)},
        {"role": "assistant", "content": render.answer_html(en, 1)},
    ]
    return messages, [(ur.question, ur), (en.question, en)]


def test_turn_for_skips_error_messages() -> None:
    messages, turns = _messages()
    first, second = turn_for(messages, 1, turns), turn_for(messages, 5, turns)  # type: ignore[arg-type]
    assert first is not None and first[1].answer == UR_ANSWER  # type: ignore[attr-defined]
    assert second is not None and second[1].answer == EN_ANSWER  # type: ignore[attr-defined]
    assert turn_for(messages, 3, turns) is None  # type: ignore[arg-type]  # the error
    assert turn_for(messages, 0, turns) is None  # type: ignore[arg-type]  # a question
    assert turn_for(messages, 99, turns) is None  # type: ignore[arg-type]
    assert turn_for(messages, 5, turns[:1]) is None  # type: ignore[arg-type]  # history out of step


def test_a_like_stores_the_rated_answer(tmp_path: Path) -> None:
    import gradio as gr

    from rag.feedback import read_feedback
    from ui.feedback import Feedback

    messages, turns = _messages()
    fb = Feedback(tmp_path / "feedback.jsonl")
    fb.rate(messages, turns, "fake_press", "en", gr.LikeData(None, {"index": 5, "value": "", "liked": False}))  # type: ignore[arg-type]
    fb.rate(messages, turns, "__all__", "ur", gr.LikeData(None, {"index": 3, "value": "", "liked": True}))  # type: ignore[arg-type]
    (record,) = read_feedback(tmp_path / "feedback.jsonl")  # the error message is not stored
    assert record["rating"] == "down" and record["answer"] == EN_ANSWER and record["article"] == "fake_press"
    assert record["citations"] and record["citations"][0]["n"] == 1
