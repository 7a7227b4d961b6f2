"""Shared OCR engine logic: read a whole frame once per scene, then re-read only the grid rows that changed.

Concrete OCR backends (RapidOCR, Tesseract) supply two primitives: `_detect_and_read(frame)` → text boxes, and
`_read_row_images(images)` → text per single-line image. Everything about editors lives here and in
`classify.py` / `grid.py`, so every OCR backend gets the same layout handling.
"""

from __future__ import annotations

import difflib
import logging
from abc import abstractmethod
from dataclasses import dataclass, fields, replace

import cv2
import numpy as np

from ..errors import ConfigError
from .base import CodeLayout, FrameContext, Recognition, RecognitionEngine, RowRead, TextLine
from .check import CheckPolicy, capped_by_lines, checked_confidence, needs_confirmation, normalised, readings_agree
from .classify import (
    PANE,
    SHELL_PROMPT_RE,
    PanePolicy,
    centred_on_digits,
    confirmed_numbers,
    consecutive_numbers,
    cut_stacked_rows,
    editor_anchor,
    editor_on_screen,
    editor_text_rows,
    file_name,
    find_code_pane,
    find_gutter,
    gutter_regions,
    gutter_span,
    learning_topic,
    number_probes,
    numbered_rows,
    split_line_numbers,
)
from .grid import (
    GRID,
    Box,
    GridPolicy,
    bars_under_baseline,
    cell_pattern,
    fit_grid_to_text,
    grid_agreement,
    ink_columns,
    ink_mask,
    join_row,
    refine_char_width,
    refine_row_phase,
    repeats_filled,
    respace,
    runs,
    strokes_merged,
    text_fit_advances,
    text_span,
    underscore_cells,
)
from .layout import border_below, clipped_region, row_surface, same_surface
from .marks import cursor_bars, cursor_test, far_and_tiny, stray_text, strip_cursor
from .regions import (
    BACKGROUND,
    cell_spans,
    is_mixed,
    off_editor_anchor,
    on_editor_surface,
    one_surface,
    panel_border_x,
    without_clipped_top_row,
    without_rows_across_gutter,
)
from .text import NOTEBOOK_PROMPT_RE, icon_junk, join_parts, render_lines

log = logging.getLogger(__name__)

CELL_GRID_KEYS = 1 << 20  # grid memories of notebook cells live apart from those of whole panes (a key space)


@dataclass(frozen=True)
class ReadPolicy:
    """The reader's thresholds, each named once with its unit and why; an engine is given one (the benchmark
    can sweep them). Cells are character widths of the measured grid. `pane`: the layout stage's; `grid`: the
    grid stage's (ink, rows, advance, marks)."""

    pane: PanePolicy = PANE
    grid: GridPolicy = GRID

    # gray levels: a pixel changed between two frames (the ink contrast of a glyph's core, so encoder noise
    # and anti-aliased fringes do not count)
    pixel_changed: int = 40
    # pixels: more changed pixels than this in a grid row and its text changed
    row_changed_pixels: int = 4
    # cells and pixels: the strip at a row's right end where the scrollbar / overview ruler marks the cursor
    # line (not text), at least `ruler_min_px` wide
    ruler_cells: float = 1.5
    ruler_min_px: int = 14
    # share of a row's height: a changed column this tall and at most `stroke_px` wide is an indent guide or
    # the text cursor redrawn, not text
    stroke_height_share: float = 0.75
    stroke_px: int = 2
    # share of the rows that had text: more of them rewritten at once is another file or view (whole read);
    # at least `rewritten_min_rows` rewritten, and the share taken of at least `rewritten_floor_rows`
    max_incremental_share: float = 0.6
    rewritten_min_rows: int = 3
    rewritten_floor_rows: int = 5
    # share of a frame's pixels outside the pane that changed: more is a new scene, not typing
    new_scene_outside_share: float = 0.05
    # rows to re-read: more than this share of the pane's rows (and more than `new_rows_min`) is another view
    new_rows_share: float = 0.4
    new_rows_min: int = 6
    # grid rows left blank between the last line read and a blank row that now has text: a file or a shell
    # grows a line (or a few blank lines) at a time, so text appearing further down is a program that took the
    # whole screen (an editor's status bar and key help under its first line), or another view: read it whole.
    # A row far down that had text before (vim's ruler, a clock) only changed, and is not code
    # (`rows_near_text`); one with at most
    # `blank_row_cells` cells of ink (the mouse pointer, a cursor block) was blank.
    new_text_gap_rows: int = 6
    blank_row_cells: float = 2.0
    # lines starting with a bullet that make a list, not code: at least this many, and this share of the lines
    bullet_min_lines: int = 2
    bullet_share: float = 0.5
    # grid rows a scroll is searched for beyond the shift the first changed rows show
    scroll_search_rows: int = 3
    # seconds: a learning screen that keeps changing a little is read again this often
    learning_recheck_s: float = 6.0
    # learning screens compared on quarter-size thumbnails: a pixel changed by more than `thumb_changed` gray
    # levels; at least `new_screen_share` of them changed, or `moved_ink_share` of the ink, is a new screen
    thumb_changed: int = 25
    new_screen_share: float = 0.15
    moved_ink_share: float = 0.4
    # cells: a distance within this of a whole number of cells is on the grid
    grid_snap: float = 0.3
    # text lines: a grid measured on fewer is a guess (one line cannot show the pitch)
    min_grid_lines: int = 3
    # how code-like (`PaneGuess.score`, 0-1) the pane's text must be to be read as an editor's code on its
    # grid without other evidence. A shell's output ("NUM 12", "OP  *") scores 0.43; with a shell prompt
    # among its rows and a grid of `min_grid_lines` it is read on the grid all the same: the detector's
    # boxes lose what stands alone a few cells away (the "*" of "OP  *"). An editor's status on screen is
    # no such evidence: a slide beside the editor scores low too (dev_overlay)
    code_pane_score: float = 0.5
    # share of the pitch: a remembered grid measured at a pitch this close is the same editor layout
    same_pitch_share: float = 0.06
    # cells: a column 0 seen earlier at most this far left of the one measured now is the same grid's
    x0_memory_cells: float = 40
    # cells: ink further left of column 0 than this, beside a line-number gutter, is the line's number (editors
    # leave a cell or more between number and code; a number the split put inside the pane still ends left of it)
    number_gap_cells: float = 0.5
    # cells: the least gap between the numbers and column 0 that can hold code written left of a guessed column 0
    # (vim leaves one cell, one space; Monaco and JupyterLab two or more)
    code_in_gap_cells: float = 1.5
    # cells: ink starting at least this far right of the numbers' edge is clear of them (code, not a number or a
    # bar written on from the numbers' side)
    clear_of_numbers_cells: float = 0.5
    # cells left of the gutter's edge sampled for its background (a line number is 1-4 wide)
    gutter_strip_cells: float = 4
    # cells: the last digit's cell, right-aligned at the gutter's edge, where a numbered row has ink (vim's "~"
    # filler sits further left)
    last_digit_cells: float = 1.2
    # pixels trimmed from each edge of a strip before looking for ink in the gutter or the gap between numbers
    # and code (the rows above and below touch its top and bottom, the glyphs either side its ends)
    edge_margin_px: int = 2
    # share of a grid row's height: its lowest part, where a bar that cuts the row shows (descenders and
    # underscores cover little of it)
    cut_row_share: float = 0.2
    # cells of ink left of column 0 that make a row's text start there (a fold chevron or a breakpoint mark in
    # the margin is one)
    text_left_cells: float = 2
    # gray levels: a row whose median differs more from the pane's is another surface
    pane_bg_tolerance: float = 30
    # cells and pixels of background kept round a row's ink for the recogniser: a tight right edge makes it
    # drop ")"
    crop_pad_cells: float = 1.2
    crop_pad_min_px: int = 4
    # share of the pitch: a detector box whose centre is this far or less from a grid row's centre sits on it
    # (boxes are padded evenly; a view zoomed or scrolled by part of a line puts them a third of a row off)
    on_row_share: float = 0.25
    # cells: a mark or two (at most `pointer_chars`) this far right on an empty row is the mouse pointer or the
    # minimap, not code
    pointer_cells: float = 30
    pointer_chars: int = 3
    # the detector's box round the pointer alone holds at most this many characters
    pointer_box_chars: int = 2
    # pixels: this much ink or less in the gap between numbers and code is noise (an encoder's ringing)
    stray_ink_pixels: int = 3
    # a detector box at most this many times as wide as tall, left of the pane policy's `numbers_x_share` of
    # the frame, may be a line number (read first, to find the gutter)
    number_box_aspect: float = 4
    # line heights: code boxes are read from this far above the first number to this far below the last one
    # (a line whose number the detector missed)
    above_numbers_heights: float = 2
    below_numbers_heights: float = 0.3
    # cells: the pane reaches this far right of its widest detected line (a line being typed grows)
    pane_reach_cells: float = 4
    # pixels: editor layouts (grid memories) are told apart by their gutter's or column 0's x in steps of this
    layout_key_px: int = 4
    # cells: with too few lines to fit a grid, column 0 sits this far left of the leftmost ink (a glyph's
    # bearing)
    bearing_cells: float = 0.1
    # characters: a detected line this long or longer takes part in fitting the grid to the text
    fit_text_chars: int = 3


READ = ReadPolicy()  # the defaults (frozen: shared safely)


def read_policy(overrides: dict[str, float]) -> ReadPolicy:
    """The default policy with some thresholds replaced (a benchmark sweep; the layout and grid stages' as
    "pane.NAME" and "grid.NAME"); an unknown name is an error, not a silently ignored setting."""
    stages: dict[str, object] = {"pane": PANE, "grid": GRID}
    known = {f.name for f in fields(ReadPolicy)} - set(stages)
    known |= {f"{stage}.{f.name}" for stage, base in stages.items() for f in fields(base)}  # type: ignore[arg-type]
    unknown = sorted(k for k in overrides if k not in known)
    if unknown:
        raise ConfigError(f"read_policy: unknown threshold(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")

    def typed(base: object, name: str, value: float) -> float:
        return int(value) if isinstance(getattr(base, name), int) else float(value)

    parts: dict[str, object] = {}
    for stage, base in stages.items():
        mine = {k.split(".", 1)[1]: v for k, v in overrides.items() if k.startswith(stage + ".")}
        parts[stage] = replace(base, **{k: typed(base, k, v) for k, v in mine.items()})  # type: ignore[type-var]
    own = {k: typed(READ, k, v) for k, v in overrides.items() if "." not in k}
    return replace(READ, **parts, **own)  # type: ignore[arg-type]


def _thumbnail(frame: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    return cv2.resize(gray, (gray.shape[1] // 4, gray.shape[0] // 4), interpolation=cv2.INTER_AREA)


def same_screen(a: np.ndarray, b: np.ndarray, policy: ReadPolicy = READ) -> bool:
    """Two thumbnails of the same slide or shot: little of the frame changed, and most of the text/ink
    stayed where it was (a dark slide and a dark terminal differ in few pixels, but in all of their ink)."""
    if a.shape != b.shape:
        return False
    changed = cv2.absdiff(a, b) > policy.thumb_changed
    if changed.mean() >= policy.new_screen_share:
        return False
    level = policy.grid.ink_level
    ink = (cv2.absdiff(a, float(np.median(a))) > level) | (cv2.absdiff(b, float(np.median(b))) > level)
    return float((changed & ink).sum()) < policy.moved_ink_share * max(float(ink.sum()), 1.0)


# What a list item starts with on a slide or a page: no line of code does (Python, C, JS: not an operator).
BULLETS = "•●▪◦‣■□➤►"


def bulleted(lines: list[TextLine], policy: ReadPolicy) -> bool:
    """Do most of the lines read start with a bullet? Then the text is a list (a slide's or a page's, with
    code in its monospace chips), whatever the font."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    marked = sum(t[0] in BULLETS for t in texts)
    return marked >= policy.bullet_min_lines and marked >= policy.bullet_share * len(texts)


def to_ink(frame: np.ndarray) -> np.ndarray:
    """Contrast to the screen's dominant background colour, per pixel (max over channels).

    Gray levels lose coloured text: vim's dark-red strings on a dark background differ from it by ~30 gray
    levels but by ~170 in the red channel. Every ink measurement works on this image (background ≈ 0)."""
    if frame.ndim == 2:
        return frame
    sample = frame[::8, ::8].reshape(-1, 3)
    bg = np.median(sample, axis=0).astype(np.uint8)
    diff = cv2.absdiff(frame, (float(bg[0]), float(bg[1]), float(bg[2]), 0.0))
    b, g, r = cv2.split(diff)
    return cv2.max(cv2.max(b, g), r)  # ~10x faster than numpy's max over the channel axis


@dataclass
class _GridMemory:
    """The grid fit kept for one editor layout (phase relative to the pane's left edge)."""

    phase: float
    pane_x: int
    pitch: float
    char_width: float
    n_lines: int

    @property
    def x0(self) -> float:
        return self.pane_x + self.phase

    def agree_on(self, ink_rows: list[tuple[np.ndarray, str]], pane_x: int, policy: GridPolicy = GRID) -> int:
        """Rows of another frame (ink columns from `pane_x`) that this grid explains."""
        return grid_agreement(ink_rows, self.char_width, (self.x0 - pane_x) % self.char_width, policy) if ink_rows else 0


@dataclass
class _GridFit:
    x0: float
    char_width: float
    agree: int
    ink_rows: list[tuple[np.ndarray, str]]


class OcrEngine(RecognitionEngine):
    """Template for OCR engines: full read on new scenes, row re-reads for small changes."""

    @abstractmethod
    def _detect_and_read(self, frame: np.ndarray) -> list[Box]:
        """Detect and read every text box in a BGR frame (frame coordinates)."""

    @abstractmethod
    def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
        """Read single-line BGR/gray images (recognition only)."""

    def read_rows(self, rows: list[np.ndarray]) -> list[RowRead]:
        return self._read_row_images(rows)

    def read_line(self, luma: np.ndarray, top: int, layout: CodeLayout, row: int) -> TextLine | None:
        """One grid row of a short state, read like a row of a key frame (cursor kept out, spaces from the grid),
        from its luma alone."""
        gray = np.zeros((top + luma.shape[0], luma.shape[1]), np.uint8)
        gray[top:] = luma
        saved = self._frame, self._pane_bg
        self._frame, self._pane_bg = None, None
        try:
            return self._read_grid_rows(gray, layout, [row]).get(row)
        finally:
            self._frame, self._pane_bg = saved

    def __init__(self, settings, policy: ReadPolicy | None = None) -> None:  # noqa: ANN001
        super().__init__(settings)
        self._policy = policy if policy is not None else READ if settings is None else read_policy(settings.read_policy)
        self._x0_memory: dict[int, float] = {}  # gutter/pane left → smallest column-0 x seen
        self._grids: dict[int, _GridMemory] = {}  # editor layout → best grid fit so far
        self._frame: np.ndarray | None = None
        self._learning_anchor: tuple[float, np.ndarray] | None = None  # (t, thumbnail) of the last learning read
        self._check = CheckPolicy()
        self._last_full_t: float | None = None  # video time of the last whole-frame reading
        self.rows_read = 0
        self.full_reads = 0
        self._pane_bg: float | None = None  # the code surface's gray level in the frame being read

    # ------------------------------------------------------------------ entry
    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        self._frame = frame  # row crops for the recogniser come from the colour frame
        prev = context.previous
        if (
            prev is not None
            and prev.layout is not None
            and measured_grid(prev, self._policy)  # a grid measured on 1-2 lines is a guess: read whole frames
            and prev.segment_type != "learning"
            and context.previous_frame is not None
            and context.previous_frame.shape[:2] == frame.shape[:2]
        ):
            inc = self._incremental(frame, context.previous_frame, prev)
            if inc is not None:
                if not needs_confirmation(self._check, context.t, self._last_full_t):
                    return inc
                return self._confirmed(frame, inc, context.t)
        thumb = _thumbnail(frame)
        anchor = self._learning_anchor
        if (prev is not None and prev.segment_type == "learning" and prev.confidence >= 0.8 and anchor is not None
                and context.t - anchor[0] < self._policy.learning_recheck_s and same_screen(anchor[1], thumb, self._policy)):
            # the same slide or presenter shot as the last one read (a bullet added, the presenter moved):
            # still learning, same topic; a whole-frame read costs ~1 s
            return replace(prev, failed_check_since=None)
        rec = self._full(frame)
        self._last_full_t = context.t
        self._learning_anchor = (context.t, thumb) if rec.segment_type == "learning" else None
        return rec

    def _confirmed(self, frame: np.ndarray, inc: Recognition, t: float) -> Recognition:
        """The check stage on an incremental reading: a fresh reading of the same frame (on the grid when the
        layout still fits, else of the whole frame) confirms it, or replaces it when they disagree."""
        since = self._last_full_t
        boxes = self._detect(frame)
        on_grid = self._reread_on_grid(frame, inc, boxes) if boxes is not None else None
        if on_grid is not None and readings_agree(on_grid.code_content, inc.code_content):
            # the detector's boxes still fit the layout and every row read again agrees: confirmed
            # without reading every box again (a whole-frame reading costs ~2x this)
            fresh, agreed = on_grid, True
        else:
            fresh = self._full(frame, boxes)  # the check: read the whole frame again (the same detection)
            agreed = readings_agree(fresh.code_content, inc.code_content) and fresh.segment_type != "learning"
            self.checks_disagreed += not agreed
            if not agreed and log.isEnabledFor(logging.DEBUG):
                log.debug("check at %.2f s disagreed (on-grid check %s):\n%s", t,
                          "fell through" if on_grid is not None else "refused",
                          "\n".join(difflib.unified_diff(normalised(inc.code_content).split("\n"),
                                                          normalised(fresh.code_content).split("\n"),
                                                          "incremental", "fresh", n=0, lineterm="")))
        self._last_full_t = t
        self.checks += 1
        if not agreed and not measured_grid(fresh, self._policy) and measured_grid(inc, self._policy):
            # the fresh reading found no grid to read on (too few lines, a fallback): weaker evidence
            # than the incremental one, which keeps its text but not a high confidence
            inc.confidence = checked_confidence(self._check, inc.confidence, agreed=False)
            inc.failed_check_since = since
            return inc
        fresh.confidence = capped_by_lines(self._check, checked_confidence(self._check, fresh.confidence, agreed),
                                           fresh.lines)
        if not agreed:
            fresh.failed_check_since = since
        return fresh

    # ------------------------------------------------------------------ full read
    def _detect(self, frame: np.ndarray) -> list[Box] | None:
        """Text boxes without reading them; None when the backend only detects and reads together."""
        return None

    def _read_boxes(self, frame: np.ndarray, boxes: list[Box]) -> None:
        """Fill in the text of the given boxes."""
        raise NotImplementedError

    def _boxes_for_pane(self, frame: np.ndarray, detected: list[Box] | None = None) -> list[Box]:
        """Detect everything, but read only what finding the pane needs.

        Reading costs ~3x detecting, and an IDE frame is full of text that is not code (file tree, menus,
        status bar, minimap). Line numbers are read first; when they form a gutter only the boxes right of
        it (and the tab/title strip above, for the file name) are read. Otherwise everything is read."""
        boxes = detected if detected is not None else self._detect(frame)
        if boxes is None:
            return self._detect_and_read(frame)
        pp = self._policy.pane
        h, w = frame.shape[:2]
        narrow = [b for b in boxes if b.w <= self._policy.number_box_aspect * max(b.h, 1) and b.x2 < pp.numbers_x_share * w]
        line_h = float(np.median([b.h for b in boxes])) if boxes else 0.0
        stacks = {id(b): cut for b in narrow if len(cut := cut_stacked_rows([b], line_h, frame, pp)) > 1}
        narrow = [p for b in narrow for p in stacks.get(id(b), [b])]
        self._read_boxes(frame, narrow)
        for b in [b for b in boxes if id(b) in stacks]:
            pieces = stacks[id(b)]
            if consecutive_numbers([p.text for p in pieces]):
                boxes = [x for x in boxes if x is not b] + pieces
            else:  # not stacked line numbers (an icon column, a miscount): the box read whole after all
                narrow = [x for x in narrow if all(x is not p for p in pieces)] + [b]
                self._read_boxes(frame, [b])
        gutter = find_gutter(narrow, w, pp)
        if gutter is None:
            rest = [b for b in boxes if b not in narrow]
            self._read_boxes(frame, rest)
            return boxes
        gx, digits = gutter
        found = self._missed_numbers(frame, digits, [b for b in boxes if b not in narrow])
        digits, boxes = digits + found, boxes + found
        dh = max(b.h for b in digits)
        first = min(digits, key=lambda b: b.cy)
        top, bot = gutter_span(digits, pp)
        bot += self._policy.below_numbers_heights * dh
        if len(gutter_regions(digits, pp)) >= 2:  # notebook cells: a cell further down may have no number read
            bot = h
        wanted = [b for b in boxes if b not in narrow and (
            ((b.x1 + min(b.w, b.h) / 2 > gx or b.x1 < gx < b.x2) and top - self._policy.above_numbers_heights * dh <= b.cy <= bot) or b.cy < min(top, first.y1))]
        self._read_boxes(frame, wanted)
        return [b for b in boxes if b.text]

    def _full(self, frame: np.ndarray, detected: list[Box] | None = None) -> Recognition:
        self.full_reads += 1
        h, w = frame.shape[:2]
        boxes = self._boxes_for_pane(frame, detected)
        read = [b for b in boxes if b.text.strip()]
        pp = self._policy.pane
        gutter = find_gutter(read, w, pp)
        # numbers read into the code's boxes ("1 def f():", one cell apart in vim or nano): the same split the
        # pane finder makes; taken when it finds more line numbers than the boxes as read (a blank line's
        # number stands alone, the others are merged with their code)
        split = split_line_numbers(read, frame, pp)
        split_gutter = find_gutter(split, w, pp) if len(split) > len(read) else None
        if split_gutter is not None and (gutter is None or len(split_gutter[1]) > len(gutter[1])):
            gutter, boxes = split_gutter, split
        if gutter is not None and (found := self._missed_numbers(frame, gutter[1], boxes)):
            boxes = boxes + found
            gutter = find_gutter([b for b in boxes if b.text.strip()], w, pp) or gutter
        regions = gutter_regions(gutter[1], pp) if gutter is not None else []
        if gutter is not None and len(regions) >= 2:
            spans = cell_spans(frame, boxes, gutter[0], regions, pp)
            if len(spans) >= 2:
                return self._read_regions(frame, boxes, spans, gutter[0])
        return self._read_region(frame, boxes)

    def _missed_numbers(self, frame: np.ndarray, digits: list[Box], boxes: list[Box]) -> list[Box]:
        """Line numbers the detector missed, read where the rows' text says they must be (see
        `number_probes`); only those that fit the numbering read so far."""
        probes = number_probes(digits, boxes, self._policy.pane)
        if not probes:
            return []
        # the recogniser on the crops (every OCR engine has it; some only detect and read together)
        reads = self._read_row_images([clipped_region(frame, p.x1, p.y1, p.x2, p.y2) for p in probes])
        for p, got in zip(probes, reads):
            p.text, p.score, p.weakest = got.text, got.score, got.weakest
        height = float(np.median([d.h for d in digits]))
        probes = [centred_on_digits(p, frame, height, self._policy.pane) for p in probes if p.text.strip()]
        return confirmed_numbers(digits, probes, self._policy.pane)

    def _read_regions(self, frame: np.ndarray, boxes: list[Box], spans: list[tuple[int, int]],
                      gx: float) -> Recognition:
        """Several numbered code regions (notebook cells): each read on its own grid, joined by a blank line.
        No layout is returned, so the next frame is read whole too (rows of one cell move when another
        grows)."""
        parts: list[Recognition] = []
        for top, bot in spans:
            sub = [b for b in boxes if top <= b.cy <= bot]
            rec = self._read_region(frame, sub, limit=(int(max(0, top)), int(bot)), gutter_x=gx)
            if rec.segment_type != "learning" and (rec.code_content or "").strip():
                parts.append(rec)
        if not parts:
            return Recognition(segment_type="code", confidence=0.6, code_content="")
        return Recognition(segment_type="code", confidence=float(min(p.confidence for p in parts)),
                           code_content=join_parts([p.code_content or "" for p in parts]),
                           file_name=next((p.file_name for p in parts if p.file_name), None), regions=len(parts),
                           parts=parts)

    def _read_region(self, frame: np.ndarray, boxes: list[Box], limit: tuple[int, int] | None = None,
                     gutter_x: float | None = None) -> Recognition:
        """One code region's reading from its text boxes; `limit`: the y range it must stay in, and
        `gutter_x` its line numbers' right edge, when the region was bounded from its surface."""
        h, w = frame.shape[:2]
        cell = (gutter_x, limit[0], limit[1]) if limit is not None and gutter_x is not None else None
        pp = self._policy.pane
        pane = find_code_pane(boxes, w, h, cell, pp)
        right = w  # the editor's right edge: the frame's, or a side panel's border
        if len(pane.rows) >= 2:
            border = panel_border_x(frame, pane, pp)
            if border is not None:  # find the pane again without the side panel's text interleaved in its rows
                boxes = [b for b in boxes if b.x1 < border]
                pane = find_code_pane(boxes, w, h, cell, pp)
                right = int(border)
        if len(pane.rows) >= 2:
            pane = one_surface(frame, boxes, pane, pp)
        if pane.gutter_x is not None and len(pane.rows) >= 2:
            pane = without_rows_across_gutter(boxes, pane, h, pp)
        clipped_top = 0  # rows above this y are not the editor's (a line half scrolled under its header)
        if len(pane.rows) >= 3:
            pane, clipped_top = without_clipped_top_row(boxes, pane, h, pp)
        fname = file_name(boxes, pane.pane[1] if pane.pane else None, h, pp)
        anchor = editor_anchor(boxes, h, pp)
        elsewhere = off_editor_anchor(pane, anchor, pp) and editor_on_screen(boxes, pp)
        shell = bool(pane.pitch and pane.char_w) and len(pane.rows) >= self._policy.min_grid_lines \
            and any(SHELL_PROMPT_RE.match(b.text.strip()) for r in pane.rows for b in r)
        if (pane.score < self._policy.code_pane_score and not shell) \
                or (not pane.rows and pane.gutter_x is None) or elsewhere:
            if elsewhere or editor_on_screen(boxes, pp):  # an editor with too little text for the pane finder
                rows = on_editor_surface(frame, editor_text_rows(boxes, w, h, pp), anchor, pp)
                rows = [kept for kept in ([b for b in r if not icon_junk(b.text) and not NOTEBOOK_PROMPT_RE.match(b.text)]
                                          for r in rows) if kept]
                cw = float(np.median([b.w / max(1, len(b.text)) for r in rows for b in r])) if rows else 0.0
                # no grid to measure the cursor on: the bar glued to the last character is still not code
                text = "\n".join(strip_cursor(join_row(r, min(b.x1 for rr in rows for b in rr), cw)) for r in rows) if any(rows) else ""
                return Recognition(segment_type="code", confidence=0.55, code_content=text, file_name=fname)
            return Recognition(
                segment_type="learning",
                confidence=float(np.clip(1.0 - pane.score, 0.5, 1.0)),
                learning_topic=learning_topic(boxes, h, pp),
            )
        if not pane.rows or not pane.char_w or not pane.pitch or (len(pane.rows) < 3 and pane.gutter_x is None):
            if pane.rows and pane.char_w:  # too few lines to trust a grid: plain text, no incremental reads
                rows = numbered_rows(pane.rows, pane.char_w, pp)
                rows = pane.rows if rows is None else rows
                if not any(rows):
                    return Recognition(segment_type="code", confidence=0.6, code_content="", file_name=fname)
                text = "\n".join(strip_cursor(join_row(r, min(b.x1 for rr in rows for b in rr), pane.char_w)) for r in rows)
                return Recognition(segment_type="code", confidence=0.5 + 0.4 * pane.score, code_content=text,
                                   file_name=fname)
            # An empty editor: code, nothing typed yet.
            return Recognition(segment_type="code", confidence=0.6, code_content="", file_name=fname)
        key = int(round((pane.gutter_x if pane.gutter_x is not None else pane.x0 or 0) / self._policy.layout_key_px))
        if cell is not None:  # notebook cells share a gutter edge but not column 0 (1- vs 2-digit numbers)
            key = CELL_GRID_KEYS + int(round((pane.x0 or 0) / self._policy.layout_key_px))
        cw, pitch = pane.char_w, pane.pitch
        x0 = pane.x0 or 0.0
        first_cy = float(np.median([b.cy for b in pane.rows[0]]))
        gray = to_ink(frame)
        y0 = refine_row_phase(gray, pane.pane, first_cy - pitch / 2, pitch, self._policy.grid)  # type: ignore[arg-type]
        x1, _, x2, y2 = pane.pane  # type: ignore[misc]
        if pane.gutter_x is not None and pane.first_number is not None:
            # dim numbers the detector missed above the first line it read: at most as many as the topmost
            # number read says there are lines above it
            number, number_cy = pane.first_number
            room = number - 1 - int(round((number_cy - (y0 + pitch / 2)) / pitch))
            if room > 0:
                probe = CodeLayout(x0=x0, y0=y0, pitch=pitch, char_width=cw, pane=(x1, int(y0), x2, y2),
                                   gutter_x=pane.gutter_x)
                top_limit = max(limit[0] if limit is not None else 0, clipped_top)
                y0 -= pitch * self._numbered_rows_above(gray, probe, top_limit, room)
        bottom_limit = h - 1 if limit is None else min(h - 1, limit[1])
        layout = CodeLayout(x0=x0, y0=y0, pitch=pitch, char_width=cw,
                            pane=(x1, int(y0), max(x2 + int(self._policy.pane_reach_cells * cw), x1 + 10), int(min(bottom_limit, y2 + pitch))),
                            gutter_x=pane.gutter_x)
        det_lines: dict[int, TextLine] = {}
        for r in pane.rows:
            cy = float(np.median([b.cy for b in r]))
            row = int(round((cy - y0 - pitch / 2) / pitch))
            det_lines[row] = TextLine(text=join_row(r, x0, cw), top=layout.row_top(row),
                                      confidence=float(np.mean([b.score for b in r])), row=row,
                                      weakest=min(b.weakest for b in r))
        numbers = None if pane.gutter_x is None else (
            max(0, int(pane.gutter_x - self._policy.gutter_strip_cells * cw)), int(pane.gutter_x))
        layout.bottom = border_below(gray, (x1, int(y0), right, h), pitch,
                                     code_bottom=int(layout.row_top(max(det_lines) + 1)), grid_y0=y0, gutter=numbers,
                                     policy=BACKGROUND)
        if layout.bottom is not None:  # a panel (terminal, problems) below the editor: its text is not code
            bottom_limit = layout.bottom
            det_lines = {r: ln for r, ln in det_lines.items() if layout.row_top(r) + pitch <= layout.bottom + 2}
            if not det_lines:
                return Recognition(segment_type="code", confidence=0.6, code_content="", file_name=fname)
        last = max(det_lines)
        layout.pane = (x1, int(y0), right, int(min(bottom_limit, layout.row_top(last + 1))))
        self._pane_bg = self._background(gray, layout)
        if layout.gutter_x is not None:  # dim line numbers below the last detected one still mark lines
            surface = row_surface(frame, x1, y0, w, layout.row_top(last + 1))  # the code's
            # a row whose line spacing only reaches under a border found below is whole (micro's cursor line
            # is painted from 1.8 px above the grid row it sits on, right above its status bar); its number is
            # looked for above the border (emacs's mode line under it is ink beside no number). The frame's
            # edge is no such border: a row must fit above it (VS Code's status bar, on the editor's colour,
            # over a line scrolled half out of view)
            reach = self._policy.cut_row_share * pitch if layout.bottom is not None else -1.0
            above = gray[:int(bottom_limit)]
            while layout.row_top(last + 2) - reach <= bottom_limit \
                    and self._numbered(above, layout, last + 1) \
                    and self._continues_pane(gray, layout, last + 1, surface):
                last += 1
            layout.pane = (x1, int(y0), right, int(min(bottom_limit, layout.row_top(last + 1))))
        if last > 0 and self._cut_below(layout, last):  # the last row runs under a bar: not a visible line
            layout.bottom = layout.row_top(last)
            last -= 1
            det_lines = {r: ln for r, ln in det_lines.items() if r <= last}
            layout.pane = (x1, int(y0), right, int(layout.row_top(last + 1)))
            if not det_lines:
                return Recognition(segment_type="code", confidence=0.6, code_content="", file_name=fname)
        self._fit_grid(gray, layout, list(range(0, last + 1)), key, len(det_lines),
                       {row: ln.text for row, ln in det_lines.items()})
        layout.fit_lines = max(len(det_lines), self._grids[key].n_lines if key in self._grids else 0)
        read = self._read_grid_rows(gray, layout, list(range(0, last + 1)))
        for row, ln in det_lines.items():  # the detector saw text the row reader lost: keep the detector's
            lone = len(ln.text.strip()) <= self._policy.pointer_box_chars \
                and len(ln.text) - len(ln.text.lstrip()) > self._policy.pointer_cells  # mouse pointer
            if lone:  # all the detector saw on this row is the pointer: what the row reader made of it is not code
                read.pop(row, None)
            elif row not in read and ln.text.strip() and self._row_is_pane(gray, layout, row) \
                    and self._numbered(gray, layout, row):
                read[row] = ln
        lines = [ln for ln in read.values() if not stray_text(ln, self._policy.grid)]
        if pane.gutter_x is None and bulleted(lines, self._policy):  # a slide's list, code in its chips
            return Recognition(segment_type="learning", confidence=0.6,
                               learning_topic=learning_topic(boxes, h, pp))
        mixed = is_mixed(boxes, pane.rows, w, pp)
        if mixed and pane.gutter_x is None and pane.score < 0.7:  # a docs page's table of contents, not code
            return Recognition(segment_type="learning", confidence=0.6, learning_topic=learning_topic(boxes, h, pp))
        rec = self._finish(lines, layout, fname, pane.score, mixed)
        if mixed:
            rec.learning_topic = learning_topic([b for b in boxes if b.x1 > layout.pane[2] or b.x2 < x1], h, pp)
        del gray
        return rec

    def _finish(self, lines: list[TextLine], layout: CodeLayout, fname: str | None, score: float,
                mixed: bool = False) -> Recognition:
        lines = sorted((ln for ln in lines if not icon_junk(ln.text) and not NOTEBOOK_PROMPT_RE.match(ln.text)), key=lambda ln: ln.row if ln.row is not None else 0)
        text = render_lines(lines)
        return Recognition(
            segment_type="mixed" if mixed else "code",
            confidence=capped_by_lines(self._check, float(np.clip(0.5 + 0.5 * score, 0, 1)),
                                       lines) if lines else 0.6,
            code_content=text,
            file_name=fname,
            lines=lines,
            layout=layout,
        )

    # ------------------------------------------------------------------ incremental read
    def _row_strip(self, gray: np.ndarray, layout: CodeLayout, row: int) -> np.ndarray:
        top = layout.row_top(row)
        bot = int(round(top + layout.pitch))
        x1, _, x2, _ = layout.pane
        return gray[max(0, top):bot, x1:x2]

    @staticmethod
    def _ink_strip(gray: np.ndarray, layout: CodeLayout, row: int) -> np.ndarray:
        """The row for ink measurements: one pixel lower than the grid row, so an underscore sitting on the
        boundary belongs to its own line and the line above's underscore does not leak in."""
        top = layout.row_top(row)
        bot = int(round(top + layout.pitch))
        x1, _, x2, _ = layout.pane
        return gray[max(0, top + 1):bot + 2, x1:x2]

    @staticmethod
    def _background(gray: np.ndarray, layout: CodeLayout) -> float:
        x1, y1, x2, y2 = layout.pane
        region = gray[y1:y2, x1:x2]
        return float(np.median(region)) if region.size else 0.0

    def _row_is_pane(self, gray: np.ndarray, layout: CodeLayout, row: int) -> bool:
        """Is this row on the pane's background (not a status bar or a panel's header)? The current line may
        be painted in a colour far from it (Thonny's dark themes: black on gray), but only right of the line
        numbers: a bar that is not the editor's is painted across the gutter too."""
        if self._row_strip(gray, layout, row).size == 0:
            return False
        return not self._off_pane_surface(gray, layout, row) or self._painted_right_of_numbers(layout, row)

    def _off_pane_surface(self, gray: np.ndarray, layout: CodeLayout, row: int) -> bool:
        """Is this row mostly painted in another colour than the pane's (its median gray further than
        `pane_bg_tolerance` from the pane's)? An empty row or an unknown pane colour is not."""
        strip = self._row_strip(gray, layout, row)
        return self._pane_bg is not None and strip.size > 0 \
            and abs(float(np.median(strip)) - self._pane_bg) > self._policy.pane_bg_tolerance

    def _painted_right_of_numbers(self, layout: CodeLayout, row: int) -> bool:
        """Is the gutter under this row the same surface as under the pane's first rows (the row's own colour
        stops at the numbers)?"""
        here = self._gutter_surface(layout, row)
        refs = [self._gutter_surface(layout, r) for r in (0, 1) if r != row]
        return here is not None and any(ref is not None and same_surface(here, ref, BACKGROUND.similar_surface)
                                        for ref in refs)

    def _band_start(self, gray: np.ndarray, layout: CodeLayout, row: int) -> int | None:
        """Where a band painted from mid-line starts (strip x), on a row painted in two surfaces: the code's at
        column 0 and another from there to the end (a bracket's region in Thonny: grey on white, black on its
        dark themes; a selection). None when column 0's cell is on the row's own surface (one surface, or a
        current line painted in full). Its ink has to be measured against each surface apart: measured against
        the band's, the code's surface left of it is all ink (column 0 moved a cell left on held-out Thonny
        light, 60-170 s)."""
        if self._frame is None or not self._off_pane_surface(gray, layout, row):
            return None  # mostly on the pane's own surface: measured against it, as every row (and cheaply)
        top = layout.row_top(row)
        own = self._row_surface(layout, row)
        start = row_surface(self._frame, layout.x0, max(0, top), layout.x0 + layout.char_width, top + layout.pitch)
        if own is None or same_surface(start, own, BACKGROUND.similar_surface):
            return None
        colour = self._row_strip(self._frame, layout, row)
        if colour.ndim != 3 or colour.shape[0] < 4:
            return None
        leading = np.concatenate([colour[:2], colour[-2:]]).astype(np.int16)  # the line spacing: surface only
        off = np.abs(leading - np.array(own, dtype=np.int16)).max(axis=2).min(axis=0) <= BACKGROUND.similar_surface
        x0 = int(max(0.0, layout.x0 - layout.pane[0]))
        band = np.flatnonzero(off[x0:])
        return x0 + int(band[0]) if len(band) else None

    def _row_ink(self, gray: np.ndarray, layout: CodeLayout, row: int, bg: float | None = None) -> np.ndarray:
        """A row's ink columns (pane x), each part measured against its own surface when a band starts
        mid-line."""
        gp = self._policy.grid
        ink_strip = self._ink_strip(gray, layout, row)
        band = self._band_start(gray, layout, row)
        if band is None:
            return ink_columns(ink_strip, bg, gp)
        x0 = int(max(0.0, layout.x0 - layout.pane[0]))
        left, right = ink_strip[:, :band], ink_strip[:, band:]
        code_bg = float(np.median(ink_strip[:, x0:band])) if band > x0 else None
        return np.concatenate([ink_columns(left, code_bg, gp), ink_columns(right, policy=gp)])

    def _fit_grid(self, gray: np.ndarray, layout: CodeLayout, rows: list[int], key: int, n_lines: int,
                  texts: dict[int, str]) -> None:
        """Exact character width and column-0 position from the ink of all rows (OCR boxes are padded and a
        few % off in width, which would shift deep indentation by a column).

        The grid of one editor layout does not change while the video stays in it, so the fit is remembered
        and kept unless a later frame's rows agree better with a new one (a frame with 3 lines can't measure
        it well; one with 30 can)."""
        known = self._grids.get(key)
        fit = self._fit_grid_from_ink(gray, layout, rows, key, texts)
        if known is not None and abs(known.pitch - layout.pitch) < self._policy.same_pitch_share * known.pitch:
            known_agree = known.agree_on(fit.ink_rows, layout.pane[0], self._policy.grid) if fit is not None else 0
            if fit is None or fit.agree < known_agree or (fit.agree == known_agree and known.n_lines >= n_lines):
                layout.char_width, layout.x0 = known.char_width, known.x0
                left = [x for r in rows if self._row_is_pane(gray, layout, r) and self._numbered(gray, layout, r)
                        and (x := self._text_left_of_column_0(gray, layout, r)) is not None]
                if left:  # text left of the known column 0, measured on indented lines only: same grid,
                    # column 0 whole cells further left
                    cw = known.char_width
                    layout.x0 = known.x0 - np.floor((known.x0 - min(left)) / cw + self._policy.grid_snap) * cw
                    self._grids[key] = replace(known, phase=layout.x0 - known.pane_x)
                return
        if fit is None:
            return
        layout.char_width, layout.x0 = fit.char_width, fit.x0
        self._grids[key] = _GridMemory(fit.x0 - layout.pane[0], layout.pane[0], layout.pitch, fit.char_width,
                                       n_lines)

    def _fit_grid_from_ink(self, gray: np.ndarray, layout: CodeLayout, rows: list[int], key: int,
                           texts: dict[int, str]) -> _GridFit | None:
        x1 = layout.pane[0]
        profile = np.zeros(gray.shape[1] - x1, dtype=np.float64)
        starts = []
        ink_rows: list[tuple[np.ndarray, str]] = []
        for r in rows:
            strip = self._row_strip(gray, layout, r)
            if strip.size == 0 or not self._row_is_pane(gray, layout, r) or not self._numbered(gray, layout, r):
                continue
            cols = self._row_ink(gray, layout, r)
            if layout.gutter_x is not None:
                clear_number_ink(cols, layout, self._policy)
            span = text_span(cols, layout.char_width, policy=self._policy.grid)
            if span is None or span[0] <= 1:  # text cut by the pane's left edge is not in the editor
                continue
            starts.append(x1 + span[0])
            profile[span[0]:span[1]] += cols[span[0]:span[1]]
            if len(texts.get(r, "").strip()) >= self._policy.fit_text_chars:
                kept = np.zeros_like(cols)
                kept[span[0]:span[1]] = cols[span[0]:span[1]]
                ink_rows.append((kept, texts[r]))
        if not starts:
            return None
        ink_x0 = float(min(starts))
        cw, agree = layout.char_width, 0
        if len(starts) >= self._policy.min_grid_lines:
            cw, phase = refine_char_width(profile, layout.char_width, ink_x0 - x1, self._policy.grid)
            if len(ink_rows) >= 2:
                cw, phase, agree = fit_grid_to_text(ink_rows, cw, phase % cw, self._policy.grid,
                                                    text_fit_advances(profile, cw, self._policy.grid))
            cell0 = x1 + phase
            # the cell holding the leftmost ink
            k = np.floor((ink_x0 - cell0) / cw + self._policy.grid_snap)
            x0 = cell0 + k * cw
        else:
            x0 = ink_x0 - self._policy.bearing_cells * layout.char_width
        mem = self._x0_memory.get(key)
        if mem is not None and mem < x0 and (x0 - mem) < self._policy.x0_memory_cells * cw:
            steps = (x0 - mem) / cw
            if abs(steps - round(steps)) < self._policy.grid_snap:  # same grid seen earlier with text further left
                x0 = x0 - round(steps) * cw
        self._x0_memory[key] = x0
        return _GridFit(float(x0), float(cw), agree, ink_rows)

    def _numbered_rows_above(self, gray: np.ndarray, layout: CodeLayout, top_limit: int, room: int) -> int:
        """How many rows above row 0 are file lines: each has a number right-aligned at the gutter's edge,
        nothing in the gap between the numbers and column 0 (a tab strip, breadcrumbs or a menu runs text
        across it), and the pane's own background, or a tint of it in the code area only (the current line)."""
        bg = float(np.median(self._row_strip(gray, layout, 0)))
        surface = self._row_surface(layout, 0)
        n = 0
        while layout.row_top(-n - 1) >= top_limit and n < room:
            r = -n - 1
            strip = self._row_strip(gray, layout, r)
            if strip.size == 0 or abs(float(np.median(strip)) - bg) > self._policy.pane_bg_tolerance:
                break
            if surface is not None and not same_surface(own := self._row_surface(layout, r), surface,
                                                        BACKGROUND.similar_surface):
                # a tint of the code's surface that stops at the numbers is the current line painted in full
                # (Monaco's high-contrast themes); a status or tab bar is painted across the gutter too
                if not (same_surface(own, surface, BACKGROUND.highlight_tint)
                        and self._painted_right_of_numbers(layout, r)):
                    break
            if not self._numbered(gray, layout, r) or gap_inked(gray, layout, r, self._policy):
                break
            n += 1
        return n

    def _grown(self, gray: np.ndarray, layout: CodeLayout, n_rows: int) -> tuple[CodeLayout, int]:
        """A region that ends at a border grows when a line is added at its end (a notebook cell's frame moves
        down a line): numbered rows on its surface below the old border are its lines now."""
        h = gray.shape[0]
        x1, y1, x2, _ = layout.pane
        surface = row_surface(self._frame, x1, y1, x2, layout.row_top(n_rows)) if self._frame is not None else None
        grown = n_rows
        while layout.row_top(grown + 1) <= h and self._numbered(gray, layout, grown) and (
                surface is None or self._continues_pane(gray, layout, grown, surface)):
            grown += 1
        if grown == n_rows:
            return layout, n_rows
        bottom = layout.row_top(grown)
        return replace(layout, bottom=bottom, pane=(x1, y1, x2, max(layout.pane[3], bottom))), grown

    def _continues_pane(self, gray: np.ndarray, layout: CodeLayout, row: int, surface: tuple[int, int, int]) -> bool:
        """Is a row below the detected code still a line of the pane? It is painted on the code's surface or
        a tint of it (the current line), not another colour, and nothing is written across the gap between
        the line numbers and column 0 (a shell panel's tab and text start at its own left edge)."""
        own = self._row_surface(layout, row)
        return (own is None or same_surface(own, surface, BACKGROUND.highlight_tint)) \
            and not gap_inked(gray, layout, row, self._policy)

    def _cut_below(self, layout: CodeLayout, row: int) -> bool:
        """Is this grid row cut by something below it (a status bar over a line scrolled half out of view,
        the frame's edge)? Its lowest part is painted on another surface than its upper half: read, the cut
        glyphs come back as confident junk ("netunn confia[kev]" for `return config[key]`)."""
        if self._frame is None:
            return False
        top, h = layout.row_top(row), self._frame.shape[0]
        if top + (1 - self._policy.cut_row_share) * layout.pitch >= h:  # the frame's edge cuts the glyphs themselves
            return True
        x1, y1, x2, _ = layout.pane
        upper = row_surface(self._frame, x1, top, x2, top + layout.pitch / 2)
        # the lowest part's first pixel row, not its most common colour: a panel or vim's filler rows starting a
        # pixel or two above a whole line's grid edge (the grid is fitted to the blank band between lines) paint
        # its last pixel rows, not its glyphs (dev_terminal_light: the line being typed right above vim's "~" rows)
        cut_y = top + (1 - self._policy.cut_row_share) * layout.pitch
        lower = row_surface(self._frame, x1, cut_y, x2, cut_y + 1)
        # the code's own surface under a highlighted row's upper half is the highlight ending above the grid
        # row's edge (a current line a pixel or two shorter than a measured pitch), not a bar
        code = row_surface(self._frame, x1, y1, x2, top) if top > y1 else upper
        return not same_surface(upper, lower, BACKGROUND.similar_surface) \
            and not same_surface(code, lower, BACKGROUND.similar_surface)

    def _row_surface(self, layout: CodeLayout, row: int) -> tuple[int, int, int] | None:
        """The background colour of a grid row across the pane, from the colour frame."""
        if self._frame is None:
            return None
        top = layout.row_top(row)
        x1, _, x2, _ = layout.pane
        return row_surface(self._frame, x1, max(0, top), x2, top + layout.pitch)

    def _gutter_surface(self, layout: CodeLayout, row: int) -> tuple[int, int, int] | None:
        """The background colour of a grid row under its line number (left of the gutter's edge)."""
        if self._frame is None or layout.gutter_x is None:
            return None
        top = layout.row_top(row)
        x2 = layout.gutter_x
        return row_surface(self._frame, max(0.0, x2 - self._policy.gutter_strip_cells * layout.char_width), max(0, top), x2,
                           top + layout.pitch)

    def _text_left_of_column_0(self, gray: np.ndarray, layout: CodeLayout, row: int) -> float | None:
        """x where this row's text starts, when it starts left of column 0 with at least `text_left_cells`
        cells of ink there (line numbers aside; a fold chevron or a breakpoint mark is one cell)."""
        cols = self._row_ink(gray, layout, row)
        if layout.gutter_x is not None:
            clear_number_ink(cols, layout, self._policy)
        span = text_span(cols, layout.char_width, policy=self._policy.grid)
        x0, cw = layout.x0 - layout.pane[0], layout.char_width
        if span is None or span[0] <= 1 or span[0] >= x0 - self._policy.number_gap_cells * cw:
            return None
        n = int(np.ceil((x0 - span[0]) / cw))
        cells = cell_pattern(cols, x0 - n * cw, cw, n, self._policy.grid)
        return layout.pane[0] + float(span[0]) if sum(cells) >= self._policy.text_left_cells else None

    def _numbered(self, gray: np.ndarray, layout: CodeLayout, row: int) -> bool:
        """With a line-number gutter, only rows with a number are file lines (below the file's end editors
        draw icons and hints, not code)."""
        if layout.gutter_x is None:
            return True
        top = layout.row_top(row)
        # the last digit's cell, right-aligned at the gutter edge (vim's "~" filler sits further left)
        m = self._policy.edge_margin_px
        g = gray[top + m: int(round(top + layout.pitch)) - m,
                 max(0, int(layout.gutter_x - self._policy.last_digit_cells * layout.char_width)): int(layout.gutter_x + 1)]
        if g.size == 0:
            return False
        return bool(ink_mask(g, float(np.median(g)), self._policy.grid).any())

    def _read_grid_rows(self, gray: np.ndarray, layout: CodeLayout, rows: list[int]) -> dict[int, TextLine]:
        """Re-read grid rows with recognition only; indentation from where the ink starts on the grid."""
        gp = self._policy.grid
        crops, where = [], []
        for r in rows:
            if not self._numbered(gray, layout, r):
                continue
            strip = self._row_strip(gray, layout, r)
            if strip.size == 0:
                continue
            bg = float(np.median(strip))
            if not self._row_is_pane(gray, layout, r):  # status bar / panel header, not code
                continue
            ink_strip = self._ink_strip(gray, layout, r)
            cols_all = self._row_ink(gray, layout, r, bg)
            bars = cursor_bars(strip, bg, layout.char_width, layout.x0 - layout.pane[0], gp)
            for x1, x2 in bars:
                cols_all[x1:x2] = False
            if layout.gutter_x is not None:
                clear_number_ink(cols_all, layout, self._policy)
            span = text_span(cols_all, layout.char_width, cursor_test(strip, bg, gp), gp)
            if span is None:
                continue
            a, b = span
            if far_and_tiny(ink_strip, bg, span, layout, gp):
                continue
            pad = int(max(self._policy.crop_pad_min_px, layout.char_width * self._policy.crop_pad_cells))
            colour = self._row_strip(self._frame, layout, r) if self._frame is not None else strip
            crop = colour[:, max(0, a - pad): b + pad]
            if bars:  # the recogniser reads a bar cursor as "]", "|" or "I": paint it out
                crop = crop.copy()
                fill = np.median(crop.reshape(-1, crop.shape[2]) if crop.ndim == 3 else crop.reshape(-1), axis=0)
                for x1, x2 in bars:
                    crop[:, max(0, x1 - max(0, a - pad)): max(0, x2 - max(0, a - pad))] = fill
            crops.append(crop)
            kept = np.zeros_like(cols_all)
            kept[a:b] = cols_all[a:b]
            where.append((r, layout.pane[0] + a, kept, ink_strip, bg, layout.pane[0] + max(0, a - pad)))
        out: dict[int, TextLine] = {}
        if not crops:
            return out
        results = self._reread_unsure(crops, self._read_row_images(crops))
        self.rows_read += len(crops)
        measured = layout.fit_lines >= self._policy.min_grid_lines  # a rough grid can't check the text
        for (r, ax, cols, row_strip, bg, crop_x), got in zip(where, results):
            text = strip_cursor(got.text.strip())
            if not text or (len(text) == 1 and text.isalpha() and layout.gutter_x is not None):
                continue  # a lone letter on an editor line is an icon (code-action bulb, breakpoint), not code
            cw = layout.char_width
            if len(text) <= self._policy.pointer_chars and (ax - layout.x0) > self._policy.pointer_cells * cw:
                continue  # a mark or two far right on an empty row: the mouse pointer or the minimap
            n_cells = int(np.ceil((layout.pane[0] + len(cols) - layout.x0) / cw)) + 1
            cells = cell_pattern(cols, layout.x0 - layout.pane[0], cw, n_cells, gp)
            # the first cell with ink in its middle: a narrow glyph (a quote, a dot) starts well inside its cell
            indent = cells.index(True) if True in cells else max(0, int(np.floor((ax - layout.x0) / cw + self._policy.grid_snap)))
            cells = cells[indent:]
            # only the grid row itself: the next line's letter tops sit right below its boundary
            fixed: str | None = None
            if measured:
                row_ink = ink_mask(row_strip[:-1], bg, gp)
                under = underscore_cells(row_ink, layout.x0 - layout.pane[0], cw, n_cells, gp)[indent:]
                # only a fitted "-" is ever turned into "_"
                low = bars_under_baseline(row_ink, layout.x0 - layout.pane[0], cw, n_cells, gp)[indent:] \
                    if "-" in text else None
                fixed = respace(text, cells, under, low)
            if fixed is None and measured and got.spans:
                start = layout.x0 - layout.pane[0] + indent * cw
                ink = np.abs(row_strip.astype(np.float32) - bg) / 255.0
                # the characters kept with their extents: the text lost its edge spaces and maybe a cursor,
                # and strip_cursor only ever takes characters off the end, so the kept ones are a prefix
                seen = [(c, sp) for c, sp in zip(got.text, got.spans) if not c.isspace()]
                seen = seen[:len(text.replace(" ", ""))]
                seen_text, seen_spans = "".join(c for c, _ in seen), tuple(sp for _, sp in seen)
                shift = crop_x - layout.pane[0] - start
                filled = repeats_filled(seen_text, seen_spans, shift, cw, cells, ink, start, gp)
                if filled is None:
                    filled = strokes_merged(seen_text, seen_spans, shift, cw, cells)
                fixed = respace(filled, cells, under, low) if filled is not None else None
            line = TextLine(" " * indent + (fixed if fixed is not None else text), layout.row_top(r), got.score, r,
                            got.weakest, on_grid=(fixed is not None) if measured else None)
            if not stray_text(line, gp):
                out[r] = line
        return out

    def _reread_unsure(self, crops: list[np.ndarray], results: list[RowRead]) -> list[RowRead]:
        """A row holding a character the recogniser could only guess is read again rather than guessed: once
        more in gray (the syntax colours stay as contrast, not as hues the model was not trained on), and the
        reading whose least sure character is surer is kept. On 41 such code rows of the tuning cases' settled
        frames, 11 were exact as read and 18 after this; the other re-readings tried (inverted, upscaled,
        padded, contrast-stretched) gained less."""
        unsure = [i for i, got in enumerate(results) if got.weakest < self._check.unsure_char_prob and crops[i].ndim == 3]
        if not unsure:
            return results
        again = self._read_row_images([cv2.cvtColor(crops[i], cv2.COLOR_BGR2GRAY) for i in unsure])
        self.rows_read += len(unsure)
        out = list(results)
        for i, got in zip(unsure, again):
            if got.weakest > out[i].weakest:
                out[i] = got
        return out

    def _incremental(self, frame: np.ndarray, prev_frame: np.ndarray, prev: Recognition) -> Recognition | None:
        layout = prev.layout
        assert layout is not None
        gray, pgray = to_ink(frame), to_ink(prev_frame)
        h = gray.shape[0]
        # new lines appear below the last one read, down to the frame's or the editor's bottom
        n_rows = rows_to_bottom(layout, h)
        if n_rows <= 0:
            return None
        if layout.bottom is not None and layout.gutter_x is not None:
            layout, n_rows = self._grown(gray, layout, n_rows)
        old_text = {ln.row: ln for ln in prev.lines if ln.row is not None}
        changed: list[int] = []
        for r in range(n_rows):
            a, b = self._row_strip(gray, layout, r), self._row_strip(pgray, layout, r)
            if a.shape != b.shape or a.size == 0:
                continue
            if row_changed(a, b, layout.char_width, self._policy):
                changed.append(r)
        if not changed:
            return replace(prev, failed_check_since=None)
        if len(old_text) + len([r for r in changed if r not in old_text]) >= max(2 * layout.fit_lines,
                                                                               layout.fit_lines + 4):
            return None  # twice the lines the grid was measured on: measure it again on all of them
        # the frame outside the pane must be (mostly) unchanged, else it is a new scene
        x1, y1, x2, y2 = layout.pane
        outside = cv2.absdiff(gray, pgray)
        outside[y1:y2, x1:x2] = 0
        if (outside > self._policy.pixel_changed).mean() > self._policy.new_scene_outside_share:
            return None
        strips = {r: self._row_strip(gray, layout, r) for r in changed}
        old_strips = [self._row_strip(pgray, layout, r) for r in range(n_rows)]

        def same(a: np.ndarray, b: np.ndarray) -> bool:
            return a.shape == b.shape and a.size > 0 and not row_changed(a, b, layout.char_width, self._policy)

        # a scroll (or lines inserted/deleted above) moves rows by whole lines: find the dominant shift once
        shifts = [d for k in range(1, self._policy.scroll_search_rows + 1) for d in (-k, k)]
        for r in changed[:3]:
            if r in old_text:
                for d in range(-n_rows + 1, n_rows):
                    if d and 0 <= r + d < n_rows and d not in shifts and same(strips[r], old_strips[r + d]):
                        shifts.insert(0, d)
                        break
        new_lines = dict(old_text)
        to_read: list[int] = []
        moved: dict[int, int] = {}
        for r in changed:
            for d in shifts:
                if 0 <= r + d < n_rows and same(strips[r], old_strips[r + d]):
                    moved[r] = r + d
                    break
            else:
                to_read.append(r)
        if len(to_read) > max(self._policy.new_rows_min, self._policy.new_rows_share * n_rows):
            return None  # most of the screen is new: another view, read the whole frame
        last_text_row = max(old_text, default=-1)
        blank_before = self._policy.blank_row_cells * layout.char_width  # the pointer over an empty row
        if any(r > last_text_row + self._policy.new_text_gap_rows
               and ink_columns(old_strips[r], policy=self._policy.grid).sum() <= blank_before
               for r in to_read):
            return None  # text far down on a row that was blank: another program took the screen
        if layout.gutter_x is not None and any(gap_inked(gray, layout, r, self._policy) for r in to_read):
            return None  # text runs across the gap between line numbers and code: the gutter is gone
        if self._covered(gray, pgray, layout, to_read):
            return None  # a bar or panel now lies where the pane's surface was: the layout no longer fits
        if any(self._text_left_of_column_0(gray, layout, r) is not None for r in to_read):
            return None  # column 0 was measured on indented lines only (a scrolled view): measure it again
        rewritten = [r for r in to_read if r in old_text]  # rows that had text and changed to something new
        if len(rewritten) > self._policy.max_incremental_share * max(len(old_text), self._policy.rewritten_floor_rows) \
                and len(rewritten) > self._policy.rewritten_min_rows:
            return None  # a different file or view: read the whole frame
        for r, src in moved.items():
            if src in old_text:
                new_lines[r] = replace(old_text[src], top=layout.row_top(r), row=r)
            else:
                new_lines.pop(r, None)
        if layout.gutter_x is not None:  # nothing below the file's end is code (a status bar, key help)
            end = self._file_end(gray, layout, n_rows)
            to_read = [r for r in to_read if r < end]
            new_lines = {r: ln for r, ln in new_lines.items() if r < end}
            if layout.row_top(end) < layout.pane[3]:  # the pane ends there too, for the states derived from it
                layout = replace(layout, pane=(*layout.pane[:3], max(layout.pane[1], layout.row_top(end))))
        else:  # no numbers end the file (a notebook cell's do: a new cell's row had its frame's ink)
            to_read = rows_near_text(to_read, set(new_lines), self._policy.new_text_gap_rows)
        read = self._read_grid_rows(gray, layout, to_read)
        for r in to_read:
            if r in read:
                new_lines[r] = read[r]
            else:
                new_lines.pop(r, None)
        return self._finish(list(new_lines.values()), layout, prev.file_name, max(prev.confidence * 2 - 1, 0.5),
                            prev.segment_type == "mixed")


    def _reread_on_grid(self, frame: np.ndarray, inc: Recognition, boxes: list[Box]) -> Recognition | None:
        """The check stage's fresh reading when the layout still fits: each of the detector's text boxes (not
        read) in the pane sits on a grid row, every row with a box holds text and every row with text a box,
        nothing is written across the gutter, and no box starts at column 0 or right of it below a pane that
        ended at a border (the file grew past it, or another region lies there); then every row is read again
        on the grid. None when the boxes do not fit the layout (zoomed, scrolled by a fraction, a panel
        opened): the whole frame is read, from the same detection."""
        layout = inc.layout
        assert layout is not None
        pol = self._policy
        x1, _, x2, _ = layout.pane
        h = frame.shape[0]
        pitch, cw = layout.pitch, layout.char_width
        n_rows = rows_to_bottom(layout, h)
        texted = {ln.row for ln in inc.lines if ln.row is not None and ln.text.strip()}
        boxed: set[int] = set()
        for b in boxes:
            pos = (b.cy - layout.y0) / pitch - 0.5  # grid rows from row 0's centre
            row = int(round(pos))
            if layout.gutter_x is not None and b.x1 < layout.gutter_x - cw and b.x2 > layout.gutter_x + cw \
                    and 0 <= row < n_rows:
                return None  # text across the gutter's edge on a file line
            if not x1 <= (b.x1 + b.x2) / 2 <= x2:  # a line number, a side panel's text
                continue
            if layout.bottom is not None and row >= n_rows and b.x1 >= layout.x0 - cw:
                # text from column 0 on below the border: the file grew past it, or another code region (a
                # notebook cell whose numbers the last whole-frame read missed) or its output lies there
                return None
            if not 0 <= row < n_rows:
                continue
            if abs(pos - row) > pol.on_row_share:
                return None  # off the grid: zoomed, or scrolled by part of a line
            boxed.add(row)
        if boxed != texted:
            return None
        gray = to_ink(frame)
        read = self._read_grid_rows(gray, layout, sorted(texted))
        if set(read) != texted:
            return None
        return self._finish(list(read.values()), layout, inc.file_name, max(inc.confidence * 2 - 1, 0.5),
                            inc.segment_type == "mixed")

    def _file_end(self, gray: np.ndarray, layout: CodeLayout, n_rows: int) -> int:
        """The first row below the file's last line: a row with no line number and no text (a lone stroke far
        right, the window's border or the pointer, is not text). A file's blank line still has its number, and
        a wrapped line's continuation has text."""
        for r in range(n_rows):
            if not self._numbered(gray, layout, r) and \
                    text_span(ink_columns(self._ink_strip(gray, layout, r), policy=self._policy.grid), layout.char_width,
                              policy=self._policy.grid) is None:
                return r
        return n_rows

    def _covered(self, gray: np.ndarray, pgray: np.ndarray, layout: CodeLayout, rows: list[int]) -> bool:
        """Did a row that was on the pane's surface turn into another surface (a title or status bar, a menu,
        a popup, another program's screen)? A code row keeps its background whatever is typed on it."""
        bg = self._background(pgray, layout)
        for r in rows:
            old, new = self._row_strip(pgray, layout, r), self._row_strip(gray, layout, r)
            if old.size and new.size and abs(float(np.median(old)) - bg) <= self._policy.pane_bg_tolerance \
                    and abs(float(np.median(new)) - bg) > self._policy.pane_bg_tolerance:
                return True
        return False


def rows_near_text(to_read: list[int], holding: set[int], gap_rows: int) -> list[int]:
    """The changed rows that can be code: those that held text, and those within `gap_rows` below a row that
    holds text (one kept, or one read now, top down). A row further down had text before (rows that were
    blank end the incremental read earlier) that the reading did not take as code: a status bar whose clock
    or window name changed, vim's ruler; after `clear` it is all that changed below the prompt."""
    kept: list[int] = []
    holding = set(holding)
    for r in sorted(to_read):
        if r in holding or r - max((k for k in holding if k < r), default=-1) <= gap_rows:
            kept.append(r)
            holding.add(r)
    return kept


def rows_to_bottom(layout: CodeLayout, frame_h: int) -> int:
    """Grid rows from row 0 down to the editor's bottom (a border found under it) or the frame's: new lines
    appear below the last one read."""
    return int(((layout.bottom or frame_h) - layout.y0 + 2) // layout.pitch)


def measured_grid(rec: Recognition, policy: ReadPolicy = READ) -> bool:
    """Was this reading made on character grids measured on enough lines to trust them (one layout, or each
    region of several on its own)?"""
    return rec.regions > 1 or (rec.layout is not None and rec.layout.fit_lines >= policy.min_grid_lines)


def row_changed(a: np.ndarray, b: np.ndarray, char_w: float, policy: ReadPolicy = READ) -> bool:
    """Did the text of a grid row change between two frames?

    Editors redraw things on a row that are not its text: an indent guide lights up when the cursor enters
    its block, the text cursor blinks or moves, and the overview ruler at the pane's right edge marks the
    cursor line. Those changes are thin full-height strokes or sit in the last columns of the pane."""
    diff = cv2.absdiff(a, b) > policy.pixel_changed
    if int(diff.sum()) <= policy.row_changed_pixels:
        return False
    margin = int(max(policy.ruler_min_px, policy.ruler_cells * char_w))
    if diff.shape[1] > 4 * margin:
        diff[:, -margin:] = False  # the scrollbar / overview ruler
    counts = diff.sum(axis=0)
    tall = np.flatnonzero(counts >= policy.stroke_height_share * diff.shape[0])
    if len(tall):
        for run in runs(tall):
            if len(run) <= policy.stroke_px:
                lo, hi = max(0, run[0] - 1), run[-1] + 2
                diff[:, lo:hi] = False  # the stroke and its anti-aliased fringe
    return int(diff.sum()) > policy.row_changed_pixels


def gap_inked(gray: np.ndarray, layout: CodeLayout, row: int, policy: ReadPolicy = READ) -> bool:
    """Is there ink between the line numbers and column 0 on this row? Editors leave that gap empty; a
    shell that took the editor's place writes straight across it."""
    assert layout.gutter_x is not None
    m = policy.edge_margin_px
    a, b = int(layout.gutter_x + m), int(layout.x0 - m)
    if b - a < m:
        return False
    top = layout.row_top(row)
    ink = gray[max(0, top + m): int(round(top + layout.pitch)) - m, a:b] > policy.grid.ink_level
    if ink.size == 0 or int(ink.sum()) <= policy.stray_ink_pixels:
        return False
    if b - a < policy.code_in_gap_cells * layout.char_width:
        return True
    # in a gap wide enough to hold a glyph, ink that starts clear of the numbers is this line's code, left
    # of a column 0 measured on indented lines only (a view scrolled or zoomed into a block), or a
    # current-line box's edge; a shell or a status bar writes on from the numbers' side
    first = int(np.flatnonzero(ink.any(axis=0))[0])
    if first >= policy.clear_of_numbers_cells * layout.char_width:
        return False
    # ink at the gutter's edge: a number's box is padded past its digits, so code at column 0 one space after
    # narrow numbers (vim) starts there too; it is this line's code when a blank gap parts it from the
    # number's ink, as a space does (a shell's or status bar's glyphs run on across the edge)
    left = max(0, int(layout.gutter_x - policy.gutter_strip_cells * layout.char_width))
    number = np.flatnonzero((gray[max(0, top + m): int(round(top + layout.pitch)) - m, left:a + first] > policy.grid.ink_level)
                            .any(axis=0))
    return len(number) == 0 or (a + first) - (left + int(number[-1]) + 1) < policy.pane.number_gap_min_cells * layout.char_width


def clear_number_ink(cols: np.ndarray, layout: CodeLayout, policy: ReadPolicy = READ) -> None:
    """Clear a line number's ink from a row's ink columns (pane coordinates): ink left of column 0 that
    starts at the pane's left edge, on the numbers' side (a number the split put inside the pane). Code
    written left of a guessed column 0 starts clear of the numbers and stays."""
    limit = max(0, int(layout.x0 - layout.pane[0] - policy.number_gap_cells * layout.char_width))
    idx = np.flatnonzero(cols[:limit])
    for run in runs(idx) if len(idx) else []:
        # a number is followed by a blank gap (a space less the glyphs' bearings); ink that goes on after a
        # pixel or two is a box drawn round the line (Monaco's current-line frame, broken where a fold mark
        # sits): cleared, its rest would pass for text a cell left of column 0
        after = np.flatnonzero(cols[run[-1] + 1:])
        gap = int(after[0]) if len(after) else len(cols)
        if run[0] < policy.clear_of_numbers_cells * layout.char_width and gap >= policy.pane.number_gap_min_cells * layout.char_width:
            cols[run[0]:run[-1] + 1] = False
