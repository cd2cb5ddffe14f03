"""How retrieval's fusion of the dense and the keyword (BM25) rankings finds
the sentence that holds the answer, on Urdu SQuAD 2.0 titles read as articles.

    python -m bench.retrieval_fusion [--titles 30] [--questions 30] [--cache FILE]
    KHABAR_DATA_DIR=D python -m bench.retrieval_fusion --seed-set tests/e2e/seed_own.jsonl

The pipeline fuses the two by their scores (rag/retrieval.py: z-scores over
the ranked sentences, the keyword's times 0.3); until stop 24 it fused the
rankings by reciprocal rank fusion (1/(60 + dense rank) + w/(60 + keyword
rank)). A UQA title (the paragraphs of one Wikipedia article, 30 to 200
sentences here, the seed article has 35) is one "article"; each answerable
question is ranked against every sentence of its title, and the rank of its
gold sentence (the one that holds the answer's start) is read under:
- dense alone, BM25 alone, reciprocal rank fusion with the keyword ranking
  weighted 0 to 1.5, and the score fusion with the keyword's z-score
  weighted 0.1 to 1 (the pipeline's 0.3: the best mean of r@1 and r@4 on
  calib);
- the reciprocal-rank-fused top 3 with the dense ranking's best added (4
  sentences at most), against that fusion's top 4 (the answer step reads
  settings.k = 4).

`--seed-set` ranks instead the sentences of the seed article indexed in
KHABAR_DATA_DIR with the pipeline's own retrieval (aligned editions spread
included) under each fusion and keyword weight, for the single-turn answerable items of a
seed set in each language; an item's gold sentences are those of its
edition that match every one of its `must` patterns.

Titles come from the calib and held-out slices of bench/answerer_data.py's
split (fixed seed), never the train slice. Embedding them takes about
10 minutes on 2 cores (about 12 sentences/s); `--cache` keeps the vectors.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.answerer_data import SEED, TRAIN_FILE, gold_sentence, read_rows, sentences, split_by_title
from rag.keyword import KeywordIndex
from rag.retrieval import RRF_K, Fusion
from rag.store import keyword_tokens

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
SCORE_WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.75, 1.0)  # the score fusion's keyword weights (the pipeline's: 0.3)


def fusions() -> list[tuple[str, Fusion]]:
    """Every fusion compared: reciprocal rank fusion at each keyword weight
    (0: dense alone), then the score fusion at each."""
    return [(f"rank w={w}", Fusion("rank", w)) for w in WEIGHTS] + [
        (f"score w={w}", Fusion("score", w)) for w in SCORE_WEIGHTS
    ]
MIN_SENTENCES, MAX_SENTENCES = 30, 200


def fused_order(dense_order: Sequence[int], keyword_order: Sequence[int], weight: float) -> list[int]:
    """Passages by 1/(RRF_K + dense rank) + weight/(RRF_K + keyword rank),
    ties by id (as rag.retrieval.retrieve); `keyword_order` holds only the
    passages with a keyword score."""
    score: dict[int, float] = {}
    for rank, doc in enumerate(dense_order, start=1):
        score[doc] = 1.0 / (RRF_K + rank)
    for rank, doc in enumerate(keyword_order, start=1):
        score[doc] = score.get(doc, 0.0) + weight / (RRF_K + rank)
    return sorted(score, key=lambda doc: (-score[doc], doc))


def topped_up(first: Sequence[int], second: Sequence[int], n_first: int, n_second: int) -> list[int]:
    """The first `n_first` of `first`, then the best `n_second` of `second` not already in."""
    out = list(first[:n_first])
    for doc in second:
        if len(out) >= n_first + n_second:
            break
        if doc not in out:
            out.append(doc)
    return out


@dataclass
class Slice:
    """Titles of one slice read as articles: their sentences (`texts`, the
    title of each), the questions asked [(question, title, gold sentence
    row)], and for each question its UQA row and the row of its paragraph's
    first sentence."""

    texts: list[str]
    title_of: np.ndarray
    questions: list[tuple[str, str, int]]
    rows: list[tuple[dict[str, Any], int]]


def titles_of(part: Sequence[dict[str, Any]], n_titles: int, n_questions: int, rng: np.random.Generator) -> Slice:
    """`n_titles` titles of MIN..MAX_SENTENCES sentences, up to `n_questions`
    answerable questions each."""
    by: dict[str, list[dict[str, Any]]] = {}
    for r in part:
        by.setdefault(r["title"], []).append(r)
    fitting = [
        t
        for t, rs in sorted(by.items())
        if MIN_SENTENCES <= sum(len(sentences(c)) for c in dict.fromkeys(r["context"] for r in rs)) <= MAX_SENTENCES
    ]
    chosen = [fitting[i] for i in sorted(rng.permutation(len(fitting))[:n_titles])]
    out = Slice([], np.array([]), [], [])
    title_of: list[str] = []
    for t in chosen:
        first_row = {}
        for c in dict.fromkeys(r["context"] for r in by[t]):
            first_row[c] = len(out.texts)
            for s in sentences(c):
                out.texts.append(s[2])
                title_of.append(t)
        answerable = [r for r in by[t] if r.get("answers")]
        for i in sorted(rng.permutation(len(answerable))[:n_questions]):
            r = answerable[i]
            k = gold_sentence(r, sentences(r["context"]))
            if k is not None:
                out.questions.append((r["question"], t, first_row[r["context"]] + k))
                out.rows.append((r, first_row[r["context"]]))
    out.title_of = np.array(title_of)
    return out


def load_slices(
    n_titles: int, n_questions: int, cache: Path | None, train_titles: int = 0
) -> dict[str, tuple[Slice, np.ndarray, np.ndarray]]:
    """The calib and held-out slices with their sentence and question vectors
    (embedded once, kept in `cache`), and with `train_titles` > 0 a slice of
    that many train titles as well (chosen after the other two, so that they
    do not change)."""
    parts = split_by_title(read_rows(TRAIN_FILE))
    rng = np.random.default_rng(SEED)
    slices = {name: titles_of(parts[name], n_titles, n_questions, rng) for name in ("calib", "holdout")}
    if train_titles:
        slices["train"] = titles_of(parts["train"], train_titles, n_questions, rng)
    stored = pickle.loads(cache.read_bytes()) if cache is not None and cache.exists() else {}
    out = {}
    for name, sl in slices.items():
        if name in stored:
            if stored[name][0] != sl.texts:
                raise SystemExit(f"{cache} holds other sentences than --titles/--questions select: remove it")
            out[name] = (sl, stored[name][3], stored[name][4])
    missing = [name for name in slices if name not in out]
    if not missing:
        return out
    from rag.config import Settings
    from rag.pipeline import Pipeline

    embedder = Pipeline(Settings()).embedder()
    for name in missing:
        sl = slices[name]
        docs = np.asarray(embedder.embed_documents(sl.texts))
        qs = np.asarray(embedder.embed_queries([q for q, _, _ in sl.questions]))
        out[name] = (sl, docs, qs)
    if cache is not None:
        cache.write_bytes(
            pickle.dumps(stored | {n: (sl.texts, sl.title_of, sl.questions, d, q) for n, (sl, d, q) in out.items()})
        )
    return out


def score_order(dense: np.ndarray, keyword: np.ndarray, rows: np.ndarray, weight: float) -> list[int]:
    """`rows` by the score fusion (rag/retrieval.py: z-scores over the rows,
    the keyword's times `weight`), ties in row order."""
    def z(x: np.ndarray) -> np.ndarray:
        return (x - x.mean()) / x.std() if x.std() > 0 else np.zeros_like(x)

    return rows[np.argsort(-(z(dense) + weight * z(keyword)), kind="stable")].tolist()


def slice_arguments(ap: argparse.ArgumentParser, train_titles: int | None = None) -> None:
    """The options that select the slices (`load_slices`) and cache their
    vectors; `train_titles` adds --train-titles with that default."""
    ap.add_argument("--titles", type=int, default=30, help="titles per slice")
    ap.add_argument("--questions", type=int, default=30, help="answerable questions per title, at most")
    if train_titles is not None:
        ap.add_argument("--train-titles", type=int, default=train_titles, help="train titles as well (added to the cache)")
    ap.add_argument("--cache", type=Path, help="pickle of the selected sentences and their vectors (written once)")


def command_line_slices(doc: str, train_titles: int) -> dict[str, tuple[Slice, np.ndarray, np.ndarray]]:
    """A bench's slices, selected by its command line (`slice_arguments`)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    slice_arguments(ap, train_titles=train_titles)
    args = ap.parse_args()
    return load_slices(args.titles, args.questions, args.cache, train_titles=args.train_titles)


def title_orders(
    title_of: np.ndarray, kw: KeywordIndex, doc_vecs: np.ndarray, title: str, question: str, q_vec: np.ndarray
) -> tuple[list[int], list[int]]:
    """The title's sentence rows by cosine with the question, and those with
    a keyword score by BM25 (both best first, ties in row order)."""
    rows = np.flatnonzero(title_of == title)
    dense = doc_vecs[rows] @ q_vec
    keyword = kw.scores(keyword_tokens(question))[rows]
    has = rows[keyword > 0]
    return rows[np.argsort(-dense, kind="stable")].tolist(), has[
        np.argsort(-keyword[keyword > 0], kind="stable")
    ].tolist()


def rank_of(doc: int, order: Sequence[int]) -> int:
    """1-based rank of `doc` in `order`, 999 when absent."""
    return order.index(doc) + 1 if doc in order else 999


def recalls(
    texts: Sequence[str],
    title_of: np.ndarray,
    questions: Sequence[tuple[str, str, int]],
    doc_vecs: np.ndarray,
    q_vecs: np.ndarray,
) -> dict[str, np.ndarray]:
    """Rank of the gold sentence per question (999: not ranked) under each
    ranking; "fused3+dense1" and "fused4" as 1 (in) or 999 (out)."""
    kw = KeywordIndex.from_tokens([keyword_tokens(s) for s in texts])
    out: dict[str, list[int]] = {"dense": [], "bm25": [], "fused3+dense1": [], "fused4": []}
    out.update({f"fused w={w}": [] for w in WEIGHTS})
    out.update({f"score w={w}": [] for w in SCORE_WEIGHTS})
    for (q, t, gold), v in zip(questions, q_vecs, strict=True):
        dense_order, keyword_order = title_orders(title_of, kw, doc_vecs, t, q, v)
        rows = np.flatnonzero(title_of == t)
        for w in SCORE_WEIGHTS:
            order = score_order(doc_vecs[rows] @ v, kw.scores(keyword_tokens(q))[rows], rows, w)
            out[f"score w={w}"].append(rank_of(gold, order))
        out["dense"].append(rank_of(gold, dense_order))
        out["bm25"].append(rank_of(gold, keyword_order))
        fused = {w: fused_order(dense_order, keyword_order, w) for w in WEIGHTS}
        for w, order in fused.items():
            out[f"fused w={w}"].append(rank_of(gold, order))
        pipeline = fused[1.0]
        out["fused3+dense1"].append(1 if gold in topped_up(pipeline, dense_order, 3, 1) else 999)
        out["fused4"].append(1 if gold in pipeline[:4] else 999)
    return {k: np.asarray(v) for k, v in out.items()}


def seed_ranks(path: Path) -> None:
    """Print r@1/3/4 of the seed set's gold sentences per language and keyword weight."""
    import json
    import re

    from rag.config import Settings
    from rag.pipeline import Pipeline
    from rag.retrieval import retrieve, score

    pipeline = Pipeline(Settings())
    store, groups = pipeline.store(), pipeline.groups()
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for article in store.articles():
        rows = store.article_rows(article)
        for lang in sorted(store.languages(article)):
            edition = [int(r) for r in rows if store.passages[r].language == lang]
            asked: list[tuple[str, set[int]]] = []
            for it in items:
                if it.get("lang") != lang or it.get("kind") != "answerable" or not it.get("must") or it.get("history"):
                    continue
                patterns = [re.compile(group[0], re.IGNORECASE) for group in it["must"]]
                gold = {r for r in edition if all(p.search(store.passages[r].text) for p in patterns)}
                if gold:
                    asked.append((it.get("q") or it["question"], gold))
            if not asked:
                continue
            vecs = pipeline.embedder().embed_queries([q for q, _ in asked])
            print(f"{path.name} {article} {lang}: {len(asked)} answerable single-turn items")
            scores = [score(store, q, v) for (q, _), v in zip(asked, vecs, strict=True)]
            for name, fusion in fusions():
                ranks = []
                for (q, gold), v, sc in zip(asked, vecs, scores, strict=True):
                    hits = retrieve(
                        store, q, v, k=8, article=article, language=lang, groups=groups, scores=sc, fusion=fusion
                    )
                    ids = [h.passage.id for h in hits]
                    ranks.append(next((i for i, pid in enumerate(ids, start=1) if pid in gold), 999))
                got = np.asarray(ranks)
                cells = "  ".join(f"r@{k} {100 * float(np.mean(got <= k)):5.1f}" for k in (1, 3, 4))
                print(f"  {name:13s} {cells}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    slice_arguments(ap)
    ap.add_argument(
        "--seed-set", type=Path, help="rank a seed set's gold sentences in the indexed seed article instead"
    )
    args = ap.parse_args()
    if args.seed_set:
        seed_ranks(args.seed_set)
        return
    data = load_slices(args.titles, args.questions, args.cache)
    for name, (sl, docs, qs) in data.items():
        n_titles = len(set(sl.title_of.tolist()))
        print(f"{name}: {n_titles} titles, {len(sl.texts)} sentences, {len(sl.questions)} answerable questions")
        for key, ranks in recalls(sl.texts, sl.title_of, sl.questions, docs, qs).items():
            cells = "  ".join(f"r@{k} {100 * float(np.mean(ranks <= k)):5.1f}" for k in (1, 3, 4, 8))
            print(
                f"  {key:14s} {cells}"
                if not key.startswith(("fused3", "fused4"))
                else f"  {key:14s} found {100 * float(np.mean(ranks == 1)):5.1f}"
            )


if __name__ == "__main__":
    main()
