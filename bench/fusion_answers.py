"""The Urdu answers (contains_gold, token F1, false refusals) of the committed
decision when its candidates are the top 4 of a whole title under each
retrieval fusion: reciprocal rank fusion (the pipeline's until stop 24) and
the score fusion (rag/retrieval.py, keyword weight 0.3). A measurement: no
runtime change.

    python -m bench.fusion_answers [--cache FILE] [--train-titles 60]

Data: the calib and held-out Urdu SQuAD titles of bench/retrieval_fusion.py
(same selection, same `--cache` of vectors), and `--train-titles` titles of
the train slice; the answerable questions whose gold sentence can be found.
The decision, span cut and sentence choice are those of
bench/sentence_dense.title_answers (without the span reader's recut).
"""

from __future__ import annotations

import numpy as np

from bench.retrieval_fusion import command_line_slices, fused_order, score_order, title_orders
from bench.sentence_dense import LANG, TitlePick, title_answers
from rag.answering.decision import Decider
from rag.keyword import KeywordIndex
from rag.retrieval import FUSION
from rag.store import keyword_tokens


def picks(sl, docs: np.ndarray, qs: np.ndarray, method: str) -> list[TitlePick]:  # type: ignore[no-untyped-def]
    """Each question's top 4 of its title under `method` ("rank" at weight 1, or "score")."""
    kw = KeywordIndex.from_tokens([keyword_tokens(s) for s in sl.texts])
    out: list[TitlePick] = []
    for (q, t, gold), v in zip(sl.questions, qs, strict=True):
        if method == "rank":
            top = fused_order(*title_orders(sl.title_of, kw, docs, t, q, v), 1.0)[:4]
        else:
            rows = np.flatnonzero(sl.title_of == t)
            top = score_order(docs[rows] @ v, kw.scores(keyword_tokens(q))[rows], rows, FUSION.keyword_weight)[:4]
        out.append((q, top, gold, v))
    return out


def main() -> None:
    data = command_line_slices(__doc__, train_titles=60)
    decider = Decider.load(LANG)
    for name, (sl, docs, qs) in data.items():
        for method in ("rank", "score"):
            agg = title_answers(sl, docs, picks(sl, docs, qs, method), decider)
            print(
                f"{name:8s} {method:5s} fusion: contains_gold {agg['contains_gold']}  token_f1 {agg['token_f1']}"
                f"  false_refusal {agg['false_refusal']}  (n {agg['n']:.0f})"
            )


if __name__ == "__main__":
    main()
