"""Reciprocal rank fusion by hand, and hybrid retrieval on a tiny store built
with the hash embedder."""

from __future__ import annotations

import numpy as np

from rag.embedding import HashEmbedder
from rag.retrieval import aligned_groups, retrieve, rrf
from rag.store import Manifest, Store
from rag.types import Passage


def test_rrf_exact_scores_k60() -> None:
    scores = rrf([[10, 20, 30], [30, 10]])
    assert scores == {
        10: 1 / 61 + 1 / 62,
        20: 1 / 62,
        30: 1 / 63 + 1 / 61,
    }


def test_rrf_custom_k() -> None:
    assert rrf([[1, 2]], k=0) == {1: 1.0, 2: 0.5}


def test_rrf_empty_rankings() -> None:
    assert rrf([[], []]) == {}


def test_rrf_agreement_beats_a_single_first_place() -> None:
    scores = rrf([[1, 2], [2, 3]])
    assert scores[2] > scores[1] > scores[3]


UR = [
    "پولیس نے مظفر گڑھ میں چھاپہ مارا۔",
    "چھاپے کے دوران چھ بچوں کو بازیاب کرایا گیا۔",
    "عدالت نے ملزم کو ریمانڈ پر بھیج دیا۔",
]
EN = [
    "The court sent the suspect on remand.",
    "Police raided a studio in Muzaffargarh.",
    "Six children were rescued during the operation.",
]
OTHER = ["Cricket fans celebrated the victory in Lahore."]


def _store(alignments: dict[str, list[list[list[int]]]] | None = None) -> tuple[Store, HashEmbedder]:
    emb = HashEmbedder()
    passages = []
    for article, lang, texts in (("raid", "ur", UR), ("raid", "en", EN), ("cricket", "en", OTHER)):
        for i, t in enumerate(texts):
            passages.append(Passage(len(passages), article, lang, i, 0, len(t), t))  # type: ignore[arg-type]
    vectors = emb.embed_documents([p.text for p in passages])
    manifest = Manifest(embedder=emb.id, dim=emb.dim, alignments=alignments or {})
    return Store(manifest, passages, vectors), emb


def _ask(store: Store, emb: HashEmbedder, q: str, **kw):  # type: ignore[no-untyped-def]
    return retrieve(store, q, emb.embed_queries([q])[0], **kw)


def test_retrieve_finds_passage_by_keywords() -> None:
    store, emb = _store()
    hits = _ask(store, emb, "کتنے بچوں کو بازیاب کرایا گیا؟", k=3)
    assert hits[0].passage.text == UR[1]
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].score >= hits[1].score >= hits[2].score


def test_retrieve_english_keywords() -> None:
    store, emb = _store()
    hits = _ask(store, emb, "How many children were rescued?", k=1)
    assert hits[0].passage.text == EN[2]


def test_retrieve_respects_k() -> None:
    store, emb = _store()
    assert len(_ask(store, emb, "police", k=2)) == 2


def test_retrieve_article_filter() -> None:
    store, emb = _store()
    hits = _ask(store, emb, "victory in Lahore", k=10, article="raid")
    assert hits
    assert {h.passage.article for h in hits} == {"raid"}
    hits = _ask(store, emb, "victory in Lahore", k=10, article="cricket")
    assert [h.passage.text for h in hits] == OTHER


def test_retrieve_language_filter_without_alignment() -> None:
    store, emb = _store()
    hits = _ask(store, emb, "کتنے بچوں کو بازیاب کرایا گیا؟", k=6, language="en")
    assert {h.passage.language for h in hits} == {"en"}


def test_aligned_groups_are_symmetric() -> None:
    store, _ = _store({"raid": [[[1], [2]], [[2], [0]]]})
    groups = aligned_groups(store)
    # ur 1 (id 1) <-> en 2 (id 5); ur 2 (id 2) <-> en 0 (id 3)
    assert groups == {1: {5}, 5: {1}, 2: {3}, 3: {2}}


def test_retrieve_aligned_propagation_brings_other_language() -> None:
    store, emb = _store({"raid": [[[1], [2]]]})
    q = "کتنے بچوں کو بازیاب کرایا گیا؟"
    without = _ask(store, emb, q, k=1, article="raid", language="en")
    with_groups = _ask(store, emb, q, k=1, article="raid", language="en", groups=aligned_groups(store))
    urdu_top = _ask(store, emb, q, k=1, article="raid")[0]
    assert urdu_top.passage.text == UR[1]
    assert with_groups[0].passage.text == EN[2]
    assert with_groups[0].score == urdu_top.score
    assert without[0].score < urdu_top.score


def test_retrieve_empty_store() -> None:
    emb = HashEmbedder()
    store = Store(Manifest(embedder=emb.id, dim=emb.dim), [], np.zeros((0, emb.dim), np.float32))
    assert retrieve(store, "x", emb.embed_queries(["x"])[0], k=3) == []
