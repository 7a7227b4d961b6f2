"""Variable frame rate (issue 9): a state's time is when it appears, never earlier.

A generated tutorial (`short_dark_py`, 30 fps) is re-timed: its first 2 s stay at 30 fps, after that a frame
only every 0.233 s with an irregular gap every fifth frame (0.05-0.7 s, seeded), each written with its own PTS.
The truth is re-timed the same way (at time t the screen shows the original frame of the last kept time <= t),
from the generator's exact timeline. Both runs use the default engine.
"""

from __future__ import annotations

import bisect
import math
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from rapidfuzz.fuzz import ratio

from pausecode.frames.reader import DecodeReport, iter_frames
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings
from pausecode.synth.generate import plan
from pausecode.synth.truth import sample

CASE = "short_dark_py"
CONSTANT_PART = 2.0  # s at the original 30 fps before the irregular part starts
STEADY_GAP = 0.233  # s between frames after CONSTANT_PART (the recording)
ODD_GAPS = (0.05, 0.11, 0.4, 0.7)  # s: every fifth gap is one of these instead
SEED = 9
PTS_RATE = 3000  # ticks per second of the re-timed file: exact for 30 fps and for millisecond gaps
LOSSLESS = {"qp": "0", "preset": "ultrafast"}  # x264 lossless: frames decode exactly as the original's, so the
# two runs differ by timing only, not by a second generation of compression artefacts
STEP = 0.25  # s between compared times (the truth's own sample step)
AGREE = 0.9  # similarity (0..1) at which an answer counts as the code on screen
EARLY_MARGIN = 0.02  # an answer is "early" if it matches a later screen better than every earlier one by this


def similarity(a: str | None, b: str | None) -> float:
    return ratio(a or "", b or "") / 100.0


def vfr_times(duration: float, fps: int) -> list[float]:
    rng = random.Random(SEED)
    times = [i / fps for i in range(int(CONSTANT_PART * fps))]
    t, k = CONSTANT_PART, 0
    while t < duration:
        times.append(round(t, 3))
        k += 1
        t += STEADY_GAP if k % 5 else rng.choice(ODD_GAPS)
    return times


def write_vfr(src: Path, dst: Path, times: list[float]) -> Path:
    """Write the frames of `src` shown at `times` (the last original frame at or before each), PTS = time,
    losslessly and without B-frames (every frame decodes, every frame is a reference)."""
    with av.open(str(src)) as inp:
        frames = [(f.time, f.to_ndarray(format="yuv420p"), f.width, f.height) for f in inp.decode(video=0)]
    tb = Fraction(1, PTS_RATE)
    with av.open(str(dst), "w") as out:
        ost = out.add_stream("libx264", rate=30)
        ost.width, ost.height, ost.pix_fmt = frames[0][2], frames[0][3], "yuv420p"
        ost.time_base = tb
        ost.codec_context.time_base = tb
        ost.codec_context.max_b_frames = 0
        ost.options = dict(LOSSLESS)
        j = 0
        for t in times:
            while j + 1 < len(frames) and frames[j + 1][0] <= t + 1e-6:
                j += 1
            vf = av.VideoFrame.from_ndarray(frames[j][1], format="yuv420p")
            vf.pts, vf.time_base = round(t * PTS_RATE), tb
            for p in ost.encode(vf):
                out.mux(p)
        for p in ost.encode():
            out.mux(p)
    return dst


class Truth:
    """The generator's exact screen at any time, optionally re-timed to the frames a VFR copy keeps."""

    def __init__(self, shown_times: list[float] | None = None) -> None:
        self.spec, self.tl, _ = plan(CASE)
        self.shown = shown_times

    def original_time(self, t: float) -> float:
        if self.shown is None:
            return t
        return self.shown[max(0, bisect.bisect_right(self.shown, t + 1e-9) - 1)]

    def at(self, t: float) -> dict[str, Any]:
        tau = self.original_time(t)
        frame = min(math.floor(tau * self.tl.fps + 1e-6), self.tl.n_frames - 1)
        return sample(self.tl.at_frame(frame), self.spec, tau)


def score(service: PauseToCodeService, video_id: str, truth: Truth, duration: float) -> dict[str, Any]:
    """Agreement with the truth at every STEP, and every answer that shows code typed only later."""
    times = [round(k * STEP, 3) for k in range(int(duration / STEP))]
    screens = [truth.at(t) for t in times]
    agree, early = 0, []
    for i, (t, now) in enumerate(zip(times, screens, strict=True)):
        got = service.get_code_at_timestamp(video_id, t)
        if got["segment_type"] == now["type"] and (
            now["type"] == "learning" or similarity(got["code_content"], now["visible_code"]) >= AGREE
        ):
            agree += 1
        if got["segment_type"] == "learning" or not got["code_content"]:
            continue
        text = got["code_content"]
        past = max(similarity(text, s["visible_code"]) for s in screens[: i + 1] if s["type"] == "code") \
            if any(s["type"] == "code" for s in screens[: i + 1]) else 0.0
        later = [s["visible_code"] for s in screens[i + 1 :] if s["type"] == "code"]
        future = max((similarity(text, v) for v in later), default=0.0)
        if future > past + EARLY_MARGIN:
            early.append((t, text, now["visible_code"]))
    return {"agree": agree, "total": len(times), "early": early}


@pytest.fixture(scope="module")
def vfr_video(synth_dark, tmp_path_factory) -> tuple[Path, list[float]]:
    times = vfr_times(synth_dark.truth["duration"], synth_dark.truth["fps"])
    return write_vfr(synth_dark.video, tmp_path_factory.mktemp("vfr") / "vfr.mp4", times), times


def test_vfr_copy_keeps_its_irregular_times(vfr_video) -> None:
    video, times = vfr_video
    decoded = [f.t for f in iter_frames(str(video), DecodeReport())]
    assert len(decoded) == len(times)
    assert all(abs(a - b) <= 1 / PTS_RATE for a, b in zip(decoded, times, strict=True))
    gaps = {round(b - a, 3) for a, b in zip(times, times[1:]) if a >= CONSTANT_PART}
    assert STEADY_GAP in gaps and gaps & set(ODD_GAPS)


def test_vfr_never_answers_before_the_code_is_typed(processed_dark, vfr_video, tmp_path, monkeypatch) -> None:
    """No answer of either run shows code typed later, and the VFR run agrees with its re-timed truth at least
    as often as the constant-rate run agrees with its own."""
    service, constant, truth_json = processed_dark
    video, times = vfr_video
    monkeypatch.chdir(tmp_path)
    svc = PauseToCodeService(load_settings(data_dir=tmp_path / "data"))
    vfr = svc.process(str(video))
    duration = truth_json["duration"]
    cfr_score = score(service, constant.video.video_id, Truth(), duration)
    vfr_score = score(svc, vfr.video.video_id, Truth(times), duration)
    print(f"agreement: constant {cfr_score['agree']}/{cfr_score['total']}, "
          f"variable {vfr_score['agree']}/{vfr_score['total']}")
    assert vfr_score["early"] == [], vfr_score["early"]
    assert cfr_score["early"] == [], cfr_score["early"]
    assert vfr_score["agree"] >= cfr_score["agree"], (vfr_score["agree"], cfr_score["agree"])


def test_a_change_in_every_frame_still_forces_a_read_every_interval() -> None:
    """At a low or variable frame rate every frame may show a new keystroke, so no state is ever held for
    `settle_time`; the change detector must still hand the engine a state at least every `frame_interval`
    (before: none at all until the video ended)."""
    import numpy as np

    from pausecode.frames.reader import DecodedFrame
    from pausecode.frames.states import StateScanner

    interval, gap = 2.0, STEADY_GAP
    scanner = StateScanner(settle_time=0.35, frame_interval=interval)
    luma = np.full((360, 640), 30, np.uint8)
    keys = []
    n = int(7.0 / gap)
    for i in range(n):
        luma = luma.copy()
        x = 20 + 12 * (i % 45)
        y = 20 + 20 * (i // 45)
        luma[y : y + 16, x : x + 10] = 220  # one more "character" each frame
        rgb = np.repeat(luma[:, :, None], 3, axis=2)
        frame = DecodedFrame(t=round(i * gap, 3), luma=luma, frame=av.VideoFrame.from_ndarray(rgb, format="rgb24"))
        keys += [st.start for st in scanner.feed(frame) if st.key]
    assert len(keys) >= 3, keys
    assert all(b - a <= interval + gap + 1e-9 for a, b in zip(keys, keys[1:])), keys
