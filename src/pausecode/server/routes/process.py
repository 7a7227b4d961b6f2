"""Start processing: by URL (`/video/process`, the reference's endpoint) or by uploading a file (`/video/upload`)."""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ...engine_status import missing_package
from ...errors import UsageError
from ...ingest.ids import file_content_id
from ...ingest.probe import probe_video
from ...ingest.urls import check_url
from ...jobs.manager import Submission
from ...recognize.base import available_engines
from ...settings import Settings
from ..errors import ERROR_RESPONSES, ERROR_SCHEMA
from ..schemas import ProcessAccepted, ProcessRequest
from ..security import require_api_key
from ..state import get_state
from ..upload import receive_upload
from .jobs import links_for

router = APIRouter(prefix="/api/v1", tags=["processing"], dependencies=[Depends(require_api_key)],
                   responses=ERROR_RESPONSES)

_ACCEPT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ProcessAccepted, "description": "already processed: the summary, at once"},
    403: {"description": "URL points at a private/loopback address",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}},
    503: {"description": "the job queue is not available: nothing was queued, try again later; or the engine's "
                         "package is not installed here (the message names its extra)",
          "content": {"application/json": {"schema": ERROR_SCHEMA}}},
}


def check_engine(engine: str | None, settings: Settings) -> str | None:
    """Refuse, before anything is queued or received, an unknown engine or one whose package is missing here
    (503 naming its one extra: the same line the CLI prints). `None` means the server's default engine."""
    if engine is not None and engine not in available_engines():
        raise UsageError(f"unknown engine {engine!r}", hint=f"choose one of: {', '.join(available_engines())}")
    missing = missing_package(engine or settings.engine, settings)
    if missing is not None:
        raise missing
    return engine


def submission_response(sub: Submission) -> JSONResponse:
    if sub.summary is not None:
        s = sub.summary
        body = {
            "success": True, "status": "completed", "message": "video already processed",
            "video_id": s["video_id"], "job_id": None, "joined": False,
            "video_title": s.get("title"), "duration": s.get("duration"),
            "total_segments": s.get("segments"), "processing_time": s.get("processing_time"), "cached": True,
            "summary": s, "links": links_for(s["video_id"]),
        }
        return JSONResponse(body, status_code=200)
    job = sub.job or {}
    body = {
        "success": True, "status": job.get("state", "queued"),
        "message": "joined the job already processing this video" if sub.joined else "processing queued",
        "video_id": job.get("video_id"), "job_id": job.get("job_id"), "joined": sub.joined,
        "links": links_for(job.get("video_id"), job.get("job_id")),
    }
    return JSONResponse(body, status_code=202, headers={"Location": f"/api/v1/jobs/{job.get('job_id')}"})


@router.post("/video/process", status_code=202, response_model=ProcessAccepted, responses=_ACCEPT_RESPONSES,
             summary="Process a video by URL (queued as a job)")
def process(request: Request, body: ProcessRequest) -> JSONResponse:
    st = get_state(request)
    url = check_url(body.source, st.settings)
    options = {"force_reprocess": body.force_reprocess, "frame_interval": body.frame_interval,
               "engine": check_engine(body.engine, st.settings)}
    return submission_response(st.jobs.submit_url(url, options))


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}},
        }}},
    }
}


@router.post("/video/upload", status_code=202, response_model=ProcessAccepted, openapi_extra=_UPLOAD_BODY,
             responses={**_ACCEPT_RESPONSES, 413: {"description": "file or video too large",
                                                   "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                        408: {"description": "the body stalled longer than upload_body_timeout",
                              "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                        507: {"description": "not enough free disk space for the upload",
                              "content": {"application/json": {"schema": ERROR_SCHEMA}}}},
             summary="Upload a video file (multipart field `file`); processing is queued at once")
async def upload(
    request: Request,
    force_reprocess: bool = Query(False),
    frame_interval: float | None = Query(None, gt=0, le=60),
    engine: str | None = Query(None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$"),
) -> JSONResponse:
    st = get_state(request)
    options = {"force_reprocess": force_reprocess, "frame_interval": frame_interval,
               "engine": check_engine(engine, st.settings)}
    path, _size, folder = await receive_upload(
        request, st.settings.data_dir / "uploads", st.settings.max_upload_mb,
        body_timeout=st.settings.upload_body_timeout, min_free_mb=st.settings.upload_min_free_mb,
    )
    try:
        await run_in_threadpool(probe_video, path, st.settings.max_video_duration)
        video_id = await run_in_threadpool(file_content_id, path)
        sub = await run_in_threadpool(st.jobs.submit_file, str(path.resolve()), video_id, options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if sub.summary is not None or sub.joined:
        shutil.rmtree(folder, ignore_errors=True)  # the same content is already here
    return submission_response(sub)
