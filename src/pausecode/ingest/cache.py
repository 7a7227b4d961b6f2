"""The download cache in videos_dir: sidecars (completion markers) and the url → id map. No network here.

- `<video_id>.info.json` is written last, after the video is moved into place; a sidecar whose file is
  missing or has another size is ignored, so a half download is never taken as complete.
- `url_ids.json` maps non-YouTube URLs to ids (YouTube ids come from the URL itself).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import PausecodeError
from ..models import VideoInfo
from ..settings import Settings
from .ids import validate_video_id
from .urls import extract_youtube_id

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".info.json"
SIDECAR_VERSION = 1
URL_MAP_NAME = "url_ids.json"
TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 24 * 3600

_map_lock = threading.Lock()


def cached_video(url: str, settings: Settings) -> VideoInfo | None:
    """The complete local download of `url`, found without network, or None."""
    video_id = extract_youtube_id(url) or lookup_url_id(settings.videos_dir, url)
    if video_id is None:
        return None
    return load_sidecar(settings.videos_dir, video_id, source=url)


def load_sidecar(videos_dir: Path, video_id: str, source: str | None = None) -> VideoInfo | None:
    """Read `<video_id>.info.json`; None unless it names an existing file of the recorded size."""
    try:
        validate_video_id(video_id)
    except PausecodeError:
        return None
    path = videos_dir / f"{video_id}{SIDECAR_SUFFIX}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["file"]
        if not isinstance(name, str) or Path(name).name != name or not name.startswith(video_id + "."):
            return None
        media = videos_dir / name
        if media.stat().st_size != data.get("size"):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    subtitles = {
        str(lang): str((videos_dir / fname).resolve())
        for lang, fname in (data.get("subtitles") or {}).items()
        if isinstance(fname, str) and Path(fname).name == fname and (videos_dir / fname).is_file()
    }
    return VideoInfo(
        video_id=video_id,
        path=str(media.resolve()),
        source=source or data.get("source") or "",
        title=data.get("title") or video_id,
        duration=float(data.get("duration") or 0.0),
        uploader=data.get("uploader"),
        platform=data.get("platform"),
        platform_id=data.get("platform_id"),
        subtitles=subtitles,
    )


def forget_download(videos_dir: Path, video_id: str) -> None:
    """Drop a cached download (e.g. it turned out not to decode), so the next call downloads again."""
    validate_video_id(video_id)
    for p in videos_dir.glob(f"{video_id}.*"):
        if p.is_file() and p.name.split(".", 1)[0] == video_id:
            p.unlink(missing_ok=True)


def lookup_url_id(videos_dir: Path, url: str) -> str | None:
    mapping = _read_url_map(videos_dir)
    video_id = mapping.get(url.strip())
    if isinstance(video_id, str):
        try:
            return validate_video_id(video_id)
        except PausecodeError:
            return None
    return None


def _read_url_map(videos_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((videos_dir / URL_MAP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_url(videos_dir: Path, url: str, video_id: str, *more_urls: Any) -> None:
    """Record url → id (a lost update only costs one metadata request later)."""
    if extract_youtube_id(url):
        return  # YouTube ids come from the URL itself
    urls = {url.strip(), *(u.strip() for u in more_urls if isinstance(u, str) and u.strip())}
    with _map_lock:
        mapping = _read_url_map(videos_dir)
        if all(mapping.get(u) == video_id for u in urls):
            return
        mapping.update({u: video_id for u in urls})
        try:
            write_json_atomic(videos_dir / URL_MAP_NAME, mapping)
        except OSError as e:
            log.warning("cannot update %s: %s", videos_dir / URL_MAP_NAME, e)


def write_json_atomic(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep_stale_tmp(videos_dir: Path) -> None:
    """Remove temp folders/files of downloads killed more than a day ago."""
    now = time.time()
    for p in videos_dir.glob(TMP_PREFIX + "*"):
        try:
            newest = (
                max([p.stat().st_mtime, *(c.stat().st_mtime for c in p.rglob("*"))])
                if p.is_dir()
                else p.stat().st_mtime
            )
            if now - newest > STALE_TMP_SECONDS:
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        except OSError:
            continue
