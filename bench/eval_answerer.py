"""Score the committed answer decision and span scorer without the pipeline.

    python -m bench.eval_answerer [--sets dev,holdout] [--max-rows N] [--policy P] [--show 5] [--reader]

For each item: split the context into sentences (rag.text.split_sentences),
rank them with BM25 (rag.store keyword_tokens), give the top 3 with their
neighbours to `Decider.decide`, and take the chosen span grown by the length
policy as the answer (refused when the decision says no). As in the pipeline
(rag/answering/extractive.py), only the candidates that have the kind of fact
the question asks for (rag.grounding: a number, a year, a date ...) reach the
decision, and a question none of them can answer is refused (probability 0). Figures are those of
rag/evaluation.py `_score_uqa`: contains_gold, token_f1 (answerable items;
a refusal scores 0), false_refusal (answerable items refused), refusal_rate
(unanswerable items refused), in percent. The held-out slice is the train
file's titles that bench/train_answerer.py never fits on.

With --reader, the answer of each answered item is recut by the committed
span reader (rag/answering/reader.py), as the pipeline does when the
embedder gives token states: the embedder reads the question with the chosen
sentence (states cached on disk, see bench/train_reader.py).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.answerer_data import DEV_FILE, TRAIN_FILE, aggregate, read_rows, score_uqa, split_by_title
from bench.train_answerer import candidates_for
from rag import grounding
from rag.answering.decision import Candidate, Decider, Evidence, Verdict
from rag.answering.fit import auc
from rag.answering.reader import Reader, TokenStates, load_reader, read_pairs
from rag.answering.relevance import SentenceHead, load_sentence_head
from rag.answering.spans import POLICIES, Choice


@dataclass
class Decided:
    """One row through the pipeline's kind check and the committed decision."""

    row: dict[str, Any]
    verdict: Verdict
    probability: float  # 0 when no candidate has the kind of fact asked for
    ms: float

    @property
    def refused(self) -> bool:
        return not self.verdict.answerable or self.verdict.choice is None


def typed_candidates(row: dict[str, Any]) -> list[Candidate]:
    """The row's candidates that have the kind of fact its question asks for (as the pipeline)."""
    kind = grounding.answer_type(row["question"])
    return [c for c in candidates_for(row) if grounding.has_type(c.text, kind)]


def decided(
    rows: Sequence[dict[str, Any]],
    decider: Decider | None = None,
    evidence: Callable[[str], Evidence] | None = None,
) -> list[Decided]:
    """`evidence`, given a question, gives the decision's evidence on which
    sentence answers it (the sentence head, `head_evidence`)."""
    decider = decider or Decider.load("ur")
    out = []
    for r in rows:
        cands = typed_candidates(r)
        t0 = time.perf_counter()
        verdict = decider.decide(r["question"], cands, evidence=evidence(r["question"]) if evidence else None)
        out.append(Decided(r, verdict, verdict.probability if cands else 0.0, 1000 * (time.perf_counter() - t0)))
    return out


def prefetch(rows: Sequence[dict[str, Any]], states: TokenStates) -> None:
    """Encode every (question, candidate) pair the sentence head may read, in
    one call (batched; the cache keeps them)."""
    from rag.answering.reader import pair_text

    texts = []
    for r in rows:
        cands = typed_candidates(r)
        if len(cands) > 1:
            texts += [pair_text(r["question"], c.text)[0] for c in cands]
    states.token_states(texts)


def head_evidence(head: SentenceHead, states: TokenStates) -> Callable[[str], Evidence]:
    """The sentence head's evidence for a question, as the pipeline gives it
    (rag/answering/learned.py): the head's bonus over two or more candidates."""
    def for_question(question: str) -> Evidence:
        def evidence(texts: Sequence[str]) -> np.ndarray | None:
            return head.bonus(read_pairs(states, question, texts)) if len(texts) > 1 else None

        return evidence

    return for_question


def recut_all(items: Sequence[Decided], reader: Reader, states: TokenStates) -> list[Choice | None]:
    """Each answered item's choice recut by the reader (with its beta and
    lam; beta 0: the choice as it is), None for a refused item."""
    from bench.train_reader import read_views

    spans = Decider.load("ur").spans
    beta = reader.beta
    todo = [d for d in items if not d.refused]
    views = read_views(states, [(d.row["question"], d.verdict.choice.view.text) for d in todo]) if beta else []  # type: ignore[union-attr]
    got = dict(zip((id(d) for d in todo), views, strict=False))
    out: list[Choice | None] = []
    for d in items:
        choice = d.verdict.choice
        if d.refused or choice is None:
            out.append(None)
        elif not beta:
            out.append(choice)
        else:
            out.append(reader.recut(choice, got[id(d)], spans))
    return out


def recut_scores(
    items: Sequence[Decided], reader: Reader, states: TokenStates, policy: str = "window"
) -> list[dict[str, Any]]:
    """The items' figures with the answers recut by the reader."""
    return [
        score_uqa("" if c is None else c.grown(policy).text, c is None, d.row.get("answers") or [])
        for d, c in zip(items, recut_all(items, reader, states), strict=True)
    ]


def evaluate(
    decider: Decider,
    rows: list[dict[str, Any]],
    policies: list[str],
    reader: tuple[Reader, TokenStates] | None = None,
    evidence: Callable[[str], Evidence] | None = None,
) -> dict[str, Any]:
    """Per-policy figures, the AUC of the decision, and a few examples."""
    per: dict[str, list[dict[str, Any]]] = {p: [] for p in policies}
    probs, labels, examples, times = [], [], [], []
    items = decided(rows, decider, evidence)
    choices = recut_all(items, reader[0], reader[1]) if reader else [d.verdict.choice for d in items]
    for d, choice in zip(items, choices, strict=True):
        r, verdict, refused = d.row, d.verdict, d.refused
        times.append(d.ms / 1000)
        golds = r.get("answers") or []
        probs.append(d.probability)
        labels.append(1 if golds else 0)
        for p in policies:
            text = "" if refused or choice is None else choice.grown(p).text
            per[p].append(score_uqa(text, refused, golds))
        examples.append((r["question"], golds, refused, verdict))
    return {
        "figures": {p: aggregate(v) for p, v in per.items()},
        "auc": auc(np.asarray(probs), np.asarray(labels)),
        "examples": examples,
        "ms": (1000 * float(np.median(times)), 1000 * float(np.percentile(times, 90))) if times else (0.0, 0.0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="dev,holdout")
    ap.add_argument("--max-rows", type=int, default=0, help="score only the first N rows of each set (0: all)")
    ap.add_argument("--policy", default="", help="one length policy (default: all, the committed one marked)")
    ap.add_argument("--show", type=int, default=0, help="print the first N items of each set")
    ap.add_argument("--reader", action="store_true", help="recut the answers with the committed span reader")
    ap.add_argument(
        "--head", action="store_true", help="choose the sentence with the committed sentence head too (as the pipeline)"
    )
    ap.add_argument("--backend", default="onnx-fp32", help="embedder back-end read by --reader and --head")
    ap.add_argument(
        "--cache", type=Path, default=Path("/tmp/khabar-reader-states.pkl"), help="token states cache of --reader/--head"
    )
    args = ap.parse_args()
    decider = Decider.load("ur")
    reading: tuple[Reader, TokenStates] | None = None
    evidence: Callable[[str], Evidence] | None = None
    states: Any = None
    if args.reader or args.head:
        from bench.train_reader import CachedStates
        from rag.config import Settings
        from rag.pipeline import Pipeline

        states = CachedStates(Pipeline(Settings(embedder_backend=args.backend)).embedder(), args.cache)  # type: ignore[arg-type]
    if args.reader:
        reader = load_reader("ur")
        if reader is None:
            raise SystemExit("no reader weights: run python -m bench.train_reader")
        reading = (reader, states)
    if args.head:
        head = load_sentence_head("ur")
        if head is None:
            raise SystemExit("no sentence head weights: run python -m bench.train_sentence_head")
        evidence = head_evidence(head, states)
    policies = [args.policy] if args.policy else list(POLICIES)
    print(f"threshold {decider.threshold:.4f}; committed length policy {decider.spans.policy}")
    for name in args.sets.split(","):
        t0 = time.time()
        rows = read_rows(DEV_FILE) if name == "dev" else split_by_title(read_rows(TRAIN_FILE))[name]
        if args.max_rows:
            rows = rows[: args.max_rows]
        if evidence is not None:
            prefetch(rows, states)
            states.save()
        out = evaluate(decider, rows, policies, reading, evidence)
        if states is not None:
            states.save()
        n_ans = sum(1 for r in rows if r.get("answers"))
        print(
            f"\n{name}: {len(rows)} items ({n_ans} answerable), decision AUC {out['auc']:.3f} [{time.time() - t0:.0f}s]; "
            f"decide per question: median {out['ms'][0]:.1f} ms, p90 {out['ms'][1]:.1f} ms"
        )
        for p, agg in out["figures"].items():
            mark = " <- committed" if p == decider.spans.policy else ""
            print(
                f"  {p:9s} contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}  "
                f"false_refusal {agg['false_refusal']}  refusal_rate {agg['refusal_rate']}{mark}"
            )
        for q, golds, refused, v in out["examples"][: args.show]:
            answer = "(refused)" if refused or v.choice is None else v.choice.grown(decider.spans.policy).text
            print(f"  - {q} | gold {golds} | p={v.probability:.2f} | {answer}")


if __name__ == "__main__":
    main()
