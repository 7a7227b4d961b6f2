"""Download a video URL with yt-dlp into `settings.videos_dir`, once.

Layout of videos_dir:
- `<video_id>.<ext>`           the video (moved into place only when complete)
- `<video_id>.<lang>.<ext>`    subtitles, when the site offers them (best effort)
- `<video_id>.info.json`       our sidecar, written last: its presence marks a complete download (cache.py)
- `url_ids.json`               url → video_id, so non-YouTube URLs are cache hits without network
- `.tmp-*/`                    in-progress downloads; removed on failure, stale ones swept later

Errors: private/deleted/unavailable → VideoUnavailableError; unknown site → UnsupportedURLError; network
trouble (timeouts, resets, HTTP 5xx/429) → retried with exponential backoff, then DownloadError.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import DownloadError, PausecodeError, TooLargeError, UnsupportedURLError, VideoUnavailableError
from ..models import VideoInfo
from ..settings import Settings
from .cache import (
    SIDECAR_SUFFIX,
    SIDECAR_VERSION,
    TMP_PREFIX,
    cached_video,
    load_sidecar,
    remember_url,
    sweep_stale_tmp,
    write_json_atomic,
)
from .ffmpeg import NO_FFMPEG_LOCATION, usable_ffmpeg
from .ids import platform_video_id
from .urls import allowed_networks, check_host_allowed, extract_youtube_id
from .ytdlp_errors import classify_error

if TYPE_CHECKING:
    from .netguard import ConnectGuard

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float, float], None]

BACKOFF_BASE = 1.0  # seconds before the first retry; doubles each time (tests set it tiny)
BACKOFF_MAX = 60.0

# a working ffmpeg (ffmpeg.usable_ffmpeg): best ≤1080p mp4 video + m4a audio, merged;
# else a single file that needs no merging
FORMAT_WITH_FFMPEG = (
    "bv*[height<=1080][ext=mp4]+ba[ext=m4a]/b[height<=1080][ext=mp4]/b[height<=?1080]/bv*+ba/b"
)
FORMAT_SINGLE_FILE = "b[height<=?1080][ext=mp4]/b[height<=?1080]/b"
SUBTITLE_LANGS = ["en", "en-.*"]
SUBTITLE_FORMAT = "srt/vtt/best"
_SUBTITLE_EXTS = {".srt", ".vtt", ".ass", ".ssa", ".ttml", ".srv1", ".srv2", ".srv3", ".json3", ".lrc"}
_SKIP_EXTS = {".part", ".ytdl", ".tmp", ".json"}

_sleep = time.sleep  # indirection so tests can record the backoff without waiting


# ---------------------------------------------------------------------------------------------- public


def download_video(
    url: str,
    settings: Settings,
    progress: ProgressFn | None = None,
    *,
    backoff_base: float | None = None,
) -> VideoInfo:
    """Return the local copy of `url` (downloading it if it is not cached yet).

    The returned VideoInfo carries the platform's metadata (title, duration, uploader, extractor, id,
    subtitles); width/height/fps are left for the prober. `url` must already have passed `check_url`.
    """
    videos_dir = settings.videos_dir
    try:
        videos_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"cannot create the videos folder {videos_dir}: {e.strerror or e}") from None
    hit = cached_video(url, settings)
    if hit is not None:
        log.debug("cache hit for %s: %s", url, hit.video_id)
        return hit
    sweep_stale_tmp(videos_dir)
    tmpdir = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=videos_dir))
    try:
        return _download(
            url, settings, progress, tmpdir, BACKOFF_BASE if backoff_base is None else backoff_base
        )
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- flow


class _Attempts:
    """Retry transient failures with exponential backoff: settings.download_retries retries in all.

    The budget is shared by metadata extraction and the media download, and only failures spend it.
    """

    def __init__(self, retries: int, backoff_base: float, guard: ConnectGuard | None = None) -> None:
        self.retries = max(0, retries)
        self.failures = 0
        self.backoff_base = backoff_base
        self.guard = guard

    def run(self, fn: Callable[[], Any], what: str, url: str) -> Any:
        while True:
            try:
                return fn()
            except PausecodeError:
                raise
            except Exception as e:  # yt-dlp and network errors are classified here
                refused = self.guard.first_refusal() if self.guard else None
                if refused is not None:  # a connection was refused by address: never retried
                    raise refused from None
                kind, reason = classify_error(e)
                if kind == "unavailable":
                    raise VideoUnavailableError(f"video is unavailable: {reason}", hint=url) from None
                if kind == "unsupported":
                    raise UnsupportedURLError(
                        f"no downloader supports {url}: {reason}",
                        hint="give a video page URL (YouTube, Vimeo, ...) or a direct link to a video file",
                    ) from None
                if kind != "transient":
                    raise DownloadError(f"{what} failed for {url}: {reason}") from None
                self.failures += 1
                if self.failures > self.retries:
                    n = self.failures
                    raise DownloadError(
                        f"{what} failed for {url} after {n} failed attempt{'s' if n != 1 else ''}: {reason}",
                        hint="check the network connection, or retry later",
                    ) from None
                delay = min(BACKOFF_MAX, self.backoff_base * 2 ** (self.failures - 1))
                log.info(
                    "%s of %s failed (%s); retry %d/%d in %.2fs",
                    what,
                    url,
                    reason,
                    self.failures,
                    self.retries,
                    delay,
                )
                _sleep(delay)


def _download(
    url: str, settings: Settings, progress: ProgressFn | None, tmpdir: Path, backoff: float
) -> VideoInfo:
    from .netguard import ConnectGuard, youtube_dl  # imports yt-dlp: only when downloading

    videos_dir = settings.videos_dir
    guard = None if settings.allow_private_urls else ConnectGuard(allowed_networks(settings))
    attempts = _Attempts(settings.download_retries, backoff, guard)
    base_opts = _ydl_options(settings, tmpdir)

    def extract() -> dict[str, Any]:
        with youtube_dl(base_opts, guard) as ydl:
            return ydl.extract_info(url, download=False)

    info = attempts.run(extract, "reading video information", url)
    _check_info(info, url, settings)
    video_id = extract_youtube_id(url) or platform_video_id(info.get("extractor_key"), info.get("id"), url)
    hit = load_sidecar(videos_dir, video_id, source=url)  # the same video, reached through another URL
    if hit is not None:
        remember_url(videos_dir, url, video_id)
        return hit

    holder: dict[str, BaseException] = {}
    opts = {**base_opts, "progress_hooks": [_progress_hook(progress, holder)]}

    def fetch() -> dict[str, Any]:
        with youtube_dl(opts, guard) as ydl:
            try:
                return ydl.process_ie_result(copy.deepcopy(info), download=True)
            finally:
                if "error" in holder:  # the progress callback raised (e.g. cancellation): pass it on as is
                    raise holder.pop("error")

    result = attempts.run(fetch, "download", url)
    media = _find_media(result, tmpdir)
    subtitles = _fetch_subtitles(info, settings, tmpdir, guard)
    return _publish(url, info, video_id, media, subtitles, videos_dir)


def _ydl_options(settings: Settings, tmpdir: Path) -> dict[str, Any]:
    ffmpeg = usable_ffmpeg()
    has_ffmpeg = ffmpeg is not None
    return {
        "ffmpeg_location": ffmpeg or NO_FFMPEG_LOCATION,  # the probed binary, never a broken one from PATH
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": _YtdlLogger(),
        "socket_timeout": settings.download_timeout,
        "noplaylist": True,
        "format": FORMAT_WITH_FFMPEG if has_ffmpeg else FORMAT_SINGLE_FILE,
        "merge_output_format": "mp4/mkv" if has_ffmpeg else None,
        "outtmpl": {"default": str(tmpdir / "media.%(ext)s")},
        "retries": 0,  # whole-request retries are ours (with backoff); .part files let a retry resume
        "fragment_retries": max(1, settings.download_retries),
        "extractor_retries": 0,
        "continuedl": True,
        "cachedir": False,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "writesubtitles": False,
        "writeautomaticsub": False,
    }


class _YtdlLogger:
    """Route yt-dlp's output to logging: the library never prints; errors come back as exceptions."""

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.debug("yt-dlp warning: %s", msg)

    def error(self, msg: str) -> None:
        log.debug("yt-dlp error: %s", msg)


def _progress_hook(progress: ProgressFn | None, holder: dict[str, BaseException]) -> Callable[[dict], None]:
    def hook(d: dict) -> None:
        if progress is None or "error" in holder:
            return
        try:
            status = d.get("status")
            if status == "downloading":
                total = d.get("total_bytes") or d.get("total_bytes_estimate") or 0
                progress("download", float(d.get("downloaded_bytes") or 0), float(total))
            elif status == "finished":
                done = float(d.get("total_bytes") or d.get("downloaded_bytes") or 0)
                progress("download", done, done)
        except BaseException as e:  # yt-dlp may swallow or wrap it; remember and re-raise after
            holder["error"] = e
            raise

    return hook


def _check_info(info: dict[str, Any] | None, url: str, settings: Settings) -> None:
    """Refuse what we cannot process before downloading it: playlists, live streams, too long, bad hosts."""
    if not info:
        raise DownloadError(f"no video information for {url}")
    kind = info.get("_type", "video")
    if kind in ("playlist", "multi_video"):
        raise UnsupportedURLError(
            f"{url} is a playlist or channel, not a single video", hint="pass the URL of one video"
        )
    if info.get("is_live") or info.get("live_status") == "is_live":
        raise UnsupportedURLError(f"{url} is a live stream", hint="process it after the stream has ended")
    if info.get("live_status") == "is_upcoming":
        raise VideoUnavailableError(f"{url} has not started yet (upcoming premiere or live stream)")
    duration = info.get("duration")
    if isinstance(duration, int | float) and duration > settings.max_video_duration:
        raise TooLargeError(
            f"the video is {duration / 3600:.1f} h long; "
            f"the limit is {settings.max_video_duration / 3600:.1f} h",
            hint="raise max_video_duration (PAUSECODE_MAX_VIDEO_DURATION) to process it",
        )
    if not settings.allow_private_urls:
        # the extractor may have followed redirects or found media elsewhere: re-check those hosts too
        formats = info.get("requested_formats") or [info]
        seen: set[str] = set()
        for f in formats:
            media_url = f.get("url")
            if not isinstance(media_url, str):
                continue
            try:
                parts = urlsplit(media_url)
                host, port = parts.hostname, parts.port
            except ValueError:
                continue
            if parts.scheme in ("http", "https") and host and host not in seen:
                seen.add(host)
                port = port or (443 if parts.scheme == "https" else 80)
                check_host_allowed(host, port, allowed_networks(settings))


def _find_media(result: dict[str, Any] | None, tmpdir: Path) -> Path:
    for entry in (result or {}).get("requested_downloads") or []:
        fp = entry.get("filepath")
        if fp and Path(fp).is_file():
            return Path(fp)
    fp = (result or {}).get("filepath")
    if fp and Path(fp).is_file():
        return Path(fp)
    candidates = [
        p
        for p in tmpdir.iterdir()
        if p.is_file() and p.suffix.lower() not in _SKIP_EXTS | _SUBTITLE_EXTS and p.stat().st_size > 0
    ]
    if not candidates:
        raise DownloadError("the download finished but produced no video file")
    return max(candidates, key=lambda p: p.stat().st_size)


def _fetch_subtitles(
    info: dict[str, Any], settings: Settings, tmpdir: Path, guard: ConnectGuard | None
) -> dict[str, Path]:
    """English subtitles (uploaded, else automatic) if offered. Best effort: failures only log.

    Separate from the video download because yt-dlp aborts the whole download when a subtitle fails
    (YouTube rate-limits caption requests often).
    """
    if not (info.get("subtitles") or info.get("automatic_captions")):
        return {}
    from .netguard import youtube_dl

    opts = {
        **_ydl_options(settings, tmpdir),
        "skip_download": True,
        "writesubtitles": True,
        "writeautomaticsub": True,
        "subtitleslangs": SUBTITLE_LANGS,
        "subtitlesformat": SUBTITLE_FORMAT,
    }
    try:
        with youtube_dl(opts, guard) as ydl:
            result = ydl.process_ie_result(copy.deepcopy(info), download=True)
    except Exception as e:
        refused = guard.first_refusal() if guard else None
        why = refused if refused is not None else e
        log.warning("subtitles for %s not downloaded: %s", info.get("webpage_url") or info.get("id"), why)
        return {}
    found: dict[str, Path] = {}
    for lang, sub in ((result or {}).get("requested_subtitles") or {}).items():
        fp = sub.get("filepath") if isinstance(sub, dict) else None
        if fp and Path(fp).is_file() and Path(fp).stat().st_size > 0:
            found[str(lang)] = Path(fp)
    return found


def _publish(
    url: str, info: dict[str, Any], video_id: str, media: Path, subtitles: dict[str, Path], videos_dir: Path
) -> VideoInfo:
    """Move the finished files into videos_dir, then write the sidecar (the completion marker)."""
    ext = _safe_ext(media.suffix) or ".mp4"
    dest = videos_dir / f"{video_id}{ext}"
    try:
        for old in videos_dir.glob(f"{video_id}.*"):  # an earlier, incomplete or different-format copy
            if old.is_file() and old.name.split(".", 1)[0] == video_id and old != dest:
                old.unlink(missing_ok=True)
        os.replace(media, dest)
        sub_names: dict[str, str] = {}
        for lang, path in subtitles.items():
            safe_lang = re.sub(r"[^A-Za-z0-9_-]+", "_", lang)[:20] or "und"
            name = f"{video_id}.{safe_lang}{_safe_ext(path.suffix) or '.vtt'}"
            os.replace(path, videos_dir / name)
            sub_names[safe_lang] = name
        sidecar = {
            "version": SIDECAR_VERSION,
            "video_id": video_id,
            "file": dest.name,
            "size": dest.stat().st_size,
            "source": url,
            "webpage_url": info.get("webpage_url"),
            "title": info.get("title") or info.get("fulltitle") or video_id,
            "duration": info.get("duration"),
            "uploader": info.get("uploader") or info.get("channel"),
            "platform": (info.get("extractor_key") or info.get("extractor") or "").lower() or None,
            "platform_id": str(info["id"]) if info.get("id") is not None else None,
            "subtitles": sub_names,
            "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_json_atomic(videos_dir / f"{video_id}{SIDECAR_SUFFIX}", sidecar)
    except OSError as e:
        raise DownloadError(f"cannot store the download in {videos_dir}: {e.strerror or e}") from None
    remember_url(videos_dir, url, video_id, info.get("webpage_url"), info.get("original_url"))
    hit = load_sidecar(videos_dir, video_id, source=url)
    if hit is None:
        raise DownloadError(f"the download of {url} could not be stored in {videos_dir}")
    return hit


def _safe_ext(suffix: str) -> str:
    s = suffix.lower()
    return s if re.fullmatch(r"\.[a-z0-9]{1,8}", s) else ""
