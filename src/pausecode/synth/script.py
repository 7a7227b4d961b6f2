"""The declarative scenario language: a case is a screen setup plus a list of steps.

Steps say what the presenter does (open a file, type a block, pause, scroll, show a slide ...); the
simulator (simulate.py) turns them into timed screen states with exact truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import dedent

from .layout import Layout


def block(text: str, indent: int = 0) -> str:
    """Dedent a triple-quoted code block, drop its first newline and re-indent it by `indent` spaces
    (for blocks typed inside a class); inner blank lines are kept."""
    text = dedent(text)
    text = text.removeprefix("\n")
    text = text.rstrip("\n").rstrip(" ")
    pad = " " * indent
    return "\n".join(pad + ln if ln.strip() else "" for ln in text.split("\n"))


@dataclass(frozen=True)
class Open:
    """Open (or switch to) a file tab; `content` is what a newly opened file already holds."""

    file: str
    content: str = ""


@dataclass(frozen=True)
class Type:
    """Type a block of code at human speed: after 1-based line `after`, or at the end of the file."""

    text: str
    after: int | None = None
    typo_rate: float = 0.03  # chance per letter of a wrong key fixed with Backspace
    think: float = 0.12  # chance per line of a 1-5 s thinking pause before it


@dataclass(frozen=True)
class Pause:
    secs: float


@dataclass(frozen=True)
class Scroll:
    """Mouse-wheel scroll so that 1-based line `to` is on top (or by `by` lines)."""

    to: int | None = None
    by: int | None = None


@dataclass(frozen=True)
class Goto:
    """Click at the end of 1-based line `line` (moves the text cursor, reveals it)."""

    line: int


@dataclass(frozen=True)
class Slide:
    title: str
    bullets: tuple[str, ...] = ()
    secs: float = 4.0
    topic: str | None = None


@dataclass(frozen=True)
class Docs:
    title: str
    paragraphs: tuple[str, ...] = ()
    secs: float = 5.0
    url: str = "docs.python.org/3/tutorial/controlflow.html"
    example: str | None = None
    topic: str | None = None
    site: str = "Python 3.12 Documentation  »  The Python Tutorial"


@dataclass(frozen=True)
class Presenter:
    name: str
    role: str = "Instructor"
    secs: float = 4.0
    topic: str | None = None


@dataclass(frozen=True)
class Shell:
    """Switch the screen to a full-screen terminal (or back to the IDE with Open)."""

    prompt: str = "dev@laptop:~/project$ "


@dataclass(frozen=True)
class Term:
    """Type `text` at the terminal prompt (lines after the first follow `cont`), then print `output`
    and show `prompt`. A `>>>` prompt makes the terminal a Python REPL."""

    text: str
    output: tuple[str, ...] = ()
    prompt: str | None = None  # None: keep the current kind of prompt
    cont: str = "... "


@dataclass(frozen=True)
class RunInPanel:
    """Run a command in the IDE's terminal panel (panel text is not code)."""

    command: str
    output: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetLayout:
    """Toggle IDE elements mid-video (a `layout` boundary)."""

    changes: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Zoom:
    """Change the editor font size mid-video (a `zoom` boundary)."""

    font_size: int


Step = (
    Open
    | Type
    | Pause
    | Scroll
    | Goto
    | Slide
    | Docs
    | Presenter
    | Shell
    | Term
    | RunInPanel
    | SetLayout
    | Zoom
)


@dataclass(frozen=True)
class CaseSpec:
    """One synthetic recording: screen setup plus the steps the presenter performs."""

    name: str
    steps: tuple[Step, ...]
    width: int = 1280
    height: int = 720
    theme: str = "monokai"
    font: str = "dejavu"
    font_size: int = 14
    layout: Layout = field(default_factory=Layout)
    language: str = "python"
    project: str = "tutorial"
    extra_files: tuple[str, ...] = ("README.md", "requirements.txt")
    autoclose: bool = True
    typing_speed: float = 1.0  # >1 types faster
    slide_style: str = "dark"  # dark | light | accent
    presenter_webcam_seed: int = 0
    description: str = ""
    fps: int = 30
    crf: int = 25
