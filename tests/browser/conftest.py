"""Fixtures for the browser tests: the pipeline, the served app, and Debian's chromium.

`app_pipeline` is the real `Pipeline(Settings())` unless KHABAR_TEST_FAKE_PIPELINE=1,
when the scripted fake from tests/fake_pipeline.py stands in (UI development only).
The app is served in this process on a free loopback port.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent.parent
ARTIFACTS = TESTS.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
sys.path.insert(0, str(TESTS))  # for fake_pipeline


def use_fake() -> bool:
    return os.environ.get("KHABAR_TEST_FAKE_PIPELINE") == "1"


def make_pipeline() -> Any:
    """The pipeline under test: the real one, or the fake when KHABAR_TEST_FAKE_PIPELINE=1."""
    if use_fake():
        from fake_pipeline import FakePipeline

        # about 2 s an answer (long enough to press Stop); the first summary step takes 8 s
        return FakePipeline(token_delay=0.08, summary_delay=8.0)
    from rag.config import Settings
    from rag.pipeline import Pipeline

    return Pipeline(Settings())


def make_settings(pipeline: Any, tmp: Path) -> Any:
    from rag.config import Settings

    if use_fake():  # uploads from the tests go to a temporary folder, never seeds/
        return Settings(articles_dir=tmp / "articles", data_dir=tmp / "data")
    return getattr(pipeline, "settings", None) or Settings()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def app_pipeline() -> Any:
    return make_pipeline()


@pytest.fixture(scope="session")
def app_url(app_pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on 127.0.0.1; the time to a listening server is saved in artifacts/."""
    from ui.app import launch

    ARTIFACTS.mkdir(exist_ok=True)
    settings = make_settings(app_pipeline, tmp_path_factory.mktemp("khabar-ui-settings"))
    t0 = time.perf_counter()
    app = launch(app_pipeline, port=free_port(), settings=settings, block=False)
    (ARTIFACTS / "launch_seconds.txt").write_text(f"{time.perf_counter() - t0:.2f}\n")
    yield str(app.local_url).rstrip("/")
    app.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
