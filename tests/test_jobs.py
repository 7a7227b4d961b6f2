"""The job machinery in process, on SQLite and on PostgreSQL: run, progress, cancel, lease loss, crash recovery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import fake_pipeline, make_video, settings_for, wait_for  # noqa: F401
from db_backends import database_url  # noqa: F401
from fastapi.testclient import TestClient

from pausecode.jobs import InProcessConsumer, JobConfig, JobManager, JobQueue
from pausecode.jobs.tasks import execute_job
from pausecode.store.db import Store

# A lease of 10 heartbeats: on a loaded 2-core machine (a benchmark beside the suite) a 1-s lease (5 heartbeats)
# was once missed and the job re-queued a second time (attempts 3, not 2); production leases are 6 heartbeats of 5 s.
FAST = JobConfig(lease_seconds=2.0, heartbeat_seconds=0.2, reap_interval=0.3, progress_interval=0.0,
                 cancel_poll_seconds=0.05)


@pytest.fixture
def setup(tmp_path: Path, fake_pipeline, database_url) -> Iterator[tuple[JobQueue, JobManager, Path]]:  # noqa: F811
    settings = settings_for(tmp_path, database_url=database_url)
    queue = JobQueue(settings, FAST)
    yield queue, JobManager(queue), make_video(tmp_path / "v.mp4")


def final(manager: JobManager, job_id: str, timeout: float = 20) -> dict:
    return wait_for(lambda: (j := manager.get(job_id))["state"] in ("done", "failed", "cancelled") and j,
                    timeout, what=f"job {job_id} to finish")


def test_job_runs_to_done_and_result_is_readable(setup) -> None:
    queue, manager, video = setup
    sub = manager.submit_file(str(video), None, {"engine": "null"}, kind="file")
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        job = final(manager, sub.job["job_id"])
    finally:
        consumer.stop()
    assert job["state"] == "done" and job["percent"] == 100.0 and job["error"] is None
    assert job["frames_done"] == job["frames_total"] == 20 and job["attempts"] == 1
    assert job["result"]["total_segments"] == 3 and job["video_id"] == job["result"]["video_id"]
    assert Store(queue.settings.db_url).has_result(job["video_id"])


def test_progress_is_visible_while_running(setup, monkeypatch) -> None:
    queue, manager, video = setup
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "40")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.05")
    # a source whose video id is unknown until ingest (like a non-YouTube URL): found from the processing row
    sub = manager.submit(kind="url", source=str(video), key="url:lesson", video_id=None, options={})
    assert sub.job["video_id"] is None
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        mid = wait_for(lambda: (j := manager.get(sub.job["job_id"]))["frames_done"] >= 8 and j, what="progress")
        assert mid["state"] == "running" and mid["stage"] == "recognize" and mid["frames_total"] == 20
        assert 35 <= mid["percent"] < 100 and mid["eta_seconds"] is not None and mid["eta_seconds"] > 0
        assert mid["heartbeat_at"] is not None
        from pausecode.ingest.ids import file_content_id

        assert mid["video_id"] == file_content_id(video)
        assert final(manager, sub.job["job_id"])["state"] == "done"
    finally:
        consumer.stop()


def test_cancel_a_running_job(setup, monkeypatch) -> None:
    queue, manager, video = setup
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "1000")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.02")
    sub = manager.submit_file(str(video), None, {}, kind="file")
    job_id = sub.job["job_id"]
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        wait_for(lambda: manager.get(job_id)["percent"] > 1, what="job to run")
        assert manager.cancel(job_id)["cancel_requested"] is True
        job = final(manager, job_id, timeout=5)
    finally:
        consumer.stop()
    assert job["state"] == "cancelled" and job["frames_done"] < 20
    from pausecode.ingest.ids import file_content_id

    assert not Store(queue.settings.db_url).has_result(file_content_id(video))  # nothing reads as complete


def test_cancel_a_queued_job_never_runs(setup, tmp_path, monkeypatch) -> None:
    queue, manager, video = setup
    marker = tmp_path / "ran.txt"
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_MARKER", str(marker))
    sub = manager.submit_file(str(video), None, {}, kind="file")
    assert manager.cancel(sub.job["job_id"])["state"] == "cancelled"
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        wait_for(lambda: (queue.pending_count() or 0) == 0, what="queue to drain")
        time.sleep(0.3)
    finally:
        consumer.stop()
    assert not marker.exists()
    assert manager.get(sub.job["job_id"])["state"] == "cancelled"


def test_failing_job_records_error(setup, tmp_path) -> None:
    queue, manager, _ = setup
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    sub = manager.submit_file(str(bad), None, {}, kind="file")
    execute_job(queue, sub.job["job_id"])
    job = manager.get(sub.job["job_id"])
    assert job["state"] == "failed" and job["error"]["code"] in ("not_a_video", "corrupt_video", "invalid_input")
    assert job["error"]["message"]


def test_unexpected_exception_fails_the_job(setup, monkeypatch) -> None:
    queue, manager, video = setup
    import pausecode.service

    def crash(*_a, **_k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pausecode.service, "run_pipeline", crash)
    sub = manager.submit_file(str(video), None, {}, kind="file")
    assert execute_job(queue, sub.job["job_id"]) == "failed"
    assert manager.get(sub.job["job_id"])["error"]["code"] == "internal_error"


def test_stale_job_is_requeued_and_finished(setup) -> None:
    queue, manager, video = setup
    sub = manager.submit_file(str(video), None, {}, kind="file")
    job_id = sub.job["job_id"]
    token = queue.jobs.claim(job_id, "dead-worker")  # a worker took it, then died (no heartbeat)
    assert token and queue.jobs.get(job_id)["state"] == "running"
    assert queue.requeue_stale() == []  # heartbeat still fresh
    time.sleep(FAST.lease_seconds + 0.1)
    consumer = InProcessConsumer(queue)  # start() re-queues stale jobs at once
    consumer.start()
    try:
        job = final(manager, job_id)
    finally:
        consumer.stop()
    assert job["state"] == "done" and job["attempts"] == 2
    assert not queue.jobs.finish(job_id, token, "failed", error="late")  # the dead worker's lease is void


def test_job_fails_after_too_many_lost_workers(setup) -> None:
    queue, manager, video = setup
    job_id = manager.submit_file(str(video), None, {}, kind="file").job["job_id"]
    for _ in range(FAST.max_attempts):
        assert queue.jobs.claim(job_id, "dying")
        with queue.jobs._session() as s, s.begin():
            from pausecode.store.jobs import JobRow

            s.get(JobRow, job_id).heartbeat_at = time.time() - 100
        queue.requeue_stale()
    job = manager.get(job_id)
    assert job["state"] == "failed" and job["error"]["code"] == "worker_lost"


def test_worker_that_lost_its_lease_stops_and_records_nothing(setup, monkeypatch) -> None:
    queue, manager, video = setup
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "1000")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.01")
    job_id = manager.submit_file(str(video), None, {}, kind="file").job["job_id"]
    import threading

    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("state", execute_job(queue, job_id)))
    t.start()
    wait_for(lambda: manager.get(job_id)["percent"] > 1, what="job to run")
    with queue.jobs._session() as s, s.begin():  # another worker took the job over
        from pausecode.store.jobs import JobRow

        s.get(JobRow, job_id).lease_token = "f" * 32
    t.join(5)
    assert not t.is_alive() and out["state"] is None
    assert manager.get(job_id)["state"] == "running"  # untouched by the stalled worker


def test_graceful_stop_hands_running_job_back(setup, monkeypatch) -> None:
    queue, manager, video = setup
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "1000")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.01")
    job_id = manager.submit_file(str(video), None, {}, kind="file").job["job_id"]
    consumer = InProcessConsumer(queue)
    consumer.start()
    wait_for(lambda: manager.get(job_id)["percent"] > 1, what="job to run")
    consumer.stop()
    job = manager.get(job_id)
    assert job["state"] == "queued" and job["attempts"] == 0
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "5")
    again = InProcessConsumer(queue)
    again.start()
    try:
        assert final(manager, job_id)["state"] == "done"
    finally:
        again.stop()


def test_upload_to_code_through_the_api_with_in_process_consumer(tmp_path: Path, fake_pipeline,  # noqa: F811
                                                                 database_url) -> None:  # noqa: F811
    from pausecode.server.app import create_app

    settings = settings_for(tmp_path, database_url=database_url)
    video = make_video(tmp_path / "lesson.mp4", seconds=3)
    app = create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))
    with TestClient(app) as c:
        sub = c.post("/api/v1/video/upload", files={"file": ("lesson.mp4", video.read_bytes())}).json()
        job = wait_for(lambda: (j := c.get(f"/api/v1/jobs/{sub['job_id']}").json())["state"] == "done" and j,
                       what="upload job")
        vid = job["video_id"]
        assert vid == sub["video_id"]
        code = c.get(f"/api/v1/video/{vid}/code", params={"timestamp": 1.5}).json()
        assert code["found"] and code["segment_type"] == "code" and "def greet" in code["code_content"]
        assert c.get(f"/api/v1/video/{vid}/info").json()["video_title"] == "lesson"
        again = c.post("/api/v1/video/upload", files={"file": ("copy.mp4", video.read_bytes())})
        assert again.status_code == 200 and again.json()["status"] == "completed"


def test_process_url_end_to_end_over_loopback(tmp_path: Path, fake_pipeline) -> None:  # noqa: F811
    """POST a direct video link (served on loopback; private URLs allowed by setting) → download → job → code."""
    import functools
    import http.server
    import threading

    from conftest_server import free_port

    from pausecode.server.app import create_app

    site = tmp_path / "site"
    make_video(site / "lesson.mp4", seconds=3)
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings = settings_for(tmp_path, allow_private_urls=True)
    url = f"http://127.0.0.1:{port}/lesson.mp4"
    try:
        with TestClient(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as c:
            sub = c.post("/api/v1/video/process", json={"url": url})
            assert sub.status_code == 202, sub.text
            job = wait_for(lambda: (j := c.get(f"/api/v1/jobs/{sub.json()['job_id']}").json())["state"]
                           in ("done", "failed") and j, 60, what="URL job")
            assert job["state"] == "done", job
            vid = job["video_id"]
            code = c.get(f"/api/v1/video/{vid}/code", params={"timestamp": 2.5}).json()
            assert code["found"] and "greet" in code["code_content"]
            again = c.post("/api/v1/video/process", json={"url": url})
            assert again.status_code == 200 and again.json()["video_id"] == vid
            media = c.get(f"/api/v1/video/{vid}/media", headers={"Range": "bytes=0-3"})
            assert media.status_code == 206 and media.content == (site / "lesson.mp4").read_bytes()[:4]
    finally:
        httpd.shutdown()


def test_cancel_during_download_stops_it(setup, monkeypatch) -> None:
    """Stages without a cancel callback (the download) stop too: the progress callback raises on cancel."""
    queue, manager, video = setup
    import pausecode.service

    real_open = pausecode.service.open_source
    calls = {"n": 0}

    def slow_download(source, settings, progress=None):
        for i in range(500):
            calls["n"] += 1
            if progress:
                progress("download", i * 1000.0, 500_000.0)
            time.sleep(0.01)
        return real_open(source, settings, progress=progress)

    monkeypatch.setattr(pausecode.service, "open_source", slow_download)
    job_id = manager.submit_file(str(video), None, {}, kind="file").job["job_id"]
    consumer = InProcessConsumer(queue)
    consumer.start()
    try:
        running = wait_for(lambda: (j := manager.get(job_id))["stage"] == "download" and j, what="download")
        assert running["frames_total"] == 0  # bytes are not frames
        manager.cancel(job_id)
        job = final(manager, job_id, timeout=5)
    finally:
        consumer.stop()
    assert job["state"] == "cancelled" and calls["n"] < 500
