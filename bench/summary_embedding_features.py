"""Do sentence-embedding features lift the summary headline? (issue 10)

    python bench/summary_embedding_features.py --embed     # fill the cache (EmbeddingGemma, slow: ~3-4 sentences/s)
    python bench/summary_embedding_features.py             # the tables below (numpy only, ~40 s)

The pipeline already embeds every sentence of an indexed article (one passage
a sentence, `Store.vectors`), so features computed from those vectors would
cost nothing at run time. This script measures whether they help the ridge
scorer of rag/summary_scorer.py pick the headline sentence.

Data and protocol are those of bench/train_summary_scorer.py: XL-Sum Urdu
(`shared/train/xlsum_ur_train.jsonl.gz`), sentences split by
rag.text.split_sentences (as the summarizer's passages are), each labelled by
its ROUGE-1 against the reference; bucket sha1(id) % 5 == 0 held out, buckets
1-4 the folds of a 4-fold cross-validation; ridge with features and labels
centred per article, alpha chosen by the mean fold top-1 ROUGE-1. Only the
first `CAP` sentences of an article are embedded (CPU is scarce), and every
feature set, the lexical one included, is computed on those same sentences, so
the comparison is on the same articles and sentences.

Vectors are the project's own: `Pipeline(Settings()).embedder().embed_documents`
(EmbeddingGemma 300m, ONNX fp32 by default; set KHABAR_MODELS_DIR), cached per
article under --cache.

Embedding features of sentence i (v unit vectors of the article's sentences):
- emb_centrality: cosine to the article centroid;
- emb_rest: cosine to the mean of the other sentences;
- emb_first: cosine to the first sentence (0 for the first);
- emb_max_other / emb_mean_other: largest / mean cosine to another sentence;
- emb_rank: 1 / (1 + rank of emb_centrality);
- emb_lexrank: stationary weight of a random walk on the positive cosines
  (LexRank, damping 0.85), times the number of sentences;
- emb_novelty: 1 - the largest cosine to an earlier sentence (MMR-style
  redundancy; 1 for the first);
- emb_lead: cosine to the mean of the first three sentences (the lede).
"raw" adds the 768 dimensions of v_i minus the article's centroid (what kind
of sentence it is, beyond how central), ridge-regularised like the rest.

Results (2026-11-29, printed by the second command above):

All 428 training articles and the 15 dev articles embedded (7,412 sentences,
~30 min at `nice -n 10` on the shared 2-core machine, ~4 sentences/s).
Ridge refitted on lexical features alone reproduces the committed scorer (CV
28.82 vs 28.80 in rag/summary_scorer.json; dev headline R1 24.30 both).

    fitted 340 articles (4 folds), held out 87, dev 15
    lead-1 / oracle R1: fitted 26.38 / 37.75, held out 27.96 / 37.53; dev lead-1 22.11

    | features                  | alpha | CV R1 (4 folds)             | held-out R1 | dev headline R1/R2/RL |
    |---------------------------|-------|-----------------------------|-------------|-----------------------|
    | lexical (today's)         |  1000 | 28.82 (28.8 28.8 27.5 30.2) | 28.17       | 24.30 / 5.96 / 16.27  |
    | embedding only (9)        |  1000 | 26.02 (25.4 26.6 25.1 27.0) | 26.54       | 24.78 / 5.89 / 17.32  |
    | lexical + embedding       |  1000 | 28.63 (29.3 28.7 27.2 29.3) | 28.03       | 25.39 / 7.56 / 17.35  |
    | lexical + embedding + raw | 10000 | 28.38 (28.4 27.9 27.9 29.4) | 28.53       | 29.61 / 10.36 / 21.40 |

    paired against lexical: difference of mean R1 [95% bootstrap], articles better / worse
    | features                  | CV, out of fold (340)       | held out (87)              | dev (15)                  |
    | embedding only            | -2.80 [-3.83, -1.75] 69/130 | -1.63 [-3.21, -0.07] 18/31 | +0.48 [-4.99, +5.71] 4/5  |
    | lexical + embedding       | -0.19 [-0.56, +0.15] 19/26  | -0.14 [-1.12, +0.84] 5/4   | +1.10 [-2.58, +5.39] 2/1  |
    | lexical + embedding + raw | -0.45 [-1.21, +0.28] 69/80  | +0.37 [-1.34, +1.93] 18/13 | +5.31 [+1.52, +9.81] 7/0  |

    each feature alone (fitted articles): mean within-article Pearson r with the label / top-1 R1
    lexical:   expected_rouge1 +0.552 / 27.69, tf_centrality +0.411 / 26.40, centrality +0.379 / 26.31
    embedding: emb_lead +0.297 / 25.45, emb_centrality +0.255 / 23.93, emb_lexrank +0.254 / 23.82,
               emb_max_other +0.201 / 24.35, emb_first +0.086 / 23.78, emb_novelty +0.058 / 26.38
               (emb_novelty's top-1 is the first sentence: lead-1)

    learning curve, CV R1 (best alpha), lexical vs lexical + embedding:
    100 articles 28.59 vs 28.61; 200: 28.55 vs 29.04; 300: 28.90 vs 28.80; 340: 28.82 vs 28.63

Conclusion: embedding features do not lift the headline. Alone they rank
worse than the lexical centralities (the label is word overlap, and a
sentence's meaning vector is a weaker proxy of it than its words); added to
the lexical features they change CV R1 by -0.19 (interval straddling 0) and
do not grow with data. The raw-vector variant is +5.3 on the 15 dev articles
but -0.45 out of fold on 340 articles and +0.37 on the 87 held out, so the dev
gain is not supported by the larger samples; it would also tie the weights to
one embedder (768 weights). Neither meets the bar set for wiring them in
(>= +1 R1 in CV), so rag/ is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_summary_scorer import DEFAULT_DATA, FOLDS, SEED, bucket, fit_ridge, load  # noqa: E402

from rag import metrics  # noqa: E402
from rag.summarize import MIN_POINT_WORDS, is_boilerplate, without_dateline  # noqa: E402
from rag.summary_scorer import default_scorer, features  # noqa: E402
from rag.text import split_sentences  # noqa: E402

DEV = Path("/work/shared/eval/xlsum_ur_dev.jsonl")
CACHE = Path("/tmp/summ16/emb")
CAP = 40  # sentences embedded per article (96% of oracle sentences are among the first 25)
ALPHAS = (10.0, 100.0, 1000.0, 10000.0)
RAW_ALPHAS = (1000.0, 10000.0, 100000.0)
EMB_FEATURES = (
    "emb_centrality",
    "emb_rest",
    "emb_first",
    "emb_max_other",
    "emb_mean_other",
    "emb_rank",
    "emb_lexrank",
    "emb_novelty",
    "emb_lead",
)


def cache_file(cache: Path, item_id: str) -> Path:
    return cache / f"{hashlib.sha1(item_id.encode()).hexdigest()[:16]}.npz"


def sentences(item: dict) -> list[str]:
    text = item["article"]
    return [text[s:e] for s, e in split_sentences(text)][:CAP]


def embed(items: list[dict], cache: Path) -> None:
    """Fill the cache with the project's embedder (heavy imports here only)."""
    import time

    from rag.config import Settings
    from rag.pipeline import Pipeline

    cache.mkdir(parents=True, exist_ok=True)
    embedder = Pipeline(Settings()).embedder()
    started, done = time.time(), 0
    for k, it in enumerate(items):
        f = cache_file(cache, it["id"])
        if f.exists():
            continue
        sents = sentences(it)
        vec = embedder.embed_documents(sents)
        np.savez(f, vec=vec.astype(np.float32), texts=np.array(sents, dtype=object), id=it["id"])
        done += len(sents)
        print(f"{k + 1}/{len(items)} {len(sents)} sentences, {done / (time.time() - started):.1f}/s", flush=True)


def lexrank(sim: np.ndarray, damping: float = 0.85, steps: int = 50) -> np.ndarray:
    n = len(sim)
    a = np.clip(sim, 0.0, None)
    np.fill_diagonal(a, 0.0)
    rows = a.sum(axis=1, keepdims=True)
    a = np.where(rows > 0, a / np.where(rows > 0, rows, 1.0), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(steps):
        p = (1 - damping) / n + damping * (a.T @ p)
    return p * n


def embedding_features(v: np.ndarray) -> np.ndarray:
    """One row of `EMB_FEATURES` per sentence, from unit sentence vectors."""
    n = len(v)
    sim = v @ v.T
    centroid = v.mean(axis=0)
    central = v @ (centroid / (np.linalg.norm(centroid) + 1e-9))
    rows = np.zeros((n, len(EMB_FEATURES)))
    rank = np.argsort(np.argsort(-central))
    walk = lexrank(sim)
    lead = v[:3].mean(axis=0)
    for i in range(n):
        others = np.delete(sim[i], i)
        rest = (centroid * n - v[i]) / max(1, n - 1)
        rows[i] = [
            central[i],
            float(v[i] @ rest / (np.linalg.norm(rest) + 1e-9)),
            sim[i, 0] if i else 0.0,
            others.max() if n > 1 else 0.0,
            others.mean() if n > 1 else 0.0,
            1.0 / (1 + rank[i]),
            walk[i],
            1.0 - sim[i, :i].max() if i else 1.0,
            float(v[i] @ lead / (np.linalg.norm(lead) + 1e-9)),
        ]
    return rows


def prepare(items: list[dict], cache: Path) -> list[dict]:
    """Articles with cached vectors: sentences, labels and the three blocks of features."""
    out = []
    for it in items:
        f = cache_file(cache, it["id"])
        if not f.exists():
            continue
        data = np.load(f, allow_pickle=True)
        sents = sentences(it)
        if list(data["texts"]) != sents:
            raise SystemExit(f"{f}: cached sentences differ from the split of {it['id']}: delete the cache")
        if len(sents) < 2:
            continue
        v = np.asarray(data["vec"], dtype=float)
        out.append(
            {
                "id": it["id"],
                "sents": sents,
                "ref": it["summary"],
                "y": np.array([metrics.rouge_n(s, it["summary"], 1) for s in sents]),
                "lex": features(sents, "ur"),
                "emb": embedding_features(v),
                "raw": v - v.mean(axis=0),
            }
        )
    return out


SETS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "lexical": (("lex",), ALPHAS),
    "embedding only": (("emb",), ALPHAS),
    "lexical + embedding": (("lex", "emb"), ALPHAS),
    "lexical + embedding + raw": (("lex", "emb", "raw"), RAW_ALPHAS),
}


def with_x(arts: list[dict], blocks: tuple[str, ...]) -> list[dict]:
    return [{**a, "x": np.hstack([a[b] for b in blocks])} for a in arts]


def top1(arts: list[dict], scorer) -> float:  # type: ignore[no-untyped-def]
    picked = [a["y"][int(np.argmax((a["x"] - scorer.mean) / scorer.scale @ scorer.weights))] for a in arts]
    return 100 * float(np.mean(picked))


def cv(arts: list[dict], alpha: float) -> tuple[float, list[float]]:
    folds = []
    for fold in FOLDS:
        rest = [a for a in arts if bucket(a["id"]) != fold]
        val = [a for a in arts if bucket(a["id"]) == fold]
        folds.append(top1(val, fit_ridge(rest, alpha)))
    return float(np.mean(folds)), folds


def out_of_fold(arts: list[dict], alpha: float) -> np.ndarray:
    """ROUGE-1 of each article's top-1 sentence under the model fitted on the other folds."""
    out = np.zeros(len(arts))
    for fold in FOLDS:
        scorer = fit_ridge([a for a in arts if bucket(a["id"]) != fold], alpha)
        for k, a in enumerate(arts):
            if bucket(a["id"]) == fold:
                out[k] = a["y"][int(np.argmax((a["x"] - scorer.mean) / scorer.scale @ scorer.weights))]
    return out


def headline(a: dict, scorer) -> int:  # type: ignore[no-untyped-def]
    """As rag.summarize.plan picks it: the best-scored sentence of at least
    `MIN_POINT_WORDS` words that is not page furniture."""
    score = (a["x"] - scorer.mean) / scorer.scale @ scorer.weights
    usable = [i for i, t in enumerate(a["sents"]) if len(t.split()) >= MIN_POINT_WORDS and not is_boilerplate(t, "ur")]
    return max(usable or range(len(a["sents"])), key=lambda i: score[i])


def dev_rouge(arts: list[dict], scorer) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Headline ROUGE-1/2/L (x100) on the dev articles, the sentence without its dateline as the summary shows it."""
    out = {"rouge1": [], "rouge2": [], "rougeL": []}  # type: dict[str, list[float]]
    for a in arts:
        r = metrics.rouge(without_dateline(a["sents"][headline(a, scorer)]), a["ref"])
        for k in out:
            out[k].append(100 * r[k])
    return {k: round(float(np.mean(v)), 2) for k, v in out.items()}


def report(train_arts: list[dict], dev_arts: list[dict]) -> None:
    fitted = [a for a in train_arts if bucket(a["id"]) != 0]
    held = [a for a in train_arts if bucket(a["id"]) == 0]
    lead = lambda arts: round(100 * float(np.mean([a["y"][0] for a in arts])), 2)  # noqa: E731
    oracle = lambda arts: round(100 * float(np.mean([a["y"].max() for a in arts])), 2)  # noqa: E731
    print(f"articles with vectors: fitted {len(fitted)} (4 folds), held out {len(held)}, dev {len(dev_arts)}")
    print(f"lead-1 / oracle ROUGE-1: fitted {lead(fitted)} / {oracle(fitted)}, held out {lead(held)} / {oracle(held)}")
    dev_lead = np.mean([100 * metrics.rouge(a["sents"][0], a["ref"])["rouge1"] for a in dev_arts])
    committed = default_scorer()
    dev_now = dev_rouge([{**a, "x": a["lex"]} for a in dev_arts], committed)
    print(f"dev lead-1 ROUGE-1 {dev_lead:.2f}; committed scorer's headline R1/R2/RL {dev_now}")
    print(f"committed scorer, held out R1 {top1([{**a, 'x': a['lex']} for a in held], committed):.2f}")
    print("| features | alpha | CV R1 (folds) | held-out R1 | dev headline R1/R2/RL |")
    print("|---|---|---|---|---|")
    per_article: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for name, (blocks, alphas) in SETS.items():
        f_arts, h_arts, d_arts = with_x(fitted, blocks), with_x(held, blocks), with_x(dev_arts, blocks)
        curve = [(alpha, *cv(f_arts, alpha)) for alpha in alphas]
        for alpha, mean, folds in curve:
            print(f"|   {name} | {alpha:g} | {mean:.2f} ({' '.join(f'{x:.1f}' for x in folds)}) | | |")
        alpha, mean, _ = max(curve, key=lambda r: (round(r[1], 2), r[0]))
        final = fit_ridge(f_arts, alpha)
        d = dev_rouge(d_arts, final)
        print(
            f"| **{name}** (chosen) | {alpha:g} | {mean:.2f} | {top1(h_arts, final):.2f} "
            f"| {d['rouge1']} / {d['rouge2']} / {d['rougeL']} |"
        )
        held_r1 = np.array(
            [a["y"][int(np.argmax((a["x"] - final.mean) / final.scale @ final.weights))] for a in h_arts]
        )
        dev_r1 = np.array(
            [metrics.rouge_n(without_dateline(a["sents"][headline(a, final)]), a["ref"], 1) for a in d_arts]
        )
        per_article[name] = (100 * out_of_fold(f_arts, alpha), 100 * held_r1, 100 * dev_r1)
    print()
    print("paired against lexical (difference of mean R1, 95% bootstrap interval, articles better / worse):")
    rng = np.random.default_rng(SEED)
    base = per_article["lexical"]
    for name, pair in per_article.items():
        if name == "lexical":
            continue
        cells = []
        for part, ours, theirs in zip(("CV (out of fold)", "held out", "dev"), pair, base, strict=True):
            diff = ours - theirs
            boot = [diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(2000)]
            lo, hi = np.percentile(boot, [2.5, 97.5])
            cells.append(
                f"{part} {diff.mean():+.2f} [{lo:+.2f}, {hi:+.2f}], {int((diff > 0).sum())} / {int((diff < 0).sum())}"
            )
        print(f"  {name}: " + "; ".join(cells))


def single_features(train_arts: list[dict]) -> None:
    """Each embedding feature alone, and the strongest lexical ones: the mean
    over articles of its within-article Pearson correlation with the label, and
    the ROUGE-1 of the sentence it ranks first (no fitting)."""
    from rag.summary_scorer import FEATURES

    fitted = [a for a in train_arts if bucket(a["id"]) != 0]
    names = [
        ("lex", i, f)
        for i, f in enumerate(FEATURES)
        if f in ("centrality", "tf_centrality", "expected_rouge1", "word_frequency", "first_overlap")
    ]
    names += [("emb", i, f) for i, f in enumerate(EMB_FEATURES)]
    print("| feature (alone) | mean within-article r | top-1 R1 |")
    print("|---|---|---|")
    for block, i, name in names:
        rs, picked = [], []
        for a in fitted:
            x = a[block][:, i]
            if x.std() > 0 and a["y"].std() > 0:
                rs.append(float(np.corrcoef(x, a["y"])[0, 1]))
            picked.append(a["y"][int(np.argmax(x))])
        print(f"| {name} | {np.mean(rs):+.3f} | {100 * np.mean(picked):.2f} |")


def learning_curve(train_arts: list[dict]) -> None:
    """CV R1 of lexical vs lexical + embedding on growing subsets (same articles for both)."""
    fitted = [a for a in train_arts if bucket(a["id"]) != 0]
    order = np.random.default_rng(SEED).permutation(len(fitted))
    print("| fitted articles | lexical CV R1 | lexical + embedding CV R1 |")
    print("|---|---|---|")
    for n in (100, 200, 300, len(fitted)):
        if n > len(fitted):
            continue
        subset = [fitted[i] for i in order[:n]]
        row = []
        for blocks in (("lex",), ("lex", "emb")):
            arts = with_x(subset, blocks)
            row.append(max(cv(arts, alpha)[0] for alpha in ALPHAS))
        print(f"| {n} | {row[0]:.2f} | {row[1]:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument(
        "--embed", action="store_true", help="embed the dev set, then the training articles in a seeded order"
    )
    args = ap.parse_args()
    train_items = load(args.data)
    dev_items = [json.loads(x) for x in args.dev.read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.embed:
        order = np.random.default_rng(SEED).permutation(len(train_items))
        embed(dev_items + [train_items[i] for i in order], args.cache)
        return
    train_arts, dev_arts = prepare(train_items, args.cache), prepare(dev_items, args.cache)
    report(train_arts, dev_arts)
    print()
    single_features(train_arts)
    print()
    learning_curve(train_arts)


if __name__ == "__main__":
    main()
