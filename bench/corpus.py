"""A corpus of 1,000 real articles, and Khabar's figures on it.

    python bench/corpus.py write --out /tmp/corpus/articles [--limit N]
    python bench/corpus.py index --articles /tmp/corpus/articles --data /tmp/corpus/full
    python bench/corpus.py measure --articles /tmp/corpus/articles --data /tmp/corpus/full [--answers 6] [--add-count 8]
    python bench/corpus.py lengths --articles /tmp/corpus/articles --data /tmp/corpus/full [--article NAME ...]

`write` turns the shared data into Khabar articles (front matter as in
seeds/): every XL-Sum article (train and dev), Urdu SQuAD paragraphs grouped
by their Wikipedia title (near-duplicate translations of one paragraph kept
once; a title with many paragraphs becomes several articles of at most
PARAGRAPHS_PER_ARTICLE paragraphs, the parts numbered), and the NTREX
documents as two editions each (English original, Urdu translation). It also
writes `questions.jsonl`: retrieval questions with the article that holds the
answer (Urdu SQuAD questions on indexed paragraphs, NTREX English headlines).

`index` runs `Pipeline.index` on the folder with the real embedder behind a
vector cache (`DATA/embed-cache/`, keyed by the sentence text and the
embedder id). The cache makes a killed run resumable: sentences already
embedded are read back instead of encoded again. Index time and throughput
are printed and kept in `DATA/index_run.json`; a resumed run reports how many
sentences it encoded itself and how many came from the cache.

`measure` prints, on the index built by `index`: the index run's figures;
the distribution of sentences per article; adding `--add-count` articles one
after another to a copy of the index (the held-out `ARTICLES.extra` first,
then corpus articles across the length range, taken out of the copy first),
each with its time, encoding time and sentences encoded (only its own), and
their median and max; retrieval latency p50/p95 over the
questions (the whole-corpus search a question starts with, and the full
two-stage retrieval of `ask`), with recall of the right article; answer
latency with the models warm; peak memory; index size on disk.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
if not SHARED.is_dir():
    SHARED = Path("/work/shared")
ARTICLES = 1000
PARAGRAPHS_PER_ARTICLE = 9  # ~30 sentences an article, ~30,000 passages in all (measured on the output)
QUESTIONS = 200
SEED = 12


# -- writing the corpus --
def _front(meta: dict[str, str]) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in meta.items()) + "---\n"


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return s[:60] or hashlib.sha1(text.encode()).hexdigest()[:10]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        return [json.loads(line) for line in f if line.strip()]


def _words(text: str) -> set[str]:
    return set(text.split())


def _distinct(contexts: Sequence[str], threshold: float = 0.5) -> list[str]:
    """Contexts with near-duplicates dropped: UQA translates a SQuAD paragraph
    once per question, so one paragraph comes in several slightly different
    Urdu versions (word-set Jaccard >= threshold counts as the same)."""
    kept: list[tuple[str, set[str]]] = []
    for c in contexts:
        w = _words(c)
        if all(len(w & k) / max(1, len(w | k)) < threshold for _, k in kept):
            kept.append((c, w))
    return [c for c, _ in kept]


def write_corpus(out: Path, limit: int = ARTICLES) -> dict[str, Any]:
    """Write `limit` articles (NTREX first, then XL-Sum, then UQA parts) and
    the retrieval questions; return counts."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    written: list[str] = []
    questions: list[dict[str, Any]] = []

    def put(name: str, meta: dict[str, str], body: str) -> None:
        (out / name).write_text(_front(meta) + body.strip() + "\n", encoding="utf-8")

    # NTREX: an English original and its professional Urdu translation
    for doc in _jsonl(SHARED / "eval" / "ntrex_en_ur_dev.jsonl"):
        if len(written) >= limit:
            break
        art = "ntrex_" + _slug(doc["doc_id"])
        src = f"NTREX-128 {doc['doc_id']} ({doc['licence']})"
        put(f"{art}.en.txt", {"article": art, "language": "en", "provenance": "original", "source": src},
            doc["headline_en"] + "\n" + doc["article_en"])
        put(f"{art}.ur.txt", {"article": art, "language": "ur", "provenance": "translation", "source": src},
            doc["headline_ur"] + "\n" + doc["article_ur"])
        written.append(art)
        questions.append({"q": doc["headline_en"], "lang": "en", "article": art, "kind": "ntrex-headline"})

    # XL-Sum: BBC Urdu articles (the one-sentence summary is not part of the article)
    xlsum = _jsonl(SHARED / "train" / "xlsum_ur_train.jsonl.gz") + _jsonl(SHARED / "eval" / "xlsum_ur_dev.jsonl")
    for row in xlsum:
        if len(written) >= limit:
            break
        art = "xlsum_" + _slug(str(row["id"]))
        put(f"{art}.txt", {"article": art, "language": "ur", "provenance": "original",
                           "source": f"XL-Sum Urdu {row['id']} (BBC; CC BY-NC-SA 4.0)"}, row["article"])
        written.append(art)

    # UQA: paragraphs grouped by title, in parts of at most PARAGRAPHS_PER_ARTICLE
    uqa = _jsonl(SHARED / "train" / "uqa_ur_train_20k.jsonl.gz") + _jsonl(SHARED / "eval" / "uqa_ur_dev.jsonl")
    by_title: dict[str, list[str]] = {}
    asked: dict[str, list[dict[str, Any]]] = {}
    for row in uqa:
        by_title.setdefault(row["title"], [])
        if row["context"] not in by_title[row["title"]]:
            by_title[row["title"]].append(row["context"])
        if row.get("kind") == "answerable" and row.get("answers"):
            asked.setdefault(row["context"], []).append(row)
    parts: list[list[tuple[str, str, list[str]]]] = [[], []]  # first parts, then further parts
    for title in sorted(by_title):
        paras = _distinct(by_title[title])
        chunks = [paras[i : i + PARAGRAPHS_PER_ARTICLE] for i in range(0, len(paras), PARAGRAPHS_PER_ARTICLE)]
        for n, chunk in enumerate(chunks, start=1):
            parts[0 if n == 1 else 1].append((title, f"uqa_{_slug(title)}_{n}", chunk))
    rng.shuffle(parts[1])
    uqa_written: list[tuple[str, list[str]]] = []
    extra_done = False
    for title, art, chunk in parts[0] + parts[1]:
        if len(written) >= limit:
            # the next article, kept apart: the one `measure` adds to the indexed corpus
            if not extra_done:
                extra = out.with_name(out.name + ".extra")
                extra.mkdir(exist_ok=True)
                (extra / f"{art}.txt").write_text(
                    _front({"article": art, "language": "ur", "provenance": "translation",
                            "source": f"UQA (SQuAD 2.0 train/dev in Urdu), Wikipedia: {title}"}) + "\n\n".join(chunk) + "\n",
                    encoding="utf-8",
                )
                extra_done = True
            break
        put(f"{art}.txt", {"article": art, "language": "ur", "provenance": "translation",
                           "source": f"UQA (SQuAD 2.0 train/dev in Urdu), Wikipedia: {title}"}, "\n\n".join(chunk))
        written.append(art)
        uqa_written.append((art, chunk))
    pool = [
        {"q": r["question"], "lang": "ur", "article": art, "answer": r["answers"][0], "kind": "uqa"}
        for art, chunk in uqa_written
        for c in chunk
        for r in asked.get(c, [])[:1]
    ]
    rng.shuffle(pool)
    questions += pool[: max(0, QUESTIONS - len(questions))]
    with open(out / "questions.jsonl", "w", encoding="utf-8") as f:
        for q in questions:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    return {"articles": len(written), "ntrex": sum(a.startswith("ntrex_") for a in written),
            "xlsum": sum(a.startswith("xlsum_") for a in written), "uqa": len(uqa_written),
            "questions": len(questions)}


# -- a resumable vector cache in front of the real embedder --
class CachingEmbedder:
    """An Embedder that remembers document vectors on disk, one row per
    sentence text, so a killed index run resumes where it stopped. Counts the
    sentences it really encoded (`encoded`) and those read back (`cached`)."""

    def __init__(self, inner: Any, folder: Path) -> None:
        self.inner = inner
        self.id: str = inner.id
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.encoded = 0
        self.cached = 0
        self.encode_seconds = 0.0
        self._rows: dict[str, np.ndarray] = {}
        keys_file, vec_file = folder / "keys.txt", folder / "vectors.f32"
        if keys_file.exists() and vec_file.exists():
            keys = keys_file.read_text(encoding="ascii").split()
            dim = int((folder / "dim").read_text()) if (folder / "dim").exists() else 0
            if dim:
                raw = np.fromfile(vec_file, dtype=np.float32)
                rows = min(len(keys), raw.size // dim)  # a write cut short by a kill is dropped
                mat = raw[: rows * dim].reshape(rows, dim)
                self._rows = {k: mat[i] for i, k in enumerate(keys[:rows])}

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def _key(self, text: str) -> str:
        return hashlib.sha1((self.id + "\0" + text).encode("utf-8")).hexdigest()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = sorted({i for i, k in enumerate(keys) if k not in self._rows}, key=lambda i: keys[i])
        todo: dict[str, str] = {}
        for i in missing:
            todo.setdefault(keys[i], texts[i])
        if todo:
            t0 = time.perf_counter()
            vecs = np.asarray(self.inner.embed_documents(list(todo.values())), dtype=np.float32)
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(todo)
            (self.folder / "dim").write_text(str(vecs.shape[1]))
            with open(self.folder / "vectors.f32", "ab") as f:  # vectors first, then keys: a cut write is dropped
                f.write(vecs.tobytes())
            with open(self.folder / "keys.txt", "a", encoding="ascii") as f:
                f.write("".join(k + "\n" for k in todo))
            for k, v in zip(todo, vecs, strict=True):
                self._rows[k] = v
        self.cached += len(texts) - len(todo)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._rows[k] for k in keys])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.inner.embed_queries(texts), dtype=np.float32)


# -- helpers --
def _settings(articles: Path, data: Path) -> Any:
    from rag.config import Settings

    kw: dict[str, Any] = {"articles_dir": articles, "data_dir": data}
    if os.environ.get("KHABAR_MODELS_DIR"):
        kw["models_dir"] = Path(os.environ["KHABAR_MODELS_DIR"])
    return Settings(**kw)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _pct(values: Sequence[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def _embedder(settings: Any, kind: str) -> Any:
    """The real embedder, or (`hash`) a 768-dimensional hash stand-in: same
    vector size and store layout, so sizes and timings of the store are real,
    but its vectors carry no meaning (no retrieval quality from it)."""
    if kind == "hash":
        from rag.embedding import HashEmbedder

        return HashEmbedder(dim=768, id="hash-768")
    from rag.pipeline import Pipeline

    return Pipeline(settings).embedder()


def cmd_write(args: argparse.Namespace) -> None:
    counts = write_corpus(args.out, args.limit)
    print(json.dumps(counts))


def cmd_index(args: argparse.Namespace) -> None:
    from rag.pipeline import Pipeline

    settings = _settings(args.articles, args.data)
    real = _embedder(settings, args.embedder)
    t0 = time.perf_counter()
    real.embed_documents(["warm up"])
    load_s = time.perf_counter() - t0
    emb = CachingEmbedder(real, args.data / "embed-cache")
    pipe = Pipeline(settings, embedder=emb)
    last = [0.0]

    def progress(msg: str, frac: float) -> None:
        if time.perf_counter() - last[0] > 30 or frac >= 0.9:
            last[0] = time.perf_counter()
            print(f"[{time.strftime('%H:%M:%S')}] {frac:5.1%} {msg} (encoded {emb.encoded}, cached {emb.cached})", flush=True)

    t0 = time.perf_counter()
    report = pipe.index([args.articles], progress=progress)
    seconds = time.perf_counter() - t0
    fig = {
        "embedder": args.embedder,
        "index_seconds": round(seconds, 1),
        "model_load_seconds": round(load_s, 1),
        "passages": report.get("passages"),
        "editions": report.get("editions"),
        "encoded": emb.encoded,
        "from_cache": emb.cached,
        "encode_seconds": round(emb.encode_seconds, 1),
        "sentences_per_second_encoding": round(emb.encoded / emb.encode_seconds, 2) if emb.encode_seconds else None,
        "peak_rss_mb": round(_peak_mb()),
        "errors": report.get("errors", [])[:5],
    }
    runs = json.loads((args.data / "index_run.json").read_text()) if (args.data / "index_run.json").exists() else []
    runs.append(fig)
    (args.data / "index_run.json").write_text(json.dumps(runs, indent=1))
    print(json.dumps(fig))


def cmd_lengths(args: argparse.Namespace) -> None:
    """What the encoder reads: tokens of every passage of the index (with the
    document prompt the embedder adds, as the real tokenizer counts them),
    how many reach its length limit, and the tokens of the named articles
    (indexed, or files of ARTICLES.extra)."""
    from rag.chunking import chunk_edition
    from rag.corpus import read_edition
    from rag.models import resolve_embedder
    from rag.store import Store
    from rag.tokenizer import load_tokenizer

    settings = _settings(args.articles, args.data)
    _, model_dir, _ = resolve_embedder(settings)
    tokenizer = load_tokenizer(model_dir, args.max_length)
    config = model_dir / "config_sentence_transformers.json"
    prompts = json.loads(config.read_text(encoding="utf-8")).get("prompts") or {} if config.exists() else {}
    prompt = prompts.get("document", "")

    def tokens(texts: Sequence[str]) -> list[int]:
        out: list[int] = []
        for start in range(0, len(texts), 512):
            _, masks = tokenizer.encode_batch([prompt + t for t in texts[start : start + 512]])
            out += [int(sum(m)) for m in masks]
        return out

    store = Store.load(settings.index_dir)
    counts = tokens([p.text for p in store.passages])
    quantiles = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)
    out: dict[str, Any] = {
        "model": str(model_dir),
        "document_prompt": prompt,
        "tokens_of_the_prompt_and_special_tokens": tokens([""])[0],
        "passages": len(counts),
        "tokens_per_passage " + "/".join(f"{q:g}" for q in quantiles): [_pct(counts, q) for q in quantiles],
        "tokens_per_passage_mean": round(statistics.mean(counts), 1) if counts else 0,
        f"passages_at_the_{args.max_length}_token_limit": sum(c >= args.max_length for c in counts),
        "sentences_per_article": _length_distribution(store),
    }
    extra = args.articles.with_name(args.articles.name + ".extra")
    named: dict[str, Any] = {}
    for article in args.article:
        texts = [p.text for p in store.article_passages(article)]
        if not texts:
            texts = [p.text for f in sorted(extra.glob("*.txt")) if (ed := read_edition(f)).article == article
                     for p in chunk_edition(ed)]
        n = tokens(texts)
        named[article] = {"sentences": len(n), "tokens": sum(n), "longest": max(n, default=0)}
    if named:
        out["articles"] = named
    print(json.dumps(out, ensure_ascii=False, indent=1))


def _timed(fn: Any, *a: Any, **kw: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return out, (time.perf_counter() - t0) * 1000


def cmd_measure(args: argparse.Namespace) -> None:
    from rag.pipeline import Pipeline
    from rag.retrieval import retrieve, score
    from rag.store import Store
    from rag.text import detect_language

    out: dict[str, Any] = {"load_average_1min_at_start": round(os.getloadavg()[0], 2)}
    settings = _settings(args.articles, args.data)
    runs_file = args.data / "index_run.json"
    if runs_file.exists():
        out["index_runs"] = json.loads(runs_file.read_text())
    index_dir = settings.index_dir
    files = {f.name: round(f.stat().st_size / 1e6, 2) for f in sorted(index_dir.iterdir()) if f.is_file()}
    out["index_size_mb"] = round(sum(files.values()), 1)
    out["index_files_mb"] = files
    store, load_ms = _timed(Store.load, index_dir)
    out["passages"] = len(store.passages)
    out["articles"] = len(store.articles())
    out["store_load_ms"] = round(load_ms)
    out["peak_rss_mb_after_store_load"] = round(_peak_mb())

    # -- adding articles to a copy of the index, one after another --
    out["sentences_per_article"] = _length_distribution(store)
    if args.add_count:
        out["add_articles"] = _measure_adds(args, store, index_dir)

    # -- retrieval latency --
    questions = [json.loads(x) for x in (args.articles / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = questions[: args.questions]
    qemb = _embedder(settings, args.embedder)
    vecs, embed_ms = [], []
    for q in questions:
        v, ms = _timed(qemb.embed_queries, [q["q"]])
        vecs.append(v[0])
        embed_ms.append(ms)
    from rag.retrieval import aligned_groups

    groups = aligned_groups(store)
    score_ms, whole_ms, two_ms, cpu_ms, top_article, in_top4 = [], [], [], [], 0, 0
    for q, v in zip(questions, vecs, strict=True):
        c0 = time.process_time()
        t0 = time.perf_counter()
        scores = score(store, q["q"], v)
        t1 = time.perf_counter()
        hits = retrieve(store, q["q"], v, k=8, groups=groups, scores=scores)
        t2 = time.perf_counter()
        target = hits[0].passage.article if hits else q["article"]
        lang = detect_language(q["q"])
        if lang not in store.languages(target):
            lang = sorted(store.languages(target))[0]
        own = retrieve(store, q["q"], v, k=4, article=target, language=lang, groups=groups, scores=scores)
        t3 = time.perf_counter()
        cpu_ms.append((time.process_time() - c0) * 1000)
        score_ms.append((t1 - t0) * 1000)
        whole_ms.append((t2 - t0) * 1000)
        two_ms.append((t3 - t0) * 1000)
        top_article += target == q["article"]
        if "answer" in q and target == q["article"]:
            in_top4 += any(q["answer"] in h.passage.text for h in own)
    indexed = set(store.articles())
    n_here = sum(q["article"] in indexed for q in questions)  # a partial index: quality only on its articles
    n_uqa = sum("answer" in q and q["article"] in indexed for q in questions)
    out["retrieval"] = {
        "questions": len(questions),
        "embedder": qemb.id,
        "query_embedding_ms_p50_p95": [round(_pct(embed_ms, 0.5), 1), round(_pct(embed_ms, 0.95), 1)],
        "scoring_ms_p50_p95 (dense + BM25, once per question)": [round(_pct(score_ms, 0.5), 1), round(_pct(score_ms, 0.95), 1)],
        "whole_corpus_top8_ms_p50_p95": [round(_pct(whole_ms, 0.5), 1), round(_pct(whole_ms, 0.95), 1)],
        "ask_retrieval_ms_p50_p95 (score once, whole corpus, then the article's edition)": [
            round(_pct(two_ms, 0.5), 1), round(_pct(two_ms, 0.95), 1)],
        "ask_retrieval_cpu_ms_p50_p95 (process CPU time: what the machine's load does not inflate)": [
            round(_pct(cpu_ms, 0.5), 1), round(_pct(cpu_ms, 0.95), 1)],
        "top_hit_in_the_right_article": f"{top_article}/{n_here}",
        "uqa_answer_in_top4_of_the_article": f"{in_top4}/{n_uqa}",
    }
    out["peak_rss_mb_after_retrieval"] = round(_peak_mb())

    # -- answers with the models warm --
    if args.answers:
        # on a stand-in index the questions are embedded by the stand-in (the real query encoding
        # time is the `query_embedding_ms` of a run on a real index); the answering code is real.
        # The pipeline gets the encoder already loaded: a second copy would count in the peak
        # memory, which a process of Khabar never holds.
        pipe = Pipeline(settings, embedder=qemb)
        _, warm_ms = _timed(pipe.warm)
        pipe.generator()
        asked: list[dict[str, Any]] = []
        picks = [q for q in questions if q["lang"] == "ur"][: max(1, args.answers - 1)]
        picks += [q for q in questions if q["lang"] == "en"][:1]
        for q in picks:
            text = q["q"] if q["lang"] == "ur" else f"What does the article say about this: {q['q']}?"
            ans, ms = _timed(pipe.ask, text)
            asked.append({"lang": q["lang"], "ms": round(ms), "retrieve_ms": round(ans.timings_ms.get("retrieve", 0)),
                          "first_token_ms": round(ans.timings_ms.get("first_token", 0)), "strategy": ans.strategy,
                          "refused": ans.refused, "right_article": bool(ans.citations) and ans.citations[0].article == q["article"]})
        out["answers_warm"] = {"embedder": pipe.models_info()["embedder"], "warm_up_ms": round(warm_ms), "answers": asked,
                               "median_ms": round(statistics.median(a["ms"] for a in asked))}
    out["peak_rss_mb"] = round(_peak_mb())
    out["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


_QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def _article_sentences(store: Any) -> dict[str, int]:
    """Sentences (passages) of each article, all its editions counted."""
    return {a: len(store.article_rows(a)) for a in store.articles()}


def _length_distribution(store: Any) -> dict[str, Any]:
    """Sentences per article in the indexed corpus: quantiles and mean, over
    all articles and per source (the name's prefix: xlsum, uqa, ntrex)."""
    sizes = _article_sentences(store)

    def describe(values: list[int]) -> dict[str, Any]:
        return {"articles": len(values), "mean": round(statistics.mean(values), 1),
                "quantiles " + "/".join(f"{q:g}" for q in _QUANTILES): [_pct(values, q) for q in _QUANTILES]}

    by_source: dict[str, list[int]] = {}
    for article, n in sizes.items():
        by_source.setdefault(article.split("_", 1)[0], []).append(n)
    return {"all": describe(list(sizes.values())), **{s: describe(v) for s, v in sorted(by_source.items())}}


def pick_articles(sizes: dict[str, int], count: int) -> list[str]:
    """`count` articles of the corpus at evenly spaced quantiles of their
    length ((i + 0.5) / count), so the picks span short to long articles and
    their median is about the corpus's median; ties broken by name, no two
    picks the same."""
    ranked = sorted(sizes, key=lambda a: (sizes[a], a))
    picks: list[str] = []
    for i in range(min(count, len(ranked))):
        at = min(len(ranked) - 1, int((i + 0.5) / count * len(ranked)))
        while ranked[at] in picks:
            at = (at + 1) % len(ranked)
        picks.append(ranked[at])
    return picks


def _measure_adds(args: argparse.Namespace, store: Any, index_dir: Path) -> dict[str, Any]:
    """Add `--add-count` articles, one after another, to one copy of the
    index, each timed on its own: first the held-out articles of
    `ARTICLES.extra` (never indexed), then corpus articles picked by
    `pick_articles`, taken out of the copy before the clock starts (an added
    article is one the index does not hold). Returns per-article figures and
    their median and max."""
    from rag.corpus import read_edition
    from rag.pipeline import Pipeline

    extra_dir = args.articles.with_name(args.articles.name + ".extra")
    held_out: dict[str, list[Path]] = {}  # article -> its editions' files
    for path in sorted(extra_dir.glob("*.txt")) if extra_dir.is_dir() else []:
        held_out.setdefault(read_edition(path).article, []).append(path)
    to_add: list[tuple[str, list[Path]]] = list(held_out.items())[: args.add_count]
    sizes = _article_sentences(store)
    picked = pick_articles(sizes, args.add_count - len(to_add))
    for article in picked:
        paths = sorted({Path(e["path"]) for e in store.manifest.editions.values() if e.get("article") == article})
        to_add.append((article, paths))
    copy = args.data.with_name(args.data.name + ".add")
    shutil.rmtree(copy, ignore_errors=True)
    if picked:
        reduced = store
        for article in picked:
            reduced = reduced.without(article)
        reduced.save(copy / "index")
    else:
        shutil.copytree(index_dir, copy / "index")
    add_settings = _settings(args.articles, copy)
    inner = _embedder(add_settings, args.add_embedder)
    inner.embed_documents(["warm up"])  # model loaded before the clock starts
    counting = _Counting(inner, id=store.manifest.embedder)
    pipe = Pipeline(add_settings, embedder=counting)
    rows: list[dict[str, Any]] = []
    for article, paths in to_add:
        count0, enc0, enc_cpu0 = counting.count, counting.seconds, counting.cpu_seconds
        cpu0 = time.process_time()
        report, ms = _timed(pipe.index, paths)
        cpu = time.process_time() - cpu0
        encode_s = counting.seconds - enc0
        rows.append({
            "article": article,
            "held_out": article not in sizes,
            "editions": len(paths),
            "sentences_encoded": counting.count - count0,
            "seconds": round(ms / 1000, 2),
            "encode_seconds": round(encode_s, 2),
            "store_seconds": round(ms / 1000 - encode_s, 2),
            "cpu_seconds": round(cpu, 2),
            "encode_cpu_seconds": round(counting.cpu_seconds - enc_cpu0, 2),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "passages_after": report.get("passages"),
        })
        print(f"[{time.strftime('%H:%M:%S')}] added {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
    del pipe
    shutil.rmtree(copy, ignore_errors=True)
    median_sentences = statistics.median(sizes.values()) if sizes else 0

    def summary(key: str) -> dict[str, float]:
        values = [r[key] for r in rows]
        return {"median": round(statistics.median(values), 2), "max": round(max(values), 2)}

    return {
        "embedder": inner.id,
        "how": "one after another to one copy of the index (corpus picks taken out of the copy first); "
               "the first reads the index from disk (as `khabar index FILE` in a new process), "
               "the others find it in memory (as the app, which holds it)",
        "corpus_median_sentences_per_article": median_sentences,
        "articles": rows,
        "seconds": summary("seconds"),
        "encode_seconds": summary("encode_seconds"),
        "store_seconds": summary("store_seconds"),
        "sentences_encoded": summary("sentences_encoded"),
        "at_most_5_seconds": f"{sum(r['seconds'] <= 5 for r in rows)}/{len(rows)}",
    } if rows else {}


class _Counting:
    """Counts the sentences an embedder encodes as documents, and the time.
    `id` may stand for another embedder's: the real encoder adding an article
    to the stand-in index must answer to the index's id, or the plan would
    re-embed the whole corpus (a changed embedder means a rebuild)."""

    def __init__(self, inner: Any, id: str | None = None) -> None:
        self.inner = inner
        self.id = id or inner.id
        self.dim = inner.dim
        self.count = 0
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # process CPU time (all threads) while encoding

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        t0, c0 = time.perf_counter(), time.process_time()
        out = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - t0
        self.cpu_seconds += time.process_time() - c0
        self.count += len(texts)
        return np.asarray(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.inner.embed_queries(texts))


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--limit", type=int, default=ARTICLES)
    w.set_defaults(fn=cmd_write)
    i = sub.add_parser("index")
    i.add_argument("--articles", type=Path, required=True)
    i.add_argument("--data", type=Path, required=True)
    i.add_argument("--embedder", choices=["real", "hash"], default="real")
    i.set_defaults(fn=cmd_index)
    m = sub.add_parser("measure")
    m.add_argument("--articles", type=Path, required=True)
    m.add_argument("--data", type=Path, required=True)
    m.add_argument("--embedder", choices=["real", "hash"], default="real", help="the one the index was built with")
    m.add_argument("--add-embedder", choices=["real", "hash"], default="real", help="encodes the added articles")
    m.add_argument("--add-count", type=int, default=8,
                   help="articles added one after another (held-out ones first, then corpus articles across the length range)")
    m.add_argument("--questions", type=int, default=QUESTIONS)
    m.add_argument("--answers", type=int, default=0, help="questions answered with the real models warm")
    m.add_argument("--json", type=Path)
    m.set_defaults(fn=cmd_measure)
    n = sub.add_parser("lengths", help="tokens per passage as the real encoder reads them; sentences per article")
    n.add_argument("--articles", type=Path, required=True)
    n.add_argument("--data", type=Path, required=True)
    n.add_argument("--max-length", type=int, default=2048, help="the embedder's token limit (OnnxEmbedder's max_length)")
    n.add_argument("--article", nargs="*", default=[], help="articles whose tokens to count")
    n.set_defaults(fn=cmd_lengths)
    args = ap.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
