"""Decoding the recognition model's per-frame character probabilities.

The recogniser (PP-OCR, called directly) gives, for every 8 px of its 48 px high input, a probability for each
character and for the CTC blank. Greedy CTC (argmax, collapse repeats, drop blanks) is what RapidOCR returns;
decoding it here keeps each character's probability without RapidOCR's word grouping. Decoding on the
character grid instead (one character per inked cell, ../shared/notes/decoding-findings.md) was tried on real
recordings and lost exact rows: the measured grid is off by a fraction of a cell on some fonts (bench notes).
"""

from __future__ import annotations

import numpy as np

from .base import RowRead

# the CTC blank's class index: RapidOCR puts "blank" before the model's own character list (and a space after it)
BLANK = 0
ROUND_DIGITS = 5  # RapidOCR rounds each probability and their mean to 5 decimals; so does this, to match it


def greedy_ctc(probs: np.ndarray, alphabet: list[str]) -> RowRead:
    """RapidOCR's own decoding (`CTCLabelDecode`): text, mean probability of the kept frames, and the
    lowest probability among its visible characters."""
    idx = probs.argmax(axis=1)
    best = probs.max(axis=1)
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    keep &= idx != BLANK
    chars = [alphabet[i] for i in idx[keep]]
    confs = [round(float(c), ROUND_DIGITS) for c in best[keep]]
    if not chars:
        return RowRead("", 0.0, 0.0)
    mean = round(float(np.mean(confs)), ROUND_DIGITS)
    visible = [c for c, ch in zip(confs, chars) if not ch.isspace()]
    return RowRead("".join(chars), mean, float(min(visible, default=mean)))
