"""URL checks before any network use: only http(s), a real host, and (unless allowed) only public addresses.

Refusing private, loopback and link-local addresses keeps a server deployment from being used to fetch
internal services (e.g. cloud metadata at 169.254.169.254). Limits: the host is resolved here and again by
the downloader, so DNS rebinding between the two lookups is not prevented; `download` re-checks the media
URLs an extractor found (this covers redirects of direct links), but not every intermediate request.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qs, urlsplit

from ..errors import DownloadError, SourceError, UnsupportedURLError, URLNotAllowedError
from ..settings import Settings
from .ids import YOUTUBE_ID_RE

ALLOWED_SCHEMES = ("http", "https")

# scheme of 2+ characters, so a Windows drive ("C:\\videos\\a.mp4") is never taken for one
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")
# YouTube links pasted without a scheme ("youtu.be/ID", "www.youtube.com/watch?v=ID")
_BARE_YOUTUBE_RE = re.compile(
    r"^(?:(?:www|m|music)\.)?(?:youtube\.com|youtube-nocookie\.com|youtu\.be)/", re.I
)
_YOUTUBE_HOSTS = ("youtube.com", "youtube-nocookie.com")
_YOUTUBE_PATH_PREFIXES = ("shorts", "embed", "live", "v", "e")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Video sites whose names always exist: when one does not resolve, this machine cannot reach DNS (offline)
_WELL_KNOWN_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "dailymotion.com", "twitch.tv")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_scheme(source: str) -> str | None:
    """The lower-cased scheme of `source` if it has one ('https', 'file', 'javascript'...), else None."""
    m = _SCHEME_RE.match(source.strip())
    return m.group(1).lower() if m else None


def is_url(source: str) -> bool:
    """True if `source` is meant as a URL (has a scheme, or is a scheme-less YouTube link), not a path."""
    s = source.strip()
    return url_scheme(s) is not None or bool(_BARE_YOUTUBE_RE.match(s))


def normalize_url(source: str) -> str:
    """Strip blanks and give scheme-less YouTube links an https scheme."""
    s = source.strip()
    if url_scheme(s) is None and _BARE_YOUTUBE_RE.match(s):
        s = "https://" + s
    return s


def check_url(url: str, settings: Settings, *, resolve: bool = True) -> str:
    """Validate `url` and return it normalised; raise before anything is downloaded.

    UnsupportedURLError: not http(s), no host, malformed. URLNotAllowedError: the host resolves to a
    loopback/private/link-local/reserved/multicast/unspecified address (unless settings.allow_private_urls).
    SourceError: the host name does not exist. DownloadError: DNS temporarily failed.
    `resolve=False` checks only the syntax (no DNS), e.g. before looking in the download cache.
    """
    raw = url if isinstance(url, str) else str(url)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw.strip()):
        raise UnsupportedURLError(
            f"malformed URL {raw.strip()[:200]!r}: contains spaces or control characters"
        )
    s = normalize_url(raw)
    scheme = url_scheme(s)
    if scheme is None:
        raise UnsupportedURLError(
            f"not a URL: {s[:200]!r}", hint="give an http(s) URL or the path of a local video file"
        )
    if scheme not in ALLOWED_SCHEMES:
        raise UnsupportedURLError(
            f"unsupported URL scheme '{scheme}:' in {s[:200]!r}",
            hint="only http:// and https:// URLs can be downloaded; for a local file give its path",
        )
    try:
        parts = urlsplit(s)
        host = parts.hostname
        port = parts.port
    except ValueError as e:
        raise UnsupportedURLError(f"malformed URL {s[:200]!r}: {e}") from None
    if not host:
        raise UnsupportedURLError(f"malformed URL {s[:200]!r}: no host name")
    if resolve and not settings.allow_private_urls:
        check_host_allowed(host, port or (443 if scheme == "https" else 80))
    return s


def check_host_allowed(host: str, port: int = 443) -> None:
    """Raise URLNotAllowedError if any address `host` resolves to is not public."""
    for ip in resolve_host(host, port):
        reason = forbidden_reason(ip)
        if reason:
            raise URLNotAllowedError(
                f"refusing to download from {host!r}: it resolves to {reason} address {ip}",
                hint="set allow_private_urls (PAUSECODE_ALLOW_PRIVATE_URLS=1) to allow local-network sources",
            )


def resolve_host(host: str, port: int = 443) -> list[IPAddress]:
    """All addresses of `host` (an IP literal is returned as is)."""
    literal = _parse_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:
        raise UnsupportedURLError(f"malformed host name {host!r}") from None
    except socket.gaierror as e:
        if e.errno == socket.EAI_AGAIN:
            raise DownloadError(
                f"cannot resolve host {host!r} (temporary DNS failure): {e.strerror}"
            ) from None
        if _is_well_known(host):
            raise DownloadError(
                f"cannot reach {host}: its name did not resolve, so this machine looks offline ({e.strerror})",
                hint="check the network connection (or DNS) and try again",
            ) from None
        raise SourceError(f"host {host!r} does not exist, or this machine is offline ({e.strerror})",
                          hint="check the URL and the network connection") from None
    except OSError as e:
        raise DownloadError(f"cannot resolve host {host!r}: {e}") from None
    ips = [ip for info in infos if (ip := _parse_ip(str(info[4][0]))) is not None]
    if not ips:
        raise SourceError(f"host {host!r} has no usable address")
    return ips


def _is_well_known(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in _WELL_KNOWN_HOSTS)


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    except ValueError:
        return None


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why `ip` may not be fetched from ('loopback', 'private'...), or None if it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason:
                return reason
            if ip.ipv4_mapped:
                return None
    checks = (
        ("is_unspecified", "an unspecified"),
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    )
    for attr, label in checks:
        if getattr(ip, attr):
            return label
    if not ip.is_global:  # e.g. shared address space 100.64.0.0/10
        return "a non-public"
    return None


def extract_youtube_id(url: str) -> str | None:
    """The 11-character id of a YouTube video URL, without network; None for anything else.

    Knows watch?v=, youtu.be/, /shorts/, /embed/, /live/, /v/ (with or without www./m./music., and
    scheme-less).
    """
    s = normalize_url(url)
    if url_scheme(s) not in ALLOWED_SCHEMES:
        return None
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    for prefix in ("www.", "m.", "music."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    segments = [seg for seg in parts.path.split("/") if seg]
    candidate: str | None = None
    if host == "youtu.be":
        candidate = segments[0] if segments else None
    elif host in _YOUTUBE_HOSTS:
        if segments == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in _YOUTUBE_PATH_PREFIXES:
            candidate = segments[1]
    if candidate and YOUTUBE_ID_RE.fullmatch(candidate):
        return candidate
    return None
