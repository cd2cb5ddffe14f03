"""The embedder's tokenizer, loaded fast when it can be.

A Gemma-style `tokenizer.json` (262k tokens, 515k merges) takes `tokenizers`
2-3 s of CPU to parse at every cold start; the same model's SentencePiece file
(`tokenizer.model`) loads in ~0.15 s. The two are used interchangeably only
after they were checked to give the same ids:

- the first load reads both, encodes `CHECK_TEXTS` (Urdu, English, mixed,
  white space, the special tokens written out, a text longer than the
  truncation limit) and records the verdict in a stamp beside the files
  (`.tokenizer.sentencepiece.json`), keyed by the two files' size and mtime
  and by `RECIPE`;
- later loads read the stamp: the SentencePiece path when it says "equal",
  else `tokenizers`, as before.

The SentencePiece path reproduces what `tokenizers` does around the model:
special tokens written in the text are matched first (longest first), each
encoded sequence is cut to `max_length` minus the template's added tokens,
the template's prefix/suffix ids are added, and a batch is padded on the right.

Character offsets of tokens (`encode_offsets`, for the span reader) are
`tokenizers`' `Encoding.offsets` (in characters of the original text, as the
transformers fast tokenizer's `return_offsets_mapping` gives them); the
SentencePiece path gives the same by walking the text with its pieces, and the check
above compares those too (ids, masks, special-token flags and spans), so a
cold Urdu answer, which reads token states, still never loads `tokenizers`.

Shortcut: the check covers fixed texts, not every text; it is a guard against
a model folder whose two files disagree, not a proof of equality. Without the
`sentencepiece` package, or without `tokenizer.model`, `tokenizers` is used.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

RECIPE = 2  # bump when the fast path or the check changes: stamps are then re-made
STAMP = ".tokenizer.sentencepiece.json"
_BYTE = re.compile(r"<0x[0-9A-F]{2}>")
CHECK_TEXTS = (
    "پولیس نے بتایا کہ ۱۲ افراد کو گرفتار کیا گیا ہے۔",
    "کیا آج بارش ہوگی؟",
    "وزیرِ اعظم نے نئی پالیسی کا اعلان کیا\u200c اور کہا کہ اس پر فوری عمل ہوگا۔",
    "The city council approved the new budget on Monday.",
    "How many people were rescued from the flood?",
    "Pakistan کے شمالی علاقوں میں snowfall جاری ہے۔",
    "task: search result | query: کون؟",
    "title: none | text: ",
    "",
    " ",
    "  two  spaces, a\ttab and\nlines\n\n\n",
    "emoji 😀, digits ٤٥ 1.5, a\u00a0non-breaking space",
    "<table><tr><td>cell</td></tr></table> <unused0> <start_of_image>",
)


# (ids, attention masks, special-token masks, character (start, end) per token), padded on the right
Offsets = tuple[list[list[int]], list[list[int]], list[list[int]], list[list[tuple[int, int]]]]


class Tokenizer(Protocol):
    def encode_batch(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        """(ids, attention masks), padded on the right to the longest text."""
        ...

    def encode_offsets(self, texts: Sequence[str]) -> Offsets:
        """As `encode_batch`, with each token's special-token flag and its
        character span in its text ((0, 0) for special tokens and padding)."""
        ...


class HFTokenizer:
    """`tokenizers` reading tokenizer.json (the reference)."""

    def __init__(self, model_dir: Path, max_length: int) -> None:
        from tokenizers import Tokenizer as _Tok

        tok = _Tok.from_file(str(model_dir / "tokenizer.json"))
        pad_id = tok.token_to_id("<pad>")
        tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="<pad>")
        tok.enable_truncation(max_length=max_length)
        self._tok = tok

    def encode_batch(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        encodings = self._tok.encode_batch(list(texts))
        return [e.ids for e in encodings], [e.attention_mask for e in encodings]

    def encode_offsets(self, texts: Sequence[str]) -> Offsets:
        encodings = self._tok.encode_batch(list(texts))
        return (
            [e.ids for e in encodings],
            [e.attention_mask for e in encodings],
            [e.special_tokens_mask for e in encodings],
            [list(e.offsets) for e in encodings],
        )

    def layout(self) -> dict[str, Any]:
        """What the SentencePiece path needs to reproduce this tokenizer:
        the special tokens, the template's prefix and suffix, the pad id."""
        specials = {t.content: i for i, t in self._tok.get_added_tokens_decoder().items() if t.special}
        if self._tok.encode("", add_special_tokens=False).ids:
            raise ValueError("the empty text has tokens of its own")
        prefix, suffix = _split_template(self._tok, self._tok.encode("", add_special_tokens=True).ids)
        padding = self._tok.padding or {}
        return {"specials": specials, "prefix": prefix, "suffix": suffix, "pad": int(padding.get("pad_id", 0))}


def _split_template(tok: Any, empty: list[int]) -> tuple[list[int], list[int]]:
    """Which of the template's ids come before the text and which after:
    encode a one-token text and find it."""
    probe = tok.encode("a", add_special_tokens=False).ids
    full = tok.encode("a", add_special_tokens=True).ids
    for i in range(len(full) - len(probe) + 1):
        if full[i : i + len(probe)] == probe and full[:i] + full[i + len(probe) :] == empty:
            return full[:i], full[i + len(probe) :]
    raise ValueError("cannot find the text inside the tokenizer's template")


class SentencePieceTokenizer:
    """`sentencepiece` reading tokenizer.model, laid out as `HFTokenizer`."""

    def __init__(self, model_dir: Path, max_length: int, layout: dict[str, Any]) -> None:
        import sentencepiece as spm

        self._model_dir, self._max_length = model_dir, max_length
        self._reference: HFTokenizer | None = None
        self._sp = spm.SentencePieceProcessor(model_file=str(model_dir / "tokenizer.model"))
        self._specials: dict[str, int] = dict(layout["specials"])
        self._prefix: list[int] = list(layout["prefix"])
        self._suffix: list[int] = list(layout["suffix"])
        self._pad = int(layout["pad"])
        self._room = max(0, max_length - len(self._prefix) - len(self._suffix))
        names = sorted(self._specials, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(map(re.escape, names)) + ")") if names else None

    def _one(self, text: str) -> list[int]:
        if self._split is None:
            body: list[int] = list(self._sp.encode(text))
        else:
            body = []
            for i, part in enumerate(self._split.split(text)):
                if i % 2:
                    body.append(self._specials[part])
                elif part:
                    body.extend(self._sp.encode(part))
        return self._prefix + body[: self._room] + self._suffix

    def encode_batch(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        rows = [self._one(t) for t in texts]
        return _padded(rows, self._pad), _padded([[1] * len(r) for r in rows], 0)

    def _pieces(self, text: str) -> list[tuple[int, int, int]]:
        """(id, start, end) of the text's tokens, before truncation and the
        template: special tokens written in the text keep their span. Spans
        are found by walking the text with each piece's own characters (a
        space is written "▁"); the byte pieces of a character spelled in
        bytes (a no-break space: <0xC2> <0xA0>) each get that character's
        span, as `tokenizers` gives them. A piece that does not match the
        text raises ValueError (the caller falls back to `tokenizers`)."""
        out: list[tuple[int, int, int]] = []
        parts = self._split.split(text) if self._split is not None else [text]
        pos = 0
        for i, part in enumerate(parts):
            if i % 2:
                out.append((self._specials[part], pos, pos + len(part)))
                pos += len(part)
                continue
            pending: list[int] = []  # ids of byte pieces not yet making a whole character
            raw = b""
            for tid in self._sp.encode(part) if part else []:
                piece = self._sp.id_to_piece(tid)
                if _BYTE.fullmatch(piece):
                    pending.append(tid)
                    raw += bytes([int(piece[3:5], 16)])
                    try:
                        char = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        continue
                    if text[pos : pos + len(char)] != char:
                        raise ValueError(f"byte pieces {raw!r} do not match the text at {pos}")
                    out.extend((b, pos, pos + len(char)) for b in pending)
                    pos, pending, raw = pos + len(char), [], b""
                    continue
                surface = piece.replace("▁", " ")
                if pending or text[pos : pos + len(surface)] != surface:
                    raise ValueError(f"piece {piece!r} does not match the text at {pos}")
                out.append((tid, pos, pos + len(surface)))
                pos += len(surface)
            if pending:
                raise ValueError("byte pieces that make no character")
        return out

    def encode_offsets(self, texts: Sequence[str]) -> Offsets:
        ids, special, spans = [], [], []
        for t in texts:
            try:
                body = self._pieces(t)[: self._room]
            except ValueError:  # a text the walk cannot follow: the reference, for this batch
                if self._reference is None:
                    self._reference = HFTokenizer(self._model_dir, self._max_length)
                return self._reference.encode_offsets(texts)
            ids.append(self._prefix + [i for i, _, _ in body] + self._suffix)
            special.append([1] * len(self._prefix) + [0] * len(body) + [1] * len(self._suffix))
            spans.append([(0, 0)] * len(self._prefix) + [(a, b) for _, a, b in body] + [(0, 0)] * len(self._suffix))
        mask = _padded([[1] * len(r) for r in ids], 0)
        return _padded(ids, self._pad), mask, _padded(special, 1), _padded(spans, (0, 0))


def _padded(rows: list[list[Any]], fill: Any) -> list[list[Any]]:
    """The rows padded on the right with `fill` to the longest one."""
    width = max((len(r) for r in rows), default=0)
    return [r + [fill] * (width - len(r)) for r in rows]


def _key(model_dir: Path) -> str:
    parts = [f"recipe={RECIPE}"]
    for name in ("tokenizer.json", "tokenizer.model"):
        st = (model_dir / name).stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return " ".join(parts)


def load_tokenizer(model_dir: Path, max_length: int) -> Tokenizer:
    """The fastest tokenizer known to give `tokenizer.json`'s ids (see the module docstring)."""
    if not (model_dir / "tokenizer.model").exists():
        return HFTokenizer(model_dir, max_length)
    try:
        import sentencepiece  # noqa: F401
    except ImportError:
        return HFTokenizer(model_dir, max_length)
    stamp = model_dir / STAMP
    key = _key(model_dir)
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    if saved.get("key") == key:
        if saved.get("equal"):
            return SentencePieceTokenizer(model_dir, max_length, saved["layout"])
        return HFTokenizer(model_dir, max_length)
    reference = HFTokenizer(model_dir, max_length)
    verdict: dict[str, Any] = {"key": key, "equal": False}
    try:
        layout = reference.layout()
        fast = SentencePieceTokenizer(model_dir, max_length, layout)
        texts = [*CHECK_TEXTS, *layout["specials"], " ".join(CHECK_TEXTS) * (max_length // 16 + 1)]
        same_ids = fast.encode_batch(texts) == reference.encode_batch(texts)
        verdict.update(layout=layout, equal=same_ids and fast.encode_offsets(texts) == reference.encode_offsets(texts))
    except (ValueError, RuntimeError, OSError):
        pass  # a model folder the fast path cannot reproduce: the reference it is
    tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    try:  # written whole, then renamed: a process starting meanwhile never reads half a stamp
        tmp.write_text(json.dumps(verdict, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, stamp)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only models folder: the check runs again next time
    return reference
