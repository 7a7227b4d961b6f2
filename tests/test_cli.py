"""The `pausecode` command line, run in process (`cli.main`) plus one real subprocess.

Good paths on the processed synthetic sample; bad inputs must end with one clear `error: ...` line on stderr,
the documented exit code, no traceback, and nothing half-done left behind (no complete/partial row for the
input, no export files).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from pausecode.cli import main
from pausecode.errors import ExitCode, FrameRecognitionError
from pausecode.recognize import base as engine_base
from pausecode.recognize.base import FrameContext, Recognition, RecognitionEngine, register_engine
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings
from pausecode.store.db import Store

SUMMARY_KEYS = {"video_id", "title", "duration", "segments", "processing_time"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def assert_clean_error(rc: int, err: str, code: ExitCode) -> None:
    assert rc == int(code), (rc, err)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and len(lines[0]) > len("error: ") + 10, err
    assert "Traceback" not in err


def assert_nothing_left(data_dir: Path) -> None:
    """No result that reads as done, and no export files, for anything in this data folder."""
    exports = data_dir / "exports"
    assert not exports.exists() or not any(exports.iterdir()), list(exports.iterdir())
    db = data_dir / "pausecode.db"
    if db.exists():
        store = Store(f"sqlite:///{db.resolve()}")
        done = [v for v in store.list_videos() if v["status"] in ("complete", "partial")]
        assert not done, done


@pytest.fixture
def sample_args(processed_dark) -> tuple[str, list[str]]:
    """(video id, ["--data-dir", dir]) of the processed sample."""
    service, result, _ = processed_dark
    return result.video.video_id, ["--data-dir", str(service.settings.data_dir)]


# ---------------------------------------------------------------------------------------------- good paths


def test_module_help_in_a_subprocess(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pausecode", "--help"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    for cmd in ("process", "query", "segments", "timeline", "export", "videos"):
        assert cmd in proc.stdout


def test_process_json_cached(processed_dark, sample_args, capsys):
    vid, dd = sample_args
    _, result, _ = processed_dark
    rc, out, err = run(capsys, "process", result.video.path, "--json", *dd)
    assert rc == 0, err
    summary = json.loads(out)
    assert isinstance(summary, dict)
    assert SUMMARY_KEYS <= set(summary)
    assert summary["video_id"] == vid
    assert summary["cached"] is True
    assert summary["segments"] == len(result.segments)
    assert summary["duration"] == pytest.approx(processed_dark.truth["duration"], abs=0.1)


def test_process_json_fresh(synth_terminal, pc_env, capsys):
    rc, out, err = run(capsys, "process", str(synth_terminal.video), "--json", "--engine", "null",
                       "--interval", "1")
    assert rc == 0, err
    summary = json.loads(out)
    assert SUMMARY_KEYS <= set(summary)
    assert summary["cached"] is False and summary["engine"] == "null"
    assert summary["processing_time"] > 0
    assert summary["title"] == "video"
    exports = pc_env / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [f"{summary['video_id']}_extracted_code.py",
                                                         f"{summary['video_id']}_timeline.md"]
    rc, out, _ = run(capsys, "videos", "--json")
    assert rc == 0
    assert [(v["video_id"], v["status"]) for v in json.loads(out)] == [(summary["video_id"], "complete")]


def test_exports_setting_chooses_the_files_written_at_process_time(synth_terminal, pc_env, capsys, monkeypatch):
    monkeypatch.setenv("PAUSECODE_EXPORTS", "json,md,py")
    rc, out, err = run(capsys, "process", str(synth_terminal.video), "--json", "--engine", "null")
    assert rc == 0, err
    vid = json.loads(out)["video_id"]
    exports = pc_env / "exports"
    names = {f"{vid}_analysis.json", f"{vid}_timeline.md", f"{vid}_extracted_code.py"}
    assert {p.name for p in exports.iterdir()} == names
    full = json.loads((exports / f"{vid}_analysis.json").read_text(encoding="utf-8"))
    rc, out, _ = run(capsys, "export", vid, "--format", "json")
    assert rc == 0
    on_demand = json.loads(out)
    assert on_demand["summary"].pop("cached") is True and full["summary"].pop("cached") is False
    assert on_demand == full
    # a re-run with fewer exports removes the files it no longer writes: none outlives its result
    monkeypatch.setenv("PAUSECODE_EXPORTS", "md")
    rc, _, err = run(capsys, "process", str(synth_terminal.video), "--json", "--engine", "null", "--force")
    assert rc == 0, err
    assert {p.name for p in exports.iterdir()} == {f"{vid}_timeline.md"}
    monkeypatch.setenv("PAUSECODE_EXPORTS", "xml")
    rc, _, err = run(capsys, "videos")
    assert rc == int(ExitCode.USAGE) and "unknown export 'xml'" in err


def test_query(processed_dark, sample_args, capsys):
    vid, dd = sample_args
    truth = processed_dark.truth
    t_code = truth["samples"][-1]["t"]
    rc, out, err = run(capsys, "query", vid, str(t_code), *dd)
    assert rc == 0, err
    assert out.startswith("# [")
    rc, out, _ = run(capsys, "query", vid, str(t_code), "--json", *dd)
    res = json.loads(out)
    assert rc == 0 and res["found"] is True and res["segment_type"] == "code"
    rc, out, _ = run(capsys, "query", vid, "0:01", "--json", *dd)
    res = json.loads(out)
    assert rc == 0 and res["segment_type"] == "learning" and res["timestamp_requested"] == 1.0
    rc, out, _ = run(capsys, "query", vid, "0:01", *dd)
    assert "Learning" in out
    # far past the end: not found, a message naming the duration, its own exit code
    rc, out, err = run(capsys, "query", vid, "9999", *dd)
    assert rc == int(ExitCode.NO_SEGMENT)
    assert "past the end" in err and out == ""


def test_segments_filtered(processed_dark, sample_args, capsys):
    vid, dd = sample_args
    rc, out, err = run(capsys, "segments", vid, "--type", "code", "--min-confidence", "0.1", "--json", *dd)
    assert rc == 0, err
    data = json.loads(out)
    expected = [s for s in processed_dark.result.segments if s.segment_type == "code" and s.confidence >= 0.1]
    assert data and len(data) == len(expected)
    assert all(d["segment_type"] == "code" and d["confidence"] >= 0.1 for d in data)
    rc, out, _ = run(capsys, "segments", vid, "--min-confidence", "1.01", "--json", *dd)
    assert rc == 0 and json.loads(out) == []
    rc, out, _ = run(capsys, "segments", vid, *dd)
    assert rc == 0 and len(out.strip().splitlines()) == len(processed_dark.result.segments)


def test_timeline_to_file(sample_args, capsys, tmp_path):
    vid, dd = sample_args
    target = tmp_path / "sub" / "timeline.md"
    rc, out, err = run(capsys, "timeline", vid, "-o", str(target), *dd)
    assert rc == 0, err
    assert out.strip() == str(target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Code timeline") and "```" in text


@pytest.mark.parametrize("fmt", ["json", "md", "py"])
def test_export_formats(fmt, processed_dark, sample_args, capsys, tmp_path):
    vid, dd = sample_args
    rc, out, err = run(capsys, "export", vid, "--format", fmt, *dd)
    assert rc == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["summary"]["video_id"] == vid
        assert len(data["segments"]) == len(processed_dark.result.segments)
    elif fmt == "md":
        assert out.startswith("# Code timeline") and "```python" in out
    else:
        assert out.startswith("# Code extracted from") and vid in out.splitlines()[0]
    target = tmp_path / f"out.{fmt}"
    rc, _, _ = run(capsys, "export", vid, "--format", fmt, "-o", str(target), *dd)
    assert rc == 0 and target.read_text(encoding="utf-8") + "\n" == out


def test_videos_json(processed_dark, sample_args, capsys):
    vid, dd = sample_args
    rc, out, err = run(capsys, "videos", "--json", *dd)
    assert rc == 0, err
    vids = {v["video_id"]: v for v in json.loads(out)}
    assert vids[vid]["status"] == "complete"
    assert vids[vid]["segments"] == len(processed_dark.result.segments)


# ---------------------------------------------------------------------------------------------- bad inputs


def test_missing_file(pc_env, tmp_path, capsys):
    rc, _, err = run(capsys, "process", str(tmp_path / "nope.mp4"))
    assert_clean_error(rc, err, ExitCode.INPUT)
    assert "nope.mp4" in err
    assert_nothing_left(pc_env)


def test_text_file_named_mp4(pc_env, tmp_path, capsys):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 20)
    rc, _, err = run(capsys, "process", str(fake))
    assert_clean_error(rc, err, ExitCode.INPUT)
    assert "not a video" in err
    assert_nothing_left(pc_env)


def test_zero_length_file(pc_env, tmp_path, capsys):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    rc, _, err = run(capsys, "process", str(empty))
    assert_clean_error(rc, err, ExitCode.INPUT)
    assert "empty" in err
    assert_nothing_left(pc_env)


def _truncated_outcome(video: Path, data_dir: Path, rc: int, out: str, err: str) -> None:
    """A truncated video is either processed partially (exit PARTIAL, status `partial`) or refused as corrupt
    (exit INPUT, nothing stored); never `complete`."""
    store = Store(f"sqlite:///{(data_dir / 'pausecode.db').resolve()}")
    statuses = {v["status"] for v in store.list_videos()}
    if rc == int(ExitCode.PARTIAL):
        assert "warning:" in err and "decoded only until" in err
        assert statuses == {"partial"}
    else:
        assert_clean_error(rc, err, ExitCode.INPUT)
        assert "truncated" in err or "damaged" in err or "cannot be opened" in err
        assert_nothing_left(data_dir)
    assert "complete" not in statuses


def test_truncated_video(synth_dark, pc_env, tmp_path, capsys):
    data = synth_dark.video.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    rc, out, err = run(capsys, "process", str(cut), "-q", "--engine", "null")
    assert "Traceback" not in err
    _truncated_outcome(cut, pc_env, rc, out, err)


def _faststart_copy(src: Path, dst: Path) -> None:
    """Remux with the index (moov) first, as web downloads usually are: a cut copy then still opens."""
    with av.open(str(src)) as inp, av.open(str(dst), "w", options={"movflags": "faststart"}) as out:
        stream = inp.streams.video[0]
        ostream = out.add_stream_from_template(stream)
        for packet in inp.demux(stream):
            if packet.dts is None:
                continue
            packet.stream = ostream
            out.mux(packet)


def test_truncated_faststart_video_is_partial(synth_dark, pc_env, tmp_path, capsys):
    full = tmp_path / "faststart.mp4"
    _faststart_copy(synth_dark.video, full)
    data = full.read_bytes()
    cut = tmp_path / "cut_faststart.mp4"
    cut.write_bytes(data[: len(data) // 2])
    rc, out, err = run(capsys, "process", str(cut), "-q", "--engine", "null")
    assert "Traceback" not in err
    _truncated_outcome(cut, pc_env, rc, out, err)


@pytest.mark.parametrize("url", ["http://", "ftp://example.com/a.mp4", "http://127.0.0.1/x.mp4"])
def test_bad_urls_refused(url, pc_env, capsys):
    rc, _, err = run(capsys, "process", url)
    assert_clean_error(rc, err, ExitCode.SOURCE)
    assert_nothing_left(pc_env)
    assert not (pc_env / "videos").exists() or not any((pc_env / "videos").rglob("*.mp4"))


def test_unknown_video_id(pc_env, capsys):
    rc, out, err = run(capsys, "query", "nosuchvideo123", "3")
    assert_clean_error(rc, err, ExitCode.NOT_FOUND)
    assert "nosuchvideo123" in err
    assert out == ""


@pytest.mark.parametrize("stamp", ["-1", "abc", "nan", "1:-5", "1:75"])
def test_bad_timestamps(stamp, sample_args, capsys):
    vid, dd = sample_args
    rc, _, err = run(capsys, "query", vid, stamp, *dd)
    assert_clean_error(rc, err, ExitCode.USAGE)
    assert "timestamp" in err


def test_unknown_engine(synth_dark, pc_env, capsys):
    rc, _, err = run(capsys, "process", str(synth_dark.video), "--engine", "nosuch")
    assert_clean_error(rc, err, ExitCode.ENGINE)
    assert "nosuch" in err
    assert_nothing_left(pc_env)


def test_error_as_json(pc_env, tmp_path, capsys):
    rc, out, _ = run(capsys, "process", str(tmp_path / "nope.mp4"), "--json")
    assert rc == int(ExitCode.INPUT)
    body = json.loads(out)
    assert body["error"] == "file_not_found" and "nope.mp4" in body["message"]


# ---------------------------------------------------------------------------------------------- flaky engine


@pytest.fixture
def flaky_engine():
    """A registered engine that fails every 2nd frame with FrameRecognitionError, else reads fixed code."""
    calls = itertools.count(1)

    @register_engine
    class FlakyEngine(RecognitionEngine):
        name = "flaky"
        description = "test engine: fails on every 2nd frame"

        def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
            n = next(calls)
            if n % 2 == 0:
                raise FrameRecognitionError(f"flaky: frame {n} failed")
            return Recognition(segment_type="code", confidence=0.9, code_content=f"x = {n}\nprint(x)\n",
                               file_name="flaky.py")

    yield FlakyEngine
    engine_base._REGISTRY.pop("flaky", None)


def test_engine_failing_on_some_frames(flaky_engine, synth_dark, pc_env, capsys):
    service = PauseToCodeService(load_settings(data_dir=pc_env))
    result = service.process(str(synth_dark.video), engine="flaky")
    stats = result.stats
    assert stats.engine == "flaky"
    assert stats.frames_failed > 0
    assert stats.frames_recognized > 0
    assert stats.frames_failed in (stats.frames_recognized, stats.frames_recognized - 1)
    assert result.segments and all(s.segment_type == "code" for s in result.segments)
    for a, b in itertools.pairwise(result.segments):
        assert a.end <= b.start + 1e-6
    # skipped frames were guessed from their neighbours: stored as partial, never as complete (issue 9)
    assert service.store.status(result.video.video_id) == "partial"
    # and through the CLI: processing finishes with exit PARTIAL and the count
    rc, out, err = run(capsys, "process", str(synth_dark.video), "--engine", "flaky", "--force", "--json")
    assert rc == ExitCode.PARTIAL, err
    assert json.loads(out)["frames_failed"] > 0
    assert json.loads(out)["segments"] >= 1


@pytest.mark.parametrize(("raw", "origins"), [("https://a.example,https://b.example",
                                               ["https://a.example", "https://b.example"]),
                                              ('["https://a.example"]', ["https://a.example"])])
def test_cors_origins_from_environment(monkeypatch, raw, origins):
    from pausecode.settings import load_settings

    monkeypatch.setenv("PAUSECODE_CORS_ORIGINS", raw)
    assert load_settings().cors_origins == origins


def test_closed_pipe_prints_no_traceback(pc_env) -> None:  # noqa: ANN001
    """`pausecode engines | head -0`: the reader closes the pipe; the command ends quietly with 141."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "pausecode", "engines"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # nobody reads: the first write hits a closed pipe
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode in (0, 141)
