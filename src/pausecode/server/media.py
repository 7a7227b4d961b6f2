"""Serve a video file with HTTP Range support (single ranges), so a browser's <video> can seek."""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Iterator
from pathlib import Path

from fastapi.responses import Response, StreamingResponse

from .errors import RangeError, error_response
from .parsing import parse_decimal

CHUNK = 256 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*$", re.IGNORECASE | re.ASCII)
_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mkv": "video/x-matroska",
          ".mov": "video/quicktime", ".avi": "video/x-msvideo"}


def media_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None for the whole file. Raises RangeError when unsatisfiable.

    Multi-range requests and malformed headers (not `bytes=`, non-ASCII digits, numbers of more than
    parsing.MAX_DIGITS digits) are answered with the whole file (RFC 9110 lets a server ignore Range).
    """
    if not header or "," in header:
        return None
    m = _RANGE.match(header)
    if not m:
        return None  # a malformed Range header is ignored
    first_s, last_s = m.groups()
    if not first_s and not last_s:
        return None
    try:
        first_n = parse_decimal(first_s) if first_s else None
        last_n = parse_decimal(last_s) if last_s else None
    except ValueError:
        return None
    if first_n is None:  # suffix range: the last N bytes
        n = last_n or 0
        if n == 0 or size == 0:
            raise RangeError(f"range {header.strip()} is not satisfiable for {size} bytes")
        return max(0, size - n), size - 1
    first = first_n
    last = last_n if last_n is not None else size - 1
    if first >= size or last < first:
        raise RangeError(f"range {header.strip()} is not satisfiable for {size} bytes")
    return first, min(last, size - 1)


def _read(path: Path, first: int, last: int) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def file_response(path: Path, range_header: str | None, method: str = "GET") -> Response:
    size = os.stat(path).st_size
    ctype = media_type(path)
    try:
        rng = parse_range(range_header, size)
    except RangeError as e:
        return error_response(416, e.code, str(e), {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    if rng is None:
        first, last, status = 0, size - 1, 200
    else:
        first, last = rng
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(max(0, last - first + 1))
    if method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers, media_type=ctype)
    return StreamingResponse(_read(path, first, last), status_code=status, headers=headers, media_type=ctype)
