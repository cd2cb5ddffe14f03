"""The summary sentence scorer's features: its cue words come from the
language packs where a pack has them (weekday and month names), and the
weights in rag/summary_scorer.json must keep giving the same scores, so the
features of fixed articles are pinned to the values computed before the cues
moved (at 31ea59c)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag import lang
from rag.summary_scorer import FEATURES, cues_for, day_and_month_names, default_scorer, features

UR = [
    "وزیر اعلیٰ نے پیر کو لاہور میں کہا کہ نئے اسپتال کا افتتاح مارچ میں ہوگا۔",
    "گذشتہ سال شہر میں 12 نئے اسکول کھولے گئے تھے۔",
    "ترجمان کے مطابق منصوبے پر کام اگلے ہفتے شروع ہو گا۔",
    "روز بروز بڑھتی مہنگائی پر شہریوں نے \"احتجاج\" کیا۔",
    "کیا حکومت جنوری تک یہ کام مکمل کر سکے گی؟",
]
EN = [
    "The health minister said on Monday that the new hospital in the capital will open in January.",
    "Work began last year, and officials expect it to finish by Sept 30 or early Mar next year.",
    "Yesterday the city court heard a case about the delayed contract.",
    "A spokesman told reporters that tomorrow the hearing will go on.",
    "Why did the cost rise by 20 percent in December?",
]

# features(UR, "ur") and features(EN, "en") at 31ea59c, one row a sentence, columns as FEATURES
UR_FEATURES = [
    [1.0, 0.0, 1.0, 0.0, 2.8332133441, 0.0, 0.0, 0.4645878608, 0.0620173673, 0.25, 0.22, 0.438449848, 0.0, 0.1, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    [0.0, 1.0, 0.5, 0.25, 2.3978952728, 0.0, 0.0, 0.4645878608, 0.0701862406, 0.3333333333, 0.2285714286, 0.3135888502, 0.0625, 0.1428571429, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.3333333333, 0.5, 2.4849066498, 0.0, 0.0, 0.4842340318, 0.0745355992, 0.5, 0.2333333333, 0.3324829932, 0.0, 0.1666666667, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.25, 0.75, 2.302585093, 0.0, 0.0, 0.4296783719, 0.0, 0.2, 0.2, 0.3160714286, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    [0.0, 0.0, 0.2, 1.0, 2.3978952728, 0.0, 0.0, 0.4842340318, 0.0803219329, 1.0, 0.24, 0.3135888502, 0.0, 0.2, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
]
EN_FEATURES = [
    [1.0, 0.0, 1.0, 0.0, 2.8903717579, 0.0, 0.0, 0.4472135944, 0.0, 1.0, 0.2, 0.4720149254, 0.0, 0.0, 0.0, 2.0, 1.0, 1.0, 2.0, 1.0, 0.0, 1.0, 0.0],
    [0.0, 1.0, 0.5, 0.25, 2.9444389792, 0.0, 0.0, 0.4472135945, 0.0, 0.5, 0.2, 0.3588181541, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.3333333333, 0.5, 2.4849066498, 0.0, 0.0, 0.4472135944, 0.0, 0.3333333333, 0.2, 0.315565032, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.25, 0.75, 2.4849066498, 0.0, 0.0, 0.4472135944, 0.0, 0.25, 0.2, 0.3560767591, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.2, 1.0, 2.3978952728, 0.0, 0.0, 0.4472135944, 0.0, 0.2, 0.2, 0.3006916636, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
]
# default_scorer() scores under the weights refit by bench/train_summary_scorer.py (ridge, 4-fold CV; 889ae48)
UR_SCORES = [0.0997497557, 0.0387483671, 0.0077574418, -0.0198147476, -0.0046062564]
EN_SCORES = [0.1026626282, 0.0206988286, 0.0053888973, -0.0111173, -0.0303324676]


@pytest.mark.parametrize(
    ("sentences", "code", "expected", "scores"),
    [(UR, "ur", UR_FEATURES, UR_SCORES), (EN, "en", EN_FEATURES, EN_SCORES)],
    ids=["ur", "en"],
)
def test_features_and_scores_are_unchanged(
    sentences: list[str], code: str, expected: list[list[float]], scores: list[float]
) -> None:
    got = features(sentences, code)
    assert got.shape == (len(sentences), len(FEATURES))
    np.testing.assert_allclose(got, np.array(expected), rtol=0, atol=1e-9)
    np.testing.assert_allclose(default_scorer().score(sentences, code), scores, rtol=0, atol=1e-9)


def test_time_cue_counts() -> None:
    time = FEATURES.index("time")
    # پیر + مارچ (capped at 2); گذشتہ + سال; ہفتے; روز; جنوری
    assert features(UR, "ur")[:, time].tolist() == [2, 2, 1, 1, 1]
    # "Sept" and "Mar" (abbreviations) and "tomorrow" are not time cues; Monday, Yesterday are
    assert features(EN, "en")[:, time].tolist() == [1, 0, 1, 0, 0]


# The time cues as the scorer listed them itself before they came from the packs.
OLD_TIME_CUES = {
    "ur": "پیر منگل بدھ جمعرات جمعہ ہفتہ اتوار جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر "
    "آج کل گذشتہ گزشتہ سال مہینے ہفتے روز",
    "en": "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december today yesterday year month",
}


@pytest.mark.parametrize("code", ["ur", "en"])
def test_time_cues_are_the_packs_day_and_month_names_plus_the_scorers_own(code: str) -> None:
    assert day_and_month_names(lang.get(code)) <= cues_for(code).time
    assert cues_for(code).time == frozenset(OLD_TIME_CUES[code].split())


def test_day_and_month_names_come_from_the_pack_without_abbreviations() -> None:
    pack = lang.LanguagePack(
        code="xx",
        name="Test",
        script=re.compile("[a-z]"),
        months=("janvier", "jan", "janv", "mai", "juin"),
        weekdays=("lundi", "mardi"),
    )
    assert day_and_month_names(pack) == {"janvier", "mai", "juin", "lundi", "mardi"}
