"""The job queue: Huey over SQLite (a file in the data folder, no server) or over Redis (several machines).

`JobQueue` ties together the Huey instance, the job table and a lazily made `PauseToCodeService`. A queue message
carries only a job id: everything else (source, options, progress) lives in the job table, so any process that
shares the database can answer for any job, and a message lost with a killed worker is rebuilt from the table.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from huey import Huey, RedisHuey, SqliteHuey

from ..settings import Settings
from ..store.jobs import JobStore

if TYPE_CHECKING:
    from ..service import PauseToCodeService

log = logging.getLogger(__name__)

TASK_NAME = "pausecode.run_job"


@dataclass(frozen=True)
class JobConfig:
    """Timing of leases and progress writes. Env overrides: PAUSECODE_JOB_<FIELD> (e.g. PAUSECODE_JOB_LEASE_SECONDS)."""

    lease_seconds: float = 30.0  # a running job without a heartbeat for this long is presumed dead
    heartbeat_seconds: float = 5.0
    reap_interval: float = 10.0  # how often each worker looks for dead jobs
    max_attempts: int = 3  # after this many lost workers the job fails
    progress_interval: float = 0.5  # at most one progress write per this many seconds
    cancel_poll_seconds: float = 0.5  # how often the running job reads its cancel flag

    @classmethod
    def from_env(cls, **overrides: Any) -> JobConfig:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"PAUSECODE_JOB_{f.name.upper()}")
            if raw:
                values[f.name] = int(raw) if f.type in ("int", int) else float(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def make_huey(settings: Settings) -> Huey:
    """RedisHuey when `redis_url` is set, else SqliteHuey in the data folder."""
    if settings.redis_url:
        return RedisHuey("pausecode", url=settings.redis_url, results=False, blocking=True, read_timeout=1)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = (settings.data_dir / "queue.db").resolve()
    return SqliteHuey("pausecode", filename=str(path), results=False, timeout=30)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


class JobQueue:
    """Enqueue job ids; run them (through `tasks.execute_job`) when a consumer picks them up."""

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
        self._task(job_id)

    def _run(self, job_id: str) -> None:
        from .tasks import execute_job

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
        """Hand jobs of dead workers back to the queue. Safe to call from every process at once."""
        ids = self.jobs.requeue_stale(self.config.lease_seconds, self.config.max_attempts)
        for job_id in ids:
            log.warning("job %s lost its worker; re-queued", job_id)
            self.enqueue(job_id)
        return ids

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
                self.enqueue(job_id)
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
