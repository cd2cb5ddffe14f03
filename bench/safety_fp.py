"""False positives of the request screening (rag/safety.py) and of language
detection (rag/lang) on innocent questions: every question of the UQA Urdu
training file (Wikipedia questions, none of them a harmful request).

    python bench/safety_fp.py [--file ../shared/train/uqa_ur_train_20k.jsonl.gz] [--examples 10] [--news]

Prints how many questions are refused as unsafe, refused as off-task, have
text stripped as an injection, and are not detected as Urdu (another code or
UnsupportedLanguageError), with examples of each. Also times the screening
(mean per question). With --news, also screens every sentence of the XL-Sum
Urdu training articles (news text about crime and courts, a harder test
than Wikipedia questions). Exit code 0 always: it reports, it does not judge.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import lang  # noqa: E402
from rag.errors import UnsupportedLanguageError  # noqa: E402
from rag.safety import screen  # noqa: E402

TRAIN = Path(__file__).resolve().parents[2] / "shared" / "train"
DEFAULT = TRAIN / "uqa_ur_train_20k.jsonl.gz"
NEWS = TRAIN / "xlsum_ur_train.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DEFAULT)
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--expect", default="ur", help="language code every question should be detected as")
    ap.add_argument("--news", action="store_true", help=f"also screen every sentence of {NEWS.name}")
    args = ap.parse_args()

    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh if line.strip()]

    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for q in questions:
        verdict = screen(q)
        found = []
        if verdict.unsafe:
            found.append(f"unsafe ({verdict.rule})")
        if verdict.off_task:
            found.append(f"off_task ({verdict.rule})")
        if verdict.injection:
            found.append("injection stripped")
        for key in found:
            counts[key] += 1
            examples.setdefault(key, []).append(q)
    screen_s = time.perf_counter() - t0
    for q in questions:
        try:
            code = lang.detect(q)
        except UnsupportedLanguageError as err:
            code = f"unsupported: {err.looks_like}"
        if code != args.expect:
            key = f"detected as {code}"
            counts[key] += 1
            examples.setdefault(key, []).append(q)

    n = len(questions)
    print(f"{n} questions from {args.file.name}; screening took {screen_s:.1f} s ({1000 * screen_s / n:.2f} ms each)")
    refused = sum(v for k, v in counts.items() if k.startswith(("unsafe", "off_task")))
    print(f"refused (unsafe or off-task): {refused} ({100 * refused / n:.2f}%)")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
        for q in examples[key][: args.examples]:
            print(f"      {q}")
    if not counts:
        print("  no question refused, stripped or detected as another language")
    if args.news:
        screen_news(NEWS, args.examples)


def screen_news(path: Path, examples: int) -> None:
    from rag.text import split_sentences

    sentences = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["article"]
            sentences += [text[s:e] for s, e in split_sentences(text)]
    flagged = [(s, v) for s in sentences if (v := screen(s)).unsafe or v.off_task or v.injection]
    print(f"{len(sentences)} news sentences from {path.name}: {len(flagged)} refused or stripped")
    for s, v in flagged[:examples]:
        print(f"      [{v.rule or 'injection'}] {s[:160]}")


if __name__ == "__main__":
    main()
