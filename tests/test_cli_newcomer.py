"""The command line as a newcomer meets it in the first hour (issue 8): what each command shows, `--json`
everywhere or a clear refusal, a `.py` export that compiles, a clear past-the-end answer, read-only commands
that leave no trace, an honest engine list, and no traceback on a closed pipe or Ctrl+C for any command.

Most tests run `cli.main` in process on a stored, hand-made result (no video processing); the pipe and signal
tests run real subprocesses.
"""

from __future__ import annotations

import json
import os
import py_compile
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest_server import free_port, save_fake_result, settings_for, wait_for

from pausecode.cli import main
from pausecode.errors import ExitCode
from pausecode.jobs.worker import READY_MESSAGE
from pausecode.models import Segment

VID = "vid_newcomer1"
DURATION = 40.0

# A Python tutorial as the recogniser may read it: a slide, typing states, a shell screen, a REPL screen, a view
# scrolled into a block, a second file.
STATES = [
    Segment(0.0, 3.0, "learning", learning_topic="Functions", confidence=0.9),
    Segment(3.0, 5.0, "code", code_content="# utilities\ndef c:\n    t", confidence=0.6, language="python",
            file_name="util.py"),
    Segment(5.0, 9.0, "code", code_content="# utilities\ndef count(xs):\n    return len(xs)", confidence=0.9,
            language="python", file_name="util.py"),
    Segment(9.0, 12.0, "code", code_content="# utilities\ndef count(xs):\n    return len(xs)\n\nprint(count([1]))",
            confidence=0.9, language="python", file_name="util.py"),
    Segment(12.0, 15.0, "code", code_content="# utilities\ndef count(xs):\n    return 2 * len(xs)\n\n"
            "print(count([1]))", confidence=0.9, language="python", file_name="util.py"),
    Segment(15.0, 18.0, "code", code_content="dev@laptop:~$ python util.py\n2\ndev@laptop:~$ ", confidence=0.8,
            language=None, file_name=None),
    Segment(18.0, 22.0, "code", code_content=">>> from util import count\n>>> count([1, 2])\n4",
            confidence=0.8, language=None, file_name=None),
    Segment(22.0, 26.0, "learning", learning_topic="Scope", confidence=0.9),
    Segment(26.0, 30.0, "code", code_content="        return total\n    return inner", confidence=0.7,
            language="python", file_name="scope.py"),
    Segment(30.0, DURATION, "code", code_content="def outer():\n    total = 0\n    return total", confidence=0.95,
            language="python", file_name="scope.py"),
]


@pytest.fixture
def stored(pc_env: Path) -> list[str]:
    """`--data-dir` args of a data folder holding the hand-made Python tutorial result."""
    save_fake_result(settings_for(pc_env.parent, data_dir=pc_env), VID, duration=DURATION, segments=STATES,
                     title="Functions")
    return ["--data-dir", str(pc_env)]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------------------------------------- segments


def test_segments_show_the_changed_or_last_line_with_line_count_and_file(stored, capsys):
    rc, out, err = run(capsys, "segments", VID, *stored)
    assert rc == 0, err
    rows = out.splitlines()
    assert len(rows) == len(STATES)
    assert rows[0].endswith("Functions") and "learning" in rows[0]
    # first state of a scene: its last line; later ones: the line that changed or was added
    assert rows[1].endswith("util.py    3 lines  L3: t")
    assert rows[2].endswith("util.py    3 lines  L2: def count(xs):")
    assert rows[3].endswith("util.py    5 lines  L5: print(count([1]))")
    assert rows[4].endswith("util.py    5 lines  L3: return 2 * len(xs)")
    assert rows[5].endswith("-    3 lines  L3: dev@laptop:~$"), rows[5]
    assert rows[8].endswith("scope.py    2 lines  L2: return inner")
    # not the same first line over and over: every code row of this video names a different line
    shown = [r.split("  L", 1)[1] for r in rows if "  L" in r]
    assert len(set(shown)) == len(shown)


def test_segments_mark_an_unchanged_state_and_cut_long_lines(pc_env, capsys):
    long = "x = " + "1 + " * 40 + "1"
    segs = [Segment(0.0, 2.0, "code", code_content=long, confidence=0.9, language="python", file_name="a.py"),
            Segment(2.0, 4.0, "code", code_content=long, confidence=0.5, language="python", file_name="a.py")]
    save_fake_result(settings_for(pc_env.parent, data_dir=pc_env), VID, duration=4.0, segments=segs)
    rc, out, _ = run(capsys, "segments", VID)
    assert rc == 0
    first, second = out.splitlines()
    assert first.endswith("…") and len(first.split("L1: ")[1]) == 60
    assert second.endswith("(unchanged)")


# ------------------------------------------------------------------------------------------------- query


def test_query_past_the_end_names_the_duration_with_its_own_exit_code(stored, capsys):
    rc, out, err = run(capsys, "query", VID, "999", *stored)
    assert rc == int(ExitCode.NO_SEGMENT) and rc != int(ExitCode.NOT_FOUND)
    line = one_error_line(err)
    assert "past the end" in line and "00:40.00" in line and "40.0s" in line, line
    assert out == ""
    rc, out, err = run(capsys, "query", VID, "16:40", "--json", *stored)
    assert rc == int(ExitCode.NO_SEGMENT)
    res = json.loads(out)
    assert res["found"] is False and res["timestamp_requested"] == 1000.0 and "past the end" in res["message"]
    # inside the video it still answers
    rc, out, _ = run(capsys, "query", VID, "0:31", *stored)
    assert rc == 0 and "def outer():" in out


@pytest.mark.parametrize("stamp", ["1:75", "1:60", "0:60:00", "1:2:60"])
def test_query_rejects_minutes_or_seconds_of_60_and_more(stamp, stored, capsys):
    rc, _, err = run(capsys, "query", VID, stamp, *stored)
    assert rc == int(ExitCode.USAGE)
    assert "timestamp" in one_error_line(err)


# ------------------------------------------------------------------------------------------------- --json


@pytest.mark.parametrize("argv", [
    ["query", VID, "10"], ["segments", VID], ["timeline", VID], ["timeline", VID, "-o", "{tmp}/t.md"],
    ["export", VID, "--format", "py"], ["export", VID, "--format", "md"], ["export", VID, "--format", "json"],
    ["export", VID, "--format", "py", "-o", "{tmp}/c.py"], ["videos"], ["engines"],
], ids=lambda a: " ".join(a).replace("{tmp}/", ""))
def test_every_reading_command_honours_json(argv, stored, capsys, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    rc, out, err = run(capsys, *args, "--json", *stored)
    assert rc == 0, err
    doc = json.loads(out)  # the whole of stdout is one JSON document
    if args[0] in ("timeline", "export"):
        fmt = "md" if args[0] == "timeline" else args[args.index("--format") + 1]
        assert doc["video_id"] == VID and doc["format"] == fmt
        if "-o" in args:
            path = Path(args[args.index("-o") + 1])
            assert doc["path"] == str(path) and path.is_file() and "content" not in doc
        elif fmt == "json":
            assert len(doc["content"]["segments"]) == len(STATES)
        else:
            assert isinstance(doc["content"], str) and doc["content"].startswith("#")


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_commands_without_results_refuse_json_clearly(command, stored, capsys):
    rc, out, err = run(capsys, command, "--json", *stored)
    assert rc == int(ExitCode.USAGE)
    assert "--json" in one_error_line(err) and command in err
    assert json.loads(out)["error"] == "invalid_argument"


# ------------------------------------------------------------------------------------------------- .py export


def test_python_export_compiles_with_screens_and_fragments_as_comments(stored, capsys, tmp_path):
    rc, out, err = run(capsys, "export", VID, "--format", "py", *stored)
    assert rc == 0, err
    target = tmp_path / "extracted.py"
    target.write_text(out, encoding="utf-8")
    py_compile.compile(str(target), doraise=True)
    code_lines = [ln for ln in out.splitlines() if ln.strip() and not ln.startswith("#")]
    # valid states stay code
    assert "    return 2 * len(xs)" in code_lines and "def outer():" in code_lines
    # a shell screen, a REPL screen and a scrolled view are comments, each under its timestamp
    assert "# --- 00:15.00 (shell/REPL screen) ---" in out and "# dev@laptop:~$ python util.py" in out
    assert "# --- 00:18.00 (shell/REPL screen) ---" in out and "# >>> count([1, 2])" in out
    assert "# --- 00:26.00 scope.py (not valid Python on its own) ---" in out
    assert "#         return total" in out
    assert not any(">>>" in ln or "dev@laptop" in ln for ln in code_lines)


def test_python_export_of_a_processed_video_compiles(processed_dark, capsys, tmp_path):
    service, result, _ = processed_dark
    rc, out, err = run(capsys, "export", result.video.video_id, "--format", "py", "--data-dir",
                       str(service.settings.data_dir))
    assert rc == 0, err
    target = tmp_path / "processed.py"
    target.write_text(out, encoding="utf-8")
    py_compile.compile(str(target), doraise=True)
    assert any(ln.strip() and not ln.startswith("#") for ln in out.splitlines()), "some code kept as code"


# ------------------------------------------------------------------------------------------------- read-only


@pytest.mark.parametrize("argv", [["videos"], ["videos", "--json"], ["engines"], ["query", "abc", "3"],
                                  ["segments", "abc"], ["timeline", "abc"], ["export", "abc", "--format", "py"]],
                         ids=" ".join)
def test_read_only_commands_on_a_missing_data_folder_create_nothing(argv, tmp_path, capsys, monkeypatch):
    for key in list(os.environ):
        if key.startswith("PAUSECODE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no" / "such" / "folder"
    rc, out, err = run(capsys, *argv, "--data-dir", str(missing))
    assert not (tmp_path / "no").exists(), "a read-only command created the data folder"
    assert list(tmp_path.iterdir()) == [], list(tmp_path.iterdir())
    if argv[0] == "videos":
        assert rc == 0
        assert json.loads(out) == [] if "--json" in argv else f"nothing has been processed in {missing}" in out
    elif argv[0] == "engines":
        assert rc == 0 and "rapidocr" in out
    else:
        assert rc == int(ExitCode.NOT_FOUND)
        line = one_error_line(err)
        assert "'abc'" in line and f"nothing has been processed in {missing}" in line


# ------------------------------------------------------------------------------------------------- engines


def test_engines_show_default_offline_remote_and_why_not(capsys, monkeypatch, tmp_path):
    from pausecode.recognize.engines.ocr import tesseract

    for key in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "PAUSECODE_ENGINE",
                "PAUSECODE_OPENAI_BASE_URL", "PAUSECODE_HYBRID_VLM"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # no eng.traineddata here, nor anywhere else:
    monkeypatch.setattr(tesseract, "TESSDATA_CANDIDATES", ())
    rc, out, err = run(capsys, "engines")
    assert rc == 0, err
    rows = {ln.split()[0]: ln for ln in out.splitlines()}
    assert set(rows) >= {"rapidocr", "tesseract", "gemini", "openai", "hybrid", "null"}
    assert out.splitlines()[0].split()[:4] == ["rapidocr", "default", "offline", "available"]
    assert "unavailable: " in rows["tesseract"] and "language data eng not found" in rows["tesseract"]
    assert " offline " in rows["tesseract"] and "default" not in rows["tesseract"]
    for remote in ("gemini", "openai", "hybrid"):
        assert " remote " in rows[remote] and "unavailable: " in rows[remote], rows[remote]
    assert "no API key" in rows["gemini"] and "GEMINI_API_KEY" in rows["gemini"]
    assert rows["null"].split()[1:] == ["offline", "available"]

    monkeypatch.setenv("PAUSECODE_ENGINE", "null")
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-used")
    rc, out, _ = run(capsys, "engines", "--json")
    doc = {d["name"]: d for d in json.loads(out)}
    assert json.loads(out)[0]["name"] == "null" and doc["null"]["default"] is True
    assert doc["rapidocr"]["default"] is False
    from pausecode.engine_status import missing_package

    assert doc["gemini"]["available"] is (missing_package("gemini") is None)
    assert doc["gemini"]["offline"] is False and doc["tesseract"]["offline"] is True
    assert doc["tesseract"]["reason"].startswith("language data eng not found")


# ------------------------------------------------------------------------------------------------- pipes, Ctrl+C


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAUSECODE_")}
    env["PAUSECODE_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1] / "src"),
                                         env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("argv", [["segments", VID], ["timeline", VID], ["timeline", VID, "--json"],
                                  ["export", VID, "--format", "py"], ["export", VID, "--format", "md"],
                                  ["export", VID, "--format", "json"], ["query", VID, "10"], ["videos"],
                                  ["engines"]], ids=" ".join)
def test_closed_pipe_ends_quietly_for_every_command(argv, stored, pc_env):
    proc = subprocess.Popen([sys.executable, "-m", "pausecode", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(pc_env))
    proc.stdout.close()  # `| head -0`: the reader is gone before the first write
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Error" not in err, err
    assert proc.returncode == 141, (proc.returncode, err)


def test_ctrl_c_in_any_command_ends_quietly(stored, capsys, monkeypatch):
    from pausecode.service import PauseToCodeService

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(PauseToCodeService, "export", interrupted)
    rc, out, err = run(capsys, "export", VID, "--format", "py", *stored)
    assert rc == 130 and err.strip() == "interrupted" and out == ""


def _interrupt_when(proc: subprocess.Popen, ready) -> tuple[int, str]:  # noqa: ANN001
    try:
        wait_for(ready, timeout=120, what="the command to start")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err.decode()


def test_serve_stops_on_ctrl_c_without_a_traceback(pc_env):
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pausecode", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(pc_env))

    def healthy() -> bool:
        assert proc.poll() is None, proc.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    rc, err = _interrupt_when(proc, healthy)
    assert "Traceback" not in err, err
    assert rc in (0, 130), (rc, err)


def test_worker_stops_on_ctrl_c_without_a_traceback(pc_env):
    proc = subprocess.Popen([sys.executable, "-m", "pausecode", "worker", "-v"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(pc_env))
    started = time.monotonic()
    lines: list[bytes] = []

    def consuming() -> bool:  # the worker logs this line once its signal handlers are in place and it consumes
        assert proc.poll() is None and time.monotonic() - started < 120
        lines.append(proc.stderr.readline())
        return READY_MESSAGE.encode() in lines[-1]

    rc, err = _interrupt_when(proc, consuming)
    err = b"".join(lines).decode() + err
    assert "Traceback" not in err, err
    assert rc in (0, 130), (rc, err)
