"""Removing uploaded files nobody will read again: the upload of a job that failed or was cancelled, and the
earlier upload of a video that a forced re-upload replaced.

Only files the API received are ever removed: each upload has its own folder `<data>/uploads/<random>/`, and a
job's source counts as an upload only when it is a file directly in such a folder. A local file a user had
processed by its path is never touched, whatever the job's outcome.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sqlalchemy import select

from ..settings import Settings
from ..store.db import Store, VideoRow

log = logging.getLogger(__name__)

UPLOADS_DIRNAME = "uploads"
KEPT_STATUSES = ("complete", "partial")  # a stored result whose media is this file still needs it


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / UPLOADS_DIRNAME


def upload_folder(settings: Settings, source: str | None) -> Path | None:
    """The upload's own folder when `source` is a file the API received; None for anything else."""
    if not source:
        return None
    root = uploads_dir(settings).resolve()
    folder = Path(source).resolve().parent
    return folder if folder.parent == root else None


def stored_media_path(store: Store, video_id: str | None) -> str | None:
    """The file a stored result (complete or partial) of `video_id` plays from, if any."""
    if not video_id:
        return None
    with store.session() as s:
        row = s.execute(select(VideoRow.status, VideoRow.info).where(VideoRow.video_id == video_id)).first()
    if row is None or row[0] not in KEPT_STATUSES:
        return None
    return str((row[1] or {}).get("path") or "") or None


def remove_upload(settings: Settings, store: Store, source: str | None, video_id: str | None) -> bool:
    """Delete the upload folder of `source`, unless it is not an upload or a stored result still plays from it."""
    folder = upload_folder(settings, source)
    if folder is None or not folder.exists():
        return False
    kept = stored_media_path(store, video_id)
    if kept and Path(kept).resolve().parent == folder:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    log.info("removed upload %s", folder.name)
    return True
