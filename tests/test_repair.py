"""Post-corrections that only apply where the text can be checked."""

from __future__ import annotations

from collections import Counter

import pytest

from pausecode.recognize.classify import drop_status_lines
from pausecode.segments.repair import constant_case, fix_main_guard, repair_code


@pytest.mark.parametrize(("read", "fixed"), [
    ("SToP = {", "STOP = {"),
    ("if w not in SToP:", "if w not in STOP:"),
    ("MAx_SIZE = 3", "MAX_SIZE = 3"),
])
def test_small_capitals_read_as_lower_case_are_fixed(read, fixed):
    assert constant_case(read, Counter()) == fixed


@pytest.mark.parametrize("text", ["URLs = []", "IoError", "HTTPServer()", "iOS", "Class", "x = sToP"])
def test_ordinary_names_keep_their_case(text):
    assert constant_case(text, Counter()) == text


def test_vote_from_other_frames_fixes_case():
    assert constant_case("STop = 1", Counter({"STOP": 5})) == "STOP = 1"


@pytest.mark.parametrize("status", ["-- INSERT --", "INSERT --", "-- VISUAL LINE --", '"wordfreq.py" [New]',
                                    '"w.py" 12L, 300B written', "[tutorial]0:vim*", "ep4 0:vim*", "4 0:vim*",
                                    "lesson-9 0:bash- 1:vim*     tokens | Thu 03:19"])
def test_terminal_editor_status_line_is_not_code(status):
    assert drop_status_lines(["x = 1", "", "", status]) == ["x = 1"]


def test_code_that_mentions_a_mode_is_kept():
    lines = ["MODE = 'INSERT'", 'print("INSERT")', "INSERT = 3", "d = {0:x*2}", "print(a, 1:b*)"]
    assert drop_status_lines(lines) == lines


@pytest.mark.parametrize("read", ['if_name== "main":', 'if _name== "__main__":', 'if_name == " main ":',
                                  'if __name__== "__main__":'])
def test_main_guard_rebuilt(read):
    assert fix_main_guard(read) == 'if __name__ == "__main__":'


@pytest.mark.parametrize(("line", "fixed"), [
    ('if name == "Ada":', 'if name == "Ada":'),  # a variable called name
    ("if __name__ == '__main__':", "if __name__ == '__main__':"),
    ('if_name== "ma', 'if __name__ == "ma'),  # still being typed: only the part that is there
])
def test_main_guard_keeps_what_it_cannot_check(line, fixed):
    assert fix_main_guard(line) == fixed


def test_main_guard_through_repair_code():
    code = 'def main():\n    pass\n\n\nif_name== "main":\n    main()'
    assert repair_code(code, "python").splitlines()[4] == 'if __name__ == "__main__":'


def test_line_numbers_of_a_short_file_mark_its_rows():
    from pausecode.recognize.classify import numbered_rows
    from pausecode.recognize.grid import Box

    def box(x1, y, text):
        return Box(x1, y, x1 + 10 * len(text), y + 18, text)

    rows = [[box(100, 10, "shapes.py"), box(220, 10, "main.py")],  # tabs
            [box(100, 40, "tutorial > main.py")],  # breadcrumbs
            [box(60, 70, "1   from shapes import Circle")],  # number merged with the code by the detector
            [box(60, 100, "2")]]
    out = numbered_rows(rows, 10.0)
    assert [[b.text for b in r] for r in out] == [["from shapes import Circle"], []]
    assert numbered_rows(rows[:2], 10.0) is None  # no numbers: nothing to say


def _row_boxes(spec):
    from pausecode.recognize.grid import Box
    return [Box(x, y, x + 8 * len(t), y + 16, t) for x, y, t in spec]


def test_an_empty_editor_is_code_not_learning():
    from pausecode.recognize.classify import editor_on_screen, editor_text_rows

    vscode = _row_boxes([(300, 5, "grades.py - gradebook - Visual Studio Code"), (40, 50, "EXPLORER"),
                         (60, 80, "≡ helpers.py"), (240, 30, "grades.py"), (240, 60, "gradebook > grades.py"),
                         (300, 90, "# Grade book: func"), (900, 400, "I"),
                         (1000, 700, "Ln 1, Col 19 Spaces: 4 UTF-8 LF")])
    assert editor_on_screen(vscode)
    assert [[b.text for b in r] for r in editor_text_rows(vscode, 1280, 720)] == [["# Grade book: func"]]
    vim = _row_boxes([(10, 20, "import sys"), (10, 690, "-- INSERT --"), (1100, 690, "1,11"), (1200, 690, "All")])
    assert editor_on_screen(vim)
    assert [[b.text for b in r] for r in editor_text_rows(vim, 1280, 720)] == [["import sys"]]


def test_an_empty_vim_buffer_in_a_terminal_is_code_with_no_text_not_the_window_title() -> None:
    """Boxes as the detector read an empty vim in xterm + tmux (dev_terminal_light): the window's title has
    user@host:path without the shell's sigil, so it is no prompt; the ruler and its "All" came as two boxes;
    the lone "1" is the buffer's first (empty) line, so the tmux bar above it is not the file."""
    from pausecode.recognize.classify import PROMPT_RE, code_likeness, editor_on_screen, editor_text_rows
    from pausecode.recognize.grid import Box

    title = Box(557.0, 1.0, 723.0, 17.0, "alex@devbox: ~/tempconv")
    boxes = [title, Box(11.0, 22.0, 98.0, 44.0, "lesson-9"), Box(100.0, 20.0, 169.0, 45.0, "0:vim*"),
             Box(1103.0, 22.0, 1189.0, 44.0, "tempconv"), Box(1211.0, 22.0, 1269.0, 44.0, "06:40"),
             Box(22.0, 45.0, 38.0, 63.0, "1"), Box(1.0, 670.0, 198.0, 699.0, '"tempconv.py" [New]'),
             Box(1090.0, 672.0, 1150.0, 698.0, "0,0-1"), Box(1230.0, 672.0, 1269.0, 695.0, "All")]
    assert not PROMPT_RE.match(title.text) and PROMPT_RE.match("alex@devbox:~/tempconv$ ls -a")
    assert code_likeness([[title]], False, 16.0, 720) < 0.5
    assert editor_on_screen(boxes)
    assert not editor_on_screen(boxes[:-1])  # the ruler's numbers alone could be anything
    assert all(not r for r in editor_text_rows(boxes, 1280, 720))


def test_a_zsh_or_fedora_prompt_is_a_shell_but_the_window_title_is_not() -> None:
    """zsh writes user@host, a space, the folder and "%"; Fedora's bash brackets them before "$". A terminal
    showing only such a prompt is a shell (micro's recording starts so), its title bar without the sigil is
    not."""
    from pausecode.recognize.classify import PROMPT_RE, editor_on_screen

    for prompt in ("lena@atlas islands %", "lena@atlas islands % ls", "[lena@atlas islands]$ python3 x.py",
                   "alex@devbox:~/tempconv$ ls -a"):
        assert PROMPT_RE.match(prompt), prompt
    for title in ("lena@atlas: ~/islands", "lena@atlas ~/islands", "mail lena@atlas.org about it"):
        assert not PROMPT_RE.match(title), title
    assert editor_on_screen(_row_boxes([(0, 30, "lena@atlas islands % ls"), (0, 52, "README.md"),
                                        (0, 74, "lena@atlas islands %")]))


def test_an_empty_terminal_editor_is_told_by_its_status_line_or_key_help_and_its_bars_are_not_code() -> None:
    """Boxes as the detector read an empty emacs in xterm + tmux (held-out recording): the mode line names the
    file and gives the cursor's place "(1,0)" in another box of the same row; the window's title, tmux's bar
    and the menu bar above the buffer are UI. nano's key help is a row of "^X Exit" bindings."""
    from pausecode.recognize.classify import editor_on_screen, editor_text_rows
    from pausecode.recognize.grid import Box

    emacs = [Box(558.0, 1.0, 722.0, 17.0, "ines@school: ~/gradebook"), Box(8.0, 22.0, 80.0, 47.0, "unit 5"),
             Box(92.0, 26.0, 178.0, 47.0, "0:emacs*"), Box(1091.0, 22.0, 1270.0, 49.0, "gradebook | 03:29"),
             Box(2.0, 45.0, 438.0, 72.0, "File Edit Options Buffers Tools Python Help"),
             Box(3.0, 642.0, 129.0, 670.0, "-UUU:----F1"), Box(280.0, 644.0, 379.0, 669.0, "All (1,0)"),
             Box(432.0, 645.0, 515.0, 667.0, "(Python)"), Box(129.0, 643.0, 229.0, 671.0, "grades.py"),
             Box(2.0, 666.0, 108.0, 694.0, "(New file)")]
    assert editor_on_screen(emacs)
    assert not any(editor_text_rows(emacs, 1280, 720))
    typed = emacs + [Box(40.0, 66.0, 126.0, 93.0, '"""Grad')]
    assert [[b.text for b in r] for r in editor_text_rows(typed, 1280, 720)] == [['"""Grad']]
    assert not editor_on_screen([b for b in emacs if b.text != "All (1,0)"])  # the file name alone: no cursor
    nano = [Box(2.0, 683.0, 80.0, 708.0, "^X Exit"), Box(153.0, 684.0, 279.0, 705.0, "^R Read File"),
            Box(452.0, 682.0, 541.0, 708.0, "^U Paste"), Box(1051.0, 664.0, 1181.0, 687.0, "M-A Set Mark")]
    assert editor_on_screen(nano)
    assert not editor_on_screen(_row_boxes([(100, 100, "Press ^C Cancel to stop"), (100, 200, "Tips")]))


def test_slides_and_docs_are_not_an_editor():
    from pausecode.recognize.classify import editor_on_screen

    slide = _row_boxes([(100, 100, "Visual Studio Code tips"), (100, 200, "Install the Python extension"),
                        (100, 260, "Open a folder")])
    docs = _row_boxes([(100, 100, "4. More Control Flow Tools"), (100, 200, "Besides the while statement")])
    assert not editor_on_screen(slide)
    assert not editor_on_screen(docs)


def test_a_shell_prompt_is_a_terminal_but_a_dollar_on_a_slide_is_not():
    from pausecode.recognize.classify import editor_on_screen

    assert editor_on_screen(_row_boxes([(10, 20, "dev@laptop:~/wordfreq$ python3"), (300, 20, "3 - q")]))
    assert editor_on_screen(_row_boxes([(10, 20, ">>> from wordfreq import words")]))
    assert not editor_on_screen(_row_boxes([(100, 100, "Installing"), (100, 200, "$ pip install requests")]))


@pytest.mark.parametrize(("read", "fixed"), [
    ("    for s in sorted(xs, key=lambda s: s.averagę())", "    for s in sorted(xs, key=lambda s: s.average())"),
    ('print("Cześć")  # zażółć', 'print("Cześć")  # zażółć'),  # strings and comments may really be Polish
])
def test_accented_letters_in_identifiers_are_ocr_noise(read, fixed):
    from pausecode.segments.repair import strip_accents_in_code

    assert strip_accents_in_code(read) == fixed


@pytest.mark.parametrize("read, fixed", [
    ('print(f″fib({n}) = ″)', 'print(f"fib({n}) = ")'),
    ("x = ′a′", "x = 'a'"),
    ("s = “done”", 's = "done"'),
])
def test_quote_look_alikes_are_quotes(read, fixed):
    """The recogniser reads a straight double quote as a double prime or a curly quote: code has none."""
    from pausecode.segments.repair import normalize_chars

    assert normalize_chars(read) == fixed
