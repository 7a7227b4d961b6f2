"""A lean ASGI path for the hottest call, `GET /api/v1/video/{id}/code`, when the request is well-formed.

FastAPI's dependency and parameter machinery costs most of a lookup's time (the lookup itself is a few
microseconds). This middleware answers well-formed, authorised code queries directly with the same JSON as the
FastAPI route; anything else (missing or bad parameters, wrong key, unknown video, any error) falls through to
the FastAPI route, so validation and the error shape stay defined in one place.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl

from ..errors import PausecodeError
from .state import AppState

_PATH = re.compile(r"^/api/v1/video/([A-Za-z0-9_-]{1,64})/code$")
_HEADERS = [(b"content-type", b"application/json")]


class FastCodePath:
    def __init__(self, app: Any, state: AppState) -> None:
        self.app, self.state = app, state
        key = state.settings.api_key
        self._key = key.get_secret_value().encode("utf-8") if key else None

    def _authorised(self, scope: dict) -> bool:
        if self._key is None:
            return True
        for name, value in scope.get("headers", ()):
            if name == b"x-api-key" and secrets.compare_digest(value, self._key):
                return True
            if name == b"authorization" and value[:7].lower() == b"bearer " and secrets.compare_digest(
                value[7:].strip(), self._key
            ):
                return True
        return False

    def _answer(self, scope: dict) -> bytes | None:
        m = _PATH.match(scope["path"])
        if m is None or not self._authorised(scope):
            return None
        try:
            params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        except ValueError:
            return None
        ts = params.get("timestamp")
        if ts is None or len(ts) > 64:
            return None
        tolerance = 1.0
        if "tolerance" in params:
            try:
                tolerance = float(params["tolerance"])
            except ValueError:
                return None
            if not (math.isfinite(tolerance) and 0 <= tolerance <= 86400):
                return None
        vid = m.group(1)
        try:
            answer = self.state.fresh(vid).get_code_at_timestamp(vid, ts, tolerance)
        except PausecodeError:
            return None  # the FastAPI route raises it again and renders the one error shape
        return json.dumps({"success": True, "video_id": vid, **answer}, ensure_ascii=False,
                          separators=(",", ":"), allow_nan=False).encode("utf-8")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].endswith("/code"):
            body = self._answer(scope)
            if body is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": _HEADERS + [(b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
