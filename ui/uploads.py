"""Checking and saving uploaded articles.

An upload must be a `.txt` or `.md` file of UTF-8 text, at most `MAX_UPLOAD_BYTES`.
Its name is reduced to letters, digits, `.`, `-` and `_`, so no name can reach
outside the articles folder; an existing file is never overwritten (a numbered
name is chosen instead), so nothing already indexed is lost.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rag.errors import UsageError

MAX_UPLOAD_BYTES = 1_000_000
ALLOWED_SUFFIXES = (".txt", ".md")
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def sanitise_filename(name: str) -> str:
    """A safe file name from an uploaded one: no folders, no leading dots, allowed suffix.

    >>> sanitise_filename("../../etc/x.txt")
    'x.txt'
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE.sub("_", base.replace("\x00", ""))
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ALLOWED_SUFFIXES:
        raise UsageError(f"{name!r} is not a .txt or .md file: upload the article as UTF-8 plain text (.txt or .md).")
    stem = stem.strip("._-")[:100] or "article"
    return f"{stem}.{suffix.lower()}"


def read_upload(path: Path, name: str) -> str:
    """The text of an uploaded file, or UsageError saying why it is refused."""
    sanitise_filename(name)
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise UsageError(
            f"{name!r} is {size / 1_000_000:.1f} MB; the limit is 1 MB: split the article or upload only its text."
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise UsageError(f"{name!r} is a binary file, not text: save the article as UTF-8 plain text (.txt or .md).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"{name!r} is not UTF-8 (byte {err.start} cannot be decoded): save it as UTF-8 and upload again."
        ) from None
    if not text.strip():
        raise UsageError(f"{name!r} is empty: upload a file with the article's text.")
    return text


def save_upload(path: Path, name: str, articles_dir: Path) -> Path:
    """Validate an upload and copy it into `articles_dir` under a sanitised, unused name."""
    text = read_upload(path, name)
    folder = articles_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    safe = sanitise_filename(name)
    stem, _, suffix = safe.rpartition(".")
    # keep a language tag such as `.en` last, so `story.en.txt` becomes `story-1.en.txt`
    head, dot, tag = stem.rpartition(".")
    if not (dot and tag in ("en", "ur")):
        head, tag = stem, ""
    tail = f".{tag}.{suffix}" if tag else f".{suffix}"
    target = folder / safe
    n = 1
    while target.exists():
        target = folder / f"{head}-{n}{tail}"
        n += 1
    if target.resolve().parent != folder:  # belt and braces: the name cannot contain a separator
        raise UsageError(f"{name!r} would be saved outside the articles folder; rename the file.")
    target.write_text(text, encoding="utf-8")
    return target
