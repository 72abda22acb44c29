"""A scripted SMTP server on loopback that stalls before the login, the way a hung or overloaded
server does (silent, or creeping: tests/support/stalling.py). Where (``at``):

- ``greeting``: accepts, never finishes its greeting;
- ``handshake``: for an implicit-TLS (SMTPS) account: accepts, never finishes the TLS handshake;
- ``starttls``: greets, offers STARTTLS, answers it with 220, then never answers the handshake.
"""

from __future__ import annotations

import socket

from tests.support.stalling import TLS_RECORD, StallingServer

PLACES = ("greeting", "handshake", "starttls")


class StallingSmtpServer(StallingServer):
    """``StallingSmtpServer(at, trickle=…)`` listens on 127.0.0.1:``port`` until :meth:`close`."""

    def __init__(self, at: str, *, trickle: bool = False) -> None:
        super().__init__(at, PLACES, trickle=trickle)

    def serve(self, conn: socket.socket, number: int) -> None:
        if self.at in ("greeting", "handshake"):
            self.stall(conn, b"220" if self.at == "greeting" else TLS_RECORD)
            return
        conn.sendall(b"220 stalling.test ESMTP\r\n")
        for line in conn.makefile("rb"):
            command = line.split(b" ", 1)[0].strip().upper()
            if command in (b"EHLO", b"HELO"):
                conn.sendall(b"250-stalling.test\r\n250 STARTTLS\r\n")
            elif command == b"STARTTLS":
                conn.sendall(b"220 go ahead\r\n")
                self.stall(conn, TLS_RECORD)
                return
            else:
                conn.sendall(b"502 not here\r\n")
