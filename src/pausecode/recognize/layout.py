"""Layout evidence from pixels that holds for any editor: a code region sits on one uniform background.

An editor pane, a notebook input cell and a terminal each paint their text on a background of one colour, and
what surrounds them (tab strips, menus, status bars, output areas between notebook cells, side panels) is
painted in another. Sampled along a thin vertical strip where no code is drawn (the line-number gutter, or the
margin left of column 0), the background splits the screen into runs; each code region is one run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grid import runs


@dataclass(frozen=True)
class BackgroundPolicy:
    # Largest per-channel difference (0-255) between two rows' background colours that still counts as the
    # same surface: JPEG/H.264 noise moves flat colours by 2-4 levels; a notebook cell and the page around
    # it differ by 10 or more (JupyterLab Dark: 62 vs 19).
    same_colour: int = 7
    # Largest difference between two runs that are still the same kind of surface: the active notebook cell is
    # tinted (JupyterLab Dark: (60, 65, 71) against (62, 62, 62)), still far from the page around cells.
    similar_surface: int = 12
    # Same-colour runs split by less than this share of a text row are one surface: glyph strokes (two-digit
    # line numbers) or a current-line mark cross the strip for a few pixels.
    max_gap_rows: float = 0.5
    # Contrast (0-255, any channel) of a glyph stroke against its surface: anti-aliased text edges are lower,
    # the strokes' cores of even dim line numbers are well above.
    ink_contrast: int = 40
    # A run shorter than this share of a text row is a border or an anti-aliased edge, not a surface.
    min_run_rows: float = 0.8
    # Largest difference (0-255, any channel) between a line's colour and the surface of the text block it
    # touches for the line to count as a highlighted line of that block (current line, selection): editors
    # tint it lightly so text stays readable (Monaco, JupyterLab: 10-25), while a title bar or a terminal
    # multiplexer's status bar right against the text contrasts more (45 and over seen).
    highlight_tint: int = 30
    # Pixels differing more than this (0-255, any channel) from a surface make a "stroke" on it; at least
    # `stroke_pixels` of them is something drawn (glyphs), fewer is noise.
    stroke_pixels: int = 4
    # Colour levels per bin when finding a row's most common colour (H.264 moves flat colours by 2-4).
    surface_bin: int = 4
    # The most populated bins whose neighbourhoods are compared for it (the text's own colours and their
    # anti-aliased edges take a few; a noisy surface's central bin is always among the first ones).
    surface_candidates: int = 8
    # Line heights: text rows closer than this are neighbouring lines of one text block.
    adjacent_lines: float = 1.5
    # Gray levels: a pixel row this far from the code's surface is painted in another colour (a border, a band).
    border_contrast: int = 15
    # Share of a pixel row painted for it to be a ruled line across the pane (a border or a box's edge).
    ruled_share: float = 0.95
    # Share of a pixel row painted for it to belong to a painted band (its text and a scrollbar beside it
    # keep a few pixels on the surface).
    painted_row_share: float = 0.85
    # Share of the pitch a filled band's height and centre may be off one whole grid row and still be a
    # highlighted line on it (encoders blur a band's edges by a pixel or two; a panel's header strip is rarely
    # both one row tall and on the grid).
    grid_row_slack: float = 0.12
    # Grid rows of the code's surface under a one-row band for it to be the current line.
    surface_below_rows: float = 2
    # Pixels: two ruled lines one pitch apart (± this) are a current-line box's top and bottom edges.
    box_pair_slack_px: int = 3


@dataclass(frozen=True)
class ColourRun:
    y1: int  # first row (inclusive)
    y2: int  # last row (exclusive)
    colour: tuple[int, int, int]


def strip_colours(frame: np.ndarray, x1: int, x2: int) -> np.ndarray:
    """Per frame row, the median colour of columns [x1, x2): the surface under a strip, with thin glyph
    strokes (line numbers) outvoted by the background around them."""
    x1, x2 = max(0, int(x1)), min(frame.shape[1], int(x2))
    if x2 <= x1:
        return np.zeros((frame.shape[0], 3), dtype=np.int16)
    strip = frame[:, x1:x2]
    if strip.ndim == 2:
        strip = strip[:, :, None].repeat(3, axis=2)
    return np.median(strip, axis=1).astype(np.int16)


def colour_runs(colours: np.ndarray, pitch: float, policy: BackgroundPolicy = BackgroundPolicy()) -> list[ColourRun]:
    """Runs of rows whose colour stays within `same_colour` of the run's first row, at least
    `min_run_rows` x pitch tall."""
    raw: list[ColourRun] = []
    start = 0
    n = len(colours)
    for y in range(1, n + 1):
        if y == n or int(np.abs(colours[y] - colours[start]).max()) > policy.same_colour:
            c = colours[start]
            raw.append(ColourRun(start, y, (int(c[0]), int(c[1]), int(c[2]))))
            start = y
    merged: list[ColourRun] = []
    for r in raw:
        if r.y2 - r.y1 < max(2.0, policy.max_gap_rows * pitch):  # a stroke, border or edge: not a surface
            if merged and merged[-1].y2 == r.y1:  # it belongs to the surface it crosses
                merged[-1] = ColourRun(merged[-1].y1, r.y2, merged[-1].colour)
            continue
        if merged and r.y1 - merged[-1].y2 <= policy.max_gap_rows * pitch and \
                same_surface(r.colour, merged[-1].colour, policy.same_colour):
            merged[-1] = ColourRun(merged[-1].y1, r.y2, merged[-1].colour)
        else:
            merged.append(r)
    return [r for r in merged if r.y2 - r.y1 >= policy.min_run_rows * pitch]


def run_at(runs: list[ColourRun], y: float) -> ColourRun | None:
    for r in runs:
        if r.y1 <= y < r.y2:
            return r
    return None


def same_surface(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int) -> bool:
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2])) <= tolerance


def inked(region: np.ndarray, colour: tuple[int, int, int], policy: BackgroundPolicy = BackgroundPolicy()) -> bool:
    """Is anything drawn on this surface (glyph strokes, not just noise)?"""
    if region.size == 0:
        return False
    diff = np.abs(region.astype(np.int16) - np.array(colour, dtype=np.int16)[None, None, :region.shape[2]])
    return int((diff.max(axis=2) > policy.ink_contrast).sum()) >= policy.stroke_pixels


def clipped_region(image: np.ndarray, x1: float, y1: float, x2: float, y2: float) -> np.ndarray:
    """The pixels of a box given in float frame coordinates, clipped to the image (possibly empty)."""
    h, w = image.shape[:2]
    return image[max(0, int(y1)):min(h, int(np.ceil(y2))), max(0, int(x1)):min(w, int(np.ceil(x2)))]


def box_surface(frame: np.ndarray, x1: float, y1: float, x2: float, y2: float) -> tuple[int, int, int]:
    """The colour a text box is painted on: the median of its pixels (glyph strokes cover a minority)."""
    region = clipped_region(frame, x1, y1, x2, y2)
    if region.size == 0:
        return (0, 0, 0)
    if region.ndim == 2:
        v = int(np.median(region))
        return (v, v, v)
    m = np.median(region.reshape(-1, region.shape[2]), axis=0)
    return (int(m[0]), int(m[1]), int(m[2]))


def row_surface(frame: np.ndarray, x1: float, y1: float, x2: float, y2: float,
                policy: BackgroundPolicy = BackgroundPolicy()) -> tuple[int, int, int]:
    """The colour a line of text is painted on: its most common colour. A long line covers half its row with
    glyphs and their anti-aliased edges, which pulls a median towards the text's colour; the surface stays
    the most frequent colour. Counted with encoder noise in mind: H.264 scatters a flat colour over the
    neighbouring `surface_bin`-level bins while saturated text (white, black) stays in one, so a bin's count is
    that of its 3x3x3 neighbourhood (a status bar's blue came out as its white text's colour without)."""
    region = clipped_region(frame, x1, y1, x2, y2)
    if region.size == 0:
        return (0, 0, 0)
    if region.ndim == 2:
        region = region[:, :, None].repeat(3, axis=2)
    bin_ = policy.surface_bin
    levels = 256 // bin_
    q = region.reshape(-1, 3) // np.uint8(bin_)
    codes = (q[:, 0].astype(np.int32) * levels + q[:, 1]) * levels + q[:, 2]
    bins, counts = np.unique(codes, return_counts=True)
    top = bins[np.argsort(counts)[-policy.surface_candidates:]]  # the surface's central bin is among these
    near = np.stack([top // (levels * levels), (top // levels) % levels, top % levels], axis=1)[:, None, :] \
        + _NEIGHBOURS[None]
    near_code = (near[..., 0] * levels + near[..., 1]) * levels + near[..., 2]
    at = np.clip(np.searchsorted(bins, near_code), 0, len(bins) - 1)
    mass = np.where((near >= 0).all(axis=2) & (near < levels).all(axis=2) & (bins[at] == near_code), counts[at], 0)
    best = int(mass.sum(axis=1).argmax())
    centre = (near[best] * mass[best][:, None]).sum(axis=0) / max(1, int(mass[best].sum()))
    return tuple(int(v) * bin_ + bin_ // 2 for v in np.round(centre))  # type: ignore[return-value]


_NEIGHBOURS = np.array([(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)])


def surface_runs(colours: list[tuple[int, int, int]], centres: list[float], line_h: float,
                 tolerance: int, policy: BackgroundPolicy = BackgroundPolicy()) -> list[list[int]]:
    """Indices of rows painted on the same surface, in order.

    Rows are first grouped by colour. A group of other colour lying between two adjacent groups of one surface
    is a highlighted line of that block (current line, selection) and joins it. At the block's edge a
    neighbouring line joins only when its colour is a tint of the block's (`policy.highlight_tint`): a
    current-line highlight keeps text readable, while a title bar, tab strip or status bar right above or
    below the text is painted in a clearly other colour."""
    groups: list[list[int]] = []
    for i, c in enumerate(colours):
        if groups and same_surface(colours[groups[-1][-1]], c, tolerance):
            groups[-1].append(i)
        else:
            groups.append([i])

    def adjacent(a: list[int], b: list[int]) -> bool:  # a directly above b
        return centres[b[0]] - centres[a[-1]] <= policy.adjacent_lines * line_h

    def surface(g: list[int]) -> tuple[int, int, int]:
        return colours[g[len(g) // 2]]

    merged = True
    while merged and len(groups) > 1:
        merged = False
        for k, g in enumerate(groups):
            above = groups[k - 1] if k > 0 and adjacent(groups[k - 1], g) else None
            below = groups[k + 1] if k + 1 < len(groups) and adjacent(g, groups[k + 1]) else None
            if above is not None and below is not None and same_surface(surface(above), surface(below), tolerance):
                groups[k - 1:k + 2] = [above + g + below]
                merged = True
                break
            host = max((n for n in (above, below) if n is not None and len(n) > len(g)), key=len, default=None)
            if host is not None and same_surface(surface(host), surface(g), policy.highlight_tint):
                if host is above:
                    groups[k - 1:k + 1] = [host + g]
                else:
                    groups[k:k + 2] = [g + host]
                merged = True
                break
    return groups



def on_grid_row(top: float, height: float, pitch: float, grid_y0: float, policy: BackgroundPolicy) -> bool:
    """Is a band (frame y of its top, its height) one whole row of the code grid, on the grid (a highlighted
    line), within `grid_row_slack` of the pitch?"""
    phase = (top + height / 2 - grid_y0) % pitch - pitch / 2
    slack = policy.grid_row_slack * pitch
    return abs(height - pitch) <= slack and abs(phase) <= slack


def border_below(gray: np.ndarray, pane: tuple[int, int, int, int], pitch: float,
                 code_bottom: int | None = None, grid_y0: float | None = None,
                 gutter: tuple[int, int] | None = None,
                 policy: BackgroundPolicy = BackgroundPolicy()) -> int | None:
    """y of where the code's surface ends below its first row: a horizontal border across the whole pane (the
    top edge of a panel under the editor), or a band painted in another colour (vim's filler rows past the
    file's end, a panel without a border line), or None. The surface is measured on the rows where code was
    detected (down to `code_bottom`), not on everything below, which a large panel would dominate. A
    current-line box draws two such lines one row apart: those are not a border, nor is a band filled one
    grid row tall on the grid (`grid_y0`: the y of the grid's row 0) with the code's surface going on for two
    rows below it, nor one that stops at the line numbers (`gutter`: their x range), whatever is below it:
    a panel's edge or header is painted across the gutter too (Thonny's black current line right above its
    Shell pane)."""
    x1, y1, x2, y2 = pane
    top = int(y1 + pitch)  # frame y of the region's first pixel row
    region = gray[top: y2, x1:x2]
    if region.size == 0:
        return None
    code = gray[y1:code_bottom, x1:x2] if code_bottom is not None and code_bottom > y1 else region
    if code.size == 0:  # the grid's first row starts above the frame (y1 < 0): no surface measured, no border
        return None
    bg = float(np.median(code))
    painted = (np.abs(region.astype(np.int16) - bg) > policy.border_contrast).mean(axis=1)
    ruled = painted >= policy.ruled_share
    ys = np.flatnonzero(ruled)
    if not len(ys):
        return None
    bands = runs(ys)
    lines = [int(run[0]) for run in bands]
    origin = float(grid_y0) if grid_y0 is not None else float(y1)
    below_px = int(round(policy.surface_below_rows * pitch))
    painted_rows: tuple[int, int] = (-1, -1)  # a painted current line found: its split rest is not a border
    for y, run in zip(lines, bands):
        if y <= painted_rows[1]:
            continue
        paired = any(abs(abs(y - other) - pitch) <= policy.box_pair_slack_px for other in lines
                     if other != y and not painted_rows[0] <= other <= painted_rows[1])
        # a filled band exactly one grid row tall, on the grid: the current line painted in full (vim's
        # cursorline, a one-line selection), with the code's surface going on below it (a status line has
        # the frame's or a panel's end, or vim's command line, right under it)
        below = ruled[int(run[-1]) + 1: int(run[-1]) + 1 + below_px]
        one_row = on_grid_row(top + run[0], len(run), pitch, origin, policy) \
            and len(below) == below_px and not below.any()
        if gutter is not None and code_bottom is not None and code_bottom > y1 and not one_row:
            # the painted row in full: its text and the scrollbar beside it keep a few of its pixel rows under
            # the ruled share
            a, b = int(run[0]), int(run[-1])
            while a > 0 and painted[a - 1] >= policy.painted_row_share:
                a -= 1
            while b + 1 < len(painted) and painted[b + 1] >= policy.painted_row_share:
                b += 1
            numbers = gray[y1:code_bottom, gutter[0]:gutter[1]]
            band = gray[top + a: top + b + 1, gutter[0]:gutter[1]]
            one_row = on_grid_row(top + a, b + 1 - a, pitch, origin, policy) and numbers.size > 0 \
                and band.size > 0 \
                and abs(float(np.median(band)) - float(np.median(numbers))) <= policy.border_contrast
            if one_row:
                painted_rows = (a, b)
        if not paired and not one_row:
            return top + y
    return None
