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
                                    '"w.py" 12L, 300B written', "[tutorial]0:vim*"])
def test_terminal_editor_status_line_is_not_code(status):
    assert drop_status_lines(["x = 1", "", "", status]) == ["x = 1"]


def test_code_that_mentions_a_mode_is_kept():
    lines = ["MODE = 'INSERT'", 'print("INSERT")', "INSERT = 3"]
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
