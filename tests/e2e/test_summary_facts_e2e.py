"""The real bilingual summary of the seed article against a list of its key
facts (tests/e2e/summary_facts.json): how many facts each language carries,
no number that the article does not state, and every point citing sentences
that hold its facts. Also: the Markdown lists every cited sentence under the
JSON's numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from rag.cli import summary_markdown
from rag.text import normalize, numbers

FACTS = json.loads((Path(__file__).with_name("summary_facts.json")).read_text(encoding="utf-8"))
NEEDED = {"en": 10, "ur": 8}  # of the 12 facts


def _found(pattern: str, text: str) -> bool:
    return re.search(pattern, normalize(text), re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def seed_summary(real_pipeline: Any) -> Any:
    return real_pipeline.summarize(FACTS["article"], "both", refresh=True)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_summary_carries_the_key_facts(seed_summary: Any, seed_text: dict[str, str], lang: str) -> None:
    summary = seed_summary.summaries[lang]
    assert not summary.refused and summary.headline is not None and 4 <= len(summary.points) <= 7
    points = [summary.headline, *summary.points]
    text = " ".join(p.text for p in points)
    covered = [f["id"] for f in FACTS["facts"] if _found(f[lang], text)]
    assert len(covered) >= NEEDED[lang], f"{lang} covers {covered}"
    # no number that the article does not state
    assert numbers(text) - {"1"} <= numbers(seed_text[lang]), text
    # each point's citations hold its facts and its numbers
    for p in points:
        cited = " ".join(c.text for c in p.citations)
        assert p.citations and all(c.language == lang for c in p.citations)
        for f in FACTS["facts"]:
            if _found(f[lang], p.text):
                assert _found(f[lang], cited), f"{f['id']} in {p.text!r} but not in its citations"
        assert numbers(p.text) - {"1"} <= numbers(cited), p.text


@pytest.mark.e2e
def test_markdown_sources_match_the_json_numbers(seed_summary: Any) -> None:
    md = summary_markdown(seed_summary)
    for lang, summary in seed_summary.summaries.items():
        section = md.split("## English")[1] if lang == "en" else md.split("## English")[0]
        cited = {c.n: c.text for p in [summary.headline, *summary.points] if p for c in p.citations}
        assert cited and sorted(cited) == list(range(1, len(cited) + 1))
        for n, text in cited.items():
            assert f"[{n}] {text}" in section
