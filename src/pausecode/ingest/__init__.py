"""Ingest: a local file or a URL becomes a local video file plus its `VideoInfo` (id, title, duration...)."""

from __future__ import annotations

from .ids import file_content_id, platform_video_id, validate_video_id
from .probe import ProbeResult, probe_video
from .source import SUPPORTED_EXTENSIONS, open_source
from .urls import check_url, extract_youtube_id, is_url

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ProbeResult",
    "check_url",
    "extract_youtube_id",
    "file_content_id",
    "is_url",
    "open_source",
    "platform_video_id",
    "probe_video",
    "validate_video_id",
]
