"""Embedder protocol and its sentence-transformers implementation.

FAISS code, prompts and the UI only see `Embedder`; nothing outside this module
imports sentence-transformers (its import alone costs ~8 s, so it happens on
first use, not at start-up)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from .tokenizer import Tokenizer

# The transformer layer whose output (`hidden_states[STATE_LAYER]`, index 0 being
# the embedding output: the residual stream, no final norm) `TokenStates` gives.
STATE_LAYER = 18


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    id: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class TokenStates(Protocol):
    """Per-token hidden states of transformer layer `state_layer` (see
    `STATE_LAYER`), for a reader that works on token vectors.

    `token_states` gives, per text, `(offsets, states)`: offsets an int64 array
    (n, 2) of each token's character (start, end) in the text, states float32
    (n, hidden). Only the text's real tokens: no BOS/EOS, no padding, no token
    with an empty span. No prompt is added; texts are cut at the embedder's
    max_length. `state_layer` is -1 when the embedder has no states (an ONNX
    graph exported before they were added); `token_states` then raises
    `NoTokenStatesError`."""

    @property
    def state_layer(self) -> int: ...

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]: ...


def real_tokens(
    mask: Sequence[int], special: Sequence[int], offsets: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and (n, 2) offsets of a text's real tokens: attended, not
    special, with a non-empty character span."""
    spans = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    keep = (np.asarray(mask) == 1) & (np.asarray(special) == 0) & (spans[:, 1] > spans[:, 0])
    rows = np.flatnonzero(keep)
    return rows, spans[rows]


def _longest_first(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Batches of text indices, longest first, so each batch pads little."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


class SentenceTransformerEmbedder:
    """EmbeddingGemma (or any sentence-transformers folder), loaded lazily,
    fp32 on CPU. Uses the model's own query/document prompts."""

    state_layer = STATE_LAYER

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

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """See `TokenStates`: the transformer's `hidden_states[STATE_LAYER]`."""
        import torch  # loaded with the model already

        model = self._load()
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros((0, 2), np.int64), np.zeros((0, 0), np.float32))] * len(
            texts
        )
        for idx in _longest_first(texts, self.batch_size):
            enc = model.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=model.max_seq_length,
                return_offsets_mapping=True,
                return_special_tokens_mask=True,
                return_tensors="pt",
            )
            with torch.no_grad():
                hidden = (
                    model[0]
                    .auto_model(
                        input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True
                    )
                    .hidden_states[STATE_LAYER]
                )
            states = hidden.float().numpy()
            for row, i in enumerate(idx):
                keep, spans = real_tokens(
                    enc["attention_mask"][row].tolist(),
                    enc["special_tokens_mask"][row].tolist(),
                    [tuple(x) for x in enc["offset_mapping"][row].tolist()],
                )
                out[i] = (spans, np.ascontiguousarray(states[row, keep], dtype=np.float32))
        return out


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


class OnnxEmbedder:
    """The same sentence-transformers model exported to ONNX (see
    `rag.onnx_export`), run with ONNX Runtime, `tokenizers` and numpy.

    It never imports torch: a cold process pays ~0.3 s of imports instead of
    ~8 s. The graph holds the whole model (transformer, mean pooling, the two
    Dense layers, normalisation); the prompts come from the model folder's
    `config_sentence_transformers.json`, as sentence-transformers reads them."""

    def __init__(
        self,
        model_id: str,
        model_dir: Path,
        onnx_file: Path,
        dim: int = 768,
        batch_size: int = 16,
        max_length: int = 2048,
        threads: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.id = model_id
        self.model_dir = model_dir
        self.onnx_file = onnx_file
        self.dim = dim
        self.batch_size = batch_size
        self.max_length = max_length
        self.threads = threads  # 0: ONNX Runtime's default (one per physical core)
        self._session: object | None = None
        self._tokenizer: Tokenizer | None = None
        self._prompts: dict[str, str] = {}
        self._lock = threading.Lock()

    def _load(self) -> tuple[object, Tokenizer]:
        with self._lock:
            if self._session is None:
                import json

                import onnxruntime as ort  # imported on first use, like sentence-transformers above

                from .tokenizer import load_tokenizer

                tok = load_tokenizer(self.model_dir, self.max_length)
                config = self.model_dir / "config_sentence_transformers.json"
                if config.exists():
                    self._prompts = dict(json.loads(config.read_text(encoding="utf-8")).get("prompts") or {})
                options = ort.SessionOptions()
                if self.threads:
                    options.intra_op_num_threads = self.threads
                self._session = ort.InferenceSession(
                    str(self.onnx_file), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer = tok
            assert self._tokenizer is not None
            return self._session, self._tokenizer

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        session, tok = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = self._prompts.get(prompt_name, "")
        out: np.ndarray = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx in _longest_first(texts, self.batch_size):  # as sentence-transformers does
            rows, masks = tok.encode_batch([prompt + texts[i] for i in idx])
            ids = np.array(rows, dtype=np.int64)
            mask = np.array(masks, dtype=np.int64)
            (vecs,) = session.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})  # type: ignore[attr-defined]
            out[idx] = vecs
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "document")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    @property
    def state_layer(self) -> int:
        """`STATE_LAYER` if the graph has a `token_states` output (exports of
        `rag.onnx_export` RECIPE >= 2), else -1. Loads the session."""
        session, _ = self._load()
        names = {o.name for o in session.get_outputs()}  # type: ignore[attr-defined]
        return STATE_LAYER if "token_states" in names else -1

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """See `TokenStates`: the graph's `token_states` output."""
        session, tok = self._load()
        if self.state_layer < 0:
            from .errors import NoTokenStatesError

            raise NoTokenStatesError(f"The ONNX graph {self.onnx_file}")
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros((0, 2), np.int64), np.zeros((0, 0), np.float32))] * len(
            texts
        )
        for idx in _longest_first(texts, self.batch_size):
            ids, masks, specials, offsets = tok.encode_offsets([texts[i] for i in idx])
            feed = {"input_ids": np.array(ids, dtype=np.int64), "attention_mask": np.array(masks, dtype=np.int64)}
            (states,) = session.run(["token_states"], feed)  # type: ignore[attr-defined]
            for row, i in enumerate(idx):
                keep, spans = real_tokens(masks[row], specials[row], offsets[row])
                out[i] = (spans, np.ascontiguousarray(states[row, keep], dtype=np.float32))
        return out
