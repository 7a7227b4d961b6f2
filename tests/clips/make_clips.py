"""Cut the short real-recording clips the recognition tests score (run once; the clips are committed).

usage: python tests/clips/make_clips.py [--shared ../shared/bench/cases] [--recordings ../heldout-cases]
(`--recordings`: the recordings `bench/recordings/make_heldout.sh` makes, for the clips cut from them)
Each clip is a few seconds of a shared recording, re-encoded near-losslessly from its start, with the truth
samples and events of that window shifted to the clip's own clock (the shared truth format, so
`../shared/bench/score.py` scores them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (clip name, shared case, start s, length s): code moments of different editor families, chosen where the
# screen holds a settled program and typing goes on (not at a learning screen).
CLIPS = [
    ("monaco_dark_typing", "monaco_dark_720p", 150.0, 8.0),
    ("monaco_hc_1080p_scrolled", "dev_monaco_hc_1080p_scroll", 55.0, 8.0),
    ("terminal_light_vim", "dev_terminal_light_720p", 95.0, 8.0),
    ("jupyterlab_two_cells", "dev_jupyterlab_dark_720p", 110.0, 8.0),
    ("thonny_one_line_file", "dev_thonny_alt_720p", 21.0, 9.0),
    ("nano_merged_numbers", "held_nano_dark_720p", 43.0, 8.0),
]


def cut(case_dir: Path, name: str, start: float, length: float) -> None:
    truth = json.loads((case_dir / "truth.json").read_text())
    out = HERE / name
    out.mkdir(exist_ok=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-ss", f"{start}", "-i", str(case_dir / "video.mp4"),
                    "-t", f"{length}", "-c:v", "libx264", "-crf", "16", "-preset", "veryslow", "-pix_fmt",
                    "yuv420p", "-an", str(out / "video.mp4")], check=True)
    end = start + length
    samples = [{k: v for k, v in dict(s, t=round(s["t"] - start, 3)).items() if k != "full_code"} for s in truth["samples"] if start + 0.5 <= s["t"] < end - 0.5]
    events = [dict(e, t=round(e["t"] - start, 3)) for e in truth.get("events", []) if start <= e["t"] < end]
    clip = {k: v for k, v in truth.items() if k not in ("samples", "events")}
    clip.update(case=name, duration=length, samples=samples, events=events,
                source={"case": case_dir.name, "start": start})
    (out / "truth.json").write_text(json.dumps(clip))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(HERE.parents[2] / "shared" / "bench" / "cases"))
    ap.add_argument("--recordings", default=str(HERE.parents[2] / "heldout-cases"))
    ap.add_argument("--only", nargs="*", help="clip names to cut (default: all)")
    a = ap.parse_args()
    for name, case, start, length in CLIPS:
        if a.only and name not in a.only:
            continue
        where = Path(a.shared) / case
        cut(where if where.exists() else Path(a.recordings) / case, name, start, length)
        print(name, (HERE / name / "video.mp4").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
