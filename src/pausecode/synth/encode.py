"""H.264 encoding with PyAV, tuned like a YouTube download: yuv420p, CRF ~25, constant 30 fps.

Frames carry explicit PTS (frame index in a 1/fps time base), so a decoder's frame times are exact.
Speed: a repeated frame reuses the previous picture; a new frame converts its static image to YUV
once per screen state (swscale) and then only re-converts the small overlay rectangles (caret, mouse
pointer, webcam box) with numpy, instead of converting every full frame.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .compose import Overlay, apply_overlays

PartsFn = Callable[[int], tuple[Hashable, np.ndarray, list[Overlay]]]


def rgb_to_yuv420(rgb: np.ndarray) -> np.ndarray:
    """Full-frame conversion with swscale; returns the packed (H*3/2, W) yuv420p array."""
    return (
        av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        .reformat(format="yuv420p")
        .to_ndarray()
    )


def patch_yuv(yuv: np.ndarray, width: int, height: int, x0: int, y0: int, rgb: np.ndarray) -> None:
    """Write an RGB patch (even position and size) into a packed yuv420p frame, BT.601 limited range
    like swscale's default, chroma as the 2x2 mean."""
    h, w = rgb.shape[:2]
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0
    cb = 128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0
    cr = 128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0

    def sub(p: np.ndarray) -> np.ndarray:
        return (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) * 0.25

    yuv[y0 : y0 + h, x0 : x0 + w] = np.clip(np.rint(y), 0, 255).astype(np.uint8)
    q = height // 4
    u_plane = yuv[height : height + q].reshape(height // 2, width // 2)
    v_plane = yuv[height + q : height + 2 * q].reshape(height // 2, width // 2)
    u_plane[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2] = np.clip(np.rint(sub(cb)), 0, 255).astype(
        np.uint8
    )
    v_plane[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2] = np.clip(np.rint(sub(cr)), 0, 255).astype(
        np.uint8
    )


def _even_rect(rect: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int] | None:
    x0, y0, x1, y1 = rect
    x0, y0 = max(0, x0) & ~1, max(0, y0) & ~1
    x1, y1 = min(width, (x1 + 1) & ~1), min(height, (y1 + 1) & ~1)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, y0, x1, y1


def compose_yuv(base_yuv: np.ndarray, base_rgb: np.ndarray, overlays: list[Overlay]) -> np.ndarray:
    height, width = base_rgb.shape[:2]
    if not overlays:
        return base_yuv
    yuv = base_yuv.copy()
    for _, rect, _ in overlays:
        r = _even_rect(rect, width, height)
        if r is None:
            continue
        x0, y0, x1, y1 = r
        patch = base_rgb[y0:y1, x0:x1].copy()
        apply_overlays(patch, r, overlays)  # overlapping overlays are all drawn into every patch
        patch_yuv(yuv, width, height, x0, y0, patch)
    return yuv


def encode_video(
    path: Path,
    width: int,
    height: int,
    fps: int,
    n_frames: int,
    key: Callable[[int], Hashable],
    parts: PartsFn,
    crf: int = 25,
    preset: str = "veryfast",
) -> int:
    """Write n_frames to path; `key(i)` equal to the previous key means frame i repeats frame i-1.
    Returns how many distinct pictures were produced."""
    if width % 2 or height % 2:
        raise ValueError("yuv420p needs an even frame size")
    path.parent.mkdir(parents=True, exist_ok=True)
    tb = Fraction(1, fps)
    rendered = 0
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = tb
        stream.codec_context.time_base = tb
        stream.codec_context.thread_count = max(1, min(4, os.cpu_count() or 1))
        stream.options = {"crf": str(crf), "preset": preset}
        last_key: Hashable = object()
        last_base: Hashable = object()
        base_yuv: np.ndarray | None = None
        vf: av.VideoFrame | None = None
        for i in range(n_frames):
            k = key(i)
            if vf is None or k != last_key:
                base_key, base_rgb, overlays = parts(i)
                if base_yuv is None or base_key != last_base:
                    base_yuv = rgb_to_yuv420(base_rgb)
                    last_base = base_key
                yuv = compose_yuv(base_yuv, base_rgb, overlays)
                vf = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                rendered += 1
                last_key = k
            vf.pts = i
            vf.time_base = tb
            for packet in stream.encode(vf):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return rendered
