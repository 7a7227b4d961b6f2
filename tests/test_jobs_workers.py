"""Separate `pausecode worker` processes: sharing work over a real Redis, and surviving SIGKILL mid-job.

Redis tests start their own `redis-server` on a random loopback port in a temporary folder (skipped when the
binary is missing). Workers are real subprocesses running `run_worker` with the fake pipeline installed.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import RedisServer, make_video, settings_for, wait_for, worker_command
from db_backends import postgres_schema_url

from pausecode.jobs import JobConfig, JobManager, JobQueue
from pausecode.jobs.worker import READY_MESSAGE
from pausecode.store.db import Store

WORKER_ENV = {
    "PAUSECODE_JOB_LEASE_SECONDS": "1.5",
    "PAUSECODE_JOB_HEARTBEAT_SECONDS": "0.3",
    "PAUSECODE_JOB_REAP_INTERVAL": "0.5",
    "PAUSECODE_JOB_CANCEL_POLL_SECONDS": "0.1",
    "PAUSECODE_JOB_PROGRESS_INTERVAL": "0.1",
}


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = RedisServer(tmp_path).start()
    try:
        yield server.url
    finally:
        server.kill()


class Workers:
    """Starts and always cleans up worker subprocesses."""

    def __init__(self, tmp: Path, data_dir: Path, redis: str | None, extra_env: dict[str, str],
                 database_url: str | None = None) -> None:
        self.tmp, self.data_dir, self.redis, self.database_url = tmp, data_dir, redis, database_url
        self.env = {**os.environ, **WORKER_ENV, **extra_env}
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = (self.tmp / f"worker{len(self.procs)}.log").open("w")
        p = subprocess.Popen(worker_command(self.data_dir, self.redis, database_url=self.database_url),
                             env=self.env, stdout=log,
                             stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def logs(self) -> str:
        return "\n".join(f.read_text() for f in sorted(self.tmp.glob("worker*.log")))


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Workers]]:
    made: list[Workers] = []
    yield made
    for w in made:
        w.stop_all()


def _wait_final(manager: JobManager, job_id: str, timeout: float, w: Workers) -> dict:
    try:
        return wait_for(lambda: (j := manager.get(job_id))["state"] in ("done", "failed", "cancelled") and j,
                        timeout, 0.1, what=f"job {job_id}")
    except AssertionError:
        raise AssertionError(f"job did not finish: {manager.get(job_id)}\n--- worker logs ---\n{w.logs()}")


@pytest.mark.redis
def test_two_workers_share_jobs_over_redis(tmp_path: Path, redis_url: str, workers) -> None:
    settings = settings_for(tmp_path, redis_url=redis_url)
    queue = JobQueue(settings, JobConfig())
    manager = JobManager(queue)
    marker = tmp_path / "finished_by.txt"
    w = Workers(tmp_path, settings.data_dir, redis_url, {"PAUSECODE_TEST_FAKE_STEPS": "20",
                                                         "PAUSECODE_TEST_FAKE_SLEEP": "0.05",
                                                         "PAUSECODE_TEST_FAKE_MARKER": str(marker)})
    workers.append(w)
    pids = {w.start().pid, w.start().pid}
    videos = [make_video(tmp_path / f"v{i}.mp4", seconds=1 + i * 0.2) for i in range(6)]
    job_ids = [manager.submit_file(str(v), None, {}, kind="file").job["job_id"] for v in videos]
    jobs = [_wait_final(manager, j, 60, w) for j in job_ids]
    assert all(j["state"] == "done" for j in jobs), jobs
    finished_by = {int(x) for x in marker.read_text().split()}
    assert finished_by == pids, f"both workers should have taken jobs: {finished_by} vs {pids}\n{w.logs()}"
    store = Store(settings.db_url)
    assert all(store.has_result(j["video_id"]) for j in jobs)


def _kill_mid_job(tmp_path: Path, redis: str | None, workers) -> None:
    settings = settings_for(tmp_path, redis_url=redis)
    queue = JobQueue(settings, JobConfig())
    manager = JobManager(queue)
    marker = tmp_path / "finished_by.txt"
    w = Workers(tmp_path, settings.data_dir, redis, {"PAUSECODE_TEST_FAKE_STEPS": "60",
                                                     "PAUSECODE_TEST_FAKE_SLEEP": "0.05",
                                                     "PAUSECODE_TEST_FAKE_MARKER": str(marker)})
    workers.append(w)
    video = make_video(tmp_path / "v.mp4")
    job_id = manager.submit_file(str(video), None, {}, kind="file").job["job_id"]
    first = w.start()
    wait_for(lambda: manager.get(job_id)["frames_done"] >= 5, 30, 0.05, what="first worker to be mid-job")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    from pausecode.ingest.ids import file_content_id

    vid = file_content_id(video)
    store = Store(settings.db_url)
    assert manager.get(job_id)["state"] == "running"  # the dead worker's row, until its lease runs out
    assert not store.has_result(vid) and store.status(vid) == "processing"  # nothing half-written reads as done
    second = w.start()
    job = _wait_final(manager, job_id, 60, w)
    assert job["state"] == "done" and job["attempts"] == 2, job
    assert marker.read_text().split() == [str(second.pid)]
    assert store.has_result(vid) and len(store.load_result(vid).segments) == 3


def test_sigkill_mid_job_then_another_worker_finishes_it_sqlite(tmp_path: Path, workers) -> None:
    _kill_mid_job(tmp_path, None, workers)


@pytest.mark.redis
def test_sigkill_mid_job_then_another_worker_finishes_it_redis(tmp_path: Path, redis_url: str, workers) -> None:
    _kill_mid_job(tmp_path, redis_url, workers)


def test_worker_stops_cleanly_on_sigterm(tmp_path: Path, workers) -> None:
    settings = settings_for(tmp_path)
    w = Workers(tmp_path, settings.data_dir, None, {})
    workers.append(w)
    p = w.start()
    # its ready line comes once the SIGTERM handler is installed (a fixed sleep failed under load)
    wait_for(lambda: READY_MESSAGE in w.logs() or p.poll() is not None, 60, what="the worker's ready line")
    assert p.poll() is None, w.logs()
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0, w.logs()
    assert "pausecode worker stopped" in w.logs()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


@pytest.mark.redis
@pytest.mark.postgres
def test_two_workers_with_redis_and_postgres_do_a_batch_of_ten_each_job_once(
        tmp_path: Path, redis_url: str, postgres_url: str, workers) -> None:
    """Ten videos submitted at once to two `pausecode worker` processes sharing Redis and PostgreSQL."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    settings = settings_for(tmp_path, redis_url=redis_url, database_url=postgres_url)
    manager = JobManager(JobQueue(settings, JobConfig()))
    marker = tmp_path / "finished_by.txt"
    w = Workers(tmp_path, settings.data_dir, redis_url, {"PAUSECODE_TEST_FAKE_STEPS": "10",
                                                         "PAUSECODE_TEST_FAKE_SLEEP": "0.05",
                                                         "PAUSECODE_TEST_FAKE_MARKER": str(marker)},
                database_url=postgres_url)
    workers.append(w)
    pids = {w.start().pid, w.start().pid}
    wait_for(lambda: w.logs().count(READY_MESSAGE) == 2, 60, what="both workers to be ready")
    videos = [make_video(tmp_path / f"v{i}.mp4", seconds=1 + i * 0.1) for i in range(10)]
    barrier = threading.Barrier(len(videos))

    def submit(video: Path) -> str:
        barrier.wait(10)
        return manager.submit_file(str(video), None, {}, kind="file").job["job_id"]

    with ThreadPoolExecutor(len(videos)) as pool:
        job_ids = list(pool.map(submit, videos))
    assert len(set(job_ids)) == 10
    jobs = [_wait_final(manager, j, 90, w) for j in job_ids]
    assert [j["state"] for j in jobs] == ["done"] * 10, jobs
    assert [j["attempts"] for j in jobs] == [1] * 10, jobs
    runs = [int(x) for x in marker.read_text().split()]
    assert len(runs) == 10, f"the pipeline ran {len(runs)} times for 10 jobs\n{w.logs()}"  # none ran twice
    assert set(runs) == pids, f"both workers should have taken jobs: {runs} vs {pids}"
    store = Store(postgres_url)
    assert len({j["video_id"] for j in jobs}) == 10 and all(store.has_result(j["video_id"]) for j in jobs)
