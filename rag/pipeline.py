"""The Pipeline: one object that owns the settings, the index and the models,
and offers the use cases (index, ask, summarize, articles). The CLI and the UI
are built around it; models load on first use and stay loaded."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import indexer
from .config import Settings
from .corpus import read_capped
from .embedding import Embedder, OnnxEmbedder, SentenceTransformerEmbedder
from .errors import ArticleNotDeletableError, IndexMismatchError, ModelMissingError, UnknownArticleError
from .llm import Generator, LlamaCppGenerator
from .models import ChatModel, resolve_embedder, resolve_llm, verify
from .retrieval import Groups, aligned_groups
from .store import Stamp, Store, manifest_stamp, remove_article
from .types import Answer, ArticleInfo, Hit, Passage, SummaryProgress, SummaryResult

if TYPE_CHECKING:
    from .answering.deps import AnswerDeps
    from .answering.extractive import DecideFn
    from .answering.names import NameIndex


class PipelineLike(Protocol):
    """What the UI and the evaluation need from a pipeline (fakes implement it)."""

    def articles(self) -> list[ArticleInfo]: ...

    def article_text(self, article: str, language: str) -> str: ...

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        article: str | None = None,
        history: Sequence[tuple[str, str]] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> Answer: ...

    def summarize(self, article: str | None = None, lang: str = "both", *, refresh: bool = False) -> SummaryResult: ...

    def summarize_stream(
        self, article: str | None = None, lang: str = "both", *, refresh: bool = False
    ) -> Iterator[SummaryProgress]: ...

    def index(self, paths: Sequence[Path] = (), *, rebuild: bool = False, progress: Callable[[str, float], None] | None = None) -> dict[str, Any]: ...


def _first_sentence(store: Store, article: str, language: str) -> str:
    """An edition's first sentence that may be shown (one addressing the
    assistant never is): the headline when the front matter has no title."""
    usable = store.usable_passages(article, language)
    return usable[0].text.lstrip("-*# ").strip() if usable else ""


class Pipeline:
    """The real pipeline. Back-ends may be injected (tests, evaluation);
    otherwise they are built from the settings on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        decide: DecideFn | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._generator = generator
        self._decide = decide  # the answer decision; the learned one by default
        self._store: Store | None = None
        self._store_stamp: Stamp | None = None
        # built from one store each, and kept with it: a question never gets another store's
        self._groups: tuple[Store, Groups] | None = None
        self._names: tuple[Store, dict[str, NameIndex]] | None = None

    # -- back-ends --
    def embedder(self) -> Embedder:
        if self._embedder is None:
            emb_id, path, spec = resolve_embedder(self.settings)
            backend = self.settings.embedder_backend
            if spec is not None:
                verify(spec, self.settings.models_dir)
            elif not path.exists():
                raise ModelMissingError(emb_id, str(path))
            if spec is not None and backend != "torch":
                from .onnx_export import onnx_dir, verify_onnx

                precision = backend.removeprefix("onnx-")
                onnx_file = verify_onnx(onnx_dir(self.settings, spec.filename, precision), spec.sha256, precision)
                self._embedder = OnnxEmbedder(emb_id, path, onnx_file)
            else:
                self._embedder = SentenceTransformerEmbedder(emb_id, path)
        return self._embedder

    def llm_spec(self) -> ChatModel | Generator:
        """What the chat model reads and writes, without loading it."""
        if self._generator is not None:
            return self._generator
        return resolve_llm(self.settings)

    def generator(self) -> Generator:
        if self._generator is None:
            chat = resolve_llm(self.settings)
            if chat.url:
                from .remote_llm import OpenAIChatGenerator

                s = self.settings
                self._generator = OpenAIChatGenerator(
                    chat.url, chat.id, chat.reads, chat.writes, s.n_ctx, s.seed, s.llm_timeout, s.llm_retries, s.llm_api_key
                )
                return self._generator
            if chat.spec is not None:
                verify(chat.spec, self.settings.models_dir)
            elif not chat.path.exists():
                raise ModelMissingError(chat.id, str(chat.path))
            self._generator = LlamaCppGenerator(
                chat.id,
                chat.path,
                chat.reads,
                chat.writes,
                self.settings.n_ctx,
                self.settings.n_threads,
                self.settings.seed,
                cache_dir=self.settings.data_dir / "kv-cache" / chat.id,
            )
        return self._generator

    def models_info(self) -> dict[str, str]:
        emb_id = self._embedder.id if self._embedder is not None else resolve_embedder(self.settings)[0]
        return {"embedder": emb_id, "llm": self.llm_spec().id}

    # -- index --
    def store(self) -> Store:
        """The loaded index, re-read when another process rebuilt it."""
        index_dir = self.settings.index_dir
        stamp = manifest_stamp(index_dir)
        if self._store is None or stamp != self._store_stamp:
            store = Store.load(index_dir)
            configured = self._embedder.id if self._embedder is not None else resolve_embedder(self.settings)[0]
            if store.manifest.embedder != configured:
                raise IndexMismatchError(store.manifest.embedder, configured)
            self._store, self._store_stamp = store, stamp
        return self._store

    def names(self, article: str) -> NameIndex:
        """The words of an article's editions (sentences that address the
        assistant left out), searchable across spellings and scripts; built
        once per loaded index, not per question."""
        store = self.store()
        cached = self._names
        if cached is None or cached[0] is not store:
            cached = self._names = (store, {})
        if article not in cached[1]:
            from .answering.names import NameIndex

            texts = [p.text for p in store.article_passages(article) if not p.addresses_assistant]
            cached[1][article] = NameIndex(texts)
        return cached[1][article]

    def groups(self) -> Groups:
        """The aligned sentences of the bilingual articles, of the store in use."""
        store = self.store()
        cached = self._groups
        if cached is None or cached[0] is not store:
            cached = self._groups = (store, aligned_groups(store))
        return cached[1]

    def check_article(self, article: str) -> None:
        known = self.store().articles()
        if article not in known:
            raise UnknownArticleError(article, known)

    def index(
        self, paths: Sequence[Path] = (), *, rebuild: bool = False, progress: Callable[[str, float], None] | None = None
    ) -> dict[str, Any]:
        emb_id = self._embedder.id if self._embedder is not None else resolve_embedder(self.settings)[0]
        defaults = [self.settings.articles_dir, self.settings.uploads_dir]
        the_plan = indexer.plan(self.settings.index_dir, list(paths), defaults, emb_id, rebuild)
        report: dict[str, Any] = {"errors": [str(e) for e in the_plan["errors"]], "replaced": the_plan["replaced"]}
        if the_plan["up_to_date"]:
            report.update(up_to_date=True, editions=len(the_plan["editions"]), embedded=[])
            return report
        if not the_plan["editions"] and not the_plan["errors"]:
            report.update(up_to_date=False, editions=0, embedded=[])
        # the store in memory, when it is the one on disk, spares reading the index again
        stamp = manifest_stamp(self.settings.index_dir)
        fresh = self._store is not None and stamp is not None and stamp == self._store_stamp
        built = indexer.build(self.settings.index_dir, self.embedder(), the_plan, progress, self._store if fresh else None)
        # the new index stays in memory: the next question or addition need not load it
        self._store, self._store_stamp = built.pop("store"), built.pop("stamp")
        report.update(built)
        report["up_to_date"] = False
        return report

    def deletable(self, info: ArticleInfo) -> bool:
        """Whether the app may delete an article: every edition's file is in the uploads folder."""
        uploads = self.settings.uploads_dir.resolve()
        return all(Path(str(e.get("path", ""))).resolve().is_relative_to(uploads) for e in info.editions.values())

    def delete_article(self, article: str) -> dict[str, Any]:
        """Delete an article added in the app: its editions leave the index and
        their files leave the uploads folder. An article from the articles
        folder (the shipped `seeds/`, or any folder given to `khabar index`) is
        refused with ArticleNotDeletableError: the app never deletes files
        outside its data folder, and an index-only removal would come back at
        the next `khabar index`. Returns {"article", "editions", "files"}."""
        info = next((a for a in self.articles() if a.article == article), None)
        if info is None:
            raise UnknownArticleError(article, self.store().articles())
        if not self.deletable(info):
            uploads = self.settings.uploads_dir.resolve()
            outside = [
                Path(str(e.get("path", ""))).name
                for e in info.editions.values()
                if not Path(str(e.get("path", ""))).resolve().is_relative_to(uploads)
            ]
            raise ArticleNotDeletableError(article, sorted(outside))
        files: list[str] = []

        def unlink_files(entries: dict[str, dict[str, Any]]) -> None:
            uploads = self.settings.uploads_dir.resolve()
            for entry in entries.values():
                path = Path(str(entry.get("path", ""))).resolve()
                if path.is_relative_to(uploads):  # checked again under the lock: never a file elsewhere
                    path.unlink(missing_ok=True)
                    files.append(path.name)

        removed = remove_article(self.settings.index_dir, article, before_save=unlink_files)
        self._store = None  # re-read, with the names and alignment groups that go with it
        return {"article": article, "editions": sorted(removed), "files": sorted(files)}

    # -- use cases --
    def retrieve(self, question: str, k: int | None = None, article: str | None = None) -> list[Hit]:
        from .retrieval import retrieve

        qvec = self.embedder().embed_queries([question])[0]
        return retrieve(self.store(), question, qvec, k or self.settings.k, article=article, groups=self.groups())

    def answer_deps(self) -> AnswerDeps:
        """What answering needs, handed over explicitly (no reach-back)."""
        from .answering.deps import AnswerDeps

        store = self.store()
        return AnswerDeps(
            settings=self.settings,
            store=store,
            embed_query=lambda text: self.embedder().embed_queries([text])[0],
            generator=self.generator,
            llm=self.llm_spec(),
            groups=self.groups(),
            aligned=self.aligned,
            names=self.names,
            models=self.models_info(),
        )

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        article: str | None = None,
        history: Sequence[tuple[str, str]] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        from .answering.ask import ask, validate_question
        from .text import detect_language

        # a bad question (empty, too long, a language no pack reads) is a usage error, index or not
        detect_language(validate_question(question, self.settings.max_question_chars))
        if article is not None:
            self.check_article(article)
        from functools import partial

        from .answering.learned import learned_decision

        # the learned decision reads the embedder's token states (the span reader) when it has them
        decide: DecideFn = self._decide or partial(learned_decision, states=self.embedder)
        return ask(self.answer_deps(), question, decide=decide, k=k, article=article, history=history, on_token=on_token)

    def summarize(self, article: str | None = None, lang: str = "both", *, refresh: bool = False) -> SummaryResult:
        from .summarize import summarize

        return summarize(self, article, lang, refresh=refresh)

    def summarize_stream(
        self, article: str | None = None, lang: str = "both", *, refresh: bool = False
    ) -> Iterator[SummaryProgress]:
        """The summary as it grows: Urdu at once, then English point by point."""
        from .summarize import summarize_stream

        return summarize_stream(self, article, lang, refresh=refresh)

    def articles(self) -> list[ArticleInfo]:
        store = self.store()
        manifest = store.manifest
        out: dict[str, ArticleInfo] = {}
        for info in manifest.editions.values():
            a = out.setdefault(info["article"], ArticleInfo(info["article"], {}, ""))
            a.editions[info["language"]] = {
                "path": info["path"],
                "sha256": info.get("sha256", ""),
                "sentences": info["sentences"],
                "provenance": info.get("meta", {}).get("provenance", "original"),
                # sentences that address the assistant: never quoted or sent to the model
                "flagged": store.flagged_count(info["article"], info["language"]),
                "title": info.get("meta", {}).get("title") or _first_sentence(store, info["article"], info["language"]),
            }
            a.indexed_at = max(a.indexed_at, info.get("indexed_at", ""))
        return [out[k] for k in sorted(out)]

    def article_text(self, article: str, language: str) -> str:
        for info in self.store().manifest.editions.values():
            if info["article"] == article and info["language"] == language:
                return read_capped(Path(info["path"])).decode("utf-8").removeprefix("\ufeff")
        raise UnknownArticleError(f"{article} ({language})", self.store().articles())

    def aligned(self, passage: Passage) -> dict[str, Any] | None:
        """The sentence(s) of the other edition aligned with a passage."""
        others = sorted(self.groups().get(passage.id, ()))
        if not others:
            return None
        ps = [self.store().passages[i] for i in others]
        return {
            "article": ps[0].article,
            "start": min(x.start for x in ps),
            "end": max(x.end for x in ps),
            "text": " ".join(x.text for x in ps),
            "language": ps[0].language,
        }

    def warm(self) -> None:
        """Load the models and process the article prefix ahead of the first
        question (chat and app start-up)."""
        from .answering.ask import warm

        warm(self.answer_deps())
