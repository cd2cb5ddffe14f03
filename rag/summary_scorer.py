"""A learned scorer for summary sentences: how likely a sentence of a news
article is to carry what its one-sentence summary says.

Each sentence gets a small vector of cheap features (position, length, TF-IDF
centrality, overlap with the first sentence, numbers, name and time cues,
quotation, reporting verbs); a linear model learned by
`bench/train_summary_scorer.py` on XL-Sum Urdu (`shared/train/`) turns it into
a score. The weights live in `summary_scorer.json` beside this module, with
the data they were fitted on and the curve (on articles kept out of the
fit) they were chosen from.

Shortcuts: TF-IDF is computed within the article (its sentences are the
documents), so no corpus vocabulary is shipped; name cues are capitalised
Latin words and a short list of titles per language, not a tagger. The cue
words of each language are data (`LanguagePack.summary_cues`), so another language is one entry;
weekday and month names are not repeated there but taken from the language's
pack (rag/lang).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import lang
from .text import STOPWORDS, latin_names, normalize, numbers, stem, tokenize

WEIGHTS_PATH = Path(__file__).with_name("summary_scorer.json")


@dataclass(frozen=True)
class LanguageCues:
    """Words that mark a kind of fact in one language (matched on normalised tokens)."""

    reporting: frozenset[str]  # said, told: a quotation or a claim, seldom the news itself
    titles: frozenset[str]  # words that stand before a person's or a body's name
    time: frozenset[str]  # days and months (from the language pack), "yesterday": the when of the news
    place: frozenset[str]  # words that introduce a place
    next_: frozenset[str]  # what happens next: will, plan, hearing


def _set(words: str) -> frozenset[str]:
    return frozenset(normalize(words).split())


def day_and_month_names(pack: lang.LanguagePack) -> frozenset[str]:
    """The weekday and month names of a language pack, without the month
    abbreviations (a name that begins another one: "jan", "sept"): lower-cased
    they are also other words ("mar", "sep"), and the weights were fitted
    without them."""
    months = [m for m in pack.months if not any(other != m and other.startswith(m) for other in pack.months)]
    return _set(" ".join((*pack.weekdays, *months)))


def cues_for(code: str) -> LanguageCues:
    """The cue words of a language, from its pack (`LanguagePack.summary_cues`;
    the time cues add the pack's weekday and month names). A language
    without a pack or without cue words has none."""
    pack = lang.find(code)
    if pack is None:
        return _NO_CUES
    cached = _CUES_SEEN.get(code)
    if cached is None or cached[0] is not pack:  # a pack registered again under its code is read again
        cached = _CUES_SEEN[code] = (pack, _cues_of(pack))
    return cached[1]


_NO_CUES = LanguageCues(frozenset(), frozenset(), frozenset(), frozenset(), frozenset())
_CUES_SEEN: dict[str, tuple[lang.LanguagePack, LanguageCues]] = {}


def _cues_of(pack: lang.LanguagePack) -> LanguageCues:
    words = pack.summary_cues
    if not words:
        return _NO_CUES
    return LanguageCues(
        reporting=_set(words.get("reporting", "")),
        titles=_set(words.get("titles", "")),
        time=day_and_month_names(pack) | _set(words.get("time", "")),
        place=_set(words.get("place", "")),
        next_=_set(words.get("next", "")),
    )


FEATURES = (
    "first",
    "second",
    "inv_position",
    "relative_position",
    "log_words",
    "short",
    "long",
    "centrality",
    "tf_centrality",
    "centrality_rank",
    "word_frequency",
    "expected_rouge1",
    "first_overlap",
    "topic_density",
    "numbers",
    "names",
    "titles",
    "time",
    "place",
    "next",
    "quote",
    "reporting",
    "question",
)
_QUOTES = re.compile("[\"“”«»'‘’]")


def _terms(text: str) -> list[str]:
    return [stem(t) for t in tokenize(text) if t not in STOPWORDS and len(t) > 1]


def tfidf_vectors(sentences: list[str]) -> np.ndarray:
    """Unit-length TF-IDF rows, one per sentence (idf over the article's own
    sentences; stems of content words)."""
    terms = [_terms(s) for s in sentences]
    vocab = {t: i for i, t in enumerate(sorted({t for ts in terms for t in ts}))}
    m = np.zeros((len(sentences), max(1, len(vocab))))
    if not vocab:
        return m
    df = Counter(t for ts in terms for t in set(ts))
    idf = np.array([math.log((1 + len(sentences)) / (1 + df[t])) + 1 for t in sorted(vocab)])
    for i, ts in enumerate(terms):
        for t, c in Counter(ts).items():
            m[i, vocab[t]] = c
    m[:, : len(idf)] *= idf
    m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-9
    return m


def centrality(sentences: list[str]) -> np.ndarray:
    """Cosine of each sentence's TF-IDF vector to the article centroid."""
    m = tfidf_vectors(sentences)
    centroid = m.mean(axis=0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    return np.asarray(m @ centroid)


def tf_centrality(sentences: list[str]) -> np.ndarray:
    """Cosine of each sentence's term counts to the counts of the rest of the
    article: no idf, so the article's topic words, which occur in many of its
    sentences, weigh most."""
    terms = [Counter(_terms(s)) for s in sentences]
    total: Counter[str] = Counter()
    for t in terms:
        total.update(t)
    out = np.zeros(len(sentences))
    for i, t in enumerate(terms):
        rest = total - t
        dot = sum(c * rest[w] for w, c in t.items())
        norm = math.sqrt(sum(c * c for c in t.values())) * math.sqrt(sum(c * c for c in rest.values()))
        out[i] = dot / norm if norm else 0.0
    return out


# Median length in words of the one-sentence XL-Sum Urdu references in shared/train
# (31; measured by bench/train_summary_scorer.py): the length a headline aims at.
REFERENCE_WORDS = 31


def expected_rouge1(sentences: list[str]) -> np.ndarray:
    """ROUGE-1 F of each sentence against a pseudo-reference: the article's
    word distribution (stop words included, as ROUGE counts them) scaled to
    `REFERENCE_WORDS` words. Rewards sentences of about the right length made
    of the article's common words."""
    from .metrics import words

    toks = [words(s) for s in sentences]
    total = Counter(t for ts in toks for t in ts)
    n_total = sum(total.values()) or 1
    out = np.zeros(len(sentences))
    for i, ts in enumerate(toks):
        if not ts:
            continue
        overlap = sum(min(c, REFERENCE_WORDS * total[w] / n_total) for w, c in Counter(ts).items())
        out[i] = 2 * overlap / (len(ts) + REFERENCE_WORDS)
    return out


def features(sentences: list[str], lang: str) -> np.ndarray:
    """One row of `FEATURES` per sentence of one article (in article order)."""
    cues = cues_for(lang)
    n = len(sentences)
    rows = np.zeros((n, len(FEATURES)))
    if n == 0:
        return rows
    central = centrality(sentences)
    tf_central = tf_centrality(sentences)
    expected = expected_rouge1(sentences)
    rank = np.argsort(np.argsort(-tf_central)) if n > 1 else np.zeros(1)
    terms = [set(_terms(s)) for s in sentences]
    counts = Counter(t for ts in terms for t in ts)
    frequency = {t: c / n for t, c in counts.items()}
    # sorted, so that ties do not depend on set order (hash randomisation)
    topic = {t for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:10] if c > 1}
    first = terms[0]
    for i, s in enumerate(sentences):
        toks = set(normalize(s).split())
        n_words = len(s.split())
        ts = terms[i]
        rows[i] = [
            i == 0,
            i == 1,
            1.0 / (i + 1),
            i / max(1, n - 1),
            math.log1p(n_words),
            n_words < 6,
            n_words > 45,
            central[i],
            tf_central[i],
            1.0 / (1 + rank[i]),
            sum(frequency[t] for t in sorted(ts)) / (len(ts) or 1),
            expected[i],
            len(ts & first) / (len(ts | first) or 1) if i else 0.0,
            len(ts & topic) / (len(ts) or 1),
            min(3, len(numbers(s) - {"1"})),
            min(3, len(latin_names(s))),
            min(3, len(toks & cues.titles)),
            min(2, len(toks & cues.time)),
            min(2, len(toks & cues.place)),
            min(2, len(toks & cues.next_)),
            bool(_QUOTES.search(s)),
            bool(toks & cues.reporting),
            s.rstrip().endswith(("?", "؟")),
        ]
    return rows


@dataclass(frozen=True)
class SentenceScorer:
    """A linear model over standardised `features`."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def score(self, sentences: list[str], lang: str) -> np.ndarray:
        """A score per sentence; higher means more summary-worthy."""
        if not sentences:
            return np.zeros(0)
        x = (features(sentences, lang) - self.mean) / self.scale
        return np.asarray(x @ self.weights + self.bias)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(self.bias, 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SentenceScorer:
        if data.get("features") != list(FEATURES):
            raise ValueError("summary scorer weights were fitted on other features: rerun bench/train_summary_scorer.py")
        return cls(
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
            np.asarray(data["weights"], dtype=float),
            float(data["bias"]),  # type: ignore[arg-type]
        )


@lru_cache(maxsize=1)
def default_scorer() -> SentenceScorer:
    """The committed scorer (`summary_scorer.json`)."""
    return SentenceScorer.from_json(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))["model"])
