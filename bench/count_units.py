"""Do count questions that ask for no amount of time get an amount of time as
their answer? The measurement behind the rule in
rag/answering/features.py (`_type_ok`): for a count question, a number that
counts units of time ("28 days", «6 سے 10 سال») is not of the kind asked for,
unless the question asks for an amount of time or an age.

    python -m bench.count_units [--show 10]

Over the answerable rows of Urdu SQuAD 2.0 train (all titles: nothing is
fitted, the rule's word lists come from the language pack), the count
questions (`question_info(...).qtype == "number"`) are split by whether they
ask for an amount of time (`_asks_amount_of_time`) and whether their gold
answer holds a number of a unit of time (`_amounts_of_time`) and any
number at all. Printed: the table, and the rows the rule would get wrong
(a gold answer that is only an amount of time, for a question that asks for
none).
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.answerer_data import TRAIN_FILE, read_rows
from rag.answering.features import _asks_amount_of_time, question_info, sentence_view


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", type=int, default=10, help="print up to N rows the rule gets wrong")
    args = ap.parse_args()
    table: Counter[tuple[bool, str]] = Counter()
    wrong = []
    for row in read_rows(TRAIN_FILE):
        if row["kind"] != "answerable":
            continue
        q = question_info(row["question"], "ur")
        if q.qtype != "number":
            continue
        view = sentence_view(q, row["answers"][0])
        numbers = [k for k in view.kind if k["digit"] or k["numword"]]
        timed = [k for k in numbers if k.get("duration")]
        kind = "no number" if not numbers else "only time" if len(timed) == len(numbers) else "a count"
        asks = _asks_amount_of_time(q)
        table[(asks, kind)] += 1
        if not asks and kind == "only time":
            wrong.append((row["question"], row["answers"][0]))
    print("count questions of UQA train (answerable), by what the gold answer holds:")
    print(f"{'asks for an amount of time':28s} {'a count':>8s} {'only time':>10s} {'no number':>10s}")
    for asks in (False, True):
        cells = [table[(asks, k)] for k in ("a count", "only time", "no number")]
        print(f"{'yes' if asks else 'no':28s} {cells[0]:8d} {cells[1]:10d} {cells[2]:10d}")
    n = sum(v for (asks, _), v in table.items() if not asks)
    print(f"\nthe rule is wrong for {len(wrong)} of {n} questions that ask for no amount of time "
          f"({100 * len(wrong) / max(1, n):.1f}%)")
    for question, answer in wrong[: args.show]:
        print(f"  {question}  ->  {answer}")


if __name__ == "__main__":
    main()
