"""Load benchmark: GET /api/v1/video/{id}/code at random timestamps, 100 connections, loopback, 30 s.

    python bench/load/run_load.py                       # wrk if installed, else the Python client
    python bench/load/run_load.py --workers 2 --duration 30 --connections 100 --write bench/load_results.md

It makes its own data folder with one processed video (a fabricated 1-hour tutorial: 1,800 segments of typical
size), starts `uvicorn --factory pausecode.server.app:app_factory` with N worker processes on 127.0.0.1, and
drives it with `wrk` (Debian package; C, so the client costs little CPU) or, without wrk, an asyncio+httpx
client. Only loopback traffic; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
VIDEO_ID = "load_demo_1h"
DURATION = 3600.0


def make_data(data_dir: Path, segments: int = 1800) -> None:
    from pausecode.models import ProcessingStats, Segment, VideoInfo, VideoResult
    from pausecode.settings import Settings
    from pausecode.store.db import Store

    rng = random.Random(7)
    lines = [f"    value_{i} = compute(item, {i})  # step {i}" for i in range(40)]
    segs, t = [], 0.0
    step = DURATION / segments
    for i in range(segments):
        if i % 12 == 0:
            segs.append(Segment(t, t + step, "learning", learning_topic=f"Topic {i // 12}", confidence=0.9))
        else:
            n = rng.randint(5, 40)
            code = "def handler(item):\n" + "\n".join(lines[:n]) + "\n    return value_0\n"
            segs.append(Segment(t, t + step, "code", code_content=code, confidence=0.95, language="python",
                                code_complete=True, file_name="handler.py"))
        t += step
    info = VideoInfo(video_id=VIDEO_ID, path="", source="https://example.com/tutorial", title="Load test tutorial",
                     duration=DURATION, width=1280, height=720, fps=30.0, platform="generic")
    Store(Settings(data_dir=data_dir).db_url).save_result(
        VideoResult(video=info, segments=segs, stats=ProcessingStats(engine="fabricated")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, workers: int, fast_path: bool = True) -> subprocess.Popen:
    env = {**os.environ, "PAUSECODE_DATA_DIR": str(data_dir), "PAUSECODE_FAST_PATH": "1" if fast_path else "0"}
    env.pop("PAUSECODE_API_KEY", None)
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "pausecode.server.app:app_factory", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    for opt, mod in (("--loop", "uvloop"), ("--http", "httptools")):
        try:
            __import__(mod)
            cmd += [opt, mod]
        except ImportError:
            pass
    proc = subprocess.Popen(cmd, env=env)
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/video/{VIDEO_ID}/code?timestamp=1") as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        raise SystemExit("server did not start")
    # warm every worker's index (each process loads the video once)
    for _ in range(workers * 20):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/video/{VIDEO_ID}/code?timestamp=5").read()
    return proc


def run_wrk(port: int, connections: int, seconds: int, threads: int) -> dict:
    script = HERE / "random_code.lua"
    env = {**os.environ, "PAUSECODE_VIDEO_ID": VIDEO_ID, "PAUSECODE_DURATION": str(DURATION)}
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         "-s", str(script), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout
    return parse_wrk(out) | {"client": f"wrk -t{threads} -c{connections}", "raw": out}


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    res: dict = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
        res[f"p{pct}_ms"] = _ms(*m.groups()) if m else None
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = sum(map(int, m.groups())) if m else 0
    res["errors"] = res["non_2xx"] + res["socket_errors"]
    return res


def run_python_client(port: int, connections: int, seconds: int) -> dict:
    from py_client import run  # type: ignore[import-not-found]

    return run(port, VIDEO_ID, DURATION, connections, seconds)


def write_results(path: Path, runs: list[dict], args: argparse.Namespace) -> None:
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Load benchmark: `GET /api/v1/video/{id}/code` at random timestamps",
        "",
        (f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} with `python bench/load/run_load.py` on "
         f"{os.cpu_count()} CPU cores ({cpu}), Python {platform.python_version()}; server and client on the same "
         "machine over 127.0.0.1. Video: a fabricated 1-hour tutorial with 1,800 segments (code of 6-42 lines)."),
        (f"{args.connections} concurrent connections for {args.duration} s per run; every response checked for "
         "2xx. Target: p99 <= 20 ms and >= 2,000 requests/s with zero errors."),
        "",
        "The load average (1 min) before and after each run shows how busy the machine was with other work.",
        "",
        ("| uvicorn workers | handler | client | requests/s | p50 ms | p90 ms | p99 ms | requests | errors "
         "| load avg before/after | target met |"),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        met = r["rps"] >= 2000 and (r["p99_ms"] or 1e9) <= 20 and r["errors"] == 0
        lines.append(
            f"| {r['workers']} | {r['path']} | {r['client']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['requests']} | {r['errors']} | {r['load_before']:.1f} / {r['load_after']:.1f} "
            f"| {'yes' if met else 'no'} |"
        )
    lines += ["", "Raw client output of the last run:", "", "```", runs[-1].get("raw", "").strip(), "```", ""]
    path.write_text("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn worker counts to try")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves a core to the server on 2 cores)")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--write", type=Path, help="write a markdown report here")
    ap.add_argument("--compare-fastapi", action="store_true",
                    help="also run each worker count with the lookup fast path off (plain FastAPI route)")
    args = ap.parse_args()
    args.duration = max(1, min(args.duration, 300))
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    sys.path.insert(0, str(HERE))
    runs = []
    with tempfile.TemporaryDirectory(prefix="pausecode-load-") as tmp:
        data = Path(tmp) / "data"
        make_data(data)
        plan = [(w, True) for w in args.workers]
        if args.compare_fastapi:
            plan += [(w, False) for w in args.workers]
        for workers, fast in plan:
            port = free_port()
            load_before = os.getloadavg()[0]
            server = start_server(data, port, workers, fast)
            try:
                if client == "wrk":
                    res = run_wrk(port, args.connections, args.duration, args.threads)
                else:
                    res = run_python_client(port, args.connections, args.duration)
            finally:
                server.terminate()
                server.wait(20)
            res["workers"] = workers
            res["path"] = "fast path" if fast else "FastAPI route"
            res["load_before"], res["load_after"] = load_before, os.getloadavg()[0]
            runs.append(res)
            print(json.dumps({k: v for k, v in res.items() if k != "raw"}))
    if args.write:
        write_results(args.write, runs, args)


if __name__ == "__main__":
    main()
