"""Normalisation, language detection, sentence splitting with offsets, and
number extraction on Urdu, English and mixed text."""

from __future__ import annotations

import unicodedata

import pytest

from rag.text import arabic_share, detect_language, normalize, numbers, split_sentences

ZWNJ = "\u200c"


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for s, e in spans:
        assert 0 <= s < e <= len(text)
    return [text[s:e] for s, e in spans]


# --- normalize ----------------------------------------------------------------


def test_normalize_arabic_indic_digits_to_ascii() -> None:
    assert normalize("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_normalize_extended_arabic_indic_digits_to_ascii() -> None:
    assert normalize("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_normalize_arabic_yeh_forms_become_urdu_yeh() -> None:
    assert normalize("علي موسى") == "علی موسی"


def test_normalize_arabic_kaf_becomes_urdu_keheh() -> None:
    assert normalize("كتاب") == "کتاب"


def test_normalize_removes_diacritics() -> None:
    assert normalize("عَلِيٌّ") == "علی"


def test_normalize_removes_tatweel() -> None:
    assert normalize("کـــتاب") == "کتاب"


def test_normalize_zwnj_becomes_space() -> None:
    assert normalize(f"می{ZWNJ}شود") == "می شود"


def test_normalize_lower_cases_latin() -> None:
    assert normalize("NCCIA Raid") == "nccia raid"


def test_normalize_collapses_and_strips_white_space() -> None:
    assert normalize("  ایک \t\n دو   three  ") == "ایک دو three"


def test_normalize_composes_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Café آ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert normalize(decomposed) == unicodedata.normalize("NFC", "café آ")


def test_normalize_empty_string() -> None:
    assert normalize("") == ""


# --- language -------------------------------------------------------------------


def test_arabic_share_urdu_is_one() -> None:
    assert arabic_share("یہ اردو ہے۔") == 1.0


def test_arabic_share_english_is_zero() -> None:
    assert arabic_share("This is English.") == 0.0


def test_arabic_share_counts_letters_only() -> None:
    # 3 Latin letters and 2 Arabic-script letters; digits and spaces ignored
    assert arabic_share("abc 123 یہ") == pytest.approx(2 / 5)


def test_arabic_share_empty_string_is_zero() -> None:
    assert arabic_share("") == 0.0


def test_detect_language_urdu() -> None:
    assert detect_language("چھاپے کے دوران کتنے بچوں کو بازیاب کرایا گیا؟") == "ur"


def test_detect_language_english() -> None:
    assert detect_language("How many children were rescued?") == "en"


def test_detect_language_mixed_mostly_urdu() -> None:
    assert detect_language("NCCIA نے مظفر گڑھ میں چھاپہ مارا۔") == "ur"


def test_detect_language_mixed_mostly_english() -> None:
    assert detect_language("The NCCIA raid in مظفر گڑھ was announced.") == "en"


def test_detect_language_empty_string_is_english() -> None:
    assert detect_language("") == "en"


# --- split_sentences --------------------------------------------------------------


def test_split_urdu_full_stop_and_question_mark() -> None:
    text = "یہ پہلا جملہ ہے۔ کیا یہ دوسرا ہے؟ تیسرا"
    assert sentences(text) == ["یہ پہلا جملہ ہے۔", "کیا یہ دوسرا ہے؟", "تیسرا"]


def test_split_urdu_offsets_exact() -> None:
    assert split_sentences("یہ پہلا جملہ ہے۔ کیا یہ دوسرا ہے؟") == [(0, 16), (17, 33)]


def test_split_latin_terminators() -> None:
    assert sentences("It rained. Did it? Yes! Done") == ["It rained.", "Did it?", "Yes!", "Done"]


def test_split_keeps_closing_quote_with_sentence() -> None:
    assert sentences("He said “Stop.” Then he left.") == ["He said “Stop.”", "Then he left."]


def test_split_keeps_closing_quote_after_urdu_stop() -> None:
    assert sentences("وزیر نے کہا “یہ بڑی کامیابی ہے۔” پھر چلے گئے۔") == [
        "وزیر نے کہا “یہ بڑی کامیابی ہے۔”",
        "پھر چلے گئے۔",
    ]


def test_split_keeps_mirrored_urdu_closing_quote_with_sentence() -> None:
    # BBC Urdu opens a quotation with ’ and closes it with ‘
    assert sentences("انھوں نے کہا ’یہ اہم ہے۔‘ انھوں نے مزید کہا کہ کام جاری ہے۔") == [
        "انھوں نے کہا ’یہ اہم ہے۔‘",
        "انھوں نے مزید کہا کہ کام جاری ہے۔",
    ]


def test_split_abbreviation_does_not_end_sentence() -> None:
    assert sentences("Dr. Smith arrived. He spoke.") == ["Dr. Smith arrived.", "He spoke."]


def test_split_decimal_does_not_end_sentence() -> None:
    assert sentences("They paid 3.5 million. Police said so.") == ["They paid 3.5 million.", "Police said so."]


def test_split_bullet_marker_excluded_from_span() -> None:
    text = "- پہلا نکتہ۔\n* second point.\n1. third"
    assert split_sentences(text) == [(2, 12), (15, 28), (32, 37)]
    assert sentences(text) == ["پہلا نکتہ۔", "second point.", "third"]


def test_split_line_break_ends_sentence() -> None:
    assert sentences("اسلام آباد\nپولیس نے چھاپہ مارا۔") == ["اسلام آباد", "پولیس نے چھاپہ مارا۔"]


def test_split_mixed_urdu_english_line() -> None:
    text = "طلال چوہدری نے NCCIA کے ساتھ press conference کی۔ Then it ended."
    assert sentences(text) == ["طلال چوہدری نے NCCIA کے ساتھ press conference کی۔", "Then it ended."]


def test_split_arabic_indic_digits() -> None:
    text = "۲۳ مئی کو چھاپہ مارا گیا۔ ٦ بچے بازیاب ہوئے۔"
    assert sentences(text) == ["۲۳ مئی کو چھاپہ مارا گیا۔", "٦ بچے بازیاب ہوئے۔"]


def test_split_zwnj_inside_word_is_kept() -> None:
    text = f"می{ZWNJ}خواہم یہ جملہ ہے۔ اگلا۔"
    assert sentences(text) == [f"می{ZWNJ}خواہم یہ جملہ ہے۔", "اگلا۔"]


def test_split_empty_string() -> None:
    assert split_sentences("") == []


def test_split_white_space_and_punctuation_only() -> None:
    assert split_sentences("  \n ۔ ... \n") == []


def test_split_respects_start_offset() -> None:
    text = "---\nlanguage: ur\n---\nپہلا جملہ۔ دوسرا۔"
    body = text.index("پہلا")
    spans = split_sentences(text, body)
    assert [text[s:e] for s, e in spans] == ["پہلا جملہ۔", "دوسرا۔"]
    assert spans[0][0] == body


@pytest.mark.parametrize(
    "text",
    [
        "یہ پہلا جملہ ہے۔ کیا یہ دوسرا ہے؟",
        "- The gang targeted children between 6 and 10.\n- “چلڈرن کلب” قائم کیا گیا۔",
        "Dr. Smith paid 3.5 million. ٦ بچے۔  \n\n  Done!  ",
        f"ZWNJ{ZWNJ}inside. می{ZWNJ}شود؟",
    ],
)
def test_split_offsets_slice_to_stripped_sentences(text: str) -> None:
    for s, e in split_sentences(text):
        piece = text[s:e]
        assert piece == piece.strip()
        assert "\n" not in piece
        assert any(c.isalnum() for c in piece)


# --- numbers -------------------------------------------------------------------------


def test_numbers_digits() -> None:
    assert numbers("28 days and 50 children") == {"28", "50"}


def test_numbers_english_number_word() -> None:
    assert numbers("six children were rescued") == {"6"}


def test_numbers_urdu_number_word() -> None:
    assert numbers("چھ بچے بازیاب ہوئے۔") == {"6"}


def test_numbers_range_gives_both_ends() -> None:
    assert numbers("children aged 7-10") == {"7", "10"}


def test_numbers_arabic_indic_digits() -> None:
    assert numbers("۲۳ مئی کو ٦ بچے") == {"23", "6"}


def test_numbers_thousands_separator_and_decimal() -> None:
    assert numbers("1,000 rupees and 3.5 million") == {"1000", "3.5"}


def test_numbers_empty_string() -> None:
    assert numbers("") == set()
