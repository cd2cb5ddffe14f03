"""Reciprocal rank fusion and the score fusion by hand, and hybrid retrieval
on a tiny store built with the hash embedder."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.embedding import HashEmbedder
from rag.retrieval import RANK_FUSION, Fusion, aligned_groups, fuse, retrieve, rrf, score
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


# --- the vectorised ranking against the per-passage fusion it replaced ----------------


def _z(values: list[float]) -> list[float]:
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return [(v - mean) / spread if spread > 0 else 0.0 for v in values]


def _reference(store: Store, query: str, qvec: np.ndarray, k: int, article=None, language=None, groups=None, method="rank"):  # type: ignore[no-untyped-def]
    """Retrieval as it was written before scoring was shared and vectorised:
    Python lists over every passage, `rrf` on full rankings (or z-scores one
    by one), dict spreading."""
    dense = store.vectors @ qvec
    keyword = store.keyword_scores(query)
    allowed = np.array([not p.addresses_assistant for p in store.passages], dtype=bool)
    if article is not None:
        allowed &= np.array([p.article == article for p in store.passages], dtype=bool)
    candidates = np.flatnonzero(allowed)
    dense_rank = candidates[np.argsort(-dense[candidates], kind="stable")]
    kw_pos = candidates[keyword[candidates] > 0]
    kw_rank = kw_pos[np.argsort(-keyword[kw_pos], kind="stable")]
    fused = rrf([dense_rank.tolist(), kw_rank.tolist()])
    if method == "score":
        ids = candidates.tolist()
        zd, zk = _z([float(dense[i]) for i in ids]), _z([float(keyword[i]) for i in ids])
        fused = {i: d + 0.3 * w for i, d, w in zip(ids, zd, zk, strict=True)}
    if groups:
        for pid, s in list(fused.items()):
            for other in groups.get(pid, ()):
                if allowed[other] and fused.get(other, 0.0) < s:
                    fused[other] = s
    if language is not None:
        fused = {pid: s for pid, s in fused.items() if store.passages[pid].language == language}
    best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [(pid, s) for pid, s in best]


WORDS_UR = "پولیس چھاپہ بچوں بازیاب عدالت ملزم ریمانڈ ویڈیوز گروہ منگل شہر".split()
WORDS_EN = "police raid children rescued court suspect remand videos gang tuesday city".split()


def _random_store(seed: int) -> tuple[Store, HashEmbedder]:
    """Three bilingual articles and one Urdu-only one, random sentences from a
    small vocabulary (many ties and shared words), some flagged, aligned 1-1."""
    rng = np.random.default_rng(seed)
    emb = HashEmbedder(dim=8)  # few dimensions: near-equal dense scores, ties in both rankings
    passages: list[Passage] = []
    alignments: dict[str, list[list[list[int]]]] = {}
    for a in range(4):
        n = int(rng.integers(3, 9))
        for lang, words in (("ur", WORDS_UR), ("en", WORDS_EN)):
            if lang == "en" and a == 3:
                continue
            for i in range(n):
                text = " ".join(rng.choice(words, size=int(rng.integers(1, 6))))
                flagged = bool(rng.random() < 0.1)
                passages.append(Passage(len(passages), f"a{a}", lang, i, 0, len(text), text, flagged))  # type: ignore[arg-type]
        if a != 3:
            alignments[f"a{a}"] = [[[i], [i]] for i in range(n)]
    vectors = emb.embed_documents([p.text for p in passages])
    return Store(Manifest(embedder=emb.id, dim=emb.dim, alignments=alignments), passages, vectors), emb


@pytest.mark.parametrize("seed", range(12))
def test_retrieve_matches_the_reference_fusion(seed: int) -> None:
    store, emb = _random_store(seed)
    groups = aligned_groups(store)
    for q in ("police children rescued", "بچوں بازیاب عدالت", "court", "ملزم police ریمانڈ"):
        qvec = emb.embed_queries([q])[0]
        scores = score(store, q, qvec)
        for article in (None, "a0", "a1", "a3"):
            for language in (None, "ur", "en"):
                for g in (None, groups):
                    want = _reference(store, q, qvec, 6, article, language, g)
                    got = retrieve(
                        store, q, qvec, 6, article=article, language=language, groups=g, scores=scores, fusion=RANK_FUSION
                    )
                    assert [(h.passage.id, h.score) for h in got] == want, (q, article, language, g is None)


@pytest.mark.parametrize("seed", range(12))
def test_score_fusion_matches_the_reference(seed: int) -> None:
    """The default fusion against z-scores computed passage by passage; scores
    compared to rounding, and the order wherever the scores are not tied."""
    store, emb = _random_store(seed)
    groups = aligned_groups(store)
    for q in ("police children rescued", "بچوں بازیاب عدالت", "court", "ملزم police ریمانڈ"):
        qvec = emb.embed_queries([q])[0]
        scores = score(store, q, qvec)
        for article in (None, "a0", "a3"):
            for language in (None, "ur"):
                for g in (None, groups):
                    want = _reference(store, q, qvec, 6, article, language, g, method="score")
                    got = retrieve(store, q, qvec, 6, article=article, language=language, groups=g, scores=scores)
                    assert [h.score for h in got] == pytest.approx([s for _, s in want], abs=1e-9)
                    assert {h.passage.id for h in got if h.score > got[-1].score + 1e-9} <= {i for i, _ in want}


def test_score_fusion_keeps_how_far_apart_the_scores_are() -> None:
    """Reciprocal rank fusion sees only ranks: a passage first by meaning by a
    wide margin and fourth by words loses to one second by meaning (by a hair)
    and first by words. The score fusion keeps the margin."""
    dense = np.array([0.9, 0.40, 0.39, 0.38, 0.37])
    keyword = np.array([1.0, 3.0, 2.9, 2.8, 0.0])
    candidates = np.arange(5)
    by_rank = fuse(dense, keyword, candidates, 5, RANK_FUSION)
    by_score = fuse(dense, keyword, candidates, 5, Fusion("score", 0.3))
    assert int(np.argmax(by_rank)) == 1
    assert int(np.argmax(by_score)) == 0
    assert int(np.argmax(fuse(dense, keyword, candidates, 5, Fusion("score", 5.0)))) == 1  # words weighted heavily


def test_a_fusion_with_a_negative_weight_or_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        Fusion("sum")
    with pytest.raises(ValueError, match="keyword_weight"):
        Fusion("score", -1.0)


def test_precomputed_scores_give_the_same_hits() -> None:
    store, emb = _store({"raid": [[[1], [2]]]})
    q = "کتنے بچوں کو بازیاب کرایا گیا؟"
    qvec = emb.embed_queries([q])[0]
    scores = score(store, q, qvec)
    for kw in ({}, {"article": "raid", "language": "en"}):
        assert retrieve(store, q, qvec, 3, scores=scores, **kw) == retrieve(store, q, qvec, 3, **kw)  # type: ignore[arg-type]


def test_flagged_passage_is_never_a_hit_even_through_its_alignment() -> None:
    store, emb = _store({"raid": [[[1], [2]]]})
    flagged = [replace(p, addresses_assistant=True) if p.id == 5 else p for p in store.passages]
    store = Store(store.manifest, flagged, store.vectors)
    q = "کتنے بچوں کو بازیاب کرایا گیا؟"
    hits = _ask(store, emb, q, k=10, groups=aligned_groups(store))
    assert 5 not in {h.passage.id for h in hits}
    assert 1 in {h.passage.id for h in hits}


def test_keyword_weight_zero_ranks_by_meaning_alone() -> None:
    store, emb = _random_store(3)
    for q in ("police children rescued", "بچوں بازیاب عدالت"):
        qvec = emb.embed_queries([q])[0]
        scores = score(store, q, qvec)
        order = np.argsort(-scores.dense[store.searchable], kind="stable")
        for method in ("rank", "score"):
            dense_only = retrieve(store, q, qvec, 6, scores=scores, fusion=Fusion(method, 0.0))
            assert [h.passage.id for h in dense_only] == np.flatnonzero(store.searchable)[order][:6].tolist()
        assert retrieve(store, q, qvec, 6, scores=scores, fusion=Fusion()) == retrieve(store, q, qvec, 6, scores=scores)
