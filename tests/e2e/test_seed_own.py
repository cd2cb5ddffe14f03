"""The project's own question set on the seed article (seed_own.jsonl, written
from the article, independent of shared/eval/seed_dev.jsonl) through `khabar
eval` with the real default models. It covers paraphrases and synonyms,
misspelled and transliterated names, Urdu number words, why/how questions,
unanswerable and adversarial questions, and conversations (items with a
`history`) in Urdu, English and mixed, some after a refused turn.

The issue's target is 95% of the items; it is NOT met yet (see the closing
note of issue 9 for the measured score). This test guards what is reached: it
fails when the score falls below BAR, a floor a few items under the measured
score (answers are deterministic at temperature 0; the margin is for library
updates that change llama.cpp's arithmetic).
On failure it prints a table of the failing items with the reason (refused /
wrong / language / answered instead of refusing / ...) and the answer given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rag.cli import cli
from rag.config import Settings

SET = Path(__file__).resolve().parent / "seed_own.jsonl"
TARGET = 95.0  # the target, not reached
BAR = 78.0  # a floor a few items under the measured score (81/97 = 83.5%, stop 25: English 46/50, Urdu 35/47)

pytestmark = pytest.mark.e2e


def failure_table(rows: list[dict[str, Any]], items: dict[str, dict[str, Any]]) -> str:
    """One line per failing item: id, kind, language, turns before, reason, question, answer."""
    lines = ["| id | kind | lang | turns | why | question | answer |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("passed"):
            continue
        turns = len(items.get(r["id"], {}).get("history", []))
        answer = " ".join(str(r.get("answer") or r.get("error") or "").split())[:120]
        why = r.get("why") or r.get("error") or "?"
        lines.append(f"| {r['id']} | {r['kind']} | {r['lang']} | {turns} | {why} | {r['question']} | {answer} |")
    return "\n".join(lines)


def test_own_seed_set_keeps_its_measured_score(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "user-data")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["eval", str(SET), "--out", str(out), "--quiet"], obj=settings)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = report["sets"][0]["items"]
    items = {i["id"]: i for i in map(json.loads, filter(None, SET.read_text(encoding="utf-8").splitlines()))}
    assert len(rows) == len(items)
    passed = sum(bool(r.get("passed")) for r in rows)
    score = 100.0 * passed / len(rows)
    table = failure_table(rows, items)
    print(f"\nseed_own: {passed}/{len(rows)} = {score:.1f}%\n{table}")
    assert score >= BAR, f"seed_own: {passed}/{len(rows)} = {score:.1f}% < {BAR}%\n{table}"
