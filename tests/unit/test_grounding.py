"""Answer types, focus words, coverage and the check of generated answers."""

from __future__ import annotations

import pytest

from rag.grounding import answer_type, coverage, has_type, verify_answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many children were rescued?", "number"),
        ("How much money was paid?", "money"),
        ("How much did the trade grow?", "number"),
        ("کتنے بچے بازیاب ہوئے؟", "number"),
        ("ملزم کو کتنی رقم دی گئی؟", "money"),
        ("In which year was the network set up?", "year"),
        ("What year did it start?", "year"),
        ("یہ نیٹ ورک کس سال قائم ہوا؟", "year"),
        ("On which day was the press conference?", "day"),
        ("پریس کانفرنس کس دن ہوئی؟", "day"),
        ("When was the raid?", "date"),
        ("چھاپہ کب مارا گیا؟", "date"),
        ("At what time did the raid begin?", "time"),
        ("What time was the press conference?", "time"),
        ("چھاپہ کتنے بجے مارا گیا؟", "time"),
        ("یہ جماعتیں کس وقت ابھریں؟", "any"),  # «کس وقت» asks "when" (a year, a period) in Urdu SQuAD
        ("What time period did the empire span?", "any"),  # a span of time, not a time of day
        ("What percentage of the votes did he win?", "percent"),
        ("اسے کتنے فیصد ووٹ ملے؟", "percent"),
        ("Who announced the raid?", "any"),
        ("چھاپہ کس نے مارا؟", "any"),
        ("", "any"),
    ],
)
def test_answer_type(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("The network started in 2019.", "year", True),
        ("The network started long ago.", "year", False),
        ("The churches split in 1054.", "year", True),  # any year from 1000, not only 1800-2099
        ("یہ نیٹ ورک 2019ء میں بنا۔", "year", True),  # the Urdu year sign joined to the figure
        ("The province was formed in 27 BC.", "year", True),
        ("یہ صوبہ 27 قبل مسیح میں بنا۔", "year", True),
        ("Police registered 178 cases.", "year", False),  # three figures are a count, not a year
        ("1,500 people came.", "year", False),
        ("The churches split in the 12th century.", "date", True),
        ("یہ بیسویں صدی میں ہوا۔", "date", True),
        ("The Alps began to form 300 million years ago.", "date", True),
        ("The Alps began to form slowly.", "date", False),
        ("The conference was on Tuesday.", "day", True),
        ("پریس کانفرنس منگل کے روز ہوئی۔", "day", True),
        ("The raid was on 23 May.", "day", True),
        ("The raid was a success.", "day", False),
        ("The raid took place yesterday.", "date", True),
        ("چھاپہ ۲۳ مئی کو مارا گیا۔", "date", True),
        ("The raid was a success.", "date", False),
        ("Six children were rescued.", "number", True),
        ("چھ بچے بازیاب ہوئے۔", "number", True),
        ("Thousands of videos were sold.", "number", True),
        ("One man was arrested.", "number", False),
        # the day of a date counts nothing: "how many officers?" is not answered by "23 May"
        ("The NCCIA carried out a major raid on 23 May.", "number", False),
        ("این سی سی آئی اے نے 23 مئی کو چھاپہ مارا۔", "number", False),
        ("It happened on May 23.", "number", False),
        ("On 23 May police arrested 2 suspects.", "number", True),
        ("About 1500 people attended.", "number", True),  # four figures stay a count
        ("The videos sold for thousands of dollars.", "money", True),
        ("Each family was paid $500.", "money", True),
        ("ہر خاندان کو پانچ لاکھ روپے دیے گئے۔", "money", True),
        ("Children aged 6 to 10 were targeted.", "money", False),  # numbers, but no currency
        ("The dollar fell.", "money", False),  # a currency, but no amount
        ("The raid began at 10:30 on Tuesday.", "time", True),
        ("The raid began at 4 a.m.", "time", True),
        ("The suspects were arrested at 3pm.", "time", True),
        ("The raid took place at night.", "time", True),
        ("چھاپہ رات 2 بجے مارا گیا۔", "time", True),
        ("The raid was on 23 May.", "time", False),  # a date is not a time of day
        ("I am sure that 3 were held.", "time", False),  # "am" counts only after a figure
        ("The ratio was 1:2 and the score 10:300.", "time", False),
        ("Turnout was 45%.", "percent", True),
        ("It grew by 5 per cent.", "percent", True),
        ("ٹرن آؤٹ 45 فیصد رہا۔", "percent", True),
        ("He won 45 votes.", "percent", False),  # a number, but not a share
        ("The percentage was not given.", "percent", False),  # the word, but no figure
        ("Less than 1 percent were religious.", "percent", True),  # "1" counts here
        ("A third of exports are services.", "percent", True),
        ("برآمدات کا ایک تہائی خدمات ہیں۔", "percent", True),
        ("No number here.", "any", True),
    ],
)
def test_has_type(text: str, kind: str, expected: bool) -> None:
    assert has_type(text, kind) is expected


def test_coverage_full() -> None:
    assert coverage("How many children were rescued?", "Six children were rescued in the raid.") == 1.0


def test_coverage_half() -> None:
    assert coverage("How many children were rescued?", "Six children were seen.") == 0.5


def test_coverage_none() -> None:
    assert coverage("How many children were rescued?", "The court sent him on remand.") == 0.0


def test_coverage_urdu_inflection() -> None:
    assert coverage("کتنے بچوں کو بازیاب کرایا گیا؟", "چھ بچے بازیاب ہوئے۔") == pytest.approx(2 / 3)


def test_coverage_question_without_content_words_is_one() -> None:
    assert coverage("What is it?", "Anything.") == 1.0


def test_verify_answer_supported_number() -> None:
    check = verify_answer("Six children were rescued.", ["During the raid 6 children were rescued."])
    assert check.ok
    assert check.unsupported == ()


def test_verify_answer_number_word_matches_digit_in_source() -> None:
    assert verify_answer("6 children were rescued.", ["Six children were rescued."]).ok


def test_verify_answer_urdu_number_word() -> None:
    assert verify_answer("چھ بچے بازیاب ہوئے۔", ["چھاپے کے دوران 6 بچوں کو بازیاب کرایا گیا۔"]).ok


def test_verify_answer_unsupported_number() -> None:
    check = verify_answer("Nine children were rescued.", ["During the raid 6 children were rescued."])
    assert not check.ok
    assert check.unsupported == ("9",)


def test_verify_answer_one_is_never_unsupported() -> None:
    assert verify_answer("One man was arrested.", ["A man was arrested."]).ok


def test_verify_answer_unsupported_name() -> None:
    check = verify_answer("The raid was led by Ahmed Khan.", ["The raid was led by the police."])
    assert not check.ok
    assert check.unsupported == ("ahmed", "khan")


def test_verify_answer_supported_name() -> None:
    check = verify_answer("It was announced by Talal Chaudhry.", ["Minister Talal Chaudhry announced the raid."])
    assert check.ok


def test_verify_answer_name_prefix_allows_possessive() -> None:
    assert verify_answer("The raid was in Muzaffargarh.", ["Muzaffargarh's police raided a studio."]).ok


def test_verify_answer_does_not_count_words_repeated_from_the_question() -> None:
    cited = ["The suspects sold the videos on the dark web."]
    answer = "The footage the gang reportedly made was sold on the dark web."
    assert not verify_answer(answer, cited).ok
    assert verify_answer(answer, cited, given="Where was the footage the gang reportedly made sold?").ok


def test_verify_answer_still_checks_a_number_the_question_supposes() -> None:
    cited = ["During the raid 6 children were rescued."]
    check = verify_answer("9 children were rescued.", cited, given="Were 9 children rescued?")
    assert not check.ok and "9" in check.unsupported


def test_verify_answer_accepts_a_name_spelt_as_in_the_question() -> None:
    cited = ["The court sent Rinz on a 14 day remand."]
    assert not verify_answer("The court sent Reinz on remand.", cited).ok
    assert verify_answer("The court sent Reinz on remand.", cited, given="What happened to Reinz?").ok


def test_number_units_pair_each_number_with_what_it_counts() -> None:
    from rag.grounding import number_units

    assert number_units("He stayed 28 days.") == [("28", "days")]
    assert ("6", "children") in number_units("six of the children were freed")
    assert number_units("sentenced to 7-10 years") == [("10", "years"), ("7", "years")]
    assert number_units("on 23 March") == [("23", "march")]
    assert number_units("on 23 May") == [("23", "may")]  # a month, though "may" is a stop word
    assert number_units("on March 23") == [("23", "march")]
    assert number_units("It happened in 2024.") == []


def test_verify_answer_rejects_a_number_with_another_unit() -> None:
    cited = ["The suspect travelled to Pakistan for 28 days."]
    check = verify_answer("The suspect is 28 years old.", cited, given="How old is the suspect?")
    assert not check.ok and "28 years" in check.unsupported
    assert verify_answer("The suspect stayed 28 days.", cited, given="How long did the suspect stay?").ok


def test_verify_answer_rejects_a_date_made_of_a_number_and_a_month_apart() -> None:
    """Both "28" and "May" are in the article, but not as one date."""
    cited = ["The suspect travelled to Pakistan for 28 days.", "The raid took place on 23 May."]
    check = verify_answer("The suspects will appear in court on 28 May.", cited, given="When will the suspects appear in court?")
    assert not check.ok and "28 may" in check.unsupported
    assert verify_answer("The raid took place on 23 May.", cited, given="When was the raid?").ok
    assert verify_answer("The raid was on May 23.", cited, given="When was the raid?").ok


def test_verify_answer_accepts_a_unit_taken_from_the_question() -> None:
    cited = ["The operation resulted in the rescue of at least six children."]
    assert verify_answer("6 kids were saved.", cited, given="How many kids were saved?").ok


@pytest.mark.parametrize("answer", ["Rinz's surname is.", "The surname of Rinz", "Rinz's surname is Rinz."])
def test_an_answer_that_only_repeats_the_question_is_not_an_answer(answer: str) -> None:
    cited = ["A German national named Rinz ran the network."]
    check = verify_answer(answer, cited, given="What is Rinz's surname?")
    assert not check.ok and "(nothing beyond the question)" in check.unsupported


def test_yes_or_no_is_an_answer() -> None:
    cited = ["The parents of some victims were also involved."]
    assert verify_answer("Yes, parents were involved.", cited, given="Were any parents involved?").ok


@pytest.mark.parametrize(
    "question",
    [
        "What are the names of the two arrested suspects?",
        "What are their names?",
        "What's the name of the German suspect?",
        "What was the full name of the minister?",
    ],
)
def test_a_question_asking_for_a_name_wants_a_name(question: str) -> None:
    assert answer_type(question) == "name"


def test_a_name_question_needs_a_capitalised_word_that_is_no_common_word() -> None:
    # "Two" starts the sentence and is a number word: no name is given
    assert not has_type("Two suspects in this case were arrested, while three others remain at large.", "name")
    assert not has_type("The gang was run from a house. It used a front.", "name")
    assert has_type("The raid was announced by Talal Chaudhry.", "name")
    assert has_type("Rinz travelled to Pakistan.", "name")  # a name may start a sentence
    assert has_type("Rinz", "name")  # a generated answer
    # Urdu has no capitals and asks for no kind "name": its questions keep their own kind
    assert answer_type("گرفتار ملزمان کے نام کیا ہیں؟") != "name"
