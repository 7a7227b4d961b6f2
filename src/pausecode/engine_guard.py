"""Every engine read the pipeline makes goes through here: a per-frame time limit and a check of the answer.

Engines are plug-ins (remote models, OCR libraries, third-party entry points): one that hangs must not hold
the whole run, and one that answers garbage must not have it stored as a reading. Both become a skipped
frame (`FrameTimeoutError`, `InvalidRecognitionError`), which the pipeline counts like any failed frame.

A read runs in a daemon thread the pipeline waits on for `timeout` seconds. A read that overran keeps its
thread; the engine is never called again while it is still busy (engines serve one call at a time): the
next read first waits up to `timeout` for it, and is skipped if it is still running.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import FrameTimeoutError, InvalidRecognitionError
from .models import SEGMENT_TYPES
from .recognize.base import CodeLayout, FrameContext, Recognition, RecognitionEngine, TextLine

# C0 control characters other than tab, newline and carriage return, and DEL: never text on a screen
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


@dataclass
class _Call:
    """One read in its thread: what it returned or raised."""

    result: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _run(engine: RecognitionEngine, frame: np.ndarray, context: FrameContext, call: _Call) -> None:
    try:
        call.result = engine.recognize(frame, context)
    except BaseException as e:  # handed to the waiting pipeline thread, which raises it
        call.error = e
    finally:
        call.done.set()


class GuardedEngine:
    """Wraps one engine for one run: `recognize` with a time limit, answers checked by `check_recognition`."""

    def __init__(self, engine: RecognitionEngine, timeout: float) -> None:
        self.engine = engine
        self.timeout = timeout
        self._overrun: threading.Thread | None = None

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        if self._overrun is not None:
            self._overrun.join(self.timeout)
            if self._overrun.is_alive():
                raise FrameTimeoutError(
                    f"the engine is still busy with an earlier frame that took over {self.timeout:g}s"
                )
            self._overrun = None
        call = _Call()
        thread = threading.Thread(target=_run, args=(self.engine, frame, context, call), daemon=True,
                                  name=f"pausecode-read-{context.t:.2f}s")
        thread.start()
        if not call.done.wait(self.timeout):
            self._overrun = thread
            raise FrameTimeoutError(f"the engine took over {self.timeout:g}s (frame_timeout) on this frame")
        if call.error is not None:
            raise call.error
        return check_recognition(call.result)


def _text(value: Any, what: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidRecognitionError(f"{what} is a {type(value).__name__}, not text")
    if any(ch in _CONTROL for ch in value):
        raise InvalidRecognitionError(f"{what} holds control characters")


def _number(value: Any, what: str, low: float | None = None, high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidRecognitionError(f"{what} is not a finite number: {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidRecognitionError(f"{what} {value!r} is outside [{low}, {high}]")


def _layout(layout: Any) -> None:
    if layout is None:
        return
    if not isinstance(layout, CodeLayout):
        raise InvalidRecognitionError(f"layout is a {type(layout).__name__}, not a CodeLayout")
    _number(layout.x0, "layout.x0")
    _number(layout.y0, "layout.y0")
    _number(layout.pitch, "layout.pitch", low=1.0)
    _number(layout.char_width, "layout.char_width", low=1.0)
    pane = layout.pane
    if not (isinstance(pane, tuple) and len(pane) == 4 and all(isinstance(v, int) for v in pane)):
        raise InvalidRecognitionError(f"layout.pane is not four integers: {pane!r}")


def check_recognition(rec: Any) -> Recognition:
    """`rec` if it is a reading the pipeline can store and derive from; else InvalidRecognitionError."""
    if not isinstance(rec, Recognition):
        raise InvalidRecognitionError(f"the engine returned a {type(rec).__name__}, not a Recognition")
    if rec.segment_type not in SEGMENT_TYPES:
        raise InvalidRecognitionError(f"unknown segment type {rec.segment_type!r}")
    _number(rec.confidence, "confidence", 0.0, 1.0)
    for value, name in ((rec.code_content, "code_content"), (rec.learning_topic, "learning_topic"),
                        (rec.language, "language"), (rec.file_name, "file_name")):
        _text(value, name)
    if rec.code_complete is not None and not isinstance(rec.code_complete, bool):
        raise InvalidRecognitionError(f"code_complete is {rec.code_complete!r}, not a boolean")
    if not isinstance(rec.lines, list) or not all(isinstance(ln, TextLine) for ln in rec.lines):
        raise InvalidRecognitionError("lines is not a list of TextLine")
    for ln in rec.lines:
        _text(ln.text, "a line's text")
        _number(ln.top, "a line's top")
        _number(ln.confidence, "a line's confidence", 0.0, 1.0)
        if ln.row is not None and (isinstance(ln.row, bool) or not isinstance(ln.row, int)):
            raise InvalidRecognitionError(f"a line's row is {ln.row!r}, not an integer")
    _layout(rec.layout)
    return rec
