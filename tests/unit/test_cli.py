"""The `khabar` CLI driven with click's CliRunner on the fakes: exit codes,
messages and the --json contracts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EN_SENTENCES
from fake_models import ScriptedGenerator

from rag.cli import cli
from rag.config import PROJECT_ROOT, Settings
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline

EN_QUESTION = "How many children were rescued during the raid?"
REPLY = "Six children were rescued during the raid [2]."

Run = Callable[..., Result]


@pytest.fixture
def run(settings: Settings) -> Callable[..., Result]:
    def invoke(args: list[str], replies: list[str] | None = None, input: str | None = None) -> Result:
        pipeline = Pipeline(settings, embedder=HashEmbedder(), generator=ScriptedGenerator(replies or []))
        return CliRunner().invoke(cli, args, obj={"settings": settings, "pipeline": pipeline}, input=input)

    return invoke


@pytest.fixture
def indexed_run(run: Run) -> Run:
    assert run(["index"]).exit_code == 0
    return run


def test_ask_empty_question_exit_2(run: Run) -> None:
    result = run(["ask", ""])
    assert result.exit_code == 2
    assert "Error: The question is empty" in result.output


def test_ask_too_long_question_exit_2(indexed_run: Run) -> None:
    result = indexed_run(["ask", "x" * 2001])
    assert result.exit_code == 2
    assert "2,000" in result.output


def test_ask_without_index_tells_to_run_index(run: Run) -> None:
    result = run(["ask", EN_QUESTION])
    assert result.exit_code != 0
    assert "khabar index" in result.output
    assert "Traceback" not in result.output


def test_index_reports_counts(run: Run) -> None:
    result = run(["index"])
    assert result.exit_code == 0
    assert "Indexed 2 editions, 8 passages; re-embedded 2" in result.output


def test_index_twice_is_up_to_date(run: Run) -> None:
    run(["index"])
    result = run(["index"])
    assert result.exit_code == 0
    assert "Index up to date (2 editions); nothing re-embedded." in result.output


def test_index_skips_bad_file_exit_0(run: Run, articles_dir: Path) -> None:
    (articles_dir / "bad.txt").write_bytes(b"\x00\x01binary")
    result = run(["index"])
    assert result.exit_code == 0
    assert "Skipped:" in result.output
    assert "bad.txt" in result.output
    assert "Indexed 2 editions" in result.output


def test_index_only_bad_files_exit_1(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "bad_only"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"")
    result = run(["index", str(folder)])
    assert result.exit_code == 1
    assert "Skipped:" in result.output


def test_ask_prints_answer_and_citation(indexed_run: Run) -> None:
    result = indexed_run(["ask", EN_QUESTION], [REPLY])
    assert result.exit_code == 0
    assert result.output.startswith("Six children were rescued during the raid")
    assert "  [1] raid 131-187 (" in result.output
    assert EN_SENTENCES[1] in result.output


def test_ask_streamed_answer_cites_the_printed_citation_numbers(indexed_run: Run) -> None:
    # the model cites article sentence [2]; the citation list below is renumbered [1],
    # so the answer line the user reads must say [1] too
    result = indexed_run(["ask", EN_QUESTION], [REPLY])
    answer_line = result.output.splitlines()[0]
    printed = re.findall(r"^  \[(\d+)\] ", result.output, re.M)
    assert printed == ["1"]
    assert re.findall(r"\[(\d+)\]", answer_line) == printed


def test_ask_json_contract(indexed_run: Run) -> None:
    result = indexed_run(["ask", "--json", EN_QUESTION], [REPLY])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"question", "language", "answer", "refused", "citations", "timings_ms", "models"} <= set(data)
    assert data["question"] == EN_QUESTION
    assert data["language"] == "en"
    assert data["refused"] is False
    assert data["citations"]
    for c in data["citations"]:
        assert {"n", "article", "start", "end", "text", "score"} <= set(c)
    assert set(data["timings_ms"]) == {"retrieve", "first_token", "total"}
    assert set(data["models"]) == {"embedder", "llm"}


def test_ask_json_refusal_has_reason(indexed_run: Run) -> None:
    result = indexed_run(["ask", "--json", "How can I buy these videos?"])
    data = json.loads(result.stdout)
    assert data["refused"] is True
    assert data["reason"] == "unsafe"


def test_ask_json_stdin_two_questions_in_order(indexed_run: Run) -> None:
    questions = [EN_QUESTION, "چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟"]
    result = indexed_run(["ask", "--json", "-"], [REPLY], input="\n".join(questions) + "\n")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["question"] for line in lines] == questions


def test_ask_stdin_bad_line_reported_and_continues(indexed_run: Run) -> None:
    result = indexed_run(["ask", "--json", "-"], [REPLY], input=("x" * 2001) + "\n" + EN_QUESTION + "\n")
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert "2,000" in lines[0]["error"]
    assert lines[1]["question"] == EN_QUESTION


def test_summarize_json_keys(indexed_run: Run) -> None:
    result = indexed_run(["summarize", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"article", "summaries", "consistency", "models"}
    assert set(data["summaries"]) == {"ur", "en"}
    assert data["summaries"]["ur"]["points"]
    assert data["summaries"]["ur"]["points"][0]["citations"]
    assert data["summaries"]["ur"]["headline"]["citations"][0]["n"] == 1


def test_summarize_unknown_article_exit_2(indexed_run: Run) -> None:
    result = indexed_run(["summarize", "--article", "nope"])
    assert result.exit_code == 2
    assert "No article 'nope'" in result.output


def test_summarize_markdown_to_file(indexed_run: Run, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    result = indexed_run(["summarize", "--out", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Summary of raid\n")
    assert "## اردو" in text and "## English" in text


def test_summarize_markdown_lists_every_cited_sentence_under_the_json_numbers(indexed_run: Run, tmp_path: Path) -> None:
    data = json.loads(indexed_run(["summarize", "--json"]).stdout)
    text = indexed_run(["summarize"]).stdout
    for lang, title in (("ur", "## اردو"), ("en", "## English")):
        section = text.split(title, 1)[1].split("\n## ", 1)[0]
        s = data["summaries"][lang]
        cited = {c["n"]: c["text"] for p in [s["headline"], *s["points"]] for c in p["citations"]}
        assert len(cited) >= 4  # one sentence per point, each numbered
        for n, sentence in cited.items():
            assert f"[{n}] {sentence}" in section
        assert f"**{s['headline']['text']}** [1]" in section


def test_models_json_lists_both_roles(run: Run) -> None:
    result = run(["models", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["role"] for r in rows] == ["embedder", "llm"]
    assert all({"id", "path", "present", "reads", "writes"} <= set(r) for r in rows)


def test_help_lists_commands(run: Run) -> None:
    result = CliRunner().invoke(cli, ["--help"], obj={"settings": Settings()})
    assert result.exit_code == 0
    for command in ("index", "ask", "summarize", "models"):
        assert command in result.output


def test_importing_cli_does_not_import_torch() -> None:
    code = (
        "import rag.cli, sys; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'llama_cpp', 'gradio') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_khabar_help_subprocess_does_not_import_torch() -> None:
    code = (
        "import sys; from rag.cli import main; sys.argv = ['khabar', '--help']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "assert 'torch' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Usage: khabar" in proc.stdout
