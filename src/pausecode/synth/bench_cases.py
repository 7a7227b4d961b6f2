"""Benchmark presets (60-180 s each). Together they cover every variation on purpose: dark and
light themes, five monospace fonts at 13-20 px, 720p and 1080p, a webcam overlay, minimap + sidebar +
terminal panel, no line numbers, JavaScript, terminal REPLs, scrolling, mid-file edits, file switches,
layout and zoom changes, and all three learning screens."""

from __future__ import annotations

from . import snippets as C
from .layout import Layout
from .script import (
    CaseSpec,
    Docs,
    Goto,
    Open,
    Pause,
    Presenter,
    RunInPanel,
    Scroll,
    SetLayout,
    Shell,
    Slide,
    Term,
    Type,
    Zoom,
)

SHELL = "dev@laptop:~/tutorial$ "

_DOCS_CLASSES = (
    (
        "Classes provide a means of bundling data and functionality together. Creating a new class "
        "creates a new type of object, allowing new instances of that type to be made."
    ),
    (
        "Each class instance can have attributes attached to it for maintaining its state. Class "
        "instances can also have methods, defined by its class, for modifying its state."
    ),
    (
        "Compared with other programming languages, the class mechanism adds classes with a minimum "
        "of new syntax and semantics."
    ),
)

LONG_CASES: list[CaseSpec] = [
    CaseSpec(
        name="long_webcam_dark",
        description="One-dark, JetBrains Mono 15 px, 720p, presenter webcam box in the corner; a class and "
        "functions typed from scratch, a presenter cut, an insert mid-file, scrolling.",
        theme="one-dark",
        font="jetbrains",
        font_size=15,
        layout=Layout(webcam=True),
        steps=(
            Slide(
                "Tracking stock with dataclasses",
                (
                    "@dataclass writes __init__ for you",
                    "Methods still work as usual",
                    "Format reports with f-strings",
                ),
                secs=5.0,
            ),
            Open("stock.py"),
            Type(C.INV_PART1),
            Pause(3.0),
            Presenter("Sam Rivera", "Python instructor", secs=6.0),
            Type(C.INV_PART2),
            Pause(2.5),
            Type(C.INV_INSERT, after=12),
            Pause(2.0),
            Scroll(to=1),
            Pause(2.5),
            Type(C.INV_PART3),
            Pause(3.0),
        ),
        typing_speed=1.3,
        presenter_webcam_seed=1,
    ),
    CaseSpec(
        name="long_light_1080p_panel",
        description="Light theme at 1080p, Fira Code 18 px, sidebar + minimap + terminal panel; two files, "
        "tab switches, running the script in the panel, a docs page and a slide.",
        width=1920,
        height=1080,
        theme="xcode",
        font="fira",
        font_size=18,
        layout=Layout(minimap=True, panel=True),
        steps=(
            Docs(
                "Classes",
                _DOCS_CLASSES,
                secs=6.0,
                url="docs.python.org/3/tutorial/classes.html",
                example="class MyClass:\n    i = 12345\n\n    def f(self):\n        return 'hello world'",
            ),
            Open("shapes.py"),
            Type(C.SHAPES),
            Pause(2.0),
            Type(C.SHAPES_RECT),
            Pause(1.5),
            Open("main.py"),
            Type(C.SHAPES_MAIN),
            Pause(1.0),
            RunInPanel("python main.py", ("circle with area 7.07", "rectangle with area 8.00")),
            Pause(2.5),
            Open("shapes.py"),
            Type(C.SHAPES_PERIMETER, after=21),
            Pause(2.0),
            Slide(
                "Inheritance recap",
                ("A subclass reuses the parent's methods", "Override area() in each shape"),
                secs=5.0,
            ),
            Open("main.py"),
            Type(C.SHAPES_MAIN_MORE),
            RunInPanel(
                "python main.py", ("circle with area 7.07", "rectangle with area 8.00", "Largest: rectangle")
            ),
            Pause(3.0),
        ),
        slide_style="light",
        typing_speed=1.4,
    ),
    CaseSpec(
        name="long_js_dracula",
        description=(
            "JavaScript in a Dracula theme, Noto Mono 16 px, no title bar or sidebar; auto-closed "
            "brackets, a slide and an MDN-like docs page."
        ),
        theme="dracula",
        font="noto",
        font_size=16,
        language="javascript",
        layout=Layout(title_bar=False, sidebar=False),
        steps=(
            Slide(
                "Arrays in JavaScript",
                (
                    "Objects inside an array literal",
                    "reduce() folds to one value",
                    "filter() keeps matching items",
                ),
                secs=5.0,
            ),
            Open("cart.js"),
            Type(C.CART_JS_1),
            Pause(2.0),
            Docs(
                "Array.prototype.reduce()",
                (
                    (
                        "The reduce() method of Array instances executes a user-supplied reducer callback "
                        "function on each element of the array, in order, passing in the return value from "
                        "the calculation on the preceding element."
                    ),
                    (
                        "The final result of running the reducer across all elements of the array is "
                        "a single value."
                    ),
                ),
                secs=6.0,
                url="developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Array/reduce",
                example="const sum = [1, 2, 3].reduce((a, b) => a + b, 0);",
                site="MDN Web Docs  »  JavaScript",
            ),
            Type(C.CART_JS_2),
            Pause(2.0),
            Type(C.CART_JS_3),
            Pause(3.0),
        ),
        slide_style="accent",
        typing_speed=1.4,
    ),
    CaseSpec(
        name="long_nolinenums_light",
        description="Friendly light theme, Liberation Mono 17 px, no line numbers and no activity bar; a "
        "zoom to 20 px and the sidebar hidden mid-video.",
        theme="friendly",
        font="liberation",
        font_size=17,
        layout=Layout(activity_bar=False, line_numbers=False, breadcrumbs=False, indent_guides=False),
        steps=(
            Open("temperature.py"),
            Type(C.TEMP_1),
            Pause(2.0),
            Slide(
                "Branching with if / elif / else",
                ("Test conditions in order", "else catches the rest", "raise ValueError for bad input"),
                secs=5.0,
            ),
            Type(C.TEMP_2),
            Pause(2.0),
            Zoom(20),
            Pause(2.0),
            SetLayout((("sidebar", False),)),
            Pause(2.0),
            Presenter("Priya Natarajan", "Teaching assistant", secs=5.0),
            Goto(9),
            Pause(3.0),
        ),
        slide_style="light",
        typing_speed=1.3,
    ),
    CaseSpec(
        name="long_terminal_repl",
        description="A terminal only: shell, python3 REPL with blocks and output, back to the shell to run "
        "a script; DejaVu Sans Mono 20 px so the screen fills up and scrolls.",
        theme="github-dark",
        font="dejavu",
        font_size=20,
        steps=(
            Slide(
                "Exploring Python in the REPL", ("Try expressions one at a time", "Blocks continue with ...")
            ),
            Shell(SHELL),
            Term("ls", ("notes.txt  wordcount.py",)),
            Term("python3 -q", prompt=">>> "),
            Term('text = "the cat and the hat"'),
            Term("words = text.split()"),
            Term("len(words)", ("5",)),
            Term("sorted(set(words))", ("['and', 'cat', 'hat', 'the']",)),
            Term("counts = {}"),
            Term("for w in words:\n    counts[w] = counts.get(w, 0) + 1\n"),
            Term("counts", ("{'the': 2, 'cat': 1, 'and': 1, 'hat': 1}",)),
            Pause(2.0),
            Presenter("Alex Kim", "Python instructor", secs=5.0),
            Term("max(counts, key=counts.get)", ("'the'",)),
            Term('def shout(s):\n    return s.upper() + "!"\n'),
            Term('shout("hi")', ("'HI!'",)),
            Term("exit()", prompt=SHELL),
            Term("python3 wordcount.py notes.txt", ("the 12", "and 7", "python 5")),
            Pause(2.0),
            Docs(
                "Using the Python Interpreter",
                (
                    (
                        "The Python interpreter is usually installed as /usr/local/bin/python3 on "
                        "those machines where it is available."
                    ),
                    (
                        "When commands are read from a tty, the interpreter is said to be in "
                        "interactive mode. In this mode it prompts for the next command with the primary "
                        "prompt, usually three "
                        "greater-than signs; for continuation lines it prompts with the secondary prompt."
                    ),
                ),
                secs=5.0,
                url="docs.python.org/3/tutorial/interpreter.html",
            ),
            Shell(SHELL),
            Term("python3 -q", prompt=">>> "),
            Term("import wordcount"),
            Term('wordcount.top("a b b c c c", 2)', ("[('c', 3), ('b', 2)]",)),
            Pause(2.0),
        ),
        typing_speed=1.2,
    ),
    CaseSpec(
        name="long_ide_terminal_mix",
        description="Monokai, Liberation Mono 13 px, full chrome with minimap; a class typed in the IDE, "
        "tried in a full-screen terminal REPL (traceback), then more methods and a docs page.",
        theme="monokai",
        font="liberation",
        font_size=13,
        layout=Layout(minimap=True),
        steps=(
            Presenter("Jordan Lee", "Software engineer", secs=5.0),
            Open("bank.py"),
            Type(C.BANK_1),
            Pause(2.0),
            Shell(SHELL),
            Term("python3 -q", prompt=">>> "),
            Term("from bank import BankAccount"),
            Term('acct = BankAccount("Ada")'),
            Term("acct.deposit(50)", ("50",)),
            Term(
                "acct.deposit(-5)",
                (
                    "Traceback (most recent call last):",
                    '  File "<stdin>", line 1, in <module>',
                    '  File "/home/dev/tutorial/bank.py", line 10, in deposit',
                    '    raise ValueError("deposit must be positive")',
                    "ValueError: deposit must be positive",
                ),
            ),
            Term("exit()", prompt=SHELL),
            Open("bank.py"),
            Type(C.BANK_2),
            Pause(2.0),
            Docs("Classes", _DOCS_CLASSES, secs=5.0, url="docs.python.org/3/tutorial/classes.html"),
            Type(C.BANK_3),
            Pause(2.0),
            Shell(SHELL),
            Term("python3 -c \"from bank import BankAccount as B; print(B('Bo', 9))\"", ("Bo: 9",)),
            Pause(2.0),
        ),
        typing_speed=1.3,
    ),
]
