"""Short answers cut from a sentence: a learned linear scorer over candidate
token spans (as the SQuAD logistic-regression baseline), a learned choice of
sentence among the retrieved candidates, and the cut that best serves the
reader given both.

The answer is always a substring of a sentence of the article, in that
sentence's language: nothing is written by a model. Weights come from
`weights/spans_<lang>.json`, written by `bench/train_answerer.py`.

The model is a two-level softmax: p(sentence) from sentence features
(retrieval rank, share of question words, the best span score it holds),
times p(span | sentence) from the span scorer. The answer is the window of
the chosen sentence with the highest expected utility under that
distribution (minimum Bayes risk): for a window w, the sum over candidate
spans g of p(g) * (w contains g + lam * token F1(w, g)). lam trades "the
answer holds the fact" against "the answer is short"; it and the longest
window are chosen on the titles of the calibration slice.

Shortcuts: candidates are token n-grams (n <= MAX_SPAN) with a few hard
filters (see `features.candidate_bounds`); the expected utility is taken
over the most probable candidates only (`MBR_GOLDS`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import lang
from ..text import normalize
from .features import (
    QuestionInfo,
    SentenceView,
    candidate_bounds,
    longest_question_run,
    question_info,
    sentence_view,
    span_feature_names,
    span_features,
    type_ok,
    typed_spans,
    words_match,
)

WEIGHTS_DIR = Path(__file__).with_name("weights")
# "window": the expected-utility cut (see the module docstring); the others grow the best span.
POLICIES = ("span", "words+2", "words+4", "cover3", "clause", "sentence", "window")
TOP_K = 4  # candidate sentences the choice looks at (the pipeline gives settings.k = 4)
MBR_GOLDS = 40  # most probable candidate spans the expected utility is taken over
# Subtracted from the score of a span without the kind of fact a number or
# date question asks for, in a sentence that has one: such a span is then
# practically never chosen (e^-30), and the sentence keeps its own score scale.
UNTYPED_PENALTY = 30.0
SENTENCE_FEATURES = [
    *(f"rank={r}" for r in range(TOP_K - 1)),
    f"rank>={TOP_K - 1}",
    "overlap",
    "run",
    "type_ok",
    "max_rel",
    "lse_rel",
    "alone",
]


@dataclass(frozen=True)
class Span:
    """A candidate answer: `sentence[start:end]`, its score, and its share of
    the sentence's probability mass."""

    text: str
    start: int
    end: int
    score: float
    prob: float
    sentence: str
    first_token: int
    last_token: int


@dataclass(frozen=True)
class SpanModel:
    """Linear span scorer weights for one language, the sentence-choice
    weights (`SENTENCE_FEATURES`), the length policy chosen at training
    time, and the window's utility weight `lam` and longest window."""

    lang: str
    weights: np.ndarray
    sentence_weights: np.ndarray
    policy: str
    meta: dict[str, Any]
    lam: float = 1.0
    max_window: int = 12
    temperature: float = 1.0  # span scores are divided by it in the expected utility (calibration)
    # Added, times the question-sentence cosine of the embedder, to log
    # p(sentence) once the decision has answered (bench/sentence_dense.py)
    dense_weight: float = 0.0

    def __post_init__(self) -> None:
        if len(self.sentence_weights) != len(SENTENCE_FEATURES):
            raise ValueError(f"{len(self.sentence_weights)} sentence weights for {len(SENTENCE_FEATURES)} features")
        if self.policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, got {self.policy!r}")
        if self.lam < 0 or self.max_window < 1 or self.temperature <= 0:
            raise ValueError(
                f"lam must be >= 0, max_window >= 1 and temperature > 0, got {self.lam}, {self.max_window}, "
                f"{self.temperature}"
            )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpanModel:
        names = span_feature_names(data["lang"])
        if data["features"] != names or data.get("sentence_features") != SENTENCE_FEATURES:
            raise ValueError("span weights were fitted on other features: run bench/train_answerer.py again")
        return cls(
            lang=data["lang"],
            weights=np.asarray(data["weights"], dtype=np.float64),
            sentence_weights=np.asarray(data["sentence_weights"], dtype=np.float64),
            policy=str(data.get("policy", "span")),
            meta=dict(data.get("meta", {})),
            lam=float(data.get("lam", 1.0)),
            max_window=int(data.get("max_window", 12)),
            temperature=float(data.get("temperature", 1.0)),
            dense_weight=float(data.get("dense_weight", 0.0)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "features": span_feature_names(self.lang),
            "weights": [round(float(w), 5) for w in self.weights],
            "sentence_features": SENTENCE_FEATURES,
            "sentence_weights": [round(float(w), 5) for w in self.sentence_weights],
            "policy": self.policy,
            "lam": self.lam,
            "max_window": self.max_window,
            "temperature": self.temperature,
            "dense_weight": self.dense_weight,
            "meta": self.meta,
        }

    def with_(self, **changes: Any) -> SpanModel:
        """A copy with some fields changed."""
        return replace(self, **changes)


@lru_cache(maxsize=4)
def load_span_model(lang: str) -> SpanModel:
    """The committed span weights for `lang` (ValueError when none exist)."""
    path = WEIGHTS_DIR / f"spans_{lang}.json"
    if not path.exists():
        raise ValueError(f"no span weights for language {lang!r} ({path.name}); run bench/train_answerer.py")
    return SpanModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def _spans_of(view: SentenceView, bounds: Sequence[tuple[int, int]], scores: np.ndarray) -> list[Span]:
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    sentence = view.text
    spans = [
        Span(
            sentence[view.toks[i].start : view.toks[j].end],
            view.toks[i].start,
            view.toks[j].end,
            float(s),
            float(p),
            sentence,
            i,
            j,
        )
        for (i, j), s, p in zip(bounds, scores, probs, strict=True)
    ]
    spans.sort(key=lambda sp: -sp.score)
    return spans


def candidate_spans(q: QuestionInfo, sentence: str, model: SpanModel) -> tuple[SentenceView, list[Span]]:
    """All candidate spans of `sentence`, scored, best first (`prob`: within the sentence)."""
    view = sentence_view(q, sentence)
    bounds = candidate_bounds(view)
    if not bounds:
        return view, []
    scores = span_features(q, view, bounds).astype(np.float64) @ model.weights
    return view, _spans_of(view, bounds, scores)


def extend(span: Span, view: SentenceView, policy: str, others: Sequence[Span] = ()) -> Span:
    """The span grown by a length policy: `span` (as scored), `words+N` (up
    to N more words on each side, not across punctuation), `cover3` (the
    smallest range holding the three best spans of the sentence: wide when
    the scorer hesitates), `clause` (to the punctuation marks around it),
    `sentence` (the whole sentence). `others` are the sentence's spans, best
    first (for `cover3`). The `window` policy needs the distribution over
    spans: see `Choice.grown`."""
    if policy not in POLICIES or policy == "window":
        raise ValueError(f"policy must be one of {POLICIES[:-1]}, got {policy!r}")
    toks = view.toks
    i, j = span.first_token, span.last_token
    if policy == "span":
        return span
    if policy == "sentence":
        i, j = 0, len(toks) - 1
    elif policy == "cover3":
        for other in others[:3]:
            i, j = min(i, other.first_token), max(j, other.last_token)
    elif policy.startswith("words+"):
        for _ in range(int(policy[len("words+") :])):
            if i > 0 and toks[i - 1].is_word:
                i -= 1
            if j < len(toks) - 1 and toks[j + 1].is_word:
                j += 1
    else:  # clause
        while i > 0 and toks[i - 1].is_word:
            i -= 1
        while j < len(toks) - 1 and toks[j + 1].is_word:
            j += 1
    return _cut(span, view, i, j)


def _cut(span: Span, view: SentenceView, i: int, j: int) -> Span:
    toks = view.toks
    while i < j and not toks[i].is_word:
        i += 1
    while j > i and not toks[j].is_word:
        j -= 1
    i, j = _whole_acronyms(view, i, j)
    s, e = toks[i].start, toks[j].end
    return Span(span.sentence[s:e], s, e, span.score, span.prob, span.sentence, i, j)


def best_span(question: str, sentence: str, lang: str, policy: str | None = None) -> Span | None:
    """The best answer span of one sentence (None when no candidate), cut
    by `policy` (default: the policy chosen at training time)."""
    model = load_span_model(lang)
    q = question_info(question, lang)
    choice = choose(q, [sentence], model, policy)
    return choice.span if choice else None


@dataclass(frozen=True)
class Choice:
    """The chosen answer over several candidate sentences."""

    span: Span  # cut by the policy
    raw: Span  # the most probable candidate span inside the window, as scored
    sentence_index: int  # index into the candidates given
    total: float  # joint log-probability of `raw` (sentence and span)
    margin: float  # expected utility of the window minus the best window of another sentence
    overlap: float  # share of question content words in the chosen sentence
    view: SentenceView  # the chosen sentence's tokens
    alternatives: tuple[Span, ...]  # the chosen sentence's best spans, best first
    window: Span | None = None  # the expected-utility window
    mass: float = 0.0  # probability that the window holds the answer (sum over the spans inside)
    sentence_prob: float = 0.0  # p(sentence) of the chosen sentence

    def grown(self, policy: str) -> Span:
        """The answer cut by another length policy."""
        if policy == "window":
            return self.window or self.raw
        return extend(self.raw, self.view, policy, self.alternatives)


def question_overlap(q: QuestionInfo, view: SentenceView) -> float:
    """Share of the question's content words matched in the sentence."""
    if not q.content:
        return 0.0
    stems = {t.stem for t, hit in zip(view.toks, view.in_question, strict=True) if hit}
    return sum(1 for t in q.content if any(words_match(t.stem, s) for s in stems)) / len(q.content)


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence with all its candidate spans (best first), the
    spans' bounds and scores in candidate order, and its share of question words."""

    rank: int
    view: SentenceView
    spans: tuple[Span, ...]
    overlap: float
    bounds: np.ndarray  # (n, 2) first and last token of each candidate
    scores: np.ndarray  # span scores, in the order of `bounds`


def score_sentences(q: QuestionInfo, sentences: Sequence[str], model: SpanModel) -> list[ScoredSentence]:
    """The spans of each sentence (given best first by retrieval, at most TOP_K), scored."""
    out = []
    for rank, sentence in enumerate(sentences[:TOP_K]):
        view = sentence_view(q, sentence)
        bounds = candidate_bounds(view)
        if not bounds:
            continue
        scores = span_features(q, view, bounds).astype(np.float64) @ model.weights
        typed = typed_spans(q, view, bounds)
        if typed.any():  # the answer is of the kind asked for, when the sentence has one
            scores = np.where(typed, scores, scores - UNTYPED_PENALTY)
        spans = _spans_of(view, bounds, scores)
        out.append(ScoredSentence(rank, view, tuple(spans), question_overlap(q, view), np.asarray(bounds), scores))
    return out


def _lse(x: np.ndarray) -> float:
    m = float(x.max())
    return m + float(np.log(np.exp(x - m).sum()))


def sentence_features(q: QuestionInfo, scored: Sequence[ScoredSentence]) -> np.ndarray:
    """One row of SENTENCE_FEATURES per scored sentence."""
    if not scored:
        return np.zeros((0, len(SENTENCE_FEATURES)))
    maxes = np.array([s.scores.max() for s in scored])
    lses = np.array([_lse(s.scores) for s in scored])
    rows = np.zeros((len(scored), len(SENTENCE_FEATURES)))
    for r, s in enumerate(scored):
        rows[r, min(s.rank, TOP_K - 1)] = 1
        c = TOP_K
        rows[r, c] = s.overlap
        rows[r, c + 1] = min(longest_question_run(q, s.view), 6) / 6
        rows[r, c + 2] = type_ok(q, s.view)
        rows[r, c + 3] = max(-10.0, maxes[r] - maxes.max()) / 10
        rows[r, c + 4] = max(-10.0, lses[r] - lses.max()) / 10
        rows[r, c + 5] = len(scored) == 1
    return rows


def sentence_probs(q: QuestionInfo, scored: Sequence[ScoredSentence], model: SpanModel) -> np.ndarray:
    """p(sentence) over the scored sentences."""
    if not scored:
        return np.zeros(0)
    z = sentence_features(q, scored) @ model.sentence_weights
    p = np.exp(z - z.max())
    return p / p.sum()


def _best_window(s: ScoredSentence, p_gold: np.ndarray, gold_idx: np.ndarray, lam: float, max_window: int) -> tuple[float, int, int, float]:
    """(expected utility, first token, last token, mass inside) of the best window of one sentence."""
    view = s.view
    wins = np.asarray(candidate_bounds(view, max_window))
    pw = np.concatenate([[0], np.cumsum([t.is_word for t in view.toks])])
    gi, gj = s.bounds[gold_idx, 0], s.bounds[gold_idx, 1]
    wi, wj = wins[:, 0:1], wins[:, 1:2]
    inside = (wi <= gi) & (gj <= wj)
    lo, hi = np.maximum(wi, gi), np.minimum(wj, gj)
    ov = np.where(hi >= lo, pw[np.minimum(hi, len(pw) - 2) + 1] - pw[lo], 0)
    lw = pw[wj + 1] - pw[wi]
    lg = pw[gj + 1] - pw[gi]
    f1 = 2 * ov / np.maximum(1, lw + lg)
    util = (inside + lam * f1) @ p_gold
    k = int(np.argmax(util))
    return float(util[k]), int(wins[k, 0]), int(wins[k, 1]), float(inside[k] @ p_gold)


# Signs written after a figure for its unit, from every language pack: %, ٪ ($ and £ are written before it).
_UNIT_SIGNS = frozenset(w for p in lang.packs() for w in p.percent_words if not w[-1].isalnum())


# Names of Latin letters, from every language pack: an acronym spelled out in them («ایف آئی آر», FIR).
_LETTER_NAMES = frozenset(normalize(w) for p in lang.packs() for w in p.answer_words.get("letter_names", ()))


def _whole_acronyms(view: SentenceView, i: int, j: int) -> tuple[int, int]:
    """A cut that starts or ends inside an acronym spelled out in letter
    names ("178 ایف" of «178 ایف آئی آر») widened to the whole acronym: a run
    of two or more letter names, two of them not stop words («کے» is one)."""
    toks, kind = view.toks, view.kind

    def letter(k: int) -> bool:
        return 0 <= k < len(toks) and toks[k].is_word and toks[k].norm in _LETTER_NAMES

    def run(a: int, b: int) -> tuple[int, int]:
        while letter(a - 1):
            a -= 1
        while letter(b + 1):
            b += 1
        return a, b

    for edge, inside in ((j, letter(j + 1)), (i, letter(i - 1))):
        if not (letter(edge) and inside):
            continue
        a, b = run(edge, edge)
        if sum(1 for k in range(a, b + 1) if not kind[k]["stop"]) >= 2:
            i, j = min(i, a), max(j, b)
    return i, j


def _with_noun(view: SentenceView, j: int) -> int:
    """The last token of a cut that ends on a number, moved onto the noun
    after it ("71" -> "71 countries"): a number alone does not say what was
    counted. A sign of a unit after the number comes along first ("12 ٪",
    "12 ٪ بھاری"). Unchanged when the next token is not a content word."""
    kind, toks = view.kind, view.toks
    last = kind[j]
    if not (last["digit"] or last["numword"]) or j + 1 >= len(toks):
        return j
    if toks[j + 1].norm in _UNIT_SIGNS:
        j += 1
        if j + 1 >= len(toks):
            return j
    nxt = kind[j + 1]
    if nxt["word"] and not (nxt["stop"] or nxt["post"] or nxt["aux"] or nxt["digit"] or nxt["numword"]):
        return j + 1
    return j


def pick(
    q: QuestionInfo, scored: Sequence[ScoredSentence], model: SpanModel, policy: str, bonus: np.ndarray | None = None
) -> Choice | None:
    """The answer: the window (or the best span grown by `policy`) with the
    highest expected utility under p(sentence) * p(span | sentence).
    `bonus`, one value per candidate sentence given (by rank), is added to
    log p(sentence): other evidence on which sentence holds the answer (the
    embedder's cosine, times `SpanModel.dense_weight`)."""
    if not scored:
        return None
    ps = sentence_probs(q, scored, model)
    if bonus is not None:
        z = np.log(np.maximum(ps, 1e-300)) + np.asarray([bonus[s.rank] for s in scored], dtype=np.float64)
        ps = np.exp(z - z.max())
        ps = ps / ps.sum()
    t = model.temperature
    joint = [ps[r] * np.exp(s.scores / t - _lse(s.scores / t)) for r, s in enumerate(scored)]
    flat = np.concatenate(joint)
    cut = np.sort(flat)[-MBR_GOLDS] if len(flat) > MBR_GOLDS else -1.0
    best: tuple[float, int, int, int, float] | None = None
    utils = []
    for r, s in enumerate(scored):
        idx = np.nonzero(joint[r] >= cut)[0]
        if len(idx) == 0:
            utils.append(-1.0)
            continue
        u, i, j, mass = _best_window(s, joint[r][idx], idx, model.lam, model.max_window)
        utils.append(u)
        if best is None or u > best[0]:
            best = (u, r, i, j, mass)
    assert best is not None
    u, r, i, j, mass = best
    s = scored[r]
    others = [x for k, x in enumerate(utils) if k != r]
    margin = u - max(others) if others else 10.0
    # the most probable candidate inside the window (else the sentence's best)
    inside = [sp for sp in s.spans if i <= sp.first_token and sp.last_token <= j]
    raw = inside[0] if inside else s.spans[0]
    window = _cut(raw, s.view, i, _with_noun(s.view, j))
    total = float(np.log(max(ps[r] * raw.prob, 1e-12)))
    choice = Choice(raw, raw, s.rank, total, margin, s.overlap, s.view, s.spans, window, mass, float(ps[r]))
    span = choice.grown(policy)
    return Choice(span, raw, s.rank, total, margin, s.overlap, s.view, s.spans, window, mass, float(ps[r]))


def choose(q: QuestionInfo, sentences: Sequence[str], model: SpanModel, policy: str | None = None) -> Choice | None:
    """Score the spans of each sentence (ranked best first by retrieval) and
    pick the answer (see `pick`)."""
    return pick(q, score_sentences(q, sentences, model), model, policy or model.policy)


def recut(choice: Choice, extra: np.ndarray, model: SpanModel, policy: str | None = None) -> Choice:
    """The answer of the chosen sentence cut again, with `extra` added to the
    scores of its candidate spans (one value per span of
    `choice.alternatives`, in that order): the reader's evidence on where the
    answer starts and ends (rag/answering/reader.py). The sentence, and so
    the decision's view of the candidates, is kept; the window of highest
    expected utility within that sentence is taken again."""
    spans = choice.alternatives
    if len(extra) != len(spans):
        raise ValueError(f"{len(extra)} extra scores for {len(spans)} spans")
    if not spans:
        return choice
    view = choice.view
    bounds = [(sp.first_token, sp.last_token) for sp in spans]
    scores = np.array([sp.score for sp in spans]) + np.asarray(extra, dtype=np.float64)
    ranked = tuple(_spans_of(view, bounds, scores))
    scored = ScoredSentence(choice.sentence_index, view, ranked, choice.overlap, np.asarray(bounds), scores)
    t = model.temperature
    p = np.exp(scores / t - _lse(scores / t))
    idx = np.argsort(-p)[:MBR_GOLDS]
    _, i, j, mass = _best_window(scored, p[idx], idx, model.lam, model.max_window)
    inside = [sp for sp in ranked if i <= sp.first_token and sp.last_token <= j]
    raw = inside[0] if inside else ranked[0]
    window = _cut(raw, view, i, _with_noun(view, j))
    out = replace(choice, span=raw, raw=raw, alternatives=ranked, window=window, mass=mass)
    return replace(out, span=out.grown(policy or model.policy))
