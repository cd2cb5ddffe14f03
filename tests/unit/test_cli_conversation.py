"""`khabar ask --json -` with conversation lines: a JSON object with "question"
and "history" is passed on as a follow-up; plain lines still work; a bad line
gives a JSON error object and the batch goes on. Driven with click's CliRunner
on the scripted pipeline of tests/fake_pipeline.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rag.cli import cli
from rag.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for fake_pipeline
from fake_pipeline import EN_ANSWER, UR_ANSWER, FakePipeline  # noqa: E402

EN_Q = "When was the press conference?"
UR_Q = "پریس کانفرنس کب ہوئی؟"


def _run(settings: Settings, lines: list[str]) -> tuple[FakePipeline, list[dict[str, Any]], int]:
    pipeline = FakePipeline(token_delay=0)
    result = CliRunner().invoke(
        cli, ["ask", "--json", "-"], obj={"settings": settings, "pipeline": pipeline}, input="\n".join(lines) + "\n"
    )
    return pipeline, [json.loads(line) for line in result.stdout.strip().splitlines()], result.exit_code


def _line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_json_line_passes_question_and_history(settings: Settings) -> None:
    history = [["How many FIRs were registered?", "178 FIRs [1]."], ["کتنے گرفتار ہوئے؟", "دو [2]"]]
    pipeline, out, code = _run(settings, [_line(question="And the press conference?", history=history)])
    assert code == 0
    assert pipeline.calls[0]["question"] == "And the press conference?"
    assert pipeline.calls[0]["history"] == [tuple(pair) for pair in history]
    assert out[0]["question"] == "And the press conference?"


def test_json_line_without_history_is_a_fresh_question(settings: Settings) -> None:
    pipeline, out, _ = _run(settings, [_line(question=UR_Q)])
    assert pipeline.calls[0]["history"] == []
    assert out[0]["answer"] == UR_ANSWER


def test_plain_and_json_lines_mix_in_order(settings: Settings) -> None:
    lines = [EN_Q, _line(question=UR_Q, history=[[EN_Q, EN_ANSWER]]), "Who is the minister?"]
    pipeline, out, code = _run(settings, lines)
    assert code == 0
    assert [o["question"] for o in out] == [EN_Q, UR_Q, "Who is the minister?"]
    assert [c["history"] for c in pipeline.calls] == [[], [(EN_Q, EN_ANSWER)], []]
    assert out[0]["answer"] == EN_ANSWER


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"question": "unterminated', "not JSON"),
        ('{"q": "When?"}', '"question" as a string'),
        ('{"question": 7}', '"question" as a string'),
        (_line(question=EN_Q, history=[["only one"]]), "[question, answer] pairs"),
        (_line(question=EN_Q, history="And then?"), "[question, answer] pairs"),
        (_line(question=EN_Q, history=[["q", 3]]), "[question, answer] pairs"),
        (_line(question="   "), "empty"),
    ],
)
def test_bad_json_line_gives_an_error_object_and_the_batch_goes_on(settings: Settings, bad: str, message: str) -> None:
    pipeline, out, code = _run(settings, [bad, EN_Q])
    assert code == 0
    assert len(out) == 2
    assert message in out[0]["error"]
    assert set(out[0]) == {"line", "question", "error"} and out[0]["line"] == 1
    assert out[1]["question"] == EN_Q and out[1]["answer"] == EN_ANSWER
    assert [c["question"] for c in pipeline.calls] == [EN_Q]


def test_urdu_history_survives_the_json_round_trip(settings: Settings) -> None:
    # ZWNJ, Arabic-Indic digits and «؟» in the history reach the pipeline unchanged.
    history = [["کتنے بچوں کو بچایا گیا؟", "کم از کم ۶ بچوں کو\u200cبچایا گیا۔"]]
    pipeline, _, _ = _run(settings, [_line(question="اور کتنے فرار ہیں؟", history=history)])
    assert pipeline.calls[0]["history"] == [tuple(history[0])]
