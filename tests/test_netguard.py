"""SSRF at connect time: every connection a download makes is checked against the address it goes to.

"Public" content is served from 127.0.0.2 (allowed with url_allow=127.0.0.2/32); an "internal" server on
127.0.0.3 must receive nothing: not through a redirect, an HLS fragment, a subtitle track or DNS rebinding.
No internet: both servers are loopback.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yt_dlp

from pausecode.errors import ConfigError, PausecodeError, URLNotAllowedError
from pausecode.ingest import download as dl
from pausecode.ingest import ffmpeg as ffmpeg_mod
from pausecode.ingest.netguard import ConnectGuard, GuardedUrllibRH, GuardedYoutubeDL, RefusedConnection
from pausecode.ingest.source import open_source
from pausecode.ingest.urls import allowed_networks
from pausecode.settings import Settings, load_settings
from test_ingest import make_video

SAFETY_TIMEOUT = 60.0  # seconds: only so that a regression fails instead of hanging the suite
PUBLIC_IP = "127.0.0.2"
INTERNAL_IP = "127.0.0.3"

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class Server:
    """A tiny HTTP server on one loopback address; records every request it receives."""

    def __init__(self, host: str, port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        reply(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except OSError:
                    pass

            do_HEAD = do_GET

        self.httpd = http.server.ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, **headers: str) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in headers.items():
        h.send_header(k.replace("_", "-"), v)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def serve(body: bytes, ctype: str) -> Route:
    return lambda h: reply(h, 200, body, ctype)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_video(tmp_path_factory.mktemp("guard") / "clip.mp4", seconds=1.0).read_bytes()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    public = Server(PUBLIC_IP)
    try:
        internal = Server(INTERNAL_IP, public.port)  # same port: a rebinding answer needs only a new address
    except OSError:
        public.close()
        pytest.skip(f"cannot bind {INTERNAL_IP}:{public.port} on this machine")
    yield public, internal
    public.close()
    internal.close()


@pytest.fixture
def strict(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", download_retries=1, allow_private_urls=False, url_allow=[f"{PUBLIC_IP}/32"]
    )


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dl, "_sleep", lambda s: None)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


# ---------------------------------------------------------------------------------------------- settings


def test_url_allow_setting_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAUSECODE_URL_ALLOW", "127.0.0.2/32, 10.1.0.0/16")
    s = load_settings()
    assert s.url_allow == ["127.0.0.2/32", "10.1.0.0/16"]
    assert [str(n) for n in allowed_networks(s)] == ["127.0.0.2/32", "10.1.0.0/16"]
    monkeypatch.setenv("PAUSECODE_URL_ALLOW", "not-a-network")
    with pytest.raises(ConfigError, match="not a network"):
        load_settings()
    monkeypatch.delenv("PAUSECODE_URL_ALLOW")
    assert load_settings().url_allow == []  # default: nothing private is allowed


# ---------------------------------------------------------------------------------------------- positive control


def test_allowed_public_content_downloads_through_the_guard(
    servers: tuple[Server, Server], strict: Settings, clip: bytes
) -> None:
    public, internal = servers
    public.routes["/clip.mp4"] = serve(clip, "video/mp4")
    info = open_source(public.url("/clip.mp4"), strict)
    assert Path(info.path).read_bytes() == clip
    assert internal.requests == []


def test_upfront_check_still_refuses_the_internal_host(servers: tuple[Server, Server], strict: Settings) -> None:
    _, internal = servers
    with pytest.raises(URLNotAllowedError, match=f"refused: {INTERNAL_IP} resolves to a loopback address"):
        open_source(internal.url("/x.mp4"), strict)
    assert internal.requests == []


# ---------------------------------------------------------------------------------------------- the four faults


def test_redirect_to_internal_host_is_not_followed(
    servers: tuple[Server, Server], strict: Settings, clip: bytes
) -> None:
    public, internal = servers
    internal.routes["/secret.mp4"] = serve(clip, "video/mp4")
    public.routes["/go.mp4"] = lambda h: reply(
        h, 302, b"", "text/plain", Location=internal.url("/secret.mp4")
    )
    with pytest.raises(URLNotAllowedError, match=f"refused: {INTERNAL_IP} resolves to a loopback address"):
        open_source(public.url("/go.mp4"), strict)
    assert public.requests  # the public server was asked
    assert internal.requests == []  # the internal one never was, not on any retry
    assert not any(strict.videos_dir.glob("*.mp4"))


def test_hls_fragment_on_internal_host_is_not_fetched(
    servers: tuple[Server, Server], strict: Settings, clip: bytes
) -> None:
    public, internal = servers
    internal.routes["/seg0.ts"] = serve(clip, "video/mp2t")
    manifest = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:1.0,\n{internal.url('/seg0.ts')}\n#EXT-X-ENDLIST\n"
    ).encode()
    public.routes["/live/index.m3u8"] = serve(manifest, "application/vnd.apple.mpegurl")
    with pytest.raises(URLNotAllowedError, match=f"refused: {INTERNAL_IP}"):
        open_source(public.url("/live/index.m3u8"), strict)
    assert any(p.startswith("/live/index.m3u8") for p in public.requests)
    assert internal.requests == []


def test_subtitle_track_on_internal_host_is_not_fetched(
    servers: tuple[Server, Server], strict: Settings, clip: bytes
) -> None:
    public, internal = servers
    internal.routes["/subs.vtt"] = serve(b"WEBVTT\n\n00:00.000 --> 00:01.000\nsecret\n", "text/vtt")
    public.routes["/clip.mp4"] = serve(clip, "video/mp4")
    page = (
        "<html><head><title>lesson</title></head><body>"
        f'<video controls src="{public.url("/clip.mp4")}">'
        f'<track kind="subtitles" srclang="en" label="English" src="{internal.url("/subs.vtt")}">'
        "</video></body></html>"
    ).encode()
    public.routes["/lesson.html"] = serve(page, "text/html; charset=utf-8")
    info = open_source(public.url("/lesson.html"), strict)  # the video is fine; the subtitle is refused
    assert Path(info.path).read_bytes() == clip
    assert not info.subtitles
    assert not list(strict.videos_dir.glob("*.vtt"))
    assert internal.requests == []


def test_dns_rebinding_cannot_reach_the_internal_address(
    servers: tuple[Server, Server], strict: Settings, clip: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver answering public, then internal, then public...: no connection lands on the internal one."""
    public, internal = servers
    for srv in (public, internal):
        srv.routes["/clip.mp4"] = serve(clip, "video/mp4")
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        ip = PUBLIC_IP if len(answers) % 2 == 0 else INTERNAL_IP
        answers.append(ip)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://rebind.example:{public.port}/clip.mp4"
    with pytest.raises(URLNotAllowedError) as refused:
        open_source(url, strict)  # the upfront check saw the public answer; the connection got the other one
    assert f"refused: rebind.example resolves to a loopback address ({INTERNAL_IP})" in str(refused.value)
    assert INTERNAL_IP in answers  # the resolver did try to rebind
    assert internal.requests == []


def test_redirect_to_ftp_on_internal_host_connects_nowhere(
    servers: tuple[Server, Server], strict: Settings
) -> None:
    """urllib follows redirects to ftp://, and ftplib opens its own sockets: no FTP at all while guarded."""
    public, _ = servers
    accepted: list[tuple[str, int]] = []
    listener = socket.create_server((INTERNAL_IP, 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    ftp_port = listener.getsockname()[1]
    public.routes["/ftp.mp4"] = lambda h: reply(
        h, 302, b"", "text/plain", Location=f"ftp://{INTERNAL_IP}:{ftp_port}/secret.mp4"
    )
    try:
        with pytest.raises(PausecodeError):
            open_source(public.url("/ftp.mp4"), strict)
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert accepted == []


# ---------------------------------------------------------------------------------------------- scope


def test_guard_is_scoped_to_the_guarded_downloader(servers: tuple[Server, Server]) -> None:
    """The guard patches nothing global: other code in the process still connects where it likes."""
    _, internal = servers
    internal.routes["/ok"] = serve(b"ok", "text/plain")
    guard = ConnectGuard(allowed_networks(Settings(url_allow=[f"{PUBLIC_IP}/32"])))
    with GuardedYoutubeDL({"quiet": True}, guard) as ydl:
        handlers = list(ydl._request_director.handlers.values())
        assert [type(h) for h in handlers] == [GuardedUrllibRH]  # websockets/requests handlers are not there
        with pytest.raises(RefusedConnection):
            guard.create_connection((INTERNAL_IP, internal.port), 2.0)
        with pytest.raises(yt_dlp.networking.exceptions.TransportError):  # https goes through the guard too
            ydl.urlopen(f"https://{INTERNAL_IP}:{internal.port}/tls")
        assert [r.address for r in guard.refusals] == [INTERNAL_IP, INTERNAL_IP]
        with socket.create_connection((INTERNAL_IP, internal.port), 2.0) as s:  # unguarded code: untouched
            s.sendall(b"GET /ok HTTP/1.0\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.0 200")
    assert guard.first_refusal() is not None
    assert internal.requests == ["/ok"]


def test_hls_never_handed_to_ffmpeg_while_guarded(
    servers: tuple[Server, Server], strict: Settings, clip: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """yt-dlp hands an HLS stream it cannot read natively to ffmpeg, which would connect on its own."""
    public, internal = servers
    internal.routes["/key"] = serve(b"k" * 16, "application/octet-stream")
    internal.routes["/seg0.ts"] = serve(clip, "video/mp2t")
    manifest = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
        f'#EXT-X-KEY:METHOD=SAMPLE-AES,URI="{internal.url("/key")}"\n'  # not native: yt-dlp delegates to ffmpeg
        f"#EXTINF:1.0,\n{public.url('/seg0.ts')}\n#EXT-X-ENDLIST\n"
    ).encode()
    public.routes["/enc/index.m3u8"] = serve(manifest, "application/vnd.apple.mpegurl")
    calls = tmp_path / "ffmpeg-calls.log"
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\necho "$@" >> "{calls}"\n'
        'case "$1" in -version|-bsfs) echo "ffmpeg version 6.1.1"; exit 0;; esac\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    ffmpeg_mod._probe.cache_clear()
    try:
        with pytest.raises(PausecodeError):
            open_source(public.url("/enc/index.m3u8"), strict)
    finally:
        ffmpeg_mod._probe.cache_clear()
    runs = calls.read_text().splitlines() if calls.exists() else []
    assert not [r for r in runs if "-i" in r.split()], runs  # ffmpeg was never asked to fetch anything
    assert internal.requests == []


def test_concurrent_downloads_keep_their_own_rules(
    servers: tuple[Server, Server], strict: Settings, clip: bytes, tmp_path: Path
) -> None:
    """A guarded and an unguarded download at the same time: each follows its own settings."""
    public, internal = servers
    internal.routes["/secret.mp4"] = serve(clip, "video/mp4")
    internal.routes["/trusted.mp4"] = serve(clip, "video/mp4")
    public.routes["/go.mp4"] = lambda h: reply(h, 302, b"", "text/plain", Location=internal.url("/secret.mp4"))
    relaxed = Settings(data_dir=tmp_path / "relaxed", download_retries=1, allow_private_urls=True)
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def run(name: str, url: str, settings: Settings) -> None:
        start.wait(SAFETY_TIMEOUT)
        try:
            results[name] = open_source(url, settings)
        except Exception as e:  # recorded and asserted below
            results[name] = e

    threads = [
        threading.Thread(target=run, args=("guarded", public.url("/go.mp4"), strict)),
        threading.Thread(target=run, args=("trusted", internal.url("/trusted.mp4"), relaxed)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SAFETY_TIMEOUT)
    assert isinstance(results["guarded"], URLNotAllowedError)
    assert Path(results["trusted"].path).read_bytes() == clip  # type: ignore[union-attr]
    assert "/trusted.mp4" in internal.requests
    assert "/secret.mp4" not in internal.requests  # the guarded download's redirect never landed


def test_streams_fetched_by_external_programs_are_refused(
    strict: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rtmp and the like would be fetched by rtmpdump/ffmpeg, whose connections the guard cannot see."""

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: object) -> dict:
        return {
            "id": "1",
            "title": "t",
            "extractor_key": "Generic",
            "url": f"rtmp://{PUBLIC_IP}/live/stream",
            "ext": "flv",
            "webpage_url": url,
        }

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    with pytest.raises(URLNotAllowedError, match="external program"):
        open_source(f"http://{PUBLIC_IP}:9/watch", strict)
