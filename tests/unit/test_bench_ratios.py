"""bench/bench.py's ratio table and the naive peer's helpers, without models."""

from __future__ import annotations

import sys

import pytest

from bench import bench, peer


def test_ratio_table_marks_each_target() -> None:
    figures = {
        "ttft_vs_raw_ratio": 1.05,
        "total_vs_raw_ratio": 1.2,
        "en_first_token_ms_median": 950.0,
        "en_new_prompt_tokens_median": 36,
        "index_vs_encode_ratio": 0.8,
        "peer_vs_khabar_answer_time_ratio": 12.0,
        "khabar_seed_dev_score": "15/17",
        "peer_seed_dev_score": "6/17",
    }
    lines = {line.split("  ")[0].strip(): line for line in bench.ratios_table(figures).splitlines()[1:]}
    assert lines["TTFT, Khabar / raw llama.cpp (same prompts)"].endswith("yes")
    assert lines["English TTFT median (ms)"].endswith("NO")
    assert lines["new prompt tokens per English question (median)"].endswith("yes")
    assert lines["index throughput / raw encoding"].endswith("NO")
    assert lines["peer median answer / Khabar's"].endswith("yes")
    assert lines["seed_dev score, Khabar vs peer"].endswith("yes")
    assert lines["total, Khabar / raw llama.cpp"].endswith("-")  # reported, no target


def test_ratio_table_without_the_peer_says_skipped() -> None:
    table = bench.ratios_table({"khabar_seed_dev_score": "15/17"})
    row = next(line for line in table.splitlines() if line.startswith("seed_dev score"))
    assert "15/17 vs skipped" in row
    assert row.endswith("-")


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        ("I don't know.", True),
        ("The context does not mention the number of arrests.", True),
        ("The number is not provided in the given context.", True),
        ("Six children were rescued.", False),
        ("They knew the suspects.", False),
        ("", False),
    ],
)
def test_peer_refusal_is_its_dont_know(answer: str, refused: bool) -> None:
    assert peer.said_dont_know(answer) is refused


def test_peer_unavailable_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_classic", None)  # import fails as if not installed
    message = peer.available()
    assert "langchain_classic" in message
    assert ".[bench]" in message


def test_peer_pipeline_stuffs_the_top_four_chunks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The real LangChain chain (splitter, FAISS, "stuff" prompt) with a
    scripted chat model and the hash embedder: four 500-character chunks go
    into the one prompt, the model's reply is the answer."""
    pytest.importorskip("langchain_classic", reason="the bench extra is not installed")
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.embedding import HashEmbedder

    article = tmp_path / "a.en.txt"
    article.write_text("\n\n".join(f"Paragraph {i}. " + "The raid was on Tuesday. " * 20 for i in range(8)), encoding="utf-8")
    seen: list[str] = []

    class Recording(FakeListChatModel):
        def _call(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append("\n".join(str(m.content) for m in messages))
            return super()._call(messages, stop, run_manager, **kwargs)

    p = peer.Peer([article], HashEmbedder(), Recording(responses=["On Tuesday."]))
    assert p.chunks > 8  # 500-character chunks of a 4,000-character article
    text, took = p.ask("When was the raid?")
    assert text == "On Tuesday."
    assert took >= 0
    assert len(seen) == 1
    assert seen[0].count("The raid was on Tuesday.") >= 4 * 15  # four chunks of about 20 sentences each
    assert "When was the raid?" in seen[0]


def test_cold_run_reports_each_process_own_peak_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The peak is the process's own (VmHWM), not the largest child so far nor
    the bench's own size folded in at fork: a small process after a 300 MB one
    reports a small peak, though this test process holds 200 MB more."""
    (tmp_path / "big.py").write_text("b = bytearray(300 * 2**20)\nb[::4096] = b'x' * len(b[::4096])\nprint('big')\n")
    (tmp_path / "small.py").write_text("print('small')\n")
    (tmp_path / "fail.py").write_text("import sys\nsys.exit(3)\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}
    ballast = bytearray(200 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])
    big = bench.cold_run("big", [], env)
    small = bench.cold_run("small", [], env)
    assert big["exit_code"] == 0 and big["stdout"].strip() == "big"
    assert big["rss_mb"] >= 300
    assert small["stdout"].strip() == "small"
    assert small["rss_mb"] < 100
    assert small["cpu_s"] <= small["wall_s"] + 0.5
    assert bench.cold_run("fail", [], env)["exit_code"] == 3
