"""Demo: generate a sample tutorial video, process it offline, print the timeline and a few queries."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from pausecode import PauseToCodeService, load_settings
from pausecode.synth import generate


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "pausecode_data/demo")
    case_dir = generate("demo", out / "videos")
    truth = json.loads((case_dir / "truth.json").read_text())
    svc = PauseToCodeService(load_settings(data_dir=out))
    print(f"processing {case_dir / 'video.mp4'} ({truth['duration']:.0f}s) ...", flush=True)
    result = svc.process(str(case_dir / "video.mp4"), force_reprocess=True)
    s = result.summary()
    print(f"video {s['video_id']}: {s['segments']} segments in {s['processing_time']:.1f}s\n")
    print(svc.export(s["video_id"], "md"))
    code_ts = [x["t"] for x in truth["samples"] if x["type"] == "code" and not x.get("near_boundary")]
    learn_ts = [x["t"] for x in truth["samples"] if x["type"] == "learning" and not x.get("near_boundary")]
    for t in ([learn_ts[len(learn_ts) // 2]] if learn_ts else []) + code_ts[len(code_ts) // 2 :: max(1, len(code_ts) // 3)][:2] + code_ts[-1:]:
        r = svc.get_code_at_timestamp(s["video_id"], t)
        print(f"--- query t={t:.2f}s → {r['segment_type']} [{r['segment_start']}–{r['segment_end']}]")
        print(r["code_content"] if r["segment_type"] != "learning" else r["message"])
    print(f"\nexports in {out / 'exports'}; try: pausecode --help")
    return 0


if __name__ == "__main__":
    sys.exit(main())
