"""Connect-time address check for every request a download makes (redirects, manifests, fragments, subtitles).

The upfront URL check (`urls.check_url`) sees only the first host name. yt-dlp then follows redirects, reads
HLS/DASH manifests, fetches fragments, subtitles and thumbnails, and retries, each with a fresh DNS lookup. So
every connection goes through `ConnectGuard.create_connection`: it resolves the host once, refuses the
connection if any answer is loopback/private/link-local/multicast/reserved (unless in `settings.url_allow`),
and connects to exactly the addresses it checked (pinned: a rebinding resolver gets no second lookup).

Scope: only the YoutubeDL built by `youtube_dl(params, guard)` uses the guard (its request director holds one
handler, ours); nothing global is patched, so other code in the process is unaffected and concurrent downloads
each have their own guard. That YoutubeDL never hands a transfer to an external program (ffmpeg, rtmpdump),
whose connections could not be checked, and ignores proxies (a proxy would make the checked address the
proxy's, not the target's).
"""

from __future__ import annotations

import functools
import http.client
import socket
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any

import yt_dlp
from yt_dlp.networking._urllib import HTTPHandler, UrllibRH

from ..errors import URLNotAllowedError
from .ffmpeg import NO_FFMPEG_LOCATION
from .urls import ALLOW_HINT, IPNetwork, parse_ip, refusal_reason, refused_message

# protocols yt-dlp downloads in-process through its request director (with the native downloader forced,
# "m3u8" is read by yt-dlp's own HLS downloader too); anything else (rtmp, rtsp, mms...) would be fetched by an
# external program that the guard cannot see
IN_PROCESS_PROTOCOLS = frozenset(
    {"http", "https", "m3u8_native", "m3u8", "http_dash_segments", "http_dash_segments_generator", "mhtml"}
)


class RefusedConnection(ConnectionRefusedError):
    """Raised instead of connecting; an OSError, so yt-dlp treats it like any failed connection."""


@dataclass(frozen=True)
class Refusal:
    """One connection the guard refused: the host asked for, the address it resolved to, and why."""

    host: str
    address: str
    reason: str

    def error(self) -> URLNotAllowedError:
        ip = parse_ip(self.address)
        if ip is None:
            message = f"refused: {self.host} resolves to {self.reason} address {self.address!r}"
        else:
            message = refused_message(self.host, ip, self.reason)
        return URLNotAllowedError(message, hint=ALLOW_HINT)


class ConnectGuard:
    """One download's connection checker: thread-safe, remembers what it refused (for the user's error)."""

    def __init__(self, allow: tuple[IPNetwork, ...] = ()) -> None:
        self.allow = allow
        self._lock = threading.Lock()
        self._refused: list[Refusal] = []

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        with self._lock:
            return tuple(self._refused)

    def first_refusal(self) -> URLNotAllowedError | None:
        found = self.refusals
        return found[0].error() if found else None

    def _refuse(self, host: str, address: str, reason: str) -> RefusedConnection:
        refusal = Refusal(host, address, reason)
        with self._lock:
            self._refused.append(refusal)
        return RefusedConnection(str(refusal.error()))

    def create_connection(
        self,
        address: tuple[str, int],
        timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        """http.client's `_create_connection`: resolve once, check every answer, connect to those only."""
        host, port = address
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        if not infos:
            raise OSError(f"no address for {host}")
        for info in infos:
            ip = parse_ip(str(info[4][0]))
            if ip is None:
                raise self._refuse(host, str(info[4][0]), "an unparsable")
            reason = refusal_reason(ip, self.allow)
            if reason:
                raise self._refuse(host, str(ip), reason)
        err: OSError | None = None
        for family, socktype, proto, _name, sockaddr in infos:
            sock = socket.socket(family, socktype, proto)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)  # the checked address itself: no second lookup
                return sock
            except OSError as e:
                sock.close()
                err = e
        assert err is not None
        raise err


class _GuardedHTTPHandler(HTTPHandler):
    """yt-dlp's urllib HTTP handler with every connection made through the guard (no SOCKS proxies)."""

    def __init__(self, guard: ConnectGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._guard = guard

    def _connection(self, conn_class: type[http.client.HTTPConnection], *args: Any, **kwargs: Any) -> Any:
        conn = conn_class(*args, **kwargs)
        conn._create_connection = self._guard.create_connection  # type: ignore[attr-defined]
        if self._source_address is not None:
            conn.source_address = (self._source_address, 0)
        return conn

    def _no_socks(self, req: Any) -> None:
        if req.headers.pop("Ytdl-socks-proxy", None):
            raise RefusedConnection("proxies are not used while downloads are address-checked")

    def http_open(self, req: Any) -> Any:
        self._no_socks(req)
        return self.do_open(functools.partial(self._connection, http.client.HTTPConnection), req)

    def https_open(self, req: Any) -> Any:
        self._no_socks(req)
        return self.do_open(
            functools.partial(self._connection, http.client.HTTPSConnection), req, context=self._context
        )


class GuardedUrllibRH(UrllibRH):
    """The only request handler of a guarded YoutubeDL: http(s) and data: URLs, connections via the guard."""

    _SUPPORTED_URL_SCHEMES = ("http", "https", "data")
    RH_NAME = "pausecode-guarded-urllib"

    def __init__(self, *, guard: ConnectGuard, **kwargs: Any) -> None:
        kwargs.pop("enable_file_urls", None)
        super().__init__(**kwargs)
        self._guard = guard

    def _create_instance(self, *args: Any, **kwargs: Any) -> Any:
        opener = super()._create_instance(*args, **kwargs)
        plain = [h for h in opener.handlers if type(h) is HTTPHandler]
        if len(plain) != 1:  # a yt-dlp release that builds its opener differently: fail closed
            raise RuntimeError("cannot install the connection guard in this yt-dlp version")
        guarded = _GuardedHTTPHandler(
            self._guard,
            debuglevel=int(bool(self.verbose)),
            context=plain[0]._context,
            source_address=self.source_address,
        )
        rebuilt = urllib.request.OpenerDirector()
        for h in opener.handlers:
            if hasattr(h, "ftp_open") or hasattr(h, "file_open"):
                continue  # urllib follows redirects to ftp://, whose connections would bypass the guard
            rebuilt.add_handler(guarded if h is plain[0] else h)
        rebuilt.addheaders = []  # as yt-dlp's own opener: no urllib default User-Agent
        return rebuilt


class GuardedYoutubeDL(yt_dlp.YoutubeDL):
    """A YoutubeDL whose every connection is address-checked and that never runs an external downloader."""

    def __init__(self, params: dict[str, Any], guard: ConnectGuard) -> None:
        self._guard = guard
        super().__init__(
            {
                **params,
                "proxy": "",  # no proxy: the address checked must be the address of the content
                "external_downloader": {"default": "native"},
                "hls_prefer_native": True,
            }
        )

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        guard = self._guard

        def handler(**kwargs: Any) -> GuardedUrllibRH:
            return GuardedUrllibRH(guard=guard, **kwargs)

        return super().build_request_director([handler], preferences)

    def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
        from yt_dlp.utils import determine_protocol

        protocols = set(determine_protocol(info).split("+"))
        if not protocols <= IN_PROCESS_PROTOCOLS:
            bad = ", ".join(sorted(protocols - IN_PROCESS_PROTOCOLS))
            raise URLNotAllowedError(
                f"refused: the {bad} stream would be fetched by an external program, "
                "whose connections cannot be address-checked",
                hint=ALLOW_HINT,
            )
        saved = self.params
        # while fetching, yt-dlp finds no ffmpeg to hand a transfer to; merging the local files afterwards
        # uses the real one again
        self.params = {**saved, "ffmpeg_location": NO_FFMPEG_LOCATION}
        try:
            return super().dl(name, info, subtitle=subtitle, test=test)
        finally:
            self.params = saved


def youtube_dl(params: dict[str, Any], guard: ConnectGuard | None) -> yt_dlp.YoutubeDL:
    """A YoutubeDL for `params`: address-checked through `guard`, or plain when private URLs are allowed."""
    return yt_dlp.YoutubeDL(params) if guard is None else GuardedYoutubeDL(params, guard)
