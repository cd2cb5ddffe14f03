"""Fit the span reader (rag/answering/reader.py) on Urdu SQuAD 2.0 train and
write rag/answering/weights/reader_ur.json.

    python -m bench.train_reader [--rows 3000] [--calib-rows 600] [--holdout-rows 600] [--backend torch]

Steps (fixed seed; the title split of bench/answerer_data.py):
1. the embedder reads each answerable train row's question with its gold
   sentence (`reader.pair_text`); the token states are cached on disk by the
   pair's text (--cache), so a second run encodes nothing;
2. start and end heads: two listwise softmax rankers over the sentence's
   tokens (rag.answering.fit.fit_ranker) on the standardised features;
   target: the token holding the gold answer's first / last character;
3. beta, the reader's weight beside the span scores, and lam, the window's
   weight of token F1 against holding the answer: answerable calib rows go
   through the committed decision (BM25 top 4 and the kind check, as
   bench/eval_answerer.py); the answered ones are recut with each pair of
   BETA_GRID x LAM_GRID. Among the pairs that lower neither contains_gold
   nor token F1 against the answer without the reader, the highest
   min(contains_gold / 70, token_f1 / 35) wins (none: beta 0, no reader);
4. figures on the held-out titles: the gold sentence alone (span scorer vs
   reader vs both), and end to end with the decision.
Holdout and dev rows are never fitted on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.answerer_data import (
    ROOT,
    SEED,
    TRAIN_FILE,
    aggregate,
    gold_sentence,
    read_rows,
    score_uqa,
    sentences,
    split_by_title,
)
from rag.answering.fit import fit_ranker
from rag.answering.reader import Reader, TokenStates, TokenView, pair_text, token_view

LANG = "ur"
BETA_GRID = [0.1, 0.15, 0.25, 0.35, 0.5, 1.0]  # 0: the answer without the reader, the baseline
LAM_GRID = [0.25, 0.5, 0.75, 1.0, 2.0]
GOAL_CONTAINS, GOAL_F1 = 70.0, 35.0


class DiskMemo:
    """Something computed from an embedder's token states for each text
    (`_keep`), kept on disk by the text's sha1; saved every 400 texts and
    when the caller asks (`save`)."""

    def __init__(self, inner: TokenStates, path: Path, batch: int = 16) -> None:
        self.inner, self.path, self.batch = inner, path, batch
        self.memo: dict[str, Any] = {}
        if path.exists():
            with path.open("rb") as fh:
                self.memo = pickle.load(fh)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def _keep(self, text: str, offsets: np.ndarray, states: np.ndarray) -> Any:
        raise NotImplementedError

    def _encode(self, texts: Sequence[str]) -> int:
        """Encode the texts not kept yet, in batches (shortest first); how many."""
        todo = sorted({t for t in texts if self.key(t) not in self.memo}, key=len)
        t0, done = time.time(), 0
        for i in range(0, len(todo), self.batch):
            chunk = todo[i : i + self.batch]
            for text, (offs, states) in zip(chunk, self.inner.token_states(chunk), strict=True):
                self.memo[self.key(text)] = self._keep(text, offs, states)
            done += len(chunk)
            if done % (self.batch * 25) == 0:
                print(f"  encoded {done}/{len(todo)} pairs [{time.time() - t0:.0f}s]", flush=True)
                self.save()
        return len(todo)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(self.memo, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


class CachedStates(DiskMemo):
    """An embedder's token states, kept on disk by the text's sha1."""

    def __init__(self, inner: TokenStates, path: Path, batch: int = 16) -> None:
        super().__init__(inner, path, batch)
        self.id, self.state_layer = inner.id, inner.state_layer

    def _keep(self, text: str, offsets: np.ndarray, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(offsets, dtype=np.int32), np.asarray(states, dtype=np.float16)

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        self._encode(texts)
        return [self.memo[self.key(t)] for t in texts]


def gold_items(rows: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], str, tuple[int, int]]]:
    """(row, gold sentence, gold answer's character span in it) of answerable rows."""
    out = []
    for r in rows:
        sents = sentences(r["context"])
        k = gold_sentence(r, sents)
        if k is None:
            continue
        s0, _, text = sents[k]
        a0 = int(r["answer_starts"][0]) - s0
        out.append((r, text, (a0, a0 + len(r["answers"][0]))))
    return out


def read_views(states: TokenStates, pairs: Sequence[tuple[str, str]]) -> list[TokenView]:
    """The token view of each (question, sentence)."""
    texts = [pair_text(q, s) for q, s in pairs]
    got = states.token_states([t for t, _ in texts])
    return [token_view(o, h.astype(np.float32), start) for (o, h), (_, start) in zip(got, texts, strict=True)]


def edge_tokens(view: TokenView, span: tuple[int, int]) -> tuple[int, int] | None:
    """The tokens holding a character span's first and last character."""
    a = np.nonzero(view.offsets[:, 1] > span[0])[0]
    b = np.nonzero(view.offsets[:, 0] < span[1])[0]
    if not len(a) or not len(b) or a[0] > b[-1]:
        return None
    return int(a[0]), int(b[-1])


def fit_heads(views: Sequence[TokenView], spans: Sequence[tuple[int, int]], layer: int, embedder: str) -> Reader:
    """Start and end rankers on standardised features (beta left at 0)."""
    kept = [(v, e) for v, s in zip(views, spans, strict=True) if len(v.offsets) and (e := edge_tokens(v, s))]
    x = np.vstack([v.features for v, _ in kept]).astype(np.float32)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-4
    x = (x - mean) / scale
    starts = np.cumsum([0] + [len(v.offsets) for v, _ in kept[:-1]])
    heads = []
    for side in (0, 1):
        target = np.zeros(len(x))
        for (_, edge), s in zip(kept, starts, strict=True):
            target[s + edge[side]] = 1.0
        heads.append(fit_ranker(x, target, starts, l2=1e-3, steps=300, lr=0.01))
    print(
        f"reader heads: {len(kept)} sentences ({len(views) - len(kept)} without the answer's tokens), {len(x)} tokens"
    )
    return Reader(
        LANG, embedder, layer, mean, scale, np.stack(heads, axis=1).astype(np.float32), np.zeros(2, np.float32), 0.0
    )


def best_reader_span(reader: Reader, view: TokenView, sentence: str, longest: int = 20) -> str:
    """The reader alone: the best (start, end) within `longest` tokens, grown to whole words."""
    ls, le = reader.edges(view)
    if not len(ls):
        return ""
    n = len(ls)
    score = ls[:, None] + le[None, :]
    i_idx, j_idx = np.indices((n, n))
    score[(j_idx < i_idx) | (j_idx - i_idx >= longest)] = -np.inf
    i, j = np.unravel_index(int(np.argmax(score)), score.shape)
    c0, c1 = int(view.offsets[i, 0]), int(view.offsets[j, 1])
    while c0 > 0 and not sentence[c0 - 1].isspace():
        c0 -= 1
    while c1 < len(sentence) and not sentence[c1].isspace():
        c1 += 1
    return sentence[c0:c1].strip()


def goal_share(agg: dict[str, float | None]) -> float:
    return min((agg["contains_gold"] or 0.0) / GOAL_CONTAINS, (agg["token_f1"] or 0.0) / GOAL_F1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=3000, help="answerable train rows fitted on")
    ap.add_argument("--calib-rows", type=int, default=600)
    ap.add_argument("--holdout-rows", type=int, default=600)
    ap.add_argument("--backend", default="onnx-fp32", help="embedder back-end whose states are read (the run-time one)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/khabar-reader-states.pkl"))
    ap.add_argument("--out", type=Path, default=ROOT / "rag" / "answering" / "weights" / f"reader_{LANG}.json")
    args = ap.parse_args()
    t0 = time.time()
    from bench.eval_answerer import decided, recut_scores
    from rag.config import Settings
    from rag.pipeline import Pipeline

    settings = Settings(embedder_backend=args.backend)
    embedder: Any = Pipeline(settings).embedder()
    states = CachedStates(embedder, args.cache)
    rng = np.random.default_rng(SEED)
    parts = split_by_title(read_rows(TRAIN_FILE))

    def sample(part: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        answerable = [r for r in part if r.get("answers")]
        return [answerable[i] for i in sorted(rng.permutation(len(answerable))[:n])]

    train, calib, hold = (
        sample(parts["train"], args.rows),
        sample(parts["calib"], args.calib_rows),
        sample(parts["holdout"], args.holdout_rows),
    )

    items = gold_items(train)
    print(f"1. {len(items)} train pairs (question, gold sentence) [{time.time() - t0:.0f}s]")
    views = read_views(states, [(r["question"], s) for r, s, _ in items])
    reader = fit_heads(views, [span for _, _, span in items], embedder.state_layer, embedder.id)

    print(f"\n3. beta and lam on {len(calib)} answerable calib rows [{time.time() - t0:.0f}s]")
    cal = decided(calib)
    base = aggregate(recut_scores(cal, replace(reader, beta=0.0), states), digits=None)
    print(
        f"  without the reader (the committed window): contains_gold {base['contains_gold']:.1f} token_f1 {base['token_f1']:.1f}"
    )
    best: tuple[float, float, float] | None = None
    for lam in LAM_GRID:
        for beta in BETA_GRID:
            agg = aggregate(recut_scores(cal, replace(reader, beta=beta, lam=lam), states), digits=None)
            keeps = all((agg[k] or 0.0) >= (base[k] or 0.0) for k in ("contains_gold", "token_f1"))
            print(
                f"  lam {lam} beta {beta}: contains_gold {agg['contains_gold']:.1f} token_f1 {agg['token_f1']:.1f}"
                + ("" if keeps else "  (lowers a figure)")
            )
            if keeps and (best is None or goal_share(agg) > best[0]):
                best = (goal_share(agg), beta, lam)
    beta, lam = (best[1], best[2]) if best else (0.0, 1.0)
    print(f"chosen beta {beta}, lam {lam}" + ("" if best else ": every setting lowers a figure, the reader stays off"))
    reader = replace(reader, beta=beta, lam=lam)
    chosen = aggregate(recut_scores(cal, reader, states))

    print(f"\n4. held-out titles, {len(hold)} answerable rows [{time.time() - t0:.0f}s]")
    gold = gold_items(hold)
    hviews = read_views(states, [(r["question"], s) for r, s, _ in gold])
    alone = [
        score_uqa(best_reader_span(reader, v, s), False, r["answers"])
        for (r, s, _), v in zip(gold, hviews, strict=True)
    ]
    print(f"  gold sentence, reader alone: {aggregate(alone)}")
    ho = decided(hold)
    held: dict[str, Any] = {"reader_alone_gold_sentence": aggregate(alone)}
    for name, b in (("without", 0.0), ("with", beta)):
        held[name] = aggregate(recut_scores(ho, replace(reader, beta=b), states))
        print(f"  end to end (decision, window), beta {b}: {held[name]}")
    states.save()

    meta = {
        "data": TRAIN_FILE.name,
        "seed": SEED,
        "rows": len(items),
        "backend": args.backend,
        "split": "by title: 70% train, 15% calib, 15% holdout (bench/answerer_data.py split_by_title)",
        "features": "per token: state h of the layer, h * q / |q| (q: mean state of the question part), standardised",
        "beta_rule": f"beta in {BETA_GRID} x lam in {LAM_GRID}: highest min(contains_gold/{GOAL_CONTAINS}, "
        f"token_f1/{GOAL_F1}) on answerable calib rows, end to end, among the pairs that lower neither figure "
        "against the answer without the reader",
        "calib": {"without": aggregate(recut_scores(cal, replace(reader, beta=0.0), states)), "with": chosen},
        "holdout_sample": held,
    }
    final = replace(reader, meta=meta)
    args.out.write_text(json.dumps(final.to_json()) + "\n", encoding="utf-8")
    print(f"wrote {args.out} [{time.time() - t0:.0f}s]")


if __name__ == "__main__":
    main()
