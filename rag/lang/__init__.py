"""Language packs behind one registry: everything Khabar knows about a
language (stop and question words, number words, months and days, follow-up
markers, stemming, refusal texts, safety patterns) is data in one module per
language, as spaCy keeps `spacy/lang/ur/`. Other modules ask the registry:

    from rag import lang
    lang.detect("کتنے بچے بازیاب ہوئے؟")   # "ur"
    lang.get("ur").number_value("ڈیڑھ")     # 1.5
    lang.codes()                            # ("ur", "en")

This module is the only place that names the codes; a third language is one
new module that builds a `LanguagePack` and one line in `_BUILTIN`.

Shortcut: detection is by script, then, inside a script shared with
languages Khabar does not read (Urdu with Persian and Arabic), by letters and
function words specific to each. It is meant for questions and article
bodies, not for single words.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import UnsupportedLanguageError

ZWNJ = "\u200c"
_ANSWER_KINDS = ("money", "percent", "number", "year", "date", "day", "time", "name", "person", "place", "any")
_RULE_SETS = ("abuse_material", "commit_crime", "injection", "off_task")
# Word lists of the extractive answerer: words that follow a noun phrase (an answer span never ends on
# one), verbs and copulas that close a clause, spelled-out numbers, calendar words, words that make a
# number a duration or a date, words that turn a statement around, and the names of Latin letters
# (an acronym spelled out in them, «ایف آئی آر» "FIR", is one unit an answer never splits).
# `duration_units` are the units an amount of time is counted in ("28 days", «6 سے 10 سال»),
# `range_words` join the two ends of a range of numbers ("6 to 10"), and `time_amount_words` make a
# count question ask for an amount of time or an age ("how long", «کتنی عمر»).
ANSWER_WORD_LISTS = (
    "postpositions", "auxiliaries", "number_words", "months", "days", "time_units", "negations", "letter_names",
    "duration_units", "range_words", "time_amount_words",
)


@dataclass(frozen=True)
class SafetyRules:
    """One rule set of one language. A question matches when any `patterns`
    entry matches and no `unless` entry does (before the match's `act` group
    when the pattern names one, else anywhere). Patterns are searched in
    normalised text (rag.text.normalize: lower case, Urdu letter forms), so
    they are written in lower case."""

    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def match(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                # an exemption counts before the act it excuses ("how can I
                # *protect* children from people who groom them"), not after
                end = m.start("act") if "act" in pattern.groupindex else len(text)
                if not any(u.search(text, 0, end) for u in self.unless):
                    return m
        return None


def rule_patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    """A pack's rule patterns, compiled case-insensitive and with `.` matching
    newlines too (a question may span lines)."""
    return tuple(re.compile(p, re.I | re.S) for p in sources)


def suffix_stemmer(suffixes: tuple[tuple[str, str], ...], min_stem: int) -> Callable[[str], str]:
    """A light stemmer from data: strip the first listed suffix (longest
    first), put its replacement on, keep at least `min_stem` letters."""

    def stem(token: str) -> str:
        for suffix, replacement in suffixes:
            if token.endswith(suffix) and len(token) - len(suffix) >= min_stem:
                return token[: -len(suffix)] + replacement
        return token

    return stem


@dataclass(frozen=True)
class LanguagePack:
    """The data of one language. Word lists hold normalised forms (see
    rag.text.normalize): lower-case Latin, Urdu letter forms, no diacritics."""

    code: str
    name: str  # English name, as prompts say it ("Answer in Urdu")
    script: re.Pattern[str]  # matches one letter of the language's script
    direction: str = "ltr"
    native_name: str = ""  # the language's name in itself («اردو»), for headings
    # The evaluation rule for "an answer in this language" (rag.metrics.language_ok,
    # shared/eval/README.md): at least `min_script_share` of its letters are in
    # this pack's script, and at most `max_other_share` in the other packs' scripts.
    min_script_share: float = 0.5
    max_other_share: float = 1.0
    stop_words: frozenset[str] = frozenset()
    # Phrases that ask for a kind of answer, per kind (see _ANSWER_KINDS);
    # a phrase is a word sequence matched on word boundaries.
    question_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    wh_words: frozenset[str] = frozenset()  # every question word
    punctuation: frozenset[str] = frozenset()  # marks only this language writes (؟ ۔)
    determiners: frozenset[str] = frozenset()  # question words that stand beside their noun
    function_words: frozenset[str] = frozenset()  # postpositions, articles, auxiliaries
    auxiliaries: frozenset[str] = frozenset()
    wh_parts: frozenset[str] = frozenset()  # second halves of question words (کون *سا*, how *many*)
    number_words: Mapping[str, float] = field(default_factory=dict)
    multipliers: Mapping[str, float] = field(default_factory=dict)  # hundred, لاکھ ...
    # words that change the number after them: ساڑھے تین = 3.5 (adds 0.5), پونے دو = 1.75
    number_prefixes: Mapping[str, float] = field(default_factory=dict)
    ambiguous_numbers: frozenset[str] = frozenset()  # number words that are more often other words
    # two-word compounds whose second word spells a number word («ڈیٹا بیس», database, is not "data 20")
    number_compounds: frozenset[str] = frozenset()
    quantity_words: frozenset[str] = frozenset()  # hundreds, ہزاروں: an amount without a figure
    # currency names and signs: what an answer to a "how much money" question names
    currency_words: frozenset[str] = frozenset()
    # clock words and parts of the day: what an answer to "at what time" names
    # besides a figure like 10:30 (pm, o'clock, morning; بجے, صبح)
    time_words: frozenset[str] = frozenset()
    clock_suffixes: frozenset[str] = frozenset()  # after a figure only: "3 pm", "10 a.m."
    # what an answer to "what percentage" names besides the sign (percent, فیصد)
    percent_words: frozenset[str] = frozenset()
    fraction_words: frozenset[str] = frozenset()  # a share in words: a third, ایک تہائی
    era_words: frozenset[str] = frozenset()  # after a figure, it is a year: 43 AD, 27 قبل مسیح
    # a time in history that answers "when" without a date: the 12th century, «دسویں صدی», 300 years ago
    period_words: frozenset[str] = frozenset()
    months: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()
    relative_days: tuple[str, ...] = ()
    follow_up_openers: tuple[str, ...] = ()  # "and ...", "what about ...", «اور ...»
    follow_up_pronouns: tuple[str, ...] = ()  # they, their, «ان کے»
    # the follow-up resolver's cue lists (rag/conversation.py explains each key)
    conversation_cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stem: Callable[[str], str] = lambda token: token
    refusals: Mapping[str, str] = field(default_factory=dict)
    extractive_prefix: str = ""
    # Questions the app offers under an answer in this language, as (question
    # word, question): the first whose word the last question does not use.
    # Generic (no article's words): each asks for another kind of fact.
    follow_up_suggestions: tuple[tuple[str, str], ...] = ()
    # page furniture that opens a sentence of a pasted web page ("Also read",
    # «یہ بھی پڑھیے» before links to other stories): never a summary point
    boilerplate: tuple[str, ...] = ()
    polar_words: frozenset[str] = frozenset()  # yes and no: an answer to a yes/no question
    safety: Mapping[str, SafetyRules] = field(default_factory=dict)
    # Summaries (rag/summarize.py), regular expressions: where a sentence splits
    # into clauses, a conjunction that splits only after a complete clause (it
    # also joins nouns), the end of a complete clause, the openers dropped from
    # a clause; and the opening of a sentence that needs the one before it
    # ("He said ..."). Empty: the language's sentences are not cut.
    # the summary scorer's cue words (rag/summary_scorer.py), space-separated:
    # reporting, titles, time (besides the weekdays and months), place, next
    summary_cues: Mapping[str, str] = field(default_factory=dict)
    clause_boundary: str = ""
    clause_conjunction: str = ""
    clause_end: str = ""
    clause_openers: tuple[str, ...] = ()
    needs_context: str = ""
    # Sentences of an article that address the assistant ("SYSTEM:", "note to
    # the assistant", «پچھلی ہدایات نظر انداز کریں»), matched against the
    # normalised sentence (rag/injection.py); every pack's patterns are tried on
    # every sentence, since a planted line can be in another language.
    addresses_assistant: tuple[str, ...] = ()
    # Detection inside a shared script: letters/words that mark this language,
    # and those that mark look-alike languages Khabar does not read.
    # The extractive answerer's data (rag/answering/features.py): answer type -> question cues
    # (multi-word allowed; longest cue wins), and its word lists by name (ANSWER_WORD_LISTS).
    answer_cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    answer_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    own_markers: tuple[str, ...] = ()
    lookalikes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z]{2,3}", self.code):
            raise ValueError(f"language code must be 2-3 lower-case letters, got {self.code!r}")
        if self.direction not in ("ltr", "rtl"):
            raise ValueError(f"direction must be 'ltr' or 'rtl', got {self.direction!r}")
        for share in ("min_script_share", "max_other_share"):
            if not 0.0 <= getattr(self, share) <= 1.0:
                raise ValueError(f"{share} must be between 0 and 1, got {getattr(self, share)!r}")
        unknown = set(self.question_words) - set(_ANSWER_KINDS)
        if unknown:
            raise ValueError(f"unknown answer kinds {sorted(unknown)}; known: {', '.join(_ANSWER_KINDS)}")
        unknown = set(self.answer_words) - set(ANSWER_WORD_LISTS)
        if unknown:
            raise ValueError(f"unknown answer word lists {sorted(unknown)}; known: {', '.join(ANSWER_WORD_LISTS)}")
        unknown = set(self.safety) - set(_RULE_SETS)
        if unknown:
            raise ValueError(f"unknown safety rule sets {sorted(unknown)}; known: {', '.join(_RULE_SETS)}")

    # --- numbers ---------------------------------------------------------------

    def is_number_word(self, word: str) -> bool:
        return word in self.number_words or word in self.multipliers or word in self.number_prefixes

    def number_value(self, words: str) -> float | None:
        """The value of a number written in words: "six" -> 6, «چھ» -> 6,
        «ڈیڑھ» -> 1.5, "twenty one" -> 21, «ڈھائی لاکھ» -> 250000,
        «ساڑھے تین ہزار» -> 3500. None when a word is not a number word, or
        when the words are two numbers side by side («دو تین» "two or three").
        Words are matched in normalised form."""
        toks = [t for t in re.split(r"[\s-]+", words.strip().lower()) if t and t not in self.number_glue]
        if not toks:
            return None
        total = 0.0
        current = 0.0
        pending = 0.0  # a prefix such as ساڑھے waiting for its number
        for tok in toks:
            if tok in self.number_prefixes:
                pending += self.number_prefixes[tok]
                continue
            if tok in self.multipliers:
                mult = self.multipliers[tok]
                base = current + pending if (current or pending) else 1.0
                if pending and not current:
                    base = 1.0 + pending  # سوا سو = 1.25 * 100
                pending = 0.0
                current = base * mult
                if mult >= 1000:
                    total += current
                    current = 0.0
                continue
            if tok in self.number_words:
                value = self.number_words[tok]
                # "twenty one" adds up; «دو تین» ("two or three") does not
                if current % 100 and not (current % 10 == 0 and value < 10):
                    return None
                current += value + pending
                pending = 0.0
                continue
            return None
        if pending and not current and not total:
            return None
        return total + current + pending

    @property
    def number_glue(self) -> frozenset[str]:
        """Words allowed inside a number phrase ("one hundred *and* five")."""
        return frozenset(w for w in ("and",) if w in self.stop_words)


def format_number(value: float) -> str:
    """6.0 -> "6", 1.5 -> "1.5" (the digit strings rag.text.numbers returns)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- registry ---------------------------------------------------------------------

_BUILTIN = ("ur", "en")  # modules rag/lang/<code>.py, each defining PACK
_PACKS: dict[str, LanguagePack] = {}


def _load() -> dict[str, LanguagePack]:
    if not _PACKS:
        for code in _BUILTIN:
            module = importlib.import_module(f"{__name__}.{code}")
            pack: LanguagePack = module.PACK
            _PACKS[pack.code] = pack
    return _PACKS


def register(pack: LanguagePack) -> LanguagePack:
    """Add a pack (or replace the one with its code)."""
    _load()[pack.code] = pack
    return pack


def unregister(code: str) -> None:
    if code in _BUILTIN:
        raise ValueError(f"{code!r} is a built-in language pack")
    _load().pop(code, None)


@contextmanager
def registered(pack: LanguagePack) -> Iterator[LanguagePack]:
    """Register a pack for the length of a `with` block (tests)."""
    register(pack)
    try:
        yield pack
    finally:
        unregister(pack.code)


def builtin_codes() -> tuple[str, ...]:
    """The codes of the packs that ship with Khabar, without loading them
    (for command-line choices, read at start-up)."""
    return _BUILTIN


def codes() -> tuple[str, ...]:
    """Codes of the languages Khabar reads, built-in ones first."""
    return tuple(_load())


def packs() -> tuple[LanguagePack, ...]:
    return tuple(_load().values())


def get(code: str) -> LanguagePack:
    try:
        return _load()[code]
    except KeyError:
        raise ValueError(f"no language pack {code!r}; known: {', '.join(codes())}") from None


def find(code: str) -> LanguagePack | None:
    """The pack of `code`, or None when no pack has that code (`get` raises)."""
    return _load().get(code)


def primary() -> LanguagePack:
    """The language Khabar is built for, first in the registry: Urdu, the
    original language of the news it reads. Summaries are planned on its
    edition when there is one (`preferred`); an evaluation item that names no
    `lang` is in it."""
    return get(_BUILTIN[0])


def default() -> LanguagePack:
    """The language assumed for text without letters ("123?")."""
    return get("en")


def listing(items: Sequence[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c": items for a message."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def names() -> str:
    """ "Urdu and English", for messages."""
    return listing([p.name for p in packs()])


def preferred(available: Iterable[str]) -> str | None:
    """The first of `available` in registry order, or None when none has a
    pack. The order is one of preference: Urdu first, since Khabar reads Urdu
    news and an English edition is most often its translation (a summary is
    planned on the preferred edition)."""
    have = set(available)
    return next((code for code in codes() if code in have), None)


def aligned_pair() -> tuple[str, str]:
    """The two editions a sentence alignment links, in the order the index
    manifest stores its links (`[[first idx], [second idx]]`, rag/store.py)."""
    return _BUILTIN[0], _BUILTIN[1]


def polar_words() -> frozenset[str]:
    """Every pack's words for yes and no."""
    return frozenset().union(*(p.polar_words for p in packs()))


def script_shares(text: str, code: str) -> tuple[float, float]:
    """Of the letters of `text`: the share in the script of pack `code`, and
    the share in the scripts of the other packs ((0.0, 0.0) without letters)."""
    pack = get(code)
    others = [p.script for p in packs() if p.code != code]
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0, 0.0
    own = sum(1 for c in letters if pack.script.match(c))
    other = sum(1 for c in letters if not pack.script.match(c) and any(s.match(c) for s in others))
    return own / len(letters), other / len(letters)


def for_token(token: str) -> LanguagePack | None:
    """The pack whose script the token's first letter is in (None for
    digits, punctuation and foreign scripts)."""
    for ch in token:
        if ch.isalpha():
            for pack in _load().values():
                if pack.script.match(ch):
                    return pack
            return None
    return None


def stem(token: str) -> str:
    """Stem a normalised token with the rules of its script's language."""
    pack = for_token(token)
    return pack.stem(token) if pack else token


# --- detection ----------------------------------------------------------------------

_SCRIPT_NAMES = {
    "DEVANAGARI": "Devanagari script (Hindi, Marathi, Nepali)",
    "CJK": "Chinese characters",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "CYRILLIC": "Cyrillic script (Russian, Ukrainian...)",
    "GREEK": "Greek",
    "HEBREW": "Hebrew",
    "THAI": "Thai",
    "BENGALI": "Bengali script",
    "GURMUKHI": "Gurmukhi script (Punjabi)",
    "TAMIL": "Tamil",
    "GUJARATI": "Gujarati",
}


def _script_name(ch: str) -> str:
    first = unicodedata.name(ch, "UNKNOWN").split()[0]
    return _SCRIPT_NAMES.get(first, f"{first.title()} script")


def _marker_score(text: str, tokens: list[str], markers: tuple[str, ...]) -> float:
    """Single letters count once per occurrence; words (2+ letters) count
    twice per token that equals them."""
    score = 0.0
    for marker in markers:
        if len(marker) == 1:
            score += text.count(marker)
        else:
            score += 2 * tokens.count(marker)
    return score


# Letters a stop word is worth in detection: about one short word's letters
# twice over, so that grammar outweighs a long foreign name.
_FUNCTION_WORD_WEIGHT = 10


def detect(text: str) -> str:
    """The code of the language `text` is written in. The script with most
    letters picks the pack (so "NCCIA نے چھاپہ مارا" is Urdu); a script no
    pack reads, or a look-alike language in a pack's script (Persian or
    Arabic for Urdu), raises UnsupportedLanguageError. Text without
    letters gets the default pack."""
    text = unicodedata.normalize("NFC", text)
    counts: dict[str, int] = {}
    foreign: dict[str, int] = {}
    all_packs = packs()
    for ch in text:
        if not ch.isalpha():
            continue
        for pack in all_packs:
            if pack.script.match(ch):
                counts[pack.code] = counts.get(pack.code, 0) + 1
                break
        else:
            name = _script_name(ch)
            foreign[name] = foreign.get(name, 0) + 1
    if not counts and not foreign:
        return default().code
    # A pack's function words (question words twice) and its own punctuation
    # weigh more than letters: "Mstislav کب مر گیا؟"
    # is an Urdu question about a foreign name, "The raid in مظفر گڑھ was
    # announced" an English sentence with an Urdu name.
    words = re.findall(r"[^\W\d_]+", text.lower())
    weight = {}
    for code, n in counts.items():
        pack = get(code)
        marks = sum(1 for w in words if w in pack.stop_words) + sum(1 for w in words if w in pack.wh_words)
        marks += sum(1 for ch in text if ch in pack.punctuation)
        weight[code] = n + _FUNCTION_WORD_WEIGHT * marks
    best = max(weight, key=lambda c: weight[c], default=None)
    top_foreign = max(foreign, key=lambda n: foreign[n], default=None)
    if best is None or (top_foreign is not None and foreign[top_foreign] > counts[best]):
        raise UnsupportedLanguageError(names(), str(top_foreign))
    pack = get(best)
    if pack.lookalikes:
        # ZWNJ kept: Persian writes می‌ with it, Urdu rarely does
        tokens = re.findall(rf"[^\W\d_]+(?:{ZWNJ}[^\W\d_]+)*", text)
        own = _marker_score(text, tokens, pack.own_markers)
        for other, markers in pack.lookalikes.items():
            score = _marker_score(text, tokens, markers)
            if score >= 2 and score > own:
                raise UnsupportedLanguageError(names(), other)
    return best


def question_kinds() -> tuple[str, ...]:
    """The answer kinds a pack may list question words for."""
    return _ANSWER_KINDS


def rule_sets() -> tuple[str, ...]:
    """The safety rule sets a pack may define, in the order they run."""
    return _RULE_SETS
