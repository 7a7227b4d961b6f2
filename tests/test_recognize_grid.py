"""The character-grid measurements that turn pixels into columns: ink, guides, grid fit, row changes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pausecode.recognize.grid import (bars_under_baseline, cell_pattern, fit_grid_to_text, grid_agreement,
                                      ink_columns, ink_mask, refine_char_width, repeats_filled, respace,
                                      strokes_merged, text_fit_advances, underscore_cells)
from pausecode.recognize.layout import border_below
from pausecode.recognize.marks import cursor_bars
from pausecode.recognize.ocr import OcrEngine, clear_number_ink, gap_inked, row_changed, same_screen
from pausecode.synth.fonts import cell_width, mono

class NoModel(OcrEngine):
    """An OCR engine whose models are never asked: what the pixel measurements alone decide."""

    name = "stub"

    def _detect_and_read(self, frame: np.ndarray) -> list:
        return []

    def _read_row_images(self, images: list[np.ndarray]) -> list:
        return []


PITCH = 20
FONT, SIZE = "dejavu", 14


def render_rows(lines: list[str], scale: float = 1.0, x0: int = 30) -> np.ndarray:
    """Gray image of code lines, light text on dark, optionally resampled (real videos are scaled, so the
    advance is not a whole number of pixels)."""
    w = x0 + cell_width(FONT, SIZE) * (max(len(s) for s in lines) + 4)
    img = Image.new("L", (w, PITCH * len(lines)), 30)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((x0, i * PITCH + 2), line, font=mono(FONT, SIZE), fill=220)
    if scale != 1.0:
        img = img.resize((int(round(w * scale)), int(round(PITCH * len(lines) * scale))), Image.BILINEAR)
    return np.asarray(img)


def row(img: np.ndarray, i: int, pitch: float) -> np.ndarray:
    return img[int(round(i * pitch)): int(round((i + 1) * pitch))]


def test_faint_indent_guide_is_not_ink():
    img = render_rows(["    x = 1"]).copy()
    img[:, 31] = 30 + 38  # a faint guide at column 0, just under the ink threshold...
    img[9, 31] = 30 + 45  # ...with one compression speck above it
    cols = ink_columns(img, 30.0)
    first = int(np.flatnonzero(cols)[0])
    assert first >= 30 + 4 * cell_width(FONT, SIZE) - 1  # ink starts at the code, not at the guide


def test_bright_thin_glyph_stays_ink():
    img = render_rows(["l = 1"])
    cols = ink_columns(img, 30.0)
    assert cols[30: 30 + cell_width(FONT, SIZE)].any()  # the "l" is text


def test_grid_fit_recovers_fractional_advance():
    """From a short screen (few lines) the periodicity is ambiguous; the OCR text pins the grid."""
    lines = ["# Grade book: functions, a class, loops and f-strings", "from statistics import mean",
             "GRADE_BANDS = {", '    "A": 90,', '    "B": 80,']
    scale = 1.063
    img = render_rows(lines, scale=scale)
    true_cw = cell_width(FONT, SIZE) * scale
    pitch = PITCH * scale
    rows = [(ink_columns(row(img, i, pitch)), text) for i, text in enumerate(lines)]
    profile = np.sum([c for c, _ in rows], axis=0).astype(float)
    cw0, phase0 = refine_char_width(profile, true_cw * 1.03, 30 * scale)
    cw, phase, score = fit_grid_to_text(rows, cw0, phase0 % cw0)
    assert abs(cw - true_cw) < 0.01 * true_cw
    assert score >= grid_agreement(rows, cw0, phase0 % cw0)
    # with that grid, every row's inked cells are exactly its text's glyphs
    x0 = phase + np.floor((30 * scale - phase) / cw + 0.3) * cw
    for (cols, text), line in zip(rows, lines):
        cells = cell_pattern(cols, x0, cw, len(line) + 2)
        assert cells == [not ch.isspace() for ch in line] + [False, False], line


def test_a_screen_of_long_lines_keeps_the_advance_its_ink_repeats_with():
    """Many long rows pin the advance by their ink's periodicity far better than the OCR text can (its spaces
    are dropped and doubled): the text may choose only among advances the ink cannot tell apart."""
    lines = [f"    result_{i} = compute_total(values[{i}], weights, offset={i}) + adjust(k)"
             for i in range(12)]
    scale = 1.063
    img = render_rows(lines, scale=scale)
    true_cw = cell_width(FONT, SIZE) * scale
    pitch = PITCH * scale
    cols = [ink_columns(row(img, i, pitch)) for i in range(len(lines))]
    profile = np.sum(cols, axis=0).astype(float)
    cw0, phase0 = refine_char_width(profile, true_cw * 1.03, 30 * scale)
    advances = text_fit_advances(profile, cw0)
    assert advances.min() <= true_cw <= advances.max()
    assert advances.max() - advances.min() < 0.02 * true_cw  # the text's ±4 % narrowed to the ink's peak
    read = [text.replace(", ", ",", 1) for text in lines]  # the recogniser lost a space in every row
    cw, _, _ = fit_grid_to_text(list(zip(cols, read)), cw0, phase0 % cw0, advances=advances)
    assert abs(cw - true_cw) < 0.003 * true_cw


@pytest.mark.parametrize("read", ["def _init_(self):", "def __init_(self):", "def init__(self):",
                                  "def ___init__(self):"])
def test_underscores_dropped_or_doubled_by_the_recogniser_come_back_from_the_pixels(read: str) -> None:
    truth = "def __init__(self):"
    img = render_rows([truth])
    cw = cell_width(FONT, SIZE)
    cells = cell_pattern(ink_columns(img, 30.0), 30, cw, len(truth) + 2)
    under = underscore_cells(ink_mask(img, 30.0), 30, cw, len(truth) + 2)
    assert [i for i, u in enumerate(under) if u] == [4, 5, 10, 11]  # the pixels see exactly the four underscores
    assert respace(read, cells, under) == truth
    assert respace("def __lnit__(self)", cells, under) is None  # a character lost besides: not guessed


def test_a_hyphen_read_on_a_bar_under_the_baseline_is_an_underscore_and_a_real_hyphen_stays() -> None:
    truth = "name, _, rest = a - b"
    img = render_rows([truth])
    cw = cell_width(FONT, SIZE)
    cells = cell_pattern(ink_columns(img, 30.0), 30, cw, len(truth) + 2)
    low = bars_under_baseline(ink_mask(img, 30.0), 30, cw, len(truth) + 2)
    assert [k for k, bar in enumerate(low) if bar] == [6]
    assert respace("name, -, rest = a - b", cells, low_bars=low) == truth


def _read_at(truth: str, kept: list[int], cw: int) -> tuple[str, tuple[tuple[float, float], ...]]:
    """A reading that kept the characters of these cells, each emitted by the model 0.7 cell into its cell."""
    return "".join(truth[k] for k in kept), tuple(((k + 0.6) * cw, (k + 0.8) * cw) for k in kept)


@pytest.mark.parametrize(("truth", "kept", "expected"), [
    ('RECORDS = """', [0, 1, 2, 3, 4, 5, 6, 8, 10, 12], 'RECORDS = """'),  # the middle quote lost
    ("##.....#....", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "##.....#...."),  # the last dot of a run lost
    ('f("")', [0, 1, 2, 3], None),  # the ")" after a pair of quotes lost: not a quote, not guessed
    ('x = "a"', [0, 2, 4, 6], None),  # "a" lost between two quotes: another glyph
])
def test_a_glyph_read_once_too_few_in_a_run_is_put_back_from_the_pixels(truth, kept, expected) -> None:
    img = render_rows([truth])
    cw = cell_width(FONT, SIZE)
    cells = cell_pattern(ink_columns(img, 30.0), 30, cw, len(truth) + 2)
    text, spans = _read_at(truth, kept, cw)
    ink = np.abs(img.astype(np.float32) - 30.0) / 255.0
    assert repeats_filled(text, spans, 0.0, cw, cells, ink, 30.0) == expected


def _read_doubled(truth: str, doubled: dict[int, str],
                  cw: int) -> tuple[str, tuple[tuple[float, float], ...]]:
    """A reading with each cell's character emitted 0.7 cell in, and the cells in `doubled` read as two
    characters, emitted 0.45 and 0.85 cell in."""
    text, spans = "", []
    for k, c in enumerate(truth):
        if c == " ":
            continue
        for i, got in enumerate(doubled.get(k, c)):
            at = k + (0.45 + 0.4 * i if k in doubled else 0.7)
            text, spans = text + got, spans + [((at - 0.1) * cw, (at + 0.1) * cw)]
    return text, tuple(spans)


@pytest.mark.parametrize(("truth", "doubled", "expected"), [
    ('RECORDS = """', {10: "I1", 11: "11", 12: "11"}, 'RECORDS = """'),  # Anonymous Pro's '"""' (micro)
    ('say("hi")', {4: "1|"}, 'say("hi")'),
    ("x = 11", {}, None),  # two strokes in two cells: nothing to merge
    ('f("a")', {3: "ab"}, None),  # two letters in one cell: not a quote, not guessed
])
def test_two_strokes_read_in_one_cell_are_a_double_quote(truth, doubled, expected) -> None:
    img = render_rows([truth])
    cw = cell_width(FONT, SIZE)
    cells = cell_pattern(ink_columns(img, 30.0), 30, cw, len(truth) + 2)
    text, spans = _read_doubled(truth, doubled, cw)
    assert strokes_merged(text, spans, 0.0, cw, cells) == expected


@pytest.mark.parametrize("what", ["guide", "cursor", "ruler"])
def test_row_change_ignores_editor_decorations(what):
    a = render_rows(["    total = total + x" + " " * 60])
    b = a.copy()
    if what == "guide":  # an indent guide lights up when the cursor enters its block
        b[:, 31:32] = 200
    elif what == "cursor":  # the text cursor moves along the line
        b[2:18, 120:122] = 220
    else:  # the overview ruler at the pane's right edge marks the cursor line
        b[5:12, -10:] = 200
    assert not row_changed(a, b, cell_width(FONT, SIZE))


def test_row_change_sees_a_typed_character():
    a = render_rows(["    total = total + x "])
    b = render_rows(["    total = total + xy"])
    assert row_changed(a, b, cell_width(FONT, SIZE))


def test_cursor_and_bracket_box_are_found_but_glyphs_are_not():
    cw = cell_width(FONT, SIZE)
    img = render_rows(["x = [a | b]    }"]).copy()
    assert cursor_bars(img, 30.0, cw) == []  # "[", "|" and "]" are glyphs
    img[:, 40:42] = 220  # a bar cursor over the whole row
    x = 30 + 15 * cw  # the "}" cell gets a matching-bracket box
    img[1:18, x - 1] = 150
    img[1:18, x + cw] = 150
    img[17, x - 1:x + cw + 1] = 150
    bars = cursor_bars(img, 30.0, cw)
    assert (40, 42) in bars
    assert (x - 1, x) in bars and (x + cw, x + cw + 1) in bars


def test_brackets_that_fill_the_line_are_glyphs_not_a_bracket_box():
    """A font whose "[" and "]" span the whole line (held-out micro): "[]" and "][" are two strokes one cell
    apart, like a matching bracket's box, but their serifs leave a gap where a box's edge is closed."""
    cw, row = 11, np.full((21, 80), 255, dtype=np.uint8)
    for x, inward in ((20, 1), (32, -1), (50, -1), (61, 1)):  # "[]" then "]["
        row[2:20, x:x + 2] = 0
        serif = slice(x, x + 4) if inward > 0 else slice(x - 2, x + 2)
        row[2, serif] = row[19, serif] = 0
    assert cursor_bars(row, 255.0, cw) == []
    row[19, 20:34] = 0  # the same two sides closed at the bottom: a box
    assert (20, 22) in cursor_bars(row, 255.0, cw)
    row[19, 26] = 255  # an edge one antialiased pixel short of closed (Monaco light): still a box
    assert (20, 22) in cursor_bars(row, 255.0, cw)


def test_border_of_a_panel_below_the_editor_is_found():
    img = render_rows(["x = 1", "y = 2", "z = 3", "", "", ""]).copy()
    img[95, :] = 90  # the panel's top border, below three code rows
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) == 95


def test_current_line_box_is_not_a_panel_border():
    img = render_rows(["x = 1", "y = 2", "z = 3", "", "", ""]).copy()
    img[40, :] = 90  # a current-line box: two lines one row apart
    img[60, :] = 90
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) is None


def test_current_line_painted_in_full_is_not_a_panel_border():
    img = render_rows(["x = 1", "y = 2", "z = 3", "", "", ""]).copy()
    img[3 * PITCH:4 * PITCH, :] = 90  # vim's cursorline: the row under the last line filled, the surface below
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) is None
    # measured from the grid's own row 0, which a whole-pixel pane top does not hold
    assert border_below(img[3:], (0, 0, img.shape[1], img.shape[0] - 3), PITCH, grid_y0=-3.0) is None
    # a band of another height, or off the grid, is still a panel's header
    img = render_rows(["x = 1", "y = 2", "z = 3", "", "", ""]).copy()
    img[3 * PITCH + PITCH // 2:5 * PITCH, :] = 90
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) == 3 * PITCH + PITCH // 2
    img = render_rows(["x = 1", "y = 2", "z = 3", "", "", ""]).copy()
    img[3 * PITCH + PITCH // 2:4 * PITCH + PITCH // 2, :] = 90
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) == 3 * PITCH + PITCH // 2
    # one row tall and on the grid, but with a single row under it (vim's status line over its command line)
    img = render_rows(["x = 1", "y = 2", "z = 3", "", ""]).copy()
    img[3 * PITCH:4 * PITCH, :] = 90
    assert border_below(img, (0, 0, img.shape[1], img.shape[0]), PITCH) == 3 * PITCH


def test_current_line_painted_right_of_the_numbers_above_a_panel_is_not_a_border():
    """Thonny's black current line on the editor's last visible row, its Shell pane right under it: the band
    stops at the line numbers (the gutter under it keeps its colour), a panel's header does not; a scrollbar
    beside the band and its text keep some of its pixel rows under the ruled share."""
    img = np.full((8 * PITCH, 400), 30, np.uint8)
    img[:, :40] = 50  # the gutter
    img[3 * PITCH:4 * PITCH, 40:385] = 90  # the current line, painted right of the numbers
    img[3 * PITCH:3 * PITCH + 3, 365:385] = 30  # its first pixel rows broken where the scrollbar's end sits
    img[4 * PITCH + 8:, :] = 120  # the Shell pane, across the gutter too, below a gap
    pane = (40, 0, 400, img.shape[0])
    assert border_below(img, pane, PITCH, code_bottom=3 * PITCH, gutter=(0, 38)) == 4 * PITCH + 8
    img[3 * PITCH:4 * PITCH, :40] = 90  # a header painted across the gutter is a border
    assert border_below(img, pane, PITCH, code_bottom=3 * PITCH, gutter=(0, 38)) == 3 * PITCH + 3


def test_short_cursor_between_cells_is_found_but_a_bar_glyph_is_not():
    cw = cell_width(FONT, SIZE)
    img = np.full((PITCH, 30 + 12 * cw), 30, dtype=np.uint8)
    img[1:18, 30 + 3 * cw: 30 + 3 * cw + 2] = 220  # a cursor (85 % of the row) on the boundary of cells 2|3
    img[1:18, 30 + 6 * cw + cw // 2] = 220  # a "|" glyph of the same height, centred in cell 6
    bars = cursor_bars(img, 30.0, cw, x0=30.0)
    assert bars == [(30 + 3 * cw, 30 + 3 * cw + 2)]


def test_same_screen_tells_a_slide_build_from_a_new_screen():
    slide = np.full((180, 320), 20, dtype=np.uint8)
    slide[20:30, 40:200] = 230  # title
    slide[60:66, 40:180] = 200  # bullet 1
    slide[80:86, 40:170] = 200  # bullet 2
    build = slide.copy()
    build[100:106, 40:160] = 200  # bullet 3 appears
    terminal = np.full((180, 320), 20, dtype=np.uint8)
    terminal[10:16, 5:150] = 200  # a prompt line in the corner: few pixels differ, but all of the ink
    terminal[20:26, 5:90] = 200
    assert same_screen(slide, build)
    assert not same_screen(slide, terminal)


def test_text_across_the_gutter_gap_means_the_editor_is_gone():
    from pausecode.recognize.base import CodeLayout

    cw = cell_width(FONT, SIZE)
    editor = render_rows(["  1 import sys"], x0=0)  # vim: number, gap, code from column 4
    shell = render_rows(["dev@laptop:~$ ls"], x0=0)  # the shell that replaced it writes across the gap
    layout = CodeLayout(x0=4 * cw, y0=0, pitch=PITCH, char_width=cw, pane=(3 * cw + 2, 0, 400, PITCH),
                        gutter_x=3 * cw - 1)
    assert not gap_inked(editor, layout, 0)
    assert gap_inked(shell, layout, 0)


def test_docstring_quotes_count_as_ink_from_the_first_mark():
    """The six marks of a docstring's opening quotes sit above the glyph bodies: they chain to the text one
    mark at a time, and the first one decides the line's indentation."""
    cw = cell_width(FONT, SIZE)
    img = render_rows(['    """Return the grade."""'])
    cols = ink_columns(img, 30.0)
    first = int(np.flatnonzero(cols)[0])
    assert 30 + 4 * cw <= first < 30 + 5 * cw


def test_the_cursor_after_the_last_typed_character_is_found_without_the_grid():
    from pausecode.recognize.marks import end_of_line_bar

    cw = cell_width(FONT, SIZE)
    for text, has_descender in (("# Recursi", False), ("x = fib(n)", True)):
        img = render_rows([text]).copy()
        ink = np.abs(img.astype(np.int16) - 30) > 40
        rows = np.flatnonzero(ink.any(axis=1))
        end = int(np.flatnonzero(ink.any(axis=0))[-1]) + 3
        assert end_of_line_bar(ink) is None, text  # the text alone: no bar, whatever its last glyph
        img[max(0, rows[0] - 2): rows[-1] + 3, end: end + 2] = 220  # Tk's cursor: the font's whole line
        ink = np.abs(img.astype(np.int16) - 30) > 40
        assert end_of_line_bar(ink) == (end, end + 2), (text, has_descender)
    img = render_rows(["total = total"]).copy()  # an "l" ends the line: it stops at the baseline
    ink = np.abs(img.astype(np.int16) - 30) > 40
    assert end_of_line_bar(ink) is None
    assert cw > 0


def test_a_row_with_a_guessed_character_is_read_again_in_gray() -> None:
    from pausecode.recognize.base import RowRead
    from pausecode.recognize.ocr import OcrEngine

    class Stub(OcrEngine):
        name = "stub"

        def __init__(self) -> None:
            super().__init__(None)
            self.calls: list[list[int]] = []

        def _detect_and_read(self, frame: np.ndarray) -> list:
            return []

        def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
            self.calls.append([im.ndim for im in images])
            if all(im.ndim == 3 for im in images):  # the colour reading: row 1 holds a guessed glyph
                return [RowRead("x = 1", 0.98, 0.97), RowRead("impor I csv", 0.95, 0.33), RowRead("y", 0.9, 0.4)]
            return [RowRead("import csv", 0.97, 0.93), RowRead("v", 0.8, 0.2)]  # the gray re-reading

    eng = Stub()
    crops = [np.zeros((20, 60, 3), np.uint8) for _ in range(3)]
    got = eng._reread_unsure(crops, eng._read_row_images(crops))
    assert eng.calls == [[3, 3, 3], [2, 2]]  # only the two unsure rows were read again, in gray
    assert [g.text for g in got] == ["x = 1", "import csv", "y"]  # kept when surer, else the first reading
    assert eng.rows_read == 2


def test_a_line_number_inside_the_pane_is_not_read_as_code() -> None:
    """A number split off a detector box ("2 memo = ...") can put the pane's left edge inside the number;
    beside a gutter, ink left of column 0 is that number and stays out of the row the recogniser reads."""
    from pausecode.recognize.base import CodeLayout, RowRead
    from pausecode.recognize.ocr import OcrEngine

    class Stub(OcrEngine):
        name = "stub"

        def __init__(self) -> None:
            super().__init__(None)
            self.crops: list[np.ndarray] = []

        def _detect_and_read(self, frame: np.ndarray) -> list:
            return []

        def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
            self.crops += images
            return [RowRead("memo = {}", 0.99, 0.99) for _ in images]

    cw, gutter_x, x0 = 11.0, 53.0, 68.0
    gray = np.zeros((24, 400), np.uint8)  # ink map: background 0
    gray[5:18, 36:53] = 200  # the line's number, right-aligned at the gutter edge
    for k in range(9):  # the code, one glyph per cell from column 0
        x = int(x0 + k * cw)
        gray[6:18, x + 2:x + 8] = 200
    layout = CodeLayout(x0=x0, y0=0.0, pitch=24.0, char_width=cw, pane=(44, 0, 400, 24), gutter_x=gutter_x,
                        fit_lines=3)
    eng = Stub()
    lines = eng._read_grid_rows(gray, layout, [0])
    assert lines[0].text == "memo = {}"  # no indent from the number's ink
    inked_columns = (eng.crops[0] > 40).any(axis=0).nonzero()[0]
    assert inked_columns[0] >= 4  # the crop starts with the margin left of column 0, not the number's ink
    # code written left of a column 0 guessed cells too far right starts clear of the numbers: it is kept
    late = CodeLayout(x0=x0 + 4 * cw, y0=0.0, pitch=24.0, char_width=cw, pane=(56, 0, 400, 24), gutter_x=gutter_x,
                      fit_lines=3)
    lines = eng._read_grid_rows(gray, late, [0])
    inked = (eng.crops[-1] > 40).any(axis=0).nonzero()[0]
    first_glyph = inked[inked < inked[0] + int(cw) - 2]
    assert 0 in lines and len(first_glyph) == 6  # its first glyph reaches the recogniser whole


def test_code_left_of_a_guessed_column_0_is_not_a_shell_across_the_gutter() -> None:
    """Column 0 measured on indented lines only (a view zoomed into a block) sits a few cells too far right;
    the one line written further left is this file's code, not a shell writing across the numbers' gap."""
    from pausecode.recognize.base import CodeLayout

    cw, gutter_x = 12.0, 116.0
    layout = CodeLayout(x0=gutter_x + 6 * cw, y0=0.0, pitch=28.0, char_width=cw, pane=(118, 0, 600, 28),
                        gutter_x=gutter_x, fit_lines=16)
    gray = np.zeros((28, 600), np.uint8)
    x = int(gutter_x + 2 * cw)  # "if" at the real column 0, two cells right of the numbers
    gray[6:22, x + 2:x + 9] = 200
    gray[6:22, x + 14:x + 21] = 200
    assert not gap_inked(gray, layout, 0)
    gray[6:22, int(gutter_x) + 3:int(gutter_x) + 9] = 200  # text running on from the numbers' side
    assert gap_inked(gray, layout, 0)


def test_a_current_line_painted_above_the_first_line_read_is_still_a_file_line() -> None:
    """Monaco's high-contrast themes fill the current line with a tint of the code's surface, in the code area
    only; when it is the top line and the detector missed its number, it is still counted among the numbered
    lines above. A bar painted in the same tint across the gutter (tmux's status line) is not."""
    from pausecode.recognize.base import CodeLayout
    from pausecode.recognize.ocr import to_ink

    pitch, cw, gutter_x = 22, 10.0, 60.0
    frame = np.full((8 * pitch, 400, 3), (53, 42, 39), np.uint8)
    frame[:pitch, 62:] = (71, 56, 54)  # the current line, tinted in the code area, at the top
    for r in range(8):  # a number's last digit in every row, right-aligned at the gutter edge
        frame[r * pitch + 5:r * pitch + 17, 52:58] = (200, 200, 200)
        frame[r * pitch + 5:r * pitch + 17, 80:200:12] = (230, 230, 230)  # some code
    eng = NoModel(None)
    eng._frame = frame
    layout = CodeLayout(x0=80.0, y0=4.0 * pitch, pitch=float(pitch), char_width=cw, pane=(62, 4 * pitch, 400, 8 * pitch),
                        gutter_x=gutter_x, fit_lines=4)
    assert eng._numbered_rows_above(to_ink(frame), layout, 0, room=4) == 4
    bar = frame.copy()
    bar[:pitch] = (71, 56, 54)  # the same tint across the gutter too: a status bar (tmux), not a file line
    eng._frame = bar
    assert eng._numbered_rows_above(to_ink(bar), layout, 0, room=4) == 3
    frame[:pitch] = (150, 150, 150)  # a bar painted in another colour: not a file line
    eng._frame = frame
    assert eng._numbered_rows_above(to_ink(frame), layout, 0, room=4) == 3


def test_a_number_merged_with_its_code_is_split_where_the_pixels_show_the_gap() -> None:
    """nano and vim leave one cell between a line number and its code, and the detector boxes both as one
    ("12 import re"). Shares of the padded box put the cut inside the code; the blank columns do not."""
    from pausecode.recognize.classify import split_line_numbers
    from pausecode.recognize.grid import Box

    cw, first = 10.0, 20
    frame = np.full((30, 200), 40, np.uint8)
    frame[8:22, first + 1:first + 8] = 220  # "1"
    frame[8:22, first + 11:first + 18] = 220  # "2", the number's last glyph ends at 38
    for k in range(3, 12):  # "import re": glyphs from the fourth cell on, code starts at x = 51
        if k != 9:
            frame[8:22, first + k * 10 + 1:first + k * 10 + 8] = 220
    box = Box(12.0, 2.0, first + 12 * cw + 8, 28.0, "12 import re")  # 9 px left of the first ink at 21
    num, code = split_line_numbers([box], frame)
    assert (num.text, code.text) == ("12", "import re")
    assert num.x2 == 38 + 9 and code.x1 == 51 - 9  # each edge padded as the detector padded the merged box
    shares = split_line_numbers([box])[1]  # without pixels: the box's width per character, a few % large
    assert shares.x1 > code.x1 + 3
    no_gap = np.full((30, 200), 40, np.uint8)  # ink everywhere: no gap to see, the shares are kept
    no_gap[8:22, 20:150] = 220
    assert split_line_numbers([box], no_gap)[1].x1 == shares.x1


def test_the_pitch_is_the_slope_of_centres_that_jitter() -> None:
    from pausecode.recognize.grid import Box, fitted_pitch, line_pitch

    rng = np.random.default_rng(3)
    lines = np.array([0, 1, 2, 4, 5, 7, 9, 10, 12, 14])
    cys = 50 + 20.0 * lines + rng.uniform(-1.0, 1.0, len(lines))
    rows = [[Box(30.0, cy - 12, 300.0, cy + 12, "x = 1")] for cy in cys]
    assert abs(line_pitch(rows) - 20.0) < 0.15  # one spacing alone is ±1 px off
    assert fitted_pitch([0, 1], [50.0, 71.0], 21.0) == 21.0  # two lines: nothing to average, kept
    assert fitted_pitch([0, 1, 5], [50.0, 70.0, 250.0], 20.0) == 20.0  # a slope far off: a line index wrong


def test_two_lines_and_a_status_bar_far_below_give_the_lines_pitch() -> None:
    """A shell after `clear`: a prompt, one REPL line, and tmux's status bar 55 lines further down. The first
    guess of the pitch is a spacing that was measured, not a value between 18.65 and 1027 px."""
    from pausecode.recognize.grid import Box, line_pitch

    rows = [[Box(3.0, cy - 12.5, 300.0, cy + 12.5, "x = 1")] for cy in (18.0, 36.65, 18.0 + 56 * 18.65)]
    assert abs(line_pitch(rows) - 18.65) < 0.01


def test_an_incremental_read_ends_at_the_files_last_line_and_gives_way_when_a_bar_covers_the_pane() -> None:
    """Below a file's last numbered line an editor shows empty rows, then its own status and key help
    (nano's "^G Help" has ink right at the gutter's edge, like a number): none of it is code. A title bar
    painted where a shell's pane was says the layout no longer fits the screen."""
    from pausecode.recognize.base import CodeLayout

    cw, pitch, gutter_x = 10.0, 20.0, 30.0
    layout = CodeLayout(x0=40.0, y0=0.0, pitch=pitch, char_width=cw, pane=(32, 0, 600, 400), gutter_x=gutter_x,
                        fit_lines=5)
    gray = np.zeros((400, 600), np.uint8)
    for r in range(5):  # five numbered lines, the fourth blank
        gray[r * 20 + 5:r * 20 + 16, 22:29] = 200
        if r != 3:
            gray[r * 20 + 5:r * 20 + 16, 42:200] = 200
    for r in (6, 7):  # empty rows with the pointer's stroke far right, then key help from the left edge
        gray[r * 20 + 3:r * 20 + 17, 590:592] = 200
    gray[17 * 20 + 5:17 * 20 + 16, 8:29] = 200
    gray[17 * 20 + 5:17 * 20 + 16, 40:120] = 200
    eng = NoModel(None)
    assert eng._file_end(gray, layout, 20) == 5
    assert not eng._covered(gray, gray, layout, [0, 1])  # typing keeps a row's surface
    barred = gray.copy()
    barred[0:20, :] = 120  # a title bar over the first row
    assert eng._covered(barred, gray, layout, [0])
    assert not eng._covered(barred, barred, layout, [0])  # a bar that was already there is not news


def test_number_ink_is_cleared_only_where_a_gap_follows_it() -> None:
    """A line number the split left inside the pane is cleared before the grid fit; a box drawn round the
    current line (Monaco's frame, broken for a pixel where a fold mark sits) runs on after a pixel's break and
    stays, so the row is still seen to start at the pane's edge and is left out of the fit: cleared, its rest
    would pass for text a cell left of column 0 (every indentation one column deeper)."""
    from pausecode.recognize.base import CodeLayout

    layout = CodeLayout(x0=348.0, y0=0.0, pitch=20.0, char_width=9.0, pane=(330, 0, 1280, 400), gutter_x=328.0)
    number = np.zeros(900, bool)
    number[0:7] = True  # a digit at the pane's edge, a space, then the code
    number[18:60] = True
    clear_number_ink(number, layout)
    assert not number[:7].any() and number[18:60].all()
    frame = np.zeros(900, bool)
    frame[0:9] = True  # the frame's line, a one-pixel break, on again
    frame[10:900] = True
    clear_number_ink(frame, layout)
    assert frame[:9].all()


def test_code_at_column_0_just_past_a_padded_number_box_is_not_a_shell() -> None:
    """vim leaves one space between a one-digit number and the code; the number's box is padded past its
    digit, so a line at column 0 starts right at the box's edge. With column 0 guessed on indented lines
    only, that line is this file's code (a blank gap parts it from the number), not a shell across the gap."""
    from pausecode.recognize.base import CodeLayout

    cw = cell_width(FONT, SIZE)
    editor = render_rows(["  5 def f():"], x0=0)
    shell = render_rows(["dev@laptop:~$ ls"], x0=0)
    layout = CodeLayout(x0=8 * cw, y0=0, pitch=PITCH, char_width=cw, pane=(4 * cw - 1, 0, 400, PITCH),
                        gutter_x=4 * cw - 3)
    assert not gap_inked(editor, layout, 0)
    assert gap_inked(shell, layout, 0)


def test_a_current_line_painted_only_right_of_the_numbers_is_still_a_pane_row() -> None:
    """Thonny's dark themes paint the current line black on a gray pane, further from the pane's gray than a
    tint; the colour stops at the line numbers, so the row is the editor's. A status bar painted across the
    gutter is not."""
    from pausecode.recognize.base import CodeLayout

    frame = np.full((100, 400, 3), 40, np.uint8)  # gray pane, gutter included
    frame[40:60, 50:400] = 0  # row 2: the current line, black from the code's edge on
    frame[80:100, :] = 0  # row 4: a bar across the whole width
    layout = CodeLayout(x0=60.0, y0=0.0, pitch=20.0, char_width=10.0, pane=(50, 0, 400, 100), gutter_x=48.0)
    engine = NoModel(None)
    gray = frame[:, :, 0].copy()
    engine._frame, engine._pane_bg = frame, 40.0
    assert engine._row_is_pane(gray, layout, 0)
    assert engine._row_is_pane(gray, layout, 2)
    assert not engine._row_is_pane(gray, layout, 4)


def test_text_left_of_a_column_0_measured_on_indented_lines_is_found_but_a_margin_mark_is_not() -> None:
    """A view scrolled into a function body measures column 0 on indented lines; a line then typed at the
    real column 0 starts cells left of it, and the layout must be measured again. A fold chevron or a
    breakpoint dot in the margin is one cell of ink, not text."""
    from pausecode.recognize.base import CodeLayout

    cw = cell_width(FONT, SIZE)
    img = render_rows(["    x = 1", "if y:", "  ", "#   z = 2"], x0=30)
    layout = CodeLayout(x0=30 + 4 * cw, y0=0, pitch=PITCH, char_width=cw, pane=(20, 0, img.shape[1], img.shape[0]))
    engine = NoModel(None)
    assert engine._text_left_of_column_0(img, layout, 0) is None  # at column 0 as measured
    found = engine._text_left_of_column_0(img, layout, 1)
    assert found is not None and abs(found - 30) <= 0.3 * cw  # "if" starts four cells further left
    assert engine._text_left_of_column_0(img, layout, 3) is None  # one mark in the margin, then the code


def test_a_row_cut_by_a_bar_below_it_is_found() -> None:
    """A line scrolled half under the status bar shows its upper part only: the lowest part of its grid row
    is the bar's colour. A row on one surface all the way down, or painted whole (the current line), is not
    cut."""
    from pausecode.recognize.base import CodeLayout

    frame = np.full((100, 400, 3), (227, 246, 253), np.uint8)  # a light pane
    frame[20:40, 0:400] = (215, 230, 240)  # row 1: the current line, painted whole
    frame[76:100] = (243, 243, 243)  # the status bar from y 76: row 3 (60-80) runs under it
    layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=9.0, pane=(0, 0, 400, 100))
    engine = NoModel(None)
    engine._frame = frame
    assert not engine._cut_below(layout, 0)
    assert not engine._cut_below(layout, 1)
    assert engine._cut_below(layout, 3)
    assert engine._cut_below(layout, 5)  # below the frame's edge
    frame[20:40] = (227, 246, 253)
    frame[40:56] = (215, 230, 240)  # row 2: a current line a few pixels shorter than the measured pitch
    assert not engine._cut_below(layout, 2)  # the code's own surface under it, not a bar
    frame[76:77] = (227, 246, 253)  # another surface from 3 px above row 3's edge (vim's "~" rows): a whole line
    assert not engine._cut_below(layout, 3)


def test_the_reader_uses_the_policy_it_is_given() -> None:
    """Thresholds live in a frozen policy passed to the engine (the benchmark sweeps them through settings):
    a changed threshold changes the reader's decisions, and an unknown name is refused, not ignored."""
    from pausecode.errors import ConfigError
    from pausecode.recognize.base import CodeLayout, Recognition
    from pausecode.recognize.ocr import READ, ReadPolicy, measured_grid, read_policy
    from pausecode.settings import Settings

    layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=9.0, pane=(0, 0, 400, 200))
    layout.fit_lines = 3
    rec = Recognition(segment_type="code", confidence=0.9, code_content="a\nb\nc", layout=layout)
    assert measured_grid(rec, READ)
    assert not measured_grid(rec, ReadPolicy(min_grid_lines=4))
    swept = NoModel(Settings(read_policy={"min_grid_lines": 4, "grid_snap": 0.25}))
    assert swept._policy.min_grid_lines == 4 and swept._policy.grid_snap == 0.25
    assert NoModel(Settings())._policy == READ
    with pytest.raises(ConfigError, match="grid_snapp"):
        read_policy({"grid_snapp": 0.25})


def test_the_pane_finder_uses_the_policy_it_is_given() -> None:
    """The layout stage's thresholds are swept as "pane.NAME": line numbers at a quarter of the frame's width
    are a gutter by default, and not when numbers must sit in its left tenth."""
    from pausecode.recognize.classify import find_gutter
    from pausecode.recognize.grid import Box
    from pausecode.recognize.ocr import read_policy

    boxes = [Box(300, 20 + 22 * i, 312, 38 + 22 * i, str(i + 1), 0.99) for i in range(5)]
    boxes += [Box(330, 20 + 22 * i, 500, 38 + 22 * i, "x = 1", 0.99) for i in range(5)]
    assert find_gutter(boxes, 1280) is not None
    narrow = read_policy({"pane.numbers_x_share": 0.1})
    assert narrow.pane.numbers_x_share == 0.1
    assert find_gutter(boxes, 1280, narrow.pane) is None


def test_a_check_on_the_grid_confirms_only_a_layout_the_boxes_still_fit() -> None:
    """The check stage's cheap fresh reading: the detector's boxes (unread) must sit on the grid rows that hold
    text, and the rows read again must agree; a box off the grid (a zoom, a scroll by part of a line) or a
    row whose text the reading lost means the whole frame is read again (None)."""
    import cv2

    from pausecode.recognize.base import CodeLayout, Recognition, RowRead, TextLine
    from pausecode.recognize.grid import Box

    lines = ["a = 1", "b = 22", "c = 333"]
    cw = cell_width(FONT, SIZE)
    frame = cv2.cvtColor(render_rows(lines, x0=10), cv2.COLOR_GRAY2BGR)

    class Stub(NoModel):
        def __init__(self, boxes: list[Box]) -> None:
            super().__init__(None)
            self.boxes = boxes

        def _detect(self, frame: np.ndarray) -> list[Box]:
            return self.boxes

        def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
            return [RowRead(t, 0.99, 0.98) for t in lines[:len(images)]]

    def layout() -> CodeLayout:
        lay = CodeLayout(x0=10.0, y0=0.0, pitch=PITCH, char_width=cw, pane=(4, 0, frame.shape[1], 3 * PITCH))
        lay.fit_lines = 3
        lay.bottom = 3 * PITCH
        return lay

    inc = Recognition(segment_type="code", confidence=0.9, code_content="\n".join(lines), layout=layout(),
                      lines=[TextLine(t, r * PITCH, 0.99, r, 0.98) for r, t in enumerate(lines)])
    on_grid = [Box(9, r * PITCH + 1, 10 + cw * len(t) + 1, (r + 1) * PITCH - 1, "", 1.0) for r, t in enumerate(lines)]
    got = Stub(on_grid)._reread_on_grid(frame, inc, on_grid)
    assert got is not None and got.code_content == "\n".join(lines)
    off_grid = [Box(b.x1, b.y1 + 0.4 * PITCH, b.x2, b.y2 + 0.4 * PITCH, "", 1.0) for b in on_grid]
    assert Stub(off_grid)._reread_on_grid(frame, inc, off_grid) is None
    assert Stub(on_grid[:2])._reread_on_grid(frame, inc, on_grid[:2]) is None  # the third row's text without a box
    # text from column 0 on, well below the border: another notebook cell (its numbers missed by the last
    # whole-frame read) or the file grown past it; a panel's text starting left of column 0 is neither
    cell = Box(9, 6 * PITCH + 1, 10 + cw * 8, 7 * PITCH - 1, "", 1.0)
    assert Stub(on_grid + [cell])._reread_on_grid(frame, inc, on_grid + [cell]) is None
    shell = Box(0, 6 * PITCH + 1, 10 + cw * 8, 7 * PITCH - 1, "", 1.0)
    assert Stub(on_grid + [shell])._reread_on_grid(frame, inc, on_grid + [shell]) is not None


def test_a_row_painted_from_mid_line_has_its_ink_measured_against_each_surface() -> None:
    """A band that starts mid-line (Thonny light's bracket region, grey from "(" to the edge; black on its dark
    themes) leaves the row on two surfaces. Measured against the band's, the code's white left of it was all
    ink: column 0 moved a cell left and every line read one space deeper (held-out Thonny light, 60-170 s).
    Each part is measured against its own surface; a current line painted in full has one."""
    import cv2

    from pausecode.recognize.base import CodeLayout

    pitch, gutter_x, x0 = 22, 48, 64
    frame = np.full((6 * pitch, 900, 3), 255, np.uint8)
    frame[:, :gutter_x + 10] = 238  # the gutter
    frame[3 * pitch:4 * pitch, 290:] = 200  # row 3: a band from mid-line to the edge
    for x in range(104, 280, 10):  # its text from column 4 on the white: one stroke per cell
        frame[3 * pitch + 6:4 * pitch - 6, x + 3:x + 6] = 0
    frame[3 * pitch + 6:4 * pitch - 6, 303:306] = 0  # and a glyph on the band
    frame[4 * pitch:5 * pitch, x0 - 4:] = 40  # row 4: a current line painted from the text area's edge on
    layout = CodeLayout(x0=float(x0), y0=0.0, pitch=float(pitch), char_width=10.0,
                        pane=(gutter_x + 2, 0, 900, 6 * pitch), gutter_x=float(gutter_x))
    engine = NoModel(None)
    gray = 255 - cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # contrast to the white page, as `to_ink` gives
    engine._frame, engine._pane_bg = frame, 0.0
    assert engine._row_is_pane(gray, layout, 3) and engine._row_is_pane(gray, layout, 4)
    assert engine._band_start(gray, layout, 4) is None
    band = engine._band_start(gray, layout, 3)
    assert band is not None and abs(band - (290 - layout.pane[0])) <= 1
    cols = engine._row_ink(gray, layout, 3)
    inked = np.flatnonzero(cols)
    assert abs(inked[0] - (107 - layout.pane[0])) <= 1  # the text's first stroke, not the pane's edge
    assert cols[303 - layout.pane[0]] and not cols[282 - layout.pane[0]: 300 - layout.pane[0]].any()


def test_the_grid_stage_uses_the_policy_it_is_given() -> None:
    """The grid stage's thresholds are swept as "grid.NAME": a row's ink is found at the default ink level
    and not when only near-white-on-black contrast counts."""
    from pausecode.recognize.ocr import read_policy

    img = render_rows(["x = 1"])
    assert ink_columns(img, 30.0).any()
    blind = read_policy({"grid.ink_level": 250})
    assert blind.grid.ink_level == 250 and not ink_columns(img, 30.0, blind.grid).any()


def test_a_border_beside_column_0_does_not_come_back_as_edge_ink():
    """A window's 1-px border a few pixels left of the first glyph is a thin stroke, not text: it must not
    rejoin the row as "ink near a letter" (the row's text would then start at the border and the row be
    dropped from the grid fit as cut by the pane's edge)."""
    img = render_rows(["alex@devbox:~$ ls"]).copy()
    img[:, 30 - 4] = 30 + 160  # a full-height border line 4 px left of the text
    cols = ink_columns(img, 30.0)
    assert not cols[30 - 4]
    assert int(np.flatnonzero(cols)[0]) >= 30 - 1  # the text starts at the text


def test_an_ellipsis_read_for_three_dots_becomes_the_dots_when_the_cells_say_so():
    cells = [True, True, True, False, True, True, True]  # "... def"
    assert respace("\u2026 def", cells) == "... def"
    assert respace("\u2026", [True, True, True]) == "..."
    assert respace("\u2026", [True]) == "\u2026"  # one inked cell: a real ellipsis stays


@pytest.mark.parametrize("text", [
    "memo[n] = fib(n - 1) + fib(n - 2)", "if not ok!", "x = y(z)",
    "def f(path: str | Path) -> None:", "python3 t.py 2>&1 | tail -n 1",
])
def test_thin_glyphs_between_letters_fill_their_cells(text):
    """Thin glyphs ("(", "|", "!") are cleared as strokes at first and come back as ink beside the letters;
    the border rule must not keep them out: every glyph's cell stays inked, every space's cell empty."""
    cw = cell_width(FONT, SIZE)
    cells = cell_pattern(ink_columns(render_rows([text]), 30.0), 30, cw, len(text))
    assert cells == [not c.isspace() for c in text]


@pytest.mark.parametrize("where", ["indentation", "after the text"])
def test_a_bright_stroke_in_the_indentation_or_after_the_text_is_still_not_ink(where):
    """A bright indent guide has no word left of it; a bar cursor after the last word has none right of it:
    both stay cleared (only a stroke with a word on each side is a glyph)."""
    cw = cell_width(FONT, SIZE)
    img = render_rows(["        x = 1"]).copy()
    x = 30 + 4 * cw if where == "indentation" else 30 + 14 * cw
    img[:, x: x + 1] = 30 + 160
    cols = ink_columns(img, 30.0)
    assert not cols[x]


def test_text_far_below_the_last_line_is_another_program_not_typing() -> None:
    """A shell grows a line at a time; when an editor opens in the terminal its first line replaces the prompt
    and its status bar appears far down the screen at once: the shell's layout no longer holds (micro's
    status line was read as code under the old grid, with the pointer as "(1)")."""
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine

    layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=10.0, pane=(0, 0, 600, 480), fit_lines=3)
    shell = np.zeros((480, 600), np.uint8)
    for r in range(3):
        shell[r * 20 + 5:r * 20 + 16, 10:200] = 200
    prev = Recognition(segment_type="code", confidence=0.9, code_content="$ ls\na b\n$",
                       lines=[TextLine(t, r * 20, 1.0, r) for r, t in enumerate(["$ ls", "a b", "$"])], layout=layout)
    typed = shell.copy()
    typed[2 * 20 + 5:2 * 20 + 16, 200:260] = 200  # a command typed at the prompt
    eng = NoModel(None)
    assert eng._incremental(typed, shell, prev) is not None
    opened = typed.copy()
    opened[20 * 20 + 5:20 * 20 + 16, 0:500] = 200  # a status bar seventeen rows below the last line
    assert eng._incremental(opened, shell, prev) is None
    pointed = shell.copy()
    pointed[20 * 20 + 2:20 * 20 + 18, 300:312] = 200  # the mouse pointer stood on that row before: still blank
    assert eng._incremental(opened, pointed, prev) is None
    ruled = shell.copy()
    ruled[20 * 20 + 5:20 * 20 + 16, 500:540] = 200  # a ruler far down that was there before ...
    moved = typed.copy()
    moved[20 * 20 + 5:20 * 20 + 16, 500:550] = 200  # ... changes with the keystroke: typing, not a new program
    assert eng._incremental(moved, ruled, prev) is not None
