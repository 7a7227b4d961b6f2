"""`pausecode serve` processes jobs in a child worker process at a lower CPU priority than the API (so lookups
stay fast while a video is processed), restarts that child if it dies, and stops it with the server."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from conftest_server import make_video, settings_for, wait_for
from fastapi.testclient import TestClient

from pausecode.jobs import JobConfig, JobQueue
from pausecode.jobs.worker_process import WORKER_NICENESS
from pausecode.server.app import create_app

FAST = JobConfig(lease_seconds=2.0, heartbeat_seconds=0.3, reap_interval=0.5, progress_interval=0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _run_upload(c: TestClient, video: Path) -> dict:
    sub = c.post("/api/v1/video/upload", params={"engine": "null"},
                 files={"file": (video.name, video.read_bytes())})
    assert sub.status_code == 202, sub.text
    return wait_for(lambda: (j := c.get(f"/api/v1/jobs/{sub.json()['job_id']}").json())["state"]
                    in ("done", "failed", "cancelled") and j, 120, 0.1, what="the job")


def test_serve_runs_jobs_in_a_lower_priority_child_process_and_restarts_it(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    queue = JobQueue(settings, FAST)
    app = create_app(settings, run_consumer=True, consumer_process=True, queue=queue)
    with TestClient(app) as c:
        worker = app.state.consumer
        pid = wait_for(lambda: worker.pid, 30, what="the worker process")
        assert pid != os.getpid()
        lower = os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS
        wait_for(lambda: os.getpriority(os.PRIO_PROCESS, pid) == lower, 30, what="the child to lower its priority")
        job = _run_upload(c, make_video(tmp_path / "a.mp4"))  # the real pipeline (null engine), in the child
        assert job["state"] == "done", job
        assert queue.jobs.internal(job["job_id"]).worker.split(":")[1] == str(pid)  # processed by the child
        os.kill(pid, signal.SIGKILL)  # the child dies: the server starts another one
        again = wait_for(lambda: (p := worker.pid) and p != pid and p, 30, what="a new worker process")
        job = _run_upload(c, make_video(tmp_path / "b.mp4", seconds=1.5))
        assert job["state"] == "done" and queue.jobs.internal(job["job_id"]).worker.split(":")[1] == str(again)
    wait_for(lambda: not _alive(again), 20, what="the worker process to stop with the server")
    assert worker.restarts == 1
