"""The RapidOCR row reader reports the least sure character of a line, not only the mean."""

from __future__ import annotations

import cv2
import numpy as np

from pausecode.recognize.base import get_engine
from pausecode.settings import load_settings

FONT = cv2.FONT_HERSHEY_SIMPLEX


def _line(text: str) -> np.ndarray:
    im = np.full((40, 420, 3), 255, np.uint8)
    cv2.putText(im, text, (6, 28), FONT, 0.9, (0, 0, 0), 2, cv2.LINE_AA)
    return im


def test_weakest_character_falls_when_one_glyph_is_ambiguous() -> None:
    engine = get_engine("rapidocr", load_settings(engine="rapidocr"))
    clean = _line("result = value + 1")
    blotted = clean.copy()  # an "8" printed over the "u": one glyph the recogniser can only guess
    x = 6 + cv2.getTextSize("result = val", FONT, 0.9, 2)[0][0]
    cv2.putText(blotted, "8", (x, 28), FONT, 0.9, (0, 0, 0), 2, cv2.LINE_AA)
    a, b = engine.read_rows([clean, blotted])
    assert a.text.startswith("result") and 0.0 < a.weakest <= 1.0
    assert a.weakest >= 0.9  # every glyph of a clean line is sure (spaces, which the grid decides, not counted)
    assert b.weakest < 0.5  # the guessed glyph shows in the minimum...
    assert b.score > 0.85  # ...while the mean over the line hides it
