"""Bilingual summaries: 4-7 points per language, each citing its sentences.

Key sentences are chosen once per article by centrality and position (with
MMR so points do not repeat), on the original edition; with two editions the
other language uses the aligned sentences of its own edition. Each point is
then written by the chat model when it reads and writes that language (and
kept only if its numbers and names match the sentence), else it is the
sentence itself. A consistency check compares numbers across languages."""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from . import grounding
from .answer import cite_passage
from .errors import UnknownArticleError, UsageError
from .prompts import LANGUAGE_NAMES
from .text import numbers
from .types import Citation, Passage, Summary, SummaryPoint, SummaryResult

if TYPE_CHECKING:
    from .pipeline import Pipeline

LEAD_BONUS = 0.15
MMR_LAMBDA = 0.7
FACT_BONUS = 0.06
QUOTE_PENALTY = 0.08
_QUOTED = re.compile(r"^\s*[\"“”«']|.{0,40}(کہا ،|said,)\s*[\"“”«]")

REWRITE_SYSTEM = (
    "You rewrite sentences from a news article as short summary points in {language}.\n"
    "For each numbered sentence, write one complete, short sentence (at most 25 words) that keeps its key fact.\n"
    "Keep every number exactly as written. Do not add anything that is not in the sentence.\n"
    "Answer with the same numbers, one point per line, like:\n[1] point\n[2] point"
)


def select_key_sentences(passages: list[Passage], vectors: np.ndarray, count: int) -> list[int]:
    """Indices (into `passages`) of key sentences in article order: similarity
    to the article's centroid plus a bonus for the lead, with maximal marginal
    relevance against already chosen sentences."""
    if not passages:
        return []
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    relevance = vectors @ centroid
    for i, p in enumerate(passages):
        if i < 6:
            relevance[i] += LEAD_BONUS * (6 - i) / 6
        if len(p.text.split()) < 6:
            relevance[i] -= 1.0  # fragments and datelines make poor points
        elif len(p.text.split()) < 12:
            relevance[i] -= 0.1  # short quotes carry little
        # readers want the checkable facts: counts, dates, sentences
        relevance[i] += FACT_BONUS * min(3, len(numbers(p.text) - {"1"}))
        # quotations are comment around the facts, seldom the facts themselves
        if _QUOTED.match(p.text):
            relevance[i] -= QUOTE_PENALTY
    chosen: list[int] = []
    while len(chosen) < min(count, len(passages)):
        best, best_score = -1, -np.inf
        for i in range(len(passages)):
            if i in chosen:
                continue
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            score = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return sorted(chosen)


def _cache_key(p: Pipeline, article: str) -> str:
    manifest = p.store().manifest
    hashes = sorted(v["sha256"] for v in manifest.editions.values() if v["article"] == article)
    raw = json.dumps([hashes, p.llm_spec().id, manifest.embedder, p.settings.summary_points, 2])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def summarize(p: Pipeline, article: str | None, lang: str, *, refresh: bool = False) -> SummaryResult:
    if lang not in ("ur", "en", "both"):
        raise UsageError(f"--lang must be ur, en or both, not {lang!r}")
    store = p.store()
    known = store.articles()
    if article is None:
        if len(known) != 1:
            raise UsageError(f"Several articles are indexed ({', '.join(known)}): choose one with --article.")
        article = known[0]
    if article not in known:
        raise UnknownArticleError(article, known)
    cache = p.settings.summary_cache_dir / f"{article}-{_cache_key(p, article)}.json"
    result: SummaryResult | None = None
    if cache.exists() and not refresh:
        result = _load(cache)
    if result is None:
        result = _build(p, article)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(_dump(result), ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    if lang != "both":
        result.summaries = {lang: result.summaries[lang]}
    return result


def _build(p: Pipeline, article: str) -> SummaryResult:
    store = p.store()
    llm = p.llm_spec()
    editions = {lang: store.usable_passages(article, lang) for lang in ("ur", "en")}
    editions = {k: v for k, v in editions.items() if v}
    base_lang = "ur" if "ur" in editions else "en"
    base = editions[base_lang]
    vectors = store.vectors[[x.id for x in base]]
    picks = [base[i] for i in select_key_sentences(base, vectors, p.settings.summary_points)]
    groups = p.groups()
    summaries: dict[str, Summary] = {}
    for lang in ("ur", "en"):
        if lang == base_lang:
            sources = [[x] for x in picks]
        elif lang in editions:
            sources = []
            for x in picks:
                others = (store.passages[i] for i in groups.get(x.id, ()))
                mapped = sorted((y for y in others if not y.addresses_assistant), key=lambda y: y.index)
                if mapped:
                    sources.append(mapped)
        else:
            summaries[lang] = Summary(lang, refused=True, reason="cannot_read_source")  # type: ignore[arg-type]
            continue
        writes = lang in llm.writes and lang in llm.reads
        points = _rewrite(p, sources, lang) if writes else [" ".join(x.text for x in src) for src in sources]
        summaries[lang] = Summary(
            lang,  # type: ignore[arg-type]
            points=[SummaryPoint(text, [cite_passage(p, i, x, 1.0) for i, x in enumerate(src, start=1)]) for text, src in zip(points, sources, strict=True)],
            method="abstractive" if writes else "extractive",
        )
    consistency = check_consistency(summaries)
    return SummaryResult(article, summaries, p.models_info(), consistency)


def _rewrite(p: Pipeline, sources: list[list[Passage]], lang: str) -> list[str]:
    """One short point per source sentence, written by the model; a point
    whose numbers or names differ from its sentence is replaced by the
    sentence itself."""
    originals = [" ".join(x.text for x in src) for src in sources]
    numbered = "\n".join(f"[{i}] {t}" for i, t in enumerate(originals, start=1))
    messages = [
        {"role": "system", "content": REWRITE_SYSTEM.format(language=LANGUAGE_NAMES[lang])},
        {"role": "user", "content": numbered},
    ]
    raw = p.generator().chat(messages, max_tokens=p.settings.max_summary_tokens)
    written: dict[int, str] = {}
    for m in re.finditer(r"^\s*\[(\d+)\]\s*(.+)$", raw, re.M):
        written[int(m.group(1))] = m.group(2).strip()
    points = []
    for i, original in enumerate(originals, start=1):
        text = written.get(i, "")
        ok = bool(text) and grounding.verify_answer(text, [original]).ok and numbers(text) >= (numbers(original) - {"1"})
        points.append(text if ok else original)
    return points


def check_consistency(summaries: dict[str, Summary]) -> dict[str, Any]:
    """Compare the numbers of aligned points across languages (names are in
    different scripts and are checked against each point's own sentence
    instead). Points are aligned when their citations are aligned."""
    ur, en = summaries.get("ur"), summaries.get("en")
    if not ur or not en or ur.refused or en.refused:
        return {"checked": 0, "mismatches": [], "note": "only one language produced"}
    mismatches = []
    checked = 0
    for i, up in enumerate(ur.points):
        ur_spans = {(c.start, c.end) for c in up.citations}
        for j, ep in enumerate(en.points):
            aligned = {(c.aligned["start"], c.aligned["end"]) for c in ep.citations if c.aligned}
            if not any(s[0] >= a[0] and s[1] <= a[1] or a[0] >= s[0] and a[1] <= s[1] for s in ur_spans for a in aligned):
                continue
            checked += 1
            nu, ne = numbers(up.text) - {"1"}, numbers(ep.text) - {"1"}
            if nu != ne:
                mismatches.append({"ur_point": i, "en_point": j, "only_ur": sorted(nu - ne), "only_en": sorted(ne - nu)})
    return {"checked": checked, "mismatches": mismatches}


def _dump(result: SummaryResult) -> dict[str, Any]:
    return result.to_json()


def _load(path: Any) -> SummaryResult | None:
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
                points=[SummaryPoint(pt["text"], [Citation(**c) for c in pt["citations"]]) for pt in s["points"]],
                method=s.get("method", ""),
            )
    return SummaryResult(data["article"], summaries, data.get("models", {}), data.get("consistency", {}))
