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


STATE_TEXTS = [
    "شہر میں ۳ نئے اسپتال‌ کھولے جائیں گے، وزیرِ صحت نے کہا۔",
    "The central bank kept its interest rate unchanged on Thursday.",
    "Prices rose 5\xa0% 😀 in two weeks, said the ministry.",  # a no-break space and an emoji: byte pieces
]


def test_onnx_token_states_match_torch_hidden_states() -> None:
    """The fp32 graph's `token_states` against torch's `hidden_states[18]` for
    the same texts, token by token (cosine >= 0.99), with the offsets the
    transformers fast tokenizer gives (the reader was trained on those), each
    slicing its text to the token's own text."""
    from transformers import AutoTokenizer

    from rag.embedding import STATE_LAYER

    settings = Settings()
    spec = REGISTRY[settings.embedder]
    folder = settings.models_dir / spec.filename
    onnx_file = verify_onnx(onnx_dir(settings, spec.filename, "fp32"), spec.sha256, "fp32")
    onnx = OnnxEmbedder(spec.id, folder, onnx_file)
    torch_backend = SentenceTransformerEmbedder(spec.id, folder)
    assert onnx.state_layer == torch_backend.state_layer == STATE_LAYER == 18
    got, ref = onnx.token_states(STATE_TEXTS), torch_backend.token_states(STATE_TEXTS)
    tok = AutoTokenizer.from_pretrained(str(folder))
    for text, (offsets, states), (ref_offsets, ref_states) in zip(STATE_TEXTS, got, ref, strict=True):
        enc = tok(text, return_offsets_mapping=True)
        pieces = [
            (piece, span)
            for piece, span in zip(tok.convert_ids_to_tokens(enc["input_ids"]), enc["offset_mapping"], strict=True)
            if span[1] > span[0]
        ]
        assert offsets.tolist() == ref_offsets.tolist() == [list(span) for _, span in pieces]
        assert len(pieces) >= 8 and states.shape == ref_states.shape == (len(pieces), 768)
        for piece, (start, end) in pieces:
            if not piece.startswith("<0x"):  # a byte piece spans the whole character it is a byte of
                assert text[start:end] == piece.replace("\u2581", " "), (piece, text[start:end])
        cosines = np.sum(states * ref_states, axis=1) / (
            np.linalg.norm(states, axis=1) * np.linalg.norm(ref_states, axis=1)
        )
        assert cosines.min() >= 0.99, cosines.round(4).tolist()
