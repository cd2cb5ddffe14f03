"""The learned answer parts (rag/answering): the span scorer trained on a tiny
committed slice of UQA train beats a trivial baseline on another slice, and
the committed weights behave as their shape says on sentences written here
(not from the seed article or the development sets)."""

from __future__ import annotations

import json
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
from rag.answering.spans import POLICIES, SpanModel, best_span, candidate_spans, choose, load_span_model

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
    model = SpanModel("ur", fit_ranker(x, target, starts, steps=200), (0.0,), 0.0, "span", {})
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
    for p in POLICIES:
        grown = choice.grown(p)
        assert choice.raw.text in grown.text and sentence[grown.start : grown.end] == grown.text
        lengths[p] = len(grown.text)
    assert lengths["span"] <= lengths["words+2"] <= lengths["words+4"] <= lengths["sentence"]
    assert lengths["clause"] < lengths["sentence"]  # stops at the comma
    assert choice.grown("sentence").text == sentence.rstrip("۔")
    with pytest.raises(ValueError, match="policy must be one of"):
        choice.grown("paragraph")


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
