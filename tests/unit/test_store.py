"""The on-disk index: real vectors and keyword index, a save/load round trip, and the
atomic swap surviving an interrupted save."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexMissingError, KhabarError
from rag.store import Manifest, Store, keyword_tokens
from rag.types import Passage

TEXTS = [
    "پولیس نے مظفر گڑھ میں چھاپہ مارا۔",
    "چھاپے کے دوران چھ بچوں کو بازیاب کرایا گیا۔",
    "ملزمان ویڈیوز فروخت کرتے تھے۔",
    "Police arrested the suspect on Tuesday.",
    "عدالت نے ملزم کو ریمانڈ پر بھیج دیا۔",
]
DIM = 16


def _store(seed: int = 0) -> Store:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(TEXTS), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = []
    pos = 0
    for i, t in enumerate(TEXTS):
        lang = "en" if t.isascii() else "ur"
        passages.append(Passage(id=i, article="a", language=lang, index=i, start=pos, end=pos + len(t), text=t))
        pos += len(t) + 1
    manifest = Manifest(embedder="test", dim=DIM, editions={"a:ur": {"sha256": "x"}})
    return Store(manifest, passages, vectors)


def _query(seed: int = 1) -> np.ndarray:
    q = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return q / np.linalg.norm(q)


def test_dense_scores_are_cosine_similarities() -> None:
    store = _store()
    q = _query()
    np.testing.assert_allclose(store.dense_scores(q), store.vectors @ q, rtol=1e-5, atol=1e-6)


WORDS = "police raid children rescued court suspect remand videos gang tuesday city پولیس چھاپہ بچوں بازیاب عدالت".split()


def _random_store() -> tuple[Store, np.ndarray]:
    """600 random unit vectors of 32 dimensions, 60 of them copied onto other
    rows (equal vectors must tie, lower id first), 20 articles of short random
    texts; 4 random queries and 2 that equal a copied row (rows 75 and 520)."""
    rng = np.random.default_rng(2026)
    n, dim = 600, 32
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    perm = rng.permutation(n)
    vectors[perm[100:160]] = vectors[perm[:60]]
    passages = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(2, 7))))
        passages.append(Passage(i, f"a{i // 30}", "en", i % 30, 0, len(text), text))
    queries = rng.standard_normal((4, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    queries = np.vstack([queries, vectors[perm[:2]]])
    return Store(Manifest(embedder="random", dim=dim), passages, vectors), queries


# Computed at 31ea59c, from IndexFlatIP.search (k = all passages) of a FAISS index built beside the vectors.
FAISS_TOP10 = [
    [477, 369, 361, 351, 569, 425, 274, 363, 286, 482],
    [497, 38, 353, 29, 150, 244, 492, 540, 599, 65],
    [406, 537, 561, 234, 50, 550, 29, 86, 329, 305],
    [382, 453, 411, 142, 500, 154, 44, 344, 280, 303],
    [75, 466, 198, 96, 134, 412, 346, 467, 187, 460],  # 466 is a copy of 75
    [116, 520, 493, 505, 252, 304, 552, 201, 311, 131],  # 116 is a copy of 520
]
FAISS_RETRIEVED = [  # retrieve(k=8) over the whole store, then retrieve(k=5) in article a3
    ([274, 12, 351, 494, 255, 286, 92, 477], [93, 92, 107, 114, 104]),
    ([38, 365, 494, 492, 150, 472, 353, 25], [93, 101, 100, 102, 105]),
    ([86, 494, 160, 50, 384, 38, 120, 12], [101, 107, 103, 98, 119]),
    ([303, 280, 344, 416, 12, 245, 274, 358], [98, 101, 114, 100, 93]),
    ([346, 92, 15, 167, 51, 255, 316, 134], [92, 95, 104, 100, 106]),
    ([25, 38, 346, 437, 552, 219, 316, 252], [95, 98, 114, 119, 101]),
]


def test_dense_ranking_and_retrieval_are_those_of_the_faiss_search_at_31ea59c() -> None:
    from rag.retrieval import RANK_FUSION, retrieve

    store, queries = _random_store()
    for q, top10, (whole, in_article) in zip(queries, FAISS_TOP10, FAISS_RETRIEVED, strict=True):
        scores = store.dense_scores(q)
        assert scores.dtype == np.float32 and scores.shape == (600,)
        assert np.argsort(-scores, kind="stable")[:10].tolist() == top10
        query = "police rescued children بچوں"
        # the retrieved ids were computed with reciprocal rank fusion, the fusion of 31ea59c
        assert [h.passage.id for h in retrieve(store, query, q, k=8, fusion=RANK_FUSION)] == whole
        assert [h.passage.id for h in retrieve(store, query, q, k=5, article="a3", fusion=RANK_FUSION)] == in_article


def test_equal_vectors_score_equal_wherever_they_stand() -> None:
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((1001, 768)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[[1, 500, 998, 999, 1000]] = vectors[0]  # first, middle, and the last rows of any block
    passages = [Passage(i, "a", "en", i, 0, 1, "x") for i in range(len(vectors))]
    store = Store(Manifest(embedder="random", dim=768), passages, vectors)
    for q in rng.standard_normal((20, 768)).astype(np.float32):
        scores = store.dense_scores(q)
        assert len(set(scores[[0, 1, 500, 998, 999, 1000]].tolist())) == 1


def test_the_vectors_are_the_faiss_index_storage_not_a_copy(tmp_path: Path) -> None:
    """One copy of the vectors: `Store.vectors` is a read-only view of the FAISS
    IndexFlatIP's own memory, after building, loading and leaving an article out;
    a store made from another store's vectors takes over its index."""
    import faiss

    def assert_view_of_its_index(store: Store) -> None:
        index = store.vector_index()
        assert isinstance(index, faiss.IndexFlatIP) and (index.ntotal, index.d) == store.vectors.shape
        assert store.vectors.ctypes.data == int(index.get_xb())
        assert np.shares_memory(store.vectors, faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d))
        assert not store.vectors.flags.writeable
        # the index is a working FAISS index of those vectors: each row finds itself first
        _, ids = index.search(np.ascontiguousarray(store.vectors[:3]), 1)
        assert ids[:, 0].tolist() == [0, 1, 2]

    given = _store().vectors.copy()
    store = Store(_store().manifest, _store().passages, given)
    assert_view_of_its_index(store)
    assert not np.shares_memory(store.vectors, given)  # copied in once; the caller's array is the caller's
    np.testing.assert_array_equal(store.vectors, given)
    same = Store(store.manifest, store.passages, store.vectors)
    assert same.vector_index() is store.vector_index()
    assert not np.shares_memory(Store(store.manifest, store.passages[:4], store.vectors[:4]).vectors, store.vectors)
    store.save(tmp_path / "index")
    loaded = Store.load(tmp_path / "index")
    assert_view_of_its_index(loaded)
    np.testing.assert_array_equal(loaded.vectors, given)
    rest = loaded.without("missing")
    assert_view_of_its_index(rest)
    assert not np.shares_memory(rest.vectors, loaded.vectors)


def test_a_view_of_the_vectors_keeps_the_index_alive() -> None:
    """A bare `faiss.rev_swig_ptr` array would point into freed memory once the
    store and its index are gone; the view holds the index."""
    import gc
    import weakref

    store = _store()
    expected = store.vectors.copy()
    index = weakref.ref(store.vector_index())
    view = store.vectors
    del store
    gc.collect()
    assert index() is not None
    np.testing.assert_array_equal(view, expected)
    del view
    gc.collect()
    assert index() is None


def test_loading_reads_the_vectors_into_the_index_without_a_second_copy(tmp_path: Path) -> None:
    """`Store.load` of 20,000 x 768 vectors (61 MB) raises the peak resident size
    by about one copy of them (np.load then IndexFlatIP.add would need two), and
    importing the store does not load faiss."""
    import subprocess
    import sys

    from rag.config import PROJECT_ROOT

    n, dim = 20000, 768
    vectors = np.random.default_rng(7).standard_normal((n, dim), dtype=np.float32)
    Store(Manifest("t", dim), [Passage(i, "a", "en", i, 0, 1, "x") for i in range(n)], vectors).save(tmp_path / "index")
    code = (
        "import sys; from pathlib import Path; from rag.store import Store; "
        "assert 'faiss' not in sys.modules, 'faiss imported with rag.store'; "
        "import faiss, numpy, json; "
        "hwm = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024; "
        "before = hwm(); s = Store.load(Path(sys.argv[1])); "
        "print(json.dumps([hwm() - before, s.vectors.nbytes]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "index")], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    grown, nbytes = (int(x) for x in proc.stdout.split("[")[1].rstrip().rstrip("]").split(","))
    assert nbytes == n * dim * 4
    assert grown < 1.5 * nbytes, f"peak rose {grown / 1e6:.0f} MB for {nbytes / 1e6:.0f} MB of vectors"


def test_vectors_file_cut_short_says_to_rebuild(tmp_path: Path) -> None:
    _store().save(tmp_path / "index")
    path = tmp_path / "index" / "vectors.npy"
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(KhabarError, match="cut short.*khabar index --rebuild"):
        Store.load(tmp_path / "index")


def test_vectors_file_in_another_layout_still_loads(tmp_path: Path) -> None:
    """float64 or Fortran-ordered vectors (not what `save` writes) are converted on load."""
    store = _store()
    q = _query()
    store.save(tmp_path / "index")
    for layout in (store.vectors.astype(np.float64), np.asfortranarray(store.vectors)):
        np.save(tmp_path / "index" / "vectors.npy", layout)
        loaded = Store.load(tmp_path / "index")
        np.testing.assert_array_equal(loaded.vectors, store.vectors)
        np.testing.assert_array_equal(loaded.dense_scores(q), store.dense_scores(q))


@pytest.mark.parametrize("dim", [2, 4, 8, 12, 16, 32])
def test_equal_vectors_tie_with_few_dimensions(dim: int) -> None:
    """FAISS scores several rows at once below 16 dimensions; equal vectors
    must still score equal, wherever they stand."""
    rng = np.random.default_rng(dim)
    vectors = rng.standard_normal((1001, dim)).astype(np.float32)
    vectors[[1, 7, 8, 500, 998, 999, 1000]] = vectors[0]
    store = Store(Manifest("random", dim), [Passage(i, "a", "en", i, 0, 1, "x") for i in range(1001)], vectors)
    for q in rng.standard_normal((20, dim)).astype(np.float32):
        scores = store.dense_scores(q)
        assert len(set(scores[[0, 1, 7, 8, 500, 998, 999, 1000]].tolist())) == 1
        np.testing.assert_allclose(scores, vectors.astype(np.float64) @ q, rtol=1e-5, atol=1e-5)


def test_dense_scores_reject_a_query_of_another_dimension() -> None:
    with pytest.raises(ValueError, match="a query of 8 dimensions for vectors of 16"):
        _store().dense_scores(np.ones(8, dtype=np.float32))


def test_an_empty_store_scores_nothing() -> None:
    store = Store(Manifest("t", 32), [], np.zeros((0, 32), dtype=np.float32))
    assert store.vectors.shape == (0, 32) and store.vector_index().ntotal == 0
    assert store.dense_scores(np.ones(32, dtype=np.float32)).shape == (0,)


def test_save_load_round_trip_keeps_passages_and_manifest(tmp_path: Path) -> None:
    store = _store()
    store.save(tmp_path / "index")
    loaded = Store.load(tmp_path / "index")
    assert loaded.passages == store.passages
    assert loaded.manifest == store.manifest
    np.testing.assert_array_equal(loaded.vectors, store.vectors)


def test_save_load_dense_order_identical(tmp_path: Path) -> None:
    store = _store()
    q = _query()
    before = store.dense_scores(q)
    store.save(tmp_path / "index")
    after = Store.load(tmp_path / "index").dense_scores(q)
    assert list(np.argsort(-before)) == list(np.argsort(-after))
    np.testing.assert_allclose(before, after, rtol=1e-6)


def test_save_load_keyword_scores_identical(tmp_path: Path) -> None:
    store = _store()
    before = store.keyword_scores("بچوں کو بازیاب")
    store.save(tmp_path / "index")
    after = Store.load(tmp_path / "index").keyword_scores("بچوں کو بازیاب")
    np.testing.assert_allclose(before, after, rtol=1e-6)


def test_keyword_scores_urdu_finds_the_sentence() -> None:
    scores = _store().keyword_scores("کتنے بچے بازیاب ہوئے؟")
    assert int(np.argmax(scores)) == 1
    assert scores[1] > 0
    assert scores[0] == 0


def test_keyword_scores_stem_meets_inflected_form() -> None:
    # "بچے" and "بچوں" share the stem "بچ"
    assert keyword_tokens("بچے") == keyword_tokens("بچوں")
    assert _store().keyword_scores("بچے")[1] > 0


def test_keyword_scores_unknown_words_are_zero() -> None:
    scores = _store().keyword_scores("zebra کرکٹ")
    assert scores.shape == (len(TEXTS),)
    assert not scores.any()


def test_store_rejects_vector_count_mismatch() -> None:
    store = _store()
    with pytest.raises(ValueError, match="5 passages but 4 vectors"):
        Store(store.manifest, store.passages, store.vectors[:4])


def test_load_without_anything_is_index_missing(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="khabar index"):
        Store.load(tmp_path / "index")


def test_save_leaves_no_sibling_folders(tmp_path: Path) -> None:
    _store().save(tmp_path / "index")
    _store(seed=3).save(tmp_path / "index")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_second_save_replaces_first(tmp_path: Path) -> None:
    _store(seed=0).save(tmp_path / "index")
    second = _store(seed=5)
    second.save(tmp_path / "index")
    np.testing.assert_array_equal(Store.load(tmp_path / "index").vectors, second.vectors)


def test_interrupted_save_leftover_new_folder_is_ignored(tmp_path: Path) -> None:
    store = _store()
    store.save(tmp_path / "index")
    partial = tmp_path / "index.new"
    partial.mkdir()
    (partial / "passages.jsonl").write_text("garbage", encoding="utf-8")
    loaded = Store.load(tmp_path / "index")
    assert loaded.passages == store.passages


def test_interrupted_swap_only_old_folder_still_loads(tmp_path: Path) -> None:
    store = _store()
    store.save(tmp_path / "index")
    # killed after `index` -> `index.old`, before `index.new` -> `index`
    (tmp_path / "index").rename(tmp_path / "index.old")
    (tmp_path / "index.new").mkdir()
    loaded = Store.load(tmp_path / "index")
    assert loaded.passages == store.passages
    q = _query()
    np.testing.assert_allclose(loaded.dense_scores(q), store.dense_scores(q), rtol=1e-6)


def test_save_after_interrupted_swap_recovers(tmp_path: Path) -> None:
    _store(seed=0).save(tmp_path / "index")
    shutil.move(tmp_path / "index", tmp_path / "index.old")
    newer = _store(seed=9)
    newer.save(tmp_path / "index")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    np.testing.assert_array_equal(Store.load(tmp_path / "index").vectors, newer.vectors)


def test_lookups() -> None:
    store = _store()
    assert store.passage("a", "en", 3) is store.passages[3]
    assert store.passage("a", "en", 0) is None
    assert [p.index for p in store.edition_passages("a", "ur")] == [0, 1, 2, 4]
    assert store.articles() == ["a"]


def test_article_lookups_come_from_the_store_not_a_scan() -> None:
    store = _store()
    assert store.languages("a") == {"ur", "en"}
    assert store.languages("missing") == set()
    assert store.article_rows("a").tolist() == [0, 1, 2, 3, 4]
    assert store.article_rows("missing").tolist() == []
    assert [p.id for p in store.article_passages("a")] == [0, 1, 2, 3, 4]
    assert store.searchable.tolist() == [True] * 5
    assert store.language_codes.tolist() == [0, 0, 0, 1, 0]


def test_saved_index_keeps_its_keyword_rows(tmp_path: Path) -> None:
    """The keyword index is saved, not rebuilt from the text at load (an add
    must not re-tokenise every passage)."""
    store = _store()
    store.save(tmp_path / "index")
    assert (tmp_path / "index" / "keywords.npz").exists()
    loaded = Store.load(tmp_path / "index")
    assert loaded._keywords is not None and loaded._keywords.size == len(TEXTS)


def test_index_without_saved_keywords_still_loads(tmp_path: Path) -> None:
    """An index written before the keyword rows were saved (a bm25s folder)
    gets them rebuilt from the passages on first use."""
    store = _store()
    store.save(tmp_path / "index")
    for name in ("keywords.npz", "keywords_vocab.json"):
        (tmp_path / "index" / name).unlink()
    loaded = Store.load(tmp_path / "index")
    np.testing.assert_array_equal(loaded.keyword_scores("بچوں کو بازیاب"), store.keyword_scores("بچوں کو بازیاب"))
