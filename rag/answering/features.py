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

from .. import lang as languages
from ..text import normalize, numbers, stem


def _stop_words(code: str) -> frozenset[str]:
    """The stop words of a language's pack."""
    return languages.get(code).stop_words


QTYPES = ["number", "date", "person", "place", "reason", "manner", "which", "what", "other"]


@lru_cache(maxsize=16)
def _data(code: str) -> dict[str, object]:
    """The language pack's answerer data: `types` (answer type -> cues) and
    its word lists (`rag.lang.ANSWER_WORD_LISTS`)."""
    pack = languages.find(code)
    if pack is None or not pack.answer_cues:
        known = sorted(p.code for p in languages.packs() if p.answer_cues)
        raise ValueError(f"no answering data for language {code!r}; known: {known}")
    out: dict[str, object] = {
        "types": {k: list(v) for k, v in pack.answer_cues.items()},
        **{k: list(v) for k, v in pack.answer_words.items()},
    }
    # every number word the pack knows counts (teens, tens, multipliers, "hundreds of"), except the
    # ones that are more often other words
    numbers = list(pack.answer_words.get("number_words", ()))
    more = (*pack.number_words, *pack.multipliers, *sorted(pack.quantity_words))
    out["number_words"] = numbers + [w for w in more if w not in numbers and w not in pack.ambiguous_numbers]
    return out


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
    return list(_tokens(text))


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[Token, ...]:
    # cached: a question's candidate sentences and their neighbours are read several times
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        norm = normalize(raw)
        is_word = any(c.isalnum() for c in raw)
        out.append(Token(raw, norm, stem(norm) if is_word else norm, m.start(), m.end(), is_word))
    return tuple(out)


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
    before2: tuple[str, ...] = ()  # stems of the two words before the cue
    after2: tuple[str, ...] = ()  # stems of the two words after the cue
    # a count of people or things: the cue counts a noun ("how many *children*", «کتنے *بچوں*»; not
    # «سزا کتنی تھی؟» "how much was the punishment?") and the question asks for no amount of time or
    # age: it names no time, no unit of time («کتنے گھنٹے») and no word for one ("how long", «کتنی عمر»)
    counts_things: bool = False
    # numbers an answer must not consist of alone: the count an earlier answer
    # gave, for a count follow-up ("and how many are at large?" after "two
    # were arrested" is not answered "two" from "two arrested, three at large")
    avoid: frozenset[str] = frozenset()


@lru_cache(maxsize=16)
def _cues(lang: str) -> tuple[tuple[str, str, list[str]], ...]:
    """(answer type, cue, normalised words of the cue) of the language's cue table."""
    types = _data(lang)["types"]
    assert isinstance(types, dict)
    return tuple((qtype, cue, normalize(cue).split()) for qtype, cues in types.items() for cue in cues)


def question_info(question: str, lang: str) -> QuestionInfo:
    """Question type (from the language's cue table), content words, and
    the words around the cue (the answer usually takes the cue's place)."""
    toks = [t for t in tokens(question) if t.is_word]
    norms = [t.norm for t in toks]
    best: tuple[int, int, str, str] | None = None  # (-cue length, position, type, cue)
    present = set(norms)
    for qtype, cue, parts in _cues(lang):
        if parts[0] in present:
            for i in range(len(norms) - len(parts) + 1):
                if norms[i : i + len(parts)] == parts:
                    key = (-len(parts), i, qtype, cue)
                    if best is None or key < best:
                        best = key
                    break
    stop = _stop_words(lang)
    if best is None:
        qtype, cue, first, last = "other", "", -1, -1
    else:
        qtype, cue, first = best[2], best[3], best[1]
        last = first + len(cue.split()) - 1
    content = [t for i, t in enumerate(toks) if not (first <= i <= last) and t.norm not in stop and len(t.norm) > 1]
    before = toks[first - 1].stem if first > 0 else ""
    after = toks[last + 1].stem if 0 <= last < len(toks) - 1 else ""
    nums = {t.norm for t in toks if _DIGIT.search(t.norm)}
    before2 = tuple(t.stem for t in toks[max(0, first - 2) : first]) if first > 0 else ()
    after2 = tuple(t.stem for t in toks[last + 1 : last + 3]) if last >= 0 else ()
    closed = stop | _words(lang, "auxiliaries") | _words(lang, "postpositions")
    counts_noun = 0 <= last < len(toks) - 1 and toks[last + 1].norm not in closed
    stems = tuple(t.stem for t in toks)
    things = counts_noun and not (_names_time(lang, stems) or _names_time_amount(lang, stems))
    return QuestionInfo(question, lang, qtype, cue, toks, content, before, after, nums, before2, after2, things)


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
    stop = _stop_words(lang)
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
    for k in _amounts_of_time(lang, toks, kinds):
        kinds[k]["duration"] = True
    return SentenceView(sentence, toks, in_q, kinds)


def _amounts_of_time(lang: str, toks: Sequence[Token], kinds: Sequence[dict[str, bool]]) -> set[int]:
    """The number tokens that count units of time: a number, or a range of
    numbers, followed by one ("28 days", «6 سے 10 سال», "7-10 years")."""
    units = _duration_stems(lang)
    joins = _words(lang, "range_words")
    out: set[int] = set()
    k = 0
    while k < len(toks):
        if not (kinds[k]["digit"] or kinds[k]["numword"]):
            k += 1
            continue
        run, m = [k], k + 1
        while m < len(toks) and (kinds[m]["digit"] or kinds[m]["numword"] or not toks[m].is_word or toks[m].norm in joins):
            if kinds[m]["digit"] or kinds[m]["numword"]:
                run.append(m)
            m += 1
        if m < len(toks) and toks[m].is_word and any(words_match(toks[m].stem, u) for u in units):
            out.update(run)
        k = m
    return out


@lru_cache(maxsize=16)
def _duration_stems(lang: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _words(lang, "duration_units"))


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
# its first and last word, alone and per question type), hashed into a few buckets each (crc32:
# stable across runs).
_HASH_SLOTS = ("next", "prev", "first", "last", "qfirst", "qlast")
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
    "first_num",
    "last_num",
    "any_in_q",
    "next_in_q",
    "prev_in_q",
    "between_q",
    "next=punct",
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
        "first_num",
        "last_num",
        "left<=1",
        "right<=1",
        "between_q",
        "ctx_before",
        "ctx_after",
        "align2_after",
        "align2_before",
    ]
    typed_next = (f"{t}*next={p}" for t in QTYPES for p in posts)
    hashed = (f"hash_{slot}_{b}" for slot in _HASH_SLOTS for b in range(_HASH_BUCKETS))
    return (*base, *(f"{t}*{name}" for t in QTYPES for name in _TYPED), *typed_next, *hashed)


def span_feature_names(lang: str) -> list[str]:
    """Names of the columns of `span_features` (for the weights file)."""
    return list(_span_feature_names(lang))


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % _HASH_BUCKETS


def span_features(q: QuestionInfo, view: SentenceView, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """One row of features per candidate span (columns: `span_feature_names`),
    computed for all spans at once with numpy (prefix sums over the tokens)."""
    names = _span_feature_names(q.lang)
    posts = _post_slot(q.lang)
    post_index = {p: k for k, p in enumerate(posts)}
    toks, kind, in_q_list = view.toks, view.kind, view.in_question
    n = len(toks)
    n_typed = len(_TYPED)
    n_hashed = len(_HASH_SLOTS) * _HASH_BUCKETS
    n_base = len(names) - len(QTYPES) * (n_typed + len(posts)) - n_hashed
    tn_off = n_base + len(QTYPES) * n_typed + QTYPES.index(q.qtype) * len(posts)
    h_off = n_base + len(QTYPES) * (n_typed + len(posts))
    m = len(bounds)
    rows = np.zeros((m, len(names)), dtype=np.float32)
    if m == 0:
        return rows
    t_off = n_base + QTYPES.index(q.qtype) * n_typed
    big = 10**6
    ii = np.fromiter((b[0] for b in bounds), dtype=np.int64, count=m)
    jj = np.fromiter((b[1] for b in bounds), dtype=np.int64, count=m)
    r_all = np.arange(m)

    def flag(key: str) -> np.ndarray:
        return np.fromiter((kind[k][key] for k in range(n)), dtype=bool, count=n)

    def pref(a: np.ndarray) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(a.astype(np.int64))])

    is_word = flag("word")
    in_q = np.fromiter(in_q_list, dtype=bool, count=n)
    stop, post, aux, comma = flag("stop"), flag("post"), flag("aux"), flag("comma")
    number = (flag("digit") | flag("numword")) & is_word
    pw, pq, pc = pref(is_word), pref(in_q), pref(comma)
    kind_pref = [pref(flag(k) & is_word) for k in _KINDS]
    # nearest matched question word strictly left of / right of each position
    left = np.full(n, -1, dtype=np.int64)
    right = np.full(n, -1, dtype=np.int64)
    last = -1
    for k in range(n):
        left[k] = last
        if in_q[k]:
            last = k
    last = -1
    for k in range(n - 1, -1, -1):
        right[k] = last
        if in_q[k]:
            last = k
    next_word = [_next_word(toks, k + 1, 1) for k in range(n)]
    prev_word = [_next_word(toks, k - 1, -1) for k in range(n)]
    align_after = np.array(
        [bool(q.after_cue) and w is not None and words_match(w.stem, q.after_cue) for w in next_word], dtype=bool
    )
    align_before = np.array(
        [bool(q.before_cue) and w is not None and words_match(w.stem, q.before_cue) for w in prev_word], dtype=bool
    )
    # columns
    c_len, c_q, c_kind = 1, 1 + len(_LEN_BINS), 1 + len(_LEN_BINS) + 5
    c_next = c_kind + len(_KINDS)
    c_prev = c_next + len(posts) + 4
    c_dist = c_prev + len(posts) + 3
    c_rest = c_dist + len(_DIST_BINS) + 1
    length = jj - ii + 1
    lb = np.minimum(np.searchsorted(np.asarray(_LEN_BINS), length, side="left"), len(_LEN_BINS) - 1)
    rows[:, 0] = 1
    rows[r_all, c_len + lb] = 1
    n_words = np.maximum(1, pw[jj + 1] - pw[ii])
    hits = pq[jj + 1] - pq[ii]
    rows[:, c_q] = hits / n_words
    rows[:, c_q + 1] = hits > 0
    rows[:, c_q + 2] = stop[ii]
    rows[:, c_q + 3] = stop[jj]
    rows[:, c_q + 4] = pc[jj + 1] > pc[ii]
    has = np.stack([p[jj + 1] > p[ii] for p in kind_pref], axis=1)
    rows[:, c_kind : c_kind + len(_KINDS)] = has
    nxt, prv = jj + 1, ii - 1
    nv, pv = nxt < n, prv >= 0
    nx, px = np.minimum(nxt, n - 1), np.maximum(prv, 0)
    post_id = np.array([post_index.get(t.norm, -1) for t in toks], dtype=np.int64)
    sel = nv & (post_id[nx] >= 0)
    rows[r_all[sel], c_next + post_id[nx][sel]] = 1
    c = c_next + len(posts)
    next_aux = nv & aux[nx]
    next_punct = nv & ~is_word[nx]
    next_in_q = nv & in_q[nx]
    rows[:, c] = next_aux
    rows[:, c + 1] = next_punct
    rows[:, c + 2] = ~nv
    rows[:, c + 3] = next_in_q
    sel = pv & (post_id[px] >= 0)
    rows[r_all[sel], c_prev + post_id[px][sel]] = 1
    c = c_prev + len(posts)
    prev_in_q = pv & in_q[px]
    rows[:, c] = ~pv
    rows[:, c + 1] = pv & ~is_word[px]
    rows[:, c + 2] = prev_in_q
    lm, rm = left[ii], right[jj]
    dl = np.where(lm >= 0, ii - lm, big)
    dr = np.where(rm >= 0, rm - jj, big)
    dist = np.minimum(dl, dr)
    known = dist < big
    db = np.minimum(np.searchsorted(np.asarray(_DIST_BINS), dist, side="left"), len(_DIST_BINS) - 1)
    rows[r_all[known], c_dist + db[known]] = 1
    rows[~known, c_dist + len(_DIST_BINS)] = 1
    rows[:, c_rest] = dr < dl
    lo, hi = np.maximum(0, ii - 4), np.minimum(n, jj + 5)
    rows[:, c_rest + 1] = np.minimum(4, pq[hi] - pq[lo] - hits) / 4
    rows[:, c_rest + 2] = align_after[jj]
    rows[:, c_rest + 3] = align_before[ii]
    rows[:, c_rest + 4] = ii / max(1, n - 1)
    between = (dl <= 3) & (dr <= 3)
    # question words among the three words before / after the span, and the cue's neighbours
    # (two words each side in the question) beside the span in the sentence
    word_idx = np.nonzero(is_word)[0]
    pos_in_words = np.cumsum(is_word) - 1  # index among the words, for word tokens
    wq = in_q[word_idx].astype(np.int64)
    pwq = np.concatenate([[0], np.cumsum(wq)])
    first_w = pos_in_words[ii]  # spans start and end on words
    last_w = pos_in_words[jj]
    nw = len(word_idx)
    ctx_before = (pwq[first_w] - pwq[np.maximum(0, first_w - 3)]) / 3
    ctx_after = (pwq[np.minimum(nw, last_w + 4)] - pwq[last_w + 1]) / 3
    w_stems = [toks[k].stem for k in word_idx]

    def near(stems: tuple[str, ...], lo_w: int, hi_w: int) -> bool:
        return any(words_match(w, s) for w in w_stems[max(0, lo_w) : max(0, hi_w)] for s in stems)

    after2_ok = np.zeros(nw + 1, dtype=bool)  # by last word of the span
    before2_ok = np.zeros(nw + 1, dtype=bool)  # by first word of the span
    if q.after2:
        for w in range(nw):
            after2_ok[w] = near(q.after2, w + 1, w + 3)
    if q.before2:
        for w in range(nw):
            before2_ok[w] = near(q.before2, w - 2, w)
    extra = [
        number[ii],
        number[jj],
        dl <= 1,
        dr <= 1,
        between,
        ctx_before,
        ctx_after,
        after2_ok[last_w],
        before2_ok[first_w],
    ]
    for k, col in enumerate(extra):
        rows[:, c_rest + 5 + k] = col
    typed = [
        np.ones(m, dtype=bool),
        *(lb == b for b in range(len(_LEN_BINS))),
        *(has[:, k] for k in range(len(_KINDS))),
        nv & post[nx],
        pv & post[px],
        next_aux,
        align_after[jj],
        align_before[ii],
        dist <= 2,
        number[ii],
        number[jj],
        hits > 0,
        next_in_q,
        prev_in_q,
        between,
        next_punct,
    ]
    rows[:, t_off : t_off + n_typed] = np.stack(typed, axis=1)
    sel = nv & (post_id[nx] >= 0)
    rows[r_all[sel], tn_off + post_id[nx][sel]] = 1
    qt = q.qtype
    next_b = np.array([_bucket(f"{qt}|{t.norm}") for t in toks] + [_bucket(f"{qt}|$")], dtype=np.int64)
    prev_b = np.array([_bucket(f"{qt}|^")] + [_bucket(f"{qt}|{t.norm}") for t in toks], dtype=np.int64)
    own_b = np.array([_bucket(t.norm) for t in toks], dtype=np.int64)
    typed_b = np.array([_bucket(f"{qt}|{t.norm}") for t in toks], dtype=np.int64)
    slots = (next_b[nxt], prev_b[prv + 1], own_b[ii], own_b[jj], typed_b[ii], typed_b[jj])
    for slot, buckets in enumerate(slots):
        rows[r_all, h_off + slot * _HASH_BUCKETS + buckets] = 1
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
    "window_mass",
    "sentence_prob",
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
    window_mass: float = 0.0  # probability that the answer window holds the answer
    sentence_prob: float = 0.0  # probability of the chosen sentence


# Question types whose answer is not a date: who, where, which, how, why.
# On Urdu SQuAD 2.0 train, 0.0-0.9% of their gold answers are a date alone
# (nearly all "which year", which names a time unit), against 70% for "when".
NOT_DATE_TYPES = ("person", "place", "which", "manner", "reason")


@lru_cache(maxsize=16)
def _time_stems(lang: str) -> frozenset[str]:
    return frozenset(stem(w) for key in ("months", "days", "time_units") for w in _words(lang, key))


def _asks_time(q: QuestionInfo) -> bool:
    """Whether the question names a time (a month, a day, a unit of time):
    «کون سا سال», «کن دنوں» ask for one even without a date cue."""
    return _names_time(q.lang, tuple(t.stem for t in q.toks if t.is_word))


@lru_cache(maxsize=256)
def _names_time_amount(lang: str, stems: tuple[str, ...]) -> bool:
    words = _duration_stems(lang) | frozenset(stem(w) for w in _words(lang, "time_amount_words"))
    return any(words_match(s, u) for s in stems for u in words)


@lru_cache(maxsize=256)
def _names_time(lang: str, stems: tuple[str, ...]) -> bool:
    times = _time_stems(lang)
    return any(words_match(s, u) for s in stems for u in times)


def _only_a_date(kinds: Sequence[dict[str, bool]]) -> bool:
    """Tokens that are a date and nothing else: figures, number words,
    months, days, years, units of time and stop words, with at least one
    month, day or year («23 مئی», "in May 2019")."""
    dated = any(k["month"] or k["day"] or k["year"] for k in kinds)
    return dated and all(
        k["digit"] or k["numword"] or k["month"] or k["day"] or k["unit"] or k["stop"] or not k["word"] for k in kinds
    )


def _type_ok(q: QuestionInfo, view: SentenceView, first: int = 0, last: int = -1) -> bool:
    """Whether the sentence (or its tokens first..last) holds the kind of fact
    asked for; for a who/where/which/how/why question that names no time,
    something other than a date alone."""
    kinds = view.kind[first : (last + 1) or None]
    if q.qtype == "number":
        # an amount of time ("28 days", «6 سے 10 سال کی عمر») counts no people or things: it answers
        # "how many days?", "how old?" or "how long was the sentence?", not "how many children?" (python -m
        # bench.count_units: on Urdu SQuAD 2.0 train, see the module)
        counts = any((k["digit"] or k["numword"]) and not (q.counts_things and k.get("duration")) for k in kinds)
        return counts and not _avoided(q, view, first, last)
    if q.qtype == "date":
        return any(k["year"] or k["month"] or k["day"] or (k["digit"]) for k in kinds)
    if q.qtype in NOT_DATE_TYPES and not _asks_time(q):
        return not _only_a_date(kinds)
    return True


def _said(view: SentenceView, first: int = 0, last: int = -1) -> set[str]:
    """The numbers the tokens first..last state."""
    return numbers(view.text[view.toks[first].start : view.toks[last].end]) if view.toks else set()


def _avoided(q: QuestionInfo, view: SentenceView, first: int = 0, last: int = -1) -> bool:
    """Whether the tokens first..last fail a count follow-up for stating the
    earlier answer's count (`q.avoid`). The whole sentence fails when all the
    numbers it states are that count: it holds no new one. A span fails when
    it states that count at all ("two arrested, three at large" asked "how
    many are at large?" after "two were arrested": only spans of "three" pass)."""
    if not q.avoid:
        return False
    said = _said(view, first, last)
    if last == -1:  # the sentence
        return bool(said) and said <= q.avoid
    return bool(said & q.avoid)


def typed_spans(q: QuestionInfo, view: SentenceView, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each candidate span, whether it holds the kind of fact asked for
    (`_type_ok` on its tokens): a number for a number question, a year,
    month, day or figure for a date question, more than a date alone for a
    who/where/which/how/why question that names no time; every span for
    other types. A span stating a number of `q.avoid` is not a new count
    ("two arrested, three at large" asked "how many are at large?" after
    "two were arrested": only spans of "three" are)."""
    return np.fromiter((_type_ok(q, view, i, j) for i, j in bounds), dtype=bool, count=len(bounds))


def type_ok(q: QuestionInfo, view: SentenceView) -> bool:
    """Whether the sentence holds the kind of fact asked for (a number for a
    number question, a year, month, day or figure for a date question)."""
    return _type_ok(q, view)


def longest_question_run(q: QuestionInfo, view: SentenceView) -> int:
    """The longest run of question words, in any order, inside the sentence
    (stop words do not break a run): a paraphrase keeps few in a row."""
    run = longest = 0
    stop = _stop_words(q.lang)
    for t, hit in zip(view.toks, view.in_question, strict=True):
        if hit:
            run += 1
            longest = max(longest, run)
        elif t.is_word and t.norm not in stop:
            run = 0
    return longest


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
    stop = _stop_words(q.lang)
    for t in best_view.toks:
        if t.is_word and any(words_match(t.stem, s) for s in qstems):
            run += 1
            longest = max(longest, run)
        elif t.is_word and t.norm not in stop:
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
        d.window_mass,
        d.sentence_prob,
        *(float(q.qtype == t) for t in QTYPES),
    ]
    return np.asarray(row, dtype=np.float32)
