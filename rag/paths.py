"""Where files built from outside data may go.

Article ids come from front matter and file names, which an app user can
choose by uploading a file. Every file name derived from one goes through
`id_file_stem` (the checked id, or a hash of it when an index made before the
check holds an unsafe one), and every such path through `inside`, which checks
that the resolved path stays in its folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import UnsafePathError
from .types import article_id_problem


def inside(folder: Path, path: Path) -> Path:
    """`path`, resolved, when it lies inside `folder` (resolved, links followed);
    UnsafePathError otherwise."""
    root = folder.resolve()
    resolved = path.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise UnsafePathError(str(root), str(path))
    return resolved


def id_file_stem(article: str) -> str:
    """A file-name stem for an article id: the id itself when it passes the
    id rule, else `id-` and a hash of it (never a separator, never `..`)."""
    if article_id_problem(article) is None:
        return article
    return "id-" + hashlib.sha256(article.encode("utf-8", "surrogatepass")).hexdigest()[:16]
