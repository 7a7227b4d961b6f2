"""Ingest: local files, URL checks, ids, and yt-dlp downloads against a loopback HTTP server (no internet)."""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
import pytest
import yt_dlp

from pausecode.errors import (
    CancelledError,
    CorruptVideoError,
    DownloadError,
    EmptyVideoError,
    FileMissingError,
    NotAVideoError,
    SourceError,
    TooLargeError,
    UnsupportedURLError,
    URLNotAllowedError,
    UsageError,
    VideoUnavailableError,
)
from pausecode.ingest import download as dl
from pausecode.ingest import ids as ids_mod
from pausecode.ingest.ids import file_content_id, platform_video_id, validate_video_id
from pausecode.ingest.probe import probe_video
from pausecode.ingest.source import open_source
from pausecode.ingest.urls import check_url, extract_youtube_id, forbidden_reason, is_url
from pausecode.ingest.ytdlp_errors import classify_error
from pausecode.settings import Settings

YT_ID = "dQw4w9WgXcQ"


# ---------------------------------------------------------------------------------------------- helpers


def make_video(
    path: Path,
    seconds: float = 2.0,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
    seed: int = 0,
    faststart: bool = False,
) -> Path:
    """A tiny H.264 video with noisy frames (noise keeps it big enough to truncate meaningfully)."""
    w, h = size
    rng = np.random.default_rng(seed)
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as c:
        s = c.add_stream("h264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for _ in range(int(seconds * fps)):
            img = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def make_audio(path: Path) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=44100)
        for _ in range(40):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate = 44100
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("vid") / "clip.mp4")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", download_retries=2, allow_private_urls=True)


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff delays instead of sleeping."""
    delays: list[float] = []
    monkeypatch.setattr(dl, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(dl, "_sleep", delays.append)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    return delays


Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class LoopbackServer:
    """A tiny HTTP server on 127.0.0.1; tests register routes and read the request log."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Range")))
                route = server.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except OSError:
                    pass  # the client went away; fine

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def hits(self, path: str) -> int:
        return sum(p.split("?")[0] == path for p, _ in self.requests)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "video/mp4") -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def serve_bytes(data: bytes, ctype: str = "video/mp4") -> Route:
    """200 with the whole body, or 206 for a `Range: bytes=N-` request (yt-dlp resumes with those)."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        rng = h.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            body = data[start:]
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            body = data
            h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return route


def fail_with(status: int) -> Route:
    return lambda h: send(h, status, b"", "text/plain")


def hang_up(h: http.server.BaseHTTPRequestHandler) -> None:
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


def leftovers(videos_dir: Path) -> list[str]:
    """Anything in videos_dir except the url map: partial files, temp folders, media, sidecars."""
    if not videos_dir.exists():
        return []
    return sorted(p.name for p in videos_dir.iterdir() if p.name != "url_ids.json")


def fake_extract(info: dict) -> Callable[..., dict]:
    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: object) -> dict:
        fake_extract.calls.append(url)  # type: ignore[attr-defined]
        return {**info, "webpage_url": url}

    fake_extract.calls = []  # type: ignore[attr-defined]
    return extract_info


def raise_in_extract(message: str) -> Callable[..., dict]:
    calls: list[str] = []

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: object) -> dict:
        calls.append(url)
        raise yt_dlp.utils.DownloadError(message)

    extract_info.calls = calls  # type: ignore[attr-defined]
    return extract_info


# ---------------------------------------------------------------------------------------------- local files


def test_local_file_gives_video_info(video: Path, settings: Settings) -> None:
    info = open_source(str(video), settings)
    assert info.duration == pytest.approx(2.0, abs=0.15)
    assert (info.width, info.height) == (160, 120)
    assert info.fps == pytest.approx(10.0)
    assert info.platform == "local"
    assert info.title == "clip"
    assert info.path == str(video.resolve())
    assert info.source == str(video)
    assert validate_video_id(info.video_id) == info.video_id
    assert len(info.video_id) == 16 and int(info.video_id, 16) >= 0
    assert not settings.videos_dir.exists() or not any(settings.videos_dir.iterdir())  # never copied


def test_local_id_is_stable_and_content_based(video: Path, tmp_path: Path, settings: Settings) -> None:
    copy = tmp_path / "renamed copy.mp4"
    shutil.copyfile(video, copy)
    other = make_video(tmp_path / "other.mp4", seed=1)
    a, b, c = (open_source(str(p), settings).video_id for p in (video, copy, other))
    assert a == b
    assert a != c
    assert open_source(video, settings).video_id == a  # a Path works too


def test_local_path_with_tilde_and_colon(
    video: Path, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copyfile(video, tmp_path / "t.mp4")
    assert open_source("~/t.mp4", settings).path == str((tmp_path / "t.mp4").resolve())
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(video, tmp_path / "notes:v2.mp4")  # has a "scheme" but is an existing file
    assert open_source("notes:v2.mp4", settings).platform == "local"


def test_unlisted_extension_is_fine_if_it_decodes(video: Path, tmp_path: Path, settings: Settings) -> None:
    odd = tmp_path / "recording.bin"
    shutil.copyfile(video, odd)
    assert open_source(str(odd), settings).width == 160


def test_sampled_hash_for_huge_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids_mod, "FULL_HASH_LIMIT", 1000)
    monkeypatch.setattr(ids_mod, "SAMPLE_SIZE", 100)
    data = bytearray(np.random.default_rng(3).integers(0, 255, 10_000, dtype=np.uint8).tobytes())
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    base = file_content_id(f)
    assert file_content_id(f) == base
    for index in (0, 5_000, 9_999):  # head, middle and tail samples all count
        changed = bytearray(data)
        changed[index] ^= 0xFF
        f.write_bytes(changed)
        assert file_content_id(f) != base, index
    f.write_bytes(data + b"x")  # so does the size
    assert file_content_id(f) != base
    monkeypatch.setattr(ids_mod, "FULL_HASH_LIMIT", 1 << 30)
    f.write_bytes(data)
    assert file_content_id(f) != base  # the sampled id is a different (documented) scheme


def test_duration_falls_back_to_packets(video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pausecode.ingest import probe as probe_mod

    raw = tmp_path / "raw.h264"  # an elementary stream: no container duration, no timestamps
    with av.open(str(raw), "w", format="h264") as c:
        s = c.add_stream("h264", rate=10)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for i in range(20):
            img = np.full((120, 160, 3), i * 10, dtype=np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    result = probe_video(raw)
    assert result.fps > 0
    assert result.duration == pytest.approx(20 / result.fps, rel=0.01)

    monkeypatch.setattr(probe_mod, "_declared_duration", lambda container, stream: 0.0)
    assert probe_video(video).duration == pytest.approx(2.0, abs=0.15)  # end of the last packet


def test_missing_file(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="no such file"):
        open_source(str(tmp_path / "nope.mp4"), settings)
    with pytest.raises(FileMissingError):
        open_source("not a url", settings)


def test_text_file_named_mp4_is_not_a_video(tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "notes.mp4"
    f.write_text("def hello():\n    print('hi')\n" * 50)
    with pytest.raises(NotAVideoError):
        open_source(str(f), settings)


@pytest.mark.parametrize("faststart", [False, True])
def test_truncated_video_probes_or_is_corrupt(tmp_path: Path, settings: Settings, faststart: bool) -> None:
    full = make_video(tmp_path / "full.mp4", faststart=faststart)
    data = full.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * 0.4)])
    try:
        info = open_source(str(cut), settings)
    except CorruptVideoError as e:
        assert "cut.mp4" in str(e)
    else:
        assert (info.width, info.height) == (160, 120)
    if not faststart:  # moov atom at the end: nothing to open, and we say "corrupt", not "not a video"
        with pytest.raises(CorruptVideoError):
            probe_video(cut)


def test_header_only_mkv_is_corrupt(tmp_path: Path, video: Path) -> None:
    mkv = make_video(tmp_path / "a.mkv")
    stub = tmp_path / "stub.mkv"
    stub.write_bytes(mkv.read_bytes()[:200])
    with pytest.raises(CorruptVideoError):
        probe_video(stub)


def test_zero_byte_file(tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "empty.mp4"
    f.write_bytes(b"")
    with pytest.raises(EmptyVideoError):
        open_source(str(f), settings)


def test_audio_only_file(tmp_path: Path, settings: Settings) -> None:
    f = make_audio(tmp_path / "talk.m4a")
    with pytest.raises(NotAVideoError, match="audio"):
        open_source(str(f), settings)


def test_image_and_directory_are_not_videos(tmp_path: Path, settings: Settings) -> None:
    from PIL import Image

    img = tmp_path / "shot.png"
    Image.fromarray(np.zeros((20, 20, 3), dtype=np.uint8)).save(img)
    with pytest.raises(NotAVideoError):
        open_source(str(img), settings)
    with pytest.raises(NotAVideoError, match="directory"):
        open_source(str(tmp_path), settings)


def test_too_long_video(video: Path, tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d", max_video_duration=1.5)
    with pytest.raises(TooLargeError):
        open_source(str(video), s)


# ---------------------------------------------------------------------------------------------- ids


def test_validate_video_id() -> None:
    for good in ("abc", YT_ID, "generic-clip-0123456789ab", "a" * 64, "A_b-9"):
        assert validate_video_id(good) == good
    for bad in ("", "../etc", "a/b", "a.b", "a b", "a" * 65, "é", None, 5):
        with pytest.raises(UsageError):
            validate_video_id(bad)


def test_platform_video_id_rules() -> None:
    assert platform_video_id("Youtube", YT_ID, "https://youtu.be/" + YT_ID) == YT_ID
    assert platform_video_id("Vimeo", "76979871", "https://vimeo.com/76979871") == "vimeo-76979871"
    a = platform_video_id("Generic", "video", "http://a.example/video.mp4")
    b = platform_video_id("Generic", "video", "http://b.example/video.mp4")
    assert a != b and a.startswith("generic-video-")
    odd1 = platform_video_id("Some Site", "x/../y", "u")
    odd2 = platform_video_id("Some Site", "x_y", "u")
    long_ = platform_video_id("Twitch:Vod", "z" * 300, "u")
    empty = platform_video_id(None, None, "http://c.example/")
    for vid in (a, b, odd1, odd2, long_, empty):
        assert validate_video_id(vid) == vid
    assert odd1 != odd2  # sanitising must not merge distinct ids
    assert len(long_) <= 64


# ---------------------------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "https://",
        "ftp://x/y.mp4",
        "not a url",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://[::1",
        "http://exa mple.com/v",
        "http://host:99999/",
        "",
        "data:text/plain,hi",
    ],
)
def test_malformed_or_unsupported_urls(url: str, settings: Settings) -> None:
    with pytest.raises(UnsupportedURLError):
        check_url(url, settings)


@pytest.mark.parametrize("url", ["ftp://x/y.mp4", "javascript:alert(1)", "file:///etc/passwd", "http://"])
def test_open_source_refuses_other_schemes(url: str, settings: Settings) -> None:
    with pytest.raises(UnsupportedURLError):
        open_source(url, settings)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/v.mp4",
        "http://localhost:8000/v.mp4",
        "http://10.0.0.1/v",
        "http://169.254.169.254/latest",
        "http://[::1]/v",
        "http://[::ffff:127.0.0.1]/v",
        "http://0.0.0.0/",
        "https://192.168.1.20/x",
        "http://100.64.0.1/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://2130706433/",
    ],
)
def test_private_addresses_refused_unless_allowed(url: str, tmp_path: Path) -> None:
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    with pytest.raises(URLNotAllowedError):
        check_url(url, strict)
    with pytest.raises(URLNotAllowedError):
        open_source(url, strict)
    relaxed = Settings(data_dir=tmp_path / "d", allow_private_urls=True)
    assert check_url(url, relaxed) == url


def test_dns_answers_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
        "sneaky.example": ["93.184.216.34", "10.1.2.3"],  # one private answer is enough to refuse
        "mapped.example": ["::ffff:169.254.169.254"],
    }

    def fake_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host == "flaky-dns.example":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    assert check_url("https://public.example/watch?v=1", strict) == "https://public.example/watch?v=1"
    with pytest.raises(URLNotAllowedError, match="private"):
        check_url("https://sneaky.example/v", strict)
    with pytest.raises(URLNotAllowedError, match="link-local"):
        check_url("https://mapped.example/v", strict)
    with pytest.raises(SourceError, match="does not exist"):
        check_url("https://nxdomain.example/v", strict)
    with pytest.raises(DownloadError, match="temporary"):
        check_url("https://flaky-dns.example/v", strict)
    assert check_url("https://nxdomain.example/v", strict, resolve=False) == "https://nxdomain.example/v"


def test_forbidden_reason() -> None:
    import ipaddress

    assert forbidden_reason(ipaddress.ip_address("8.8.8.8")) is None
    assert forbidden_reason(ipaddress.ip_address("::ffff:8.8.8.8")) is None
    assert forbidden_reason(ipaddress.ip_address("127.0.0.2")) == "a loopback"
    assert forbidden_reason(ipaddress.ip_address("64:ff9b::a00:1")) == "a private"  # NAT64 of 10.0.0.1
    assert forbidden_reason(ipaddress.ip_address("2002:7f00:1::")) == "a loopback"  # 6to4 of 127.0.0.1
    assert forbidden_reason(ipaddress.ip_address("fc00::1")) is not None


def test_is_url() -> None:
    for url in (
        "https://x.y/z",
        "HTTP://x",
        "ftp://a",
        "javascript:alert(1)",
        "file:///a",
        "youtu.be/" + YT_ID,
        "www.youtube.com/watch?v=" + YT_ID,
    ):
        assert is_url(url), url
    for path in (
        "video.mp4",
        "/tmp/video.mp4",
        "C:\\videos\\a.mp4",
        "C:/videos/a.mp4",
        "~/a.mp4",
        "not a url",
    ):
        assert not is_url(path), path


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT_ID}",
        f"https://youtube.com/watch?feature=share&v={YT_ID}&t=42s",
        f"http://m.youtube.com/watch?v={YT_ID}",
        f"https://youtu.be/{YT_ID}",
        f"https://youtu.be/{YT_ID}?t=10",
        f"https://www.youtube.com/shorts/{YT_ID}",
        f"https://www.youtube.com/embed/{YT_ID}?start=3",
        f"https://www.youtube.com/live/{YT_ID}?si=abc",
        f"https://www.youtube-nocookie.com/embed/{YT_ID}",
        f"https://music.youtube.com/watch?v={YT_ID}&list=RD",
        f"youtu.be/{YT_ID}",
        f"www.youtube.com/watch?v={YT_ID}",
    ],
)
def test_extract_youtube_id(url: str) -> None:
    assert extract_youtube_id(url) == YT_ID


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",
        f"https://youtube.com.evil.example/watch?v={YT_ID}",
        f"https://vimeo.com/{YT_ID}",
        "https://www.youtube.com/@channel",
        f"ftp://youtu.be/{YT_ID}",
        "https://www.youtube.com/playlist?list=PL123",
        "not a url",
        f"https://www.youtube.com/watch?v={YT_ID}x",
    ],
)
def test_extract_youtube_id_rejects(url: str) -> None:
    assert extract_youtube_id(url) is None


# ---------------------------------------------------------------------------------------------- downloads


def test_direct_link_downloads_then_cache_hit(
    server: LoopbackServer, video: Path, settings: Settings
) -> None:
    data = video.read_bytes()
    server.routes["/media/clip.mp4"] = serve_bytes(data)
    url = server.url("/media/clip.mp4")
    seen: list[tuple[str, float, float]] = []
    info = open_source(url, settings, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert validate_video_id(info.video_id).startswith("generic-clip-")
    assert Path(info.path).read_bytes() == data
    assert Path(info.path).parent == settings.videos_dir.resolve()
    assert info.platform == "generic" and info.source == url
    assert info.duration == pytest.approx(2.0, abs=0.15) and (info.width, info.height) == (160, 120)
    assert seen and seen[-1] == ("download", float(len(data)), float(len(data)))
    assert all(stage == "download" for stage, _, _ in seen)
    assert leftovers(settings.videos_dir) == sorted([f"{info.video_id}.mp4", f"{info.video_id}.info.json"])
    requests_before = len(server.requests)
    assert requests_before >= 1

    again = open_source(url, settings)
    assert len(server.requests) == requests_before  # served from the cache, no network
    assert again == info


@pytest.mark.parametrize("route", [fail_with(500), hang_up], ids=["http500", "hang-up"])
def test_server_errors_retry_with_backoff_then_fail(
    server: LoopbackServer, settings: Settings, route: Route, fast_backoff: list[float]
) -> None:
    server.routes["/bad.mp4"] = route
    with pytest.raises(DownloadError, match="after 3 failed attempts"):
        open_source(server.url("/bad.mp4"), settings)
    assert server.hits("/bad.mp4") == settings.download_retries + 1
    assert fast_backoff == pytest.approx([0.01, 0.02])  # exponential
    assert leftovers(settings.videos_dir) == []  # no partial file, no temp folder


def test_media_failure_after_extraction_leaves_nothing(
    server: LoopbackServer, video: Path, settings: Settings, fast_backoff: list[float]
) -> None:
    data = video.read_bytes()
    calls = {"n": 0}

    def first_ok_then_503(h: http.server.BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # yt-dlp's generic extractor looks at the first response
            serve_bytes(data)(h)
        else:
            send(h, 503, b"", "text/plain")

    server.routes["/flaky.mp4"] = first_ok_then_503
    with pytest.raises(DownloadError, match="after 3 failed attempts"):
        open_source(server.url("/flaky.mp4"), settings)
    assert server.hits("/flaky.mp4") == 1 + settings.download_retries + 1  # extraction, then 3 media tries
    assert fast_backoff == pytest.approx([0.01, 0.02])
    assert leftovers(settings.videos_dir) == []


def test_interrupted_download_resumes(server: LoopbackServer, video: Path, settings: Settings) -> None:
    data = video.read_bytes() + bytes(200_000)  # trailing padding: bigger than one read
    calls = {"n": 0}

    def cut_once(h: http.server.BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the media request: promise everything, send half, hang up
            h.send_response(200)
            h.send_header("Content-Type", "video/mp4")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: len(data) // 2])
            h.wfile.flush()
            h.close_connection = True
            return
        serve_bytes(data)(h)

    server.routes["/big.mp4"] = cut_once
    info = open_source(server.url("/big.mp4"), settings)
    assert Path(info.path).read_bytes() == data
    assert server.hits("/big.mp4") >= 3


def test_private_video_maps_to_unavailable(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = raise_in_extract("ERROR: [youtube] abc: Private video. Sign in if you've been granted access")
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake)
    with pytest.raises(VideoUnavailableError, match="Private video") as exc:
        open_source(f"https://www.youtube.com/watch?v={YT_ID}", settings)
    assert "ERROR:" not in str(exc.value)
    assert len(fake.calls) == 1  # not retried
    assert leftovers(settings.videos_dir) == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader",
            VideoUnavailableError,
        ),
        ("ERROR: [vimeo] 1: Unable to download webpage: HTTP Error 404: Not Found", VideoUnavailableError),
        ("ERROR: [generic] x: HTTP Error 403: Forbidden", VideoUnavailableError),
        ("ERROR: Unsupported URL: https://example.com/page", UnsupportedURLError),
        ("ERROR: [generic] x: Requested format is not available", DownloadError),
    ],
)
def test_ytdlp_errors_are_mapped(
    message: str,
    expected: type,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    fast_backoff: list[float],
) -> None:
    fake = raise_in_extract(message)
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake)
    with pytest.raises(expected):
        open_source("https://videos.example/watch/1", settings)
    assert len(fake.calls) == 1 and fast_backoff == []  # none of these is worth retrying


def test_network_error_messages_are_retried(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fast_backoff: list[float]
) -> None:
    fake = raise_in_extract("ERROR: [youtube] abc: Unable to download API page: <urlopen error timed out>")
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake)
    with pytest.raises(DownloadError, match="after 3 failed attempts"):
        open_source(f"https://youtu.be/{YT_ID}", settings)
    assert len(fake.calls) == 3 and len(fast_backoff) == 2


def test_classify_error() -> None:
    assert (
        classify_error(yt_dlp.utils.DownloadError("ERROR: HTTP Error 503: Service Unavailable"))[0]
        == "transient"
    )
    assert (
        classify_error(yt_dlp.utils.DownloadError("ERROR: HTTP Error 429: Too Many Requests"))[0]
        == "transient"
    )
    assert classify_error(ConnectionResetError(104, "Connection reset by peer"))[0] == "transient"
    assert classify_error(yt_dlp.utils.UnsupportedError("https://x"))[0] == "unsupported"
    kind, reason = classify_error(
        yt_dlp.utils.DownloadError("\x1b[0;31mERROR:\x1b[0m [youtube] a: Private video")
    )
    assert (kind, reason) == ("unavailable", "[youtube] a: Private video")
    assert classify_error(ValueError("something odd"))[0] == "fatal"


def test_youtube_download_with_subtitles_then_offline_cache_hit(
    server: LoopbackServer, video: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = video.read_bytes()
    server.routes["/v.mp4"] = serve_bytes(data)
    server.routes["/en.vtt"] = serve_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\nprint('hi')\n", "text/vtt")
    fake = fake_extract(
        {
            "id": YT_ID,
            "title": "Python tutorial",
            "duration": 2,
            "uploader": "Teacher",
            "extractor": "youtube",
            "extractor_key": "Youtube",
            "url": server.url("/v.mp4"),
            "ext": "mp4",
            "subtitles": {"en": [{"url": server.url("/en.vtt"), "ext": "vtt"}]},
        }
    )
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake)
    info = open_source(f"https://www.youtube.com/watch?v={YT_ID}&t=5s", settings)
    assert (info.video_id, info.platform, info.platform_id) == (YT_ID, "youtube", YT_ID)
    assert (info.title, info.uploader) == ("Python tutorial", "Teacher")
    assert Path(info.subtitles["en"]).read_text().startswith("WEBVTT")
    assert Path(info.path).name == f"{YT_ID}.mp4"

    offline = raise_in_extract("ERROR: network is down")
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", offline)

    def no_dns(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    strict = settings.model_copy(update={"allow_private_urls": False})  # would need DNS to check the host
    requests_before = len(server.requests)
    for other_shape in (f"https://youtu.be/{YT_ID}", f"https://www.youtube.com/shorts/{YT_ID}"):
        hit = open_source(other_shape, strict)
        assert hit.video_id == YT_ID and hit.subtitles == info.subtitles and hit.source == other_shape
    assert offline.calls == [] and len(server.requests) == requests_before


def test_subtitle_failure_does_not_fail_the_download(
    server: LoopbackServer, video: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/v.mp4"] = serve_bytes(video.read_bytes())  # /missing.vtt → 404
    monkeypatch.setattr(
        yt_dlp.YoutubeDL,
        "extract_info",
        fake_extract(
            {
                "id": "76979871",
                "title": "t",
                "extractor": "vimeo",
                "extractor_key": "Vimeo",
                "url": server.url("/v.mp4"),
                "ext": "mp4",
                "automatic_captions": {"en": [{"url": server.url("/missing.vtt"), "ext": "vtt"}]},
            }
        ),
    )
    info = open_source("https://vimeo.com/76979871", settings)
    assert info.video_id == "vimeo-76979871" and info.subtitles == {}
    assert server.hits("/missing.vtt") >= 1


def test_too_long_is_refused_before_downloading(
    server: LoopbackServer, video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(data_dir=tmp_path / "d", allow_private_urls=True, max_video_duration=60)
    server.routes["/v.mp4"] = serve_bytes(video.read_bytes())
    monkeypatch.setattr(
        yt_dlp.YoutubeDL,
        "extract_info",
        fake_extract(
            {
                "id": YT_ID,
                "title": "t",
                "duration": 3 * 3600,
                "extractor_key": "Youtube",
                "url": server.url("/v.mp4"),
                "ext": "mp4",
            }
        ),
    )
    with pytest.raises(TooLargeError):
        open_source(f"https://youtu.be/{YT_ID}", s)
    assert server.hits("/v.mp4") == 0


def test_playlist_is_unsupported(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        yt_dlp.YoutubeDL,
        "extract_info",
        fake_extract({"_type": "playlist", "id": "PL1", "title": "course", "entries": []}),
    )
    with pytest.raises(UnsupportedURLError, match="playlist"):
        open_source("https://www.youtube.com/playlist?list=PL1", settings)


def test_media_on_private_host_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A public page whose extracted media URL points into the local network is refused too."""
    real = socket.getaddrinfo

    def fake_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host == "videos.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(
        yt_dlp.YoutubeDL,
        "extract_info",
        fake_extract(
            {
                "id": "1",
                "title": "t",
                "extractor_key": "Generic",
                "url": "http://169.254.169.254/latest/meta-data",
                "ext": "mp4",
            }
        ),
    )
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    with pytest.raises(URLNotAllowedError):
        open_source("https://videos.example/watch/1", strict)


def test_downloaded_non_video_is_rejected_and_not_cached(server: LoopbackServer, settings: Settings) -> None:
    server.routes["/fake.mp4"] = serve_bytes(b"<html>not a video</html>" * 100)
    url = server.url("/fake.mp4")
    with pytest.raises(NotAVideoError, match="downloaded from"):
        open_source(url, settings)
    assert leftovers(settings.videos_dir) == []
    before = server.hits("/fake.mp4")
    with pytest.raises(NotAVideoError):
        open_source(url, settings)
    assert server.hits("/fake.mp4") > before  # tried again rather than serving the bad file


def test_progress_callback_can_cancel(server: LoopbackServer, video: Path, settings: Settings) -> None:
    server.routes["/v.mp4"] = serve_bytes(video.read_bytes())

    def cancel(stage: str, done: float, total: float) -> None:
        raise CancelledError("stopped by user")

    with pytest.raises(CancelledError):
        open_source(server.url("/v.mp4"), settings, progress=cancel)
    assert leftovers(settings.videos_dir) == []


def test_stale_sidecar_is_not_a_cache_hit(server: LoopbackServer, video: Path, settings: Settings) -> None:
    server.routes["/v.mp4"] = serve_bytes(video.read_bytes())
    url = server.url("/v.mp4")
    info = open_source(url, settings)
    Path(info.path).write_bytes(b"half")  # size no longer matches the sidecar
    before = len(server.requests)
    again = open_source(url, settings)
    assert len(server.requests) > before
    assert Path(again.path).read_bytes() == video.read_bytes()
