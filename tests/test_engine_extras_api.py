"""Asking for an engine whose optional package is missing names its one extra, on every path (issue 8): the REST
API refuses it before anything is queued (503, one line, the same words as the CLI), and a job that reaches a
worker without the package fails with that line, not a hint naming both extras.

"Missing" is simulated the way Python sees an absent package: `sys.modules[name] = None` makes `import name`
raise ImportError and `find_spec(name)` answer None, and the engine's module is forgotten so it is imported again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import make_video, settings_for
from fastapi.testclient import TestClient
from test_api import assert_error

from pausecode.jobs import JobConfig, JobManager, JobQueue
from pausecode.jobs.tasks import execute_job
from pausecode.recognize import base
from pausecode.server.app import create_app

# engine -> (the package it imports, the module defining it, the extra that brings the package)
ENGINES = {
    "openai": ("openai", "pausecode.recognize.engines.vlm.openai_compat", "vlm"),
    "tesseract": ("tesserocr", "pausecode.recognize.engines.ocr.tesseract", "tesseract"),
}
PUBLIC = "http://93.184.216.34/lesson.mp4"  # an address literal: no DNS needed


def _without_package(monkeypatch: pytest.MonkeyPatch, engine: str) -> str:
    package, module, extra = ENGINES[engine]
    monkeypatch.setitem(sys.modules, package, None)
    monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.delitem(base._REGISTRY, engine, raising=False)
    return extra


def _names_only(message: str, extra: str) -> None:
    assert f"pip install 'pausecode[{extra}]'" in message, message
    other = {"vlm": "tesseract", "tesseract": "vlm"}[extra]
    assert f"pausecode[{other}]" not in message, message
    assert "\n" not in message and "Traceback" not in message


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path))) as c:
        yield c


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_api_url_job_with_a_missing_engine_package_names_its_extra(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    extra = _without_package(monkeypatch, engine)
    r = client.post("/api/v1/video/process", json={"url": PUBLIC, "engine": engine})
    body = assert_error(r, 503, "engine_unavailable")
    _names_only(body["message"], extra)
    assert client.get("/api/v1/jobs").json()["total_jobs"] == 0  # nothing queued that could only fail


def test_api_upload_with_a_missing_engine_package_names_its_extra_and_keeps_nothing(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    extra = _without_package(monkeypatch, "openai")
    video = make_video(tmp_path / "lesson.mp4")
    r = client.post("/api/v1/video/upload", params={"engine": "openai"},
                    files={"file": (video.name, video.read_bytes())})
    _names_only(assert_error(r, 503, "engine_unavailable")["message"], extra)
    assert not any((tmp_path / "data" / "uploads").glob("*/*"))


def test_api_default_engine_with_a_missing_package_names_its_extra(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = _without_package(monkeypatch, "tesseract")
    with TestClient(create_app(settings_for(tmp_path, engine="tesseract"))) as c:  # the server's own default
        r = c.post("/api/v1/video/process", json={"url": PUBLIC})
    _names_only(assert_error(r, 503, "engine_unavailable")["message"], extra)


def test_job_reaching_a_worker_without_the_package_fails_naming_its_extra(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API machine has the package, the worker machine does not: the job's error names the one extra."""
    settings = settings_for(tmp_path)
    queue = JobQueue(settings, JobConfig())
    video = make_video(tmp_path / "lesson.mp4")
    sub = JobManager(queue).submit(kind="file", source=str(video), key="file:lesson", video_id=None,
                                   options={"engine": "openai"})
    extra = _without_package(monkeypatch, "openai")
    assert execute_job(queue, sub.job["job_id"]) == "failed"
    error = queue.jobs.get(sub.job["job_id"])["error"]  # what GET /api/v1/jobs/{id} answers
    assert error["code"] == "engine_unavailable"
    _names_only(error["message"], extra)
