"""Is the `ffmpeg` on PATH usable? Asked once per binary, so a broken one is never trusted for merging formats.

A binary that exists but does not run (wrong architecture, missing libraries, a stub) would make yt-dlp
download separate video and audio streams and then fail to merge them. `ffmpeg -version` must succeed;
otherwise downloads choose a single-file format and yt-dlp is pointed at no ffmpeg at all.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 10.0  # seconds for `ffmpeg -version`; a working binary answers in milliseconds
# an ffmpeg location that cannot exist: given to yt-dlp so it uses no ffmpeg (not a broken one from PATH)
NO_FFMPEG_LOCATION = "/nonexistent/pausecode-no-ffmpeg"


def usable_ffmpeg() -> str | None:
    """The path of a working ffmpeg on PATH, or None (logged once per binary, with the reason)."""
    path = shutil.which("ffmpeg")
    return None if path is None else _probe(path)


@functools.lru_cache(maxsize=16)
def _probe(path: str) -> str | None:
    try:
        done = subprocess.run(
            [path, "-version"], capture_output=True, timeout=PROBE_TIMEOUT, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError) as e:
        reason = str(e)
    else:
        if done.returncode == 0 and done.stdout.lstrip().lower().startswith(b"ffmpeg version"):
            return path
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()[:1]
        reason = f"exit status {done.returncode}" + (f": {detail[0][:200]}" if detail else "")
    log.warning(
        "ffmpeg at %s does not work (%s): downloads use single-file formats, nothing is merged", path, reason
    )
    return None
