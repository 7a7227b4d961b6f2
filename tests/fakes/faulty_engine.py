"""Fault injection: an engine that wraps a working one and, on chosen reads, raises, answers garbage or hangs.

`install_faulty_engine(inner, plan)` registers engine `faulty` (use it by name, like any engine). `plan` maps
the 1-based number of a read to a fault: "raise" (an engine bug, RuntimeError), "fail" (the engine's own
FrameRecognitionError), "garbage" (a malformed answer, one of GARBAGE in turn) or "hang" (no answer until
`hang_seconds` pass or `release()` is called). `every_from=(n, fault)` applies a fault to read n and every
later one. What happened is logged in `FaultLog.reads` as (read number, frame time, fault or "ok").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pausecode.errors import FrameRecognitionError
from pausecode.recognize import base as engine_base
from pausecode.recognize.base import CodeLayout, Recognition, RecognitionEngine, TextLine, register_engine

FAULTS = ("raise", "fail", "garbage", "hang")
GARBAGE_MARK = "GARBAGE\x00"  # what garbage text carries, so a test can look for it in stored results


def _garbage() -> list[Callable[[], object]]:
    """Malformed answers an engine plug-in could return: wrong types and out-of-range values."""
    return [
        lambda: None,
        lambda: {"segment_type": "code", "code_content": "print(1)"},
        lambda: Recognition(segment_type="code", confidence=float("nan"), code_content="x = 1"),
        lambda: Recognition(segment_type="banana", confidence=0.9, code_content="x = 1"),  # type: ignore[arg-type]
        lambda: Recognition(segment_type="code", confidence=7.0, code_content="x = 1"),
        lambda: Recognition(segment_type="code", confidence=0.99, code_content=GARBAGE_MARK + "\x07\x1b[2J"),
        lambda: Recognition(segment_type="code", confidence=0.99, code_content=b"\xff\xfe"),  # type: ignore[arg-type]
        lambda: Recognition(segment_type="code", confidence=0.99, code_content="x = 1",
                            lines=[TextLine("x = 1", float("inf"))],
                            layout=CodeLayout(x0=0, y0=0, pitch=0.0, char_width=0.0, pane=(0, 0, 0, 0))),
    ]


GARBAGE = _garbage()


@dataclass
class FaultLog:
    reads: list[tuple[int, float, str]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def count(self, fault: str) -> int:
        return sum(1 for _, _, f in self.reads if f == fault)

    def release(self) -> None:
        """End every hang now (tests call it when done, so no thread outlives them)."""
        self.released.set()


def install_faulty_engine(inner: str, plan: dict[int, str] | None = None, *, every_from: tuple[int, str] | None = None,
                          hang_seconds: float = 3600.0) -> FaultLog:
    """Register engine `faulty` around the registered engine `inner`; returns its log (one per install)."""
    faults = dict(plan or {})
    if any(f not in FAULTS for f in faults.values()) or (every_from and every_from[1] not in FAULTS):
        raise ValueError(f"faults are {FAULTS}")
    log = FaultLog()
    inner_cls = engine_base.engine_class(inner)
    lock = threading.Lock()

    @register_engine
    class FaultyEngine(RecognitionEngine):
        name = "faulty"
        description = f"test engine: {inner} with injected faults"

        def __init__(self, settings) -> None:  # noqa: ANN001 - the registry passes Settings
            super().__init__(settings)
            self.inner = inner_cls(settings)
            self.n = 0
            self.garbage_served = 0

        def check(self) -> None:
            self.inner.check()

        def recognize(self, frame, context):  # noqa: ANN001
            with lock:
                self.n += 1
                n = self.n
            fault = faults.get(n)
            if fault is None and every_from and n >= every_from[0]:
                fault = every_from[1]
            log.reads.append((n, context.t, fault or "ok"))
            if fault == "raise":
                raise RuntimeError(f"injected engine bug on read {n}")
            if fault == "fail":
                raise FrameRecognitionError(f"injected failure on read {n}")
            if fault == "garbage":
                answer = GARBAGE[self.garbage_served % len(GARBAGE)]()
                self.garbage_served += 1
                return answer  # type: ignore[return-value]
            if fault == "hang":
                log.released.wait(hang_seconds)
            return self.inner.recognize(frame, context)

        def close(self) -> None:
            self.inner.close()

    return log


def uninstall_faulty_engine(log: FaultLog) -> None:
    log.release()
    engine_base._REGISTRY.pop("faulty", None)
