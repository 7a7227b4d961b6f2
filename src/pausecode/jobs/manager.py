"""Submitting work: a URL or an uploaded file becomes a job, unless its video is already processed or running.

Rules (the API's contract):
- a video already processed answers at once with its summary (unless `force_reprocess`);
- the same source (or video id) asked for while a job for it is queued or running joins that job — decided by
  the job table's unique `active_key`, so concurrent identical submissions make one job, never several;
- otherwise a job row is written and its id enqueued; when the queue refuses the id, the row is removed again
  and the caller gets `QueueUnavailableError` (503): no job is left that nothing would run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import QueueUnavailableError
from ..ingest.urls import extract_youtube_id
from ..store.db import Store
from .queue import JobQueue


def source_key(url: str) -> str:
    """A normalised form of a URL for recognising the same request twice."""
    vid = extract_youtube_id(url)
    if vid:
        return f"youtube:{vid}"
    parts = urlsplit(url.strip())
    return f"url:{parts.scheme.lower()}://{(parts.netloc or '').lower()}{parts.path}?{parts.query}"


@dataclass
class Submission:
    """Either `summary` (already processed) or `job` (new or joined)."""

    summary: dict[str, Any] | None = None
    job: dict[str, Any] | None = None
    joined: bool = False


class JobManager:
    """Creates and deduplicates jobs on top of a `JobQueue`; reads and cancels them."""

    def __init__(self, queue: JobQueue, store: Store | None = None) -> None:
        self.queue = queue
        self.jobs = queue.jobs
        self.store = store or Store(queue.settings.db_url)

    def _cached_summary(self, video_id: str | None, force: bool) -> dict[str, Any] | None:
        if force or not video_id or not self.store.has_result(video_id):
            return None
        return self.store.load_result(video_id).summary()

    def _previous_video_for(self, key: str) -> str | None:
        """For sources whose id is only known after download: the video a finished job on this source made."""
        from sqlalchemy import select

        from ..store.jobs import JobRow

        with self.jobs._session() as s:
            return s.scalars(
                select(JobRow.video_id)
                .where(JobRow.source_key == key, JobRow.state == "done", JobRow.video_id.is_not(None))
                .order_by(JobRow.finished_at.desc())
                .limit(1)
            ).first()

    def submit(self, *, kind: str, source: str, key: str, video_id: str | None,
               options: dict[str, Any]) -> Submission:
        force = bool(options.get("force_reprocess"))
        known = video_id or self._previous_video_for(key)
        summary = self._cached_summary(known, force)
        if summary is not None:
            return Submission(summary=summary)
        active = self.jobs.find_active(source_key=key, video_id=video_id)
        if active is not None:
            return Submission(job=active, joined=True)
        made = self.jobs.create_or_join(kind=kind, source=source, source_key=key, video_id=video_id,
                                        options=options)
        if not made.created:
            return Submission(job=made.job, joined=True)
        try:
            self.queue.enqueue(made.job["job_id"])
        except QueueUnavailableError:
            self.jobs.discard_unqueued(made.job["job_id"])
            raise
        return Submission(job=made.job)

    def submit_url(self, url: str, options: dict[str, Any]) -> Submission:
        return self.submit(kind="url", source=url, key=source_key(url), video_id=extract_youtube_id(url), options=options)

    def submit_file(self, path: str, video_id: str | None, options: dict[str, Any],
                    kind: str = "upload") -> Submission:
        key = f"file:{video_id}" if video_id else f"path:{path}"
        return self.submit(kind=kind, source=path, key=key, video_id=video_id, options=options)

    def get(self, job_id: str) -> dict[str, Any]:
        return self.jobs.get(job_id)

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Cancel a job; a queued one ends at once and its upload is removed (a running one's worker removes it)."""
        job = self.jobs.request_cancel(job_id)
        if job["state"] == "cancelled":
            self.queue.discard_upload(job_id)
        return job
