"""The naive peer: a plain LangChain retrieval pipeline on Khabar's two models.

Split the seed article's files with RecursiveCharacterTextSplitter (500
characters, 50 overlap), index the chunks in LangChain's FAISS store with the
same embedder Khabar uses, retrieve the top 4 chunks and answer with
LangChain's "stuff" question-answering prompt (RetrievalQA, chain_type
"stuff") on the same GGUF chat model, greedy. Nothing of Khabar's answering
(prefix cache, verification, refusals, citations) is used.

LangChain is the optional `bench` extra (`pip install -e '.[bench]'`);
`available()` says why the peer cannot run when it is missing.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The peer has no refusal flag: the stuff prompt tells the model to "say that
# you don't know". An answer saying so (or that the context does not give the
# fact) counts as its refusal when it is scored beside Khabar's.
_DONT_KNOW = re.compile(
    r"\b(?:don'?t|do not|does not|doesn'?t) know\b|\bnot (?:mentioned|provided|specified|stated|given)\b"
    r"|\bno (?:information|mention)\b|\b(?:does not|doesn'?t) (?:say|mention|specify|provide|state)\b",
    re.IGNORECASE,
)


def available() -> str:
    """'' when LangChain is installed, else a message saying how to install it."""
    try:
        import langchain_classic  # noqa: F401
        import langchain_community  # noqa: F401
        import langchain_text_splitters  # noqa: F401
    except ImportError as exc:
        return f"the naive LangChain peer is skipped: {exc.name} is not installed (pip install -e '.[bench]')"
    return ""


def said_dont_know(answer: str) -> bool:
    """Whether the peer's answer is its way of refusing."""
    return bool(_DONT_KNOW.search(answer))


def llama_chat(model_path: Path, n_ctx: int, n_threads: int, seed: int, max_tokens: int) -> Any:
    """LangChain's own llama.cpp chat model on the GGUF Khabar uses, greedy."""
    from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512, seed=seed,
        temperature=0.0, top_k=1, max_tokens=max_tokens, verbose=False,
    )


class Peer:
    """RetrievalQA ("stuff", FAISS top 4, 500/50 splitter) over `files`,
    with `embedder` (Khabar's Embedder protocol) and a LangChain chat model."""

    def __init__(self, files: Sequence[Path], embedder: Any, chat_model: Any) -> None:
        from langchain_classic.chains import RetrievalQA
        from langchain_community.vectorstores import FAISS
        from langchain_core.embeddings import Embeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        class KhabarEmbeddings(Embeddings):
            """Khabar's embedder behind LangChain's interface (the same model)."""

            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return [list(map(float, v)) for v in embedder.embed_documents(texts)]

            def embed_query(self, text: str) -> list[float]:
                return list(map(float, embedder.embed_queries([text])[0]))

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        docs = splitter.create_documents([Path(f).read_text(encoding="utf-8") for f in files])
        t0 = time.perf_counter()
        self.store = FAISS.from_documents(docs, KhabarEmbeddings())
        self.index_s = time.perf_counter() - t0
        self.chunks = len(docs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.chain = RetrievalQA.from_chain_type(
                chat_model, chain_type="stuff", retriever=self.store.as_retriever(search_kwargs={"k": 4})
            )

    def ask(self, question: str) -> tuple[str, float]:
        """The peer's answer and its wall time in seconds."""
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = self.chain.invoke({"query": question})
        return str(out["result"]).strip(), time.perf_counter() - t0
