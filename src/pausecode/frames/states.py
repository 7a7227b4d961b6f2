"""Change detection at frame rate: split the video into screen *states* (intervals with unchanged content).

Cheap by design: a 2-4x downscaled luma plane, one absdiff per frame. A text cursor blinking, and regions that
change all the time (a webcam box, a playing video), do not start new states. A state that lasts `settle_time`
(or that ends a run of changes longer than `frame_interval`) is a *key* state: the engine reads it. Shorter
states (one keystroke each while someone types) are *transient*: they keep a small crop of the rows that
differ from the last key state so their text can be derived from pixels later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from .reader import DecodedFrame

PIX_DIFF = 28  # luma levels: a pixel changed (well above H.264 noise on flat UI)
BLOCK = 16  # activity blocks, in downscaled pixels
DYNAMIC_EMA = 0.1
DYNAMIC_LEVEL = 0.85  # a block changing in ~all recent frames is a video/webcam region, not content
CURSOR_MAX_W = 3  # a change narrower than this (downscaled px) and short is a blinking cursor


# Full-res pixels kept above and below each run of changed rows of a transient state: over half a line at the
# largest editor fonts, so the whole row of a changed glyph is kept for deriving its text.
BAND_PAD_PX = 16


def changed_runs(ys: np.ndarray, scale: int, height: int) -> list[tuple[int, int]]:
    """Full-res y ranges around the changed (downscaled) rows `ys`, merged where they touch. A keystroke
    changes its line and, far below it, the editor's cursor-position readout: two runs, not the half screen
    between them."""
    runs: list[tuple[int, int]] = []
    for y in ys:
        a, b = max(0, int(y) * scale - BAND_PAD_PX), min(height, (int(y) + 1) * scale + BAND_PAD_PX)
        if runs and a <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], b))
        else:
            runs.append((a, b))
    return runs


@dataclass
class State:
    index: int
    start: float
    end: float = 0.0
    key: bool = False
    forced: bool = False
    bgr: np.ndarray | None = None  # full frame, key states only
    luma: np.ndarray | None = None  # full-res luma, key states only
    band: tuple[int, int] | None = None  # transient: full-res y-range that differs from the last key state
    band_runs: list[tuple[int, np.ndarray]] | None = None  # transient: (top y, luma rows) of each changed run
    thumb: np.ndarray | None = None  # tiny luma thumbnail (for nearest-key decisions)
    change: float = 0.0  # share of the screen that changed when this state began
    _last: DecodedFrame | None = field(default=None, repr=False)


class StateScanner:
    """Feed decoded frames in order; get states back as they close."""

    def __init__(self, settle_time: float, frame_interval: float) -> None:
        self.settle = settle_time
        self.interval = frame_interval
        self.scale = 0
        self.ref: np.ndarray | None = None  # downscaled luma of the current state
        self.prev: np.ndarray | None = None
        self.activity: np.ndarray | None = None
        self.cur: State | None = None
        self.last_key_small: np.ndarray | None = None
        self.last_key_t = -1e9
        self.count = 0

    def _small(self, luma: np.ndarray) -> np.ndarray:
        if not self.scale:
            self.scale = max(1, int(round(luma.shape[0] / 360)))
        s = self.scale
        h, w = (luma.shape[0] // s) * s, (luma.shape[1] // s) * s
        return cv2.resize(luma[:h, :w], (w // s, h // s), interpolation=cv2.INTER_AREA)

    def _changed_mask(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        mask = cv2.absdiff(a, b) > PIX_DIFF
        if self.activity is not None:
            dyn = self.activity > DYNAMIC_LEVEL
            if dyn.any():
                big = np.zeros_like(mask)
                rep = np.repeat(np.repeat(dyn, BLOCK, axis=0), BLOCK, axis=1)
                big[: rep.shape[0], : rep.shape[1]] = rep[: mask.shape[0], : mask.shape[1]]
                mask &= ~big
        return mask

    def _update_activity(self, small: np.ndarray) -> None:
        if self.prev is None:
            return
        raw = cv2.absdiff(small, self.prev) > PIX_DIFF
        h, w = raw.shape[0] // BLOCK, raw.shape[1] // BLOCK
        blocks = raw[: h * BLOCK, : w * BLOCK].reshape(h, BLOCK, w, BLOCK).any(axis=(1, 3)).astype(np.float32)
        if self.activity is None:
            self.activity = np.zeros_like(blocks)
        self.activity = (1 - DYNAMIC_EMA) * self.activity + DYNAMIC_EMA * blocks

    @staticmethod
    def _is_cursor(mask: np.ndarray) -> bool:
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            return True
        return (xs.max() - xs.min() < CURSOR_MAX_W) and (ys.max() - ys.min() < 24)

    def _make_key(self, st: State, f: DecodedFrame, small: np.ndarray) -> None:
        st.key = True
        st.bgr = f.bgr()
        st.luma = f.luma.copy()
        st.band = st.band_runs = None
        self.last_key_small = small.copy()
        self.last_key_t = f.t

    def _open(self, f: DecodedFrame, small: np.ndarray, change: float) -> State:
        st = State(index=self.count, start=f.t, change=change, _last=f)
        self.count += 1
        st.thumb = cv2.resize(small, (small.shape[1] // 4, small.shape[0] // 4), interpolation=cv2.INTER_AREA)
        if self.last_key_small is not None and self.last_key_small.shape == small.shape:
            m = self._changed_mask(small, self.last_key_small)
            ys = np.flatnonzero(m.any(axis=1))
            if len(ys):
                runs = changed_runs(ys, self.scale, f.luma.shape[0])
                if sum(b - a for a, b in runs) <= 0.5 * f.luma.shape[0]:  # small edit: keep just those rows
                    st.band = (runs[0][0], runs[-1][1])
                    st.band_runs = [(a, f.luma[a:b].copy()) for a, b in runs]
        return st

    def feed(self, f: DecodedFrame) -> Iterator[State]:
        small = self._small(f.luma)
        self._update_activity(small)
        self.prev = small
        if self.cur is None:
            self.ref = small.copy()
            self.cur = self._open(f, small, 1.0)
            return
        assert self.ref is not None
        mask = self._changed_mask(small, self.ref)
        st = self.cur
        if mask.any() and not self._is_cursor(mask):
            st.end = f.t
            if not st.key and st._last is not None:
                held = st.end - st.start >= self.settle
                # at a low or variable frame rate every frame may be a change: the interval still forces a read
                due = st._last.t - self.last_key_t >= self.interval
                if held or due:
                    st.forced = not held
                    self._make_key(st, st._last, self.ref)
            st._last = None
            yield st
            self.ref = small.copy()
            self.cur = self._open(f, small, float(mask.mean()))
            return
        st._last = f
        if not st.key:
            held = f.t - st.start
            if held >= self.settle or f.t - self.last_key_t >= self.interval:
                st.forced = held < self.settle
                self._make_key(st, f, small)

    def finish(self, end_t: float) -> Iterator[State]:
        st = self.cur
        if st is None:
            return
        st.end = max(end_t, st.start)
        if not st.key and st._last is not None:
            self._make_key(st, st._last, self.ref if self.ref is not None else self._small(st._last.luma))
        st._last = None
        self.cur = None
        yield st
