"""Immutable screen states on the frame grid, and the timeline that holds them.

Every state change is snapped to the next frame boundary, so the frame shown at time t and the truth
sampled at t come from the very same state: no sub-frame ambiguity between video and truth.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any

from .layout import Layout

BOUNDARY_KINDS = frozenset({"type_switch", "scroll", "file_switch", "editor_switch", "layout", "zoom"})


@dataclass(frozen=True)
class Snapshot:
    """Everything that the static part of a frame depends on."""

    kind: str  # "ide" | "terminal" | "slide" | "docs" | "presenter"
    layout: Layout
    font_size: int
    view: Any = None  # the learning step shown (Slide/Docs/Presenter) when kind is learning
    files: tuple[tuple[str, tuple[str, ...]], ...] = ()  # open tabs (name, lines)
    active: int = 0
    top: int = 0  # first visible line, 0-based
    cursor: tuple[int, int] = (0, 0)  # row, col in the active buffer / terminal
    term_rows: tuple[str, ...] = ()
    panel: tuple[str, ...] = ()
    blink_origin: float = 0.0  # last keystroke: the caret is solid right after typing
    editor: str = "vscode"

    @property
    def is_code(self) -> bool:
        return self.kind in ("ide", "terminal")

    @property
    def file(self) -> str | None:
        if self.kind != "ide" or not self.files:
            return None
        return self.files[self.active][0]

    @property
    def lines(self) -> tuple[str, ...]:
        if self.kind == "terminal":
            return self.term_rows
        if self.kind == "ide" and self.files:
            return self.files[self.active][1]
        return ()


@dataclass(frozen=True)
class Event:
    t: float
    kind: str
    what: str


@dataclass
class Timeline:
    """States keyed by the first frame that shows them, boundary/action events, the mouse path."""

    fps: int
    frames: list[int] = field(default_factory=list)
    states: list[Snapshot] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    mouse: list[tuple[float, float, float, bool]] = field(default_factory=list)  # t, x, y, visible
    n_frames: int = 0
    _mouse_t: list[float] = field(default_factory=list, repr=False)

    def frame_of(self, t: float) -> int:
        """First frame at or after time t."""
        return math.ceil(t * self.fps - 1e-6)

    def frame_time(self, t: float) -> float:
        return self.frame_of(t) / self.fps

    def put(self, t: float, snap: Snapshot) -> float:
        """Record a state shown from time t (snapped forward to a frame); a later state on the same
        frame replaces the earlier one. Returns the snapped time."""
        f = self.frame_of(t)
        if self.frames and f < self.frames[-1]:
            f = self.frames[-1]
        if self.frames and self.frames[-1] == f:
            self.states[-1] = snap
        else:
            self.frames.append(f)
            self.states.append(snap)
        return f / self.fps

    def event(self, t: float, kind: str, what: str) -> None:
        self.events.append(Event(round(self.frame_time(t), 4), kind, what))

    def at_frame(self, f: int) -> Snapshot:
        i = bisect.bisect_right(self.frames, f) - 1
        return self.states[max(i, 0)]

    def mouse_at(self, t: float) -> tuple[int, int, bool]:
        """Pointer position: linear between waypoints, held after the last one."""
        m = self.mouse
        if not m:
            return 0, 0, False
        if len(self._mouse_t) != len(m):
            self._mouse_t = [p[0] for p in m]
        i = bisect.bisect_right(self._mouse_t, t) - 1
        if i < 0:
            return int(m[0][1]), int(m[0][2]), m[0][3]
        if i + 1 >= len(m):
            return int(m[i][1]), int(m[i][2]), m[i][3]
        t0, x0, y0, v0 = m[i]
        t1, x1, y1, _ = m[i + 1]
        k = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
        k = k * k * (3 - 2 * k)  # ease in/out like a hand
        return round(x0 + (x1 - x0) * k), round(y0 + (y1 - y0) * k), v0

    def boundaries(self) -> list[float]:
        return [e.t for e in self.events if e.kind in BOUNDARY_KINDS]
