"""Fakes of the models for tests: a chat model that returns scripted replies.
(The hash embedder stays in rag/embedding.py: bench/corpus.py uses it as a
stand-in encoder.)"""

from __future__ import annotations

from collections.abc import Sequence

from rag.llm import Message


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

    def chat(self, messages, *, max_tokens, on_token=None, stop=(), refusal=None):  # type: ignore[no-untyped-def]
        self.prompts.append(list(messages))
        reply = self.replies.pop(0) if self.replies else ""
        if on_token is not None:
            for word in reply.split(" "):
                on_token(word + " ")
        return reply


class AssessingGenerator(ScriptedGenerator):
    """A scripted chat model that also assesses sentences (`rag.llm.Assessor`):
    the share of "Yes" for a sentence is the first of `shares` whose key it
    contains (else `default`); every assessed sentence is recorded."""

    def __init__(self, replies: Sequence[str], shares: dict[str, float | None], default: float = 0.1) -> None:
        super().__init__(replies)
        self.shares = shares
        self.default = default
        self.assessed: list[str] = []
        self.prompts_assessed: list[str] = []

    def yes_share(self, messages: Sequence[Message]) -> float | None:
        sentence = messages[-1]["content"].split("\n")[0].removeprefix("Sentence: ")
        self.assessed.append(sentence)
        self.prompts_assessed.append(messages[-1]["content"])
        return next((v for k, v in self.shares.items() if k in sentence), self.default)
