"""bench/train_summary_scorer.py on a tiny made-up slice: the same rows give
the same weights, in-process and from the command line under another hash
seed (no set or dict order reaches the numbers), and the file it writes is a
scorer that rag.summary_scorer loads."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench import train_summary_scorer as trainer
from rag.summary_scorer import SentenceScorer

ROOT = Path(__file__).resolve().parents[2]

SUBJECTS = ["صوبائی حکومت", "ضلعی انتظامیہ", "محکمہ صحت", "پولیس", "عدالت", "وفاقی وزیر", "کمیشن", "شہری تنظیم"]
ACTS = [
    "نے سیلاب سے متاثرہ علاقوں میں امدادی کیمپ قائم کر دیے ہیں",
    "نے منگل کو {n} افراد کی گرفتاری کا اعلان کیا ہے",
    "کا کہنا ہے کہ تحقیقات اگلے ہفتے مکمل ہو جائیں گی",
    "نے بتایا کہ {n} سکول عارضی طور پر بند کر دیے گئے ہیں",
    "نے ’فوری امداد‘ کا مطالبہ کیا",
    "کے مطابق شہر میں صورت حال اب معمول پر ہے",
]


def _rows(count: int = 20) -> list[dict[str, str]]:
    rng = np.random.default_rng(5)
    rows = []
    for k in range(count):
        sentences = []
        for _ in range(int(rng.integers(4, 9))):
            act = ACTS[int(rng.integers(len(ACTS)))].format(n=int(rng.integers(2, 90)))
            sentences.append(f"{SUBJECTS[int(rng.integers(len(SUBJECTS)))]} {act}۔")
        summary = sentences[int(rng.integers(len(sentences)))].replace("۔", " اور کام جاری ہے۔")
        rows.append({"id": f"tiny-{k}", "article": " ".join(sentences), "summary": summary})
    return rows


def test_training_is_deterministic_and_loads(tmp_path: Path) -> None:
    rows = _rows()
    assert {trainer.bucket(r["id"]) for r in rows} == {0, 1, 2, 3, 4}  # a held-out slice and four folds
    first = trainer.train(rows, "tiny", log=lambda _: None)
    second = trainer.train(rows, "tiny", log=lambda _: None)
    assert json.dumps(first) == json.dumps(second)
    assert len(first["cross_validation_curve"]) == len(trainer.CANDIDATES)
    assert first["chosen"]["held_out"]["articles"] == sum(trainer.bucket(r["id"]) == 0 for r in rows)
    scorer = SentenceScorer.from_json(first["model"])
    scores = scorer.score(["پولیس نے 5 افراد کو گرفتار کیا ہے۔", "عدالت نے سماعت ملتوی کر دی۔"], "ur")
    assert scores.shape == (2,) and np.isfinite(scores).all()

    # the command line, under another hash seed, writes the same weights
    data, out = tmp_path / "tiny.jsonl.gz", tmp_path / "weights.json"
    with gzip.open(data, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    env = {**os.environ, "PYTHONHASHSEED": "977"}
    cmd = [sys.executable, str(ROOT / "bench" / "train_summary_scorer.py"), "--data", str(data), "--out", str(out)]
    subprocess.run(cmd, check=True, env=env, capture_output=True, cwd=ROOT)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["model"] == json.loads(json.dumps(first["model"]))
    assert written["data"].startswith("tiny.jsonl.gz: ")
