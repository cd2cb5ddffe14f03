"""The on-disk index: real vectors and keyword index, a save/load round trip, and the
atomic swap surviving an interrupted save."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexMissingError
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
