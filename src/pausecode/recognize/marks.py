"""What editors draw over or beside the text that is not text: the text cursor (a bar between cells, a bar
after the last typed character, a block), the box around a matching bracket, and text far out in the pane that
is a minimap's miniature or a hover widget. Each is kept out of the code a row reads as.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .base import CodeLayout, TextLine
from .grid import GRID, GridPolicy, ink_mask, runs

CURSOR_GLYPHS = "■█▌▍▎▏"  # how the recogniser reads a block cursor


def far_and_tiny(ink_strip: np.ndarray, bg: float, span: tuple[int, int], layout: CodeLayout,
                 policy: GridPolicy = GRID) -> bool:
    """Is a row's only text a miniature far to the right (a minimap beside a blank line)?"""
    a, b = span
    if (a - (layout.x0 - layout.pane[0])) / layout.char_width < policy.stray_text_cols:
        return False
    rows = np.flatnonzero(ink_mask(ink_strip[:, a:b], bg, policy).any(axis=1))
    return len(rows) > 0 and (rows[-1] - rows[0] + 1) < policy.miniature_ink_share * layout.pitch


def stray_text(line: TextLine, policy: GridPolicy = GRID) -> bool:
    """Text far in on its row that the recogniser is unsure of: a minimap's miniature, a hover widget or the
    pointer over an empty stretch of the pane (a real line that deep, a continuation aligned under an open
    bracket, reads clearly)."""
    return len(line.text) - len(line.text.lstrip()) >= policy.stray_text_cols and line.confidence < policy.stray_text_score


def strip_cursor(text: str) -> str:
    """The text cursor drawn right after the last character is read as "|" (a bar) or "■" (a block):
    code rarely ends in a bar glued to the character before it."""
    text = text.rstrip(CURSOR_GLYPHS).rstrip()
    if len(text) > 1 and text.endswith("|") and not text[-2].isspace() and text[-2] != "|":
        text = text[:-1]
    return text


def cursor_bars(strip: np.ndarray, bg: float, char_w: float, x0: float | None = None,
                policy: GridPolicy = GRID) -> list[tuple[int, int]]:
    """Column ranges of what editors draw over the text in a grid row: a bar cursor (a 1-3 px stroke over
    the whole row height: glyphs never fill the line spacing; or over most of it, standing between two
    cells where no glyph stroke stands) and the two sides of the box around a matching bracket (two thin
    strokes over most of the height, one cell apart, joined by the box's top or bottom edge). `x0`: column 0
    in strip coordinates, when known."""
    if strip.shape[0] < policy.mark_min_row_px:
        return []
    ink = ink_mask(strip, bg, policy)
    cover = ink.sum(axis=0) / strip.shape[0]

    def thin_runs(level: float) -> list[tuple[int, int]]:
        cols = np.flatnonzero(cover >= level)
        if not len(cols):
            return []
        return [(int(r[0]), int(r[-1]) + 1) for r in runs(cols) if len(r) <= policy.bar_px]

    bars = thin_runs(policy.bar_cover)
    sides = thin_runs(policy.side_cover)
    for (a1, a2), (b1, b2) in zip(sides, sides[1:]):
        # a box is closed: some pixel row (its top or bottom edge) is ink from side to side. Two bracket
        # glyphs side by side are not ("[]", "{}", "][" in a font whose brackets fill the line: held-out micro
        # lost every "[]" and "][", Monaco its "= {}")
        edge = float(ink[:, a1:b2].mean(axis=1).max())
        if policy.bracket_min_cells * char_w <= b1 - a1 <= policy.bracket_max_cells * char_w \
                and edge >= policy.box_edge_share:
            bars += [(a1, a2), (b1, b2)]
    if x0 is not None:
        # on a cell boundary (glyphs, "|" and "l" too, are centred in their cells): the cursor between two
        # characters. Measured against the row's height, not the text's: the stem of a "d" or "b" spans the
        # text and stands near its cell's edge (measured against the text, "def" read as "cef" in vim).
        for a, b in sides:
            phase = (((a + b) / 2 - x0) / char_w) % 1.0
            if min(phase, 1.0 - phase) <= policy.boundary_cells:
                bars.append((a, b))
    end = end_of_line_bar(ink, policy)
    if end is not None:
        bars.append(end)
    return sorted(set(bars))


def end_of_line_bar(ink: np.ndarray, policy: GridPolicy = GRID) -> tuple[int, int] | None:
    """The cursor after the last character typed, where it stands while someone types: the row's last ink is
    a stroke at most 3 px wide, apart from the text, reaching above the tallest glyph and below the lowest
    one (a cursor spans the font's whole line; "l" stops at the baseline, "!" and "1" too). Found without the
    grid, which one line measures poorly. A "|" ending a line would look the same; code almost never does."""
    cols = np.flatnonzero(ink.any(axis=0))
    if len(cols) < 2:
        return None
    pieces = runs(cols)
    last = pieces[-1]
    if len(last) > policy.bar_px or len(pieces) < 2:
        return None
    a, b = int(last[0]), int(last[-1]) + 1
    text_rows = np.flatnonzero(ink[:, : int(pieces[-2][-1]) + 1].any(axis=1))
    bar_rows = np.flatnonzero(ink[:, a:b].any(axis=1))
    if not len(text_rows) or not len(bar_rows):
        return None
    if bar_rows[0] <= text_rows[0] - 1 and bar_rows[-1] >= text_rows[-1] + 1:
        return a, b
    return None


def cursor_test(strip: np.ndarray, bg: float, policy: GridPolicy = GRID) -> Callable[[int, int], bool]:
    """Is the ink in columns [a, b] a text cursor: a thin stroke over (nearly) the whole row height?"""
    def test(a: int, b: int) -> bool:
        ink = ink_mask(strip[:, a:b + 1], bg, policy)
        return bool(ink.any(axis=1).mean() >= policy.cursor_cover)

    return test
