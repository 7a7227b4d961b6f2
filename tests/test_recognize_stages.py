"""Unit tests of the layout evidence and check stages on small synthetic inputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pausecode.recognize.check import CheckPolicy, checked_confidence, needs_confirmation, readings_agree
from pausecode.recognize.classify import (
    PaneGuess,
    centred_on_digits,
    confirmed_numbers,
    digit_pitch,
    find_gutter,
    gutter_regions,
    gutter_span,
    number_probes,
)
from pausecode.recognize.grid import Box
from pausecode.recognize.layout import colour_runs, inked, run_at, same_surface, strip_colours


def _numbers(values: list[int], x2: float = 40.0, y0: float = 100.0, pitch: float = 20.0) -> list[Box]:
    out = []
    for i, n in enumerate(values):
        cy = y0 + i * pitch
        w = 9.0 * len(str(n))
        out.append(Box(x2 - w, cy - 13, x2, cy + 13, str(n)))
    return out


def _cells_frame() -> np.ndarray:
    """Page (20) with two 'cells' (60) and a status bar (62) at the bottom; digits drawn in the gutter."""
    f = np.full((300, 200, 3), 20, np.uint8)
    f[20:120, 10:190] = 60
    f[150:230, 10:190] = 60
    f[280:300, :] = 62
    for y in (30, 50, 70, 160, 180):  # line numbers: bright strokes in the gutter
        f[y:y + 10, 30:32] = 200
    return f


def test_colour_runs_split_cells_from_the_page_around_them() -> None:
    runs = colour_runs(strip_colours(_cells_frame(), 12, 40), pitch=20.0)
    cells = [r for r in runs if r.colour == (60, 60, 60)]
    assert [(r.y1, r.y2) for r in cells] == [(20, 120), (150, 230)]
    assert run_at(runs, 60) == cells[0]
    assert run_at(runs, 135) is not None and run_at(runs, 135).colour == (20, 20, 20)


def test_colour_runs_bridge_glyph_strokes_but_not_borders_between_surfaces() -> None:
    col = np.full((100, 3), 50, np.int16)
    col[40:44] = 90  # a stroke crossing the strip for 4 px: same surface on both sides
    runs = colour_runs(col, pitch=20.0)
    assert [(r.y1, r.y2) for r in runs] == [(0, 100)]
    col[60:] = 10  # another surface
    runs = colour_runs(col, pitch=20.0)
    assert [(r.y1, r.y2) for r in runs] == [(0, 60), (60, 100)]


def test_inked_sees_strokes_not_noise() -> None:
    f = _cells_frame()
    assert inked(f[20:120, 12:40], (60, 60, 60))
    noisy = f[200:230, 12:40].copy()
    noisy[::3, ::3] += 3
    assert not inked(noisy, (60, 60, 60))
    assert same_surface((60, 65, 71), (62, 62, 62), 12) and not same_surface((19, 19, 19), (62, 62, 62), 12)


def test_a_lone_number_under_the_line_it_follows_is_a_gutter() -> None:
    # the detector missed a thin "1"; its line is typed, and "2" sits under it on the blank cursor line
    two = _numbers([2], y0=122.0)
    line_one = Box(48.0, 89.0, 300.0, 113.0, "# Recursion with a memo")
    gutter = find_gutter(two + [line_one], 800)
    assert gutter is not None and gutter[1] == two
    # the same number with the text two lines up, or left of it, is no gutter
    assert find_gutter(two + [Box(48.0, 60.0, 300.0, 84.0, "# a comment")], 800) is None
    assert find_gutter(two + [Box(0.0, 89.0, 20.0, 113.0, "File")], 800) is None
    assert find_gutter(two, 800) is None


def test_two_numbers_far_down_a_file_are_a_gutter_when_its_lines_show_above_them() -> None:
    # a notebook cell: dim numbers 1-9 not detected, 10 and 11 (the cursor's lines) read; the cell's lines
    # start at the code column above them, with a blank line between; a toolbar icon and a tab further up
    nums = _numbers([10, 11], y0=280.0)
    code = [Box(48.0, 267.0, 300.0, 293.0, "reader = csv.DictReader(io.StringIO(DATA))"),
            Box(48.0, 287.0, 200.0, 313.0, "rows = list(reader)")]
    above = [Box(48.0, cy - 13, 260.0, cy + 13, "import csv, io") for cy in (140.0, 160.0, 180.0, 240.0)]
    chrome = [Box(48.0, 27.0, 160.0, 53.0, "notebook.ipynb"), Box(50.0, 67.0, 70.0, 93.0, "\u767d")]
    gutter = find_gutter(nums + code + above + chrome, 1280)
    assert gutter is not None and gutter[1] == nums
    # without the file's lines above, two numbers far down are a listing's, not a gutter
    assert find_gutter(nums + code, 1280) is None
    # nor when the lines above run up higher than line 1 could sit (text above 12 and 13 on 12 rows)
    listing = [Box(48.0, cy - 13, 260.0, cy + 13, "a line") for cy in range(40, 280, 20)]
    assert find_gutter(_numbers([12, 13], y0=280.0) + code + listing, 1280) is None
    assert find_gutter(_numbers([13, 14], y0=280.0) + code + listing, 1280) is not None
    assert find_gutter(_numbers([4, 5], y0=280.0) + code, 1280) is not None  # a short file's numbers need no lines above
    # nor with text on only two rows above, which a tab strip and a title can give
    assert find_gutter(nums + code + above[:2], 1280) is None


def test_gutter_regions_split_where_numbering_restarts() -> None:
    digits = _numbers([3, 4, 5, 6, 8, 9, 10, 11]) + _numbers([2, 3, 4, 5], y0=300)
    regions = gutter_regions(digits)
    assert [[b.text for b in r] for r in regions] == [["3", "4", "5", "6", "8", "9", "10", "11"], ["2", "3", "4", "5"]]
    # a misread number (a decrease to something > 2) does not split an editor's gutter
    assert len(gutter_regions(_numbers([10, 11, 7, 13]))) == 1


def test_gutter_span_and_pitch_come_from_the_numbers() -> None:
    digits = _numbers([78, 79, 80, 81], y0=100, pitch=22.0)
    assert abs(digit_pitch(digits) - 22.0) < 1e-6
    top, bot = gutter_span(digits)
    # one missed number above is allowed, not the 77 rows a first number of 78 would suggest
    assert 100 - 2 * 22 < top < 100 - 22
    assert bot > 100 + 3 * 22


def test_gutter_numbers_a_few_pixels_apart_are_one_gutter() -> None:
    one = _numbers([2, 3, 4, 5, 6, 7], x2=404)
    two = _numbers([2, 3, 4, 5], x2=400, y0=300)
    code = [Box(410, b.cy - 10, 600, b.cy + 10, "x = 1") for b in one + two]
    g = find_gutter(one + two + code, 1280)
    assert g is not None and len(g[1]) == 10


def test_check_policy() -> None:
    p = CheckPolicy(confirm_after_s=4.0, disagreed_confidence=0.75, agreed_confidence=0.95)
    assert needs_confirmation(p, 10.0, None)
    assert not needs_confirmation(p, 10.0, 7.0)
    assert needs_confirmation(p, 11.0, 7.0)
    assert readings_agree("a = 1  \n\n", "\na = 1")
    assert not readings_agree("a = 1", "a = 2")
    assert checked_confidence(p, 0.9, agreed=False) == 0.75
    assert checked_confidence(p, 0.6, agreed=True) == 0.95


def test_one_unsure_character_caps_a_reading() -> None:
    from pausecode.recognize.base import TextLine
    from pausecode.recognize.check import capped_by_lines

    p = CheckPolicy(unsure_line_score=0.9, unsure_line_confidence=0.8, unsure_char_prob=0.5, unsure_char_confidence=0.6)
    sure = [TextLine("import csv", 0, 0.99, 0, weakest=0.93), TextLine("x = 1", 20, 0.98, 1, weakest=0.9)]
    assert capped_by_lines(p, 0.97, sure) == 0.97
    # a long line's mean stays high while one glyph is a guess ("impor I csv"): the minimum catches it
    guess = [sure[0], TextLine("impor I csv", 20, 0.96, 1, weakest=0.33)]
    assert capped_by_lines(p, 0.97, guess) == 0.6
    assert capped_by_lines(p, 0.97, [TextLine("x", 0, 0.85, 0, weakest=0.7)]) == 0.8


def test_a_line_the_grid_does_not_confirm_caps_a_reading() -> None:
    from pausecode.recognize.base import TextLine
    from pausecode.recognize.check import capped_by_lines, checked_confidence

    p = CheckPolicy(off_grid_confidence=0.8)
    fits = TextLine("import csv", 0, 0.99, 0, weakest=0.93, on_grid=True)
    unchecked = TextLine("x = 1", 20, 0.98, 1, weakest=0.9)  # no measured grid: nothing to hold against
    misfit = TextLine("ifch.isdigit()o rc h", 40, 0.99, 2, weakest=0.95, on_grid=False)
    assert capped_by_lines(p, 0.97, [fits, unchecked]) == 0.97
    # two reads that agree do not lift it: the same grid misplaces the same spaces both times
    assert capped_by_lines(p, checked_confidence(p, 0.9, agreed=True), [fits, misfit]) == 0.8


def test_a_failed_check_condemns_the_readings_it_checked() -> None:
    from pausecode.recognize.base import Recognition
    from pausecode.segments.build import TimedReading, distrust_failed_checks

    def code(conf: float, since: float | None = None) -> Recognition:
        return Recognition(segment_type="code", confidence=conf, code_content="x", failed_check_since=since)

    readings = [TimedReading(0.0, 1.0, code(0.97)),  # the whole-frame reading the later ones stood on
                TimedReading(1.0, 2.0, code(0.96)), TimedReading(2.0, 3.0, Recognition("learning", 0.9)),
                TimedReading(3.0, 4.0, code(0.95)), TimedReading(4.0, 5.0, code(0.7, since=1.0))]
    out = distrust_failed_checks(readings)
    assert [r.rec.confidence for r in out] == [0.97, 0.7, 0.9, 0.7, 0.7]
    assert readings[1].rec.confidence == 0.96  # the input is left as it was
    assert distrust_failed_checks(readings[:4]) == readings[:4]


def test_surface_runs_keep_a_highlighted_line_but_not_a_bar_against_the_text() -> None:
    from pausecode.recognize.layout import surface_runs

    white, bar, tint, title = (250, 250, 250), (208, 207, 210), (238, 240, 240), (214, 171, 136)
    centres = [10.0 + 20 * i for i in range(7)]
    # title bar and a status bar right above the text (adjacent lines), then code with a current line inside
    colours = [title, bar, white, white, tint, white, white]
    groups = surface_runs(colours, centres, 20.0, 12)
    assert groups[-1] == [2, 3, 4, 5, 6] and [0] in groups and [1] in groups
    # the current line at the block's edge (typing the last line) stays with the code
    groups = surface_runs([bar, white, white, white, tint], centres[:5], 20.0, 12)
    assert groups == [[0], [1, 2, 3, 4]]


def test_code_surface_ends_where_filler_rows_begin() -> None:
    from pausecode.recognize.layout import border_below

    pitch = 20
    img = np.full((200, 300), 10, np.uint8)  # ink map: code rows on the code surface (10)
    img[0:100:pitch, 20:200] = 200  # a few glyph rows
    img[100:, :] = 45  # vim's filler rows: another colour to the pane's bottom
    assert border_below(img, (0, 0, 300, 200), pitch, code_bottom=100) == 100
    # measured on everything below, the larger filler band is taken for the surface and the code for a border
    assert border_below(img, (0, 0, 300, 200), pitch) == pitch


def test_stacked_numbers_read_as_one_box_are_unstacked_into_a_gutter() -> None:
    from pausecode.recognize.classify import unstack_numbers

    tall = Box(380.0, 120.0, 400.0, 168.0, "23")  # "2" over "3", two 24-px lines
    rows = unstack_numbers(tall, 24.0)
    assert [b.text for b in rows] == ["2", "3"] and rows[0].cy < rows[1].cy
    assert unstack_numbers(Box(380.0, 120.0, 400.0, 144.0, "23"), 24.0) == [Box(380.0, 120.0, 400.0, 144.0, "23")]
    assert len(unstack_numbers(Box(380.0, 120.0, 400.0, 200.0, "20"), 24.0)) == 1  # 3 lines tall, 2 digits: kept


def test_a_lower_number_after_a_gap_starts_a_new_cell() -> None:
    nums = _numbers([2, 3, 4, 5, 6], y0=100.0) + _numbers([5], y0=300.0)  # cell 2: its 1-4 were missed
    assert [[b.text for b in r] for r in gutter_regions(nums)] == [["2", "3", "4", "5", "6"], ["5"]]
    misread = _numbers([2, 3, 4]) + [Box(31.0, 147.0, 40.0, 173.0, "3")]  # a 5 read as 3, one line below
    assert len(gutter_regions(misread)) == 1


def test_notebook_prompts_are_not_code() -> None:
    from pausecode.recognize.text import NOTEBOOK_PROMPT_RE

    assert all(NOTEBOOK_PROMPT_RE.match(t) for t in ("[ ]:", "[3]:", "In [12]:", "[*]:"))
    assert not any(NOTEBOOK_PROMPT_RE.match(t) for t in ("x = [1]:", "a[1]:", "for x in [1]:"))


def test_a_side_panels_border_ends_the_editor_but_an_indent_guide_does_not() -> None:
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize import regions

    frame = np.full((200, 400, 3), 250, np.uint8)
    frame[:, 300:302] = 180  # a panel's border, top to bottom
    code = [[Box(20.0, 10.0 + 20 * i, 150.0, 26.0 + 20 * i, "x = 1")] for i in range(8)]
    panel = [[Box(310.0, 10.0 + 20 * i, 380.0, 26.0 + 20 * i, "name")] for i in range(8)]
    pane = PaneGuess(rows=[c + p for c, p in zip(code, panel)], x0=20.0)
    assert regions.panel_border_x(frame, pane) == 300.0
    # the same line with code only on its right (the view inside one indented block): not a border
    pane = PaneGuess(rows=[[Box(310.0, 10.0 + 20 * i, 380.0, 26.0 + 20 * i, "y = 2")] for i in range(8)], x0=290.0)
    assert regions.panel_border_x(frame, pane) is None


def test_a_line_or_two_far_from_the_editors_tab_is_another_panels() -> None:
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize import regions

    tab = Box(8.0, 84.0, 74.0, 113.0, "stock.py")
    shell = [[Box(9.0, 544.0, 336.0, 572.0, "Python 3.11.2 (/usr/bin/python3)")], [Box(8.0, 572.0, 47.0, 594.0, ">>>")]]
    menu = [[Box(2.0, 20.0, 236.0, 44.0, "File Edit View Run Tools Help")]]
    first = [[Box(55.0, 115.0, 349.0, 141.0, "# Stock report from CSV text")]]
    assert regions.off_editor_anchor(PaneGuess(rows=shell), tab)
    assert regions.off_editor_anchor(PaneGuess(rows=menu), tab)
    assert not regions.off_editor_anchor(PaneGuess(rows=first), tab)
    assert not regions.off_editor_anchor(PaneGuess(rows=shell), None)  # no tab: a terminal
    assert not regions.off_editor_anchor(PaneGuess(rows=shell, gutter_x=50.0), tab)  # numbered: the pane finder's
    cells = [[Box(401.0, 169.0, 637.0, 189.0, 'RAW = """city,month,rain_mm')]]
    browser_entry = Box(38.0, 177.0 - 100, 158.0, 197.0 - 100, "rainfall.ipynb")
    assert not regions.off_editor_anchor(PaneGuess(rows=cells), browser_entry)  # another column: not judged
    chrome = menu + [[Box(6.0, 53.0, 120.0, 77.0, "B# 3.")], [tab]]
    assert regions.off_editor_anchor(PaneGuess(rows=chrome), tab)  # nothing under the tabs
    three = shell + [[Box(8.0, 600.0, 47.0, 620.0, ">>>")]]
    assert not regions.off_editor_anchor(PaneGuess(rows=three), tab)  # a longer block may start with blank lines


def test_a_bar_written_across_the_gutter_edge_is_not_a_file_line() -> None:
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize import regions

    gx, cw = 40.0, 10.0
    status = [Box(98.0, 19.0, 169.0, 46.0, "0:vim*"), Box(1102.0, 22.0, 1189.0, 44.0, "tempconv")]
    code = [[Box(45.0, 40.0 + 21 * i, 250.0, 62.0 + 21 * i, "x = 1")] for i in range(6)]
    mode = [Box(45.0, 166.0, 160.0, 188.0, "INSERT --")]  # "-- INSERT --" from the window's left edge
    boxes = [Box(11.0, 22.0, 100.0, 44.0, "lesson-9"), Box(8.0, 166.0, 60.0, 188.0, "-- I")] + status + mode + \
        [b for r in code for b in r] + [Box(10.0, 40.0 + 21 * i, 38.0, 62.0 + 21 * i, str(10 + i)) for i in range(6)]
    pane = PaneGuess(rows=[status] + code + [mode], gutter_x=gx, char_w=cw, x0=45.0, pitch=21.0)
    kept = regions.without_rows_across_gutter(boxes, pane, 720)
    assert kept.rows == code
    # a number the detector ran into its line ("12 return x") is not a bar: the row stays
    merged = [Box(10.0, 19.0, 200.0, 40.0, "12 return x")]
    pane = PaneGuess(rows=[[Box(45.0, 19.0, 200.0, 40.0, "return x")]] + code, gutter_x=gx, char_w=cw, x0=45.0)
    assert len(regions.without_rows_across_gutter(merged + [b for r in code for b in r], pane, 720).rows) == 7


def test_one_line_of_code_is_not_slide_sized_for_its_padded_box() -> None:
    from pausecode.recognize.classify import PaneGuess, pane_from_rows

    one = [[Box(56.0, 111.0, 174.0, 145.0, "# Recursi")]]  # a 16-px font's box: 34 px
    assert pane_from_rows(PaneGuess(gutter_x=44.0), one, None, 34.0, 720).score >= 0.5
    slide = [[Box(56.0, 111.0, 600.0, 171.0, "Recursion with a memo")]]  # a 36-px slide title
    assert pane_from_rows(PaneGuess(), slide, None, 60.0, 720).score < 0.5


def test_the_pitch_comes_from_the_line_numbers_when_they_agree_with_the_rows() -> None:
    from pausecode.recognize.classify import _numbers_pitch

    nums = [Box(390.0, 247.0, 403.0, 267.0, "8"), Box(382.0, 286.0, 403.0, 306.0, "10"),
            Box(379.0, 306.0, 405.0, 326.0, "11")]
    pitch, from_numbers = _numbers_pitch(nums, 18.0)
    assert abs(pitch - 19.64) < 0.01 and from_numbers  # the numbers' centres' slope (the rows said 18)
    misread = [nums[0], Box(382.0, 286.0, 403.0, 306.0, "18"), nums[2]]  # "10" read as "18": one step of 3.9 px
    assert _numbers_pitch(misread, 19.0) == (19.0, False)  # one step disagreeing with the rows: not trusted
    assert _numbers_pitch(nums[:1], 18.0) == (18.0, False)


def test_a_pane_cut_to_some_of_its_rows_keeps_the_pitch_its_line_numbers_gave() -> None:
    """Seven rows' padded boxes say 21.34 px where the numbers' step says 20.94 (held-out micro, a cursor line
    dropped by its tint): the numbers' pitch holds for any subset of the rows."""
    rows = [[Box(40.0, 10.0 + 21.34 * k, 200.0, 30.0 + 21.34 * k, "x = 1")] for k in range(7)]
    guess = PaneGuess(rows=rows, gutter_x=30.0, pitch=20.94, numbers_pitch=True)
    assert guess.pitch_of(rows[:5]) == 20.94
    assert abs(replace(guess, numbers_pitch=False).pitch_of(rows[:5]) - 21.34) < 0.05
    assert replace(guess, numbers_pitch=False).pitch_of(rows[:1]) is None


def test_an_empty_editors_text_is_not_the_shell_panel_far_below_its_tab() -> None:
    from pausecode.recognize.classify import editor_text_rows

    tab = Box(8.0, 85.0, 112.0, 112.0, "fibmemo.py ×")
    shell = [Box(7.0, 574.0, 366.0, 602.0, "Python 3.11.2 (/usr/bin/python3)"), Box(8.0, 604.0, 50.0, 628.0, ">>>")]
    assert editor_text_rows([tab] + shell, 1280, 720) == []
    line = Box(34.0, 114.0, 223.0, 142.0, "# Recursion wi")
    assert [[b.text for b in r] for r in editor_text_rows([tab, line] + shell, 1280, 720)] == [["# Recursion wi"]]


def test_a_state_between_reads_takes_the_later_text_only_when_its_screen_switched_to_it() -> None:
    from pausecode.frames.states import State
    from pausecode.recognize.base import Recognition
    from pausecode.segments.interpolate import KeyRead, derive

    def key(text: str, level: int) -> KeyRead:
        return KeyRead(State(0, 0.0, key=True, thumb=np.full((22, 40), level, np.uint8)),
                       Recognition(segment_type="code", confidence=0.9, code_content=text))

    a, b = key("old view", 20), key("new view", 120)
    scrolled = State(1, 1.0, change=0.2, thumb=np.full((22, 40), 118, np.uint8))  # the new view, settled
    assert derive(scrolled, a, b).code_content == "new view"
    midway = State(1, 1.0, change=0.2, thumb=np.full((22, 40), 70, np.uint8))  # half-way through a scroll
    assert derive(midway, a, b).code_content == "old view"
    typed = State(1, 1.0, change=0.001, thumb=np.full((22, 40), 119, np.uint8))  # a keystroke: never ahead
    assert derive(typed, a, b).code_content == "old view"


def test_a_keystroke_and_the_cursor_readout_far_below_are_two_changed_runs() -> None:
    from pausecode.frames.states import BAND_PAD_PX, changed_runs

    runs = changed_runs(np.array([60, 61, 62, 350]), 2, 720)  # a typed line, and "Ln 10, Col 15" at the bottom
    assert runs == [(120 - BAND_PAD_PX, 126 + BAND_PAD_PX), (700 - BAND_PAD_PX, 702 + BAND_PAD_PX)]
    assert changed_runs(np.array([60, 70]), 2, 720) == [(120 - BAND_PAD_PX, 142 + BAND_PAD_PX)]  # touching: one


def test_typing_is_derived_from_pixels_when_the_later_read_refit_its_grid_by_a_pixel() -> None:
    from pausecode.frames.states import State
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine
    from pausecode.segments.interpolate import KeyRead, derive

    def screen(n_chars: int) -> np.ndarray:
        luma = np.full((200, 400), 30, np.uint8)
        for i in range(n_chars):
            luma[24:36, 12 + 10 * i: 19 + 10 * i] = 220  # row 1 (pitch 20, y0 = 0), 10-px cells from x = 10
        luma[180:190, 300:380] = 200 if n_chars % 2 else 120  # the cursor readout at the bottom changes too
        return luma

    def key(n: int, text: str, x0: float) -> KeyRead:
        layout = CodeLayout(x0=x0, y0=0.0, pitch=20.0, char_width=10.0, pane=(8, 0, 400, 200))
        rec = Recognition(segment_type="code", confidence=0.9, code_content=text, layout=layout,
                          lines=[TextLine(text, 20, 0.9, 1)])
        return KeyRead(State(0, 0.0, key=True, luma=screen(n)), rec)

    a, b = key(3, "def", 10.0), key(12, "def audited(", 11.5)  # b's grid re-fit moved column 0 by 1.5 px
    lum = screen(7)
    st = State(1, 1.0, band=(4, 200), band_runs=[(4, lum[4:56]), (164, lum[164:200])])
    assert derive(st, a, b).code_content == "def aud"


def test_typing_into_an_empty_buffer_is_derived_on_the_later_reads_grid() -> None:
    """An empty editor (or one short line) has no grid to measure: the read before typing has no layout. The
    short states until the next read are derived on that read's grid, as prefixes of its rows, when the
    pixels bear out what the earlier read said."""
    from pausecode.frames.states import State
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine
    from pausecode.segments.interpolate import KeyRead, derive

    def screen(n_chars: int) -> np.ndarray:
        luma = np.full((200, 400), 30, np.uint8)
        for i in range(n_chars):
            luma[24:36, 12 + 10 * i: 19 + 10 * i] = 220
        return luma

    layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=10.0, pane=(8, 0, 400, 200))
    empty = KeyRead(State(0, 0.0, key=True, luma=screen(0)),
                    Recognition(segment_type="code", confidence=0.55, code_content=""))
    later = KeyRead(State(0, 0.0, key=True, luma=screen(12)),
                    Recognition(segment_type="code", confidence=0.9, code_content="#!/usr/bin/e", layout=layout,
                                lines=[TextLine("#!/usr/bin/e", 20, 0.9, 1)]))
    lum = screen(5)
    st = State(1, 1.0, band=(20, 40), band_runs=[(20, lum[20:40])])
    assert derive(st, empty, later).code_content == "#!/us"
    assert derive(st, empty, None).code_content == ""  # no later grid: the empty reading stands
    shell = KeyRead(empty.state, Recognition(segment_type="code", confidence=0.55, code_content="$ vim t.py"))
    assert derive(st, shell, later).code_content == "$ vim t.py"  # pixels do not bear it out: it stands
    one_line = KeyRead(State(0, 0.0, key=True, luma=screen(3)),  # a line too short to measure a grid on
                       Recognition(segment_type="code", confidence=0.55, code_content="#!/"))
    assert derive(st, one_line, later).code_content == "#!/us"


def test_a_line_half_scrolled_under_the_header_is_not_read() -> None:
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize import regions

    cut = [Box(116.0, 81.0, 203.0, 98.0, "S i")]  # the lower half of "import os", its number cut too
    code = [[Box(117.0, 97.0 + 20 * i, 338.0, 119.0 + 20 * i, "from x import y")] for i in range(5)]
    numbers = [Box(82.0, 98.0 + 20 * i, 95.0, 116.0 + 20 * i, str(4 + i)) for i in range(5)]
    flat = cut + [b for r in code for b in r] + numbers
    pane = PaneGuess(rows=[cut] + code, gutter_x=96.0, char_w=9.0, x0=116.0, pitch=20.0)
    kept, top = regions.without_clipped_top_row(flat, pane, 720)
    assert kept.rows == code and top == 98
    # the same short box with its number read is a whole line of short glyphs ("a = x"): kept
    pane = PaneGuess(rows=[cut] + code, gutter_x=96.0, char_w=9.0, x0=116.0, pitch=20.0)
    kept, top = regions.without_clipped_top_row(flat + [Box(82.0, 80.0, 95.0, 98.0, "3")], pane, 720)
    assert len(kept.rows) == 6 and top == 0


def test_line_numbers_that_agree_among_themselves_beat_rows_spaced_by_blank_lines() -> None:
    from pausecode.recognize.classify import _numbers_pitch

    nums = [Box(315.0, 266.0, 327.0, 279.0, "9"), Box(308.0, 284.0, 330.0, 306.0, "10"),
            Box(308.0, 306.0, 328.0, 327.0, "11"), Box(303.0, 326.0, 332.0, 351.0, "12")]
    # rows at lines 8, 9 and 12 made the rows' pitch 27.4; the numbers step 21.75-22.5 px per line
    pitch, from_numbers = _numbers_pitch(nums, 27.375)
    assert abs(pitch - 21.95) < 0.01 and from_numbers  # the slope of their centres


def test_a_minimaps_miniature_beside_a_blank_line_is_not_read() -> None:
    from pausecode.recognize.base import CodeLayout
    from pausecode.recognize.grid import GRID
    from pausecode.recognize.marks import far_and_tiny

    layout = CodeLayout(x0=10.0, y0=0.0, pitch=22.0, char_width=10.0, pane=(0, 0, 1600, 22))
    strip = np.full((22, 1600), 30, np.uint8)
    far = 10 + 10 * (GRID.stray_text_cols + 100)
    strip[10:13, far:far + 40] = 200  # a minimap line: 3 px tall
    assert far_and_tiny(strip, 30.0, (far, far + 40), layout)
    strip[4:18, far:far + 40] = 200  # text of a real line's height, far right: not a miniature
    assert not far_and_tiny(strip, 30.0, (far, far + 40), layout)
    strip[10:12, 10:60] = 200  # "-----" at column 0: never judged here
    assert not far_and_tiny(strip, 30.0, (10, 60), layout)


def test_typing_in_one_notebook_cell_is_derived_on_that_cells_grid() -> None:
    from pausecode.frames.states import State
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine
    from pausecode.segments.interpolate import KeyRead, derive

    def screen(n_chars: int) -> np.ndarray:
        luma = np.full((300, 400), 30, np.uint8)
        luma[24:36, 12:42] = 220  # cell 1, row 1: "abc", unchanged
        for i in range(n_chars):  # cell 2 (y0 = 200), row 0: being typed
            luma[204:216, 22 + 10 * i: 29 + 10 * i] = 220
        return luma

    def part(y0: float, x0: float, text: str, row: int) -> Recognition:
        layout = CodeLayout(x0=x0, y0=y0, pitch=20.0, char_width=10.0, pane=(8, int(y0), 400, int(y0) + 40))
        return Recognition(segment_type="code", confidence=0.9, code_content=text, layout=layout,
                           lines=[TextLine(text, y0 + 20 * row, 0.9, row)])

    def key(n: int, typed: str) -> KeyRead:
        parts = [part(0.0, 10.0, "abc", 1), part(200.0, 20.0, typed, 0)]
        rec = Recognition(segment_type="code", confidence=0.9, code_content="abc\n\n" + typed, regions=2, parts=parts)
        return KeyRead(State(0, 0.0, key=True, luma=screen(n)), rec)

    a, b = key(2, "pr"), key(6, "print(")
    lum = screen(4)
    st = State(1, 1.0, band=(184, 232), band_runs=[(184, lum[184:232])])
    assert derive(st, a, b).code_content == "abc\n\nprin"


def test_a_row_no_neighbour_explains_is_read_not_cut_to_a_prefix() -> None:
    from pausecode.frames.states import State
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine
    from pausecode.segments.interpolate import KeyRead, derive

    def screen(cells: str) -> np.ndarray:
        luma = np.full((200, 400), 30, np.uint8)
        for i, c in enumerate(cells):
            if c != " ":
                luma[24:36, 12 + 10 * i: 19 + 10 * i] = 220 if c == "x" else 140
        return luma

    def key(cells: str, text: str) -> KeyRead:
        layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=10.0, pane=(8, 0, 400, 200))
        rec = Recognition(segment_type="code", confidence=0.9, code_content=text, layout=layout,
                          lines=[TextLine(text, 20, 0.9, 1)])
        return KeyRead(State(0, 0.0, key=True, luma=screen(cells)), rec)

    a, b = key("xxxx", "f(a)"), key("xxxxxxxx", "f(a, bc)")
    lum = screen("xxxxxxo")  # "f(a, b)": the editor closed the bracket, the later read has "c)" there
    st = State(1, 1.0, band=(4, 56), band_runs=[(4, lum[4:56])])
    calls = []

    def read_line(luma, top, layout, row):  # noqa: ANN001, ANN202
        calls.append((top, row))
        return TextLine("f(a, b)", layout.row_top(row), 0.95, row)

    assert derive(st, a, b, read_line).code_content == "f(a, b)" and calls == [(4, 1)]
    assert derive(st, a, b).code_content == "f(a, b"  # without a reader: the prefix both reads explain
    typed = screen("xxxxxx")  # typing at the line's end: a prefix of the later read, nothing to read
    calls.clear()
    st = State(1, 1.0, band=(4, 56), band_runs=[(4, typed[4:56])])
    assert derive(st, a, b, read_line).code_content == "f(a, b" and calls == []


def test_rows_far_below_a_files_last_line_are_not_read_between_reads() -> None:
    """An incremental read ends the pane at the file's last line (nano's key help lives below it, on a
    region that reaches the window's edge): between reads only the row right below the last line can be
    a new line of code; a change further down is the editor's own bars, not text to read."""
    from dataclasses import replace

    from pausecode.frames.states import State
    from pausecode.recognize.base import CodeLayout, Recognition, TextLine
    from pausecode.segments.interpolate import KeyRead, derive

    layout = CodeLayout(x0=10.0, y0=0.0, pitch=20.0, char_width=10.0, pane=(8, 0, 400, 40), bottom=200)
    luma = np.full((200, 400), 30, np.uint8)
    luma[4:16, 12:60] = 220  # the file's one line
    rec = Recognition(segment_type="code", confidence=0.9, code_content="x = 1", layout=layout,
                      lines=[TextLine("x = 1", 0, 0.9, 0)])
    a = KeyRead(State(0, 0.0, key=True, luma=luma), rec)
    bar = luma.copy()
    bar[164:176, 12:300] = 140  # the key help changed six rows below the last line
    calls = []

    def read_line(lum, top, lay, row):  # noqa: ANN001, ANN202
        calls.append(row)
        return TextLine("^G Help ^O Write Out", lay.row_top(row), 0.95, row)

    st = State(1, 1.0, band=(160, 180), band_runs=[(160, bar[160:180])])
    assert "Help" not in (derive(st, a, None, read_line).code_content or "") and calls == []
    typed = luma.copy()
    typed[24:36, 12:40] = 220  # a new line typed right below the last one is still read
    st = State(1, 1.0, band=(20, 40), band_runs=[(20, typed[20:40])])
    derive(st, a, None, read_line)
    assert calls == [1]


def test_a_row_surface_is_its_most_common_colour_not_pulled_by_dense_text() -> None:
    from pausecode.recognize.layout import box_surface, row_surface

    row = np.full((20, 200, 3), (53, 42, 39), np.uint8)  # a dark code surface
    row[1:19, 10:190:4] = (120, 200, 230)  # a long dense line of text: glyph strokes and their
    row[1:19, 11:190:4] = (90, 140, 160)  # anti-aliased edges in several shades, together more than
    row[1:19, 12:190:4] = (70, 90, 100)  # half the row's pixels
    assert same_surface(row_surface(row, 0, 0, 200, 20), (53, 42, 39), 4)
    assert not same_surface(box_surface(row, 0, 0, 200, 20), (53, 42, 39), 12)  # the median is pulled away


def test_a_noisy_coloured_bar_is_its_own_colour_not_its_white_texts() -> None:
    """The encoder scatters a flat colour over neighbouring colour bins while saturated text stays in one:
    emacs's blue mode line with white text and dashes came out white, and was read as the last line of code
    (held-out emacs case)."""
    from pausecode.recognize.layout import row_surface

    rng = np.random.default_rng(0)
    bar = np.clip(np.full((20, 1200, 3), (168, 94, 51), np.int16) + rng.integers(-3, 4, (20, 1200, 3)), 0, 255)
    bar = bar.astype(np.uint8)
    bar[5:15, ::3] = 255  # white text on a sixth of it
    assert same_surface(row_surface(bar, 0, 0, 1200, 20), (168, 94, 51), 4)


def test_numbers_stacked_into_one_tall_box_are_cut_into_one_box_per_line() -> None:
    from pausecode.recognize.classify import cut_stacked_rows

    gray = np.full((300, 400), 30, np.uint8)
    for top in (164, 186, 208):  # three digits, 14 px tall, on a 22 px pitch
        gray[top:top + 14, 40:50] = 160
    stack = Box(34.0, 158.0, 54.0, 229.0)  # "3", "4", "5" one above the other, detected as one padded box
    line = Box(62.0, 138.0, 281.0, 162.0, "memo = {0: 0, 1: 1}")
    cut = cut_stacked_rows([stack, line], 24.0, gray)
    assert len(cut) == 4 and cut[-1] is line  # a one-line box stays as it is
    assert [b.y1 for b in cut[:3]] == [160.0, 182.0, 204.0] and cut[2].y2 == 226.0  # cut between the glyphs
    assert [(b.y1 + b.y2) / 2 for b in cut[:3]] == [171.0, 193.0, 215.0]  # each centred on its digit
    assert all(b.x1 == 34.0 and b.x2 == 54.0 for b in cut[:3])
    centres = [(b.y1 + b.y2) / 2 for b in cut[:3]]
    assert abs((centres[2] - centres[1]) - 22) <= 2  # not the padded box's 23.7 px shares
    assert cut_stacked_rows([stack], 24.0, np.full((300, 400), 30, np.uint8)) == [stack]  # no glyphs: kept


def test_a_tall_box_whose_pieces_are_not_consecutive_numbers_is_read_whole() -> None:
    from pausecode.recognize.base import RowRead
    from pausecode.recognize.classify import consecutive_numbers
    from pausecode.recognize.ocr import OcrEngine

    assert consecutive_numbers(["3", "4", "5"]) and not consecutive_numbers(["3", "x", "5"])
    assert not consecutive_numbers(["4", "3"])

    class Stub(OcrEngine):
        name = "stub"

        def __init__(self, pieces: list[str]) -> None:
            super().__init__(None)
            self.pieces, self.read = pieces, []

        def _detect_and_read(self, frame: np.ndarray) -> list:
            return []

        def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
            return []

        def _detect(self, frame: np.ndarray) -> list[Box]:
            return [Box(34.0, 158.0, 54.0, 229.0), Box(62.0, 138.0, 281.0, 162.0), Box(62.0, 162.0, 200.0, 186.0)]

        def _read_boxes(self, frame: np.ndarray, boxes: list[Box]) -> None:
            for b in boxes:
                self.read.append(b)
                b.text = self.pieces.pop(0) if b.h < 30 and b.w < 30 and self.pieces else ("tall" if b.h > 30 else "x = 1")

    frame = np.zeros((300, 800, 3), np.uint8)
    for top in (164, 186, 208):  # three digits stacked in the tall box
        frame[top:top + 14, 40:50] = 160
    got = Stub(["3", "4", "5"])._boxes_for_pane(frame)
    assert sorted(b.text for b in got if b.w < 30) == ["3", "4", "5"]
    got = Stub(["3", "#", "5"])._boxes_for_pane(frame)  # an icon column, not numbers: the box read whole
    assert [b.text for b in got if b.w < 30] == ["tall"]


def test_the_edge_of_the_number_above_does_not_make_a_line_of_its_own() -> None:
    from pausecode.recognize.classify import cut_stacked_rows

    gray = np.full((300, 400), 30, np.uint8)
    gray[156:158, 40:50] = 160  # the bottom of the "2" above, inside the stack's padded box
    for top in (164, 186, 208):
        gray[top:top + 14, 40:50] = 160
    cut = cut_stacked_rows([Box(34.0, 156.0, 54.0, 228.0)], 24.0, gray)
    assert len(cut) == 3


def test_a_cells_frame_touching_the_stacked_numbers_does_not_join_them() -> None:
    """The active notebook cell's frame runs down right beside its numbers, inside their padded box: its
    column is inked on every row, so the rows between the digits are not blank. It is not a digit."""
    from pausecode.recognize.classify import cut_stacked_rows

    gray = np.full((300, 400), 30, np.uint8)
    for top in (164, 186, 208):
        gray[top:top + 14, 40:50] = 160
    gray[:, 52:54] = 200  # the frame's edge, two pixels wide, inside the box
    cut = cut_stacked_rows([Box(34.0, 158.0, 54.0, 229.0)], 24.0, gray)
    assert [(b.y1 + b.y2) / 2 for b in cut] == [171.0, 193.0, 215.0]


def test_counts_in_a_shells_output_are_not_a_line_number_gutter() -> None:
    """`wc -lw` prints right-aligned, increasing counts ("6", "45", "51") on consecutive lines: they jump by
    tens per line, while a file's numbers step down one line each."""
    counts = [Box(37.0, 546.0, 47.0, 566.0, "6"), Box(27.0, 566.0, 47.0, 586.0, "45"),
              Box(27.0, 586.0, 47.0, 606.0, "51")]
    assert find_gutter(counts, 1280) is None
    assert find_gutter(_numbers([44, 45, 46]), 1280) is not None
    assert find_gutter(_numbers([10, 11, 13, 14]), 1280) is not None  # a fold hid line 12


def test_two_numbered_lines_on_two_surfaces_both_stay_in_the_pane() -> None:
    """An editor's second line under a tint (vim's string highlight, a cursor line) is on another surface than
    the first; beside line numbers neither is a bar, and keeping one would guess the grid from one line."""
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize.grid import Box
    from pausecode.recognize.regions import one_surface

    frame = np.full((200, 600, 3), 200, np.uint8)
    frame[42:64, 40:600] = 235  # line 2 on a lighter tint
    rows = [[Box(44.0, 22.0, 270.0, 42.0, "#!/usr/bin/env python3")],
            [Box(44.0, 43.0, 560.0, 63.0, '"""Convert temperatures between')]]
    pane = PaneGuess(rows=rows, gutter_x=40.0, pitch=21.0, char_w=10.0, x0=44.0, pane=(40, 21, 600, 64), score=0.8,
                     first_number=(1, 32.0))
    assert one_surface(frame, [b for r in rows for b in r], pane).rows == rows
    title = PaneGuess(rows=rows, gutter_x=40.0, pitch=21.0, char_w=10.0, x0=44.0, pane=(40, 21, 600, 64),
                      score=0.8, first_number=(1, 53.0))  # the top row is above line 1: a title bar (nano)
    assert len(one_surface(frame, [b for r in rows for b in r], title).rows) == 1
    bar = PaneGuess(rows=rows, pitch=21.0, char_w=10.0, x0=44.0, pane=(40, 21, 600, 64), score=0.8)
    assert len(one_surface(frame, [b for r in rows for b in r], bar).rows) == 1  # no gutter: one is a bar


def test_the_cursor_line_painted_below_the_code_stays_when_its_number_follows_on() -> None:
    """vim's cursor line is a band of another colour under the line being typed, at the bottom of the text:
    the longest run of one surface leaves it out, but its line number follows the run's last; a status bar
    under the code carries no such number."""
    from pausecode.recognize.classify import PaneGuess
    from pausecode.recognize.grid import Box
    from pausecode.recognize.regions import one_surface

    frame = np.full((200, 600, 3), 30, np.uint8)
    frame[85:106, 0:600] = 97  # line 4, the cursor's, painted gray across
    code = [[Box(44.0, 22.0 + 21 * i, 270.0, 42.0 + 21 * i, "x = 1")] for i in range(3)]
    typed = [Box(44.0, 85.0, 90.0, 105.0, "stat")]
    numbers = [Box(20.0, 22.0 + 21 * i, 38.0, 42.0 + 21 * i, str(i + 1)) for i in range(4)]
    rows = code + [typed]
    pane = PaneGuess(rows=rows, gutter_x=38.0, pitch=21.0, char_w=10.0, x0=44.0, pane=(40, 21, 600, 106),
                     score=0.8, first_number=(1, 32.0))
    boxes = [b for r in rows for b in r] + numbers
    assert one_surface(frame, boxes, pane).rows == rows
    bar = [Box(0.0, 85.0, 150.0, 105.0, "-- INSERT --")]  # no number: a bar, left out
    assert one_surface(frame, [b for r in code for b in r] + bar + numbers[:3],
                       PaneGuess(rows=code + [bar], gutter_x=38.0, pitch=21.0, char_w=10.0, x0=44.0,
                                 pane=(40, 21, 600, 106), score=0.8, first_number=(1, 32.0))).rows == code
    # micro: two blank lines (numbered, no code box) between the code and the cursor line, painted across the
    # gutter too; kept, and the pane keeps the pitch it was found with
    frame2 = np.full((200, 600, 3), 255, np.uint8)
    frame2[127:148, 0:600] = 228  # line 6
    typed2 = [Box(44.0, 127.0, 80.0, 147.0, "cla")]
    numbers2 = [Box(20.0, 22.0 + 21 * i, 38.0, 42.0 + 21 * i, str(i + 1)) for i in range(6)]
    pane2 = PaneGuess(rows=code + [typed2], gutter_x=38.0, pitch=21.0, char_w=10.0, x0=44.0,
                      pane=(40, 21, 600, 148), score=0.8, first_number=(1, 32.0))
    kept = one_surface(frame2, [b for r in code for b in r] + typed2 + numbers2, pane2)
    assert kept.rows == code + [typed2] and kept.pitch == 21.0
    skipped = numbers2[:3] + [Box(20.0, 127.0, 38.0, 147.0, "9")]  # a number that does not follow on
    assert one_surface(frame2, [b for r in code for b in r] + typed2 + skipped, pane2).rows == code
    # the cursor line's number boxed 4 px wider than the others (bold, on the tint): still its number
    wider = numbers2[:5] + [Box(20.0, 127.0, 42.0, 147.0, "6")]
    assert one_surface(frame2, [b for r in code for b in r] + typed2 + wider, pane2).rows == code + [typed2]


def test_unsure_text_far_in_on_its_row_is_a_minimap_not_a_line() -> None:
    """Monaco's minimap beside a blank line reads as "305--" (mean character probability 0.73) at column 91;
    a continuation line aligned that deep under an open bracket reads clearly and stays."""
    from pausecode.recognize.base import TextLine
    from pausecode.recognize.marks import stray_text

    assert stray_text(TextLine(" " * 91 + "305--", 40.0, 0.73, 2))
    assert not stray_text(TextLine(" " * 36 + "operators='+-*/'):", 40.0, 0.97, 2))
    assert not stray_text(TextLine("    x = 1", 40.0, 0.6, 2))  # unsure, but where code is


def test_a_bulleted_list_with_code_chips_is_a_slide_not_code() -> None:
    """A slide's bullets hold code in monospace chips ("• CUTOFFS = [50, 60] must stay sorted"): the grid reads
    every item with its bullet. No line of code starts with one; one bullet among code lines is not a list."""
    from pausecode.recognize.base import TextLine
    from pausecode.recognize.ocr import READ, bulleted

    def lines(texts: list[str]) -> list[TextLine]:
        return [TextLine(t, 20 * i, 1.0, i) for i, t in enumerate(texts)]

    assert bulleted(lines(["• CUTOFFS = [50, 60] must stay sorted", "• bisect(CUTOFFS, 72) is 3",
                           "• LETTERS[3] is \"C\""]), READ)
    assert not bulleted(lines(["x = 1", "print('•', x)", "• not python", "y = 2", "z = 3"]), READ)
    assert not bulleted(lines(["• alone"]), READ)


def test_missed_line_numbers_are_probed_beside_unnumbered_lines_and_kept_when_they_fit() -> None:
    three = Box(1, 66, 18, 86, "3")  # the cursor's bold number; the faint 1 and 2 above were not detected
    lines = [Box(20, 18, 735, 48), Box(21, 42, 351, 69), Box(0, 632, 502, 656)]  # the last reaches the gutter
    probes = number_probes([three], lines)
    assert [round(p.cy) for p in probes] == [33, 56]  # the two code lines only, in the numbers' column
    assert all(p.x2 == three.x2 and p.x1 < three.x1 for p in probes)
    probes[0].text, probes[1].text = "1", "2"
    assert [b.text for b in confirmed_numbers([three], probes)] == ["1", "2"]


def test_probed_numbers_that_break_the_numbering_are_all_dropped() -> None:
    three = Box(1, 66, 18, 86, "3")
    one, two = Box(-11, 18, 18, 48, "1"), Box(-11, 42, 18, 69, "7")  # 7 above 3: a misread, or not a gutter
    assert confirmed_numbers([three], [one, two]) == []
    one.text, two.text = "1", "i"  # a letter (a status bar's text): dropped, the number kept
    assert [b.text for b in confirmed_numbers([three], [one, two])] == ["1"]
    # 2 two lines' height above 3, while 4 is one line below it: the steps per number disagree
    assert confirmed_numbers([three, Box(1, 96, 18, 116, "4")], [Box(-11, 5, 18, 25, "2")]) == []


def test_a_probed_number_is_centred_on_its_digits_not_on_a_neighbours_edge() -> None:
    frame = np.full((100, 60), 230, np.uint8)
    frame[40:56, 10:18] = 60  # the digit
    frame[18:21, 5:40] = 60  # the bottom of the row above, inside the probe's padded span
    probe = Box(5, 18, 40, 60, "1")
    got = centred_on_digits(probe, frame, height=20)
    assert (got.cy, got.h, got.text) == (48.0, 20, "1")


def test_a_changed_row_far_below_the_text_is_not_read_as_code() -> None:
    """After `clear` only the prompt is left at the top; tmux's status bar 55 rows down changed too (its
    window name): it had text the reading never took as code. Rows next to text, a block pasted below the
    last line, and rows that held text are read."""
    from pausecode.recognize.ocr import rows_near_text

    assert rows_near_text([0, 20, 55, 56], {0}, 6) == [0]
    assert rows_near_text([0, 55, 56], set(), 6) == [0]
    assert rows_near_text(list(range(11, 21)), set(range(11)), 6) == list(range(11, 21))  # a pasted block
    assert rows_near_text([40], {0, 40}, 6) == [40]  # a line that held text is read again
    assert rows_near_text([3, 9, 15], {0}, 6) == [3, 9, 15]  # each within reach of the one above
