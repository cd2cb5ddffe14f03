"""bench/corpus.py's measurement of additions, on a small corpus and the hash embedder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from bench import corpus
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline
from rag.store import Store


def test_picks_span_the_lengths_without_repeats() -> None:
    sizes = {f"a{i:02d}": n for i, n in enumerate([1, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89])}
    picks = corpus.pick_articles(sizes, 4)
    assert len(set(picks)) == 4
    lengths = [sizes[a] for a in picks]
    assert lengths == sorted(lengths)
    assert lengths[0] <= 2 and lengths[-1] >= 34  # short and long articles both measured
    assert len(set(corpus.pick_articles({"a": 3, "b": 3}, 5))) == 2  # never more picks than articles


def _article(folder: Path, name: str, sentences: int) -> None:
    body = " ".join(f"Sentence {i} of {name} says something new." for i in range(sentences))
    (folder / f"{name}.en.txt").write_text(body + "\n", encoding="utf-8")


def test_additions_encode_only_each_article_even_with_another_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each addition encodes that article's sentences and nothing else, also
    when the encoder of the additions is not the one the index was built with
    (the real encoder on the stand-in index), and the corpus ends as it began."""
    articles, data = tmp_path / "articles", tmp_path / "data"
    articles.mkdir()
    for name, n in [("alpha", 2), ("bravo", 3), ("charlie", 5), ("delta", 8)]:
        _article(articles, name, n)
    extra = tmp_path / "articles.extra"
    extra.mkdir()
    _article(extra, "echo", 4)
    settings = corpus._settings(articles, data)
    Pipeline(settings, embedder=HashEmbedder(dim=768, id="hash-768")).index([articles])
    store = Store.load(settings.index_dir)
    # the additions' encoder has another id, as the real one has
    monkeypatch.setattr(corpus, "_embedder", lambda s, kind: HashEmbedder(dim=768, id="other-encoder"))
    args = argparse.Namespace(articles=articles, data=data, add_count=3, add_embedder="real")
    out: dict[str, Any] = corpus._measure_adds(args, store, settings.index_dir)
    rows = out["articles"]
    assert [r["article"] for r in rows][0] == "echo" and rows[0]["held_out"] is True
    sizes = {"echo": 4, **corpus._article_sentences(store)}
    assert [r["sentences_encoded"] for r in rows] == [sizes[r["article"]] for r in rows]
    assert rows[-1]["passages_after"] == len(store.passages) + 4
    assert out["sentences_encoded"]["max"] == max(r["sentences_encoded"] for r in rows)
    assert not data.with_name("data.add").exists()  # the copy is removed, the index untouched
    assert Store.load(settings.index_dir).passages == store.passages
