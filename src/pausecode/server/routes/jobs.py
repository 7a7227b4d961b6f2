"""Job status and cancellation. Any API process answers for any job: the state lives in the store."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ...errors import UsageError
from ..errors import ERROR_RESPONSES, ConflictError
from ..schemas import JobStatus
from ..security import require_api_key
from ..state import get_state

router = APIRouter(prefix="/api/v1", tags=["jobs"], dependencies=[Depends(require_api_key)],
                   responses=ERROR_RESPONSES)

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def checked_job_id(job_id: str) -> str:
    if not _JOB_ID.fullmatch(job_id):
        raise UsageError(f"invalid job id {job_id[:80]!r}", hint="job ids are 32 lowercase hex characters")
    return job_id


def links_for(video_id: str | None, job_id: str | None = None) -> dict[str, str | None]:
    base = f"/api/v1/video/{video_id}" if video_id else None
    return {
        "job": f"/api/v1/jobs/{job_id}" if job_id else None,
        "info": f"{base}/info" if base else None,
        "code": f"{base}/code?timestamp=0" if base else None,
        "segments": f"{base}/segments" if base else None,
        "media": f"{base}/media" if base else None,
        "timeline": f"{base}/timeline" if base else None,
    }


def job_payload(job: dict[str, Any]) -> dict[str, Any]:
    return {"success": True, **job, "status": job["state"], "links": links_for(job["video_id"], job["job_id"])}


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="State and progress of a job")
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    return job_payload(get_state(request).jobs.get(checked_job_id(job_id)))


@router.delete("/jobs/{job_id}", response_model=JobStatus, summary="Cancel a queued or running job",
               responses={409: {"description": "the job already finished"}})
def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
    jobs = get_state(request).jobs
    job = jobs.get(checked_job_id(job_id))
    if job["state"] in ("done", "failed", "cancelled"):
        raise ConflictError(f"job {job_id} already finished ({job['state']})")
    return job_payload(jobs.cancel(job_id))


@router.get("/jobs", summary="Recent jobs, newest first")
def list_jobs(request: Request, limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    jobs = get_state(request).queue.jobs.list(limit)
    return {"success": True, "total_jobs": len(jobs), "jobs": [job_payload(j) for j in jobs]}
