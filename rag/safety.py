"""Request screening as a list of scanners, as llm-guard runs its input
scanners: each scanner holds one rule set of one language and answers
`scan(question) -> ScanResult(question, valid, risk, rule)`.

Rule sets (their patterns are data in rag/lang/<code>.py):
- abuse_material: asking to obtain, watch or share abuse material;
- commit_crime: asking how to groom, lure or abduct a child, or to hide the
  crime from the police;
- injection: instructions smuggled into a question; they are stripped and
  never obeyed (the scanner returns the question without them);
- off_task: requests that are not questions about the article (a poem, a
  joke, the assistant's opinion).

Every language's scanners run on every question, since questions mix
languages («یہ videos کہاں سے download کروں؟»). Rule based on purpose: it
runs before any model, so a model that can be talked round never sees such
a request. The rules aim at the request's intent (a first-person or "how to"
request plus the act), so factual questions about the crimes an article
reports ("Where were the videos sold?") are answered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from . import lang
from .lang import SafetyRules
from .text import normalize

REFUSING_RULES = ("abuse_material", "commit_crime")


@lru_cache(maxsize=64)
def _normalized(question: str) -> str:
    # every rule scanner of every language sees the same normalised text
    return normalize(question)


@dataclass(frozen=True)
class ScanResult:
    """One scanner's verdict: `question` is the (possibly sanitised) text
    passed on, `valid` False refuses it, `risk` is 1.0 for a rule hit and 0.0
    otherwise (rules, not a classifier), `rule` names the rule set."""

    question: str
    valid: bool
    risk: float
    rule: str
    language: str = ""


class Scanner(Protocol):
    rule: str
    language: str

    def scan(self, question: str) -> ScanResult: ...


class RuleScanner:
    """Refuses a question that matches a rule set (abuse_material,
    commit_crime, off_task). Patterns see the normalised question."""

    def __init__(self, rule: str, language: str, rules: SafetyRules) -> None:
        if not rules.patterns:
            raise ValueError(f"rule set {rule!r} of {language!r} has no patterns")
        self.rule = rule
        self.language = language
        self.rules = rules

    def scan(self, question: str) -> ScanResult:
        hit = self.rules.match(_normalized(question)) is not None
        return ScanResult(question, not hit, 1.0 if hit else 0.0, self.rule, self.language)

    def __repr__(self) -> str:
        return f"RuleScanner({self.rule!r}, {self.language!r})"


class InjectionScanner:
    """Removes injected instructions; the rest of the question goes on. Valid
    even when it strips something (the remaining question is answered); a
    question with nothing left is caught by the off-task scanner."""

    rule = "injection"

    def __init__(self, language: str, rules: SafetyRules) -> None:
        if not rules.patterns:
            raise ValueError(f"injection rules of {language!r} have no patterns")
        self.language = language
        self.rules = rules

    def scan(self, question: str) -> ScanResult:
        stripped = question
        for pattern in self.rules.patterns:
            stripped = pattern.sub(" ", stripped)
        if stripped == question:
            return ScanResult(question, True, 0.0, self.rule, self.language)
        return ScanResult(re.sub(r"\s+", " ", stripped).strip(), True, 1.0, self.rule, self.language)

    def __repr__(self) -> str:
        return f"InjectionScanner({self.language!r})"


class EmptyQuestionScanner:
    """After injections are stripped, a question needs at least one word."""

    rule = "off_task"
    language = ""

    def scan(self, question: str) -> ScanResult:
        ok = bool(re.search(r"[^\W\d_]{2,}", question))
        return ScanResult(question, ok, 0.0 if ok else 1.0, self.rule, self.language)


def default_scanners() -> list[Scanner]:
    """Every registered language's scanners, in the order they run: the
    refusing rule sets see the question as asked, injections are stripped,
    and off-task checks see what remains."""
    scanners: list[Scanner] = []
    order = lang.rule_sets()
    for rule in order:
        for pack in lang.packs():
            rules = pack.safety.get(rule)
            if rules is None:
                continue
            if rule == "injection":
                scanners.append(InjectionScanner(pack.code, rules))
            else:
                scanners.append(RuleScanner(rule, pack.code, rules))
        if rule == "off_task":
            scanners.append(EmptyQuestionScanner())
    return scanners


def scan(question: str, scanners: Sequence[Scanner] | None = None) -> list[ScanResult]:
    """Run the scanners in order, each on the question the previous one
    passed on (as llm-guard's scan_prompt does). Stops at the first refusal."""
    results: list[ScanResult] = []
    text = question
    for scanner in default_scanners() if scanners is None else scanners:
        result = scanner.scan(text)
        results.append(result)
        text = result.question
        if not result.valid:
            break
    return results


@dataclass(frozen=True)
class Screening:
    """The verdict on a question: `unsafe` refuses it outright; `question` is
    what remains once injected instructions are removed; `off_task` marks a
    request that is not a question about the article; `rule` names the rule
    set that refused it (with its language, "en:commit_crime")."""

    unsafe: bool
    injection: bool
    off_task: bool
    question: str
    rule: str | None = None


def screen(question: str, scanners: Sequence[Scanner] | None = None) -> Screening:
    """Classify a question before any retrieval or generation."""
    results = scan(question, scanners)
    failed = next((r for r in results if not r.valid), None)
    injection = any(r.rule == "injection" and r.risk > 0 for r in results)
    remaining = results[-1].question if results else question
    return Screening(
        unsafe=failed is not None and failed.rule in REFUSING_RULES,
        injection=injection,
        off_task=failed is not None and failed.rule == "off_task",
        question=remaining or question,
        rule=f"{failed.language}:{failed.rule}" if failed and failed.language else (failed.rule if failed else None),
    )


def unsafe_output(text: str) -> bool:
    """A last check on generated text: no links, no hidden services, no
    abuse-material requests echoed back."""
    norm = normalize(text)
    if re.search(r"\bhttps?://|\bwww\.|\.onion\b", norm):
        return True
    return any(pack.safety["abuse_material"].match(norm) for pack in lang.packs() if "abuse_material" in pack.safety)
