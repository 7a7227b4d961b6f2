"""Turn frames upright the way a player shows them.

Phones and some screen recorders store the picture sideways (or mirrored) and add a display matrix (or, in
older files, a `rotate` tag) that tells players how to show it. The change detector and the recognition
engines must see what a viewer sees, so every decoded frame gets the same turn the player would apply.
Only turns by quarter turns and mirrors are honoured (all eight EXIF orientations); any other angle is
left as stored and logged.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import av
import cv2
import numpy as np
from av.sidedata.sidedata import Type as SideDataType

log = logging.getLogger(__name__)

DISPLAY_MATRIX_BYTES = 36  # nine int32 (libavutil/display.h)
FIXED_16_16 = 65536.0  # the matrix' a, b, c, d are 16.16 fixed-point numbers
AXIS_TOLERANCE = 0.02  # a normalised matrix entry this close to 0 or ±1 counts as exact (a ~1° skew)


@dataclass(frozen=True)
class Orientation:
    """How a stored picture maps to the displayed one: transpose first, then mirror rows and/or columns."""

    transpose: bool = False
    flip_rows: bool = False  # upside down
    flip_cols: bool = False  # left-right

    @property
    def is_identity(self) -> bool:
        return not (self.transpose or self.flip_rows or self.flip_cols)

    def displayed_size(self, width: int, height: int) -> tuple[int, int]:
        return (height, width) if self.transpose else (width, height)

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The displayed picture of a stored H×W (or H×W×C) array, contiguous (cv2 needs it)."""
        if self.is_identity:
            return image
        out = cv2.transpose(image) if self.transpose else image
        if self.flip_rows and self.flip_cols:
            return cv2.flip(out, -1)
        if self.flip_rows:
            return cv2.flip(out, 0)
        if self.flip_cols:
            return cv2.flip(out, 1)
        return np.ascontiguousarray(out)


UPRIGHT = Orientation()


def _snap(value: float) -> int | None:
    """-1, 0 or 1 when `value` is (nearly) that, else None (a rotation that is not a quarter turn)."""
    for target in (-1, 0, 1):
        if abs(value - target) <= AXIS_TOLERANCE:
            return target
    return None


def from_matrix(a: float, b: float, c: float, d: float) -> Orientation | None:
    """The orientation of the display matrix' linear part; None if it is not a quarter turn / mirror.

    The matrix maps a stored pixel (x, y) (y down) to the displayed (a·x + c·y, b·x + d·y) + offset.
    """
    sa, sb, sc, sd = (_snap(v) for v in (a, b, c, d))
    if None in (sa, sb, sc, sd):
        return None
    if sa == 0 and sd == 0 and sb and sc:  # displayed x comes from stored y: a transpose
        return Orientation(transpose=True, flip_rows=sb < 0, flip_cols=sc < 0)
    if sb == 0 and sc == 0 and sa and sd:
        return Orientation(transpose=False, flip_rows=sd < 0, flip_cols=sa < 0)
    return None


def from_display_matrix(raw: bytes) -> Orientation | None:
    """Parse FFmpeg's AV_FRAME_DATA_DISPLAYMATRIX payload (native-endian int32, 16.16 fixed point)."""
    if len(raw) < DISPLAY_MATRIX_BYTES:
        return None
    m = np.frombuffer(raw[:DISPLAY_MATRIX_BYTES], dtype=np.int32).astype(np.float64) / FIXED_16_16
    a, b, c, d = m[0], m[1], m[3], m[4]
    sx, sy = math.hypot(a, c), math.hypot(b, d)  # column scales (a non-square pixel aspect)
    if sx == 0 or sy == 0:
        return None
    return from_matrix(a / sx, b / sy, c / sx, d / sy)


def from_rotate_tag(value: str) -> Orientation | None:
    """The legacy `rotate` stream tag: degrees clockwise a player turns the picture."""
    try:
        degrees = float(value)
    except ValueError:
        return None
    r = math.radians(degrees)
    return from_matrix(math.cos(r), math.sin(r), -math.sin(r), math.cos(r))


def frame_orientation(frame: av.VideoFrame, stream: av.video.stream.VideoStream) -> Orientation:
    """How to show `frame`: its display matrix side data first, else the stream's `rotate` tag, else as is."""
    found: Orientation | None = None
    source = ""
    side = frame.side_data.get(SideDataType.DISPLAYMATRIX)
    if side is not None:
        found, source = from_display_matrix(bytes(side)), "display matrix"
    else:
        # Matroska stores tag names upper-case (ROTATE), MP4 muxers of old wrote `rotate`
        tag = next((v for k, v in (stream.metadata or {}).items() if k.lower() == "rotate"), None)
        if tag:
            found, source = from_rotate_tag(tag), f"rotate tag {tag!r}"
    if found is None:
        if source:
            log.warning("the %s is not a quarter turn or mirror; frames are read as stored", source)
        return UPRIGHT
    return found
