"""Receive a multipart upload straight to disk, chunk by chunk, stopping as soon as it passes the size limit.

Starlette's form parser would spool the whole body before the handler sees it; this parser writes the `file`
part as it arrives, so a too-large upload is refused after `limit` bytes, not after all of them, and memory use
stays flat whatever the size. The file lands under `<data>/uploads/<uuid>/` with a cleaned-up name (the name
becomes the video's title); while it is written it is `<name>.part`, renamed when complete, so a server killed
mid-upload leaves only `*.part` files, which `sweep_partial_uploads` removes once they are old enough.
A body that stalls is dropped after `body_timeout`; an upload is refused (507) when the disk would keep less
than `min_free_mb` free; a client that disconnects is logged in one line and its partial file removed.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from starlette.requests import ClientDisconnect
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import TooLargeError, UsageError
from .errors import InsufficientStorageError, UploadAbortedError, UploadTimeoutError
from .parsing import parse_decimal

log = logging.getLogger(__name__)

FIELD = "file"
PART_SUFFIX = ".part"  # an upload still being written (or cut off by a killed server)
MAX_NAME_LEN = 100  # characters of a stored upload's name, extension included
_SAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def safe_filename(raw: str | None) -> str:
    """A file name safe to store: no folders, odd characters replaced; a long name is cut before its extension."""
    name = Path((raw or "").replace("\\", "/")).name
    name = _SAFE.sub("_", name).strip(" .")
    if len(name) > MAX_NAME_LEN:
        m = _EXT.search(name)
        ext = m.group(0) if m else ""
        name = name[: MAX_NAME_LEN - len(ext)].rstrip(" .") + ext
    if name.endswith(PART_SUFFIX):  # never mistaken for a partial upload by the sweeper
        name = name[: -len(PART_SUFFIX)] + "_part"
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
            self._fh = self.partial_path.open("wb")

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

    @property
    def partial_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + PART_SUFFIX)

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()

    def complete(self) -> Path:
        """Rename the finished `.part` file to its real name."""
        assert self.path is not None
        self.partial_path.replace(self.path)
        return self.path


def _declared_length(header: str | None) -> int | None:
    """The Content-Length the client declared, or None when absent or malformed (the body's size still counts)."""
    try:
        return parse_decimal(header) if header is not None else None
    except ValueError:
        return None


def check_free_space(folder: Path, needed_bytes: int, min_free_mb: int) -> None:
    """Refuse (507) an upload that would leave less than `min_free_mb` free on the uploads disk."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free - needed_bytes < min_free_mb * 1024 * 1024:
        raise InsufficientStorageError(
            f"not enough disk space for this upload: {free // (1024 * 1024)} MB free, "
            f"{needed_bytes // (1024 * 1024)} MB to store and {min_free_mb} MB to keep free",
            hint="free some space on the server (or lower upload_min_free_mb)",
        )


async def _chunks(request: Request, body_timeout: float | None) -> AsyncIterator[bytes]:
    """The request body; UploadTimeoutError when no chunk arrives for `body_timeout` seconds."""
    stream = request.stream().__aiter__()
    while True:
        try:
            yield await asyncio.wait_for(stream.__anext__(), body_timeout)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise UploadTimeoutError(
                f"the upload sent nothing for {body_timeout:g} s and was dropped",
                hint="retry on a steadier connection (or raise upload_body_timeout)",
            ) from None


async def receive_upload(
    request: Request,
    uploads_dir: Path,
    limit_mb: int,
    *,
    body_timeout: float | None = None,
    min_free_mb: int = 0,
) -> tuple[Path, int, Path]:
    """Stream the request's `file` part to disk. Returns (file, size, its own folder).

    Raises 413 (too large), 422 (not a usable multipart upload), 408 (body stalled), 507 (disk too full),
    UploadAbortedError (client gone). Whatever fails, nothing of the upload stays on disk.
    """
    ctype, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UsageError("upload must be multipart/form-data with the video in a field named 'file'")
    limit = limit_mb * 1024 * 1024
    declared = _declared_length(request.headers.get("content-length"))
    if declared is not None and declared > limit + 1024 * 1024:
        raise TooLargeError(f"upload of {declared // (1024 * 1024)} MB is larger than the limit of {limit_mb} MB",
                            hint="raise max_upload_mb (PAUSECODE_MAX_UPLOAD_MB) or upload a smaller file")
    check_free_space(uploads_dir, declared or 0, min_free_mb)
    folder = uploads_dir / uuid.uuid4().hex
    sink = UploadSink(folder, limit)
    parser = MultipartParser(boundary, sink.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in _chunks(request, body_timeout):
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
        path = sink.complete()
    except MultipartParseError as e:
        _discard(sink, folder)
        raise UsageError(f"malformed multipart upload: {e}") from None
    except ClientDisconnect:
        _discard(sink, folder)
        log.info("upload aborted: the client disconnected after %d bytes; partial file removed", sink.size)
        raise UploadAbortedError("the client disconnected before the upload finished") from None
    except OSError as e:
        _discard(sink, folder)
        if e.errno == errno.ENOSPC:
            raise InsufficientStorageError("the disk filled up during the upload; nothing was kept") from None
        raise
    except BaseException:
        _discard(sink, folder)
        raise
    return path, sink.size, folder


def _discard(sink: UploadSink, folder: Path) -> None:
    sink.close()
    shutil.rmtree(folder, ignore_errors=True)


def sweep_partial_uploads(uploads_dir: Path, max_age: float, now: float | None = None) -> list[Path]:
    """Remove `*.part` files (and upload folders left empty) untouched for `max_age` seconds; returns them.

    Complete uploads are never touched (jobs may still read them). Safe to run while uploads arrive: a live
    upload's file is written to every few seconds at most `upload_body_timeout` apart, far below `max_age`.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    if not uploads_dir.is_dir():
        return removed
    for folder in uploads_dir.iterdir():
        if not folder.is_dir() or folder.is_symlink():
            continue
        try:
            swept_here = False
            for part in folder.glob(f"*{PART_SUFFIX}"):
                if part.is_file() and now - part.stat().st_mtime > max_age:
                    part.unlink(missing_ok=True)
                    removed.append(part)
                    swept_here = True
            if not any(folder.iterdir()) and (swept_here or now - folder.stat().st_mtime > max_age):
                folder.rmdir()
                removed.append(folder)
        except OSError as e:  # raced with an upload or a job cleaning up: try again next sweep
            log.debug("sweep of %s skipped: %s", folder, e)
    if removed:
        log.info("removed %d partial upload file(s)/folder(s) older than %.0f s", len(removed), max_age)
    return removed


async def sweep_uploads_periodically(uploads_dir: Path, max_age: float, interval: float) -> None:
    """Sweep every `interval` seconds until cancelled (the app sweeps once itself at start-up)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(sweep_partial_uploads, uploads_dir, max_age)
        except Exception as e:  # a sweep must never take the server down
            log.warning("sweeping partial uploads failed: %s", e)
