"""HTML for chat messages, the evidence panel, summaries and the article list.

Every paragraph gets `dir="auto"` so it takes its direction from its own first
strong letter, and each message container gets the direction of its text's
first strong letter (`direction()`): Urdu lines run right to left and English
lines left to right in one conversation, and numbers or Latin names inside an
Urdu line keep their order (the CSS adds `unicode-bidi: plaintext`).
All text from the pipeline or the user is escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag import lang as languages
from rag.types import Answer, ArticleInfo, Citation, Summary, SummaryPoint, SummaryResult

from .i18n import DEFAULT_LANG, DIRECTIONS, STRINGS, language_name, names_language, t

REASONS = ("not_in_article", "unsafe", "cannot_read_source")  # refusal reasons with their own words (`reason.*`)
# a warning badge drawn by CSS (khabar.css .kh-icon): no emoji font is needed, so it never shows as an empty box
WARN = '<span class="kh-icon" aria-hidden="true">!</span>'
# Example questions on an empty chat, in both languages; generic, so they fit any news article.
EXAMPLES: tuple[str, ...] = (
    "یہ خبر کہاں کی ہے؟",
    "اس خبر میں کون شامل ہے؟",
    "Where did this happen?",
    "Who is named in the article?",
)
_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def _by_id(article: str, language: str) -> str:
    return article


def language_title(code: str) -> str:
    """A summary's heading: the language's own name, and its English one when
    they differ («اردو · Urdu», "English"); the code when no pack has it."""
    pack = languages.find(code)
    if pack is None:
        return code
    native = pack.native_name or pack.name
    return native if native == pack.name else f"{native} · {pack.name}"


def text_direction(code: str) -> str:
    """'rtl' or 'ltr': how text in language `code` runs ('ltr' when no pack has it)."""
    pack = languages.find(code)
    return pack.direction if pack is not None else "ltr"


@dataclass(frozen=True)
class Page:
    """What the chat's HTML is made for: the interface language of the page (the
    app's own words, looked up in ui/i18n.py) and how an article is named: its
    headline (`headline(article id, edition language)`, see `ui.articles.title_of`).
    The answer and the article's sentences keep their own language."""

    lang: str = DEFAULT_LANG
    headline: Callable[[str, str], str] = field(default=_by_id)

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def language(self, code: str) -> str:
        """A language's name in the interface language ("Urdu", "اردو")."""
        return language_name(code, self.lang)

    @property
    def dir(self) -> str:
        """The interface language's direction: its own sentences run this way."""
        return DIRECTIONS.get(self.lang, "ltr")

    def html(self, key: str, **values: Any) -> str:
        """`t(key)` as escaped HTML with each value in its own `<bdi>`: an English headline
        inside an Urdu sentence (or the reverse) keeps its order and leaves the sentence's alone."""
        marks = {name: f"\x00{i}\x00" for i, name in enumerate(values)}
        text = esc(self.t(key, **marks))
        for name, mark in marks.items():
            text = text.replace(mark, f"<bdi>{esc(str(values[name]))}</bdi>")
        return text


ENGLISH = Page()
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def direction(text: str, default: str = "ltr") -> str:
    """'rtl' or 'ltr' from the first strong letter, as `dir="auto"` would decide.

    A message container needs this explicitly: `dir="auto"` skips children that
    carry their own `dir`, so a container of `<p dir="auto">` would resolve to ltr.
    """
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def cite_link(turn: int, n: int, page: Page = ENGLISH) -> str:
    """A clickable `[n]` that scrolls the evidence panel to citation n of this turn."""
    return f'<a class="kh-cite" href="#kh-ev-{turn}-{n}" title="{esc(page.t("chat.show_evidence"))}">[{n}]</a>'


def paragraphs(text: str, turn: int | None = None, page: Page = ENGLISH) -> str:
    """Escaped text as `<p dir="auto">` paragraphs, `[n]` made into citation links."""
    out = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        body = esc(line)
        if turn is not None:
            body = _CITE.sub(
                lambda m: "".join(cite_link(turn, int(n), page) for n in re.split(r"\s*,\s*", m.group(1))), body
            )
        out.append(f'<p dir="auto">{body}</p>')
    return "".join(out)


def user_html(question: str) -> str:
    return f'<div class="kh-msg" dir="{direction(question)}">{paragraphs(question)}</div>'


def reason_text(reason: str | None, lang: str) -> str:
    """Why something was refused, in `lang` (the interface language)."""
    return t(f"reason.{reason}", lang) if reason in REASONS else t("chat.refused", lang, reason=reason)


def refusal_html(reason: str | None, lang: str) -> str:
    return f'<p class="kh-refusal" dir="auto" data-reason="{esc(reason or "")}">{WARN}{esc(reason_text(reason, lang))}</p>'


def source_html(article: str, language: str, page: Page) -> str:
    """Where a sentence comes from: "— headline · language", the article's id on hover.

    The line runs in the headline's direction, set explicitly: `dir="auto"` skips
    `<bdi>`, so it would take the direction of the language's name instead and put
    the dash after an English headline on an Urdu page."""
    title = page.headline(article, language)
    return (
        f'<span class="kh-src" dir="{direction(title)}" title="{esc(article)}">— <bdi>{esc(title)}</bdi>'
        f" · <bdi>{esc(page.language(language))}</bdi></span>"
    )


def citations_html(citations: Sequence[Citation], turn: int, page: Page = ENGLISH) -> str:
    if not citations:
        return ""
    items = "".join(
        f'<li dir="auto">{cite_link(turn, c.n, page)} <span lang="{c.language}">{cited_text_html(c)}</span>'
        f" {source_html(c.article, c.language, page)}</li>"
        for c in citations
    )
    return f'<ol class="kh-cites">{items}</ol>'


def cited_text_html(c: Citation) -> str:
    """The cited sentence, escaped, with the answer's fact in bold when the
    citation marks one (`highlight`, file offsets inside the sentence)."""
    if c.highlight is None:
        return esc(c.text)
    s, e = c.highlight[0] - c.start, c.highlight[1] - c.start
    if not 0 <= s < e <= len(c.text):
        return esc(c.text)
    return f"{esc(c.text[:s])}<strong>{esc(c.text[s:e])}</strong>{esc(c.text[e:])}"


def refusal_text(answer: Answer, page: Page = ENGLISH) -> str:
    """What the chat says for a refused answer, once, in the interface language.

    "The article may not say this" (the closest sentences follow); for an article
    only in a language the model cannot use, which language, never a model file name.
    A safety refusal keeps the pipeline's own text (it says where to get help).
    """
    if answer.reason == "not_in_article":
        return page.t("chat.may_not_say")
    if answer.reason == "cannot_read_source":
        source = next((c.language for c in answer.citations), "")
        name = page.language(source) if names_language(source) else page.t("chat.other_language")
        return page.t("chat.only_in", source=name, language=page.language(answer.language))
    if answer.answer.strip():
        return answer.answer
    return reason_text(answer.reason, page.lang)


def plain_answer(answer: Answer, page: Page = ENGLISH) -> str:
    """The answer as plain text with its citations (what Copy gives)."""
    lines = [refusal_text(answer, page) if answer.refused else answer.answer.strip()]
    if answer.refused and answer.citations:
        lines.append(page.t("chat.closest"))
    lines += [
        f"[{c.n}] {c.text} ({page.t('chat.source', title=page.headline(c.article, c.language), language=page.language(c.language))})"
        for c in answer.citations
    ]
    return "\n".join(lines)


def follow_up(question: str, language: str) -> str:
    """A generic next question of another kind than `question`, from the pack of
    `language` (`follow_up_suggestions`; the default language's when it has none)."""
    pack = languages.find(language)
    options = pack.follow_up_suggestions if pack is not None else ()
    options = options or languages.default().follow_up_suggestions
    words = set(re.findall(r"\w+", question.lower()))
    return next((text for word, text in options if word not in words), options[-1][1])


def quoted_answer_html(answer: Answer, turn: int, page: Page = ENGLISH) -> tuple[str, list[Citation]]:
    """The answer's body and the citations still to list.

    An answer cut from a sentence (its citation marks the fact: `highlight`) is shown as
    that sentence, quoted once, with the fact in bold; the sentence is then not repeated
    in the citation list. The answer's own words stay only if the sentence does not hold them.
    """
    marked = next((c for c in answer.citations if c.highlight is not None and cited_text_html(c) != esc(c.text)), None)
    if marked is None:
        return paragraphs(answer.answer, turn, page), list(answer.citations)
    words = _CITE.sub("", answer.answer).strip()
    for prefix in ("According to the article:", "مضمون کے مطابق:"):
        words = words.removeprefix(prefix).strip()
    body = "" if words.rstrip("۔.") in marked.text else paragraphs(answer.answer, turn, page)
    body += (
        f'<blockquote class="kh-quote" lang="{marked.language}"><p dir="auto">{cited_text_html(marked)} '
        f'{cite_link(turn, marked.n, page)}</p><p dir="auto">{source_html(marked.article, marked.language, page)}</p>'
        "</blockquote>"
    )
    return body, [c for c in answer.citations if c is not marked]


def answer_html(answer: Answer, turn: int, suggest: bool = True, page: Page = ENGLISH) -> str:
    """A finished answer, said once: the text with linked citations (or the refusal and the
    closest sentences), the cited sentences with the answer's fact in bold, a Copy button
    (plain text), and a suggested follow-up question. The answer and the suggested question
    are in the question's language; the app's own words in the interface language (`page`)."""
    if answer.refused:
        lead = refusal_text(answer, page)
        body = f'<p class="kh-refusal" dir="auto" data-reason="{esc(answer.reason or "")}">{WARN}{esc(lead)}</p>'
        if answer.citations:
            body += f'<p class="kh-muted kh-closest" dir="auto">{esc(page.t("chat.closest"))}</p>'
        body += citations_html(answer.citations, turn, page)
    else:
        lead = answer.answer
        body, rest = quoted_answer_html(answer, turn, page)
        body += citations_html(rest, turn, page)
    tools = (  # the words Copy says after a click are given here, from the same table (static/khabar.js)
        f'<button type="button" class="kh-copy" title="{esc(page.t("chat.copy_title"))}" '
        f'data-done="{esc(page.t("chat.copied"))}" data-failed="{esc(page.t("chat.copy_failed"))}">{esc(page.t("chat.copy"))}</button>'
    )
    if suggest and answer.reason != "unsafe":
        q = follow_up(answer.question, answer.language)
        tools += (
            f'<span class="kh-next" dir="auto">{esc(page.t("chat.ask_next"))} '
            f'<button type="button" class="kh-suggest" dir="auto" lang="{answer.language}">{esc(q)}</button></span>'
        )
    body += f'<div class="kh-tools">{tools}</div><pre class="kh-plain" hidden>{esc(plain_answer(answer, page))}</pre>'
    side = direction(lead, text_direction(answer.language))
    return f'<div class="kh-msg" dir="{side}" lang="{answer.language}">{body}</div>'


def partial_html(text: str, status: str = "") -> str:
    """An answer still streaming, or a status line while it waits for its first word
    ("Searching the article…", how many passages were found, the first-read note)."""
    if text.strip():
        inner = paragraphs(text)
    else:
        inner = "".join(f'<p class="kh-waiting" dir="auto">{esc(line)}</p>' for line in (status or "…").split("\n") if line)
    return f'<div class="kh-msg kh-streaming" dir="{direction(text or status)}">{inner}</div>'


def finished(content: str) -> bool:
    """Whether a chat message is a finished answer (`answer_html`), not a streaming, stopped or failed one."""
    return bool(re.match(r'<div class="kh-msg" dir="(?:ltr|rtl)" lang="', content))


def stopped_html(content: str, page: Page = ENGLISH) -> str:
    """A streaming answer the reader stopped: what had arrived, marked as stopped."""
    inner = re.sub(r'<p class="kh-waiting"[^>]*>.*?</p>', "", content, flags=re.DOTALL)
    inner = inner.replace("kh-msg kh-streaming", "kh-msg kh-stopped", 1)
    note = f'<p class="kh-muted" dir="auto">{esc(page.t("chat.stopped"))}</p>'
    return inner[: inner.rfind("</div>")] + note + "</div>" if inner.endswith("</div>") else inner + note


def error_html(message: str) -> str:
    return f'<div class="kh-msg kh-error" dir="{direction(message)}"><p dir="auto">{WARN}{esc(message)}</p></div>'


def question_text(user_message: str) -> str:
    """The question back from its `user_html` (for Retry and Undo)."""
    return html.unescape("\n".join(re.findall(r'<p dir="auto">(.*?)</p>', user_message, re.DOTALL)))


def body_start(text: str) -> int:
    m = _FRONT_MATTER.match(text)
    return m.end() if m else 0


def highlighted_article(text: str, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """The article body as paragraphs, each span (start, end, id, title) wrapped in `<mark>`."""
    start = min([body_start(text), *(s for s, _, _, _ in spans)])
    out, pos = [], start
    for line in text[start:].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        cuts = sorted((max(s, a), min(e, b), i, t) for s, e, i, t in spans if s < b and e > a)
        parts, cur = [], a
        for s, e, ident, title in cuts:
            if s < cur:  # overlapping citations: mark the rest only
                s = cur
            if s >= e:
                continue
            parts.append(esc(text[cur:s]))
            parts.append(f'<mark id="{ident}" title="{esc(title)}">{esc(text[s:e])}</mark>')
            cur = e
        parts.append(esc(text[cur:b]))
        out.append(f'<p dir="auto">{"".join(parts)}</p>')
    return "".join(out)


def evidence_turn_html(
    turn: int,
    question: str,
    answer: Answer,
    article_text: Callable[[str, str], str],
    open_: bool,
    page: Page = ENGLISH,
) -> str:
    """Evidence for one answer: the cited passages, then each cited article highlighted,
    each named by its headline."""
    cards = []
    for c in answer.citations:
        aligned = ""
        if c.aligned:
            a = c.aligned
            other = str(a.get("language", ""))
            aligned = (
                f'<div class="kh-aligned" dir="auto" lang="{esc(other)}">{esc(str(a.get("text", "")))}'
                f'<span class="kh-src" dir="auto">{esc(page.t("chat.edition", language=page.language(other)))}</span></div>'
            )
        cards.append(
            f'<div class="kh-passage" id="kh-ev-{turn}-{c.n}">'
            f'<div class="kh-pass-head" dir="auto"><a class="kh-jump" href="#kh-mark-{turn}-{c.n}">[{c.n}]</a> '
            f"{source_html(c.article, c.language, page)}</div>"
            f'<div class="kh-pair"><div class="kh-source" dir="auto" lang="{c.language}">{cited_text_html(c)}</div>{aligned}</div></div>'
        )
    groups: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
    for c in answer.citations:
        title = f"[{c.n}]" + (f" ↔ {c.aligned.get('text', '')}" if c.aligned else "")
        groups.setdefault((c.article, c.language), []).append((c.start, c.end, f"kh-mark-{turn}-{c.n}", title))
    articles = []
    for (article, language), spans in groups.items():
        try:
            body = highlighted_article(article_text(article, language), spans)
        except Exception as err:  # the panel must not break the chat if one text is unreadable
            body = f'<p class="kh-error" dir="auto">{esc(page.t("chat.text_unreadable", error=str(err)))}</p>'
        head = page.html("chat.evidence_article", title=page.headline(article, language), language=page.language(language))
        articles.append(
            f'<details class="kh-article"{" open" if open_ else ""}>'
            f'<summary dir="{page.dir}" title="{esc(article)}">{head}</summary>{body}</details>'
        )
    if not cards:
        cards.append(f'<p class="kh-muted" dir="auto">{esc(page.t("chat.no_passages"))}</p>')
    return (
        f'<details class="kh-turn" id="kh-turn-{turn}"{" open" if open_ else ""}>'
        f'<summary dir="auto">{esc(question)}</summary>'
        f'<div class="kh-passages">{"".join(cards)}</div>{"".join(articles)}</details>'
    )


def retrieved_html(question: str, passages: Sequence[tuple[str, str, str]], page: Page = ENGLISH) -> str:
    """The passages retrieval found for a question still being answered: (article, language, text)."""
    items = "".join(
        f'<div class="kh-passage kh-found"><div class="kh-pass-head" dir="auto">{source_html(article, language, page)}</div>'
        f'<div class="kh-source" dir="auto" lang="{esc(language)}">{esc(text)}</div></div>'
        for article, language, text in passages
    )
    return (
        f'<details class="kh-turn kh-retrieved" open><summary dir="auto">{esc(question)}</summary>'
        f'<p class="kh-muted" dir="auto">{esc(page.t("chat.found"))}</p><div class="kh-passages">{items}</div></details>'
    )


def evidence_html(
    turns: Sequence[tuple[str, Answer]],
    article_text: Callable[[str, str], str],
    pending: str = "",
    page: Page = ENGLISH,
) -> str:
    """The evidence panel: `pending` (the retrieved passages of a question being answered)
    first, then the newest answer open and older ones folded."""
    if not turns and not pending:
        return f'<div class="kh-evidence kh-muted" dir="auto">{esc(page.t("chat.evidence_empty"))}</div>'
    blocks = [
        evidence_turn_html(i, q, a, article_text, open_=(i == len(turns) - 1 and not pending), page=page)
        for i, (q, a) in reversed(list(enumerate(turns)))
    ]
    return f'<div class="kh-evidence">{pending}{"".join(blocks)}</div>'


def summary_cite_link(language: str, n: int, ui_lang: str = DEFAULT_LANG) -> str:
    """A clickable `[n]` that opens the summary's Sources and scrolls to sentence n."""
    return f'<a class="kh-cite" href="#kh-sum-{language}-{n}" title="{esc(t("summary.show_sentence", ui_lang))}">[{n}]</a>'


def summary_html(
    summary: Summary | None,
    language: str,
    pending: str = "",
    ui_lang: str = DEFAULT_LANG,
    headline: Callable[[str, str], str] = _by_id,
) -> str:
    """One language's summary: the headline sentence, the points with their own
    clickable citation numbers and the Sources (every cited sentence, under
    the same numbers as the JSON and the Markdown, its article named by
    `headline`); or the refusal reason. `pending` is shown below while more
    points are being written; the page's own words are in `ui_lang`."""
    title = language_title(language)
    side = text_direction(language)
    if summary is None:
        note = f'<p class="kh-muted kh-pending" dir="auto">{esc(pending)}</p>' if pending else (
            f'<p class="kh-muted" dir="auto">{esc(t("summary.none", ui_lang))}</p>'
        )
        return f'<div class="kh-summary"><h3 dir="auto">{title}</h3>{note}</div>'
    if summary.refused:
        return f'<div class="kh-summary" dir="{side}" lang="{language}"><h3 dir="auto">{title}</h3>{refusal_html(summary.reason, ui_lang)}</div>'

    def marks(point: SummaryPoint) -> str:
        return "".join(summary_cite_link(language, c.n, ui_lang) for c in point.citations)

    head = ""
    if summary.headline is not None:
        head = f'<p class="kh-headline" dir="auto"><strong>{esc(summary.headline.text)}</strong> {marks(summary.headline)}</p>'
    items = "".join(f'<li dir="auto">{esc(p.text)} {marks(p)}</li>' for p in summary.points)
    sources = "".join(
        f'<li dir="auto" id="kh-sum-{language}-{c.n}" class="kh-passage">[{c.n}] <span lang="{c.language}">{esc(c.text)}</span>'
        f" {source_html(c.article, c.language, Page(ui_lang, headline))}</li>"
        for c in summary.sources()
    )
    sources_html = (
        f'<details class="kh-sources"><summary dir="auto">{esc(t("summary.sources", ui_lang, n=len(summary.sources())))}</summary>'
        f'<ol class="kh-cites">{sources}</ol></details>'
        if sources
        else ""
    )
    method = ""
    if summary.method:
        known = f"summary.method.{summary.method}" in STRINGS
        words = t(f"summary.method.{summary.method}", ui_lang) if known else summary.method
        method = f'<p class="kh-muted kh-method" dir="auto">{esc(words)}</p>'
    more = f'<p class="kh-muted kh-pending" dir="auto">{esc(pending)}</p>' if pending else ""
    return (
        f'<div class="kh-summary" dir="{side}" lang="{language}"><h3 dir="auto">{title}</h3>'
        f"{head}<ol>{items}</ol>{more}{sources_html}{method}</div>"
    )


def consistency_html(consistency: dict[str, Any], ui_lang: str = DEFAULT_LANG) -> str:
    """Warnings when the Urdu and English summaries disagree; a quiet line when they agree."""
    if not consistency:
        return ""
    mismatches = consistency.get("mismatches") or []
    checked = consistency.get("checked")
    if not mismatches:
        return f'<p class="kh-ok" dir="auto">{esc(t("summary.agree", ui_lang, n=checked))}</p>' if checked else ""
    items = "".join(f'<li dir="auto">{esc(m if isinstance(m, str) else _describe(m, ui_lang))}</li>' for m in mismatches)
    head = esc(t("summary.disagree", ui_lang, n=len(mismatches)))
    return f'<div class="kh-warning" dir="auto"><p>{WARN}{head}</p><ul>{items}</ul></div>'


def _describe(item: Any, ui_lang: str = DEFAULT_LANG) -> str:
    """A consistency mismatch for a reader: `{"ur_point": 1, "en_point": 0,
    "only_ur": ["6"], "only_en": ["10"]}` (rag/summarize.py, points counted
    from 0) -> "Urdu point 2 and English point 1 give different figures; only
    Urdu: 6; only English: 10"."""
    if not isinstance(item, dict):
        return str(item)
    codes = [k[: -len("_point")] for k in item if k.endswith("_point")]
    if len(codes) != 2 or not all(isinstance(item[f"{c}_point"], int) for c in codes):
        return "; ".join(f"{k}: {v}" for k, v in item.items())
    a, b = codes
    parts = [
        t("summary.mismatch", ui_lang, a=language_name(a, ui_lang), i=item[f"{a}_point"] + 1, b=language_name(b, ui_lang), j=item[f"{b}_point"] + 1)
    ]
    for c in codes:
        figures = item.get(f"only_{c}") or []
        if figures:
            listed = t("list.comma", ui_lang).join(map(str, figures))
            parts.append(t("summary.mismatch_only", ui_lang, language=language_name(c, ui_lang), figures=listed))
    return t("list.semicolon", ui_lang).join(parts)


def summary_markdown(result: SummaryResult) -> str:
    """The summaries as a Markdown document (the download)."""
    lines = [f"# Summary of {result.article}", ""]
    for language in languages.codes():
        summary = result.summaries.get(language)
        if summary is None:
            continue
        lines += [f"## {language_title(language)}", ""]
        if summary.refused:
            lines += [f"_{reason_text(summary.reason, language)}_", ""]
            continue
        if summary.headline is not None:
            cites = "".join(f"[{c.n}]" for c in summary.headline.citations)
            lines += [f"**{summary.headline.text}** {cites}".rstrip(), ""]
        for i, p in enumerate(summary.points, 1):
            cites = "".join(f"[{c.n}]" for c in p.citations)
            lines.append(f"{i}. {p.text} {cites}".rstrip())
        lines.append("")
        sources = summary.sources()
        if sources:
            lines += ["Sources:", ""]
            lines += [f"- [{c.n}] {c.text} ({c.article}, {c.language}, characters {c.start}-{c.end})" for c in sources]
            lines.append("")
    mismatches = result.consistency.get("mismatches") or []
    if mismatches:
        lines += ["## Consistency warnings", ""]
        lines += [f"- {m if isinstance(m, str) else _describe(m)}" for m in mismatches]
        lines.append("")
    return "\n".join(lines)


def article_rows(infos: Sequence[ArticleInfo]) -> list[list[str]]:
    """Rows for the Articles table: id, editions, sentences, provenance, sentences
    flagged as addressing the assistant (ignored when answering), indexed at."""
    rows = []
    for info in infos:
        langs = sorted(info.editions)
        rows.append(
            [
                info.article,
                ", ".join(langs),
                ", ".join(f"{lang}: {info.editions[lang].get('sentences', '?')}" for lang in langs),
                ", ".join(f"{lang}: {info.editions[lang].get('provenance', '') or '—'}" for lang in langs),
                ", ".join(f"{lang}: {info.editions[lang].get('flagged', 0)}" for lang in langs),
                info.indexed_at or "—",
            ]
        )
    return rows
