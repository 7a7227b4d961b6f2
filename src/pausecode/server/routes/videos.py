"""Read endpoints for processed videos: code at a moment, segments, timeline, info, the list of videos."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...errors import VideoNotFoundError
from ...exports import export_path
from ...ingest.cache import forget_download
from ...ingest.urls import is_url
from ...settings import EXPORT_CHOICES
from ..errors import ERROR_RESPONSES, ConflictError
from ..schemas import CodeAnswer, SegmentList, VideoInfoOut, VideoList
from ..security import require_api_key
from ..state import checked_id, get_state

router = APIRouter(prefix="/api/v1", tags=["videos"], dependencies=[Depends(require_api_key)],
                   responses=ERROR_RESPONSES)


def iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else None


def fast_json(payload: dict[str, Any], status: int = 200) -> Response:
    """Skip FastAPI's response-model pass for the hot read paths (the dicts are already JSON-ready)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json")


@router.get("/video/{video_id}/code", response_model=CodeAnswer, summary="The code on screen at a moment")
async def code_at(
    request: Request,
    video_id: str,
    timestamp: str = Query(..., max_length=64, description="seconds (`83.5`) or `[h:]m:s` (`1:23.5`)"),
    tolerance: float = Query(1.0, ge=0, le=86400, description="accept the nearest segment within this many s"),
) -> Response:
    vid = checked_id(video_id)
    answer = get_state(request).fresh(vid).get_code_at_timestamp(vid, timestamp, tolerance)
    return fast_json({"success": True, "video_id": vid, **answer})


@router.get("/video/{video_id}/segments", response_model=SegmentList, summary="Segments of a video")
async def segments(
    request: Request,
    video_id: str,
    type: Literal["code", "learning", "mixed"] | None = Query(None, description="only this segment type"),
    min_confidence: float = Query(0.0, ge=0, le=1),
) -> Response:
    vid = checked_id(video_id)
    service = get_state(request).fresh(vid)
    segs = service.get_segments(vid, type, min_confidence)
    fps = service.get_result(vid).video.fps or 0.0
    out = [{**s.to_dict(), "timestamp": round(s.start, 3), "frame_number": round(s.start * fps)} for s in segs]
    return fast_json({"success": True, "video_id": vid, "total_segments": len(out), "segments": out})


@router.get("/video/{video_id}/timeline", summary="The code timeline as a markdown download",
            response_class=Response,
            responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}},
                             "description": "markdown file"}})
def timeline(request: Request, video_id: str) -> Response:
    vid = checked_id(video_id)
    text = get_state(request).fresh(vid).export(vid, "md")
    return Response(text.encode("utf-8"), media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="code_timeline_{vid}.md"'})


def _public_source(source: str | None) -> str | None:
    return source if source and is_url(source) else None


@router.get("/video/{video_id}/info", response_model=VideoInfoOut, summary="Video metadata and processing stats")
def info(request: Request, video_id: str) -> Response:
    vid = checked_id(video_id)
    st = get_state(request)
    result = st.fresh(vid).get_result(vid)
    v, stats = result.video, result.stats
    summary = result.summary()
    meta = {
        "title": v.title, "uploader": v.uploader, "platform": v.platform, "platform_id": v.platform_id,
        "width": v.width, "height": v.height, "fps": v.fps, "source": _public_source(v.source),
        "subtitles": sorted(v.subtitles or {}), "stats": stats.to_dict(),
    }
    row = st.video_row(vid)
    return fast_json({
        "success": True,
        "video_id": vid,
        "video_title": v.title,
        "title": v.title,
        "duration": round(v.duration, 3),
        "total_segments": len(result.segments),
        "code_segments": summary["code_segments"],
        "learning_segments": summary["learning_segments"],
        "total_frames_analyzed": stats.frames_decoded,
        "processing_time": round(stats.processing_time, 3),
        "partial": stats.partial,
        "engine": stats.engine,
        "status": row["status"] if row else None,
        "metadata": meta,
        "extraction_date": iso(row["updated_at"]) if row else None,
    })


@router.get("/videos", response_model=VideoList, summary="Processed videos, newest first")
def videos(
    request: Request,
    include_incomplete: bool = Query(False, description="also list videos still processing or failed"),
) -> Response:
    rows = get_state(request).store.list_videos()
    out = [
        {
            "video_id": r["video_id"],
            "video_title": r["title"],
            "title": r["title"],
            "duration": r["duration"],
            "total_segments": r["segments"],
            "status": r["status"],
            "extraction_date": iso(r["updated_at"]),
            "processing_time": r["processing_time"],
            "source": _public_source(r["source"]),
        }
        for r in rows
        if include_incomplete or r["status"] in ("complete", "partial")
    ]
    return fast_json({"success": True, "total_videos": len(out), "videos": out})


def _remove_upload(uploads_dir: Path, path: str | None) -> None:
    """Remove the uploaded file's own folder (`<uploads>/<uuid>/`), never anything outside the uploads folder."""
    if not path:
        return
    folder = Path(path).resolve().parent
    if folder.parent == uploads_dir.resolve():
        shutil.rmtree(folder, ignore_errors=True)


@router.delete("/video/{video_id}", summary="Delete a processed video: its result, exports and stored media",
               responses={409: {"description": "the video is still being processed"}})
def delete_video(request: Request, video_id: str) -> Response:
    vid = checked_id(video_id)
    st = get_state(request)
    row = st.video_row(vid)
    if row is None:
        raise VideoNotFoundError(f"no processed video with id {vid!r}")
    if row["status"] == "processing":
        raise ConflictError(f"video {vid} is still being processed: cancel its job first")
    st.store.delete_video(vid)
    st.service.forget(vid)
    for fmt in EXPORT_CHOICES:
        export_path(st.settings.exports_dir, vid, fmt).unlink(missing_ok=True)
    forget_download(st.settings.videos_dir, vid)
    _remove_upload(st.settings.data_dir / "uploads", row["path"])
    return fast_json({"success": True, "video_id": vid, "deleted": True})
