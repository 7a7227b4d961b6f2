"""Malformed client input (tokens, Range, Content-Length) is a 4xx with the one JSON error shape, never a 500.

Property-based: any text given to the token and Range parsers is either parsed or rejected cleanly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest_server import make_video, save_fake_result, settings_for
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from starlette.requests import Request
from test_api import assert_error

from pausecode.errors import PausecodeError, UsageError
from pausecode.server.app import create_app
from pausecode.server.errors import RangeError
from pausecode.server.media import parse_range
from pausecode.server.parsing import MAX_DIGITS, parse_decimal
from pausecode.server.security import MediaToken, make_media_token, media_token_valid, parse_media_token
from pausecode.server.upload import receive_upload
from pausecode.settings import Settings

KEY = "s3cret-key-for-tests"
# text a client can send: any unicode, and the look-alikes that fooled str.isdigit()
texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789²³¹٣۴.-= ,bytes\t", max_size=40),
    st.from_regex(r"\A[0-9²¹]{0,30}\.[0-9a-f]{0,45}\Z"),
)


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, api_key=KEY)
    save_fake_result(settings, "vid_k", path=make_video(tmp_path / "clip.mp4"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


# ---------------------------------------------------------------------------------------------- media token


@pytest.mark.parametrize(
    "token",
    ["%C2%B2.abc", "%C2%B9%C2%B2.0123456789abcdef0123456789abcdef01234567", "%D9%A3.abc", ".", "1.", "x" * 120,
     "9" * 40 + ".abc", "%ED%A0%80.abc", "%00.abc"],
)
def test_malformed_media_token_is_401_never_500(keyed: TestClient, token: str) -> None:
    r = keyed.get(f"/api/v1/video/vid_k/media?token={token}")
    assert_error(r, 401, "unauthorized")


def test_a_valid_token_still_opens_the_video(keyed: TestClient) -> None:
    body = keyed.get("/api/v1/video/vid_k/media-token", headers={"X-API-Key": KEY}).json()
    assert keyed.get(body["media_url"]).status_code == 200


@given(token=texts)
@hsettings(max_examples=300, deadline=None)
def test_token_parser_parses_or_rejects_cleanly(token: str) -> None:
    try:
        parsed = parse_media_token(token)
    except ValueError:
        return
    assert isinstance(parsed, MediaToken) and parsed.expires >= 0 and len(parsed.signature) == 40


@given(token=st.one_of(texts, st.none()))
@hsettings(max_examples=300, deadline=None)
def test_token_check_is_a_plain_yes_or_no(token: str | None) -> None:
    s = Settings(api_key=KEY)
    assert media_token_valid(s, "vid_k", token) is False  # nothing random is a valid signature


def test_token_round_trip() -> None:
    s = Settings(api_key=KEY)
    token, expires = make_media_token(s, "vid_k")
    assert token is not None and parse_media_token(token).expires == expires > time.time()
    assert media_token_valid(s, "vid_k", token) and not media_token_valid(s, "vid_x", token)


@given(token=st.text(min_size=1, max_size=60))
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_token_over_http_is_never_a_500(keyed: TestClient, token: str) -> None:
    r = keyed.get(f"/api/v1/video/vid_k/media?token={quote(token, safe='')}")
    assert r.status_code == 401 or (r.status_code == 422 and len(token) > 128), r.text
    assert r.json()["success"] is False


# ---------------------------------------------------------------------------------------------- Range


@given(header=st.one_of(texts, st.none()), size=st.integers(min_value=0, max_value=10**12))
@hsettings(max_examples=500, deadline=None)
def test_range_parser_parses_or_rejects_cleanly(header: str | None, size: int) -> None:
    try:
        rng = parse_range(header, size)
    except RangeError:
        return
    if rng is not None:
        first, last = rng
        assert 0 <= first <= last < size


@pytest.mark.parametrize("header", ["bytes=" + "1" * 5000 + "-", "bytes=-" + "9" * 5000, "bytes=²-", "bytes=٣-"])
def test_odd_range_headers_are_ignored(header: str) -> None:
    assert parse_range(header, 1000) is None  # the whole file: RFC 9110 lets a server ignore a bad Range


def test_range_over_http(keyed: TestClient) -> None:
    h = {"X-API-Key": KEY}
    assert keyed.get("/api/v1/video/vid_k/media", headers={**h, "Range": "bytes=0-9"}).status_code == 206
    assert_error(keyed.get("/api/v1/video/vid_k/media", headers={**h, "Range": "bytes=999999999-"}), 416)
    odd = "bytes=1².-".encode("latin-1")
    assert keyed.get("/api/v1/video/vid_k/media", headers={**h, "Range": odd}).status_code == 200


# ---------------------------------------------------------------------------------------------- numbers


@given(text=texts)
@hsettings(max_examples=300, deadline=None)
def test_decimal_parser(text: str) -> None:
    try:
        n = parse_decimal(text)
    except ValueError:
        return
    assert str(n).zfill(len(text)) == text and len(text) <= MAX_DIGITS


@pytest.mark.parametrize("declared", ["²", "1" * 5000, "-1", "1e9"])
def test_odd_content_length_on_upload_is_a_4xx(tmp_path: Path, declared: str) -> None:
    """A Content-Length `str.isdigit()` accepts but `int()` refuses must not become a 500."""
    body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\nxyz\r\n--b--\r\n"
    scope = {
        "type": "http", "method": "POST", "path": "/api/v1/video/upload", "query_string": b"",
        "headers": [(b"content-type", b"multipart/form-data; boundary=b"),
                    (b"content-length", declared.encode("utf-8"))],
    }
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def run() -> None:
        await receive_upload(Request(scope, receive), tmp_path / "uploads", 1)

    try:
        asyncio.run(run())
    except PausecodeError as e:
        assert isinstance(e, UsageError) and 400 <= e.http_status < 500


# ---------------------------------------------------------------------------------------------- any parameter


@pytest.fixture
def open_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path)
    save_fake_result(settings, "vid_k", path=make_video(tmp_path / "clip.mp4"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@given(value=texts, other=texts)
@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_or_path_value_is_never_a_500(open_client: TestClient, value: str, other: str) -> None:
    v, o = quote(value, safe=""), quote(other, safe="")
    for url in (
        f"/api/v1/video/vid_k/code?timestamp={v}&tolerance={o}",
        f"/api/v1/video/vid_k/code?timestamp=1&tolerance={v}",
        f"/api/v1/video/vid_k/segments?type={v}&min_confidence={o}",
        f"/api/v1/video/{v or 'x'}/info",
        f"/api/v1/video/{v or 'x'}/code?timestamp={o}",
        f"/api/v1/jobs/{v or 'x'}",
        f"/api/v1/video/vid_k/media?token={v}",
    ):
        r = open_client.get(url, headers={"Range": value.encode("utf-8", "replace")})
        assert r.status_code < 500, (url, r.text)
        if r.status_code >= 400:
            assert r.json()["success"] is False, url
