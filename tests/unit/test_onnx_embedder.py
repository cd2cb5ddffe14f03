"""The ONNX Runtime embedder and the checks of its exported file, on a tiny
hand-built graph and word-level tokenizer (no real model): prompts, batching
order, normalisation, the manifest's sha256 checks, the int8 index id, and that
the ONNX path never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedding import STATE_LAYER, HashEmbedder, OnnxEmbedder, SentenceTransformerEmbedder, TokenStates
from rag.errors import ChecksumError, ModelMissingError, NoTokenStatesError
from rag.models import REGISTRY, resolve_embedder, sha256_file
from rag.onnx_export import MANIFEST, ONNX_FILES, RECIPE, verify_onnx
from rag.pipeline import Pipeline

WORDS = ["<pad>", "<eos>", "<bos>", "<unk>", "task:", "query:", "text:", "پولیس", "نے", "گرفتار", "police", "arrested", "کیا", "?", "a", "b"]
DIM = 8


def _tokenizer(folder: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 1)]
    )
    tok.save(str(folder / "tokenizer.json"))
    prompts = {"prompts": {"query": "task: query: ", "document": "text: "}}
    (folder / "config_sentence_transformers.json").write_text(json.dumps(prompts), encoding="utf-8")


def _graph(path: Path, states: bool = False) -> np.ndarray:
    """input_ids, attention_mask -> masked sum of a random embedding table (un-normalised);
    with `states`, also `token_states`: each token's row of the table (an export of RECIPE >= 2)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(0).normal(size=(len(WORDS), DIM)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["emb"]),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["sentence_embedding"], keepdims=0),
    ]
    outputs = [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["b", DIM])]
    if states:
        nodes.append(helper.make_node("Identity", ["emb"], ["token_states"]))
        outputs.append(helper.make_tensor_value_info("token_states", TensorProto.FLOAT, ["b", "t", DIM]))
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"]),
        ],
        outputs,
        [
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return table


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path, np.ndarray]:
    folder = tmp_path / "model"
    folder.mkdir()
    _tokenizer(folder)
    table = _graph(folder / "tiny.onnx")
    return folder, folder / "tiny.onnx", table


def _expected(table: np.ndarray, text: str) -> np.ndarray:
    ids = [2, *(WORDS.index(w) if w in WORDS else 3 for w in text.split()), 1]
    v = table[ids].sum(axis=0)
    return v / np.linalg.norm(v)


def test_document_and_query_prompts_are_prepended(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, table = tiny
    emb = OnnxEmbedder("tiny", folder, graph, dim=DIM)
    doc = emb.embed_documents(["پولیس نے گرفتار کیا"])[0]
    query = emb.embed_queries(["پولیس نے گرفتار کیا"])[0]
    np.testing.assert_allclose(doc, _expected(table, "text: پولیس نے گرفتار کیا"), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(query, _expected(table, "task: query: پولیس نے گرفتار کیا"), rtol=1e-5, atol=1e-6)
    assert not np.allclose(doc, query)


def test_batches_sorted_by_length_keep_input_order(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, table = tiny
    texts = ["a", "police arrested a b a b", "", "پولیس نے", "b ?", "کیا"]
    one = OnnxEmbedder("tiny", folder, graph, dim=DIM, batch_size=1).embed_documents(texts)
    three = OnnxEmbedder("tiny", folder, graph, dim=DIM, batch_size=3).embed_documents(texts)
    np.testing.assert_allclose(one, three, rtol=1e-5, atol=1e-6)  # padding does not change a vector
    for row, text in zip(three, texts, strict=True):
        np.testing.assert_allclose(row, _expected(table, f"text: {text}"), rtol=1e-5, atol=1e-6)
    assert np.allclose(np.linalg.norm(three, axis=1), 1.0)
    assert three.dtype == np.float32


def test_empty_input_gives_empty_matrix(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, _ = tiny
    assert OnnxEmbedder("tiny", folder, graph, dim=DIM).embed_documents([]).shape == (0, DIM)


def test_bad_batch_size_is_rejected(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, _ = tiny
    with pytest.raises(ValueError, match="batch_size"):
        OnnxEmbedder("tiny", folder, graph, batch_size=0)


def test_onnx_embedder_does_not_import_torch(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, _ = tiny
    code = (
        "import sys; from pathlib import Path; from rag.embedding import OnnxEmbedder; "
        f"e = OnnxEmbedder('tiny', Path({str(folder)!r}), Path({str(graph)!r}), dim={DIM}); "
        "print(e.embed_queries(['پولیس نے']).shape, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["(1,", f"{DIM})", "False", "False"]


# --- the exported file's checks ---------------------------------------------------


def _exported(folder: Path, source: str = "abc", recipe: int = RECIPE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ONNX_FILES["int8"]
    path.write_bytes(b"onnx bytes")
    manifest = {"source_sha256": source, "recipe": recipe, "files": {path.name: sha256_file(path)}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return path


def test_verify_onnx_accepts_the_recorded_file(tmp_path: Path) -> None:
    path = _exported(tmp_path / "onnx")
    assert verify_onnx(tmp_path / "onnx", "abc") == path
    assert (tmp_path / "onnx" / f".{path.name}.sha256").exists()


def test_verify_onnx_missing_file_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="khabar models --install"):
        verify_onnx(tmp_path / "onnx", "abc")


def test_verify_onnx_from_another_model_or_recipe_is_missing(tmp_path: Path) -> None:
    _exported(tmp_path / "a", source="other")
    with pytest.raises(ModelMissingError, match="another model"):
        verify_onnx(tmp_path / "a", "abc")
    _exported(tmp_path / "b", recipe=RECIPE - 1)
    with pytest.raises(ModelMissingError, match="recipe"):
        verify_onnx(tmp_path / "b", "abc")


def test_verify_onnx_changed_file_fails_checksum(tmp_path: Path) -> None:
    path = _exported(tmp_path / "onnx")
    verify_onnx(tmp_path / "onnx", "abc")
    path.write_bytes(b"tampered!!")  # same size, new mtime: the stamp no longer applies
    with pytest.raises(ChecksumError):
        verify_onnx(tmp_path / "onnx", "abc")


def test_int8_backend_has_its_own_index_id(tmp_path: Path) -> None:
    base = Settings(models_dir=tmp_path)
    spec = REGISTRY[base.embedder]
    assert resolve_embedder(base.model_copy(update={"embedder_backend": "onnx-int8"}))[0] == spec.id + "@int8"
    assert resolve_embedder(base.model_copy(update={"embedder_backend": "onnx-fp32"}))[0] == spec.id
    assert resolve_embedder(base.model_copy(update={"embedder_backend": "torch"}))[0] == spec.id


def test_pipeline_without_onnx_export_asks_for_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(models_dir=tmp_path / "models", data_dir=tmp_path / "data", embedder_backend="onnx-int8")
    monkeypatch.setattr("rag.pipeline.verify", lambda spec, models_dir: models_dir / spec.filename)
    with pytest.raises(ModelMissingError, match="ONNX int8 embedder.*khabar models --install"):
        Pipeline(settings).embedder()


# --- per-token hidden states ------------------------------------------------------


def test_real_tokens_drop_padding_special_and_empty_spans() -> None:
    from rag.embedding import real_tokens

    rows, spans = real_tokens(
        mask=[1, 1, 1, 1, 1, 0],
        special=[1, 0, 0, 0, 1, 0],
        offsets=[(0, 0), (0, 5), (5, 5), (6, 9), (0, 0), (0, 0)],
    )
    assert rows.tolist() == [1, 3]
    assert spans.tolist() == [[0, 5], [6, 9]]
    assert spans.dtype == np.int64
    rows, spans = real_tokens([], [], [])
    assert rows.tolist() == [] and spans.shape == (0, 2)


def test_token_states_are_the_graphs_rows_of_real_tokens_with_offsets(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    _tokenizer(folder)
    table = _graph(folder / "states.onnx", states=True)
    texts = ["a", "پولیس نے  گرفتار کیا ?", "", "police arrested xyz"]  # no prompt: "text:" is not added
    one = OnnxEmbedder("tiny", folder, folder / "states.onnx", dim=DIM, batch_size=1)
    three = OnnxEmbedder("tiny", folder, folder / "states.onnx", dim=DIM, batch_size=3)
    assert one.state_layer == STATE_LAYER == 18
    got, again = one.token_states(texts), three.token_states(texts)
    assert len(got) == len(texts)
    for text, (offsets, states), (offsets3, states3) in zip(texts, got, again, strict=True):
        words = text.split()
        assert [text[s:e] for s, e in offsets.tolist()] == words  # no <bos>/<eos>, no padding
        ids = [WORDS.index(w) if w in WORDS else WORDS.index("<unk>") for w in words]
        assert states.dtype == np.float32 and states.shape == (len(words), DIM)
        np.testing.assert_allclose(states, table[ids], rtol=1e-6)
        np.testing.assert_array_equal(offsets, offsets3)  # batching and padding change nothing
        np.testing.assert_allclose(states, states3, rtol=1e-6)


def test_old_graph_without_token_states_says_so(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, _ = tiny
    emb = OnnxEmbedder("tiny", folder, graph, dim=DIM)
    assert emb.state_layer == -1
    with pytest.raises(NoTokenStatesError, match="khabar models --install"):
        emb.token_states(["پولیس نے"])
    assert emb.embed_documents(["پولیس نے"]).shape == (1, DIM)  # sentence vectors still work


def test_back_ends_with_token_states_match_the_protocol(tiny: tuple[Path, Path, np.ndarray]) -> None:
    folder, graph, _ = tiny
    onnx: TokenStates = OnnxEmbedder("tiny", folder, graph, dim=DIM)  # mypy checks the structure
    torch_backend: TokenStates = SentenceTransformerEmbedder("st", folder)
    assert torch_backend.state_layer == STATE_LAYER
    assert callable(onnx.token_states)
    assert not hasattr(HashEmbedder(), "token_states")
