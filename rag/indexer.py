"""Building and updating the index: read editions, re-embed only what changed,
align bilingual editions, save atomically.

An unchanged corpus is detected from content hashes in the manifest alone, so
`khabar index` with nothing to do returns without loading any model."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import lang
from .align import align
from .chunking import chunk_edition
from .corpus import read_edition, read_editions, scan_files
from .embedding import Embedder
from .errors import IndexMissingError, KhabarError
from .injection import flag_passages
from .keyword import KeywordIndex
from .store import FORMAT_VERSION, Manifest, Store, keyword_tokens, read_manifest
from .types import Edition, Passage

Progress = Callable[[str, float], None]


def content_hash(edition: Edition) -> str:
    return hashlib.sha256(edition.text.encode("utf-8")).hexdigest()


def plan(
    index_dir: Path,
    paths: Sequence[Path],
    default_dir: Path | Sequence[Path],
    embedder_id: str,
    rebuild: bool,
) -> dict[str, Any]:
    """Read the articles and compare with the manifest, without any model.

    Without `paths`, the default folders are read (the articles folder, then
    the uploads folder when it exists, so an upload saved but not indexed
    before a crash is picked up; on a clash the articles folder wins).
    `replaced` lists the editions whose indexed text came from another file
    and is now replaced by the one read here."""
    defaults = [default_dir] if isinstance(default_dir, Path) else list(default_dir)
    scan = list(paths) or [d for i, d in enumerate(defaults) if i == 0 or d.is_dir()]
    editions, errors = read_editions(scan)
    try:
        manifest: Manifest | None = read_manifest(index_dir)
    except IndexMissingError:
        manifest = None
    rebuild = rebuild or manifest is None or manifest.embedder != embedder_id or manifest.version != FORMAT_VERSION
    old = {} if manifest is None else manifest.editions
    current = {e.key: e for e in editions}
    # editions indexed earlier from other paths stay while their files exist
    keep = {k: v for k, v in old.items() if k not in current and Path(v["path"]).exists()}
    for key, info in keep.items():
        files, problems = scan_files([Path(info["path"])])  # the link rule holds for kept files too
        errors.extend(problems)
        if not files:
            continue
        try:
            ed = read_edition(files[0])
        except KhabarError as err:
            errors.append(err)  # type: ignore[arg-type]
            continue
        current[key] = ed
        editions.append(ed)
    hashes = {e.key: content_hash(e) for e in editions}
    changed = [e for e in editions if rebuild or old.get(e.key, {}).get("sha256") != hashes[e.key]]
    removed = [k for k in old if k not in current]
    replaced = [  # the hash first: resolving paths is the slow part, and most editions are unchanged
        {"edition": e.key, "old": old[e.key]["path"], "new": e.path}
        for e in editions
        if e.key in old and old[e.key].get("sha256") != hashes[e.key] and not _same_file(old[e.key]["path"], e.path)
    ]
    return {
        "editions": editions,
        "errors": errors,
        "manifest": manifest,
        "rebuild": rebuild,
        "changed": changed,
        "removed": removed,
        "replaced": replaced,
        "up_to_date": not changed and not removed and manifest is not None,
        "hashes": hashes,
    }


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def build(
    index_dir: Path,
    embedder: Embedder,
    the_plan: dict[str, Any],
    progress: Progress | None = None,
    loaded: Store | None = None,
) -> dict[str, Any]:
    """Embed changed editions, reuse the others, align, save.

    An unchanged edition (same content hash, same index format) keeps its
    passages, vectors and keyword counts as they are: it is neither split,
    flagged, tokenised nor embedded again, so adding one article to a large
    index costs that article plus rewriting the files. The result is laid out
    exactly as a fresh build (editions in key order).

    `loaded` is the index on disk already in memory (the caller vouches that
    it is what `index_dir` holds): it is used instead of reading the index
    again. The report carries the new store (`store`) and its save stamp
    (`stamp`, see `Store.save`), so the caller can keep it instead of loading it."""
    t0 = time.perf_counter()
    say = progress or (lambda msg, frac: None)
    old_store: Store | None = None
    if the_plan["manifest"] is not None and not the_plan["rebuild"]:
        old_store = loaded if loaded is not None else Store.load(index_dir)
    editions: list[Edition] = the_plan["editions"]
    changed_keys = {e.key for e in the_plan["changed"]}
    by_key = {e.key: e for e in editions}
    old_n = len(old_store.passages) if old_store is not None else 0
    # the editions of the final store, in key order: ("old", its old passages) or ("new", its new ones)
    layout: list[tuple[str, list[Passage]]] = []
    new_passages: list[Passage] = []
    new_vectors: list[np.ndarray] = []
    entries: dict[str, dict[str, Any]] = {}
    reused_keys: set[str] = set()
    total = max(1, len(by_key))
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for n, key in enumerate(sorted(by_key)):
        ed = by_key[key]
        old_ps = old_store.edition_passages(ed.article, ed.language) if old_store is not None else []
        if old_store is not None and key not in changed_keys and old_ps:
            layout.append(("old", old_ps))
            reused_keys.add(key)
            indexed_at = old_store.manifest.editions.get(key, {}).get("indexed_at", now)
            sentences = len(old_ps)
        else:
            chunks = flag_passages(chunk_edition(ed))
            say(f"embedding {Path(ed.path).name} ({len(chunks)} sentences)", n / total)
            vec = embedder.embed_documents([p.text for p in chunks]).reshape(len(chunks), -1)
            layout.append(("new", chunks))
            new_passages.extend(chunks)
            new_vectors.append(vec)
            indexed_at = now
            sentences = len(chunks)
        entries[key] = {
            "article": ed.article,
            "language": ed.language,
            "path": ed.path,
            "sha256": the_plan.get("hashes", {}).get(key) or content_hash(ed),
            "sentences": sentences,
            "meta": ed.meta,
            "indexed_at": indexed_at,
        }
    dim = old_store.manifest.dim if old_store is not None else embedder.dim
    if new_vectors and new_vectors[0].size:
        dim = int(new_vectors[0].shape[1])
    # each final row's position among the old rows followed by the new ones (for the keyword rows)
    rows: list[int] = []
    passages: list[Passage] = []
    next_new = old_n
    for kind, ps in layout:
        base = len(passages)
        if kind == "old":
            rows.extend(p.id for p in ps)
            if ps[0].id == base:  # an edition before the first change keeps its ids: its passages as they are
                passages.extend(ps)
                continue
        else:
            rows.extend(range(next_new, next_new + len(ps)))
            next_new += len(ps)
        passages.extend(
            [Passage(base + j, p.article, p.language, p.index, p.start, p.end, p.text, p.addresses_assistant)
             for j, p in enumerate(ps)]
        )  # positional: dataclasses.replace checks every field and was a tenth of adding one article
    keywords = old_store.keywords().take(np.arange(old_n)) if old_store is not None else KeywordIndex()
    keywords.extend(KeywordIndex.from_tokens([keyword_tokens(p.text) for p in new_passages]))
    # one copy of the vectors, edition by edition (an unchanged edition is a run of old rows)
    matrix = np.empty((len(passages), dim), dtype=np.float32)
    at = 0
    fresh = iter(new_vectors)
    for kind, ps in layout:
        if kind == "old":
            assert old_store is not None
            first, last = ps[0].id, ps[-1].id
            if last - first + 1 == len(ps):  # an edition's passages are one run of rows: a slice, not a gather
                matrix[at : at + len(ps)] = old_store.vectors[first : last + 1]
            else:
                matrix[at : at + len(ps)] = old_store.vectors[[p.id for p in ps]]
        else:
            matrix[at : at + len(ps)] = next(fresh)
        at += len(ps)
    order = np.asarray(rows, dtype=np.int64)
    manifest = Manifest(embedder=embedder.id, dim=dim, editions=entries)
    store = Store(manifest, passages, matrix, keywords.take(order))
    say("aligning editions", 0.9)
    first_lang, second_lang = lang.aligned_pair()
    for article in sorted({e["article"] for e in entries.values()}):
        if (
            old_store is not None
            and article in old_store.manifest.alignments
            and {f"{article}:{first_lang}", f"{article}:{second_lang}"} <= reused_keys
        ):
            manifest.alignments[article] = old_store.manifest.alignments[article]  # both editions unchanged
            continue
        one = store.edition_passages(article, first_lang)
        other = store.edition_passages(article, second_lang)
        if one and other:
            links = align(store.vectors[[p.id for p in one]], store.vectors[[p.id for p in other]])
            manifest.alignments[article] = [[list(a), list(b)] for a, b in links if a and b]
    say("saving index", 0.95)
    stamp = store.save(index_dir)
    say("done", 1.0)
    return {
        "embedded": sorted(changed_keys & set(by_key)),
        "encoded_sentences": len(new_passages),
        "editions": len(entries),
        "passages": len(passages),
        "seconds": round(time.perf_counter() - t0, 3),
        "store": store,
        "stamp": stamp,
    }
