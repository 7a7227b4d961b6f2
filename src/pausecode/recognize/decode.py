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

BLANK = 0  # the CTC blank's class index (the model's metadata list has it first)


def greedy_ctc(probs: np.ndarray, alphabet: list[str]) -> RowRead:
    """RapidOCR's own decoding (`CTCLabelDecode`): text, mean probability of the kept frames, and the
    lowest probability among its visible characters."""
    idx = probs.argmax(axis=1)
    best = probs.max(axis=1)
    keep = np.ones(len(idx), dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    keep &= idx != BLANK
    chars = [alphabet[i] for i in idx[keep]]
    confs = [float(c) for c in best[keep]]
    if not chars:
        return RowRead("", 0.0, 0.0)
    visible = [c for c, ch in zip(confs, chars) if not ch.isspace()]
    return RowRead("".join(chars), float(np.mean(confs)), float(min(visible, default=np.mean(confs))))
