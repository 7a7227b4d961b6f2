"""Consumers: `run_worker` (the `pausecode worker` command) and `InProcessConsumer` (inside `pausecode serve`).

Both run Huey worker threads plus a reaper that re-queues jobs whose worker died. On start, stale jobs are
re-queued at once; on a graceful stop, this process's running jobs go back to the queue for another worker.
"""

from __future__ import annotations

import logging
import threading

from huey.consumer import Consumer

from ..settings import Settings
from .config import JobConfig
from .queue import JobQueue, Reaper

log = logging.getLogger(__name__)

READY_MESSAGE = "pausecode worker ready"  # logged once signals are handled and the consumer runs

CONSUMER_OPTIONS = {"worker_type": "thread", "initial_delay": 0.1, "backoff": 1.15, "max_delay": 1.0,
                    "periodic": False, "check_worker_health": True}


class _ThreadConsumer(Consumer):
    """A Huey consumer that leaves signal handling to its host (uvicorn, or the worker's main loop)."""

    def _set_signal_handlers(self) -> None:
        pass


class InProcessConsumer:
    """Worker threads inside another program (the API server). `start()` returns at once; `stop()` joins."""

    def __init__(self, queue: JobQueue, workers: int = 1) -> None:
        self.queue = queue
        self.consumer = _ThreadConsumer(queue.huey, workers=max(1, workers), **CONSUMER_OPTIONS)
        self.reaper = Reaper(queue)
        self._started = False

    def start(self) -> None:
        self.queue.requeue_stale()
        self.consumer.start()
        self.reaper.start()
        self._started = True
        log.info("job consumer started (%d worker thread(s))", self.consumer.workers)

    def stop(self, timeout: float = 5.0) -> None:
        if not self._started:
            return
        self._started = False
        self.reaper.stop()
        released = self.queue.release_active()
        if released:
            log.info("released running jobs back to the queue: %s", ", ".join(released))
        self.consumer.stop_flag.set()
        for _, proc in self.consumer.worker_threads:
            proc.join(timeout)
        self.consumer.scheduler.join(timeout)


def run_worker(settings: Settings, workers: int = 1, *, config: JobConfig | None = None,
               stop_event: threading.Event | None = None) -> None:
    """Run a job consumer until SIGINT/SIGTERM (or `stop_event`, for tests). Blocks."""
    stop = stop_event or threading.Event()
    if threading.current_thread() is threading.main_thread():
        # first, so a Ctrl-C at any moment of the start-up stops the worker through one path (seen under load:
        # a SIGINT right after the first log line, before the handlers, left the worker running)
        import signal

        def _handle(signum: int, _frame: object) -> None:
            log.info("signal %d: stopping", signum)
            stop.set()

        signal.signal(signal.SIGINT, _handle)
        signal.signal(signal.SIGTERM, _handle)
    queue = JobQueue(settings, config)
    where = "redis" if settings.redis_url else f"sqlite {settings.data_dir / 'queue.db'}"
    log.info("pausecode worker: %d thread(s), queue on %s", workers, where)
    consumer = InProcessConsumer(queue, workers)
    if stop.is_set():  # stopped while starting: nothing was taken from the queue yet
        log.info("pausecode worker stopped")
        return
    consumer.start()
    log.info(READY_MESSAGE)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        consumer.stop()
        log.info("pausecode worker stopped")
