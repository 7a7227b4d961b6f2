"""Video id rules: every id we produce is a safe file/URL component, so no id can escape the data folder.

- YouTube: the platform's 11-character id, unchanged (users recognise it, and it is known from the URL alone,
  which makes the download cache work without network).
- Other yt-dlp extractors: `<extractor>-<id>` (e.g. `vimeo-76979871`): namespaced because bare numeric ids
  of different sites collide. The generic extractor (direct links, arbitrary pages) names videos after the
  file stem, so its ids also carry a hash of the URL: two different `.../video.mp4` links must not share a
  cache slot.
- Local files: the first 16 hex chars of a content hash (see `file_content_id`), so renaming or moving a file
  keeps its id and stored results.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from ..errors import UsageError

VIDEO_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
MAX_ID_LEN = 64

HASH_CHUNK = 1 << 20  # 1 MiB reads
FULL_HASH_LIMIT = 256 << 20  # files up to 256 MiB are hashed completely (~0.2 s)
SAMPLE_SIZE = 8 << 20  # bigger files: size + first / middle / last 8 MiB


def validate_video_id(video_id: object) -> str:
    """Return `video_id` if it is a safe id (`^[A-Za-z0-9_-]{1,64}$`), else raise UsageError.

    The store and the API call this on every id that comes from outside, so a crafted id such as
    `../../etc` can never become a path.
    """
    if not isinstance(video_id, str) or not VIDEO_ID_RE.fullmatch(video_id):
        shown = repr(video_id)[:80]
        raise UsageError(
            f"invalid video id {shown}", hint="ids are 1-64 characters of letters, digits, '_' and '-'"
        )
    return video_id


def _short_hash(text: str, n: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def sanitize_id_part(raw: str) -> str:
    """Letters, digits, '_' and '-' only; runs of anything else become one '_'."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", raw).strip("_")


def platform_video_id(extractor_key: str | None, raw_id: str | None, url: str) -> str:
    """Our id for a video found by yt-dlp (see the module docstring for the rules)."""
    key = sanitize_id_part(extractor_key or "").lower()[:24] or "web"
    raw = str(raw_id or "")
    if key == "youtube" and YOUTUBE_ID_RE.fullmatch(raw):
        return raw
    part = sanitize_id_part(raw)
    suffix = ""
    if key == "generic" or not part:
        suffix = _short_hash(url)
    elif part != raw:  # sanitising merged characters: keep distinct raw ids distinct
        suffix = _short_hash(raw)
    room = MAX_ID_LEN - len(key) - 1 - (len(suffix) + 1 if suffix else 0)
    if len(part) > room:
        suffix = suffix or _short_hash(raw)
        room = MAX_ID_LEN - len(key) - 1 - len(suffix) - 1
        part = part[: max(room, 0)].rstrip("_-")
    video_id = "-".join(p for p in (key, part, suffix) if p)
    return validate_video_id(video_id[:MAX_ID_LEN])


def file_content_id(path: str | os.PathLike[str]) -> str:
    """Stable id of a local file: sha256 prefix (16 hex chars) of its content, read in chunks.

    Files up to FULL_HASH_LIMIT are hashed completely. Bigger ones hash their size plus the first, middle and
    last SAMPLE_SIZE bytes, so a multi-GB video gets an id in milliseconds; two different videos with equal
    size and identical samples are practically impossible (container headers, indexes and encoded frames
    differ). Raises OSError if the file cannot be read; callers map that.
    """
    p = Path(path)
    size = p.stat().st_size
    h = hashlib.sha256()
    with p.open("rb") as f:
        if size <= FULL_HASH_LIMIT:
            for chunk in iter(lambda: f.read(HASH_CHUNK), b""):
                h.update(chunk)
        else:
            h.update(b"pausecode-sampled-v1:%d:" % size)
            for offset in (0, size // 2 - SAMPLE_SIZE // 2, size - SAMPLE_SIZE):
                f.seek(offset)
                remaining = SAMPLE_SIZE
                while remaining:
                    chunk = f.read(min(HASH_CHUNK, remaining))
                    if not chunk:
                        break
                    h.update(chunk)
                    remaining -= len(chunk)
    return h.hexdigest()[:16]
