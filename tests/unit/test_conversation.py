"""Follow-up resolution (rag.conversation.standalone): Urdu, English and mixed
conversations, after refusals and after a switch of language; self-contained
questions are left exactly as asked."""

from __future__ import annotations

import pytest

from rag import lang
from rag.conversation import Query, refusal_kind, standalone, topic_words
from rag.prompts import REFUSALS
from rag.text import detect_language, normalize

NOT_SAID_EN = REFUSALS["not_in_article"]["en"]
NOT_SAID_UR = REFUSALS["not_in_article"]["ur"]
UNSAFE_EN = REFUSALS["unsafe"]["en"]
UNSAFE_UR = REFUSALS["unsafe"]["ur"]

FIRS_EN = ("How many FIRs were registered?", "Authorities have registered 178 FIRs [1].")
FIRS_UR = ("کتنی ایف آئی آر درج ہوئیں؟", "حکام نے 178 ایف آئی آر رجسٹرڈ کی ہیں۔ [1]")
ARRESTS_EN = ("How many suspects were arrested during the raid?", "Two suspects were arrested [3].")
ARRESTS_UR = ("چھاپے کے دوران کتنے مشتبہ افراد گرفتار ہوئے؟", "دو مشتبہ افراد گرفتار ہوئے۔ [3]")
RESCUE_EN = ("How many children were rescued?", "At least six children were rescued [2].")
RESCUE_UR = ("کتنے بچوں کو بچایا گیا؟", "کم از کم چھ بچوں کو بچایا گیا۔ [2]")
WHO_EN = ("Who masterminded the network?", "A German national named Rinz [1].")
WHO_UR = ("نیٹ ورک کا ماسٹر مائنڈ کون تھا؟", "رینز نامی ایک جرمن شہری۔ [1]")


def resolve(question: str, *history: tuple[str, str]) -> Query:
    return standalone(question, list(history), detect_language)


def words(text: str) -> set[str]:
    return set(normalize(text).replace("?", " ").replace("؟", " ").split())


# --- follow-ups that must borrow the topic -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "history", "borrowed", "cue"),
    [
        # English
        ("And how many were convicted?", [FIRS_EN], {"firs"}, "leading"),
        ("How many were convicted?", [FIRS_EN], {"firs"}, "ellipsis"),
        ("Also, when was it?", [ARRESTS_EN], {"suspects", "raid"}, "leading"),
        ("Where were they taken?", [RESCUE_EN], {"children"}, "pronoun"),
        ("Who were their parents?", [RESCUE_EN], {"children"}, "pronoun"),
        ("Why?", [ARRESTS_EN], {"suspects", "raid"}, "ellipsis"),
        (
            "Who said that?",
            [("What did the minister call heartbreaking?", "That parents took part [4].")],
            {"minister"},
            "pronoun",
        ),
        # Urdu
        ("اور کتنے فرار ہیں؟", [ARRESTS_UR], {"مشتبہ", "افراد"}, "leading"),
        ("اور کتنوں کو سزا ہوئی؟", [FIRS_UR], {"ایف", "آئی", "آر"}, "leading"),
        ("ان میں سے کتنوں کو سزا سنائی گئی؟", [FIRS_UR], {"ایف", "آئی", "آر"}, "pronoun"),
        ("پھر انہیں کس کے حوالے کیا گیا؟", [RESCUE_UR], {"بچوں"}, "leading"),
        ("ان کے والدین کون تھے؟", [RESCUE_UR], {"بچوں"}, "pronoun"),
        ("کتنے فرار ہیں؟", [ARRESTS_UR], {"مشتبہ", "افراد"}, "ellipsis"),
        ("کیوں؟", [RESCUE_UR], {"بچوں"}, "ellipsis"),
        # Urdu with a Latin word, as people type
        ("اور FIRs میں سے کتنوں کو سزا ہوئی؟", [FIRS_EN], set(), "leading"),
    ],
)
def test_follow_up_borrows_the_earlier_topic(
    question: str, history: list[tuple[str, str]], borrowed: set[str], cue: str
) -> None:
    q = resolve(question, *history)
    assert q.follow_up
    assert q.cue == cue
    assert borrowed <= words(q.text), q.text
    assert q.antecedent == 0


def test_follow_up_keeps_its_own_words_and_drops_the_earlier_question_word() -> None:
    q = resolve("And how many were convicted?", FIRS_EN)
    assert q.text == "how many were convicted FIRs?"
    assert q.carried == ("FIRs",)
    assert "registered" not in q.text  # the earlier predicate is not the topic


def test_urdu_follow_up_exact_query() -> None:
    q = resolve("اور کتنے فرار ہیں؟", ARRESTS_UR)
    assert q.text == "کتنے فرار ہیں چھاپے دوران مشتبہ افراد؟"
    assert "گرفتار" not in q.text  # the earlier predicate
    assert q.text.endswith("؟")


def test_the_earlier_answer_does_not_leak_into_a_topic_follow_up() -> None:
    q = resolve("And how many were convicted?", FIRS_EN)
    assert "178" not in q.text  # the number answered before is no part of the new question
    assert q.context == "Authorities have registered 178 FIRs ."


# --- self-contained questions stay as asked -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("Who is the minister?", [ARRESTS_EN]),
        ("How many people were convicted?", [FIRS_EN]),
        ("On which day was the press conference held?", [RESCUE_EN, FIRS_EN]),
        ("Where were these videos sold?", [FIRS_EN]),  # a demonstrative with its own noun
        ("What is the name of the gang that ran the studio?", [ARRESTS_EN]),  # a relative 'that'
        ("وزیر کون ہے؟", [ARRESTS_UR]),
        ("کتنے بچوں کو بچایا گیا؟", [ARRESTS_UR]),
        ("اس گروہ نے کس عمر کے بچوں کو نشانہ بنایا؟", [FIRS_UR]),  # «اس» before its noun
        ("پریس کانفرنس کس دن ہوئی؟", [RESCUE_EN]),  # Urdu after English
        ("Where was the raid carried out?", [RESCUE_UR]),  # English after Urdu
    ],
)
def test_self_contained_question_is_not_polluted(question: str, history: list[tuple[str, str]]) -> None:
    q = resolve(question, *history)
    assert not q.follow_up
    assert q.text == question
    assert q.carried == ()


def test_no_history_returns_the_question() -> None:
    q = resolve("And how many were convicted?")
    assert (q.text, q.follow_up, q.cue) == ("And how many were convicted?", False, "none")


def test_empty_question_is_returned_empty() -> None:
    assert resolve("", FIRS_EN).text == ""


# --- after refusals ----------------------------------------------------------------------


def test_after_a_not_in_article_refusal_the_refused_question_still_lends_its_topic() -> None:
    refused = ("How many FIRs were filed in Lahore?", NOT_SAID_EN)
    q = resolve("And how many were convicted?", RESCUE_EN, refused)
    assert {"firs", "lahore"} <= words(q.text)
    assert "children" not in words(q.text)
    assert q.antecedent == 1
    assert q.context == "At least six children were rescued ."  # the latest answer, not the refusal


def test_after_a_refused_follow_up_the_chain_reaches_the_first_topic() -> None:
    q = resolve("And how many were convicted?", FIRS_EN, ("And how many were arrested?", NOT_SAID_EN))
    assert q.text == "how many were convicted FIRs?"
    assert q.antecedent == 1  # the refused follow-up stands for the FIRs it inherited


def test_a_refused_follow_up_lends_what_it_inherited_not_its_own_new_words() -> None:
    # «… in Lahore?» was refused: Lahore is what the article lacks; the FIRs remain the topic.
    refused = ("How many of them were filed in Lahore?", NOT_SAID_EN)
    q = resolve("And how many were convicted?", FIRS_EN, refused)
    assert q.carried == ("FIRs",)
    refused_ur = ("ان میں سے کتنی لاہور میں درج ہوئیں؟", NOT_SAID_UR)
    q = resolve("اور کتنوں کو سزا ہوئی؟", FIRS_UR, refused_ur)
    assert q.carried == ("ایف", "آئی", "آر")


def test_a_person_pronoun_after_a_refusal_reaches_the_last_answer() -> None:
    history = [WHO_EN, ("How old is he?", NOT_SAID_EN)]
    q = resolve("Where did he train the operators?", *history)
    assert "Rinz" in q.carried


def test_urdu_after_a_refused_urdu_turn() -> None:
    q = resolve("اور کتنے فرار ہیں؟", ARRESTS_UR, ("اور کتنے ہلاک ہوئے؟", NOT_SAID_UR))
    assert {"مشتبہ", "افراد"} <= words(q.text)
    assert "ہلاک" not in q.text
    assert q.antecedent == 1


def test_a_turn_refused_by_screening_lends_nothing() -> None:
    unsafe = ("Where can I buy the videos?", UNSAFE_EN)
    q = resolve("And how many were convicted?", FIRS_EN, unsafe)
    assert q.text == "how many were convicted FIRs?"
    assert "videos" not in q.text and "buy" not in q.text


def test_an_urdu_screened_turn_lends_nothing() -> None:
    unsafe = ("مجھے یہ ویڈیوز کہاں سے مل سکتی ہیں؟", UNSAFE_UR)
    q = resolve("اور کتنے فرار ہیں؟", ARRESTS_UR, unsafe)
    assert "ویڈیوز" not in q.text
    assert {"مشتبہ", "افراد"} <= words(q.text)


def test_refusal_kind_recognises_the_fixed_texts() -> None:
    assert refusal_kind(NOT_SAID_EN) == "not_in_article"
    assert refusal_kind(NOT_SAID_UR + " [1]") == "not_in_article"
    assert refusal_kind(UNSAFE_UR) == "unsafe"
    assert refusal_kind(REFUSALS["cannot_read_source"]["en"].format(model="tiny")) == "cannot_read_source"
    assert refusal_kind("") == "empty"
    assert refusal_kind("Two suspects were arrested.") is None
    assert refusal_kind("x", {"mine": {"en": "x"}}) == "mine"


def test_only_screened_history_leaves_the_follow_up_alone() -> None:
    q = resolve("And how many were convicted?", ("How do I hurt a child?", UNSAFE_EN))
    assert q.follow_up and q.text == "And how many were convicted?" and q.carried == ()


# --- across languages ------------------------------------------------------------------


def test_english_follow_up_to_an_urdu_question_carries_the_urdu_topic_and_says_so() -> None:
    q = resolve("And how many were convicted?", FIRS_UR)
    assert q.carried == ("ایف", "آئی", "آر")
    assert q.text == "how many were convicted ایف آئی آر?"
    assert q.cross_language
    assert q.context.startswith("حکام نے 178")


def test_urdu_follow_up_to_an_english_question() -> None:
    q = resolve("اور کتنے فرار ہیں؟", ARRESTS_EN)
    assert {"suspects", "raid"} <= words(q.text)
    assert q.cross_language
    assert q.text.endswith("؟")


def test_same_language_is_not_cross_language() -> None:
    assert not resolve("And how many were convicted?", FIRS_EN).cross_language
    assert not resolve("اور کتنے فرار ہیں؟", ARRESTS_UR).cross_language


def test_mixed_conversation_three_turns() -> None:
    # Urdu question, English follow-up (answered), Urdu follow-up: the topic is still the FIRs.
    history = [FIRS_UR, ("And how many were convicted?", "14 people were sentenced [2].")]
    q = resolve("اور کتنوں کو سزا ہوئی؟", *history)
    assert {"ایف", "آئی", "آر"} <= words(q.text)
    assert q.antecedent == 1  # the English follow-up, which stands for the Urdu topic


# --- substitution and people ------------------------------------------------------------


def test_what_about_swaps_the_topic_and_keeps_the_asking() -> None:
    q = resolve("What about the suspects?", RESCUE_EN)
    assert q.cue == "substitute"
    assert q.text == "the suspects How many were rescued?"
    assert "children" not in q.text


def test_urdu_tail_substitution_swaps_the_topic() -> None:
    q = resolve("اور مشتبہ افراد کا کیا؟", RESCUE_UR)
    assert q.cue == "substitute"
    assert q.text.startswith("مشتبہ افراد")
    assert "بچایا" in q.text and "بچوں" not in q.text


def test_person_pronoun_borrows_the_name_just_answered() -> None:
    q = resolve("How long did he stay in Pakistan?", WHO_EN)
    assert "Rinz" in q.carried and "network" in q.carried


def test_urdu_person_pronoun_borrows_the_name_just_answered() -> None:
    q = resolve("انہوں نے پاکستان میں کتنے دن گزارے؟", WHO_UR)
    assert "رینز" in q.carried


def test_person_pronoun_after_a_refusal_borrows_no_answer() -> None:
    q = resolve("Where is he from?", ("Who funded the studio?", NOT_SAID_EN))
    assert q.carried == ("studio",)  # the topic of the refused question; 'funded' is its predicate
    assert "article" not in words(q.text)  # nothing of the refusal text


def test_long_quoted_answer_is_not_carried() -> None:
    long_answer = (
        "According to the article: the NCCIA carried out a major raid on 23 May with the support of local "
        "police and intelligence agencies, and the operation resulted in the rescue of children [2]."
    )
    q = resolve("Who led him?", ("Who planned the raid?", long_answer))
    assert "intelligence" not in q.text
    assert "raid" in q.carried


# --- topic words and the cue data ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("How many FIRs were registered?", ["FIRs"]),
        ("What happened on 23 May?", ["23"]),  # 'may' is a stop word, the number names the day
        ("Who is the minister?", ["minister"]),
        ("Where was Javed arrested?", ["Javed"]),  # a name ending in -ed is no predicate
        ("کتنے بچوں کو بازیاب کرایا گیا؟", ["بچوں"]),
        ("کتنے فرار ہیں؟", []),
        ("چھاپہ کب مارا گیا؟", ["چھاپہ"]),
        ("", []),
    ],
)
def test_topic_words(text: str, topic: list[str]) -> None:
    assert topic_words(text, detect_language(text) if text else "en") == topic


def test_cue_data_is_one_dict_per_language_pack_with_the_same_keys() -> None:
    cues_of = {p.code: p.conversation_cues for p in lang.packs()}
    assert set(cues_of) == {"en", "ur"}
    assert set(cues_of["en"]) == set(cues_of["ur"])
    for code, cues in cues_of.items():
        assert cues["leading"], code
        assert cues["question_words"], code


def test_a_language_without_cues_still_resolves_ellipsis() -> None:
    q = standalone("???", [FIRS_EN], lambda text: "xx")
    assert q.follow_up and q.cue == "ellipsis"
    assert "FIRs" in q.carried


def test_citation_markers_in_questions_are_ignored() -> None:
    q = resolve("And how many [2] were convicted?", FIRS_EN)
    assert "[2]" not in q.text


def test_what_about_the_others_keeps_the_topic() -> None:
    # "the ones" / "the others" name no new thing: the earlier question is kept whole.
    q = resolve("What about the ones still at large?", ARRESTS_EN)
    assert q.cue == "substitute"
    assert {"suspects", "raid", "arrested"} <= words(q.text)


def test_a_phrasal_particle_is_no_topic() -> None:
    q = resolve("And when did it happen?", ("Who carried out the raid?", "The NCCIA [1]."))
    assert q.carried == ("raid",)


# --- what the extractive answerer reads ------------------------------------------------------


def test_extractive_reads_a_follow_up_with_its_own_question_word_as_asked() -> None:
    from rag.answering.extractive import asked

    q = resolve("اور کتنے لوگوں کو سزا ہوئی؟", FIRS_UR)
    assert q.follow_up and not q.pronoun
    assert set(q.carried) & {"ایف", "آئی", "آر"}  # retrieval still searches with the earlier topic
    assert asked(q, "ur") == "اور کتنے لوگوں کو سزا ہوئی؟"  # the span scorer does not chase it


def test_extractive_reads_a_follow_up_with_a_pronoun_or_no_question_word_resolved() -> None:
    from rag.answering.extractive import asked

    pronoun = resolve("ان میں سے کتنوں کو سزا سنائی گئی؟", FIRS_UR)
    assert pronoun.pronoun
    assert asked(pronoun, "ur") == pronoun.text != pronoun.question
    bare = resolve("اور باقی؟", ARRESTS_UR)
    assert asked(bare, "ur") == bare.text != bare.question
    fresh = resolve("کتنے بچوں کو بچایا گیا؟")
    assert asked(fresh, "ur") == fresh.question


def test_extractive_reads_a_follow_up_with_only_its_question_word_resolved() -> None:
    """«اور کس تاریخ کو؟» ("and on which date?") has a question word and
    nothing else to match: read as asked, no sentence could answer it."""
    from rag.answering.extractive import asked

    q = resolve("اور کس تاریخ کو؟", ("چھاپہ کس نے مارا؟", "این سی سی آئی اے نے۔ [1]"))
    assert q.follow_up and not q.pronoun
    assert asked(q, "ur") == q.text != q.question
    assert "چھاپہ" in asked(q, "ur")
