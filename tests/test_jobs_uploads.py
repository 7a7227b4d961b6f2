"""Uploaded files do not outlive their use: removed when the job fails, is cancelled (queued or running), ends
after its worker was lost too often, or when a forced re-upload replaced them; a user's own file processed by
its path is never removed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest_server import fake_pipeline, make_video, settings_for, wait_for  # noqa: F401
from fastapi.testclient import TestClient

from pausecode.errors import CorruptVideoError
from pausecode.jobs import InProcessConsumer, JobConfig, JobManager, JobQueue
from pausecode.jobs.tasks import execute_job
from pausecode.server.app import create_app

FAST = JobConfig(lease_seconds=1.0, heartbeat_seconds=0.2, reap_interval=0.3, progress_interval=0.0,
                 cancel_poll_seconds=0.05)


def _uploads(settings) -> list[Path]:
    return sorted(p for p in (settings.data_dir / "uploads").glob("*/*") if p.is_file())


def _final(c: TestClient, job_id: str) -> dict:
    return wait_for(lambda: (j := c.get(f"/api/v1/jobs/{job_id}").json())["state"]
                    in ("done", "failed", "cancelled") and j, 30, what=f"job {job_id}")


def _upload(c: TestClient, video: Path, **params) -> dict:
    answer = c.post("/api/v1/video/upload", params=params, files={"file": (video.name, video.read_bytes())})
    assert answer.status_code in (200, 202), answer.text
    return answer.json()


def test_upload_of_a_failed_job_is_removed(tmp_path: Path, fake_pipeline, monkeypatch) -> None:  # noqa: F811
    import pausecode.service

    def broken(*_a, **_k):
        raise CorruptVideoError("nothing could be decoded")

    monkeypatch.setattr(pausecode.service, "run_pipeline", broken)
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as c:
        sub = _upload(c, make_video(tmp_path / "lesson.mp4"))
        assert len(_uploads(settings)) == 1
        assert _final(c, sub["job_id"])["state"] == "failed"
    assert _uploads(settings) == []


def test_upload_of_a_job_cancelled_while_queued_is_removed(tmp_path: Path, fake_pipeline) -> None:  # noqa: F811
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings, queue=JobQueue(settings, FAST))) as c:  # no consumer: stays queued
        sub = _upload(c, make_video(tmp_path / "lesson.mp4"))
        assert len(_uploads(settings)) == 1
        assert c.delete(f"/api/v1/jobs/{sub['job_id']}").json()["state"] == "cancelled"
    assert _uploads(settings) == []


def test_upload_of_a_job_cancelled_while_running_is_removed(tmp_path: Path, fake_pipeline,  # noqa: F811
                                                            monkeypatch) -> None:
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "1000")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.02")
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as c:
        sub = _upload(c, make_video(tmp_path / "lesson.mp4"))
        wait_for(lambda: c.get(f"/api/v1/jobs/{sub['job_id']}").json()["percent"] > 1, what="job to run")
        c.delete(f"/api/v1/jobs/{sub['job_id']}")
        assert _final(c, sub["job_id"])["state"] == "cancelled"
    assert _uploads(settings) == []


def test_forced_re_upload_replaces_the_earlier_file(tmp_path: Path, fake_pipeline) -> None:  # noqa: F811
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "lesson.mp4")
    with TestClient(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as c:
        first = _upload(c, video)
        assert _final(c, first["job_id"])["state"] == "done"
        (old,) = _uploads(settings)
        again = _upload(c, video, force_reprocess="true")
        assert again["job_id"] != first["job_id"]
        assert _final(c, again["job_id"])["state"] == "done"
        (kept,) = _uploads(settings)  # one copy left: the new one, which the stored result plays from
        assert kept != old and not old.exists()
        media = c.get(f"/api/v1/video/{again['video_id']}/media", headers={"Range": "bytes=0-3"})
        assert media.status_code == 206 and media.content == video.read_bytes()[:4]


def test_done_upload_is_kept(tmp_path: Path, fake_pipeline) -> None:  # noqa: F811
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as c:
        sub = _upload(c, make_video(tmp_path / "lesson.mp4"))
        assert _final(c, sub["job_id"])["state"] == "done"
    assert len(_uploads(settings)) == 1


def test_upload_of_a_job_whose_workers_kept_dying_is_removed(tmp_path: Path, fake_pipeline) -> None:  # noqa: F811
    from pausecode.store.jobs import JobRow

    settings = settings_for(tmp_path)
    queue = JobQueue(settings, FAST)
    with TestClient(create_app(settings, queue=queue)) as c:
        job_id = _upload(c, make_video(tmp_path / "lesson.mp4"))["job_id"]
    for _ in range(FAST.max_attempts):
        assert queue.jobs.claim(job_id, "dying")
        with queue.jobs._session() as s, s.begin():
            s.get(JobRow, job_id).heartbeat_at = time.time() - 100
        queue.requeue_stale()
    assert queue.jobs.get(job_id)["error"]["code"] == "worker_lost"
    assert _uploads(settings) == []


@pytest.mark.parametrize("kind", ["file", "upload"])
def test_a_users_own_file_is_never_removed(tmp_path: Path, fake_pipeline, monkeypatch, kind: str) -> None:  # noqa: F811
    """A local file processed by its path stays, whether the job fails or is cancelled, even if the job's kind
    says upload (only files in the data folder's uploads/ are ever removed)."""
    import pausecode.service

    def broken(*_a, **_k):
        raise CorruptVideoError("nothing could be decoded")

    monkeypatch.setattr(pausecode.service, "run_pipeline", broken)
    queue = JobQueue(settings_for(tmp_path), FAST)
    manager = JobManager(queue)
    mine = make_video(tmp_path / "mine" / "lesson.mp4")
    failed = manager.submit_file(str(mine), None, {}, kind=kind).job["job_id"]
    assert execute_job(queue, failed) == "failed"
    cancelled = manager.submit_file(str(mine), None, {}, kind=kind).job["job_id"]
    assert manager.cancel(cancelled)["state"] == "cancelled"
    consumer = InProcessConsumer(queue)
    consumer.start()
    consumer.stop()
    assert mine.exists() and mine.read_bytes()[:4]
