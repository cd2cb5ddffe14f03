"""The encoder trade: back-end, precision, speed and retrieval quality, one row each.

    python -m bench.encoders [--backends torch-fp32,onnx-fp32,onnx-int8] [--runs 3] [--json out.json]

For each back-end of the default embedder (EmbeddingGemma-300M):
- load_s: building the embedder and encoding one text, in this process (the
  first back-end also pays its library imports);
- sentences/s: `embed_documents` of the seed article's sentences (the ones
  Khabar indexes), batch 16, median of --runs runs after one warm-up;
- seed_dev recall@1: the development set's answerable questions, each
  retrieved with Khabar's own `Pipeline.retrieve` (dense + BM25) over the seed
  article indexed with that back-end; a hit is a top passage on an evidence line;
- NTREX recall@1: every sentence as a query against the other language's
  sentences of its document (bench/bilingual.py), both directions pooled;
- cosine to torch-fp32: the lowest cosine between the back-end's and the torch
  vectors of the same seed sentences.

The ONNX files are the ones `khabar models --install` made (`rag/onnx_export.py`);
`--onnx-dir` points elsewhere. The load average is printed with the table: the
machine is shared, and speed figures are only comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bilingual import DEFAULT_SET as NTREX_SET  # noqa: E402
from bench.bilingual import ntrex_figures, read_docs  # noqa: E402
from rag.chunking import chunk_edition  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.corpus import read_editions  # noqa: E402

SEED_DEV = ROOT.parent / "shared" / "eval" / "seed_dev.jsonl"


def make_embedder(backend: str, settings: Settings, onnx_dir: Path | None) -> Any:
    """An embedder of the default model on one back-end."""
    from rag.embedding import OnnxEmbedder, SentenceTransformerEmbedder
    from rag.models import resolve_embedder
    from rag.onnx_export import ONNX_FILES

    _, path, spec = resolve_embedder(settings)
    emb_id = spec.id if spec else path.name
    if backend == "torch-fp32":
        return SentenceTransformerEmbedder(emb_id, path)
    precision = backend.removeprefix("onnx-")
    from rag.onnx_export import onnx_dir as default_dir

    folder = onnx_dir or default_dir(settings, path.name, precision)
    return OnnxEmbedder(f"{emb_id}@{backend}", path, folder / ONNX_FILES[precision])


def seed_sentences(settings: Settings) -> list[str]:
    editions, _ = read_editions([settings.articles_dir])
    return [p.text for ed in editions for p in chunk_edition(ed)]


def throughput(emb: Any, sentences: list[str], runs: int) -> float:
    """Median sentences/s of `embed_documents` over `runs` runs."""
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        emb.embed_documents(sentences)
        rates.append(len(sentences) / (time.perf_counter() - t0))
    return statistics.median(rates)


def seed_recall_at_1(emb: Any, settings: Settings) -> tuple[int, int]:
    """(hits, answerable questions) of retrieval@1 on seed_dev with this embedder."""
    from rag.evaluation import EvidenceMap, load_set, workspace
    from rag.pipeline import Pipeline

    items = [i for i in load_set(SEED_DEV).items if i["kind"] == "answerable"]
    editions, _ = read_editions([settings.articles_dir])
    article = sorted({e.article for e in editions})[0]
    emap = EvidenceMap.build(editions, article)
    hits = 0
    with workspace(settings) as ws:
        for ed in editions:
            if ed.article == article:
                shutil.copy2(ed.path, ws.articles_dir / Path(ed.path).name)
        pipeline = Pipeline(ws, embedder=emb)
        pipeline.index([ws.articles_dir])
        for item in items:
            top = pipeline.retrieve(item["q"], 1, article=article)
            evidence = {int(n) for n in item.get("evidence", [])}
            p = top[0].passage if top else None
            hits += bool(p and emap.lines(p.article, p.language, p.start, p.end) & evidence)
    return hits, len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="torch-fp32,onnx-fp32,onnx-int8")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--onnx-dir", type=Path, default=None)
    parser.add_argument("--no-quality", action="store_true", help="Speed only (skip seed_dev and NTREX).")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    sentences = seed_sentences(settings)
    ntrex = read_docs(NTREX_SET)
    rows: list[dict[str, Any]] = []
    reference: np.ndarray | None = None
    for backend in args.backends.split(","):
        t0 = time.perf_counter()
        emb = make_embedder(backend, settings, args.onnx_dir)
        emb.embed_documents(["warm up"])
        row: dict[str, Any] = {"backend": backend, "load_s": round(time.perf_counter() - t0, 2)}
        vecs = emb.embed_documents(sentences)  # warm-up run, also the vectors compared below
        row["sentences/s"] = round(throughput(emb, sentences, args.runs), 1)
        if reference is None and backend == "torch-fp32":
            reference = vecs
        if reference is not None:
            row["min_cos_to_torch"] = round(float(np.min(np.sum(vecs * reference, axis=1))), 4)
        if not args.no_quality:
            hits, n = seed_recall_at_1(emb, settings)
            row["seed_dev_recall@1"] = f"{hits}/{n} = {hits / n:.3f}"
            nt = ntrex_figures(emb, ntrex)
            row["ntrex_recall@1"] = nt["recall@1"]
            row["ntrex_en>ur@1"] = nt["en_to_ur_recall@1"]
            row["ntrex_ur>en@1"] = nt["ur_to_en_recall@1"]
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    base = next((r["sentences/s"] for r in rows if r["backend"] == "torch-fp32"), None)
    for r in rows:
        r["speed_vs_torch"] = round(r["sentences/s"] / base, 2) if base else None
    print(f"\n{len(sentences)} seed sentences, batch 16, median of {args.runs}; load average {os.getloadavg()}")
    keys = list(dict.fromkeys(k for r in rows for k in r))
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r.get(k, "")) for k in keys))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "loadavg": os.getloadavg()}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
