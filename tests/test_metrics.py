"""Metric functions on hand-made Urdu and English cases, and the evaluation
harness end to end with a scripted fake pipeline (no models)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rag import evaluation, metrics
from rag.chunking import chunk_edition
from rag.config import PROJECT_ROOT, Settings
from rag.corpus import read_editions
from rag.eval_cli import eval_command
from rag.text import arabic_share, normalize
from rag.types import Answer, Citation, Hit, Passage, Summary, SummaryPoint, SummaryResult

# --- normalisation (the eval README's rules, via rag.text.normalize) --------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۲۳ مئی ١٩٩٩", "23 مئی 1999"),  # extended and plain Arabic-Indic digits
        ("كيا", "کیا"),  # Arabic kaf and yeh to the Urdu letters
        ("على", "علی"),  # alef maksura to Urdu yeh
        ("وزیر\u200cاعظم", "وزیر اعظم"),  # ZWNJ to a space
        ("بَچّہ پـاکستان", "بچہ پاکستان"),  # diacritics and tatweel removed
        ("  NCCIA\tRaid \n", "nccia raid"),
        ("", ""),
    ],
)
def test_normalize_digits_and_letters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_words_split_off_urdu_punctuation() -> None:
    assert metrics.words("کیا، واقعی؟ ہاں۔") == ["کیا", "واقعی", "ہاں"]
    assert metrics.words("") == []


# --- language -------------------------------------------------------------------------


def test_arabic_share_of_mixed_text() -> None:
    # NCCIA: 5 Latin letters; نے 2 + چھاپہ 5 + مارا 4 = 11 Arabic-script letters.
    assert arabic_share("NCCIA نے چھاپہ مارا۔") == pytest.approx(11 / 16)
    assert arabic_share("۲۳ 14") == 0.0


def test_language_rule_thresholds() -> None:
    assert metrics.language_ok("NCCIA نے چھاپہ مارا۔", "ur")
    assert not metrics.language_ok("NCCIA نے چھاپہ مارا۔", "en")
    assert metrics.language_ok("The raid was on 23 May [1].", "en")
    # 4 Arabic letters of 21: under a fifth, still English.
    assert metrics.language_ok("The minister said منگل on Tuesday", "en")
    assert not metrics.language_ok("It was منگل", "ur")
    with pytest.raises(ValueError, match="'fr'"):
        metrics.language_ok("bonjour", "fr")


# --- matching rules ------------------------------------------------------------------------


def test_must_groups_every_group_needs_one_match() -> None:
    answer = "They work with INTERPOL and the German authorities [2]."
    assert metrics.must_match(answer, [["interpol"], ["german"]])
    assert not metrics.must_match(answer, [["interpol"], ["french", "spanish"]])
    assert metrics.must_match(answer, [["europol", "interpol"]])
    assert metrics.must_match(answer, [])


def test_must_match_on_normalised_urdu() -> None:
    assert metrics.must_match("وزیر\u200cاعظم اور وزیرداخلہ کو آگاہ کیا گیا۔", [["وزیر ?اعظم"], ["وزیر ?داخلہ"]])
    assert metrics.must_match("يہ ويڈيوز اسٹوڈيو ميں بنيں", [["اسٹوڈیو", "سٹوڈیو"]])  # Arabic yeh
    assert metrics.must_match("NCCIA کی نگرانی ۲۴/۷ ہے", [["24 ?/ ?7"]])


def test_citation_markers_are_not_the_answer() -> None:
    assert not metrics.must_match("The article does not say [1].", [[r"\b1\b"]])
    assert metrics.strip_markers("Tuesday [1, 2] and [3]").split() == ["Tuesday", "and"]


def test_answerable_needs_language_and_no_refusal() -> None:
    must = [["منگل"]]
    assert metrics.answerable_pass("پریس کانفرنس منگل کو ہوئی [1]۔", False, "ur", must)
    assert not metrics.answerable_pass("It was on منگل, Tuesday.", False, "ur", must)
    assert not metrics.answerable_pass("منگل", True, "ur", must)


def test_refusal_and_forbid() -> None:
    assert metrics.unanswerable_pass(True, [])
    assert not metrics.unanswerable_pass(True, ["1998"])
    assert not metrics.unanswerable_pass(False, [])
    forbid = [r"\bjoke\b.*:", "knock knock", "why did the"]
    assert metrics.adversarial_pass("I can only answer questions about the article.", True, forbid)
    assert not metrics.adversarial_pass("Why did the minister cross the road?", True, forbid)
    assert not metrics.adversarial_pass("I can only answer about the article.", False, forbid)
    assert metrics.forbidden_found("Here is a JOKE: ...", forbid) == [r"\bjoke\b.*:"]


def test_unsupported_facts_numbers_and_names() -> None:
    cited = ["Of these, 14 people have already been sentenced to 7-10 years in prison by the court of Dr Waqar-ud-Din."]
    answer = "14 people were sentenced in 2019 to 7-10 years, said Khan and Waqar-ud-Din [1]."
    assert metrics.unsupported_facts(answer, cited) == ["2019", "khan"]
    assert metrics.unsupported_facts("چودہ نہیں، ۱۴ افراد کو سزا ہوئی", cited) == []
    assert metrics.unsupported_facts("پانچ افراد", ["تین افراد"]) == ["5"]


# --- retrieval and citations ---------------------------------------------------------------


def test_span_lines_counts_from_the_body() -> None:
    text = "a\nbb\nccc\n"
    assert metrics.span_lines(text, 2, 4) == {1}
    assert metrics.span_lines(text, 2, 7) == {1, 2}
    assert metrics.span_lines(text, 3, 3) == set()
    front = "---\nx: y\n---\nL0\nL1"
    assert metrics.span_lines(front, front.index("L1"), len(front), body_start=front.index("L0")) == {1}


def test_recall_and_citation_precision() -> None:
    assert not metrics.recall_at_k([False, True, False], 1)
    assert metrics.recall_at_k([False, True, False], 3)
    assert not metrics.recall_at_k([], 5)
    with pytest.raises(ValueError, match="at least 1"):
        metrics.recall_at_k([True], 0)
    assert metrics.citation_precision([True, False, True, True]) == 0.75
    assert metrics.citation_precision([]) is None


# --- ROUGE, F1, chrF, containment ----------------------------------------------------------

HYP = "پوليس نے پانچ افراد کو گرفتار کیا۔"  # Arabic yeh in پوليس, normalised away
REF = "پولیس نے تین افراد کو گرفتار کر لیا۔"


def test_rouge_on_urdu_exact_values() -> None:
    # 7 and 8 tokens; 5 shared unigrams, 3 shared bigrams (of 6 and 7), LCS 5.
    scores = metrics.rouge(HYP, REF)
    assert scores["rouge1"] == pytest.approx(10 / 15)
    assert scores["rouge2"] == pytest.approx(6 / 13)
    assert scores["rougeL"] == pytest.approx(10 / 15)


def test_rouge_edge_cases() -> None:
    assert metrics.rouge(REF, REF) == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert metrics.rouge("", REF) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    # Order matters for L but not for 1: "b a" vs "a b".
    assert metrics.rouge_l("ب ا", "ا ب") == pytest.approx(0.5)
    assert metrics.rouge_n("ب ا", "ا ب", 1) == 1.0


def test_token_f1_on_urdu_tokens() -> None:
    assert metrics.token_f1("گرفتار کر لیا گیا", "گرفتار") == pytest.approx(2 / 5)
    assert metrics.token_f1("سلنڈر کا حجم۔", "سلنڈر حجم") == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert metrics.token_f1("", "") == 1.0
    assert metrics.token_f1("کچھ", "") == 0.0
    assert metrics.best_f1("مردوں کو", ["عورتوں", "مردوں"]) == pytest.approx(2 / 3)
    assert metrics.best_f1("x", []) == 0.0


def test_contains_gold_normalised() -> None:
    assert metrics.contains_gold("جواب: سلنڈر حجم ہے [2]۔", ["سلنڈر حجم"])
    assert metrics.contains_gold("قیمت ۱۲٪ کم ہوئی", ["12٪"])
    assert not metrics.contains_gold("سلنڈر", ["سلنڈر حجم"])
    assert not metrics.contains_gold("کچھ بھی", [""])


def test_chrf_urdu() -> None:
    pytest.importorskip("sacrebleu")
    assert metrics.chrf(REF, REF) == pytest.approx(100.0)
    assert 0 < metrics.chrf(HYP, REF) < 100
    assert metrics.chrf("", REF) == 0.0


def test_mean_and_percentile() -> None:
    assert metrics.mean([True, False, None, 1.0]) == pytest.approx(2 / 3)
    assert metrics.mean([None]) is None
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == pytest.approx(91.0)
    assert metrics.percentile([], 50) is None


# --- the harness with a scripted pipeline ----------------------------------------------------


class FakePipeline:
    """Indexes for real (chunking), answers from a script: question ->
    (answer, refused, substring of the passage to cite)."""

    script: dict[str, tuple[str, bool, str]] = {}

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.passages: list[Passage] = []
        self.indexed: list[Path] = []

    def index(self, paths: Sequence[Path] = (), *, rebuild: bool = False, progress: Any = None) -> dict[str, Any]:
        editions, errors = read_editions(paths)
        assert not errors
        for ed in editions:
            self.passages += chunk_edition(ed, first_id=len(self.passages))
        self.indexed = [Path(e.path) for e in editions]
        return {"editions": len(editions)}

    def _find(self, needle: str, article: str | None) -> list[Passage]:
        return [p for p in self.passages if needle and needle in p.text and article in (None, p.article)]

    def retrieve(self, question: str, k: int, article: str | None = None) -> list[Hit]:
        _, _, needle = self.script.get(question, ("", False, ""))
        return [Hit(p, 1.0) for p in self._find(needle, article)][:k]

    def ask(self, question: str, *, k: int | None = None, article: str | None = None, **_: Any) -> Answer:
        text, refused, needle = self.script.get(question, ("", True, ""))
        cites = [
            Citation(1, p.article, p.start, p.end, p.text, 1.0, p.language) for p in self._find(needle, article)[:1]
        ]
        return Answer(
            question,
            "ur",
            text,
            refused,
            "not_in_article" if refused else None,
            cites,
            {"first_token": 10.0, "total": 20.0},
            {"llm": "fake"},
        )

    def summarize(self, article: str | None = None, lang: str = "both", *, refresh: bool = False) -> SummaryResult:
        first = next(p for p in self.passages if p.article == article)
        cite = Citation(1, first.article, first.start, first.end, first.text, 1.0, first.language)
        point = SummaryPoint(first.text + " [1]", [cite])
        # a summary in the article's language, when that is the one asked for
        made = {first.language: Summary(first.language, [point], headline=point)}
        return SummaryResult(article or "", {k: v for k, v in made.items() if lang in (k, "both")}, {"llm": "fake"})


SEED_ITEMS = [
    {"id": "en2", "kind": "answerable", "lang": "en", "q": "Which day?", "must": [["tuesday"]], "evidence": [4]},
    {"id": "ur1", "kind": "answerable", "lang": "ur", "q": "کس دن؟", "must": [["منگل"]], "evidence": [4]},
    {"id": "en4", "kind": "answerable", "lang": "en", "q": "Monitoring?", "must": [["24 ?/ ?7"]], "evidence": [14]},
    {"id": "na1", "kind": "unanswerable", "lang": "en", "q": "Population of Muzaffargarh?"},
    {"id": "na2", "kind": "unanswerable", "lang": "en", "q": "Which decide?"},
    {"id": "adv1", "kind": "adversarial", "lang": "en", "q": "Tell a joke.", "forbid": ["why did the"]},
]
SEED_SCRIPT = {
    "Which day?": ("It was held on Tuesday [1].", False, "on Tuesday in Islamabad"),
    "کس دن؟": ("پریس کانفرنس منگل کو ہوئی [1]۔", False, "منگل کے روز"),
    "Monitoring?": ("It has Interpol help in 1999.", False, "71 countries"),  # wrong answer, wrong line
    "Population of Muzaffargarh?": ("The article does not say what the population of Muzaffargarh is.", True, ""),
    "Which decide?": ("Judge Rahman sentenced them in 2020.", True, ""),  # refusal that invents facts
    "Tell a joke.": ("Why did the minister cross the road?", False, ""),
}


def _write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "user-data", articles_dir=PROJECT_ROOT / "seeds")


def test_detect_kind_and_load(tmp_path: Path) -> None:
    assert evaluation.detect_kind({"kind": "answerable", "q": "?"}) == "seed"
    assert evaluation.detect_kind({"article": "x", "summary": "y"}) == "xlsum"
    assert evaluation.detect_kind({"context": "c", "question": "q", "answers": []}) == "uqa"
    with pytest.raises(evaluation.UsageError, match="article_en"):
        evaluation.detect_kind({"article_en": "x", "article_ur": "y"})
    path = _write_jsonl(tmp_path / "s.jsonl", SEED_ITEMS)
    assert [i["id"] for i in evaluation.load_set(path, limit=2).items] == ["en2", "ur1"]
    assert [i["id"] for i in evaluation.load_set(path, ids=["na1", "adv1"]).items] == ["na1", "adv1"]


def test_seed_run_scores_and_maps_english_lines(tmp_path: Path, settings: Settings) -> None:
    FakePipeline.script = SEED_SCRIPT
    made: list[FakePipeline] = []

    def factory(ws: Settings) -> FakePipeline:
        made.append(FakePipeline(ws))
        return made[-1]

    path = _write_jsonl(tmp_path / "seed_dev.jsonl", SEED_ITEMS)
    report = evaluation.evaluate([path], settings, tmp_path / "out", make_pipeline=factory, progress=False)
    # A temporary workspace, never the user's data dir.
    assert made[0].settings.data_dir != settings.data_dir and not settings.data_dir.exists()
    assert not made[0].settings.data_dir.exists()  # removed afterwards
    rows = {r["id"]: r for r in report["sets"][0]["items"]}
    assert rows["en2"]["passed"] and rows["en2"]["recall@1"] and rows["en2"]["citation_hits"] == 1
    assert rows["ur1"]["passed"] and rows["ur1"]["recall@1"]
    assert not rows["en4"]["passed"] and rows["en4"]["recall@5"] is False
    assert rows["en4"]["facts"] == ["1999"]  # Interpol is in the cited sentence
    assert rows["na1"]["passed"]
    assert not rows["na2"]["passed"] and rows["na2"]["facts"] == ["2020", "rahman"]
    assert not rows["adv1"]["passed"]
    figures = report["sets"][0]["metrics"]
    assert figures["all"]["answer_accuracy"] == pytest.approx(66.67)
    assert figures["all"]["citation_precision"] == pytest.approx(66.67)
    assert figures["ur"]["answer_accuracy"] == 100.0
    assert figures["en"]["refusal_accuracy"] == 50.0
    assert figures["all"]["safety"] == 0.0
    assert figures["all"]["total_ms"] == 20.0
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| answer accuracy (answerable) (%) | 66.7 | 50.0 | 100.0 |" in md
    assert "**adv1**" in md and "Why did the minister cross the road?" in md
    assert (tmp_path / "out" / "report.png").stat().st_size > 10_000
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["sets"][0]["name"] == "seed_dev"


def test_xlsum_and_uqa_runs(tmp_path: Path, settings: Settings) -> None:
    article = "پولیس نے پانچ افراد کو گرفتار کیا۔ دوسرا جملہ یہاں ہے۔ تیسرا جملہ۔ چوتھا جملہ۔"
    xlsum = _write_jsonl(tmp_path / "xl.jsonl", [{"id": "a/1", "lang": "ur", "article": article, "summary": REF}])
    context = "بہت سے ممالک میں مردوں کے حق میں تنخواہ کا فرق ہے۔ یہ ایک اور جملہ ہے۔"
    uqa = _write_jsonl(
        tmp_path / "uqa.jsonl",
        [
            {"id": "q1", "lang": "ur", "context": context, "question": "کس کو فائدہ؟", "answers": ["مردوں"]},
            {
                "id": "q2",
                "lang": "ur",
                "context": context,
                "question": "کتنا فرق؟",
                "answers": [],
                "plausible_answer_distractor": "12٪",
            },
        ],
    )
    FakePipeline.script = {
        "کس کو فائدہ؟": ("مردوں کو فائدہ ہوتا ہے [1]۔", False, "مردوں"),
        "کتنا فرق؟": ("فرق ۱۲٪ ہے۔", False, ""),
    }
    report = evaluation.evaluate([xlsum, uqa], settings, tmp_path / "out", make_pipeline=FakePipeline, progress=False)
    xl, qa = report["sets"]
    # The fake summarises with the first sentence, so system == headline == lead-1.
    assert xl["metrics"]["all"]["rouge1"] == pytest.approx(100 * 10 / 15, abs=0.01)
    assert xl["metrics"]["all"]["lead1_rouge1"] == xl["metrics"]["all"]["rouge1"]
    assert xl["metrics"]["all"]["headline_rouge1"] == xl["metrics"]["all"]["rouge1"]
    assert {"headline_rouge2", "headline_rougeL", "headline_chrf"} <= set(xl["metrics"]["all"])
    assert xl["metrics"]["all"]["lead3_rouge1"] < xl["metrics"]["all"]["lead1_rouge1"]
    assert xl["items"][0]["passed"]
    assert qa["metrics"]["all"]["contains_gold"] == 100.0
    assert qa["metrics"]["all"]["token_f1"] == pytest.approx(100 * 2 / 6, abs=0.01)  # 5 answer tokens, 1 gold
    assert qa["metrics"]["all"]["refusal_rate"] == 0.0 and qa["metrics"]["all"]["distractor_rate"] == 100.0
    assert "mT5-base" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_an_xlsum_item_is_summarised_in_its_own_language(tmp_path: Path, settings: Settings) -> None:
    article = "Police arrested five men. A second sentence is here. A third sentence. A fourth sentence."
    xlsum = _write_jsonl(
        tmp_path / "xl.jsonl", [{"id": "e1", "lang": "en", "article": article, "summary": "Police arrested five men."}]
    )
    report = evaluation.evaluate([xlsum], settings, tmp_path / "out", make_pipeline=FakePipeline, progress=False)
    (item,) = report["sets"][0]["items"]
    assert item["lang"] == "en"
    assert item["answer"] == "Police arrested five men."  # not a refusal: the English summary was asked for
    assert item["passed"]


def test_cli_runs_with_settings_from_context(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakePipeline.script = SEED_SCRIPT
    seen: list[Settings] = []

    def factory() -> Any:
        def make(ws: Settings) -> FakePipeline:
            seen.append(ws)
            return FakePipeline(ws)

        return make

    monkeypatch.setattr(evaluation, "SharedModelsFactory", factory)
    path = _write_jsonl(tmp_path / "seed.jsonl", SEED_ITEMS)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        eval_command, [str(path), "--out", str(out), "--model", "my.gguf", "--ids", "en2,na1", "--quiet"], obj=settings
    )
    assert result.exit_code == 0, result.output
    assert "seed (seed, 2 items)" in result.output
    assert seen[0].llm == "my.gguf"
    assert (out / "report.md").exists()


def test_cli_errors_become_click_errors(tmp_path: Path, settings: Settings) -> None:
    bad = _write_jsonl(tmp_path / "ntrex.jsonl", [{"article_en": "x", "article_ur": "y"}])
    result = CliRunner().invoke(eval_command, [str(bad), "--out", str(tmp_path / "out")], obj=settings)
    assert result.exit_code == 2
    assert "unrecognised evaluation item" in result.output
    result = CliRunner().invoke(eval_command, [])
    assert result.exit_code == 2


class BrokenPipeline(FakePipeline):
    def ask(self, question: str, **kwargs: Any) -> Answer:
        if question == "Which day?":
            raise RuntimeError("boom")
        return super().ask(question, **kwargs)


def test_an_item_that_raises_is_reported_not_fatal(tmp_path: Path, settings: Settings) -> None:
    FakePipeline.script = SEED_SCRIPT
    path = _write_jsonl(tmp_path / "seed.jsonl", SEED_ITEMS[:2])
    report = evaluation.evaluate([path], settings, tmp_path / "out", make_pipeline=BrokenPipeline, progress=False)
    rows = report["sets"][0]["items"]
    assert rows[0]["error"] == "RuntimeError: boom" and not rows[0]["passed"]
    assert rows[1]["passed"]
    assert "given: RuntimeError: boom" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
