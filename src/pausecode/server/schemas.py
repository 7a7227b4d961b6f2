"""Request and response models. Field names follow the reference design's API (`success`, `video_title`,
`total_segments`, `found`, `code_content`, ...) so a front end written for it works unchanged."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class ProcessRequest(BaseModel):
    """Give `youtube_url` (the reference's name) or `url`: any http(s) video page or direct video link."""

    model_config = ConfigDict(extra="ignore")

    youtube_url: str | None = Field(None, max_length=2048, examples=["https://www.youtube.com/watch?v=dQw4w9WgXcQ"])
    url: str | None = Field(None, max_length=2048)
    force_reprocess: bool = False
    frame_interval: float | None = Field(None, gt=0, le=60, description="max seconds a screen change goes unseen")
    engine: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    full_process: bool | None = Field(None, description="accepted for reference compatibility; always full")

    @model_validator(mode="after")
    def _one_source(self) -> ProcessRequest:
        if not (self.youtube_url or self.url):
            raise ValueError("give youtube_url or url")
        if self.youtube_url and self.url and self.youtube_url != self.url:
            raise ValueError("give youtube_url or url, not both")
        return self

    @property
    def source(self) -> str:
        return (self.url or self.youtube_url or "").strip()


class Links(BaseModel):
    job: str | None = None
    info: str | None = None
    code: str | None = None
    segments: str | None = None
    media: str | None = None
    timeline: str | None = None


class JobError(BaseModel):
    code: str | None
    message: str | None


class JobStatus(BaseModel):
    success: bool = True
    job_id: str
    status: JobState
    state: JobState
    kind: str
    video_id: str | None
    source: str | None
    stage: str | None
    percent: float = Field(description="progress of the current stage, 0-100")
    frames_done: int
    frames_total: int
    eta_seconds: float | None
    cancel_requested: bool
    error: JobError | None
    result: dict[str, Any] | None
    attempts: int
    options: dict[str, Any]
    created_at: float
    started_at: float | None
    finished_at: float | None
    updated_at: float
    heartbeat_at: float | None
    links: Links


class ProcessAccepted(BaseModel):
    """202: a job was queued (or joined). 200: the video was already processed (`status` = completed)."""

    success: bool = True
    status: str
    message: str
    video_id: str | None = None
    job_id: str | None = None
    joined: bool = False
    video_title: str | None = None
    duration: float | None = None
    total_segments: int | None = None
    processing_time: float | None = None
    cached: bool | None = None
    links: Links


class CodeAnswer(BaseModel):
    success: bool = True
    video_id: str
    found: bool
    timestamp_requested: float
    timestamp_actual: float | None
    time_difference: float | None
    segment_type: str | None
    code_content: str | None
    message: str | None
    learning_topic: str | None
    confidence: float
    language: str | None
    code_complete: bool | None
    file_name: str | None
    segment_start: float | None
    segment_end: float | None


class SegmentOut(BaseModel):
    start: float
    end: float
    timestamp: float = Field(description="= start (the reference's per-reading time)")
    frame_number: int = Field(description="frame index of `start` (reference field)")
    segment_type: str
    code_content: str | None
    learning_topic: str | None
    confidence: float
    language: str | None
    code_complete: bool | None
    file_name: str | None


class SegmentList(BaseModel):
    success: bool = True
    video_id: str
    total_segments: int
    segments: list[SegmentOut]


class VideoSummary(BaseModel):
    video_id: str
    video_title: str
    title: str
    duration: float
    total_segments: int
    status: str
    extraction_date: str | None
    processing_time: float | None
    source: str | None


class VideoList(BaseModel):
    success: bool = True
    total_videos: int
    videos: list[VideoSummary]


class VideoInfoOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    success: bool = True
    video_id: str
    video_title: str
    duration: float
    total_segments: int
    total_frames_analyzed: int
    metadata: dict[str, Any]
    extraction_date: str | None


class Stats(BaseModel):
    success: bool = True
    total_requests: int
    total_videos_processed: int
    cache_size_mb: float
    recent_requests: list[dict[str, Any]]
    jobs: dict[str, int]
    queue_pending: int | None


class Health(BaseModel):
    status: str
    service: str
    version: str
    timestamp: str
    store: bool
    queue: bool


class MediaToken(BaseModel):
    success: bool = True
    video_id: str
    token: str | None
    expires_at: int
    media_url: str
