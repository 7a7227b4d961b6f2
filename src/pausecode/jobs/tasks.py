"""What a worker does with one job id: claim it, run the service with progress and cancellation, record the end.

The heavy lifting is `PauseToCodeService.process`, the same call the CLI makes. This module only connects it to
the job table: progress callbacks become (throttled) row updates, the cancel callback reads the row's cancel flag,
and a heartbeat thread renews the lease so other workers know this one is alive.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import CancelledError, PausecodeError
from .eta import RecentRate
from .uploads import remove_upload, stored_media_path

if TYPE_CHECKING:
    from ..service import PauseToCodeService
    from ..settings import Settings
    from ..store.jobs import JobStore
    from .config import JobConfig

log = logging.getLogger(__name__)


class JobHost(Protocol):
    """What running a job needs from the queue that handed it over (`queue.JobQueue` is one). A protocol, so
    this module does not import the queue that imports it."""

    settings: Settings
    config: JobConfig
    jobs: JobStore

    @property
    def service(self) -> PauseToCodeService: ...

    def track(self, job_id: str, token: str | None) -> None: ...

    def discard_upload(self, job_id: str) -> bool: ...


def worker_name() -> str:
    """Who claims a job, as recorded in its row: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"

_TIME_STAGES = ("recognize",)  # the pipeline reports these in seconds of video: (t, duration)


class JobReporter:
    """The progress and should_cancel callbacks handed to the service for one claimed job."""

    def __init__(self, queue: JobHost, job_id: str, token: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.queue, self.job_id, self.token = queue, job_id, token
        self.cfg = queue.config
        self.lost = False  # another worker holds the job now
        self.cancelled = False
        self._clock = clock
        self._stage: str | None = None
        self._rate = RecentRate()  # of the current stage: the ETA comes from the recent pace, not the average
        self._last_write = 0.0
        self._last_poll = 0.0
        self._lock = threading.Lock()
        self._fps: float | None = None
        self._fps_checked = False

    def _video_fps(self) -> float | None:
        """fps of the video being processed (from its `processing` row), to turn seconds into frames."""
        if self._fps_checked:
            return self._fps
        self._fps_checked = True
        try:
            from sqlalchemy import select

            from ..store.db import VideoRow

            row = self.queue.jobs.internal(self.job_id)
            with self.queue.jobs._session() as s:
                info = None
                if row.video_id:
                    v = s.get(VideoRow, row.video_id)
                    info = v.info if v is not None else None
                if info is None:  # URL jobs: the id is known once downloaded; find the row by its source
                    for vid, vinfo in s.execute(select(VideoRow.video_id, VideoRow.info)
                                                .where(VideoRow.status == "processing")).all():
                        if (vinfo or {}).get("source") == row.source:
                            info = vinfo
                            self.queue.jobs.set_video_id(self.job_id, vid)
                            break
            fps = float((info or {}).get("fps") or 0)
            self._fps = fps if fps > 0 else None
        except Exception as e:  # noqa: BLE001 - progress detail only
            log.debug("job %s: no fps for progress: %s", self.job_id, e)
        return self._fps

    def __call__(self, stage: str, done: float, total: float) -> None:
        if self.should_cancel():  # stops stages that take no cancel callback (downloads) too
            raise CancelledError("lease lost to another worker" if self.lost else f"job {self.job_id} was cancelled")
        now = self._clock()
        with self._lock:
            new_stage = stage != self._stage
            if new_stage:
                self._stage, self._rate = stage, RecentRate()
            self._rate.add(now, float(done))
            eta = self._rate.eta_seconds(float(done), float(total))
            finished = total > 0 and done >= total
            if not (new_stage or finished or now - self._last_write >= self.cfg.progress_interval):
                return
            self._last_write = now
        percent = min(100.0, max(0.0, 100.0 * done / total)) if total > 0 else 0.0
        values: dict[str, Any] = {"stage": str(stage)[:64], "percent": percent, "eta_seconds": eta}
        low = str(stage).lower()
        if any(word in low for word in _TIME_STAGES):
            fps = self._video_fps()
            if fps:
                values.update(frames_done=round(done * fps), frames_total=round(total * fps))
        elif "frame" in low:
            values.update(frames_done=int(done), frames_total=int(total))
        try:
            if not self.queue.jobs.progress(self.job_id, self.token, **values):
                self.lost = True
        except PausecodeError as e:  # a busy store must not kill the job
            log.warning("job %s: progress not recorded: %s", self.job_id, e)

    def should_cancel(self) -> bool:
        if self.lost or self.cancelled:
            return True
        now = self._clock()
        if now - self._last_poll < self.cfg.cancel_poll_seconds:
            return False
        self._last_poll = now
        try:
            stop = self.queue.jobs.should_stop(self.job_id, self.token)
        except PausecodeError:
            return False
        if stop:
            self.cancelled = True
        return stop


class Heartbeat(threading.Thread):
    """Renews the job's lease every `heartbeat_seconds` until stopped."""

    def __init__(self, reporter: JobReporter) -> None:
        super().__init__(name=f"heartbeat-{reporter.job_id[:8]}", daemon=True)
        self.reporter = reporter
        self._stop_event = threading.Event()

    def run(self) -> None:
        r = self.reporter
        while not self._stop_event.wait(r.cfg.heartbeat_seconds):
            try:
                if not r.queue.jobs.heartbeat(r.job_id, r.token):
                    r.lost = True
                    return
            except PausecodeError as e:
                log.warning("job %s: heartbeat failed: %s", r.job_id, e)

    def stop(self) -> None:
        self._stop_event.set()


def _summary(result: Any) -> dict[str, Any]:
    s = result.summary()
    s["video_title"] = s.get("title", "")
    s["total_segments"] = s.get("segments", 0)
    return s


def execute_job(queue: JobHost, job_id: str) -> str | None:
    """Run one job to its end. Returns the final state, or None when the job was not ours to run."""
    jobs = queue.jobs
    token = jobs.claim(job_id, worker_name())
    if token is None:
        log.info("job %s is not queued any more; skipped", job_id)
        if _state_or_none(queue, job_id) == "cancelled":  # cancelled while queued: claim() ended it
            queue.discard_upload(job_id)
        return None
    row = jobs.internal(job_id)
    replaced = stored_media_path(queue.service.store, row.video_id) if row.kind == "upload" else None
    opts = dict(row.options or {})
    reporter = JobReporter(queue, job_id, token)
    heartbeat = Heartbeat(reporter)
    queue.track(job_id, token)
    heartbeat.start()
    log.info("job %s started (attempt %d)", job_id, row.attempts)
    try:
        result = queue.service.process(
            row.source,
            frame_interval=opts.get("frame_interval"),
            force_reprocess=bool(opts.get("force_reprocess")),
            engine=opts.get("engine"),
            progress=reporter,
            should_cancel=reporter.should_cancel,
        )
    except CancelledError as e:
        return _end(queue, reporter, "cancelled", error_code=e.code, error=str(e))
    except PausecodeError as e:
        if reporter.cancelled and not reporter.lost:
            return _end(queue, reporter, "cancelled", error_code="cancelled", error="cancelled on request")
        return _end(queue, reporter, "failed", error_code=e.code, error=str(e))
    except Exception as e:
        log.exception("job %s crashed", job_id)
        return _end(queue, reporter, "failed", error_code="internal_error", error=f"{type(e).__name__}: {e}")
    else:
        if reporter.cancelled and not reporter.lost and jobs.should_stop(job_id, token):
            # the pipeline finished before it looked at the flag: the result is stored, still honour the cancel
            return _end(queue, reporter, "cancelled", error_code="cancelled", error="cancelled on request",
                        video_id=result.video.video_id)
        state = _end(queue, reporter, "done", result=_summary(result), video_id=result.video.video_id)
        if state == "done" and replaced:  # a forced re-upload replaced it (kept when it is the same file)
            remove_upload(queue.settings, queue.service.store, replaced, result.video.video_id)
        return state
    finally:
        heartbeat.stop()
        queue.track(job_id, None)


def _end(queue: JobHost, reporter: JobReporter, state: str, **kw: Any) -> str | None:
    if reporter.lost:
        log.warning("job %s: lease lost to another worker; not recording %s", reporter.job_id, state)
        return None
    if not queue.jobs.finish(reporter.job_id, reporter.token, state, **kw):
        log.warning("job %s: could not record %s (lease gone)", reporter.job_id, state)
        return None
    log.info("job %s %s", reporter.job_id, state)
    if state in ("failed", "cancelled"):
        queue.discard_upload(reporter.job_id)
    return state


def _state_or_none(queue: JobHost, job_id: str) -> str | None:
    try:
        return str(queue.jobs.get(job_id)["state"])
    except PausecodeError:
        return None
