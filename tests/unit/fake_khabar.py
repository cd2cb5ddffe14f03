"""`khabar` on the fakes, in its own process: `python tests/unit/fake_khabar.py index PATH...`.

The CLI is the real one (`rag.cli`), with the HashEmbedder and a scripted
generator in place of the models, and settings from the `KHABAR_*` variables.
Tests run it as a subprocess when the process itself is the subject: a read
that could hang, or a SIGKILL at a chosen point.

`FAKE_PAUSE_AT=NAME` makes the process print `PAUSED NAME` and sleep when it
reaches NAME, so the test can kill it exactly there:
  embed-1, embed-2, ...  inside the n-th call that embeds documents
  align                  inside the alignment of a bilingual article
  save                   at the start of the save, before `index.new` is written
  swap-1                 `index.new` complete, before `index` is renamed to `index.old`
  swap-2                 between the two renames: no `index`, only `.old` and `.new`
  swap-3                 after the second rename, before `index.old` is removed
`FAKE_EMBED_SLEEP=S` sleeps S seconds in every embedding call instead (kills at
varied delays).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the shared fakes (fake_models)

import numpy as np  # noqa: E402
from fake_models import ScriptedGenerator  # noqa: E402

import rag.indexer  # noqa: E402
import rag.store  # noqa: E402
from rag.cli import cli  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.embedding import HashEmbedder  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

PAUSE_AT = os.environ.get("FAKE_PAUSE_AT", "")
EMBED_SLEEP = float(os.environ.get("FAKE_EMBED_SLEEP", "0") or 0)


def pause(name: str) -> None:
    if name == PAUSE_AT:
        print(f"PAUSED {name}", flush=True)
        time.sleep(120)


class PausingEmbedder(HashEmbedder):
    calls = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        PausingEmbedder.calls += 1
        pause(f"embed-{PausingEmbedder.calls}")
        if EMBED_SLEEP:
            time.sleep(EMBED_SLEEP)
        return super().embed_documents(texts)


def _patch() -> None:
    real_align = rag.indexer.align

    def align(*args: Any, **kwargs: Any) -> Any:
        pause("align")
        return real_align(*args, **kwargs)

    rag.indexer.align = align  # type: ignore[assignment]

    real_save = rag.store.Store.save

    def save(self: rag.store.Store, directory: Path) -> None:
        pause("save")
        real_save(self, directory)

    rag.store.Store.save = save  # type: ignore[method-assign]

    real_replace = os.replace
    count = 0

    def replace(src: Any, dst: Any) -> None:
        nonlocal count
        count += 1
        pause(f"swap-{count}")
        real_replace(src, dst)
        if count == 2:
            pause("swap-3")

    rag.store.os.replace = replace  # type: ignore[assignment]


def main() -> None:
    _patch()
    settings = Settings()
    pipeline = Pipeline(settings, embedder=PausingEmbedder(), generator=ScriptedGenerator([]))
    cli.main(sys.argv[1:], prog_name="khabar", obj={"settings": settings, "pipeline": pipeline})


if __name__ == "__main__":
    main()
