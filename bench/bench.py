"""Print Khabar's speed and memory figures with the real default models.

    python bench/bench.py [--json bench.json] [--cold-runs 2] [--only replay,peer]

Figures:
- index time of the seed article in a fresh temporary data dir (models
  loaded first, load time reported apart);
- cold start of `khabar ask`: wall time, CPU time and peak memory of
  `python -m rag ask --json Q` in a subprocess (with the load average at each
  start), against the index just built, for an Urdu question and an
  English one (the first English run saves the article's prefix state, the
  next ones load it);
- with models loaded: median and p90 time to first token and total answer
  time over follow-up questions in Urdu and English;
- index throughput (sentences/s) against the embedder's own encode speed
  (`embed_documents`) on the same sentences, as a ratio;
- the bilingual summary of the seed article, generated afresh with models
  loaded (`summarize_stream`): time until the Urdu summary is ready, until
  the first English point, and until the whole bilingual summary is done;
- English follow-ups against raw llama.cpp: every chat call Khabar makes for
  a set of English follow-ups is captured, then replayed on the same `Llama`
  object from the same cached article prefix; the ratios of Khabar's time to
  first token and total time to the replay's, and the new prompt tokens
  llama.cpp reads per question;
- the naive peer (bench/peer.py: LangChain, 500/50 splitter, FAISS top 4, the
  "stuff" prompt, the same two models): its median answer time and its
  seed_dev score beside Khabar's; skipped with a message when the `bench`
  extra is not installed;
- peak resident memory (getrusage; psutil's current RSS too when installed).

It ends with the table of ratios and their targets (issue 12).

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

from rag import evaluation, metrics  # noqa: E402
from rag.chunking import chunk_edition  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.corpus import read_editions  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

if __package__:  # python -m bench.bench
    from bench import peer as naive_peer
else:  # python bench/bench.py: this folder is sys.path[0], and `bench` would be this file
    import peer as naive_peer  # type: ignore[no-redef]

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
# English follow-ups for the replay against raw llama.cpp (written from the
# seed article; asked as one conversation after the English one above).
EN_FOLLOW_UPS = [
    "Who masterminded the network?",
    "How long did he stay in Pakistan?",
    "How many FIRs have been registered so far?",
    "And how many people were sentenced?",
    "Which apps were used to circulate the videos?",
    "How many countries can use Interpol's database?",
    "What punishment does the amended law set?",
    "Where was the network run from?",
]
SEED_DEV = ROOT.parent / "shared" / "eval" / "seed_dev.jsonl"
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


# Runs a module as `python -m` does and writes the process's peak resident
# memory (VmHWM) to a file at exit. The kernel folds the parent's memory into
# a forked child's ru_maxrss (the pre-exec address space was the parent's), so
# wait4 would report at least the bench's own size; VmHWM is the child's own.
_PEAK_RUNNER = (
    "import atexit, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "def peak():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(line.split()[1] for line in f if line.startswith('VmHWM:'))\n"
    "    with open(out, 'w') as f:\n"
    "        f.write(kb)\n"
    "atexit.register(peak)\n"
    "module = sys.argv.pop(1)\n"
    "runpy.run_module(module, run_name='__main__', alter_sys=True)\n"
)


def cold_run(module: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """`python -m module args` in a fresh process: its wall time, CPU time
    (user+sys, from wait4), its own peak resident memory (VmHWM; None where
    /proc is missing), the 1-minute load average when it started, exit code
    and output."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err, peak = Path(tmp) / "out", Path(tmp) / "err", Path(tmp) / "peak"
        with open(out, "wb") as fo, open(err, "wb") as fe:
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            argv = [sys.executable, "-c", _PEAK_RUNNER, str(peak), module, *args]
            proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=fo, stderr=fe)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        return {
            "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "rss_mb": int(peak.read_text()) / 1024 if peak.exists() else None,
            "load": load,
            "exit_code": proc.returncode,
            "stdout": out.read_text(encoding="utf-8", errors="replace"),
            "stderr": err.read_text(encoding="utf-8", errors="replace"),
        }


def bench_cold_ask(data_dir: Path, runs: int, question: str = COLD_QUESTION, label: str = "cold_ask") -> dict[str, Any]:
    """Wall time, CPU time (user+sys) and peak memory of `python -m rag ask
    --json` in fresh processes, with the load average at each start. CPU time
    is the comparable figure: a shared machine's wall time depends on its load."""
    env = dict(os.environ, KHABAR_DATA_DIR=str(data_dir))
    rows: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for _ in range(runs):
        row = cold_run("rag", ["ask", "--json", question], env)
        if row["exit_code"] != 0:
            return {f"{label}_error": (row["stderr"] or row["stdout"]).strip()[-500:], f"{label}_exit_code": row["exit_code"]}
        rows.append(row)
        last = json.loads(row["stdout"])
    return {
        f"{label}_s": [round(r["wall_s"], 2) for r in rows],
        f"{label}_first_s": round(rows[0]["wall_s"], 2),
        f"{label}_cpu_s": [round(r["cpu_s"], 2) for r in rows],
        f"{label}_rss_mb": [None if r["rss_mb"] is None else round(r["rss_mb"]) for r in rows],
        f"{label}_load": [round(r["load"], 2) for r in rows],
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


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


class _Capture:
    """Wraps a LlamaCppGenerator: records every chat call (messages and
    arguments) and, through the Llama object's `generate`, how many prompt
    tokens llama.cpp had to read anew (those past the cached prefix)."""

    def __init__(self, gen: Any) -> None:
        self.gen = gen
        self.llm = gen._load()
        self.calls: list[dict[str, Any]] = []
        self.new_tokens: list[int] = []
        self._chat = gen.chat
        self._generate = self.llm.generate

    def __enter__(self) -> _Capture:
        def chat(messages: Any, **kwargs: Any) -> str:
            self.calls.append({"messages": [dict(m) for m in messages], **{k: v for k, v in kwargs.items() if k != "on_token"}})
            return self._chat(messages, **kwargs)

        def generate(tokens: Any, *args: Any, **kwargs: Any) -> Any:
            tokens = list(tokens)
            self.new_tokens.append(len(tokens) - _common_prefix(self.llm, tokens))
            return self._generate(tokens, *args, **kwargs)

        self.gen.chat = chat
        self.llm.generate = generate
        return self

    def __exit__(self, *exc: object) -> None:
        del self.gen.chat  # back to the class's method
        self.llm.generate = self._generate


def _common_prefix(llm: Any, tokens: list[int]) -> int:
    n = 0
    for a, b in zip(llm.input_ids[: llm.n_tokens], tokens, strict=False):
        if a != b:
            break
        n += 1
    return n


def _raw_call(gen: Any, call: dict[str, Any]) -> tuple[float, float, str]:
    """One captured chat call sent straight to llama.cpp's
    create_chat_completion (the messages as Khabar's generator sends them,
    markers already broken, outside the clock): (ttft ms, total ms, text)."""
    from rag.llm import SAMPLING, neutralise_messages

    llm = gen._load()
    messages = neutralise_messages(call["messages"], gen.markers())
    stop = list(call.get("stop") or ()) or None
    t0 = time.perf_counter()
    first = None
    parts: list[str] = []
    for chunk in llm.create_chat_completion(
        messages=messages, max_tokens=call["max_tokens"], **SAMPLING, seed=gen.seed, stop=stop, stream=True
    ):
        delta = chunk["choices"][0].get("delta", {}).get("content")
        if delta:
            first = first if first is not None else time.perf_counter()
            parts.append(delta)
    end = time.perf_counter()
    return ((first or end) - t0) * 1000, (end - t0) * 1000, "".join(parts)


def bench_replay(pipeline: Pipeline) -> dict[str, Any]:
    """English follow-ups through Khabar, then the same chat calls on the
    bare Llama object from the same cached article prefix."""
    pipeline.warm()
    gen = pipeline.generator()
    conversations = [CONVERSATIONS[0], EN_FOLLOW_UPS]
    khabar_ttft: list[float] = []
    khabar_visible: list[float] = []
    khabar_total: list[float] = []
    seen: list[float] = []
    with _Capture(gen) as cap:
        for conversation in conversations:
            history: list[tuple[str, str]] = []
            for question in conversation:
                seen.clear()
                t0 = time.perf_counter()
                answer = pipeline.ask(question, history=history, on_token=lambda _t: seen.append(time.perf_counter()))
                khabar_total.append((time.perf_counter() - t0) * 1000)
                khabar_ttft.append(answer.timings_ms["first_token"])
                khabar_visible.append((seen[0] - t0) * 1000 if seen else khabar_total[-1])
                history.append((question, answer.answer))
        calls = list(cap.calls)
        new_tokens = list(cap.new_tokens)
    # The same starting state as Khabar's first question: the article prefix.
    pipeline.warm()
    raw_ttft, raw_total = [], []
    for call in calls:
        t_first, t_total, _text = _raw_call(gen, call)
        raw_ttft.append(t_first)
        raw_total.append(t_total)
    ttft_k, ttft_r = metrics.percentile(khabar_ttft, 50), metrics.percentile(raw_ttft, 50)
    tot_k, tot_r = metrics.percentile(khabar_total, 50), metrics.percentile(raw_total, 50)
    return {
        "en_questions": len(khabar_total),
        "en_chat_calls": len(calls),
        "en_new_prompt_tokens_median": metrics.percentile(new_tokens, 50),
        "en_new_prompt_tokens_max": max(new_tokens) if new_tokens else None,
        "en_first_token_ms_median": _r(ttft_k),
        "en_visible_first_token_ms_median": _r(metrics.percentile(khabar_visible, 50)),
        "en_total_ms_median": _r(tot_k),
        "raw_first_token_ms_median": _r(ttft_r),
        "raw_total_ms_median": _r(tot_r),
        "ttft_vs_raw_ratio": _r(ttft_k / ttft_r if ttft_k and ttft_r else None, 2),
        "total_vs_raw_ratio": _r(tot_k / tot_r if tot_k and tot_r else None, 2),
    }


def _seed_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_peer(pipeline: Pipeline, settings: Settings, seed_dev: Path) -> dict[str, Any]:
    """Khabar and the naive LangChain peer on seed_dev, scored by the same
    rules as `khabar eval`: score and median answer time of each."""
    if not seed_dev.exists():
        return {"peer": f"skipped: {seed_dev} not found"}
    items = _seed_items(seed_dev)
    editions, _ = read_editions([settings.articles_dir])
    article = editions[0].article
    emap = evaluation.EvidenceMap.build(editions, article)
    pipeline.warm()
    k_times, k_pass = [], 0
    for item in items:
        t0 = time.perf_counter()
        got = pipeline.ask(item["q"], article=article, history=[tuple(t) for t in item.get("history") or ()]).to_json()
        k_times.append(time.perf_counter() - t0)
        k_pass += bool(evaluation._score_seed(item, got, pipeline, emap, article)["passed"])
    out: dict[str, Any] = {
        "khabar_seed_dev_score": f"{k_pass}/{len(items)}",
        "khabar_answer_s_median": _r(metrics.percentile(k_times, 50), 2),
    }
    missing = naive_peer.available()
    if missing:
        print(missing, file=sys.stderr)
        out["peer"] = "skipped: " + missing
        return out
    gen = pipeline.generator()
    files = sorted({Path(ed.path) for ed in editions if ed.article == article})
    model_path = Path(gen.path)  # type: ignore[attr-defined]  # the local GGUF
    chat_model = naive_peer.llama_chat(model_path, settings.n_ctx, settings.n_threads, settings.seed, settings.max_answer_tokens)
    peer = naive_peer.Peer(files, pipeline.embedder(), chat_model)
    p_times, p_pass = [], 0
    for item in items:
        question = item["q"]
        if item.get("history"):  # the peer keeps no history: the earlier turns go before the question
            question = " ".join(str(q) for q, _a in item["history"]) + " " + question
        text, took = peer.ask(question)
        p_times.append(took)
        got = {"answer": text, "refused": naive_peer.said_dont_know(text), "citations": []}
        p_pass += bool(evaluation._score_seed(item, got, pipeline, emap, article)["passed"])
    p_med = metrics.percentile(p_times, 50)
    k_med = metrics.percentile(k_times, 50)
    out.update(
        {
            "peer_chunks": peer.chunks,
            "peer_index_s": _r(peer.index_s, 2),
            "peer_seed_dev_score": f"{p_pass}/{len(items)}",
            "peer_answer_s_median": _r(p_med, 2),
            "peer_vs_khabar_answer_time_ratio": _r(p_med / k_med if p_med and k_med else None, 1),
        }
    )
    return out


def ratios_table(f: dict[str, Any]) -> str:
    """The issue-12 table: each ratio, its target and whether it is met."""

    def fraction(score: Any) -> float | None:
        if not isinstance(score, str) or "/" not in score:
            return None
        a, b = score.split("/")
        return int(a) / int(b)

    k_score, p_score = fraction(f.get("khabar_seed_dev_score")), fraction(f.get("peer_seed_dev_score"))
    speed = f.get("peer_vs_khabar_answer_time_ratio")
    rows = [
        ("TTFT, Khabar / raw llama.cpp (same prompts)", f.get("ttft_vs_raw_ratio"), "<= 1.1", lambda v: v <= 1.1),
        ("total, Khabar / raw llama.cpp", f.get("total_vs_raw_ratio"), "(reported)", None),
        ("English TTFT median (ms)", f.get("en_first_token_ms_median"), "<= 800", lambda v: v <= 800),
        ("new prompt tokens per English question (median)", f.get("en_new_prompt_tokens_median"), "<= 40", lambda v: v <= 40),
        ("index throughput / raw encoding", f.get("index_vs_encode_ratio"), ">= 0.9", lambda v: v >= 0.9),
        ("peer median answer / Khabar's", speed, ">= 10", lambda v: v >= 10),
        (
            "seed_dev score, Khabar vs peer",
            f"{f.get('khabar_seed_dev_score')} vs {f.get('peer_seed_dev_score', 'skipped')}",
            "Khabar higher",
            None if p_score is None or k_score is None else (lambda _v: k_score > p_score),
        ),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'ratio':<{width}}  {'value':>14}  {'target':<14}  met"]
    for name, value, target, test in rows:
        met = "-" if value is None or test is None else ("yes" if test(value) else "NO")
        lines.append(f"{name:<{width}}  {str(value):>14}  {target:<14}  {met}")
    return "\n".join(lines)


def table(figures: dict[str, Any]) -> str:
    """The figures as aligned `name  value` lines."""
    rows = [
        (k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)) for k, v in figures.items()
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


PARTS = ("index", "cold", "answers", "replay", "summary", "peer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this JSON file.")
    parser.add_argument("--cold-runs", type=int, default=2, help="How many cold `khabar ask` processes to time.")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"Comma-separated parts to run (default all: {','.join(PARTS)}); the seed is always indexed."
    )
    parser.add_argument("--seed-dev", type=Path, default=SEED_DEV, help="The seed questions Khabar and the peer are scored on.")
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {','.join(PARTS)}")
    settings = Settings()
    figures: dict[str, Any] = {"llm": settings.llm, "embedder": settings.embedder, "n_threads": settings.n_threads}
    figures["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
        pipeline, index_figures = bench_index(settings, Path(tmp))
        figures.update(index_figures)
        if "cold" in parts:
            figures.update(bench_cold_ask(Path(tmp) / "data", args.cold_runs, COLD_QUESTION_UR, "cold_ask_ur"))
            # English twice at least: the first run saves the article's prefix state, later runs load it.
            figures.update(bench_cold_ask(Path(tmp) / "data", max(2, args.cold_runs), COLD_QUESTION, "cold_ask_en"))
        if "answers" in parts:
            figures.update(bench_answers(pipeline))
        if "replay" in parts:
            figures.update(bench_replay(pipeline))
        if "summary" in parts:
            figures.update(bench_summary(pipeline))
        if "peer" in parts:
            figures.update(bench_peer(pipeline, settings, args.seed_dev))
    figures.update({k: round(v, 1) for k, v in peak_rss_mb().items()})
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(figures))
    print()
    print(ratios_table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
