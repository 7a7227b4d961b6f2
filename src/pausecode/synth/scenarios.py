"""Preset cases: short ones for tests (8-25 s) and `demo` for `make demo`; the long benchmark
cases live in bench_cases.py and are merged into CASES here."""

from __future__ import annotations

from . import snippets as C
from .bench_cases import LONG_CASES
from .layout import Layout
from .script import (
    CaseSpec,
    Docs,
    Open,
    Pause,
    Scroll,
    Shell,
    Slide,
    Term,
    Type,
)

SHELL = "dev@laptop:~/tutorial$ "

_cases = [
    CaseSpec(
        name="demo",
        description="Slide 'Python functions', then a small function typed, a pause, a second function.",
        theme="monokai",
        font="dejavu",
        font_size=15,
        steps=(
            Slide(
                "Python functions",
                ("Define a function with def", "Parameters go in parentheses", "return sends a value back"),
                secs=3.0,
            ),
            Open("functions.py"),
            Type(C.GREET, typo_rate=0.02, think=0.0),
            Pause(2.0),
            Type(C.DEMO_ADD, typo_rate=0.0, think=0.0),
            Pause(1.5),
        ),
        typing_speed=2.4,
    ),
    CaseSpec(
        name="short_dark_py",
        description="Dark VS Code look with line numbers: a slide, then a loop typed.",
        theme="monokai",
        font="dejavu",
        font_size=14,
        steps=(
            Slide("Loops and conditions", ("for walks over a list", "if picks the big ones"), secs=3.0),
            Open("loops.py"),
            Type(C.LOOP, typo_rate=0.04, think=0.0),
            Pause(1.5),
        ),
        typing_speed=1.5,
    ),
    CaseSpec(
        name="short_light_1080p",
        description="Light theme at 1920x1080, JetBrains Mono 18 px, no sidebar; a docs page, then typing.",
        width=1920,
        height=1080,
        theme="vs",
        font="jetbrains",
        font_size=18,
        layout=Layout(sidebar=False, minimap=True),
        steps=(
            Docs(
                "More Control Flow Tools",
                (
                    (
                        "Besides the while statement just introduced, Python uses a few more that we will "
                        "encounter in this chapter."
                    ),
                    (
                        "Perhaps the most well-known statement type is the if statement. There can be "
                        "zero or more elif parts, and the else part is optional."
                    ),
                ),
                secs=3.0,
                url="docs.python.org/3/tutorial/controlflow.html",
            ),
            Open("evens.py"),
            Type(C.EVENS, typo_rate=0.03, think=0.0),
            Pause(1.0),
        ),
        typing_speed=1.7,
    ),
    CaseSpec(
        name="short_terminal_repl",
        description="Terminal look: shell prompt, python3 REPL with >>> and ... prompts and output.",
        theme="one-dark",
        font="liberation",
        font_size=16,
        layout=Layout(),
        steps=(
            Shell(SHELL),
            Term("python3 -q", prompt=">>> "),
            Term("nums = [4, 1, 3]"),
            Term("sorted(nums)", ("[1, 3, 4]",)),
            Term("for n in nums:\n    print(n * 2)\n", ("8", "2", "6")),
            Pause(1.0),
        ),
        typing_speed=1.8,
    ),
    CaseSpec(
        name="short_scroll",
        description="A 48-line file that does not fit: wheel scrolling down and up, a 2-line insert.",
        theme="one-dark",
        font="noto",
        font_size=16,
        steps=(
            Open("inventory.py", C.INVENTORY_FULL),
            Pause(1.5),
            Scroll(to=10),
            Pause(1.5),
            Scroll(to=21),
            Pause(1.0),
            Type(C.SCROLL_INSERT, after=28, typo_rate=0.0, think=0.0),
            Pause(1.0),
            Scroll(to=1),
            Pause(1.0),
        ),
        typing_speed=1.8,
    ),
    CaseSpec(
        name="short_file_switch",
        description="Two tabs: typing in main.py, switching to models.py to add a method, back again.",
        theme="dracula",
        font="fira",
        font_size=14,
        steps=(
            Open("models.py", C.MODELS),
            Pause(1.0),
            Open("main.py"),
            Type(C.MAIN_BOOKS, typo_rate=0.0, think=0.0),
            Pause(0.8),
            Open("models.py"),
            Type(C.MODELS_METHOD, typo_rate=0.0, think=0.0),
            Pause(0.8),
            Open("main.py"),
            Pause(1.0),
        ),
        typing_speed=2.0,
    ),
]

CASES: dict[str, CaseSpec] = {c.name: c for c in _cases + LONG_CASES}
