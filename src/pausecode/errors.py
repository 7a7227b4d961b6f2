"""One exception hierarchy: every error carries an exit code (CLI) and an HTTP status (REST).

The library raises; the shells (CLI, REST) map errors to exit codes / HTTP statuses. Messages say what to do next.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    GENERIC = 1
    USAGE = 2
    INPUT = 3  # missing / unreadable / not-a-video / empty input
    SOURCE = 4  # URL problems: unsupported, malformed, private, deleted, not allowed
    NETWORK = 5  # download failed after retries
    NOT_FOUND = 6  # unknown video id
    ENGINE = 7  # recognition engine unavailable / misconfigured
    PARTIAL = 8  # processed what could be read: the video was truncated/corrupt, or frames failed to read
    STORE = 9
    CANCELLED = 10
    NO_SEGMENT = 11  # the video exists but has no segment at that time (past its end)


class PausecodeError(Exception):
    """Base class. `code` is a stable machine-readable error code for the JSON error shape."""

    exit_code: ExitCode = ExitCode.GENERIC
    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_dict(self) -> dict:
        return {"status": self.http_status, "error": self.code, "message": str(self)}


class UsageError(PausecodeError):
    exit_code = ExitCode.USAGE
    http_status = 422
    code = "invalid_argument"


class InvalidTimestampError(UsageError):
    code = "invalid_timestamp"


class ConfigError(UsageError):
    code = "invalid_config"


class InputError(PausecodeError):
    """The local input cannot be used (missing, not a video, empty)."""

    exit_code = ExitCode.INPUT
    http_status = 422
    code = "invalid_input"


class FileMissingError(InputError):
    code = "file_not_found"


class NotAVideoError(InputError):
    code = "not_a_video"


class EmptyVideoError(InputError):
    code = "empty_video"


class CorruptVideoError(InputError):
    """Nothing at all could be decoded."""

    code = "corrupt_video"


class FrameSizeError(InputError):
    """The frames are too small (or 0 px) to hold anything readable."""

    code = "frame_too_small"


class PartialVideoError(PausecodeError):
    """Decoding stopped early: what decoded was processed and stored, flagged as partial."""

    exit_code = ExitCode.PARTIAL
    http_status = 200
    code = "partial_video"


class SourceError(PausecodeError):
    exit_code = ExitCode.SOURCE
    http_status = 422
    code = "invalid_source"


class UnsupportedURLError(SourceError):
    code = "unsupported_url"


class URLNotAllowedError(SourceError):
    http_status = 403
    code = "url_not_allowed"


class VideoUnavailableError(SourceError):
    """Private, deleted, geo-blocked or otherwise unavailable at the platform."""

    http_status = 404
    code = "video_unavailable"


class DownloadError(PausecodeError):
    exit_code = ExitCode.NETWORK
    http_status = 502
    code = "download_failed"


class TooLargeError(PausecodeError):
    exit_code = ExitCode.INPUT
    http_status = 413
    code = "too_large"


class VideoNotFoundError(PausecodeError):
    exit_code = ExitCode.NOT_FOUND
    http_status = 404
    code = "video_not_found"


class JobNotFoundError(VideoNotFoundError):
    code = "job_not_found"


class EngineError(PausecodeError):
    exit_code = ExitCode.ENGINE
    http_status = 503
    code = "engine_error"


class EngineUnavailableError(EngineError):
    code = "engine_unavailable"


class EngineAuthError(EngineError):
    http_status = 401
    code = "engine_auth_failed"


class BudgetExceededError(EngineError):
    code = "budget_exceeded"


class FrameRecognitionError(EngineError):
    """One frame failed; the pipeline skips and counts it, never fatal."""

    code = "frame_failed"


class FrameTimeoutError(FrameRecognitionError):
    """The engine did not answer within the per-frame time limit (`frame_timeout`)."""

    code = "frame_timeout"


class InvalidRecognitionError(FrameRecognitionError):
    """The engine answered with something that is not a usable reading (wrong type, value out of range)."""

    code = "invalid_recognition"


class StoreError(PausecodeError):
    exit_code = ExitCode.STORE
    code = "store_error"


class CancelledError(PausecodeError):
    exit_code = ExitCode.CANCELLED
    http_status = 409
    code = "cancelled"


class QueueUnavailableError(PausecodeError):
    """The job queue's storage (Redis, or the SQLite queue file) did not take the job: nothing was queued."""

    http_status = 503
    code = "queue_unavailable"
