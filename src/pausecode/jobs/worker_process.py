"""The job worker of `pausecode serve`, in a child process of its own at a lower CPU priority than the API.

Recognition is CPU-bound Python. Run as threads inside the API process it shares the API's interpreter lock
and its CPU priority, and lookups queue behind it (p99 27 ms idle, 103 ms while a video was processed). In a
child process with a higher nice value the kernel gives the API's threads the CPU first; the child is an
ordinary `pausecode worker` (same queue, same job table, same lease and recovery), so nothing else changes.
The child is restarted if it dies while the server runs; on shutdown it hands its running jobs back.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from typing import Any

from ..settings import Settings

log = logging.getLogger(__name__)

WORKER_NICENESS = 10  # added to the child's nice value (0-19 scale): the API's threads get the CPU first
RESTART_DELAY_SECONDS = 1.0  # pause before restarting a child that died, so a crash loop does not spin
STOP_TIMEOUT_SECONDS = 15.0  # graceful stop (running jobs handed back to the queue) before the child is killed
_LOG_FORMAT = "%(asctime)s %(levelname)s [worker %(process)d] %(name)s: %(message)s"


def _child_main(settings: Settings, workers: int, niceness: int) -> None:
    """Entry point of the child process (spawned: a fresh interpreter, nothing inherited but the arguments)."""
    os.nice(niceness)
    logging.basicConfig(level=logging.INFO, format=_LOG_FORMAT)
    from .worker import run_worker

    run_worker(settings, workers)
    _exit_without_teardown()


def _exit_without_teardown() -> None:
    """End the child at once after its graceful stop, skipping the interpreter's teardown.

    Why: after a job with the default engine the teardown (finalising onnxruntime, OpenCV, NumPy and the
    loaded models) costs ~0.4 s of CPU, against ~0.04 s for this exit (measured on this 2-core machine). The
    child runs at nice +10 (scheduler weight 110 against 1024 for each nice-0 process): with four busy nice-0
    processes per core (the API under load, the load client, other work) it gets ~3 % of a core, and 0.4 s of
    CPU take ~15 s, the likely reason a child that had logged "stopped" outlived STOP_TIMEOUT_SECONDS and was
    killed (an idle machine does not show it: ~0.4 s either way). Nothing is lost by skipping it: the jobs are
    back in the queue and every database write is committed; only log handlers and std streams need flushing.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: nothing more can be written anyway
            pass
    os._exit(0)


class WorkerProcess:
    """Starts, supervises (restarts on death) and stops one child worker process."""

    def __init__(self, settings: Settings, workers: int = 1, niceness: int = WORKER_NICENESS) -> None:
        self.settings, self.workers, self.niceness = settings, max(1, workers), niceness
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server process
        self._proc: Any = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    @property
    def exitcode(self) -> int | None:
        """The current child's exit code: None while it runs, 0 after a graceful stop, -9 if it had to be killed."""
        with self._lock:
            return self._proc.exitcode if self._proc is not None else None

    def _spawn(self) -> None:
        with self._lock:  # a stop() that has begun sees either this child or none: no child outlives the stop
            if self._stopping.is_set():
                return
            proc = self._ctx.Process(target=_child_main, args=(self.settings, self.workers, self.niceness),
                                     name="pausecode-worker", daemon=False)
            proc.start()
            self._proc = proc
        log.info("job worker process %d started (nice +%d, %d thread(s))", proc.pid, self.niceness, self.workers)

    def start(self) -> None:
        self._stopping.clear()
        self._spawn()
        self._supervisor = threading.Thread(target=self._supervise, name="pausecode-worker-supervisor",
                                            daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                proc = self._proc
            proc.join()
            if self._stopping.wait(RESTART_DELAY_SECONDS):
                return
            log.warning("job worker process %d exited (code %s); starting another", proc.pid, proc.exitcode)
            self.restarts += 1
            self._spawn()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.is_alive():
            proc.terminate()  # SIGTERM: the worker hands its running jobs back and exits
            proc.join(timeout)
            if proc.is_alive():
                log.warning("job worker process %d did not stop in %.0f s; killed", proc.pid, timeout)
                proc.kill()
                proc.join(5)
        if self._supervisor is not None:
            self._supervisor.join(timeout)
