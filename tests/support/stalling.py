"""The common part of the scripted servers that stall (tests/support/stalling_imap.py,
stalling_smtp.py, stalling_http.py), scripted servers on loopback (listener.Scripted): the stall
itself, which is silence, or (``trickle=True``) an answer that starts and then goes on one byte every
``TRICKLE_SECONDS`` without ever ending, never silent long enough for a read timeout."""

from __future__ import annotations

import socket

from tests.support import listener

TRICKLE_SECONDS = 0.5
# A TLS record header announcing a 16 kB handshake record: a client waits for all of it.
TLS_RECORD = b"\x16\x03\x03\x40\x00"


class StallingServer(listener.Scripted):
    """A scripted server stalling at ``at``, one of its ``places``; a subclass answers each
    connection in :meth:`serve` and calls :meth:`stall` there."""

    def __init__(self, at: str, places: tuple[str, ...], *, trickle: bool = False) -> None:
        if at not in places:
            raise ValueError(at)
        self.at, self.trickle = at, trickle
        super().__init__()

    def stall(self, conn: socket.socket, start: bytes) -> None:
        """Silence, or ``start`` then a byte at a time, until the client hangs up or the server
        closes. ``start`` TLS_RECORD stalls a TLS handshake."""
        if not self.trickle:
            while conn.recv(4096):  # read what comes, answer nothing
                pass
            return
        if start == TLS_RECORD:
            # After the client's hello: sent along with STARTTLS's answer, the record would be
            # read into the client's buffer of plain lines, and TLS would start at a wrong byte.
            conn.recv(4096)
        conn.sendall(start)
        while not self._closed.wait(TRICKLE_SECONDS):
            conn.sendall(b"\0" if start == TLS_RECORD else b".")
