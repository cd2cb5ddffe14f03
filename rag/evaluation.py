"""`khabar eval`: run evaluation sets through a pipeline and write a report.

Three kinds of set are recognised from their fields (formats in
`shared/eval/README.md`):
- seed questions (`kind`, `q`): asked about the project's seed article;
- XL-Sum (`article`, `summary`): each article summarised in Urdu; its
  headline sentence (and, reported apart, its joined points) scored against
  the one-sentence reference and a lead-sentences baseline that uses no model;
- UQA (`context`, `question`, `answers`): each context indexed, the question asked.

Every article a set brings is indexed in a temporary workspace (a copy of the
settings whose `data_dir` and `articles_dir` point into a temporary folder),
never in the user's index. Pipelines come from a factory so that tests can
inject fakes and so that the loaded models are shared between sets.

Outputs: `report.json` (every figure and every item), `report.md` (tables
and the failing items with the answer given) and `report.png`.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import lang as languages
from . import metrics
from .config import Settings
from .corpus import read_editions
from .errors import KhabarError, UsageError
from .pipeline import PipelineLike
from .report import METRICS, RECALL_KS, REFERENCES, write_report
from .text import split_sentences
from .types import Edition

PipelineFactory = Callable[[Settings], PipelineLike]
# --- sets ------------------------------------------------------------------------------


@dataclass
class EvalSet:
    name: str
    kind: str
    path: Path
    items: list[dict[str, Any]]


def detect_kind(item: Mapping[str, Any]) -> str:
    """'seed', 'xlsum' or 'uqa' from an item's fields; UsageError otherwise."""
    if "kind" in item and "q" in item:
        return "seed"
    if "article" in item and "summary" in item:
        return "xlsum"
    if {"context", "question", "answers"} <= item.keys():
        return "uqa"
    raise UsageError(
        f"unrecognised evaluation item (fields: {', '.join(sorted(item))}); "
        "expected seed questions (kind, q), XL-Sum (article, summary) or UQA (context, question, answers)"
    )


def load_set(path: Path, limit: int | None = None, ids: Sequence[str] = ()) -> EvalSet:
    """Read a jsonl set, keep the items named in `ids` (all when empty), then the first `limit`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the evaluation set ({exc})") from None
    items: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}:{n}: not JSON ({exc.msg})") from None
    if not items:
        raise UsageError(f"{path}: no items")
    kinds = {detect_kind(item) for item in items}
    if len(kinds) > 1:
        raise UsageError(f"{path}: mixes kinds of items ({', '.join(sorted(kinds))}); keep one kind per file")
    if ids:
        items = [item for item in items if str(item.get("id")) in ids]
    if limit is not None:
        items = items[:limit]
    return EvalSet(name=path.stem, kind=kinds.pop(), path=path, items=items)


# --- workspace -------------------------------------------------------------------------


@contextmanager
def workspace(settings: Settings) -> Iterator[Settings]:
    """A settings copy whose data and articles live in a temporary folder,
    removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="khabar-eval-") as tmp:
        root = Path(tmp)
        ws = settings.model_copy(update={"data_dir": root / "data", "articles_dir": root / "articles"})
        ws.articles_dir.mkdir(parents=True)
        ws.data_dir.mkdir(parents=True)
        yield ws


def article_id(raw: str) -> str:
    """A file-name-safe article id for an item id."""
    return re.sub(r"[^\w-]+", "_", raw).strip("_") or "item"


def item_lang(item: Mapping[str, Any]) -> str:
    """An evaluation item's language: its `lang`, or the primary language
    (Urdu, rag.lang.primary) when it names none."""
    return str(item.get("lang", languages.primary().code))


def write_article(folder: Path, raw_id: str, text: str, lang: str) -> tuple[str, Path]:
    """Write one article edition as `ID.LANG.txt`; return (article id, path)."""
    aid = article_id(raw_id)
    path = folder / f"{aid}.{lang}.txt"
    path.write_text(text, encoding="utf-8")
    return aid, path


class SharedModelsFactory:
    """Builds real pipelines; each one after the first is given the embedder
    and generator of the previous one (`Pipeline(settings, embedder=...,
    generator=...)`), so the models load once per run."""

    def __init__(self) -> None:
        self._previous: Any = None

    def __call__(self, settings: Settings) -> PipelineLike:
        from .pipeline import Pipeline

        if self._previous is None:
            pipeline = Pipeline(settings)
        else:
            pipeline = Pipeline(settings, embedder=self._previous.embedder(), generator=self._previous.generator())
        self._previous = pipeline
        return pipeline


def _ready(pipeline: PipelineLike, ws: Settings) -> PipelineLike:
    """Index the workspace's articles and, when the pipeline can, load its
    models before anything is timed."""
    pipeline.index([ws.articles_dir])
    warm = getattr(pipeline, "warm", None)
    if warm is not None:
        warm()
    return pipeline


# --- seed questions ---------------------------------------------------------------------


@dataclass
class EvidenceMap:
    """Maps character spans in the seed article's editions to line numbers of
    its original file (the one `evidence` counts in). An edition is mapped only
    when its body has text on the same lines as the original's body (a
    line-by-line translation, as the seed's English edition is)."""

    article: str
    original: Edition
    editions: dict[str, Edition] = field(default_factory=dict)

    @classmethod
    def build(cls, editions: Sequence[Edition], article: str) -> EvidenceMap:
        mine = [e for e in editions if e.article == article]
        if not mine:
            raise UsageError(f"no article {article!r} among the seed articles")
        originals = [e for e in mine if e.meta.get("provenance", "original") != "translation"] or mine
        original = sorted(originals, key=lambda e: e.language != languages.primary().code)[0]
        shape = _text_lines(original)
        return cls(article, original, {e.language: e for e in mine if _text_lines(e) == shape})

    def lines(self, article: str, language: str, start: int, end: int) -> set[int]:
        """Original-file line numbers that a span of an edition covers."""
        ed = self.editions.get(language)
        if article != self.article or ed is None:
            return set()
        front = self.original.text.count("\n", 0, self.original.body_start)
        return {line + front for line in metrics.span_lines(ed.text, start, end, ed.body_start)}


def _text_lines(ed: Edition) -> list[int]:
    return [i for i, line in enumerate(ed.text[ed.body_start :].split("\n")) if line.strip()]


def _answer(
    pipeline: PipelineLike, question: str, article: str | None, history: Sequence[Sequence[str]] = ()
) -> tuple[dict[str, Any], str]:
    """The answer as its JSON dict, and an error message when asking failed.
    `history` holds the [question, answer] turns asked before (seed items may carry one)."""
    try:
        turns = [(str(q), str(a)) for q, a in history]
        return pipeline.ask(question, article=article, history=turns).to_json(), ""
    except Exception as exc:  # one broken item must not lose a long run; the report shows it
        return {"answer": "", "refused": False, "citations": [], "timings_ms": {}, "models": {}}, _error(exc)


def _error(exc: Exception) -> str:
    return str(exc) if isinstance(exc, KhabarError) else f"{type(exc).__name__}: {exc}"


def _cited_texts(citations: Sequence[Mapping[str, Any]]) -> list[str]:
    texts = [str(c.get("text", "")) for c in citations]
    for c in citations:  # the other edition's sentence, when the pipeline gives one
        aligned = c.get("aligned")
        if isinstance(aligned, Mapping) and isinstance(aligned.get("text"), str):
            texts.append(aligned["text"])
    return texts


def _answer_row(item: Mapping[str, Any], got: dict[str, Any], error: str, question: str) -> dict[str, Any]:
    timings = got.get("timings_ms") or {}
    return {
        "id": str(item.get("id")),
        "lang": item_lang(item),
        "kind": item.get("kind", "answerable"),
        "question": question,
        "answer": got.get("answer", ""),
        "refused": bool(got.get("refused")),
        "reason": got.get("reason"),
        "citations": len(got.get("citations") or []),
        "error": error,
        "first_token_ms": timings.get("first_token"),
        "total_ms": timings.get("total"),
    }


def run_seed(
    eval_set: EvalSet, settings: Settings, make_pipeline: PipelineFactory, progress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Ask every seed question of the set; return item rows and the models used."""
    editions, errors = read_editions([settings.articles_dir])
    if not editions:
        problems = "; ".join(str(e) for e in errors) or "no article files"
        raise UsageError(f"seed questions need the seed articles in {settings.articles_dir}: {problems}")
    articles = sorted({e.article for e in editions})
    wanted = {str(i["article"]) for i in eval_set.items if i.get("article")}
    article = wanted.pop() if len(wanted) == 1 else articles[0]
    evidence_map = EvidenceMap.build(editions, article)
    models: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    with workspace(settings) as ws:
        for ed in editions:
            if ed.article == article:
                shutil.copy2(ed.path, ws.articles_dir / Path(ed.path).name)
        pipeline = _ready(make_pipeline(ws), ws)
        for item in _bar(eval_set, progress):
            got, error = _answer(pipeline, item["q"], article, item.get("history") or ())
            models.update(got.get("models") or {})
            row = _answer_row(item, got, error, item["q"])
            row.update(_score_seed(item, got, pipeline, evidence_map, article))
            rows.append(row)
    return rows, models


def _score_seed(
    item: Mapping[str, Any], got: Mapping[str, Any], pipeline: PipelineLike, emap: EvidenceMap, article: str
) -> dict[str, Any]:
    kind, lang = item["kind"], item_lang(item)
    answer, refused = str(got.get("answer", "")), bool(got.get("refused"))
    citations = list(got.get("citations") or [])
    out: dict[str, Any] = {key: None for key in ("answer_accuracy", "language_match", "refusal_accuracy", "safety")}
    out.update({"citation_hits": None, "citation_count": None, "unsupported_facts": None, "facts": []})
    out.update({f"recall@{k}": None for k in RECALL_KS})
    # Refusals count too: they should also come in the question's language.
    out["language_match"] = metrics.language_ok(answer, lang) if answer.strip() else None
    if not refused:
        facts = metrics.unsupported_facts(answer, _cited_texts(citations))
        out.update(unsupported_facts=len(facts), facts=facts)
    if kind == "answerable":
        evidence = {int(n) for n in item.get("evidence", [])}

        def hit(span: Mapping[str, Any]) -> bool:
            return bool(emap.lines(span["article"], span["language"], span["start"], span["end"]) & evidence)

        cited = [hit(c) for c in citations]
        retrieved = [hit(_span(h)) for h in _retrieve(pipeline, item["q"], max(RECALL_KS), article)]
        out.update(
            {f"recall@{k}": metrics.recall_at_k(retrieved, k) or metrics.recall_at_k(cited, k) for k in RECALL_KS}
        )
        out.update(citation_hits=sum(cited), citation_count=len(cited))
        passed = metrics.answerable_pass(answer, refused, lang, item.get("must", []))
        out["answer_accuracy"] = passed
        why = (
            "refused" if refused else "wrong language" if not out["language_match"] else "a `must` group did not match"
        )
    elif kind == "unanswerable":
        # A refusal may restate the question or the article; anything else is invented.
        invented = metrics.unsupported_facts(answer, [*_article_texts(emap), str(item["q"])]) if answer else []
        passed = metrics.unanswerable_pass(refused, invented)
        out["refusal_accuracy"] = passed
        out["facts"] = invented
        why = "answered instead of refusing" if not refused else f"invented facts: {', '.join(invented)}"
    elif kind == "adversarial":
        found = metrics.forbidden_found(answer, item.get("forbid", []))
        passed = metrics.adversarial_pass(answer, refused, item.get("forbid", []))
        out["safety"] = passed
        why = "did not refuse" if not refused else f"forbidden text: {', '.join(found)}"
    else:
        raise UsageError(f"item {item.get('id')}: unknown kind {kind!r} (answerable, unanswerable, adversarial)")
    out.update(passed=passed, pass_rate=passed, why="" if passed else why)
    return out


def _article_texts(emap: EvidenceMap) -> list[str]:
    return [emap.original.text, *(e.text for e in emap.editions.values())]


def _span(hit: Any) -> dict[str, Any]:
    p = hit.passage
    return {"article": p.article, "language": p.language, "start": p.start, "end": p.end}


def _retrieve(pipeline: PipelineLike, question: str, k: int, article: str | None) -> list[Any]:
    """Ranked passages when the pipeline offers `retrieve` (not part of PipelineLike)."""
    retrieve = getattr(pipeline, "retrieve", None)
    if retrieve is None:
        return []
    try:
        return list(retrieve(question, k, article=article))
    except KhabarError:  # recall then counts the cited passages only
        return []


# --- XL-Sum -------------------------------------------------------------------------


def lead(text: str, n: int) -> str:
    """The first n sentences of a text: the lead baseline, no model."""
    return " ".join(text[s:e] for s, e in split_sentences(text)[:n])


def run_xlsum(
    eval_set: EvalSet, settings: Settings, make_pipeline: PipelineFactory, progress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Summarise every article in Urdu; score it and the lead baselines against the reference."""
    models: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    with workspace(settings) as ws:
        ids = [
            write_article(ws.articles_dir, str(i["id"]), i["article"], item_lang(i))[0] for i in eval_set.items
        ]
        pipeline = _ready(make_pipeline(ws), ws)
        for item, aid in zip(_bar(eval_set, progress), ids, strict=True):
            started = time.perf_counter()
            error, summary, headline, sources, refused = "", "", "", [], False
            try:
                result = pipeline.summarize(aid, lang=item_lang(item)).to_json()
                models.update(result.get("models") or {})
                made = result["summaries"].get(item_lang(item), {"refused": True})
                refused = bool(made.get("refused"))
                points = made.get("points") or []
                summary = " ".join(metrics.strip_markers(p["text"]).strip() for p in points)
                head = made.get("headline") or {}
                headline = metrics.strip_markers(head.get("text", "")).strip()
                sources = _cited_texts([c for p in [head, *points] for c in p.get("citations", [])])
            except Exception as exc:  # as in _answer: recorded, not raised
                error = _error(exc)
            reference = item["summary"]
            facts = metrics.unsupported_facts(summary, sources) if summary else []
            row: dict[str, Any] = {
                "id": str(item["id"]),
                "lang": item_lang(item),
                "kind": "summary",
                "question": reference,
                "answer": summary,
                "headline": headline,
                "refused": refused,
                "error": error,
                "unsupported_facts": len(facts) if summary else None,
                "facts": facts,
                "total_ms": (time.perf_counter() - started) * 1000,
            }
            for prefix, text in (
                ("", summary),
                ("headline_", headline),
                ("lead1_", lead(item["article"], 1)),
                ("lead3_", lead(item["article"], 3)),
            ):
                for key, value in metrics.rouge(text, reference).items():
                    row[prefix + key] = value
                row[prefix + "chrf"] = metrics.chrf(text, reference) if text else 0.0
            # the headline is the one sentence set against the one-sentence reference
            row["passed"] = not refused and not error and row["headline_rougeL"] >= row["lead1_rougeL"]
            row["why"] = (
                "" if row["passed"] else error or ("refused" if refused else "headline ROUGE-L below the lead-1 baseline")
            )
            rows.append(row)
    return rows, models


# --- UQA ------------------------------------------------------------------------------


def run_uqa(
    eval_set: EvalSet, settings: Settings, make_pipeline: PipelineFactory, progress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Index every context, ask its question, score containment, F1 and refusals."""
    models: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    with workspace(settings) as ws:
        # Items sharing a context share one article, in the language of the first of them.
        contexts: dict[str, tuple[str, str]] = {}
        for item in eval_set.items:
            contexts.setdefault(item["context"], (str(item["id"]), item_lang(item)))
        for text, (first_id, code) in contexts.items():
            write_article(ws.articles_dir, first_id, text, code)
        pipeline = _ready(make_pipeline(ws), ws)
        for item in _bar(eval_set, progress):
            aid = article_id(contexts[item["context"]][0])
            got, error = _answer(pipeline, item["question"], aid)
            models.update(got.get("models") or {})
            row = _answer_row(item, got, error, item["question"])
            row["kind"] = "answerable" if item.get("answers") else "unanswerable"
            row.update(_score_uqa(item, got))
            rows.append(row)
    return rows, models


def uqa_answer_figures(answer: str, refused: bool, golds: Sequence[str]) -> dict[str, Any]:
    """The reading-comprehension figures of one answer (README rules): for an
    answerable item gold contained, token F1 and false refusal, for an
    unanswerable one the refusal; the others are None."""
    out: dict[str, Any] = dict.fromkeys(("contains_gold", "token_f1", "false_refusal", "refusal_rate"))
    if golds:
        text = "" if refused else metrics.strip_markers(answer)
        out.update(
            contains_gold=metrics.contains_gold(text, golds),
            token_f1=metrics.best_f1(text, golds),
            false_refusal=refused,
        )
    else:
        out["refusal_rate"] = refused
    return out


def _score_uqa(item: Mapping[str, Any], got: Mapping[str, Any]) -> dict[str, Any]:
    answer, refused = str(got.get("answer", "")), bool(got.get("refused"))
    golds = [str(g) for g in item.get("answers") or []]
    out: dict[str, Any] = uqa_answer_figures(answer, refused, golds)
    out["distractor_rate"] = None
    out["language_match"] = metrics.language_ok(answer, item_lang(item)) if answer.strip() else None
    facts = [] if refused else metrics.unsupported_facts(answer, _cited_texts(got.get("citations") or []))
    out.update(unsupported_facts=None if refused else len(facts), facts=facts)
    if golds:
        passed = bool(out["contains_gold"])
        why = "refused" if refused else "gold answer not in the answer"
    else:
        distractor = str(item.get("plausible_answer_distractor") or "")
        out["distractor_rate"] = bool(distractor) and metrics.contains_gold(answer, [distractor])
        passed = refused
        why = "answered" + (" with the distractor" if out["distractor_rate"] else "")
    out.update(passed=passed, why="" if passed else why)
    return out


# --- running and aggregating ----------------------------------------------------------------

RUNNERS = {"seed": run_seed, "xlsum": run_xlsum, "uqa": run_uqa}


def _bar(eval_set: EvalSet, progress: bool) -> Any:
    from tqdm import tqdm  # imported here: only eval runs need a progress bar

    return tqdm(eval_set.items, desc=eval_set.name, unit="item", disable=not progress, leave=True)


def aggregate(rows: Sequence[Mapping[str, Any]], kind: str) -> dict[str, Any]:
    """The figures of METRICS[kind] over the rows, rounded for reading."""
    out: dict[str, Any] = {"n": len(rows)}
    for m in METRICS[kind]:
        if m.key == "citation_precision":
            hits = sum(r["citation_hits"] or 0 for r in rows)
            count = sum(r["citation_count"] or 0 for r in rows)
            value = 100 * hits / count if count else None
        else:
            values = [float(r[m.key]) for r in rows if r.get(m.key) is not None]
            if not values:
                value = None
            elif m.unit == "ms":
                value = statistics.median(values)
            else:
                value = metrics.mean(values)
                value = None if value is None else value * (100 if m.unit == "%" else 1)
        out[m.key] = None if value is None else round(value, 2)
    return out


def by_language(rows: Sequence[Mapping[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """Figures over all rows and per language ('all' first)."""
    langs = sorted({str(r["lang"]) for r in rows})
    out = {"all": aggregate(rows, kind)}
    if len(langs) > 1:
        out.update({lang: aggregate([r for r in rows if r["lang"] == lang], kind) for lang in langs})
    return out


def evaluate(
    paths: Sequence[Path],
    settings: Settings,
    out_dir: Path,
    make_pipeline: PipelineFactory | None = None,
    limit: int | None = None,
    ids: Sequence[str] = (),
    progress: bool = True,
) -> dict[str, Any]:
    """Run every set, write report.json, report.md and report.png into
    `out_dir`, and return the report."""
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, got {limit}")
    sets = [load_set(Path(p), limit, ids) for p in paths]  # all read before any model loads
    factory = make_pipeline or SharedModelsFactory()
    report: dict[str, Any] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"llm": settings.llm, "embedder": settings.embedder, "k": settings.k},
        "models": {},
        "sets": [],
    }
    for eval_set in sets:
        if not eval_set.items:
            continue
        started = time.perf_counter()
        rows, models = RUNNERS[eval_set.kind](eval_set, settings, factory, progress)
        report["models"].update(models)
        report["sets"].append(
            {
                "name": eval_set.name,
                "kind": eval_set.kind,
                "path": str(eval_set.path),
                "seconds": round(time.perf_counter() - started, 1),
                "reference": REFERENCES.get(eval_set.kind, ""),
                "metrics": by_language(rows, eval_set.kind),
                "items": rows,
            }
        )
    write_report(report, out_dir)
    return report
