"""Optional API key for `/api` routes, and short-lived signed media links.

When `PAUSECODE_API_KEY` is set, every `/api` call must send it as `X-API-Key: KEY` or `Authorization: Bearer KEY`.
Health, docs and the static player stay open. An HTML `<video>` element cannot send headers, so the media route
also accepts `?token=` from `GET /api/v1/video/{id}/media-token`: an HMAC of the video id and an expiry, keyed
by the API key, valid for one video for a limited time. The key itself never appears in a URL or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings
from .errors import AuthError
from .parsing import parse_decimal

MEDIA_TOKEN_TTL = 6 * 3600

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key (when the server has one)")
bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token")


def _expected(request: Request) -> str | None:
    settings: Settings = request.app.state.settings
    return settings.api_key.get_secret_value() if settings.api_key else None


def key_matches(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


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


@dataclass(frozen=True)
class MediaToken:
    """A parsed `?token=` value: `<expires, Unix seconds>.<hex signature>`."""

    expires: int
    signature: str


_SIGNATURE = re.compile(r"[0-9a-f]{40}", re.ASCII)


def parse_media_token(token: str) -> MediaToken:
    """Split and check the syntax of a media token; ValueError for anything malformed (never another error)."""
    exp_text, sep, sig = token.partition(".")
    if not sep or not _SIGNATURE.fullmatch(sig):
        raise ValueError("malformed media token")
    return MediaToken(parse_decimal(exp_text), sig)


def media_token_valid(settings: Settings, video_id: str, token: str | None) -> bool:
    """True for a well-formed, unexpired token signed for `video_id`; a malformed token is simply not valid."""
    if not settings.api_key or not token:
        return False
    try:
        parsed = parse_media_token(token)
    except ValueError:
        return False
    if parsed.expires < time.time():
        return False
    expected = _sign(settings.api_key.get_secret_value(), video_id, parsed.expires)
    return hmac.compare_digest(parsed.signature.encode("ascii"), expected.encode("ascii"))
