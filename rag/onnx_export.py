"""ONNX copies of the sentence-transformers embedder, made locally from the verified model.

`khabar models --install` calls `install_onnx` after the embedder itself is
assembled and its sha256 checked. The whole sentence-transformers model
(transformer, mean pooling, Dense, Dense, Normalize) is exported, as one graph
with two outputs: `sentence_embedding` (batch x dim) and `token_states`
(batch x tokens x 768, the residual stream after transformer layer
`rag.embedding.STATE_LAYER`, before any final norm), with
`torch.onnx.export` (the dynamo exporter: the TorchScript one fails on the
Gemma3 attention masks), then quantised with ONNX Runtime's dynamic int8
quantisation (weights int8, activations quantised per batch at run time).
Nothing is downloaded: the file is made from the model already on disk.

The result is checked twice, as the model files are:
- at export, its vectors of a fixed set of Urdu and English sentences must
  agree with the torch model's (cosine >= `MIN_COSINE` for every sentence),
  and so must its token states, token by token, with torch's
  `hidden_states[STATE_LAYER]` (cosine >= `MIN_STATE_COSINE[precision]` for
  every real token), or the export fails;
- a manifest (`export.json`) records the source model's sha256 and the ONNX
  file's sha256; `verify_onnx` checks both before use (with a size/mtime stamp,
  as `models.verify` does). The ONNX file's sha256 cannot be fixed in the
  registry: it depends on the torch and ONNX Runtime versions that made it.

The export costs about 1.3 GB of temporary disk (the fp32 graph, deleted
afterwards) and a few minutes on 2 cores. It is made once in the shared cache
(`KHABAR_CACHE_DIR/models/<embedder>-onnx-<precision>`) and linked into `models/`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .embedding import STATE_LAYER
from .errors import ChecksumError, KhabarError, ModelMissingError

if TYPE_CHECKING:
    from .config import Settings
    from .models import ModelSpec

ONNX_FILES = {"fp32": "model.onnx", "int8": "model_int8.onnx"}
MANIFEST = "export.json"
MIN_COSINE = 0.99
# Lowest per-token cosine of the token states to torch's, per precision. fp32
# measured 1.0000 on the check sentences' 77 attended tokens (BOS, EOS included); dynamic int8 measured
# min 0.949, 5th percentile 0.977, median 0.995 (30 Nov 2026, onnxruntime 1.32),
# so its floor sits a little below that minimum. (The int8 sentence vectors,
# 0.968-0.978, already fail MIN_COSINE: an int8 install is refused either way.)
MIN_STATE_COSINE = {"fp32": MIN_COSINE, "int8": 0.93}
RECIPE = 2  # bump when the export or quantisation changes: older exports are then remade
# 2: the graph also outputs `token_states` (hidden state of layer STATE_LAYER)
# Checked at export: Urdu (with ZWNJ, Arabic-Indic digits, ۔ and ؟), English, mixed.
CHECK_SENTENCES = (
    "پولیس نے بتایا کہ ۱۲ افراد کو گرفتار کیا گیا ہے۔",
    "کیا آج بارش ہوگی؟",
    "وزیرِ اعظم نے نئی پالیسی کا اعلان کیا‌ اور کہا کہ اس پر فوری عمل ہوگا۔",
    "The city council approved the new budget on Monday.",
    "How many people were rescued from the flood?",
    "Pakistan کے شمالی علاقوں میں snowfall جاری ہے۔",
)


def onnx_dir(settings: Settings, model_folder: str, precision: str) -> Path:
    """Where the ONNX copy of an embedder folder, at one precision, lives under models/."""
    return settings.models_dir / f"{model_folder}-onnx-{precision}"


def verify_onnx(folder: Path, source_sha256: str, precision: str = "int8", full: bool = False) -> Path:
    """The ONNX file of `precision` in `folder`, after checking that it was
    exported from the model with `source_sha256` and is unchanged since."""
    name = ONNX_FILES[precision]
    path, manifest = folder / name, folder / MANIFEST
    if not path.exists() or not manifest.exists():
        raise ModelMissingError(f"ONNX {precision} embedder", str(path))
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    if meta.get("source_sha256") != source_sha256 or meta.get("recipe") != RECIPE:
        raise ModelMissingError(f"ONNX {precision} embedder (made from another model or recipe)", str(path))
    files: dict[str, str] = dict(meta.get("files") or {})
    if name not in files:
        raise ModelMissingError(f"ONNX {precision} embedder (not in {manifest})", str(path))
    for fname, expected in sorted(files.items()):  # the graph and, for fp32, its weights file
        _check(folder / fname, expected, full)
    return path


def _check(path: Path, expected: str, full: bool) -> None:
    if not path.exists():
        raise ModelMissingError("ONNX embedder file", str(path))
    from .models import check_sha256

    check_sha256(path, expected, full)


def install_onnx(
    spec: ModelSpec, settings: Settings, precision: str = "int8", log: Callable[[str], None] = print
) -> Path:
    """Make models/<embedder>-onnx/ hold a verified ONNX copy; reuse the shared cache."""
    from .models import _link_tree, _remove

    target = onnx_dir(settings, spec.filename, precision)
    try:
        return verify_onnx(target, spec.sha256, precision)
    except (ModelMissingError, ChecksumError):
        pass
    cached = settings.cache_dir / "models" / target.name
    try:
        verify_onnx(cached, spec.sha256, precision)
        log(f"{spec.id}: ONNX {precision} found in cache {cached}")
    except (ModelMissingError, ChecksumError):
        _remove(cached)
        export(settings.models_dir / spec.filename, cached, spec.sha256, precision, log)
    _link_tree(cached, target)
    return verify_onnx(target, spec.sha256, precision, full=True)


def export(
    model_dir: Path, dest: Path, source_sha256: str, precision: str = "int8", log: Callable[[str], None] = print
) -> None:
    """Export the sentence-transformers model in `model_dir` to `dest`
    (atomically: a temporary folder renamed at the end)."""
    if precision not in ONNX_FILES:
        raise ValueError(f"precision must be one of {sorted(ONNX_FILES)}, got {precision!r}")
    import numpy as np
    import onnxruntime
    import torch
    from sentence_transformers import SentenceTransformer

    from .models import sha256_file

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    dest.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True).eval()
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".onnx-") as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        fp32 = (out if precision == "fp32" else Path(tmp)) / ONNX_FILES["fp32"]
        log(f"{model_dir.name}: exporting to ONNX (a few minutes, once)")
        _export_graph(model, fp32, torch)
        final = out / ONNX_FILES[precision]
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            log(f"{model_dir.name}: quantising to int8")
            quantize_dynamic(str(fp32), str(final), weight_type=QuantType.QInt8)
        cosines, state_cosines = _agreement(model, final, np, torch)
        floor = MIN_STATE_COSINE[precision]
        if min(cosines) < MIN_COSINE or min(state_cosines) < floor:
            raise KhabarError(
                f"The ONNX {precision} export of {model_dir.name} disagrees with the model "
                f"(lowest sentence cosine {min(cosines):.4f}, needs {MIN_COSINE}; lowest token-state cosine "
                f"{min(state_cosines):.4f}, needs {floor}); it was not installed. "
                "Report this with `pip freeze`; meanwhile set KHABAR_EMBEDDER_BACKEND=onnx-fp32 (or torch)."
            )
        files = {p.name: sha256_file(p) for p in out.iterdir() if p.is_file()}
        manifest: dict[str, Any] = {
            "source_sha256": source_sha256,
            "recipe": RECIPE,
            "precision": precision,
            "files": files,
            "min_cosine_to_torch": round(min(cosines), 5),
            "state_layer": STATE_LAYER,
            "min_state_cosine_to_torch": round(min(state_cosines), 5),
            "torch": torch.__version__,
            "onnxruntime": onnxruntime.__version__,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(out, dest)
    log(
        f"{model_dir.name}: ONNX {precision} made and checked (lowest cosine {min(cosines):.4f}, "
        f"token states {min(state_cosines):.4f}) in {time.perf_counter() - t0:.0f} s at {dest}"
    )


def _export_graph(model: Any, path: Path, torch: Any) -> None:
    """input_ids, attention_mask (int64, batch x tokens) -> sentence_embedding (batch x dim)
    and token_states (batch x tokens x hidden), from one pass through the transformer."""

    class Whole(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            out = self.inner[0].auto_model(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True, return_dict=True
            )
            features = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_embeddings": out.last_hidden_state,
            }
            for module in list(self.inner)[1:]:  # pooling, Dense, Dense, Normalize
                features = module(features)
            return features["sentence_embedding"], out.hidden_states[STATE_LAYER]

    sample = model.tokenizer(list(CHECK_SENTENCES[:2]), padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            Whole(model).eval(),
            (sample["input_ids"], sample["attention_mask"]),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding", "token_states"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "sentence_embedding": {0: "batch"},
                "token_states": axes,
            },
            dynamo=True,
            external_data=True,
        )


def _agreement(model: Any, onnx_file: Path, np: Any, torch: Any) -> tuple[list[float], list[float]]:
    """Cosine between the torch model's and the ONNX file's vectors, per check
    sentence, and between their token states (layer STATE_LAYER), per real token."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    enc = model.tokenizer(list(CHECK_SENTENCES), padding=True, return_tensors="pt")
    with torch.no_grad():
        ref = model.encode(list(CHECK_SENTENCES), convert_to_numpy=True, normalize_embeddings=True)
        hidden = (
            model[0]
            .auto_model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True)
            .hidden_states[STATE_LAYER]
        )
    mask = enc["attention_mask"].numpy()
    got, states = session.run(
        ["sentence_embedding", "token_states"], {"input_ids": enc["input_ids"].numpy(), "attention_mask": mask}
    )
    got = got / np.linalg.norm(got, axis=1, keepdims=True)
    real = mask.astype(bool)
    a, b = states[real], hidden.float().numpy()[real]  # every attended token, BOS and EOS included
    state_cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return [float(x) for x in np.sum(got * ref, axis=1)], [float(x) for x in state_cos]
