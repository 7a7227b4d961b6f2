"""API key, CORS, signed media links, and HTTP Range on the media endpoint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import make_video, save_fake_result, settings_for
from fastapi.testclient import TestClient
from test_api import assert_error

from pausecode.server.app import create_app

KEY = "s3cret-key-for-tests"


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, api_key=KEY)
    video = make_video(tmp_path / "clip.mp4")
    save_fake_result(settings, "vid_k", path=video)
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.parametrize("url", ["/api/v1/videos", "/api/v1/stats", "/api/v1/video/vid_k/code?timestamp=1",
                                 "/api/v1/video/vid_k/segments", "/api/v1/video/vid_k/info",
                                 "/api/v1/video/vid_k/timeline", "/api/v1/video/vid_k/media",
                                 "/api/v1/video/vid_k/media-token",
                                 "/api/v1/jobs/0123456789abcdef0123456789abcdef"])
def test_every_api_call_needs_the_key(keyed: TestClient, url: str) -> None:
    r = keyed.get(url)
    assert_error(r, 401, "unauthorized")
    assert "bearer" in r.headers["www-authenticate"].lower()
    assert_error(keyed.get(url, headers={"X-API-Key": "wrong"}), 401, "unauthorized")
    ok = keyed.get(url, headers={"X-API-Key": KEY})
    assert ok.status_code in (200, 404), ok.text
    assert keyed.get(url, headers={"Authorization": f"Bearer {KEY}"}).status_code == ok.status_code


def test_posts_need_the_key_too(keyed: TestClient) -> None:
    assert_error(keyed.post("/api/v1/video/process", json={"url": "http://93.184.216.34/a.mp4"}), 401)
    assert_error(keyed.post("/api/v1/video/upload", files={"file": ("a.mp4", b"x")}), 401)
    assert_error(keyed.delete("/api/v1/jobs/0123456789abcdef0123456789abcdef"), 401)


def test_health_docs_and_player_are_open(keyed: TestClient) -> None:
    assert keyed.get("/health").status_code == 200
    assert keyed.get("/").status_code == 200
    assert keyed.get("/docs").status_code == 200
    assert keyed.get("/openapi.json").status_code == 200


def test_no_key_configured_means_open(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path))) as c:
        assert c.get("/api/v1/videos").status_code == 200


def test_media_token_opens_one_video_only(keyed: TestClient, tmp_path: Path) -> None:
    save_fake_result(keyed.app.state.settings, "vid_other", path=make_video(tmp_path / "o.mp4"))
    body = keyed.get("/api/v1/video/vid_k/media-token", headers={"X-API-Key": KEY}).json()
    assert body["token"] and KEY not in body["media_url"]
    r = keyed.get(body["media_url"])
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    assert_error(keyed.get(f"/api/v1/video/vid_other/media?token={body['token']}"), 401)
    assert_error(keyed.get("/api/v1/video/vid_k/media?token=123.abc"), 401)
    expired = "1000." + body["token"].split(".", 1)[1]
    assert_error(keyed.get(f"/api/v1/video/vid_k/media?token={expired}"), 401)


def test_access_log_redacts_tokens() -> None:
    from pausecode.server.app import _RedactTokens

    rec = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s"', ("1.2.3.4", "GET",
                            "/api/v1/video/v/media?token=123.abcdef&x=1"), None)
    _RedactTokens().filter(rec)
    assert "abcdef" not in rec.getMessage() and "token=***" in rec.getMessage()


def test_cors_from_settings(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, cors_origins=["https://learn.example"])
    with TestClient(create_app(settings)) as c:
        pre = c.options("/api/v1/videos", headers={"Origin": "https://learn.example",
                                                   "Access-Control-Request-Method": "GET",
                                                   "Access-Control-Request-Headers": "X-API-Key"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://learn.example"
        r = c.get("/api/v1/videos", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(settings_for(tmp_path / "b"))) as c:
        r = c.get("/api/v1/videos", headers={"Origin": "https://learn.example"})
        assert "access-control-allow-origin" not in r.headers


# ---------------------------------------------------------------- Range
@pytest.fixture
def media(tmp_path: Path) -> Iterator[tuple[TestClient, bytes]]:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4")
    save_fake_result(settings, "vid_m", path=video)
    with TestClient(create_app(settings)) as c:
        yield c, video.read_bytes()


def test_media_whole_file(media) -> None:
    c, data = media
    r = c.get("/api/v1/video/vid_m/media")
    assert r.status_code == 200 and r.content == data and r.headers["accept-ranges"] == "bytes"
    assert int(r.headers["content-length"]) == len(data)


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None), ("bytes=10-10", 10, 10),
    ("bytes=0-999999999", 0, None),
])
def test_media_ranges(media, header: str, first: int, last: int | None) -> None:
    c, data = media
    r = c.get("/api/v1/video/vid_m/media", headers={"Range": header})
    assert r.status_code == 206, r.text
    start = first if first >= 0 else len(data) + first
    end = (last if last is not None else len(data) - 1)
    assert r.content == data[start:end + 1]
    assert r.headers["content-range"] == f"bytes {start}-{end}/{len(data)}"


def test_media_unsatisfiable_range_is_416(media) -> None:
    c, data = media
    r = c.get("/api/v1/video/vid_m/media", headers={"Range": f"bytes={len(data) + 10}-"})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["content-range"] == f"bytes */{len(data)}"


def test_media_head_and_odd_ranges(media) -> None:
    c, data = media
    h = c.head("/api/v1/video/vid_m/media")
    assert h.status_code == 200 and int(h.headers["content-length"]) == len(data) and not h.content
    multi = c.get("/api/v1/video/vid_m/media", headers={"Range": "bytes=0-1,5-9"})
    assert multi.status_code == 200 and multi.content == data
    junk = c.get("/api/v1/video/vid_m/media", headers={"Range": "pages=1-2"})
    assert junk.status_code == 200


def test_media_missing_file_is_404(media, tmp_path: Path) -> None:
    c, _ = media
    save_fake_result(c.app.state.settings, "vid_gone", path=tmp_path / "deleted.mp4")
    assert_error(c.get("/api/v1/video/vid_gone/media"), 404, "video_not_found")
