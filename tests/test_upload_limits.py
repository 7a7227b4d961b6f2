"""Uploads on the server: a stalled body times out, a full disk is a 507, a disconnect is quiet and leaves
nothing, partial files are swept at start-up and periodically, and a long name keeps its extension."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import namedtuple
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from conftest_server import free_port, make_video, settings_for, wait_for
from fastapi.testclient import TestClient
from test_api import assert_error

import pausecode
from pausecode.server import upload as upload_mod
from pausecode.server.app import create_app
from pausecode.server.upload import (
    MAX_NAME_LEN,
    PART_SUFFIX,
    safe_filename,
    sweep_partial_uploads,
    sweep_uploads_periodically,
)

BOUNDARY = b"XyZ"
HEAD = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="lesson.mp4"\r\n\r\n'
SAFETY_TIMEOUT = 30.0  # seconds: only so that a regression fails instead of hanging the suite


def uploads_left(data_dir: Path) -> list[str]:
    uploads = data_dir / "uploads"
    return sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*")) if uploads.exists() else []


async def call_upload(app, receive: Callable[[], Awaitable[dict]]) -> tuple[int, bytes]:
    """One raw ASGI upload request (so the body can stall or the client vanish), the app's answer."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/api/v1/video/upload", "raw_path": b"/api/v1/video/upload", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5555), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"test"), (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)],
    }
    status, body = 0, b""

    async def send(message: dict) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    await asyncio.wait_for(app(scope, receive, send), SAFETY_TIMEOUT)
    return status, body


def scripted(*messages: dict, then_hang: bool = False) -> Callable[[], Awaitable[dict]]:
    queue = list(messages)

    async def receive() -> dict:
        if queue:
            return queue.pop(0)
        if then_hang:
            await asyncio.Event().wait()  # a client that keeps the connection open and sends nothing
        return {"type": "http.disconnect"}

    return receive


def test_stalled_upload_body_times_out_with_408_and_leaves_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, upload_body_timeout=0.2, upload_min_free_mb=0)
    app = create_app(settings)
    receive = scripted({"type": "http.request", "body": HEAD + b"\0" * 1000, "more_body": True}, then_hang=True)
    status, body = asyncio.run(call_upload(app, receive))
    assert status == 408, body
    assert b'"error":"request_timeout"' in body and b'"success":false' in body
    assert uploads_left(settings.data_dir) == []


def test_client_disconnect_is_one_quiet_line_and_leaves_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path, upload_min_free_mb=0)
    app = create_app(settings)
    receive = scripted({"type": "http.request", "body": HEAD + b"\0" * 5000, "more_body": True})
    with caplog.at_level(logging.DEBUG):
        asyncio.run(call_upload(app, receive))
    ours = [r for r in caplog.records if r.name.startswith("pausecode")]
    assert not any(r.exc_info for r in ours), "no traceback for a client that went away"
    assert not any(r.levelno >= logging.ERROR for r in ours)
    lines = [r for r in ours if "disconnect" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno in (logging.INFO, logging.WARNING)
    assert uploads_left(settings.data_dir) == []


def test_upload_refused_with_507_when_the_disk_is_nearly_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = namedtuple("usage", "total used free")
    nearly_full = usage(10 << 30, (10 << 30) - (100 << 20), 100 << 20)  # 100 MB free
    monkeypatch.setattr(upload_mod.shutil, "disk_usage", lambda p: nearly_full)
    with TestClient(create_app(settings_for(tmp_path, upload_min_free_mb=512))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("a.mp4", b"\0" * 1000)})
        body = assert_error(r, 507, "insufficient_storage")
        assert "100 MB free" in body["message"]
    assert uploads_left(tmp_path / "data") == []


def test_upload_is_accepted_when_there_is_room(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.mp4")
    with TestClient(create_app(settings_for(tmp_path, upload_min_free_mb=0))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("clip.mp4", video.read_bytes())})
        assert r.status_code == 202, r.text
    names = uploads_left(tmp_path / "data")
    assert any(n.endswith("/clip.mp4") for n in names) and not any(n.endswith(PART_SUFFIX) for n in names)


# ---------------------------------------------------------------------------------------------- sweeping


def _aged(path: Path, seconds: float) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def _make_uploads(uploads: Path) -> dict[str, Path]:
    """An old partial file, a fresh partial file, an old complete upload, an old empty upload folder."""
    made: dict[str, Path] = {}
    for name, file, age in (("old", "x.mp4.part", 7200), ("fresh", "y.mp4.part", 5), ("done", "z.mp4", 7200)):
        folder = uploads / name
        folder.mkdir(parents=True)
        (folder / file).write_bytes(b"\0" * 10)
        made[name] = _aged(folder / file, age)
        _aged(folder, age)
    (uploads / "empty").mkdir()
    made["empty"] = _aged(uploads / "empty", 7200)
    return made


def test_sweep_removes_only_old_partial_uploads(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    made = _make_uploads(uploads)
    removed = sweep_partial_uploads(uploads, max_age=3600)
    assert not made["old"].exists() and not made["old"].parent.exists()
    assert not made["empty"].exists()
    assert made["fresh"].exists()  # may still be arriving
    assert made["done"].exists()  # a complete upload: a job may be reading it
    assert set(removed) == {made["old"], made["old"].parent, made["empty"]}


def test_partial_uploads_are_swept_at_start_up(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, upload_part_max_age=3600)
    made = _make_uploads(settings.data_dir / "uploads")
    with TestClient(create_app(settings)) as c:
        assert c.get("/health").status_code == 200
        assert not made["old"].exists() and made["fresh"].exists() and made["done"].exists()


def test_partial_uploads_are_swept_periodically(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    async def run() -> None:
        task = asyncio.create_task(sweep_uploads_periodically(uploads, max_age=3600, interval=0.05))
        try:
            (uploads / "late").mkdir()
            late = uploads / "late" / "v.mp4.part"
            late.write_bytes(b"\0")
            _aged(late, 7200)  # as if left by a server killed long ago, after the start-up sweep
            for _ in range(int(SAFETY_TIMEOUT / 0.05)):
                if not late.exists():
                    break
                await asyncio.sleep(0.05)
            assert not late.exists()
        finally:
            task.cancel()

    asyncio.run(run())


# ---------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected_suffix"),
    [("a" * 300 + ".mp4", ".mp4"), ("lesson " * 40 + ".webm", ".webm"), ("x" * 200, ""),
     ("clip.mp4.part", "_part")],
)
def test_long_upload_name_keeps_its_extension(raw: str, expected_suffix: str) -> None:
    name = safe_filename(raw)
    assert len(name) <= MAX_NAME_LEN
    assert name.endswith(expected_suffix) and not name.endswith(PART_SUFFIX)


def test_long_upload_name_is_stored_with_its_extension(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.mp4")
    with TestClient(create_app(settings_for(tmp_path, upload_min_free_mb=0))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("v" * 250 + ".mp4", video.read_bytes())})
        assert r.status_code == 202, r.text
    assert [n for n in uploads_left(tmp_path / "data") if n.endswith(".mp4")]



def test_sigkill_mid_upload_leaves_only_a_part_file_that_start_up_sweeps(tmp_path: Path) -> None:
    """A real server killed while receiving: what it leaves is `*.part`, and the next start removes it."""
    data_dir = tmp_path / "data"
    port = free_port()
    code = (
        "import uvicorn; from pausecode.server.app import create_app; from pausecode.settings import Settings;"
        f"uvicorn.run(create_app(Settings(data_dir={str(data_dir)!r}, engine='null', upload_min_free_mb=0)),"
        f" host='127.0.0.1', port={port}, log_level='warning')"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(pausecode.__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        wait_for(lambda: _port_open(port), timeout=SAFETY_TIMEOUT, what="the server to listen")
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"POST /api/v1/video/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n"
                      b"Content-Type: multipart/form-data; boundary=XyZ\r\n\r\n" + HEAD + b"\0" * 200_000)
            uploads = data_dir / "uploads"
            wait_for(lambda: [p for p in uploads.rglob(f"*{PART_SUFFIX}") if p.stat().st_size > 0],
                     timeout=SAFETY_TIMEOUT, what="the partial upload on disk")
            proc.send_signal(signal.SIGKILL)
            proc.wait(SAFETY_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(SAFETY_TIMEOUT)
    left = uploads_left(data_dir)
    assert [n for n in left if n.endswith(PART_SUFFIX)] and not [n for n in left if n.endswith(".mp4")]
    for part in (data_dir / "uploads").rglob(f"*{PART_SUFFIX}"):
        _aged(part, 7200)  # as if the server stayed down for two hours
    with TestClient(create_app(settings_for(tmp_path, upload_part_max_age=3600))) as c:
        assert c.get("/health").status_code == 200
    assert uploads_left(data_dir) == []


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
