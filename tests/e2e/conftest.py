"""The real default models, loaded once per session, on the seed article
indexed into a temporary data folder (the user's index is never touched)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from rag.config import Settings

    data = tmp_path_factory.mktemp("e2e-data")
    return Settings(data_dir=data, articles_dir=ROOT / "seeds")


@pytest.fixture(scope="session")
def real_pipeline(real_settings):  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    p = Pipeline(real_settings)
    report = p.index()
    assert report["errors"] == []
    return p


@pytest.fixture(scope="session")
def seed_text() -> dict[str, str]:
    return {
        "ur": (ROOT / "seeds" / "000_22fab8ac2ad17a84.txt").read_text(encoding="utf-8"),
        "en": (ROOT / "seeds" / "000_22fab8ac2ad17a84.en.txt").read_text(encoding="utf-8"),
    }
