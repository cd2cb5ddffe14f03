"""Start-up: what a cold `khabar ask` builds. An Urdu question with the
default (English-only) chat model is answered from the article's sentences,
so the chat model is never built: no GGUF is verified or loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import UR_SENTENCES

from rag.config import Settings
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline


def test_urdu_question_never_builds_the_chat_model(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def no_gguf(*args: object, **kwargs: object) -> None:
        built.append("LlamaCppGenerator")
        raise AssertionError("the chat model was built for an Urdu question")

    def no_verify(spec: object, models_dir: Path) -> Path:
        built.append("verify")
        raise AssertionError("the GGUF was verified for an Urdu question")

    monkeypatch.setattr("rag.pipeline.LlamaCppGenerator", no_gguf)
    monkeypatch.setattr("rag.pipeline.verify", no_verify)
    Pipeline(settings, embedder=HashEmbedder()).index()
    p = Pipeline(settings, embedder=HashEmbedder())  # a new process: nothing built yet
    answer = p.ask("چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟")
    assert not answer.refused
    assert [c.text for c in answer.citations] == [UR_SENTENCES[1]]
    assert built == []
    assert p._generator is None
    with pytest.raises(AssertionError, match="chat model was built|GGUF was verified"):
        p.generator()  # the guard itself works: an English answer would have tripped it
