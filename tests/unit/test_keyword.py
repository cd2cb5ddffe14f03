"""The keyword index (rag/keyword.py): BM25 scores against a by-hand
computation of the formula, and the incremental operations (add, take,
extend, save/load) against an index built at once from the same passages."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from rag.keyword import EMPTY, K1, B, KeywordIndex
from rag.store import keyword_tokens

DOCS = [
    "پولیس نے مظفر گڑھ میں چھاپہ مارا۔",
    "چھاپے کے دوران چھ بچوں کو بازیاب کرایا گیا۔ بچوں کو گھر بھیجا گیا۔",
    "ملزمان ویڈیوز فروخت کرتے تھے۔",
    "Police arrested the suspect on Tuesday; police said the suspect fled.",
    "",
    "عدالت نے ملزم کو ریمانڈ پر بھیج دیا۔",
    "The court sent the suspect on remand on Tuesday.",
]
TOKENS = [keyword_tokens(d) for d in DOCS]


def _by_hand(docs: list[list[str]], query: list[str]) -> list[float]:
    """BM25 as written in the module docstring, with Python loops."""
    docs = [d or [EMPTY] for d in docs]
    n = len(docs)
    avg = sum(len(d) for d in docs) / n
    out = []
    for d in docs:
        s = 0.0
        for w in query:
            df = sum(1 for x in docs if w in x)
            if df == 0:
                continue
            tf = d.count(w)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += idf * tf / (tf + K1 * (1 - B + B * len(d) / avg))
        out.append(s)
    return out


@pytest.mark.parametrize(
    "query",
    ["بچوں کو بازیاب", "suspect Tuesday", "police police", "zebra کرکٹ", "", "ملزم، عدالت؟ Police ۲۰۲۵"],
)
def test_scores_are_bm25_by_hand(query: str) -> None:
    q = keyword_tokens(query)
    got = KeywordIndex.from_tokens(TOKENS).scores(q)
    np.testing.assert_allclose(got, _by_hand(TOKENS, q), rtol=1e-5, atol=1e-7)


def test_repeated_query_word_counts_twice() -> None:
    index = KeywordIndex.from_tokens(TOKENS)
    once = index.scores(keyword_tokens("suspect"))
    twice = index.scores(keyword_tokens("suspect suspect"))
    assert once.max() > 0
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-6)


def test_adding_passages_equals_building_at_once() -> None:
    whole = KeywordIndex.from_tokens(TOKENS)
    grown = KeywordIndex.from_tokens(TOKENS[:3])
    grown.scores(keyword_tokens("suspect"))  # a query before the add: the inverted lists must be rebuilt after it
    grown.add(TOKENS[3:5])
    grown.add(TOKENS[5:])
    for q in ("suspect Tuesday", "بچوں کو بازیاب", "remand عدالت"):
        np.testing.assert_array_equal(grown.scores(keyword_tokens(q)), whole.scores(keyword_tokens(q)))


def test_extend_maps_the_other_vocabulary() -> None:
    left = KeywordIndex.from_tokens(TOKENS[:4])
    left.extend(KeywordIndex.from_tokens(TOKENS[4:]))
    whole = KeywordIndex.from_tokens(TOKENS)
    assert left.size == whole.size == len(DOCS)
    for q in ("suspect Tuesday remand", "ملزم عدالت"):
        np.testing.assert_allclose(left.scores(keyword_tokens(q)), whole.scores(keyword_tokens(q)), rtol=1e-6)


def test_take_equals_an_index_of_those_passages() -> None:
    rows = [6, 0, 3, 4]
    taken = KeywordIndex.from_tokens(TOKENS).take(rows)
    fresh = KeywordIndex.from_tokens([TOKENS[i] for i in rows])
    for q in ("suspect Tuesday", "پولیس چھاپہ", "مظفر"):
        np.testing.assert_allclose(taken.scores(keyword_tokens(q)), fresh.scores(keyword_tokens(q)), rtol=1e-6)
    assert taken.take([]).size == 0


def test_save_load_round_trip(tmp_path: Path) -> None:
    index = KeywordIndex.from_tokens(TOKENS)
    index.save(tmp_path)
    assert KeywordIndex.saved_in(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    q = keyword_tokens("بچوں کو بازیاب suspect")
    np.testing.assert_array_equal(loaded.scores(q), index.scores(q))


def test_empty_index_scores_nothing() -> None:
    assert KeywordIndex().scores(["x"]).shape == (0,)


def test_arrays_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        KeywordIndex({"a": 0}, np.array([0, 2]), np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="outside its vocabulary"):
        KeywordIndex({"a": 0}, np.array([0, 1]), np.array([3]), np.array([1]))
