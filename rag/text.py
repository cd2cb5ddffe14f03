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


def arabic_share(text: str) -> float:
    """Share of letters that are Arabic script (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for c in letters if _ARABIC_LETTER.match(c))
    return arabic / len(letters)


def detect_language(text: str) -> str:
    """'ur' when at least half the letters are Arabic script, else 'en'."""
    return "ur" if arabic_share(text) >= 0.5 else "en"


# --- sentences ---------------------------------------------------------------

_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "no", "vs", "etc", "e.g", "i.e", "prof", "gen", "lt", "col", "jr", "sr"}
_TERMINATORS = "۔؟?!.\u06d4"
_CLOSERS = "\"'”’»)]}"
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
STOPWORDS_EN = set(
    """a an the of to in on at for from by with and or but is are was were be been being has have had do does did
    this that these those it its as into than then there their they them he she his her we our you your i me my
    what which who whom whose when where why how whether if not no yes so such can could would should will shall
    may might must about also any all some more most other than very just only own same too s t tell me please
    according article report say says said many much""".split()
)
STOPWORDS_UR = set(
    """کا کی کے کو سے میں نے پر اور یا ہے ہیں تھا تھی تھے ہو ہوا ہوئی ہوئے گیا گئی گئے کیا کیے کی جو جس جن
    یہ وہ اس ان ایک بھی تو ہی کہ لیے لئے کر کرنے کرتے رہا رہی رہے والے والی والا تک ساتھ طرح کس کن کیا کیوں
    کب کہاں کون کتنے کتنی کتنا کیسے کونسا کونسی چیز بارے مطابق ہوں گا گی ہم آپ نہیں ہوتا جاتا جا سکتا دیا دی
    گئیں گئیں ہوئیں رہی ہوتی ہوتے سب کچھ اپنے اپنی کسی""".split()
)


def tokenize(text: str) -> list[str]:
    """Normalised word tokens for keyword search (no stop-word removal)."""
    return _WORD.findall(normalize(text))


def stem(token: str) -> str:
    """A light suffix strip so that plural and oblique forms meet."""
    if token.isascii():
        if len(token) <= 3 or not token.isalpha():
            return token
        for suf in ("'s", "ies", "ing", "es", "ed", "s"):
            if token.endswith(suf) and len(token) - len(suf) >= 3:
                token = token[: -len(suf)] + ("y" if suf == "ies" else "")
                break
        # rescue/rescued/rescues all meet at "rescu"
        return token[:-1] if token.endswith("e") and len(token) > 4 else token
    for suf in ("ئیں", "یاں", "وں", "یں", "ین", "ات", "ے", "ی", "ا", "ہ"):
        if token.endswith(suf) and len(token) - len(suf) >= 2:
            return token[: -len(suf)]
    return token


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning: stop words and one-letter tokens dropped."""
    return [t for t in tokenize(text) if t not in STOPWORDS_EN and t not in STOPWORDS_UR and len(t) > 1]


# --- facts ---------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fourteen": "14",
    "twenty": "20", "fifty": "50", "hundred": "100", "thousand": "1000",
    "ایک": "1", "دو": "2", "تین": "3", "چار": "4", "پانچ": "5", "چھ": "6", "سات": "7",
    "آٹھ": "8", "نو": "9", "دس": "10", "بیس": "20", "پچاس": "50", "سو": "100", "ہزار": "1000",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers a text states, as digit strings (number words included).
    Ranges like 7-10 give both ends."""
    norm = normalize(text)
    found = {m.group(0).replace(",", "") for m in _NUMBER.finditer(norm)}
    for tok in _WORD.findall(norm):
        if tok in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[tok])
    return found


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z]+(?:[-'][A-Za-z]+)?)")


def latin_names(text: str) -> set[str]:
    """Capitalised Latin words that are not sentence-initial (likely names),
    lower-cased."""
    names = set()
    for m in _NAME.finditer(text):
        word = m.group(1)
        if word.lower() in STOPWORDS_EN:
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
