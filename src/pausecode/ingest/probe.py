"""Probe a local video with PyAV: size, duration, frame rate, and proof that at least one frame decodes.

The size reported is the displayed one (a display matrix / `rotate` tag that turns the picture a quarter turn
swaps width and height), and frames smaller than the reader's minimum are refused here already.

Every PyAV/FFmpeg failure is turned into a pausecode error with a message a user can act on; no PyAV
traceback leaves this module.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import av

from ..errors import (
    CorruptVideoError,
    EmptyVideoError,
    FileMissingError,
    InputError,
    NotAVideoError,
    PausecodeError,
    TooLargeError,
)
from ..frames.orientation import frame_orientation
from ..frames.reader import check_frame_size

# demuxers that open still images / text as a one-frame "video"
_IMAGE_FORMATS = ("image2", "tty", "gif", "apng", "webp", "ico")
_IMAGE_FORMAT_SUFFIXES = ("_pipe",)
MAX_PACKETS_FOR_FIRST_FRAME = 600  # give up looking for a decodable frame after this many packets


@dataclass
class ProbeResult:
    """What the rest of the pipeline needs to know about a decodable video file."""

    duration: float
    width: int  # as displayed (after the display matrix / rotate tag)
    height: int
    fps: float
    frames: int | None  # frame count when the container states it
    codec: str
    container: str


def probe_video(path: str | os.PathLike[str], max_duration: float | None = None) -> ProbeResult:
    """Open `path`, read its stream metadata and decode the first frame.

    Raises FileMissingError (no such file), NotAVideoError (directory, text, image, audio-only, unknown
    format), EmptyVideoError (0 bytes or no video packets), CorruptVideoError (looks like a video container
    but nothing decodes), TooLargeError (longer than `max_duration` seconds), InputError (unreadable).
    """
    p = Path(path)
    _check_file(p)
    try:
        result = _probe(p)
    except PausecodeError:
        raise
    except av.error.InvalidDataError as e:
        raise _undecodable(p, e) from None
    except av.FFmpegError as e:
        raise _undecodable(p, e) from None
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    except Exception as e:  # PyAV can raise plain ValueError/RuntimeError/etc. on broken input
        raise CorruptVideoError(f"{p} could not be decoded: {e}") from None
    if max_duration is not None and result.duration > max_duration:
        raise TooLargeError(
            f"{p.name} is {_hms(result.duration)} long; the limit is {_hms(max_duration)}",
            hint="raise max_video_duration (PAUSECODE_MAX_VIDEO_DURATION) to process it",
        )
    return result


def _check_file(p: Path) -> None:
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FileMissingError(f"no such file: {p}", hint="check the path") from None
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    if p.is_dir():
        raise NotAVideoError(f"{p} is a directory, not a video file")
    if not p.is_file():
        raise NotAVideoError(f"{p} is not a regular file")
    if st.st_size == 0:
        raise EmptyVideoError(f"{p} is empty (0 bytes)")
    if not os.access(p, os.R_OK):
        raise InputError(f"cannot read {p}: permission denied")


def _probe(p: Path) -> ProbeResult:
    # an absolute path, so FFmpeg never reads "name:with-colon.mp4" as a protocol prefix
    with av.open(str(p.resolve()), mode="r", metadata_errors="ignore") as container:
        fmt = container.format.name or ""
        video_streams = [s for s in container.streams.video]
        if not video_streams:
            kinds = sorted({s.type for s in container.streams})
            what = (
                "audio only"
                if "audio" in kinds
                else ("has streams: " + ", ".join(kinds) if kinds else "no streams")
            )
            raise NotAVideoError(f"{p.name} has no video stream ({what})")
        if fmt in _IMAGE_FORMATS or fmt.endswith(_IMAGE_FORMAT_SUFFIXES):
            raise NotAVideoError(f"{p.name} is an image or text file ({fmt}), not a video")
        stream = max(
            video_streams, key=lambda s: (s.codec_context.width or 0) * (s.codec_context.height or 0)
        )
        ctx = stream.codec_context
        width, height = int(ctx.width or 0), int(ctx.height or 0)
        fps = _fps(stream)
        frames = int(stream.frames) if stream.frames else None
        duration = _declared_duration(container, stream)

        first = _first_frame(container, stream, p)
        width = width or first.width
        height = height or first.height
        check_frame_size(min(width, first.width), min(height, first.height), p.name)
        width, height = frame_orientation(first, stream).displayed_size(width, height)
        if duration <= 0:
            duration = _duration_from_packets(p, stream.index, fps)
        if duration <= 0 and fps > 0:
            duration = 1.0 / fps  # a single frame
        return ProbeResult(
            duration=float(duration),
            width=width,
            height=height,
            fps=fps,
            frames=frames,
            codec=ctx.name or "",
            container=fmt,
        )


def _fps(stream: av.video.stream.VideoStream) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            value = float(rate)
            if 0 < value < 1000:
                return value
    return 0.0


def _declared_duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration and stream.time_base:
        value = float(stream.duration * stream.time_base)
        if value > 0:
            return value
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    return 0.0


def _first_frame(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, p: Path
) -> av.VideoFrame:
    """Decode until the first frame comes out; no frame → EmptyVideoError / CorruptVideoError."""
    packets = 0
    last_error: Exception | None = None
    try:
        for packet in container.demux(stream):
            if packet.size:
                packets += 1
            try:
                for frame in packet.decode():
                    return frame
            except av.FFmpegError as e:  # a broken packet: keep trying the next ones
                last_error = e
            if packets >= MAX_PACKETS_FOR_FIRST_FRAME:
                break
    except av.FFmpegError as e:
        last_error = e
    if packets == 0:
        if last_error is not None:
            raise CorruptVideoError(f"{p.name} is damaged: no video data could be read ({last_error})")
        raise EmptyVideoError(f"{p.name} contains no video frames")
    detail = f" ({last_error})" if last_error else ""
    raise CorruptVideoError(f"{p.name} is damaged: none of its first {packets} video packets decode{detail}")


def _duration_from_packets(p: Path, index: int, fps: float) -> float:
    """Fallback when the container states no duration: the end of the last packet (a fresh demux pass).

    Streams without timestamps (raw H.264) fall back to packet count / frame rate.
    """
    end = None
    packets = stamped = 0
    with (
        contextlib.suppress(av.FFmpegError),
        av.open(str(p.resolve()), metadata_errors="ignore") as container,
    ):
        stream = container.streams[index]
        start = stream.start_time or 0
        try:
            for packet in container.demux(stream):
                if not packet.size:
                    continue  # flush packet
                packets += 1
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts is None:
                    continue
                stamped += 1
                packet_end = ts + (packet.duration or 0)
                end = packet_end if end is None else max(end, packet_end)
        except av.FFmpegError:
            pass  # a damaged tail: use what was seen
        if end is not None and stream.time_base and stamped * 2 >= packets:
            return max(0.0, float((end - start) * stream.time_base))
    return packets / fps if fps > 0 else 0.0


_CONTAINER_MAGIC = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")


def _looks_like_video_container(p: Path) -> bool:
    """Sniff the header: tells a damaged video (CorruptVideoError) from something else (NotAVideoError)."""
    try:
        with p.open("rb") as f:
            head = f.read(512)
    except OSError:
        return False
    if len(head) >= 8 and head[4:8] in _CONTAINER_MAGIC:  # MP4 / MOV / 3GP
        return True
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska / WebM
        return True
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"AVIX"):
        return True
    if head.startswith(
        (b"FLV", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3", b"\x30\x26\xb2\x75")
    ):  # FLV, MPEG, ASF
        return True
    return len(head) > 188 and head[0] == 0x47 and head[188] == 0x47  # MPEG-TS


def _undecodable(p: Path, e: Exception) -> InputError:
    reason = getattr(e, "strerror", None) or str(e)
    if _looks_like_video_container(p):
        return CorruptVideoError(
            f"{p.name} looks like a video but cannot be opened: {reason}",
            hint="the file may be truncated or still downloading",
        )
    return NotAVideoError(
        f"{p.name} is not a video file FFmpeg can read ({reason})",
        hint="supported: mp4, webm, mkv, mov, avi",
    )


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
