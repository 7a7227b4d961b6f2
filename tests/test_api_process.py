"""POST /api/v1/video/process and /upload: queueing, joining a running job, cached answers, limits."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import make_video, save_fake_result, settings_for
from fastapi.testclient import TestClient
from test_api import assert_error

from pausecode.server.app import create_app

YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PUBLIC = "http://93.184.216.34/lesson.mp4"


@pytest.fixture(autouse=True)
def _public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network here: every host name resolves to a public documentation address."""
    from pausecode.ingest import urls

    real = urls.resolve_host

    def fake(host: str, port: int = 443):
        try:
            ipaddress.ip_address(host)
            return real(host, port)
        except ValueError:
            if host.endswith(".internal"):
                return [ipaddress.ip_address("10.1.2.3")]
            return [ipaddress.ip_address("93.184.216.34")]

    monkeypatch.setattr(urls, "resolve_host", fake)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path))) as c:
        yield c


def test_process_url_queues_a_job_with_links(client: TestClient) -> None:
    r = client.post("/api/v1/video/process", json={"youtube_url": YT, "frame_interval": 1.5})
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["success"] is True and body["status"] == "queued" and body["joined"] is False
    assert body["video_id"] == "dQw4w9WgXcQ" and len(body["job_id"]) == 32
    assert body["links"]["job"] == f"/api/v1/jobs/{body['job_id']}"
    assert body["links"]["code"].startswith("/api/v1/video/dQw4w9WgXcQ/code")
    assert r.headers["location"] == body["links"]["job"]
    job = client.get(body["links"]["job"]).json()
    assert job["state"] == "queued" and job["options"]["frame_interval"] == 1.5 and job["source"] == YT


def test_same_video_twice_joins_the_running_job(client: TestClient) -> None:
    first = client.post("/api/v1/video/process", json={"youtube_url": YT}).json()
    again = client.post("/api/v1/video/process", json={"url": "https://youtu.be/dQw4w9WgXcQ"})
    assert again.status_code == 202 and again.json()["job_id"] == first["job_id"] and again.json()["joined"]
    other = client.post("/api/v1/video/process", json={"url": PUBLIC}).json()
    assert other["job_id"] != first["job_id"] and other["video_id"] is None
    same_url = client.post("/api/v1/video/process", json={"url": PUBLIC}).json()
    assert same_url["job_id"] == other["job_id"] and same_url["joined"] is True


def test_cancelled_job_is_not_joined(client: TestClient) -> None:
    first = client.post("/api/v1/video/process", json={"youtube_url": YT}).json()
    assert client.delete(f"/api/v1/jobs/{first['job_id']}").json()["state"] == "cancelled"
    second = client.post("/api/v1/video/process", json={"youtube_url": YT}).json()
    assert second["job_id"] != first["job_id"] and second["joined"] is False


def test_already_processed_answers_at_once_unless_forced(client: TestClient) -> None:
    save_fake_result(client.app.state.settings, "dQw4w9WgXcQ", title="Never")
    r = client.post("/api/v1/video/process", json={"youtube_url": YT})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "completed" and body["job_id"] is None and body["cached"] is True
    assert body["video_id"] == "dQw4w9WgXcQ" and body["video_title"] == "Never" and body["total_segments"] == 3
    forced = client.post("/api/v1/video/process", json={"youtube_url": YT, "force_reprocess": True})
    assert forced.status_code == 202 and forced.json()["job_id"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 422, "invalid_argument"),
        ({"url": "file:///etc/passwd"}, 422, "unsupported_url"),
        ({"url": "/etc/passwd"}, 422, "unsupported_url"),
        ({"url": "ftp://93.184.216.34/a.mp4"}, 422, "unsupported_url"),
        ({"url": "http://127.0.0.1:8000/health"}, 403, "url_not_allowed"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, 403, "url_not_allowed"),
        ({"url": "http://[::1]/x.mp4"}, 403, "url_not_allowed"),
        ({"url": "http://db.internal/x.mp4"}, 403, "url_not_allowed"),
        ({"url": PUBLIC, "frame_interval": 0}, 422, "invalid_argument"),
        ({"url": PUBLIC, "engine": "no_such_engine"}, 422, "invalid_argument"),
        ({"url": PUBLIC, "engine": "../../x"}, 422, "invalid_argument"),
        ({"url": PUBLIC, "youtube_url": YT}, 422, "invalid_argument"),
    ],
)
def test_process_rejects_bad_requests(client: TestClient, payload: dict, status: int, code: str) -> None:
    assert_error(client.post("/api/v1/video/process", json=payload), status, code)
    assert client.app.state.pc.queue.jobs.counts()["queued"] == 0


def test_private_urls_allowed_by_setting(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, allow_private_urls=True))) as c:
        r = c.post("/api/v1/video/process", json={"url": "http://127.0.0.1:9/x.mp4"})
    assert r.status_code == 202


def test_malformed_json_body_is_422(client: TestClient) -> None:
    r = client.post("/api/v1/video/process", content=b"{not json", headers={"content-type": "application/json"})
    assert_error(r, 422, "invalid_argument")


# ---------------------------------------------------------------- upload
def test_upload_queues_job_with_content_id(client: TestClient, tmp_path: Path) -> None:
    from pausecode.ingest.ids import file_content_id

    video = make_video(tmp_path / "lesson one.mp4")
    with video.open("rb") as f:
        r = client.post("/api/v1/video/upload", files={"file": ("lesson one.mp4", f, "video/mp4")},
                        params={"frame_interval": 1})
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["video_id"] == file_content_id(video) and body["job_id"]
    row = client.app.state.pc.queue.jobs.internal(body["job_id"])
    stored = Path(row.source)
    assert stored.read_bytes() == video.read_bytes() and stored.name == "lesson one.mp4"
    assert stored.is_relative_to(client.app.state.settings.data_dir.resolve() / "uploads")
    assert row.options["frame_interval"] == 1.0


def test_same_upload_twice_joins_and_keeps_one_copy(client: TestClient, tmp_path: Path) -> None:
    video = make_video(tmp_path / "a.mp4")
    ids = [client.post("/api/v1/video/upload", files={"file": ("a.mp4", video.read_bytes())}).json()["job_id"]
           for _ in range(2)]
    assert ids[0] == ids[1]
    uploads = client.app.state.settings.data_dir / "uploads"
    assert len(list(uploads.iterdir())) == 1


def test_upload_over_the_size_limit_is_413_and_leaves_nothing(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, max_upload_mb=1))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("big.mp4", b"\0" * (3 * 1024 * 1024))})
        assert_error(r, 413, "too_large")
        uploads = c.app.state.settings.data_dir / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())


def test_upload_sink_stops_writing_at_the_limit(tmp_path: Path) -> None:
    from python_multipart.multipart import MultipartParser

    from pausecode.errors import TooLargeError
    from pausecode.server.upload import UploadSink

    sink = UploadSink(tmp_path / "up", limit=100_000)
    parser = MultipartParser(b"XyZ", sink.callbacks())
    parser.write(b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="../../x.mp4"\r\n\r\n')
    fed = 0
    with pytest.raises(TooLargeError):
        for _ in range(100):
            parser.write(b"\1" * 8192)
            fed += 8192
    sink.close()
    assert fed <= 100_000 and sink.path == tmp_path / "up" / "x.mp4"
    assert sink.partial_path.stat().st_size <= 100_000  # still a .part file: never completed


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ({"file": ("notes.mp4", b"this is not a video at all")}, 422, None),
        ({"file": ("empty.mp4", b"")}, 422, "invalid_argument"),
        ({"other": ("x.mp4", b"abc")}, 422, "invalid_argument"),
    ],
)
def test_upload_rejects_non_videos(client: TestClient, files: dict, status: int, code: str | None) -> None:
    body = assert_error(client.post("/api/v1/video/upload", files=files), status, code)
    assert body["error"] in ("not_a_video", "corrupt_video", "invalid_input", "empty_video", "invalid_argument")
    uploads = client.app.state.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_upload_needs_multipart(client: TestClient) -> None:
    assert_error(client.post("/api/v1/video/upload", content=b"raw", headers={"content-type": "video/mp4"}), 422)


def test_upload_longer_than_duration_limit_is_refused(tmp_path: Path) -> None:
    video = make_video(tmp_path / "long.mp4", seconds=3.0)
    with TestClient(create_app(settings_for(tmp_path, max_video_duration=1.0))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("long.mp4", video.read_bytes())})
    body = assert_error(r, 413, "too_large")
    assert "long" in body["message"] or "duration" in body["message"] or "limit" in body["message"]
