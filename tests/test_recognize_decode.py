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


DIGITS_ALPHABET = ["blank", "1", "l", "0", "O", "s", "t", "a", "x", " ", "."]


def _steps(spec: list[dict[str, float]]) -> np.ndarray:
    """One kept step per character: the given class probabilities, the rest spread over the other classes."""
    probs = np.zeros((len(spec), len(DIGITS_ALPHABET)))
    for i, cls in enumerate(spec):
        rest = (1 - sum(cls.values())) / (len(DIGITS_ALPHABET) - len(cls))
        probs[i] = rest
        for name, p in cls.items():
            probs[i, DIGITS_ALPHABET.index(name)] = p
    return probs


def test_a_word_starting_with_an_unsure_digit_starts_with_the_letter() -> None:
    # "1s" where the model gave "l" 0.108 (terminal light, `ls -a`): a word is not a number with a letter
    got = greedy_ctc(_steps([{"1": 0.89, "l": 0.108}, {"s": 0.99}]), DIGITS_ALPHABET)
    assert got.text == "ls"
    assert got.weakest >= 0.99  # the glyph was one of the two: their probabilities together
    got = greedy_ctc(_steps([{"0": 0.54, "O": 0.44}, {"s": 0.99}, {"l": 0.99}, {"0": 0.99}]), DIGITS_ALPHABET)
    assert got.text == "Osl0"  # only the first character: a digit inside a word is allowed ("x0")


def test_numbers_and_sure_digits_stay_digits() -> None:
    sure = _steps([{"1": 0.997, "l": 0.002}, {"s": 0.99}, {"t": 0.99}])
    assert greedy_ctc(sure, DIGITS_ALPHABET).text == "1st"
    for word in (["1", "0"], ["0", "x", "1"], ["1", "blank", "1", "0"]):  # numbers, however unsure
        spec = [{c: 0.8, "l": 0.19} if c.isdigit() else {c: 0.99} for c in word]
        assert greedy_ctc(_steps(spec), DIGITS_ALPHABET).text == "".join(word).replace("blank", "")
    # the fraction of a number with an exponent-like tail is not a word
    spec = [{"1": 0.99}, {".": 0.99}, {"0": 0.6, "O": 0.39}, {"s": 0.99}]
    assert greedy_ctc(_steps(spec), DIGITS_ALPHABET).text == "1.0s"


def test_full_width_forms_are_read_as_the_ascii_typed() -> None:
    """The model's alphabet has full-width forms ("＃" for a light # in a map of dots and hashes): code is ASCII."""
    alphabet = ["blank", "＃", ".", "（", "）", "\u3000", "a"]
    probs = np.full((5, len(alphabet)), 0.02)
    for i, k in enumerate([1, 2, 3, 5, 4]):
        probs[i, k] = 0.9
    assert greedy_ctc(probs, alphabet).text == "#.( )"


def test_typographic_and_full_width_forms_are_read_as_the_ascii_typed() -> None:
    # a code font draws "-" a whole cell wide: the model reads the minus sign (held-out micro, `r - 1`)
    alphabet = ["blank", "r", "\u2212", "\u2013", "\uff03", "1", " "]
    probs = np.full((6, len(alphabet)), 0.01)
    for i, k in enumerate([1, 6, 2, 6, 5, 3]):
        probs[i, k] = 0.9
    assert greedy_ctc(probs, alphabet).text == "r - 1-"
    probs[5] = 0.01
    probs[5, 4] = 0.9
    assert greedy_ctc(probs, alphabet).text == "r - 1#"
