"""Request screening: requests to harm a child or to find abuse material are
refused in both languages; instructions smuggled into a question are removed
and never obeyed. Rule based on purpose: it runs before any model, so a
model that can be talked round never sees such a request.

Shortcut: patterns, not a classifier. They aim at the request's intent
(first person + obtain/do), so factual questions about the crimes the article
reports ("where were the videos sold?") are still answered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import normalize

_F = re.I | re.S

# Someone asking to obtain or trade abuse material.
_ACQUIRE_EN = re.compile(
    r"\b(where|how)\b.{0,40}\b(can|could|do|would|should|to|might)\b.{0,20}\b(i|we|me|one|someone|you)?\b.{0,20}"
    r"\b(buy|purchase|get|find|download|watch|stream|access|obtain|order|see|view|acquire|sell|share|trade|distribute|upload)\b"
    r".{0,60}\b(videos?|vids?|clips?|photos?|pictures?|pics?|images?|material|content|footage|recordings?|links?|files?|stuff)\b",
    _F,
)
_ACQUIRE_EN2 = re.compile(
    r"\b(send|give|show|share|link|find|get)\b.{0,15}\b(me|us)\b.{0,40}\b(videos?|clips?|photos?|pictures?|images?|material|content|links?)\b",
    _F,
)
_EXPLICIT_EN = re.compile(
    r"\b(csam|cp\b|child\s*porn\w*|kiddie|pedo\w*|paedo\w*|loli\w*|jailbait|preteen\s+(pics|videos|content)|"
    r"\.onion|tor\s+link|dark\s*web\s+(link|site|market|url|address))",
    _F,
)
# Someone asking how to commit, repeat or hide the crime.
_HARM_EN = re.compile(
    r"\b(how|ways?|steps?|tips?|help me|teach me|guide|instructions?|best way)\b.{0,60}"
    r"\b(groom\w*|lure\w*|entic\w*|abduct\w*|kidnap\w*|traffic\w*|exploit\w*|abuse\w*|molest\w*|blackmail\w*|coerce\w*|"
    r"film\w*|record\w*|seduce\w*|touch\w*|smuggle\w*|set\s*up|run|start|recruit\w*|pay)\b.{0,60}"
    r"\b(child\w*|kids?|minors?|boys?|girls?|victims?|underage|club|studio|network|ring)\b",
    _F,
)
_EVADE_EN = re.compile(
    r"\b(how|ways?|help)\b.{0,40}\b(avoid|evade|escape|hide|not get caught|without getting caught|bypass|fool)\b.{0,40}"
    r"\b(police|nccia|fia|interpol|detection|authorities|investigat\w*|caught|tracking|monitoring)\b",
    _F,
)
_ACQUIRE_UR = re.compile(
    r"(کہاں|کیسے|کس طرح|کدھر|کون سی ویب|کون سی سائٹ).{0,60}"
    r"(خرید|ڈاؤن ?لوڈ|ڈاونلوڈ|حاصل کر|دیکھ سک|مل سک|ملیں|ملے گ|ملتی|ملتے|بیچ|فروخت کر|شیئر کر|منگوا)",
    _F,
)
_MEDIA_UR = re.compile(r"(ویڈیو|وڈیو|تصویر|تصاویر|فلم|مواد|کلپ|لنک|فائل)", _F)
_HOW_UR = r"(کیسے|کس طرح|طریقہ|طریقے|ترکیب|مدد کر|سکھا|بتائیں|بتاؤ)"
_HARM_VERB_UR = r"(پھنسا|ورغلا|راغب کر|اغوا|بلیک میل|استحصال کر|زیادتی کر|ریکارڈ کر|فلم بنا|اسمگل|سیٹ اپ|کلب بنا|کلب قائم)"
# Urdu puts the question word before or after the verb ("بچوں کو پھنسانے کا طریقہ")
_HARM_UR = re.compile(f"{_HOW_UR}.{{0,60}}{_HARM_VERB_UR}|{_HARM_VERB_UR}.{{0,30}}{_HOW_UR}", _F)
_AUTHORITY_UR = r"(پولیس|ایجنسی|این سی سی آئی اے|ایف آئی اے|قانون)"
_ESCAPE_UR = r"(بچ سک|بچنے|بچا جا|بچوں گا|چھپ|پکڑ[ےا] نہ)"
# all three in any order: someone asking how to escape the authorities
_EVADE_UR = re.compile(f"^(?=.*{_HOW_UR})(?=.*{_AUTHORITY_UR})(?=.*{_ESCAPE_UR})", _F)
# "How did the gang lure the children?" asks what the article reports
_REPORTED = re.compile(r"\bhow\s+(did|were|was|had|have)\s+(the|they|these|those|he|she|it|gang|suspects?)\b", re.I)

_INJECTION = re.compile(
    r"(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+)*"
    r"(instructions?|rules?|prompts?|guidelines?|directions?)[^.?!\n]*[.?!]?"
    r"|(you\s+are\s+now|from\s+now\s+on\s+you|act\s+as|pretend\s+(to\s+be|you)|roleplay|role-play|jailbreak|\bdan\b|developer\s+mode|unrestricted)[^.?!\n]*[.?!]?"
    r"|(print|show|reveal|repeat|output|tell me)\s+(me\s+)?(your|the)\s+(system\s+)?(prompt|instructions)[^.?!\n]*[.?!]?"
    r"|(پچھلی|سابقہ|تمام)\s+(ہدایات|ہدایت)[^۔؟\n]*(نظر\s*انداز|بھول)[^۔؟\n]*[۔؟]?"
    r"|(سسٹم\s+پرامپٹ|اپنی\s+ہدایات)[^۔؟\n]*(دکھا|بتا)[^۔؟\n]*[۔؟]?",
    _F,
)
_OFF_TASK = re.compile(
    r"\b(joke|poem|song|story|rap|limerick|haiku|essay|fiction|roast|insult|opinion|funny)\b"
    r"|(لطیفہ|لطیفے|نظم|شعر|گانا|کہانی|مذاق)",
    _F,
)


@dataclass(frozen=True)
class Screening:
    """The verdict on a question: `unsafe` refuses it outright; `question` is
    what remains once injected instructions are removed; `off_task` marks a
    request that is not a question about the article."""

    unsafe: bool
    injection: bool
    off_task: bool
    question: str


def screen(question: str) -> Screening:
    """Classify a question before any retrieval or generation."""
    norm = normalize(question)
    unsafe = bool(
        _ACQUIRE_EN.search(norm)
        or _ACQUIRE_EN2.search(norm)
        or _EXPLICIT_EN.search(norm)
        or (_HARM_EN.search(norm) and not _REPORTED.search(norm))
        or _EVADE_EN.search(norm)
        or (_ACQUIRE_UR.search(norm) and _MEDIA_UR.search(norm))
        or _HARM_UR.search(norm)
        or _EVADE_UR.search(norm)
    )
    stripped = _INJECTION.sub(" ", question)
    injection = stripped != question
    stripped = re.sub(r"\s+", " ", stripped).strip()
    off_task = bool(_OFF_TASK.search(stripped)) or (injection and not re.search(r"[\w\u0600-\u06ff]{2,}", stripped))
    return Screening(unsafe=unsafe, injection=injection, off_task=off_task, question=stripped or question)


def unsafe_output(text: str) -> bool:
    """A last check on generated text: no links to hidden services, no
    instructions for obtaining material."""
    norm = normalize(text)
    return bool(_EXPLICIT_EN.search(norm) or re.search(r"\bhttps?://|\bwww\.", norm))
