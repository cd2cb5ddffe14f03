"""How well the chat model's Yes/No assessment of single sentences
(rag/answering/assessor.py) tells answerable English questions from
unanswerable ones on the seed article. A measurement: no fitting.

    python -m bench.assessor_en tests/e2e/seed_own.jsonl tests/e2e/seed_fresh_en.jsonl ../shared/eval/seed_dev.jsonl
    python -m bench.assessor_en --answers tests/e2e/seed_own.jsonl tests/e2e/seed_fresh_en.jsonl ../shared/eval/seed_dev.jsonl

For every single-turn English answerable or unanswerable item of the given
seed sets, the candidates are those the pipeline's fallback assesses: the
retrieved English sentences that have the kind of fact asked for, the first
`ASSESSED` of them. Each is assessed alone with the question by the default chat
model (`yes_share`); an item's score is its best share. Printed: each item's
shares, the ROC AUC of the score (answerable = positive), and the share of
answerable items answered and of unanswerable items refused at thresholds
0.1 .. 0.9, with the operating point (`ASSESS_MAJORITY`, 0.5) marked.

`--answers` measures instead the assessment of the model's own answers (the
check in rag/answering/generative.py): each item is asked through the
pipeline with assessing off; for every answer the model wrote and the
grounding check kept, the model assesses it against each cited sentence
(best share). Printed: the shares, split into answers that are right (an
answerable item whose `must` patterns match) and the others (wrong answers,
answers to unanswerable items), the ROC AUC, and how many of each fall
below 0.5 (would be dropped).

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
from typing import Any

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


def items_of(paths: Sequence[Path]) -> list[dict[str, Any]]:
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


def own_answers(items: Sequence[dict[str, Any]]) -> None:
    """The model's assessment of its own kept answers (`--answers`)."""
    from rag.answering.assessor import ASSESS_MAJORITY
    from rag.config import Settings
    from rag.llm import LlamaCppGenerator
    from rag.metrics import must_match, strip_markers
    from rag.models import resolve_llm
    from rag.pipeline import Pipeline
    from rag.prompts import assess_answer_messages, assess_messages

    s = Settings()
    chat = resolve_llm(s)
    quiet = LlamaCppGenerator(chat.id, chat.path, chat.reads, chat.writes, s.n_ctx, s.n_threads, s.seed, assess=False)
    assessor = LlamaCppGenerator(chat.id, chat.path, chat.reads, chat.writes, s.n_ctx, s.n_threads, s.seed)
    p = Pipeline(s, generator=quiet)
    scores: dict[bool, list[float]] = {True: [], False: []}
    scores_alone: dict[bool, list[float]] = {True: [], False: []}
    for item in items:
        a = p.ask(item["q"])
        if a.strategy != "generative":
            continue
        text = strip_markers(a.answer).strip()
        shares = [assessor.yes_share(assess_answer_messages(c.text, item["q"], text)) for c in a.citations]
        best = max((x for x in shares if x is not None), default=1.0)
        # the same sentences assessed with the question alone (the answer not shown)
        alone = [assessor.yes_share(assess_messages(c.text, item["q"])) for c in a.citations]
        best_alone = max((x for x in alone if x is not None), default=1.0)
        right = item["kind"] == "answerable" and must_match(a.answer, item.get("must", []))
        scores[right].append(best)
        scores_alone[right].append(best_alone)
        print(
            f"{item['id']:10s} {'right' if right else 'wrong':5s} best {best:.3f} alone {best_alone:.3f}  "
            f"{item['q']} -> {text[:80]}"
        )
    for name, by in (("with the answer shown", scores), ("with the question alone", scores_alone)):
        good, bad = by[True], by[False]
        print(
            f"\n{name}: {len(good)} right and {len(bad)} wrong answers kept by the check; "
            f"ROC AUC of the best share: {auc(good, bad):.3f}"
        )
        print("threshold  right dropped  wrong dropped")
        for t in [round(x, 1) for x in np.arange(0.1, 1.0, 0.1)]:
            mark = "  <- ASSESS_MAJORITY" if abs(t - ASSESS_MAJORITY) < 1e-9 else ""
            print(f"{t:9.1f}  {sum(x < t for x in good):13d}  {sum(x < t for x in bad):13d}{mark}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--answers", action="store_true", help="assess the model's own kept answers instead")
    ap.add_argument(
        "--order", choices=("fused", "dense"), default="fused",
        help="which retrieved candidates are assessed: the first by the fused ranking (as the pipeline), or by cosine",
    )
    args = ap.parse_args()
    if args.answers:
        own_answers(items_of(args.sets))
        return
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
        typed = ex.typed(q, ex.candidates(hits, {}))
        if args.order == "dense":  # the candidates the embedder finds closest first, not the fused ranking
            typed = sorted(typed, key=lambda c: -c.dense)
        cands = typed[:ASSESSED]
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
