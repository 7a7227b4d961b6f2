"""Play a scenario's steps at human speed and record every screen state with its time.

All randomness (key delays, typos, thinking pauses, mouse drift) comes from one seeded RNG, so a
(case, seed) pair always yields the same timeline, video and truth.
"""

from __future__ import annotations

import math
import random
import zlib

from . import script as S
from .editor import NEIGHBOURS as _NEIGHBOURS
from .editor import Buffer, TermScreen, indent_of
from .layout import Geometry, ide_geometry, tab_rects, terminal_geometry
from .state import Snapshot, Timeline
from .steps_screen import ScreenSteps

LEARNING = ("slide", "docs", "presenter")


def view_name(step: S.Slide | S.Docs | S.Presenter) -> str:
    if isinstance(step, S.Slide):
        return f"slide:{step.title}"
    if isinstance(step, S.Docs):
        return f"docs:{step.title}"
    return f"presenter:{step.name}"


def topic_of(step: S.Slide | S.Docs | S.Presenter) -> str:
    if step.topic:
        return step.topic
    return step.name if isinstance(step, S.Presenter) else step.title


class Simulator(ScreenSteps):
    """Turns a CaseSpec into a Timeline (states on the frame grid, events, mouse path)."""

    def __init__(self, spec: S.CaseSpec, seed: int = 0) -> None:
        self.spec = spec
        self.rng = random.Random(seed * 1_000_003 + zlib.crc32(spec.name.encode()))
        self.tl = Timeline(fps=spec.fps)
        self.t = 0.0
        self.layout = spec.layout
        self.font_size = spec.font_size
        self.buffers: dict[str, Buffer] = {}
        self.active: str | None = None
        self.term: TermScreen | None = None
        self.term_prompt = ">>> "
        self.kind: str | None = None  # ide | terminal | slide | docs | presenter
        self.view: S.Slide | S.Docs | S.Presenter | None = None
        self.panel: list[str] = []
        self.blink_origin = 0.0
        self.editor: str | None = None
        self.mouse = (spec.width * 0.7, spec.height * 0.5)
        self.mouse_visible = True
        self._last_view: tuple | None = None
        self.tl.mouse.append((0.0, *self.mouse, True))

    # ----- geometry and recording -------------------------------------------------------------
    def geometry(self) -> Geometry:
        sp = self.spec
        if self.kind == "terminal":
            return terminal_geometry(sp.width, sp.height, self.layout, sp.font, self.font_size)
        n = len(self.buffers[self.active].lines) if self.active else 1
        return ide_geometry(sp.width, sp.height, self.layout, sp.font, self.font_size, max(99, n))

    def rows(self) -> int:
        return self.geometry().rows

    def _editor_name(self) -> str:
        return self.term.kind() if self.kind == "terminal" and self.term else "vscode"

    def emit(self) -> None:
        """Record the current screen as a state from self.t, adding scroll/editor events it implies."""
        kind = self.kind
        if kind == "ide":
            buf = self.buffers[self.active]
            names = tuple(self.buffers)
            snap = Snapshot(
                kind="ide",
                layout=self.layout,
                font_size=self.font_size,
                files=tuple((n, tuple(b.lines)) for n, b in self.buffers.items()),
                active=names.index(self.active),
                top=buf.top,
                cursor=(buf.row, buf.col),
                panel=tuple(self.panel),
                blink_origin=self.blink_origin,
                editor="vscode",
            )
            view = ("ide", self.active, self.layout, self.font_size, buf.top)
        elif kind == "terminal":
            rows = self.rows()
            top = max(0, len(self.term.rows) - rows)
            snap = Snapshot(
                kind="terminal",
                layout=self.layout,
                font_size=self.font_size,
                term_rows=tuple(self.term.rows),
                top=top,
                cursor=(len(self.term.rows) - 1, len(self.term.rows[-1])),
                blink_origin=self.blink_origin,
                editor=self._editor_name(),
            )
            view = ("terminal", None, self.layout, self.font_size, top)
        else:
            snap = Snapshot(
                kind=kind, layout=self.layout, font_size=self.font_size, view=self.view, editor=kind
            )
            view = (kind, self.view, None, None, None)
        if kind in ("ide", "terminal"):
            name = snap.editor
            if self.editor is not None and name != self.editor:
                self.tl.event(self.t, "editor_switch", f"editor {self.editor} -> {name}")
            self.editor = name
            last = self._last_view
            if last and last[:4] == view[:4] and last[4] != view[4]:
                unit = "line" if kind == "ide" else "row"
                self.tl.event(self.t, "scroll", f"scroll: top {unit} {last[4] + 1} -> {view[4] + 1}")
        self._last_view = view
        self.tl.put(self.t, snap)

    def wait(self, secs: float) -> None:
        self.t += max(0.0, secs)

    def key_delay(self) -> float:
        d = math.exp(self.rng.gauss(math.log(0.11), 0.33)) / self.spec.typing_speed
        return min(0.2, max(0.06, d))

    def press(self, action, *args) -> None:
        """One keystroke after a human delay; the caret becomes solid again."""
        self.wait(self.key_delay())
        action(*args)
        self.blink_origin = self.tl.frame_time(self.t)
        if self.kind == "ide":
            self.buffers[self.active].reveal(self.rows())
        self.emit()

    # ----- mouse --------------------------------------------------------------------------------
    def move_mouse(self, x: float, y: float, dur: float | None = None, advance: bool = True) -> None:
        dur = dur if dur is not None else self.rng.uniform(0.35, 0.7)
        self.tl.mouse.append((self.t, *self.mouse, self.mouse_visible))
        self.mouse = (x, y)
        self.tl.mouse.append((self.t + dur, x, y, self.mouse_visible))
        if advance:
            self.wait(dur)

    def set_mouse_visible(self, visible: bool) -> None:
        if visible != self.mouse_visible:
            self.mouse_visible = visible
            self.tl.mouse.append((self.t, *self.mouse, visible))

    def _line_xy(self, row: int) -> tuple[float, float]:
        g = self.geometry()
        buf = self.buffers[self.active]
        r = row - buf.top
        x = g.col_x(len(buf.lines[row].rstrip())) + self.rng.uniform(4, 40) * g.scale
        return min(x, g.code[2] - 10), g.row_top(r) + g.line_height / 2

    # ----- mode switches ------------------------------------------------------------------------
    def to_code(self, kind: str) -> None:
        if self.kind == kind:
            return
        if self.kind in LEARNING:
            self.tl.event(self.t, "type_switch", "switch to code")
            self.tl.event(self.t, "action", "back to editor" if kind == "ide" else "back to terminal")
            self.set_mouse_visible(True)
        self.kind = kind
        self.view = None

    def learning(self, step: S.Slide | S.Docs | S.Presenter) -> None:
        kind = "slide" if isinstance(step, S.Slide) else "docs" if isinstance(step, S.Docs) else "presenter"
        name = view_name(step)
        if self.kind in ("ide", "terminal"):
            self.tl.event(self.t, "type_switch", f"switch to learning ({name})")
        self.tl.event(self.t, "action", f"show {kind} '{step.title if kind != 'presenter' else step.name}'")
        self.kind, self.view = kind, step
        self.set_mouse_visible(kind == "docs")
        self.emit()
        self.wait(step.secs)

    # ----- steps --------------------------------------------------------------------------------
    def run(self) -> Timeline:
        handlers = {
            S.Open: self.do_open,
            S.Type: self.do_type,
            S.Pause: self.do_pause,
            S.Scroll: self.do_scroll,
            S.Goto: self.do_goto,
            S.Slide: self.learning,
            S.Docs: self.learning,
            S.Presenter: self.learning,
            S.Shell: self.do_shell,
            S.Term: self.do_term,
            S.RunInPanel: self.do_panel,
            S.SetLayout: self.do_layout,
            S.Zoom: self.do_zoom,
        }
        for step in self.spec.steps:
            handlers[type(step)](step)
        self.wait(0.5)
        self.tl.n_frames = max(self.tl.frame_of(self.t), (self.tl.frames[-1] + 1) if self.tl.frames else 1)
        self.tl.mouse.append((self.t + 1, *self.mouse, self.mouse_visible))
        return self.tl

    def do_open(self, step: S.Open) -> None:
        was_code = self.kind in ("ide", "terminal")
        prev = self.active
        if step.file == self.active and self.kind == "ide":
            return
        if was_code and self.kind == "ide":
            g = self.geometry()
            names = list(self.buffers)
            if step.file in self.buffers and g.tabs:
                r = tab_rects(g, names)[names.index(step.file)]
                self.move_mouse((r[0] + r[2]) / 2, (r[1] + r[3]) / 2)
            elif g.sidebar:
                self.move_mouse(g.sidebar[0] + 90 * g.scale, g.sidebar[1] + 70 * g.scale)
            self.wait(self.rng.uniform(0.1, 0.25))
        self.to_code("ide")
        if step.file not in self.buffers:
            self.buffers[step.file] = Buffer.from_text(step.file, step.content)
        self.active = step.file
        if prev is not None and prev != step.file:
            self.tl.event(self.t, "file_switch", f"file {prev} -> {step.file}")
        self.tl.event(self.t, "action", f"open {step.file}")
        self._last_view = None
        self.emit()

    def do_pause(self, step: S.Pause) -> None:
        if self.kind in ("ide", "terminal") and self.rng.random() < 0.6 and step.secs > 1.0:
            g = self.geometry()
            x = self.rng.uniform(g.code[0] + 0.3 * (g.code[2] - g.code[0]), g.code[2] - 30 * g.scale)
            y = self.rng.uniform(g.code[1] + 20, g.code[3] - 20)
            start = self.t
            self.wait(self.rng.uniform(0.1, max(0.2, step.secs - 1.0)))
            self.move_mouse(x, y, advance=False)
            self.t = start
        self.wait(step.secs)

    def do_type(self, step: S.Type) -> None:
        self.to_code("ide")
        buf = self.buffers[self.active]
        target = step.text.split("\n")
        old = [ln.rstrip() for ln in buf.lines]
        if step.after is None:
            if old[-1].strip() == "":
                expected, start_row, need_enter = old[:-1] + target, len(old) - 1, False
            else:
                expected, start_row, need_enter = old + target, len(old) - 1, True
        else:
            n = step.after
            expected, start_row, need_enter = old[:n] + target + old[n:], n - 1, True
        self._click_line(start_row)
        self.wait(self.rng.uniform(0.3, 0.9))
        self.tl.event(self.t, "action", f"typing at line {start_row + (2 if need_enter else 1)}")
        for i, line in enumerate(target):
            if i > 0 or need_enter:
                if self.rng.random() < step.think and line.strip():
                    self.wait(self.rng.uniform(1.0, 5.0))
                self.press(buf.enter)
            self._type_line(buf, line, step.typo_rate)
        got = [ln.rstrip() for ln in buf.lines]
        if got != expected:
            raise AssertionError(f"editor model drifted in {self.spec.name}:\n{got}\n!=\n{expected}")

    def _click_line(self, row: int) -> None:
        buf = self.buffers[self.active]
        rows = self.rows()
        if not (buf.top <= row < buf.top + rows):
            self.do_scroll(S.Scroll(to=max(1, row - rows // 2 + 1)))
        if (buf.row, buf.col) != (row, len(buf.lines[row])):
            self.move_mouse(*self._line_xy(row))
            buf.move_to_end(row)
            self.blink_origin = self.tl.frame_time(self.t)
            self.emit()

    def _type_line(self, buf: Buffer, line: str, typo_rate: float) -> None:
        want = indent_of(line)
        body = line[want:]
        if body:
            while buf.col < want:
                self.press(buf.tab)
            while buf.col > want and buf.line[: buf.col].strip() == "":
                self.press(buf.backspace)
        i = 0
        while i < len(body):
            ch = body[i]
            if ch.isalpha() and self.rng.random() < typo_rate:
                wrong = [self.rng.choice(_NEIGHBOURS.get(ch.lower(), "e"))]
                j = i + 1
                while len(wrong) < 3 and j < len(body) and body[j].isalnum() and self.rng.random() < 0.5:
                    wrong.append(body[j])
                    j += 1
                for w in wrong:
                    self.press(buf.type_char, w, self.spec.autoclose)
                self.wait(self.rng.uniform(0.2, 0.6))
                for _ in wrong:
                    self.press(buf.backspace)
            self.press(buf.type_char, ch, self.spec.autoclose)
            i += 1
        while buf.col < len(buf.line):  # remove auto-closed brackets the line did not need
            self.press(buf.delete)
        if buf.line.rstrip() != line.rstrip() and line.strip():
            raise AssertionError(f"typed {buf.line!r} but wanted {line!r} in {self.spec.name}")
        self.wait(self.rng.uniform(0.05, 0.45))

    def do_scroll(self, step: S.Scroll) -> None:
        self.to_code("ide")
        buf = self.buffers[self.active]
        rows = self.rows()
        g = self.geometry()
        goal = (step.to - 1) if step.to is not None else buf.top + (step.by or 0)
        goal = max(0, min(goal, max(0, len(buf.lines) - rows)))
        if goal == buf.top:
            return
        mx, my = self.mouse
        if not (g.code[0] <= mx < g.code[2] and g.code[1] <= my < g.code[3]):
            self.move_mouse((g.code[0] + g.code[2]) / 2, (g.code[1] + g.code[3]) / 2)
        self.tl.event(self.t, "action", f"scroll to line {goal + 1}")
        while buf.top != goal:
            d = goal - buf.top
            buf.top += max(-3, min(3, d))  # three lines per wheel notch
            self.wait(self.rng.uniform(0.06, 0.16))
            self.emit()
        self.wait(self.rng.uniform(0.3, 0.8))

    def do_goto(self, step: S.Goto) -> None:
        self.to_code("ide")
        self._click_line(step.line - 1)


def simulate(spec: S.CaseSpec, seed: int = 0) -> Timeline:
    """The timeline of a case (no rendering): cheap enough to run for every case in tests."""
    return Simulator(spec, seed).run()
