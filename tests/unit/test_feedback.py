"""👍/👎 feedback: one JSON line per rating, with the question, answer and citations."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import UsageError
from rag.feedback import feedback_record, read_feedback, record_feedback
from rag.types import Answer, Citation

SENTENCE = "مشترکہ پریس کانفرنس منگل کے روز ہوئی۔"


def answer(question: str = "پریس کانفرنس کس دن ہوئی؟") -> Answer:
    cite = Citation(1, "story", 10, 10 + len(SENTENCE), SENTENCE, 0.5, "ur", highlight=(30, 34))
    return Answer(question, "ur", "منگل [1]", False, None, [cite], {"total": 12.0}, {"llm": "m"}, "extractive")


def test_settings_keep_feedback_under_the_data_folder(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).feedback_path == tmp_path / "feedback.jsonl"


def test_record_holds_question_answer_and_citations(tmp_path: Path) -> None:
    path = tmp_path / "data" / "feedback.jsonl"
    record_feedback(path, "up", answer(), article="story")
    record_feedback(path, "down", answer("And in English?"), comment="wrong day")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["rating"] == "up" and first["question"] == "پریس کانفرنس کس دن ہوئی؟"
    assert first["answer"] == "منگل [1]" and first["article"] == "story" and first["language"] == "ur"
    assert first["citations"][0]["text"] == SENTENCE and first["citations"][0]["n"] == 1
    assert "منگل" in lines[0]  # readable Urdu, not \u escapes
    assert [r["rating"] for r in read_feedback(path)] == ["up", "down"]
    assert read_feedback(path)[1]["comment"] == "wrong day"


@pytest.mark.parametrize("rating", ["", "like", "UP", "👍"])
def test_other_ratings_are_refused(tmp_path: Path, rating: str) -> None:
    with pytest.raises(UsageError, match="up, down"):
        record_feedback(tmp_path / "f.jsonl", rating, answer())
    assert not (tmp_path / "f.jsonl").exists()


def test_a_cut_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    record_feedback(path, "up", answer())
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"rating": "down", "question": "cut by a cra')
    assert len(read_feedback(path)) == 1
    assert read_feedback(tmp_path / "missing.jsonl") == []


def test_concurrent_writers_leave_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    long_answer = answer("س" * 5000)
    workers = [threading.Thread(target=record_feedback, args=(path, "down", long_answer)) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(read_feedback(path)) == 8


def test_record_time_is_utc() -> None:
    assert feedback_record("up", answer(), when=0)["time"] == "1970-01-01T00:00:00Z"
