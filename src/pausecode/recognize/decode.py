"""Decoding the recognition model's per-frame character probabilities.

The recogniser (PP-OCR, called directly) gives, for every 8 px of its 48 px high input, a probability for each
character and for the CTC blank. Greedy CTC (argmax, collapse repeats, drop blanks) is what RapidOCR returns;
decoding it here keeps each character's probability without RapidOCR's word grouping. Decoding on the
character grid instead (one character per inked cell, ../shared/notes/decoding-findings.md) was tried on real
recordings and lost exact rows: the measured grid is off by a fraction of a cell on some fonts (bench notes).
One rule of code text is applied while the probabilities are still at hand: a word that starts with a digit is
a number, so a digit the model hesitated over at the start of a word that is not one was the letter beside it.
"""

from __future__ import annotations

import re

import numpy as np

from .base import RowRead

# the CTC blank's class index: RapidOCR puts "blank" before the model's own character list (and a space after it)
BLANK = 0
ROUND_DIGITS = 5  # RapidOCR rounds each probability and their mean to 5 decimals; so does this, to match it
# Probability a letter must have at a step where a digit won for the glyph to be read as either (a probability,
# 0-1). A word in code starts with a digit only when it is a number, so "1s", "1ru_cache" and "0slo" are
# misread words. The model's letter at those steps, measured on real recordings: "l" 0.108 and 0.178 against
# "1" (terminal light, `ls -a`, `lru_cache`), "O" 0.438 against "0" (JupyterLab, "Oslo"); a digit the
# model is sure of leaves its letters near 0 (under 0.003 on the digits of the same rows): "1st" stays.
LETTER_ALT_PROB = 0.05
# A Python number as one word (digits, underscores, an exponent without its sign, a complex or a based
# literal): a word that starts with a digit and is not one of these is a misread.
NUMBER_WORD = re.compile(r"0[xX][0-9a-fA-F_]*|0[oO][0-7_]*|0[bB][01_]*|[0-9][0-9_]*(?:[eE][0-9_]*)?[jJ]?")
WORD = re.compile(r"[0-9A-Za-z_]+")
# The model's alphabet has the full-width forms of ASCII (it reads Chinese too), and picks them for glyphs a
# monospace font draws wide and light ("＃" for the # of a map drawn in dots and hashes). It also has the
# typographic dashes, and reads a code font's hyphen-minus, drawn a whole cell wide, as the minus sign "−"
# (held-out micro: 929 of them in one run, none in any truth). Code is typed in ASCII: each full-width form
# is its ASCII character, the ideographic space a space, the minus sign, hyphen and en dash a "-".
TYPED_AS_ASCII = {**{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}, 0x3000: 0x20,
                  **{cp: ord("-") for cp in (0x2212, 0x2010, 0x2011, 0x2013)}}


def greedy_ctc(probs: np.ndarray, alphabet: list[str], step_px: float = 0.0) -> RowRead:
    """RapidOCR's own decoding (`CTCLabelDecode`), then `words_start_with_letters`: text, mean probability
    of the kept frames, and the lowest probability among its visible characters. With `step_px` (the image's
    pixels per model step), each character's extent: the steps of its run of argmax."""
    idx = probs.argmax(axis=1)
    best = probs.max(axis=1)
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    keep &= idx != BLANK
    chars = [c.translate(TYPED_AS_ASCII) for c in (alphabet[i] for i in idx[keep])]
    confs = [round(float(c), ROUND_DIGITS) for c in best[keep]]
    kept = np.flatnonzero(keep)
    words_start_with_letters(chars, confs, probs, kept, alphabet)
    if not chars:
        return RowRead("", 0.0, 0.0)
    mean = round(float(np.mean(confs)), ROUND_DIGITS)
    visible = [c for c, ch in zip(confs, chars) if not ch.isspace()]
    spans: tuple[tuple[float, float], ...] = ()
    if step_px > 0:
        starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])  # where each run of one class starts
        ends = np.r_[starts[1:], len(idx)]
        run_end = dict(zip(starts.tolist(), ends.tolist()))
        spans = tuple((float(k * step_px), float(run_end[k] * step_px)) for k in kept.tolist())
    return RowRead("".join(chars), mean, float(min(visible, default=mean)), spans)


def words_start_with_letters(chars: list[str], confs: list[float], probs: np.ndarray, kept: np.ndarray,
                             alphabet: list[str]) -> None:
    """A word that starts with one digit, is not a number and has a letter as the model's runner-up for that
    digit starts with that letter ("1s -a" is "ls -a", "0slo" is "Oslo"): the glyph was one of the two and the
    word decides which. Its probability becomes the two together. In place; `kept[i]` is the step of `probs`
    that gave character i. Runs on every row read, so a row without a digit costs one scan."""
    if not any(ch.isdigit() for ch in chars):
        return
    text = "".join(chars)
    for word in WORD.finditer(text):
        i = word.start()
        w = word.group()
        if len(w) < 2 or not w[0].isdigit() or not (w[1].isalpha() or w[1] == "_"):
            continue
        if NUMBER_WORD.fullmatch(w):
            continue
        if i >= 2 and text[i - 1] == "." and text[i - 2].isdigit():  # the fraction of a number, "2.5j"
            continue
        step = probs[kept[i]]
        order = np.argsort(-step)
        letter = next((k for k in order[1:6] if len(alphabet[k]) == 1 and alphabet[k].isascii()
                       and alphabet[k].isalpha()), None)
        if letter is None or step[letter] < LETTER_ALT_PROB:
            continue
        chars[i] = alphabet[letter]
        confs[i] = round(float(step[letter] + step[order[0]]), ROUND_DIGITS)
