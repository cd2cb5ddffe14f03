"""Fit the learned answer parts on Urdu SQuAD 2.0 (UQA train) and write
rag/answering/weights/{spans,decision}_ur.json.

    python -m bench.train_answerer [--max-span-rows 6000] [--max-decision-rows 4000] [--out DIR] [--png PATH]

Steps (fixed seed, titles split three ways: train / calib / holdout):
1. span scorer: softmax ranker over the candidate spans of the gold sentence
   of answerable train rows (target: the candidate equal to the gold answer,
   else the best-F1 candidate when its F1 >= 0.5);
2. sentence choice: softmax ranker over the BM25 top-k sentences of
   answerable train rows (SENTENCE_FEATURES: rank, question words, the span
   scores each sentence holds; target: the sentence holding the gold start);
3. the answer window (expected utility, rag/answering/spans.py): its utility
   weight lam and longest window picked on calib rows (grid), maximising
   min(contains_gold / 70, token_f1 / 35) over the answerable rows;
4. decision: logistic regression on train rows (answerable vs not) over
   DECISION_FEATURES; threshold chosen on calib as the highest one that keeps
   the refusal of answerable rows at or under TARGET_FALSE_REFUSAL;
5. length policy: the window or a grown best span, chosen end to end on
   calib; precision/recall curves of answering on holdout and uqa dev
   (printed, PNG).
Holdout and dev rows are never fitted on. It writes dense_weight 0: run
bench/sentence_dense.py --write after it (the sentence choice's weight of
the embedder's cosine, which needs the embedder).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.answerer_data import (
    DEV_FILE,
    ROOT,
    SEED,
    TOP_K,
    TRAIN_FILE,
    aggregate,
    candidates_and_window,
    gold_sentence,
    read_rows,
    score_uqa,
    sentences,
    split_by_title,
)
from rag import metrics
from rag.answering.decision import Candidate, Decider, decision_input
from rag.answering.features import (
    QuestionInfo,
    candidate_bounds,
    decision_features,
    question_info,
    sentence_view,
    span_features,
)
from rag.answering.fit import auc, fit_logistic, fit_ranker
from rag.answering.spans import (
    POLICIES,
    SENTENCE_FEATURES,
    ScoredSentence,
    SpanModel,
    pick,
    score_sentences,
    sentence_features,
)

LANG = "ur"
TARGET_FALSE_REFUSAL = 0.12  # chosen on calib below the 15% goal, leaving room for sampling noise on new sets
GOAL_CONTAINS, GOAL_F1 = 70.0, 35.0  # the goals on uqa dev (percent, F1 0..100)
LAM_GRID = [0.5, 1.0, 2.0, 3.0]
WINDOW_GRID = [14, 20, 36, 64]
TEMPERATURE_GRID = [1.0]  # 2.0 was never chosen in earlier runs (lam 0.1-1, windows 10-20)


def span_training_data(rows: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Features, targets and group starts of the gold sentences' candidates."""
    xs, ts, starts = [], [], []
    offset = skipped = 0
    for r in rows:
        sents = sentences(r["context"])
        k = gold_sentence(r, sents)
        if k is None:
            continue
        q = question_info(r["question"], LANG)
        view = sentence_view(q, sents[k][2])
        bounds = candidate_bounds(view)
        if not bounds:
            skipped += 1
            continue
        gold = Counter(metrics.words(r["answers"][0]))
        tok_words = [metrics.words(t.text) for t in view.toks]
        f1 = np.array([_f1(Counter(w for k in range(i, j + 1) for w in tok_words[k]), gold) for i, j in bounds])
        best = int(np.argmax(f1))
        if f1[best] < 0.5:
            skipped += 1
            continue
        target = np.zeros(len(bounds))
        target[best] = 1.0
        xs.append(span_features(q, view, bounds))
        ts.append(target)
        starts.append(offset)
        offset += len(bounds)
    return np.vstack(xs), np.concatenate(ts), np.asarray(starts), skipped


def _f1(pred: Counter[str], gold: Counter[str]) -> float:
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * p * r / (p + r)


def ranked(row: dict[str, Any]) -> tuple[list[str], list[int], list[str]]:
    """(all sentence texts, top-k indices, window texts) of a row's context."""
    texts = [s[2] for s in sentences(row["context"])]
    top, window = candidates_and_window(row["question"], texts, TOP_K)
    return texts, top, [texts[i] for i in window]


def candidates_for(row: dict[str, Any]) -> list[Candidate]:
    """The row's BM25 top-k sentences as pipeline candidates, with neighbours."""
    texts, top, _ = ranked(row)
    out = []
    for rank, i in enumerate(top):
        nb = tuple(texts[j] for j in (i - 1, i + 1) if 0 <= j < len(texts))
        out.append(Candidate(texts[i], rank=rank, neighbours=nb))
    return out


@dataclass
class Prepared:
    """One row with its BM25 candidates and their scored spans (computed once)."""

    row: dict[str, Any]
    q: QuestionInfo
    cands: list[Candidate]
    scored: list[ScoredSentence]


def prepare(model: SpanModel, rows: Sequence[dict[str, Any]]) -> list[Prepared]:
    out = []
    for r in rows:
        q = question_info(r["question"], LANG)
        cands = candidates_for(r)
        out.append(Prepared(r, q, cands, score_sentences(q, [c.text for c in cands], model)))
    return out


def gold_span_eval(model: SpanModel, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """contains_gold / token F1 per length policy when the gold sentence is given."""
    per: dict[str, list[dict[str, Any]]] = {p: [] for p in POLICIES}
    for r in rows:
        sents = sentences(r["context"])
        k = gold_sentence(r, sents)
        if k is None:
            continue
        q = question_info(r["question"], LANG)
        choice = pick(q, score_sentences(q, [sents[k][2]], model), model, "span")
        for p in POLICIES:
            per[p].append(score_uqa(choice.grown(p).text if choice else "", False, r["answers"]))
    return {p: aggregate(v) for p, v in per.items()}


def span_eval(model: SpanModel, prepared: Sequence[Prepared]) -> dict[str, dict[str, float | None]]:
    """contains_gold / token F1 of the chosen span over the top-k per length policy (answerable rows, never refused)."""
    per: dict[str, list[dict[str, Any]]] = {p: [] for p in POLICIES}
    for pr in prepared:
        if not pr.row.get("answers"):
            continue
        choice = pick(pr.q, pr.scored, model, "span")
        for p in POLICIES:
            per[p].append(score_uqa(choice.grown(p).text if choice else "", False, pr.row["answers"]))
    return {p: aggregate(v) for p, v in per.items()}


def fit_sentence_choice(model: SpanModel, prepared: Sequence[Prepared]) -> SpanModel:
    """Sentence weights: a softmax over the scored top-k sentences of each
    answerable row whose gold sentence is among them."""
    xs, ts, starts, offset = [], [], [], 0
    for pr in prepared:
        if not pr.row.get("answers"):
            continue
        sents = sentences(pr.row["context"])
        k = gold_sentence(pr.row, sents)
        if k is None:
            continue
        target = np.array([float(s.view.text == sents[k][2]) for s in pr.scored])
        if target.sum() != 1:
            continue
        xs.append(sentence_features(pr.q, pr.scored))
        ts.append(target)
        starts.append(offset)
        offset += len(target)
    w = fit_ranker(np.vstack(xs), np.concatenate(ts), np.asarray(starts), l2=1e-3, steps=400, lr=0.05)
    print(f"sentence choice: {len(starts)} questions; weights " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(SENTENCE_FEATURES, w, strict=True)))
    return model.with_(sentence_weights=w)


def pick_window(model: SpanModel, prepared: Sequence[Prepared]) -> SpanModel:
    """lam and the longest window with the best min(contains/70, F1/35) of
    the window over the answerable rows (never refused)."""
    best: tuple[float, SpanModel] | None = None
    answerable = [pr for pr in prepared if pr.row.get("answers")]
    for temperature in TEMPERATURE_GRID:
        for max_window in WINDOW_GRID:
            for lam in LAM_GRID:
                m = model.with_(lam=lam, max_window=max_window, temperature=temperature, policy="window")
                got = []
                for pr in answerable:
                    c = pick(pr.q, pr.scored, m, "window")
                    got.append(score_uqa(c.span.text if c else "", False, pr.row["answers"]))
                share = _goal_share(aggregate(got, digits=None))  # unrounded: rounded figures tie
                agg = aggregate(got)
                print(
                    f"  temperature={temperature} lam={lam} max_window={max_window}: "
                    f"contains_gold {agg['contains_gold']} token_f1 {agg['token_f1']}"
                )
                if best is None or share > best[0]:
                    best = (share, m)
    assert best is not None
    print(f"chosen: temperature={best[1].temperature} lam={best[1].lam} max_window={best[1].max_window}")
    return best[1]


def decision_data(model: SpanModel, prepared: Sequence[Prepared]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Decision features, labels (1 = answerable) and the chosen spans."""
    xs, ys, choices = [], [], []
    for pr in prepared:
        choice = pick(pr.q, pr.scored, model, model.policy)
        xs.append(decision_features(decision_input(pr.q, pr.cands, choice)))
        ys.append(1 if pr.row.get("answers") else 0)
        choices.append(choice)
    return np.vstack(xs), np.asarray(ys), choices


def answering_curve(probs: np.ndarray, labels: np.ndarray) -> list[tuple[float, float, float, float, float]]:
    """(threshold, precision of answering, recall of answering = 1 - false refusal, unanswerable refused, answered)."""
    out = []
    for t in np.round(np.arange(0.0, 1.0001, 0.05), 2):
        ans = probs >= t
        tp = int((ans & (labels == 1)).sum())
        prec = tp / max(1, int(ans.sum()))
        rec = tp / max(1, int((labels == 1).sum()))
        unans_refused = float((~ans & (labels == 0)).sum()) / max(1, int((labels == 0).sum()))
        out.append((float(t), prec, rec, unans_refused, float(ans.mean())))
    return out


def choose_threshold(probs: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The highest threshold that refuses at most `target` of the answerable rows."""
    pos = np.sort(probs[labels == 1])
    k = int(np.floor(target * len(pos)))  # this many answerable rows may fall below
    return float(pos[k]) if len(pos) else 0.5


def _goal_share(agg: dict[str, float | None]) -> float:
    """How far the figures reach the issue's goals: the smaller of the two shares."""
    return min((agg["contains_gold"] or 0) / GOAL_CONTAINS, (agg["token_f1"] or 0) / GOAL_F1)


def end_to_end(
    decider: Decider, rows: Sequence[dict[str, Any]], probs: np.ndarray, choices: Sequence[Any], policy: str
) -> dict[str, float | None]:
    """The `_score_uqa` figures when the answer is the chosen span grown by `policy`."""
    out = []
    for r, p, c in zip(rows, probs, choices, strict=True):
        refused = p < decider.threshold or c is None
        text = ""
        if not refused:
            text = c.grown(policy).text
        out.append(score_uqa(text, refused, r.get("answers") or []))
    return aggregate(out)


def print_curve(name: str, curve: Sequence[tuple[float, float, float, float, float]]) -> None:
    print(
        f"\nanswering curve on {name}: threshold  precision  recall(=1-false refusal)  unanswerable refused  answered"
    )
    for t, p, r, u, a in curve:
        print(f"  {t:4.2f}  {100 * p:5.1f}  {100 * r:5.1f}  {100 * u:5.1f}  {100 * a:5.1f}")


def save_png(curves: dict[str, tuple[np.ndarray, np.ndarray]], threshold: float, path: Path) -> None:
    """Precision/recall of answering per set, the chosen threshold marked."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"(matplotlib missing: no PNG written to {path}; install the eval extra)")
        return
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, (probs, labels) in curves.items():
        ts = np.unique(np.concatenate([probs, [0.0, 1.0]]))
        pts = []
        for t in ts:
            ans = probs >= t
            tp = (ans & (labels == 1)).sum()
            if ans.sum():
                pts.append((tp / max(1, (labels == 1).sum()), tp / ans.sum()))
        xs, ys = zip(*pts, strict=True)
        line = ax.plot(xs, ys, label=name)[0]
        ans = probs >= threshold
        tp = (ans & (labels == 1)).sum()
        ax.plot([tp / max(1, (labels == 1).sum())], [tp / max(1, ans.sum())], "o", color=line.get_color())
    ax.set_xlabel("recall of answering (answerable rows answered)")
    ax.set_ylabel("precision of answering (answered rows answerable)")
    ax.set_title(f"Answer decision (dot: threshold {threshold:.3f})")
    ax.grid(alpha=0.3)
    ax.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-span-rows", type=int, default=8000)
    ap.add_argument("--max-decision-rows", type=int, default=4000)
    ap.add_argument("--max-calib-rows", type=int, default=1200)
    ap.add_argument(
        "--max-holdout-rows",
        type=int,
        default=1200,
        help="rows of the held-out slice scored here (bench/eval_answerer.py scores all of it)",
    )
    ap.add_argument("--span-weights", type=Path, help="reuse the span scorer of this spans_ur.json (skip step 1)")
    ap.add_argument("--with-dev", action="store_true", help="also print and plot the curve on uqa dev (never fitted on)")
    ap.add_argument("--out", type=Path, default=ROOT / "rag" / "answering" / "weights")
    ap.add_argument("--png", type=Path, default=ROOT / "bench" / "figures" / "answer_decision_pr.png")
    args = ap.parse_args()
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    rows = read_rows(TRAIN_FILE)
    parts = split_by_title(rows)
    for name, part in parts.items():
        n_ans = sum(1 for r in part if r.get("answers"))
        print(f"{name}: {len(part)} rows ({n_ans} answerable), {len({r['title'] for r in part})} titles")

    def sample(part: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        idx = rng.permutation(len(part))[:n]
        return [part[i] for i in sorted(idx)]

    # 1. span scorer (samples drawn in a fixed order, so --span-weights gives the same run as a full fit)
    span_rows = sample([r for r in parts["train"] if r.get("answers")], args.max_span_rows)
    calib = sample(parts["calib"], args.max_calib_rows)
    hold = sample(parts["holdout"], args.max_holdout_rows)
    no_sentence = np.zeros(len(SENTENCE_FEATURES))
    if args.span_weights:
        loaded = SpanModel.from_json(json.loads(args.span_weights.read_text(encoding="utf-8")))
        meta = {k: loaded.meta[k] for k in ("data", "seed", "rows", "split")}
        spans = SpanModel(LANG, loaded.weights, no_sentence, "span", meta)
        print(f"span scorer reused from {args.span_weights} ({meta['rows']} questions)")
    else:
        x, target, starts, skipped = span_training_data(span_rows)
        print(
            f"\nspan scorer: {len(starts)} questions, {len(x)} candidates, {x.shape[1]} features, {skipped} skipped "
            f"(no candidate with F1 >= 0.5) [{time.time() - t0:.0f}s]"
        )
        w = fit_ranker(x, target, starts, l2=1e-3, steps=300, lr=0.05)
        del x
        meta = {
            "data": TRAIN_FILE.name,
            "seed": SEED,
            "rows": len(starts),
            "split": "by title: 70% train, 15% calib, 15% holdout (bench/answerer_data.py split_by_title)",
        }
        spans = SpanModel(LANG, w, no_sentence, "span", meta)
    print(f"[{time.time() - t0:.0f}s] span on the gold sentence (answerable calib rows), per length policy:")
    for p, agg in gold_span_eval(spans, calib[:600]).items():
        print(f"  calib    {p:9s} contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}")

    # 2. sentence choice
    print(f"\n[{time.time() - t0:.0f}s] scoring the BM25 top-{TOP_K} of decision, calib and holdout rows")
    dec_rows = sample(parts["train"], args.max_decision_rows)
    sets_in = [("train", dec_rows), ("calib", calib), ("holdout", hold)]
    if args.with_dev:
        sets_in.append(("uqa dev", read_rows(DEV_FILE)))
    prepared = {name: prepare(spans, part) for name, part in sets_in}
    print(f"[{time.time() - t0:.0f}s] sentence choice over the BM25 top-{TOP_K} (train rows):")
    spans = fit_sentence_choice(spans, prepared["train"])

    # 3. the answer window
    print(f"\n[{time.time() - t0:.0f}s] answer window over the BM25 top-{TOP_K} (calib, answerable, no refusals):")
    spans = pick_window(spans, prepared["calib"])
    for name in ("calib", "holdout"):
        for p, agg in span_eval(spans, prepared[name]).items():
            print(f"  {name:8s} {p:9s} contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}")

    # 4. decision
    xd, yd, _ = decision_data(spans, prepared["train"])
    print(f"\n[{time.time() - t0:.0f}s] decision: {len(yd)} train rows ({int(yd.sum())} answerable)")
    wd = fit_logistic(xd, yd, l2=1e-3, steps=800, lr=0.05)
    decider = Decider(LANG, wd, 0.5, spans)
    sets: dict[str, tuple[list[dict[str, Any]], np.ndarray, np.ndarray, list[Any]]] = {}
    for name, prep in prepared.items():
        xp, yp, cp = decision_data(spans, prep)
        probs = np.array([decider.probability(row) for row in xp])
        sets[name] = ([pr.row for pr in prep], probs, yp, cp)
        print(f"  AUC {name}: {auc(probs, yp):.3f}")
    threshold = choose_threshold(sets["calib"][1], sets["calib"][2], TARGET_FALSE_REFUSAL)
    print(
        f"threshold {threshold:.4f}: highest that refuses <= {100 * TARGET_FALSE_REFUSAL:.0f}% of answerable calib rows"
    )
    shown = [n for n in ("holdout", "uqa dev") if n in sets]
    for name in shown:
        print_curve(name, answering_curve(sets[name][1], sets[name][2]))
    decider = Decider(
        LANG,
        wd,
        threshold,
        spans,
        {
            **meta,
            "rows": len(yd),
            "threshold_rule": f"highest threshold refusing <= {TARGET_FALSE_REFUSAL:.0%} of "
            "answerable calib rows (goal: <= 15% false refusals, then as many unanswerable refused as possible)",
            "auc": {n: round(auc(s[1], s[2]), 3) for n, s in sets.items()},
        },
    )

    # 5. end to end (decision + span) per policy; the policy is chosen on calib
    print(f"\n[{time.time() - t0:.0f}s] end to end at threshold {threshold:.4f} (percent; F1 0..100):")
    e2e: dict[str, dict[str, dict[str, float | None]]] = {}
    for name in ("calib", "holdout"):
        part, probs, _, choices = sets[name]
        e2e[name] = {p: end_to_end(decider, part, probs, choices, p) for p in POLICIES}
    policy = max(POLICIES, key=lambda p: _goal_share(e2e["calib"][p]))
    for name, per in e2e.items():
        for p, agg in per.items():
            print(f"  {name:8s} {p:9s} {agg}{' <- chosen' if p == policy else ''}")
    print(f"length policy {policy}: highest min(contains_gold / {GOAL_CONTAINS}, token_f1 / {GOAL_F1}) on calib")
    spans = spans.with_(
        policy=policy,
        meta={
            **meta,
            "policy_rule": f"highest min(contains_gold/{GOAL_CONTAINS}, token_f1/{GOAL_F1}) on calib, end to end",
            "window_rule": f"lam in {LAM_GRID}, max_window in {WINDOW_GRID}, temperature in {TEMPERATURE_GRID}: highest min(contains_gold/"
            f"{GOAL_CONTAINS}, token_f1/{GOAL_F1}) of the window on answerable calib rows",
            "policy_curve_calib": e2e["calib"],
            "policy_curve_holdout": e2e["holdout"],
        },
    )
    decider = Decider(LANG, decider.weights, threshold, spans, decider.meta)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"spans_{LANG}.json").write_text(
        json.dumps(spans.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (args.out / f"decision_{LANG}.json").write_text(
        json.dumps(decider.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out}/spans_{LANG}.json, decision_{LANG}.json")
    save_png({n: (sets[n][1], sets[n][2]) for n in shown}, threshold, args.png)
    print(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
