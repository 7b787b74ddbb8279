"""HTTP for the preview: the listening socket, and the request handler that asks the preview for answers."""

from __future__ import annotations

import errno
import re
import socket
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from .hosts import next_free_port
from .overlay import RELOAD_PATH

if TYPE_CHECKING:
    from .server import PreviewServer

_BUILD_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: str.isdigit() accepts "²"


class PortInUse(OSError):
    def __init__(self, host: str, port: int, suggestion: int | None):
        hint = f"; try --port {suggestion}" if suggestion else ""
        super().__init__(f"port {port} on {host} is already in use{hint}")
        self.suggestion = suggestion


def listen(host: str, port: int, preview: "PreviewServer") -> "_HTTPServer":
    """A server bound to host:port (IPv6 when host has a colon) that answers through preview;
    PortInUse, naming a free port, when the port is taken."""
    server_class = _HTTPServer6 if ":" in host else _HTTPServer
    try:
        httpd = server_class((host, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(host, port, next_free_port(host, port)) from None
        raise
    httpd.preview = preview
    return httpd


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # long-poll threads would otherwise delay shutdown by up to 25 s
    request_queue_size = 128
    preview: "PreviewServer"

    def handle_error(self, request, client_address) -> None:
        """One line in the log, not a traceback: a client that hangs up mid-request is no news."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.preview.say(f"error: request from {client_address[0]}: {type(exc).__name__}: {exc}")


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "timeline-preview"
    default_request_version = "HTTP/1.0"  # so that even a refused request line gets a status line

    def setup(self) -> None:
        # Seconds a read or write of the socket may take: an idle client, or one that never ends its
        # headers, gives its thread back. A long-poll waits on the server, not the socket.
        self.timeout = self.server.preview.socket_timeout
        super().setup()

    def parse_request(self) -> bool:
        if len(self.raw_requestline.split()) == 2:  # "GET /": HTTP/0.9 has no status line or headers
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.command, self.request_version, self.close_connection = None, "HTTP/1.0", True
            self._refuse(400, "HTTP/0.9 requests are not supported")
            return False
        if not super().parse_request():
            return False
        if self.command not in ("GET", "HEAD"):
            self._refuse(405, f"{self.command} is not allowed: the preview only reads", {"Allow": "GET, HEAD"})
            return False
        refusal = self.server.preview.check_request(self.path, self.headers.get_all("Host") or [],
                                                    self.request_version)
        if refusal is not None:
            self._refuse(*refusal)
            return False
        return True

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == RELOAD_PATH:
            since = urllib.parse.parse_qs(url.query, keep_blank_values=True).get("since", ["-1"])[0]
            if not _BUILD_NUMBER.fullmatch(since):
                self._refuse(400, "since: expected the number of a build")
                return
            generation = self.server.preview.wait_for_build(int(since))
            status, headers, body = 200, {"Content-Type": "text/plain"}, str(generation).encode()
        else:
            status, headers, body = self.server.preview.fetch(url.path, url.query)
        self._send(status, headers, body)

    do_HEAD = do_GET  # _send leaves out the body

    def log_message(self, format, *args) -> None:  # one line per request drowns the build messages
        pass

    def _refuse(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.close_connection = True
        self._send(status, {"Content-Type": "text/plain; charset=utf-8", "Connection": "close", **(headers or {})},
                   f"{status} {message}\n".encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body)), "Cache-Control": "no-store"}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the tab was closed or reloaded mid-response, or stopped reading
