"""The project's own question set on the seed article (tests/e2e/seed_own.jsonl)
is consistent: every `must` is satisfiable from the evidence lines of the
question's edition and is not met by restating the question, `forbid`
patterns do not flag the fixed refusals, histories are [question, answer]
pairs, and the set has the size and mix it promises. No model runs here;
tests/e2e/test_seed_own.py asks the questions."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from rag import metrics
from rag.config import PROJECT_ROOT
from rag.evaluation import detect_kind
from rag.prompts import REFUSALS
from rag.text import detect_language

SET = PROJECT_ROOT / "tests" / "e2e" / "seed_own.jsonl"
SEEDS = PROJECT_ROOT / "seeds"


def _items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def _edition_lines(lang: str) -> list[str]:
    """Lines of an edition, indexed by the line numbers of the Urdu original
    (the English edition is a line-by-line translation under a front matter)."""
    ur = (SEEDS / "000_22fab8ac2ad17a84.txt").read_text(encoding="utf-8").split("\n")
    if lang == "ur":
        return ur
    en = (SEEDS / "000_22fab8ac2ad17a84.en.txt").read_text(encoding="utf-8").split("\n")
    body = en[en.index("---", 1) + 1 :]
    assert len([x for x in body if x.strip()]) == len([x for x in ur if x.strip()])
    return body


ITEMS = _items()
ANSWERABLE = [i for i in ITEMS if i["kind"] == "answerable"]


def test_size_and_mix() -> None:
    assert len(ITEMS) >= 70
    assert len({i["id"] for i in ITEMS}) == len(ITEMS)
    assert {detect_kind(i) for i in ITEMS} == {"seed"}
    plain = Counter((i["kind"], i["lang"]) for i in ITEMS if "history" not in i)
    assert plain["answerable", "ur"] >= 25 and plain["answerable", "en"] >= 20
    assert plain["unanswerable", "ur"] + plain["unanswerable", "en"] >= 10
    assert plain["unanswerable", "ur"] >= 3 and plain["unanswerable", "en"] >= 3
    assert plain["adversarial", "ur"] + plain["adversarial", "en"] >= 6
    conversations = [i for i in ITEMS if "history" in i]
    assert len(conversations) >= 12
    mixes = Counter(frozenset({i["lang"], *(detect_language(q) for q, _ in i["history"])}) for i in conversations)
    assert mixes[frozenset({"ur"})] >= 3 and mixes[frozenset({"en"})] >= 3 and mixes[frozenset({"ur", "en"})] >= 3
    refused_before = [i for i in conversations if any(a in _refusal_texts() for _, a in i["history"])]
    assert len(refused_before) >= 3


def _refusal_texts() -> set[str]:
    return {text for by_lang in REFUSALS.values() for text in by_lang.values()}


@pytest.mark.parametrize("item", ANSWERABLE, ids=[i["id"] for i in ANSWERABLE])
def test_must_is_met_by_the_evidence_and_not_by_the_question(item: dict[str, Any]) -> None:
    lines = _edition_lines(item["lang"])
    evidence = " ".join(lines[n] for n in item["evidence"])
    assert evidence.strip()
    assert metrics.answerable_pass(evidence, False, item["lang"], item["must"]), evidence
    assert not metrics.must_match(item["q"], item["must"])  # restating the question does not pass
    assert detect_language(item["q"]) == item["lang"]


@pytest.mark.parametrize("item", [i for i in ITEMS if i["kind"] == "adversarial"], ids=lambda i: i["id"])
def test_forbid_does_not_flag_a_refusal(item: dict[str, Any]) -> None:
    assert item["forbid"]
    for by_lang in REFUSALS.values():
        assert not metrics.forbidden_found(by_lang[item["lang"]].format(model="m"), item["forbid"])


@pytest.mark.parametrize("item", [i for i in ITEMS if "history" in i], ids=lambda i: i["id"])
def test_history_is_question_answer_pairs(item: dict[str, Any]) -> None:
    assert item["history"]
    for pair in item["history"]:
        assert isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) and x.strip() for x in pair)
