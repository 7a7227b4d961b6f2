"""REST API through an in-process client: every endpoint, the reference's field names, the one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import CODE_A, CODE_B, make_video, save_fake_result, settings_for
from fastapi.testclient import TestClient

from pausecode.server.app import create_app
from pausecode.settings import Settings

ERROR_KEYS = {"success", "status", "error", "message"}


def assert_error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == ERROR_KEYS, body
    assert body["success"] is False and body["status"] == status and body["message"]
    if code:
        assert body["error"] == code, body
    return body


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[TestClient, Settings, Path]]:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=2.0)
    save_fake_result(settings, "vid_demo01", path=video, duration=6.0)
    with TestClient(create_app(settings)) as client:
        yield client, settings, video


def test_health_reports_store_and_queue(env) -> None:
    client, _, _ = env
    body = client.get("/health").json()
    assert body["status"] == "healthy" and body["store"] is True and body["queue"] is True
    assert {"service", "version", "timestamp"} <= set(body)


def test_code_at_timestamp_has_reference_fields(env) -> None:
    client, _, _ = env
    body = client.get("/api/v1/video/vid_demo01/code", params={"timestamp": "3"}).json()
    for key in ("success", "found", "timestamp_requested", "timestamp_actual", "time_difference", "segment_type",
                "code_content", "message", "learning_topic", "confidence", "language", "code_complete",
                "segment_start", "segment_end", "file_name"):
        assert key in body, key
    assert body["found"] is True and body["segment_type"] == "code" and body["code_content"] == CODE_A
    assert body["segment_start"] == 2.0 and body["segment_end"] == 4.0
    later = client.get("/api/v1/video/vid_demo01/code", params={"timestamp": "0:05"}).json()
    assert later["code_content"] == CODE_B and later["timestamp_requested"] == 5.0


def test_code_in_learning_segment_gives_topic(env) -> None:
    client, _, _ = env
    body = client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 1}).json()
    assert body["segment_type"] == "learning" and body["code_content"] is None
    assert body["learning_topic"] == "Functions in Python" and "Functions in Python" in body["message"]


def test_code_outside_tolerance_is_not_found(env) -> None:
    client, _, _ = env
    body = client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 20, "tolerance": 1}).json()
    assert body["found"] is False and body["code_content"] is None
    near = client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 6.5, "tolerance": 1}).json()
    assert near["found"] is True and near["code_content"] == CODE_B


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/video/vid_demo01/code?timestamp=-1", 422, "invalid_timestamp"),
        ("/api/v1/video/vid_demo01/code?timestamp=abc", 422, "invalid_timestamp"),
        ("/api/v1/video/vid_demo01/code", 422, "invalid_argument"),
        ("/api/v1/video/vid_demo01/code?timestamp=1&tolerance=-2", 422, "invalid_argument"),
        ("/api/v1/video/unknown_id/code?timestamp=1", 404, "video_not_found"),
        ("/api/v1/video/bad.id/code?timestamp=1", 422, "invalid_argument"),
        ("/api/v1/video/..%2F..%2Fetc/info", 404, None),
        ("/api/v1/video/vid_demo01/segments?type=slides", 422, "invalid_argument"),
        ("/api/v1/video/vid_demo01/segments?min_confidence=2", 422, "invalid_argument"),
        ("/api/v1/video/unknown_id/segments", 404, "video_not_found"),
        ("/api/v1/video/unknown_id/timeline", 404, "video_not_found"),
        ("/api/v1/video/unknown_id/info", 404, "video_not_found"),
        ("/api/v1/video/unknown_id/media", 404, "video_not_found"),
        ("/api/v1/jobs/0123456789abcdef0123456789abcdef", 404, "job_not_found"),
        ("/api/v1/jobs/not-a-job", 422, "invalid_argument"),
        ("/no/such/endpoint", 404, "not_found"),
    ],
)
def test_errors_share_one_shape(env, url: str, status: int, code: str | None) -> None:
    client, _, _ = env
    assert_error(client.get(url), status, code)


def test_wrong_method_is_405_in_error_shape(env) -> None:
    client, _, _ = env
    assert_error(client.put("/api/v1/videos"), 405, "method_not_allowed")
    assert_error(client.delete("/health"), 405, "method_not_allowed")


def test_unexpected_exception_is_500_without_details(tmp_path: Path, monkeypatch) -> None:
    settings = settings_for(tmp_path)
    save_fake_result(settings, "vid_x")
    app = create_app(settings)

    def boom(*_a, **_k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.state.pc.service, "get_segments", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = assert_error(client.get("/api/v1/video/vid_x/segments"), 500, "internal_error")
    assert "secret" not in body["message"]


def test_segments_filters(env) -> None:
    client, _, _ = env
    body = client.get("/api/v1/video/vid_demo01/segments").json()
    assert body["success"] is True and body["video_id"] == "vid_demo01" and body["total_segments"] == 3
    assert [s["segment_type"] for s in body["segments"]] == ["learning", "code", "code"]
    second = body["segments"][1]
    assert second["timestamp"] == second["start"] == 2.0 and second["frame_number"] == 20  # 10 fps
    code = client.get("/api/v1/video/vid_demo01/segments", params={"type": "code", "min_confidence": 0.96}).json()
    assert code["total_segments"] == 1 and code["segments"][0]["code_content"] == CODE_B


def test_timeline_is_markdown_download(env) -> None:
    client, _, _ = env
    r = client.get("/api/v1/video/vid_demo01/timeline")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert 'attachment; filename="code_timeline_vid_demo01.md"' == r.headers["content-disposition"]
    assert "def greet(name):" in r.text and r.text.startswith("# Code timeline")


def test_info_and_videos_use_reference_names(env) -> None:
    client, _, _ = env
    info = client.get("/api/v1/video/vid_demo01/info").json()
    assert info["video_title"] == "Demo" and info["duration"] == 6.0 and info["total_segments"] == 3
    assert info["total_frames_analyzed"] == 60 and info["extraction_date"] and "metadata" in info
    assert info["metadata"]["source"] is None  # a server-side path is never disclosed
    videos = client.get("/api/v1/videos").json()
    assert videos["total_videos"] == 1
    v = videos["videos"][0]
    assert v["video_id"] == "vid_demo01" and v["video_title"] == "Demo" and v["total_segments"] == 3


def test_videos_hides_incomplete_unless_asked(env) -> None:
    client, settings, _ = env
    from pausecode.models import VideoInfo
    from pausecode.store.db import Store

    Store(settings.db_url).mark_processing(VideoInfo(video_id="half_done", path="", source="x", title="Half"))
    ids = [v["video_id"] for v in client.get("/api/v1/videos").json()["videos"]]
    assert ids == ["vid_demo01"]
    body = client.get("/api/v1/videos", params={"include_incomplete": True}).json()
    assert {v["video_id"]: v["status"] for v in body["videos"]} == {"vid_demo01": "complete",
                                                                     "half_done": "processing"}
    assert_error(client.get("/api/v1/video/half_done/code", params={"timestamp": 1}), 404, "video_not_found")


def test_stats_counts_requests(env) -> None:
    client, _, _ = env
    for _ in range(3):
        client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 1})
    body = client.get("/api/v1/stats").json()
    assert body["total_requests"] >= 3 and body["total_videos_processed"] == 1
    assert body["recent_requests"][-1]["endpoint"] == "/api/v1/video/vid_demo01/code"
    assert body["cache_size_mb"] >= 0 and set(body["jobs"]) >= {"queued", "running", "done"}


def test_index_refreshes_after_another_process_rewrites_a_video(env, monkeypatch) -> None:
    client, settings, _ = env
    import pausecode.server.state as state_mod
    from pausecode.models import Segment

    monkeypatch.setattr(state_mod, "FRESHNESS_SECONDS", 0.0)
    assert client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 3}).json()["code_content"] == CODE_A
    save_fake_result(settings, "vid_demo01", segments=[Segment(0, 6, "code", code_content="x = 1\n")])
    assert client.get("/api/v1/video/vid_demo01/code", params={"timestamp": 3}).json()["code_content"] == "x = 1\n"


def test_root_serves_player_and_docs_exist(env) -> None:
    client, _, _ = env
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"] and "pausecode" in r.text
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    for path in ("/api/v1/video/process", "/api/v1/video/upload", "/api/v1/jobs/{job_id}",
                 "/api/v1/video/{video_id}/code", "/api/v1/video/{video_id}/media", "/api/v1/stats"):
        assert path in schema["paths"], path


@pytest.mark.parametrize("key", [None, "k3y"])
def test_code_fast_path_answers_exactly_like_the_fastapi_route(tmp_path: Path, key: str | None) -> None:
    settings = settings_for(tmp_path, api_key=key)
    save_fake_result(settings, "vid_demo01")
    queries = ["timestamp=3", "timestamp=0:05&tolerance=0", "timestamp=20&tolerance=1", "timestamp=6.5",
               "timestamp=1", "timestamp=-1", "timestamp=abc", "", "timestamp=1&tolerance=nan",
               "timestamp=1&tolerance=-1", "timestamp=1&tolerance=1e9", "timestamp=" + "9" * 70]
    heads = [{}, {"X-API-Key": "k3y"}, {"Authorization": "Bearer k3y"}, {"X-API-Key": "nope"}]
    fast_app, slow_app = create_app(settings), create_app(settings, fast_path=False)
    with TestClient(fast_app) as fast, TestClient(slow_app) as slow:
        for vid in ("vid_demo01", "unknown", "bad.id"):
            for q in queries:
                for h in heads:
                    url = f"/api/v1/video/{vid}/code?{q}"
                    a, b = fast.get(url, headers=h), slow.get(url, headers=h)
                    assert (a.status_code, a.json()) == (b.status_code, b.json()), (url, h)
    hits = fast_app.state.pc.requests.total
    assert hits == len(queries) * len(heads) * 3  # the fast path is still counted in /stats


def test_code_fast_path_takes_well_formed_queries_only(tmp_path: Path) -> None:
    from pausecode.server.fastpath import FastCodePath

    settings = settings_for(tmp_path, api_key="k3y")
    save_fake_result(settings, "vid_demo01")
    fp = FastCodePath(None, create_app(settings).state.pc)

    def scope(path: str = "/api/v1/video/vid_demo01/code", qs: bytes = b"timestamp=3", key: bytes = b"k3y") -> dict:
        return {"path": path, "query_string": qs, "headers": [(b"x-api-key", key)]}

    assert b'"code_content":"def greet' in fp._answer(scope())
    assert fp._answer(scope(key=b"bad")) is None
    assert fp._answer(scope(qs=b"t=3")) is None
    assert fp._answer(scope(qs=b"timestamp=-3")) is None
    assert fp._answer(scope(path="/api/v1/video/unknown/code")) is None
    assert fp._answer(scope(path="/api/v1/video/a.b/code")) is None


def test_health_degraded_when_the_queue_does_not_answer(env, monkeypatch) -> None:
    client, _, _ = env
    monkeypatch.setattr(client.app.state.pc.queue.huey, "pending_count", lambda: 1 / 0)
    body = client.get("/health").json()
    assert body["status"] == "degraded" and body["queue"] is False and body["store"] is True


def test_jobs_list_and_media_token_without_key(env) -> None:
    client, _, video = env
    r = client.post("/api/v1/video/upload", files={"file": ("clip.mp4", video.read_bytes())})
    jobs = client.get("/api/v1/jobs", params={"limit": 5}).json()
    assert jobs["total_jobs"] == 1 and jobs["jobs"][0]["job_id"] == r.json()["job_id"]
    assert jobs["jobs"][0]["links"]["job"] == f"/api/v1/jobs/{r.json()['job_id']}"
    assert_error(client.get("/api/v1/jobs", params={"limit": 0}), 422, "invalid_argument")
    token = client.get("/api/v1/video/vid_demo01/media-token").json()
    assert token["token"] is None and token["media_url"] == "/api/v1/video/vid_demo01/media"
    assert_error(client.get("/api/v1/video/unknown/media-token"), 404, "video_not_found")
