"""Answers written by a chat model that reads the edition (English with the
default model), kept only when they are supported by the sentences they cite.

The whole edition is a fixed system prompt (kept in llama.cpp's KV cache, and
on disk), the retrieved sentences and the question follow. The model's own
`[n]` numbers are often slips, so citations are re-chosen by coverage of what
the answer says; the answer is kept only if every number and name in it is in
the cited sentences."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import grounding
from ..llm import Assessor, Generator
from ..prompts import NOT_FOUND, answer_messages, assess_answer_messages
from ..safety import unsafe_output
from ..text import STOPWORDS
from ..types import Hit, Passage
from .assessor import ASSESS_MAJORITY
from .citations import Aligned, cite_passage
from .names import NameIndex, latin_names

_CITE = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Generated:
    """The outcome: `text` with final markers and its citations, or why not."""

    text: str = ""
    cited: list[Passage] | None = None
    refused: bool = False  # the model said the article does not say
    unsupported: tuple[str, ...] = ()
    streamed: bool = False
    refusal_probability: float | None = None  # the model's first-token share on the refusal, when it can tell


def prompt_passages(gen: Generator, edition: list[Passage], hits: Sequence[Hit], question: str, answer_tokens: int) -> list[Passage]:
    """The whole edition when it fits the context (the same prefix for every
    question, so the KV cache is re-used), else the retrieved passages in
    article order, trimmed to fit."""
    budget = gen.n_ctx - answer_tokens - gen.count_tokens(question) - 300
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


class _Stream:
    """Streams the model's tokens to `on_token`, holding back a reply until it
    is clear it is not the refusal marker, and removing the model's `[n]`."""

    def __init__(self, on_token: Callable[[str], None] | None, first: Callable[[], None]) -> None:
        self.on_token = on_token
        self.first = first
        self.buffered: list[str] = []
        self.streaming = False
        self.pending = ""
        self.last = " "

    def emit(self, t: str) -> None:
        if self.on_token is None:
            return
        text = self.pending + t
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut <= 4:
            text, self.pending = text[:cut], text[cut:]
        else:
            self.pending = ""
        text = _CITE.sub("", text)
        if text:
            self.on_token(text)
            self.last = text[-1]

    def __call__(self, t: str) -> None:
        self.first()
        if self.streaming:
            self.emit(t)
            return
        self.buffered.append(t)
        text = "".join(self.buffered)
        if len(text) >= len(NOT_FOUND) + 2 or (text.strip() and not NOT_FOUND.startswith(text.strip()[: len(NOT_FOUND)])):
            if NOT_FOUND not in text.upper():
                self.streaming = True
                self.emit(text)


def prompt_question(question: str, follows: str) -> str:
    """The question as the model reads it: a follow-up names the earlier turn it leans on."""
    return f"{question} (follow-up to: {follows})" if follows else question


def generate(
    gen: Generator,
    passages: list[Passage],
    question: str,
    follows: str,
    language: str,
    hits: Sequence[Hit],
    source_language: str,
    max_tokens: int,
    on_token: Callable[[str], None] | None,
    first_token: Callable[[], None],
    shown_follows: str | None = None,
) -> Generated:
    """Ask the model; `follows` is the earlier question a follow-up leans on
    (its words are not claims of the answer), `shown_follows` how the prompt
    names it (default: `follows`)."""
    shown = follows if shown_follows is None else shown_follows
    prompt_q = prompt_question(question, shown)
    relevant = [h.passage for h in hits[:3] if h.passage.language == source_language]
    stream = _Stream(on_token, first_token)
    raw = gen.chat(answer_messages(passages, prompt_q, language, relevant), max_tokens=max_tokens, on_token=stream, refusal=NOT_FOUND).strip()
    p_refuse = getattr(gen, "last_refusal_probability", None)
    if NOT_FOUND in raw.upper() or not raw or unsafe_output(raw):
        return Generated(refused=True, streamed=stream.streaming, refusal_probability=p_refuse)
    claim = _CITE.sub(" ", raw)
    # Cite the sentences that best cover what the answer says: the model's
    # own numbers are often a slip, so they only break ties.
    own = _cited_passages(raw, passages)
    # The pool is every sentence the model read (retrieval can miss the one
    # it used: a name spelt otherwise in the question); the retrieved ones
    # and the model's own numbers come first among equals.
    pool = list(dict.fromkeys(own + [h.passage for h in hits[:4] if h.passage in passages] + passages))
    order = {x.id: i for i, x in enumerate(pool)}
    ranked = sorted(pool, key=lambda x: (-round(grounding.coverage(claim, x.text), 2), x not in own, order[x.id]))
    cited = [ranked[0]] if ranked else []
    if len(ranked) > 1 and grounding.coverage(claim, ranked[1].text) >= 0.5:
        cited.append(ranked[1])
    asked = f"{question} {follows}"  # words the answer repeats from these are not claims
    check = grounding.verify_answer(claim, [x.text for x in cited], given=asked)
    for extra in ranked[len(cited) : 4]:
        if check.ok:
            break
        # add the sentence that supplies a missing number or name, if any
        trial = grounding.verify_answer(claim, [x.text for x in cited + [extra]], given=asked)
        if len(trial.unsupported) < len(check.unsupported):
            cited, check = cited + [extra], trial
    kind = grounding.answer_type(question)
    if check.ok and not grounding.has_type(claim, kind):
        # "How much money ...?" answered with the children's ages: the answer
        # must give the kind of fact asked for, as the extractive one must
        check = grounding.Check(ok=False, unsupported=(f"(no {kind} in the answer)",))
    text = re.sub(r"\s+([.,;:])", r"\1", claim).strip()
    if check.ok:
        check = _names_kept(question, text, cited, passages, check)
    if check.ok and isinstance(gen, Assessor):
        # The check finds every number and name in the cited sentences, not
        # whether they answer this question ("Rinz" for the names of the two
        # arrested suspects): the model assesses its own answer against each
        # cited sentence, and one it finds likelier No than Yes everywhere fails.
        shares = [gen.yes_share(assess_answer_messages(x.text, prompt_q, text)) for x in cited]
        known = [x for x in shares if x is not None]
        if known and max(known) < ASSESS_MAJORITY:
            check = grounding.Check(ok=False, unsupported=(f"(its own assessment: {max(known):.2f})",))
    if not check.ok:
        return Generated(text=text, unsupported=check.unsupported, streamed=stream.streaming, refusal_probability=p_refuse)
    if stream.streaming and on_token is not None:
        markers = " ".join(f"[{i}]" for i in range(1, len(cited) + 1))
        on_token(("" if stream.last.isspace() else " ") + markers)
    return Generated(text=text, cited=cited, streamed=stream.streaming, refusal_probability=p_refuse)


def _names_kept(question: str, text: str, cited: Sequence[Passage], passages: Sequence[Passage], check: grounding.Check) -> grounding.Check:
    """A name the question asks about, repeated in the answer, must be in a
    cited sentence or the sentence just before one (where "he" of a cited
    sentence points), in some spelling: else the answer pins on that name a
    fact the article gives about someone or something else ("Rinz is 6 years
    old" from the children's ages)."""
    about = [n for n in latin_names(question, STOPWORDS) if re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE)]
    if not about:
        return check
    position = {(x.article, x.language, x.index): x for x in passages}
    near = [x for c in cited for x in (position.get((c.article, c.language, c.index - 1)), c) if x is not None]
    index = NameIndex(x.text for x in near)
    missing = [n for n in about if not index.has(n)]
    if not missing:
        return check
    return grounding.Check(ok=False, unsupported=(f"({', '.join(missing)} not in the cited sentences)",))


def finish(aligned: Aligned, result: Generated, hits: Sequence[Hit]) -> tuple[str, list]:  # type: ignore[type-arg]
    """The answer text with final markers, and its citations."""
    score_of = {h.passage.id: h.score for h in hits}
    cites = [cite_passage(aligned, i, x, score_of.get(x.id, 0.0)) for i, x in enumerate(result.cited or [], start=1)]
    markers = " ".join(f"[{c.n}]" for c in cites)
    return f"{result.text} {markers}".strip(), cites


def _cited_passages(raw: str, passages: list[Passage]) -> list[Passage]:
    out: list[Passage] = []
    for m in _CITE.finditer(raw):
        i = int(m.group(1)) - 1
        if 0 <= i < len(passages) and passages[i] not in out:
            out.append(passages[i])
    return out
