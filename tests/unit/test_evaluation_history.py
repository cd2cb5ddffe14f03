"""Seed items may carry a `history` of earlier [question, answer] turns; the
harness passes it to `ask` so that conversations are evaluated as follow-ups."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag import evaluation
from rag.config import PROJECT_ROOT, Settings
from rag.types import Answer


class HistoryPipeline:
    """Answers «14» only when asked with history; records every call."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []

    def index(self, paths: Sequence[Path] = (), **_: Any) -> dict[str, Any]:
        return {"editions": 2}

    def ask(
        self, question: str, *, article: str | None = None, history: Sequence[tuple[str, str]] = (), **_: Any
    ) -> Answer:
        self.calls.append((question, list(history)))
        if history:
            return Answer(question, "en", "14 people were sentenced.", False)
        return Answer(question, "en", "The article does not say.", True, "not_in_article")


def test_seed_item_history_reaches_ask(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "user-data", articles_dir=PROJECT_ROOT / "seeds")
    items = [
        {
            "id": "conv1",
            "kind": "answerable",
            "lang": "en",
            "q": "And how many were convicted?",
            "history": [["How many FIRs were registered?", "178 FIRs were registered."]],
            "must": [["\\b14\\b|fourteen"]],
            "evidence": [],
        },
        {"id": "plain", "kind": "answerable", "lang": "en", "q": "How many were convicted?", "must": [["14"]]},
    ]
    path = tmp_path / "conv.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    made: list[HistoryPipeline] = []

    def factory(ws: Settings) -> HistoryPipeline:
        made.append(HistoryPipeline(ws))
        return made[-1]

    report = evaluation.evaluate([path], settings, tmp_path / "out", make_pipeline=factory, progress=False)  # type: ignore[arg-type]
    assert made[0].calls == [
        ("And how many were convicted?", [("How many FIRs were registered?", "178 FIRs were registered.")]),
        ("How many were convicted?", []),
    ]
    rows = {r["id"]: r for r in report["sets"][0]["items"]}
    assert rows["conv1"]["passed"]
    assert not rows["plain"]["passed"] and rows["plain"]["why"] == "refused"


def test_a_malformed_history_is_an_item_error_not_a_crash(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "user-data", articles_dir=PROJECT_ROOT / "seeds")
    item = {"id": "bad", "kind": "answerable", "lang": "en", "q": "And?", "history": [["only"]], "must": [["x"]]}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    report = evaluation.evaluate([path], settings, tmp_path / "out", make_pipeline=HistoryPipeline, progress=False)  # type: ignore[arg-type]
    row = report["sets"][0]["items"][0]
    assert row["error"].startswith("ValueError") and not row["passed"]
