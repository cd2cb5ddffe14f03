"""A corpus of 1,000 real articles, and Khabar's figures on it.

    python bench/corpus.py write --out /tmp/corpus/articles [--limit N]
    python bench/corpus.py index --articles /tmp/corpus/articles --data /tmp/corpus/full
    python bench/corpus.py measure --articles /tmp/corpus/articles --data /tmp/corpus/full [--answers 6]

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
adding one new article to a copy of the index (time, and how many sentences
were encoded: only the new article's); retrieval latency p50/p95 over the
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
    for title, art, chunk in parts[0] + parts[1]:
        if len(written) >= limit:
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


def cmd_write(args: argparse.Namespace) -> None:
    counts = write_corpus(args.out, args.limit)
    print(json.dumps(counts))


def cmd_index(args: argparse.Namespace) -> None:
    from rag.pipeline import Pipeline

    settings = _settings(args.articles, args.data)
    real = Pipeline(settings).embedder()
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
    i.set_defaults(fn=cmd_index)
    args = ap.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
