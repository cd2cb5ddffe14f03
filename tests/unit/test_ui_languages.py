"""The interface asks the language packs (rag/lang) about the languages of
answers and summaries: a pack registered at run time gets its name, its
direction and its suggested follow-ups without a change to ui/."""

from __future__ import annotations

import re

from rag import lang
from rag.lang import LanguagePack
from rag.types import Answer, Citation, Summary, SummaryPoint, SummaryResult
from ui import render
from ui.chat import answer_from_json
from ui.i18n import language_name


def _hebrew() -> LanguagePack:
    return LanguagePack(
        code="he",
        name="Hebrew",
        native_name="עברית",
        script=re.compile("[\u0590-\u05ff]"),
        direction="rtl",
        follow_up_suggestions=(("איפה", "איפה זה קרה?"), ("מתי", "מתי זה קרה?")),
    )


SENTENCE = "המשטרה הצילה שישה ילדים."


def _summary() -> Summary:
    cite = Citation(1, "story", 0, len(SENTENCE), SENTENCE, 0.5, "he")
    return Summary("he", [SummaryPoint(SENTENCE, [cite])], method="extractive")


def test_a_summary_in_a_registered_language_has_its_name_and_direction() -> None:
    with lang.registered(_hebrew()):
        html = render.summary_html(_summary(), "he")
        assert "<h3 dir=\"auto\">עברית · Hebrew</h3>" in html
        assert 'class="kh-summary" dir="rtl" lang="he"' in html
        md = render.summary_markdown(SummaryResult("story", {"he": _summary()}, {}))
        assert "## עברית · Hebrew" in md and SENTENCE in md
    # the built-in titles are as before
    assert render.language_title("ur") == "اردو · Urdu" and render.language_title("en") == "English"
    assert render.language_title("xx") == "xx" and render.text_direction("xx") == "ltr"


def test_a_follow_up_is_suggested_in_the_answer_s_language() -> None:
    with lang.registered(_hebrew()):
        assert render.follow_up("איפה זה קרה?", "he") == "מתי זה קרה?"
        assert render.follow_up("Who was there?", "he") == "איפה זה קרה?"
    assert render.follow_up("Where was it?", "en") == "When did this happen?"
    assert render.follow_up("یہ کہاں ہوا؟", "ur") == "یہ کب ہوا؟"
    assert render.follow_up("Where was it?", "xx") == "When did this happen?"  # no pack: the default language's


def test_language_names_come_from_the_interface_table() -> None:
    assert language_name("ur", "en") == "Urdu" and language_name("en", "ur") == "انگریزی"
    assert language_name("he", "en") == "he"  # no interface words for it: its code


def test_a_saved_answer_without_languages_gets_them_from_its_text() -> None:
    saved = Answer("یہ کب ہوا؟", "ur", "منگل کو [1]۔", False, None, [Citation(1, "a", 0, 4, "Some words.", 0.5, "en")]).to_json()
    del saved["language"]
    del saved["citations"][0]["language"]
    restored = answer_from_json(saved)
    assert restored.language == "ur" and restored.citations[0].language == "en"
