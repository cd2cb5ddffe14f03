"""bench/answer_kinds.py: the question kinds it measures come from the question's words."""

from __future__ import annotations

import pytest

from bench.answer_kinds import kind_of
from rag.answering.features import question_info


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("یہ رپورٹ کس تنظیم نے جاری کی؟", "org"),
        ("مقدمہ کن عدالتوں میں چلا؟", "org"),
        ("یہ کون سا ادارہ ہے؟", "org"),
        ("معاہدے پر کس وزیر نے دستخط کیے؟", "person"),
        ("رپورٹ کس نے لکھی؟", "person"),
        ("میلہ کہاں ہوا؟", "place"),
        ("فیکٹری کس ضلع میں ہے؟", "place"),
        ("یہ بات کس کتاب میں لکھی ہے؟", "other"),
        ("کتنے لوگ آئے؟", "other"),
        # «سے» after a noun is a postposition, not the end of «کون سے»
        ("حکومت سے ادارے نے کیا کہا؟", "other"),
    ],
)
def test_kind_of_reads_the_which_word_and_the_noun_after_it(question: str, kind: str) -> None:
    assert kind_of(question_info(question, "ur")) == kind
