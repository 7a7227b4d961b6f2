"""Helpers for the API, job and web tests: tiny real videos, fabricated results, a controllable fake pipeline.

Import what you need: `from conftest_server import settings_for, make_video, ...`. Fixtures defined here are
pulled into a test module by importing them by name.

The fake pipeline stands in for the recognition pipeline where a test is about the job machinery (queueing,
progress, cancel, crash recovery), not about reading code: it sleeps through N steps, reports progress and obeys
`should_cancel`. Subprocess workers install it with `install_fake_pipeline()` before `run_worker`; its pace comes
from PAUSECODE_TEST_FAKE_STEPS / PAUSECODE_TEST_FAKE_SLEEP so a parent test can set it.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Self

import pytest

from pausecode.errors import CancelledError
from pausecode.models import ProcessingStats, Segment, VideoInfo, VideoResult
from pausecode.settings import Settings

TESTS_DIR = Path(__file__).resolve().parent
REPO = TESTS_DIR.parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"

CODE_A = "def greet(name):\n    return f'hello {name}'\n"
CODE_B = CODE_A + "\n\nprint(greet('world'))\n"


def settings_for(tmp: Path, **kw: Any) -> Settings:
    """Settings isolated in `tmp` (own data folder and database), null engine, no key, no CORS."""
    base: dict[str, Any] = {"data_dir": tmp / "data", "engine": "null", "api_key": None, "cors_origins": [],
                            "redis_url": None}
    base.update(kw)
    return Settings(**base)


def make_video(path: Path, seconds: float = 2.0, fps: int = 10, size: tuple[int, int] = (160, 120),
               codec: str = "libx264") -> Path:
    """Write a small real H.264 video whose frames change colour (so it decodes and plays anywhere)."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.time_base = Fraction(1, fps)
        for i in range(int(seconds * fps)):
            img = np.zeros((h, w, 3), np.uint8)
            img[:, :, 0] = (i * 9) % 256
            img[: h // 2, :, 1] = 200
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def sample_segments(duration: float = 6.0) -> list[Segment]:
    third = duration / 3
    return [
        Segment(0.0, third, "learning", learning_topic="Functions in Python", confidence=0.9),
        Segment(third, 2 * third, "code", code_content=CODE_A, confidence=0.95, language="python",
                code_complete=True, file_name="greet.py"),
        Segment(2 * third, duration, "code", code_content=CODE_B, confidence=0.97, language="python",
                code_complete=True, file_name="greet.py"),
    ]


def save_fake_result(settings: Settings, video_id: str = "vid_demo01", *, path: str | Path = "",
                     duration: float = 6.0, segments: list[Segment] | None = None, title: str = "Demo") -> VideoResult:
    """Store a processed video directly (no pipeline) and return it."""
    from pausecode.store.db import Store

    info = VideoInfo(video_id=video_id, path=str(path), source=str(path) or f"https://example.com/{video_id}",
                     title=title, duration=duration, width=160, height=120, fps=10.0, platform="local")
    result = VideoResult(video=info, segments=segments if segments is not None else sample_segments(duration),
                         stats=ProcessingStats(frames_decoded=60, states=3, engine="fake", processing_time=0.5))
    Store(settings.db_url).save_result(result)
    return result


# ---------------------------------------------------------------- fake pipeline
def fake_run_pipeline(info: VideoInfo, engine: Any, settings: Settings, progress: Callable | None = None,
                      should_cancel: Callable[[], bool] | None = None) -> tuple[list[Segment], ProcessingStats]:
    """Like the real pipeline: progress in seconds of video, ("recognize", t, duration), then ("segments", 1, 1)."""
    steps = int(os.environ.get("PAUSECODE_TEST_FAKE_STEPS", "10"))
    pause = float(os.environ.get("PAUSECODE_TEST_FAKE_SLEEP", "0.01"))
    dur = info.duration or 2.0
    for i in range(steps):
        if should_cancel is not None and should_cancel():
            raise CancelledError("processing cancelled")
        if progress is not None:
            progress("recognize", dur * i / steps, dur)
        time.sleep(pause)
    if progress is not None:
        progress("recognize", dur, dur)
        progress("segments", 1, 1)
    marker = os.environ.get("PAUSECODE_TEST_FAKE_MARKER")
    if marker:  # lets a test see which process finished the job
        with open(marker, "a") as f:
            f.write(f"{os.getpid()}\n")
    return sample_segments(dur), ProcessingStats(frames_decoded=steps, states=3, engine="fake")


def install_fake_pipeline() -> None:
    import pausecode.service

    pausecode.service.run_pipeline = fake_run_pipeline  # type: ignore[assignment]


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import pausecode.service

    monkeypatch.setattr(pausecode.service, "run_pipeline", fake_run_pipeline)
    yield


# ---------------------------------------------------------------- processes and ports
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(pred: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def worker_command(data_dir: Path, redis_url: str | None = None, fake: bool = True, workers: int = 1,
                   database_url: str | None = None) -> list[str]:
    """argv for a `pausecode worker`-equivalent subprocess (optionally with the fake pipeline)."""
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO);"
        f"sys.path.insert(0, {str(TESTS_DIR)!r});"
        + ("from conftest_server import install_fake_pipeline; install_fake_pipeline();" if fake else "")
        + "from pausecode.settings import Settings; from pausecode.jobs.worker import run_worker;"
        f"run_worker(Settings(data_dir={str(data_dir)!r}, engine='null', redis_url={redis_url!r},"
        f" database_url={database_url!r}), {workers})"
    )
    return [sys.executable, "-c", code]


# ---------------------------------------------------------------- truth engine (web end-to-end)
def install_truth_engine(truth_path: Path) -> str:
    """Register engine `truth`: reads each frame as the generated video's truth says (a recognition stand-in).

    The real pipeline (decode, change detection, segments, store) runs unchanged; only the reading is exact,
    so a web test checks the player, not OCR accuracy. Returns the engine name.
    """
    import json

    from pausecode.recognize.base import Recognition, RecognitionEngine, register_engine

    truth = json.loads(Path(truth_path).read_text())
    samples = sorted(truth["samples"], key=lambda s: s["t"])

    class TruthEngine(RecognitionEngine):
        name = "truth"
        description = "test stand-in: the generated video's truth"

        def recognize(self, frame, context):
            best = samples[0]
            for s in samples:
                if s["t"] <= context.t + 0.13:
                    best = s
                else:
                    break
            if best["type"] == "learning":
                return Recognition(segment_type="learning", confidence=0.99, learning_topic=best.get("topic"))
            return Recognition(segment_type="code", confidence=0.99, code_content=best.get("visible_code") or "",
                               language=truth.get("language", "python"), file_name=best.get("file"),
                               code_complete=None)

    register_engine(TruthEngine)
    return "truth"


class LiveServer:
    """uvicorn serving `app` on a free loopback port in a thread (lifespan on: in-process consumer runs)."""

    def __init__(self, app: Any) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        wait_for(lambda: self.server.started, 20, what="uvicorn to start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(20)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


# ---------------------------------------------------------------- redis
class RedisServer:
    """A throwaway `redis-server` on a loopback port, without persistence; can be killed and started again on
    the same port (it comes back empty, like a Redis restarted without persistence)."""

    def __init__(self, folder: Path) -> None:
        import shutil

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (CI installs it in .ci/run)")
        self.binary, self.folder = binary, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: Any = None

    def start(self) -> Self:
        import subprocess

        import redis

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _redis_answers(client), 10, what="redis-server to start")
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _redis_answers(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.kill()
