"""The ONNX copies of the default embedder against the torch model itself:
same sentences (Urdu, English, mixed; not from the development set), vectors
must agree (cosine >= 0.99 for each). Runs wherever `khabar models --install`
made the ONNX file; CI's `make setup` does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedding import OnnxEmbedder, SentenceTransformerEmbedder
from rag.errors import KhabarError
from rag.models import REGISTRY
from rag.onnx_export import ONNX_FILES, onnx_dir, verify_onnx

pytestmark = pytest.mark.e2e

SENTENCES = [
    "سیلاب سے متاثرہ علاقوں میں امدادی کارروائیاں جاری ہیں۔",
    "کیا حکومت نے بجلی کی قیمتوں میں اضافہ کیا؟",
    "شہر میں ۳ نئے اسپتال‌ کھولے جائیں گے۔",
    "The central bank kept its interest rate unchanged on Thursday.",
    "Who won the cricket match in Lahore?",
    "Karachi میں rain کے بعد traffic متاثر ہوا۔",
]


@pytest.fixture(scope="module")
def torch_vectors() -> dict[str, np.ndarray]:
    settings = Settings()
    spec = REGISTRY[settings.embedder]
    emb = SentenceTransformerEmbedder(spec.id, settings.models_dir / spec.filename)
    return {"doc": emb.embed_documents(SENTENCES), "query": emb.embed_queries(SENTENCES)}


@pytest.mark.parametrize("precision", sorted(ONNX_FILES))
def test_onnx_vectors_match_torch(precision: str, torch_vectors: dict[str, np.ndarray]) -> None:
    settings = Settings()
    spec = REGISTRY[settings.embedder]
    try:
        onnx_file = verify_onnx(onnx_dir(settings, spec.filename, precision), spec.sha256, precision)
    except KhabarError as exc:
        if precision == settings.embedder_backend.removeprefix("onnx-"):
            raise  # the configured back-end must have been installed
        pytest.skip(f"ONNX {precision} not installed: {exc}")
    emb = OnnxEmbedder(spec.id, settings.models_dir / spec.filename, onnx_file)
    for kind, got in (("doc", emb.embed_documents(SENTENCES)), ("query", emb.embed_queries(SENTENCES))):
        cosines = np.sum(got * torch_vectors[kind], axis=1)
        assert cosines.min() >= 0.99, (kind, cosines.round(4).tolist())


def test_default_embedder_tokenizer_takes_the_fast_path_with_the_same_ids() -> None:
    """The SentencePiece fast path (rag.tokenizer) on the real model folder:
    chosen after its check, and giving tokenizer.json's ids, padding and mask
    on sentences and the whole seed article, with the query/document prompts."""
    from rag.tokenizer import HFTokenizer, SentencePieceTokenizer, load_tokenizer

    settings = Settings()
    folder = settings.models_dir / REGISTRY[settings.embedder].filename
    fast = load_tokenizer(folder, 2048)
    assert isinstance(fast, SentencePieceTokenizer)
    reference = HFTokenizer(folder, 2048)
    seeds = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
    texts = [*SENTENCES, *(p.read_text(encoding="utf-8") for p in seeds), "<bos> in text <eos>", "a\u200cb  c\n\nd"]
    for prompt in ("", "task: search result | query: ", "title: none | text: "):
        batch = [prompt + t for t in texts]
        assert fast.encode_batch(batch) == reference.encode_batch(batch)
