"""Jobs can neither strand nor duplicate: one active job per video (a unique index, not check-then-insert), a
queue that refuses answers 503 and leaves no job, a queued job whose message vanished is enqueued again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from conftest_server import (  # noqa: F401
    LiveServer,
    RedisServer,
    fake_pipeline,
    make_video,
    redis_server,
    settings_for,
    wait_for,
)
from db_backends import database_url  # noqa: F401

from pausecode.errors import QueueUnavailableError
from pausecode.jobs import InProcessConsumer, JobConfig, JobManager, JobQueue

FAST = JobConfig(lease_seconds=1.0, heartbeat_seconds=0.2, reap_interval=0.3, progress_interval=0.0,
                 cancel_poll_seconds=0.05, orphan_grace_seconds=0.5)
SUBMITTERS = 20  # concurrent identical submissions


def _all_final(manager: JobManager, ids: list[str], timeout: float = 30) -> list[dict]:
    return wait_for(lambda: (js := [manager.get(j) for j in ids]) and all(
        j["state"] in ("done", "failed", "cancelled") for j in js) and js, timeout, what="jobs to finish")


# ------------------------------------------------------------------ one active job per video
def test_identical_create_joins_the_active_job_and_a_finished_job_frees_the_video(
        tmp_path: Path, database_url: str) -> None:  # noqa: F811
    queue = JobQueue(settings_for(tmp_path, database_url=database_url), FAST)
    args = {"kind": "file", "source": "/x.mp4", "source_key": "file:vid1", "video_id": "vid1", "options": {}}
    first = queue.jobs.create_or_join(**args)
    second = queue.jobs.create_or_join(**{**args, "source": "/copy.mp4"})
    assert first.created and not second.created
    assert second.job["job_id"] == first.job["job_id"]
    token = queue.jobs.claim(first.job["job_id"], "w")
    assert queue.jobs.create_or_join(**args).job["job_id"] == first.job["job_id"]  # running: still joined
    assert queue.jobs.finish(first.job["job_id"], token, "done")
    third = queue.jobs.create_or_join(**args)
    assert third.created and third.job["job_id"] != first.job["job_id"]
    queue.jobs.request_cancel(third.job["job_id"])
    assert queue.jobs.create_or_join(**args).created  # a cancelled job does not hold the video


def test_a_job_being_cancelled_does_not_block_a_new_one(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    queue = JobQueue(settings_for(tmp_path, database_url=database_url), FAST)
    args = {"kind": "file", "source": "/x.mp4", "source_key": "file:vid1", "video_id": "vid1", "options": {}}
    running = queue.jobs.create_or_join(**args).job["job_id"]
    assert queue.jobs.claim(running, "w")
    assert queue.jobs.request_cancel(running)["state"] == "running"  # flagged; its worker stops soon
    fresh = queue.jobs.create_or_join(**args)
    assert fresh.created and fresh.job["job_id"] != running


def _submit_concurrently(url: str, body: dict) -> list[httpx.Response]:
    barrier = threading.Barrier(SUBMITTERS)

    def one(_: int) -> httpx.Response:
        barrier.wait(10)
        return httpx.post(f"{url}/api/v1/video/process", json=body, timeout=60)

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        return list(pool.map(one, range(SUBMITTERS)))


def _twenty_identical_submissions_make_one_job(tmp_path: Path, redis_url: str | None, database_url: str) -> None:
    from pausecode.server.app import create_app

    settings = settings_for(tmp_path, redis_url=redis_url, allow_private_urls=True, database_url=database_url)
    queue = JobQueue(settings, FAST)
    with LiveServer(create_app(settings, queue=queue)) as server:  # no consumer: every job stays queued
        answers = _submit_concurrently(server.url, {"url": "http://127.0.0.1:9/lesson.mp4"})
    assert [a.status_code for a in answers] == [202] * SUBMITTERS, [a.text for a in answers if a.status_code != 202]
    job_ids = {a.json()["job_id"] for a in answers}
    assert len(job_ids) == 1
    assert sum(a.json()["joined"] for a in answers) == SUBMITTERS - 1
    assert queue.jobs.counts()["queued"] == 1 and len(queue.jobs.list(100)) == 1
    assert queue.pending_count() == 1  # enqueued once


def test_twenty_concurrent_identical_submissions_make_one_job_sqlite_queue(
        tmp_path: Path, database_url: str) -> None:  # noqa: F811
    _twenty_identical_submissions_make_one_job(tmp_path, None, database_url)


@pytest.mark.redis
def test_twenty_concurrent_identical_submissions_make_one_job_redis_queue(
        tmp_path: Path, redis_server: RedisServer, database_url: str) -> None:  # noqa: F811
    _twenty_identical_submissions_make_one_job(tmp_path, redis_server.url, database_url)


def test_twenty_concurrent_submit_file_calls_make_one_job(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    queue = JobQueue(settings_for(tmp_path, database_url=database_url), FAST)
    managers = [JobManager(queue) for _ in range(SUBMITTERS)]
    barrier = threading.Barrier(SUBMITTERS)

    def one(i: int) -> str:
        barrier.wait(10)
        return managers[i].submit_file(f"/videos/copy{i}.mp4", "vid_same", {}, kind="file").job["job_id"]

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        ids = set(pool.map(one, range(SUBMITTERS)))
    assert len(ids) == 1 and len(queue.jobs.list(100)) == 1


# ------------------------------------------------------------------ a queue that is down
@pytest.mark.redis
def test_queue_down_answers_503_and_leaves_no_job(tmp_path: Path, redis_server: RedisServer,  # noqa: F811
                                                  fake_pipeline) -> None:  # noqa: F811
    from fastapi.testclient import TestClient

    from pausecode.server.app import create_app

    settings = settings_for(tmp_path, redis_url=redis_server.url, allow_private_urls=True)
    queue = JobQueue(settings, FAST)
    video = make_video(tmp_path / "lesson.mp4")
    redis_server.kill()
    with TestClient(create_app(settings, queue=queue)) as c:
        by_url = c.post("/api/v1/video/process", json={"url": "http://127.0.0.1:9/lesson.mp4"})
        upload = c.post("/api/v1/video/upload", files={"file": ("lesson.mp4", video.read_bytes())})
    for answer in (by_url, upload):
        assert answer.status_code == 503, answer.text
        assert answer.json() == {"success": False, "status": 503, "error": "queue_unavailable",
                                 "message": answer.json()["message"]}
        assert "queue" in answer.json()["message"]
    assert queue.jobs.list(100) == []  # nothing stranded that later submissions would join
    assert not any((settings.data_dir / "uploads").glob("*/*"))  # the refused upload is not kept either
    redis_server.start()  # back up (empty): the same video is accepted as a new job
    with TestClient(create_app(settings, queue=queue)) as c:
        again = c.post("/api/v1/video/process", json={"url": "http://127.0.0.1:9/lesson.mp4"})
    assert again.status_code == 202 and again.json()["joined"] is False


def test_enqueue_failure_removes_the_job_row(tmp_path: Path, monkeypatch) -> None:
    queue = JobQueue(settings_for(tmp_path), FAST)
    manager = JobManager(queue)

    def refuse(_job_id: str) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(queue, "_task", refuse)
    with pytest.raises(QueueUnavailableError):
        manager.submit_file("/videos/a.mp4", "vid_a", {}, kind="file")
    assert queue.jobs.list(100) == []


# ------------------------------------------------------------------ messages that vanished
@pytest.mark.redis
def test_redis_restarted_without_persistence_mid_queue_every_job_still_runs(
        tmp_path: Path, redis_server: RedisServer, fake_pipeline) -> None:  # noqa: F811
    settings = settings_for(tmp_path, redis_url=redis_server.url)
    queue = JobQueue(settings, FAST)
    manager = JobManager(queue)
    videos = [make_video(tmp_path / f"v{i}.mp4", seconds=1 + i * 0.2) for i in range(3)]
    ids = [manager.submit_file(str(v), None, {}, kind="file").job["job_id"] for v in videos]
    assert queue.pending_count() == 3
    redis_server.kill()
    redis_server.start()  # same port, empty: the three messages are gone, the rows still say queued
    assert queue.pending_count() == 0
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        jobs = _all_final(manager, ids)
    finally:
        consumer.stop()
    assert [j["state"] for j in jobs] == ["done"] * 3, jobs
    assert all(j["attempts"] == 1 for j in jobs)


def test_queued_job_whose_message_is_gone_is_requeued_sqlite_queue(tmp_path: Path, fake_pipeline,  # noqa: F811
                                                                   database_url: str) -> None:  # noqa: F811
    queue = JobQueue(settings_for(tmp_path, database_url=database_url), FAST)
    manager = JobManager(queue)
    job_id = manager.submit_file(str(make_video(tmp_path / "v.mp4")), None, {}, kind="file").job["job_id"]
    queue.huey.flush()  # the queue lost the message (a crash between the row and the enqueue looks the same)
    assert queue.pending_count() == 0
    queue.config = replace(FAST, orphan_grace_seconds=3600)
    assert queue.requeue_orphans() == []  # not before the grace period: a worker may have just taken it
    queue.config = replace(FAST, orphan_grace_seconds=0)
    wait_for(lambda: queue.requeue_orphans() == [job_id], 5, 0.1, what="the orphan to be re-queued")
    assert queue.pending_count() == 1
    assert queue.requeue_orphans() == []  # its message is there again: not enqueued twice
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        assert _all_final(manager, [job_id])[0]["state"] == "done"
    finally:
        consumer.stop()


@pytest.mark.redis
def test_reaper_with_the_queue_down_keeps_the_job_for_later(tmp_path: Path, redis_server: RedisServer) -> None:  # noqa: F811
    queue = JobQueue(settings_for(tmp_path, redis_url=redis_server.url), FAST)
    manager = JobManager(queue)
    job_id = manager.submit_file("/videos/a.mp4", "vid_a", {}, kind="file").job["job_id"]
    redis_server.kill()
    import time

    time.sleep(FAST.orphan_grace_seconds + 0.1)
    assert queue.requeue_stale() == []  # no exception (start-up and the reaper thread call this)
    assert queue.jobs.get(job_id)["state"] == "queued"
    redis_server.start()  # empty
    assert wait_for(lambda: queue.requeue_stale(), 5, 0.1, what="the job to be re-queued") == [job_id]
    assert queue.pending_count() == 1
