"""Fit the sentence head (rag/answering/relevance.py) on Urdu SQuAD 2.0
train and write rag/answering/weights/sentences_ur.json.

    python -m bench.train_sentence_head [--rows 2000] [--calib-rows 400] [--holdout-rows 400] [--cache FILE]

Steps (fixed seed; the title split of bench/answerer_data.py):
1. for each sampled answerable row, the candidates are its paragraph's BM25
   top 4 sentences that have candidate spans (as bench/train_answerer.py
   fits the sentence choice); rows whose gold sentence is among them, with
   at least two candidates, count;
2. the embedder reads the question with each candidate (`reader.pair_text`)
   and the head's input is pooled (`relevance.pooled`); pooled vectors are
   cached on disk by the pair's text (--cache), so a second run encodes
   nothing;
3. the head: a listwise softmax ranker (rag.answering.fit.fit_ranker) over
   each train question's candidates, on standardised inputs, for each L2 of
   L2_GRID;
4. the L2 and gamma (the head's weight beside the committed choice's
   log p(sentence) + dense_weight * cosine, the cosine of the embedder's
   query and document vectors) whose answer window on answerable calib
   rows has the highest min(contains_gold / 70, token_f1 / 35), as the
   other parts are chosen (ties: the lower mean -log p(gold sentence));
5. figures on calib and the held-out titles at gamma 0 (the committed
   choice) and at the chosen gamma: the share of questions whose gold
   sentence is chosen, the mean -log p, and the answer window of that
   choice (contains_gold, token F1; no decision, no span reader).
Holdout rows are never fitted on.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.answerer_data import (
    ROOT,
    SEED,
    TRAIN_FILE,
    aggregate,
    candidates_and_window,
    gold_sentence,
    read_rows,
    score_uqa,
    sentences,
    split_by_title,
)
from bench.train_reader import DiskMemo
from rag.answering.decision import Decider
from rag.answering.features import QuestionInfo, question_info
from rag.answering.fit import fit_ranker
from rag.answering.reader import TokenStates, pair_text, token_view
from rag.answering.relevance import SentenceHead, pooled
from rag.answering.spans import ScoredSentence, SpanModel, pick, score_sentences, sentence_probs

LANG = "ur"
L2_GRID = (0.1, 0.3, 1.0, 3.0)
GOAL_CONTAINS, GOAL_F1 = 70.0, 35.0  # the targets: the rule of bench/train_answerer.py
GAMMA_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


class PooledCache(DiskMemo):
    """`relevance.pooled` of each (question, sentence) pair, kept on disk by
    the pair text's sha1."""

    def __init__(self, inner: TokenStates, path: Path, batch: int = 16) -> None:
        super().__init__(inner, path, batch)
        self.starts: dict[str, int] = {}  # where the sentence starts in each pair text being encoded

    def _keep(self, text: str, offsets: np.ndarray, states: np.ndarray) -> np.ndarray:
        return pooled(token_view(offsets, np.asarray(states, dtype=np.float32), self.starts[text]))

    def vectors(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        texts = [pair_text(q, s) for q, s in pairs]
        self.starts = dict(texts)
        if self._encode(list(self.starts)):
            self.save()
        return np.stack([self.memo[self.key(t)] for t, _ in texts]) if texts else np.zeros((0, 0), np.float32)


@dataclass
class Item:
    """One answerable row with its scored candidates and the gold one's index."""

    row: dict[str, Any]
    q: QuestionInfo
    scored: list[ScoredSentence]
    gold: int
    x: np.ndarray | None = None  # pooled inputs, one row per candidate
    base: np.ndarray | None = None  # committed log p(sentence) + dense_weight * cosine (calib / holdout)


def items_of(rows: Sequence[dict[str, Any]], model: SpanModel) -> list[Item]:
    out = []
    for r in rows:
        sents = sentences(r["context"])
        texts = [s[2] for s in sents]
        top, _ = candidates_and_window(r["question"], texts)
        q = question_info(r["question"], LANG)
        scored = score_sentences(q, [texts[i] for i in top], model)
        k = gold_sentence(r, sents)
        gold = [j for j, s in enumerate(scored) if k is not None and s.view.text == texts[k]]
        if len(gold) == 1 and len(scored) >= 2:
            out.append(Item(r, q, scored, gold[0]))
    return out


def read_items(items: Sequence[Item], cache: PooledCache) -> None:
    x = cache.vectors([(it.row["question"], s.view.text) for it in items for s in it.scored])
    at = 0
    for it in items:
        it.x = x[at : at + len(it.scored)]
        at += len(it.scored)


def add_base(items: Sequence[Item], embedder: Any, model: SpanModel) -> None:
    """The committed choice's log-scores: log p(sentence) + dense_weight * cosine."""
    qv = embedder.embed_queries([it.row["question"] for it in items])
    docs = sorted({s.view.text for it in items for s in it.scored})
    dv = dict(zip(docs, embedder.embed_documents(docs), strict=True))
    for it, v in zip(items, qv, strict=True):
        ps = sentence_probs(it.q, it.scored, model)
        cos = np.array([float(dv[s.view.text] @ v) for s in it.scored])
        it.base = np.log(np.maximum(ps, 1e-300)) + model.dense_weight * cos


def fit_head(items: Sequence[Item], l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, scale, weights) of a listwise ranker on the items' pooled inputs."""
    x = np.vstack([it.x for it in items if it.x is not None]).astype(np.float32)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-4
    x = (x - mean) / scale
    starts = np.cumsum([0] + [len(it.scored) for it in items[:-1]])
    target = np.zeros(len(x))
    for it, s in zip(items, starts, strict=True):
        target[s + it.gold] = 1.0
    return mean, scale, fit_ranker(x, target, starts, l2=l2, steps=300, lr=0.02)


def bonus(it: Item, head: SentenceHead) -> np.ndarray:
    assert it.x is not None
    s = ((it.x - head.mean) / head.scale) @ head.weights
    return head.gamma * (s - s.max())


def choice_figures(items: Sequence[Item], head: SentenceHead, model: SpanModel) -> dict[str, float]:
    """Share of gold sentences chosen (%) and mean -log p(gold) under base + head bonus."""
    ok, nll = 0, 0.0
    for it in items:
        assert it.base is not None
        z = it.base + bonus(it, head)
        z = z - z.max()
        logp = z - np.log(np.exp(z).sum())
        ok += int(np.argmax(z) == it.gold)
        nll -= float(logp[it.gold])
    return {"gold_sentence_chosen": round(100 * ok / len(items), 1), "nll": round(nll / len(items), 4)}


def answer_figures(
    items: Sequence[Item], head: SentenceHead, model: SpanModel, digits: int | None = 1
) -> dict[str, float | None]:
    """The window picked with the committed log p(sentence) moved by the
    cosine and the head (no decision: every item answered)."""
    rows = []
    for it in items:
        assert it.base is not None
        ps = sentence_probs(it.q, it.scored, model)
        extra = it.base - np.log(np.maximum(ps, 1e-300)) + bonus(it, head)
        by_rank = np.zeros(max(s.rank for s in it.scored) + 1)
        for k, s in enumerate(it.scored):
            by_rank[s.rank] = extra[k]
        c = pick(it.q, it.scored, model, model.policy, by_rank)
        rows.append(score_uqa("" if c is None else c.span.text, c is None, it.row["answers"]))
    return aggregate(rows, digits=digits)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2000, help="answerable train rows sampled")
    ap.add_argument("--calib-rows", type=int, default=400)
    ap.add_argument("--holdout-rows", type=int, default=400)
    ap.add_argument("--backend", default="onnx-fp32", help="embedder back-end whose states are read (the run-time one)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/khabar-sentence-pooled.pkl"))
    ap.add_argument("--out", type=Path, default=ROOT / "rag" / "answering" / "weights" / f"sentences_{LANG}.json")
    args = ap.parse_args()
    t0 = time.time()
    from rag.config import Settings
    from rag.pipeline import Pipeline

    embedder: Any = Pipeline(Settings(embedder_backend=args.backend)).embedder()
    cache = PooledCache(embedder, args.cache)
    model = Decider.load(LANG).spans
    rng = np.random.default_rng(SEED)
    parts = split_by_title(read_rows(TRAIN_FILE))

    def sample(part: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        answerable = [r for r in part if r.get("answers")]
        return [answerable[i] for i in sorted(rng.permutation(len(answerable))[:n])]

    train = items_of(sample(parts["train"], args.rows), model)
    calib = items_of(sample(parts["calib"], args.calib_rows), model)
    hold = items_of(sample(parts["holdout"], args.holdout_rows), model)
    print(f"1. items: train {len(train)}, calib {len(calib)}, holdout {len(hold)} [{time.time() - t0:.0f}s]")
    print("2. pooled states")
    for part in (calib, hold, train):
        read_items(part, cache)
    add_base(calib, embedder, model)
    add_base(hold, embedder, model)
    print(f"3-4. fit and choose on calib [{time.time() - t0:.0f}s]")

    def head(mean: np.ndarray, scale: np.ndarray, w: np.ndarray, gamma: float) -> SentenceHead:
        return SentenceHead(LANG, embedder.id, embedder.state_layer, mean, scale, w, gamma)

    best: tuple[tuple[float, float], float, SentenceHead] | None = None
    for l2 in L2_GRID:
        mean, scale, w = fit_head(train, l2)
        for gamma in GAMMA_GRID:
            h = head(mean, scale, w, gamma)
            fig = choice_figures(calib, h, model)
            ans = answer_figures(calib, h, model, digits=None)
            goal = min((ans["contains_gold"] or 0.0) / GOAL_CONTAINS, (ans["token_f1"] or 0.0) / GOAL_F1)
            print(
                f"  l2 {l2} gamma {gamma}: calib {fig}, contains_gold {ans['contains_gold']:.2f} "
                f"token_f1 {ans['token_f1']:.2f}"
            )
            if best is None or (goal, -fig["nll"]) > best[0]:
                best = ((goal, -fig["nll"]), l2, h)
    assert best is not None
    _, l2, chosen = best
    print(f"chosen l2 {l2}, gamma {chosen.gamma}")
    off = head(chosen.mean, chosen.scale, chosen.weights, 0.0)
    figures: dict[str, Any] = {}
    for name, part in (("calib", calib), ("holdout", hold)):
        figures[name] = {
            label: {**choice_figures(part, h, model), **answer_figures(part, h, model)}
            for label, h in (("without", off), ("with", chosen))
        }
        print(f"5. {name}: {figures[name]}")
    cache.save()
    meta = {
        "data": TRAIN_FILE.name,
        "seed": SEED,
        "rows": len(train),
        "backend": args.backend,
        "split": "by title: 70% train, 15% calib, 15% holdout (bench/answerer_data.py split_by_title)",
        "features": "mean and max over the sentence's tokens of h * q / |q| (relevance.pooled), standardised",
        "rule": f"l2 in {list(L2_GRID)} x gamma in {list(GAMMA_GRID)}: highest min(contains_gold/{GOAL_CONTAINS}, "
        f"token_f1/{GOAL_F1}) of the answer window on answerable calib rows (ties: lowest mean -log p(gold "
        "sentence)), beside log p(sentence) + dense_weight * cosine",
        "l2": l2,
        "figures": figures,
    }
    final = SentenceHead(LANG, embedder.id, embedder.state_layer, chosen.mean, chosen.scale, chosen.weights, chosen.gamma, meta)
    args.out.write_text(json.dumps(final.to_json()) + "\n", encoding="utf-8")
    print(f"wrote {args.out} [{time.time() - t0:.0f}s]")


if __name__ == "__main__":
    main()
