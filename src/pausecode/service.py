"""`PauseToCodeService`: the library's front door. The CLI, the REST API and the job workers all call this.

It raises `PausecodeError`s and never prints; shells turn errors into exit codes or HTTP statuses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import exports
from .errors import EngineError, PartialVideoError, PausecodeError, UsageError, VideoNotFoundError
from .ingest import open_source
from .models import SEGMENT_TYPES, Segment, VideoResult
from .pipeline import ProgressFn, run_pipeline
from .query.index import IntervalIndex, parse_timestamp
from .recognize.base import engine_class, get_engine
from .settings import Settings, load_settings
from .store.db import Store

log = logging.getLogger(__name__)

LEARNING_MESSAGE = "Learning phase: no code on screen"


class PauseToCodeService:
    """Process tutorial videos once; answer 'what code is on screen at t' instantly."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or load_settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.settings.db_url)
        self._indexes: dict[str, tuple[IntervalIndex, VideoResult]] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- processing
    def process(
        self,
        source: str,
        frame_interval: float | None = None,
        force_reprocess: bool = False,
        engine: str | None = None,
        progress: ProgressFn | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> VideoResult:
        """Ingest `source` (file or URL), recognise it, store segments and exports. Cache hit unless forced."""
        started = time.perf_counter()
        settings = self.settings
        if frame_interval is not None:
            if not frame_interval > 0:
                raise UsageError(f"frame interval must be positive, got {frame_interval}")
            settings = settings.model_copy(update={"frame_interval": float(frame_interval)})
        if engine:
            settings = settings.model_copy(update={"engine": engine})
        engine_class(settings.engine)  # an unknown engine is an error even when the result is cached
        info = open_source(source, settings, progress=progress)
        if not force_reprocess and self.store.has_result(info.video_id):
            result = self.store.load_result(info.video_id)
            result.cached = True
            return result
        eng = get_engine(settings.engine, settings)
        if not self.store.has_result(info.video_id):  # a forced re-run keeps the old result readable until done
            self.store.mark_processing(info)
        try:
            segments, stats = run_pipeline(info, eng, settings, progress=progress, should_cancel=should_cancel)
        except BaseException as e:
            self.store.mark_failed(info.video_id, str(e))
            raise
        finally:
            eng.close()
        stats.processing_time = time.perf_counter() - started
        result = VideoResult(video=info, segments=segments, stats=stats)
        self.store.save_result(result)
        with self._lock:
            self._indexes.pop(info.video_id, None)
        exports.write_all(result, settings.exports_dir, settings.exports)
        if stats.partial:
            log.warning("video %s stored as partial: %s", info.video_id, stats.partial_reason)
        return result

    def process_video(
        self, source: str, frame_interval: float = 2.0, force_reprocess: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """Reference-compatible: process and return a summary dict (video_id, title, duration, segments...)."""
        return self.process(source, frame_interval, force_reprocess, **kwargs).summary()

    # ---------------------------------------------------------------- queries
    def _index(self, video_id: str) -> tuple[IntervalIndex, VideoResult]:
        hit = self._indexes.get(video_id)
        if hit is not None:
            return hit
        result = self.store.load_result(video_id)
        entry = (IntervalIndex(result.segments), result)
        with self._lock:
            self._indexes[video_id] = entry
        return entry

    def forget(self, video_id: str) -> None:
        with self._lock:
            self._indexes.pop(video_id, None)

    def get_result(self, video_id: str) -> VideoResult:
        return self._index(video_id)[1]

    def get_code_at_timestamp(self, video_id: str, timestamp: Any, tolerance: float = 1.0) -> dict[str, Any]:
        """The segment whose interval holds `timestamp`, or the nearest within `tolerance` seconds."""
        t = parse_timestamp(timestamp)
        tol = parse_timestamp(tolerance)
        index, _ = self._index(video_id)
        seg, dist = index.find(t, tol)
        if seg is None:
            return {
                "found": False,
                "timestamp_requested": t,
                "timestamp_actual": None,
                "time_difference": None if dist == float("inf") else round(dist, 3),
                "segment_type": None,
                "code_content": None,
                "message": f"No segment within {tol:g}s of {t:g}s",
                "learning_topic": None,
                "confidence": 0.0,
                "language": None,
                "code_complete": None,
                "file_name": None,
                "segment_start": None,
                "segment_end": None,
            }
        actual = min(max(t, seg.start), seg.end)
        is_code = seg.segment_type != "learning"
        return {
            "found": True,
            "timestamp_requested": t,
            "timestamp_actual": round(actual, 3),
            "time_difference": round(dist, 3),
            "segment_type": seg.segment_type,
            "code_content": seg.code_content if is_code else None,
            "message": None
            if is_code
            else (f"{LEARNING_MESSAGE}: {seg.learning_topic}" if seg.learning_topic else LEARNING_MESSAGE),
            "learning_topic": seg.learning_topic,
            "confidence": round(seg.confidence, 3),
            "language": seg.language,
            "code_complete": seg.code_complete,
            "file_name": seg.file_name,
            "segment_start": round(seg.start, 3),
            "segment_end": round(seg.end, 3),
        }

    def get_segments(
        self, video_id: str, segment_type: str | None = None, min_confidence: float = 0.0
    ) -> list[Segment]:
        if segment_type is not None and segment_type not in SEGMENT_TYPES:
            raise UsageError(f"segment type must be one of {', '.join(SEGMENT_TYPES)}, got {segment_type!r}")
        _, result = self._index(video_id)
        return [
            s
            for s in result.segments
            if (segment_type is None or s.segment_type == segment_type) and s.confidence >= min_confidence
        ]

    def get_all_code_segments(self, video_id: str) -> list[dict[str, Any]]:
        """Reference-compatible: every segment that shows code, as dicts."""
        return [s.to_dict() for s in self.get_segments(video_id) if s.segment_type != "learning"]

    def export_code_timeline(self, video_id: str, output_file: str | Path | None = None) -> str:
        """Write the markdown timeline; returns its path."""
        result = self.get_result(video_id)
        path = Path(output_file) if output_file else self.settings.exports_dir / f"{video_id}_timeline.md"
        exports.atomic_write(path, exports.timeline_markdown(result))
        return str(path)

    def export(self, video_id: str, fmt: str) -> str:
        result = self.get_result(video_id)
        if fmt == "json":
            return exports.analysis_json(result)
        if fmt == "md":
            return exports.timeline_markdown(result)
        if fmt == "py":
            return exports.extracted_code(result)
        raise UsageError(f"export format must be json, md or py, got {fmt!r}")

    def list_videos(self) -> list[dict[str, Any]]:
        return self.store.list_videos()

    def video_info(self, video_id: str) -> dict[str, Any]:
        result = self.get_result(video_id)
        return {**result.video.to_dict(), "stats": result.stats.to_dict(), **result.summary()}


__all__ = [
    "PauseToCodeService",
    "PausecodeError",
    "VideoNotFoundError",
    "EngineError",
    "PartialVideoError",
]
