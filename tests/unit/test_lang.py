"""Language packs: the registry, detection (including languages Khabar does
not read), number words, stemming, follow-up markers, refusal texts, and a
third language added as one pack."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from rag import lang, metrics
from rag.config import Settings
from rag.corpus import read_edition
from rag.errors import ArticleError, UnsupportedLanguageError, UsageError
from rag.grounding import answer_type
from rag.lang import LanguagePack, SafetyRules, suffix_stemmer
from rag.pipeline import Pipeline
from rag.prompts import EXTRACTIVE_PREFIX, LANGUAGE_NAMES, REFUSALS, refusal
from rag.retrieval import retrieve
from rag.safety import screen
from rag.store import Manifest, Store
from rag.text import detect_language, is_follow_up, numbers, stem
from rag.types import Passage

# --- registry -------------------------------------------------------------------------


def test_codes_are_the_built_in_packs() -> None:
    assert lang.codes() == ("ur", "en")
    assert lang.get("ur").name == "Urdu"
    assert lang.get("en").direction == "ltr"
    assert lang.get("ur").direction == "rtl"


def test_get_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: ur, en"):
        lang.get("fa")


def test_pack_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="2-3 lower-case letters"):
        LanguagePack(code="Urdu", name="Urdu", script=re.compile("[a-z]"))
    with pytest.raises(ValueError, match="unknown answer kinds"):
        LanguagePack(code="xx", name="X", script=re.compile("[a-z]"), question_words={"colour": ("what colour",)})
    with pytest.raises(ValueError, match="unknown safety rule sets"):
        LanguagePack(code="xx", name="X", script=re.compile("[a-z]"), safety={"rude": SafetyRules(())})


def test_built_in_packs_cannot_be_unregistered() -> None:
    with pytest.raises(ValueError, match="built-in"):
        lang.unregister("ur")


def test_every_pack_has_every_refusal_and_rule_set() -> None:
    for pack in lang.packs():
        assert set(pack.refusals) == {"not_in_article", "unsafe", "off_task", "cannot_read_source"}
        assert set(pack.safety) == set(lang.rule_sets())
        assert pack.extractive_prefix
        assert set(pack.question_words) == set(lang.question_kinds())


# --- detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟",
        "یہ مضمون کس بارے میں ہے؟",
        "ملزمان کو کب گرفتار کیا گیا؟",
        "کیا؟",  # no Urdu-only letter: Urdu is the reading pack for the script
        "Mstislav کب مر گیا؟",  # a foreign name inside an Urdu question
        "Battle of the Bulge کب شروع ہوئی؟",
        "عدالت نے ۲۳ مئی کو فیصلہ سنایا۔",
    ],
)
def test_detect_urdu(text: str) -> None:
    assert lang.detect(text) == "ur"
    assert detect_language(text) == "ur"


@pytest.mark.parametrize(
    "text",
    ["How many children were rescued?", "The raid in مظفر گڑھ was announced.", "", "123?", "Café owners were questioned."],
)
def test_detect_english(text: str) -> None:
    assert lang.detect(text) == "en"


@pytest.mark.parametrize(
    ("text", "looks_like"),
    [
        # Persian: Arabic script, but Persian words (را، است، این، کودک) and no Urdu-only letters
        ("پلیس چند کودک را نجات داد؟", "Persian"),
        ("این مقاله درباره چه چیزی است؟", "Persian"),
        ("چرا دولت این تصمیم را گرفت؟", "Persian"),
        ("کودکان در کدام شهر پیدا شدند؟", "Persian"),
        ("می\u200cخواهم بدانم چه اتفاقی افتاد.", "Persian"),
        # Arabic: ة، ي، ك، أ and Arabic function words
        ("كم عدد الأطفال الذين تم إنقاذهم؟", "Arabic"),
        ("ما هو سبب الاعتقال؟", "Arabic"),
        ("متى بدأت الشرطة التحقيق في القضية؟", "Arabic"),
        # other scripts
        ("पुलिस ने कितने बच्चों को बचाया?", "Devanagari"),
        ("警察救了多少孩子？", "Chinese"),
        ("Сколько детей спасли?", "Cyrillic"),
    ],
)
def test_detect_unsupported_language_raises_a_usage_error(text: str, looks_like: str) -> None:
    with pytest.raises(UnsupportedLanguageError) as info:
        lang.detect(text)
    assert looks_like in str(info.value)
    assert "Khabar reads questions in Urdu and English" in str(info.value)
    assert isinstance(info.value, UsageError)
    assert info.value.exit_code == 2
    with pytest.raises(UnsupportedLanguageError):
        detect_language(text)


@pytest.mark.parametrize("question", ["این مقاله درباره چه چیزی است؟", "كم عدد الأطفال الذين تم إنقاذهم؟"])
def test_ask_in_an_unsupported_language_is_refused_before_any_work(
    make_pipeline: Callable[..., Pipeline], question: str
) -> None:
    # no index exists: the language check comes first, so no wrong "ur" reaches retrieval
    with pytest.raises(UnsupportedLanguageError, match="Urdu and English"):
        make_pipeline().ask(question)


def test_article_in_persian_is_an_article_error(tmp_path: Path) -> None:
    path = tmp_path / "khabar.txt"
    path.write_text("پلیس امروز چند کودک را در شهر نجات داد. این خبر توسط خبرگزاری منتشر شد.\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="Persian"):
        read_edition(path)


def test_article_language_from_its_name_is_not_detected(tmp_path: Path) -> None:
    path = tmp_path / "khabar.ur.txt"
    path.write_text("پولیس نے چھ بچوں کو بازیاب کرایا۔\n", encoding="utf-8")
    assert read_edition(path).language == "ur"


# --- numbers --------------------------------------------------------------------------

URDU_ONE_TO_TWENTY = "ایک دو تین چار پانچ چھ سات آٹھ نو دس گیارہ بارہ تیرہ چودہ پندرہ سولہ سترہ اٹھارہ انیس بیس".split()
ENGLISH_ONE_TO_TWENTY = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty"
).split()


@pytest.mark.parametrize("value", range(1, 21))
def test_number_words_one_to_twenty(value: int) -> None:
    assert lang.get("ur").number_value(URDU_ONE_TO_TWENTY[value - 1]) == value
    assert lang.get("en").number_value(ENGLISH_ONE_TO_TWENTY[value - 1]) == value


@pytest.mark.parametrize(
    ("code", "words", "value"),
    [
        ("ur", "چھ", 6),
        ("ur", "ڈیڑھ", 1.5),
        ("ur", "ڈھائی", 2.5),
        ("ur", "ساڑھے تین", 3.5),
        ("ur", "پونے دو", 1.75),
        ("ur", "سوا سو", 125),
        ("ur", "ڈیڑھ سو", 150),
        ("ur", "سو", 100),
        ("ur", "ہزار", 1000),
        ("ur", "ڈھائی لاکھ", 250_000),
        ("ur", "ساڑھے تین ہزار", 3500),
        ("ur", "دو کروڑ", 20_000_000),
        ("ur", "پچاس ہزار", 50_000),
        ("en", "six", 6),
        ("en", "twenty one", 21),
        ("en", "twenty-one", 21),
        ("en", "one hundred and five", 105),
        ("en", "two thousand five hundred", 2500),
        ("en", "three million", 3_000_000),
        ("en", "hundred", 100),
    ],
)
def test_number_value(code: str, words: str, value: float) -> None:
    assert lang.get(code).number_value(words) == value


@pytest.mark.parametrize(
    ("code", "words"),
    [("ur", "بچے"), ("en", "banana"), ("en", ""), ("ur", "ساڑھے"), ("en", "six apples"), ("ur", "دو تین"), ("en", "two three")],
)
def test_number_value_of_non_numbers_is_none(code: str, words: str) -> None:
    assert lang.get(code).number_value(words) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ڈیڑھ سو افراد گرفتار ہوئے", {"150"}),
        ("ڈھائی لاکھ روپے جرمانہ", {"250000"}),
        ("twenty one people were charged", {"21"}),
        ("سات سال قید", {"7"}),
        ("اسی طرح تفتیش جاری رہی", set()),  # اسی: "likewise", not eighty
        ("3.5 million rupees", {"3.5"}),  # a multiplier after digits stays as written
        ("دو تین دن بعد", {"2", "3"}),  # "two or three days": side by side, not 5
        ("بیس ہزار پانچ سو روپے", {"20500"}),
    ],
)
def test_numbers_reads_number_word_phrases(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


# --- stemming -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [("بچوں", "بچے"), ("کتابیں", "کتاب"), ("rescued", "rescues"), ("rescue", "rescued"), ("cities", "city"), ("raids", "raid")],
)
def test_stem_meets_inflected_forms(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_stem_follows_the_tokens_script() -> None:
    assert stem("بچوں") == lang.get("ur").stem("بچوں") == "بچ"
    assert stem("raids") == lang.get("en").stem("raids") == "raid"
    assert stem("2024") == "2024"
    assert stem("ran") == "ran"  # too short to strip


def test_suffix_stemmer_keeps_a_minimum_stem() -> None:
    s = suffix_stemmer((("ing", ""), ("ies", "y")), min_stem=3)
    assert s("raiding") == "raid"
    assert s("sing") == "sing"
    assert s("parties") == "party"


# --- follow-ups, question kinds, refusals -----------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("And how many were convicted?", True),
        ("What about the other suspects?", True),
        ("What did they say?", True),
        ("اور کتنے فرار ہیں؟", True),
        ("ان کے نام کیا ہیں؟", True),
        ("How many people were arrested and charged?", False),
        ("کتنے بچے بازیاب ہوئے؟", False),
        ("Andrew Smith said what?", False),  # "and" only as a whole word
    ],
)
def test_is_follow_up(question: str, expected: bool) -> None:
    assert is_follow_up(question) is expected


def test_question_word_inside_a_longer_word_is_not_a_question_word() -> None:
    # کبھی ("ever") holds کب ("when") but does not ask for a date
    assert answer_type("کیا وہ کبھی عدالت میں پیش ہوا؟") == "any"
    assert answer_type("وہ کب عدالت میں پیش ہوا؟") == "date"


def test_refusal_tables_read_the_packs() -> None:
    assert REFUSALS["not_in_article"]["ur"] == lang.get("ur").refusals["not_in_article"]
    assert REFUSALS["unsafe"]["en"].startswith("I can't help with that.")
    assert refusal("off_task", "ur") == lang.get("ur").refusals["off_task"]
    assert EXTRACTIVE_PREFIX["ur"] == "مضمون کے مطابق: "
    assert dict(LANGUAGE_NAMES) == {"ur": "Urdu", "en": "English"}
    with pytest.raises(KeyError):
        REFUSALS["not_in_article"]["fa"]


# --- a third language is one pack ---------------------------------------------------------


def _greek() -> LanguagePack:
    return LanguagePack(
        code="el",
        name="Greek",
        script=re.compile("[\u0370-\u03ff\u1f00-\u1fff]"),
        stop_words=frozenset({"και", "το", "τα", "η", "ο", "πόσα", "πόσοι"}),
        question_words={"number": ("πόσα", "πόσοι")},
        number_words={"ένα": 1, "δύο": 2, "τρία": 3, "έξι": 6},
        multipliers={"εκατό": 100},
        stem=suffix_stemmer((("ιά", ""), ("ια", ""), ("ι", "")), min_stem=3),
        refusals={"not_in_article": "Το άρθρο δεν το αναφέρει.", "unsafe": "-", "off_task": "-", "cannot_read_source": "-"},
        extractive_prefix="Σύμφωνα με το άρθρο: ",
        safety={"off_task": SafetyRules(patterns=(re.compile(r"ποίημα"),))},
    )


def test_a_third_language_is_one_registered_pack() -> None:
    question = "Πόσα παιδιά σώθηκαν;"
    with pytest.raises(UnsupportedLanguageError, match="Greek"):
        lang.detect(question)
    with lang.registered(_greek()):
        assert lang.codes() == ("ur", "en", "el")
        assert lang.detect(question) == "el"
        assert detect_language(question) == "el"
        assert "Greek" in lang.names()
        assert numbers("έξι παιδιά και δύο εκατό") == {"6", "200"}
        assert stem("παιδιά") == stem("παιδι") == "παιδ"
        assert REFUSALS["not_in_article"]["el"] == "Το άρθρο δεν το αναφέρει."
        assert LANGUAGE_NAMES["el"] == "Greek"
        assert screen("Γράψε ένα ποίημα").off_task
        assert not screen(question).off_task
    assert lang.codes() == ("ur", "en")
    with pytest.raises(UnsupportedLanguageError):
        lang.detect(question)


# A Greek article, for the modules that once listed "ur" and "en" themselves.
GREEK_SENTENCES = [
    "Η αστυνομία έσωσε έξι παιδιά στην πόλη την Τρίτη.",
    "Δύο άνδρες συνελήφθησαν μετά από την έρευνα.",
    "Το δικαστήριο έστειλε τους άνδρες στη φυλακή για δεκατέσσερις ημέρες.",
]


def test_an_edition_of_a_third_language_is_read_by_its_code(tmp_path: Path) -> None:
    named = tmp_path / "story.el.txt"
    named.write_text("\n".join(GREEK_SENTENCES) + "\n", encoding="utf-8")
    fronted = tmp_path / "other.txt"
    fronted.write_text("---\nlanguage: el\n---\n" + GREEK_SENTENCES[0] + "\n", encoding="utf-8")
    with lang.registered(_greek()):
        edition = read_edition(named)
        assert (edition.article, edition.language) == ("story", "el")
        assert read_edition(fronted).language == "el"
    with pytest.raises(ArticleError, match=r"'el' is not supported \(use ur or en\)"):
        read_edition(fronted)
    with pytest.raises(ArticleError, match="Greek"):
        read_edition(named)


def test_the_store_numbers_and_filters_a_third_language() -> None:
    texts = ["پولیس نے چھ بچوں کو بازیاب کرایا۔", "Police rescued six children.", GREEK_SENTENCES[0]]
    codes = ["ur", "en", "el"]
    passages = [Passage(i, "a", code, 0, 0, len(t), t) for i, (code, t) in enumerate(zip(codes, texts, strict=True))]
    vectors = np.eye(3, 4, dtype=np.float32)
    with lang.registered(_greek()):
        store = Store(Manifest(embedder="test", dim=4), passages, vectors)
        # the built-in languages keep their numbers (0 and 1), the new one comes after
        assert store.language_codes.tolist() == [0, 1, 2]
        hits = retrieve(store, "παιδιά", vectors[0], k=3, language="el")
        assert [h.passage.language for h in hits] == ["el"]
        assert [h.passage.language for h in retrieve(store, "children", vectors[0], k=3, language="en")] == ["en"]


def test_the_answer_language_rule_of_a_third_language() -> None:
    with pytest.raises(ValueError, match="'el'"):
        metrics.language_ok("Έξι παιδιά σώθηκαν.", "el")
    with lang.registered(_greek()):
        assert metrics.language_ok("Έξι παιδιά σώθηκαν [1].", "el")
        assert metrics.language_ok("Η NCCIA έσωσε έξι παιδιά.", "el")  # a Latin name inside is fine
        assert not metrics.language_ok("Six children were rescued.", "el")
        assert not metrics.language_ok("چھ بچے بازیاب ہوئے۔", "el")
        # English allows a fifth of its letters in another pack's script: Greek is one now
        assert metrics.language_ok("The Greek word παιδί means children", "en")
        assert not metrics.language_ok("Έξι παιδιά σώθηκαν today", "en")


def test_a_third_language_is_summarised_from_its_own_edition(
    make_pipeline: Callable[..., Pipeline], settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "greek"
    folder.mkdir()
    (folder / "story.el.txt").write_text("\n".join(GREEK_SENTENCES) + "\n", encoding="utf-8")
    s = settings.model_copy(update={"articles_dir": folder, "data_dir": tmp_path / "data_el", "summary_points": 2})
    with lang.registered(_greek()):
        p = make_pipeline(settings_=s)  # the model reads and writes English only
        p.index()
        result = p.summarize("story", "el")
        summary = result.summaries["el"]
        assert not summary.refused and summary.method == "extractive"
        cited = [c for point in summary.points for c in point.citations]
        assert cited and {c.language for c in cited} == {"el"}
        assert all(c.text in GREEK_SENTENCES for c in cited)
        everything = p.summarize("story", "both").summaries
        assert set(everything) == {"ur", "en", "el"}
        assert everything["ur"].refused and everything["en"].refused
    with pytest.raises(UsageError, match="--lang must be ur, en or both"):
        p.summarize("story", "el")


def test_a_cached_summary_without_a_new_language_is_made_again(
    make_pipeline: Callable[..., Pipeline], settings: Settings
) -> None:
    p = make_pipeline()
    p.index()
    assert set(p.summarize(None, "both").summaries) == {"ur", "en"}  # cached for ur and en
    with lang.registered(_greek()):
        steps = list(p.summarize_stream(None, "both"))
        assert steps[-1].stage != "cached"
        assert set(steps[-1].result.summaries) == {"ur", "en", "el"}
        assert steps[-1].result.summaries["el"].refused  # the article has no Greek edition
    assert [s.stage for s in p.summarize_stream(None, "both")] == ["cached"]


def test_rule_patterns_ignore_case_and_span_lines() -> None:
    (rule,) = lang.rule_patterns(r"write .* poem")
    assert rule.search("WRITE me a\nshort Poem")
    assert not rule.search("write a story")
    assert SafetyRules(lang.rule_patterns(r"نظم", r"poem")).match("ایک نظم لکھو")


def test_find_gives_none_where_get_raises() -> None:
    assert lang.find("ur") is lang.get("ur")
    assert lang.find("xx") is None
    with pytest.raises(ValueError):
        lang.get("xx")
