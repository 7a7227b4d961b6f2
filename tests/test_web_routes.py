"""Server routes the web player needs: deleting a video (keyed, no traversal), the favicon, local Pyodide."""

from __future__ import annotations

from pathlib import Path

from conftest_server import make_video, save_fake_result, settings_for
from fastapi.testclient import TestClient

from pausecode.server.app import create_app

KEY = {"X-API-Key": "route-key"}


def test_delete_video_needs_the_key_removes_result_exports_and_upload(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, api_key="route-key")
    upload_folder = settings.data_dir / "uploads" / ("a" * 32)
    video = make_video(upload_folder / "lesson.mp4")
    save_fake_result(settings, "vid_gone", path=video)
    save_fake_result(settings, "vid_kept", path=video)
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    export = settings.exports_dir / "vid_gone_timeline.md"
    export.write_text("timeline")
    with TestClient(create_app(settings)) as client:
        assert client.delete("/api/v1/video/vid_gone").status_code == 401
        assert client.delete("/api/v1/video/vid_gone", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get("/api/v1/video/vid_gone/code?timestamp=3", headers=KEY).json()["found"] is True

        r = client.delete("/api/v1/video/vid_gone", headers=KEY)
        assert r.status_code == 200 and r.json() == {"success": True, "video_id": "vid_gone", "deleted": True}
        assert client.get("/api/v1/video/vid_gone/code?timestamp=3", headers=KEY).status_code == 404
        assert [v["video_id"] for v in client.get("/api/v1/videos", headers=KEY).json()["videos"]] == ["vid_kept"]
        assert not export.exists() and not upload_folder.exists()
        assert client.delete("/api/v1/video/vid_gone", headers=KEY).status_code == 404


def test_delete_video_refuses_traversal_ids(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    with TestClient(create_app(settings)) as client:
        for bad in ("..", "..%2F..%2Fprecious.txt", "a.b", "%2e%2e"):
            r = client.delete(f"/api/v1/video/{bad}")
            assert r.status_code in (400, 404, 422), (bad, r.status_code)
            assert r.json()["success"] is False
    assert outside.read_text() == "keep me"


def test_delete_refuses_a_video_still_processing(tmp_path: Path) -> None:
    from pausecode.models import VideoInfo
    from pausecode.store.db import Store

    settings = settings_for(tmp_path)
    info = VideoInfo(video_id="vid_busy", path="", source="x", title="t", duration=6.0, width=1, height=1, fps=10)
    Store(settings.db_url).mark_processing(info)
    with TestClient(create_app(settings)) as client:
        assert client.delete("/api/v1/video/vid_busy").status_code == 409


def test_favicon_and_local_pyodide(tmp_path: Path) -> None:
    pyodide = tmp_path / "pyo"
    pyodide.mkdir()
    (pyodide / "pyodide.js").write_text("// stand-in")
    (pyodide / "pyodide.asm.wasm").write_bytes(b"\0asm")
    with TestClient(create_app(settings_for(tmp_path, pyodide_dir=pyodide))) as client:
        r = client.get("/favicon.ico")
        assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon" and r.content[:4] == b"\0\0\1\0"
        assert client.get("/vendor/pyodide/pyodide.js").text == "// stand-in"
        assert client.get("/vendor/pyodide/pyodide.asm.wasm").headers["content-type"] == "application/wasm"
        assert client.get("/vendor/pyodide/../../etc/passwd").status_code == 404
        csp = client.get("/static/run-worker.js").headers["content-security-policy"]
        assert "default-src 'none'" in csp and "connect-src http://testserver/vendor/pyodide/" in csp
    with TestClient(create_app(settings_for(tmp_path / "other"))) as client:  # not installed: a plain 404
        assert client.get("/vendor/pyodide/pyodide.js").status_code == 404


def test_offline_machine_asked_for_youtube_says_it_cannot_reach_the_site(tmp_path: Path, monkeypatch) -> None:
    import socket

    from pausecode.ingest.urls import has_network_route

    def offline(host: str, *args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")  # what an offline resolver says

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    with TestClient(create_app(settings_for(tmp_path))) as client:
        r = client.post("/api/v1/video/process", json={"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})
        body = r.json()
        assert r.status_code == 502 and body["error"] == "download_failed", body
        said = body["message"] + " " + (body.get("hint") or "")
        assert "cannot reach www.youtube.com" in body["message"] and "offline" in said, body
        assert "does not exist" not in body["message"]
        if has_network_route():  # online, a name that does not resolve is the user's typo
            r = client.post("/api/v1/video/process", json={"url": "https://no-such-host.example/v.mp4"})
            assert r.status_code == 422, r.text
            assert "does not exist" in r.json()["message"]
