"""Reading editions: bad files become ArticleErrors that name the file while
good files are still read; file names and front matter give article ids and
languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus import read_edition, read_editions
from rag.errors import ArticleError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "good.ur.txt").write_text("پولیس نے چھاپہ مارا۔\n", encoding="utf-8")
    (tmp_path / "good.en.txt").write_text("Police carried out a raid.\n", encoding="utf-8")
    return tmp_path


def _only_error(folder: Path, bad_name: str) -> ArticleError:
    editions, errors = read_editions([folder])
    assert sorted(e.key for e in editions) == ["good:en", "good:ur"]
    assert len(errors) == 1
    assert bad_name in str(errors[0])
    assert errors[0].path.endswith(bad_name)
    return errors[0]


def test_non_utf8_file_reported_others_kept(folder: Path) -> None:
    (folder / "latin1.txt").write_bytes("café raid".encode("latin-1"))
    err = _only_error(folder, "latin1.txt")
    assert "UTF-8" in str(err)


def test_empty_file_reported_others_kept(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    err = _only_error(folder, "empty.txt")
    assert "empty" in str(err)


def test_front_matter_only_file_is_empty(folder: Path) -> None:
    (folder / "front.txt").write_text("---\nlanguage: en\n---\n \n", encoding="utf-8")
    err = _only_error(folder, "front.txt")
    assert "empty" in str(err)


def test_binary_file_reported_others_kept(folder: Path) -> None:
    (folder / "blob.txt").write_bytes(b"abc\x00\x01\x02def")
    err = _only_error(folder, "blob.txt")
    assert "binary" in str(err)


def test_non_article_suffix_ignored(folder: Path) -> None:
    (folder / "image.png").write_bytes(b"\x89PNG\x00")
    editions, errors = read_editions([folder])
    assert len(editions) == 2
    assert errors == []


def test_missing_path_is_an_error() -> None:
    editions, errors = read_editions([Path("/nonexistent/khabar/article.txt")])
    assert editions == []
    assert "no such file" in str(errors[0])


def test_read_edition_raises_article_error_naming_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(ArticleError, match="bad.txt"):
        read_edition(bad)


def test_language_suffixes_group_into_one_article(folder: Path) -> None:
    editions, _ = read_editions([folder])
    assert {e.article for e in editions} == {"good"}
    assert sorted(e.language for e in editions) == ["en", "ur"]


def test_second_edition_of_same_language_is_an_error(folder: Path) -> None:
    (folder / "good.txt").write_text("پولیس نے ایک اور چھاپہ مارا۔\n", encoding="utf-8")
    editions, errors = read_editions([folder])
    assert len(editions) == 2
    assert len(errors) == 1
    assert "second ur edition of good" in str(errors[0])


def test_front_matter_parsed(tmp_path: Path) -> None:
    path = tmp_path / "whatever.txt"
    text = "---\narticle: story-1\nlanguage: en\nprovenance: translation\n---\nPolice carried out a raid.\n"
    path.write_text(text, encoding="utf-8")
    ed = read_edition(path)
    assert ed.article == "story-1"
    assert ed.language == "en"
    assert ed.meta == {"article": "story-1", "language": "en", "provenance": "translation"}
    assert ed.body_start == text.index("Police")
    assert ed.text == text


def test_front_matter_language_overrides_script(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("---\nlanguage: en\n---\nپولیس نے چھاپہ مارا۔\n", encoding="utf-8")
    assert read_edition(path).language == "en"


def test_unsupported_language_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("---\nlanguage: fr\n---\nLa police.\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="'fr' is not supported"):
        read_edition(path)


def test_plain_name_urdu_detected(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("پولیس نے NCCIA کے ساتھ چھاپہ مارا۔\n", encoding="utf-8")
    ed = read_edition(path)
    assert (ed.article, ed.language) == ("story", "ur")


def test_plain_name_english_detected(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("Police raided a studio in مظفر گڑھ.\n", encoding="utf-8")
    ed = read_edition(path)
    assert (ed.article, ed.language) == ("story", "en")


def test_bom_removed_so_offsets_count_from_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffپولیس۔".encode())
    ed = read_edition(path)
    assert ed.text == "پولیس۔"
