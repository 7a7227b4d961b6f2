"""Odd videos (issue 9): rotation metadata honoured, degenerate frame sizes refused cleanly.

Rotated recordings are made from a generated tutorial: every frame physically turned a quarter turn
counter-clockwise, plus a display matrix that tells players to turn it back. A viewer sees the original; so
must the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from conftest_server import make_video, settings_for
from fastapi.testclient import TestClient
from test_api import assert_error

from pausecode.cli import main
from pausecode.errors import ExitCode, FrameSizeError
from pausecode.frames.orientation import UPRIGHT, Orientation, from_display_matrix, from_rotate_tag
from pausecode.frames.reader import DecodeReport, iter_frames
from pausecode.ingest.probe import probe_video
from pausecode.server.app import create_app
from pausecode.service import PauseToCodeService
from pausecode.settings import load_settings

LOSSLESS = {"qp": "0", "preset": "ultrafast"}  # x264 lossless: the turned copy holds the original's pixels
SAMPLE_SECONDS = 1.0  # compare the two runs once per second of video
ONE_FRAME = 1 / 30 + 0.001  # s: the generator's frame duration, plus rounding of stored times


def _turn_yuv420(frame: av.VideoFrame) -> np.ndarray:
    """The frame's yuv420p planes each turned a quarter turn counter-clockwise, packed for `from_ndarray`.
    Turning the planes (not an RGB copy) keeps every sample: the turned file decodes to the same pixels."""
    h, w = frame.height, frame.width
    yuv = frame.to_ndarray(format="yuv420p")
    planes = (yuv[:h], yuv[h : h + h // 4].reshape(h // 2, w // 2), yuv[h + h // 4 :].reshape(h // 2, w // 2))
    y, u, v = (np.ascontiguousarray(np.rot90(p, k=1)) for p in planes)
    return np.concatenate([y, u.reshape(-1, y.shape[1]), v.reshape(-1, y.shape[1])])


def write_rotated(src: Path, dst: Path, *, display_degrees: int | None = None, rotate_tag: str | None = None) -> Path:
    """Re-encode `src` losslessly with every frame turned a quarter turn counter-clockwise, plus the metadata
    that tells a player to turn it back: a display matrix rotation of `display_degrees` (counter-clockwise,
    FFmpeg's convention: -90 means "turn clockwise") or a legacy `rotate` tag (degrees clockwise).

    Only the frames the reader decodes from `src` (reference frames) are written, each a reference frame with
    its own PTS, so the pipeline sees exactly the same pictures at exactly the same times as on `src`."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        ins = inp.streams.video[0]
        ins.codec_context.skip_frame = "NONREF"
        ost = None
        for frame in inp.decode(ins):
            turned = _turn_yuv420(frame)
            if ost is None:
                ost = out.add_stream("libx264", rate=30)
                ost.width, ost.height, ost.pix_fmt = frame.height, frame.width, "yuv420p"
                ost.time_base = ins.time_base
                ost.codec_context.max_b_frames = 0
                ost.options = dict(LOSSLESS)
                if display_degrees is not None:
                    ost.set_display_rotation(display_degrees)
                if rotate_tag is not None:
                    ost.metadata["rotate"] = rotate_tag
            nf = av.VideoFrame.from_ndarray(turned, format="yuv420p")
            nf.pts, nf.time_base = frame.pts, frame.time_base
            for p in ost.encode(nf):
                out.mux(p)
        assert ost is not None
        for p in ost.encode():
            out.mux(p)
    return dst


@pytest.fixture(scope="module")
def rotated_dark(synth_dark, tmp_path_factory) -> Path:
    if not hasattr(av.video.stream.VideoStream, "set_display_rotation"):
        pytest.skip("this PyAV cannot write a display matrix (needs PyAV >= 18)")
    return write_rotated(synth_dark.video, tmp_path_factory.mktemp("rotated") / "rotated.mp4", display_degrees=-90)


# ---------------------------------------------------------------------------------------------- rotation
def test_display_matrix_orientations() -> None:
    """FFmpeg's layouts (libavutil/display.h, 16.16): -90 (a player turns clockwise), +90, 180, a mirror."""

    def raw(a: int, b: int, c: int, d: int) -> bytes:
        return np.array([a, b, 0, c, d, 0, 0, 0, 1 << 30], np.int32).tobytes()

    one = 1 << 16
    assert from_display_matrix(raw(0, one, -one, 0)) == Orientation(transpose=True, flip_cols=True)
    assert from_display_matrix(raw(0, -one, one, 0)) == Orientation(transpose=True, flip_rows=True)
    assert from_display_matrix(raw(-one, 0, 0, -one)) == Orientation(flip_rows=True, flip_cols=True)
    assert from_display_matrix(raw(-one, 0, 0, one)) == Orientation(flip_cols=True)
    assert from_display_matrix(raw(one, 0, 0, one)) == UPRIGHT
    assert from_display_matrix(raw(46341, 46341, -46341, 46341)) is None  # 45 degrees: not honoured
    assert from_rotate_tag("90") == from_display_matrix(raw(0, one, -one, 0))  # the legacy tag, same turn
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert np.array_equal(Orientation(transpose=True, flip_cols=True).apply(img), np.rot90(img, k=-1))
    assert np.array_equal(Orientation(transpose=True, flip_rows=True).apply(img), np.rot90(img, k=1))


def _frames(path: Path) -> list[tuple[float, np.ndarray, np.ndarray]]:
    return [(f.t, f.luma.copy(), f.bgr()) for f in iter_frames(str(path), DecodeReport())]


def test_rotated_frames_come_out_upright(synth_dark, rotated_dark) -> None:
    """The reader shows the turned copy exactly as the original looks (luma and colour, every frame, same
    times), and probe reports the displayed size, not the stored one."""
    with av.open(str(rotated_dark)) as stored:
        ctx = stored.streams.video[0].codec_context
        assert (ctx.width, ctx.height) == (720, 1280)  # the file really holds portrait frames
    probed = probe_video(rotated_dark)
    assert (probed.width, probed.height) == (1280, 720)
    ref, rot = _frames(synth_dark.video), _frames(rotated_dark)
    assert len(rot) == len(ref)
    for (t_ref, luma_ref, bgr_ref), (t_rot, luma_rot, bgr_rot) in zip(ref, rot, strict=True):
        assert t_rot == t_ref
        assert np.array_equal(luma_rot, luma_ref) and np.array_equal(bgr_rot, bgr_ref), t_ref


def test_legacy_rotate_tag_is_honoured(synth_dark, tmp_path) -> None:
    """Matroska keeps a `rotate` tag as plain stream metadata (no display matrix): it turns frames too."""
    video = write_rotated(synth_dark.video, tmp_path / "tagged.mkv", rotate_tag="90")
    with av.open(str(video)) as c:
        assert c.streams.video[0].metadata.get("ROTATE") == "90"  # Matroska's spelling
    probed = probe_video(video)
    assert (probed.width, probed.height) == (1280, 720)
    ref = next(iter_frames(str(synth_dark.video), DecodeReport())).luma.copy()
    assert np.array_equal(next(iter_frames(str(video), DecodeReport())).luma, ref)


def test_rotated_video_reads_like_the_original(processed_dark, rotated_dark, tmp_path, monkeypatch) -> None:
    """The whole pipeline on the turned copy gives the original run's result: the same segments (times, type,
    code) and the same answers once per second. Before the fix it read the picture sideways."""
    service, original, truth = processed_dark
    monkeypatch.chdir(tmp_path)
    svc = PauseToCodeService(load_settings(data_dir=tmp_path / "data"))
    rotated = svc.process(str(rotated_dark))
    assert (rotated.video.width, rotated.video.height) == (1280, 720)
    assert any(s.segment_type == "code" for s in rotated.segments)
    got, want = [s.to_dict() for s in rotated.segments], [s.to_dict() for s in original.segments]
    # the copy holds only the reader's frames, so its stated duration (the last segment's end) may differ
    assert abs(got[-1].pop("end") - want[-1].pop("end")) <= ONE_FRAME
    assert got == want
    t = SAMPLE_SECONDS / 2
    while t < truth["duration"]:
        a = service.get_code_at_timestamp(original.video.video_id, t)
        b = svc.get_code_at_timestamp(rotated.video.video_id, t)
        assert (b["segment_type"], b["code_content"]) == (a["segment_type"], a["code_content"]), t
        t += SAMPLE_SECONDS


# ---------------------------------------------------------------------------------------------- tiny frames
TINY = [(2, 64), (64, 2), (2, 2)]


@pytest.fixture(scope="module")
def tiny_videos(tmp_path_factory) -> dict[tuple[int, int], Path]:
    root = tmp_path_factory.mktemp("tiny")
    return {size: make_video(root / f"tiny_{size[0]}x{size[1]}.mp4", seconds=1.0, size=size) for size in TINY}


@pytest.mark.parametrize("size", TINY)
def test_tiny_frames_are_an_input_error_on_the_cli(size, tiny_videos, pc_env, capsys) -> None:
    rc = main(["process", str(tiny_videos[size]), "--engine", "null"])
    out, err = capsys.readouterr()
    assert rc == ExitCode.INPUT, err
    assert err.startswith("error: ") and f"{size[0]}x{size[1]} px" in err, err
    assert "Traceback" not in err and "cv2" not in err and len(err.strip().splitlines()) == 1


def test_tiny_frames_are_refused_by_the_reader_too(tiny_videos) -> None:
    """The pipeline can be handed a file without a probe (a stored path): the reader refuses it itself."""
    with pytest.raises(FrameSizeError):
        next(iter_frames(str(tiny_videos[(2, 64)]), DecodeReport()))


def test_four_pixels_is_enough(tmp_path) -> None:
    video = make_video(tmp_path / "four.mp4", seconds=1.0, size=(4, 4))
    assert (probe_video(video).width, probe_video(video).height) == (4, 4)


def test_tiny_upload_is_a_422_and_leaves_nothing(tiny_videos, tmp_path) -> None:
    with TestClient(create_app(settings_for(tmp_path))) as c:
        r = c.post("/api/v1/video/upload", files={"file": ("tiny.mp4", tiny_videos[(64, 2)].read_bytes())})
        body = assert_error(r, 422, "frame_too_small")
        assert "64x2 px" in body["message"]
        uploads = c.app.state.settings.data_dir / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())


def test_frame_size_error_is_the_input_kind() -> None:
    from pausecode.errors import InputError

    assert issubclass(FrameSizeError, InputError) and FrameSizeError.http_status == 422
