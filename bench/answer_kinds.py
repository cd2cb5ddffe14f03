"""Wrong spans in the right sentence, per question kind: does the span scorer
cut the wrong kind of thing for "which institution / who / where" questions?

    python -m bench.answer_kinds [--sets holdout,dev] [--max-rows N] [--show 0]

(`--sets calib` scores the calibration slice: never fitted on by the span
scorer, but used to choose the answer window and the threshold.)

Question kinds, from the Urdu pack's cue table (`rag.lang.ur`):
- org: a "which" word («کس», «کن», «کون سا», ...) followed by an organisation
  head noun (`ORG_NOUNS` below: «کس ادارے», «کن تنظیموں»);
- person: the pack's person cues («کون», «کس نے», «کسے», ...), or a "which" word
  followed by a title or role (`PERSON_NOUNS`: «کس صدر»);
- place: the pack's place cues («کہاں», «کس شہر», «کس ملک», ...), or a "which"
  word followed by a place noun (`PLACE_NOUNS`: «کس ضلع»);
- other: everything else (numbers, dates, reasons, other "which"/"what").

For each answerable item (committed weights, BM25 top-k as in
bench/eval_answerer.py), per kind:
- n, contains_gold and token F1 end to end (a refusal scores 0, as `khabar eval`);
- right sentence: the chosen sentence (the decision's choice, refused or not)
  contains a gold answer;
- wrong span: of those, the share whose chosen answer window does not contain
  a gold answer (the span scorer, not retrieval or the sentence choice, lost it);
- numeric: of the wrong spans, the share whose answer holds a digit, month or
  number word (a date or figure given for a who/which/where question).

Tried with it (2026-11-29, not kept): these head nouns as span features
(span holds an organisation noun / title / place noun, per question type;
span after a title; organisation or place noun after the span) and "which"
+ noun as a question type («کس ادارے» -> organisation), refitted with
bench/train_answerer.py; and, without refitting, a mask against spans with a
digit, year or month for person and place questions. Neither raised held-out
contains_gold and F1 together, nor lowered the wrong-span rate overall.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from bench.answerer_data import DEV_FILE, TRAIN_FILE, read_rows, score_uqa, split_by_title
from bench.train_answerer import candidates_for
from rag import metrics
from rag.answering.decision import Decider
from rag.answering.features import QuestionInfo, question_info, sentence_view
from rag.text import normalize

KINDS = ("org", "person", "place", "other")
# General Urdu head nouns (not from any article or development question). They live here, not in the
# language pack: as span features they did not help on UQA (see the module docstring), and here they
# keep the kinds the same whatever the answerer under test knows.
ORG_NOUNS = """ادارہ ادارے اداروں تنظیم تنظیموں محکمہ محکمے محکموں کمیشن وزارت وزارتوں ایجنسی ایجنسیوں بیورو عدالت
    عدالتوں پولیس یونیورسٹی جامعہ کمپنی کمپنیوں جماعت جماعتوں پارٹی حکومت فوج بینک کونسل کمیٹی اسمبلی
    فاؤنڈیشن انجمن اکیڈمی کالج اسکول سکول ہسپتال اسپتال فرم ٹیم کلب لیگ تحریک فورس اتھارٹی کارپوریشن
    ایسوسی بورڈ ٹرسٹ سوسائٹی یونین""".split()
PERSON_NOUNS = """صاحب صاحبہ جناب محترم محترمہ ڈاکٹر مولانا مولوی شیخ بیگم سید پروفیسر صدر وزیر وزیراعظم جج جسٹس
    چیئرمین سربراہ ڈائریکٹر افسر کپتان جنرل کرنل میجر بادشاہ شہزادہ شہزادی امام پادری گورنر مصنف شاعر
    اداکار کھلاڑی سینیٹر ترجمان""".split()
PLACE_NOUNS = """شہر شہروں ضلع اضلاع صوبہ صوبے صوبوں ملک ممالک گاؤں ریاست ریاستوں علاقہ علاقے علاقوں قصبہ قصبے تحصیل
    دارالحکومت دریا پہاڑ جزیرہ جزیرے براعظم خطہ خطے بندرگاہ مقام""".split()
_HEADS = (
    (frozenset(normalize(w) for w in ORG_NOUNS), "org"),
    (frozenset(normalize(w) for w in PERSON_NOUNS), "person"),
    (frozenset(normalize(w) for w in PLACE_NOUNS), "place"),
)
# the pack's "which" cues
_WHICH = tuple(normalize(w).split() for w in ("کون سا", "کون سی", "کون سے", "کونسا", "کونسی", "کونسے", "کس", "کن"))


def kind_of(q: QuestionInfo) -> str:
    """org / person / place / other (see the module docstring), from the question's words only."""
    norms = [t.norm for t in q.toks]
    for i in range(len(norms)):
        cue = next((c for c in _WHICH if norms[i : i + len(c)] == c), None)
        if cue is not None and i + len(cue) < len(norms):
            head = norms[i + len(cue)]
            for heads, kind in _HEADS:
                if head in heads:
                    return kind
    if q.qtype in ("person", "place"):
        return q.qtype
    return "other"


def numeric(text: str, q: QuestionInfo) -> bool:
    view = sentence_view(q, text)
    return any(k["digit"] or k["month"] or k["numword"] or k["year"] for k in view.kind)


def measure(decider: Decider, rows: list[dict[str, Any]], show: int = 0) -> dict[str, dict[str, float]]:
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    shown: dict[str, int] = defaultdict(int)
    for r in rows:
        golds = r.get("answers") or []
        if not golds:
            continue
        q = question_info(r["question"], "ur")
        kind = kind_of(q)
        cands = candidates_for(r)
        v = decider.decide(r["question"], cands)
        refused = not v.answerable or v.choice is None
        answer = "" if v.choice is None else v.choice.span.text
        fig = score_uqa("" if refused else answer, refused, golds)
        right = v.choice is not None and metrics.contains_gold(cands_text(cands, v.choice.sentence_index), golds)
        wrong = right and not metrics.contains_gold(answer, golds)
        per[kind].append({**fig, "right": right, "wrong": wrong, "numeric": wrong and numeric(answer, q)})
        if wrong and shown[kind] < show:
            shown[kind] += 1
            print(f"  [{kind}] {r['question']} | gold {golds[0]} | answer {answer}")
    out = {}
    for kind in (*KINDS, "all"):
        items = [x for k in KINDS for x in per[k]] if kind == "all" else per[kind]
        n = len(items)
        rights = [x for x in items if x["right"]]
        wrongs = [x for x in rights if x["wrong"]]
        out[kind] = {
            "n": n,
            "contains": 100 * sum(x["contains_gold"] for x in items) / max(1, n),
            "f1": 100 * sum(x["token_f1"] for x in items) / max(1, n),
            "right": len(rights),
            "wrong_span": 100 * len(wrongs) / max(1, len(rights)),
            "numeric": 100 * sum(x["numeric"] for x in wrongs) / max(1, len(wrongs)),
        }
    return out


def cands_text(cands: list[Any], index: int) -> str:
    return str(sorted(cands, key=lambda c: c.rank)[index].text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="holdout,dev")
    ap.add_argument("--max-rows", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print the first N wrong spans of each kind")
    args = ap.parse_args()
    decider = Decider.load("ur")
    for name in args.sets.split(","):
        rows = read_rows(DEV_FILE) if name == "dev" else split_by_title(read_rows(TRAIN_FILE))[name]
        if args.max_rows:
            rows = rows[: args.max_rows]
        out = measure(decider, rows, args.show)
        print(f"\n{name}: answerable items per question kind (policy {decider.spans.policy})")
        print(
            f"  {'kind':6s} {'n':>5s} {'contains':>8s} {'F1':>5s} {'right sent':>10s} {'wrong span':>10s} {'numeric':>8s}"
        )
        for kind, f in out.items():
            print(
                f"  {kind:6s} {f['n']:5.0f} {f['contains']:8.1f} {f['f1']:5.1f} {f['right']:10.0f} "
                f"{f['wrong_span']:9.1f}% {f['numeric']:7.1f}%"
            )


if __name__ == "__main__":
    main()
