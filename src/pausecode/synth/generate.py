"""Generate one synthetic case: simulate the script, render and encode the video, write the truth."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .compose import Composer
from .encode import encode_video
from .scenarios import CASES
from .script import CaseSpec
from .simulate import simulate
from .state import Timeline
from .truth import build_truth


def resolve(case: str | CaseSpec) -> CaseSpec:
    if isinstance(case, CaseSpec):
        return case
    if case not in CASES:
        raise KeyError(f"unknown synthetic case {case!r}; have {sorted(CASES)}")
    return CASES[case]


def plan(case: str | CaseSpec, seed: int = 0) -> tuple[CaseSpec, Timeline, dict]:
    """Timeline and truth without rendering (fast): for checks over every case."""
    spec = resolve(case)
    tl = simulate(spec, seed)
    return spec, tl, build_truth(spec, tl, seed)


def generate(case: str | CaseSpec, out_dir: str | Path, seed: int = 0) -> Path:
    """Write out_dir/<case>/video.mp4 and truth.json; returns the case folder."""
    t0 = time.perf_counter()
    spec, tl, truth = plan(case, seed)
    folder = Path(out_dir) / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    comp = Composer(spec, tl, seed)
    rendered = encode_video(
        folder / "video.mp4",
        spec.width,
        spec.height,
        spec.fps,
        tl.n_frames,
        comp.key,
        comp.parts,
        crf=spec.crf,
    )
    truth["generation"] = {
        "seconds": round(time.perf_counter() - t0, 2),
        "frames": tl.n_frames,
        "distinct_frames": rendered,
    }
    (folder / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    return folder
