"""Shared fixtures for the unit tests: a tiny aligned Urdu/English article
pair on disk, settings pointing into tmp_path, and a pipeline built from the
fakes (HashEmbedder, ScriptedGenerator). No real models are loaded."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from fake_models import ScriptedGenerator

from rag.config import Settings
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline

ARTICLE = "raid"

UR_SENTENCES = [
    "پولیس نے منگل کے روز Islamabad میں NCCIA کے ساتھ مل کر ایک گروہ کو گرفتار کیا۔",
    "Muzaffargarh میں چھاپے کے دوران 6 بچوں کو بازیاب کرایا گیا۔",
    "ملزمان ویڈیوز dark web پر فروخت کرتے تھے۔",
    "عدالت نے Rinz کو 14 دن کے remand پر بھیج دیا۔",
]
EN_SENTENCES = [
    "Police arrested a gang in Islamabad on Tuesday together with the NCCIA.",
    "During the raid in Muzaffargarh 6 children were rescued.",
    "The suspects sold the videos on the dark web.",
    "The court sent Rinz on a 14 day remand.",
]
EN_FRONT = f"---\narticle: {ARTICLE}\nlanguage: en\nprovenance: translation\n---\n"


@pytest.fixture(autouse=True)
def _no_khabar_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """KHABAR_* variables of the developer's shell must not change a test."""
    for name in list(os.environ):
        if name.startswith("KHABAR_"):
            monkeypatch.delenv(name)


class CountingEmbedder(HashEmbedder):
    """HashEmbedder that records every text it embeds as a document."""

    def __init__(self, dim: int = 64, id: str = "hash-64") -> None:
        super().__init__(dim=dim, id=id)
        self.documents: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents.extend(texts)
        return super().embed_documents(texts)


def write_pair(folder: Path) -> tuple[Path, Path]:
    """The Urdu edition (plain name) and the English one (with front matter)."""
    folder.mkdir(parents=True, exist_ok=True)
    ur = folder / f"{ARTICLE}.ur.txt"
    en = folder / f"{ARTICLE}.en.txt"
    ur.write_text("\n".join(UR_SENTENCES) + "\n", encoding="utf-8")
    en.write_text(EN_FRONT + "\n".join(EN_SENTENCES) + "\n", encoding="utf-8")
    return ur, en


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    write_pair(folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path, articles_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        articles_dir=articles_dir,
        models_dir=tmp_path / "models",
        cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def make_pipeline(settings: Settings) -> Callable[..., Pipeline]:
    """Build a Pipeline on the fakes; the generator reads and writes English only."""

    def make(
        replies: Sequence[str] = (),
        *,
        embedder: HashEmbedder | None = None,
        reads: Sequence[str] = ("en",),
        writes: Sequence[str] = ("en",),
        settings_: Settings | None = None,
    ) -> Pipeline:
        return Pipeline(
            settings_ or settings,
            embedder=embedder or HashEmbedder(),
            generator=ScriptedGenerator(list(replies), reads=reads, writes=writes),
        )

    return make
