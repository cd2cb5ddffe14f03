"""Generator protocol and its llama.cpp implementation.

llama-cpp-python keeps the KV cache of the previous prompt and re-uses the
longest common token prefix, so prompts are built with the article first and
the question last: a follow-up question on the same article only pays for its
own tokens. `warm()` fills that cache ahead of the first question."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from .errors import ContextOverflowError, KhabarError

Message = dict[str, str]


class Generator(Protocol):
    """A chat model: what it can read and write, and how to talk to it."""

    id: str
    reads: frozenset[str]
    writes: frozenset[str]
    n_ctx: int

    def count_tokens(self, text: str) -> int: ...

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
        stop: Sequence[str] = (),
    ) -> str: ...


class LlamaCppGenerator:
    """A local GGUF run by llama.cpp, loaded on first use, temperature 0."""

    def __init__(
        self,
        model_id: str,
        path: Path,
        reads: frozenset[str],
        writes: frozenset[str],
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
        cache_dir: Path | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.id = model_id
        self.path = path
        self.reads = reads
        self.writes = writes
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self._llm: Any = None
        self._lock = threading.Lock()  # llama.cpp contexts are not re-entrant
        self._memory_key: str | None = None  # the system prompt now in the KV cache

    def _load(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama  # heavy: imported on first use

            self._llm = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                n_batch=512,
                seed=self.seed,
                verbose=False,
            )
        return self._llm

    # -- the article prefix, saved on disk --
    # llama-cpp-python's LlamaDiskCache saves the whole logits buffer (hundreds
    # of MB) after every answer; this saves only the KV state, once per
    # system prompt (one per article edition), so a new process asking about
    # the same article skips re-reading it.
    def _prefix_file(self, messages: Sequence[Message]) -> Path | None:
        if self.cache_dir is None or not messages or len(messages[0].get("content", "")) < 500:
            return None
        import hashlib

        key = hashlib.sha256((self.id + "\0" + messages[0]["content"]).encode()).hexdigest()[:24]
        return self.cache_dir / f"{key}.npz"

    def _restore(self, llm: Any, path: Path) -> None:
        import ctypes

        import llama_cpp
        import numpy as np

        try:
            with np.load(path) as data:
                ids, raw = data["input_ids"], data["state"].tobytes()
        except (OSError, ValueError, KeyError):
            return  # a damaged cache file only costs the re-read
        buf = (ctypes.c_uint8 * len(raw)).from_buffer_copy(raw)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(raw)) != len(raw):
            llm.n_tokens = 0
            return
        llm.input_ids[: len(ids)] = ids
        llm.n_tokens = len(ids)
        llm._requires_eval = True

    def _save(self, llm: Any, path: Path) -> None:
        import ctypes
        import os

        import llama_cpp
        import numpy as np

        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        buf = (ctypes.c_uint8 * int(size))()
        n = int(llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, input_ids=np.array(llm.input_ids[: llm.n_tokens]), state=np.frombuffer(memoryview(buf).cast("B"), dtype=np.uint8, count=n))
        os.replace(tmp, path)

    def count_tokens(self, text: str) -> int:
        llm = self._load()
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
        stop: Sequence[str] = (),
    ) -> str:
        llm = self._load()
        with self._lock:
            prefix = self._prefix_file(messages)
            key = prefix.name if prefix else None
            if prefix is not None and key != self._memory_key and prefix.exists():
                self._restore(llm, prefix)
            self._memory_key = key
            try:
                stream = llm.create_chat_completion(
                    messages=list(messages),
                    max_tokens=max_tokens,
                    temperature=0.0,
                    top_k=1,
                    repeat_penalty=1.0,
                    seed=self.seed,
                    stop=list(stop) or None,
                    stream=True,
                )
                parts: list[str] = []
                for chunk in stream:
                    delta = chunk["choices"][0].get("delta", {}).get("content")
                    if delta:
                        parts.append(delta)
                        if on_token is not None:
                            on_token(delta)
                if prefix is not None and not prefix.exists():
                    self._save(llm, prefix)
                return "".join(parts)
            except ValueError as exc:
                msg = str(exc)
                if "exceed context window" in msg:
                    needed = _first_int(msg)
                    raise ContextOverflowError(needed, self.n_ctx) from None
                raise KhabarError(f"The chat model failed: {msg}") from None

    def warm(self, messages: Sequence[Message]) -> None:
        """Process a prompt prefix now so the next question re-uses it."""
        self.chat(messages, max_tokens=1)


def _first_int(text: str) -> int:
    import re

    m = re.search(r"\d+", text)
    return int(m.group(0)) if m else -1


class ScriptedGenerator:
    """A fake for tests: returns scripted replies in order and records the
    prompts it was given."""

    def __init__(self, replies: Sequence[str], reads: Sequence[str] = ("en",), writes: Sequence[str] = ("en",)) -> None:
        self.id = "scripted"
        self.reads = frozenset(reads)
        self.writes = frozenset(writes)
        self.n_ctx = 4096
        self.replies = list(replies)
        self.prompts: list[list[Message]] = []

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 3)

    def chat(self, messages, *, max_tokens, on_token=None, stop=()):  # type: ignore[no-untyped-def]
        self.prompts.append(list(messages))
        reply = self.replies.pop(0) if self.replies else ""
        if on_token is not None:
            for word in reply.split(" "):
                on_token(word + " ")
        return reply
