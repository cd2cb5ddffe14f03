"""Do count questions that count people or things get an amount of time as
their answer? The measurement behind the rule in
rag/answering/features.py (`_type_ok`): for a count question whose cue
counts a noun («کتنے بچوں», "how many children") and that asks for no
amount of time or age (`QuestionInfo.counts_things`), a number that counts units of time
("28 days", «6 سے 10 سال») is not of the kind asked for. "How much was the
punishment?" («سزا کتنی تھی؟») counts no noun: a term of years answers it.

    python -m bench.count_units [--show 10]

Over the answerable rows of Urdu SQuAD 2.0 train (all titles: nothing is
fitted, the rule's word lists come from the language pack), the count
questions (`question_info(...).qtype == "number"`) are split by whether they
count people or things (`QuestionInfo.counts_things`) and whether their gold answer
holds a number of a unit of time (`_amounts_of_time`) and any number at
all. Printed: the table, and the rows the rule would get wrong (a gold
answer that is only an amount of time, for a question that counts things).
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.answerer_data import TRAIN_FILE, read_rows
from rag.answering.features import question_info, sentence_view


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
        things = q.counts_things
        table[(things, kind)] += 1
        if things and kind == "only time":
            wrong.append((row["question"], row["answers"][0]))
    print("count questions of UQA train (answerable), by what the gold answer holds:")
    print(f"{'counts people or things':28s} {'a count':>8s} {'only time':>10s} {'no number':>10s}")
    for things in (True, False):
        cells = [table[(things, k)] for k in ("a count", "only time", "no number")]
        print(f"{'yes' if things else 'no':28s} {cells[0]:8d} {cells[1]:10d} {cells[2]:10d}")
    n = sum(v for (things, _), v in table.items() if things)
    print(f"\nthe rule is wrong for {len(wrong)} of {n} questions that count people or things "
          f"({100 * len(wrong) / max(1, n):.1f}%)")
    for question, answer in wrong[: args.show]:
        print(f"  {question}  ->  {answer}")


if __name__ == "__main__":
    main()
