"""Passages cut from the real seed editions keep exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chunking import chunk_edition
from rag.config import PROJECT_ROOT
from rag.corpus import read_edition
from rag.types import Edition

SEED_UR = PROJECT_ROOT / "seeds" / "000_22fab8ac2ad17a84.txt"
SEED_EN = PROJECT_ROOT / "seeds" / "000_22fab8ac2ad17a84.en.txt"


@pytest.mark.parametrize("path", [SEED_UR, SEED_EN], ids=["ur", "en"])
def test_seed_passage_text_equals_edition_slice(path: Path) -> None:
    edition = read_edition(path)
    passages = chunk_edition(edition)
    assert len(passages) > 10
    for p in passages:
        assert p.text == edition.text[p.start : p.end]


@pytest.mark.parametrize("path", [SEED_UR, SEED_EN], ids=["ur", "en"])
def test_seed_passages_match_file_on_disk(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    for p in chunk_edition(read_edition(path)):
        assert raw[p.start : p.end] == p.text


def test_seed_passages_numbered_in_order_without_overlap() -> None:
    passages = chunk_edition(read_edition(SEED_UR), first_id=7)
    assert [p.id for p in passages] == list(range(7, 7 + len(passages)))
    assert [p.index for p in passages] == list(range(len(passages)))
    for a, b in zip(passages, passages[1:], strict=False):
        assert a.end <= b.start


def test_urdu_seed_first_passage_skips_bullet_marker() -> None:
    edition = read_edition(SEED_UR)
    first = chunk_edition(edition)[0]
    assert edition.text.startswith("- ")
    assert first.start == 2
    assert first.text.startswith("بین الاقوامی گروہ")


def test_english_seed_offsets_account_for_front_matter() -> None:
    edition = read_edition(SEED_EN)
    assert edition.text.startswith("---\n")
    assert edition.body_start == edition.text.index("- The international gang")
    passages = chunk_edition(edition)
    assert all(p.start >= edition.body_start for p in passages)
    assert passages[0].start == edition.body_start + 2
    assert passages[0].text == "The international gang targeted children between 6 and 10."
    assert not any("provenance" in p.text for p in passages)


def test_english_seed_passages_carry_article_and_language() -> None:
    passages = chunk_edition(read_edition(SEED_EN))
    assert {(p.article, p.language) for p in passages} == {("000_22fab8ac2ad17a84", "en")}


def _edition(text: str) -> Edition:
    return Edition(article="a", language="ur", path="a.txt", text=text, body_start=0)


def test_long_sentence_cut_below_max_chars() -> None:
    text = "، ".join(["پولیس نے مظفر گڑھ میں چھاپہ مارا"] * 40) + "۔"
    passages = chunk_edition(_edition(text), max_chars=120)
    assert len(passages) > 1
    for p in passages:
        assert len(p.text) <= 120
        assert p.text == text[p.start : p.end]


def test_long_sentence_pieces_cover_the_sentence() -> None:
    text = " ".join(["word"] * 200) + "."
    passages = chunk_edition(_edition(text), max_chars=60)
    assert all(len(p.text) <= 60 for p in passages)
    assert "".join(p.text for p in passages).replace(" ", "") == text.replace(" ", "")


def test_long_word_without_spaces_is_cut_hard() -> None:
    text = "x" * 130
    passages = chunk_edition(_edition(text), max_chars=50)
    assert [len(p.text) for p in passages] == [50, 50, 30]


def test_max_chars_below_50_is_value_error() -> None:
    with pytest.raises(ValueError, match="at least 50"):
        chunk_edition(_edition("ایک جملہ۔"), max_chars=49)


def test_max_chars_50_is_accepted() -> None:
    assert len(chunk_edition(_edition("ایک جملہ۔"), max_chars=50)) == 1
