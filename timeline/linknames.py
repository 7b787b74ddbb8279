"""The host names of checked addresses: each looked up once a run, judged, and connected to at exactly
the addresses judged.

A public-looking name that resolves here to a private address (an intranet's, or the cloud's metadata
service behind a DNS name) is not asked. The connection goes to the addresses that look-up gave, not
to a second one's: a resolver whose answer changes between the two (DNS rebinding) cannot turn a name
judged public into a private address asked. Not where a proxy is used for the address: the proxy
resolves the name, not this machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

import httpcore
import httpx

from .fields import private_host


class Names:
    def __init__(self, trust_env: bool, allow_private: bool):
        self.trust_env, self.allow_private, self.found = trust_env, allow_private, {}
        # Whether a proxy takes url: the client's own choice where it is known (routed), else the
        # environment's as urllib reads it.
        self.proxied = _proxied

    def addresses(self, host: str) -> asyncio.Future:
        """The addresses of host (its ASCII form, as the connection names it), looked up at the first ask.
        A look-up that failed but for a name that does not exist is asked again: the resolver's trouble
        may be over by the retry, which would otherwise fail at once with the same."""
        known = self.found.get(host)
        if known is None or known.done() and not known.cancelled() and _passing(known.exception()):
            self.found[host] = known = asyncio.ensure_future(_addresses(host))
        return known

    async def private(self, url: str) -> str | None:
        """Why url's host name is private here, or None (also when it cannot be looked up: the
        request then reports the name as unknown, or its trouble)."""
        try:
            parsed = httpx.URL(url)
            host = parsed.raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeError):
            return None
        if not host or _is_address(host) or self.trust_env and self.proxied(url):
            return None   # an address written as one is judged as written (fields.private)
        try:
            found = await self.addresses(host)
        except (OSError, UnicodeError):
            return None
        return _private_among(parsed.host, found)


# The resolver's answers that a name does not exist: final for the run, not a passing trouble.
NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def _passing(failure: BaseException | None) -> bool:
    return failure is not None and not (isinstance(failure, socket.gaierror) and failure.errno in NO_SUCH_HOST)


def _private_among(host: str, found) -> str | None:
    """Why one of a name's addresses is private (host: the name as written), or None."""
    for ip in found:
        ip = ip.split("%")[0]   # an IPv6 address without its zone (fe80::1%eth0)
        if why := private_host(ip):
            return f"'{host}' resolves here to {ip}, {why.split(' is ', 1)[-1]}"
    return None


def transport(names: Names, limits: httpx.Limits, trust_env: bool) -> httpx.AsyncHTTPTransport:
    """httpx's transport, connecting through Pinned. httpx takes no network backend of its own; its
    connection pool (httpcore's) does, so the pool is made again with one."""
    made = httpx.AsyncHTTPTransport(limits=limits, trust_env=trust_env)
    if not isinstance(getattr(made, "_pool", None), httpcore.AsyncConnectionPool):
        raise RuntimeError(f"httpx {httpx.__version__} keeps its connection pool otherwise: links cannot pin names")
    made._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=trust_env), max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
        network_backend=Pinned(names))
    return made


# Seconds an address is given to connect before the next of the name's is tried. Without the
# browsers' parallel attempts ("happy eyeballs", which connect to one name only), an unanswering
# address must not spend the whole request's time.
FALLBACK = 3.0


class Pinned(httpcore.AsyncNetworkBackend):
    """Connects to a name's addresses as Names found them, IPv4 first (an IPv6 route is the more
    often broken), the next when one fails."""

    def __init__(self, names: Names):
        self.names, self.inner = names, httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout=None, local_address=None, socket_options=None):
        if _is_address(host):
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            found = await self.names.addresses(host)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if not found:
            raise httpcore.ConnectError(f"no address for '{host}'") from socket.gaierror(
                socket.EAI_NONAME, "Name or service not known")
        if not self.names.allow_private and (why := _private_among(host, found)):
            raise httpcore.ConnectError(f"not connected: {why}")
        failure, ordered = None, sorted(found, key=lambda ip: ":" in ip)
        for i, ip in enumerate(ordered):
            last = i == len(ordered) - 1
            try:
                return await self.inner.connect_tcp(ip.split("%")[0], port, timeout if last else min(
                    timeout or FALLBACK, FALLBACK), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path: str, timeout=None, socket_options=None):
        return await self.inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _proxied(url: str) -> bool:
    proxies = urllib.request.getproxies_environment()
    return bool(proxies.get(urlsplit(url).scheme) or proxies.get("all")) and \
        not urllib.request.proxy_bypass_environment(httpx.URL(url).raw_host.decode("ascii"), proxies)


def routed(client: httpx.AsyncClient):
    """Whether the client sends a url through a proxy, as it decides: httpx reads NO_PROXY otherwise
    than urllib (".example.org" leaves example.org proxied; "http://host" is one scheme's)."""
    pick, own = getattr(client, "_transport_for_url", None), getattr(client, "_transport", None)
    if pick is None or own is None:
        raise RuntimeError(f"httpx {httpx.__version__} chooses its proxies otherwise: links cannot tell which it uses")
    return lambda url: pick(httpx.URL(url)) is not own


async def _addresses(host: str) -> list[str]:
    """The addresses the system's resolver gives for host (what it raises when it cannot say)."""
    found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in found))
