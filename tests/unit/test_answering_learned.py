"""The learned answer parts (rag/answering): the span scorer trained on a tiny
committed slice of UQA train beats a trivial baseline on another slice, and
the committed weights behave as their shape says on sentences written here
(not from the seed article or the development sets)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rag import metrics
from rag.answering.decision import Candidate, Decider
from rag.answering.features import (
    DECISION_FEATURES,
    candidate_bounds,
    question_info,
    sentence_view,
    span_feature_names,
    span_features,
    tokens,
)
from rag.answering.fit import auc, fit_logistic, fit_ranker
from rag.answering.spans import (
    POLICIES,
    SENTENCE_FEATURES,
    SpanModel,
    best_span,
    candidate_spans,
    choose,
    load_span_model,
)
from rag.lang import LanguagePack

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "uqa_ur_span_sample.jsonl"


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _training_data(rows: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ts, starts, offset = [], [], [], 0
    for r in rows:
        q = question_info(r["question"], "ur")
        view = sentence_view(q, r["sentence"])
        bounds = candidate_bounds(view)
        if not bounds:
            continue
        f1 = [metrics.token_f1(view.text[view.toks[i].start : view.toks[j].end], r["answer"]) for i, j in bounds]
        best = int(np.argmax(f1))
        if f1[best] < 0.5:
            continue
        target = np.zeros(len(bounds))
        target[best] = 1
        xs.append(span_features(q, view, bounds))
        ts.append(target)
        starts.append(offset)
        offset += len(bounds)
    return np.vstack(xs), np.concatenate(ts), np.asarray(starts)


def _first_new_word(question: str, sentence: str) -> str:
    """Trivial baseline: the first word of the sentence that the question lacks."""
    q = {t.stem for t in tokens(question) if t.is_word}
    for t in tokens(sentence):
        if t.is_word and t.stem not in q:
            return t.text
    return ""


def test_span_scorer_trained_on_a_tiny_slice_beats_a_trivial_baseline() -> None:
    rows = _rows()
    assert len(rows) >= 400
    train, test = rows[:200], rows[200:400]
    x, target, starts = _training_data(train)
    assert x.shape[1] == len(span_feature_names("ur"))
    model = SpanModel("ur", fit_ranker(x, target, starts, steps=200), np.zeros(len(SENTENCE_FEATURES)), "span", {})
    f1_model, f1_base, exact = [], [], 0
    for r in test:
        q = question_info(r["question"], "ur")
        _, spans = candidate_spans(q, r["sentence"], model)
        text = spans[0].text if spans else ""
        f1_model.append(metrics.token_f1(text, r["answer"]))
        f1_base.append(metrics.token_f1(_first_new_word(r["question"], r["sentence"]), r["answer"]))
        exact += metrics.words(text) == metrics.words(r["answer"])
    assert np.mean(f1_model) > np.mean(f1_base) + 0.10, (np.mean(f1_model), np.mean(f1_base))
    assert exact >= 20  # at least a tenth exactly right after 200 training questions


def test_fit_logistic_separates_and_auc_is_a_rank_statistic() -> None:
    rng = np.random.default_rng(0)
    x = np.hstack([np.ones((200, 1)), rng.normal(size=(200, 2))])
    y = (x[:, 1] + 0.2 * rng.normal(size=200) > 0).astype(int)
    w = fit_logistic(x, y, steps=300)
    assert w[1] > 1.0 and abs(w[2]) < w[1] / 3
    assert auc(x @ w, y) > 0.95
    assert auc(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 0, 1, 1])) == 1.0
    assert auc(np.array([0.5, 0.5]), np.array([0, 1])) == 0.5


def test_fit_ranker_prefers_the_target_feature() -> None:
    # two groups of three candidates; the target is always the one with feature 1 set
    x = np.array([[1, 0], [0, 1], [0, 0], [0, 0], [0, 1], [1, 1]], dtype=float)
    target = np.array([0, 1, 0, 0, 1, 0], dtype=float)
    w = fit_ranker(x, target, np.array([0, 3]), steps=200, lr=0.1)
    assert w[1] > 1.0 and w[0] < 0


# --- committed weights ------------------------------------------------------------------


def test_how_many_question_gets_the_number_with_its_noun_side() -> None:
    sentence = "گزشتہ برس شہر کی لائبریری میں 4200 نئی کتابیں شامل کی گئیں، جن میں زیادہ تر بچوں کے لیے تھیں۔"
    span = best_span("لائبریری میں کتنی نئی کتابیں شامل کی گئیں؟", sentence, "ur", policy="span")
    assert span is not None
    assert "4200" in span.text
    assert sentence[span.start : span.end] == span.text


def test_which_year_question_gets_the_year() -> None:
    sentence = "دریا پر پہلا پل 1887 میں ایک برطانوی کمپنی نے تعمیر کیا تھا۔"
    span = best_span("دریا پر پہلا پل کس سال تعمیر کیا گیا؟", sentence, "ur", policy="span")
    assert span is not None and "1887" in span.text


def test_a_number_range_with_a_dash_is_one_token_and_one_span() -> None:
    # en dash, em dash, doubled hyphen and Arabic-Indic digits; a dash between words stays punctuation
    assert [t.text for t in tokens("کرایہ 12–15 روپے")] == ["کرایہ", "12–15", "روپے"]
    assert [t.text for t in tokens("عمر ۸—۱۲ سال")] == ["عمر", "۸—۱۲", "سال"]
    assert [t.text for t in tokens("تقریباً 30--60 فیصد")] == ["تقریباً", "30--60", "فیصد"]
    assert [t.text for t in tokens("شہر – گاؤں")] == ["شہر", "–", "گاؤں"]
    assert [t.text for t in tokens("12–15abc")] == ["12", "–", "15abc"]
    sentence = "نئے قانون کے تحت جرمانہ 5–8 ہزار سے بڑھ کر 20–25 ہزار روپے ہو گیا ہے۔"
    span = best_span("نئے قانون کے تحت جرمانہ کتنا ہو گیا ہے؟", sentence, "ur", policy="sentence")
    assert span is not None and "20–25" in span.text
    q = question_info("جرمانہ کتنا ہو گیا ہے؟", "ur")
    view = sentence_view(q, sentence)
    ends = {view.toks[j].text for _, j in candidate_bounds(view)}
    assert "20–25" in ends and "20" not in ends  # a span can end on the whole range, never inside it


def test_english_question_has_no_weights_and_says_so() -> None:
    with pytest.raises(ValueError, match="no span weights"):
        load_span_model("en")
    with pytest.raises(ValueError, match="no answering data"):
        question_info("¿Cuántos?", "es")


def test_length_policies_grow_the_span_within_its_sentence() -> None:
    model = load_span_model("ur")
    q = question_info("دریا پر پہلا پل کس سال تعمیر کیا گیا؟", "ur")
    sentence = "دریا پر پہلا پل 1887 میں ایک برطانوی کمپنی نے تعمیر کیا تھا، اور یہ آج بھی استعمال ہوتا ہے۔"
    choice = choose(q, [sentence], model, "span")
    assert choice is not None
    lengths = {}
    for p in [p for p in POLICIES if p != "window"]:
        grown = choice.grown(p)
        assert choice.raw.text in grown.text and sentence[grown.start : grown.end] == grown.text
        lengths[p] = len(grown.text)
    assert lengths["span"] <= lengths["words+2"] <= lengths["words+4"] <= lengths["sentence"]
    assert lengths["clause"] < lengths["sentence"]  # stops at the comma
    assert choice.grown("sentence").text == sentence.rstrip("۔")
    with pytest.raises(ValueError, match="policy must be one of"):
        choice.grown("paragraph")
    window = choice.grown("window")
    assert choice.raw.text in window.text and sentence[window.start : window.end] == window.text


def test_the_window_trades_holding_the_answer_against_its_length() -> None:
    # lam weighs token F1 against "the window holds the answer": large lam cuts the most probable
    # span, lam 0 the widest window the probable spans need (never longer than max_window words)
    model = load_span_model("ur")
    q = question_info("شہر کی پرانی لائبریری میں کتنی کتابیں ہیں؟", "ur")
    sentence = "شہر کی پرانی لائبریری میں تقریباً 4200 کتابیں ہیں، جن میں سے کئی سو برس پرانی ہیں اور بعض نایاب ہیں۔"
    short = choose(q, [sentence], model.with_(lam=1000.0, policy="window"))
    wide = choose(q, [sentence], model.with_(lam=0.0, max_window=6, policy="window"))
    assert short is not None and wide is not None
    # the most probable span alone (a number keeps the noun after it)
    assert short.raw.text in short.span.text
    assert len(tokens(short.span.text)) <= len(tokens(short.raw.text)) + 1
    assert short.span.text in wide.span.text and len(wide.span.text) >= len(short.span.text)
    assert len(tokens(wide.span.text)) <= 6
    assert 0.0 < short.mass <= wide.mass <= 1.0 + 1e-9
    assert "4200" in wide.span.text
    with pytest.raises(ValueError, match="lam must be"):
        model.with_(lam=-1.0)


def test_sentence_choice_prefers_the_sentence_with_the_question_words_and_the_fact() -> None:
    model = load_span_model("ur")
    q = question_info("دریا پر پہلا پل کس سال تعمیر کیا گیا؟", "ur")
    other = "شہر میں کئی بازار ہیں اور لوگ شام کو وہاں جاتے ہیں۔"
    right = "دریا پر پہلا پل 1887 میں ایک برطانوی کمپنی نے تعمیر کیا تھا۔"
    choice = choose(q, [other, right], model)
    assert choice is not None and choice.sentence_index == 1 and "1887" in choice.span.text
    assert choice.sentence_prob > 0.5


def test_decider_scores_the_answering_sentence_above_one_without_the_asked_thing() -> None:
    decider = Decider.load("ur")
    assert 0.0 < decider.threshold < 1.0
    assert len(decider.weights) == len(DECISION_FEATURES)
    facts = Candidate("شہر کے نئے ہسپتال میں 350 بستر ہیں اور اسے 2019 میں کھولا گیا۔", rank=0)
    other = Candidate("ہسپتال کے قریب ایک بڑا پارک بھی ہے۔", rank=1)
    asked = decider.decide("نئے ہسپتال میں کتنے بستر ہیں؟", [facts, other])
    absent = decider.decide("نئے ہوائی اڈے پر کتنے رن وے ہیں؟", [facts, other])
    assert asked.probability > absent.probability
    assert asked.answerable
    assert asked.choice is not None and "350" in asked.choice.grown("span").text


def test_decider_wants_the_kind_of_fact_asked_for() -> None:
    decider = Decider.load("ur")
    with_number = [Candidate("اسکول میں 600 طلبہ پڑھتے ہیں اور عمارت پرانی ہے۔")]
    without = [Candidate("اسکول میں بہت سے طلبہ پڑھتے ہیں اور عمارت پرانی ہے۔")]
    question = "اسکول میں کتنے طلبہ پڑھتے ہیں؟"
    assert decider.score(question, with_number) > decider.score(question, without)


def test_decider_without_candidates_refuses() -> None:
    verdict = Decider.load("ur").decide("کچھ بھی؟", [])
    assert not verdict.answerable and verdict.choice is None


def test_weights_carry_their_fit_metadata() -> None:
    decider = Decider.load("ur")
    for key in ("data", "seed", "split", "threshold_rule", "auc"):
        assert key in decider.meta
    assert decider.spans.policy in POLICIES
    assert "policy_rule" in decider.spans.meta
    counts = Counter(name.split("*")[0] for name in span_feature_names("ur") if "*" in name)
    assert set(counts) >= {"number", "date", "person", "place"}


# --- language data and features -----------------------------------------------------------


def test_answer_cues_and_word_lists_come_from_the_language_pack() -> None:
    from rag import lang

    ur = lang.get("ur")
    assert "کب" in ur.answer_cues["date"] and "میں" in ur.answer_words["postpositions"]
    assert question_info("پل کب بنا؟", "ur").qtype == "date"
    assert question_info("کون سا پل پرانا ہے؟", "ur").qtype == "which"  # the longest cue wins over کون
    assert question_info("When was the bridge built?", "en").qtype == "date"
    with pytest.raises(ValueError, match="unknown answer word lists"):
        LanguagePack(code="xx", name="X", script=re.compile("[a-z]"), answer_words={"adverbs": ("so",)})


def test_span_features_name_the_word_after_and_the_number_at_the_start() -> None:
    q = question_info("کتنے طلبہ امتحان میں کامیاب ہوئے؟", "ur")
    view = sentence_view(q, "اس سال 320 طلبہ امتحان میں کامیاب ہوئے۔")
    words = [t.text for t in view.toks]
    i = words.index("320")
    names = span_feature_names("ur")
    rows = span_features(q, view, [(i, i), (i - 1, i)])
    col = {n: k for k, n in enumerate(names)}
    assert rows[0, col["first_num"]] == 1 and rows[0, col["last_num"]] == 1
    assert rows[1, col["first_num"]] == 0 and rows[1, col["last_num"]] == 1
    assert rows[0, col["next_in_q"]] == 1  # طلبہ is a question word
    assert rows[0, col["number*has_digit"]] == 1 and rows[0, col["date*has_digit"]] == 0
    assert rows[0, col["len<=1"]] == 1 and rows[1, col["len<=2"]] == 1
    assert rows.shape == (2, len(names))
    assert span_features(q, view, []).shape == (0, len(names))


def test_fit_ranker_gives_the_same_weights_for_float32_rows() -> None:
    rng = np.random.default_rng(1)
    x = (rng.random((60, 4)) > 0.5).astype(np.float64)
    target = np.zeros(60)
    target[::6] = 1
    starts = np.arange(0, 60, 6)
    w64 = fit_ranker(x, target, starts, steps=100)
    w32 = fit_ranker(x.astype(np.float32), target, starts, steps=100)
    assert np.allclose(w64, w32, atol=1e-3)


def test_a_window_that_ends_on_a_number_takes_the_noun_after_it() -> None:
    model = load_span_model("ur")
    q = question_info("کتنے ممالک اس معاہدے میں شامل ہیں؟", "ur")
    sentence = "اس معاہدے میں اب 71 ممالک شامل ہیں۔"
    choice = choose(q, [sentence], model.with_(lam=1000.0, policy="window"))
    assert choice is not None
    assert choice.raw.text == "71" or "71" in choice.raw.text
    assert choice.span.text.endswith("71 ممالک") or "71 ممالک" in choice.span.text
    # a number followed by a postposition keeps its end
    q2 = question_info("پل کس سال بنا؟", "ur")
    c2 = choose(q2, ["یہ پل 1887 میں بنا۔"], model.with_(lam=1000.0, policy="window"))
    assert c2 is not None and c2.span.text.endswith("1887")


def test_a_window_that_ends_on_a_number_takes_its_percent_sign_and_the_noun_after_it() -> None:
    """"12" alone says neither what nor how much; «12 ٪ بھاری» (12% heavier) does."""
    model = load_span_model("ur")
    q = question_info("آکسیجن 18 کتنی بھاری ہے؟", "ur")
    sentence = "سمندر کے پانی میں 12 ٪ بھاری آکسیجن ملتی ہے۔"
    choice = choose(q, [sentence], model.with_(lam=1000.0, policy="window"))
    assert choice is not None and "12" in choice.raw.text
    assert "12 ٪" in choice.span.text and not choice.span.text.endswith("12")


def test_a_day_question_gets_a_span_with_the_day_where_a_place_scores_higher() -> None:
    # Without the type mask the scorer's best span here is the place (لاہور).
    sentence = "وزیر اعلیٰ عثمان بزدار نے لاہور میں جمعرات کے روز صوبائی کابینہ کے اجلاس کی صدارت کی۔"
    span = best_span("اجلاس کس دن ہوا؟", sentence, "ur", policy="span")
    assert span is not None and "جمعرات" in span.text


def test_a_which_question_that_names_no_time_is_not_answered_by_a_date_alone() -> None:
    from rag.answering.features import typed_spans

    sentence = "پولیس نے 23 مئی کو مقامی انتظامیہ کی مدد سے چھاپہ مارا۔"

    def spans_kept(question: str) -> set[str]:
        q = question_info(question, "ur")
        view = sentence_view(q, sentence)
        bounds = candidate_bounds(view)
        return {
            sentence[view.toks[i].start : view.toks[j].end] for (i, j), ok in zip(bounds, typed_spans(q, view, bounds), strict=True) if ok
        }

    which = spans_kept("چھاپے میں کن اداروں نے مدد کی؟")
    assert "23 مئی" not in which and "مقامی انتظامیہ" in which
    assert "23 مئی" in spans_kept("چھاپہ کس مہینے کی کس تاریخ کو مارا گیا؟")  # it names a time: a date may answer
    assert "23 مئی" in spans_kept("چھاپہ کب مارا گیا؟")


def test_a_number_question_restricts_the_spans_a_who_question_on_a_sentence_without_dates_does_not() -> None:
    from rag.answering.features import typed_spans

    sentence = "بورڈ کے چیئرمین احمد علی نے بتایا کہ امتحان میں 300 طلبہ کامیاب ہوئے۔"
    how_many = question_info("کتنے طلبہ کامیاب ہوئے؟", "ur")
    view = sentence_view(how_many, sentence)
    bounds = candidate_bounds(view)
    mask = typed_spans(how_many, view, bounds)
    assert 0 < mask.sum() < len(bounds)
    assert all("300" in sentence[view.toks[i].start : view.toks[j].end] for (i, j), ok in zip(bounds, mask, strict=True) if ok)
    who = question_info("امتحان کے نتائج کس نے بتائے؟", "ur")
    assert typed_spans(who, sentence_view(who, sentence), candidate_bounds(sentence_view(who, sentence))).all()


def test_the_embedders_cosine_moves_the_sentence_choice_not_the_decision() -> None:
    loaded = Decider.load("ur")
    q = "اسکول میں کتنے طلبہ پڑھتے ہیں؟"
    first = "اسکول میں 600 طلبہ پڑھتے ہیں اور عمارت پرانی ہے۔"
    second = "اسکول کے ساتھ والے کالج میں 450 طلبہ پڑھتے ہیں۔"

    def decide(weight: float, dense: tuple[float, float]):  # type: ignore[no-untyped-def]
        spans = loaded.spans.with_(dense_weight=weight)
        decider = Decider("ur", loaded.weights, 0.0, spans, loaded.meta)  # threshold 0: always answered
        return decider.decide(q, [Candidate(first, dense=dense[0], rank=0), Candidate(second, dense=dense[1], rank=1)])

    plain = decide(0.0, (0.9, 0.1))
    assert plain.choice is not None and plain.choice.sentence_index == 0
    assert decide(0.0, (0.1, 0.9)).choice.sentence_index == 0  # no weight: the cosine is not read
    moved = decide(100.0, (0.1, 0.9))
    assert moved.choice is not None and moved.choice.sentence_index == 1 and "450" in moved.choice.span.text
    assert moved.probability == plain.probability  # the decision does not read the cosine


def test_the_committed_dense_weight_carries_its_rule_and_survives_json() -> None:
    spans = load_span_model("ur")
    assert spans.dense_weight > 0
    assert "calib" in spans.meta["dense_weight_rule"]
    assert SpanModel.from_json(spans.to_json()).dense_weight == spans.dense_weight


@pytest.mark.parametrize(
    ("sentence", "first", "last", "expected"),
    [
        # the cut ends on the acronym's first letter name: the whole acronym comes along
        ("حکام نے 178 ایف آئی آر رجسٹرڈ کی ہیں۔", "178", "ایف", "178 ایف آئی آر"),
        # the cut starts inside it
        ("این سی سی آئی اے نے 23 مئی کو چھاپہ مارا۔", "آئی", "مئی", "این سی سی آئی اے نے 23 مئی"),
        # «کے» after one letter name is the postposition, not an acronym
        ("پی کے بعد 14 افراد", "پی", "پی", "پی"),
    ],
)
def test_a_cut_never_splits_an_acronym_spelled_in_letter_names(sentence: str, first: str, last: str, expected: str) -> None:
    from rag.answering.features import question_info, sentence_view
    from rag.answering.spans import Span, _cut

    view = sentence_view(question_info("کتنی؟", "ur"), sentence)
    words = [t.text for t in view.toks]
    i, j = words.index(first), words.index(last)
    raw = Span("", 0, 0, 0.0, 0.0, sentence, i, j)
    assert _cut(raw, view, i, j).text == expected


def test_decider_does_not_cut_an_avoided_count_from_a_sentence_with_two() -> None:
    """A count follow-up after "two were arrested" (avoid {"2"}): from a
    sentence stating both counts, the span is the other one, and without
    `avoid` the same question still may take either (both are numbers)."""
    decider = Decider.load("ur")
    both = [Candidate("پولیس نے دو ملزمان کو گرفتار کر لیا جبکہ تین ملزمان ابھی تک فرار ہیں۔")]
    question = "اور کتنے ملزمان فرار ہیں؟"
    avoided = decider.decide(question, both, frozenset({"2"}))
    assert avoided.choice is not None
    span = avoided.choice.span.text
    assert "تین" in span and "دو" not in span.split()
    # a span of the avoided count alone is typed out, not the sentence's only number
    alone = decider.decide("کتنے ملزمان گرفتار ہوئے؟", both, frozenset({"2"}))
    assert alone.choice is not None and "دو" not in alone.choice.span.text.split()


def test_an_amount_of_time_does_not_answer_a_count_of_people_or_things() -> None:
    """«کتنے طلبہ» is not answered by «3 سے 5 سال» (an age or a duration),
    but «کتنے سال» and «کتنی عمر» are; a sentence whose only numbers count
    units of time cannot hold a count of students."""
    from rag.answering.features import _amounts_of_time, type_ok, typed_spans

    sentence = "اسکول نے 3 سے 5 سال کی عمر کے 120 طلبہ کو داخلہ دیا۔"

    def spans_kept(question: str, text: str = sentence) -> set[str]:
        q = question_info(question, "ur")
        view = sentence_view(q, text)
        bounds = candidate_bounds(view)
        mask = typed_spans(q, view, bounds)
        return {text[view.toks[i].start : view.toks[j].end] for (i, j), ok in zip(bounds, mask, strict=True) if ok}

    students = spans_kept("اسکول نے کتنے طلبہ کو داخلہ دیا؟")
    assert "120" in students and "3 سے 5" not in students and "3 سے 5 سال" not in students
    assert "3 سے 5 سال" in spans_kept("طلبہ کتنے سال کے تھے؟")
    assert "3 سے 5 سال" in spans_kept("داخلہ لینے والے طلبہ کی عمر کتنی تھی؟")
    # "how much was the punishment?" counts no noun: a term of years answers it
    term = "عدالت نے ملزم کو 5 سے 7 سال قید کی سزا سنائی۔"
    assert "5 سے 7 سال" in spans_kept("ملزم کی سزا کتنی تھی؟", term)
    assert "5 سے 7 سال" not in spans_kept("عدالت نے کتنے ملزموں کو سزا سنائی؟", term)

    only_time = "منصوبہ 28 دن میں مکمل ہوا۔"
    count = question_info("منصوبے پر کتنے مزدوروں نے کام کیا؟", "ur")
    days = question_info("منصوبہ کتنے دنوں میں مکمل ہوا؟", "ur")
    assert not type_ok(count, sentence_view(count, only_time))
    assert type_ok(days, sentence_view(days, only_time))
    # a range of numbers takes the unit after its upper end; a count before "more than" is no range
    view = sentence_view(count, "ان میں 6 سے 10 سال کے بچے اور 50 سے زیادہ بالغ تھے۔")
    assert {view.toks[k].text for k in _amounts_of_time("ur", view.toks, view.kind)} == {"6", "10"}
    en = question_info("How many children were targeted?", "en")
    view = sentence_view(en, "The gang targeted children aged 6 to 10 years.")
    assert not type_ok(en, view)
    assert type_ok(question_info("How old were the children?", "en"), view)


def test_the_earlier_count_fails_a_span_that_states_it_and_a_sentence_that_states_nothing_else() -> None:
    """One rule for the sentence and its spans (the decision's span feature
    and the span mask read the same): after "two were arrested", a sentence
    stating two and three may hold the new count, its spans stating two may
    not, and a sentence stating only two holds none."""
    from dataclasses import replace

    from rag.answering.features import _type_ok

    q = replace(question_info("اور کتنے ملزمان فرار ہیں؟", "ur"), avoid=frozenset({"2"}))
    both = sentence_view(q, "پولیس نے دو ملزمان کو گرفتار کیا جبکہ تین ملزمان فرار ہیں۔")
    words = [t.text for t in both.toks]
    two, three = words.index("دو"), words.index("تین")
    assert _type_ok(q, both)
    assert _type_ok(q, both, three, three + 1)
    assert not _type_ok(q, both, two, two + 1)
    assert not _type_ok(q, both, two, three)  # states both: still the earlier count
    only = sentence_view(q, "پولیس نے دو ملزمان کو گرفتار کیا۔")
    assert not _type_ok(q, only)
    assert _type_ok(replace(q, avoid=frozenset()), only)
