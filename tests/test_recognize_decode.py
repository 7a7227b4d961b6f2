"""Decoding the recogniser's per-frame probabilities: greedy CTC as RapidOCR does it."""

from __future__ import annotations

import numpy as np

from pausecode.recognize.decode import greedy_ctc

ALPHABET = ["blank", "(", ")", "a", "b", "=", " "]


def _frames(labels: list[str], sure: float = 0.9) -> np.ndarray:
    """One output frame per label (a class name), that class at `sure` and the rest spread evenly."""
    probs = np.full((len(labels), len(ALPHABET)), (1 - sure) / (len(ALPHABET) - 1))
    for i, lab in enumerate(labels):
        probs[i, ALPHABET.index(lab)] = sure
    return probs


def test_greedy_ctc_collapses_a_repeat_without_a_blank_between() -> None:
    got = greedy_ctc(_frames(["a", "blank", "(", ")", ")", "blank", "b"]), ALPHABET)
    assert got.text == "a()b"  # the two ")" frames with no blank between are one character
    assert abs(got.score - 0.9) < 1e-9 and abs(got.weakest - 0.9) < 1e-9


def test_greedy_ctc_weakest_is_over_visible_characters_only() -> None:
    probs = _frames(["a", " ", "b"])
    probs[1] = 0.0
    probs[1, ALPHABET.index(" ")] = 0.3  # an unsure space does not make the row unsure
    assert greedy_ctc(probs, ALPHABET).weakest == 0.9
    assert greedy_ctc(np.zeros((0, len(ALPHABET))), ALPHABET).text == ""


def test_greedy_ctc_reads_as_rapidocr_decodes() -> None:
    from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

    rng = np.random.default_rng(7)
    theirs = CTCLabelDecode(character=ALPHABET[1:-1])  # RapidOCR adds the blank and the space itself
    assert theirs.character == ALPHABET
    for _ in range(50):
        logits = rng.normal(size=(40, len(ALPHABET))) * 3
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        (text, score), = theirs(probs[np.newaxis])[0]
        got = greedy_ctc(probs, ALPHABET)
        assert (got.text, got.score) == (text, score)
