"""The embedder's tokenizer: the SentencePiece fast path is used only when the
stamp beside the model files says it was checked equal to tokenizer.json; the
stamp is re-used, and re-made when either file changes. A tiny SentencePiece
model is trained in the test (milliseconds); it does not match the tiny
word-level tokenizer.json, which is the point of the mismatch test."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

spm = pytest.importorskip("sentencepiece")

from rag import tokenizer as tk  # noqa: E402

TEXTS = ["police arrested people in the city", "پولیس نے لوگوں کو گرفتار کیا", "کیا آج بارش ہوگی؟", "the council approved a budget"]
WORDS = ["<pad>", "<eos>", "<bos>", "<unk>", "police", "پولیس", "نے", "کیا"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXTS * 5), model_writer=out, model_type="bpe", vocab_size=60, pad_id=0, eos_id=1,
        bos_id=2, unk_id=3, add_dummy_prefix=False, minloglevel=2, hard_vocab_limit=False,
    )  # fmt: skip
    (tmp_path / "tokenizer.model").write_bytes(out.getvalue())
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.add_special_tokens(WORDS[:4])
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 1)])
    tok.save(str(tmp_path / "tokenizer.json"))
    return tmp_path


def _sp(folder: Path):  # type: ignore[no-untyped-def]
    return spm.SentencePieceProcessor(model_file=str(folder / "tokenizer.model"))


def test_layout_is_read_from_tokenizer_json(folder: Path) -> None:
    layout = tk.HFTokenizer(folder, 32).layout()
    assert layout == {"specials": {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}, "prefix": [2], "suffix": [1], "pad": 0}


def test_files_that_disagree_keep_tokenizers_and_the_verdict_is_reused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = tk.load_tokenizer(folder, 32)
    assert isinstance(first, tk.HFTokenizer)
    stamp = json.loads((folder / tk.STAMP).read_text(encoding="utf-8"))
    assert stamp["equal"] is False
    # the second load trusts the stamp: no SentencePiece model is built to check again
    monkeypatch.setattr(tk, "SentencePieceTokenizer", None)
    again = tk.load_tokenizer(folder, 32)
    assert isinstance(again, tk.HFTokenizer)
    assert again.encode_batch(["police نے"]) == ([[2, 4, 6, 1]], [[1, 1, 1, 1]])


def _trust(folder: Path) -> None:
    """A stamp that says the two files agree (as the real model's does)."""
    layout = {"specials": {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}, "prefix": [2], "suffix": [1], "pad": 0}
    verdict = {"key": tk._key(folder), "equal": True, "layout": layout}
    (folder / tk.STAMP).write_text(json.dumps(verdict), encoding="utf-8")


def test_a_stamp_that_says_equal_gives_the_sentencepiece_path(folder: Path) -> None:
    _trust(folder)
    tok = tk.load_tokenizer(folder, 32)
    assert isinstance(tok, tk.SentencePieceTokenizer)
    sp = _sp(folder)
    ids, mask = tok.encode_batch(["پولیس نے", "police arrested people"])
    one, two = [2, *sp.encode("پولیس نے"), 1], [2, *sp.encode("police arrested people"), 1]
    width = max(len(one), len(two))
    assert ids == [one + [0] * (width - len(one)), two + [0] * (width - len(two))]  # padded on the right
    assert mask == [[1] * len(one) + [0] * (width - len(one)), [1] * len(two) + [0] * (width - len(two))]


def test_special_tokens_written_in_the_text_are_matched_first(folder: Path) -> None:
    _trust(folder)
    tok = tk.load_tokenizer(folder, 64)
    sp = _sp(folder)
    ids, _ = tok.encode_batch(["کیا<unk>police <eos>"])
    assert ids == [[2, *sp.encode("کیا"), 3, *sp.encode("police "), 1, 1]]


def test_long_text_is_cut_to_max_length_with_the_template_kept(folder: Path) -> None:
    _trust(folder)
    ids, mask = tk.load_tokenizer(folder, 8).encode_batch([" ".join(TEXTS * 4)])
    body = _sp(folder).encode(" ".join(TEXTS * 4))
    assert ids == [[2, *body[:6], 1]]
    assert mask == [[1] * 8]


def test_a_changed_file_invalidates_the_stamp(folder: Path) -> None:
    _trust(folder)
    assert isinstance(tk.load_tokenizer(folder, 32), tk.SentencePieceTokenizer)
    path = folder / "tokenizer.json"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    tok = tk.load_tokenizer(folder, 32)  # checked again: the files disagree
    assert isinstance(tok, tk.HFTokenizer)
    assert json.loads((folder / tk.STAMP).read_text(encoding="utf-8"))["key"] == tk._key(folder)


def test_without_tokenizer_model_tokenizers_is_used_and_no_stamp_written(folder: Path) -> None:
    (folder / "tokenizer.model").unlink()
    assert isinstance(tk.load_tokenizer(folder, 32), tk.HFTokenizer)
    assert not (folder / tk.STAMP).exists()


def test_sentencepiece_offsets_slice_each_piece_and_keep_the_layout(folder: Path) -> None:
    """The fast path gives token spans itself (the span reader needs them on a
    cold start): template tokens (0, 0) and flagged special, a special token
    written in the text keeps its span, each piece's span is its surface."""
    _trust(folder)
    tok = tk.load_tokenizer(folder, 64)
    texts = ["کیا<unk>police نے", "police"]
    ids, mask, special, spans = tok.encode_offsets(texts)
    assert (ids, mask) == tok.encode_batch(texts)
    first = texts[0]
    assert spans[0][0] == spans[0][-1] == (0, 0) and special[0][0] == special[0][-1] == 1 and special[0][-2] == 0
    unk = ids[0].index(3)
    assert first[slice(*spans[0][unk])] == "<unk>" and special[0][unk] == 0
    sp = _sp(folder)
    surfaces = [sp.id_to_piece(i).replace("\u2581", " ") for i in sp.encode("police نے")]
    body = [first[a:b] for a, b in spans[0][unk + 1 : len(ids[0]) - 1]]
    assert body == surfaces and "".join(body) == "police نے"
    assert spans[1][sum(mask[1]) :] == [(0, 0)] * (len(ids[1]) - sum(mask[1]))  # padding
    assert special[1][sum(mask[1]) - 1 :] == [1] * (len(ids[1]) - sum(mask[1]) + 1)  # the suffix and the padding


def test_a_text_the_pieces_cannot_follow_takes_the_offsets_of_tokenizers(folder: Path) -> None:
    """The tiny model has no byte pieces: an unknown character comes back as
    <unk>, whose piece is not in the text, so the batch's offsets come from
    the reference instead of a wrong span."""
    _trust(folder)
    tok = tk.load_tokenizer(folder, 64)
    texts = ["police ß", "police"]
    assert isinstance(tok, tk.SentencePieceTokenizer) and tok._reference is None
    assert tok.encode_offsets(texts) == tk.HFTokenizer(folder, 64).encode_offsets(texts)
    assert tok._reference is not None  # the walk gave up on the unknown character
