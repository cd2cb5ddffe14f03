"""Score the committed answer decision and span scorer without the pipeline.

    python -m bench.eval_answerer [--sets dev,holdout] [--max-rows N] [--policy P] [--show 5]

For each item: split the context into sentences (rag.text.split_sentences),
rank them with BM25 (rag.store keyword_tokens), give the top 3 with their
neighbours to `Decider.decide`, and take the chosen span grown by the length
policy as the answer (refused when the decision says no). As in the pipeline
(rag/answering/extractive.py), only the candidates that have the kind of fact
the question asks for (rag.grounding: a number, a year, a date ...) reach the
decision, and a question none of them can answer is refused (probability 0). Figures are those of
rag/evaluation.py `_score_uqa`: contains_gold, token_f1 (answerable items;
a refusal scores 0), false_refusal (answerable items refused), refusal_rate
(unanswerable items refused), in percent. The held-out slice is the train
file's titles that bench/train_answerer.py never fits on.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from bench.answerer_data import DEV_FILE, TRAIN_FILE, aggregate, read_rows, score_uqa, split_by_title
from bench.train_answerer import candidates_for
from rag import grounding
from rag.answering.decision import Decider
from rag.answering.fit import auc
from rag.answering.spans import POLICIES


def evaluate(decider: Decider, rows: list[dict[str, Any]], policies: list[str]) -> dict[str, Any]:
    """Per-policy figures, the AUC of the decision, and a few examples."""
    per: dict[str, list[dict[str, Any]]] = {p: [] for p in policies}
    probs, labels, examples, times = [], [], [], []
    for r in rows:
        kind = grounding.answer_type(r["question"])
        cands = [c for c in candidates_for(r) if grounding.has_type(c.text, kind)]
        t0 = time.perf_counter()
        verdict = decider.decide(r["question"], cands)
        times.append(time.perf_counter() - t0)
        golds = r.get("answers") or []
        refused = not verdict.answerable or verdict.choice is None
        probs.append(verdict.probability if cands else 0.0)
        labels.append(1 if golds else 0)
        for p in policies:
            text = "" if refused or verdict.choice is None else verdict.choice.grown(p).text
            per[p].append(score_uqa(text, refused, golds))
        examples.append((r["question"], golds, refused, verdict))
    return {
        "figures": {p: aggregate(v) for p, v in per.items()},
        "auc": auc(np.asarray(probs), np.asarray(labels)),
        "examples": examples,
        "ms": (1000 * float(np.median(times)), 1000 * float(np.percentile(times, 90))) if times else (0.0, 0.0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="dev,holdout")
    ap.add_argument("--max-rows", type=int, default=0, help="score only the first N rows of each set (0: all)")
    ap.add_argument("--policy", default="", help="one length policy (default: all, the committed one marked)")
    ap.add_argument("--show", type=int, default=0, help="print the first N items of each set")
    args = ap.parse_args()
    decider = Decider.load("ur")
    policies = [args.policy] if args.policy else list(POLICIES)
    print(f"threshold {decider.threshold:.4f}; committed length policy {decider.spans.policy}")
    for name in args.sets.split(","):
        t0 = time.time()
        rows = read_rows(DEV_FILE) if name == "dev" else split_by_title(read_rows(TRAIN_FILE))[name]
        if args.max_rows:
            rows = rows[: args.max_rows]
        out = evaluate(decider, rows, policies)
        n_ans = sum(1 for r in rows if r.get("answers"))
        print(
            f"\n{name}: {len(rows)} items ({n_ans} answerable), decision AUC {out['auc']:.3f} [{time.time() - t0:.0f}s]; "
            f"decide per question: median {out['ms'][0]:.1f} ms, p90 {out['ms'][1]:.1f} ms"
        )
        for p, agg in out["figures"].items():
            mark = " <- committed" if p == decider.spans.policy else ""
            print(
                f"  {p:9s} contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}  "
                f"false_refusal {agg['false_refusal']}  refusal_rate {agg['refusal_rate']}{mark}"
            )
        for q, golds, refused, v in out["examples"][: args.show]:
            answer = "(refused)" if refused or v.choice is None else v.choice.grown(decider.spans.policy).text
            print(f"  - {q} | gold {golds} | p={v.probability:.2f} | {answer}")


if __name__ == "__main__":
    main()
