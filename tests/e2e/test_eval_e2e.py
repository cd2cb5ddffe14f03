"""`khabar eval` with the real default models on small sets drawn from the
development sets in shared/eval (the seed questions through the `khabar`
command, one XL-Sum and one UQA item through `evaluate`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rag.cli import cli
from rag.config import PROJECT_ROOT, Settings
from rag.evaluation import evaluate

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"

pytestmark = pytest.mark.e2e


def _items(name: str, ids: list[str]) -> list[dict[str, Any]]:
    lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
    by_id = {item["id"]: item for item in map(json.loads, filter(None, lines))}
    return [by_id[i] for i in ids]


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "user-data")


def _in_range(figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        if value is None or key == "n" or key.endswith("_ms") or key == "unsupported_facts":
            continue
        assert 0 <= value <= 100, (key, value)


def test_eval_three_seed_questions(tmp_path: Path, settings: Settings) -> None:
    items = _items("seed_dev.jsonl", ["dev-en2", "dev-ur1", "dev-adv2"])
    path = _write(tmp_path / "seed3.jsonl", items)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["eval", str(path), "--out", str(out), "--quiet"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "seed3 (seed, 3 items)" in result.output
    for name in ("report.md", "report.json", "report.png"):
        assert (out / name).stat().st_size > 0
    assert not settings.data_dir.exists()  # the user's index is never touched
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    figures = report["sets"][0]["metrics"]
    assert set(figures) == {"all", "en", "ur"}
    _in_range(figures["all"])
    rows = report["sets"][0]["items"]
    assert [r["error"] for r in rows] == ["", "", ""]
    assert all(r["answer"] or r["refused"] for r in rows)
    assert all(r["total_ms"] and r["total_ms"] > 0 for r in rows)
    # The default models find the evidence line of the day question.
    assert figures["all"]["recall@5"] == 100.0
    assert "## seed3 (seed, 3 items" in (out / "report.md").read_text(encoding="utf-8")


def test_eval_xlsum_and_uqa_items(tmp_path: Path, settings: Settings) -> None:
    xlsum = _write(tmp_path / "xl1.jsonl", _items("xlsum_ur_dev.jsonl", ["080606_dik_blast"]))
    uqa = _write(tmp_path / "uqa1.jsonl", _items("uqa_ur_dev.jsonl", ["5727fd123acd2414000df188"]))
    report = evaluate([xlsum, uqa], settings, tmp_path / "report", progress=False)
    xl, qa = report["sets"]
    _in_range(xl["metrics"]["all"])
    _in_range(qa["metrics"]["all"])
    assert xl["metrics"]["all"]["lead1_rouge1"] > 0  # Urdu is scored, not dropped
    assert xl["items"][0]["error"] == "" and qa["items"][0]["error"] == ""
    summary = xl["items"][0]
    assert summary["refused"] or summary["rouge1"] > 0
    assert qa["items"][0]["answer"] or qa["items"][0]["refused"]
    assert (tmp_path / "report" / "report.png").exists()
