"""Readers' 👍/👎 on answers, kept on this machine for the evaluation to read.

One JSON object a line in `data/feedback.jsonl` (`Settings.feedback_path`):
the rating, the question, the answer, its language, refusal and citations
(the same fields as `khabar ask --json`), the article scope and the time.
Each record is written with one `write` on a file opened for appending, under
an exclusive lock, so records from several app processes never interleave; a
line cut by a crash is skipped by `read_feedback`, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from .errors import UsageError
from .types import Answer

Rating = Literal["up", "down"]
RATINGS: tuple[Rating, ...] = ("up", "down")


def feedback_record(
    rating: str, answer: Answer, *, article: str | None = None, comment: str = "", when: float | None = None
) -> dict[str, Any]:
    """The line stored for one rating of one answer; UsageError for a rating other than up/down."""
    if rating not in RATINGS:
        raise UsageError(f"Feedback must be one of {', '.join(RATINGS)}, not {rating!r}.")
    answer_json = answer.to_json()
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if when is None else when)),
        "rating": rating,
        "question": answer.question,
        "language": answer.language,
        "answer": answer.answer,
        "refused": answer.refused,
        "reason": answer.reason,
        "citations": answer_json.get("citations", []),
        "article": article,
        "models": answer.models,
        "comment": comment,
    }


@contextlib.contextmanager
def _locked(f: Any) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: appends of one write are still whole lines on local disks
        yield
        return
    fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def record_feedback(path: Path, rating: str, answer: Answer, *, article: str | None = None, comment: str = "") -> dict[str, Any]:
    """Append one rating to `path` (created with its folder); returns the record."""
    record = feedback_record(rating, answer, article=article, comment=comment)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "ab") as f, _locked(f):
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
    return record


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every whole record in `path`, oldest first ([] when there is none);
    a damaged line (cut by a crash) is skipped."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and item.get("rating") in RATINGS:
            records.append(item)
    return records
