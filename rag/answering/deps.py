"""What answering needs from the rest of the system, passed in explicitly
(no reach-back into the Pipeline), so the use case can be tested with fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..config import Settings
from ..llm import Generator
from ..store import Store
from ..types import Passage
from .names import NameIndex


class ModelAbilities(Protocol):
    """What a chat model reads and writes, known without loading it."""

    @property
    def id(self) -> str: ...

    @property
    def reads(self) -> frozenset[str]: ...

    @property
    def writes(self) -> frozenset[str]: ...


@dataclass
class AnswerDeps:
    settings: Settings
    store: Store
    embed_query: Callable[[str], np.ndarray]
    generator: Callable[[], Generator]  # loads the chat model on first call
    llm: ModelAbilities
    groups: dict[int, set[int]]
    aligned: Callable[[Passage], dict[str, Any] | None]
    names: Callable[[str], NameIndex]  # an article's words, searchable across spellings (built once per index)
    models: dict[str, str] = field(default_factory=dict)

    def edition(self, article: str, language: str) -> list[Passage]:
        """The sentences of an edition that may reach the model (those that
        address the assistant are left out: rag/injection.py)."""
        return self.store.usable_passages(article, language)
