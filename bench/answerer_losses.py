"""Where the Urdu extractive answerer loses answerable items: a breakdown of
the held-out slice (never fitted on) by the step that went wrong.

    python -m bench.answerer_losses [--set holdout] [--max-rows N]

For each answerable item, with the committed weights and the BM25 top-k of
bench/answerer_data.py, exactly one bucket:
- refused: the decision said "the article does not say";
- gold not in top-k: no candidate sentence holds the gold answer's start;
- wrong sentence: the chosen sentence is not the one holding the gold start;
- right sentence, gold contained: the answer holds the gold (F1 shows the
  cost of its length);
- right sentence, overlapping span: shares words with the gold, misses part;
- right sentence, wrong span: no word in common.
The mean answer length in words and the mean gold length are printed per
bucket, so too-long and too-short answers show as F1 below contains.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from bench.answerer_data import DEV_FILE, TRAIN_FILE, read_rows, sentences, split_by_title
from bench.train_answerer import candidates_for
from rag import metrics
from rag.answering.decision import Decider


def bucket(row: dict[str, Any], decider: Decider) -> tuple[str, float, int, int]:
    """(bucket, token F1, answer words, gold words) of one answerable row."""
    golds = row["answers"]
    cands = candidates_for(row)
    verdict = decider.decide(row["question"], cands)
    gold_len = len(metrics.words(golds[0]))
    if not verdict.answerable or verdict.choice is None:
        return "refused", 0.0, 0, gold_len
    text = verdict.choice.span.text
    f1 = metrics.best_f1(text, golds)
    n = len(metrics.words(text))
    start = int(row["answer_starts"][0])
    gold_text = next((t for s, e, t in sentences(row["context"]) if s <= start < e), None)
    texts = [c.text for c in cands]
    if gold_text not in texts:
        return "gold not in top-k", f1, n, gold_len
    if texts[verdict.choice.sentence_index] != gold_text:
        return "wrong sentence", f1, n, gold_len
    if metrics.contains_gold(text, golds):
        return "right sentence, gold contained", f1, n, gold_len
    return ("right sentence, overlapping span" if f1 > 0 else "right sentence, wrong span"), f1, n, gold_len


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="holdout", choices=["holdout", "calib", "dev"])
    ap.add_argument("--max-rows", type=int, default=0)
    args = ap.parse_args()
    rows = read_rows(DEV_FILE) if args.set == "dev" else split_by_title(read_rows(TRAIN_FILE))[args.set]
    rows = [r for r in rows if r.get("answers")]
    if args.max_rows:
        rows = rows[: args.max_rows]
    decider = Decider.load("ur")
    per: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for r in rows:
        name, f1, n, g = bucket(r, decider)
        per[name].append((f1, n, g))
    print(f"{args.set}: {len(rows)} answerable items, policy {decider.spans.policy}")
    print(f"  {'bucket':34s} {'share':>6s} {'F1':>5s} {'words':>6s} {'gold words':>10s}")
    for name, vals in sorted(per.items(), key=lambda kv: -len(kv[1])):
        k = len(vals)
        print(
            f"  {name:34s} {100 * k / len(rows):5.1f}% {100 * sum(v[0] for v in vals) / k:5.1f} "
            f"{sum(v[1] for v in vals) / k:6.1f} {sum(v[2] for v in vals) / k:10.1f}"
        )


if __name__ == "__main__":
    main()
