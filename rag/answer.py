"""ask(): screening -> retrieval -> a strategy chosen from the chat model's
declared abilities -> verification -> an Answer with citations.

Strategies, by what the model reads and writes:
- generative: the model reads and writes the question's language and an
  edition in that language exists; its answer is kept only if every number
  and name is in the cited sentences, else the extractive answer replaces it.
- extractive: the model cannot read the edition's language (the default model
  and Urdu): the answer quotes the sentence that answers, after checking the
  answer type and the question's focus against it.
- cannot_read_source: the only edition is in a language the model cannot
  read or translate: refuse, and cite the evidence in the other language.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import grounding
from .errors import UsageError
from .inputs import clean_text
from .prompts import EXTRACTIVE_PREFIX, NOT_FOUND, REFUSALS, answer_messages
from .retrieval import retrieve
from .safety import screen, unsafe_output
from .text import content_words, detect_language
from .types import Answer, Citation, Hit, Passage

if TYPE_CHECKING:
    from .pipeline import Pipeline

_FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|then|so)\b|\b(they|them|their|he|she|him|her|it|its|those|these|that)\b|^(اور|پھر)\s|(انہوں|انھوں|ان کے|ان کی|ان کو|اس کے|اس کی|وہ)",
    re.I,
)
_CITE = re.compile(r"\[(\d{1,3})\]")


def validate_question(question: str, max_chars: int) -> str:
    q = clean_text(question)  # no surrogates, controls or bidi marks reach the models
    if not q:
        raise UsageError("The question is empty: type a question about the article.")
    if len(q) > max_chars:
        raise UsageError(f"The question is {len(q):,} characters long; the limit is {max_chars:,}. Shorten it.")
    return q


def standalone(question: str, history: Sequence[tuple[str, str]]) -> str:
    """Make a follow-up self-contained for retrieval by prefixing the previous
    question when this one leans on it ("and how many were arrested?")."""
    if not history:
        return question
    prev = history[-1][0]
    if _FOLLOW_UP.search(question) or len(content_words(question)) <= 2:
        return f"{prev} {question}"
    return question


class _Clock:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, (time.perf_counter() - self.t0) * 1000)

    def done(self) -> dict[str, float]:
        self.mark("retrieve")
        self.mark("first_token")
        self.marks["total"] = (time.perf_counter() - self.t0) * 1000
        return self.marks


def ask(
    p: Pipeline,
    question: str,
    *,
    k: int | None = None,
    article: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    clock = _Clock()
    q = validate_question(question, p.settings.max_question_chars)
    lang = detect_language(q)
    k = k or p.settings.k
    models = p.models_info()

    def finish(answer: Answer) -> Answer:
        answer.timings_ms = clock.done()
        answer.models = models
        if on_token is not None and answer.strategy != "generative":
            on_token(answer.answer)
        return answer

    def refuse(reason: str, text_key: str | None = None, citations: list[Citation] | None = None) -> Answer:
        text = REFUSALS[text_key or reason][lang].format(model=p.llm_spec().id)
        return finish(Answer(q, lang, text, True, reason, citations or [], strategy="refusal"))  # type: ignore[arg-type]

    verdict = screen(q)
    if verdict.unsafe:
        return refuse("unsafe")
    if verdict.off_task:
        return refuse("unsafe", "off_task")
    q_clean = verdict.question
    query = standalone(q_clean, history)

    store = p.store()
    if article is not None:
        p.check_article(article)
    qvec = p.embedder().embed_queries([query])[0]
    groups = p.groups()
    hits = retrieve(store, query, qvec, k=max(k, 8), article=article, groups=groups)
    clock.mark("retrieve")
    if not hits:
        return refuse("not_in_article")
    target = article or hits[0].passage.article
    languages = {pp.language for pp in store.passages if pp.article == target}
    llm = p.llm_spec()

    if lang not in languages:
        other = sorted(languages)[0]
        if other in llm.reads and lang in llm.writes:
            own = retrieve(store, query, qvec, k=k, article=target, language=other, groups=groups)
            return finish(_generative(p, q_clean, query, lang, own, target, other, on_token, clock))
        own = retrieve(store, query, qvec, k=min(k, 3), article=target, language=other, groups=groups)
        return refuse("cannot_read_source", citations=_citations(p, own))

    own = retrieve(store, query, qvec, k=k, article=target, language=lang, groups=groups)
    vocab = p.vocabulary(target, lang)
    missing = grounding.missing_focus(q_clean, vocab)
    if missing:
        return refuse("not_in_article")
    if lang in llm.reads and lang in llm.writes:
        return finish(_generative(p, q_clean, query, lang, own, target, lang, on_token, clock))
    found = _extractive(p, q_clean, query, lang, own)
    if found is None:
        return refuse("not_in_article")
    return finish(found)


def _neighbourhood(p: Pipeline, passage: Passage) -> str:
    store = p.store()
    around = [store.passage(passage.article, passage.language, passage.index + d) for d in (-1, 0, 1)]
    return " ".join(x.text for x in around if x is not None)


def _extractive(
    p: Pipeline, question: str, query: str, lang: str, hits: list[Hit], min_coverage: float = 0.34
) -> Answer | None:
    """Quote the best sentence that has the asked-for kind of fact and shares
    the question's content words (with its neighbours, for pronouns)."""
    kind = grounding.answer_type(question)
    chosen: list[Hit] = []
    for hit in hits[:3]:
        if not grounding.has_type(hit.passage.text, kind):
            continue
        around = _neighbourhood(p, hit.passage)
        if grounding.coverage(query, around) < min_coverage or not grounding.focus_present(question, around):
            continue
        chosen.append(hit)
        if len(chosen) == 2:
            # the top two qualifying sentences: the best-ranked one alone
            # misses the answer about one time in twenty (MODELS.md)
            break
    if not chosen:
        return None
    chosen.sort(key=lambda h: (h.passage.article, h.passage.index))
    cites = _citations(p, chosen)
    body = " ".join(f"{c.text} [{c.n}]" for c in cites)
    return Answer(question, lang, EXTRACTIVE_PREFIX[lang] + body, False, None, cites, strategy="extractive")  # type: ignore[arg-type]


def _prompt_passages(p: Pipeline, article: str, language: str, hits: list[Hit], question: str) -> list[Passage]:
    """The whole edition when it fits the context (same prefix for every
    question: the KV cache is re-used), else the retrieved passages in
    article order, trimmed to fit."""
    gen = p.generator()
    store = p.store()
    budget = gen.n_ctx - p.settings.max_answer_tokens - gen.count_tokens(question) - 300
    edition = store.usable_passages(article, language)
    if gen.count_tokens("\n".join(x.text for x in edition)) + 4 * len(edition) <= budget:
        return edition
    chosen: list[Passage] = []
    used = 0
    for hit in hits:
        cost = gen.count_tokens(hit.passage.text) + 4
        if used + cost > budget:
            break  # trimmed to fit the context window
        chosen.append(hit.passage)
        used += cost
    return sorted(chosen, key=lambda x: x.index)


def _generative(
    p: Pipeline,
    question: str,
    query: str,
    lang: str,
    hits: list[Hit],
    article: str,
    source_lang: str,
    on_token: Callable[[str], None] | None,
    clock: _Clock,
) -> Answer:
    gen = p.generator()
    passages = _prompt_passages(p, article, source_lang, hits, query)
    prompt_q = question if query == question else f"{question} (follow-up to: {query[: -len(question)].strip()})"
    relevant = [h.passage for h in hits[:3] if h.passage.language == source_lang]
    messages = answer_messages(passages, prompt_q, lang, relevant)
    buffered: list[str] = []
    streaming = False
    pending = ""  # a "[12]" marker being streamed: the model's numbers are not the final ones
    last = " "  # the last character streamed

    def emit(t: str) -> None:
        nonlocal pending, last
        if on_token is None:
            return
        text = pending + t
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut <= 4:
            text, pending = text[:cut], text[cut:]
        else:
            pending = ""
        text = _CITE.sub("", text)
        if text:
            on_token(text)
            last = text[-1]

    def token(t: str) -> None:
        nonlocal streaming
        clock.mark("first_token")
        if streaming:
            emit(t)
            return
        buffered.append(t)
        text = "".join(buffered)
        # hold back until it is clear the reply is not a refusal
        if len(text) >= len(NOT_FOUND) + 2 or (text.strip() and not NOT_FOUND.startswith(text.strip()[: len(NOT_FOUND)])):
            if NOT_FOUND not in text.upper():
                streaming = True
                emit(text)

    raw = gen.chat(messages, max_tokens=p.settings.max_answer_tokens, on_token=token).strip()
    if NOT_FOUND in raw.upper() or not raw or unsafe_output(raw):
        # A small model refuses too readily. For questions whose answer type
        # can be checked (a day, a date, a number), a sentence that has that
        # type and the question's words is quoted instead.
        if grounding.answer_type(question) != "any" and source_lang == lang:
            found = _extractive(p, question, query, lang, hits, min_coverage=0.5)
            if found is not None:
                found.strategy = "generative-refused:extractive"
                return found
        return Answer(question, lang, REFUSALS["not_in_article"][lang], True, "not_in_article", [], strategy="generative")  # type: ignore[arg-type]
    claim = _CITE.sub(" ", raw)
    # Cite the sentences that best cover what the answer says: the model's
    # own numbers are often a slip, so they only break ties.
    own = _cited_passages(raw, passages)
    pool = own + [h.passage for h in hits[:4] if h.passage in passages and h.passage not in own]
    ranked = sorted(pool, key=lambda x: (-round(grounding.coverage(claim, x.text), 2), x not in own))
    cited = [ranked[0]] if ranked else []
    if len(ranked) > 1 and grounding.coverage(claim, ranked[1].text) >= 0.5:
        cited.append(ranked[1])
    check = grounding.verify_answer(claim, [x.text for x in cited])
    for extra in ranked[len(cited) : 4]:
        if check.ok:
            break
        # add the sentence that supplies a missing number or name, if any
        trial = grounding.verify_answer(claim, [x.text for x in cited + [extra]])
        if len(trial.unsupported) < len(check.unsupported):
            cited, check = cited + [extra], trial
    raw = re.sub(r"\s+([.,;:])", r"\1", claim).strip()
    if not check.ok:
        fallback = _extractive(p, question, query, lang, hits) if source_lang == lang else None
        if fallback is None:
            return Answer(question, lang, REFUSALS["not_in_article"][lang], True, "not_in_article", [], strategy="generative-rejected")  # type: ignore[arg-type]
        fallback.strategy = "generative-rejected:extractive (unsupported: " + ", ".join(check.unsupported) + ")"
        if streaming and on_token is not None:
            on_token("\n[unsupported by the article: " + ", ".join(check.unsupported) + "; replaced by the quoted evidence]\n" + fallback.answer)
        return fallback
    score_of = {h.passage.id: h.score for h in hits}
    cites = [cite_passage(p, i, x, score_of.get(x.id, 0.0)) for i, x in enumerate(cited, start=1)]
    # the model's markers were removed from `raw`; the final ones close the answer
    markers = " ".join(f"[{c.n}]" for c in cites)
    text = raw + " " + markers
    if on_token is not None:
        # streamed text had the model's markers removed; the final ones close it
        on_token(text if not streaming else ("" if last.isspace() else " ") + markers)
    return Answer(question, lang, text, False, None, cites, strategy="generative")  # type: ignore[arg-type]


def _cited_passages(raw: str, passages: list[Passage]) -> list[Passage]:
    out: list[Passage] = []
    for m in _CITE.finditer(raw):
        i = int(m.group(1)) - 1
        if 0 <= i < len(passages) and passages[i] not in out:
            out.append(passages[i])
    return out


def cite_passage(p: Pipeline, n: int, passage: Passage, score: float) -> Citation:
    """A numbered citation of a passage, with its aligned counterpart."""
    return Citation(
        n=n,
        article=passage.article,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        score=score,
        language=passage.language,
        aligned=p.aligned(passage),
    )


def _citations(p: Pipeline, hits: list[Hit]) -> list[Citation]:
    return [cite_passage(p, i, h.passage, h.score) for i, h in enumerate(hits, start=1)]


def warm(p: Pipeline) -> None:
    """Load both models and, when there is a single article with an edition
    the chat model reads, process its prompt prefix into the KV cache."""
    p.embedder().embed_queries(["warm up"])
    store = p.store()
    articles = store.articles()
    llm = p.llm_spec()
    if len(articles) != 1:
        return
    for lang in ("en", "ur"):
        edition = store.usable_passages(articles[0], lang)
        if edition and lang in llm.reads and lang in llm.writes:
            gen = p.generator()
            gen_warm = getattr(gen, "warm", None)
            if gen_warm is not None:
                gen_warm(answer_messages(edition, "", lang)[:1])
            return
