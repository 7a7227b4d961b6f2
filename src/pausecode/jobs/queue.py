"""The job queue: Huey over SQLite (a file in the data folder, no server) or over Redis (several machines).

`JobQueue` ties together the Huey instance, the job table and a lazily made `PauseToCodeService`. A queue message
carries only a job id: everything else (source, options, progress) lives in the job table, so any process that
shares the database can answer for any job, and a message lost with a killed worker is rebuilt from the table.

The job table is the outbox: a queued job whose message is not in the queue (the process died between writing
the row and enqueueing, or Redis restarted without persistence) is enqueued again by the reaper once it has
been missing for `orphan_grace_seconds`. A duplicate message is harmless: only one claim of a queued job wins.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from huey import Huey, RedisHuey, SqliteHuey

from ..errors import QueueUnavailableError
from ..settings import Settings
from ..store.db import Store
from ..store.jobs import JobStore
from .config import JobConfig
from .tasks import execute_job
from .uploads import remove_upload

if TYPE_CHECKING:
    from ..service import PauseToCodeService

log = logging.getLogger(__name__)

TASK_NAME = "pausecode.run_job"


def make_huey(settings: Settings) -> Huey:
    """RedisHuey when `redis_url` is set, else SqliteHuey in the data folder."""
    if settings.redis_url:
        return RedisHuey("pausecode", url=settings.redis_url, results=False, blocking=True, read_timeout=1)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = (settings.data_dir / "queue.db").resolve()
    return SqliteHuey("pausecode", filename=str(path), results=False, timeout=30)


class JobQueue:
    """Enqueue job ids; run them (through `tasks.execute_job`) when a consumer picks them up.

    It is the `tasks.JobHost` that `execute_job` runs a job against."""

    def __init__(self, settings: Settings, config: JobConfig | None = None,
                 service: PauseToCodeService | None = None) -> None:
        self.settings = settings
        self.config = config or JobConfig.from_env()
        self.jobs = JobStore(settings.db_url)
        self.huey = make_huey(settings)
        self._service = service
        self._service_lock = threading.Lock()
        self._active: dict[str, str] = {}  # job_id -> lease token, for jobs running in this process
        self._active_lock = threading.Lock()
        self._task = self.huey.task(name=TASK_NAME)(self._run)

    # -------------------------------------------------------------- service
    @property
    def service(self) -> PauseToCodeService:
        with self._service_lock:
            if self._service is None:
                from ..service import PauseToCodeService

                self._service = PauseToCodeService(self.settings)
            return self._service

    # -------------------------------------------------------------- queueing
    def enqueue(self, job_id: str) -> None:
        """Hand the job's id to the queue; `QueueUnavailableError` (503) when the queue's storage refuses."""
        try:
            self._task(job_id)
        except Exception as e:  # noqa: BLE001 - redis/sqlite errors differ; every one means "not queued"
            log.warning("job %s not queued: %s: %s", job_id, type(e).__name__, e)
            where = "Redis (PAUSECODE_REDIS_URL)" if self.settings.redis_url else "the queue file in the data folder"
            raise QueueUnavailableError("the job queue is not available; nothing was queued, try again later",
                                        hint=f"check {where}") from e
        self.jobs.mark_enqueued(job_id)

    def _run(self, job_id: str) -> None:
        execute_job(self, job_id)

    def ping(self) -> bool:
        """Does the queue's storage answer?"""
        try:
            self.huey.pending_count()
            return True
        except Exception as e:  # noqa: BLE001 - health checks report, never raise
            log.warning("job queue does not answer: %s", type(e).__name__)
            return False

    def pending_count(self) -> int | None:
        try:
            return int(self.huey.pending_count())
        except Exception:  # noqa: BLE001
            return None

    # -------------------------------------------------------------- recovery
    def requeue_stale(self) -> list[str]:
        """Hand jobs of dead workers, and queued jobs whose message is gone, back to the queue; remove the uploads
        of jobs that ended here. Safe to call from every process at once."""
        stale = self.jobs.requeue_stale(self.config.lease_seconds, self.config.max_attempts)
        for job_id in stale.ended:
            self.discard_upload(job_id)
        ids = list(stale.requeued)
        for job_id in ids:
            log.warning("job %s lost its worker; re-queued", job_id)
            try:
                self.enqueue(job_id)
            except QueueUnavailableError:
                pass  # queued in the table: enqueued again as an orphan once the queue answers
        return ids + self.requeue_orphans()

    def requeue_orphans(self) -> list[str]:
        """Queued jobs whose message is not in the queue (the queue restarted empty): enqueue them again."""
        candidates = self.jobs.queued_since(time.time() - self.config.orphan_grace_seconds)
        if not candidates:
            return []
        try:
            pending = {str(t.args[0]) for t in self.huey.pending() if t.name == TASK_NAME and t.args}
        except Exception as e:  # noqa: BLE001 - the queue is down: try again at the next reap
            log.warning("cannot list the queue to find lost messages: %s: %s", type(e).__name__, e)
            return []
        requeued = []
        for job_id in candidates:
            if job_id in pending or not self.jobs.mark_enqueued(job_id):  # still there, or no longer queued
                continue
            log.warning("job %s was queued but its message is gone; re-queued", job_id)
            try:
                self.enqueue(job_id)
            except QueueUnavailableError:
                return requeued  # the queue went down meanwhile: the next reap tries again
            requeued.append(job_id)
        return requeued

    def discard_upload(self, job_id: str) -> bool:
        """Remove the uploaded file of a job that ended without a result (failed, cancelled)."""
        try:
            row = self.jobs.internal(job_id)
            if row.kind != "upload":
                return False
            return remove_upload(self.settings, self._store(), row.source, row.video_id)
        except Exception:  # noqa: BLE001 - a file left behind must not break the job's bookkeeping
            log.exception("job %s: its upload could not be removed", job_id)
            return False

    def _store(self) -> Store:
        return self._service.store if self._service is not None else Store(self.settings.db_url)

    def track(self, job_id: str, token: str | None) -> None:
        with self._active_lock:
            if token is None:
                self._active.pop(job_id, None)
            else:
                self._active[job_id] = token

    def release_active(self) -> list[str]:
        """On shutdown: give this process's running jobs back to the queue at once (no lease wait)."""
        with self._active_lock:
            active = dict(self._active)
            self._active.clear()
        released = []
        for job_id, token in active.items():
            if self.jobs.release(job_id, token):
                try:
                    self.enqueue(job_id)
                except QueueUnavailableError:
                    continue  # still queued in the table: the reaper of any process re-enqueues it
                released.append(job_id)
        return released


class Reaper(threading.Thread):
    """Every `reap_interval` seconds, re-queue the jobs of dead workers."""

    def __init__(self, queue: JobQueue) -> None:
        super().__init__(name="pausecode-reaper", daemon=True)
        self.queue = queue
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.queue.config.reap_interval):
            try:
                self.queue.requeue_stale()
            except Exception:
                log.exception("re-queueing stale jobs failed")

    def stop(self) -> None:
        self._stop_event.set()
