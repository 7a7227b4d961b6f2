"""A job's `eta_seconds` follows the recent pace of its stage (issue 8: the player's ETA was far off because it
was the average since the stage began). Driven through `JobReporter`, the progress callback a worker hands to
the pipeline, with a fake clock: no sleeping, nothing timing-sensitive."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pausecode.jobs.config import JobConfig
from pausecode.jobs.eta import MIN_RATE_SPAN_SECONDS, RATE_WINDOW_SECONDS, RecentRate
from pausecode.jobs.tasks import JobReporter


class FakeJobs:
    """The job table as far as the reporter uses it: records every progress write."""

    def __init__(self) -> None:
        self.writes: list[dict[str, Any]] = []

    def progress(self, job_id: str, token: str, **values: Any) -> bool:
        self.writes.append(values)
        return True

    def should_stop(self, job_id: str, token: str) -> bool:
        return False


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _reporter() -> tuple[JobReporter, FakeJobs, FakeClock]:
    jobs, clock = FakeJobs(), FakeClock()
    queue = SimpleNamespace(config=JobConfig(progress_interval=0.5, cancel_poll_seconds=0.5), jobs=jobs)
    return JobReporter(queue, "job1", "token1", clock=clock), jobs, clock  # type: ignore[arg-type]


def _run(reporter: JobReporter, clock: FakeClock, done: float, seconds: int, per_second: float,
         total: float) -> float:
    """Report progress once per second for `seconds` seconds at `per_second` units a second."""
    for _ in range(seconds):
        clock.now += 1.0
        done += per_second
        reporter("decode frames", done, total)
    return done


def test_eta_follows_a_speed_up_and_a_slow_down_of_the_stage() -> None:
    reporter, jobs, clock = _reporter()
    total = 300.0
    reporter("decode frames", 0.0, total)
    done = _run(reporter, clock, 0.0, 40, 1.0, total)  # a slow start: 1 unit/s for 40 s
    assert jobs.writes[-1]["eta_seconds"] == pytest.approx((total - done) / 1.0)

    done = _run(reporter, clock, done, 20, 5.0, total)  # then 5 units/s for 20 s (done = 140 at 60 s)
    eta = jobs.writes[-1]["eta_seconds"]
    average_since_start = 60.0 * (total - done) / done  # what the old estimate said: 68.6 s
    assert eta == pytest.approx((total - done) / 5.0)  # 32 s: the recent pace, the slow start forgotten
    assert eta < average_since_start / 2

    done = _run(reporter, clock, done, 30, 0.5, total)  # it slows to 0.5 units/s for 30 s
    slower = jobs.writes[-1]["eta_seconds"]
    assert slower == pytest.approx((total - done) / 0.5)  # 290 s
    assert slower > eta


def test_a_new_stage_measures_its_own_rate() -> None:
    reporter, jobs, clock = _reporter()
    _run(reporter, clock, 0.0, 20, 10.0, 1000.0)
    reporter("segments", 0.0, 10.0)
    assert jobs.writes[-1]["stage"] == "segments"
    assert jobs.writes[-1]["eta_seconds"] is None  # no rate of this stage yet, not the last stage's


def test_no_eta_before_enough_was_measured_or_while_stalled() -> None:
    rate = RecentRate()
    rate.add(0.0, 0.0)
    rate.add(MIN_RATE_SPAN_SECONDS / 2, 5.0)
    assert rate.eta_seconds(5.0, 100.0) is None  # too short a measurement to tell
    rate.add(MIN_RATE_SPAN_SECONDS, 10.0)
    assert rate.eta_seconds(10.0, 100.0) == pytest.approx(90.0 / (10.0 / MIN_RATE_SPAN_SECONDS))
    t = MIN_RATE_SPAN_SECONDS
    for _ in range(int(RATE_WINDOW_SECONDS) + 2):  # no progress for longer than the window
        t += 1.0
        rate.add(t, 10.0)
    assert rate.eta_seconds(10.0, 100.0) is None
