"""How well the chat model's Yes/No assessment of single sentences
(rag/answering/assessor.py) tells answerable English questions from
unanswerable ones on the seed article. A measurement: no fitting.

    python -m bench.assessor_en tests/e2e/seed_own.jsonl tests/e2e/seed_fresh_en.jsonl ../shared/eval/seed_dev.jsonl

For every single-turn English answerable or unanswerable item of the given
seed sets, the candidates are those the pipeline's fallback assesses: the
retrieved English sentences that have the kind of fact asked for, the first
`ASSESSED` of them. Each is assessed alone with the question by the default chat
model (`yes_share`); an item's score is its best share. Printed: each item's
shares, the ROC AUC of the score (answerable = positive), and the share of
answerable items answered and of unanswerable items refused at thresholds
0.1 .. 0.9, with the operating point (`ASSESS_MAJORITY`, 0.5) marked.

There is no English question-answering data here to fit or calibrate on:
the operating point is the model's own majority (Yes likelier than No), not
a value chosen on these items. Needs the index (`make setup`), about 2 s per
item on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """P(score of a positive > score of a negative), ties counting half."""
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def curve(pos: Sequence[float], neg: Sequence[float], thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    """(threshold, % of positives at or above it, % of negatives below it)."""
    return [
        (t, 100 * float(np.mean([p >= t for p in pos])), 100 * float(np.mean([n < t for n in neg]))) for t in thresholds
    ]


def items_of(paths: Sequence[Path]) -> list[dict[str, str]]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else {}
            if (
                item.get("lang") == "en"
                and item.get("kind") in ("answerable", "unanswerable")
                and not item.get("history")
            ):
                out.append(item)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="+", type=Path)
    args = ap.parse_args()
    from rag.answering import extractive as ex
    from rag.answering.assessor import ASSESS_MAJORITY, ASSESSED
    from rag.config import Settings
    from rag.pipeline import Pipeline
    from rag.prompts import assess_messages
    from rag.retrieval import retrieve

    p = Pipeline(Settings())
    store, gen = p.store(), p.generator()
    yes_share = getattr(gen, "yes_share")  # noqa: B009 - the default (llama.cpp) generator assesses
    scores: dict[str, list[float]] = {"answerable": [], "unanswerable": []}
    for item in items_of(args.sets):
        q = item["q"]
        v = p.embedder().embed_queries([q])[0]
        hits = retrieve(store, q, v, p.settings.k, language="en", groups=p.groups())
        cands = ex.typed(q, ex.candidates(hits, {}))[:ASSESSED]
        shares = [s for c in cands if (s := yes_share(assess_messages(c.passage.text, q))) is not None]
        best = max(shares, default=0.0)
        scores[item["kind"]].append(best)
        print(f"{item['id']:10s} {item['kind']:12s} best {best:.3f}  {[round(s, 3) for s in shares]}  {q}")
    pos, neg = scores["answerable"], scores["unanswerable"]
    print(f"\n{len(pos)} answerable, {len(neg)} unanswerable; ROC AUC of the best share: {auc(pos, neg):.3f}")
    print("threshold  answerable answered %  unanswerable refused %")
    for t, answered, refused in curve(pos, neg, [round(x, 1) for x in np.arange(0.1, 1.0, 0.1)]):
        mark = "  <- operating point (ASSESS_MAJORITY)" if abs(t - ASSESS_MAJORITY) < 1e-9 else ""
        print(f"  {t:.1f}      {answered:5.1f}                  {refused:5.1f}{mark}")


if __name__ == "__main__":
    main()
