"""The job worker child of `pausecode serve` exits promptly after a graceful stop that follows a job with the
real default engine (it was seen alive > 15 s after logging "stopped", then killed).

The cause found: the interpreter's teardown after onnxruntime/OpenCV have run costs ~0.4 s of CPU, and the child
runs at nice +10, so on a loaded machine that teardown is starved for many seconds. The child now ends with
`os._exit` once it has stopped. The end-to-end test bounds the exit generously (it cannot create the CPU
contention that showed the delay, so it proves no hang, not the starvation); the unit test checks that the child
ends without the teardown and without losing buffered output.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from conftest_server import settings_for, wait_for

from pausecode.jobs import JobConfig, JobManager, JobQueue
from pausecode.jobs import worker_process
from pausecode.jobs.worker_process import WorkerProcess
from pausecode.settings import Settings

EXIT_BOUND_SECONDS = 20.0  # generous on 2 shared cores (~0.5 s idle), far below a hang
JOB_BOUND_SECONDS = 180.0  # a 3-s video with the real OCR engine, model loading included, on a busy machine


def _tiny_video(root: Path) -> Path:
    """A ~3-s generated recording: one line typed in an editor, 640x360 at 10 fps."""
    from pausecode.synth import generate
    from pausecode.synth.script import CaseSpec, Open, Pause, Type

    spec = CaseSpec(name="tiny_exit", steps=(Open("hi.py"), Type("print('hi')\n", typo_rate=0.0, think=0.0),
                                             Pause(1.0)), width=640, height=360, fps=10, typing_speed=3.0)
    return generate(spec, root) / "video.mp4"


def test_worker_child_exits_promptly_after_sigterm_following_a_real_job(tmp_path: Path) -> None:
    default_engine = Settings.model_fields["engine"].default
    assert default_engine == "rapidocr"
    settings = settings_for(tmp_path, engine=default_engine)
    queue = JobQueue(settings, JobConfig())
    video = _tiny_video(tmp_path / "synth")
    worker = WorkerProcess(settings)
    worker.start()
    try:
        pid = wait_for(lambda: worker.pid, 30, what="the worker process")
        sub = JobManager(queue).submit(kind="file", source=str(video), key="file:tiny", video_id=None, options={})
        job_id = sub.job["job_id"]
        job = wait_for(lambda: (j := queue.jobs.get(job_id))["state"] in ("done", "failed", "cancelled") and j,
                       JOB_BOUND_SECONDS, 0.2, what="the job")
        assert job["state"] == "done", job
        assert job["result"]["engine"] == default_engine and job["result"]["code_segments"] >= 1
        assert queue.jobs.internal(job_id).worker.split(":")[1] == str(pid)  # the child ran it
        started = time.monotonic()
        worker.stop(timeout=EXIT_BOUND_SECONDS)  # SIGTERM, then a kill only if the bound passes
        took = time.monotonic() - started
    finally:
        worker.stop(timeout=5)
    assert worker.exitcode == 0, f"the child did not stop by itself within {EXIT_BOUND_SECONDS}s (killed)"
    assert took < EXIT_BOUND_SECONDS
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_child_ends_without_interpreter_teardown_after_flushing(monkeypatch: pytest.MonkeyPatch) -> None:
    """After its graceful stop the child flushes logs and std streams, then `os._exit(0)`: no teardown."""
    events: list[str] = []

    class Stream(io.StringIO):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def flush(self) -> None:
            events.append(f"flush {self.name}")

    class Exited(Exception):
        pass

    def fake_exit(code: int) -> None:
        events.append(f"_exit {code}")
        raise Exited

    monkeypatch.setattr(worker_process.os, "nice", lambda n: 0)
    monkeypatch.setattr(worker_process.logging, "basicConfig", lambda **kw: None)
    monkeypatch.setattr(worker_process.logging, "shutdown", lambda: events.append("logging.shutdown"))
    monkeypatch.setattr(worker_process.sys, "stdout", Stream("stdout"))
    monkeypatch.setattr(worker_process.sys, "stderr", Stream("stderr"))
    monkeypatch.setattr(worker_process.os, "_exit", fake_exit)
    import pausecode.jobs.worker as worker_module

    monkeypatch.setattr(worker_module, "run_worker", lambda settings, workers: events.append("stopped"))
    with pytest.raises(Exited):
        worker_process._child_main(Settings(), 1, 10)
    assert events == ["stopped", "logging.shutdown", "flush stdout", "flush stderr", "_exit 0"]


def test_a_worker_stopped_while_starting_takes_nothing_from_the_queue(tmp_path, monkeypatch) -> None:
    import threading

    from pausecode.jobs import worker as worker_module
    from pausecode.settings import Settings

    started: list[bool] = []
    stop = threading.Event()
    stop.set()  # Ctrl-C arrived during start-up
    monkeypatch.setattr(worker_module.InProcessConsumer, "start", lambda self: started.append(True))
    worker_module.run_worker(Settings(data_dir=tmp_path, engine="null"), stop_event=stop)
    assert started == []
