"""Plain result types shared by every stage: video → frames → recognition → segments → store → query."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SegmentType = Literal["code", "learning", "mixed"]
SEGMENT_TYPES: tuple[str, ...] = ("code", "learning", "mixed")


@dataclass
class VideoInfo:
    """What we know about a source video. `video_id` is the platform id (URLs) or a content-hash prefix (files)."""

    video_id: str
    path: str  # local file that is decoded
    source: str  # the URL or original path the user gave
    title: str = ""
    duration: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    uploader: str | None = None
    platform: str | None = None  # "youtube", "local", yt-dlp extractor key, ...
    platform_id: str | None = None
    subtitles: dict[str, str] = field(default_factory=dict)  # language -> local subtitle file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Segment:
    """One screen state held over [start, end): the unit every query answers from."""

    start: float
    end: float
    segment_type: SegmentType
    code_content: str | None = None
    learning_topic: str | None = None
    confidence: float = 0.0
    language: str | None = None
    code_complete: bool | None = None
    file_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = round(self.start, 3)
        d["end"] = round(self.end, 3)
        d["confidence"] = round(self.confidence, 3)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__ if k in d})


@dataclass
class ProcessingStats:
    """How a run went: what was decoded, read, skipped. Stored with the video."""

    frames_decoded: int = 0
    states: int = 0  # distinct screen states found by the change detector
    frames_recognized: int = 0  # full engine calls
    rows_recognized: int = 0  # single-line engine calls (OCR fast path)
    full_reads: int = 0  # whole-frame reads (new scenes, scrolls) by engines that also read rows
    checks: int = 0  # of full_reads: fresh readings made to confirm an incremental one (the check stage)
    checks_disagreed: int = 0  # of checks: the fresh reading differed from the incremental one
    frames_failed: int = 0  # engine reads that gave nothing usable (any reason): those frames were skipped
    frames_timed_out: int = 0  # of frames_failed: no answer within frame_timeout
    frames_invalid: int = 0  # of frames_failed: an answer that was not a usable reading
    decode_errors: int = 0
    partial: bool = False  # not everything was read: decoding stopped early, frames failed, or a budget ran out
    partial_reason: str = ""  # why `partial`, for people
    decoded_until: float = 0.0
    processing_time: float = 0.0
    engine: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VideoResult:
    """The outcome of `process_video`: the video, its segments, and how processing went."""

    video: VideoInfo
    segments: list[Segment]
    stats: ProcessingStats
    cached: bool = False

    def summary(self) -> dict[str, Any]:
        n_code = sum(s.segment_type != "learning" for s in self.segments)
        return {
            "video_id": self.video.video_id,
            "title": self.video.title,
            "duration": round(self.video.duration, 3),
            "segments": len(self.segments),
            "code_segments": n_code,
            "learning_segments": len(self.segments) - n_code,
            "processing_time": round(self.stats.processing_time, 3),
            "cached": self.cached,
            "partial": self.stats.partial,
            "frames_failed": self.stats.frames_failed,
            "engine": self.stats.engine,
        }
