"""Calibrate `grounding.MIN_CONTENT_COVERAGE`: how much of an answer's content
must its cited sentences contain?

    KHABAR_MODELS_DIR=... python bench/content_coverage.py [--json out.json]

Two distributions on the English seed edition, with the real default models:
- faithful: the chat model's own answers to 16 English questions written for
  this script (not taken from any evaluation set), with the check switched
  off (threshold 0) so that every generated answer is seen, measured against
  the sentences the pipeline cites for it;
- fabricated: 12 false claims with no number or name (the kind the older
  number-and-name check let through, like the forged "The crane never
  worked"), each measured against the article sentence, and the pair of
  sentences, that cover it best: the citations most favourable to the claim.
For each threshold it prints the share of faithful answers kept and of
fabricated claims rejected. Everything is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import grounding  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

QUESTIONS = [
    "Who allegedly masterminded the exploitation network?",
    "What ages were the targeted children?",
    "How long did the German suspect stay in Pakistan?",
    "What was set up as a front to lure victims?",
    "How were the children pushed into exploitation?",
    "Where were the recorded videos sold?",
    "On what date did the agency carry out its raid?",
    "To whom were the rescued children handed over?",
    "How many suspects are still at large?",
    "Which organisations gave the agency intelligence?",
    "Through which apps were the videos circulated?",
    "How many countries can access Interpol's global database?",
    "What punishment do the amended laws set for child exploitation?",
    "Who has been informed about the case, according to the minister?",
    "What did the minister ask the media and civil society to do?",
    "How many victims were identified in total?",
]
FABRICATED = [
    "The crane never worked and was sold for scrap.",
    "The children were returned to their families on the same day.",
    "The minister resigned after the press conference.",
    "The studio was destroyed in a fire before the raid.",
    "The gang members were released on bail.",
    "The videos were deleted before the police arrived.",
    "The operation was cancelled because of bad weather.",
    "Police denied that any children were involved.",
    "The suspects confessed everything in court.",
    "The parents sued the government for compensation.",
    "The agency refused to cooperate with foreign police.",
    "The club was a genuine charity that fed poor children.",
]
THRESHOLDS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.67, 0.75, 0.8, 0.9]
_CITE = re.compile(r"\[\d{1,3}\]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="khabar-coverage-"))
    settings = Settings(data_dir=data, articles_dir=ROOT / "seeds")
    p = Pipeline(settings)
    p.index()
    strict = grounding.verify_answer

    def numbers_and_names_only(answer: str, passages: list[str], min_coverage: float | None = None) -> grounding.Check:
        # the check as it was before content words: every generated answer is seen
        check = strict(answer, passages, min_coverage=0.0)
        bad = tuple(x for x in check.unsupported if x != "(negation)")
        return grounding.Check(not bad, bad)

    grounding.verify_answer = numbers_and_names_only  # type: ignore[assignment]
    faithful = []
    t0 = time.perf_counter()
    for q in QUESTIONS:
        a = p.ask(q)
        if a.refused or a.strategy != "generative":
            print(f"  (no generated answer kept: {a.strategy}, refused={a.refused}) {q}", file=sys.stderr)
            continue
        claim = _CITE.sub(" ", a.answer)
        share, missing = grounding.content_support(claim, [c.text for c in a.citations])
        negation_ok = strict(claim, [c.text for c in a.citations], min_coverage=0.0).ok
        faithful.append(
            {"question": q, "answer": a.answer, "cited": [c.text for c in a.citations], "support": round(share, 3), "missing": missing, "negation_ok": negation_ok}
        )
        print(f"  {share:.2f} {a.answer}  missing={missing} negation_ok={negation_ok}", file=sys.stderr)
    store = p.store()
    article = store.articles()[0]
    sentences = [x.text for x in store.usable_passages(article, "en")]
    fabricated = []
    for claim in FABRICATED:
        best = max(grounding.content_support(claim, [s])[0] for s in sentences)
        best2 = max(grounding.content_support(claim, list(pair))[0] for pair in itertools.combinations(sentences, 2))
        fabricated.append({"claim": claim, "best_one": round(best, 3), "best_two": round(best2, 3)})
        print(f"  fabricated {best:.2f}/{best2:.2f} {claim}", file=sys.stderr)
    rows = []
    for t in THRESHOLDS:
        kept = sum(1 for f in faithful if f["support"] >= t)
        rejected = sum(1 for f in fabricated if f["best_two"] < t)
        rows.append({"threshold": t, "faithful_kept": kept, "faithful": len(faithful), "fabricated_rejected": rejected, "fabricated": len(fabricated)})
    print(f"\n{len(faithful)} generated answers, {len(fabricated)} fabricated claims ({time.perf_counter() - t0:.0f} s)")
    print("threshold  faithful kept  fabricated rejected (best two sentences cited)")
    for r in rows:
        print(f"{r['threshold']:9.2f}  {r['faithful_kept']:>6}/{r['faithful']:<6}  {r['fabricated_rejected']:>6}/{r['fabricated']}")
    if args.json:
        args.json.write_text(json.dumps({"faithful": faithful, "fabricated": fabricated, "table": rows}, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
