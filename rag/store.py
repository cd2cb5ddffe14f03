"""The index on disk: FAISS vectors, a BM25 keyword index and a manifest.

Layout of `data/index/`: `manifest.json` (embedder id, dimension, one entry per
edition with its content hash), `passages.jsonl`, `vectors.npy` (float32, one
row a passage) and the keyword index (`keywords.npz`, `keywords_vocab.json`:
word counts per passage, see rag/keyword.py). In memory the vectors live in
one place, the storage of an exact FAISS inner-product index (`IndexFlatIP`,
see the README on scale for IVF/HNSW above a size threshold): `Store.vectors`
is a numpy view of that storage, not a copy, and `vectors.npy` is read
straight into it. Saving writes a sibling folder and swaps it in with renames, so an
interrupted save (Ctrl-C, a kill) leaves the previous index usable. The
leftovers of an interrupted save (`index.new`, `index.old`) are cleaned at the
next load or save, under the same lock a save holds, so a save running in
another process is never disturbed and the live index is never deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import lang
from .errors import IndexMissingError, KhabarError
from .keyword import KeywordIndex
from .text import stem, tokenize
from .types import Passage

# FAISS's fvec_inner_products_ny has row-grouping kernels for 1, 2, 4, 8 and 12 dimensions
_ROW_GROUPED_BELOW = 16
FORMAT_VERSION = 3  # bump when passages, vectors or keyword tokens change meaning (3: addresses_assistant)


def keyword_tokens(text: str) -> list[str]:
    """BM25 tokens: normalised words, lightly stemmed (Urdu-aware)."""
    return [stem(t) for t in tokenize(text)]


@dataclass
class Manifest:
    embedder: str
    dim: int
    editions: dict[str, dict[str, Any]] = field(default_factory=dict)  # key "article:lang" -> info
    # article -> links [[ur idx], [en idx]]: the languages of rag.lang.aligned_pair(), in that order
    alignments: dict[str, list[list[list[int]]]] = field(default_factory=dict)
    version: int = FORMAT_VERSION


class Store:
    """Passages with their vectors, searchable by meaning and by keywords.

    Lookups by article and edition go through dictionaries and numpy arrays
    built once per store (never a scan of every passage per question): a
    store of 30,000 passages answers `edition_passages` or `article_rows` in
    microseconds."""

    def __init__(
        self,
        manifest: Manifest,
        passages: list[Passage],
        vectors: np.ndarray,
        keywords: KeywordIndex | None = None,
    ) -> None:
        """`vectors` (one row a passage) are copied into a FAISS index, except
        when they already are the storage of one (`Store.vectors`, or what
        `load` and `without` build): that index is then the store's."""
        if len(passages) != len(vectors):
            raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
        if keywords is not None and keywords.size != len(passages):
            raise ValueError(f"{len(passages)} passages but {keywords.size} keyword rows")
        self.manifest = manifest
        self.passages = passages
        if _index_of(vectors, manifest.dim) is None:
            matrix = np.asarray(vectors, dtype=np.float32).reshape(len(passages), manifest.dim)
            vectors = _flat_index(manifest.dim, len(matrix), lambda storage: np.copyto(storage, matrix))
        self._vectors = vectors
        self._index = _index_of(vectors, manifest.dim)
        self._keywords = keywords
        self._by_key: dict[tuple[str, str, int], Passage] = {}
        self._by_edition: dict[tuple[str, str], list[Passage]] = {}
        rows: dict[str, list[int]] = {}
        for p in passages:
            self._by_key[(p.article, p.language, p.index)] = p
            self._by_edition.setdefault((p.article, p.language), []).append(p)
            rows.setdefault(p.article, []).append(p.id)
        self._article_rows = {a: np.asarray(r, dtype=np.int64) for a, r in rows.items()}
        # what retrieval filters on, as arrays over passage ids
        self.searchable = np.fromiter((not p.addresses_assistant for p in passages), dtype=bool, count=len(passages))
        # Passage.language as a small integer, for array filters: its place in
        # the registry (built-in packs first, so the numbers of the built-in
        # languages never change), then any language no pack reads any more
        found = {p.language for p in passages}
        self._language_ids = {code: i for i, code in enumerate([*lang.codes(), *sorted(found - set(lang.codes()))])}
        self.language_codes = np.fromiter((self._language_ids[p.language] for p in passages), dtype=np.int8, count=len(passages))

    @property
    def vectors(self) -> np.ndarray:
        """The passage vectors (float32, one row a passage id): a read-only
        view of the FAISS index's own storage, no copy."""
        return self._vectors

    def vector_index(self) -> Any:
        """The FAISS index (`IndexFlatIP`) that holds the passage vectors."""
        return self._index

    def language_id(self, language: str) -> int:
        """The number `language_codes` holds for `language` (-1 for a code
        that no pack has and no passage of this store is in)."""
        return self._language_ids.get(language, -1)

    # -- lookups --
    def passage(self, article: str, language: str, index: int) -> Passage | None:
        return self._by_key.get((article, language, index))

    def edition_passages(self, article: str, language: str) -> list[Passage]:
        return list(self._by_edition.get((article, language), ()))

    def usable_passages(self, article: str, language: str) -> list[Passage]:
        """An edition without the sentences that address the assistant: what
        may be quoted or sent to the chat model."""
        return [p for p in self._by_edition.get((article, language), ()) if not p.addresses_assistant]

    def flagged_count(self, article: str, language: str) -> int:
        """How many sentences of an edition address the assistant."""
        return sum(1 for p in self._by_edition.get((article, language), ()) if p.addresses_assistant)

    def articles(self) -> list[str]:
        return sorted(self._article_rows)

    def languages(self, article: str) -> set[str]:
        """The languages of an article's editions."""
        return {code for (a, code) in self._by_edition if a == article}

    def article_rows(self, article: str) -> np.ndarray:
        """Passage ids of an article (all its editions), ascending."""
        return self._article_rows.get(article, np.zeros(0, dtype=np.int64))

    def article_passages(self, article: str) -> list[Passage]:
        return [self.passages[i] for i in self.article_rows(article)]

    def without(self, article: str) -> Store:
        """A copy of the index with every edition of `article` left out: its
        passages, vectors, manifest entries and alignment. Passage ids are
        renumbered (an id is a position in the store); the other articles'
        vectors are reused, nothing is embedded again."""
        keep = [p for p in self.passages if p.article != article]
        rows = np.asarray([p.id for p in keep], dtype=np.int64)
        # the kept rows are copied straight into the new index's storage (mode="clip": "raise" buffers a copy)
        vectors = _flat_index(
            self.manifest.dim, len(rows), lambda storage: np.take(self.vectors, rows, axis=0, out=storage, mode="clip")
        )
        manifest = Manifest(
            embedder=self.manifest.embedder,
            dim=self.manifest.dim,
            editions={k: v for k, v in self.manifest.editions.items() if v.get("article") != article},
            alignments={a: links for a, links in self.manifest.alignments.items() if a != article},
            version=self.manifest.version,
        )
        return Store(manifest, [replace(p, id=i) for i, p in enumerate(keep)], vectors, self.keywords().take(rows.tolist()))

    # -- search --
    def keywords(self) -> KeywordIndex:
        """The keyword index; built from the passages' text when the store was
        made without one (an index saved before it was kept on disk)."""
        if self._keywords is None:
            self._keywords = KeywordIndex.from_tokens([keyword_tokens(p.text) for p in self.passages])
        return self._keywords

    def dense_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every passage (inner product of
        normalised vectors, exact), in passage-id order.

        FAISS's inner-product kernel run over the index's storage
        (`fvec_inner_products_ny`), not `IndexFlatIP.search`: the fusion needs
        every passage's score, and a search with k = all passages also sorts
        them, only for the order to be dropped here (about 6 times the CPU at
        23,000 x 768, bench/store_memory.py). The kernel sums every row in the
        same order, so equal vectors tie and the lower id ranks first (a BLAS
        product may sum a row differently depending on where it falls in its
        blocks). Below 16 dimensions FAISS has kernels that score several rows
        at once and the rows of a last, partial group otherwise; there each
        row goes through the one-row kernel (`fvec_inner_products_by_idx`)."""
        faiss = _faiss()
        dim = self.manifest.dim
        query = np.ascontiguousarray(query_vec, dtype=np.float32).reshape(-1)
        if query.size != dim:  # the kernel reads `dim` floats from the query, whatever its size
            raise ValueError(f"a query of {query.size} dimensions for vectors of {dim}")
        n = len(self.passages)
        scores = np.empty(n, dtype=np.float32)
        if not n:
            return scores
        out, xb = faiss.swig_ptr(scores), self.vector_index().get_xb()
        if dim >= _ROW_GROUPED_BELOW:
            faiss.fvec_inner_products_ny(out, faiss.swig_ptr(query), xb, dim, n)
        else:
            ids = np.arange(n, dtype=np.int64)
            faiss.fvec_inner_products_by_idx(out, faiss.swig_ptr(query), xb, faiss.swig_ptr(ids), dim, 1, n)
        return scores

    def keyword_scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query's words."""
        return self.keywords().scores(keyword_tokens(query))

    # -- persistence --
    def save(self, directory: Path) -> Stamp | None:
        """Write into `directory.new`, then swap it in with renames (one save
        at a time). Returns the saved index's stamp (`manifest_stamp`), read
        under the save lock: by it a reader knows the index on disk is this
        store (a save by another process after this one changes it)."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        with _save_lock(directory, wait=True):
            self._save(directory)
            return manifest_stamp(directory)

    def _save(self, directory: Path) -> None:
        tmp = directory.with_name(directory.name + ".new")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        encode = json.JSONEncoder(ensure_ascii=False).encode
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            # vars(), not dataclasses.asdict: asdict deep-copies every field and took most of a save
            f.writelines(encode(vars(p)) + "\n" for p in self.passages)
        np.save(tmp / "vectors.npy", self.vectors)
        self.keywords().save(tmp)
        (tmp / "manifest.json").write_text(json.dumps(vars(self.manifest), ensure_ascii=False, indent=1), encoding="utf-8")
        if directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(directory, old)
        # (when only `old` exists, from an interrupted swap, it stays until the new index is in place)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> Store:
        clean_leftovers(directory)
        directory = _existing(directory)
        manifest = read_manifest(directory)
        with open(directory / "passages.jsonl", encoding="utf-8") as f:
            # one parse of all lines as a JSON array: much faster than a parse per line
            rows = json.loads("[" + ",".join(line for line in f if line.strip()) + "]")
        passages = [Passage(**row) for row in rows]
        vectors = _read_vectors(directory / "vectors.npy", manifest.dim)
        # an index written before the keyword index was saved gets it rebuilt on first use
        keywords = KeywordIndex.load(directory) if KeywordIndex.saved_in(directory) else None
        return cls(manifest, passages, vectors, keywords)


def _faiss() -> Any:
    """The faiss module, imported on first use (0.3 s: `khabar --help` and the
    modules that only name Store need not load it); typed Any, SWIG wrappers
    carry no types."""
    import faiss

    return faiss


class _IndexStorage:
    """The rows of a FAISS flat index as numpy sees them: `np.asarray(...)` of
    this is a view of the index's own memory, no copy, and the view's `.base`
    is this object, so the index lives as long as any view of it (a bare
    `faiss.rev_swig_ptr(index.get_xb(), n * d)` array is the same view without
    that link: it reads freed memory once the index is gone)."""

    def __init__(self, index: Any, writable: bool = False) -> None:
        self.index = index
        address = int(index.get_xb()) if index.ntotal else 0  # an empty index has no storage yet
        self.__array_interface__ = {
            "version": 3,
            "shape": (index.ntotal, index.d),
            "typestr": np.dtype(np.float32).str,
            "data": (address, not writable),
        }


def _flat_index(dim: int, rows: int, fill: Callable[[np.ndarray], Any]) -> np.ndarray:
    """A FAISS `IndexFlatIP` of `rows` vectors, which `fill(storage)` writes
    into a writable view of the index's storage; returns a read-only view.

    The storage is sized once and filled in place, as `IndexFlatCodes::add`
    does (resize `codes`, copy the rows in, count them), but from whatever
    `fill` reads (a file, rows of another index) without an array of the
    vectors beside it, which `index.add(array)` would need."""
    index = _faiss().IndexFlatIP(dim)
    if rows:
        index.codes.resize(rows * index.code_size)
        index.ntotal = rows
        fill(np.asarray(_IndexStorage(index, writable=True)))
    return np.asarray(_IndexStorage(index))


def _index_of(vectors: Any, dim: int) -> Any:
    """The FAISS index whose whole storage `vectors` is a view of, or None."""
    holder = getattr(vectors, "base", None)
    if not isinstance(holder, _IndexStorage) or not isinstance(vectors, np.ndarray):
        return None
    index = holder.index
    whole = vectors.shape == (index.ntotal, dim) and vectors.flags.c_contiguous and vectors.dtype == np.float32
    if not whole or (index.ntotal and vectors.ctypes.data != int(index.get_xb())):
        return None
    return index


def _read_vectors(path: Path, dim: int) -> np.ndarray:
    """`vectors.npy` read straight into a FAISS index's storage: no array of
    the vectors is made beside it. A file in another layout (not float32 rows
    of `dim`) is mapped and copied in, the one transient copy of it."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(f)
        if dtype == np.dtype(np.float32) and not fortran_order and len(shape) == 2 and shape[1] == dim:

            def read_into(storage: np.ndarray) -> None:
                if f.readinto(storage.data.cast("B")) != storage.nbytes:
                    raise KhabarError(f"{path} is cut short: run `khabar index --rebuild`.")

            return _flat_index(dim, shape[0], read_into)
    mapped = np.load(path, mmap_mode="r")
    matrix = np.asarray(mapped, dtype=np.float32).reshape(len(mapped), dim)
    return _flat_index(dim, len(matrix), lambda storage: np.copyto(storage, matrix))


def remove_article(
    directory: Path, article: str, before_save: Callable[[dict[str, dict[str, Any]]], None] | None = None
) -> dict[str, dict[str, Any]]:
    """Take `article` out of the index in `directory`; returns its manifest
    entries (edition key -> info), empty when it was not indexed.

    Load, removal and save happen under the index lock, so an index being
    saved by another process (`khabar index`, another upload) is neither
    read half-way nor overwritten with a copy that still holds the article.
    `before_save(entries)` runs under the lock before the new index is
    swapped in (the app deletes the upload's files there: killed after it,
    the next `khabar index` finds the files gone and drops the editions)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with _save_lock(directory, wait=True):
        store = Store.load(directory)
        removed = {k: v for k, v in store.manifest.editions.items() if v.get("article") == article}
        if not removed and article not in store.articles():
            return {}
        if before_save is not None:
            before_save(removed)
        store.without(article)._save(directory)
    return removed


@contextlib.contextmanager
def _save_lock(directory: Path, wait: bool) -> Iterator[bool]:
    """An exclusive lock on the folder holding the index (flock, released by the
    kernel when the process dies, so a kill never leaves it locked). Yields
    whether it was taken; with `wait`, waits for it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, and no clean-up without one
        yield wait
        return
    try:
        fd = os.open(directory.parent, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def clean_leftovers(directory: Path) -> None:
    """Remove what an interrupted save left beside the index, if no save runs now.

    With a complete index in place, `.new` (a half-written index) and `.old`
    (the one it replaced) are removed. Killed between the two renames of the
    swap, only `.old` is complete: it is renamed back into place, as the
    previous index, and the half-swapped `.new` is removed."""
    new = directory.with_name(directory.name + ".new")
    old = directory.with_name(directory.name + ".old")
    if not (new.exists() or old.exists()) or not directory.parent.is_dir():
        return
    with _save_lock(directory, wait=False) as locked:
        if not locked:
            return  # a save is running in another process: its folders are not leftovers
        try:
            if not (directory / "manifest.json").exists():
                if not (old / "manifest.json").exists() or directory.exists():
                    return  # nothing complete to restore; leave everything for `khabar index`
                os.replace(old, directory)
            shutil.rmtree(new, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # a read-only data folder: loading still works through `_existing`


def _existing(directory: Path) -> Path:
    """The index folder, or the previous one left by an interrupted swap."""
    if (directory / "manifest.json").exists():
        return directory
    old = directory.with_name(directory.name + ".old")
    if (old / "manifest.json").exists():
        return old
    raise IndexMissingError(str(directory))


Stamp = tuple[int, int, int]


def manifest_stamp(directory: Path) -> Stamp | None:
    """What identifies one save of the index (None without an index): the
    manifest's modification time in nanoseconds, inode and size. Every save
    writes a new manifest file, so two saves within one tick of the file
    system's clock still differ (by inode), and an unchanged stamp means an
    unchanged index."""
    try:
        st = (directory / "manifest.json").stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino, st.st_size)


def read_manifest(directory: Path) -> Manifest:
    clean_leftovers(directory)
    directory = _existing(directory)
    try:
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise KhabarError(f"The index manifest in {directory} is damaged ({exc}): run `khabar index --rebuild`.") from None
