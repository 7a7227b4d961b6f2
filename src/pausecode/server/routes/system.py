"""Health (open, for load balancers) and usage statistics."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import text

from ... import __version__
from ..errors import ERROR_RESPONSES
from ..schemas import Health, Stats
from ..security import require_api_key
from ..state import get_state

router = APIRouter(tags=["system"])
api_router = APIRouter(prefix="/api/v1", tags=["system"], dependencies=[Depends(require_api_key)],
                       responses=ERROR_RESPONSES)

SERVICE_NAME = "pausecode Pause-to-Code API"


def _store_ok(request: Request) -> bool:
    try:
        with get_state(request).store.session() as s:
            s.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - health reports, never raises
        return False


@router.get("/health", response_model=Health, summary="Liveness and readiness (store and job queue)")
async def health(request: Request) -> dict[str, Any]:
    store_ok = await run_in_threadpool(_store_ok, request)
    queue_ok = await run_in_threadpool(get_state(request).queue.ping)
    return {
        "status": "healthy" if store_ok and queue_ok else "degraded",
        "service": SERVICE_NAME,
        "version": __version__,
        "timestamp": datetime.now().astimezone().isoformat(),
        "store": store_ok,
        "queue": queue_ok,
    }


def _folder_size(folder: Path) -> int:
    total = 0
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return total


@api_router.get("/stats", response_model=Stats, summary="Usage statistics of this server")
def stats(request: Request) -> dict[str, Any]:
    st = get_state(request)
    videos = st.store.list_videos()
    return {
        "success": True,
        "total_requests": st.requests.total,
        "total_videos_processed": sum(v["status"] in ("complete", "partial") for v in videos),
        "cache_size_mb": round(_folder_size(st.settings.data_dir) / (1024 * 1024), 2),
        "recent_requests": list(st.requests.recent),
        "jobs": st.queue.jobs.counts(),
        "queue_pending": st.queue.pending_count(),
    }
