"""`khabar translate`: a machine edition with a model that reads the source,
an explanation (exit 2) with one that cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, UR_SENTENCES
from fake_models import ScriptedGenerator

from rag.cli import cli
from rag.config import Settings
from rag.corpus import read_edition
from rag.embedding import HashEmbedder
from rag.errors import ModelAbilityError
from rag.pipeline import Pipeline
from rag.translate import translate_article


@pytest.fixture
def urdu_only(tmp_path: Path) -> Settings:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / f"{ARTICLE}.ur.txt").write_text("\n".join(UR_SENTENCES) + "\n", encoding="utf-8")
    return Settings(data_dir=tmp_path / "data", articles_dir=folder, models_dir=tmp_path / "models")


def test_default_kind_of_model_refuses_to_translate_urdu(urdu_only: Settings) -> None:
    gen = ScriptedGenerator([], reads=("en",), writes=("en",))
    p = Pipeline(urdu_only, embedder=HashEmbedder(), generator=gen)
    p.index()
    with pytest.raises(ModelAbilityError, match="reads en"):
        translate_article(p, ARTICLE, "en")
    assert gen.prompts == []
    assert not (urdu_only.articles_dir / f"{ARTICLE}.en.txt").exists()


def test_cli_translate_refusal_exits_2_with_the_fix(urdu_only: Settings) -> None:
    p = Pipeline(urdu_only, embedder=HashEmbedder(), generator=ScriptedGenerator([]))
    p.index()
    result = CliRunner().invoke(cli, ["translate", ARTICLE, "--to", "en"], obj={"settings": urdu_only, "pipeline": p})
    assert result.exit_code == 2
    assert "KHABAR_LLM" in result.output


def test_a_model_that_reads_urdu_writes_a_marked_machine_edition(urdu_only: Settings) -> None:
    lines = [f"English sentence {i}." for i in range(len(UR_SENTENCES))]
    gen = ScriptedGenerator(lines, reads=("ur", "en"), writes=("ur", "en"))
    p = Pipeline(urdu_only, embedder=HashEmbedder(), generator=gen)
    p.index()
    out = translate_article(p, ARTICLE, "en")
    assert out == urdu_only.articles_dir / f"{ARTICLE}.en.txt"
    edition = read_edition(out)
    assert edition.language == "en" and edition.article == ARTICLE
    assert edition.meta["provenance"] == "machine-translation"
    assert edition.text[edition.body_start :].splitlines() == lines
    # each source sentence went to the model on its own
    assert [m[1]["content"] for m in gen.prompts] == UR_SENTENCES
    report = p.index()
    assert report["editions"] == 2
