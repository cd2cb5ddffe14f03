"""Reading articles and their language editions from files and folders.

An edition is a UTF-8 `.txt` or `.md` file. Its article id and language come
from front matter (`article:`, `language:` between `---` lines) or from the
file name: `NAME.ur.txt` and `NAME.en.txt` are two editions of article NAME;
a plain `NAME.txt` is article NAME in the language its script shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .errors import ArticleError, UnsupportedLanguageError
from .text import detect_language
from .types import Edition

SUFFIXES = {".txt", ".md"}
MAX_BYTES = 1_000_000
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their article files (sorted, non-recursive)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif p.exists():
            files.append(p)
        else:
            raise ArticleError(str(p), "no such file or folder")
    return files


def read_edition(path: Path) -> Edition:
    """Read one file as an edition; raise ArticleError naming the file."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ArticleError(str(path), f"file is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit")
    if b"\x00" in data:
        raise ArticleError(str(path), "looks binary (contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(str(path), f"is not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]  # offsets then count from the first real character
    meta: dict[str, str] = {}
    body_start = 0
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        body_start = m.end()
    body = text[body_start:]
    if not any(c.isalnum() for c in body):
        raise ArticleError(str(path), "is empty (no text after front matter)")
    name = path.name
    for suffix in SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    lang_from_name = ""
    stem_match = re.fullmatch(r"(.+)\.(ur|en)", name)
    if stem_match:
        name, lang_from_name = stem_match.group(1), stem_match.group(2)
    try:
        language = meta.get("language") or lang_from_name or detect_language(body)
    except UnsupportedLanguageError as err:
        raise ArticleError(str(path), f"is not in a language Khabar reads ({err.looks_like})") from None
    if language not in ("ur", "en"):
        raise ArticleError(str(path), f"language {language!r} is not supported (use ur or en)")
    article = meta.get("article") or name
    return Edition(
        article=article,
        language=language,  # type: ignore[arg-type]
        path=str(path),
        text=text,
        body_start=body_start,
        meta=meta,
    )


def read_editions(paths: Iterable[Path]) -> tuple[list[Edition], list[ArticleError]]:
    """Read every article file; bad files are returned as errors, not raised,
    so one bad file never stops the others from being indexed."""
    editions: list[Edition] = []
    errors: list[ArticleError] = []
    seen: dict[str, str] = {}
    try:
        files = find_files(paths)
    except ArticleError as err:
        return [], [err]
    for f in files:
        try:
            ed = read_edition(f)
        except ArticleError as err:
            errors.append(err)
            continue
        except OSError as exc:
            errors.append(ArticleError(str(f), f"cannot be read ({exc.strerror})"))
            continue
        if ed.key in seen:
            errors.append(ArticleError(str(f), f"is a second {ed.language} edition of {ed.article} (first: {seen[ed.key]})"))
            continue
        seen[ed.key] = str(f)
        editions.append(ed)
    return editions, errors
