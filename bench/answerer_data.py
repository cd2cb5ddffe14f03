"""Data handling shared by bench/train_answerer.py and bench/eval_answerer.py:
reading the UQA rows, the split by title, a small BM25 over one context's
sentences (the pipeline's retrieval without the embedder), and scoring in the
definitions of rag/evaluation.py `_score_uqa`.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.store import keyword_tokens  # noqa: E402
from rag.text import split_sentences  # noqa: E402

TRAIN_FILE = Path("/work/shared/train/uqa_ur_train_20k.jsonl.gz")
DEV_FILE = Path("/work/shared/eval/uqa_ur_dev.jsonl")
SEED = 20261129
HOLDOUT_SHARE = 0.15  # titles never trained on, reported as the held-out slice
CALIB_SHARE = 0.15  # titles used to choose the sentence bonuses, the length policy and the threshold
TOP_K = 4  # as rag.answering.spans.TOP_K (the pipeline retrieves settings.k = 4 sentences per edition)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """JSON lines (gzip or plain)."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_by_title(rows: Sequence[dict[str, Any]], seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """train / calib / holdout, disjoint by title (shuffled sorted titles, fixed seed)."""
    titles = sorted({r["title"] for r in rows})
    random.Random(seed).shuffle(titles)
    n_hold = round(len(titles) * HOLDOUT_SHARE)
    n_cal = round(len(titles) * CALIB_SHARE)
    hold, cal = set(titles[:n_hold]), set(titles[n_hold : n_hold + n_cal])
    out: dict[str, list[dict[str, Any]]] = {"train": [], "calib": [], "holdout": []}
    for r in rows:
        part = "holdout" if r["title"] in hold else "calib" if r["title"] in cal else "train"
        out[part].append(r)
    return out


def sentences(context: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each sentence (rag.text.split_sentences)."""
    return [(s, e, context[s:e]) for s, e in split_sentences(context)]


def gold_sentence(row: dict[str, Any], sents: Sequence[tuple[int, int, str]]) -> int | None:
    """Index of the sentence holding the gold answer's start (None when unanswerable)."""
    if not row.get("answers"):
        return None
    start = int(row["answer_starts"][0])
    for k, (s, e, _) in enumerate(sents):
        if s <= start < e:
            return k
    return None


def bm25_order(question: str, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> list[int]:
    """Sentence indices by BM25 score (rag.store keyword_tokens) within these
    texts, best first; ties keep text order."""
    docs = [keyword_tokens(t) for t in texts]
    n = len(docs)
    avg = sum(len(d) for d in docs) / max(1, n)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    q = set(keyword_tokens(question))
    scores = []
    for d in docs:
        tf = Counter(d)
        s = 0.0
        for t in q:
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / max(avg, 1e-9)))
        scores.append(s)
    return sorted(range(n), key=lambda i: (-scores[i], i))


def candidates_and_window(question: str, texts: Sequence[str], k: int = TOP_K) -> tuple[list[int], list[int]]:
    """Top-k sentence indices by BM25, and those plus their neighbours (in text order)."""
    order = bm25_order(question, texts)[:k]
    window = sorted({j for i in order for j in (i - 1, i, i + 1) if 0 <= j < len(texts)})
    return order, window


def score_uqa(answer: str, refused: bool, golds: Sequence[str]) -> dict[str, Any]:
    """The figures `khabar eval` gives one UQA item (rag/evaluation.py)."""
    from rag.evaluation import uqa_answer_figures

    return uqa_answer_figures(answer, refused, golds)


def aggregate(rows: Iterable[dict[str, Any]], digits: int | None = 1) -> dict[str, float | None]:
    """Means in percent (token F1 in 0..100), as `khabar eval` reports them,
    rounded to `digits` (None: not rounded, for comparing settings: rounded
    figures tie where the settings differ)."""
    rows = list(rows)
    out: dict[str, float | None] = {"n": float(len(rows))}
    for key in ("contains_gold", "token_f1", "false_refusal", "refusal_rate"):
        vals = [float(r[key]) for r in rows if r.get(key) is not None]
        mean = 100 * sum(vals) / len(vals) if vals else None
        out[key] = mean if mean is None or digits is None else round(mean, digits)
    return out


SAMPLE_FILE = ROOT / "tests" / "data" / "uqa_ur_span_sample.jsonl"


def write_test_sample(n: int = 400, path: Path = SAMPLE_FILE) -> None:
    """A small committed slice for the unit tests: `n` answerable rows of the
    train part (never calib or holdout), each cut to question, gold sentence
    and answer, so that a fresh clone can train on it without the shared data."""
    rows = split_by_title(read_rows(TRAIN_FILE))["train"]
    picked = []
    for r in random.Random(SEED).sample(rows, len(rows)):
        sents = sentences(r["context"])
        k = gold_sentence(r, sents)
        if k is None or len(sents[k][2]) > 400:
            continue
        picked.append({"id": r["id"], "question": r["question"], "sentence": sents[k][2], "answer": r["answers"][0]})
        if len(picked) == n:
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for p in picked:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(picked)} rows to {path}")


if __name__ == "__main__":
    write_test_sample()
