"""Whole-frame reading accuracy on settled frames: the recogniser alone, without timing.

For each case, code samples whose truth is the same a moment before and after (`SETTLED_S`) are taken every
`--step` seconds; each frame is read whole (no previous reading) and compared with its truth. This isolates
layout + reading from the timeline (states, typing, segments), so a change to recognition is measured on many
cases in minutes instead of a full benchmark run.

usage: python bench/settled.py [--step S] [--only NAME ...] [--extra DIR ...] [--out FILE.json]
Prints one line per case: frames, mean char accuracy, exact rate, and the split (tuning / held-out).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pausecode.frames.reader import DecodeReport, iter_frames
from pausecode.recognize.base import FrameContext, get_engine
from pausecode.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run_bench import HELD_OUT_FAMILIES, SHARED, family  # noqa: E402

SETTLED_S = 0.5  # truth unchanged this long before and after: the screen is not mid-keystroke or mid-scroll


def settled_samples(truth: dict, step: float) -> list[dict]:
    samples = truth["samples"]
    by_t = {round(s["t"], 2): s for s in samples}
    out, next_t = [], 0.0
    for s in samples:
        if s["t"] < next_t or s["type"] != "code" or s.get("near_boundary"):
            continue
        before, after = by_t.get(round(s["t"] - SETTLED_S, 2)), by_t.get(round(s["t"] + SETTLED_S, 2))
        if before is None or after is None:
            continue
        if before.get("visible_code") == s["visible_code"] == after.get("visible_code"):
            out.append(s)
            next_t = s["t"] + step
    return out


def char_accuracy(pred: str, truth: str) -> float:
    if not pred and not truth:
        return 1.0
    return 1.0 - Levenshtein.distance(pred, truth) / max(len(pred), len(truth))


def run_case(case: Path, engine_name: str, step: float) -> dict:
    truth = json.loads((case / "truth.json").read_text())
    wanted = settled_samples(truth, step)
    engine = get_engine(engine_name, load_settings(engine=engine_name))
    scores, worst = [], []
    i = 0
    for f in iter_frames(str(case / truth.get("video", "video.mp4")), DecodeReport()):
        if i >= len(wanted):
            break
        if f.t + 1e-6 < wanted[i]["t"]:
            continue
        rec = engine.recognize(f.bgr(), FrameContext(t=f.t))
        pred = (rec.code_content or "") if rec.segment_type != "learning" else ""
        acc = char_accuracy(pred, wanted[i]["visible_code"] or "")
        scores.append(acc)
        worst.append((acc, wanted[i]["t"]))
        i += 1
    engine.close()
    return {"case": case.name, "frames": len(scores), "char": statistics.fmean(scores) if scores else 0.0,
            "exact": sum(1 for s in scores if s == 1.0) / max(1, len(scores)),
            "worst": [t for _, t in sorted(worst)[:5]], "per_frame": [(t, round(a, 4)) for a, t in worst]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--step", type=float, default=10.0)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--extra", nargs="*", default=[])
    ap.add_argument("--engine", default="rapidocr")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    cases = sorted((SHARED / "cases").iterdir()) + [c for d in a.extra for c in sorted(Path(d).iterdir())]
    cases = [c for c in cases if (c / "truth.json").exists() and (not a.only or c.name in a.only)]
    results = []
    for case in cases:
        split = "held-out" if family(case / "truth.json") in HELD_OUT_FAMILIES else "tuning"
        r = {**run_case(case, a.engine, a.step), "split": split}
        results.append(r)
        print(f"{r['case']:32s} {split:8s} n={r['frames']:3d} char={r['char']:.3f} exact={r['exact']:.3f} "
              f"worst={r['worst']}", flush=True)
    for split in ("tuning", "held-out"):
        part = [r["char"] for r in results if r["split"] == split]
        if part:
            print(f"median char, {split}: {statistics.median(part):.3f}")
    if a.out:
        Path(a.out).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
