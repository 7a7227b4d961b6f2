"""Short windows of the real recordings, both splits: cut them, run a source tree on them, compare two runs.

A whole-corpus run takes ~50 quiet minutes; a change is first measured here, on 26 windows of <= 30 s chosen
where each family's hard moments are (typing from an empty file, a program taking the shell's screen, scrolls,
slides). A change is kept only if no window gets worse, on either split.

usage:
  python bench/windows.py cut OUTDIR [--extra DIR ...]        # ffmpeg -ss START -t DUR, crf 18, truth shifted
  python bench/windows.py run OUTDIR SRC LOG [--only NAME ...] # SRC: a source tree (SRC/src on PYTHONPATH)
  python bench/windows.py compare BEFORE.log AFTER.log
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_CASES = ROOT.parent / "shared" / "bench" / "cases"
SCORE = ROOT.parent / "shared" / "bench" / "score.py"
WINDOW_SECONDS = 30.0
METRICS = ("type_acc", "char_acc", "exact_line", "indent_acc", "usable")

# name: (case, start s, split)
WINDOWS: dict[str, tuple[str, float, str]] = {
    "tl295": ("dev_terminal_light_720p", 295, "held-out"),
    "tl250": ("dev_terminal_light_720p", 250, "held-out"),
    "tl15": ("dev_terminal_light_720p", 15, "held-out"),
    "td95": ("held_terminal_dark_1080p", 95, "held-out"),
    "td14": ("held_terminal_dark_1080p", 14, "held-out"),
    "tv60": ("terminal_vim_repl_720p", 60, "held-out"),
    "tv15": ("terminal_vim_repl_720p", 15, "held-out"),
    "em75": ("held_emacs_light_720p", 75, "held-out"),
    "em15": ("held_emacs_light_720p", 15, "held-out"),
    "nd18": ("held_nano_dark_720p", 18, "held-out"),
    "th100": ("dev_thonny_alt_720p", 100, "held-out"),
    "th10": ("dev_thonny_alt_720p", 10, "held-out"),
    "mi8": ("held_micro_light_720p", 8, "held-out"),
    "mi28": ("held_micro_light_720p", 28, "held-out"),
    "ov185": ("dev_overlay_720p", 185, "tuning"),
    "ov225": ("dev_overlay_720p", 224, "tuning"),
    "md60": ("monaco_dark_720p", 60, "tuning"),
    "ml160": ("dev_monaco_light_720p", 160, "tuning"),
    "jl100": ("dev_jupyterlab_dark_720p", 100, "tuning"),
    "jl45": ("dev_jupyterlab_dark_720p", 45, "tuning"),
    "mh60": ("dev_monaco_hc_1080p_scroll", 60, "tuning"),
    "jl170": ("dev_jupyterlab_dark_720p", 170, "tuning"),
    "md10": ("monaco_dark_720p", 10, "tuning"),
    "ml8": ("dev_monaco_light_720p", 8, "tuning"),
    "ov5": ("dev_overlay_720p", 5, "tuning"),
    "jl8": ("dev_jupyterlab_dark_720p", 8, "tuning"),
}


def _case_dir(case: str, extra: list[Path]) -> Path | None:
    for d in [SHARED_CASES, *extra]:
        if (d / case / "truth.json").exists():
            return d / case
    return None


def shifted_truth(truth: dict, start: float, dur: float) -> dict:
    """The truth of [start, start + dur), on the window's own clock."""
    keep = lambda t: start <= t < start + dur  # noqa: E731
    out = dict(truth)
    out["duration"] = dur
    out["samples"] = [{**s, "t": round(s["t"] - start, 6)} for s in truth["samples"] if keep(s["t"])]
    out["events"] = [{**e, "t": round(e["t"] - start, 6)} for e in truth.get("events", []) if keep(e["t"])]
    return out


def cut(out: Path, extra: list[Path]) -> None:
    for name, (case, start, _) in WINDOWS.items():
        src = _case_dir(case, extra)
        if src is None:
            print(f"{name}: case {case} not found, skipped", file=sys.stderr)
            continue
        truth = json.loads((src / "truth.json").read_text())
        dur = min(WINDOW_SECONDS, truth["duration"] - start)
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        if not (d / "video.mp4").exists():
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-ss", str(start), "-i", str(src / truth["video"]),
                            "-t", str(dur), "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "-an",
                            str(d / "video.mp4")], check=True)
        t = shifted_truth(truth, start, dur)
        t["case"] = name
        (d / "truth.json").write_text(json.dumps(t))
        print(f"{name}: {case} {start}-{start + dur} s")


def run(out: Path, src: Path, log: Path, only: list[str] | None) -> None:
    env = {**os.environ, "PYTHONPATH": str(src / "src")}
    work = log.with_suffix(".d")
    work.mkdir(parents=True, exist_ok=True)
    with log.open("w") as f:
        for name in WINDOWS:
            if (only and name not in only) or not (out / name / "video.mp4").exists():
                continue
            pred = work / f"{name}.json"
            p = subprocess.run([sys.executable, str(src / "bench" / "predict.py"), str(out / name / "video.mp4"),
                                str(out / name / "truth.json"), str(pred), "--data-dir", str(work / "data")],
                               env=env, capture_output=True, text=True)
            if p.returncode:
                print(f"{name}: predict failed\n{p.stderr[-2000:]}", file=sys.stderr)
                continue
            info = json.loads(p.stdout.strip().splitlines()[-1])
            s = subprocess.run([sys.executable, str(SCORE), str(out / name / "truth.json"), str(pred)],
                               capture_output=True, text=True, check=True)
            m = json.loads(s.stdout.strip().splitlines()[-1])["metrics"][0]
            row = {"window": name, "split": WINDOWS[name][2], **{k: m[k] for k in METRICS},
                   "ratio": round(info["ratio"], 3)}
            f.write(json.dumps(row) + "\n")
            f.flush()
            print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{v}" for k, v in row.items()))


def compare(before: Path, after: Path) -> int:
    load = lambda p: {r["window"]: r for r in map(json.loads, filter(None, p.read_text().splitlines()))}  # noqa: E731
    a, b = load(before), load(after)
    worse = 0
    for name in WINDOWS:
        if name not in a or name not in b:
            continue
        cells, flag = [], ""
        for k in METRICS:
            x, y = a[name][k], b[name][k]
            if x is None or y is None:
                cells.append(f"{k[:5]} -")
                continue
            cells.append(f"{k[:5]} {x:.3f}" + ("" if abs(x - y) < 5e-4 else f"->{y:.3f}"))
            if y < x - 5e-4:
                flag = "  WORSE"
        worse += bool(flag)
        print(f"{name:<6} {a[name]['split']:<8} " + " | ".join(cells) + flag)
    print(f"{worse} window(s) worse")
    return 1 if worse else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cut")
    c.add_argument("out", type=Path)
    c.add_argument("--extra", nargs="*", type=Path, default=[])
    r = sub.add_parser("run")
    r.add_argument("out", type=Path)
    r.add_argument("src", type=Path)
    r.add_argument("log", type=Path)
    r.add_argument("--only", nargs="*")
    m = sub.add_parser("compare")
    m.add_argument("before", type=Path)
    m.add_argument("after", type=Path)
    a = ap.parse_args()
    if a.cmd == "cut":
        cut(a.out, a.extra)
    elif a.cmd == "run":
        run(a.out, a.src.resolve(), a.log, a.only)
    else:
        return compare(a.before, a.after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
