"""Settings: one typed object, read from `KHABAR_*` environment variables and
passed to whatever needs it (never read from a global)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHABAR_", extra="ignore")

    articles_dir: Path = Field(PROJECT_ROOT / "seeds", description="Folder of articles indexed by default")
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Index, caches and uploads live here")
    models_dir: Path = Field(PROJECT_ROOT / "models", description="Folder of model files (GGUF, embedder)")
    cache_dir: Path = Field(
        Path.home() / ".cache" / "khabar",
        description="Shared download/assembly cache, reused by every checkout",
    )
    embedder: str = Field("embeddinggemma-300m", description="Embedder id from the registry, or a folder path")
    embedder_backend: Literal["onnx-int8", "onnx-fp32", "torch"] = Field(
        "onnx-fp32",
        description=(
            "How the registry embedder runs: ONNX Runtime fp32 (the torch model's vectors, no torch at run time) or "
            "int8 (both made by `khabar models --install`), or sentence-transformers on torch. int8 is not the "
            "default: bench/encoders.py has not shown it >= 2x faster at equal recall. A custom embedder folder "
            "always uses torch."
        ),
    )
    llm: str = Field(
        "qwen2.5-coder-1.5b-instruct",
        description="Chat model id from the registry, or a path to any GGUF file",
    )
    llm_reads: str = Field("", description="Languages a custom GGUF reads, e.g. 'en,ur' (registry models declare it)")
    llm_writes: str = Field("", description="Languages a custom GGUF writes, e.g. 'en,ur'")
    llm_url: str = Field(
        "",
        description="Base URL of an OpenAI-compatible chat server (llama.cpp server, llama_cpp.server, vLLM, "
        "Ollama), e.g. 'http://gpu-box:8080/v1'; empty runs the GGUF in this process",
    )
    llm_model: str = Field("", description="Model name sent to the chat server (default: KHABAR_LLM)")
    llm_api_key: str = Field("", description="Bearer token for a chat server that asks for one")
    llm_timeout: float = Field(
        120.0, gt=0, le=3600, description="Seconds to wait for the chat server's next bytes (connect: at most 10 s)"
    )
    llm_retries: int = Field(2, ge=0, le=10, description="Retries of a chat request that could not connect")
    k: int = Field(4, ge=1, le=20, description="Passages given to the answer step")
    n_ctx: int = Field(4096, ge=512, le=131072, description="Chat model context window (tokens)")
    n_threads: int = Field(2, ge=1, le=64, description="CPU threads for llama.cpp")
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted")
    max_answer_tokens: int = Field(160, ge=16, le=2048, description="Generation budget for one answer")
    max_summary_tokens: int = Field(400, ge=32, le=4096, description="Generation budget for one summary")
    summary_points: int = Field(6, ge=4, le=7, description="Points per summary language")
    seed: int = Field(0, description="Sampling seed (answers use temperature 0)")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uploads_dir(self) -> Path:
        """Articles added through the app: under the data folder, never in the repository."""
        return self.data_dir / "uploads"

    @property
    def feedback_path(self) -> Path:
        """Readers' 👍/👎 on answers, one JSON line each (rag/feedback.py)."""
        return self.data_dir / "feedback.jsonl"

    @property
    def summary_cache_dir(self) -> Path:
        return self.data_dir / "summaries"

    def langs(self, value: str) -> set[str]:
        return {x.strip() for x in value.split(",") if x.strip()}
