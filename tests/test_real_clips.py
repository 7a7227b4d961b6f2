"""Recognition on short clips of real recordings, scored with the shared scorer at fixed floors.

The clips (`tests/clips/*`, cut by `tests/clips/make_clips.py`) are a few seconds of real editors: a scrolled
1080p VS Code-like window, vim in a light terminal under a tmux bar, a notebook with two numbered cells,
Monaco while typing, Thonny while its file has one to five lines (a tab strip and a toolbar right above).
These are the tests that fail when recognition breaks: each floor sits a little under what the default engine
measured when the floor was set. A run with an ERROR log line or a frame the engine failed on fails too.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from pausecode.query.index import IntervalIndex
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings

CLIPS = Path(__file__).parent / "clips"
SCORER = Path(__file__).resolve().parents[2] / "shared" / "bench" / "score.py"

# clip → (char_acc floor, usable floor), from the run recorded in tests/clips/README.md
FLOORS = {
    "monaco_dark_typing": (0.95, 0.5),
    "monaco_hc_1080p_scrolled": (0.95, 0.3),
    "terminal_light_vim": (0.95, 0.4),
    "jupyterlab_two_cells": (0.90, 0.2),
    "thonny_one_line_file": (0.91, 0.5),
    "nano_merged_numbers": (0.97, 0.8),
}


def _scorer():
    if not SCORER.exists():
        pytest.skip(f"the shared scorer is not beside the project ({SCORER})")
    sys.path.insert(0, str(SCORER.parent))
    import score  # noqa: PLC0415 - the shared scorer, loaded from ../shared

    return score


@pytest.mark.parametrize("clip", sorted(FLOORS))
def test_real_clip_scores_above_its_floor(clip: str, pc_env: Path, caplog: pytest.LogCaptureFixture) -> None:
    scorer = _scorer()
    folder = CLIPS / clip
    truth = json.loads((folder / "truth.json").read_text())
    caplog.set_level(logging.WARNING)
    service = PauseToCodeService(load_settings(data_dir=pc_env))
    result = service.process(str(folder / "video.mp4"))
    assert result.stats.frames_failed == 0
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    idx = IntervalIndex(result.segments)
    preds = []
    for s in truth["samples"]:
        seg, _ = idx.find(s["t"], 1.0)
        code = seg is not None and seg.segment_type != "learning"
        preds.append({"t": s["t"], "type": "code" if code else "learning", "code": seg.code_content if code else None})
    metrics, _ = scorer.score(truth, preds)
    char_floor, usable_floor = FLOORS[clip]
    assert metrics["type_acc"] >= 0.98, metrics
    assert metrics["char_acc"] >= char_floor, metrics
    assert metrics["usable"] >= usable_floor, metrics
