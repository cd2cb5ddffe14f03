"""Alignment accuracy and cross-lingual retrieval on NTREX (English news with a
professional Urdu translation, sentence-aligned one to one).

    .venv/bin/python bench/bilingual.py [../shared/eval/ntrex_en_ur_dev.jsonl] [--json]

Alignment: the share of gold links i<->i that the aligner's links contain.
Retrieval: each sentence as a query (the embedder's query prompt) against the
other edition's sentences of the same document; recall@1 and @3."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_SET = ROOT.parent / "shared" / "eval" / "ntrex_en_ur_dev.jsonl"


def ntrex_figures(emb: Any, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Alignment accuracy and cross-lingual recall@1/@3 of one embedder on NTREX documents."""
    from rag.align import align

    gold = found = 0
    hits = {("en", 1): 0, ("en", 3): 0, ("ur", 1): 0, ("ur", 3): 0}
    queries = {"en": 0, "ur": 0}
    t0 = time.perf_counter()
    for d in docs:
        en, ur = d["sentences_en"], d["sentences_ur"]
        ven, vur = emb.embed_documents(en), emb.embed_documents(ur)
        links = align(ven, vur)
        n = min(len(en), len(ur))
        gold += n
        found += sum(1 for i in range(n) if any(i in a and i in b for a, b in links))
        for lang, qs, docs_vec in (("en", en, vur), ("ur", ur, ven)):
            q = emb.embed_queries(qs)
            order = np.argsort(-(q @ docs_vec.T), axis=1)
            for i in range(min(len(qs), len(docs_vec))):
                queries[lang] += 1
                hits[(lang, 1)] += int(order[i, 0] == i)
                hits[(lang, 3)] += int(i in order[i, :3])
    return {
        "documents": len(docs),
        "gold_links": gold,
        "alignment_accuracy": round(found / gold, 4),
        "en_to_ur_recall@1": round(hits[("en", 1)] / queries["en"], 4),
        "en_to_ur_recall@3": round(hits[("en", 3)] / queries["en"], 4),
        "ur_to_en_recall@1": round(hits[("ur", 1)] / queries["ur"], 4),
        "ur_to_en_recall@3": round(hits[("ur", 3)] / queries["ur"], 4),
        "queries": queries["en"] + queries["ur"],
        "recall@1": round((hits[("en", 1)] + hits[("ur", 1)]) / (queries["en"] + queries["ur"]), 4),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def read_docs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    from rag.config import Settings
    from rag.pipeline import Pipeline

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT_SET
    out = ntrex_figures(Pipeline(Settings()).embedder(), read_docs(path))
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:22} {v}")


if __name__ == "__main__":
    main()
