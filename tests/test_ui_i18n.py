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


def test_a_summary_mismatch_is_told_in_words_with_points_counted_from_one() -> None:
    """rag/summarize.py reports a mismatch as codes and 0-based indexes; the
    reader gets the languages' names and the numbers the summary shows."""
    mismatch = {"ur_point": 1, "en_point": 0, "only_ur": ["6"], "only_en": ["10"]}
    en = render.consistency_html({"checked": 2, "mismatches": [mismatch]}, "en")
    assert "Urdu point 2 and English point 1 give different figures; only Urdu: 6; only English: 10" in en
    assert "ur_point" not in en and "only_en" not in en
    ur = render.consistency_html({"checked": 2, "mismatches": [mismatch]}, "ur")
    assert "اردو کا نکتہ 2 اور انگریزی کا نکتہ 1" in ur and "صرف انگریزی: 10" in ur and "؛" in ur
    markdown_line = render._describe(mismatch)
    assert markdown_line.startswith("Urdu point 2")


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


# --- the chat's own messages follow the interface language ----------------------------------------

from fake_pipeline import ARTICLE  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.errors import UsageError  # noqa: E402
from ui.handlers import ALL_ARTICLES, Handlers  # noqa: E402

OUTSIDE = "Which team won the cricket final?"  # the fake refuses it, citing the closest sentence
URDU_ASKED = "مشترکہ پریس کانفرنس کس دن ہوئی؟"


@pytest.fixture
def handlers(tmp_path: Path) -> Handlers:
    settings = Settings(articles_dir=tmp_path / "articles", data_dir=tmp_path / "data", max_question_chars=200)
    return Handlers(FakePipeline(token_delay=0), settings)


def warning_of(handlers: Handlers, question: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The toast `show_question` raises for a refused question (gr.Warning caught)."""
    import gradio as gr

    shown: list[str] = []
    monkeypatch.setattr(gr, "Warning", lambda message, title="Warning", **k: shown.append(f"{title}: {message}"))
    _, _, pending = handlers.show_question(question, [], lang)
    assert pending == "" and len(shown) == 1
    assert shown[0].startswith(t("toast.warning", lang) + ": ")  # the toast's title too
    return shown[0]


def last_chat(handlers: Handlers, question: str, lang: str) -> tuple[str, str]:
    """(the last chat message's HTML, the evidence panel) after asking `question` on a page in `lang`."""
    *_, (messages, _, _, evidence) = handlers.chat(question, ALL_ARTICLES, [], [], lang=lang)
    return messages[-1]["content"], evidence


def statuses(handlers: Handlers, question: str, lang: str) -> str:
    """Every waiting line and every evidence panel shown while `question` is answered."""
    steps = list(handlers.chat(question, ARTICLE, [], [], lang=lang))
    return " ".join(m[-1]["content"] for m, *_ in steps) + " ".join(e for *_, e in steps if isinstance(e, str))


class Broken(FakePipeline):
    def ask(self, question, **kwargs):  # type: ignore[no-untyped-def, override]
        raise RuntimeError("model crashed")


def failure(handlers: Handlers, lang: str) -> str:
    handlers.pipeline = Broken(token_delay=0)
    *_, (messages, _, _, _) = handlers.chat(URDU_ASKED, None, [], [], lang=lang)
    return messages[-1]["content"]


# (what is shown, how the test makes it in an interface language, the key of its words, values)
MESSAGES = [
    ("empty question", lambda h, lang, mp: warning_of(h, "   ", lang, mp), "chat.type_first", {}),
    ("too long question", lambda h, lang, mp: warning_of(h, "؟" * 201, lang, mp), "chat.too_long", {"n": 201, "limit": 200}),
    ("failure", lambda h, lang, mp: failure(h, lang), "chat.failed", {"error": "RuntimeError"}),
    ("evidence placeholder", lambda h, lang, mp: h.clear(lang)[2], "chat.evidence_empty", {}),
    ("searching", lambda h, lang, mp: h.show_question(URDU_ASKED, [], lang)[0][-1]["content"], "chat.searching", {}),
    ("first question note", lambda h, lang, mp: statuses(h, URDU_ASKED, lang), "chat.first_read", {}),
    ("passages found", lambda h, lang, mp: statuses(h, URDU_ASKED, lang), "chat.found", {}),
    ("refusal lead", lambda h, lang, mp: last_chat(h, OUTSIDE, lang)[0], "chat.may_not_say", {}),
    ("closest sentences", lambda h, lang, mp: last_chat(h, OUTSIDE, lang)[0], "chat.closest", {}),
    ("follow-up label", lambda h, lang, mp: last_chat(h, URDU_ASKED, lang)[0], "chat.ask_next", {}),
    ("copy button", lambda h, lang, mp: last_chat(h, URDU_ASKED, lang)[0], "chat.copy_title", {}),
    ("no evidence cited", lambda h, lang, mp: render.evidence_html(
        [("q", render_answer_without_citations())], h.article_text, page=h.page(lang)), "chat.no_passages", {}),
    ("stopped", lambda h, lang, mp: h.stop([{"role": "assistant", "content": render.partial_html("Half")}], lang)[-1]["content"],
     "chat.stopped", {}),
    ("cleared chat, all articles", lambda h, lang, mp: h.article_changed(ALL_ARTICLES, [{"role": "user", "content": "x"}], lang)[3],
     "chat.cleared_all", {}),
]


def render_answer_without_citations() -> object:
    from rag.types import Answer

    return Answer("q", "en", "An answer.", False)


@pytest.mark.parametrize(("what", "make", "key", "values"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_each_chat_message_is_in_the_interface_language(
    handlers: Handlers, monkeypatch: pytest.MonkeyPatch, what: str, make: object, key: str, values: dict[str, object]
) -> None:
    urdu, english = t(key, "ur", **values), t(key, "en", **values)
    on_urdu_page = make(handlers, "ur", monkeypatch)  # type: ignore[operator]
    assert render.esc(urdu) in on_urdu_page or urdu in on_urdu_page, f"{what}: no Urdu text {urdu!r}"
    assert render.esc(english) not in on_urdu_page and english not in on_urdu_page, f"{what}: English left on an Urdu page"
    on_english_page = make(Handlers(FakePipeline(token_delay=0), handlers.settings), "en", monkeypatch)  # type: ignore[operator]
    assert render.esc(english) in on_english_page or english in on_english_page, f"{what}: no English text"
    assert render.esc(urdu) not in on_english_page and urdu not in on_english_page, what


def test_the_answer_itself_keeps_the_question_language(handlers: Handlers) -> None:
    """Only the app's own words follow the interface: an Urdu answer on an English page stays Urdu."""
    answer, _ = last_chat(handlers, URDU_ASKED, "en")
    assert "منگل" in answer and 'lang="ur"' in answer and "Ask next:" in answer
    assert "یہ کہاں ہوا؟" in answer  # the suggested question is asked in the question's language


def test_a_refusal_on_an_urdu_page_for_an_english_question(handlers: Handlers) -> None:
    html, evidence = last_chat(handlers, OUTSIDE, "ur")
    assert "ہو سکتا ہے مضمون میں یہ بات نہ ہو۔" in html and "قریب ترین جملے:" in html
    assert "may not say" not in html and "Closest" not in html and "Copy" not in html
    assert 'dir="rtl"' in html.split(">", 1)[0]  # the message runs right to left, led by the Urdu sentence
    assert "children aged 6 to 10" in html  # the closest sentence, in its own language


@pytest.mark.parametrize(
    ("content", "name", "key", "values"),
    [
        (b"x", "notes.pdf", "upload.not_type", {"name": "notes.pdf"}),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bad.txt", "upload.binary", {"name": "bad.txt"}),
        ("خبر".encode("utf-16"), "bad.txt", "upload.not_utf8", {"name": "bad.txt", "byte": 0}),
        (b" \n\t", "bad.txt", "upload.empty", {"name": "bad.txt"}),
        (b"x" * 1_500_000, "big.md", "upload.too_big", {"name": "big.md", "size": "1.5"}),
    ],
)
def test_upload_refusals_are_in_the_interface_language(
    tmp_path: Path, content: bytes, name: str, key: str, values: dict[str, object]
) -> None:
    from ui.uploads import save_upload

    src = tmp_path / "src"
    src.write_bytes(content)
    for lang, other in (("ur", "en"), ("en", "ur")):
        with pytest.raises(UsageError) as err:
            save_upload(src, name, tmp_path / "uploads", (), lang)
        assert str(err.value) == t(key, lang, **values)
        assert t(key, other, **values) != str(err.value)
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_upload_takeover_refusal_in_urdu(handlers: Handlers, tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text(f"---\narticle: {ARTICLE}\nlanguage: en\n---\nA false fact.\n", encoding="utf-8")
    status, added = handlers.articles.add(str(src), "ur")
    assert not added and "پہلے سے انڈیکس شدہ مضمون" in status and "already indexed" not in status
    assert "انگریزی: فائل" in status and "اردو: فائل" in status  # which editions, named in Urdu


def test_summary_progress_stages_are_in_the_interface_language(handlers: Handlers) -> None:
    for lang, other in (("ur", "en"), ("en", "ur")):
        described: list[str] = []
        steps = list(handlers.summarize(ARTICLE, lang, progress=lambda f, desc="", seen=described: seen.append(desc)))
        ur_name, en_name = t("lang.ur", lang), t("lang.en", lang)
        assert described[0] == t("summary.loading", lang)
        assert t("summary.ready_next", lang, done=ur_name, next=en_name) in described
        assert t("summary.writing", lang, language=en_name, n=1) in described
        assert t("summary.writing", lang, language=en_name, n=2) in described
        assert described[-1] == t("summary.finished", lang)
        assert render.esc(t("summary.ready_next", lang, done=ur_name, next=en_name)) in steps[0][1]  # the pending line
        assert 'class="kh-muted kh-pending"' in steps[0][1] and "kh-pending" not in steps[-1][1]  # bench/screenshots.py waits on it
        for desc in described:  # nothing from the pipeline's own English stage lines
            assert "English: " not in desc and "Urdu summary ready" not in desc or lang == "en"
            assert desc not in (t("summary.loading", other), t("summary.finished", other))
    stages = [
        t("summary.loading", "ur"),
        t("summary.ready_next", "ur", done="اردو", next="انگریزی"),
        t("summary.writing", "ur", language="انگریزی", n=1),
    ]
    assert all(not LATIN_WORD.search(s) for s in stages)


def test_summary_heartbeat_line_is_in_the_interface_language(handlers: Handlers) -> None:
    handlers.pipeline = FakePipeline(token_delay=0, summary_delay=1.3)
    described: list[str] = []
    list(handlers.summarize(ARTICLE, "ur", progress=lambda f, desc="": described.append(desc)))
    assert f"{t('summary.loading', 'ur')} (1 سیکنڈ)" in described
    assert not any(d.endswith(" s)") for d in described)


# --- articles named by headline --------------------------------------------------------------------


def test_one_title_function_names_articles_in_picker_note_evidence_and_citations(handlers: Handlers) -> None:
    from ui.articles import choices, title_of

    info = handlers.pipeline.articles()[0]
    ur_title, en_title = title_of(info, "ur"), title_of(info, "en")
    assert ur_title != en_title and ARTICLE not in (ur_title, en_title)
    assert choices([info], "ur") == [(ur_title, ARTICLE)]
    note = handlers.article_changed(ARTICLE, [{"role": "user", "content": "x"}], "ur")[3]
    assert note == f'<p class="kh-note" dir="rtl">«<bdi>{render.esc(ur_title)}</bdi>» کے بارے میں نئی گفتگو: پچھلی گفتگو مٹا دی گئی کیونکہ مضمون بدل گیا۔</p>'
    english_note = handlers.article_changed(ARTICLE, [{"role": "user"}], "en")[3]
    assert f"New conversation about “<bdi>{render.esc(en_title)}</bdi>”" in english_note and 'dir="ltr"' in english_note
    answer, evidence = last_chat(handlers, URDU_ASKED, "en")
    # the evidence header: the cited edition's headline, in the interface language's words
    header = f'<summary dir="ltr" title="{ARTICLE}">“<bdi>{render.esc(ur_title)}</bdi>” (<bdi>Urdu</bdi>), cited sentences highlighted'
    assert header in evidence
    assert f"Article {ARTICLE}" not in evidence and f"{ARTICLE} · ur" not in evidence
    # the citations: the quoted sentence's source and the evidence card name the headline, not the id
    assert f"<bdi>{render.esc(ur_title)}</bdi>" in answer and f"— {ARTICLE}" not in answer
    assert evidence.count(f"<bdi>{render.esc(ur_title)}</bdi>") >= 1
    english, english_evidence = last_chat(handlers, "When was the joint press conference?", "ur")
    assert f"<bdi>{render.esc(en_title)}</bdi>" in english  # an English citation: the English edition's headline
    urdu_header = f'<summary dir="rtl" title="{ARTICLE}">«<bdi>{render.esc(en_title)}</bdi>» (<bdi>انگریزی</bdi>)، حوالہ'
    assert urdu_header in english_evidence  # the Urdu sentence runs right to left around the English headline


def test_copy_text_names_the_article_by_headline(handlers: Handlers) -> None:
    import html as html_module
    import re as re_module

    answer, _ = last_chat(handlers, OUTSIDE, "ur")
    plain = html_module.unescape(re_module.search(r'<pre class="kh-plain" hidden>(.*?)</pre>', answer, re_module.S).group(1))  # type: ignore[union-attr]
    title = handlers.pipeline.articles()[0].title("en")
    assert f"({title}، انگریزی)" in plain and ARTICLE not in plain
    assert plain.startswith("ہو سکتا ہے مضمون میں یہ بات نہ ہو۔\nقریب ترین جملے:")


def test_headlines_are_read_again_after_an_upload(handlers: Handlers, tmp_path: Path) -> None:
    assert handlers.articles.headline("story", "ur") == "story"  # not indexed: its id
    src = tmp_path / "story.txt"
    src.write_text("---\ntitle: ایک نئی سرخی\n---\nپہلا جملہ۔\n", encoding="utf-8")
    handlers.articles.add(str(src), "ur")
    assert handlers.articles.headline("story", "ur") == "ایک نئی سرخی"


def test_copy_button_says_copied_in_the_interface_language(handlers: Handlers) -> None:
    answer, _ = last_chat(handlers, URDU_ASKED, "ur")
    assert 'data-done="کاپی ہو گیا"' in answer and 'data-failed="کاپی نہیں ہو سکا"' in answer
    assert ">کاپی</button>" in answer
    english, _ = last_chat(handlers, URDU_ASKED, "en")
    assert 'data-done="Copied"' in english and ">Copy</button>" in english


def test_summary_sources_name_the_article_by_headline(handlers: Handlers) -> None:
    *_, last = handlers.summarize(ARTICLE, "ur", progress=lambda f, desc="": None)
    ur_box, en_box = last[0], last[1]
    title = handlers.pipeline.articles()[0].title("en")
    assert f'<span class="kh-src" dir="ltr" title="{ARTICLE}">— <bdi>{render.esc(title)}</bdi> · <bdi>انگریزی</bdi>' in en_box
    assert f"— {ARTICLE}" not in en_box
    assert 'title="جملہ دکھائیں"' in ur_box and "show the sentence" not in ur_box
    assert "اقتباسی: مضمون کے اپنے جملے" in ur_box and "extractive" not in ur_box
    assert "تلخیصی: ماڈل کے لکھے ہوئے نکات" in en_box and "abstractive" not in en_box


def test_toast_titles_come_from_the_table() -> None:
    from ui.app import page_assets
    from ui.i18n import toast_css

    css = toast_css()
    assert 'html[lang="ur"] .toast-title.warning::before { content: "انتباہ";' in css
    assert 'html[lang="ur"] .toast-title.error::before { content: "خرابی";' in css
    assert css in page_assets()["css"]
