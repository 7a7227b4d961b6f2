"""The only module that knows the stage order: decode → screen states → engine reads → derived states → segments.

One pass over the video. Key states (held long enough to read) go to the engine with the previous reading as
context; the short states between two reads get their text from pixels (`segments.interpolate`). Memory stays
bounded: only the last key frame and small row crops of pending short states are held.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from .engine_guard import GuardedEngine
from .errors import (
    BudgetExceededError,
    CancelledError,
    EmptyVideoError,
    EngineAuthError,
    FrameRecognitionError,
    FrameTimeoutError,
    InvalidRecognitionError,
)
from .frames.reader import DecodeReport, iter_frames
from .frames.states import State, StateScanner
from .models import ProcessingStats, Segment, VideoInfo
from .recognize.base import CodeLayout, FrameContext, Recognition, RecognitionEngine, TextLine
from .segments.build import TimedReading, build_segments, distrust_failed_checks
from .segments.interpolate import KeyRead, derive
from .settings import Settings

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float, float], None]  # (stage, done, total); total 0 = unknown


class _Run:
    def __init__(self, info: VideoInfo, engine: RecognitionEngine, settings: Settings, progress: ProgressFn | None,
                 should_cancel: Callable[[], bool] | None) -> None:
        self.info, self.engine, self.settings = info, engine, settings
        self.guard = GuardedEngine(engine, settings.frame_timeout)
        self.progress, self.should_cancel = progress, should_cancel
        self.stats = ProcessingStats(engine=engine.name)
        self.readings: list[TimedReading] = []
        self.prev: KeyRead | None = None
        self.pending: list[State] = []
        self.stop_reason: str | None = None

    def _read(self, st: State) -> Recognition | None:
        assert st.bgr is not None
        ctx = FrameContext(
            t=st.start,
            video_id=self.info.video_id,
            previous=self.prev.rec if self.prev else None,
            previous_frame=self.prev.state.bgr if self.prev else None,
        )
        try:
            rec = self.guard.recognize(st.bgr, ctx)
        except FrameTimeoutError as e:
            self.stats.frames_failed += 1
            self.stats.frames_timed_out += 1
            log.warning("frame at %.2fs skipped: %s", st.start, e)
            return None
        except InvalidRecognitionError as e:
            self.stats.frames_failed += 1
            self.stats.frames_invalid += 1
            log.warning("frame at %.2fs skipped, unusable reading: %s", st.start, e)
            return None
        except FrameRecognitionError as e:
            self.stats.frames_failed += 1
            log.warning("frame at %.2fs skipped: %s", st.start, e)
            return None
        except BudgetExceededError as e:
            self.stop_reason = str(e)
            raise
        except EngineAuthError:  # a revoked key fails every frame: stop at once
            raise
        except Exception as e:  # an engine bug must not lose the video: skip the frame, count it
            self.stats.frames_failed += 1
            log.exception("engine failed on frame at %.2fs: %s", st.start, e)
            return None
        self.stats.frames_recognized += 1
        return rec

    def handle(self, st: State) -> None:
        self.stats.states += 1
        rec = self._read(st) if st.key else None
        if rec is None:
            if st.key:  # failed read: derive it like a short state, keep its pixels for matching
                st.band = st.band_runs = None
            self.pending.append(st)
            return
        cur = KeyRead(st, rec)
        self._resolve_pending(cur)
        self.readings.append(TimedReading(st.start, st.end, rec))
        if self.prev is not None:  # only the latest key frame is needed from here on
            self.prev.state.bgr = None
            self.prev.state.luma = None
        self.prev = cur

    def _read_line(self, luma: np.ndarray, top: int, layout: CodeLayout, row: int) -> TextLine | None:
        """A short state's row its neighbours' readings do not explain, read on its own; a failure loses nothing
        (the row is then derived as a prefix)."""
        try:
            return self.engine.read_line(luma, top, layout, row)
        except Exception as e:  # an engine bug must not lose the video
            log.warning("row read of a short state failed: %s", e)
            return None

    def _resolve_pending(self, nxt: KeyRead | None) -> None:
        for t in self.pending:
            rec = derive(t, self.prev, nxt, self._read_line)
            if rec is not None:
                self.readings.append(TimedReading(t.start, t.end, rec))
        self.pending.clear()

    def _why_partial(self, reason: str) -> None:
        self.stats.partial_reason = "; ".join(r for r in (self.stats.partial_reason, reason) if r)

    def _unread_message(self) -> str:
        s = self.stats
        asked = s.frames_failed + s.frames_recognized
        kinds = [f"{n} {what}" for n, what in ((s.frames_timed_out, "timed out"), (s.frames_invalid, "unusable"))
                 if n]
        return f"{s.frames_failed} of {asked} frame reads failed" + (f" ({', '.join(kinds)})" if kinds else "")

    def run(self) -> tuple[list[Segment], ProcessingStats]:
        s = self.settings
        scanner = StateScanner(settle_time=s.settle_time, frame_interval=s.frame_interval)
        report = DecodeReport()
        duration = self.info.duration or 0.0
        last_progress = 0.0
        try:
            for f in iter_frames(self.info.path, report):
                for st in scanner.feed(f):
                    self.handle(st)
                if f.t - last_progress >= 1.0:
                    last_progress = f.t
                    if self.should_cancel and self.should_cancel():
                        raise CancelledError(f"processing of {self.info.video_id} was cancelled")
                    if self.progress:
                        self.progress("recognize", f.t, duration)
            frame_dur = 1.0 / self.info.fps if self.info.fps else 0.0
            if duration and report.last_t + max(1.0, 3 * frame_dur) < duration:
                report.stopped_early = True  # the container promised more than decoded: truncated file
                report.message = report.message or f"video ends at {report.last_t:.1f}s of {duration:.1f}s"
            end_t = max(report.last_t + frame_dur, duration if not report.stopped_early else 0.0)
            for st in scanner.finish(end_t):
                self.handle(st)
        except BudgetExceededError:
            self.stats.partial = True
            self._why_partial(self.stop_reason or "the engine's request budget ran out")
            for st in scanner.finish(report.last_t):
                st.key = False
                self.pending.append(st)
        self._resolve_pending(None)
        self.stats.frames_decoded = report.frames
        self.stats.decode_errors = report.errors
        self.stats.decoded_until = report.last_t
        if report.stopped_early:
            self.stats.partial = True
            self._why_partial(f"the video decoded only until {report.last_t:.1f}s")
            log.warning("%s", report.message)
        if self.stats.frames_failed:  # what those frames showed was guessed from their neighbours
            self.stats.partial = True
            self._why_partial(self._unread_message())
            log.warning("%s", self._unread_message())
        if report.frames == 0:
            raise EmptyVideoError(f"{self.info.path} has no frames")
        self.stats.rows_recognized = self.engine.rows_read
        full = self.engine.full_reads
        self.stats.full_reads = full if full is not None else self.stats.frames_recognized
        self.stats.checks, self.stats.checks_disagreed = self.engine.checks, self.engine.checks_disagreed
        self.readings.sort(key=lambda r: r.start)
        segments = build_segments(distrust_failed_checks(self.readings), s.min_code_length)
        if self.progress:
            self.progress("segments", 1, 1)
        return segments, self.stats


def run_pipeline(
    info: VideoInfo,
    engine: RecognitionEngine,
    settings: Settings,
    progress: ProgressFn | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> tuple[list[Segment], ProcessingStats]:
    """Process one decoded video with one engine. Raises only for unusable input or cancellation."""
    started = time.perf_counter()
    segments, stats = _Run(info, engine, settings, progress, should_cancel).run()
    stats.processing_time = time.perf_counter() - started
    return segments, stats


def plan_key_frames(info: VideoInfo, settings: Settings) -> dict:
    """Dry run: decode and detect changes only; how many frames an engine would be asked to read."""
    scanner = StateScanner(settle_time=settings.settle_time, frame_interval=settings.frame_interval)
    report = DecodeReport()
    states = keys = 0
    for f in iter_frames(info.path, report):
        for st in scanner.feed(f):
            states += 1
            keys += st.key
            st.bgr = st.luma = st.band_runs = None
    for st in scanner.finish(report.last_t):
        states += 1
        keys += st.key
    return {"states": states, "key_frames": keys, "width": info.width, "height": info.height,
            "duration": info.duration, "frames_decoded": report.frames,
            "interval_samples": int(info.duration // settings.frame_interval) + 1 if info.duration else 0}
