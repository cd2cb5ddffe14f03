"""How often `rag.injection` flags ordinary text: every sentence of the Urdu
news (XL-Sum) and Urdu Wikipedia (UQA contexts and questions) in
../shared/train/, and of the seed editions, none of which addresses an
assistant. Prints the counts and the first flagged sentences.

    python bench/injection_fp.py
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.injection import addresses_assistant  # noqa: E402
from rag.text import split_sentences  # noqa: E402

TRAIN = ROOT.parent / "shared" / "train"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def report(name: str, texts: list[str]) -> None:
    t0 = time.perf_counter()
    n, flagged = 0, []
    for t in texts:
        for s in sentences(t):
            n += 1
            if addresses_assistant(s):
                flagged.append(s[:160])
    print(f"{name}: {len(texts)} texts, {n} sentences, {len(flagged)} flagged ({time.perf_counter() - t0:.0f} s)")
    for s in flagged[:10]:
        print("   ", s)


def main() -> None:
    report("seeds", [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))])
    xlsum = TRAIN / "xlsum_ur_train.jsonl.gz"
    if xlsum.exists():
        with gzip.open(xlsum, "rt", encoding="utf-8") as f:
            report("xlsum_ur_train articles", [json.loads(line)["article"] for line in f])
    uqa = TRAIN / "uqa_ur_train_20k.jsonl.gz"
    if uqa.exists():
        with gzip.open(uqa, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        report("uqa_ur_train_20k contexts", sorted({r["context"] for r in rows}))
        report("uqa_ur_train_20k questions", [r["question"] for r in rows])


if __name__ == "__main__":
    main()
