"""The plain comparator: every 2 s the same engine reads the whole frame, and each time is answered from the
nearest sample.

This is the design pausecode must beat on every case (issue 10): no screen states, no incremental reads, no
typing states from pixels, no segment repair — one independent whole-frame reading per sample, with the
engine's own layout finding. If the product scores below this on a case, something it adds on top of a plain
reading (reusing a layout, deriving states, merging segments) is losing text.

usage: python bench/plain.py VIDEO TRUTH OUT.json [--engine NAME] [--step S]
Prints one JSON line: frames read, wall time, ratio to the video's duration.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from pathlib import Path

from pausecode.frames.reader import DecodeReport, iter_frames
from pausecode.recognize.base import FrameContext, get_engine
from pausecode.settings import load_settings

SAMPLE_STEP_S = 2.0  # the reference design's frame interval


def sample_readings(video: str, engine_name: str, step: float) -> list[tuple[float, str, str | None]]:
    """(t, type, code) for the first decoded frame at or after each multiple of `step` seconds."""
    engine = get_engine(engine_name, load_settings(engine=engine_name))
    out: list[tuple[float, str, str | None]] = []
    next_t = 0.0
    for f in iter_frames(video, DecodeReport()):
        if f.t + 1e-6 < next_t:
            continue
        rec = engine.recognize(f.bgr(), FrameContext(t=f.t))  # no previous reading: a whole-frame read
        code = rec.segment_type != "learning"
        out.append((f.t, "code" if code else "learning", (rec.code_content or "") if code else None))
        next_t += step
        while next_t <= f.t:
            next_t += step
    engine.close()
    return out


def nearest_predictions(readings: list[tuple[float, str, str | None]], truth: dict) -> list[dict]:
    times = [r[0] for r in readings]
    preds = []
    for s in truth["samples"]:
        i = bisect.bisect_left(times, s["t"])
        cands = [j for j in (i - 1, i) if 0 <= j < len(times)]
        j = min(cands, key=lambda k: abs(times[k] - s["t"]))
        _, typ, code = readings[j]
        preds.append({"t": s["t"], "type": typ, "code": code})
    return preds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("truth")
    ap.add_argument("out")
    ap.add_argument("--engine", default="rapidocr")
    ap.add_argument("--step", type=float, default=SAMPLE_STEP_S)
    a = ap.parse_args(argv)
    truth = json.loads(Path(a.truth).read_text())
    t0 = time.perf_counter()
    readings = sample_readings(a.video, a.engine, a.step)
    wall = time.perf_counter() - t0
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(nearest_predictions(readings, truth)))
    dur = float(truth.get("duration") or (readings[-1][0] if readings else 0.0))
    print(json.dumps({"frames_read": len(readings), "wall": wall, "ratio": wall / max(dur, 1e-9)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
