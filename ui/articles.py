"""The Articles tab: the list by headline, pickers, a preview, uploads of several
files at once, and deleting an article added in the app.

Everything shown is computed when asked (on each page load and after each
change), never once when the page is built: an upload stays in the list and
in both pickers after a reload. Articles are shown by headline everywhere in the
app (`title_of`: front-matter `title:` or the first sentence), ids only in the table.

Deleting is for articles added in the app (files in the uploads folder): the
pipeline removes them from the index and the folder. An article that came from
the articles folder (the shipped seed) is refused with how to remove it; the
app never deletes a file outside its data folder, and an index-only removal
would silently come back at the next `khabar index`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.errors import IndexMissingError, KhabarError, UsageError
from rag.types import ArticleInfo

from .i18n import language_name, t
from .render import body_start, direction, text_direction
from .uploads import save_upload

ALL_ARTICLES = "__all__"
PREVIEW_CHARS = 1500  # per edition: enough to recognise the article without a long scroll


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _infos(pipeline: Any) -> list[ArticleInfo]:
    try:
        return list(pipeline.articles())
    except IndexMissingError:
        return []


def title_of(info: ArticleInfo, lang: str) -> str:
    """The one name the app shows for an article: in the pickers, the table, the
    cleared-chat note, the evidence and the citations. Its headline (front matter
    `title:` or its first sentence, `ArticleInfo.title`) from the `lang` edition when
    there is one, else from the original; the id only when no edition has one."""
    return info.title(lang)


def choices(infos: Sequence[ArticleInfo], lang: str) -> list[tuple[str, str]]:
    """(headline, id) for a picker, the headline in the interface language's edition when there is one."""
    return [(title_of(info, lang), info.article) for info in infos]


def from_uploads(info: ArticleInfo, uploads: Path) -> bool:
    folder = uploads.resolve()
    return all(Path(str(e.get("path", ""))).resolve().is_relative_to(folder) for e in info.editions.values())


def headers(lang: str) -> list[str]:
    keys = ("headline", "id", "editions", "sentences", "source", "flagged", "indexed_at")
    return [t(f"articles.{k}", lang) for k in keys]


def rows(infos: Sequence[ArticleInfo], lang: str, uploads: Path) -> list[list[str]]:
    """The table: headline, id, editions, sentences, where it came from, sentences flagged as
    addressing the assistant (ignored when answering), when it was indexed."""
    out = []
    for info in infos:
        langs = sorted(info.editions)
        names = {g: language_name(g, lang) for g in langs}

        def kind(g: str, info: ArticleInfo = info) -> str:
            value = str(info.editions[g].get("provenance", "") or "")
            return t(f"articles.{value}", lang) if value in ("original", "translation") else value or "—"

        where = t("articles.from_upload" if from_uploads(info, uploads) else "articles.from_folder", lang)
        out.append(
            [
                title_of(info, lang),
                info.article,
                t("list.comma", lang).join(f"{names[g]} ({kind(g)})" for g in langs),
                ", ".join(f"{names[g]}: {info.editions[g].get('sentences', '?')}" for g in langs),
                where,
                ", ".join(f"{names[g]}: {info.editions[g].get('flagged', 0)}" for g in langs),
                info.indexed_at or "—",
            ]
        )
    return out


def preview_html(info: ArticleInfo | None, text_of: Callable[[str, str], str], lang: str) -> str:
    """The start of each edition (original first), as direction-aware paragraphs."""
    if info is None:
        return f'<div class="kh-preview kh-muted" dir="auto">{esc(t("articles.preview_empty", lang))}</div>'
    order = sorted(info.editions, key=lambda g: (info.editions[g].get("provenance") != "original", g))
    parts = []
    for g in order:
        try:
            text = text_of(info.article, g)
        except KhabarError as err:
            parts.append(f'<p class="kh-error" dir="auto">{esc(str(err))}</p>')
            continue
        body = text[body_start(text) :]
        shown, rest = body[:PREVIEW_CHARS], max(0, len(body) - PREVIEW_CHARS)
        paras = "".join(f'<p dir="auto">{esc(line)}</p>' for line in shown.split("\n") if line.strip())
        more = f'<p class="kh-muted" dir="auto">{esc(t("articles.preview_more", lang, n=rest))}</p>' if rest else ""
        title = title_of(info, g)
        parts.append(
            f'<section class="kh-edition" lang="{esc(g)}" dir="{direction(body, text_direction(g))}">'
            f'<h3 dir="auto">{esc(str(title))} <span class="kh-src">{esc(language_name(g, lang))}</span></h3>'
            f"{paras}{more}</section>"
        )
    return f'<div class="kh-preview">{"".join(parts)}</div>'


class Articles:
    """The Articles tab's events around a pipeline; `texts` caches article texts (cleared on change)."""

    def __init__(self, pipeline: Any, settings: Any, texts: dict[tuple[str, str], str] | None = None) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self.texts = texts if texts is not None else {}
        self._by_id: dict[str, ArticleInfo] | None = None  # for `headline`; read again after each change

    def changed(self) -> None:
        """The index changed (an upload, a delete): texts and headlines are read again."""
        self.texts.clear()
        self._by_id = None

    def headline(self, article: str, language: str) -> str:
        """`title_of` an article given by id, preferring the `language` edition (the id if not indexed)."""
        by_id = self._by_id
        if by_id is None:
            by_id = self._by_id = {a.article: a for a in _infos(self.pipeline)}
        info = by_id.get(article)
        return title_of(info, language) if info is not None else article

    @property
    def uploads(self) -> Path:
        return Path(self.settings.uploads_dir)

    def text_of(self, article: str, language: str) -> str:
        if (article, language) not in self.texts:
            self.texts[article, language] = self.pipeline.article_text(article, language)
        return self.texts[article, language]

    def info(self, article: str | None) -> ArticleInfo | None:
        return next((a for a in _infos(self.pipeline) if a.article == article), None)

    def views(self, lang: str, keep: str | None = None, first_summary: bool = False) -> tuple[tuple[Any, ...], str | None]:
        """Fresh (table, chat picker, summary picker, articles picker) from the index, and
        the article the articles picker shows.

        The articles picker shows `keep` (else the first article); the summary
        picker's choice is left alone unless `first_summary` (a page load)."""
        infos = _infos(self.pipeline)
        self._by_id = {a.article: a for a in infos}  # each page load reads the index afresh (`khabar index` may have run)
        picks = choices(infos, lang)
        ids = [a.article for a in infos]
        chosen = keep if keep in ids else (ids[0] if ids else None)
        summary = gr.Dropdown(choices=picks, value=ids[0] if ids else None) if first_summary else gr.Dropdown(choices=picks)
        return (
            gr.Dataframe(value=rows(infos, lang, self.uploads), headers=headers(lang)),
            gr.Dropdown(choices=[(t("chat.all_articles", lang), ALL_ARTICLES), *picks]),
            summary,
            gr.Dropdown(choices=picks, value=chosen),
        ), chosen

    def add(
        self, files: Sequence[Any] | str | None, lang: str, progress: Callable[..., Any] | None = None
    ) -> tuple[str, list[str]]:
        """Save and index each file; returns (status lines as Markdown, ids added).

        Files are checked and saved one by one (a refused file changes nothing and
        does not stop the others), then indexed together in one pass."""
        say = progress or (lambda *a, **k: None)
        paths = [files] if isinstance(files, str) else [str(getattr(f, "name", f)) for f in files or []]
        if not paths:
            return "⚠ " + t("articles.choose_file", lang), []
        lines: list[str] = []
        saved_new: list[Any] = []
        indexed = _infos(self.pipeline)
        titles = {a.article: title_of(a, lang) for a in indexed}
        for file_path in paths:
            name = Path(file_path).name
            try:
                saved = save_upload(Path(file_path), name, self.uploads, indexed, lang)
            except KhabarError as err:
                lines.append(t("articles.not_added", lang, file=f"`{esc(name)}`", error=esc(str(err))))
                continue
            if saved.status == "indexed":
                lines.append(
                    t(
                        "articles.already",
                        lang,
                        file=f"`{esc(name)}`",
                        language=t(f"lang.{saved.language}", lang),
                        title=esc(titles.get(saved.article, saved.article)),
                    )
                )
                continue
            saved_new.append(saved)
        added: list[str] = []
        if saved_new:
            names = ", ".join(s.path.name for s in saved_new)
            say(0.0, desc=t("articles.indexing", lang, file=names))
            try:
                report = self.pipeline.index([s.path for s in saved_new], progress=lambda msg, frac: say(frac, desc=msg))
                problems = [str(e) for e in (report or {}).get("errors", [])]
            except KhabarError as err:
                problems = [str(err)] * len(saved_new)
                report = None
            self.changed()
            now = {a.article: a for a in _infos(self.pipeline)}
            for s in saved_new:
                problem = next((p for p in problems if s.path.name in p), None)
                if report is None and problems:
                    problem = problems[0]
                if problem is not None or s.article not in now:
                    if s.status == "new":
                        s.path.unlink(missing_ok=True)  # the index is unchanged: leave no file it would trip on
                    error = (problem or t("articles.not_indexed", lang)).replace(str(s.path), s.path.name)  # no server paths
                    lines.append(t("articles.not_added", lang, file=f"`{esc(s.path.name)}`", error=esc(error)))
                    continue
                added.append(s.article)
                lines.append(
                    t(
                        "articles.added",
                        lang,
                        file=f"`{esc(s.path.name)}`",
                        title=esc(title_of(now[s.article], lang)),
                        language=t(f"lang.{s.language}", lang),
                    )
                )
        return "\n\n".join(lines), added

    def delete(self, article: str | None, lang: str) -> str:
        """Delete an article added in the app; the status line says what happened."""
        info = self.info(article)
        if info is None or article is None:
            return "⚠ " + t("articles.preview_empty", lang)
        title = title_of(info, lang)
        if not from_uploads(info, self.uploads):
            return "⚠ " + t("articles.not_deletable", lang, title=esc(title))
        try:
            self.pipeline.delete_article(article)
        except UsageError as err:
            return "⚠ " + esc(str(err))
        except KhabarError as err:
            return t("articles.delete_failed", lang, error=esc(str(err)))
        except Exception as exc:  # the tab must say something, never a bare "Error"
            logging.getLogger(__name__).exception("delete failed")
            return t("articles.delete_failed", lang, error=type(exc).__name__)
        self.changed()
        return t("articles.deleted", lang, title=esc(title))
