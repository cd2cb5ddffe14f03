"""The ONNX copies of the default embedder against the torch model itself:
same sentences (Urdu, English, mixed; not from the development set), vectors
must agree (cosine >= 0.99 for each). Runs wherever `khabar models --install`
made the ONNX file; CI's `make setup` does."""

from __future__ import annotations

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
