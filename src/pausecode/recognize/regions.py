"""The layout stage: which parts of the screen are code regions, from evidence that holds for any editor.

`classify.find_code_pane` proposes a pane from the text boxes (a line-number gutter, a monospace left-aligned
block, code-like text). The rules here refine it with what the pixels and the boxes together show: code sits on
one surface (a title, tab or status bar beside it is painted in another colour), nothing is written across the
gutter's edge of a file line, a side panel's border ends the editor, a line half scrolled under the header is
not visible, and each notebook input cell is one run of its own background.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .classify import (
    LEADING_NUMBER_RE,
    PANE,
    PaneGuess,
    PanePolicy,
    code_likeness,
    digit_pitch,
    gutter_span,
    pane_from_rows,
)
from .grid import Box
from .layout import BackgroundPolicy, box_surface, colour_runs, inked, run_at, same_surface, strip_colours, surface_runs

BACKGROUND = BackgroundPolicy()  # one policy for every surface judgement of the reader (frozen: shared safely)


def cell_spans(frame: np.ndarray, boxes: list[Box], gx: float, regions: list[list[Box]],
               policy: PanePolicy = PANE) -> list[tuple[int, int]]:
    """The y span of each numbered region (notebook cell), from the surface its line numbers sit on: a cell
    is one run of the gutter's background, so numbers the detector missed at its top still belong to it,
    and a cell whose numbers were all missed is the same surface again, with code beside it."""
    digits = [b for r in regions for b in r]
    pitch = float(np.median([digit_pitch(r) for r in regions]))
    runs = colour_runs(strip_colours(frame, min(b.x1 for b in digits), gx + 1), pitch)
    spans: list[tuple[int, int]] = []
    surface = None
    for reg in regions:
        top, bot = gutter_span(reg, policy)
        run = run_at(runs, reg[0].cy)
        if run is not None:
            surface = surface or run.colour
            top, bot = run.y1, run.y2
        spans.append((int(max(0, top)), int(bot)))
    if surface is not None:
        code = [b for b in boxes if b.x1 > gx and b.text.strip()]
        gx1 = int(min(b.x1 for b in digits))
        for run in runs:
            if same_surface(run.colour, surface, BACKGROUND.similar_surface) and \
                    not any(a < run.y2 and run.y1 < b for a, b in spans) and \
                    any(run.y1 <= b.cy < run.y2 for b in code) and \
                    inked(frame[run.y1:run.y2, gx1:int(gx) + 1], run.colour):  # numbers, though unread
                spans.append((run.y1, run.y2))
    return sorted(spans)


def one_surface(frame: np.ndarray, boxes: list[Box], pane: PaneGuess, policy: PanePolicy = PANE) -> PaneGuess:
    """A pane found from text alignment (or from line numbers that allow for missed ones above) can take
    in a title bar, a tab strip or a status line. Code sits on one surface: keep the run of consecutive
    rows painted on the same background that is longest (then most code-like), and find the pane again
    among those, keeping its gutter. Beside a line-number gutter, rows that each stand alone on their surface
    (two lines, one under the cursor line's tint or a string's highlight) show no run to prefer when the top
    one is numbered: the numbers vouch for the rows from there down, and dropping one would measure the grid
    on a single line. A row above the first number read (nano's title bar over line 1) is not vouched for."""
    h, w = frame.shape[:2]
    colours = [box_surface(frame, min(b.x1 for b in r), min(b.y1 for b in r), max(b.x2 for b in r),
                           max(b.y2 for b in r)) for r in pane.rows]
    text_h = float(np.median([b.h for r in pane.rows for b in r]))
    centres = [float(np.median([b.cy for b in r])) for r in pane.rows]
    groups = surface_runs(colours, centres, text_h, BACKGROUND.similar_surface)
    if len(groups) <= 1 or (all(len(g) == 1 for g in groups) and _numbered_from_the_top(pane, centres, text_h)):
        return pane
    best = max(groups, key=lambda g: (len(g), code_likeness([pane.rows[i] for i in g], False, text_h, h, policy)))
    best = _with_numbered_neighbours(pane, boxes, sorted(best), centres, text_h)
    if len(best) == len(pane.rows):  # every row is the file's after all: the pane as found, with its pitch
        return pane
    rows = [pane.rows[i] for i in best]
    return pane_from_rows(replace(pane), rows, pane.pitch_of(rows), text_h, h, policy)


def _with_numbered_neighbours(pane: PaneGuess, boxes: list[Box], run: list[int], centres: list[float],
                              text_h: float, policy: PanePolicy = PANE) -> list[int]:
    """The run of rows on the code's surface, grown by the rows above and below it whose line numbers carry
    on from the run's (the number grows by as many lines as the row lies further down; empty lines between
    have no box): a line painted in another colour (the cursor line, a selection) is still the file's when
    its number follows on. A status or title bar carries no such number."""
    if pane.gutter_x is None or not run or not pane.pitch:
        return run
    gx, pitch = pane.gutter_x, pane.pitch

    # a number's box ends at the gutter's edge up to the detector's padding, which the cursor line's bold or
    # tinted number takes further (the tolerance the gutter's numbers were chained with)
    digits = [b for b in boxes if b.text.strip().isdigit() and b.x2 <= gx + policy.gutter_align_tol * b.h]
    reads = [[b.text.strip() for b in digits if abs(b.cy - cy) <= text_h / 2] for cy in centres]
    number = [int(r[0]) if len(r) == 1 else None for r in reads]  # each row's line number, when read once

    def follows(i: int, j: int) -> bool:  # row j's number is row i's plus the lines between them
        a, b = number[i], number[j]
        return a is not None and b is not None and b - a == round((centres[j] - centres[i]) / pitch) != 0

    out = list(run)
    while out[-1] + 1 < len(centres) and follows(out[-1], out[-1] + 1):
        out.append(out[-1] + 1)
    while out[0] > 0 and follows(out[0] - 1, out[0]):
        out.insert(0, out[0] - 1)
    return out


def _numbered_from_the_top(pane: PaneGuess, centres: list[float], text_h: float) -> bool:
    """Does the pane's top row carry the first line number read (its centre within half a line of it)?"""
    return pane.gutter_x is not None and pane.first_number is not None and bool(centres) \
        and abs(centres[0] - pane.first_number[1]) <= text_h / 2


def without_rows_across_gutter(boxes: list[Box], pane: PaneGuess, frame_h: int, policy: PanePolicy = PANE) -> PaneGuess:
    """A file line beside a line-number gutter has its number left of the gutter's edge and its code right
    of it; nothing written runs across that edge. A status bar, tab strip or mode line at the pane's top or
    bottom edge (tmux's window list, vim's `-- INSERT --`) is written from the window's left edge across it,
    and may be painted in a tint of the code's surface, so the surface rule keeps it. Such edge rows are
    dropped; a row inside the block is left alone (its text is more likely a mis-split number)."""
    gx = pane.gutter_x
    assert gx is not None

    def crosses(row: list[Box]) -> bool:
        y1, y2 = min(b.y1 for b in row), max(b.y2 for b in row)
        band = [b for b in boxes if y1 <= b.cy <= y2]
        return any(b.x1 < gx - pane.char_w < gx + pane.char_w < b.x2 and not LEADING_NUMBER_RE.match(b.text)
                   for b in band) if pane.char_w else False

    rows = list(pane.rows)
    while len(rows) > 2 and crosses(rows[0]):
        rows.pop(0)
    while len(rows) > 2 and crosses(rows[-1]):
        rows.pop()
    if len(rows) == len(pane.rows):
        return pane
    text_h = float(np.median([b.h for r in rows for b in r]))
    return pane_from_rows(replace(pane), rows, pane.pitch_of(rows), text_h, frame_h, policy)


def without_clipped_top_row(boxes: list[Box], pane: PaneGuess, frame_h: int,
                            policy: PanePolicy = PANE) -> tuple[PaneGuess, int]:
    """A line scrolled half under the editor's header (smooth scrolling stops between lines) shows only its
    lower part: its box is clearly shorter than the other lines', and its number, cut too, is not read while
    the next line's is. It is not a visible line of the file; read, it becomes junk ("rt os" for
    `import os`) at the top. Without a gutter there is no number to tell a cut line from one of short
    glyphs, and the line is kept."""
    if pane.gutter_x is None:
        return pane, 0
    gx = pane.gutter_x
    top, second = pane.rows[0], pane.rows[1]
    rest = [b.h for r in pane.rows[1:] for b in r]
    if max(b.h for b in top) >= policy.clipped_row_share * float(np.median(rest)):
        return pane, 0

    def numbered(row: list[Box]) -> bool:
        y1, y2 = min(b.y1 for b in row), max(b.y2 for b in row)
        return any(b.x2 <= gx + policy.gutter_pad_px and b.text.strip().isdigit() and y1 <= b.cy <= y2 for b in boxes)

    if numbered(top) or not numbered(second):
        return pane, 0
    rows = pane.rows[1:]
    return pane_from_rows(replace(pane), rows, pane.pitch_of(rows), float(np.median(rest)), frame_h,
                          policy), int(max(b.y2 for b in top))


def panel_border_x(frame: np.ndarray, pane: PaneGuess, policy: PanePolicy = PANE) -> float | None:
    """A side panel (variables, outline, docs) beside the editor shares its rows, so the pane finder takes
    its text in. The editor ends at a vertical border right of the code: a column painted off the code's
    surface over almost the whole height of its text that no text box crosses, with text on both sides.
    (An indent guide is crossed by the lines less indented than it, or has no text on its left.)"""
    h, w = frame.shape[:2]
    flat = [b for r in pane.rows for b in r]
    if not flat or pane.x0 is None or frame.ndim != 3:
        return None
    x_left = int(max(0, pane.x0))
    y1, y2 = int(max(0, min(b.y1 for b in flat))), int(min(h, max(b.y2 for b in flat)))
    region = frame[y1:y2, x_left:]
    if region.size == 0:
        return None
    surface = np.median(region.reshape(-1, 3), axis=0)
    off = (np.abs(region.astype(np.int16) - surface.astype(np.int16)).max(axis=2)
           > BACKGROUND.same_colour)
    for x in np.flatnonzero(off.mean(axis=0) >= policy.panel_border_share) + x_left:
        if any(b.x1 < x < b.x2 for b in flat):
            continue
        if any(b.x2 <= x for b in flat) and any(b.x1 >= x for b in flat):
            return float(x)
        return None
    return None


def on_editor_surface(frame: np.ndarray, rows: list[list[Box]], anchor: Box | None,
                      policy: PanePolicy = PANE) -> list[list[Box]]:
    """An editor with a line or two: its text starts near the left edge of its tabs or breadcrumbs, and
    all of it is on the surface of its leftmost line; text on another surface beside or below it (a
    slides panel, a webcam caption, a terminal) is not code. With nothing near the editor's left edge,
    the editor is empty and the text on screen belongs to something else."""
    flat = [b for r in rows for b in r]
    if not flat:
        return []
    leftmost = min(flat, key=lambda b: b.x1)
    if anchor is not None and leftmost.x1 - anchor.x1 > policy.editor_text_reach * anchor.h:
        return []
    tol = BACKGROUND.similar_surface
    surface = box_surface(frame, leftmost.x1, leftmost.y1, leftmost.x2, leftmost.y2)
    kept = [[b for b in r if same_surface(box_surface(frame, b.x1, b.y1, b.x2, b.y2), surface, tol)]
            for r in rows]
    return [r for r in kept if r]


def off_editor_anchor(pane: PaneGuess, anchor: Box | None, policy: PanePolicy = PANE) -> bool:
    """A pane of a line or two with no line numbers that does not start right under the editor's tabs or
    breadcrumbs (a menu above them, a shell or terminal panel below an empty editor) is another panel's text,
    not the editor's: an editor's first line is within `editor_line_gap` anchor heights under its tabs.
    Judged only in the anchor's column (a code file's name further off may be a file browser's entry); a
    pane with no row under the tabs is their chrome (menu, toolbar, the tab strip); otherwise only a line or
    two are judged (a longer block is left to the pane finder: a file may start with blank lines)."""
    if anchor is None or pane.gutter_x is not None or not pane.rows:
        return False
    if abs(min(b.x1 for r in pane.rows for b in r) - anchor.x1) > policy.editor_text_reach * anchor.h:
        return False  # text in another column (a notebook's cells beside its file browser): not under these tabs
    gaps = [min(b.y1 for b in r) - anchor.y2 for r in pane.rows]  # each row's top under the tabs' bottom
    under = -anchor.h / 2  # padded boxes overlap by up to half a box
    if max(gaps) < under:  # all of it at or above the tabs: the menu, the toolbar, the tab strip itself
        return True
    if len(pane.rows) > policy.anchored_rows_max:
        return False
    return not under <= min(gaps) <= policy.editor_line_gap * anchor.h


def is_mixed(boxes: list[Box], rows: list[list[Box]], frame_w: int, policy: PanePolicy = PANE) -> bool:
    """Code beside a big block of other text (docs or slides next to the editor)."""
    code_ids = {id(b) for r in rows for b in r}
    others = [b for b in boxes if id(b) not in code_ids and len(b.text) > policy.prose_min_chars]
    prose = [b for b in others if b.text.count(" ") >= policy.prose_min_spaces]
    return len(prose) >= policy.prose_min_boxes and len(rows) >= 2
