"""How long `token_states` takes (rag.embedding.TokenStates), ONNX fp32 and torch.

    python -m bench.token_states [--runs 5] [--onnx-dir DIR]

Four texts (two Urdu, two English) of about 60 tokens each, in one call;
median wall time of --runs calls after one warm-up call, per back-end. The
ONNX file is the one `khabar models --install` made (`--onnx-dir` points
elsewhere). The load average is printed: the machine is shared, and the
figures are only comparable within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = [
    "صوبائی حکومت نے اعلان کیا ہے کہ اگلے مہینے سے تمام سرکاری اسکولوں میں مفت دوپہر کا کھانا دیا جائے گا، "
    "اور اس منصوبے پر ۲۵ کروڑ روپے خرچ ہوں گے۔ وزیرِ تعلیم کے مطابق پہلے مرحلے میں دیہی اضلاع کے بچوں کو ترجیح دی جائے گی۔",
    "ماہرین کا کہنا ہے کہ شدید گرمی کی وجہ سے بجلی کی طلب میں اضافہ ہوا ہے اور کئی شہروں میں لوڈشیڈنگ کا دورانیہ "
    "بڑھ گیا ہے۔ کمپنی نے صارفین سے درخواست کی ہے کہ وہ دوپہر کے اوقات میں غیر ضروری آلات بند رکھیں۔",
    "The provincial government announced on Tuesday that free lunches will be served in all public schools from "
    "next month. The plan will cost 250 million rupees, and the education minister said that children in rural "
    "districts would be served first, while the cities join in the second phase.",
    "Experts say the severe heat wave has pushed electricity demand to a record high, and power cuts have grown "
    "longer in several cities. The utility asked customers to switch off appliances they do not need during the "
    "afternoon hours, when the load on the grid is at its peak.",
]


def _time(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up (loads the model)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from rag.config import Settings
    from rag.embedding import OnnxEmbedder, SentenceTransformerEmbedder
    from rag.models import REGISTRY
    from rag.onnx_export import onnx_dir, verify_onnx

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--onnx-dir", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    spec = REGISTRY[settings.embedder]
    folder = settings.models_dir / spec.filename
    onnx_file = verify_onnx(args.onnx_dir or onnx_dir(settings, spec.filename, "fp32"), spec.sha256, "fp32")
    onnx = OnnxEmbedder(spec.id, folder, onnx_file)
    torch_backend = SentenceTransformerEmbedder(spec.id, folder)
    tokens = [len(offsets) for offsets, _ in onnx.token_states(TEXTS)]
    print(f"texts: {len(TEXTS)}, real tokens each: {tokens}")
    for name, emb in (("onnx-fp32", onnx), ("torch-fp32", torch_backend)):
        median = _time(lambda e=emb: e.token_states(TEXTS), args.runs)
        print(f"{name}: token_states median of {args.runs}: {median * 1000:.0f} ms")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
