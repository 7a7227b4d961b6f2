"""The video file itself, with Range support, and signed media links for players that cannot send headers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials

from ...errors import VideoNotFoundError
from ..errors import ERROR_RESPONSES, AuthError
from ..media import file_response
from ..schemas import MediaToken
from ..security import (
    api_key_header,
    bearer,
    key_matches,
    make_media_token,
    media_token_valid,
    require_api_key,
)
from ..state import checked_id, get_state

router = APIRouter(prefix="/api/v1", tags=["media"], responses=ERROR_RESPONSES)


def _authorise(request: Request, video_id: str, token: str | None, x_api_key: str | None,
               auth: HTTPAuthorizationCredentials | None) -> None:
    settings = get_state(request).settings
    if not settings.api_key:
        return
    expected = settings.api_key.get_secret_value()
    if key_matches(x_api_key, expected) or key_matches(auth.credentials if auth else None, expected):
        return
    if media_token_valid(settings, video_id, token):
        return
    raise AuthError("this media link needs an API key or a valid token",
                    hint="get one from /api/v1/video/{id}/media-token")


@router.head("/video/{video_id}/media", include_in_schema=False)
@router.get(
    "/video/{video_id}/media", summary="Stream the video (HTTP Range supported)",
    response_class=Response,
    responses={200: {"content": {"video/mp4": {}}, "description": "the whole file"},
               206: {"description": "the requested byte range"}, 416: {"description": "range not satisfiable"}},
)
def media(
    request: Request,
    video_id: str,
    x_api_key: Annotated[str | None, Depends(api_key_header)],
    auth: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: str | None = Query(None, max_length=128, description="signed media token (when an API key is set)"),
    range_header: str | None = Header(None, alias="range", max_length=200),
) -> Response:
    vid = checked_id(video_id)
    _authorise(request, vid, token, x_api_key, auth)
    row = get_state(request).video_row(vid)
    if row is None or not row["path"]:
        raise VideoNotFoundError(f"no video with id {vid!r}")
    path = Path(row["path"])
    if not path.is_file():
        raise VideoNotFoundError(f"the video file of {vid!r} is no longer on this server")
    return file_response(path, range_header, request.method)


@router.get("/video/{video_id}/media-token", response_model=MediaToken, dependencies=[Depends(require_api_key)],
            summary="A signed, expiring media link (for <video src> when the server needs an API key)")
def media_token(request: Request, video_id: str) -> MediaToken:
    vid = checked_id(video_id)
    st = get_state(request)
    if st.video_row(vid) is None:
        raise VideoNotFoundError(f"no video with id {vid!r}")
    token, expires = make_media_token(st.settings, vid)
    url = f"/api/v1/video/{vid}/media" + (f"?token={token}" if token else "")
    return MediaToken(video_id=vid, token=token, expires_at=expires, media_url=url)
