"""Fault injection (issue 9): an engine that raises, answers garbage or hangs on chosen reads.

The run always completes; the skipped reads are counted in the stored stats and the service result; a video
with skipped reads is stored as `partial` (never `complete`), and nothing a malformed answer said is stored.
The wrapped engine is the truth stand-in (`conftest_server.install_truth_engine`), so the runs are quick and
every difference comes from the injected faults.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import install_truth_engine
from fakes.faulty_engine import GARBAGE, GARBAGE_MARK, FaultLog, install_faulty_engine, uninstall_faulty_engine

from pausecode.cli import main
from pausecode.errors import ExitCode
from pausecode.models import SEGMENT_TYPES
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings

FAST_TIMEOUT = 0.2  # s: frame_timeout when a read hangs for good (every later read waits this long once)
HANG_TIMEOUT = 1.0  # s: frame_timeout when a hang ends by itself ...
HANG_END = 1.3  # s: ... this long after it began (0.3 s before the next read stops waiting for it)
MANY_READS_INTERVAL = 0.5  # s: frame_interval that gives more reads than kinds of garbage


@pytest.fixture
def faults(synth_dark) -> Iterator[list[FaultLog]]:
    install_truth_engine(synth_dark.folder / "truth.json")
    logs: list[FaultLog] = []
    yield logs
    for log in logs:
        uninstall_faulty_engine(log)


def service(data_dir: Path, **settings) -> PauseToCodeService:
    return PauseToCodeService(load_settings(data_dir=data_dir, **settings))


def stored_stats(svc: PauseToCodeService, video_id: str) -> dict:
    return svc.video_info(video_id)["stats"]


def test_engine_bugs_and_failures_skip_their_frames_and_mark_the_video_partial(faults, synth_dark, pc_env):
    faults.append(log := install_faulty_engine("truth", {2: "raise", 4: "fail"}))
    svc = service(pc_env)
    result = svc.process(str(synth_dark.video), engine="faulty")
    reads = len(log.reads)
    assert result.stats.frames_failed == 2 and result.stats.frames_recognized == reads - 2
    assert result.stats.partial and f"2 of {reads} frame reads failed" in result.stats.partial_reason
    vid = result.video.video_id
    assert svc.store.status(vid) == "partial"  # before: "complete"
    assert result.summary()["frames_failed"] == 2
    fresh = service(pc_env)  # what another process reads back from the store
    assert fresh.get_result(vid).stats.frames_failed == 2 and stored_stats(fresh, vid)["partial"] is True
    assert any(s.segment_type == "code" for s in result.segments)


def test_garbage_answers_are_counted_and_nothing_of_them_is_stored(faults, synth_dark, pc_env):
    faults.append(log := install_faulty_engine("truth", every_from=(2, "garbage")))
    svc = service(pc_env)
    result = svc.process(str(synth_dark.video), engine="faulty", frame_interval=MANY_READS_INTERVAL)
    served = log.count("garbage")
    assert served >= len(GARBAGE)  # every kind of malformed answer was tried
    assert result.stats.frames_invalid == served and result.stats.frames_failed == served
    assert result.stats.frames_recognized == 1 and result.stats.partial
    vid = result.video.video_id
    assert svc.store.status(vid) == "partial"
    for seg in service(pc_env).get_result(vid).segments:
        assert seg.segment_type in SEGMENT_TYPES
        assert math.isfinite(seg.confidence) and 0.0 <= seg.confidence <= 1.0
        assert GARBAGE_MARK not in (seg.code_content or "") and "x = 1" not in (seg.code_content or "")
    assert stored_stats(svc, vid)["frames_invalid"] == served


def test_a_read_that_never_ends_does_not_hold_the_run(faults, synth_dark, pc_env):
    """Read 3 hangs for good: it is abandoned after frame_timeout, the engine is not called again while it is
    stuck, every later frame is skipped (counted as timed out) and the run still ends and stores a result."""
    faults.append(log := install_faulty_engine("truth", {3: "hang"}))
    svc = service(pc_env, frame_timeout=FAST_TIMEOUT)
    result = svc.process(str(synth_dark.video), engine="faulty")
    assert [f for _, _, f in log.reads] == ["ok", "ok", "hang"]  # never called again while busy
    st = result.stats
    assert st.frames_recognized == 2 and st.frames_timed_out >= 1 and st.frames_failed == st.frames_timed_out
    assert "timed out" in st.partial_reason
    assert svc.store.status(result.video.video_id) == "partial"


def test_reads_resume_after_a_hang_ends(faults, synth_dark, pc_env):
    faults.append(log := install_faulty_engine("truth", {2: "hang"}, hang_seconds=HANG_END))
    svc = service(pc_env, frame_timeout=HANG_TIMEOUT)
    result = svc.process(str(synth_dark.video), engine="faulty")
    st = result.stats
    assert st.frames_timed_out >= 1
    assert log.count("ok") > 1 and st.frames_recognized == log.count("ok")  # reads after the hang were made
    assert svc.store.status(result.video.video_id) == "partial"


def test_cli_reports_skipped_frames_with_exit_partial(faults, synth_dark, pc_env, capsys):
    faults.append(install_faulty_engine("truth", {1: "raise", 3: "garbage"}))
    rc = main(["process", str(synth_dark.video), "--engine", "faulty"])
    out, err = capsys.readouterr()
    assert rc == ExitCode.PARTIAL, err
    warning = [ln for ln in err.splitlines() if ln.startswith("warning: ")]
    assert len(warning) == 1 and "2 of" in warning[0] and "(1 unusable)" in warning[0], err
    rc = main(["process", str(synth_dark.video), "--json"])  # the stored result, as a cache hit
    out, err = capsys.readouterr()
    assert rc == ExitCode.PARTIAL
    summary = json.loads(out)
    assert summary["cached"] is True and summary["partial"] is True and summary["frames_failed"] == 2
