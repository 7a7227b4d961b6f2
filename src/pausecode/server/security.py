"""Optional API key for `/api` routes, and short-lived signed media links.

When `PAUSECODE_API_KEY` is set, every `/api` call must send it as `X-API-Key: KEY` or `Authorization: Bearer KEY`.
Health, docs and the static player stay open. An HTML `<video>` element cannot send headers, so the media route
also accepts `?token=` from `GET /api/v1/video/{id}/media-token`: an HMAC of the video id and an expiry, keyed
by the API key, valid for one video for a limited time. The key itself never appears in a URL or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings
from .errors import AuthError

MEDIA_TOKEN_TTL = 6 * 3600

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key (when the server has one)")
bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token")


def _expected(request: Request) -> str | None:
    settings: Settings = request.app.state.settings
    return settings.api_key.get_secret_value() if settings.api_key else None


def key_matches(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return secrets.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


async def require_api_key(
    request: Request,
    x_api_key: Annotated[str | None, Depends(api_key_header)],
    auth: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Dependency for every `/api` router: nothing to check when no key is configured."""
    expected = _expected(request)
    if expected is None:
        return
    if key_matches(x_api_key, expected) or key_matches(auth.credentials if auth else None, expected):
        return
    if x_api_key or auth:
        raise AuthError("wrong API key")
    raise AuthError("this server needs an API key", hint="send it as X-API-Key or Authorization: Bearer")


def _sign(secret: str, video_id: str, expires: int) -> str:
    msg = f"media:{video_id}:{expires}".encode()
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()[:40]


def make_media_token(settings: Settings, video_id: str, ttl: int = MEDIA_TOKEN_TTL) -> tuple[str | None, int]:
    """(token, expires_at). Token is None when the server has no key (media needs none then)."""
    expires = int(time.time()) + ttl
    if not settings.api_key:
        return None, expires
    return f"{expires}.{_sign(settings.api_key.get_secret_value(), video_id, expires)}", expires


def media_token_valid(settings: Settings, video_id: str, token: str | None) -> bool:
    if not settings.api_key or not token or "." not in token:
        return False
    exp_text, sig = token.split(".", 1)
    if not exp_text.isdigit() or int(exp_text) < time.time():
        return False
    return secrets.compare_digest(sig.encode("utf-8", "surrogateescape"),
                                  _sign(settings.api_key.get_secret_value(), video_id, int(exp_text)).encode())
