"""Summaries on the fakes: the plan (learned scores, fact-kind coverage), Urdu
clauses, the headline, English points written one call each and verified,
citation numbers per language, streaming, the context guard, and the cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTICLE, EN_SENTENCES, UR_SENTENCES
from fake_models import ScriptedGenerator

from rag import summarize as summarize_module
from rag.config import Settings
from rag.errors import UsageError
from rag.pipeline import Pipeline
from rag.summarize import (
    CHAT_TEMPLATE_TOKENS,
    POINT_TOKENS,
    WRITE_SYSTEM,
    extract,
    facets,
    is_boilerplate,
    plan,
    shorten,
    without_dateline,
)
from rag.summary_scorer import FEATURES, SentenceScorer
from rag.types import Passage, Summary

MakePipeline = Callable[..., Pipeline]

# One rewrite per English sentence of the fake article (by sentence index).
REWRITES = [
    "Police arrested a gang in Islamabad on Tuesday.",
    "6 children were rescued in Muzaffargarh.",
    "The suspects sold videos on the dark web.",
    "Rinz was sent on a 14 day remand.",
]


def _gen(p: Pipeline) -> ScriptedGenerator:
    gen = p._generator
    assert isinstance(gen, ScriptedGenerator)
    return gen


def _order() -> list[int]:
    """Sentence indices in the order the model is given them: headline, then points."""
    layout = plan(UR_SENTENCES, "ur", 4)
    return [layout.headline] + [i for g in layout.points for i in g]


def _replies(rewrites: list[str]) -> list[str]:
    """The model's replies, one call per item (headline first)."""
    return [rewrites[i] for i in _order()]


@pytest.fixture
def summary_pipeline(
    make_pipeline: MakePipeline, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Callable[[list[str]], Pipeline]:
    """The fake article with 4 points; its English sentences are all short, so
    the skip for short sentences is turned off here to exercise the model."""
    monkeypatch.setattr(summarize_module, "SHORT_POINT_WORDS", 0)
    s = settings.model_copy(update={"summary_points": 4})

    def make(replies: list[str]) -> Pipeline:
        p = make_pipeline(replies, settings_=s)
        p.index()
        return p

    return make


# --- plan and clauses ------------------------------------------------------------------


def test_plan_uses_every_sentence_once_when_the_article_is_short() -> None:
    layout = plan(UR_SENTENCES, "ur", 4)
    used = [layout.headline] + [i for g in layout.points for i in g]
    assert sorted(used) == [0, 1, 2, 3]
    assert [g[0] for g in layout.points] == sorted(g[0] for g in layout.points)  # article order


def test_plan_prefers_an_uncovered_kind_of_fact_over_a_repeat() -> None:
    sentences = [
        "The council met in the city hall on Monday to discuss the new budget for the schools.",
        "The council met in the city hall on Monday to discuss the new budget for the roads.",
        "The council met in the city hall on Monday to discuss the new budget for the parks.",
        "Officials said 42 teachers will be hired before the next school year begins.",
    ]
    layout = plan(sentences, "en", 1)
    assert layout.points[0][0] == 3 or layout.headline == 3


def test_facets_of_urdu_and_english() -> None:
    assert facets("عدالت نے 14 دن کا ریمانڈ دیا۔", "ur") >= {"who", "how_many"}
    assert facets("On Tuesday the court in Lahore will hear 3 appeals.", "en") >= {"when", "how_many", "next", "who"}
    assert facets("", "ur") == set()


def test_boilerplate_openers_per_language() -> None:
    assert is_boilerplate("یہ بھی پڑھیے سیلاب کے بعد کی زندگی", "ur")
    assert is_boilerplate("Also read: how the river rose", "en")
    assert not is_boilerplate("انھوں نے کہا کہ یہ بھی پڑھیے گا۔", "ur")  # not at the start
    assert not is_boilerplate("Readers also read the report.", "en")
    assert not is_boilerplate("", "ur")


def test_plan_leaves_out_boilerplate_even_when_it_scores_best() -> None:
    longest_wins = SentenceScorer(
        np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.eye(len(FEATURES))[FEATURES.index("log_words")], 0.0
    )
    sentences = [
        "صوبائی حکومت نے سیلاب سے متاثرہ اضلاع میں امدادی کیمپ قائم کر دیے ہیں۔",
        "یہ بھی پڑھیے دریا کا پانی کیسے بڑھا اور شہر کے لوگوں نے اپنے گھر کیسے چھوڑے ضلعی انتظامیہ نے بتایا کہ 40 سکول بند ہیں۔",
        "محکمہ صحت کے مطابق متاثرہ علاقوں میں 12 طبی ٹیمیں کام کر رہی ہیں۔",
    ]
    layout = plan(sentences, "ur", 2, scorer=longest_wins)
    assert layout.headline != 1 and all(1 not in g for g in layout.points)
    assert plan(sentences[1:2], "ur", 1, scorer=longest_wins).headline == 0  # nothing else: kept


def test_plan_of_an_empty_edition_is_an_error() -> None:
    with pytest.raises(ValueError):
        plan([], "ur", 4)


LONG_UR = (
    "حکام نے بتایا کہ تحقیقات کئی ماہ سے جاری تھیں اور مختلف شہروں میں نگرانی کی جا رہی تھی، "
    "جبکہ پولیس نے منگل کو چھاپے کے دوران 6 بچوں کو بازیاب کرا لیا ہے۔"
)


def test_without_dateline_cuts_a_leading_place_and_colon() -> None:
    body = "صوبائی حکومت نے سیلاب سے متاثرہ اضلاع میں امدادی کیمپ قائم کر دیے ہیں۔"
    assert without_dateline("لاہور: " + body) == body
    assert without_dateline("ڈیرہ اسماعیل خان : " + body) == body
    assert without_dateline("LAHORE: The provincial government set up relief camps on Sunday.") == (
        "The provincial government set up relief camps on Sunday."
    )


def test_without_dateline_keeps_a_quotation_colon_and_short_rests() -> None:
    quote = "انھوں نے کہا: ’ہم متاثرین کی ہر ممکن مدد کریں گے۔‘"
    assert without_dateline(quote) == quote  # «انھوں نے کہا» holds stop words: not a place
    assert without_dateline("He said: we will help every family that lost its home.") == (
        "He said: we will help every family that lost its home."
    )
    assert without_dateline("لاہور: تین ہلاک۔") == "لاہور: تین ہلاک۔"  # the rest is no sentence
    assert without_dateline("") == ""


def test_extract_cuts_the_dateline_of_a_paragraph_opening_only() -> None:
    sentence = "لاہور: صوبائی حکومت نے سیلاب سے متاثرہ اضلاع میں امدادی کیمپ قائم کر دیے ہیں۔"
    bullet = "- امدادی کیمپ قائم۔\n"
    raw = bullet + sentence + " " + sentence + "\n- " + sentence

    def passage(start: int) -> Passage:
        return Passage(id=0, article="a", language="ur", index=0, start=start, end=start + len(sentence), text=sentence)

    body = sentence.removeprefix("لاہور: ")
    assert raw[len(bullet) :].startswith(sentence)
    assert extract(passage(len(bullet)), "ur", raw, cut=False) == body  # opens a paragraph, after the highlights
    assert extract(passage(len(bullet) + len(sentence) + 1), "ur", raw, cut=False) == sentence  # mid-paragraph
    assert extract(passage(raw.rindex(sentence)), "ur", raw, cut=False) == sentence  # a bullet highlight
    assert extract(passage(len(bullet)), "ur", raw, cut=True) == body


def test_shorten_keeps_the_clause_holding_the_numbers() -> None:
    assert shorten(LONG_UR, "ur") == "پولیس نے منگل کو چھاپے کے دوران 6 بچوں کو بازیاب کرا لیا ہے۔"


def test_shorten_keeps_the_sentence_when_numbers_are_spread_or_it_is_short() -> None:
    spread = LONG_UR.replace("کئی ماہ", "3 ماہ")
    assert shorten(spread, "ur") == spread
    assert shorten(UR_SENTENCES[1], "ur") == UR_SENTENCES[1]
    assert shorten("A long English sentence, with a comma, stays whole because English has no rule.", "en").startswith("A long")


# --- summaries -----------------------------------------------------------------------------


def test_headline_and_points_per_language_with_their_own_citations(
    summary_pipeline: Callable[[list[str]], Pipeline],
) -> None:
    p = summary_pipeline(_replies(REWRITES))
    result = p.summarize()
    assert set(result.summaries) == {"ur", "en"}
    order = _order()
    for lang, sentences in (("ur", UR_SENTENCES), ("en", EN_SENTENCES)):
        summary = result.summaries[lang]
        assert summary.headline is not None and len(summary.points) == 3
        cited = [summary.headline.citations] + [pt.citations for pt in summary.points]
        # each point cites its own sentence, numbered 1..4 in the order first cited
        assert [[c.n for c in cs] for cs in cited] == [[1], [2], [3], [4]]
        assert [cs[0].text for cs in cited] == [sentences[i] for i in order]
        for cs in cited:
            for c in cs:
                assert c.language == lang and p.article_text(ARTICLE, lang)[c.start : c.end] == c.text
        assert [c.n for c in summary.sources()] == [1, 2, 3, 4]


def test_urdu_is_extractive_and_english_written_by_the_model(summary_pipeline: Callable[[list[str]], Pipeline]) -> None:
    result = summary_pipeline(_replies(REWRITES)).summarize()
    order = _order()
    ur, en = result.summaries["ur"], result.summaries["en"]
    assert ur.method == "extractive" and en.method == "abstractive"
    assert ur.headline is not None and ur.headline.text == UR_SENTENCES[order[0]]
    assert [pt.text for pt in ur.points] == [UR_SENTENCES[i] for i in order[1:]]
    assert en.headline is not None and en.headline.text == REWRITES[order[0]]
    assert [pt.text for pt in en.points] == [REWRITES[i] for i in order[1:]]
    assert result.consistency["checked"] == 3 and result.consistency["mismatches"] == []


def test_json_has_the_headline_field(summary_pipeline: Callable[[list[str]], Pipeline]) -> None:
    data = summary_pipeline(_replies(REWRITES)).summarize().to_json()
    for lang in ("ur", "en"):
        assert set(data["summaries"][lang]) == {"headline", "points", "method"}
        assert data["summaries"][lang]["headline"]["citations"][0]["n"] == 1


def test_a_point_with_a_wrong_number_is_replaced_by_its_sentence(
    summary_pipeline: Callable[[list[str]], Pipeline],
) -> None:
    bad = list(REWRITES)
    bad[1] = bad[1].replace("6 children", "9 children")
    en = summary_pipeline(_replies(bad)).summarize().summaries["en"]
    texts = [en.headline.text if en.headline else ""] + [pt.text for pt in en.points]
    assert EN_SENTENCES[1] in texts and bad[1] not in texts


def test_an_empty_reply_gives_the_sentence_and_markers_are_cut(
    summary_pipeline: Callable[[list[str]], Pipeline],
) -> None:
    replies = _replies(REWRITES)
    replies[2] = "\n"
    replies[3] = "- " + replies[3] + "\nAnything after the first line is ignored."
    en = summary_pipeline(replies).summarize().summaries["en"]
    assert en.points[1].text == EN_SENTENCES[_order()[2]]
    assert en.points[2].text == REWRITES[_order()[3]]


def test_stream_gives_urdu_first_then_english_point_by_point(
    summary_pipeline: Callable[[list[str]], Pipeline],
) -> None:
    p = summary_pipeline(_replies(REWRITES))
    steps = [(s.fraction, s.done, {k: _count(v) for k, v in s.result.summaries.items()}) for s in p.summarize_stream()]
    assert steps[0][2] == {"ur": 4}  # the Urdu summary, with no English yet
    english = [counts.get("en", 0) for _, _, counts in steps]
    assert english[1:] == sorted(english[1:]) and english[-1] == 4 and len(set(english)) == 5  # 0,1,2,3,4
    fractions = [f for f, _, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and steps[-1][1]
    assert len(_gen(p).prompts) == 4  # one model call per point, headline included
    system, user = _gen(p).prompts[0]
    assert system["content"] == WRITE_SYSTEM.format(language="English")
    assert user["content"] == EN_SENTENCES[_order()[0]]


def _count(summary: Summary) -> int:
    return len(summary.points) + (summary.headline is not None)


def test_urdu_alone_calls_no_model(summary_pipeline: Callable[[list[str]], Pipeline]) -> None:
    p = summary_pipeline([])
    result = p.summarize(lang="ur")
    assert list(result.summaries) == ["ur"] and _gen(p).prompts == []


def test_sentences_beyond_the_context_window_are_kept_without_a_call(
    summary_pipeline: Callable[[list[str]], Pipeline],
) -> None:
    p = summary_pipeline([])
    gen = _gen(p)
    gen.n_ctx = POINT_TOKENS + CHAT_TEMPLATE_TOKENS + gen.count_tokens(WRITE_SYSTEM.format(language="English")) + 5
    en = p.summarize(lang="en").summaries["en"]
    assert gen.prompts == []
    assert [pt.text for pt in en.points] == [EN_SENTENCES[i] for i in _order()[1:]]


def test_short_sentences_that_stand_alone_are_kept_without_a_call(
    make_pipeline: MakePipeline, settings: Settings
) -> None:
    p = make_pipeline([], settings_=settings.model_copy(update={"summary_points": 4}))
    p.index()
    en = p.summarize(lang="en").summaries["en"]
    assert _gen(p).prompts == []
    assert [pt.text for pt in en.points] == [EN_SENTENCES[i] for i in _order()[1:]]


def test_a_short_sentence_that_opens_with_a_pronoun_is_still_rewritten(
    make_pipeline: MakePipeline, settings: Settings, articles_dir: Path
) -> None:
    en_file = articles_dir / f"{ARTICLE}.en.txt"
    text = en_file.read_text(encoding="utf-8").replace("The suspects sold", "They sold")
    en_file.write_text(text, encoding="utf-8")
    p = make_pipeline(["The suspects sold the videos on the dark web."] * 4, settings_=settings.model_copy(update={"summary_points": 4}))
    p.index()
    en = p.summarize(lang="en").summaries["en"]
    assert len(_gen(p).prompts) == 1 and _gen(p).prompts[0][1]["content"].startswith("They sold")
    assert "The suspects sold the videos on the dark web." in [pt.text for pt in en.points]


def test_cached_on_second_call_and_refresh_ignores_it(summary_pipeline: Callable[[list[str]], Pipeline]) -> None:
    p = summary_pipeline(_replies(REWRITES) * 2)
    first = p.summarize()
    assert len(_gen(p).prompts) == 4
    second = p.summarize()
    assert len(_gen(p).prompts) == 4 and second.to_json() == first.to_json()
    p.summarize(refresh=True)
    assert len(_gen(p).prompts) == 8


def test_bad_language_is_usage_error(summary_pipeline: Callable[[list[str]], Pipeline]) -> None:
    with pytest.raises(UsageError, match="--lang"):
        summary_pipeline([]).summarize(lang="fr")
