"""Run pausecode on one video and write scorer predictions (one per truth sample time).

usage: python bench/predict.py VIDEO TRUTH OUT.json [--engine NAME] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from pausecode.query.index import IntervalIndex
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings


def predictions(segments, truth: dict) -> list[dict]:
    idx = IntervalIndex(segments)
    out = []
    for s in truth["samples"]:
        seg, _ = idx.find(s["t"], 1.0)
        if seg is None or seg.segment_type == "learning":
            out.append({"t": s["t"], "type": "learning", "code": None,
                        "confidence": seg.confidence if seg is not None else 0.0})
        else:
            out.append({"t": s["t"], "type": "code", "code": seg.code_content or "", "confidence": seg.confidence})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("truth")
    ap.add_argument("out")
    ap.add_argument("--engine", default="rapidocr")
    ap.add_argument("--data-dir", default="bench/out/data")
    a = ap.parse_args(argv)
    settings = load_settings(data_dir=Path(a.data_dir), engine=a.engine)
    svc = PauseToCodeService(settings)
    t0 = time.perf_counter()
    res = svc.process(a.video, force_reprocess=True)
    wall = time.perf_counter() - t0
    truth = json.loads(Path(a.truth).read_text())
    preds = predictions(res.segments, truth)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(preds))
    info = {"video_id": res.video.video_id, "duration": res.video.duration, "wall": wall,
            "ratio": wall / max(res.video.duration, 1e-9), "segments": len(res.segments),
            "stats": res.stats.to_dict(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
