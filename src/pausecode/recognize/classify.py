"""What kind of moment a frame is, read from OCR boxes: where the code pane is, code vs learning, topic, file name.

No model: editors have a signature (a regular grid of monospace lines, usually a line-number gutter, code
punctuation); slides, presenters and docs pages don't (big or proportional text, few lines, prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from .grid import INK_LEVEL, Box, char_width, cluster_rows, fitted_pitch, line_pitch, monospace_score
from .layout import clipped_region

FILE_RE = re.compile(
    r"([A-Za-z0-9_][\w.-]*\.(?:py|pyw|ipynb|js|jsx|ts|tsx|mjs|java|kt|c|h|cc|cpp|hpp|cs|go|rs|rb|php|swift|"
    r"scala|sh|html|css|json|yaml|yml|toml|sql|md|txt|r|lua|dart))\b"
)
CODE_CHARS = set("()[]{}=:;<>#\"'")
CODE_WORDS = re.compile(
    r"\b(def|class|import|from|return|if|elif|else|for|while|print|self|function|const|let|var|public|"
    r"static|void|int|include|printf|console|lambda|try|except|async|await|None|True|False|null)\b"
)
DIGITS_RE = re.compile(r"^\d{1,5}$")
# what terminal editors and multiplexers draw on their last rows: vim's mode and message line, tmux's bar
# (its session name bracketed, "[lesson]0:vim*", or in a box of its own, "ep4 0:bash- 1:vim*": the window
# list, the current window flagged with "*")
TMUX_WINDOW = r"\d+:[\w.-]+[*#!~Z-]?"
TMUX_CURRENT_WINDOW_RE = re.compile(r"\d+:[\w.-]+\*")  # the flagged one, in a box of its own
STATUS_LINE_RE = re.compile(
    r"^\s*(?:(?:--\s*)?(?:INSERT|VISUAL(?: LINE| BLOCK)?|REPLACE|TERMINAL)(?:\s*--)?(?:\s+recording\s+@\w)?"
    r"|\"[^\"]+\"\s+(?:\[New\]|\d+L,?\s*\d+B)(?:\s+written)?.*"
    r"|\[[\w.-]+\]\s*\d+:\S+.*"
    rf"|(?:[\w.-]+\s+)?(?:{TMUX_WINDOW}\s+)*\d+:[\w.-]+\*(?:\s.*)?)\s*$"
)


def drop_status_lines(texts: list[str]) -> list[str]:
    """Remove a status or message line at the bottom of a terminal editor (and the blank rows above it):
    it is the editor talking, not the file."""
    out = list(texts)
    while out and (not out[-1].strip() or STATUS_LINE_RE.match(out[-1])):
        out.pop()
    return out


# A shell's user@host prompt ends in its sigil ($ # % >), whatever sits between: bash's "user@host:~/dir$",
# zsh's "user@host dir %", Fedora's "[user@host dir]$"; without the sigil the same words are a window's title.
USER_HOST = r"[\w.-]+@[\w.-]+"
USER_HOST_PROMPT = rf"\[?{USER_HOST}(?::\s?[~/]\S*|\s+[~\w./-]+)?\]?\s?[$#%>]"
PROMPT_RE = re.compile(rf"(^{USER_HOST_PROMPT}|^(>>>|\.\.\.|In \[\d+\]:|\$|PS [A-Z]:\\)(\s|$))")
UI_ROW_RE = re.compile(r"^(?:[^\w\s]{0,2}\s*)?(?:\.?[\w-]+(?:\.[A-Za-z0-9]{1,5})?|[A-Z][A-Z _-]{2,})$")
# A comment being typed ("# Recursi") is one word after a marker, like a tree entry after its icon; but "#",
# "//" and "--" followed by a space start comments, never file names or headings.
COMMENT_START_RE = re.compile(r"^(?:#|//|--|/\*)\s")
LEADING_NUMBER_RE = re.compile(r"^(\d{1,5})(\s+)(\S.*)$")


@dataclass(frozen=True)
class PanePolicy:
    """The layout stage's thresholds for finding the code pane among the detector's text boxes, each named once
    with its unit and why. "Heights" are detector box heights (a padded box is ~1.3-1.55 text lines), "cells"
    character widths, "shares" fractions of what is named."""

    # How much taller the detector's box of one line is than the line's pitch: a 16-px font on a ~22-px pitch
    # gives 28-34 px boxes (1.3-1.55x); the low end, so a single line is judged slide-sized only when it is.
    padded_box_per_line: float = 1.3
    # A box's pitch when no line spacing was measured: its height over this (the inverse of the padding above,
    # rounded for boxes of 2-3 lines).
    pitch_per_box_height: float = 1.25
    # A character's width as a share of its box's height, when too little text was read to measure it
    # (monospace fonts at editor sizes: 0.5-0.6).
    char_w_per_height: float = 0.55
    # characters: a box holding a line number and its code ("4 STOP = {") is at least this long
    merged_number_chars: int = 4
    # of a character cell: the blank run between a line number and its code is at least a space minus the
    # glyphs' side bearings (~0.6 cell); the gaps between the digits of one number are narrower
    number_gap_min_cells: float = 0.4
    # cells: the ink of an n-digit number spans from n - this (a narrow "1" with wide side bearings) to n + the
    # slack (the box's width per character, our cell estimate, is a few % large) from its first ink column
    number_ink_short_cells: float = 0.8
    number_ink_slack_cells: float = 0.3
    # cells: a row's first box is its line number when the next box starts at least this far right of it
    number_code_gap_cells: float = 1.5
    # Line numbers the detector may miss above the first one it read (dim numbers of lines far from the
    # cursor), in rows. Reaching further up took the tab strip and menu bar above a scrolled editor (first
    # number 78) for code.
    gutter_missed_rows_above: int = 1
    # lines: the gutter's top is this far above the first number's centre (half a line, and a little margin)
    gutter_top_slack_lines: float = 0.6
    # heights: below the last number read, its own height and a little margin (status bars and panels start
    # right after)
    gutter_bottom_slack: float = 1.2
    # How far apart (in digit heights) the right edges of two line numbers of one gutter can be: the detector
    # pads boxes by a few pixels, more for one digit than for two.
    gutter_align_tol: float = 0.3
    # Largest relative difference between two pitches taken to agree: the line numbers' steps among
    # themselves, or the numbers' pitch and the text rows'. A misread number (8 for 9) gives a step off by a
    # whole line or more.
    numbers_pitch_agreement: float = 0.2
    # number box heights between a number's centre and the centre of the line just above it: one line pitch,
    # which is 0.7-1.0 box heights as detectors pad a line's box (less than half a box would overlap the
    # number's own row; the line two above sits at 1.4 box heights and more)
    next_line_min: float = 0.5
    next_line_max: float = 1.35
    # lines: the least space between two notebook cells' numbers (borders, prompt, output)
    cell_gap_lines: float = 2.0
    # of a stacked box's height: a column inked this far down is a border the box touches (the active notebook
    # cell's frame right of its numbers), not a digit, which is one line tall of the two or more the box spans
    rule_column_share: float = 0.9
    # pixel rows: blank rows inside one digit (anti-aliasing gaps) are this many or fewer; between two lines,
    # more
    glyph_gap_px: int = 2
    # of the tallest digit's height: a shorter run of ink at the box's edge is the number above or below it
    min_glyph_share: float = 0.5
    # share of the frame's width: line numbers sit left of this (an editor's gutter is on the left; a number
    # further right is code or a status bar)
    numbers_x_share: float = 0.6
    # heights: a digit box taller than this times the median is several numbers merged vertically
    merged_numbers_heights: float = 1.5
    # of a number's box height: the least y step per line number of a gutter (a line is 0.75-1 box heights
    # apart; a fold hides a few lines, not most of them)
    gutter_min_step_heights: float = 0.5
    # share of consecutive numbers of a gutter that increase downwards (a misread digit or two aside)
    increasing_share: float = 0.7
    # a short file's first line number is at most this (1-2 numbers further down are a listing's, not a file's)
    short_file_first_max: int = 9
    # rows: 1-2 numbers further down (10, 11: the cursor's line and its neighbour, the dim numbers above not
    # detected) are still a gutter when the file's own lines show above them, starting at the code column
    # beside the numbers, on at least this many rows (one or two rows above could be a tab strip or a title)
    missed_numbers_min_rows: int = 3
    # lines: those rows reach no higher than the file's first line would sit (first number - 1 line steps up),
    # plus this slack for the detector's box centres
    missed_numbers_slack_lines: float = 0.5
    # lines: those rows run up from the numbers with gaps of at most this many line steps (a blank line or two
    # between a file's lines); what sits further above (a notebook's toolbar, a tab strip) is not the file
    missed_numbers_gap_lines: float = 3.5
    # number heights: code beside a number starts at most this far right of it, and its centre within
    # `same_row_heights` of the number's
    beside_number_heights: float = 8
    same_row_heights: float = 0.5
    # Line numbers the detector missed (faint numbers on a tinted gutter, away from the cursor's) are read
    # again where they would be: in the numbers' column, left of each line of text with none beside it, at most
    # this many per frame (each is a recogniser call on a few cells) and one digit wider than the widest number
    # read (9 → 10).
    number_probes_max: int = 40
    number_probe_extra_digits: float = 1
    # Probed only when at most this many numbers were read: three give two steps that check each other (the
    # pitch is then measured); re-reading a gutter the detector mostly saw moved column 0 on vim at 1080p
    # (more rows in the grid fit, one of them misjudged), for no gain.
    number_probe_max_numbers: int = 2
    # shares of the frame's height: text columns are told apart in the band between these (a menu, title or
    # status bar spans every column), when it holds at least `middle_min_boxes` boxes
    middle_top_share: float = 0.08
    middle_bottom_share: float = 0.94
    middle_min_boxes: int = 3
    # cells: an empty vertical band this wide parts two text columns (a file tree, the editor, a docs panel);
    # the gaps inside a code line are one or two cells
    column_gap_cells: float = 2.5
    # lines: a vertical gap longer than this ends the pane
    pane_gap_lines: float = 6.5
    # lines: a row within this of a whole number of pitches below the last one sits on the same grid
    on_pitch_tol: float = 0.15
    # heights: text rows shorter or taller than these times the median box height are not the code's font
    text_height_min: float = 0.6
    text_height_max: float = 1.6
    # score per row added to a candidate block's code-likeness: among equally code-like blocks, the longer wins
    rows_bonus: float = 0.01
    # cells: left edges are grouped in steps of this (a detector box's left edge moves by less)
    left_edge_cells: float = 0.6
    # share of all rows a left-aligned block must hold to be a candidate
    block_min_share: float = 0.15
    # cells: a box this far right of its row's first box belongs to another column
    block_reach_cells: float = 60
    # pixels: the pane starts this far right of the gutter's edge, or this far left of the leftmost box
    gutter_pad_px: int = 2
    text_pad_px: int = 4
    # code-likeness score: weights of the share of code-like rows, of monospace advance, of a gutter (or per
    # line without one, up to `few_lines` lines); a shell prompt's bonus; penalties for slide-sized text, for
    # UI rows (file names, headings), for a lone line without a gutter; the score of a gutter with no text
    codeish_weight: float = 0.35
    mono_weight: float = 0.35
    gutter_weight: float = 0.3
    per_line_weight: float = 0.05
    few_lines: int = 3
    prompt_bonus: float = 0.35
    big_text_penalty: float = 0.6
    ui_penalty: float = 0.5
    one_line_penalty: float = 0.2
    gutter_only_score: float = 0.6
    # text taller than the frame's height over this is slide-sized (editors and terminals use 12-20 px fonts
    # at 720p)
    slide_text_frac: float = 24
    # shares of the frame's height: an editor's tabs and breadcrumbs sit above `chrome_top_share`; its status
    # bar below `status_below_share`; with none found, its text ends at `text_bottom_share`
    chrome_top_share: float = 0.3
    status_below_share: float = 0.5
    # boxes of key help ("^X Exit") that make a terminal editor's help bar, not a mention in prose
    key_help_min_boxes: int = 3
    text_bottom_share: float = 0.95
    # anchor heights: an editor's text starts at most this far left of its tabs' or breadcrumbs' left edge
    anchor_left_heights: float = 2
    # Anchor-box heights (a padded box is ~1.4 lines): the largest gap between an editor's tabs or breadcrumbs
    # and its first line, or between two of its 1-2 lines (a blank line or two between them), before the text
    # below is taken to belong to another panel (a shell or terminal under an empty editor).
    editor_line_gap: float = 3.0
    # rows: a pane without line numbers this short is judged by where it starts (under the editor's tabs or
    # not); a longer block may be a file starting with blank lines, and is left to the pane finder
    anchored_rows_max: int = 2
    # How far right of its tabs' or breadcrumbs' left edge (in their heights, ~2 characters each) an editor's
    # first line can start: a 1-2-line file starts at column 0 or a few indents in; a panel beside the editor
    # is far off.
    editor_text_reach: float = 12
    # Share of a text block's height a vertical border between the editor and a side panel covers (a column
    # of text never does: lines are separated by leading; a scrollbar trough or a panel's edge runs the full
    # height)
    panel_border_share: float = 0.95
    # A top line whose detector box is shorter than this share of the other lines' median box height may show
    # only part of its glyphs (cut by the editor's header). Whole lines measured 0.71-1.0 on frames of six
    # cases (short glyphs, "args = parse..." at 0.71), cut ones 0.70-0.74: height alone does not decide, the
    # gutter does.
    clipped_row_share: float = 0.8
    # topic of a learning screen: boxes of at least `topic_min_chars` read surer than `topic_min_score`, in
    # the upper `topic_upper_share` of the frame, at least `heading_share` of the tallest one's height; at
    # most `topic_max_chars` kept
    topic_min_chars: int = 3
    topic_min_score: float = 0.6
    topic_upper_share: float = 0.6
    heading_share: float = 0.8
    topic_max_chars: int = 200
    # prose beside code (docs or slides next to the editor): at least `prose_min_boxes` boxes longer than
    # `prose_min_chars` holding `prose_min_spaces` spaces or more (a code line's box rarely does, beside a pane)
    prose_min_chars: int = 12
    prose_min_spaces: int = 3
    prose_min_boxes: int = 6
    # shares of the frame's height: with no pane, a file name is looked for above `file_name_share`; one above
    # `title_bar_share` is the window title, which names the active file first
    file_name_share: float = 0.2
    title_bar_share: float = 0.05


PANE = PanePolicy()  # the defaults (frozen: shared safely)


def split_line_numbers(boxes: list[Box], frame: np.ndarray | None = None, policy: PanePolicy = PANE) -> list[Box]:
    """Split boxes the detector merged with their line number ("4 STOP = {" in vim) into number + text.

    Shares of the box width put the cut a few pixels off (the box is padded, so its width per character is
    a few % too large): the code's left edge, and column 0 with it, would land inside the numbers' ink.
    With the `frame` the cut goes where the pixels show the blank gap after the number."""
    out: list[Box] = []
    for b in boxes:
        m = LEADING_NUMBER_RE.match(b.text.strip())
        if m and len(b.text.strip()) >= policy.merged_number_chars:
            cw = b.w / max(1, len(b.text.strip()))
            n_num, n_sp = len(m.group(1)), len(m.group(2))
            cut = _number_gap(frame, b, n_num, cw, policy) if frame is not None else None
            num_x2, code_x1 = cut if cut is not None else (b.x1 + n_num * cw, b.x1 + (n_num + n_sp) * cw)
            out.append(Box(b.x1, b.y1, num_x2, b.y2, m.group(1), b.score))
            out.append(Box(code_x1, b.y1, b.x2, b.y2, m.group(3), b.score))
        else:
            out.append(b)
    return out


def _number_gap(frame: np.ndarray, b: Box, n_num: int, cw: float, policy: PanePolicy = PANE) -> tuple[float, float] | None:
    """(the number box's right edge, the code box's left edge) from the blank columns after the number's
    ink, each padded as the detector padded the merged box on its left; None when no such gap shows."""
    crop = clipped_region(frame, b.x1, b.y1, b.x2, b.y2)
    if crop.size == 0:
        return None
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    inked = (np.abs(crop.astype(np.int16) - float(np.median(crop))) > INK_LEVEL).any(axis=0)
    idx = np.flatnonzero(inked)
    if len(idx) < 2:
        return None
    first = int(idx[0])
    gaps = np.diff(idx)
    for k in np.flatnonzero(gaps - 1 >= policy.number_gap_min_cells * cw):
        end, start = int(idx[k]) + 1, int(idx[k + 1])
        if (n_num - policy.number_ink_short_cells) * cw <= end - first <= (n_num + policy.number_ink_slack_cells) * cw:
            x0 = max(0.0, float(int(b.x1)))
            pad = float(first)
            return x0 + end + pad, x0 + start - pad
    return None


# what an editor draws around its text: seen on screen, the moment is code even before there is any code
CODE_FILE_RE = r"[\w.-]+\.(?:py|pyw|ipynb|js|mjs|jsx|ts|tsx|java|kt|c|h|cc|cpp|hpp|cs|go|rs|rb|php|swift|scala|sh|sql|r)"
EDITOR_STRONG_RE = re.compile(r"\bLn \d+, Col \d+|\bLine \d+, Column \d+")
EDITOR_WEAK_RES = [
    re.compile(r"Visual Studio Code|PyCharm|Sublime Text|IntelliJ|Jupyter|Thonny|Spyder|IDLE Shell|Code::Blocks"),
    re.compile(r"\bUTF-8\b|\bSpaces: \d|\bTab Size: \d|\bCRLF\b"),
    re.compile(r"^\W*(?:EXPLORER|OUTLINE|TIMELINE|PROBLEMS)\b"),
    re.compile(rf"\S+\s*>\s*{CODE_FILE_RE}\b"),  # breadcrumbs: folder > file.py
    re.compile(rf"^\W{{0,2}}{CODE_FILE_RE}\W{{0,3}}$"),  # a tab holding a code file
]
SHELL_PROMPT_RE = re.compile(rf"^(?:{USER_HOST_PROMPT}|>>>|In \[\d+\]:|PS [A-Z]:\\)")
# A terminal editor's status line names the file and where the cursor is in it, the position in parentheses
# (emacs' mode line "grades.py   All (2,3)", micro's "islands.py + (12,4) | ft:python"); a slide or a page
# quoting a file name gives no cursor position after it.
FILE_POSITION_RE = re.compile(rf"\b{CODE_FILE_RE}\b.*\(\d+,\s?\d+\)")
# A terminal editor's key help: bindings written as a control or meta key and what it does (nano and pico's
# "^X Exit  ^O Write Out  M-U Undo"); one such box could be prose, `key_help_min_boxes` of them are the bar.
KEY_HELP_RE = re.compile(r"^(?:\^.|M-.)\s+[A-Z]\w*")
# A terminal window's title: the prompt's user@host:path without the sigil.
WINDOW_TITLE_RE = re.compile(rf"^{USER_HOST}:\s?[~/]\S*$")
# An application's menu bar ("File Edit Options Buffers Tools ... Help"), UI and never code.
MENU_BAR_RE = re.compile(r"^File\s+Edit\s+\w+")
VIM_MODE_RE = re.compile(r"^(?:--\s*)?(?:INSERT|VISUAL|REPLACE)(?:\s*--)?$")
VIM_CURSOR = r"\d+,\d+(?:-\d+)?"  # vim's ruler: line,column(-screen column)
VIM_PLACE = r"(?:All|Top|Bot|\d+%)"  # ... and where the window is in the file
VIM_RULER_RE = re.compile(rf"^{VIM_CURSOR}(?:\s+{VIM_PLACE})?$")
VIM_POSITION_RE = re.compile(rf"^{VIM_PLACE}$")
VIM_RULER_POS_RE = re.compile(rf"^{VIM_CURSOR}\s+{VIM_PLACE}$")
CHROME_RE = re.compile("|".join(
    [EDITOR_STRONG_RE.pattern, VIM_MODE_RE.pattern, VIM_RULER_RE.pattern, r"^(?:All|Top|Bot)$", r"^\[[\w.-]+\]\s*\d+:"]
    + [r.pattern for r in EDITOR_WEAK_RES]))


def editor_on_screen(boxes: list[Box], policy: PanePolicy = PANE) -> bool:
    """Is a code editor on screen, even an empty one? Its status bar (Ln/Col, vim's mode and ruler, a file
    name with the cursor's position) or a terminal editor's key help says so; otherwise two weaker signs (IDE
    name, encoding, explorer, breadcrumbs, a code file's tab)."""
    texts = [b.text.strip() for b in boxes if b.text.strip()]
    if any(EDITOR_STRONG_RE.search(t) for t in texts):
        return True
    if any(VIM_MODE_RE.match(t) for t in texts) and any(VIM_RULER_RE.match(t) for t in texts):
        return True
    # vim's ruler with its place in the file ("0,0-1   All"), read as one box or two on one line
    lined = [b for b in boxes if b.text.strip()]
    rulers = [b for b in lined if VIM_RULER_RE.match(b.text.strip())]
    if any(VIM_RULER_POS_RE.match(b.text.strip()) for b in rulers) or any(
            VIM_POSITION_RE.match(p.text.strip()) and _on_line_of(r, p) and p.x1 > r.x2 for r in rulers for p in lined):
        return True
    if any(SHELL_PROMPT_RE.match(t) for t in texts):  # a terminal: user@host:path$ or a REPL prompt
        return True
    if any(_names_file_position(r) for r in cluster_rows(lined)):  # a status line: file, cursor's place
        return True
    if sum(bool(KEY_HELP_RE.match(t)) for t in texts) >= policy.key_help_min_boxes:
        return True
    return sum(any(r.search(t) for t in texts) for r in EDITOR_WEAK_RES) >= 2


def editor_anchor(boxes: list[Box], frame_h: int, policy: PanePolicy = PANE) -> Box | None:
    """What an editor's text starts under: its breadcrumbs (right above the text), else its tab strip (the
    topmost file name: lower ones are the file tree in the sidebar); None in a terminal."""
    texts = [b for b in boxes if b.text.strip()]
    crumbs = [b for b in texts if b.cy < policy.chrome_top_share * frame_h and EDITOR_WEAK_RES[3].search(b.text.strip())]
    tabs = [b for b in texts if b.cy < policy.chrome_top_share * frame_h and EDITOR_WEAK_RES[4].search(b.text.strip())]
    return max(crumbs, key=lambda b: b.cy) if crumbs else min(tabs, key=lambda b: b.cy) if tabs else None


def editor_text_rows(boxes: list[Box], frame_w: int, frame_h: int, policy: PanePolicy = PANE) -> list[list[Box]]:
    """The text rows of an editor too empty for the pane finder: below its tabs/breadcrumbs (or anywhere,
    in a terminal), above its status bar, with the editor's own chrome and lone marks (the mouse pointer)
    left out."""
    texts = [b for b in boxes if b.text.strip()]
    anchor = editor_anchor(boxes, frame_h, policy)
    left, top = (anchor.x1 - policy.anchor_left_heights * anchor.h, anchor.y2) if anchor is not None else (0.0, 0.0)
    low = [b for b in texts if b.cy > policy.status_below_share * frame_h]
    status = [b.y1 for b in low if CHROME_RE.search(b.text.strip()) or KEY_HELP_RE.match(b.text.strip())] + [
        min(b.y1 for b in r) for r in cluster_rows(low) if _names_file_position(r)]
    bottom = min(status) if status else policy.text_bottom_share * frame_h
    # a lone mark is the mouse pointer, but a number alone on its row is an empty line's number: it says
    # where the file starts (an empty vim buffer shows "1" and nothing else of the file)
    keep = [b for b in texts if b.x1 >= left and b.cy > top and b.y2 <= bottom + 2
            and (len(b.text.strip()) > 1 or (b.text.strip().isdigit() and _alone_on_row(b, texts)))
            and not CHROME_RE.search(b.text.strip())]
    # a menu bar, tmux's bar at the top (its current window flagged "0:emacs*" in a box of its own), the
    # terminal window's title ("user@host: ~/dir", a prompt without its sigil)
    rows = [r for r in cluster_rows(keep) if not any(
        MENU_BAR_RE.match(t := b.text.strip()) or TMUX_CURRENT_WINDOW_RE.fullmatch(t)
        or WINDOW_TITLE_RE.match(t) for b in r)]
    if anchor is not None:  # an editor's text starts right under its tabs; text further down is another panel
        reach, last_y = policy.editor_line_gap * anchor.h, anchor.y2
        block: list[list[Box]] = []
        for r in rows:
            if min(b.y1 for b in r) - last_y > reach:
                break
            block.append(r)
            last_y = max(b.y2 for b in r)
        rows = block
    numbered = numbered_rows(rows, float(np.median([b.h for b in keep])) * policy.char_w_per_height, policy) if keep else None
    return numbered if numbered is not None else rows


def _names_file_position(row: list[Box]) -> bool:
    """Does this row of boxes, read left to right, name a code file and the cursor's place in it?"""
    return bool(FILE_POSITION_RE.search(" ".join(b.text.strip() for b in sorted(row, key=lambda b: b.x1))))


def _on_line_of(box: Box, other: Box) -> bool:
    """Does `other` stand on `box`'s line (its vertical centre within the box's extent)?"""
    return box.y1 <= other.cy <= box.y2


def _alone_on_row(box: Box, boxes: list[Box]) -> bool:
    """No other text box shares the box's line."""
    return not any(b is not box and _on_line_of(box, b) for b in boxes)


def numbered_rows(rows: list[list[Box]], char_w: float, policy: PanePolicy = PANE) -> list[list[Box]] | None:
    """An editor showing 1-2 lines has too few line numbers for a gutter, but its numbers still say which
    rows are the file: from the row numbered 1 (or the lowest number) to the last numbered row, with the
    numbers taken off (a number alone is an empty line). Rows above (tabs, breadcrumbs) and below (panels)
    go. None when no row is numbered."""
    split = [sorted(split_line_numbers(r, policy=policy), key=lambda b: b.x1) for r in rows]
    marks = []
    for i, r in enumerate(split):
        head = r[0].text.strip()
        if head.isdigit() and (len(r) == 1 or r[1].x1 - r[0].x2 >= policy.number_code_gap_cells * char_w):
            marks.append((i, int(head)))
    if not marks or any(b[1] - a[1] != b[0] - a[0] for a, b in zip(marks, marks[1:])):
        return None
    return [r[1:] if r[0].text.strip().isdigit() else [] for r in split[marks[0][0]: marks[-1][0] + 1]]


@dataclass
class PaneGuess:
    """The code area found in a frame (frame coordinates), or none."""

    rows: list[list[Box]] = field(default_factory=list)  # code rows (boxes right of the gutter)
    gutter_x: float | None = None  # right edge of the line-number gutter
    pitch: float | None = None
    char_w: float | None = None
    x0: float | None = None
    pane: tuple[int, int, int, int] | None = None
    score: float = 0.0  # how code-like, 0..1
    first_number: tuple[int, float] | None = None  # the topmost line number read, and its y centre
    # the pitch is the line numbers' step: it holds whichever of the rows are kept later (a text row's box
    # centre jitters by a pixel or two; over seven rows that put micro's twelfth line 4 px off its grid)
    numbers_pitch: bool = False

    def pitch_of(self, rows: list[list[Box]]) -> float | None:
        """The pitch for a subset of its rows: the numbers' when they gave it, else the rows' own spacing."""
        if self.numbers_pitch:
            return self.pitch
        return line_pitch(rows) if len(rows) >= 2 else None


def digit_pitch(digits: list[Box]) -> float:
    """Line pitch from the numbers themselves: y step per number between consecutive ones (box heights are
    padded and overstate it; a single number has only its height)."""
    steps = number_steps(digits)
    if not steps:
        return max(b.h for b in digits)
    ordered = sorted(digits, key=lambda b: b.cy)
    return fitted_pitch([int(b.text) for b in ordered], [b.cy for b in ordered], float(np.median(steps)))


def number_steps(digits: list[Box]) -> list[float]:
    """y step per number between consecutive line numbers read, top to bottom (a lower number after a higher one
    is a new region or a misread, not a step)."""
    ordered = sorted(digits, key=lambda b: b.cy)
    return [(b.cy - a.cy) / (int(b.text) - int(a.text)) for a, b in zip(ordered, ordered[1:])
            if int(b.text.strip()) > int(a.text.strip())]


def _numbers_pitch(digits: list[Box], rows_pitch: float | None,
                   policy: PanePolicy = PANE) -> tuple[float | None, bool]:
    """The line pitch, from the numbers when two or more were read: their y step per number is exact evidence
    of the grid, while the text rows' spacing comes from padded boxes of uneven height (a few rows measured
    1.5 px short put a row read 7 lines above them half a line off). With whether the numbers gave it."""
    if len({b.text.strip() for b in digits}) < 2:
        return rows_pitch, False
    numbers = digit_pitch(digits)
    steps = number_steps(digits)
    consistent = len(steps) >= 2 and max(steps) <= policy.numbers_pitch_agreement * min(steps) + min(steps)
    if consistent or rows_pitch is None or abs(numbers - rows_pitch) <= policy.numbers_pitch_agreement * rows_pitch:
        return numbers, True  # numbers that agree among themselves beat rows spaced by blank lines
    return rows_pitch, False


def box_ink(frame: np.ndarray, b: Box) -> np.ndarray:
    """Which pixels of a box (in the BGR or gray `frame`, clipped to it) are ink: far from the box's median,
    its background. Empty when the box lies outside the frame."""
    crop = clipped_region(frame, b.x1, b.y1, b.x2, b.y2)
    if crop.ndim == 3 and crop.size:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return np.abs(crop.astype(np.int16) - float(np.median(crop))) > INK_LEVEL if crop.size else np.zeros((0, 0), bool)


def number_probes(digits: list[Box], boxes: list[Box], policy: PanePolicy = PANE) -> list[Box]:
    """Where the numbers of lines whose number was not detected would be: the numbers' column (right-aligned at
    the gutter's edge), on the rows of the text boxes that start right of that edge with no number read beside
    them. Reading these crops checks the gutter instead of guessing its pitch from one or two numbers."""
    if len(digits) > policy.number_probe_max_numbers:
        return []
    gx = float(np.median([d.x2 for d in digits]))
    dh = float(np.median([d.h for d in digits]))
    left = min(d.x1 for d in digits) - policy.number_probe_extra_digits * policy.char_w_per_height * dh
    probes: list[Box] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if b in digits or b.x1 + min(b.w, b.h) / 2 <= gx:
            continue  # a number itself, or a box reaching into the gutter (a number merged with its code)
        if any(abs(b.cy - c.cy) < policy.same_row_heights * dh for c in digits + probes):
            continue
        probes.append(Box(left, b.y1, gx, b.y2))
    return probes[:policy.number_probes_max]


def centred_on_digits(probe: Box, frame: np.ndarray, height: float, policy: PanePolicy = PANE) -> Box:
    """A probe moved so its centre is the centre of the number's ink, `height` tall (the numbers read): its
    rows came from the text box beside it, padded unevenly by tall or low glyphs (quotes, brackets), and a
    centre a few pixels off bends the pitch measured from the numbers."""
    ink = box_ink(frame, probe)
    rows = np.flatnonzero(ink.any(axis=1)) if ink.size else np.zeros(0, dtype=int)
    if not rows.size:
        return probe
    # the digits are the tallest run of inked rows; the rows above and below may show a neighbour's edge
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > policy.glyph_gap_px + 1) + 1)
    digit = max(runs, key=len)
    cy = max(0.0, probe.y1) + (digit[0] + digit[-1] + 1) / 2
    return Box(probe.x1, cy - height / 2, probe.x2, cy + height / 2, probe.text, probe.score, probe.weakest)


def confirmed_numbers(digits: list[Box], probes: list[Box], policy: PanePolicy = PANE) -> list[Box]:
    """The probes that read as the line numbers their rows must have: digits, and, with the numbers read
    before, one consistent step per number down the gutter (a line apart, blank lines counted). Anything else
    (an empty gutter row, a wrapped line's continuation, a fold mark) is dropped, and all probes are dropped
    when together they do not fit one numbering."""
    read = [p for p in probes if DIGITS_RE.match(p.text.strip())]
    if not read:
        return []
    both = sorted(digits + read, key=lambda b: b.cy)
    nums = [int(b.text.strip()) for b in both]
    if any(b <= a for a, b in zip(nums, nums[1:])):
        return []
    steps = [(b.cy - a.cy) / (nb - na) for a, b, na, nb in zip(both, both[1:], nums, nums[1:])]
    lo, hi = min(steps), max(steps)
    if lo <= 0 or hi - lo > policy.numbers_pitch_agreement * lo:
        return []
    return read


def gutter_span(digits: list[Box], policy: PanePolicy = PANE) -> tuple[float, float]:
    """Top and bottom y of the rows a line-number gutter numbers: every code line has a number, so the gutter
    bounds the pane. Rows above the first number read are added later only where the gutter shows ink."""
    dh = max(b.h for b in digits)
    first = min(digits, key=lambda b: b.cy)
    pitch = digit_pitch(digits)
    missed = min(max(0, int(first.text.strip()) - 1), policy.gutter_missed_rows_above)
    top = first.cy - (missed + policy.gutter_top_slack_lines) * pitch
    return top, max(b.y2 for b in digits) + policy.gutter_bottom_slack * dh


def gutter_regions(digits: list[Box], policy: PanePolicy = PANE) -> list[list[Box]]:
    """Split one gutter's numbers where the numbering starts again (1 or 2 below a higher number): each run is
    its own code region — the input cells of a notebook, each numbered from 1 — with blank space, prompts and
    outputs between them that are not code."""
    ordered = sorted(digits, key=lambda b: b.cy)
    regions: list[list[Box]] = [[ordered[0]]] if ordered else []
    pitch = digit_pitch(ordered) if len(ordered) >= 2 else 0.0
    for a, b in zip(ordered, ordered[1:]):
        na, nb = int(a.text.strip()), int(b.text.strip())
        # a lower number is a new cell when it is 1 or 2 (its first numbers were read) or when something
        # taller than a line separates it from the one above (a prompt, an output); a misread digit inside
        # one cell is neither
        if nb < na and (nb <= 2 or b.cy - a.cy >= policy.cell_gap_lines * pitch):
            regions.append([b])
        else:
            regions[-1].append(b)
    return regions


def cut_stacked_rows(boxes: list[Box], line_h: float, frame: np.ndarray, policy: PanePolicy = PANE) -> list[Box]:
    """Narrow boxes as tall as several lines (one-digit line numbers stacked tightly, which the detector
    takes for one box) cut into one box per line, so each is read as the single line the recogniser expects
    (read whole, "3" over "4" over "5" comes back as "24"). The cuts fall in the blank rows between the
    glyphs (in gray levels of the BGR or gray `frame`): equal shares of the padded box would put every number
    a few pixels off, and the line pitch measured on them with it."""
    out: list[Box] = []
    for b in boxes:
        if int(round(b.h / max(line_h, 1.0))) < 2 or b.w > b.h:
            out.append(b)
            continue
        y1 = max(0, int(b.y1))
        ink = box_ink(frame, b)
        ink = ink[:, ink.mean(axis=0) < policy.rule_column_share] if ink.size else ink  # a frame's edge the box touches
        inked = np.flatnonzero(ink.any(axis=1)) if ink.size else np.zeros(0, dtype=int)
        glyphs: list[list[int]] = []
        for y in inked:
            if glyphs and y - glyphs[-1][1] <= policy.glyph_gap_px:
                glyphs[-1][1] = int(y)
            else:
                glyphs.append([int(y), int(y)])
        tallest = max((g[1] - g[0] + 1 for g in glyphs), default=0)
        glyphs = [g for g in glyphs if g[1] - g[0] + 1 >= policy.min_glyph_share * tallest]  # not a neighbour's edge
        if len(glyphs) < 2:
            out.append(b)
            continue
        # cut halfway between glyphs, and as far beyond the outer ones: each piece centred on its digit
        half = float(np.mean([(c[0] - a[1] - 1) / 2 for a, c in zip(glyphs, glyphs[1:])]))
        cuts = [y1 + glyphs[0][0] - half] + [y1 + (a[1] + c[0] + 1) / 2 for a, c in zip(glyphs, glyphs[1:])] \
            + [y1 + glyphs[-1][1] + 1 + half]
        out += [Box(b.x1, top, b.x2, bot) for top, bot in zip(cuts, cuts[1:])]
    return out


def consecutive_numbers(texts: list[str]) -> bool:
    """Do these texts read as line numbers one after the other ("3", "4", "5")?"""
    nums = [t.strip() for t in texts]
    return all(n.isdigit() for n in nums) and all(int(b) == int(a) + 1 for a, b in zip(nums, nums[1:]))


def unstack_numbers(b: Box, line_h: float) -> list[Box]:
    """Tightly stacked one-digit line numbers (a notebook cell's "2" over "3") that the detector took for one
    tall box reading "23": as many rows as the box is lines tall, one digit each. Anything else is kept."""
    text = b.text.strip()
    rows = int(round(b.h / max(line_h, 1.0)))
    if rows < 2 or len(text) != rows or not text.isdigit() or list(text) != sorted(text):
        return [b]
    step = b.h / rows
    return [Box(b.x1, b.y1 + i * step, b.x2, b.y1 + (i + 1) * step, ch, b.score) for i, ch in enumerate(text)]


def find_gutter(boxes: list[Box], frame_w: int, policy: PanePolicy = PANE) -> tuple[float, list[Box]] | None:
    """Line numbers: ≥3 digit boxes, right-aligned, increasing downwards, in the left 60% of the frame."""
    digits = [b for b in boxes if DIGITS_RE.match(b.text.strip()) and b.x2 < policy.numbers_x_share * frame_w]
    if not digits:
        return None
    line_h = float(np.median([b.h for b in boxes]))  # all text: the digits' own median may be a merged box
    digits = [d for b in digits for d in unstack_numbers(b, line_h)]
    med_h = float(np.median([b.h for b in digits]))
    digits = [b for b in digits if b.h <= policy.merged_numbers_heights * med_h]  # several numbers merged vertically into one box
    # right-aligned numbers share their right edge up to the detector's padding; chain them (single linkage)
    # so the numbers of notebook cells a few pixels apart stay one gutter
    tol = policy.gutter_align_tol * med_h
    groups: list[list[Box]] = []
    for b in sorted(digits, key=lambda b: b.x2):
        if groups and b.x2 - groups[-1][-1].x2 <= tol:
            groups[-1].append(b)
        else:
            groups.append([b])
    groups = [sorted(g, key=lambda b: b.cy) for g in groups]
    groups.sort(key=len, reverse=True)
    for best in groups:
        if _valid_gutter(best, boxes, policy):
            return float(np.median([b.x2 for b in best])), best
    return None


def _valid_gutter(best: list[Box], boxes: list[Box], policy: PanePolicy = PANE) -> bool:
    """Numbers that increase downwards; a short file's 1-2 numbers need code right beside them, or (when they
    do not start at 1) on the line just above the first: that line's number was missed."""
    nums = [int(b.text.strip()) for b in best]
    if len(best) >= 3:
        increasing = sum(1 for a, b in zip(nums, nums[1:]) if b > a)
        steps = number_steps(best)
        # a file's lines are one line apart, so its numbers step down by about a line each (more with wrapped
        # lines); counts in a shell's output ("6 73 notes.txt", "45 159 wordstats.py") jump by tens per line
        if steps and float(np.median(steps)) < policy.gutter_min_step_heights * float(np.median([b.h for b in best])):
            return False
        return increasing >= policy.increasing_share * (len(nums) - 1)
    if nums != list(range(nums[0], nums[0] + len(nums))) or nums[0] < 1:
        return False
    def right_of(b: Box, d: Box) -> bool:  # both boxes padded: with a one-cell gap their paddings overlap
        return b.x1 + min(b.w, b.h) / 2 > d.x2 and b.x1 - d.x2 < policy.beside_number_heights * d.h

    beside = [b for b in boxes if b not in best and any(
        abs(b.cy - d.cy) < policy.same_row_heights * d.h and right_of(b, d) for d in best)]
    if nums[0] > policy.short_file_first_max:  # far down a file: its lines must show above the numbers
        return bool(beside) and _lines_above_numbers(best, beside, boxes, policy)
    # the line above the first number, when that number is not 1: a thin "1" the detector missed, its line
    # typed and the number read under it on a line still blank (the cursor's)
    first = best[0]
    above = [b for b in boxes if b not in best and nums[0] > 1 and right_of(b, first)
             and policy.next_line_min < (first.cy - b.cy) / first.h < policy.next_line_max]
    # one number alone needs its line beside it; two consecutive ones need one (the other line may be blank)
    return len(beside) + len(above) >= 1


def _lines_above_numbers(best: list[Box], beside: list[Box], boxes: list[Box], policy: PanePolicy = PANE) -> bool:
    """Whether the lines of a file show above 1-2 line numbers read far down it (the dim numbers of the lines
    above were not detected): text starting at the code column beside the numbers, row after row up from them
    (a toolbar further up is not the file's, nor is an icon), on enough rows, none higher than the file's
    first line can be."""
    first = best[0]
    h = first.h
    col = min(b.x1 for b in beside)
    above = sorted(b.cy for b in boxes if b not in best and abs(b.x1 - col) < h
                   and any(c.isascii() for c in b.text.strip())  # an icon reads as CJK glyphs only
                   and b.cy < first.cy - policy.next_line_min * h)
    rows: list[float] = []
    for cy in above:  # distinct rows: box centres further apart than half a number's height
        if not rows or cy - rows[-1] >= policy.same_row_heights * h:
            rows.append(cy)
    if len(rows) < policy.missed_numbers_min_rows:
        return False
    step = best[1].cy - best[0].cy if len(best) >= 2 else float(np.min(np.diff(rows + [first.cy])))
    if step <= 0:
        return False
    run = [first.cy]  # the rows joined to the numbers, going up
    for cy in reversed(rows):
        if (run[-1] - cy) / step > policy.missed_numbers_gap_lines:
            break
        run.append(cy)
    if len(run) - 1 < policy.missed_numbers_min_rows:
        return False
    top_line = int(first.text.strip()) - 1 + policy.missed_numbers_slack_lines
    return (first.cy - run[-1]) / step <= top_line


def split_columns(boxes: list[Box], min_gap: float, frame_h: int, policy: PanePolicy = PANE) -> list[list[Box]]:
    """Group boxes into side-by-side columns separated by empty vertical bands at least `min_gap` wide.

    The bands are found from the middle of the screen only: a menu, title or status bar spans every column."""
    if not boxes:
        return []
    middle = [b for b in boxes if policy.middle_top_share * frame_h < b.cy < policy.middle_bottom_share * frame_h]
    if len(middle) < policy.middle_min_boxes:  # a terminal with a line or two at the top: nothing to split
        middle = boxes
    spans: list[list[float]] = []
    for b in sorted(middle, key=lambda b: b.x1):
        if spans and b.x1 <= spans[-1][1] + min_gap:
            spans[-1][1] = max(spans[-1][1], b.x2)
        else:
            spans.append([b.x1, b.x2])
    regions: list[list[Box]] = [[] for _ in spans]
    for b in boxes:
        cx = (b.x1 + b.x2) / 2
        k = min(range(len(spans)), key=lambda i: 0 if spans[i][0] <= cx <= spans[i][1]
                else min(abs(cx - spans[i][0]), abs(cx - spans[i][1])))
        regions[k].append(b)
    return [r for r in regions if r]


def _pitch_chain(rows: list[list[Box]], pitch: float, policy: PanePolicy = PANE) -> list[list[Box]]:
    """Longest run of rows sitting on one grid of the given pitch (blank lines allowed)."""
    cys = [float(np.median([b.cy for b in r])) for r in rows]
    chars = [sum(len(b.text.strip()) for b in r) for r in rows]
    best: list[int] = []
    best_key = (0, 0)
    for i in range(len(rows)):
        chain = [i]
        for j in range(i + 1, len(rows)):
            k = (cys[j] - cys[chain[-1]]) / pitch
            if k > policy.pane_gap_lines:  # a big vertical gap ends the pane
                break
            if abs(k - round(k)) < policy.on_pitch_tol and round(k) >= 1:
                chain.append(j)
        key = (len(chain), sum(chars[i] for i in chain))  # ties: the chain with more text (not a pointer + bar)
        if key > best_key:
            best, best_key = chain, key
    return [rows[i] for i in best]


def find_code_pane(boxes: list[Box], frame_w: int, frame_h: int,
                   cell: tuple[float, float, float] | None = None, policy: PanePolicy = PANE) -> PaneGuess:
    """The code pane among the text boxes. `cell`: (gutter x, top, bottom) of a region already bounded from
    its surface (a notebook cell), whose line numbers may not have been read."""
    g = PaneGuess()
    boxes = [b for b in boxes if b.text.strip()]
    if not boxes:
        return g
    gutter = find_gutter(boxes, frame_w, policy)
    if cell is not None:
        gutter = (cell[0], gutter[1] if gutter is not None else [])
    if gutter is None:
        split = split_line_numbers(boxes, policy=policy)
        gutter = find_gutter(split, frame_w, policy)
        if gutter is not None:
            boxes = split
    cand = boxes
    if gutter is not None:
        g.gutter_x, digits = gutter
        if digits:
            top_digit = min(digits, key=lambda b: b.cy)
            g.first_number = (int(top_digit.text.strip()), top_digit.cy)
        # every code line has a number (wrapped lines sit between numbers): the gutter bounds the pane
        # (one dim number may be missed above the first read; below the last number come status bars and
        # panels, so the bottom bound is tight). A box the detector ran across the gutter ("1 #!/usr/bin")
        # is split into its number and its text.
        top, bot = (cell[1], cell[2]) if cell is not None else gutter_span(digits, policy)
        gx = g.gutter_x
        straddling = [b for b in boxes if b.x1 < gx < b.x2]
        boxes = [b for b in boxes if b not in straddling] + split_line_numbers(straddling, policy=policy)
        cand = [b for b in boxes if b.x1 + min(b.w, b.h) / 2 > g.gutter_x + 1 and top <= b.cy <= bot]
    if not cand:
        if gutter is not None:  # an (almost) empty editor: the gutter alone says "code"
            g.score = policy.gutter_only_score
            g.pitch = float(np.median([b.h for b in gutter[1]])) if gutter[1] else None
        return g
    med_h = float(np.median([b.h for b in cand]))
    cand = [b for b in cand if policy.text_height_min * med_h <= b.h <= policy.text_height_max * med_h]
    if gutter is None:
        # No gutter: the screen may hold several text columns side by side (file tree | editor | docs).
        # Split at empty vertical bands and keep the most code-like column.
        cw_est = char_width(cand) or med_h * policy.char_w_per_height
        best: tuple[float, list[list[Box]], float | None] | None = None
        for region in split_columns(cand, policy.column_gap_cells * cw_est, frame_h, policy):
            rws = cluster_rows(region)
            p = line_pitch(rws)
            if p:
                rws = _pitch_chain(rws, p, policy)
            sc = code_likeness(rws, False, med_h, frame_h, policy) + policy.rows_bonus * len(rws)
            if best is None or sc > best[0]:
                best = (sc, rws, p)
        assert best is not None
        _, rows, pitch = best
    else:
        rows = cluster_rows(cand)
        pitch, g.numbers_pitch = _numbers_pitch(gutter[1], line_pitch(rows), policy)
        if pitch:
            rows = _pitch_chain(rows, pitch, policy)
    if gutter is None and rows:
        # No gutter: keep the dominant left-aligned block (terminal, REPL, editor without numbers).
        lefts = np.array([r[0].x1 for r in rows])
        cw0 = char_width([b for r in rows for b in r]) or med_h * policy.char_w_per_height
        # several text blocks side by side (file tree | editor | docs): score each left edge's block by how
        # code-like it is, not by how many rows align (indented code aligns worse than a file tree)
        best_rows: list[list[Box]] = []
        best_score = -1.0
        step = policy.left_edge_cells * cw0
        for x in sorted(set(np.round(lefts / step).astype(int))):
            xl = x * step
            members = [r for r in rows if abs(r[0].x1 - xl) < step]
            if len(members) < max(1, policy.block_min_share * len(rows)):
                continue
            block = [[b for b in r if b.x1 >= xl - step and (b.x1 - r[0].x1) < policy.block_reach_cells * cw0]
                     for r in rows if r[-1].x2 > xl]
            block = [[b for b in r if b.x1 >= xl - step] for r in block]
            block = [r for r in block if r]
            sc = code_likeness(block, False, med_h, frame_h, policy) + policy.rows_bonus * len(block)
            if sc > best_score:
                best_rows, best_score = block, sc
        rows = best_rows
    if not rows:
        return g
    return pane_from_rows(g, rows, pitch, med_h, frame_h, policy)


def pane_from_rows(g: PaneGuess, rows: list[list[Box]], pitch: float | None, text_h: float,
                   frame_h: int, policy: PanePolicy = PANE) -> PaneGuess:
    """The pane's geometry and score from the code rows chosen for it (`g` keeps its gutter)."""
    flat = [b for r in rows for b in r]
    g.rows = rows
    g.pitch = pitch or float(np.median([b.h for b in flat])) * policy.pitch_per_box_height
    g.char_w = char_width(flat)
    g.x0 = min(b.x1 for b in flat)
    x1 = int(g.gutter_x + policy.gutter_pad_px) if g.gutter_x is not None else int(max(0, g.x0 - policy.text_pad_px))
    y1 = int(min(b.y1 for b in flat))
    y2 = int(max(b.y2 for b in flat))
    x2 = int(max(b.x2 for b in flat))
    g.pane = (x1, y1, x2, y2)
    # detector boxes are padded (a 16-px font gives 28-33 px boxes); lines can't be taller than their pitch,
    # and with one line there is no pitch: its padded box overstates its height
    line_h = min(text_h, g.pitch) if pitch else text_h / policy.padded_box_per_line
    g.score = code_likeness(rows, g.gutter_x is not None, line_h, frame_h, policy)
    return g


def code_likeness(rows: list[list[Box]], has_gutter: bool, text_h: float, frame_h: int, policy: PanePolicy = PANE) -> float:
    texts = [" ".join(b.text for b in r) for r in rows]
    n = len(texts)
    if n == 0:
        return policy.gutter_only_score if has_gutter else 0.0
    # a file tree / menu: rows that are a bare file name, a folder or a caps heading are UI, not code
    ui = sum(1 for t in texts if UI_ROW_RE.match(t.strip()) and not COMMENT_START_RE.match(t.strip())) / n
    codeish = sum(1 for t in texts if (set(t) & CODE_CHARS) or CODE_WORDS.search(t)) / n
    mono = monospace_score([b for r in rows for b in r])
    big_text = text_h > frame_h / policy.slide_text_frac  # slide-sized letters
    score = policy.codeish_weight * codeish + policy.mono_weight * mono + (
        policy.gutter_weight if has_gutter else policy.per_line_weight * min(n, policy.few_lines))
    if big_text:
        score -= policy.big_text_penalty
    if any(PROMPT_RE.match(t.strip()) for t in texts):  # a shell or REPL prompt: a terminal, even if short
        score += policy.prompt_bonus
    score -= policy.ui_penalty * ui
    if n <= 1 and not has_gutter:
        score -= policy.one_line_penalty
    return float(np.clip(score, 0.0, 1.0))


def learning_topic(boxes: list[Box], frame_h: int, policy: PanePolicy = PANE) -> str | None:
    """The slide title / page heading: the tallest text in the upper part of the frame, else the first line."""
    texts = [b for b in boxes if len(b.text.strip()) >= policy.topic_min_chars and b.score > policy.topic_min_score]
    if not texts:
        return None
    upper = [b for b in texts if b.cy < policy.topic_upper_share * frame_h] or texts
    tallest = max(b.h for b in upper)
    heads = [b for b in upper if b.h >= policy.heading_share * tallest]
    heads.sort(key=lambda b: (b.y1, b.x1))
    row = [b for b in heads if abs(b.cy - heads[0].cy) < policy.same_row_heights * heads[0].h]
    title = " ".join(b.text.strip() for b in sorted(row, key=lambda b: b.x1))
    return title[:policy.topic_max_chars] or None


def file_name(boxes: list[Box], pane_top: float | None, frame_h: int, policy: PanePolicy = PANE) -> str | None:
    """The open file's name from a tab or title bar above the code (nearest above the pane wins)."""
    limit = pane_top if pane_top is not None else policy.file_name_share * frame_h
    found: list[tuple[float, str]] = []
    for b in boxes:
        if b.cy > limit:
            continue
        for m in FILE_RE.finditer(b.text):
            found.append((b.cy, m.group(1)))
    if not found:
        return None
    # The window title names the active file first ("grades.py - project - Editor"); else the tab nearest the code.
    title = [name for cy, name in found if cy < policy.title_bar_share * frame_h]
    if title:
        return title[0]
    return max(found)[1]
