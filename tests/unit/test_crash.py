"""`khabar index` killed with SIGKILL at chosen points (during embedding,
alignment and inside the save swap) and at varied delays: after every kill the
index loads, is consistent (passages = vectors = keyword-index rows),
holds either the whole old corpus or the whole new one, and answers a
retrieval. A later `khabar index` completes and leaves no leftovers.

The indexer runs in a subprocess (`fake_khabar.py`: the real CLI on the hash
embedder), so the kill is a real one and the test stays fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTICLE, EN_SENTENCES, write_pair

from rag.config import Settings
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline
from rag.store import Store

SCRIPT = Path(__file__).resolve().parent / "fake_khabar.py"
EXTRA = "second.en.txt"
EXTRA_TEXT = "The harbour reopened on Friday after three weeks.\nFishing boats returned with a large catch.\n"


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHABAR_", "FAKE_"))}
    env.update(KHABAR_DATA_DIR=str(root / "data"), KHABAR_ARTICLES_DIR=str(root / "articles"), **extra)
    return env


def _index(root: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "index"], env=_env(root, **extra), capture_output=True, text=True, timeout=120
    )


def _start(root: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), "index"],
        env=_env(root, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _corpus(root: Path) -> None:
    """An indexed bilingual article, then a change for the next run to index:
    a new article and a longer English edition."""
    write_pair(root / "articles")
    done = _index(root)
    assert done.returncode == 0, done.stderr
    (root / "articles" / EXTRA).write_text(EXTRA_TEXT, encoding="utf-8")
    en = root / "articles" / f"{ARTICLE}.en.txt"
    en.write_text(en.read_text(encoding="utf-8") + "The minister praised the police.\n", encoding="utf-8")


def _check(root: Path) -> str:
    """The index after a kill: loads, consistent, whole, answers. Returns "old" or "new"."""
    settings = Settings(data_dir=root / "data", articles_dir=root / "articles")
    store = Store.load(settings.index_dir)
    n = len(store.passages)
    assert n == store.vectors.shape[0]
    assert n == store.keywords().size
    assert (settings.index_dir / "keywords.npz").exists()  # saved with the passages, not rebuilt on load
    assert [p.id for p in store.passages] == list(range(n))
    counts = {k: v["sentences"] for k, v in store.manifest.editions.items()}
    assert sum(counts.values()) == n
    for key, count in counts.items():
        article, lang = key.split(":")
        assert len(store.edition_passages(article, lang)) == count
    state = "new" if "second:en" in counts else "old"
    assert counts == (
        {f"{ARTICLE}:ur": 4, f"{ARTICLE}:en": 5, "second:en": 2}
        if state == "new"
        else {f"{ARTICLE}:ur": 4, f"{ARTICLE}:en": 4}
    )
    hits = Pipeline(settings, embedder=HashEmbedder()).retrieve(EN_SENTENCES[1], k=2)
    assert hits and hits[0].passage.text == EN_SENTENCES[1]
    return state


# the point where each kill lands, and the index the reader must see after it
POINTS = [
    ("embed-1", "old"),
    ("embed-2", "old"),
    ("align", "old"),
    ("save", "old"),
    ("swap-1", "old"),
    ("swap-2", "old"),  # between the renames: only index.old and index.new exist
    ("swap-3", "new"),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("point", "expected"), POINTS)
def test_kill_at_a_point_leaves_a_consistent_index(tmp_path: Path, point: str, expected: str) -> None:
    _corpus(tmp_path)
    proc = _start(tmp_path, FAKE_PAUSE_AT=point)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == f"PAUSED {point}", proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _check(tmp_path) == expected
    # the next run finishes the work and cleans what the kill left
    again = _index(tmp_path)
    assert again.returncode == 0, again.stderr
    assert _check(tmp_path) == "new"
    assert sorted(p.name for p in (tmp_path / "data").iterdir() if p.name.startswith("index")) == ["index"]


@pytest.mark.timeout(120)
def test_kills_at_varied_delays_leave_a_consistent_index(tmp_path: Path) -> None:
    """A slowed embedder (0.3 s a call), killed 0 ... 0.9 s after embedding starts."""
    states = []
    for i, delay in enumerate((0.0, 0.2, 0.45, 0.7, 0.9)):
        root = tmp_path / str(i)
        _corpus(root)
        proc = _start(root, FAKE_EMBED_SLEEP="0.3")
        assert proc.stderr is not None
        for line in proc.stderr:  # progress lines; embedding has begun at the first "embedding"
            if "embedding" in line:
                break
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=30)
        states.append(_check(root))
    assert set(states) <= {"old", "new"}
