"""Which requests the preview answers: the request target and Host checks (against DNS rebinding)."""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from typing import Callable

# host[:port], [ipv6][:port]; nothing else (no user@, path, spaces, second port)
_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")


def check_request(target: str, hosts: list[str], version: str, *, port: int, allowed: Callable[[str], bool],
                  url: str) -> tuple[int, str] | None:
    """(status, message) to refuse a request with, or None. Refuses any Host but the preview's (it
    listens on `port` and answers as `url`; `allowed` says which names are its own): a page on
    another site whose name an attacker re-points at 127.0.0.1 (DNS rebinding) comes with its own
    name in Host."""
    if target.startswith("/"):
        authority = None
    elif re.match(r"(?i)https?://", target):  # absolute form: its authority overrides Host
        authority = urllib.parse.urlsplit(target).netloc
    else:
        return 400, f"'{target[:80]}' is not a path"
    if len(hosts) > 1:
        return 400, "more than one Host header"
    if authority is None and not hosts:
        return None if version == "HTTP/1.0" else (400, "an HTTP/1.1 request needs a Host header")
    value = authority if authority is not None else hosts[0]
    parsed = _HOST.fullmatch(value.strip())
    if parsed is None:
        return 400, f"Host: {value[:80]!r} is not a host name"
    name = (parsed["name"] or parsed["ip6"]).lower()
    given = parsed["port"]
    if given is not None and int(given) != port or not allowed(name):
        return 421, (f"this preview answers only as {url}, not {value[:80]}"
                     " (a name that is not this machine's could be a DNS rebinding attack)")
    return None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` spells, also in the short forms the C library accepts ("127.1")."""
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"[0-9a-fA-FxX.]+", host):
            return None
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(host: str) -> bool:
    """True for every spelling of this machine: localhost (any case, trailing dot, *.localhost, which
    browsers never look up), 127.0.0.0/8 (also as "127.1"), ::1 (also as "[::1]")."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _ip(name)
    return address is not None and address.is_loopback


def allowed_hosts(host: str, loopback_only: bool) -> Callable[[str], bool]:
    """Which names the Host header may give: loopback names, and the name given to `--host`.
    Listening on another address than loopback, also any address literal, as an address cannot be
    re-pointed the way a DNS name can, and this machine's name."""
    own = {host.lower().rstrip(".")}
    if not loopback_only:
        own.add(socket.gethostname().lower())
    return lambda name: (is_loopback(name) or name.rstrip(".") in own
                         or (not loopback_only and _ip(name) is not None))


def next_free_port(host: str, port: int) -> int | None:
    """The first port after `port` that can be bound on `host`, for the message of a port in use."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port + 1, min(port + 100, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
                return candidate
            except OSError:
                continue
    return None
