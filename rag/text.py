"""Text handling for Urdu and English: normalisation, language detection,
sentence splitting with character offsets, tokenisation, and fact extraction.

Shortcuts: sentence splitting is rule based (terminators `۔ ؟ . ? !` and line
breaks, a short abbreviation list for Latin text); stemming is a light suffix
strip, good enough for keyword search and answer checks, not linguistics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from . import lang
from .lang import format_number

ZWNJ = "\u200c"
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_LETTERS = {ord("ي"): "ی", ord("ى"): "ی", ord("ك"): "ک", ord(ZWNJ): " "}
# Arabic diacritics (harakat, tanwin, superscript alef...) and tatweel.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def normalize(text: str) -> str:
    """Normalise as the evaluation rules say: NFC, ASCII digits, Urdu letter
    forms, no diacritics or tatweel, ZWNJ to space, Latin lower-cased,
    white space collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_DIGITS).translate(_LETTERS)
    text = _DIACRITICS.sub("", text)
    text = text.lower()
    return _SPACES.sub(" ", text).strip()


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the one before ("and how many were
    convicted?", «اور کتنے فرار ہیں؟», "what did they say?"): it opens with
    a follow-up word or holds a pronoun, in any language pack."""
    norm = normalize(question)
    for pack in lang.packs():
        for opener in pack.follow_up_openers:
            if re.match(rf"{re.escape(opener)}(?!\w)", norm):
                return True
        for pronoun in pack.follow_up_pronouns:
            if re.search(rf"(?<!\w){re.escape(pronoun)}(?!\w)", norm):
                return True
    return False


def arabic_share(text: str) -> float:
    """Share of letters that are Arabic script (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for c in letters if _ARABIC_LETTER.match(c))
    return arabic / len(letters)


def detect_language(text: str) -> str:
    """The code of the language pack that reads `text` (rag.lang.detect):
    the script with most letters decides, so mixed text goes to its main
    language. Raises UnsupportedLanguageError for a language no pack reads
    (Persian, Arabic, Hindi in Devanagari...)."""
    return lang.detect(text)


# --- sentences ---------------------------------------------------------------

_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "no", "vs", "etc", "e.g", "i.e", "prof", "gen", "lt", "col", "jr", "sr"}
_TERMINATORS = "۔؟?!.\u06d4"
# ‘ closes a quotation in BBC Urdu's style (’opening ... closing‘, the marks
# mirrored for right-to-left text), so «...ہے۔‘» ends the sentence with its mark.
_CLOSERS = "\"'”’‘»)]}"
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split `text[start:end]` into sentences; return (start, end) offsets into
    `text`. Line breaks always end a sentence; bullet markers and surrounding
    white space are left out of the spans."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        bullet = _BULLET.match(line)
        offset = bullet.end() if bullet else 0
        for s, e in _split_line(line, offset):
            spans.append((line_start + s, line_start + e))
    return spans


def _split_line(line: str, begin: int) -> Iterator[tuple[int, int]]:
    i, n = begin, len(line)
    sent_start = begin
    while i < n:
        ch = line[i]
        if ch in _TERMINATORS and _is_boundary(line, i):
            j = i + 1
            while j < n and (line[j] in _TERMINATORS or line[j] in _CLOSERS):
                j += 1
            yield from _trimmed(line, sent_start, j)
            sent_start = j
            i = j
            continue
        i += 1
    yield from _trimmed(line, sent_start, n)


def _is_boundary(line: str, i: int) -> bool:
    ch = line[i]
    nxt = line[i + 1] if i + 1 < len(line) else ""
    if ch == ".":
        if nxt and not (nxt.isspace() or nxt in _CLOSERS):
            return False  # 3.5, e.g, U.S
        word = re.search(r"([\w.]+)$", line[:i])
        if word:
            w = word.group(1).lower()
            if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                return False
    return True


def _trimmed(line: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e and line[s].isspace():
        s += 1
    while e > s and line[e - 1].isspace():
        e -= 1
    if e > s and any(c.isalnum() for c in line[s:e]):
        yield s, e


# --- tokens ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[/:.-][^\W_]+)*")
# Stop words of every language pack (a token is a stop word in any of them).
STOPWORDS: frozenset[str] = frozenset().union(*(p.stop_words for p in lang.packs()))


def _stop_words() -> frozenset[str]:
    return frozenset().union(*(p.stop_words for p in lang.packs()))


def tokenize(text: str) -> list[str]:
    """Normalised word tokens for keyword search (no stop-word removal)."""
    return _WORD.findall(normalize(text))


def stem(token: str) -> str:
    """A light suffix strip so that plural and oblique forms meet; the rules
    are those of the language whose script the token is in (rag/lang)."""
    return lang.stem(token)


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning: stop words and one-letter tokens dropped."""
    stop = _stop_words()
    return [t for t in tokenize(text) if t not in stop and len(t) > 1]


# --- facts ---------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers a text states, as digit strings. Number words count too:
    a run of them gives its value ("twenty one" -> 21, «ڈھائی لاکھ» ->
    250000, «ڈیڑھ» -> 1.5), except words that are more often something
    else (rag/lang: ambiguous_numbers) and a multiplier right after digits
    ("3.5 million" gives 3.5, as written). Ranges like 7-10 give both ends."""
    norm = normalize(text)
    found = {m.group(0).replace(",", "") for m in _NUMBER.finditer(norm)}
    tokens = _WORD.findall(norm)
    i = 0
    while i < len(tokens):
        pack = lang.for_token(tokens[i])
        if pack is None or not pack.is_number_word(tokens[i]) or (i > 0 and f"{tokens[i - 1]} {tokens[i]}" in pack.number_compounds):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and (
            pack.is_number_word(tokens[j])
            or (tokens[j] in pack.number_glue and j + 1 < len(tokens) and pack.is_number_word(tokens[j + 1]))
        ):
            j += 1
        run = tokens[i:j]
        after_digits = i > 0 and tokens[i - 1][:1].isdigit()
        if len(run) == 1 and run[0] in pack.ambiguous_numbers:
            pass
        elif after_digits and all(t in pack.multipliers for t in run):
            pass
        else:
            value = pack.number_value(" ".join(run))
            if value is not None:
                found.add(format_number(value))
            else:  # numbers side by side («دو تین دن», "two or three days"): each on its own
                for tok in run:
                    single = None if tok in pack.ambiguous_numbers else pack.number_value(tok)
                    if single is not None:
                        found.add(format_number(single))
        i = j
    return found


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z]+(?:[-'][A-Za-z]+)?)")


def latin_names(text: str) -> set[str]:
    """Capitalised Latin words that are not sentence-initial (likely names),
    lower-cased."""
    names = set()
    for m in _NAME.finditer(text):
        word = m.group(1)
        if word.lower() in STOPWORDS:
            continue
        names.add(word.lower())
    return names


def fuzzy_in(word: str, vocabulary: set[str]) -> bool:
    """True when `word` or its stem meets a vocabulary word's stem, or one is
    a prefix of the other (at least 4 letters)."""
    if word in vocabulary:
        return True
    sw = stem(word)
    for v in vocabulary:
        sv = stem(v)
        if sw == sv:
            return True
        short, long_ = (sw, sv) if len(sw) <= len(sv) else (sv, sw)
        if len(short) >= 4 and long_.startswith(short):
            return True
    return False
