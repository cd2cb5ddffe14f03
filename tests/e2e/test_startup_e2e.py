"""A cold `khabar ask --json` in Urdu, in a new process, with the real
default models: it answers without importing llama_cpp, torch,
sentence-transformers or `tokenizers` (the embedder's tokenizer takes the
SentencePiece fast path once its stamp exists)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

HEAVY = ("llama_cpp", "torch", "sentence_transformers", "tokenizers", "transformers", "gradio", "sklearn")
PROBE = (
    "import atexit, json, sys\n"
    f"atexit.register(lambda: sys.stderr.write('MODULES=' + json.dumps([m for m in {HEAVY!r} if m in sys.modules])))\n"
    "from rag.cli import main\n"
    "sys.argv = ['khabar', 'ask', '--json', sys.argv[1]]\n"
    "main()\n"
)


def test_cold_urdu_ask_imports_no_chat_model_and_no_torch(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    real_pipeline.embedder().embed_queries(["گرم"])  # the tokenizer stamp is made once, as on a first run
    env = dict(os.environ, KHABAR_DATA_DIR=str(real_pipeline.settings.data_dir))
    question = "جرمن مشتبہ شخص کتنے دن پاکستان میں رہا؟"
    done = subprocess.run([sys.executable, "-c", PROBE, question], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    answer = json.loads(done.stdout)
    assert answer["language"] == "ur" and answer["citations"]
    assert json.loads(done.stderr.rsplit("MODULES=", 1)[1]) == []
