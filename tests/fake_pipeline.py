"""A scripted pipeline implementing `rag.pipeline.PipelineLike`, for UI tests.

It holds one bilingual article in memory, answers the press-conference question
in the language it is asked (Urdu or English) with a citation, refuses anything
else as `not_in_article`, and streams its answer through `on_token` in
sub-word pieces, as a real tokenizer would.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.errors import ArticleError, UnknownArticleError
from rag.types import Answer, ArticleInfo, Citation, Hit, Passage, Summary, SummaryPoint, SummaryProgress, SummaryResult

ARTICLE = "fake_press"
UR_SENTENCE = (
    "وزیر مملکت برائے داخلہ ، طلال چوہدری نے اسلام آباد میں منگل کے روز قومی سائبر کرائم انویسٹی گیشن "
    "ایجنسی (این سی سی آئی اے) کے ساتھ مشترکہ پریس کانفرنس کے دوران اس بڑے سنگ میل کا اعلان کیا۔"
)
EN_SENTENCE = (
    "Minister of State for Interior Talal Chaudhry announced this major milestone on Tuesday in Islamabad "
    "during a joint press conference with the NCCIA."
)
UR_TEXT = (
    "اسلام آباد: پاکستان کے سائبر کرائم واچ ڈاگ نے مظفر گڑھ سے کام کرنے والے ایک نیٹ ورک کا پتہ لگایا ہے۔\n"
    f"{UR_SENTENCE}\n"
    "عہدیداروں کے مطابق ، اس گروہ نے 6 سے 10 سال کی عمر کے بچوں کو نشانہ بنایا۔\n"
)
EN_TEXT = (
    "---\narticle: fake_press\nlanguage: en\nprovenance: translation\n---\n"
    "Islamabad: Pakistan's cybercrime watchdog has uncovered a network operating from Muzaffargarh.\n"
    f"{EN_SENTENCE}\n"
    "According to officials, the gang targeted children aged 6 to 10 years.\n"
)
TEXTS = {"ur": UR_TEXT, "en": EN_TEXT}
UR_ANSWER = "مشترکہ پریس کانفرنس منگل کے روز اسلام آباد میں ہوئی۔ [1]"
EN_ANSWER = "The joint press conference was held on Tuesday, in Islamabad. [1]"
URDU_LETTER = re.compile(r"[\u0600-\u06FF]")


UR_AGES = "عہدیداروں کے مطابق ، اس گروہ نے 6 سے 10 سال کی عمر کے بچوں کو نشانہ بنایا۔"
EN_AGES = "According to officials, the gang targeted children aged 6 to 10 years."


def citation(language: str, n: int = 1, ur: str = UR_SENTENCE, en: str = EN_SENTENCE) -> Citation:
    """Citation [n] of a sentence (the press-conference one unless told), with the other edition aligned."""
    other = "en" if language == "ur" else "ur"
    mine, theirs = (ur, en) if language == "ur" else (en, ur)
    start, a_start = TEXTS[language].index(mine), TEXTS[other].index(theirs)
    aligned = {"article": ARTICLE, "start": a_start, "end": a_start + len(theirs), "text": theirs, "language": other}
    return Citation(n, ARTICLE, start, start + len(mine), mine, 0.8731, language, aligned)  # type: ignore[arg-type]


def _article_id(path: Path) -> str:
    """The id an upload gets, as rag.corpus gives it: the name without suffix and language tag."""
    return re.sub(r"\.(ur|en)$", "", path.stem)


class FakePipeline:
    """Scripted answers; records every `ask` call in `calls` for assertions."""

    def __init__(self, token_delay: float = 0.005, articles_dir: Path | None = None, summary_delay: float = 0.0) -> None:
        self.token_delay = token_delay
        self.summary_delay = summary_delay  # seconds before the first summary step, as a cold model takes
        self.articles_dir = articles_dir
        self.calls: list[dict[str, Any]] = []
        self.indexed: list[Path] = []
        self._lock = threading.Lock()
        self.active = 0  # asks running now
        self.peak_active = 0  # the most asks ever running at once (the queue should keep this at 1)

    def articles(self) -> list[ArticleInfo]:
        editions = {
            lang: {
                "path": f"seeds/{ARTICLE}{'' if lang == 'ur' else '.en'}.txt",
                "sentences": 3,
                "provenance": "original" if lang == "ur" else "translation",
                "title": TEXTS[lang].split("---\n")[-1].splitlines()[0],
            }
            for lang in ("ur", "en")
        }
        infos = [ArticleInfo(ARTICLE, editions, "2025-01-01T00:00:00Z")]
        for p in self.indexed:
            text = p.read_text(encoding="utf-8")
            titled = re.search(r"^title:\s*(.+)$", text, re.MULTILINE)
            body = text.split("---\n")[-1].strip().splitlines()[0]
            edition = {"path": str(p), "sentences": 1, "provenance": "upload", "title": titled.group(1) if titled else body}
            edition["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            infos.append(ArticleInfo(_article_id(p), {"ur": edition}, "now"))
        return infos

    def delete_article(self, article: str) -> dict[str, Any]:
        """Drop an upload from the fake index and its file (the seed is never deleted here either)."""
        for p in list(self.indexed):
            if _article_id(p) == article:
                self.indexed.remove(p)
                p.unlink(missing_ok=True)
                return {"article": article, "editions": [f"{article}:ur"], "files": [p.name]}
        raise UnknownArticleError(article, [a.article for a in self.articles()])

    def article_text(self, article: str, language: str) -> str:
        for p in self.indexed:
            if _article_id(p) == article:
                return p.read_text(encoding="utf-8")
        if article != ARTICLE:
            raise UnknownArticleError(article, [ARTICLE])
        return TEXTS[language]

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        article: str | None = None,
        history: Sequence[tuple[str, str]] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        with self._lock:
            self.calls.append({"question": question, "article": article, "history": list(history), "k": k})
            self.active += 1
            self.peak_active = max(self.peak_active, self.active)
        try:
            return self._answer(question, on_token)
        finally:
            with self._lock:
                self.active -= 1

    def retrieve(self, question: str, k: int | None = None, article: str | None = None) -> list[Hit]:
        """The sentences of the question's edition, the press-conference one first when asked about."""
        language = "ur" if URDU_LETTER.search(question) else "en"
        lines = [line for line in TEXTS[language].split("\n") if line and not line.startswith(("---", "article:", "language:", "provenance:"))]
        known = "پریس کانفرنس" in question or "press conference" in question.lower()
        lines.sort(key=lambda line: not (known and (line in (UR_SENTENCE, EN_SENTENCE))))
        out = []
        for i, line in enumerate(lines[: k or 3]):
            start = TEXTS[language].index(line)
            passage = Passage(i, ARTICLE, language, i, start, start + len(line), line)  # type: ignore[arg-type]
            out.append(Hit(passage, 1.0 / (i + 1)))
        return out

    def _answer(self, question: str, on_token: Callable[[str], None] | None) -> Answer:
        t0 = time.perf_counter()
        language = "ur" if URDU_LETTER.search(question) else "en"
        known = "پریس کانفرنس" in question or "press conference" in question.lower()
        text = (UR_ANSWER if language == "ur" else EN_ANSWER) if known else ""
        first = None
        for i in range(0, len(text), 3):  # sub-word pieces, as a tokenizer would send them
            if on_token:
                on_token(text[i : i + 3])
            first = first or time.perf_counter()
            time.sleep(self.token_delay)
        total = (time.perf_counter() - t0) * 1000
        timings = {"retrieve": 3.0, "first_token": ((first or time.perf_counter()) - t0) * 1000, "total": total}
        if not known:  # refused as the real pipeline does: its fixed text, the closest sentence cited
            closest = [citation(language, 1, UR_AGES, EN_AGES)]
            text = "مضمون میں اس بارے میں کچھ نہیں بتایا گیا۔" if language == "ur" else "The article does not say."
            return Answer(question, language, text, True, "not_in_article", closest, timings, {"llm": "fake"}, "refuse")  # type: ignore[arg-type]
        cited = citation(language)
        if language == "ur":  # as the real extractive answer: the fact marked inside the cited sentence
            at = cited.start + UR_SENTENCE.index("منگل")
            cited.highlight = (at, at + len("منگل"))
        return Answer(question, language, text, False, None, [cited], timings, {"llm": "fake"}, "generate")  # type: ignore[arg-type]

    def summarize(self, article: str | None = None, lang: str = "both", *, refresh: bool = False) -> SummaryResult:
        return list(self.summarize_stream(article, lang, refresh=refresh))[-1].result

    def summarize_stream(
        self, article: str | None = None, lang: str = "both", *, refresh: bool = False
    ) -> Iterator[SummaryProgress]:
        """Urdu at once, then the English headline and point: a headline citing
        sentence [1], a point citing [2] and a point citing [1] again."""
        time.sleep(self.summary_delay)
        ur = Summary(
            "ur",
            [
                SummaryPoint("گروہ نے 6 سے 10 سال کے بچوں کو نشانہ بنایا۔", [citation("ur", 2, UR_AGES, EN_AGES)]),
                SummaryPoint("پریس کانفرنس منگل کو ہوئی۔", [citation("ur")]),
            ],
            method="extractive",
            headline=SummaryPoint("وزیر مملکت نے اعلان کیا۔", [citation("ur")]),
        )
        result = SummaryResult(ARTICLE, {"ur": ur}, {"llm": "fake"})
        yield SummaryProgress(result, 0.25, "Urdu summary ready")
        en = Summary("en", method="abstractive", headline=SummaryPoint("The minister announced it.", [citation("en")]))
        result.summaries["en"] = en
        yield SummaryProgress(result, 0.5, "English: 1 of 3")
        en.points.append(SummaryPoint("The gang targeted children aged 6 to 10.", [citation("en", 2, UR_AGES, EN_AGES)]))
        yield SummaryProgress(result, 0.75, "English: 2 of 3")
        en.points.append(SummaryPoint("The press conference was on Tuesday.", [citation("en")]))
        result.consistency = {"checked": 2, "mismatches": ["ur says 6 children, en says 10"]}
        yield SummaryProgress(result, 1.0, "done", done=True)

    def index(
        self, paths: Sequence[Path] = (), *, rebuild: bool = False, progress: Callable[[str, float], None] | None = None
    ) -> dict[str, Any]:
        for i, path in enumerate(paths):
            if not Path(path).read_text(encoding="utf-8").strip():
                raise ArticleError(str(path), "empty file")
            if progress:
                progress(f"embedding {Path(path).name}", (i + 1) / max(len(paths), 1))
            self.indexed.append(Path(path))
        return {"articles": len(self.articles()), "added": len(paths)}
