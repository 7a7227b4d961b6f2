"""In-memory interval index: timestamp → the segment whose [start, end) holds it, by binary search.

Loaded once per video; a lookup is a `bisect` on a sorted list of starts (microseconds, not milliseconds).
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from ..errors import InvalidTimestampError
from ..models import Segment


def parse_timestamp(value: Any) -> float:
    """Accept seconds (number or numeric string) or `[[h:]m:]s`; reject negatives and non-numbers."""
    if isinstance(value, bool):
        raise InvalidTimestampError(f"timestamp must be a number of seconds, got {value!r}")
    if isinstance(value, (int, float)):
        t = float(value)
    else:
        text = str(value).strip()
        try:
            if ":" in text:
                parts = [float(p) for p in text.split(":")]
                if len(parts) > 3 or any(p < 0 for p in parts) or any(p >= 60 for p in parts[1:]):
                    raise ValueError  # "1:75" is not a clock time: minutes and seconds stay below 60
                t = 0.0
                for p in parts:
                    t = t * 60 + p
            else:
                t = float(text)
        except ValueError:
            raise InvalidTimestampError(
                f"timestamp must be a number of seconds or [h:]m:s, got {value!r}"
            ) from None
    if math.isnan(t) or math.isinf(t):
        raise InvalidTimestampError(f"timestamp must be finite, got {value!r}")
    if t < 0:
        raise InvalidTimestampError(f"timestamp must not be negative, got {t:g}")
    return t


class IntervalIndex:
    """Sorted, non-overlapping segments; `find(t, tolerance)` → (segment, distance) or (None, distance)."""

    __slots__ = ("segments", "_starts", "_ends")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = sorted(segments, key=lambda s: s.start)
        self._starts = [s.start for s in self.segments]
        self._ends = [s.end for s in self.segments]

    def __len__(self) -> int:
        return len(self.segments)

    def find(self, t: float, tolerance: float = 1.0) -> tuple[Segment | None, float]:
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i]:
            return self.segments[i], 0.0
        best: Segment | None = None
        best_d = math.inf
        if i >= 0:  # gap after segment i (or past the end)
            best, best_d = self.segments[i], t - self._ends[i]
        if i + 1 < len(self.segments):
            d = self._starts[i + 1] - t
            if d < best_d:
                best, best_d = self.segments[i + 1], d
        if best is not None and best_d <= tolerance:
            return best, best_d
        return None, best_d
