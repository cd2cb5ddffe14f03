"""The span reader with the real default embedder: the committed head reads
the states the default ONNX graph gives, and finds an answer in a sentence
written here (not from the seed article or the development sets)."""

from __future__ import annotations

import pytest

from bench.train_reader import best_reader_span
from rag.answering.reader import load_reader

pytestmark = pytest.mark.e2e

CASES = [
    ("کتنے افراد گرفتار ہوئے؟", "پولیس نے بتایا کہ منگل کو کراچی میں بارہ افراد گرفتار ہوئے۔", "بارہ"),
    ("سیلاب کس شہر میں آیا؟", "گزشتہ ہفتے شدید بارشوں کے بعد ملتان میں سیلاب آیا اور سینکڑوں گھر ڈوب گئے۔", "ملتان"),
    ("کانفرنس کس سال منعقد ہوئی؟", "یہ کانفرنس 2017 میں لاہور میں منعقد ہوئی تھی۔", "2017"),
]


def test_the_committed_reader_reads_the_default_embedder(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    reader = load_reader("ur")
    assert reader is not None and reader.beta > 0
    assert reader.reads(real_pipeline.embedder())


@pytest.mark.parametrize("question, sentence, expected", CASES)
def test_the_reader_alone_finds_the_answer(real_pipeline, question, sentence, expected) -> None:  # type: ignore[no-untyped-def]
    reader = load_reader("ur")
    assert reader is not None
    view = reader.read(real_pipeline.embedder(), question, sentence)
    assert view.offsets[0][0] == 0 and view.offsets[-1][1] == len(
        sentence
    )  # the whole sentence, nothing of the question
    got = best_reader_span(reader, view, sentence)
    assert expected in got and len(got.split()) <= 4, got
