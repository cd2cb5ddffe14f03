"""Cleaning text that comes from a user before anything else reads it.

A question can arrive with bytes that are not UTF-8 (a CLI argument decoded
with `surrogateescape` carries lone surrogates), with NUL and other control
characters, or with invisible bidi controls that reorder what a reader sees.
None of these carry meaning in a question, and several crash the tokenisers
downstream (`TypeError: TextEncodeInput` in the embedder's tokenizer,
`UnicodeEncodeError` when printing), so they are removed here, once.

Kept: ZWNJ and ZWJ (they shape Urdu words), tabs and line breaks (turned into
spaces). Removed: surrogates, control characters (Cc), format characters (Cf:
bidi embeddings, overrides and isolates, the Arabic letter mark, zero-width
space, BOM), private-use and unassigned code points."""

from __future__ import annotations

import re
import unicodedata

from .errors import UsageError

ZWNJ = "\u200c"
ZWJ = "\u200d"
_KEEP_FORMAT = {ZWNJ, ZWJ}
_DROP_CATEGORIES = {"Cs", "Cc", "Cf", "Co", "Cn"}
_SPACE_LIKE = re.compile(r"[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """`text` without surrogates, control, format (except ZWNJ/ZWJ),
    private-use or unassigned characters; line breaks and tabs become spaces,
    runs of white space one space, ends stripped."""
    if not isinstance(text, str):
        raise UsageError(f"Expected text, got {type(text).__name__}: send the question as a string.")
    text = _SPACE_LIKE.sub(" ", text)
    kept = [c for c in text if c in _KEEP_FORMAT or unicodedata.category(c) not in _DROP_CATEGORIES]
    out = "".join(kept)
    # NFC only after the surrogates are gone (it would keep them as they are)
    out = unicodedata.normalize("NFC", out)
    # a joiner at either end joins nothing
    return _SPACES.sub(" ", out).strip(" " + ZWNJ + ZWJ).strip()


def decode_line(data: bytes) -> str:
    """One line of standard input as text, or UnicodeDecodeError (with the
    offending byte's position) when it is not UTF-8."""
    return data.decode("utf-8").removeprefix("\ufeff")
