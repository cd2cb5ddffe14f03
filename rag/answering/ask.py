"""ask(): screening -> follow-up resolution -> retrieval -> a strategy chosen
from what the chat model reads -> an Answer with citations, or an honest
"the article does not say" that still shows the closest sentences.

Strategies, by what the model reads and writes:
- generative: the model reads and writes the question's language and an
  edition in that language exists (English with the default model);
- extractive: otherwise, for a question whose language has an edition (Urdu
  with the default model): a learned decision, then a short span cut from the
  article's sentence;
- cannot_read_source: the only edition is in a language the model cannot
  read: refused, citing the evidence in the other language.
Before any of them: harmful requests are refused, injected instructions
removed, and a name the question asks about that the article never mentions
(in any spelling or script) gives "the article does not say".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import grounding
from ..conversation import standalone
from ..errors import UsageError
from ..inputs import clean_text
from ..llm import Assessor
from ..prompts import REFUSALS
from ..retrieval import retrieve, score
from ..safety import screen
from ..text import STOPWORDS, detect_language, numbers
from ..types import Answer, Citation, Hit
from . import extractive as ex
from . import generative as gv
from .assessor import assessed
from .citations import cite_hits
from .deps import AnswerDeps
from .names import latin_names, respell


def validate_question(question: str, max_chars: int) -> str:
    """The question as the models will see it (no surrogates, control or bidi
    characters: rag/inputs.py), or a UsageError saying how to fix it."""
    q = clean_text(question)
    if not q:
        raise UsageError("The question is empty: type a question about the article.")
    if len(q) > max_chars:
        raise UsageError(f"The question is {len(q):,} characters long; the limit is {max_chars:,}. Shorten it.")
    return q


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


class Asker:
    """One question's way through the strategies; holds what they share."""

    def __init__(
        self,
        deps: AnswerDeps,
        decide: ex.DecideFn,
        on_token: Callable[[str], None] | None,
    ) -> None:
        self.deps = deps
        self.decide = decide
        self.on_token = on_token
        self.clock = _Clock()
        self.question = ""  # the question as asked (validated), for every Answer

    # -- shared pieces --
    def finish(self, answer: Answer, streamed: bool = False) -> Answer:
        answer.question = self.question or answer.question
        answer.timings_ms = self.clock.done()
        answer.models = dict(self.deps.models)
        if self.on_token is not None and not streamed:
            self.on_token(answer.answer)
        return answer

    def refuse(
        self,
        q: str,
        lang: str,
        reason: str,
        text_key: str | None = None,
        citations: Sequence[Citation] = (),
        why: str | ex.Verdict = "",
        streamed: bool = False,
    ) -> Answer:
        text = REFUSALS[text_key or reason][lang].format(model=self.deps.llm.id)
        out = Answer(q, lang, text, True, reason, list(citations), strategy="refusal")  # type: ignore[arg-type]
        if isinstance(why, ex.Verdict):
            out.decision = _verdict_json(why)
        elif why:
            out.decision = {"answered": False, "why": why}
        return self.finish(out, streamed)

    def neighbourhood(self, hits: Sequence[Hit]) -> dict[int, str]:
        store = self.deps.store
        out: dict[int, str] = {}
        for h in hits:
            p = h.passage
            around = [store.passage(p.article, p.language, p.index + d) for d in (-1, 0, 1)]
            out[p.id] = " ".join(x.text for x in around if x is not None)
        return out

    def naming(self, hits: Sequence[Hit]) -> dict[int, str]:
        """For each hit, where a name its sentence leans on may stand: the
        sentence just before it ("he" of this sentence names someone there),
        and the sentences of the other editions aligned with either (the
        Urdu edition says «امریکہ» where the English one says "US-based")."""
        store, groups = self.deps.store, self.deps.groups or {}
        out: dict[int, str] = {}
        for h in hits:
            p = h.passage
            own = [x for x in (store.passage(p.article, p.language, p.index - 1), p) if x is not None]
            texts = [x.text for x in own if x is not p]
            texts += [store.passages[i].text for x in own for i in sorted(groups.get(x.id, ()))]
            out[p.id] = " ".join(texts)
        return out

    def extractive(
        self,
        q: str,
        lang: str,
        hits: list[Hit],
        article: str,
        decide: ex.DecideFn | None = None,
        avoid: frozenset[str] = frozenset(),
    ) -> tuple[Answer | None, ex.Verdict]:
        cands = ex.candidates(hits, self.neighbourhood(hits[:4]), self.naming(hits[:4]))
        return ex.answer(q, lang, cands, decide or self.decide, self.deps.aligned, self.names_asked(article), avoid)

    def names_asked(self, article: str) -> list[str]:
        """The names the question asks about, as the user asked it (a
        follow-up's earlier turn is not asked about again: "he" of "how old
        is he?" need not be named in the answer's sentence)."""
        asked = latin_names(self.question, STOPWORDS)
        return asked + [n for n in self.deps.names(article).script_names(self.question) if n not in asked]

    def closest(self, hits: Sequence[Hit]) -> list[Citation]:
        """The sentences nearest the question, shown with a refusal so the
        reader can check it."""
        return cite_hits(self.deps.aligned, list(hits[:2]))


def ask(
    deps: AnswerDeps,
    question: str,
    *,
    decide: ex.DecideFn,
    k: int | None = None,
    article: str | None = None,
    history: Sequence[tuple[str, str]] = (),
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    a = Asker(deps, decide, on_token)
    settings = deps.settings
    q = validate_question(question, settings.max_question_chars)
    a.question = q
    lang = detect_language(q)
    k = k or settings.k

    verdict = screen(q)
    if verdict.unsafe:
        return a.refuse(q, lang, "unsafe", why="screening: harmful request")
    if verdict.off_task:
        return a.refuse(q, lang, "unsafe", "off_task", why="screening: not a question about the article")
    q_clean = verdict.question
    resolved = standalone(q_clean, history, detect_language)
    query = resolved.text
    follows = history[resolved.antecedent][0] if resolved.follow_up and resolved.antecedent is not None else ""
    earlier = Earlier(follows, resolved.context)

    store = deps.store
    qvec = deps.embed_query(query)
    scores = score(store, query, qvec)  # once: every ranking below reuses it
    hits = retrieve(store, query, qvec, k=max(k, 8), article=article, groups=deps.groups, scores=scores)
    a.clock.mark("retrieve")
    if not hits:
        return a.refuse(q, lang, "not_in_article", why="nothing retrieved")
    target = article or hits[0].passage.article
    languages = store.languages(target)
    llm = deps.llm

    absent = [n for n in latin_names(q_clean, STOPWORDS) if not deps.names(target).has(n)]
    if absent:
        own = [h for h in hits if h.passage.article == target]
        return a.refuse(q, lang, "not_in_article", citations=a.closest(own), why="not in the article: " + ", ".join(absent))

    # the chat model and the keyword match read a name as the article spells it
    q_clean = respell(q_clean, deps.names(target), STOPWORDS)
    query = respell(query, deps.names(target), STOPWORDS)

    if lang not in languages:
        other = sorted(languages)[0]
        own = retrieve(store, query, qvec, k=k, article=target, language=other, groups=deps.groups, scores=scores)
        if other in llm.reads and lang in llm.writes:
            return _generative(a, q_clean, query, earlier, lang, own, target, other)
        return a.refuse(q, lang, "cannot_read_source", citations=cite_hits(deps.aligned, own[:3]), why=f"the model cannot read the {other} edition")

    own = retrieve(store, query, qvec, k=k, article=target, language=lang, groups=deps.groups, scores=scores)
    if lang in llm.reads and lang in llm.writes:
        return _generative(a, q_clean, query, earlier, lang, own, target, lang)
    # a count follow-up is not answered with the earlier answer's count again, as for the model
    found, why = a.extractive(
        ex.asked(resolved, lang), lang, _with_new_numbers(q_clean, earlier, own), target, avoid=_earlier_count(q_clean, earlier)
    )
    if found is None:
        return a.refuse(q, lang, "not_in_article", citations=a.closest(own), why=why)
    found.decision = _verdict_json(why)
    return a.finish(found)


def _verdict_json(v: ex.Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"answered": v.answered, "why": v.why}
    if v.score is not None:
        out.update(score=round(v.score, 3), threshold=round(v.threshold or 0.0, 3))
    return out


@dataclass(frozen=True)
class Earlier:
    """The earlier turn a follow-up leans on: its question, and its answer
    without citation marks ('' when it was refused)."""

    question: str = ""
    answer: str = ""


def _shown_follows(a: Asker, earlier: Earlier, article: str, source_lang: str) -> str:
    """How the prompt names the earlier turn. Its question as asked, when the
    model reads that language; else (an English follow-up to an Urdu
    question, with a model that reads no Urdu) the sentence of the edition
    the model reads that is aligned with what the earlier turn was about
    (its answer, or its question when refused), so that "them" still has
    something to point at."""
    deps = a.deps
    if not earlier.question or detect_language(earlier.question) in deps.llm.reads:
        return earlier.question
    about = earlier.answer or earlier.question
    vec = deps.embed_query(about)
    found = retrieve(deps.store, about, vec, k=1, article=article, language=source_lang, groups=deps.groups)
    if not found:
        return ""
    return f"the earlier answer, {found[0].passage.text}" if earlier.answer else f"an earlier question about: {found[0].passage.text}"


def _counts_again(question: str, earlier: Earlier) -> bool:
    """A follow-up asking for a count, after an answer that gave one count
    (an earlier answer stating several numbers, "two were arrested, three
    remain at large", may already hold the new one)."""
    return len(numbers(earlier.answer)) == 1 and grounding.answer_type(question) == "number"


def _repeats_earlier(question: str, answer: str, earlier: Earlier) -> bool:
    """A follow-up asking for a count, answered with nothing but the count
    the earlier answer gave: the model answered the earlier question again
    ("And how many of them led to convictions?" -> "178 FIRs" after "178
    FIRs were registered"). Numbers the follow-up itself states are left out."""
    return _states_only(answer, question, _earlier_count(question, earlier))


def _states_only(text: str, question: str, count: frozenset[str]) -> bool:
    """Whether `text` states numbers beyond the question's own, all of them in `count`."""
    said = numbers(text) - numbers(question)
    return bool(said) and said <= count


def _earlier_count(question: str, earlier: Earlier) -> frozenset[str]:
    """For a count follow-up, the count the earlier answer gave (less numbers
    the follow-up states itself): an answer span stating only it is not the
    new count, even in a sentence that also states another ("two arrested,
    three at large"), which `_with_new_numbers` keeps."""
    if not _counts_again(question, earlier):
        return frozenset()
    return frozenset(numbers(earlier.answer) - numbers(question))


def _with_new_numbers(question: str, earlier: Earlier, hits: list[Hit]) -> list[Hit]:
    """For a count follow-up, the hits that state a number the earlier answer
    did not: the sentence of the earlier count is not quoted as the new one."""
    count = _earlier_count(question, earlier)
    if not count:
        return hits
    return [h for h in hits if not _states_only(h.passage.text, question, count)]


def _generative(a: Asker, q: str, query: str, earlier: Earlier, lang: str, hits: list[Hit], article: str, source_lang: str) -> Answer:
    deps = a.deps
    gen = deps.generator()
    edition = deps.edition(article, source_lang)
    passages = gv.prompt_passages(gen, edition, hits, query, deps.settings.max_answer_tokens)
    follows = earlier.question
    shown = _shown_follows(a, earlier, article, source_lang)
    result = gv.generate(
        gen, passages, q, follows, lang, hits, source_lang, deps.settings.max_answer_tokens, a.on_token,
        lambda: a.clock.mark("first_token"), shown_follows=shown,
    )
    if result.cited is not None and _repeats_earlier(q, result.text, earlier):
        result = replace(result, cited=None, unsupported=("(the earlier answer's number again)",))
    if result.cited is not None:
        text, cites = gv.finish(deps.aligned, result, hits)
        out = Answer(q, lang, text, False, None, cites, strategy="generative")
        out.decision = {"answered": True, "why": "model answer supported by its cited sentences"}
        out.decision |= _refusal_share(result)
        return a.finish(out, streamed=result.streamed)
    # The model said "not in the article", or its answer was not supported by
    # the sentences: the learned decision may still find the answer in the
    # edition's sentences (a small model refuses too readily); a model that
    # can assess them one by one is asked to (rag/answering/assessor.py).
    # It reads the question as asked, naming the earlier question a follow-up
    # leans on when it can read it ("And how many were convicted? (follow-up
    # to: How many FIRs were registered?)", not the resolved search text "how
    # many were convicted FIRs?"); never the sentence standing in for an
    # earlier question it cannot read: a second sentence beside the one
    # assessed lowers its Yes on the right one (x01: 0.40 against 0.95 alone).
    if source_lang == lang:
        asked = gv.prompt_question(q, shown if shown == earlier.question else "")
        decide = assessed(gen, a.decide, asked) if isinstance(gen, Assessor) else None
        found, why = a.extractive(query, lang, _with_new_numbers(q, earlier, hits), article, decide, _earlier_count(q, earlier))
        if found is not None:
            reason = "model refused" if result.refused else "model answer unsupported: " + ", ".join(result.unsupported)
            found.strategy = "generative-fallback:extractive"
            found.decision = _verdict_json(why) | {"why": f"{reason}; {why.why}"} | _refusal_share(result)
            if result.streamed and a.on_token is not None:
                a.on_token("\n[" + reason + "; replaced by the quoted evidence]\n")
            return a.finish(found)
        why_text = why.why
    else:
        why_text = "the model's answer could not be checked"
    reason = "model refused" if result.refused else "model answer unsupported: " + ", ".join(result.unsupported)
    out = a.refuse(q, lang, "not_in_article", citations=a.closest(hits), why=f"{reason}; {why_text}", streamed=False)
    if out.decision is not None:
        out.decision |= _refusal_share(result)
    return out


def _refusal_share(result: gv.Generated) -> dict[str, float]:
    """The model's first-token share on the refusal, for the JSON (empty when
    the back-end cannot tell)."""
    p = result.refusal_probability
    return {} if p is None else {"refusal_probability": round(p, 3)}


def warm(deps: AnswerDeps) -> None:
    """Load both models and, when there is a single article with an edition
    the chat model reads, process its prompt prefix into the KV cache."""
    from ..prompts import answer_messages

    deps.embed_query("warm up")
    store = deps.store
    articles = store.articles()
    if len(articles) != 1:
        return
    for lang in sorted(store.languages(articles[0])):
        edition = deps.edition(articles[0], lang)
        if edition and lang in deps.llm.reads and lang in deps.llm.writes:
            gen = deps.generator()
            gen_warm = getattr(gen, "warm", None)
            if gen_warm is not None:
                gen_warm(answer_messages(edition, "", lang)[:1])
            return
