"""Bilingual summaries: a headline sentence on top of 4-7 points per
language, each point citing its own numbered sentences.

1. Plan (no model): the learned scorer (`summary_scorer`) scores every
   sentence of the original edition (Urdu when there is one). The headline
   is the best-scored sentence; the points are chosen greedily for score, for
   the kinds of fact not yet covered (who, where, when, how many, what next),
   for numbers not yet stated, against quotations and against repeating a
   chosen sentence (TF-IDF cosine). A point takes the next sentences of its
   paragraph while they add facts; the publisher's bullet highlights are
   preferred.
2. Urdu (no model; the default model cannot write Urdu): each point is its
   sentences, each cut to the clause that holds its numbers when a clean
   clause boundary exists; the citation stays the whole sentence.
3. English, when the chat model reads and writes English: the aligned
   sentences of the English edition, rewritten by the model as one complete
   sentence per point (a point of several sentences merges them and cites
   them all), one model call per point. A written point whose numbers or
   names are not in its cited sentences, or that drops one of their numbers,
   is replaced by the sentences. The model reads one point's sentences at a
   time, never the whole article, so a long article needs no map-reduce.
4. A consistency check compares numbers across languages.

`summarize_stream` yields the result as it grows (the Urdu summary first,
then each English point); `summarize` returns the finished one. Finished
bilingual results are cached per article (`_cache_path`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import grounding
from . import lang as languages
from .answering.citations import cite_passage
from .errors import UnknownArticleError, UsageError
from .paths import id_file_stem, inside
from .prompts import LANGUAGE_NAMES
from .summary_scorer import SentenceScorer, cues_for, default_scorer, tfidf_vectors
from .text import STOPWORDS, latin_names, normalize, numbers, split_sentences
from .types import Citation, Passage, Summary, SummaryPoint, SummaryProgress, SummaryResult

if TYPE_CHECKING:
    from .pipeline import Pipeline

# Set by hand, not fitted (the scorer is fitted on one-sentence summaries; a list
# of points is an editor's choice it does not see). Its output is standardised
# per article: one kind of fact not yet covered is worth half a standard
# deviation, and so is each number not yet stated (up to three: a number is a
# checkable fact); a quotation loses one (points report facts, quotes comment
# on them), and so does a sentence as close as cosine 1 to a chosen one.
FACET_BONUS = 0.5
NUMBER_BONUS = 0.5
QUOTE_PENALTY = 1.0
# A publisher's own highlights (bullet lines) are points an editor already chose.
HIGHLIGHT_BONUS = 1.0
REDUNDANCY = 1.0
MIN_POINT_WORDS = 6  # shorter "sentences" are datelines and captions
MAX_POINT_WORDS = 70  # a point of several sentences stays readable at a glance
FORMAT_VERSION = 4  # 4: no dateline in extractive points, no boilerplate sentence in a plan

WRITE_SYSTEM = (
    "You rewrite an extract of a news article as one point of its summary, in {language}.\n"
    "Write one complete sentence (at most 30 words) that states the facts of the extract: "
    "who did what, where, when and how many.\n"
    "Name the people and bodies instead of writing he, she or they. Keep every number exactly as written. "
    "Do not add anything that is not in the extract.\n"
    "Answer with the sentence only."
)
# Generation budget of one point: about 60 words, twice the 30 the prompt asks for.
POINT_TOKENS = 96
CHAT_TEMPLATE_TOKENS = 64  # room for the chat template's own tokens
# A single sentence this short is already the point the prompt asks for (30
# words), unless it opens with a word that needs the sentence before it.
SHORT_POINT_WORDS = 30


# --- plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Sentence indices (into one edition): the headline and each point's sentences."""

    headline: int
    points: list[list[int]]


def facets(text: str, lang: str) -> set[str]:
    """The kinds of fact a sentence states, from the language's cue words."""
    cues = cues_for(lang)
    toks = set(normalize(text).split())
    found = set()
    if latin_names(text) or toks & cues.titles:
        found.add("who")
    if toks & cues.place:
        found.add("where")
    if toks & cues.time:
        found.add("when")
    if numbers(text) - {"1"}:
        found.add("how_many")
    if toks & cues.next_:
        found.add("next")
    return found


def is_boilerplate(text: str, lang: str) -> bool:
    """Does the sentence open with the language's page furniture ("Also read",
    «یہ بھی پڑھیے»)? On a pasted web page the links that follow run into the next
    sentence, so the whole sentence is left out of the summary."""
    pack = languages.find(lang)
    if pack is None:
        return False
    head = normalize(text)
    return any(re.match(re.escape(p) + r"(?!\w)", head) for p in pack.boilerplate)


def number_facts(text: str) -> set[tuple[str, str]]:
    """The numbers a sentence states, each with the word after it ("6 children"
    and "6 years" are two facts; the same digit alone would be one)."""
    toks = normalize(text).split()
    found = set()
    for i, tok in enumerate(toks):
        digits = numbers(tok) - {"1"}
        for d in digits:
            found.add((d, toks[i + 1] if i + 1 < len(toks) else ""))
    return found


def paragraphs(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """A paragraph number per sentence: a line break between two sentences starts a new one."""
    out, n = [], 0
    for k, (start, _) in enumerate(spans):
        if k and "\n" in text[spans[k - 1][1] : start]:
            n += 1
        out.append(n)
    return out


_BULLET = re.compile(r"^\s*[-*•]\s+")


def highlights(text: str, spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Per sentence: is it a bullet line (`- `, `* `, `• `) of the text?"""
    out = []
    for start, _ in spans:
        line_start = text.rfind("\n", 0, start) + 1
        out.append(bool(_BULLET.match(text[line_start : start + 1])))
    return out


def plan(
    sentences: Sequence[str],
    lang: str,
    count: int,
    scorer: SentenceScorer | None = None,
    paragraph: Sequence[int] | None = None,
    highlight: Sequence[bool] | None = None,
) -> Plan:
    """The headline and `count` points (fewer for short articles), in article
    order. With `paragraph` numbers, a point may take the following sentences
    of its paragraph (up to `MAX_POINT_WORDS` words) when they add facts;
    sentences flagged in `highlight` (the publisher's bullet points) are
    preferred as points."""
    if not sentences:
        raise ValueError("cannot plan a summary of an empty edition")
    texts = list(sentences)
    raw = (scorer or default_scorer()).score(texts, lang)
    z = (raw - raw.mean()) / (raw.std() or 1.0)
    usable = [
        i for i, t in enumerate(texts) if len(t.split()) >= MIN_POINT_WORDS and not is_boilerplate(t, lang)
    ] or list(range(len(texts)))
    headline = max(usable, key=lambda i: z[i])
    vectors = tfidf_vectors(texts)
    kinds = [facets(t, lang) for t in texts]
    nums = [number_facts(t) for t in texts]
    quoted = [bool(_QUOTE.search(t)) for t in texts]
    covered, stated = set(kinds[headline]), set(nums[headline])
    chosen = {headline}

    def group_of(i: int) -> list[int]:
        """Sentence i and the next sentences of its paragraph while they bring a
        kind of fact or a number that neither the point nor a chosen sentence has."""
        group, kinds_, nums_ = [i], covered | kinds[i], stated | nums[i]
        words = len(texts[i].split())
        nxt = i + 1
        while (
            paragraph is not None
            and nxt < len(texts)
            and paragraph[nxt] == paragraph[i]
            and nxt not in chosen
            and nxt in usable
            and (kinds[nxt] - kinds_ or nums[nxt] - nums_)
            and not quoted[nxt]
            and words + len(texts[nxt].split()) <= MAX_POINT_WORDS
        ):
            group.append(nxt)
            kinds_ |= kinds[nxt]
            nums_ |= nums[nxt]
            words += len(texts[nxt].split())
            nxt += 1
        return group

    groups: list[list[int]] = []
    while len(groups) < count:
        best: list[int] = []
        best_gain = -np.inf
        for i in usable:
            if i in chosen:
                continue
            group = group_of(i)
            new_kinds = set().union(*(kinds[j] for j in group)) - covered
            new_nums = set().union(*(nums[j] for j in group)) - stated
            redundancy = max(float(vectors[i] @ vectors[j]) for j in chosen)
            gain = (
                z[i]
                + FACET_BONUS * len(new_kinds)
                + NUMBER_BONUS * min(3, len(new_nums))
                - QUOTE_PENALTY * quoted[i]
                + HIGHLIGHT_BONUS * bool(highlight and highlight[i])
                - REDUNDANCY * redundancy
            )
            if gain > best_gain:
                best, best_gain = group, gain
        if not best:
            break
        groups.append(best)
        chosen.update(best)
        for j in best:
            covered |= kinds[j]
            stated |= nums[j]
    groups.sort()
    return Plan(headline, groups)


_QUOTE = re.compile("[\"“”«»]")


# --- Urdu clauses ---------------------------------------------------------------------

# Clause boundaries, the words a complete clause ends with and the openers
# dropped from a clause are data of the language (`LanguagePack.clause_*`).


@lru_cache(maxsize=64)
def _rx(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    return re.compile(pattern, flags) if pattern else None


def clauses(text: str, lang: str) -> list[str]:
    """A sentence split at its clean clause boundaries (none for a language without rules)."""
    pack = languages.find(lang)
    if pack is None:
        return [text]
    boundary, conjunction, end = _rx(pack.clause_boundary), _rx(pack.clause_conjunction), _rx(pack.clause_end)
    if boundary is None or conjunction is None or end is None:
        return [text]
    parts: list[str] = []
    for piece in boundary.split(text):
        current = ""
        for chunk in conjunction.split(piece):
            if current and end.search(current):
                parts.append(current)
                current = chunk
            else:
                current = f"{current} {chunk}".strip() if current else chunk
        parts.append(current)
    return [x.strip() for x in parts if x and x.strip()]


def shorten(text: str, lang: str) -> str:
    """The clause of a sentence that holds all its numbers, when the sentence
    states numbers and splits cleanly (the clause ends like a complete clause
    and has at least six words); else the whole sentence."""
    pack = languages.find(lang)
    end = _rx(pack.clause_end) if pack else None
    facts = numbers(text) - {"1"}
    if end is None or not facts or len(text.split()) < 20:
        return text
    for part in clauses(text, lang):
        clause = part
        for opener in pack.clause_openers if pack else ():
            if clause.startswith(opener):
                clause = clause[len(opener) :]
        if len(clause.split()) < MIN_POINT_WORDS or not end.search(clause) or _QUOTE.search(clause):
            continue
        if numbers(clause) >= facts and len(clause.split()) < len(text.split()):
            return clause if clause.endswith(("۔", ".")) else clause + "۔"
    return text


# A dateline ("ISLAMABAD:", «لاہور:») opens the first paragraph of a wire story
# (after the publisher's bullet highlights, if any): one to three words before a
# colon at the start of a line. None of them may be a stop word, so a colon that
# introduces a quotation («انھوں نے کہا: ...», "He said: ...") stays.
_DATELINE = re.compile(r"^\s*((?:[^\s:،,.؟?]+\s+){0,2}[^\s:،,.؟?]+)\s*:\s+")


def without_dateline(text: str) -> str:
    """The sentence without a leading dateline, when what is left is still a
    sentence (at least `MIN_POINT_WORDS` words)."""
    m = _DATELINE.match(text)
    if not m or any(t in STOPWORDS for t in normalize(m.group(1)).split()):
        return text
    rest = text[m.end() :]
    return rest if len(rest.split()) >= MIN_POINT_WORDS else text


def opens_line(text: str, start: int) -> bool:
    """Does the sentence at offset `start` of `text` begin its line (a paragraph,
    not a bullet highlight)?"""
    return not text[text.rfind("\n", 0, start) + 1 : start].strip()


def extract(passage: Passage, lang: str, raw: str, *, cut: bool) -> str:
    """The text an extractive summary shows for one sentence of the edition
    `raw`: without a dateline if it begins a paragraph, and cut to its clause
    (`shorten`) when `cut`. The citation keeps the whole sentence."""
    text = without_dateline(passage.text) if opens_line(raw, passage.start) else passage.text
    return shorten(text, lang) if cut else text


# --- English points ---------------------------------------------------------------------


def _verified(text: str, source: str) -> bool:
    """A written point states only numbers and names of its sentences, and
    keeps all their numbers."""
    if not text:
        return False
    return grounding.verify_answer(text, [source]).ok and numbers(text) >= (numbers(source) - {"1"})


def _fits(p: Pipeline, system: str, text: str) -> bool:
    gen = p.generator()
    need = gen.count_tokens(system) + gen.count_tokens(text) + POINT_TOKENS + CHAT_TEMPLATE_TOKENS
    return need <= gen.n_ctx


_MARK = re.compile(r"^\s*(?:\[\d+\]|[-*•]|\d+[.)])\s*")


def write_points(p: Pipeline, originals: list[str], lang: str) -> Iterator[tuple[int, str]]:
    """(index, point), one model call per point so that the first point comes
    as soon as it is written. The instructions are the same for every call,
    so llama.cpp re-uses them from its cache and only the extract is read
    anew. A point that fails verification is its sentences; so is one whose
    sentences do not fit the context window (the model never reads more than
    one point's sentences, so the article's length does not matter). A
    single short sentence that stands on its own is kept without a call."""
    system = WRITE_SYSTEM.format(language=LANGUAGE_NAMES[lang])
    pack = languages.find(lang)
    needs_context = _rx(pack.needs_context, re.IGNORECASE) if pack else None
    for i, original in enumerate(originals):
        short = len(split_sentences(original)) == 1 and len(original.split()) <= SHORT_POINT_WORDS
        if short and needs_context is not None and not needs_context.match(original):
            yield i, original  # already a short complete sentence: no model call
            continue
        if not _fits(p, system, original):
            yield i, original
            continue
        reply = p.generator().chat(
            [{"role": "system", "content": system}, {"role": "user", "content": original}],
            max_tokens=POINT_TOKENS,
        )
        lines = [x for x in reply.strip().splitlines() if x.strip()]
        text = _MARK.sub("", lines[0]).strip() if lines else ""
        yield i, text if _verified(text, original) else original


# --- assembly ---------------------------------------------------------------------------


class _Numbering:
    """Citation numbers for one language: a sentence keeps its number."""

    def __init__(self, p: Pipeline) -> None:
        self.p = p
        self.numbers: dict[int, int] = {}

    def cite(self, passages: Sequence[Passage]) -> list[Citation]:
        out = []
        for x in passages:
            n = self.numbers.setdefault(x.id, len(self.numbers) + 1)
            out.append(cite_passage(self.p.aligned, n, x, 1.0))
        return out


def _cache_path(p: Pipeline, article: str) -> Path:
    """Where the finished bilingual summary of an article is cached."""
    manifest = p.store().manifest
    hashes = sorted(v["sha256"] for v in manifest.editions.values() if v["article"] == article)
    raw = json.dumps([hashes, p.llm_spec().id, manifest.embedder, p.settings.summary_points, FORMAT_VERSION])
    return cache_path(p.settings.summary_cache_dir, article, hashlib.sha256(raw.encode()).hexdigest()[:16])


def cache_path(folder: Path, article: str, key: str) -> Path:
    """The summary cache file of an article: named from the checked id (or its
    hash) and checked to stay inside `folder`."""
    return inside(folder, folder / f"{id_file_stem(article)}-{key}.json")


def _resolve(p: Pipeline, article: str | None, lang: str) -> str:
    if lang != "both" and languages.find(lang) is None:
        raise UsageError(f"--lang must be {languages.listing([*languages.codes(), 'both'], 'or')}, not {lang!r}")
    known = p.store().articles()
    if article is None:
        if len(known) != 1:
            raise UsageError(f"Several articles are indexed ({', '.join(known)}): choose one with --article.")
        article = known[0]
    if article not in known:
        raise UnknownArticleError(article, known)
    return article


def summarize(p: Pipeline, article: str | None, lang: str, *, refresh: bool = False) -> SummaryResult:
    """The finished summary (the last step of `summarize_stream`)."""
    steps = summarize_stream(p, article, lang, refresh=refresh)
    final = next(step for step in steps if step.done)  # the stream always ends with its finished result
    return final.result


def summarize_stream(p: Pipeline, article: str | None, lang: str, *, refresh: bool = False) -> Iterator[SummaryProgress]:
    """The summary as it grows: the Urdu one at once (it needs no model), then
    the English one point by point; the last step has `done=True`."""
    article = _resolve(p, article, lang)
    wanted = languages.codes() if lang == "both" else (lang,)
    cache = _cache_path(p, article)
    # a cache made before a language pack was added lacks that language: made again
    if cache.exists() and not refresh and (cached := _load(cache)) is not None and set(wanted) <= set(cached.summaries):
        cached.summaries = {k: v for k, v in cached.summaries.items() if k in wanted}
        yield SummaryProgress(cached, 1.0, "cached", done=True)
        return
    store = p.store()
    editions = {x: store.usable_passages(article, x) for x in languages.codes()}
    editions = {k: v for k, v in editions.items() if v}
    base_lang = languages.preferred(editions) or languages.default().code
    base = editions[base_lang]
    raw_text = p.article_text(article, base_lang)
    layout = plan(
        [x.text for x in base],
        base_lang,
        p.settings.summary_points,
        paragraph=paragraphs(raw_text, [(x.start, x.end) for x in base]),
        highlight=highlights(raw_text, [(x.start, x.end) for x in base]),
    )
    groups = p.groups()

    def sources(lang_: str) -> tuple[list[Passage], list[list[Passage]]]:
        """The headline's and each point's sentences in one edition (aligned
        when it is not the planned one; a point with none is left out)."""
        if lang_ == base_lang:
            return [base[layout.headline]], [[base[i] for i in g] for g in layout.points]

        def mapped(idx: list[int]) -> list[Passage]:
            ids = {j for i in idx for j in groups.get(base[i].id, ())}
            others = (store.passages[j] for j in ids)
            return sorted((y for y in others if not y.addresses_assistant), key=lambda y: y.index)

        return mapped([layout.headline]), [m for g in layout.points if (m := mapped(g))]

    llm = p.llm_spec()
    result = SummaryResult(article, {}, p.models_info(), {})
    writes = {x: x in llm.writes and x in llm.reads for x in wanted}
    total = 1 + sum(1 + len(layout.points) for x in wanted if writes[x] and x in editions)
    done = 0
    for lang_ in sorted(wanted, key=lambda x: writes[x]):  # what needs no model first
        if lang_ not in editions:
            result.summaries[lang_] = Summary(lang_, refused=True, reason="cannot_read_source")
            continue
        head, point_sources = sources(lang_)
        numbering = _Numbering(p)
        if not writes[lang_]:
            raw = raw_text if lang_ == base_lang else p.article_text(article, lang_)
            result.summaries[lang_] = Summary(
                lang_,
                headline=(
                    SummaryPoint(" ".join(extract(x, lang_, raw, cut=False) for x in head), numbering.cite(head))
                    if head
                    else None
                ),
                points=[
                    SummaryPoint(" ".join(extract(x, lang_, raw, cut=True) for x in src), numbering.cite(src))
                    for src in point_sources
                ],
                method="extractive",
            )
            done += 1
            yield SummaryProgress(result, done / total, f"{LANGUAGE_NAMES[lang_]} summary ready")
            continue
        items = ([head] if head else []) + point_sources
        originals = [" ".join(x.text for x in src) for src in items]
        cites = [numbering.cite(src) for src in items]
        summary = Summary(lang_, method="abstractive")
        result.summaries[lang_] = summary
        written: dict[int, str] = {}
        yield SummaryProgress(result, done / total, f"writing the {LANGUAGE_NAMES[lang_]} points")
        for i, text in write_points(p, originals, lang_):
            written[i] = text
            if head:
                summary.headline = SummaryPoint(written[0], cites[0]) if 0 in written else None
            offset = 1 if head else 0
            summary.points = [
                SummaryPoint(written[k], cites[k]) for k in range(offset, len(items)) if k in written
            ]
            done += 1
            yield SummaryProgress(result, done / total, f"{LANGUAGE_NAMES[lang_]}: {len(written)} of {len(items)}")
    result.consistency = check_consistency(result.summaries)
    if set(wanted) == set(languages.codes()):
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    yield SummaryProgress(result, 1.0, "done", done=True)


def check_consistency(summaries: dict[str, Summary]) -> dict[str, Any]:
    """Compare the numbers of aligned points across languages (names are in
    different scripts and are checked against each point's own sentence
    instead). Points are aligned when their citations are aligned. The two
    languages are those a sentence alignment links (rag.lang.aligned_pair);
    a mismatch names them: `{a}_point`, `only_{a}`."""
    a, b = languages.aligned_pair()
    first, second = summaries.get(a), summaries.get(b)
    if not first or not second or first.refused or second.refused:
        return {"checked": 0, "mismatches": [], "note": "only one language produced"}
    mismatches = []
    checked = 0
    for i, fp in enumerate(first.points):
        spans = {(c.start, c.end) for c in fp.citations}
        for j, sp in enumerate(second.points):
            aligned = {(c.aligned["start"], c.aligned["end"]) for c in sp.citations if c.aligned}
            if not any(s[0] >= x[0] and s[1] <= x[1] or x[0] >= s[0] and x[1] <= s[1] for s in spans for x in aligned):
                continue
            checked += 1
            nf, ns = numbers(fp.text) - {"1"}, numbers(sp.text) - {"1"}
            if nf != ns:
                mismatches.append({f"{a}_point": i, f"{b}_point": j, f"only_{a}": sorted(nf - ns), f"only_{b}": sorted(ns - nf)})
    return {"checked": checked, "mismatches": mismatches}


def _point(data: dict[str, Any] | None) -> SummaryPoint | None:
    if not data:
        return None
    return SummaryPoint(data["text"], [Citation(**c) for c in data["citations"]])


def _load(path: Path) -> SummaryResult | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    summaries: dict[str, Summary] = {}
    for lang, s in data["summaries"].items():
        if s.get("refused"):
            summaries[lang] = Summary(lang, refused=True, reason=s.get("reason"))
        else:
            summaries[lang] = Summary(
                lang,
                points=[p for pt in s["points"] if (p := _point(pt))],
                method=s.get("method", ""),
                headline=_point(s.get("headline")),
            )
    return SummaryResult(data["article"], summaries, data.get("models", {}), data.get("consistency", {}))
