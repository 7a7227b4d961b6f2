"""Box geometry → the editor's character grid: rows, line pitch, character width, column 0.

OCR engines read text but lose indentation and often spaces; on a monospace grid both come back exactly from
where the ink is: columns = round((x - x0) / char_width).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Gray levels between a pixel and its background above which the pixel is ink (a glyph stroke, a cursor): well
# above H.264 noise and antialiasing fringes on flat editor backgrounds, below the contrast of any readable theme.
INK_LEVEL = 40


@dataclass
class Box:
    """An axis-aligned text box in frame coordinates, with its text when read."""

    x1: float
    y1: float
    x2: float
    y2: float
    text: str = ""
    score: float = 1.0
    weakest: float = 1.0  # lowest per-character probability of the reading (1.0: not read or unknown)

    @property
    def cy(self) -> float:
        return (self.y1 + self.y2) / 2

    @property
    def h(self) -> float:
        return self.y2 - self.y1

    @property
    def w(self) -> float:
        return self.x2 - self.x1


def boxes_from_quads(quads: np.ndarray | list, texts: list[str] | None = None, scores: list[float] | None = None,
                     scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> list[Box]:
    out = []
    for i, q in enumerate(quads if quads is not None else []):
        q = np.asarray(q, dtype=np.float32)
        out.append(Box(float(q[:, 0].min()) / scale + dx, float(q[:, 1].min()) / scale + dy,
                       float(q[:, 0].max()) / scale + dx, float(q[:, 1].max()) / scale + dy,
                       texts[i] if texts else "", float(scores[i]) if scores else 1.0))
    return out


def char_width(boxes: list[Box]) -> float | None:
    """Robust monospace character width: median of width/len over boxes with enough characters."""
    ratios = [b.w / len(b.text) for b in boxes if len(b.text) >= 4 and b.w > 0]
    if len(ratios) < 2:
        ratios += [b.w / len(b.text) for b in boxes if 1 <= len(b.text) < 4 and b.w > 0]
    if not ratios:
        return None
    return float(np.median(ratios))


_NARROW = set("ijlI.,:;'!|ft()[]{} `\"1r")
_WIDE = set("mwMW@%&OQGDHNU")


def _prop_width(text: str) -> float:
    """Relative width of a string in a typical proportional sans font (em units, roughly)."""
    return sum(0.32 if c in _NARROW else 0.85 if c in _WIDE else 0.62 if c.isupper() else 0.55 for c in text)


def _spread(x: np.ndarray) -> float:
    med = float(np.median(x))
    return float(np.median(np.abs(x - med))) / med if med > 0 else 1.0


def monospace_score(boxes: list[Box]) -> float:
    """~1 for monospace text, ~0 for proportional: which width model (per character, or per glyph shape)
    explains the boxes' widths better. Long prose averages out per-character widths, so compare both."""
    use = [b for b in boxes if len(b.text.strip()) >= 5 and b.w > 0]
    if len(use) < 3:
        return 0.5
    mono = np.array([b.w / len(b.text.strip()) for b in use])
    prop = np.array([b.w / _prop_width(b.text.strip()) for b in use])
    d = _spread(prop) - _spread(mono)  # > 0: the monospace model fits better
    return float(np.clip(0.5 + d / 0.06, 0.0, 1.0))


def cluster_rows(boxes: list[Box]) -> list[list[Box]]:
    """Group boxes into text lines by vertical centre (boxes on one line overlap vertically)."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows:
            last = rows[-1]
            ref_cy = float(np.median([x.cy for x in last]))
            ref_h = float(np.median([x.h for x in last]))
            if abs(b.cy - ref_cy) < 0.45 * max(ref_h, b.h):
                last.append(b)
                continue
        rows.append([b])
    for r in rows:
        r.sort(key=lambda b: b.x1)
    return rows


def line_pitch(rows: list[list[Box]]) -> float | None:
    """Line height from the spacing of consecutive rows (multiples of the pitch when lines are blank)."""
    if len(rows) < 2:
        return None
    cys = [float(np.median([b.cy for b in r])) for r in rows]
    hs = float(np.median([b.h for r in rows for b in r]))
    diffs = np.diff(cys)
    diffs = diffs[diffs > 0.6 * hs]
    if len(diffs) == 0:
        return None
    base = float(np.percentile(diffs, 25))
    # refine using multiples: each diff ≈ k * pitch
    ks = np.maximum(1, np.round(diffs / base))
    pitch = float(np.median(diffs / ks))
    return fitted_pitch(np.round((np.array(cys) - cys[0]) / pitch), cys, pitch)


def fitted_pitch(lines: np.ndarray | list[float], cys: list[float], pitch: float) -> float:
    """The line pitch as the slope of text centres over their line indices: box centres jitter by a pixel or
    so, and so does every single spacing, while the slope uses the whole span (over 15 lines a 0.5 px error
    per line is a third of a row). `pitch`, from the spacings, is kept when the fit cannot be trusted."""
    idx = np.asarray(lines, dtype=np.float64)
    if len(np.unique(idx)) < PITCH_FIT_MIN_LINES or not np.all(np.diff(idx) > 0):
        return pitch
    slope = float(np.polyfit(idx, np.asarray(cys, dtype=np.float64), 1)[0])
    return slope if abs(slope - pitch) < PITCH_FIT_AGREEMENT * pitch else pitch


PITCH_FIT_MIN_LINES = 3  # distinct lines: a slope needs at least three points to average out one centre's jitter
PITCH_FIT_AGREEMENT = 0.1  # of the pitch: a slope further from the spacings' median has a line index wrong


def join_row(row: list[Box], x0: float, cw: float) -> str:
    """One line's text: indentation and spaces between boxes from their x positions on the grid."""
    out = ""
    for b in row:
        col = max(0, int(round((b.x1 - x0) / cw)))
        text = b.text.strip()
        if not text:
            continue
        if len(out) < col:
            out += " " * (col - len(out))
        elif out and not out.endswith(" ") and col > len(out.rstrip()):
            out += " "
        out += text
    return out.rstrip()


def runs(idx: np.ndarray) -> list[np.ndarray]:
    """Split sorted indices into runs of consecutive ones ([3, 4, 5, 9, 10] → [3, 4, 5], [9, 10])."""
    return np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)


def _isolated_thin(cols: np.ndarray, counts: np.ndarray, h: int) -> None:
    """Clear thin (≤2 px) tall strokes with no ink within 3 px: indent guides, box edges, the text cursor."""
    idx = np.flatnonzero(cols)
    if not len(idx):
        return
    parts = runs(idx)
    for i, run in enumerate(parts):
        if len(run) > 2 or counts[run].max() < 0.5 * h:
            continue
        gap_l = run[0] - parts[i - 1][-1] if i > 0 else 99
        gap_r = parts[i + 1][0] - run[-1] if i + 1 < len(parts) else 99
        if gap_l > 3 and gap_r > 3:
            cols[run] = False


def _clear_faint_guides(ink: np.ndarray, contrast: np.ndarray, thresh: float) -> None:
    """Clear faint 1-2 px lines running the full row height (indent guides): video compression lifts a pixel
    or two of them over the ink threshold, which would put column 0 on the guide."""
    h = contrast.shape[0]
    mid = contrast[int(0.1 * h): max(int(0.8 * h), int(0.1 * h) + 1)]  # strips reach into the next row
    tall = np.flatnonzero((mid > 0.4 * thresh).sum(axis=0) >= 0.9 * mid.shape[0])
    if not len(tall):
        return
    for run in runs(tall):
        lo, hi = max(0, run[0] - 3), run[-1] + 4
        if len(run) <= 2 and mid[:, run].max() < 2 * thresh and not (mid[:, lo:run[0]] > thresh).any() \
                and not (mid[:, run[-1] + 1:hi] > thresh).any():
            ink[:, run] = False


def ink_columns(strip: np.ndarray, bg: float | None = None, thresh: float = INK_LEVEL, adjacent: int = 6) -> np.ndarray:
    """Boolean per column: does this gray row strip have text ink there?

    Text ink is judged in the row's core band (glyph bodies); ink only near the row's top or bottom edge
    (underscores, commas, but also box borders and the neighbour row's descenders) counts only next to core
    ink. Thin isolated vertical strokes (guides, cursor, box edges) and full-width rules are not text."""
    if strip.size == 0:
        return np.zeros(strip.shape[1] if strip.ndim == 2 else 0, dtype=bool)
    if bg is None:
        bg = float(np.median(strip))
    contrast = np.abs(strip.astype(np.int16) - bg)
    ink = contrast > thresh
    _clear_faint_guides(ink, contrast, thresh)
    wide = ink.sum(axis=1) > 0.5 * strip.shape[1]  # horizontal rules
    if wide.any():
        ink[wide] = False
    h = strip.shape[0]
    c1, c2 = int(round(0.2 * h)), max(int(round(0.8 * h)), int(round(0.2 * h)) + 1)
    core = ink[c1:c2].sum(axis=0)
    cols = core > 0
    _isolated_thin(cols, core, c2 - c1)
    edge = ink.any(axis=0) & ~cols
    if edge.any() and cols.any():
        # edge ink counts when its run is next to text ink (an underscore joins the letters beside it; the
        # quotes of a docstring chain up to the letter after them), so passes repeat while runs join
        edge_runs = runs(np.flatnonzero(edge))
        kernel = np.ones(2 * adjacent + 1, dtype=np.int32)
        for _ in range(len(edge_runs)):  # until no run joins (a docstring's """ is six marks in a row)
            near = np.convolve(cols.astype(np.int32), kernel, mode="same") > 0
            added = [run for run in edge_runs if not cols[run[0]] and near[run].any()]
            if not added:
                break
            for run in added:
                cols[run] = True
    return cols


def refine_char_width(profile: np.ndarray, cw: float, x0: float = 0.0) -> tuple[float, float]:
    """Exact monospace advance and grid phase from the ink profile of many rows.

    Glyphs rarely touch their cell edges, so summed ink is periodic with the advance width. Box widths
    from OCR are a few % off, which puts deep indentation a column off; the periodicity is exact.
    Returns (char_width, phase) where cell k spans [phase + k*cw, phase + (k+1)*cw).
    """
    if profile.sum() == 0 or cw <= 2:
        return cw, x0
    x = np.arange(len(profile), dtype=np.float64)
    p = profile.astype(np.float64) - profile.mean()
    best_cw, best_mag, best_phase = cw, -1.0, 0.0
    for c in np.arange(cw * 0.85, cw * 1.15, 0.002 * cw):
        z = np.sum(p * np.exp(-2j * np.pi * x / c))
        mag = abs(z)
        if mag > best_mag:
            best_cw, best_mag, best_phase = float(c), mag, float(np.angle(z))
    # ink peaks at cell centres: the centre of cell 0 sits at phase angle 0 → cell start half a cell earlier
    centre = (-best_phase / (2 * np.pi)) * best_cw
    start = centre - best_cw / 2
    start = x0 + ((start - x0) % best_cw)
    if start - x0 > best_cw / 2:
        start -= best_cw
    return best_cw, start


def _prepare(rows: list[tuple[np.ndarray, str]]) -> list[tuple]:
    out = []
    for cols, text in rows:
        idx = np.flatnonzero(cols)
        want = np.array([not ch.isspace() for ch in text.strip()], dtype=bool)
        if len(idx) and want.any():
            out.append((np.concatenate([[0], np.cumsum(cols, dtype=np.int32)]), idx[0], idx[-1], want, len(cols)))
    return out


def _agreement(prepared: list[tuple], c: float, phases: np.ndarray) -> np.ndarray:
    """Per phase: how well the grid explains the rows. A row whose inked cells repeat its text's pattern of
    glyphs and spaces scores 3; one with as many inked cells as the text has glyphs scores 1 (OCR drops and
    merges spaces, so the pattern alone would miss good grids)."""
    total = np.zeros(len(phases), dtype=np.int32)
    for cs, lo, hi, want, width in prepared:
        k = np.arange(np.floor(lo / c) - 2, np.ceil(hi / c) + 2)
        a = np.clip(np.round(phases[:, None] + (k[None, :] + 0.2) * c).astype(int), 0, width)
        b = np.clip(np.maximum(np.round(phases[:, None] + (k[None, :] + 0.8) * c).astype(int), a + 1), 0, width)
        inked = (cs[b] - cs[a]) > 0
        count_ok = inked.sum(axis=1) == want.sum()
        first = np.argmax(inked, axis=1)
        pos = first[:, None] + np.arange(len(want))[None, :]
        fits = pos[:, -1] < inked.shape[1]
        same = np.take_along_axis(inked, np.minimum(pos, inked.shape[1] - 1), axis=1) == want[None, :]
        total += count_ok + 2 * (count_ok & fits & same.all(axis=1))
    return total


def grid_agreement(rows: list[tuple[np.ndarray, str]], cw: float, phase: float) -> int:
    """How well a given grid explains (ink columns, OCR text) rows (see `_agreement`)."""
    return int(_agreement(_prepare(rows), cw, np.array([phase]))[0])


def _middle_phase(phases: np.ndarray, c: float) -> float:
    """The middle of a (circular) run of equally good phases: the grid is surest there."""
    if phases[0] < 0.25 * c and phases[-1] > 0.75 * c:
        phases = np.where(phases < 0.5 * c, phases + c, phases)
    return float(np.median(phases) % c)


def fit_grid_to_text(rows: list[tuple[np.ndarray, str]], cw: float, phase: float,
                     spread: float = 0.04) -> tuple[float, float, int]:
    """Refine (char width, phase) so that the grid's inked cells repeat the rows' OCR text.

    The ink's periodicity gives the advance to within a few percent when few lines are on screen, and over
    a 50-character line 1 % is half a cell: spaces land on the wrong cells. The OCR text says where each
    row's glyphs and spaces are; the right grid puts ink under exactly those cells.
    Returns (char_width, phase, agreement score); ties stay nearest the given fit."""
    prepared = _prepare(rows)
    best = (int(_agreement(prepared, cw, np.array([phase]))[0]), 0.0, cw, phase)
    for c in cw * (1 + np.arange(-spread, spread + 1e-9, 0.001)):
        phases = np.arange(0.0, c, 0.5)
        scores = _agreement(prepared, float(c), phases)
        top = int(scores.max())
        key = (top, -abs(c - cw) / cw)
        if key > best[:2]:
            best = (top, key[1], float(c), _middle_phase(phases[scores == top], float(c)))
    return best[2], best[3], best[0]


def cell_pattern(cols: np.ndarray, start: float, cw: float, n_cells: int) -> list[bool]:
    """Per character cell from `start`: does it hold ink (looking at the middle of the cell only)?"""
    out = []
    for k in range(n_cells):
        a = int(round(start + (k + 0.2) * cw))
        b = int(round(start + (k + 0.8) * cw))
        out.append(bool(cols[max(0, a):max(a + 1, b)].any()))
    return out


def underscore_cells(strip: np.ndarray, bg: float, start: float, cw: float, n_cells: int) -> list[bool]:
    """Per cell: is its only ink a low horizontal stroke (an underscore), nothing in the glyph body?"""
    ink = np.abs(strip.astype(np.int16) - bg) > INK_LEVEL
    h = strip.shape[0]
    body, low = ink[: int(0.7 * h)], ink[int(0.7 * h):]
    out = []
    for k in range(n_cells):
        a = int(round(start + (k + 0.15) * cw))
        b = int(round(start + (k + 0.85) * cw))
        a, b = max(0, a), max(a + 1, b)
        seg = low[:, a:b]
        # one straight bar across the cell, nothing above it
        bar = seg.shape[1] > 0 and bool((seg.mean(axis=1) >= 0.8).any())
        out.append(bar and not body[:, a:b].any())
    return out


def respace(text: str, cells: list[bool], under: list[bool] | None = None) -> str | None:
    """Put spaces where the grid has empty cells, if the OCR text's visible characters fit the inked cells
    one to one (OCR engines drop and merge spaces; the pixels don't). None when they don't fit."""
    chars = [c for c in text if not c.isspace()]
    while cells and not cells[-1]:
        cells = cells[:-1]
    if not chars:
        return None
    if len(chars) == sum(cells):
        it = iter(chars)
        return "".join(next(it) if inked else " " for inked in cells)
    # the recogniser often reads an underscore as a space ("GRADE BANDS"): if the text fits the cells one
    # to one with its spaces, a space on an inked cell was an underscore
    if (
        under is not None
        and len(text) == len(cells)
        and all(c.isspace() or inked for c, inked in zip(text, cells))  # every glyph on ink
        and all(c.isspace() for c, inked in zip(text, cells) if not inked)  # every empty cell a space
        and all(under[i] for i, (c, inked) in enumerate(zip(text, cells)) if c.isspace() and inked)
    ):
        return "".join("_" if c.isspace() and inked else c for c, inked in zip(text, cells))
    return None


def text_span(cols: np.ndarray, char_w: float, max_gap_chars: float = 8.0,
              cursor_like: Callable[[int, int], bool] | None = None) -> tuple[int, int] | None:
    """Ink extent of one line's text: from the first ink to the last before a gap of many characters
    (a minimap, scrollbar or the mouse pointer far to the right is not part of the line)."""
    idx = np.flatnonzero(cols)
    if len(idx) == 0:
        return None
    gaps = np.diff(idx)
    cut = np.flatnonzero(gaps > max_gap_chars * char_w)
    end = idx[cut[0]] if len(cut) else idx[-1]
    # a text cursor right after the last character: a lone 1-2 px stroke after a gap
    k = int(np.searchsorted(idx, end))
    run_start = k
    while run_start > 0 and idx[run_start - 1] == idx[run_start] - 1:
        run_start -= 1
    if k - run_start <= 1 and run_start > 0 and idx[run_start] - idx[run_start - 1] > 1 and cursor_like is not None \
            and cursor_like(int(idx[run_start]), int(end)):
        end = idx[run_start - 1]
    if end + 1 - idx[0] < 1.3 * char_w and idx[0] > 30 * char_w:  # a lone I-beam pointer on an empty row
        return None
    return int(idx[0]), int(end) + 1


def refine_row_phase(gray: np.ndarray, pane: tuple[int, int, int, int], y0: float, pitch: float) -> float:
    """Shift the row grid so row boundaries fall in the middle of the blank band between lines (so neither
    underscores at the bottom nor accents at the top are cut off or leak into the next row)."""
    x1, y1, x2, y2 = pane
    top = max(0, int(y0 - pitch))
    region = gray[top:int(y2 + pitch), x1:x2]
    if region.size == 0:
        return y0
    bg = float(np.median(region))
    prof = (np.abs(region.astype(np.int16) - bg) > INK_LEVEL).sum(axis=1).astype(np.float32)
    prof = np.convolve(prof, np.ones(3, dtype=np.float32), mode="same")  # ink within ±1 px of a boundary
    steps = np.arange(-pitch / 2, pitch / 2, 0.5)
    costs = []
    for k in steps:
        ys = np.arange(y0 + k - top, len(prof), pitch).astype(int)
        ys = ys[(ys >= 0) & (ys < len(prof))]
        costs.append(float(prof[ys].sum()))
    costs_a = np.array(costs)
    best = np.flatnonzero(costs_a <= costs_a.min() + 1e-6)
    # the middle of the longest run of equally good offsets
    run = max(runs(best), key=len)
    return float(y0 + steps[run[len(run) // 2]])
