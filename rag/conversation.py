"""Conversations: turn a follow-up question into a self-contained retrieval query.

`standalone(question, history, lang_of)` decides whether a question leans on
the conversation before it and, if it does, which words of the history it
needs. It is pure (no models, no pipeline) so that any caller can use it.

How a follow-up is recognised, from the per-language cue data
(`LanguagePack.conversation_cues`, keys below):
- a leading cue: "and …", "also …", "what about …", «اور …», «پھر …»;
- a pronoun that stands for something said before: they / them / their / it /
  he, «ان کے», «انہوں», «وہ»; a demonstrative followed by a noun of its own
  ("these videos", «اس گروہ») names its thing and is no cue;
- ellipsis: the question has no topic word of its own, only question words and
  a predicate ("How many were convicted?", «کتنے فرار ہیں؟»).
A question with none of these is left exactly as it is, so history never
pollutes a self-contained question ("Who is the minister?").

What a follow-up borrows: the topic words (nouns, names, numbers; not the
question word and not the predicate) of the latest earlier question that has
a topic. Earlier follow-ups without a topic of their own are skipped, so
chains resolve to the first question's topic. A refused turn still lends its
question's topic (the user asked about it even if the article was silent),
but never its answer text. When the follow-up points at a person ("he",
«انہوں»), the short first sentence of the previous answer, the fact that was
just given, lends its topic words too ("Rinz").

"What about X?" swaps the topic: the earlier question's question words and
predicate are kept and X replaces its topic.

Across languages (an English follow-up to an Urdu question) the borrowed words
stay in their own script. Retrieval is hybrid: the multilingual embedder maps
«ایف آئی آر» next to "FIRs", and the keyword side matches the words in the
other edition, whose sentences are aligned line by line with the question's
edition. `Query.cross_language` tells the caller this happened, and
`Query.context` carries the earlier answer (unless refused) for a caller that
wants to embed it as a second query.

Shortcuts: topic words are found with word lists and two cheap predicate
rules (English -ed/-ing forms and a few irregular participles; in Urdu, the
word before a light verb or auxiliary), not a parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from . import lang as languages
from .prompts import REFUSALS
from .text import STOPWORDS, normalize

# Per-language cue data (`LanguagePack.conversation_cues`). Keys:
# - leading: words or phrases that open a follow-up ("and how many …").
# - substitute: openers that keep the earlier question and swap its topic.
# - substitute_tail: the same, closing the question (Urdu «… کا کیا؟»).
# - pronouns: always stand for something said before.
# - demonstratives: pronouns only when no content word follows them («ان کے», not «اس گروہ»).
# - final_demonstratives: pronouns only at the end ("Who said that?"); elsewhere
#   they are determiners or relatives ("the gang that was caught").
# - person_pronouns: point at a person, often the one just named in the answer.
# - question_words: ask, never name a topic.
# - fillers: generic words that are no topic of their own ("others", «تعداد»).
# - predicates (en): irregular participles; with -ed/-ing forms, they are the predicate.
# - light_verbs (ur): auxiliaries and light verbs; the word before one is the predicate.
_WORD = re.compile(r"[^\W_]+(?:[/:.-][^\W_]+)*")
_CITATION = re.compile(r"\[\d{1,3}\]")
_SENTENCE_END = re.compile(r"[.!?؟۔\n]")
# Turns refused by screening lend nothing: their question was not about the article.
_SCREENED = frozenset({"unsafe", "off_task"})
_MAX_ANSWER_WORDS = 8  # a longer first sentence is a quoted passage, not the fact just given


@dataclass(frozen=True)
class Query:
    """What retrieval should search for, and why.

    text: the self-contained retrieval query (the question itself when it is
    not a follow-up). carried: the history words added, in order.
    antecedent: index in `history` of the turn whose topic was borrowed.
    cue: 'none', 'leading', 'substitute', 'pronoun' or 'ellipsis'.
    cross_language: the borrowed words are in another language than the question.
    context: the earlier answer (not a refusal) the follow-up leans on, or ''.
    topic: the question's own topic words."""

    text: str
    question: str
    follow_up: bool = False
    carried: tuple[str, ...] = ()
    antecedent: int | None = None
    cue: str = "none"
    cross_language: bool = False
    context: str = ""
    topic: tuple[str, ...] = ()
    pronoun: bool = False  # the follow-up points back with a pronoun ("he", «اس»)


@dataclass(frozen=True)
class _Token:
    surface: str
    norm: str


def _tokens(text: str) -> list[_Token]:
    text = unicodedata.normalize("NFC", _CITATION.sub(" ", text))
    return [_Token(m.group(0), normalize(m.group(0))) for m in _WORD.finditer(text)]


def _cues(lang: str) -> Mapping[str, tuple[str, ...]]:
    pack = languages.find(lang)
    return pack.conversation_cues if pack else {}  # a language without a pack: no cues


def _words(cues: Mapping[str, tuple[str, ...]], *keys: str) -> set[str]:
    return {normalize(w) for key in keys for phrase in cues.get(key, ()) for w in phrase.split()}


def _is_stop(norm: str) -> bool:
    return norm in STOPWORDS or len(norm) < 2


def _is_predicate(tokens: list[_Token], i: int, cues: Mapping[str, tuple[str, ...]]) -> bool:
    word = tokens[i].norm
    if word.isascii() and word.isalpha():
        if i > 0 and tokens[i].surface[:1].isupper():
            return False  # a name inside the sentence (Ahmed, Javed), whatever its ending
        if word in _words(cues, "predicates"):
            return True
        return (word.endswith("ed") and len(word) > 4) or (word.endswith("ing") and len(word) > 5)
    light = _words(cues, "light_verbs")
    return i + 1 < len(tokens) and tokens[i + 1].norm in light


def topic_words(text: str, lang: str) -> list[str]:
    """The words of a question that name what it is about, as written:
    content words that are neither question words, cues, fillers nor the
    predicate. Numbers count (they name a thing: "23 May")."""
    cues = _cues(lang)
    skip = _words(
        cues, "question_words", "fillers", "pronouns", "demonstratives", "final_demonstratives", "leading", "substitute"
    )
    tokens = _tokens(text)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.norm.isdigit():
            out.append(tok.surface)
            continue
        if _is_stop(tok.norm) or tok.norm in skip or _is_predicate(tokens, i, cues):
            continue
        out.append(tok.surface)
    return out


def _starts_with(norm_words: list[str], phrases: Collection[str]) -> int:
    """Length in words of the longest phrase that opens `norm_words`, or 0."""
    best = 0
    for phrase in phrases:
        words = normalize(phrase).split()
        if words and norm_words[: len(words)] == words:
            best = max(best, len(words))
    return best


def _ends_with(norm_words: list[str], phrases: Collection[str]) -> int:
    best = 0
    for phrase in phrases:
        words = normalize(phrase).split()
        if words and len(norm_words) > len(words) and norm_words[-len(words) :] == words:
            best = max(best, len(words))
    return best


def _pronoun_cue(tokens: list[_Token], cues: Mapping[str, tuple[str, ...]]) -> tuple[bool, bool]:
    """(a pronoun stands for something said before, it points at a person)."""
    pronouns = _words(cues, "pronouns")
    demonstratives = _words(cues, "demonstratives")
    finals = _words(cues, "final_demonstratives")
    persons = _words(cues, "person_pronouns")
    skip = _words(cues, "question_words")
    found = person = False
    for i, tok in enumerate(tokens):
        hit = tok.norm in pronouns
        if tok.norm in demonstratives:
            nxt = tokens[i + 1].norm if i + 1 < len(tokens) else ""
            # "these videos" / «اس گروہ» name their thing; «ان کے», «وہ کہاں» do not.
            hit = not nxt or _is_stop(nxt) or nxt in skip
        elif tok.norm in finals:
            hit = i == len(tokens) - 1
        if hit:
            found = True
            person = person or tok.norm in persons
    return found, person


def refusal_kind(answer: str, refusals: Mapping[str, Mapping[str, str]] | None = None) -> str | None:
    """Which fixed refusal an earlier answer is ('not_in_article', 'unsafe', …;
    'empty' for no answer), or None for a real answer."""
    norm = normalize(_CITATION.sub(" ", answer))
    if not norm:
        return "empty"
    for kind, by_lang in (REFUSALS if refusals is None else refusals).items():
        for text in by_lang.values():
            head = normalize(text.split("{")[0])[:40]  # cut before a format field such as {model}
            if head and norm.startswith(head):
                return kind
    return None


def _first_sentence(answer: str) -> str:
    text = _CITATION.sub(" ", answer).strip()
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return parts[0].strip() if parts else ""


def _strip_words(text: str, n_head: int, n_tail: int) -> str:
    """The question without its first n_head and last n_tail words, the rest as written."""
    text = unicodedata.normalize("NFC", _CITATION.sub(" ", text))
    matches = list(_WORD.finditer(text))
    if n_head + n_tail >= len(matches):
        return ""
    start = matches[n_head].start() if n_head else 0
    end = matches[len(matches) - n_tail - 1].end() if n_tail else len(text)
    return text[start:end].strip(" ,،")


def _join(core: str, words: Sequence[str], question: str) -> str:
    """`core` with the borrowed words added before the question mark."""
    core = core.strip().rstrip("?؟").rstrip()
    mark = question.strip()[-1:] if question.strip()[-1:] in ("?", "؟") else ""
    return " ".join(p for p in (core, " ".join(words)) if p) + mark


@dataclass(frozen=True)
class _Cue:
    name: str  # 'none', 'leading', 'substitute', 'pronoun', 'ellipsis'
    head: int = 0  # words of the opening cue
    tail: int = 0  # words of the closing cue (Urdu «… کا کیا؟»)
    person: bool = False  # a pronoun points at a person
    filler: bool = False  # "the others", «باقی»: the same topic, another part of it
    pronoun: bool = False  # a pronoun or demonstrative points back


def _cue(question: str, own: Sequence[str], lang: str) -> _Cue:
    """Whether and how a question leans on what was said before."""
    cues = _cues(lang)
    tokens = _tokens(question)
    norms = [t.norm for t in tokens]
    sub = _starts_with(norms, cues.get("substitute", ()))
    sub_tail = 0 if sub else _ends_with(norms, cues.get("substitute_tail", ()))
    lead = 0 if sub else _starts_with(norms, cues.get("leading", ()))
    pronoun, person = _pronoun_cue(tokens, cues)
    filler = bool(set(norms) & _words(cues, "fillers"))
    if sub or sub_tail:
        return _Cue("substitute", sub or lead, sub_tail, person, filler, pronoun)
    if lead:
        return _Cue("leading", lead, 0, person, filler, pronoun)
    if pronoun:
        return _Cue("pronoun", 0, 0, person, filler, True)
    if not own:
        return _Cue("ellipsis", 0, 0, person, filler)
    return _Cue("none")


@dataclass(frozen=True)
class _Turn:
    question: str
    answer: str
    kind: str | None  # refusal kind, None for an answer
    own: tuple[str, ...]
    resolved: tuple[str, ...]  # own topic plus what a follow-up inherited


def _dedup(words: Sequence[str], seen: set[str] | None = None) -> list[str]:
    seen = set() if seen is None else seen
    out = []
    for w in words:
        n = normalize(w)
        if n not in seen:
            seen.add(n)
            out.append(w)
    return out


def _latest(turns: Sequence[_Turn]) -> int | None:
    """The latest turn that lends a topic (screened turns lend nothing)."""
    return next((i for i in range(len(turns) - 1, -1, -1) if turns[i].resolved), None)


def _read_history(
    history: Sequence[tuple[str, str]], lang_of: Callable[[str], str], refusals: Mapping[str, Mapping[str, str]] | None
) -> list[_Turn]:
    """Each earlier turn with the topic it stands for, resolved in order.
    A refused follow-up keeps only what it inherited: its own new words are
    what the article did not have ("… in Lahore?"), and would pull the next
    query away from the article."""
    turns: list[_Turn] = []
    for q, a in history:
        kind = refusal_kind(a, refusals)
        lang = lang_of(q)
        own = tuple(topic_words(q, lang))
        if kind in _SCREENED:
            turns.append(_Turn(q, a, kind, own, ()))
            continue
        cue = _cue(q, own, lang)
        prior = _latest(turns) if cue.name != "none" else None
        inherited = list(turns[prior].resolved) if prior is not None else []
        if cue.name == "substitute" and own and not cue.filler:
            inherited = []  # "what about X?" replaces the topic
        if kind is not None and inherited:
            resolved = inherited
        else:
            resolved = _dedup([*inherited, *own])
        turns.append(_Turn(q, a, kind, own, tuple(resolved)))
    return turns


def _tolerant(lang_of: Callable[[str], str]) -> Callable[[str], str]:
    """`lang_of` that answers "" for text no language pack reads (an earlier
    turn in Persian must not break the resolution of this one)."""
    from .errors import KhabarError

    def safe(text: str) -> str:
        try:
            return lang_of(text)
        except KhabarError:
            return ""

    return safe


def standalone(
    question: str,
    history: Sequence[tuple[str, str]],
    lang_of: Callable[[str], str],
    *,
    refusals: Mapping[str, Mapping[str, str]] | None = None,
) -> Query:
    """Resolve `question` against the earlier turns `history` ([question,
    answer] pairs, oldest first). `lang_of` gives a text's language code
    (codes of the language packs); `refusals` are the fixed refusal texts by kind and
    language (default `rag.prompts.REFUSALS`): a refused answer lends no words,
    and a turn refused by screening ('unsafe', 'off_task') lends nothing."""
    lang_of = _tolerant(lang_of)
    question = question.strip()
    lang = lang_of(question) if question else ""
    own = topic_words(question, lang)
    if not history or not question:
        return Query(question, question, topic=tuple(own))
    cue = _cue(question, own, lang)
    if cue.name == "none":
        return Query(question, question, topic=tuple(own))

    turns = _read_history(history, lang_of, refusals)
    antecedent = _latest(turns)
    answered = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].kind is None), None)
    seen = {normalize(w) for w in own}
    carried: list[str] = []
    core = _strip_words(question, cue.head, cue.tail)
    if antecedent is not None:
        prev = turns[antecedent]
        if cue.name == "substitute":
            # Keep the earlier question's asking part; the new words replace its topic.
            tokens = _tokens(prev.question)
            opener = _starts_with([t.norm for t in tokens], _cues(lang_of(prev.question)).get("leading", ()))
            drop = set() if (cue.filler or not own) else {normalize(w) for w in prev.own}
            carried += _dedup([t.surface for t in tokens[opener:] if t.norm not in drop], seen)
            if cue.filler or not own:
                carried += _dedup(prev.resolved, seen)
        else:
            carried += _dedup(prev.resolved, seen)
    context = ""
    if answered is not None:
        answer = turns[answered].answer
        context = _CITATION.sub("", answer).strip()
        # A person pronoun, or nothing else to lean on: the fact just given.
        if cue.person or antecedent is None:
            fact = _first_sentence(answer)
            fact_words = topic_words(fact, lang_of(fact)) if fact else []
            if 0 < len(fact_words) <= _MAX_ANSWER_WORDS:
                carried += _dedup(fact_words, seen)
    if not carried:
        return Query(question, question, True, (), antecedent, cue.name, False, context, tuple(own), cue.pronoun)
    languages = {lang_of(w) for w in carried if any(c.isalpha() for c in w)}
    return Query(
        text=_join(core or question, carried, question),
        question=question,
        follow_up=True,
        carried=tuple(carried),
        antecedent=antecedent,
        cue=cue.name,
        cross_language=bool(languages - {lang}),
        context=context,
        topic=tuple(own),
        pronoun=cue.pronoun,
    )
