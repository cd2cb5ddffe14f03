"""Fit `SpanModel.dense_weight`: how much the embedder's cosine of the
question with each candidate sentence adds to the span scorer's p(sentence)
when an answered Urdu question picks the sentence it answers from.

    python -m bench.sentence_dense [--cache FILE] [--write]

Data: the calib and held-out Urdu SQuAD titles of bench/retrieval_fusion.py
(same selection, same `--cache` of vectors; never the train slice). For each
answerable question, the candidates are the BM25 top 4 of its paragraph, as
bench/train_answerer.py fits the sentence choice; the rows whose gold
sentence is among them count.

p(sentence) ∝ p_span(sentence) * exp(weight * cosine). The weight with the
lowest mean negative log-likelihood of the gold sentence on calib is chosen
(grid 0..12); sentence-choice accuracy and NLL are printed for both slices
per weight, then the answers (contains_gold, token F1) of the committed
decision (rag/answering/decision.py, without the span reader's recut) at
weight 0 and at the chosen weight, on both slices: from the paragraph's BM25
top 4 ("paragraph"), and from the fused top 4 of the whole title as the
pipeline retrieves from an article ("title"). `--write` stores the
weight in rag/answering/weights/spans_ur.json.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.answerer_data import ROOT, aggregate, candidates_and_window, gold_sentence, score_uqa, sentences
from bench.retrieval_fusion import Slice, fused_order, load_slices, slice_arguments, title_orders
from rag.answering.decision import Candidate, Decider
from rag.answering.features import question_info
from rag.answering.spans import score_sentences, sentence_probs
from rag.keyword import KeywordIndex
from rag.store import keyword_tokens

LANG = "ur"
GRID = tuple(float(w) for w in range(13))
SPANS_FILE = ROOT / "rag" / "answering" / "weights" / f"spans_{LANG}.json"


def choice_rows(
    sl: Slice, docs: np.ndarray, qs: np.ndarray, decider: Decider
) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(p_span(sentence), cosine, index of the gold sentence) per question
    whose gold sentence is among its BM25 top 4 (and has spans)."""
    out = []
    for (row, first), v in zip(sl.rows, qs, strict=True):
        sents = sentences(row["context"])
        texts = [s[2] for s in sents]
        top, _ = candidates_and_window(row["question"], texts)
        q = question_info(row["question"], LANG)
        scored = score_sentences(q, [texts[i] for i in top], decider.spans)
        k = gold_sentence(row, sents)
        gold = [r for r, s in enumerate(scored) if k is not None and s.view.text == texts[k]]
        if len(gold) != 1:
            continue
        cos = np.array([float(docs[first + top[s.rank]] @ v) for s in scored])
        out.append((sentence_probs(q, scored, decider.spans), cos, gold[0]))
    return out


def nll_and_accuracy(rows: Sequence[tuple[np.ndarray, np.ndarray, int]], weight: float) -> tuple[float, float]:
    """Mean -log p(gold sentence) and the share of questions whose most
    probable sentence is the gold one, at `weight`."""
    nll, right = 0.0, 0
    for ps, cos, gold in rows:
        z = np.log(np.maximum(ps, 1e-300)) + weight * cos
        z = z - z.max()
        logp = z - np.log(np.exp(z).sum())
        nll -= float(logp[gold])
        right += int(np.argmax(z) == gold)
    return nll / max(1, len(rows)), 100 * right / max(1, len(rows))


def _answered(decider: Decider, row: dict[str, Any], question: str, cands: Sequence[Candidate]) -> dict[str, Any]:
    """The UQA figures of the decider's answer to one question."""
    verdict = decider.decide(question, cands)
    answered = verdict.answerable and verdict.choice is not None
    text = verdict.choice.span.text if answered and verdict.choice else ""
    return score_uqa(text, not answered, row["answers"])


def answers(sl: Slice, docs: np.ndarray, qs: np.ndarray, decider: Decider) -> dict[str, float | None]:
    """contains_gold / token F1 / false refusals of the committed decision
    over the slice's answerable questions, with `decider`'s dense weight."""
    scored = []
    for (row, first), v in zip(sl.rows, qs, strict=True):
        texts = [s[2] for s in sentences(row["context"])]
        top, _ = candidates_and_window(row["question"], texts)
        cands = [
            Candidate(
                texts[i],
                dense=float(docs[first + i] @ v),
                rank=rank,
                neighbours=tuple(texts[j] for j in (i - 1, i + 1) if 0 <= j < len(texts)),
            )
            for rank, i in enumerate(top)
        ]
        scored.append(_answered(decider, row, row["question"], cands))
    return aggregate(scored)


# (question, sentence rows of the fused top 4 of its title, gold sentence row, question vector)
TitlePick = tuple[str, list[int], int, np.ndarray]


def title_candidates(sl: Slice, docs: np.ndarray, qs: np.ndarray) -> list[TitlePick]:
    """The pipeline's candidates for each question of the slice: the fused
    top 4 of its whole title (bench/retrieval_fusion.fused_order at weight 1)."""
    kw = KeywordIndex.from_tokens([keyword_tokens(s) for s in sl.texts])
    return [
        (question, fused_order(*title_orders(sl.title_of, kw, docs, title, question, v), 1.0)[:4], gold, v)
        for (question, title, gold), v in zip(sl.questions, qs, strict=True)
    ]


def title_cands(sl: Slice, docs: np.ndarray, top: Sequence[int], v: np.ndarray) -> list[Candidate]:
    """The decision's candidates: the title's sentences `top`, with cosines and neighbours in the title."""
    return [
        Candidate(
            sl.texts[i],
            dense=float(docs[i] @ v),
            rank=rank,
            neighbours=tuple(
                sl.texts[j] for j in (i - 1, i + 1) if 0 <= j < len(sl.texts) and sl.title_of[j] == sl.title_of[i]
            ),
        )
        for rank, i in enumerate(top)
    ]


def title_answers(sl: Slice, docs: np.ndarray, picks: Sequence[TitlePick], decider: Decider) -> dict[str, float | None]:
    """As `answers`, with the pipeline's candidates instead (`picks`: `title_candidates`)."""
    scored = [
        _answered(decider, row, question, title_cands(sl, docs, top, v))
        for (question, top, _, v), (row, _) in zip(picks, sl.rows, strict=True)
    ]
    return aggregate(scored)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    slice_arguments(ap)
    ap.add_argument("--write", action="store_true", help=f"store the chosen weight in {SPANS_FILE.name}")
    args = ap.parse_args()
    data = load_slices(args.titles, args.questions, args.cache)
    base = Decider.load(LANG)
    base = Decider(LANG, base.weights, base.threshold, base.spans.with_(dense_weight=0.0), base.meta)
    rows = {name: choice_rows(sl, docs, qs, base) for name, (sl, docs, qs) in data.items()}
    print("weight   " + "   ".join(f"{n}: NLL  accuracy ({len(r)} questions)" for n, r in rows.items()))
    curve = {w: {n: nll_and_accuracy(r, w) for n, r in rows.items()} for w in GRID}
    for w, per in curve.items():
        print(f"{w:6.1f}   " + "   ".join(f"{n}: {nll:.3f} {acc:5.1f}" for n, (nll, acc) in per.items()))
    best = min(GRID, key=lambda w: curve[w]["calib"][0])
    print(f"chosen weight {best} (lowest calib NLL)")
    for name, (sl, docs, qs) in data.items():
        picks = title_candidates(sl, docs, qs)
        for w in (0.0, best):
            d = Decider(LANG, base.weights, base.threshold, base.spans.with_(dense_weight=w), base.meta)
            for where, agg in (("paragraph", answers(sl, docs, qs, d)), ("title", title_answers(sl, docs, picks, d))):
                print(
                    f"  {name:8s} {where:9s} weight {w:4.1f}: contains_gold {agg['contains_gold']}"
                    f"  token_f1 {agg['token_f1']}  false_refusal {agg['false_refusal']}  (n {agg['n']:.0f})"
                )
    if args.write:
        rule = (
            f"lowest mean -log p(gold sentence) on {len(rows['calib'])} answerable calib questions "
            "(BM25 top 4 of the paragraph), grid 0..12: bench/sentence_dense.py"
        )
        spans = base.spans.with_(dense_weight=best, meta={**base.spans.meta, "dense_weight_rule": rule})
        SPANS_FILE.write_text(json.dumps(spans.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote dense_weight {best} to {SPANS_FILE}")


if __name__ == "__main__":
    main()
