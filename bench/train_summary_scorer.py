"""Fit the summary sentence scorer (rag/summary_scorer.py) on XL-Sum Urdu.

    python bench/train_summary_scorer.py [--data shared/train/xlsum_ur_train.jsonl.gz] [--write]

Each sentence of each article is labelled by its ROUGE-1 (rag/metrics.py:
white-space tokens after rag.text.normalize) against the article's
one-sentence reference. Articles are split by a hash of their id: one in five
is held out and never trained on; of the rest, one in five validates the
choice of model and regularisation. Two numpy models are compared:
- ridge: least squares on the label divided by the article's best label;
- listwise: a softmax over each article's sentences, cross-entropy against
  the softmax of the labels (temperature 0.05), L2, full-batch gradient descent.
The chosen one is refitted on train+validation and, with --write, saved with its
curve to rag/summary_scorer.json. Everything is deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import metrics  # noqa: E402
from rag.summary_scorer import FEATURES, WEIGHTS_PATH, SentenceScorer, features  # noqa: E402
from rag.text import split_sentences  # noqa: E402

DEFAULT_DATA = Path("/work/shared/train/xlsum_ur_train.jsonl.gz")
SEED = 13
TEMPERATURE = 0.05


def bucket(item_id: str) -> int:
    return int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % 5


def load(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def prepare(items: list[dict]) -> list[dict]:
    out = []
    for it in items:
        text = it["article"]
        sents = [text[s:e] for s, e in split_sentences(text)]
        if len(sents) < 2:
            continue
        labels = np.array([metrics.rouge_n(s, it["summary"], 1) for s in sents])
        out.append({"id": it["id"], "sents": sents, "x": features(sents, "ur"), "y": labels, "ref": it["summary"]})
    return out


def standardise(arts: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    x = np.vstack([a["x"] for a in arts])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def fit_ridge(arts: list[dict], alpha: float) -> SentenceScorer:
    """Least squares within articles: features and labels are centred per
    article, since only the order of one article's sentences matters."""
    mean, scale = standardise(arts)
    xs = [(a["x"] - mean) / scale for a in arts]
    x = np.vstack([v - v.mean(axis=0) for v in xs])
    y = np.concatenate([a["y"] - a["y"].mean() for a in arts])
    w = np.linalg.solve(x.T @ x + alpha * np.eye(x.shape[1]), x.T @ y)
    return SentenceScorer(mean, scale, w, 0.0)


def fit_listwise(arts: list[dict], l2: float, steps: int = 600, lr: float = 0.5) -> SentenceScorer:
    rng = np.random.default_rng(SEED)
    mean, scale = standardise(arts)
    xs = [(a["x"] - mean) / scale for a in arts]
    targets = []
    for a in arts:
        t = np.exp((a["y"] - a["y"].max()) / TEMPERATURE)
        targets.append(t / t.sum())
    w = rng.normal(0, 0.01, len(FEATURES))
    for _ in range(steps):
        grad = l2 * w
        for x, t in zip(xs, targets, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += x.T @ (p - t) / len(xs)
        w -= lr * grad
    return SentenceScorer(mean, scale, w, 0.0)


def top1(arts: list[dict], scorer: SentenceScorer | None) -> dict[str, float]:
    """Mean ROUGE-1 (x100) of the top-1 sentence, of lead-1 and of the oracle."""
    chosen, lead, oracle = [], [], []
    for a in arts:
        i = 0 if scorer is None else int(np.argmax((a["x"] - scorer.mean) / scorer.scale @ scorer.weights))
        chosen.append(a["y"][i])
        lead.append(a["y"][0])
        oracle.append(a["y"].max())
    return {
        "top1_rouge1": round(100 * float(np.mean(chosen)), 2),
        "lead1_rouge1": round(100 * float(np.mean(lead)), 2),
        "oracle_rouge1": round(100 * float(np.mean(oracle)), 2),
        "articles": len(arts),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--write", action="store_true", help=f"save the model to {WEIGHTS_PATH.relative_to(ROOT)}")
    args = ap.parse_args()
    arts = prepare(load(args.data))
    held = [a for a in arts if bucket(a["id"]) == 0]
    val = [a for a in arts if bucket(a["id"]) == 1]
    train = [a for a in arts if bucket(a["id"]) > 1]
    print(f"articles: train {len(train)}, validation {len(val)}, held out {len(held)}")
    curve = []
    candidates = [("ridge", a) for a in (0.1, 1.0, 10.0, 100.0, 1000.0)] + [
        ("listwise", l2) for l2 in (0.0, 0.001, 0.01, 0.1)
    ]
    for kind, reg in candidates:
        scorer = fit_ridge(train, reg) if kind == "ridge" else fit_listwise(train, reg)
        row = {"model": kind, "reg": reg, **top1(val, scorer)}
        curve.append(row)
        print(json.dumps(row))
    best = max(curve, key=lambda r: (r["top1_rouge1"], r["model"] == "ridge"))
    fit = fit_ridge if best["model"] == "ridge" else fit_listwise
    final = fit(train + val, best["reg"])
    result = {"model": best["model"], "reg": best["reg"], "held_out": top1(held, final)}
    print("chosen", json.dumps(result))
    for name, w in sorted(zip(FEATURES, final.weights, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:18s} {w:+.3f}")
    if args.write:
        out = {
            "about": "Summary sentence scorer fitted by bench/train_summary_scorer.py; see rag/summary_scorer.py.",
            "data": f"{args.data.name}: {len(train) + len(val)} articles fitted, {len(held)} held out (sha1(id) % 5 == 0)",
            "seed": SEED,
            "validation_curve": curve,
            "chosen": result,
            "model": final.to_json(),
        }
        WEIGHTS_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", WEIGHTS_PATH)


if __name__ == "__main__":
    main()
