"""One JSON error shape for every error the API returns: `{"success": false, "status", "error", "message"}`.

`PausecodeError`s keep their own status and code; framework errors (unknown path, wrong method, invalid
parameters, oversized body) and unexpected exceptions are mapped onto the same shape. Internal details of an
unexpected exception are logged, never sent.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import PausecodeError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    408: "request_timeout",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid_argument",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
    507: "insufficient_storage",
}


class AuthError(PausecodeError):
    http_status = 401
    code = "unauthorized"


class ConflictError(PausecodeError):
    http_status = 409
    code = "conflict"


class UploadTimeoutError(PausecodeError):
    """The client stopped sending an upload's body for longer than `upload_body_timeout`."""

    http_status = 408
    code = "request_timeout"


class UploadAbortedError(PausecodeError):
    """The client went away mid-upload: nothing to answer, nothing kept, no traceback."""

    http_status = 400
    code = "upload_aborted"


class InsufficientStorageError(PausecodeError):
    """Too little free disk space to accept an upload safely."""

    http_status = 507
    code = "insufficient_storage"


class RangeError(PausecodeError):
    http_status = 416
    code = "range_not_satisfiable"


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"success": False, "status": status, "error": code, "message": message}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
        msg = str(err.get("msg", "invalid value"))
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


async def _pausecode_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PausecodeError)
    headers = {"WWW-Authenticate": 'Bearer realm="pausecode"'} if isinstance(exc, AuthError) else None
    status = exc.http_status if exc.http_status >= 400 else 422
    if status >= 500:
        log.warning("request failed: %s: %s", exc.code, exc)
    return error_response(status, exc.code, str(exc), headers)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    if status == 404:
        message = "no such endpoint"
    elif status == 405:
        message = "method not allowed on this endpoint"
    else:
        message = str(exc.detail) if exc.detail else code.replace("_", " ")
    return error_response(status, code, message, getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_argument", _validation_message(exc))


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
    return error_response(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PausecodeError, _pausecode_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["success", "status", "error", "message"],
    "properties": {
        "success": {"type": "boolean", "const": False},
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "message": {"type": "string"},
    },
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": desc, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    for status, desc in ((400, "Malformed request body"), (401, "Missing or wrong API key"), (404, "Unknown video or job"),
                         (422, "Invalid parameters"))
}
