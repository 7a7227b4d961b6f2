"""A job's time left, from the rate measured over the last few seconds, not the average since the stage began.

The recognition stage is uneven: a slide is read once in milliseconds, a stretch of typing costs a read per key
state. An average since the stage started keeps the slow start (models loading, the first full reads) in the
estimate for the whole stage: the player saw 44 s left at 7 s and 191 s left at 43 s of a 151-s job. The rate
over a sliding window forgets that within `RATE_WINDOW_SECONDS`.
"""

from __future__ import annotations

from collections import deque

# Seconds of wall-clock time the rate is measured over: long enough to span several progress reports (the
# pipeline reports about once per second of video) and smooth one slow read, short enough that a change of
# pace shows in the estimate within a quarter of a minute.
RATE_WINDOW_SECONDS = 15.0
# Seconds of measurement needed before any estimate is given (as the average it replaces): a rate from less
# than half a second of a stage is noise, and a short job should still show an estimate early.
MIN_RATE_SPAN_SECONDS = 0.5


class RecentRate:
    """Progress samples `(wall-clock seconds, units done)` of one stage; the rate over the last window."""

    def __init__(self, window_seconds: float = RATE_WINDOW_SECONDS,
                 min_span_seconds: float = MIN_RATE_SPAN_SECONDS) -> None:
        self.window_seconds = window_seconds
        self.min_span_seconds = min_span_seconds
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, now: float, done: float) -> None:
        """Record that `done` units were done at `now`. Samples older than the window are dropped, except the
        newest of them, which anchors the window's start."""
        if self._samples and done < self._samples[-1][1]:  # progress went back (a stage restarted): start again
            self._samples.clear()
        self._samples.append((now, done))
        cutoff = now - self.window_seconds
        while len(self._samples) > 2 and self._samples[1][0] <= cutoff:
            self._samples.popleft()

    def per_second(self) -> float | None:
        """Units per second over the window; None until `min_span_seconds` were measured or while stalled."""
        if len(self._samples) < 2:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        span = t1 - t0
        if span < self.min_span_seconds or d1 <= d0:
            return None
        return (d1 - d0) / span

    def eta_seconds(self, done: float, total: float) -> float | None:
        """Seconds until `total` at the recent rate; None when it cannot be told yet."""
        rate = self.per_second()
        if rate is None or total <= 0:
            return None
        return max(0.0, total - done) / rate
