"""URL checks before any network use: only http(s), a real host, and (unless allowed) only public addresses.

Refusing private, loopback and link-local addresses keeps a server deployment from being used to fetch
internal services (e.g. cloud metadata at 169.254.169.254). This upfront check gives an early, clear error;
the binding check is made at connect time for every request the downloader makes (`netguard.py`), against
the address actually connected to, so redirects and DNS rebinding are covered there. Networks listed in
`settings.url_allow` count as public.
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
        check_host_allowed(host, port or (443 if scheme == "https" else 80), allowed_networks(settings))
    return s


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ALLOW_HINT = (
    "set allow_private_urls (PAUSECODE_ALLOW_PRIVATE_URLS=1) to allow local-network sources, "
    "or list trusted networks in PAUSECODE_URL_ALLOW"
)


def allowed_networks(settings: Settings) -> tuple[IPNetwork, ...]:
    """The networks `settings.url_allow` treats as public (already validated by Settings)."""
    return tuple(ipaddress.ip_network(n, strict=False) for n in settings.url_allow)


def refusal_reason(ip: IPAddress, allow: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why a download may not connect to `ip`, or None; networks in `allow` are treated as public."""
    if any(ip.version == net.version and ip in net for net in allow):
        return None
    return forbidden_reason(ip)


def refused_message(host: str, ip: IPAddress, reason: str) -> str:
    """The one wording for a refused address, upfront and at connect time."""
    shown = f"{reason} address" if str(ip) == host else f"{reason} address ({ip})"
    return f"refused: {host} resolves to {shown}"


def check_host_allowed(host: str, port: int = 443, allow: tuple[IPNetwork, ...] = ()) -> None:
    """Raise URLNotAllowedError if any address `host` resolves to is not public (nor in `allow`)."""
    for ip in resolve_host(host, port):
        reason = refusal_reason(ip, allow)
        if reason:
            raise URLNotAllowedError(refused_message(host, ip, reason), hint=ALLOW_HINT)


def resolve_host(host: str, port: int = 443) -> list[IPAddress]:
    """All addresses of `host` (an IP literal is returned as is)."""
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:
        raise UnsupportedURLError(f"malformed host name {host!r}") from None
    except socket.gaierror as e:
        if e.errno == socket.EAI_AGAIN or is_well_known_site(host) or not has_network_route():
            why = "temporary DNS failure" if e.errno == socket.EAI_AGAIN else "its address could not be looked up"
            raise DownloadError(
                f"cannot reach {host}: {why} ({e.strerror})",
                hint="check this machine's network connection (it looks offline or without DNS), or retry later",
            ) from None
        raise SourceError(f"host {host!r} does not exist ({e.strerror})", hint="check the URL") from None
    except OSError as e:
        raise DownloadError(f"cannot resolve host {host!r}: {e}") from None
    ips = [ip for info in infos if (ip := parse_ip(str(info[4][0]))) is not None]
    if not ips:
        raise SourceError(f"host {host!r} has no usable address")
    return ips


# sites that certainly exist: a failed lookup of one of them means this machine cannot reach the internet
WELL_KNOWN_SITES = ("youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "dailymotion.com", "twitch.tv")
# documentation addresses (RFC 5737 / RFC 3849): routing a UDP "connection" to them sends no packet
_ROUTE_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))


def is_well_known_site(host: str) -> bool:
    h = host.lower().rstrip(".")
    return any(h == site or h.endswith("." + site) for site in WELL_KNOWN_SITES)


def has_network_route() -> bool:
    """True if the kernel has a route towards the internet (IPv4 or IPv6); no packet is sent."""
    for family, address in _ROUTE_PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((address, 53))
                return True
        except OSError:
            continue
    return False


def parse_ip(text: str) -> IPAddress | None:
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
