"""The chat's rendering and conversation helpers (issue 11), without a browser."""

from __future__ import annotations

from rag.types import Answer, Citation
from ui import render
from ui.chat import answer_from_json, markdown_export
from ui.handlers import content_of, plain_messages


def test_english_only_article_refusal_is_consistent_and_names_no_model() -> None:
    cite = Citation(1, "english_only", 0, 11, "Some words.", 0.5, "en")
    pipeline_text = "… the current model (qwen2.5-1.5b-instruct-q4_k_m.gguf) cannot write Urdu …"
    urdu_page = render.Page("ur")  # the refusal is the app's own sentence: in the interface language
    html = render.answer_html(Answer("یہ کب ہوا؟", "ur", pipeline_text, True, "cannot_read_source", [cite]), 0, page=urdu_page)
    assert "gguf" not in html and "qwen" not in html.lower()
    assert "صرف انگریزی میں" in html and html.count('class="kh-refusal"') == 1
    assert "پڑھ نہیں" not in html and "نہیں پڑھ" not in html  # never "cannot read" beside "cannot write"
    english = render.answer_html(Answer("When?", "en", pipeline_text, True, "cannot_read_source", [Citation(1, "a", 0, 4, "کچھ۔", 0.5, "ur")]), 0)
    assert "only in Urdu" in english and "gguf" not in english
    on_english_page = render.answer_html(Answer("یہ کب ہوا؟", "ur", pipeline_text, True, "cannot_read_source", [cite]), 0)
    assert "only in English" in on_english_page and "answer from it in Urdu" in on_english_page


def test_refusal_is_said_once_with_the_closest_sentences() -> None:
    cite = Citation(1, "a", 0, 11, "Some words.", 0.5, "en")
    html = render.answer_html(Answer("Who won?", "en", "The article does not say.", True, "not_in_article", [cite]), 0)
    assert "The article may not say this." in html and "does not say" not in html.split("kh-plain")[0]
    assert "Closest sentences:" in html and "Some words." in html


def test_saved_answer_comes_back_whole() -> None:
    cite = Citation(2, "a", 5, 20, "ایک جملہ۔", 0.25, "ur", {"language": "en", "text": "A sentence."}, (5, 8))
    answer = Answer("سوال؟", "ur", "جملہ [2]", False, None, [cite], {"total": 1.0}, {"llm": "x"}, "extractive")
    assert answer_from_json(answer.to_json()).to_json() == answer.to_json()


def test_markdown_export_has_questions_answers_and_citations() -> None:
    cite = Citation(1, "a", 0, 11, "Some words.", 0.5, "en")
    text = markdown_export([("When?", Answer("When?", "en", "On Monday. [1]", False, None, [cite]))])
    assert "## 1. When?" in text and "On Monday. [1]" in text and "- [1] Some words. (a, English, characters 0-11)" in text
    urdu = markdown_export(
        [("When?", Answer("When?", "en", "On Monday. [1]", False, None, [cite]))],
        render.Page("ur", lambda article, language: f"Headline of {article}"),
    )
    assert "# خبر: گفتگو" in urdu and "ماخذ:" in urdu and "- [1] Some words. (Headline of a، انگریزی، حروف 0 تا 11)" in urdu
    assert "Sources" not in urdu and "characters" not in urdu


def test_gradio_message_parts_are_read_as_html() -> None:
    parts = {"role": "assistant", "content": [{"text": "<div>x</div>", "type": "text"}], "metadata": None}
    assert content_of(parts) == "<div>x</div>"
    assert plain_messages([parts, {"role": "system", "content": "s"}]) == [{"role": "assistant", "content": "<div>x</div>"}]


def test_follow_up_asks_for_another_kind_of_fact() -> None:
    assert render.follow_up("Where did this happen?", "en") != "Where did this happen?"
    assert render.follow_up("یہ واقعہ کہاں ہوا؟", "ur").endswith("؟")
    assert "کہاں" not in render.follow_up("یہ واقعہ کہاں ہوا؟", "ur")


def test_stopped_answer_keeps_what_arrived() -> None:
    html = render.stopped_html(render.partial_html("Half an ans"))
    assert "kh-stopped" in html and "Half an ans" in html and "Stopped" in html and "kh-streaming" not in html
    assert not render.finished(html) and render.finished(render.answer_html(Answer("q", "en", "a", False), 0))


def test_heartbeat_ticks_while_a_step_runs_and_keeps_the_steps_lazy() -> None:
    import time

    from ui.progress import creep, with_heartbeat

    made: list[int] = []

    def steps():  # type: ignore[no-untyped-def]
        for i in range(3):
            time.sleep(0.35 if i == 0 else 0.0)
            made.append(i)
            yield i

    ticks: list[float] = []
    seen = []
    for item in with_heartbeat(steps(), ticks.append, every=0.1):
        seen.append((item, list(made)))
    assert [s[0] for s in seen] == [0, 1, 2]
    assert seen[0][1] == [0]  # the next step is made only when asked for
    assert len(ticks) >= 2 and ticks == sorted(ticks)
    assert 0.0 < creep(0.25, 10) < creep(0.25, 60) < 1.0 and creep(0.25, 0) == 0.25
