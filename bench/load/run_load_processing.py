"""Load benchmark while a job runs: are lookups still fast when the server processes a video itself?

    python bench/load/run_load_processing.py --duration 15 --write bench/load_results.md

One uvicorn process as `pausecode serve` runs it, with its job worker either as threads inside the API process
(`thread`, how `serve` ran before) or as a child process at nice +10 (`process`, how it runs now). For each:
`GET /api/v1/video/{id}/code` at random timestamps with N connections, once idle and once while a generated
tutorial video is being processed with the default engine (a forced re-upload; the job is cancelled after the
run). Every run records whether the job was still running when the load ended, and the machine's load average.
With --write, the figures replace the section between the markers below in the given markdown file (the rest of
the file is kept). Loopback only; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run_load  # noqa: E402  (the idle benchmark's data, client and wrk parsing)

BEGIN, END = "<!-- load-while-processing -->", "<!-- /load-while-processing -->"
JOB_CASE = "short_file_switch"  # 20.6 s generated tutorial: two files, typing, tab switches
TARGET_P99_MS = 30.0  # the target at 100 connections on 2 cores, idle and while a job runs

_LAUNCH = """
import sys, uvicorn
from pausecode.settings import load_settings
from pausecode.server.app import create_app
app = create_app(load_settings(), run_consumer=True, consumer_process=sys.argv[2] == "process")
kw = {}
for opt, mod in (("loop", "uvloop"), ("http", "httptools")):
    try:
        __import__(mod); kw[opt] = mod
    except ImportError:
        pass
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False, **kw)
"""


def start_serve(data_dir: Path, port: int, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PAUSECODE_DATA_DIR": str(data_dir), "PAUSECODE_ENGINE": "rapidocr"}
    env.pop("PAUSECODE_API_KEY", None)
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(port), mode], env=env)
    url = f"http://127.0.0.1:{port}/api/v1/video/{run_load.VIDEO_ID}/code?timestamp=5"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise SystemExit("server did not start")
    for _ in range(50):  # warm the index
        urllib.request.urlopen(url).read()
    return proc


def _json(method: str, url: str, data: bytes | None = None, headers: dict | None = None) -> dict:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def upload(port: int, video: Path) -> dict:
    boundary = "pausecodeloadbench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{video.name}\"\r\n"
            "Content-Type: video/mp4\r\n\r\n").encode() + video.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return _json("POST", f"http://127.0.0.1:{port}/api/v1/video/upload?force_reprocess=true", body,
                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def job(port: int, job_id: str) -> dict:
    return _json("GET", f"http://127.0.0.1:{port}/api/v1/jobs/{job_id}")


def measure(port: int, args: argparse.Namespace) -> dict:
    if args.client == "wrk":
        return run_load.run_wrk(port, args.connections, args.duration, args.threads)
    return run_load.run_python_client(port, args.connections, args.duration)


def during_job(port: int, video: Path, args: argparse.Namespace) -> dict:
    job_id = upload(port, video)["job_id"]
    deadline = time.monotonic() + 120
    while (j := job(port, job_id))["stage"] != "recognize" and j["state"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise SystemExit(f"job did not reach recognition: {j}")
        time.sleep(0.2)
    before = j["percent"]
    res = measure(port, args)
    after = job(port, job_id)
    res["job"] = (f"{after['state']}, {before:.0f}% -> {after['percent']:.0f}% during the run"
                  if after["state"] == "running" else f"ended ({after['state']}) before the run did")
    if after["state"] in ("queued", "running"):
        _json("DELETE", f"http://127.0.0.1:{port}/api/v1/jobs/{job_id}")
        deadline = time.monotonic() + 60
        while job(port, job_id)["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
    return res


def write_section(path: Path, runs: list[dict], args: argparse.Namespace) -> None:
    lines = [
        BEGIN,
        "## Lookups while a job runs (`bench/load/run_load_processing.py`)",
        "",
        (f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {os.cpu_count()} CPU cores "
         f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, one uvicorn "
         "process as `pausecode serve` runs it; server and client on the same machine over 127.0.0.1. "
         f"Lookups on the fabricated 1-hour video; the job processes the generated `{JOB_CASE}` tutorial "
         f"(20.6 s, 1280x720) with the default engine. {args.connections} connections, {args.duration} s per run. "
         f"Target: p99 <= {TARGET_P99_MS:.0f} ms idle and while a job runs."),
        "",
        ("**This machine is shared** (other engineers' tests and builds ran at the same time): the load average "
         "columns show how busy it was; figures from a quiet machine would be lower."),
        "",
        "| job worker | lookups | client | requests/s | p50 ms | p90 ms | p99 ms | errors | job during the run "
        "| load avg before/after | p99 target met |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        met = (r["p99_ms"] or 1e9) <= TARGET_P99_MS and r["errors"] == 0
        lines.append(
            f"| {r['mode']} | {r['when']} | {r['client']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} "
            f"| {r['p99_ms']:.2f} | {r['errors']} | {r.get('job', '-')} | {r['load_before']:.1f} / "
            f"{r['load_after']:.1f} | {'yes' if met else 'no'} |")
    lines += ["", ("`thread`: the job worker as threads inside the API process (how `serve` ran before); "
                   "`process`: a child worker process at nice +10 (how `serve` runs now)."), END]
    section = "\n".join(lines)
    text = path.read_text() if path.exists() else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modes", nargs="+", choices=["thread", "process"], default=["thread", "process"])
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves a core to the server on 2 cores)")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--write", type=Path, help="put the figures in this markdown file (its own section)")
    args = ap.parse_args()
    args.duration = max(1, min(args.duration, 120))
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    runs = []
    with tempfile.TemporaryDirectory(prefix="pausecode-load-job-") as tmp:
        data = Path(tmp) / "data"
        run_load.make_data(data)
        from pausecode.synth import generate

        video = generate(JOB_CASE, Path(tmp) / "synth") / "video.mp4"
        for mode in args.modes:
            port = run_load.free_port()
            server = start_serve(data, port, mode)
            try:
                for when in ("idle", "while a job runs"):
                    load_before = os.getloadavg()[0]
                    res = measure(port, args) if when == "idle" else during_job(port, video, args)
                    res.update(mode=mode, when=when, load_before=load_before, load_after=os.getloadavg()[0])
                    runs.append(res)
                    print(json.dumps({k: v for k, v in res.items() if k != "raw"}), flush=True)
            finally:
                server.terminate()
                server.wait(30)
    if args.write:
        write_section(args.write, runs, args)


if __name__ == "__main__":
    main()
