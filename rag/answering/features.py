"""Features shared by the learned answer parts: what a question asks for, the
word tokens of a sentence with their offsets, the features of a candidate
answer span, and the features of a "does the article say this?" decision.

Everything here is pure Python + numpy over strings, so it runs without any
model. The language knowledge the features need (question words per answer
type, postpositions, number words, months, days) comes from the language pack
(`rag/lang/<code>.py`: `answer_cues`, `answer_words`).

Shortcuts: question types come from cue words (longest cue first), not a
parser; "matching" a word is equality of `rag.text.stem` forms, plus a shared
prefix of at least 4 letters for words of 5 letters or more.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..text import STOPWORDS_EN, STOPWORDS_UR, normalize, stem

STOPWORDS = {"ur": STOPWORDS_UR, "en": STOPWORDS_EN}
QTYPES = ["number", "date", "person", "place", "reason", "manner", "which", "what", "other"]


@lru_cache(maxsize=16)
def _data(code: str) -> dict[str, object]:
    """The language pack's answerer data: `types` (answer type -> cues) and
    its word lists (`rag.lang.ANSWER_WORD_LISTS`)."""
    from .. import lang

    try:
        pack = lang.get(code)
    except ValueError:
        pack = None
    if pack is None or not pack.answer_cues or code not in STOPWORDS:
        raise ValueError(f"no answering data for language {code!r}; known: {sorted(STOPWORDS)}")
    return {"types": {k: list(v) for k, v in pack.answer_cues.items()}, **{k: list(v) for k, v in pack.answer_words.items()}}


@lru_cache(maxsize=64)
def _words(lang: str, key: str) -> frozenset[str]:
    value = _data(lang)[key]
    assert isinstance(value, list)
    return frozenset(normalize(w) for w in value)


# --- tokens with offsets -----------------------------------------------------------------

# A word: letters/digits with the Arabic combining marks they carry, joined by . , / - : inside numbers/names.
# A number range written with an en or em dash or a doubled hyphen ("14–20", "30--60") is one token, as
# "7-10" is: otherwise the dash is punctuation, a span cannot cross it, and the answer loses its upper end.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_RANGE = r"\d+(?:[.,/:]\d+)*(?:(?:--|[\u2013\u2014-])\d+(?:[.,/:]\d+)*)+(?![^\W_])"
_TOKEN = re.compile(rf"{_RANGE}|(?:[^\W_]|[{_MARKS}])+(?:[.,/:'-](?:[^\W_]|[{_MARKS}])+)*|[^\s\w]")
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark of a sentence, with offsets into it."""

    text: str
    norm: str  # rag.text.normalize form
    stem: str
    start: int
    end: int
    is_word: bool


def tokens(text: str) -> list[Token]:
    """Word and punctuation tokens of `text` with character offsets."""
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        norm = normalize(raw)
        is_word = any(c.isalnum() for c in raw)
        out.append(Token(raw, norm, stem(norm) if is_word else norm, m.start(), m.end(), is_word))
    return out


def words_match(a: str, b: str) -> bool:
    """Two stems meet: equal, or one a prefix (>= 4 letters) of the other when both have >= 5."""
    if a == b:
        return True
    if len(a) >= 5 and len(b) >= 5:
        short, long_ = (a, b) if len(a) <= len(b) else (b, a)
        return long_.startswith(short[: max(4, len(short) - 1)])
    return False


# --- questions ------------------------------------------------------------------------------


@dataclass
class QuestionInfo:
    """What a question asks for and which of its words should be found."""

    text: str
    lang: str
    qtype: str
    cue: str  # the matched cue, "" when none
    toks: list[Token]
    content: list[Token]  # content words (not stop words, not the cue)
    before_cue: str  # stem of the word before the cue ("" when none)
    after_cue: str  # stem of the word after the cue
    numbers: set[str] = field(default_factory=set)


def question_info(question: str, lang: str) -> QuestionInfo:
    """Question type (from the language's cue table), content words, and
    the words around the cue (the answer usually takes the cue's place)."""
    data = _data(lang)
    toks = [t for t in tokens(question) if t.is_word]
    norms = [t.norm for t in toks]
    best: tuple[int, int, str, str] | None = None  # (-cue length, position, type, cue)
    types = data["types"]
    assert isinstance(types, dict)
    for qtype, cues in types.items():
        for cue in cues:
            parts = normalize(cue).split()
            for i in range(len(norms) - len(parts) + 1):
                if norms[i : i + len(parts)] == parts:
                    key = (-len(parts), i, qtype, cue)
                    if best is None or key < best:
                        best = key
                    break
    stop = STOPWORDS[lang]
    if best is None:
        qtype, cue, first, last = "other", "", -1, -1
    else:
        qtype, cue, first = best[2], best[3], best[1]
        last = first + len(cue.split()) - 1
    content = [t for i, t in enumerate(toks) if not (first <= i <= last) and t.norm not in stop and len(t.norm) > 1]
    before = toks[first - 1].stem if first > 0 else ""
    after = toks[last + 1].stem if 0 <= last < len(toks) - 1 else ""
    nums = {t.norm for t in toks if _DIGIT.search(t.norm)}
    return QuestionInfo(question, lang, qtype, cue, toks, content, before, after, nums)


# --- spans ------------------------------------------------------------------------------------

MAX_SPAN = 8
_LEN_BINS = [1, 2, 3, 4, 6, 8]
_DIST_BINS = [1, 2, 4, 8, 10**6]


def _bin(value: int, edges: Sequence[int]) -> int:
    for i, edge in enumerate(edges):
        if value <= edge:
            return i
    return len(edges) - 1


@dataclass
class SentenceView:
    """A sentence's tokens plus the per-token facts span features need."""

    text: str
    toks: list[Token]
    in_question: list[bool]
    kind: list[dict[str, bool]]


def sentence_view(q: QuestionInfo, sentence: str) -> SentenceView:
    """Tokens of `sentence` and, for each, whether it matches a question word
    and what kind of word it is."""
    lang = q.lang
    toks = tokens(sentence)
    qstems = [t.stem for t in q.content]
    months, days = _words(lang, "months"), _words(lang, "days")
    numw, units = _words(lang, "number_words"), _words(lang, "time_units")
    posts, auxs = _words(lang, "postpositions"), _words(lang, "auxiliaries")
    stop = STOPWORDS[lang]
    in_q, kinds = [], []
    for t in toks:
        in_q.append(t.is_word and t.norm not in stop and any(words_match(t.stem, s) for s in qstems))
        digit = bool(_DIGIT.search(t.norm))
        year = digit and bool(re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", t.norm.replace(",", "")))
        kinds.append(
            {
                "word": t.is_word,
                "digit": digit,
                "year": year,
                "month": t.norm in months,
                "day": t.norm in days,
                "numword": t.norm in numw,
                "unit": t.norm in units,
                "latin": bool(_LATIN.search(t.text)),
                "capital": t.text[:1].isupper(),
                "stop": t.norm in stop,
                "post": t.norm in posts,
                "aux": t.norm in auxs,
                "comma": t.norm in {",", "،", ";", ":"},
            }
        )
    return SentenceView(sentence, toks, in_q, kinds)


def candidate_bounds(view: SentenceView, max_len: int = MAX_SPAN) -> list[tuple[int, int]]:
    """Token ranges [i, j] (inclusive) that may be an answer: words only at
    both ends, no sentence-final punctuation inside, not all question or stop
    words, not starting with a postposition or auxiliary."""
    toks, kind = view.toks, view.kind
    out = []
    n = len(toks)
    for i in range(n):
        if not kind[i]["word"] or kind[i]["post"] or kind[i]["aux"]:
            continue
        for j in range(i, min(n, i + max_len)):
            if not toks[j].is_word:
                if kind[j]["comma"] or toks[j].norm in {"(", ")", "-", "'", '"'}:
                    continue
                break
            if kind[j]["post"] and not kind[j]["digit"]:
                # a span may hold a postposition inside ("X کی Y"), never end on one
                continue
            inner = range(i, j + 1)
            if all(view.in_question[k] or kind[k]["stop"] or not toks[k].is_word for k in inner):
                continue
            out.append((i, j))
    return out


_KINDS = ["digit", "year", "month", "day", "numword", "unit", "latin", "capital"]
# Features repeated once per question type, so that e.g. "has a year" counts for "when" questions only.
# Lexical cues the lists above miss (which word follows or precedes the span, per question type;
# its first and last word), hashed into a few buckets each (crc32: stable across runs).
_HASH_SLOTS = ("next", "prev", "first", "last")
_HASH_BUCKETS = 32
_TYPED = [
    "bias",
    *(f"len<={b}" for b in _LEN_BINS),
    *(f"has_{k}" for k in _KINDS),
    "next=post",
    "prev=post",
    "next=aux",
    "align_after",
    "align_before",
    "dist<=2",
]


@lru_cache(maxsize=8)
def _post_slot(lang: str) -> list[str]:
    value = _data(lang)["postpositions"]
    assert isinstance(value, list)
    return [normalize(w) for w in value]


@lru_cache(maxsize=8)
def _span_feature_names(lang: str) -> tuple[str, ...]:
    """Column names of `span_features`, cached."""
    posts = _post_slot(lang)
    base = [
        "bias",
        *(f"len<={b}" for b in _LEN_BINS),
        "frac_in_q",
        "any_in_q",
        "first_stop",
        "last_stop",
        "has_comma",
        *(f"has_{k}" for k in _KINDS),
        *(f"next={p}" for p in posts),
        "next=aux",
        "next=punct",
        "next=end",
        "next_in_q",
        *(f"prev={p}" for p in posts),
        "prev=start",
        "prev=punct",
        "prev_in_q",
        *(f"dist<={b}" for b in _DIST_BINS),
        "dist=none",
        "anchor_right",
        "window_q",
        "align_after",
        "align_before",
        "rel_pos",
    ]
    hashed = (f"hash_{slot}_{b}" for slot in _HASH_SLOTS for b in range(_HASH_BUCKETS))
    return (*base, *(f"{t}*{name}" for t in QTYPES for name in _TYPED), *hashed)


def span_feature_names(lang: str) -> list[str]:
    """Names of the columns of `span_features` (for the weights file)."""
    return list(_span_feature_names(lang))


def span_features(q: QuestionInfo, view: SentenceView, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """One row of features per candidate span (columns: `span_feature_names`)."""
    posts = _post_slot(q.lang)
    post_index = {p: k for k, p in enumerate(posts)}
    toks, kind, in_q = view.toks, view.kind, view.in_question
    n = len(toks)
    n_typed = len(_TYPED)
    n_hashed = len(_HASH_SLOTS) * _HASH_BUCKETS
    n_base = len(_span_feature_names(q.lang)) - len(QTYPES) * n_typed - n_hashed
    h_off = n_base + len(QTYPES) * n_typed
    rows = np.zeros((len(bounds), h_off + n_hashed), dtype=np.float32)
    t_off = n_base + QTYPES.index(q.qtype) * n_typed
    # prefix counts, so that "does the span hold a year" is two lookups
    is_word = np.array([t.is_word for t in toks], dtype=np.int32)
    keys = [*_KINDS, "comma"]
    pref = {
        k: np.concatenate([[0], np.cumsum([kind[m][k] and (toks[m].is_word or k == "comma") for m in range(n)])])
        for k in keys
    }
    q_words = np.array([in_q[m] for m in range(n)], dtype=np.int32)
    pref_q = np.concatenate([[0], np.cumsum(q_words)])
    pref_w = np.concatenate([[0], np.cumsum(is_word)])
    matched = [m for m in range(n) if in_q[m]]
    # nearest matched question word strictly left of / right of each position
    left = [-1] * n
    right = [-1] * n
    last = -1
    for m in range(n):
        left[m] = last
        if in_q[m]:
            last = m
    last = -1
    for m in range(n - 1, -1, -1):
        right[m] = last
        if in_q[m]:
            last = m
    next_word = [_next_word(toks, m + 1, 1) for m in range(n)]
    prev_word = [_next_word(toks, m - 1, -1) for m in range(n)]
    align_after = [bool(q.after_cue) and w is not None and words_match(w.stem, q.after_cue) for w in next_word]
    align_before = [bool(q.before_cue) and w is not None and words_match(w.stem, q.before_cue) for w in prev_word]
    c_len, c_q, c_kind = 1, 1 + len(_LEN_BINS), 1 + len(_LEN_BINS) + 5
    c_next = c_kind + len(_KINDS)
    c_prev = c_next + len(posts) + 4
    c_dist = c_prev + len(posts) + 3
    c_rest = c_dist + len(_DIST_BINS) + 1
    for r, (i, j) in enumerate(bounds):
        f = rows[r]
        length = j - i + 1
        f[0] = 1
        lb = _bin(length, _LEN_BINS)
        f[c_len + lb] = 1
        n_words = max(1, int(pref_w[j + 1] - pref_w[i]))
        hits = int(pref_q[j + 1] - pref_q[i])
        f[c_q] = hits / n_words
        f[c_q + 1] = hits > 0
        f[c_q + 2] = kind[i]["stop"]
        f[c_q + 3] = kind[j]["stop"]
        f[c_q + 4] = pref["comma"][j + 1] > pref["comma"][i]
        has = [bool(pref[k][j + 1] > pref[k][i]) for k in _KINDS]
        f[c_kind : c_kind + len(_KINDS)] = has
        nxt, prv = j + 1, i - 1
        if nxt < n and toks[nxt].norm in post_index:
            f[c_next + post_index[toks[nxt].norm]] = 1
        c = c_next + len(posts)
        f[c] = nxt < n and kind[nxt]["aux"]
        f[c + 1] = nxt < n and not toks[nxt].is_word
        f[c + 2] = nxt >= n
        f[c + 3] = nxt < n and in_q[nxt]
        if prv >= 0 and toks[prv].norm in post_index:
            f[c_prev + post_index[toks[prv].norm]] = 1
        c = c_prev + len(posts)
        f[c] = prv < 0
        f[c + 1] = prv >= 0 and not toks[prv].is_word
        f[c + 2] = prv >= 0 and in_q[prv]
        lm, rm = left[i], right[j]
        dl = i - lm if lm >= 0 else 10**6
        dr = rm - j if rm >= 0 else 10**6
        dist = min(dl, dr)
        if matched and dist < 10**6:
            f[c_dist + _bin(dist, _DIST_BINS)] = 1
        else:
            f[c_dist + len(_DIST_BINS)] = 1
        f[c_rest] = dr < dl
        lo, hi = max(0, i - 4), min(n, j + 5)
        f[c_rest + 1] = min(4, int(pref_q[hi] - pref_q[lo]) - hits) / 4
        f[c_rest + 2] = align_after[j]
        f[c_rest + 3] = align_before[i]
        f[c_rest + 4] = i / max(1, n - 1)
        typed = [
            1.0,
            *(float(lb == b) for b in range(len(_LEN_BINS))),
            *(float(h) for h in has),
            float(nxt < n and kind[nxt]["post"]),
            float(prv >= 0 and kind[prv]["post"]),
            float(nxt < n and kind[nxt]["aux"]),
            float(align_after[j]),
            float(align_before[i]),
            float(dist <= 2),
        ]
        f[t_off : t_off + n_typed] = typed
        words = (
            f"{q.qtype}|{toks[nxt].norm if nxt < n else '$'}",
            f"{q.qtype}|{toks[prv].norm if prv >= 0 else '^'}",
            toks[i].norm,
            toks[j].norm,
        )
        for slot, word in enumerate(words):
            f[h_off + slot * _HASH_BUCKETS + zlib.crc32(word.encode("utf-8")) % _HASH_BUCKETS] = 1
    return rows


def _next_word(toks: Sequence[Token], k: int, step: int) -> Token | None:
    while 0 <= k < len(toks):
        if toks[k].is_word:
            return toks[k]
        k += step
    return None


# --- decision ----------------------------------------------------------------------------------


DECISION_FEATURES = [
    "bias",
    "q_content",
    "share_in_best",
    "share_in_top",
    "share_in_window",
    "missing_in_window",
    "missing_long_in_window",
    "missing_latin_in_window",
    "missing_number_in_window",
    "share_rare_in_best",
    "span_logit",
    "span_prob",
    "span_margin",
    "type_ok_best",
    "type_ok_top",
    "longest_run_best",
    "best_is_top1",
    "n_candidates",
    "negation_mismatch",
    "share_near_span",
    "matched_in_best",
    "missing_long_in_best",
    "span_in_question",
    "type_ok_span",
    "number*type_ok_span",
    "date*type_ok_span",
    *(f"qtype={t}" for t in QTYPES),
]


@dataclass
class DecisionInput:
    """What the decision sees: the question, the chosen sentence, the other
    candidate sentences, their neighbours, and the best span's scores."""

    question: QuestionInfo
    best: str
    top: Sequence[str]
    window: Sequence[str]
    span_logit: float
    span_prob: float
    span_margin: float
    best_rank: int
    span_tokens: tuple[int, int] = (-1, -1)  # first and last token of the raw span in `best` (-1: none)


def _type_ok(q: QuestionInfo, view: SentenceView, first: int = 0, last: int = -1) -> bool:
    """Whether the sentence (or its tokens first..last) holds the kind of fact asked for."""
    kinds = view.kind[first : (last + 1) or None]
    if q.qtype == "number":
        return any(k["digit"] or k["numword"] for k in kinds)
    if q.qtype == "date":
        return any(k["year"] or k["month"] or k["day"] or (k["digit"]) for k in kinds)
    return True


def _span_side(d: DecisionInput, view: SentenceView, best_stems: Sequence[str]) -> list[float]:
    """Negation agreement, question words near the span, what the span itself holds."""
    q = d.question
    negs = _words(q.lang, "negations")
    neg_q = any(t.norm in negs for t in q.toks)
    neg_s = any(t.norm in negs for t in view.toks)
    first, last = d.span_tokens
    content = q.content
    if first >= 0:
        lo, hi = max(0, first - 8), min(len(view.toks), last + 9)
        near = [t.stem for t in view.toks[lo:hi] if t.is_word]
        near_share = sum(1 for t in content if any(words_match(t.stem, s) for s in near)) / max(1, len(content))
        span_q = sum(view.in_question[first : last + 1]) / (last - first + 1)
        span_ok = _type_ok(q, view, first, last) if q.qtype in ("number", "date") else True
    else:
        near_share, span_q, span_ok = 0.0, 0.0, False
    matched = sum(1 for t in content if any(words_match(t.stem, s) for s in best_stems))
    missing_long = sum(1 for t in content if len(t.norm) >= 6 and not any(words_match(t.stem, s) for s in best_stems))
    return [
        float(neg_q != neg_s),
        near_share,
        min(matched, 8) / 8,
        min(missing_long, 3) / 3,
        span_q,
        float(span_ok),
        float(span_ok and q.qtype == "number"),
        float(span_ok and q.qtype == "date"),
    ]


def decision_features(d: DecisionInput) -> np.ndarray:
    """The decision's feature row (columns: DECISION_FEATURES)."""
    q = d.question
    content = q.content
    best_view = sentence_view(q, d.best)
    top_views = [sentence_view(q, s) for s in d.top]
    window_stems = [t.stem for s in d.window for t in tokens(s) if t.is_word]

    def found(t: Token, stems: Sequence[str]) -> bool:
        return any(words_match(t.stem, s) for s in stems)

    best_stems = [t.stem for t in best_view.toks if t.is_word]
    top_stems = [t.stem for v in top_views for t in v.toks if t.is_word]
    n = len(content)
    in_best = [found(t, best_stems) for t in content]
    in_top = [found(t, top_stems) for t in content]
    in_window = [found(t, window_stems) for t in content]
    missing = [t for t, ok in zip(content, in_window, strict=True) if not ok]
    rare = [k for k, t in enumerate(content) if len(t.norm) >= 6 or _LATIN.search(t.text) or _DIGIT.search(t.norm)]
    # longest run of question words in order inside the best sentence (a paraphrase keeps few)
    run = longest = 0
    qstems = [t.stem for t in content]
    for t in best_view.toks:
        if t.is_word and any(words_match(t.stem, s) for s in qstems):
            run += 1
            longest = max(longest, run)
        elif t.is_word and t.norm not in STOPWORDS[q.lang]:
            run = 0
    row = [
        1.0,
        min(n, 12) / 12,
        sum(in_best) / max(1, n),
        sum(in_top) / max(1, n),
        sum(in_window) / max(1, n),
        min(len(missing), 4) / 4,
        min(sum(1 for t in missing if len(t.norm) >= 6), 3) / 3,
        min(sum(1 for t in missing if _LATIN.search(t.text)), 2) / 2,
        min(sum(1 for t in missing if _DIGIT.search(t.norm)), 2) / 2,
        sum(in_best[k] for k in rare) / max(1, len(rare)),
        float(np.clip(d.span_logit, -10, 10)) / 10,
        d.span_prob,
        float(np.clip(d.span_margin, 0, 10)) / 10,
        float(_type_ok(q, best_view)),
        float(any(_type_ok(q, v) for v in top_views)),
        min(longest, 6) / 6,
        float(d.best_rank == 0),
        min(len(d.top), 5) / 5,
        *_span_side(d, best_view, best_stems),
        *(float(q.qtype == t) for t in QTYPES),
    ]
    return np.asarray(row, dtype=np.float32)
