"""Classify yt-dlp / network failures: unavailable at the site, unsupported site, worth retrying, or fatal.

yt-dlp reports most failures as `DownloadError` with a message (and sometimes the original exception in
`exc_info`), so both the exception chain and the message text are inspected.
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error

_UNAVAILABLE_PHRASES = (
    "private video",
    "this video is private",
    "video unavailable",
    "video is unavailable",
    "video is not available",
    "content isn't available",
    "has been removed",
    "been deleted",
    "was deleted",
    "no longer available",
    "not available in your country",
    "geo restrict",
    "geo-restrict",
    "members-only",
    "members only",
    "join this channel",
    "copyright",
    "account associated with this video has been terminated",
    "sign in to confirm your age",
    "age-restricted",
    "age restricted",
    "requires payment",
    "premieres in",
    "live event will begin",
)
_TRANSIENT_PHRASES = (
    "timed out",
    "timeout",
    "connection reset",
    "connection refused",
    "connection aborted",
    "remote end closed",
    "remotedisconnected",
    "broken pipe",
    "temporary failure",
    "name resolution",
    "network is unreachable",
    "unable to download",
    "unable to connect",
    "incomplete read",
    "incompleteread",
    "content too short",
    "did not get any data blocks",
    "eof occurred",
    "too many requests",
    "bytes read",  # IncompleteRead: "108544 bytes read, 108545 more expected"
    "more expected",
    "[download] got error",  # yt-dlp's retry manager reports only retryable errors this way
    "giving up after",
    "unable to download video data",
)


def classify_error(exc: BaseException) -> tuple[str, str]:
    """('unavailable' | 'unsupported' | 'transient' | 'fatal', user-facing reason) for a download error."""
    from yt_dlp.networking.exceptions import HTTPError as YtHTTPError
    from yt_dlp.networking.exceptions import TransportError
    from yt_dlp.utils import ContentTooShortError, GeoRestrictedError, UnsupportedError

    chain = _exception_chain(exc)
    reason = _clean_message(str(exc)) or type(exc).__name__
    text = " | ".join(_clean_message(str(e)) for e in chain).lower()

    if any(isinstance(e, UnsupportedError) for e in chain) or "unsupported url" in text:
        return "unsupported", reason
    if any(isinstance(e, GeoRestrictedError) for e in chain):
        return "unavailable", reason
    status = None
    for e in chain:
        if isinstance(e, YtHTTPError):
            status = e.status
            break
        if isinstance(e, urllib.error.HTTPError):
            status = e.code
            break
    if status is None and (m := re.search(r"http error (\d{3})", text)):
        status = int(m.group(1))
    if status in (401, 403, 404, 410, 451):
        return "unavailable", reason
    if any(p in text for p in _UNAVAILABLE_PHRASES):
        return "unavailable", reason
    if status is not None and (status >= 500 or status in (408, 429)):
        return "transient", reason
    network_types = (
        TransportError,
        ContentTooShortError,
        urllib.error.URLError,
        TimeoutError,
        socket.timeout,
        ConnectionError,
        http.client.HTTPException,
    )
    if any(isinstance(e, network_types) for e in chain):
        return "transient", reason
    if any(p in text for p in _TRANSIENT_PHRASES):
        return "transient", reason
    return "fatal", reason


def _exception_chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in out) or len(out) > 20:
            continue
        out.append(e)
        exc_info = getattr(e, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) > 1 and isinstance(exc_info[1], BaseException):
            todo.append(exc_info[1])
        cause = getattr(e, "cause", None)
        if isinstance(cause, BaseException):
            todo.append(cause)
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
        todo.extend([e.__cause__, e.__context__])
    return out


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def _clean_message(msg: str) -> str:
    """yt-dlp's message without 'ERROR:', colours and its 'please report this issue' trailer."""
    msg = _ANSI_RE.sub("", msg).strip()
    msg = re.sub(r"^(ERROR|WARNING):\s*", "", msg)
    msg = re.split(r";\s*please report this issue", msg, maxsplit=1, flags=re.I)[0]
    msg = msg.split("\n", 1)[0].strip()
    msg = re.sub(r"\s*\(caused by .*\)$", "", msg)
    return msg[:500]
