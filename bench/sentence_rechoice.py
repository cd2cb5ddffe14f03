"""How well does the Urdu answer's sentence choice work on the candidates the
pipeline gives (the fused top 4 of a whole article), and how much does a
choice fitted on such candidates gain? A measurement: no runtime change.

    python -m bench.sentence_rechoice [--cache FILE] [--train-titles 60]

Data: Urdu SQuAD titles read as articles (bench/retrieval_fusion.py's
selection and `--cache` of vectors): `--train-titles` titles of the train
slice to fit on, and the calib and held-out titles of the other benches.
For each answerable question, the candidates are the fused top 4 of its
title; the questions whose gold sentence is among them count.

The fitted choice ("re-choice") is a conditional logit over the candidates
with the committed choice's log p(sentence) as an offset, and features: the
committed choice's own sentence features (`spans.SENTENCE_FEATURES`), the
embedder's cosine of the question with the sentence, and whether that cosine
is the highest among the candidates. It is fitted on the train titles by
Newton's method with an L2 penalty; the penalty with the lowest calib NLL is
chosen from a small grid. Printed per slice: mean -log p(gold sentence) and
the share of questions whose most probable sentence is the gold one, for
the gold sentence at rank 0 (retrieval alone), the committed choice at
dense weight 0 and at its committed weight, the re-choice, and the
decision's own score with each candidate taken as the chosen sentence; then
where the committed answers go wrong (gold sentence not retrieved, another
sentence chosen, the cut misses), and the answers of the committed decision
(contains_gold, token F1, false refusals) with the committed choice and with
the re-choice once answered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.answerer_data import aggregate, score_uqa
from bench.retrieval_fusion import Slice, command_line_slices
from bench.sentence_dense import TitlePick, title_answers, title_candidates, title_cands
from rag.answering.decision import Decider, decision_features, decision_input
from rag.answering.features import QuestionInfo, question_info
from rag.answering.spans import (
    SENTENCE_FEATURES,
    ScoredSentence,
    pick,
    score_sentences,
    sentence_features,
    sentence_probs,
)

LANG = "ur"
FEATURES = [*SENTENCE_FEATURES, "cosine", "cosine_top"]
PENALTIES = (0.0, 0.001, 0.01, 0.1)


@dataclass(frozen=True)
class Row:
    """One question: log p(sentence) of the committed choice (dense weight 0),
    the re-choice features (one row per candidate), the cosines, the gold
    index, and the decision's log-odds per candidate."""

    offset: np.ndarray
    features: np.ndarray
    cosine: np.ndarray
    gold: int
    decision: np.ndarray  # the decision's log-odds with each candidate as the chosen sentence


def rechoice_features(q: QuestionInfo, scored: Sequence[ScoredSentence], cosine: np.ndarray) -> np.ndarray:
    """One row of FEATURES per scored sentence."""
    top = np.zeros(len(scored))
    top[int(np.argmax(cosine))] = 1.0
    return np.column_stack([sentence_features(q, scored), cosine, top])


def rows_of(sl: Slice, docs: np.ndarray, picks: Sequence[TitlePick], decider: Decider) -> list[Row]:
    out = []
    for question, top, gold_row, v in picks:
        q = question_info(question, LANG)
        scored = score_sentences(q, [sl.texts[i] for i in top], decider.spans)
        gold = [r for r, s in enumerate(scored) if top[s.rank] == gold_row]
        if len(gold) != 1 or len(scored) < 2:
            continue
        cosine = np.array([float(docs[top[s.rank]] @ v) for s in scored])
        offset = np.log(np.maximum(sentence_probs(q, scored, decider.spans), 1e-300))
        cands = title_cands(sl, docs, top, v)
        p = np.array(
            [
                decider.probability(
                    decision_features(decision_input(q, cands, pick(q, [s], decider.spans, decider.spans.policy)))
                )
                for s in scored
            ]
        )
        decision = np.log(np.maximum(p, 1e-12) / np.maximum(1 - p, 1e-12))
        out.append(Row(offset, rechoice_features(q, scored, cosine), cosine, gold[0], decision))
    return out


def error_budget(sl: Slice, docs: np.ndarray, picks: Sequence[TitlePick], decider: Decider) -> dict[str, float]:
    """Shares (%) of the answerable questions: answer contains the gold
    answer; refused; else wrong because the gold sentence is not among the
    fused top 4, because another sentence was chosen, or because the cut
    within the gold sentence misses the answer."""
    counts = dict.fromkeys(("contains gold", "refused", "gold not in top 4", "other sentence", "span misses"), 0)
    for (question, top, gold_row, v), (row, _) in zip(picks, sl.rows, strict=True):
        verdict = decider.decide(question, title_cands(sl, docs, top, v))
        if not verdict.answerable or verdict.choice is None:
            counts["refused"] += 1
        elif score_uqa(verdict.choice.span.text, False, row["answers"])["contains_gold"]:
            counts["contains gold"] += 1
        elif gold_row not in top:
            counts["gold not in top 4"] += 1
        elif top[verdict.choice.sentence_index] != gold_row:
            counts["other sentence"] += 1
        else:
            counts["span misses"] += 1
    n = max(1, sum(counts.values()))
    return {k: round(100 * c / n, 1) for k, c in counts.items()}


def _probs(z: np.ndarray) -> np.ndarray:
    p = np.exp(z - z.max())
    return p / p.sum()


def fit(rows: Sequence[Row], penalty: float, iterations: int = 50) -> np.ndarray:
    """Weights of the conditional logit p(i) ∝ exp(offset_i + features_i @ w),
    by Newton's method on the mean NLL plus penalty * |w|^2."""
    d = rows[0].features.shape[1]
    w = np.zeros(d)
    for _ in range(iterations):
        grad = 2 * penalty * w
        hess = 2 * penalty * np.eye(d)
        for r in rows:
            p = _probs(r.offset + r.features @ w)
            mean = p @ r.features
            grad -= (r.features[r.gold] - mean) / len(rows)
            hess += (r.features.T @ (p[:, None] * r.features) - np.outer(mean, mean)) / len(rows)
        step = np.linalg.solve(hess + 1e-9 * np.eye(d), grad)
        w -= step
        if float(np.abs(step).max()) < 1e-7:
            break
    return w


def nll_and_accuracy(rows: Sequence[Row], score: Callable[[Row], np.ndarray]) -> tuple[float, float]:
    """Mean -log p(gold sentence), and the share (%) whose most probable sentence is the gold one."""
    nll, right = 0.0, 0
    for r in rows:
        p = _probs(score(r))
        nll -= float(np.log(max(p[r.gold], 1e-300)))
        right += int(np.argmax(p) == r.gold)
    return nll / max(1, len(rows)), 100 * right / max(1, len(rows))


def rechoice_answers(
    sl: Slice, docs: np.ndarray, picks: Sequence[TitlePick], decider: Decider, w: np.ndarray
) -> dict[str, float | None]:
    """As `sentence_dense.title_answers`, but once the decision has answered
    the sentence is chosen again with the re-choice weights `w` (mirrors
    `Decider.decide`, whose bonus is the cosine times the dense weight)."""
    scored_rows: list[dict[str, Any]] = []
    for (question, top, _, v), (row, _) in zip(picks, sl.rows, strict=True):
        cands = title_cands(sl, docs, top, v)
        q = question_info(question, LANG)
        scored = score_sentences(q, [c.text for c in cands], decider.spans)
        choice = pick(q, scored, decider.spans, decider.spans.policy)
        p = decider.probability(decision_features(decision_input(q, cands, choice)))
        if p < decider.threshold:
            choice = None
        elif len(scored) > 1:
            cosine = np.array([cands[s.rank].dense for s in scored])
            bonus = np.zeros(len(cands))
            bonus[[s.rank for s in scored]] = rechoice_features(q, scored, cosine) @ w
            choice = pick(q, scored, decider.spans, decider.spans.policy, bonus) or choice
        scored_rows.append(score_uqa(choice.span.text if choice else "", choice is None, row["answers"]))
    return aggregate(scored_rows)


def main() -> None:
    data = command_line_slices(__doc__, train_titles=60)
    committed = Decider.load(LANG)
    base = Decider(
        LANG, committed.weights, committed.threshold, committed.spans.with_(dense_weight=0.0), committed.meta
    )
    picks = {name: title_candidates(sl, docs, qs) for name, (sl, docs, qs) in data.items()}
    rows = {name: rows_of(sl, docs, picks[name], base) for name, (sl, docs, _) in data.items()}
    fits = {pen: fit(rows["train"], pen) for pen in PENALTIES}
    pen = min(
        PENALTIES, key=lambda x: nll_and_accuracy(rows["calib"], lambda r, x=x: r.offset + r.features @ fits[x])[0]
    )
    w = fits[pen]
    dense = committed.spans.dense_weight
    scorers: dict[str, Callable[[Row], np.ndarray]] = {
        "rank 0 (retrieval alone)": lambda r: -10.0 * np.arange(len(r.offset)),
        "committed choice, dense weight 0": lambda r: r.offset,
        f"committed choice, dense weight {dense:g}": lambda r: r.offset + dense * r.cosine,
        f"re-choice (penalty {pen:g})": lambda r: r.offset + r.features @ w,
        "the decision's score per candidate": lambda r: r.decision,
    }
    print("sentence choice, gold sentence in the fused top 4 of the title: NLL / accuracy % (rank 0: accuracy only)")
    print("  " + "  ".join(f"{n} ({len(r)} questions)" for n, r in rows.items()))
    for label, score in scorers.items():
        figures = "   ".join(
            f"{n}: {'  -  ' if label.startswith('rank 0') else f'{nll:.3f}'} {acc:5.1f}"
            for n, r in rows.items()
            for nll, acc in [nll_and_accuracy(r, score)]
        )
        print(f"  {label:38s} {figures}")
    print("  re-choice weights: " + ", ".join(f"{f} {x:+.2f}" for f, x in zip(FEATURES, w, strict=True)))
    print("where the committed answers go wrong, fused top 4 of the title (% of all answerable questions):")
    for name in ("calib", "holdout"):
        sl, docs, _ = data[name]
        print(f"  {name:8s} {error_budget(sl, docs, picks[name], committed)}")
    print("answers of the committed decision, fused top 4 of the title (all answerable questions):")
    for name in ("calib", "holdout"):
        sl, docs, _ = data[name]
        for label, agg in (
            ("committed choice", title_answers(sl, docs, picks[name], committed)),
            ("re-choice", rechoice_answers(sl, docs, picks[name], base, w)),
        ):
            print(
                f"  {name:8s} {label:17s} contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}"
                f"  false_refusal {agg['false_refusal']}  (n {agg['n']:.0f})"
            )


if __name__ == "__main__":
    main()
