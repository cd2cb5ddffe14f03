"""Checking and saving uploaded articles.

An upload must be a `.txt` or `.md` file of UTF-8 text, at most `MAX_UPLOAD_BYTES`.
Its name is reduced to letters, digits, `.`, `-` and `_`, so no name can reach
outside the uploads folder (`data/uploads/`, never the repository's `seeds/`).

An upload only ever adds an article; it never changes one that is indexed:
- the identical text of an indexed edition (same sha256) is recognised and
  reported as already there; nothing is written or indexed again;
- front matter `article: X` naming an indexed article is refused, with how to
  add it under a new id (replacing an article on purpose is for a local user:
  put the file in the articles folder and run `khabar index`);
- a file name whose id is taken, by an indexed article or by another file, gets
  a numbered name (`story-1.en.txt`), so it becomes a new article.

The file is written under a temporary name and renamed into place, so a crash
never leaves half a file. A crash between saving and indexing leaves a whole
file that is not yet indexed: uploading it again finds it (same bytes) instead
of making a copy, and `recover_uploads` (run by `khabar ui` at start-up) and
`khabar index` index it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rag import lang as languages
from rag.corpus import SUFFIXES, parse_edition, read_capped
from rag.errors import ArticleError, KhabarError, UsageError
from rag.types import ArticleInfo, Edition

from .i18n import DEFAULT_LANG, language_name, t

MAX_UPLOAD_BYTES = 1_000_000
ALLOWED_SUFFIXES = (".txt", ".md")
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
MAX_NUMBERED = 1000  # numbered names tried before giving up (story-1 ... story-999)


def sanitise_filename(name: str, lang: str = DEFAULT_LANG) -> str:
    """A safe file name from an uploaded one: no folders, no leading dots, allowed suffix.
    A refusal's message is in `lang`, the interface language (so are all below).

    >>> sanitise_filename("../../etc/x.txt")
    'x.txt'
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE.sub("_", base.replace("\x00", ""))
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ALLOWED_SUFFIXES:
        raise UsageError(t("upload.not_type", lang, name=name))
    stem = stem.strip("._-")[:100] or "article"
    return f"{stem}.{suffix.lower()}"


def read_upload(path: Path, name: str, lang: str = DEFAULT_LANG) -> str:
    """The text of an uploaded file, or UsageError saying why it is refused.

    The size is checked before reading, and the read is capped anyway."""
    sanitise_filename(name, lang)
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise UsageError(t("upload.too_big", lang, name=name, size=f"{size / 1_000_000:.1f}"))
    try:
        data = read_capped(path, MAX_UPLOAD_BYTES)
    except ArticleError as err:
        raise UsageError(t("upload.refused", lang, name=name, error=err)) from None
    if b"\x00" in data:
        raise UsageError(t("upload.binary", lang, name=name))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(t("upload.not_utf8", lang, name=name, byte=err.start)) from None
    if not text.strip():
        raise UsageError(t("upload.empty", lang, name=name))
    return text


def text_sha256(text: str) -> str:
    """The content hash the index keeps for an edition (BOM removed, as read)."""
    return hashlib.sha256(text.removeprefix("\ufeff").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SavedUpload:
    """Where an upload is and what it is.

    `status`: "new" (written now), "on_disk" (the same bytes were already in the
    uploads folder, e.g. saved before a crash), or "indexed" (its text is already
    indexed as `article`/`language`; `path` is that edition's file)."""

    path: Path
    article: str
    language: str
    status: Literal["new", "on_disk", "indexed"]


def _numbered(safe: str, n: int) -> str:
    stem, _, suffix = safe.rpartition(".")
    if n == 0:
        return safe
    # keep a language tag such as `.en` last, so `story.en.txt` becomes `story-1.en.txt`
    head, dot, tag = stem.rpartition(".")
    if not (dot and languages.find(tag)):
        head, tag = stem, ""
    return f"{head}-{n}.{tag}.{suffix}" if tag else f"{head}-{n}.{suffix}"


def _same_bytes_in(folder: Path, data: bytes) -> Path | None:
    """A file in `folder` holding exactly `data`, if there is one."""
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() not in SUFFIXES or f.is_symlink() or not f.is_file():
            continue
        try:
            if f.stat().st_size == len(data) and read_capped(f, MAX_UPLOAD_BYTES) == data:
                return f
        except (ArticleError, OSError):
            continue
    return None


def _edition(data: bytes, target: Path, name: str, lang: str) -> Edition:
    try:
        return parse_edition(data, target)
    except ArticleError as err:
        raise UsageError(t("upload.refused", lang, name=name, error=str(err).replace(str(target), target.name))) from None


def _refuse_takeover(ed: Edition, name: str, indexed: dict[str, ArticleInfo], lang: str) -> None:
    info = indexed[ed.article]
    where = ", ".join(
        t("upload.from_file", lang, language=language_name(g, lang), file=Path(str(e.get("path", "?"))).name)
        for g, e in sorted(info.editions.items())
    )
    raise UsageError(t("upload.takeover", lang, name=name, article=ed.article, where=where))


def save_upload(
    path: Path, name: str, folder: Path, indexed: Sequence[ArticleInfo] = (), lang: str = DEFAULT_LANG
) -> SavedUpload:
    """Validate an upload and save it into `folder` (the uploads folder) under a
    sanitised name; `indexed` are the articles in the index. UsageError, with
    the reason and the fix in `lang` (the interface language), when it is
    refused; nothing is written then."""
    text = read_upload(path, name, lang)
    data = text.encode("utf-8")
    by_id = {info.article: info for info in indexed}
    digest = text_sha256(text)
    for info in indexed:
        for edition, e in info.editions.items():
            if e.get("sha256") == digest:
                return SavedUpload(Path(str(e.get("path", ""))), info.article, edition, "indexed")
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    remove_partial_uploads(folder)
    safe = sanitise_filename(name, lang)
    existing = _same_bytes_in(folder, data)
    if existing is not None:
        ed = _edition(data, existing, name, lang)
        if ed.article in by_id and "article" in ed.meta:
            _refuse_takeover(ed, name, by_id, lang)
        return SavedUpload(existing, ed.article, ed.language, "on_disk")
    for n in range(MAX_NUMBERED):
        target = folder / _numbered(safe, n)
        if target.exists() or target.is_symlink():
            continue
        ed = _edition(data, target, name, lang)
        if ed.article in by_id:
            if "article" in ed.meta:
                _refuse_takeover(ed, name, by_id, lang)
            continue  # an id from the file name: take the next number, as a new article
        break
    else:
        raise UsageError(t("upload.too_many", lang, name=name, n=MAX_NUMBERED))
    if target.resolve().parent != folder:  # belt and braces: the name cannot contain a separator
        raise UsageError(t("upload.outside", lang, name=name))
    tmp = folder / f".{target.name}.{os.getpid()}.part"  # not an article suffix: never read as one
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return SavedUpload(target, ed.article, ed.language, "new")


def remove_partial_uploads(folder: Path) -> list[Path]:
    """Remove half-written uploads (`.NAME.PID.part`) left by a kill during the
    write; returns them. Uploads are written one at a time, so none is in progress."""
    if not folder.is_dir():
        return []
    partial = [f for f in folder.glob(".*.part") if f.is_file() and not f.is_symlink()]
    for f in partial:
        f.unlink(missing_ok=True)
    return partial


def unindexed_uploads(folder: Path, indexed: Sequence[ArticleInfo]) -> list[Path]:
    """Upload files in `folder` that no indexed edition comes from (left by a
    crash between saving and indexing)."""
    if not folder.is_dir():
        return []
    known = set()
    for info in indexed:
        for e in info.editions.values():
            try:
                known.add(Path(str(e.get("path", ""))).resolve())
            except OSError:
                continue
    return [
        f
        for f in sorted(folder.iterdir())
        if f.suffix.lower() in SUFFIXES and not f.is_symlink() and f.is_file() and f.resolve() not in known
    ]


def recover_uploads(pipeline: Any, folder: Path) -> dict[str, Any] | None:
    """Index the uploads a crash left saved but not indexed (app start-up).

    Returns the index report, or None when there was nothing to do (or no index yet)."""
    remove_partial_uploads(folder)
    try:
        orphans = unindexed_uploads(folder, pipeline.articles())
    except KhabarError:
        return None  # no index yet: `khabar index` reads the uploads folder too
    if not orphans:
        return None
    report: dict[str, Any] = pipeline.index(orphans)
    return report
