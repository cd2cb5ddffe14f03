"""Names asked about are looked up across spellings and scripts."""

from __future__ import annotations

import pytest

from rag.answering.names import NameIndex, latin_names, respell, skeleton
from rag.text import STOPWORDS

URDU = "مظفر گڑھ سے جرمن شہری رینز کا نیٹ ورک چلایا جا رہا تھا۔ وزیر مملکت طلال چوہدری نے منگل کو بتایا۔ انٹرپول اور شہباز"
ENGLISH = "The network in Karachi was run by Rinz, said Chaudhry."


@pytest.mark.parametrize(
    "a, b",
    [("Reinz", "Rinz"), ("Rinz", "رینز"), ("Chaudhry", "چوہدری"), ("Talal", "طلال"), ("Interpol", "انٹرپول"), ("Shahbaz", "شہباز")],
)
def test_same_skeleton_across_spelling_and_script(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b) != ""


@pytest.mark.parametrize("word", ["Reinz", "Rinz", "Muzaffargarh", "Muzafargarh", "Chaudhary", "Talal", "interpol", "رینز", "مظفر"])
def test_present_in_some_spelling(word: str) -> None:
    assert NameIndex([URDU]).has(word)


@pytest.mark.parametrize("word", ["Peshawar", "Faisalabad", "population", "hospital", "ججوں"])
def test_absent_names_stay_absent(word: str) -> None:
    assert not NameIndex([URDU, ENGLISH]).has(word)


def test_english_edition_words_count_too() -> None:
    ix = NameIndex([URDU, ENGLISH])
    assert ix.has("Karachi") and ix.has("karachi")


def test_latin_names_skip_the_first_word_and_stop_words() -> None:
    assert latin_names("Who is Reinz and what did Talal Chaudhry say?", STOPWORDS) == ["reinz", "talal", "chaudhry"]
    assert latin_names("What happened in the raid?", STOPWORDS) == []
    assert latin_names("", STOPWORDS) == []


def test_empty_and_odd_input() -> None:
    ix = NameIndex([""])
    assert not ix.has("Rinz")
    assert skeleton("") == "" and skeleton("۔؟") == ""


def test_a_name_is_respelled_as_the_article_spells_it() -> None:
    ix = NameIndex([URDU, ENGLISH])
    assert respell("Who is Reinz?", ix, STOPWORDS) == "Who is Rinz?"
    assert respell("What did Choudhry say about Reinz?", ix, STOPWORDS) == "What did Chaudhry say about Rinz?"
    # spelled as the article spells it, absent, or only in Urdu script: unchanged
    for q in ("Who is Rinz?", "Was it in Peshawar?", "What did Talal say?"):
        assert respell(q, ix, STOPWORDS) == q


def test_no_guess_between_two_names_with_one_skeleton() -> None:
    ix = NameIndex(["Rinz met Renz and Ranz."])
    assert ix.spelling("Reinz") is None
    assert respell("Who is Reinz?", ix, STOPWORDS) == "Who is Reinz?"


def test_names_of_the_latin_edition_are_found_in_an_urdu_question() -> None:
    ix = NameIndex([URDU, ENGLISH, "The minister met Muzaffargarh officials."])
    assert ix.script_names("رینز کی عمر کتنی ہے؟") == ["رینز"]
    assert ix.script_names("رینس کون ہے؟") == ["رینس"]  # another spelling, the same sounds
    assert ix.script_names("مظفر گڑھ کس صوبے میں ہے؟") == ["مظفر گڑھ"]  # two words in Urdu, one in English
    assert ix.script_names("کتنے بچوں کو بازیاب کرایا گیا؟") == []


def test_a_latin_name_not_written_in_the_urdu_edition_is_not_looked_for() -> None:
    # "Karachi" is capitalised in the English text but no Urdu word of the article spells it:
    # a question word with its sounds may be a common word, so it is not taken for a name
    ix = NameIndex([URDU, ENGLISH])
    assert ix.script_names("کراچی میں کیا ہوا؟") == []
    assert NameIndex([ENGLISH]).script_names("رینز کون ہے؟") == []  # no Urdu edition: nothing to compare
