"""Print Khabar's speed and memory figures with the real default models.

    python bench/bench.py [--json bench.json] [--cold-runs 2]

Figures:
- index time of the seed article in a fresh temporary data dir (models
  loaded first, load time reported apart);
- cold start of `khabar ask`: wall and CPU time of `python -m rag ask --json Q`
  in a subprocess, against the index just built, for an Urdu question and an
  English one (the first English run saves the article's prefix state, the
  next ones load it);
- with models loaded: median and p90 time to first token and total answer
  time over follow-up questions in Urdu and English;
- index throughput (sentences/s) against the embedder's own encode speed
  (`embed_documents`) on the same sentences, as a ratio;
- the bilingual summary of the seed article, generated afresh with models
  loaded (`summarize_stream`): time until the Urdu summary is ready, until
  the first English point, and until the whole bilingual summary is done;
- peak resident memory (getrusage; psutil's current RSS too when installed).

It uses the user's models but never the user's index: everything it writes
goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import metrics  # noqa: E402
from rag.chunking import chunk_edition  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.corpus import read_editions  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

# Conversations: each list is asked in order, earlier turns passed as history.
CONVERSATIONS = [
    [
        "Which agency uncovered the network?",
        "When did they announce it?",
        "How many children were rescued?",
        "And how many suspects are still at large?",
    ],
    [
        "نیٹ ورک کس نے بے نقاب کیا؟",
        "یہ اعلان کس دن کیا گیا؟",
        "کتنے بچوں کو بازیاب کرایا گیا؟",
        "اور کتنے مشتبہ افراد ابھی تک فرار ہیں؟",
    ],
]
COLD_QUESTION = "On which day was the press conference held?"
COLD_QUESTION_UR = "پریس کانفرنس کس دن ہوئی؟"


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its finished children (MB)."""
    out = {
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    try:
        import psutil
    except ImportError:
        return out
    out["self_current_mb"] = psutil.Process().memory_info().rss / 2**20
    return out


def bench_index(settings: Settings, tmp: Path) -> tuple[Pipeline, dict[str, Any]]:
    """Load the embedder, then index the seed article into a fresh data dir;
    compare with the embedder encoding the same sentences directly."""
    ws = settings.model_copy(update={"data_dir": tmp / "data"})
    pipeline = Pipeline(ws)
    t0 = time.perf_counter()
    embedder = pipeline.embedder()
    embedder.embed_documents(["warm up"])
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = pipeline.index([settings.articles_dir], rebuild=True)
    index_s = time.perf_counter() - t0

    editions, _ = read_editions([settings.articles_dir])
    sentences = [p.text for ed in editions for p in chunk_edition(ed)]
    t0 = time.perf_counter()
    embedder.embed_documents(sentences)
    encode_s = time.perf_counter() - t0
    index_rate = len(sentences) / index_s
    encode_rate = len(sentences) / encode_s
    return pipeline, {
        "embedder_load_s": round(load_s, 2),
        "index_seed_s": round(index_s, 2),
        "sentences": len(sentences),
        "index_sentences_per_s": round(index_rate, 1),
        "encode_sentences_per_s": round(encode_rate, 1),
        "index_vs_encode_ratio": round(index_rate / encode_rate, 2),
        "passages_indexed": report.get("passages"),
    }


def bench_cold_ask(data_dir: Path, runs: int, question: str = COLD_QUESTION, label: str = "cold_ask") -> dict[str, Any]:
    """Wall and CPU time (user+sys) of `python -m rag ask --json` in fresh
    processes. CPU time is reported too because a shared machine's wall time
    depends on its load."""
    env = dict(os.environ, KHABAR_DATA_DIR=str(data_dir))
    times, cpus, last = [], [], {}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "rag", "ask", "--json", question],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            return {f"{label}_error": (done.stderr or done.stdout).strip()[-500:], f"{label}_exit_code": done.returncode}
        last = json.loads(done.stdout)
    return {
        f"{label}_s": [round(t, 2) for t in times],
        f"{label}_first_s": round(times[0], 2),
        f"{label}_cpu_s": [round(t, 2) for t in cpus],
        f"{label}_answer": last.get("answer", "")[:120],
        f"{label}_timings_ms": last.get("timings_ms", {}),
    }


def bench_answers(pipeline: Pipeline) -> dict[str, Any]:
    """Time to first token and total answer time with models loaded."""
    pipeline.warm()
    first, total = [], []
    by_lang: dict[str, list[float]] = {"en": [], "ur": []}
    strategies: dict[str, int] = {}
    seen: list[float] = []

    def stamp(_token: str) -> None:
        seen.append(time.perf_counter())

    for conversation in CONVERSATIONS:
        history: list[tuple[str, str]] = []
        for question in conversation:
            seen.clear()
            t0 = time.perf_counter()
            answer = pipeline.ask(question, history=history, on_token=stamp)
            wall = (time.perf_counter() - t0) * 1000
            ttft = (seen[0] - t0) * 1000 if seen else answer.timings_ms.get("first_token", wall)
            first.append(ttft)
            total.append(wall)
            by_lang[answer.language].append(wall)
            strategies[answer.strategy or "?"] = strategies.get(answer.strategy or "?", 0) + 1
            history.append((question, answer.answer))

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 1)

    return {
        "questions": len(first),
        "first_token_ms_median": r(metrics.percentile(first, 50)),
        "first_token_ms_p90": r(metrics.percentile(first, 90)),
        "total_ms_median": r(metrics.percentile(total, 50)),
        "total_ms_p90": r(metrics.percentile(total, 90)),
        "total_ms_median_en": r(metrics.percentile(by_lang["en"], 50)),
        "total_ms_median_ur": r(metrics.percentile(by_lang["ur"], 50)),
        "strategies": strategies,
    }


def bench_summary(pipeline: Pipeline) -> dict[str, Any]:
    """Urdu summary time, time to the first English point, whole bilingual summary time."""
    pipeline.warm()
    t0 = time.perf_counter()
    urdu = first_en = None
    points = 0
    for step in pipeline.summarize_stream(None, "both", refresh=True):
        now = (time.perf_counter() - t0) * 1000
        if urdu is None and "ur" in step.result.summaries:
            urdu = now
        en = step.result.summaries.get("en")
        if first_en is None and en is not None and (en.points or en.headline):
            first_en = now
        if step.done:
            points = sum(len(s.points) for s in step.result.summaries.values())
    total = (time.perf_counter() - t0) * 1000
    return {
        "summary_ur_ms": None if urdu is None else round(urdu, 1),
        "summary_first_en_point_ms": None if first_en is None else round(first_en, 1),
        "summary_total_ms": round(total, 1),
        "summary_points": points,
    }


def table(figures: dict[str, Any]) -> str:
    """The figures as aligned `name  value` lines."""
    rows = [
        (k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)) for k, v in figures.items()
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this JSON file.")
    parser.add_argument("--cold-runs", type=int, default=2, help="How many cold `khabar ask` processes to time.")
    args = parser.parse_args()
    settings = Settings()
    figures: dict[str, Any] = {"llm": settings.llm, "embedder": settings.embedder, "n_threads": settings.n_threads}
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
        pipeline, index_figures = bench_index(settings, Path(tmp))
        figures.update(index_figures)
        figures.update(bench_cold_ask(Path(tmp) / "data", args.cold_runs, COLD_QUESTION_UR, "cold_ask_ur"))
        # English twice at least: the first run saves the article's prefix state, later runs load it.
        figures.update(bench_cold_ask(Path(tmp) / "data", max(2, args.cold_runs), COLD_QUESTION, "cold_ask_en"))
        figures.update(bench_answers(pipeline))
        figures.update(bench_summary(pipeline))
    figures.update({k: round(v, 1) for k, v in peak_rss_mb().items()})
    print(table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
