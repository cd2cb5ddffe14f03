"""Embedder protocol and its sentence-transformers implementation.

FAISS code, prompts and the UI only see `Embedder`; nothing outside this module
imports sentence-transformers (its import alone costs ~8 s, so it happens on
first use, not at start-up)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    id: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """EmbeddingGemma (or any sentence-transformers folder), loaded lazily,
    fp32 on CPU. Uses the model's own query/document prompts."""

    def __init__(self, model_id: str, path: Path, dim: int = 768, batch_size: int = 16) -> None:
        self.id = model_id
        self.path = path
        self.dim = dim
        self.batch_size = batch_size
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self):  # type: ignore[no-untyped-def]
        with self._lock:  # the app warms up in a thread while a first question may arrive
            return self._load_locked()

    def _load_locked(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            import os

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer  # heavy: imported on first use

            model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self.dim = int(dim_of() or self.dim)
            self._model = model
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encode = getattr(model, "encode_document", model.encode)
        vecs = encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        encode = getattr(model, "encode_query", model.encode)
        vecs = encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


class HashEmbedder:
    """A deterministic bag-of-words embedder for tests: texts sharing
    normalised words get similar vectors. Not semantic."""

    def __init__(self, dim: int = 64, id: str = "hash-64") -> None:
        self.id = id
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        from .text import stem, tokenize

        v = np.zeros(self.dim, dtype=np.float32)
        for tok in tokenize(text):
            h = int.from_bytes(hashlib.blake2b(stem(tok).encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)
