"""A scripted HTTP server on loopback that takes a request and then stalls before its headers end
(silent, or creeping a byte at a time: tests/support/stalling.py), as a hung backend behind a
proxy does. ``at`` is ``headers``, the one place."""

from __future__ import annotations

import socket

from tests.support.stalling import StallingServer


class StallingHttpServer(StallingServer):
    """``StallingHttpServer("headers", trickle=…)``: ``connections`` counts the requests' ones."""

    def __init__(self, at: str = "headers", *, trickle: bool = False) -> None:
        super().__init__(at, ("headers",), trickle=trickle)

    def serve(self, conn: socket.socket, number: int) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        self.stall(conn, b"HTTP/1.1 200 OK\r\nX-Slow: ")
