"""How far a sentence-picking headline can go on XL-Sum Urdu, without models.

    python bench/summary_headroom.py [--train shared/train/xlsum_ur_train.jsonl.gz]

Prints, on the training file (rag.metrics ROUGE-1 F x100 against the
one-sentence reference):
- lead-1, the committed scorer's headline (rag.summarize.plan) and the best
  single sentence (oracle), on the held-out slice (sha1(id) % 5 == 0) and on
  all articles;
- ridge on the scorer's features (as bench/train_summary_scorer.py fits it)
  fitted on every article, held-out slice included, and scored on the same
  articles: an optimistic figure for this feature set and model (it has seen
  the references it is scored against; least squares is not top-1 accuracy,
  so it is a reference point, not a proof that no linear scorer does better);
- the oracle over clause spans (a sentence cut at `،` `,` `؛` or before
  جبکہ/تاہم/لیکن/مگر/اور, or after کہ; at least six words): what cutting
  sentences could add at best;
- the length of the picked sentence and of the oracle sentence over the
  reference's length (percentiles 10/25/50/75/90), on the held-out slice.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_summary_scorer import DEFAULT_DATA, bucket, fit_ridge, load, prepare, top1  # noqa: E402

from rag import metrics  # noqa: E402
from rag.summarize import plan  # noqa: E402

_CUT = re.compile(r"\s*[،,؛;]\s*|\s+(?=(?:جبکہ|تاہم|لیکن|مگر|اور)\s)|(?<=\sکہ)\s+")


def spans(sentence: str) -> set[str]:
    parts = [p for p in _CUT.split(sentence) if p.strip()]
    out = {" ".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    return {c for c in out if len(c.split()) >= 6} or {sentence}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    arts = prepare(load(args.train))
    held = [a for a in arts if bucket(a["id"]) == 0]
    for name, group in (("held_out", held), ("all", arts)):
        picked = [a["y"][plan(a["sents"], "ur", 1).headline] for a in group]
        span_oracle = [max(metrics.rouge_n(c, a["ref"], 1) for s in a["sents"] for c in spans(s)) for a in group]
        row = {
            "articles": len(group),
            "lead1": round(100 * float(np.mean([a["y"][0] for a in group])), 2),
            "headline": round(100 * float(np.mean(picked)), 2),
            "oracle_sentence": round(100 * float(np.mean([a["y"].max() for a in group])), 2),
            "oracle_clause_span": round(100 * float(np.mean(span_oracle)), 2),
        }
        print(name, json.dumps(row))
    for alpha in (1.0, 100.0, 1000.0):
        fitted_on_all = fit_ridge(arts, alpha)
        print(
            f"ridge in-sample (alpha {alpha:g}, fitted and scored on all {len(arts)})",
            json.dumps({"all": top1(arts, fitted_on_all)["top1_rouge1"], "held_out": top1(held, fitted_on_all)["top1_rouge1"]}),
        )
    ratio_pick, ratio_oracle = [], []
    for a in held:
        ref_words = len(a["ref"].split())
        ratio_pick.append(len(a["sents"][plan(a["sents"], "ur", 1).headline].split()) / ref_words)
        ratio_oracle.append(len(a["sents"][int(np.argmax(a["y"]))].split()) / ref_words)
    pct = [10, 25, 50, 75, 90]
    print("length / reference length, held out, percentiles", pct)
    print("  headline", np.round(np.percentile(ratio_pick, pct), 2).tolist())
    print("  oracle  ", np.round(np.percentile(ratio_oracle, pct), 2).tolist())


if __name__ == "__main__":
    main()
