"""`open_source`: whatever the user gave (URL or path) becomes a decodable local file plus its VideoInfo."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, UsageError
from ..models import VideoInfo
from ..settings import Settings
from .cache import cached_video, forget_download
from .download import ProgressFn, download_video
from .ids import file_content_id
from .probe import ProbeResult, probe_video
from .urls import check_url, is_url, url_scheme

# the formats we expect; other files are still probed and accepted if they decode as video
SUPPORTED_EXTENSIONS = (".mp4", ".webm", ".mkv", ".mov", ".avi")


def open_source(
    source: str | os.PathLike[str], settings: Settings, progress: ProgressFn | None = None
) -> VideoInfo:
    """Resolve `source` to a local video: download URLs (cached), probe files. Never copies local files.

    URLs: check_url (scheme/host/private-address rules) → download_video → probe. `file://`, `ftp://`,
    `javascript:` etc. raise UnsupportedURLError. Anything else is a local path (`~` expanded).
    """
    if isinstance(source, os.PathLike):
        return open_local_file(Path(source), settings, source=os.fspath(source))
    if not isinstance(source, str) or not source.strip():
        raise UsageError("no video given", hint="pass a video URL or the path of a local video file")
    text = source.strip()
    if is_url(text) and not _is_local_path_with_colon(text):
        return open_url(text, settings, progress)
    return open_local_file(Path(text), settings, source=source)


def open_url(url: str, settings: Settings, progress: ProgressFn | None = None) -> VideoInfo:
    """Download (or reuse) `url` and probe the local copy. A cache hit needs no network, not even DNS."""
    checked = check_url(url, settings, resolve=False)
    info = cached_video(checked, settings)
    if info is None:
        check_url(checked, settings)  # the address rules, now that we are about to connect
        info = download_video(checked, settings, progress)
    try:
        probed = probe_video(info.path, settings.max_video_duration)
    except InputError as e:
        forget_download(settings.videos_dir, info.video_id)  # don't keep serving an unusable file
        raise type(e)(f"the video downloaded from {checked} is unusable: {e.message}", hint=e.hint) from None
    _apply_probe(info, probed)
    return info


def open_local_file(path: Path, settings: Settings, source: str | None = None) -> VideoInfo:
    """Probe a local file in place; its id is a content hash, so moving or renaming it keeps the id."""
    p = path.expanduser()
    probed = probe_video(p, settings.max_video_duration)
    try:
        video_id = file_content_id(p)
        resolved = p.resolve()
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    info = VideoInfo(
        video_id=video_id,
        path=str(resolved),
        source=source if source is not None else str(path),
        title=p.stem,
        platform="local",
    )
    _apply_probe(info, probed)
    return info


def _apply_probe(info: VideoInfo, probed: ProbeResult) -> None:
    if probed.duration > 0:
        info.duration = probed.duration  # the file is the truth; platform metadata is rounded
    info.width, info.height, info.fps = probed.width, probed.height, probed.fps


def _is_local_path_with_colon(text: str) -> bool:
    """'notes:v2.mp4' is an existing file, not a URL with scheme 'notes'."""
    scheme = url_scheme(text)
    if scheme in (None, "http", "https"):
        return False
    try:
        return Path(text).expanduser().exists()
    except OSError:
        return False
