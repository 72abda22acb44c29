"""The common part of the scripted servers that stall (tests/support/stalling_imap.py,
stalling_smtp.py): a loopback listener, one thread per connection, and the stall itself, which
is silence, or (``trickle=True``) an answer that starts and then goes on one byte every
``TRICKLE_SECONDS`` without ever ending, never silent long enough for a read timeout."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.support import listener

TRICKLE_SECONDS = 0.5
# A TLS record header announcing a 16 kB handshake record: a client waits for all of it.
TLS_RECORD = b"\x16\x03\x03\x40\x00"


class StallingServer:
    """Listens on 127.0.0.1:``port`` until :meth:`close`; ``connections`` counts the ones
    accepted. A subclass answers each in :meth:`serve` (its number counts from 1)."""

    def __init__(self, at: str, places: tuple[str, ...], *, trickle: bool = False) -> None:
        if at not in places:
            raise ValueError(at)
        self.at, self.trickle = at, trickle
        self.connections = 0
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn, self.connections),
                             daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with contextlib.suppress(OSError), conn:
            self.serve(conn, number)

    def serve(self, conn: socket.socket, number: int) -> None:
        raise NotImplementedError

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

    def close(self) -> None:
        self._closed.set()
        listener.stop(self._listener)
