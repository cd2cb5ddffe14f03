"""Memory of a loaded store, before and after its first question.

    python bench/store_memory.py --data /tmp/storemem [--passages 23000 --dim 768 --questions 50]

Writes (once, in a child process, so its memory does not count) a synthetic
store of `--passages` random unit vectors of `--dim` float32 dimensions, with
one short text each; then, in this process, loads it and prints the resident
memory (VmRSS from /proc/self/status) after the imports, after importing
faiss, after `Store.load` (and the peak, VmHWM, then), after the first dense
scoring and after `--questions` of them, and the peak at the end. Then the CPU
and wall time of one dense scoring, three ways over the same FAISS storage:
`Store.dense_scores` (FAISS's inner-product kernel), numpy's einsum on the
zero-copy view `Store.vectors`, and `IndexFlatIP.search` with k = every
passage, put back in id order (the scoring at 31ea59c), with the largest
difference of their scores from the first. The vectors carry no meaning: this
measures the store's own memory and speed, not retrieval quality. Linux only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.store import Manifest, Store  # noqa: E402
from rag.types import Passage  # noqa: E402

SEED = 23


def write(directory: Path, n: int, dim: int) -> None:
    rng = np.random.default_rng(SEED)
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = [f"w{i}" for i in range(5000)]
    passages = []
    for i in range(n):
        text = " ".join(rng.choice(words, size=12))
        article = f"a{i // 25}"
        passages.append(Passage(i, article, "en", i % 25, 0, len(text), text))
    Store(Manifest(embedder="synthetic", dim=dim), passages, vectors).save(directory)


def memory_mb() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB (10^6 bytes)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024 / 1e6
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="folder of the synthetic index (written if missing)")
    ap.add_argument("--passages", type=int, default=23000)
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    index = args.data / "index"
    if args.write_only:
        write(index, args.passages, args.dim)
        return
    if not (index / "manifest.json").exists():
        cmd = [sys.executable, __file__, "--data", str(args.data), "--passages", str(args.passages)]
        subprocess.run([*cmd, "--dim", str(args.dim), "--write-only"], check=True)

    rows = [("after imports", memory_mb()["VmRSS"])]
    import faiss  # imported by Store.load anyway: here, so its own memory is a row of its own

    rows.append(("after importing faiss", memory_mb()["VmRSS"]))
    store = Store.load(index)
    rows.append((f"after Store.load ({len(store.passages)} x {store.manifest.dim})", memory_mb()["VmRSS"]))
    rows.append(("peak (VmHWM) after Store.load", memory_mb()["VmHWM"]))
    rng = np.random.default_rng(SEED + 1)
    queries = rng.standard_normal((args.questions, store.manifest.dim), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    store.dense_scores(queries[0])
    rows.append(("after the first dense scoring", memory_mb()["VmRSS"]))
    for q in queries:
        store.dense_scores(q)
    rows.append((f"after {len(queries)} dense scorings", memory_mb()["VmRSS"]))
    rows.append(("peak (VmHWM) at the end", memory_mb()["VmHWM"]))
    for label, mb in rows:
        print(f"{label:<40} {'peak' if 'VmHWM' in label else 'RSS ':<4} {mb:8.1f} MB")
    print(f"the vectors themselves: {store.vectors.nbytes / 1e6:.1f} MB")

    n = len(store.passages)

    def faiss_search(q: np.ndarray) -> np.ndarray:
        distances, ids = store.vector_index().search(q.reshape(1, -1), n)
        out = np.empty(n, dtype=np.float32)
        out[ids[0]] = distances[0]
        return out

    ways = {
        "Store.dense_scores (FAISS fvec_inner_products_ny)": store.dense_scores,
        "numpy einsum on the view Store.vectors": lambda q: np.einsum("ij,j->i", store.vectors, q, optimize=False),
        "FAISS IndexFlatIP.search, k = all (31ea59c)": faiss_search,
    }
    reference = [store.dense_scores(q) for q in queries]
    print(f"one dense scoring, mean of {len(queries)} (faiss OpenMP threads: {faiss.omp_get_max_threads()}):")
    for label, score in ways.items():
        score(queries[0])  # warm
        cpu, wall = time.process_time(), time.perf_counter()
        for q in queries:
            score(q)
        cpu_ms = (time.process_time() - cpu) / len(queries) * 1000
        wall_ms = (time.perf_counter() - wall) / len(queries) * 1000
        diff = max(float(np.abs(score(q) - r).max()) for q, r in zip(queries, reference, strict=True))
        print(f"  {label:<52} {cpu_ms:6.1f} ms CPU {wall_ms:6.1f} ms wall  max |diff| {diff:.1e}")


if __name__ == "__main__":
    main()
