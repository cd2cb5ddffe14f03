"""Memory of a loaded store, before and after its first question.

    python bench/store_memory.py --data /tmp/storemem [--passages 23000 --dim 768 --questions 50]

Writes (once, in a child process, so its memory does not count) a synthetic
store of `--passages` random unit vectors of `--dim` float32 dimensions, with
one short text each; then, in this process, loads it and prints the resident
memory (VmRSS from /proc/self/status) after the imports, after `Store.load`,
after the first dense scoring and after `--questions` of them, the peak
(VmHWM) and the CPU time of one dense scoring. The vectors carry no meaning:
this measures the store's own memory, not retrieval quality. Linux only.
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
    store = Store.load(index)
    rows.append((f"after Store.load ({len(store.passages)} x {store.manifest.dim})", memory_mb()["VmRSS"]))
    rng = np.random.default_rng(SEED + 1)
    queries = rng.standard_normal((args.questions, store.manifest.dim), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    store.dense_scores(queries[0])
    rows.append(("after the first dense scoring", memory_mb()["VmRSS"]))
    start = time.process_time()
    for q in queries:
        store.dense_scores(q)
    cpu_ms = (time.process_time() - start) / len(queries) * 1000
    rows.append((f"after {len(queries)} dense scorings", memory_mb()["VmRSS"]))
    vectors_mb = store.vectors.nbytes / 1e6
    for label, mb in rows:
        print(f"{label:<40} RSS {mb:8.1f} MB")
    print(f"{'peak (VmHWM)':<40}     {memory_mb()['VmHWM']:8.1f} MB")
    print(f"the vectors themselves: {vectors_mb:.1f} MB; one dense scoring: {cpu_ms:.1f} ms CPU")


if __name__ == "__main__":
    main()
