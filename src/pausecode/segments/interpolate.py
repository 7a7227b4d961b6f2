"""Text of the short states between two engine readings, from pixels alone.

While someone types, each keystroke is a new screen state lasting ~0.1 s. Reading each with OCR would cost
seconds per second of video. Instead: a row that changed is compared, column by column, with the same row in
the key state before (A) and after (B). The line being typed is a prefix of what it becomes (or of what it was,
when deleting), and on a monospace grid the length of the matching prefix in pixels gives the number of
characters. Rows that moved by whole lines (Enter, deleted lines) are found by matching shifted rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from ..frames.states import State
from ..recognize.base import CodeLayout, Recognition, TextLine
from ..recognize.check import normalised
from ..recognize.grid import INK_LEVEL
from ..recognize.text import join_parts, render_lines

PIX = 40
SAME_PIXELS = 4
CURSOR_COLUMNS = 3  # the widest bar cursor, px
GLYPH_COLUMNS_SHARE = 0.4  # a glyph inks at least this share of its cell's columns (")" ~0.4, "m" ~0.8)
EDGE_PX = 2  # rows at a cell's top and bottom where a highlight box's lines run: not the glyph


@dataclass
class KeyRead:
    state: State
    rec: Recognition


def _strip(luma: np.ndarray, y_off: int, layout: CodeLayout, row: int) -> np.ndarray | None:
    top = layout.row_top(row) - y_off
    bot = int(round(top + layout.pitch))
    if top < 0 or bot > luma.shape[0]:
        return None
    x1, _, x2, _ = layout.pane
    return luma[top:bot, x1:x2]


# Two reads are on the same grid when their row and column 0 differ by less than this share of a cell (a re-fit
# moves column 0 by a pixel or two; a scroll or zoom moves it by whole cells) ...
SAME_GRID_SHARE = 0.3
# ... and their character widths by less than this share (80 columns off by 0.5 % drift under half a cell).
GRID_WIDTH_TOLERANCE = 0.005


def _run_holding(runs: list[tuple[int, np.ndarray]], layout: CodeLayout,
                 row: int) -> tuple[int, np.ndarray] | None:
    """The changed run (top y, luma rows) of a transient state that holds all of row `row`."""
    for top, luma in runs:
        if _strip(luma, top, layout, row) is not None:
            return top, luma
    return None


def _run_strip(runs: list[tuple[int, np.ndarray]], layout: CodeLayout, row: int) -> np.ndarray | None:
    """Row `row` of a transient state, from the changed run holding all of it."""
    run = _run_holding(runs, layout, row)
    return _strip(run[1], run[0], layout, row) if run is not None else None


def _in_pane(layout: CodeLayout, row: int) -> bool:
    """Is grid row `row` one of the pane's lines, or the new line right below its last (the status bar's
    cursor readout changes with every keystroke too, far below)?"""
    top = layout.row_top(row)
    end = layout.pane[3] + layout.pitch
    if layout.bottom is not None:  # a border below (a panel, a cell's frame, the window's edge) ends it sooner
        end = min(end, layout.bottom)
    return layout.pane[1] - 1 <= top and top + layout.pitch <= end + 2


def _ink_after(t: np.ndarray, px: int, char_w: float) -> bool:
    """Does row strip `t` hold text from pixel column `px` on: more inked columns than the text cursor's (a bar
    of 1-3 px stands right after the last typed character of every typing state)?"""
    rest = t[:, int(px):]
    inked = int(((cv2.absdiff(rest, float(np.median(t))) > INK_LEVEL).sum(axis=0) > 1).sum()) if rest.size else 0
    return inked >= max(CURSOR_COLUMNS + 1, GLYPH_COLUMNS_SHARE * char_w)


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is not None and b is not None and a.shape == b.shape and int((cv2.absdiff(a, b) > PIX).sum()) <= SAME_PIXELS


def _prefix_px(t: np.ndarray, ref: np.ndarray | None, layout: CodeLayout | None = None) -> int:
    """How many pixel columns from the left of `t` equal `ref` (ignoring 1-pixel noise). With the grid known, a
    cell that differs only at its edges is passed over: the box an editor draws around a bracket matching the
    one at the cursor comes and goes while the glyph inside stays the same."""
    if ref is None or ref.shape != t.shape:
        return 0
    diff = cv2.absdiff(t, ref) > PIX
    cols = diff.sum(axis=0) > 1
    idx = np.flatnonzero(cols)
    x0 = layout.x0 - layout.pane[0] if layout is not None else None
    while len(idx):
        first = int(idx[0])
        if layout is None or x0 is None or first < x0:  # no grid, or left of column 0
            return first
        cw = layout.char_width
        cell = int((first - x0) // cw)
        a, b = int(round(x0 + cell * cw)), int(round(x0 + (cell + 1) * cw))
        inner = diff[EDGE_PX:-EDGE_PX or None, a + int(0.25 * cw): b - int(0.25 * cw)]
        if inner.size == 0 or inner.sum() > 1:
            return first  # the glyph itself differs
        idx = idx[idx >= b + 1]  # a bracket box's edge: the glyph inside is the same (its right edge may be at b)
    return t.shape[1]


def _cells_before(layout: CodeLayout, px: int) -> int:
    """Characters from column 0 to pixel column `px` of a row strip (strip x 0 is the pane's left edge)."""
    return int(round((layout.pane[0] + px - layout.x0) / layout.char_width))


def _texts(rec: Recognition) -> dict[int, str]:
    return {ln.row: ln.text for ln in rec.lines if ln.row is not None}


# A state between two reads whose text could not be derived from pixels gets the nearer read's text: a guess,
# never a confident one (typing goes on between the two reads).
GUESSED_STATE_CONFIDENCE = 0.7


def _nearest(st: State, a: KeyRead | None, b: KeyRead | None) -> Recognition | None:
    rec = _nearest_read(st, a, b)
    if rec is None or rec.segment_type == "learning":
        return rec
    return replace(rec, confidence=min(rec.confidence, GUESSED_STATE_CONFIDENCE),
                   failed_check_since=None)


def _nearest_read(st: State, a: KeyRead | None, b: KeyRead | None) -> Recognition | None:
    """The read before `st`, unless `st`'s own pixels show the later read's screen. A state's text is never
    taken from a later read on timing alone: that text may not be typed yet at `st`. But a state that changed
    most of the screen (a scroll, a file switch, a view opening: no small band to derive from) and already
    looks like the later read's screen shows what that read shows. Only a state before the first read takes
    the first read's text."""
    if a is None:
        return b.rec if b is not None else None
    if b is not None and st.band is None and st.change >= SCREEN_SWITCH_SHARE and _looks_like(st, b, a):
        return b.rec
    return a.rec


# Share of the (downscaled) screen's pixels that changed at once when a state began, above which it began with a
# scroll, a file switch or a view change, not a keystroke: one typed character changes ~0.03 % of a 720p screen,
# a pasted line ~1-2 %, a scroll of code 5-30 %. States that began with a keystroke keep the earlier read's text.
SCREEN_SWITCH_SHARE = 0.03
# A big-change state is taken to show the later read's screen when its thumbnail differs from that screen's by
# less than this share of how much it differs from the earlier one's (mean absolute luma difference): a scroll
# frame mid-way differs from both, the settled view after a switch matches the later one almost exactly.
LATER_SCREEN_SHARE = 0.5


def _thumb_diff(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None or a.shape != b.shape:
        return None
    return float(cv2.absdiff(a, b).mean())


def _looks_like(st: State, later: KeyRead, earlier: KeyRead) -> bool:
    to_later, to_earlier = _thumb_diff(st.thumb, later.state.thumb), _thumb_diff(st.thumb, earlier.state.thumb)
    return to_later is not None and to_earlier is not None and to_later < LATER_SCREEN_SHARE * to_earlier


# Reads one grid row of a short state from its luma (`RecognitionEngine.read_line`): for rows its neighbours'
# readings do not explain.
LineReader = Callable[[np.ndarray, int, CodeLayout, int], TextLine | None]


def derive(st: State, a: KeyRead | None, b: KeyRead | None, read_line: LineReader | None = None) -> Recognition | None:
    """Recognition for a transient state `st` lying between key reads `a` and `b`."""
    if a is not None and a.rec.parts and a.rec.segment_type != "learning" and st.band_runs is not None:
        return _derive_parts(st, a, b, read_line)
    return _derive(st, a, b, read_line=read_line)


def _derive_parts(st: State, a: KeyRead, b: KeyRead | None, read_line: LineReader | None) -> Recognition:
    """A reading of several regions (notebook cells), each on its own grid: each region's rows are derived on its
    own layout, against the same region of the later read when that read found as many regions."""
    later = b.rec.parts if b is not None and len(b.rec.parts) == len(a.rec.parts) else [None] * len(a.rec.parts)
    parts: list[Recognition] = []
    for pa, pb in zip(a.rec.parts, later):
        kb = KeyRead(b.state, pb) if b is not None and pb is not None else None
        rec = _derive(st, KeyRead(a.state, pa), kb, within_region=True, read_line=read_line)
        if rec is not None and rec.segment_type != "learning" and (rec.code_content or "").strip():
            parts.append(rec)
    if not parts:
        return replace(a.rec, confidence=min(a.rec.confidence, GUESSED_STATE_CONFIDENCE), failed_check_since=None)
    return Recognition(segment_type=a.rec.segment_type, confidence=min(p.confidence for p in parts),
                       code_content=join_parts([p.code_content or "" for p in parts]), file_name=a.rec.file_name,
                       regions=len(parts), parts=parts)


def _derive(st: State, a: KeyRead | None, b: KeyRead | None, within_region: bool = False,
            read_line: LineReader | None = None) -> Recognition | None:
    """`derive` on one layout; `within_region`: only the rows of `a`'s region (and one new row below it) are
    its own, the rest of the screen belongs to other regions."""
    if a is None or a.rec.segment_type == "learning" or st.band is None:
        return _nearest(st, a, b)
    grid = (a.rec.layout, _texts(a.rec)) if a.rec.layout is not None else _borrowed_grid(a, b)
    if grid is None:
        return _nearest(st, a, b)
    layout, ta = grid
    if st.band_runs is None or a.state.luma is None:
        return replace(a.rec, confidence=min(a.rec.confidence, GUESSED_STATE_CONFIDENCE), failed_check_since=None)
    b_ok = (
        b is not None
        and b.rec.layout is not None
        and b.state.luma is not None
        and abs(b.rec.layout.y0 - layout.y0) < SAME_GRID_SHARE * layout.pitch
        and abs(b.rec.layout.x0 - layout.x0) < SAME_GRID_SHARE * layout.char_width
        and abs(b.rec.layout.char_width - layout.char_width) < GRID_WIDTH_TOLERANCE * layout.char_width
    )
    tb = _texts(b.rec) if b_ok and b is not None else {}
    y1, y2 = st.band
    first = max(0, int((y1 - layout.y0) // layout.pitch))
    last = int((y2 - layout.y0) // layout.pitch) + 1
    if within_region:
        last = min(last, int((layout.pane[3] - layout.y0) // layout.pitch) + 1)
    lines = dict(ta)
    for r in range(first, last + 1):
        t = _run_strip(st.band_runs, layout, r)
        if t is None:  # not in a changed run: the row is as in `a`
            continue
        sa = _strip(a.state.luma, 0, layout, r)
        sb = _strip(b.state.luma, 0, layout, r) if b_ok and b is not None else None
        if _same(t, sa):
            continue
        if _same(t, sb):
            _set(lines, r, tb.get(r))
            continue
        shifted = None
        for d in (-1, 1, -2, 2):
            if _same(t, _strip(a.state.luma, 0, layout, r + d)):
                shifted = ta.get(r + d)
                break
            if b_ok and b is not None and _same(t, _strip(b.state.luma, 0, layout, r + d)):
                shifted = tb.get(r + d)
                break
        else:
            pa, pb = _prefix_px(t, sa, layout), _prefix_px(t, sb, layout)
            src, px = (tb.get(r), pb) if pb > pa else (ta.get(r), pa)
            if read_line is not None and _in_pane(layout, r) and _ink_after(t, px, layout.char_width):
                # not a prefix of either read (a bracket or quote the editor closed, a mid-line insert): read it
                run = _run_holding(st.band_runs, layout, r)
                line = read_line(run[1], run[0], layout, r) if run is not None else None
                if line is not None:
                    _set(lines, r, line.text)
                    continue
            n = _cells_before(layout, px)
            _set(lines, r, (src or "")[: max(0, n)].rstrip() if n > 0 else "")
            continue
        _set(lines, r, shifted)
    tl = [TextLine(text, layout.row_top(r), 1.0, r) for r, text in sorted(lines.items()) if text and text.strip()]
    conf = min(a.rec.confidence, b.rec.confidence if b is not None else 1.0) * 0.95
    return Recognition(
        segment_type=a.rec.segment_type,
        confidence=conf,
        code_content=render_lines(tl),
        file_name=a.rec.file_name,
        lines=tl,
        layout=layout,
    )


# A read with no grid (one line cannot show the pitch, an empty buffer has none) is re-expressed on the later
# read's grid from the pixels: each of its rows is the later row's text as far as the two rows' pixels agree.
# That re-expression must say what the earlier read said, to this share of characters (a grid-less read may
# misread a character or two; another screen, or rows the later read does not have, share far less).
BORROWED_GRID_AGREEMENT = 0.8


def _borrowed_grid(a: KeyRead, b: KeyRead | None) -> tuple[CodeLayout, dict[int, str]] | None:
    """The grid to derive on, and the earlier read's text on it, when the earlier read has no grid because it
    had at most one line to measure (an empty buffer, a file of one line): the later read's grid. Typing
    starts there; the short states between are prefixes of the later read's rows. None when the pixels do not
    bear out the earlier read's text."""
    said = normalised(a.rec.code_content)
    if b is None or b.rec.layout is None or b.rec.segment_type == "learning" or a.rec.segment_type == "learning" \
            or a.state.luma is None or b.state.luma is None or "\n" in said:
        return None  # a read of several lines had a grid to measure, unless the screen did not fit one
    layout = b.rec.layout
    texts: dict[int, str] = {}
    for r, text in _texts(b.rec).items():
        sa, sb = _strip(a.state.luma, 0, layout, r), _strip(b.state.luma, 0, layout, r)
        if sa is None or sb is None:
            continue
        n = len(text) if _same(sa, sb) else _cells_before(layout, _prefix_px(sa, sb, layout))
        _set(texts, r, text[: max(0, n)].rstrip())
    shown = normalised("\n".join(texts[r] if r in texts else "" for r in range(min(texts, default=0),
                                                                              max(texts, default=-1) + 1)))
    if Levenshtein.normalized_similarity(said, shown) < BORROWED_GRID_AGREEMENT:
        return None
    return layout, texts


def _set(lines: dict[int, str], r: int, text: str | None) -> None:
    if text and text.strip():
        lines[r] = text
    else:
        lines.pop(r, None)
