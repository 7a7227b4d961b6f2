"""What one API process holds: settings, the service, the job queue, request counters, and freshness checks.

Lookups are answered from the service's in-memory index. A worker in another process may re-process a video
at any time, so before answering for a video the API checks (at most once a second per video) whether its row
changed, and drops the stale index if so.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from fastapi import Request
from sqlalchemy import select

from ..ingest.ids import validate_video_id
from ..jobs.manager import JobManager
from ..jobs.queue import JobQueue
from ..service import PauseToCodeService
from ..settings import Settings
from ..store.db import Store, VideoRow

FRESHNESS_SECONDS = 1.0


class RequestLog:
    """Counts requests and keeps the last few (for /api/v1/stats). Per process."""

    def __init__(self, keep: int = 10) -> None:
        self.total = 0
        self.recent: deque[dict[str, Any]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, method: str, path: str, status: int, ms: float) -> None:
        with self._lock:
            self.total += 1
            self.recent.append({"timestamp": time.time(), "method": method, "endpoint": path, "status": status,
                                "duration_ms": round(ms, 2)})


class AppState:
    def __init__(self, settings: Settings, queue: JobQueue | None = None) -> None:
        self.settings = settings
        self.queue = queue or JobQueue(settings)
        self.service: PauseToCodeService = self.queue.service
        self.store: Store = self.service.store
        self.jobs = JobManager(self.queue, self.store)
        self.requests = RequestLog()
        self._seen: dict[str, tuple[float, tuple[str, float] | None]] = {}

    def _stamp(self, video_id: str) -> tuple[str, float] | None:
        with self.store.session() as s:
            row = s.execute(
                select(VideoRow.status, VideoRow.updated_at).where(VideoRow.video_id == video_id)
            ).first()
        return (row[0], row[1]) if row else None

    def fresh(self, video_id: str) -> PauseToCodeService:
        """The service, with `video_id`'s index dropped if the store changed since it was loaded."""
        now = time.monotonic()
        seen = self._seen.get(video_id)
        if seen is not None and now - seen[0] < FRESHNESS_SECONDS:
            return self.service
        stamp = self._stamp(video_id)
        if seen is None or seen[1] != stamp:
            self.service.forget(video_id)
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[video_id] = (now, stamp)
        return self.service

    def video_row(self, video_id: str) -> dict[str, Any] | None:
        """Status, times and the local file of a video row (any status), or None."""
        with self.store.session() as s:
            row = s.get(VideoRow, video_id)
            if row is None:
                return None
            return {"status": row.status, "updated_at": row.updated_at, "created_at": row.created_at,
                    "path": str((row.info or {}).get("path") or "") or None}


def get_state(request: Request) -> AppState:
    return request.app.state.pc  # type: ignore[no-any-return]


def checked_id(video_id: str) -> str:
    return validate_video_id(video_id)
