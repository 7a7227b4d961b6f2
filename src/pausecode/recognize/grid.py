"""Box geometry → the editor's character grid: rows, line pitch, character width, column 0.

OCR engines read text but lose indentation and often spaces; on a monospace grid both come back exactly from
where the ink is: columns = round((x - x0) / char_width).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

@dataclass(frozen=True)
class GridPolicy:
    """The grid stage's thresholds (rows, pitch, advance, column 0, ink and marks on a row), each named once with
    its unit and why. "Cells" are character widths; "shares" fractions of what is named."""

    # Gray levels between a pixel and its background above which the pixel is ink (a glyph stroke, a cursor):
    # well above H.264 noise and antialiasing fringes on flat editor backgrounds, below the contrast of any
    # readable theme.
    ink_level: int = 40
    # characters: boxes at least this long measure the advance (box width per character); with fewer than
    # `char_width_min_boxes` of them, shorter ones count too
    char_width_min_chars: int = 4
    char_width_min_boxes: int = 2
    # characters and boxes: the monospace score needs boxes this long, and this many of them; a difference of
    # `mono_scale` in relative spread between the two width models is the whole 0-1 range
    mono_min_chars: int = 5
    mono_min_boxes: int = 3
    mono_scale: float = 0.06
    # share of the taller box's height: two boxes whose centres are closer are on one text line
    same_line_share: float = 0.45
    # box heights: spacings between row centres shorter than this are one line's boxes, not lines
    min_spacing_heights: float = 0.6
    # percentile of the spacings taken as the first guess of the pitch (blank lines make some spacings
    # multiples of it)
    spacing_percentile: float = 25
    # distinct lines: a slope needs at least three points to average out one centre's jitter
    pitch_fit_min_lines: int = 3
    # of the pitch: a slope further from the spacings' median has a line index wrong
    pitch_fit_agreement: float = 0.1
    # shares of a row's height: glyph bodies fill its core band [core_top, core_bottom); ink only outside it
    # (underscores, commas, a neighbour's descenders) counts next to core ink, within `adjacent_px`
    core_top: float = 0.2
    core_bottom: float = 0.8
    adjacent_px: int = 6
    # a pixel row inked over more than this share of the strip is a horizontal rule, not text
    rule_width_share: float = 0.5
    # pixels: strokes at most `thin_px` wide over `thin_height_share` of the core band with no ink within
    # `thin_clear_px` are indent guides, box edges or the text cursor
    thin_px: int = 2
    thin_height_share: float = 0.5
    thin_clear_px: int = 3
    # core-band heights: a thin stroke with glyph ink (not another stroke) on both sides within this distance
    # stands between two words, one space each side (`a | b`: ~1.2 core heights from the stroke to either
    # letter in the fonts tried); an indent guide has no word on its left, a cursor after the text none right
    between_words_heights: float = 2.0
    # share of a row strip's height: a thin stroke inked over this much of it runs from row to row (a window's
    # border, an indent guide); glyphs stop short of it (line spacing)
    border_height_share: float = 0.95
    # faint indent guides: in the band [guide_top, guide_bottom) of the strip (strips reach into the next
    # row), columns above `guide_faint` x the ink level over `guide_height_share` of it, never above
    # `guide_max` x the ink level, with no ink within `thin_clear_px`
    guide_top: float = 0.1
    guide_bottom: float = 0.8
    guide_faint: float = 0.4
    guide_height_share: float = 0.9
    guide_max: float = 2.0
    # the advance is searched within ±`advance_search` of the boxes' estimate, in steps of `advance_step`
    # (both shares of it): box widths are a few % off
    advance_search: float = 0.15
    advance_step: float = 0.002
    # fitting the grid to the text: advances within ±`text_fit_spread` of the estimate in steps of
    # `text_fit_step` (shares), phases in steps of `phase_step_px` pixels
    text_fit_spread: float = 0.04
    text_fit_step: float = 0.001
    phase_step_px: float = 0.5
    # ...and only among advances the ink repeats with at least `periodicity_share` (of the best) as strongly:
    # 1/sqrt(2), the half-power width of the periodicity peak. Within it the ink cannot tell advances apart
    # and the text decides; outside it the ink says no. The text alone accepts advances ±1 % off (a row's
    # glyphs still land in their cells), which put emacs at 10.18 px for 10.0 (held-out window em75).
    periodicity_share: float = 0.7071
    # share of a cell: its middle [cell_mid_from, cell_mid_to) is where a glyph has ink (glyphs rarely touch
    # their cell's edges, a neighbour's overhang does)
    cell_mid_from: float = 0.2
    cell_mid_to: float = 0.8
    # an underscore: in the cell's [underscore_from, underscore_to), a straight bar over `underscore_bar`
    # of the width in the row's lowest part (below `underscore_low` of its height), nothing above
    underscore_from: float = 0.15
    underscore_to: float = 0.85
    underscore_low: float = 0.7
    underscore_bar: float = 0.8
    # cells: a gap this wide ends a line's text (a minimap, scrollbar or the pointer far to the right)
    line_gap_cells: float = 8.0
    # cells: ink narrower than `pointer_cells` starting further right than `pointer_far_cells` on an empty
    # row is the I-beam pointer
    pointer_cells: float = 1.3
    pointer_far_cells: float = 30
    # pixels: the row grid is shifted in steps of this to find the blank band between lines, ink counted
    # within ±`boundary_px` of a boundary
    row_phase_step_px: float = 0.5
    boundary_px: int = 1
    # Text starting this many columns in that the recogniser reads with less than `stray_text_score` (its mean
    # character probability) is a hover widget, a minimap or the pointer over an empty stretch of the pane, not
    # code: code is rarely indented that far, and a real line there reads clearly (0.9 and up). Monaco's minimap
    # beside a blank line reads as "305--" at 0.73.
    stray_text_cols: int = 30
    stray_text_score: float = 0.8
    # Height of a row's ink, as a share of the pitch, under which text far to the right is a minimap's or an
    # overview's miniature rendering (2-4 px tall at 720p), not a line: the lowest real line, "----", is
    # ~0.1 of the pitch, so this only applies with `stray_text_cols` of empty cells before it.
    miniature_ink_share: float = 0.3
    # cursor marks: a row at least `mark_min_row_px` tall; strokes at most `bar_px` wide covering
    # `bar_cover` of the row's height are a bar cursor, `side_cover` a side of a bracket's box (two of them
    # `bracket_min_cells`-`bracket_max_cells` apart) or, within `boundary_cells` of a cell boundary, the
    # cursor between two characters; ink over `cursor_cover` of the height right after the text is the cursor
    mark_min_row_px: int = 8
    bar_px: int = 3
    bar_cover: float = 0.9
    side_cover: float = 0.8
    bracket_min_cells: float = 0.7
    bracket_max_cells: float = 1.6
    boundary_cells: float = 0.2
    cursor_cover: float = 0.75
    # share of the columns from one side of a bracket's box to the other that its top or bottom pixel row
    # inks: a box's edge is a line (measured 0.89-1.0 on Monaco light and dark, antialiasing takes the
    # rest); two bracket glyphs side by side ink at most their serifs (0.33-0.57 on held-out micro)
    box_edge_share: float = 0.8
    # A glyph repeated in adjacent cells ('"""', '....') is read one short when the model puts no blank
    # between two of them. Each character read lands on a cell from where the model emitted it (its step,
    # shifted by the row's mean phase), so the inked cell that got none is known. It takes the character of
    # a run around it only when its pixels are that run's glyph: the cell's ink differs from its neighbour's
    # by at most `same_glyph_slack` (a share of their mean ink) more than the run's own two cells differ.
    # Measured on held-out micro and emacs rows: one glyph in two cells 0.06-0.63 apart, two glyphs 0.30-1.9.
    same_glyph_slack: float = 0.3
    # share of the busiest pixel row's ink: the lowest pixel row with at least this much is the text's
    # baseline (letter bodies end there; descenders and underscores below it ink a few columns only)
    baseline_ink_share: float = 0.5


GRID = GridPolicy()  # the defaults (frozen: shared safely)

INK_LEVEL = GRID.ink_level  # for measurements outside the reader (segments)


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


def char_width(boxes: list[Box], policy: GridPolicy = GRID) -> float | None:
    """Robust monospace character width: median of width/len over boxes with enough characters."""
    n = policy.char_width_min_chars
    ratios = [b.w / len(b.text) for b in boxes if len(b.text) >= n and b.w > 0]
    if len(ratios) < policy.char_width_min_boxes:
        ratios += [b.w / len(b.text) for b in boxes if 1 <= len(b.text) < n and b.w > 0]
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


def monospace_score(boxes: list[Box], policy: GridPolicy = GRID) -> float:
    """~1 for monospace text, ~0 for proportional: which width model (per character, or per glyph shape)
    explains the boxes' widths better. Long prose averages out per-character widths, so compare both."""
    use = [b for b in boxes if len(b.text.strip()) >= policy.mono_min_chars and b.w > 0]
    if len(use) < policy.mono_min_boxes:
        return 0.5
    mono = np.array([b.w / len(b.text.strip()) for b in use])
    prop = np.array([b.w / _prop_width(b.text.strip()) for b in use])
    d = _spread(prop) - _spread(mono)  # > 0: the monospace model fits better
    return float(np.clip(0.5 + d / policy.mono_scale, 0.0, 1.0))


def cluster_rows(boxes: list[Box], policy: GridPolicy = GRID) -> list[list[Box]]:
    """Group boxes into text lines by vertical centre (boxes on one line overlap vertically)."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows:
            last = rows[-1]
            ref_cy = float(np.median([x.cy for x in last]))
            ref_h = float(np.median([x.h for x in last]))
            if abs(b.cy - ref_cy) < policy.same_line_share * max(ref_h, b.h):
                last.append(b)
                continue
        rows.append([b])
    for r in rows:
        r.sort(key=lambda b: b.x1)
    return rows


def line_pitch(rows: list[list[Box]], policy: GridPolicy = GRID) -> float | None:
    """Line height from the spacing of consecutive rows (multiples of the pitch when lines are blank)."""
    if len(rows) < 2:
        return None
    cys = [float(np.median([b.cy for b in r])) for r in rows]
    hs = float(np.median([b.h for r in rows for b in r]))
    diffs = np.diff(cys)
    diffs = diffs[diffs > policy.min_spacing_heights * hs]
    if len(diffs) == 0:
        return None
    # a spacing that was measured ("lower"): interpolating between one line's spacing and a status bar's
    # 55 lines below put a two-line REPL's pitch at 137 px for 18.65
    base = float(np.percentile(diffs, policy.spacing_percentile, method="lower"))
    # refine using multiples: each diff ≈ k * pitch
    ks = np.maximum(1, np.round(diffs / base))
    pitch = float(np.median(diffs / ks))
    return fitted_pitch(np.round((np.array(cys) - cys[0]) / pitch), cys, pitch, policy)


def fitted_pitch(lines: np.ndarray | list[float], cys: list[float], pitch: float, policy: GridPolicy = GRID) -> float:
    """The line pitch as the slope of text centres over their line indices: box centres jitter by a pixel or
    so, and so does every single spacing, while the slope uses the whole span (over 15 lines a 0.5 px error
    per line is a third of a row). `pitch`, from the spacings, is kept when the fit cannot be trusted."""
    idx = np.asarray(lines, dtype=np.float64)
    if len(np.unique(idx)) < policy.pitch_fit_min_lines or not np.all(np.diff(idx) > 0):
        return pitch
    slope = float(np.polyfit(idx, np.asarray(cys, dtype=np.float64), 1)[0])
    return slope if abs(slope - pitch) < policy.pitch_fit_agreement * pitch else pitch


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


def _isolated_thin(cols: np.ndarray, counts: np.ndarray, h: int, policy: GridPolicy = GRID) -> None:
    """Clear thin tall strokes with no ink beside them: indent guides, box edges, the text cursor. A stroke
    with a word on each side, one space away, is a glyph (`str | Path`, `2>&1 | tail`): guides stand in the
    indentation with no word left of them, and a cursor after the last word has none right of it."""
    idx = np.flatnonzero(cols)
    if not len(idx):
        return
    parts = runs(idx)
    thin = [len(run) <= policy.thin_px and counts[run].max() >= policy.thin_height_share * h for run in parts]
    reach = policy.between_words_heights * h
    for i, run in enumerate(parts):
        if not thin[i]:
            continue
        gap_l = run[0] - parts[i - 1][-1] if i > 0 else 99
        gap_r = parts[i + 1][0] - run[-1] if i + 1 < len(parts) else 99
        if gap_l <= policy.thin_clear_px or gap_r <= policy.thin_clear_px:
            continue
        word_left = i > 0 and not thin[i - 1] and gap_l <= reach
        word_right = i + 1 < len(parts) and not thin[i + 1] and gap_r <= reach
        if not (word_left and word_right):
            cols[run] = False


def _clear_faint_guides(ink: np.ndarray, contrast: np.ndarray, thresh: float, policy: GridPolicy = GRID) -> None:
    """Clear faint 1-2 px lines running the full row height (indent guides): video compression lifts a pixel
    or two of them over the ink threshold, which would put column 0 on the guide."""
    h = contrast.shape[0]
    top = int(policy.guide_top * h)
    mid = contrast[top: max(int(policy.guide_bottom * h), top + 1)]  # strips reach into the next row
    tall = np.flatnonzero((mid > policy.guide_faint * thresh).sum(axis=0) >= policy.guide_height_share * mid.shape[0])
    if not len(tall):
        return
    for run in runs(tall):
        clear = policy.thin_clear_px
        lo, hi = max(0, run[0] - clear), run[-1] + clear + 1
        if len(run) <= policy.thin_px and mid[:, run].max() < policy.guide_max * thresh and not (mid[:, lo:run[0]] > thresh).any() \
                and not (mid[:, run[-1] + 1:hi] > thresh).any():
            ink[:, run] = False


def ink_columns(strip: np.ndarray, bg: float | None = None, policy: GridPolicy = GRID) -> np.ndarray:
    """Boolean per column: does this gray row strip have text ink there?

    Text ink is judged in the row's core band (glyph bodies); ink only near the row's top or bottom edge
    (underscores, commas, but also box borders and the neighbour row's descenders) counts only next to core
    ink. Thin isolated vertical strokes (guides, cursor, box edges) and full-width rules are not text."""
    if strip.size == 0:
        return np.zeros(strip.shape[1] if strip.ndim == 2 else 0, dtype=bool)
    if bg is None:
        bg = float(np.median(strip))
    thresh = policy.ink_level
    contrast = np.abs(strip.astype(np.int16) - bg)
    ink = contrast > thresh
    _clear_faint_guides(ink, contrast, thresh, policy)
    wide = ink.sum(axis=1) > policy.rule_width_share * strip.shape[1]  # horizontal rules
    if wide.any():
        ink[wide] = False
    h = strip.shape[0]
    c1 = int(round(policy.core_top * h))
    c2 = max(int(round(policy.core_bottom * h)), c1 + 1)
    core = ink[c1:c2].sum(axis=0)
    core_ink = core > 0
    cols = core_ink.copy()
    _isolated_thin(cols, core, c2 - c1, policy)
    # a thin stroke cleared above that runs the strip's whole height is a border or a guide (line spacing
    # leaves glyphs a gap above and below): it must not come back below as edge ink next to a letter (a
    # window's border a few px left of column 0 would start every row's text there). A thin glyph cleared
    # above ("(" between letters) does come back that way.
    border = core_ink & (ink.sum(axis=0) >= policy.border_height_share * h)
    edge = ink.any(axis=0) & ~cols & ~border
    if edge.any() and cols.any():
        # edge ink counts when its run is next to text ink (an underscore joins the letters beside it; the
        # quotes of a docstring chain up to the letter after them), so passes repeat while runs join
        edge_runs = runs(np.flatnonzero(edge))
        kernel = np.ones(2 * policy.adjacent_px + 1, dtype=np.int32)
        for _ in range(len(edge_runs)):  # until no run joins (a docstring's """ is six marks in a row)
            near = np.convolve(cols.astype(np.int32), kernel, mode="same") > 0
            added = [run for run in edge_runs if not cols[run[0]] and near[run].any()]
            if not added:
                break
            for run in added:
                cols[run] = True
    return cols


def refine_char_width(profile: np.ndarray, cw: float, x0: float = 0.0, policy: GridPolicy = GRID) -> tuple[float, float]:
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
    for c in np.arange(cw * (1 - policy.advance_search), cw * (1 + policy.advance_search), policy.advance_step * cw):
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


def periodicity(profile: np.ndarray, advances: np.ndarray) -> np.ndarray:
    """Per candidate advance (px): how strongly the summed ink repeats with that period (the magnitude of its
    Fourier component)."""
    x = np.arange(len(profile), dtype=np.float64)
    p = profile.astype(np.float64) - profile.mean()
    return np.abs(np.exp(-2j * np.pi * x[None, :] / np.asarray(advances, dtype=np.float64)[:, None]) @ p)


def _text_fit_spread(cw: float, policy: GridPolicy = GRID) -> np.ndarray:
    """Every advance within ±`text_fit_spread` of `cw`, in steps of `text_fit_step`."""
    spread = policy.text_fit_spread
    return cw * (1 + np.arange(-spread, spread + 1e-9, policy.text_fit_step))


def text_fit_advances(profile: np.ndarray, cw: float, policy: GridPolicy = GRID) -> np.ndarray:
    """The advances a fit to the text may choose around the ink's estimate `cw`: those the ink's periodicity
    cannot tell from the best (see `GridPolicy.periodicity_share`)."""
    advances = _text_fit_spread(cw, policy)
    strength = periodicity(profile, advances)
    return advances[strength >= policy.periodicity_share * strength.max()]


def _prepare(rows: list[tuple[np.ndarray, str]]) -> list[tuple]:
    out = []
    for cols, text in rows:
        idx = np.flatnonzero(cols)
        want = np.array([not ch.isspace() for ch in text.strip()], dtype=bool)
        if len(idx) and want.any():
            out.append((np.concatenate([[0], np.cumsum(cols, dtype=np.int32)]), idx[0], idx[-1], want, len(cols)))
    return out


def _agreement(prepared: list[tuple], c: float, phases: np.ndarray, policy: GridPolicy = GRID) -> np.ndarray:
    """Per phase: how well the grid explains the rows. A row whose inked cells repeat its text's pattern of
    glyphs and spaces scores 3; one with as many inked cells as the text has glyphs scores 1 (OCR drops and
    merges spaces, so the pattern alone would miss good grids)."""
    total = np.zeros(len(phases), dtype=np.int32)
    for cs, lo, hi, want, width in prepared:
        k = np.arange(np.floor(lo / c) - 2, np.ceil(hi / c) + 2)
        a = np.clip(np.round(phases[:, None] + (k[None, :] + policy.cell_mid_from) * c).astype(int), 0, width)
        b = np.clip(np.maximum(np.round(phases[:, None] + (k[None, :] + policy.cell_mid_to) * c).astype(int), a + 1),
                    0, width)
        inked = (cs[b] - cs[a]) > 0
        count_ok = inked.sum(axis=1) == want.sum()
        first = np.argmax(inked, axis=1)
        pos = first[:, None] + np.arange(len(want))[None, :]
        fits = pos[:, -1] < inked.shape[1]
        same = np.take_along_axis(inked, np.minimum(pos, inked.shape[1] - 1), axis=1) == want[None, :]
        total += count_ok + 2 * (count_ok & fits & same.all(axis=1))
    return total


def grid_agreement(rows: list[tuple[np.ndarray, str]], cw: float, phase: float, policy: GridPolicy = GRID) -> int:
    """How well a given grid explains (ink columns, OCR text) rows (see `_agreement`)."""
    return int(_agreement(_prepare(rows), cw, np.array([phase]), policy)[0])


def _middle_phase(phases: np.ndarray, c: float) -> float:
    """The middle of a (circular) run of equally good phases: the grid is surest there."""
    if phases[0] < 0.25 * c and phases[-1] > 0.75 * c:
        phases = np.where(phases < 0.5 * c, phases + c, phases)
    return float(np.median(phases) % c)


def fit_grid_to_text(rows: list[tuple[np.ndarray, str]], cw: float, phase: float, policy: GridPolicy = GRID,
                     advances: np.ndarray | None = None) -> tuple[float, float, int]:
    """Refine (char width, phase) so that the grid's inked cells repeat the rows' OCR text.

    The ink's periodicity gives the advance to within a few percent when few lines are on screen, and over
    a 50-character line 1 % is half a cell: spaces land on the wrong cells. The OCR text says where each
    row's glyphs and spaces are; the right grid puts ink under exactly those cells.
    `advances`: the candidates (default: ±`text_fit_spread` of `cw`; see `text_fit_advances`).
    Returns (char_width, phase, agreement score); ties stay nearest the given fit."""
    prepared = _prepare(rows)
    best = (int(_agreement(prepared, cw, np.array([phase]), policy)[0]), 0.0, cw, phase)
    for c in _text_fit_spread(cw, policy) if advances is None else advances:
        phases = np.arange(0.0, c, policy.phase_step_px)
        scores = _agreement(prepared, float(c), phases, policy)
        top = int(scores.max())
        key = (top, -abs(c - cw) / cw)
        if key > best[:2]:
            best = (top, key[1], float(c), _middle_phase(phases[scores == top], float(c)))
    return best[2], best[3], best[0]


def cell_pattern(cols: np.ndarray, start: float, cw: float, n_cells: int, policy: GridPolicy = GRID) -> list[bool]:
    """Per character cell from `start`: does it hold ink (looking at the middle of the cell only)?"""
    out = []
    for k in range(n_cells):
        a = int(round(start + (k + policy.cell_mid_from) * cw))
        b = int(round(start + (k + policy.cell_mid_to) * cw))
        out.append(bool(cols[max(0, a):max(a + 1, b)].any()))
    return out


def _bar_cells(ink: np.ndarray, top: int, start: float, cw: float, n_cells: int,
               policy: GridPolicy) -> list[bool]:
    """Per cell: is its only ink a straight horizontal bar across it, all of it from pixel row `top` down?"""
    out = []
    for k in range(n_cells):
        a = int(round(start + (k + policy.underscore_from) * cw))
        b = int(round(start + (k + policy.underscore_to) * cw))
        a, b = max(0, a), max(a + 1, b)
        seg = ink[top:, a:b]
        bar = seg.shape[1] > 0 and bool((seg.mean(axis=1) >= policy.underscore_bar).any())
        out.append(bar and not ink[:top, a:b].any())
    return out


def ink_mask(strip: np.ndarray, bg: float, policy: GridPolicy = GRID) -> np.ndarray:
    """The pixels of a row strip that differ from its background by more than the ink level."""
    return np.abs(strip.astype(np.int16) - bg) > policy.ink_level


def underscore_cells(ink: np.ndarray, start: float, cw: float, n_cells: int,
                     policy: GridPolicy = GRID) -> list[bool]:
    """Per cell of a row's ink mask (`ink_mask`): is its only ink a low horizontal stroke (an underscore),
    nothing in the glyph body?"""
    return _bar_cells(ink, int(policy.underscore_low * ink.shape[0]), start, cw, n_cells, policy)


def bars_under_baseline(ink: np.ndarray, start: float, cw: float, n_cells: int,
                        policy: GridPolicy = GRID) -> list[bool]:
    """Per cell: is its only ink a horizontal bar below the text's baseline (the lowest pixel row with at
    least `baseline_ink_share` of the busiest row's ink)? An underscore hangs under the baseline, a hyphen
    stands at mid-height; in fonts whose underscore sits right under the baseline (emacs's, 0.65 of the row)
    the row's lowest part misses it. `ink`: the row's ink mask (`ink_mask`)."""
    counts = ink.sum(axis=1)
    if not counts.any():
        return [False] * n_cells
    baseline = int(np.flatnonzero(counts >= policy.baseline_ink_share * counts.max())[-1])
    return _bar_cells(ink, baseline + 1, start, cw, n_cells, policy)


ELLIPSIS = "\u2026"


def respace(text: str, cells: list[bool], under: list[bool] | None = None,
            low_bars: list[bool] | None = None) -> str | None:
    """Put spaces where the grid has empty cells, if the OCR text's visible characters fit the inked cells
    one to one (OCR engines drop and merge spaces; the pixels don't). None when they don't fit. A "-" fitted
    on a cell whose only ink is a bar under the baseline (`low_bars`) was an underscore."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    if ELLIPSIS in text:  # the recogniser reads three dots (a REPL's "..." prompt) as one ellipsis glyph
        dots = text.replace(ELLIPSIS, "...")
        if sum(not c.isspace() for c in dots) == sum(cells):
            text = dots
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return None
    if len(chars) == sum(cells):
        it = iter(chars)
        fitted = [next(it) if inked else " " for inked in cells]
        if low_bars is not None:
            fitted = ["_" if c == "-" and k < len(low_bars) and low_bars[k] else c
                      for k, c in enumerate(fitted)]
        return "".join(fitted)
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
    # it also drops or doubles underscores in a run ("__init_", "_init__", "init__" for `__init__`): when the
    # text's other characters fit the cells holding more than an underscore one to one, the underscores are
    # where the pixels have them
    if under is not None:
        others = [c for c in chars if c != "_"]
        body = [inked and not (k < len(under) and under[k]) for k, inked in enumerate(cells)]
        if others and len(others) == sum(body) and sum(body) < sum(cells):
            it = iter(others)
            return "".join(next(it) if b else ("_" if inked else " ") for b, inked in zip(body, cells))
    return None


def glyph_distance(ink: np.ndarray, start: float, cw: float, k1: int, k2: int) -> float:
    """How far apart the glyphs in cells `k1` and `k2` of a row are: the summed difference of their ink
    (`ink`: per pixel, how far from the background, 0-1), best over a pixel's shift either way (cell edges
    fall between pixels), as a share of their mean ink. 0 for one glyph drawn twice."""
    w = int(round(cw))

    def cell(k: int) -> np.ndarray:
        a = int(round(start + k * cw))
        out = np.zeros((ink.shape[0], w + 2), dtype=np.float32)
        part = ink[:, max(0, a - 1): a + w + 1]
        out[:, : part.shape[1]] = part
        return out

    a, b = cell(k1), cell(k2)
    mass = max(1e-6, (a.sum() + b.sum()) / 2)
    return float(min(np.abs(a - np.roll(b, s, axis=1)).sum() for s in (-1, 0, 1)) / mass)


def _placed(text: str, spans: tuple[tuple[float, float], ...], crop_x: float, cw: float,
            cells: list[bool]) -> tuple[list[str], list[int]]:
    """The visible characters read and the cell each was emitted in: its step's centre, `crop_x` px right of
    `cells[0]`, shifted by the row's circular-mean phase (the model emits every glyph about as far into its
    cell). ([], []) when the spans don't cover the text or a character lands off the inked cells."""
    if len(spans) < len(text):
        return [], []
    chars = [(c, (a + b) / 2 / cw) for c, (a, b) in zip(text, spans) if not c.isspace()]
    if not chars:
        return [], []
    pos = np.array([p for _, p in chars]) + crop_x / cw
    phase = float(np.angle(np.exp(2j * np.pi * pos).mean()) / (2 * np.pi)) % 1.0
    at = [int(round(p - phase)) for p in pos]
    if any(not (0 <= k < len(cells) and cells[k]) for k in at):
        return [], []
    return [c for c, _ in chars], at


# glyphs that are one vertical stroke: a '"' whose two strokes stand apart (Anonymous Pro's, held-out micro)
# is read as two of them in one cell ('"""' as "I1 11 11")
STROKE_GLYPHS = frozenset("1Il|!'")


def strokes_merged(text: str, spans: tuple[tuple[float, float], ...], crop_x: float, cw: float,
                   cells: list[bool]) -> str | None:
    """The text with every two stroke glyphs the model emitted in one cell read as the '"' they are, or None
    when no cell holds two or a cell holds anything else twice (`spans`, `crop_x`: see `repeats_filled`)."""
    chars, at = _placed(text, spans, crop_x, cw, cells)
    if not chars or any(b < a for a, b in zip(at, at[1:])):
        return None
    out: dict[int, str] = {}
    merged = False
    for c, k in zip(chars, at):
        if k not in out:
            out[k] = c
        elif len(out[k]) == 1 and out[k] in STROKE_GLYPHS and c in STROKE_GLYPHS:
            out[k], merged = '"', True
        else:
            return None
    if not merged:
        return None
    return "".join(out.get(k, " ") for k in range(max(out) + 1))


def repeats_filled(text: str, spans: tuple[tuple[float, float], ...], crop_x: float, cw: float,
                   cells: list[bool], ink: np.ndarray, start: float, policy: GridPolicy = GRID) -> str | None:
    """The text with a glyph the model read once too few in a run put back (see `same_glyph_slack`), or None
    when it lost anything else. `spans`: each character's extent in the read image, whose left edge is
    `crop_x` px right of `cells[0]`'s; `ink` and `start`: the row's ink (0-1) and `cells[0]`'s x in it."""
    inked = [k for k, on in enumerate(cells) if on]
    chars, at = _placed(text, spans, crop_x, cw, cells)
    if not chars or len(chars) >= len(inked) or any(b <= a for a, b in zip(at, at[1:])):
        return None
    held = dict(zip(at, chars))
    for k in (k for k in inked if k not in held):
        left, right = held.get(k - 1), held.get(k + 1)
        # (the character, the neighbour it must look like, and two cells of the run that hold it)
        if left is not None and left == right:
            c, near, pair = left, k - 1, (k - 1, k + 1)  # the middle of a run
        elif left is not None and held.get(k - 2) == left and not (k + 1 < len(cells) and cells[k + 1]):
            c, near, pair = left, k - 1, (k - 2, k - 1)  # the end of a run
        elif right is not None and held.get(k + 2) == right and not (k > 0 and cells[k - 1]):
            c, near, pair = right, k + 1, (k + 1, k + 2)  # its start
        else:
            return None
        own = glyph_distance(ink, start, cw, *pair)
        if glyph_distance(ink, start, cw, k, near) > own + policy.same_glyph_slack:
            return None
        held[k] = c
    if len(held) != len(inked):
        return None
    return "".join(held.get(k, " ") for k in range(max(held) + 1))


def text_span(cols: np.ndarray, char_w: float, cursor_like: Callable[[int, int], bool] | None = None,
              policy: GridPolicy = GRID) -> tuple[int, int] | None:
    """Ink extent of one line's text: from the first ink to the last before a gap of many characters
    (a minimap, scrollbar or the mouse pointer far to the right is not part of the line)."""
    idx = np.flatnonzero(cols)
    if len(idx) == 0:
        return None
    gaps = np.diff(idx)
    cut = np.flatnonzero(gaps > policy.line_gap_cells * char_w)
    end = idx[cut[0]] if len(cut) else idx[-1]
    # a text cursor right after the last character: a lone 1-2 px stroke after a gap
    k = int(np.searchsorted(idx, end))
    run_start = k
    while run_start > 0 and idx[run_start - 1] == idx[run_start] - 1:
        run_start -= 1
    if k - run_start <= 1 and run_start > 0 and idx[run_start] - idx[run_start - 1] > 1 and cursor_like is not None \
            and cursor_like(int(idx[run_start]), int(end)):
        end = idx[run_start - 1]
    if end + 1 - idx[0] < policy.pointer_cells * char_w and idx[0] > policy.pointer_far_cells * char_w:  # a lone I-beam pointer on an empty row
        return None
    return int(idx[0]), int(end) + 1


def refine_row_phase(gray: np.ndarray, pane: tuple[int, int, int, int], y0: float, pitch: float,
                     policy: GridPolicy = GRID) -> float:
    """Shift the row grid so row boundaries fall in the middle of the blank band between lines (so neither
    underscores at the bottom nor accents at the top are cut off or leak into the next row)."""
    x1, y1, x2, y2 = pane
    top = max(0, int(y0 - pitch))
    region = gray[top:int(y2 + pitch), x1:x2]
    if region.size == 0:
        return y0
    bg = float(np.median(region))
    prof = ink_mask(region, bg, policy).sum(axis=1).astype(np.float32)
    prof = np.convolve(prof, np.ones(2 * policy.boundary_px + 1, dtype=np.float32), mode="same")  # near a boundary
    steps = np.arange(-pitch / 2, pitch / 2, policy.row_phase_step_px)
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
