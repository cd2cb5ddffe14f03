"""Fit the summary sentence scorer (rag/summary_scorer.py) on XL-Sum Urdu.

    python bench/train_summary_scorer.py [--data shared/train/xlsum_ur_train.jsonl.gz] [--write | --out FILE]

Each sentence of each article is labelled by its ROUGE-1 (rag/metrics.py:
white-space tokens after rag.text.normalize) against the article's
one-sentence reference. Articles are split by a hash of their id
(sha1(id) % 5): bucket 0 is held out and never trained on; buckets 1-4 are the
four folds of a cross-validation that chooses the model and its
regularisation (the mean top-1 ROUGE-1 over the folds: one fold of ~85
articles alone is too noisy to choose by). Three numpy models are compared:
- ridge: least squares on the labels, features and labels centred per article;
- listwise: a softmax over each article's sentences, cross-entropy against
  the softmax of the labels (temperature 0.05), L2, full-batch gradient descent;
- pairwise: logistic loss on the score difference of every pair of sentences
  of one article whose labels differ by more than 0.02 (RankNet), each article
  weighing the same, L2, full-batch gradient descent.
The chosen one is refitted on buckets 1-4 and, with --write, saved with its
curve to rag/summary_scorer.json. Everything is deterministic (fixed seed;
no set or dict order reaches the numbers), so a rerun writes the same file.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Callable
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
PAIR_MARGIN = 0.02  # label gap (ROUGE-1 F) below which a pair of sentences is a tie


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


def fit_pairwise(arts: list[dict], l2: float, steps: int = 300, lr: float = 2.5) -> SentenceScorer:
    mean, scale = standardise(arts)
    diffs, weights = [], []
    for a in arts:
        x = (a["x"] - mean) / scale
        i, j = np.nonzero(a["y"][:, None] > a["y"][None, :] + PAIR_MARGIN)
        diffs.append(x[i] - x[j])
        weights.append(np.full(len(i), 1.0 / max(1, len(i))))
    d, wt = np.vstack(diffs), np.concatenate(weights)
    wt /= wt.sum() or 1.0
    w = np.zeros(len(FEATURES))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(np.clip(d @ w, -30, 30)))
        w -= lr * (l2 * w - d.T @ (wt * p))
    return SentenceScorer(mean, scale, w, 0.0)


FITS: dict[str, Callable[[list[dict], float], SentenceScorer]] = {"ridge": fit_ridge, "listwise": fit_listwise, "pairwise": fit_pairwise}
CANDIDATES = [("ridge", a) for a in (10.0, 100.0, 1000.0, 10000.0)] + [
    (kind, l2) for kind in ("listwise", "pairwise") for l2 in (0.0, 0.01)
]
FOLDS = (1, 2, 3, 4)


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


def cross_validate(arts: list[dict], kind: str, reg: float) -> dict[str, object]:
    """Mean over the folds of the top-1, lead-1 and oracle ROUGE-1 (x100) of
    the model fitted on the other folds."""
    rows = []
    for fold in FOLDS:
        rest = [a for a in arts if bucket(a["id"]) != fold]
        val = [a for a in arts if bucket(a["id"]) == fold]
        if rest and val:
            rows.append(top1(val, FITS[kind](rest, reg)))
    keys = ("top1_rouge1", "lead1_rouge1", "oracle_rouge1")
    return {
        "model": kind,
        "reg": reg,
        **{k: round(float(np.mean([r[k] for r in rows])), 2) for k in keys},
        "folds": [r["top1_rouge1"] for r in rows],
    }


def train(items: list[dict], source: str, log: Callable[[str], object] = print) -> dict:
    """The content of rag/summary_scorer.json fitted on `items` (XL-Sum rows)."""
    arts = prepare(items)
    held = [a for a in arts if bucket(a["id"]) == 0]
    fitted = [a for a in arts if bucket(a["id"]) != 0]
    log(f"articles: fitted {len(fitted)} (4 folds), held out {len(held)}")
    curve = []
    for kind, reg in CANDIDATES:
        row = cross_validate(fitted, kind, reg)
        curve.append(row)
        log(json.dumps(row))
    # ties go to the simpler model (ridge), then to the stronger regularisation
    best = max(curve, key=lambda r: (r["top1_rouge1"], r["model"] == "ridge", r["reg"]))
    final = FITS[str(best["model"])](fitted, float(best["reg"]))  # type: ignore[arg-type]
    result = {"model": best["model"], "reg": best["reg"], "held_out": top1(held, final) if held else {}}
    log("chosen " + json.dumps(result))
    for name, w in sorted(zip(FEATURES, final.weights, strict=True), key=lambda t: -abs(t[1])):
        log(f"  {name:18s} {w:+.3f}")
    return {
        "about": "Summary sentence scorer fitted by bench/train_summary_scorer.py; see rag/summary_scorer.py.",
        "data": f"{source}: {len(fitted)} articles fitted, {len(held)} held out (sha1(id) % 5 == 0)",
        "seed": SEED,
        "cross_validation_curve": curve,
        "chosen": result,
        "model": final.to_json(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--write", action="store_true", help=f"save the model to {WEIGHTS_PATH.relative_to(ROOT)}")
    ap.add_argument("--out", type=Path, help="save the model to this file instead")
    args = ap.parse_args()
    out = train(load(args.data), args.data.name)
    target = args.out or (WEIGHTS_PATH if args.write else None)
    if target is not None:
        target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", target)


if __name__ == "__main__":
    main()
