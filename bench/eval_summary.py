"""Component-level XL-Sum figures for the summary planner, without models.

    python bench/eval_summary.py [--dev shared/eval/xlsum_ur_dev.jsonl] [--train shared/train/xlsum_ur_train.jsonl.gz]

For each article: split into sentences (rag.text.split_sentences), plan the
summary (rag.summarize.plan with the committed scorer) and score, against the
one-sentence reference (rag.metrics: ROUGE on white-space tokens after
normalisation, chrF), the headline sentence, the joined Urdu points (each
cut to its clause as the Urdu summary does), lead-1 and the best single
sentence (oracle); the headline and points as the Urdu summary shows them
(a paragraph's first sentence without a dateline). Two sets: the dev set, and the slice of the training file
held out by bench/train_summary_scorer.py (sha1(id) % 5 == 0), never fitted.
This is what `khabar eval` computes for the Urdu summary, minus indexing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import metrics  # noqa: E402
from rag.summarize import opens_line, plan, shorten, without_dateline  # noqa: E402
from rag.text import split_sentences  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from train_summary_scorer import bucket  # noqa: E402

POINTS = 6  # the default `summary_points`


def score_set(items: list[dict]) -> dict[str, float]:
    rows: dict[str, list[float]] = {}

    def add(name: str, hyp: str, ref: str) -> None:
        for key, value in metrics.rouge(hyp, ref).items():
            rows.setdefault(f"{name}_{key}", []).append(100 * value)
        try:
            value = metrics.chrf(hyp, ref)
        except ImportError:  # sacrebleu (the eval extra) missing: chrF left out
            return
        rows.setdefault(f"{name}_chrf", []).append(value)

    for it in items:
        text, ref = it["article"], it["summary"]
        spans = split_sentences(text)
        sents = [text[s:e] for s, e in spans]
        layout = plan(sents, "ur", POINTS)
        # as the Urdu summary shows them (rag.summarize.extract): a paragraph's first sentence without a dateline
        shown = [without_dateline(x) if opens_line(text, s) else x for x, (s, _) in zip(sents, spans, strict=True)]
        add("headline", shown[layout.headline], ref)
        add("points", " ".join(shorten(shown[i], "ur") for g in layout.points for i in g), ref)
        add("lead1", sents[0], ref)
        add("oracle", max(sents, key=lambda s: metrics.rouge_n(s, ref, 1)), ref)
    return {"n": len(items), **{k: round(statistics.mean(v), 2) for k, v in sorted(rows.items())}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", type=Path, default=Path("/work/shared/eval/xlsum_ur_dev.jsonl"))
    ap.add_argument("--train", type=Path, default=Path("/work/shared/train/xlsum_ur_train.jsonl.gz"))
    args = ap.parse_args()
    dev = [json.loads(x) for x in args.dev.read_text(encoding="utf-8").splitlines() if x.strip()]
    with gzip.open(args.train, "rt", encoding="utf-8") as fh:
        held = [it for it in map(json.loads, fh) if bucket(it["id"]) == 0]
    for name, items in (("dev", dev), ("held_out", held)):
        print(name, json.dumps(score_set(items)))


if __name__ == "__main__":
    main()
