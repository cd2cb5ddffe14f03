"""The OpenAI-compatible back-end against a real server: `python -m
llama_cpp.server` (llama-cpp-python's `[server]` extra) serves the default
GGUF on a free loopback port, English seed questions are asked through it, and
every answer must equal the in-process llama.cpp back-end's, to the character,
at temperature 0. The server is always stopped, pass or fail.

Both back-ends get the same questions in the same order, so each reuses its
KV cache for the same prompt prefixes (llama-cpp-python keeps the longest
common token prefix of the previous prompt, in process and in the server
alike) and the prompt is evaluated in the same batches. The server is started
with the in-process settings that can change the arithmetic: n_ctx, n_batch,
threads, seed, and logits_all off (the server's default is on). The
in-process back-end runs without its on-disk prefix state, which the server
does not have."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.errors import LLMServerError

pytestmark = pytest.mark.e2e

SET = Path(__file__).resolve().parent / "seed_own.jsonl"
QUESTIONS = ("own-en01", "own-en02", "own-en09")  # English, answerable, different sentences
START_TIMEOUT = 180.0  # loading a 1.1 GB GGUF on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[str]:
    items = {i["id"]: i for i in map(json.loads, filter(None, SET.read_text(encoding="utf-8").splitlines()))}
    return [items[q]["q"] for q in QUESTIONS]


@contextlib.contextmanager
def serve(settings: Settings, log: Path, logits_all: bool) -> Iterator[str]:
    """The API base of a running `llama_cpp.server` on the default GGUF,
    stopped on exit. `logits_all` on: it gives token log-probabilities."""
    import httpx

    from rag.models import resolve_llm, verify

    chat = resolve_llm(settings)
    assert chat.spec is not None
    gguf = verify(chat.spec, settings.models_dir)
    port = free_port()
    s = settings
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf), "--model_alias", chat.id,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(s.n_ctx), "--n_batch", "512",
        "--n_threads", str(s.n_threads), "--n_threads_batch", str(s.n_threads),
        "--seed", str(s.seed), "--logits_all", str(logits_all).lower(), "--verbose", "false",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
                )
            try:
                if httpx.get(base + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"llama_cpp.server did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def llama_server(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server started as the in-process back-end runs: no log-probabilities."""
    with serve(real_settings, tmp_path_factory.mktemp("llama-server") / "server.log", logits_all=False) as base:
        yield base


def run(pipeline: Any, qs: list[str], name: str) -> list[dict[str, Any]]:
    out = []
    for q in qs:
        streamed: list[str] = []
        started = time.monotonic()
        a = pipeline.ask(q, on_token=streamed.append)
        print(f"  {name}: {time.monotonic() - started:.1f} s for {q!r}", flush=True)
        out.append(
            {
                "q": q,
                "answer": a.answer,
                "streamed": "".join(streamed),
                "strategy": a.strategy,
                "refused": a.refused,
                "citations": [(c.n, c.article, c.language, c.start, c.end) for c in a.citations],
            }
        )
    return out


def test_server_answers_equal_in_process_answers(
    real_pipeline: Any, real_settings: Settings, llama_server: str
) -> None:
    from rag.llm import LlamaCppGenerator
    from rag.models import resolve_llm
    from rag.pipeline import Pipeline
    from rag.remote_llm import OpenAIChatGenerator

    chat = resolve_llm(real_settings)
    s = real_settings
    # a fresh in-process model without the on-disk prefix state, so both start from an empty KV cache;
    # decoding the refusal greedily, as the server back-end does (it reads no token probabilities), so
    # that the comparison is of the transport, not of the in-process majority refusal rule; and without
    # the Yes/No assessment of single sentences, which reads token probabilities too
    local_gen = LlamaCppGenerator(
        chat.id, chat.path, chat.reads, chat.writes, s.n_ctx, s.n_threads, s.seed, cache_dir=None,
        majority_refusal=False, assess=False,
    )
    local = Pipeline(s, embedder=real_pipeline.embedder(), generator=local_gen)
    remote_settings = s.model_copy(update={"llm_url": llama_server, "llm_model": chat.id})
    remote = Pipeline(remote_settings, embedder=real_pipeline.embedder())
    remote_gen = remote.generator()
    assert isinstance(remote_gen, OpenAIChatGenerator)
    assert (remote_gen.reads, remote_gen.writes) == (chat.reads, chat.writes)

    # the server counts tokens as llama.cpp does in process, so the same passages fit in the prompt
    edition = real_pipeline.article_text(real_pipeline.articles()[0].article, "en")
    for text in (edition, "How many kids were saved?", "<|im_start|>"):
        assert remote_gen.count_tokens(text) == local_gen.count_tokens(text), text

    qs = questions()
    started = time.monotonic()
    want = run(local, qs, "in-process")
    local_s = time.monotonic() - started
    started = time.monotonic()
    got = run(remote, qs, "server")
    remote_s = time.monotonic() - started
    print(f"\nin-process {local_s:.1f} s, llama_cpp.server {remote_s:.1f} s for {len(qs)} questions")
    for w, g in zip(want, got, strict=True):
        print(f"  {w['strategy']:>22} | {w['answer'][:90]!r}\n  {g['strategy']:>22} | {g['answer'][:90]!r}")
    assert got == want
    # the comparison is not vacuous: the model's own streamed text came through the server and was compared
    # above (whether it answers or refuses these questions is the answer quality's business: test_seed_own)
    assert any(g["streamed"].strip() for g in got), got


def test_a_stopped_server_is_a_clear_error(real_settings: Settings) -> None:
    port = free_port()
    settings = real_settings.model_copy(update={"llm_url": f"http://127.0.0.1:{port}", "llm_retries": 1})
    from rag.pipeline import Pipeline

    gen = Pipeline(settings).generator()
    with pytest.raises(LLMServerError, match=rf"http://127\.0\.0\.1:{port}/v1 could not be reached"):
        gen.chat([{"role": "user", "content": "Hello"}], max_tokens=4)


def test_a_server_with_logprobs_assesses_as_the_in_process_model(
    real_pipeline: Any, real_settings: Settings, tmp_path: Path
) -> None:
    """`yes_share` over the server's top log-probabilities: a server started
    with `--logits_all true` gives the in-process model's share, to 0.02 (its
    logits come from another batch layout), for a sentence that answers and
    one that does not; the server without them (the fixture above) gives None."""
    from rag.models import resolve_llm
    from rag.pipeline import Pipeline
    from rag.prompts import assess_messages
    from rag.remote_llm import OpenAIChatGenerator

    question = "Where were the videos sold?"
    prompts = [
        assess_messages("The videos were sold on the dark web for thousands of dollars.", question),
        assess_messages("The children were handed over to the child protection bureau.", question),
    ]
    local = [real_pipeline.generator().yes_share(m) for m in prompts]
    with serve(real_settings, tmp_path / "server.log", logits_all=True) as base:
        remote_settings = real_settings.model_copy(update={"llm_url": base, "llm_model": resolve_llm(real_settings).id})
        gen = Pipeline(remote_settings, embedder=real_pipeline.embedder()).generator()
        assert isinstance(gen, OpenAIChatGenerator)
        remote = [gen.yes_share(m) for m in prompts]
    print(f"\nYes share in process {local}, through llama_cpp.server {remote}")
    assert None not in local and None not in remote
    assert remote[0] > 0.5 > remote[1], remote
    for a, b in zip(local, remote, strict=True):
        assert abs(a - b) < 0.02, (local, remote)


def test_a_server_without_logprobs_assesses_nothing(real_settings: Settings, llama_server: str) -> None:
    from rag.models import resolve_llm
    from rag.pipeline import Pipeline
    from rag.prompts import assess_messages

    remote_settings = real_settings.model_copy(update={"llm_url": llama_server, "llm_model": resolve_llm(real_settings).id})
    gen = Pipeline(remote_settings).generator()
    assert gen.yes_share(assess_messages("The raid was on 23 May.", "When was the raid?")) is None  # type: ignore[attr-defined]
