"""Receive a multipart upload straight to disk, chunk by chunk, stopping as soon as it passes the size limit.

Starlette's form parser would spool the whole body before the handler sees it; this parser writes the `file`
part as it arrives, so a too-large upload is refused after `limit` bytes, not after all of them, and memory use
stays flat whatever the size. The file lands under `<data>/uploads/<uuid>/` with a cleaned-up name (the name
becomes the video's title).
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import TooLargeError, UsageError
from .parsing import parse_decimal

FIELD = "file"
_SAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(raw: str | None) -> str:
    name = Path((raw or "").replace("\\", "/")).name
    name = _SAFE.sub("_", name).strip(" .")[:100]
    return name or "upload.mp4"


class UploadSink:
    """Multipart callbacks: headers of each part are read; the `file` part's bytes go to disk."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder, self.limit = folder, limit
        self.path: Path | None = None
        self.size = 0
        self.ended = False
        self._fh: BinaryIO | None = None
        self._field, self._value = b"", b""
        self._headers: dict[bytes, bytes] = {}
        self._writing = False

    def callbacks(self) -> dict:
        return {"on_part_begin": self._part_begin, "on_header_field": self._hfield,
                "on_header_value": self._hvalue, "on_header_end": self._hend,
                "on_headers_finished": self._headers_done, "on_part_data": self._data,
                "on_part_end": self._part_end, "on_end": self._end}

    def _part_begin(self) -> None:
        self._headers, self._field, self._value = {}, b"", b""

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _hend(self) -> None:
        self._headers[self._field.strip().lower()] = self._value.strip()
        self._field, self._value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        self._writing = name == FIELD and self._fh is None and b"filename" in params
        if self._writing:
            filename = params.get(b"filename", b"").decode("utf-8", "replace")
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path = self.folder / safe_filename(filename)
            self._fh = self.path.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing or self._fh is None:
            return
        self.size += end - start
        if self.size > self.limit:
            raise TooLargeError(f"upload is larger than the limit of {self.limit // (1024 * 1024)} MB",
                                hint="raise max_upload_mb (PAUSECODE_MAX_UPLOAD_MB) or upload a smaller file")
        self._fh.write(data[start:end])

    def _part_end(self) -> None:
        if self._writing and self._fh is not None:
            self._fh.close()
        self._writing = False

    def _end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()


def _declared_length(header: str | None) -> int | None:
    """The Content-Length the client declared, or None when absent or malformed (the body's size still counts)."""
    try:
        return parse_decimal(header) if header is not None else None
    except ValueError:
        return None


async def receive_upload(request: Request, uploads_dir: Path, limit_mb: int) -> tuple[Path, int, Path]:
    """Stream the request's `file` part to disk. Returns (file, size, its own folder); raises 413/422."""
    ctype, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UsageError("upload must be multipart/form-data with the video in a field named 'file'")
    limit = limit_mb * 1024 * 1024
    declared = _declared_length(request.headers.get("content-length"))
    if declared is not None and declared > limit + 1024 * 1024:
        raise TooLargeError(f"upload of {declared // (1024 * 1024)} MB is larger than the limit of {limit_mb} MB",
                            hint="raise max_upload_mb (PAUSECODE_MAX_UPLOAD_MB) or upload a smaller file")
    folder = uploads_dir / uuid.uuid4().hex
    sink = UploadSink(folder, limit)
    parser = MultipartParser(boundary, sink.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
        sink.close()
        if sink.path is None:
            raise UsageError("no file in the upload: send the video in a multipart field named 'file'")
        if not sink.ended:
            raise UsageError("the upload was cut off before its end")
        if sink.size == 0:
            raise UsageError("the uploaded file is empty")
    except MultipartParseError as e:
        sink.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise UsageError(f"malformed multipart upload: {e}") from None
    except BaseException:
        sink.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return sink.path, sink.size, folder
