"""Reading articles and their language editions from files and folders.

An edition is a UTF-8 `.txt` or `.md` file. Its article id and language come
from front matter (`article:`, `language:` between `---` lines) or from the
file name: `NAME.ur.txt` and `NAME.en.txt` are two editions of article NAME;
a plain `NAME.txt` is article NAME in the language its script shows.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from . import lang
from .errors import ArticleError, UnsupportedLanguageError
from .text import detect_language
from .types import Edition, article_id_problem, safe_article_id

SUFFIXES = {".txt", ".md"}
MAX_BYTES = 1_000_000
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def _link_problem(link: Path, folder: Path) -> str | None:
    """Why a symbolic link is not followed, or None when it stays in `folder`."""
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return f"is a dangling symbolic link (to {os.readlink(link)!r}); not followed, remove it"
    except OSError as exc:
        return f"is a symbolic link that cannot be resolved ({exc.strerror}); not followed"
    root = folder.resolve()
    if not target.is_relative_to(root):
        return (
            f"is a symbolic link to {str(target)!r}, outside {str(root)!r}; not followed. "
            "Copy the article into the folder instead"
        )
    return None


def scan_files(paths: Iterable[Path]) -> tuple[list[Path], list[ArticleError]]:
    """Expand folders into their article files (sorted, non-recursive).

    A symbolic link is followed only when its target lies inside the folder
    holding it (for a file given by name: its own folder); other links, and
    dangling ones, come back as errors that name them, as do missing paths.
    Whether a file is a regular file is checked when it is read."""
    files: list[Path] = []
    errors: list[ArticleError] = []
    for p in paths:
        if p.is_symlink() and not p.is_dir():
            problem = _link_problem(p, p.parent)
            if problem:
                errors.append(ArticleError(str(p), problem))
                continue
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.suffix.lower() not in SUFFIXES:
                    continue
                if f.is_symlink():
                    problem = _link_problem(f, p)
                    if problem:
                        errors.append(ArticleError(str(f), problem))
                        continue
                if f.is_dir():
                    continue
                files.append(f)
        elif p.exists():
            files.append(p)
        else:
            errors.append(ArticleError(str(p), "no such file or folder"))
    return files, errors


def find_files(paths: Iterable[Path]) -> list[Path]:
    """As `scan_files`, raising the first error."""
    files, errors = scan_files(paths)
    if errors:
        raise errors[0]
    return files


def read_capped(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ArticleError otherwise.

    Never blocks and never reads more than `limit + 1` bytes: the file is opened
    non-blocking (a FIFO without a writer does not hang), must be a regular file
    (not a FIFO, a device such as /dev/zero, or a socket), is refused by its
    size before reading, and the read itself is capped in case it grows."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ArticleError(str(path), f"cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISFIFO(st.st_mode):
                kind = "a FIFO (named pipe)"
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                kind = "a device"
            else:
                kind = "not a regular file"
            raise ArticleError(str(path), f"is {kind}; only regular files are read")
        if st.st_size > limit:
            raise ArticleError(str(path), f"file is {st.st_size:,} bytes, over the {limit:,}-byte limit")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ArticleError(str(path), f"file grew over the {limit:,}-byte limit while being read")
    return data


def _last_part(value: str) -> str:
    return re.split(r"[\\/]", value)[-1]


def read_edition(path: Path) -> Edition:
    """Read one file as an edition; raise ArticleError naming the file."""
    return parse_edition(read_capped(path), path)


def parse_edition(data: bytes, path: Path) -> Edition:
    """An edition from a file's bytes; `path` gives the name (and the id when
    there is no front matter). ArticleError naming the file when it is unusable."""
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
    stem_match = re.fullmatch(r"(.+)\.([a-z]{2,3})", name)
    if stem_match and lang.find(stem_match.group(2)):
        name, lang_from_name = stem_match.group(1), stem_match.group(2)
    try:
        language = meta.get("language") or lang_from_name or detect_language(body)
    except UnsupportedLanguageError as err:
        raise ArticleError(str(path), f"is not in a language Khabar reads ({err.looks_like})") from None
    if lang.find(language) is None:
        known = lang.listing(lang.codes(), "or")
        raise ArticleError(str(path), f"language {language!r} is not supported (use {known})")
    if "article" in meta:
        # an explicit id is refused rather than changed: a silently reduced id
        # could fall on another article's (`../raid` -> `raid`), and the user
        # would not know which id to ask for
        article = meta["article"]
        problem = article_id_problem(article)
        if problem is not None:
            raise ArticleError(
                str(path),
                f"front matter `article: {article}` is not a usable article id ({problem}); use letters, digits, "
                f"'.', '_' or '-' only, not starting with '.' or '-', at most 100 characters "
                f"(for example `article: {safe_article_id(_last_part(article))}`)",
            )
    else:
        article = safe_article_id(name)  # the user's own file name: made valid, not refused
    return Edition(
        article=article,
        language=language,
        path=str(path),
        text=text,
        body_start=body_start,
        meta=meta,
    )


def read_editions(paths: Iterable[Path]) -> tuple[list[Edition], list[ArticleError]]:
    """Read every article file; bad files are returned as errors, not raised,
    so one bad file never stops the others from being indexed."""
    editions: list[Edition] = []
    seen: dict[str, str] = {}
    files, errors = scan_files(paths)
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
