"""Checks a reader can follow, used around the learned answer decision:
- the answer type: a "how many" question needs a number in a candidate, "which
  year" a year, "which day" a weekday or date — when no candidate has one, the
  article does not say;
- coverage: the share of a text's content words found in a passage (used to
  choose which sentences a generated answer cites);
- verification: a generated answer is kept only when every number and name it
  states is in the sentences it cites."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import lang
from .text import content_words, latin_names, normalize, numbers, tokenize

# Months, weekdays and relative days of every language pack (rag/lang).
_MONTHS = [m for p in lang.packs() for m in p.months]
_WEEKDAYS = [d for p in lang.packs() for d in p.weekdays]
_RELATIVE_DAYS = [d for p in lang.packs() for d in p.relative_days]

def _phrases(kind: str) -> re.Pattern[str]:
    """One pattern for the question phrases of `kind` in every pack, on word
    boundaries ("کب" does not match inside "کبھی")."""
    alts = sorted(
        (r"\s+".join(map(re.escape, ph.split())) for p in lang.packs() for ph in p.question_words.get(kind, ())),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.I) if alts else re.compile(r"(?!x)x")


# Checked in this order: "which year" before "when", "what day" before "when".
_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(kind, _phrases(kind)) for kind in ("year", "day", "date", "number")]


def answer_type(question: str) -> str:
    """'year', 'day', 'date', 'number' or 'any'."""
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(normalize(question)):
            return name
    return "any"


def has_type(text: str, kind: str) -> bool:
    """Whether a passage can answer a question of this answer type."""
    if kind == "any":
        return True
    norm = normalize(text)
    words = set(tokenize(norm))
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", norm)
    if kind == "year":
        return bool(years)
    if kind == "day":
        return bool(words & set(_WEEKDAYS)) or _has_date(norm, words)
    if kind == "date":
        return bool(years) or _has_date(norm, words) or bool(words & set(_WEEKDAYS)) or bool(words & set(_RELATIVE_DAYS))
    if kind == "number":
        nums = numbers(norm)
        nums.discard("1")  # "ایک"/"one" is usually an article, not a count
        return bool(nums) or bool(words & _QUANTITY_WORDS)
    return True


_QUANTITY_WORDS = {w for p in lang.packs() for w in p.quantity_words}


def _has_date(norm: str, words: set[str]) -> bool:
    return bool(words & set(_MONTHS))


def coverage(question: str, text: str) -> float:
    """Share of the question's content words (generic ones excluded) found
    in `text`, allowing light inflection."""
    from .text import fuzzy_in

    words = content_words(question)
    if not words:
        return 1.0
    vocab = set(tokenize(text))
    return sum(1 for w in words if fuzzy_in(w, vocab)) / len(words)


@dataclass(frozen=True)
class Check:
    ok: bool
    unsupported: tuple[str, ...] = ()


def verify_answer(answer: str, passages: Sequence[str]) -> Check:
    """Every number and capitalised name in the answer must occur in the
    passages. Returns what is unsupported."""
    source = " ".join(passages)
    source_nums = numbers(source)
    source_words = set(tokenize(source))
    bad = [n for n in sorted(numbers(answer)) if n not in source_nums and n != "1"]
    for name in sorted(latin_names(answer)):
        if name not in source_words and not any(w.startswith(name[:5]) for w in source_words if len(name) >= 5):
            bad.append(name)
    return Check(ok=not bad, unsupported=tuple(bad))
