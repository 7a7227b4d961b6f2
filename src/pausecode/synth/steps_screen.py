"""Terminal, panel, layout and zoom steps of the simulator (a mixin of simulate.Simulator).

Kept apart from the typing/scrolling core so each module stays small; the methods use the
simulator's clock, RNG and emit() exactly like the core steps do.
"""

from __future__ import annotations

from dataclasses import replace

from . import script as S
from .editor import NEIGHBOURS as _NEIGHBOURS
from .editor import TermScreen


class ScreenSteps:
    """Steps that change what kind of screen is shown rather than the text being typed."""

    def do_shell(self, step: S.Shell) -> None:
        if self.term is None:
            self.term = TermScreen([step.prompt])
            self.term_prompt = step.prompt
        self.to_code("terminal")
        self.tl.event(self.t, "action", "show terminal")
        self.emit()
        self.wait(self.rng.uniform(0.5, 1.0))

    def do_term(self, step: S.Term) -> None:
        if self.kind != "terminal":
            self.do_shell(S.Shell())
        term = self.term
        lines = step.text.split("\n")
        for k, line in enumerate(lines):
            if k > 0:
                term.prompt(step.cont)
                self.emit()
            floor = len(term.rows[-1])
            for ch in line:
                if ch.isalpha() and self.rng.random() < 0.02:
                    self.press(term.type_char, self.rng.choice(_NEIGHBOURS.get(ch.lower(), "e")))
                    self.wait(self.rng.uniform(0.2, 0.5))
                    self.press(term.backspace, floor)
                self.press(term.type_char, ch)
            self.wait(self.key_delay() + (0.3 if k == len(lines) - 1 else 0.0))
        self.wait(self.rng.uniform(0.05, 0.3))
        term.print_lines(step.output)
        if step.prompt is not None:
            self.term_prompt = step.prompt
        term.prompt(self.term_prompt)
        self.blink_origin = self.tl.frame_time(self.t)
        self.emit()
        self.wait(self.rng.uniform(0.4, 1.2))

    def do_panel(self, step: S.RunInPanel) -> None:
        self.to_code("ide")
        if not self.layout.panel:
            raise ValueError("RunInPanel needs layout.panel")
        if not self.panel:
            self.panel = ["$ "]
        for ch in step.command:
            self.wait(self.key_delay())
            self.panel[-1] += ch
            self.emit()
        self.wait(0.4)
        self.panel.extend(step.output)
        self.panel.append("$ ")
        self.tl.event(self.t, "action", f"run {step.command}")
        self.emit()

    def do_layout(self, step: S.SetLayout) -> None:
        self.layout = replace(self.layout, **dict(step.changes))
        what = ", ".join(f"{k} {'on' if v else 'off'}" for k, v in step.changes)
        self.tl.event(self.t, "layout", f"layout: {what}")
        self._relayout()

    def do_zoom(self, step: S.Zoom) -> None:
        self.tl.event(self.t, "zoom", f"zoom: {self.font_size} -> {step.font_size} px")
        self.font_size = step.font_size
        self._relayout()

    def _relayout(self) -> None:
        self._last_view = None
        if self.kind == "ide":
            buf = self.buffers[self.active]
            buf.clamp_top(self.rows())
            buf.reveal(self.rows())
        if self.kind is not None:
            self.emit()
        self.wait(self.rng.uniform(0.5, 1.0))
