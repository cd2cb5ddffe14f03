"""Is a name or word the question asks about present in the article, allowing
for spelling and script? "Reinz" meets "Rinz" and "رینز"; "Muzaffargarh" meets
"مظفر گڑھ".

Method: both sides are reduced to a consonant skeleton (Latin and Urdu letters
mapped to one set of sound classes; vowels, h, w and y dropped, doubled
letters collapsed; s and z are one class, as transliterations swap them:
Rinz / Rins / رینز), then compared exactly, or within one edit for skeletons of
four or more classes. Multi-word Urdu spellings of one Latin word ("مظفر گڑھ")
are matched by joining two neighbouring words. This is a transliteration
heuristic, not a dictionary: it can join two different short names that share
a skeleton, so it is used only to decide that something is *present*.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from ..text import STOPWORDS, normalize, tokenize

# Latin digraphs first, then single letters; vowels and weak letters map to "".
_LATIN_DIGRAPHS = re.compile(r"sh|ch|kh|gh|th|ph|ck|qu|[a-z]")
_DIGRAPH = {"sh": "s", "ch": "c", "kh": "k", "gh": "g", "th": "t", "ph": "f", "ck": "k", "qu": "k"}
_LATIN = {
    "b": "b", "p": "p", "t": "t", "d": "d", "k": "k", "c": "k", "q": "k", "g": "g", "j": "j", "f": "f",
    "v": "", "w": "", "s": "s", "z": "s", "x": "s", "r": "r", "l": "l", "m": "m", "n": "n", "h": "",
    "a": "", "e": "", "i": "", "o": "", "u": "", "y": "",
}
# Urdu letters by the Latin sound they are usually written with.
_URDU = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ٹ": "t", "ث": "s", "س": "s", "ص": "s", "ش": "s", "ج": "j", "چ": "c",
    "ح": "", "ہ": "", "ھ": "", "ۃ": "", "خ": "k", "د": "d", "ڈ": "d", "ذ": "s", "ز": "s", "ض": "s", "ظ": "s",
    "ژ": "s", "ر": "r", "ڑ": "r", "غ": "g", "ف": "f", "ق": "k", "ک": "k", "گ": "g", "ل": "l", "م": "m",
    "ن": "n", "ں": "n", "ع": "", "ا": "", "آ": "", "ی": "", "ے": "", "و": "", "ئ": "", "ء": "", "ؤ": "",
}


def skeleton(word: str) -> str:
    """The consonant skeleton of one word, in either script."""
    w = normalize(word)
    if w.isascii():
        classes = [_DIGRAPH.get(g) or _LATIN.get(g, "") for g in _LATIN_DIGRAPHS.findall(w)]
    else:
        classes = [_URDU.get(ch, "") for ch in w]
    out: list[str] = []
    for c in classes:
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


class NameIndex:
    """The words of an article (all its editions), searchable by spelling and
    by skeleton across scripts."""

    MIN_SKELETON = 2  # short names (Talal: "tl") match by exact skeleton only
    MIN_NAME_SKELETON = 3  # a name found in another script by its skeleton alone needs three sounds

    def __init__(self, texts: Iterable[str]) -> None:
        texts = list(texts)
        words: list[str] = []
        for t in texts:
            words.extend(tokenize(t))
        # the skeletons of the names its Latin edition shares with an edition
        # in a script without capitals (capitalised words that do not open
        # their sentence, acronyms and stop words left out, spelled with the
        # same skeleton in the other script too: "Rinz" and «رینز»), to find
        # them in a question written in that script
        self.name_skeletons = {
            s for t in texts for name in latin_names(t, STOPWORDS) if len(s := skeleton(name)) >= self.MIN_NAME_SKELETON
        }
        self.words = set(words)
        self.skeletons: set[str] = set()
        for i, w in enumerate(words):
            self.skeletons.add(skeleton(w))
            if i + 1 < len(words) and not w.isascii() and not words[i + 1].isascii():
                self.skeletons.add(skeleton(w + words[i + 1]))  # "مظفر گڑھ" as one name
        self.skeletons.discard("")
        unscripted = {skeleton(w) for w in words if not w.isascii()}
        unscripted |= {
            skeleton(a + b)
            for a, b in zip(words, words[1:], strict=False)
            if not a.isascii() and not b.isascii() and a not in STOPWORDS and b not in STOPWORDS
        }
        self.name_skeletons &= unscripted
        self._latin: dict[str, set[str]] = {}  # skeleton -> the article's Latin words with it
        for w in self.words:
            if w.isascii() and w.isalpha():
                self._latin.setdefault(skeleton(w), set()).add(w)
        self._by_len: dict[int, list[str]] = {}
        for s in self.skeletons:
            self._by_len.setdefault(len(s), []).append(s)

    def has(self, word: str) -> bool:
        """Whether the word (a name, or any content word) occurs in the article
        in some spelling or script."""
        w = normalize(word)
        if w in self.words:
            return True
        s = skeleton(w)
        if len(s) < self.MIN_SKELETON:
            return False  # too little to compare safely: say absent only by exact spelling
        if s in self.skeletons:
            return True
        if len(s) >= 4:
            for n in (len(s) - 1, len(s), len(s) + 1):
                if any(_within_one_edit(s, other) for other in self._by_len.get(n, ())):
                    return True
        return False

    def spelling(self, word: str) -> str | None:
        """The article's own Latin spelling of a Latin word it spells
        otherwise ("reinz" -> "rinz"): the one word with the same skeleton,
        else the one within one edit of it; None when there is none or more
        than one (no guess between two names)."""
        w = normalize(word)
        if w in self.words or not w.isascii():
            return None
        s = skeleton(w)
        if len(s) < self.MIN_SKELETON:
            return None
        same = self._latin.get(s, set())
        if not same and len(s) >= 4:
            same = {x for other, xs in self._latin.items() if abs(len(other) - len(s)) <= 1 and _within_one_edit(s, other) for x in xs}
        return next(iter(same)) if len(same) == 1 else None

    def script_names(self, question: str) -> list[str]:
        """The words of a question in a script without capitals (Urdu) that
        spell a name of the article's Latin edition by the same skeleton
        («رینز» for "Rinz", «مظفرگڑھ» or «مظفر گڑھ» for "Muzaffargarh"); none
        for an article without a Latin edition."""
        if not self.name_skeletons:
            return []
        toks = [t for t in tokenize(question) if not t.isascii()]
        out: list[str] = []
        for i, t in enumerate(toks):
            if t in STOPWORDS or not skeleton(t):
                continue
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            pair = t + " " + nxt if nxt and nxt not in STOPWORDS and skeleton(nxt) else ""
            for w in (t, pair):
                if w and skeleton(w.replace(" ", "")) in self.name_skeletons and w not in out:
                    out.append(w)
        return out


def respell(question: str, index: NameIndex, stop: Collection[str]) -> str:
    """The question with each name it asks about (`latin_names`) spelled as
    the article spells it, so that the chat model reads the article's
    spelling ("Who is Reinz?" -> "Who is Rinz?"); other words unchanged."""
    out = question
    for name in latin_names(question, stop):
        found = index.spelling(name)
        if found is not None:
            out = re.sub(rf"\b{re.escape(name)}\b", found.capitalize(), out, flags=re.IGNORECASE)
    return out


_CAPITALISED = re.compile(r"\b([A-Z][a-zA-Z'-]{2,})\b")


def latin_names(question: str, stop: Collection[str]) -> list[str]:
    """Capitalised Latin words of a question that are not its first word and
    not stop/question words: the names it asks about. Acronyms (two capitals
    or more: FIRs, NCCIA) are left out: Urdu spells them by letter names
    («ایف آئی آر»), which no skeleton matches."""
    names: list[str] = []
    first = re.match(r"\W*([A-Za-z]+)", question)
    for m in _CAPITALISED.finditer(question):
        word = m.group(1)
        if first is not None and m.start(1) == first.start(1):
            continue
        if word.lower() in stop or word.lower() in names or sum(c.isupper() for c in word) >= 2:
            continue
        names.append(word.lower())
    return names
