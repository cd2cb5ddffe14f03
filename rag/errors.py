"""User-facing errors. Each says what went wrong and how to fix it; the CLI
and the UI convert them once, at the edge."""

from __future__ import annotations


class KhabarError(Exception):
    """Base class: `str(err)` is the message shown to the user."""

    exit_code = 1


class UsageError(KhabarError):
    """Bad input from the user (empty question, too long, bad option)."""

    exit_code = 2


class IndexMissingError(KhabarError):
    def __init__(self, where: str) -> None:
        super().__init__(f"No index at {where}: run `khabar index` first.")


class IndexMismatchError(KhabarError):
    def __init__(self, built_with: str, configured: str) -> None:
        super().__init__(
            f"The index was built with embedder {built_with!r} but {configured!r} is configured: "
            "run `khabar index --rebuild` to re-embed the articles."
        )


class ArticleError(KhabarError):
    """An article file that cannot be read (not UTF-8, empty, binary)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}; fix or remove this file (the other articles are still indexed).")


class UnknownArticleError(KhabarError):
    exit_code = 2

    def __init__(self, article: str, known: list[str]) -> None:
        listed = ", ".join(known) or "none"
        super().__init__(f"No article {article!r} in the index (known: {listed}). Run `khabar index PATH` to add it.")


class ModelMissingError(KhabarError):
    def __init__(self, name: str, path: str) -> None:
        super().__init__(
            f"Model {name!r} is not installed at {path}: run `khabar models --install` (or `make models`)."
        )


class NoTokenStatesError(KhabarError):
    """The embedder cannot give per-token hidden states (an ONNX export made
    before the graph had a `token_states` output, or a back-end without them)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} gives no per-token hidden states: run `khabar models --install` to re-export the ONNX "
            "embedder (or set KHABAR_EMBEDDER_BACKEND=torch)."
        )


class ChecksumError(KhabarError):
    def __init__(self, path: str, expected: str, actual: str) -> None:
        super().__init__(
            f"{path} has sha256 {actual[:16]}..., expected {expected[:16]}...: delete it and run "
            "`khabar models --install` to assemble it again."
        )


class ContextOverflowError(KhabarError):
    def __init__(self, needed: int, available: int) -> None:
        super().__init__(
            f"Requested tokens ({needed}) exceed the model's context window ({available}): "
            "ask a shorter question or lower KHABAR_K."
        )


class LLMServerError(KhabarError):
    """The OpenAI-compatible chat server is down, refuses, or answers nonsense."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        super().__init__(
            f"The chat model server at {url} {problem}. Start it (e.g. `python -m llama_cpp.server --model "
            "MODEL.gguf --port 8080`) or fix KHABAR_LLM_URL; unset KHABAR_LLM_URL to run the local GGUF instead."
        )


class ModelAbilityError(KhabarError):
    """The configured model cannot do what was asked (e.g. read Urdu)."""

    exit_code = 2


class UnsafePathError(KhabarError):
    """A file name built from outside data would land outside its folder."""

    def __init__(self, folder: str, path: str) -> None:
        super().__init__(
            f"Refused to write {path!r}: it is outside {folder}. This comes from an article id or name that "
            "is not a plain file name; re-index the article with a plain `article:` id (letters, digits, . _ -)."
        )


class UnsupportedLanguageError(UsageError):
    """Text in a language no pack in rag/lang reads (Persian, Arabic, Hindi...)."""

    def __init__(self, supported: str, looks_like: str) -> None:
        self.looks_like = looks_like
        super().__init__(
            f"Khabar reads questions in {supported}; this looks like {looks_like}. "
            f"Ask again in {supported.replace(' and ', ' or ')}."
        )


class ArticleNotDeletableError(UsageError):
    """The app deletes only what was added in the app (the uploads folder)."""

    def __init__(self, article: str, files: list[str]) -> None:
        names = ", ".join(files)
        super().__init__(
            f"{article!r} was not added in the app (its files: {names} are in the articles folder), so the app does "
            "not delete it. To remove it, delete those files from the articles folder and run `khabar index`."
        )
