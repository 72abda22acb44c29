"""An overall deadline for one network exchange, on top of the socket's per-read timeout.

A per-read timeout ends a silent server, not one that trickles: a byte every 20 s restarts a 30 s
timeout forever, so a FETCH or an SMTP reply that creeps (or stops mid-answer with the connection
left open) would hang a sync or a send for good. :class:`Deadline` is a watchdog: when the block
it guards is still running at its time, it shuts the socket down both ways, so the blocked read
returns at once (EOF) and the caller's error handling runs; :attr:`Deadline.passed` then tells
that failure apart from a server that closed by itself. Used by IMAP (leaddesk.ingest.imap),
SMTP (leaddesk.reply.smtp), the form APIs' client (leaddesk.ingest.api.client) and the post
lookups (leaddesk.posts.fetch).

A TLS handshake runs inside ``wrap_socket``, before the caller holds the new socket (and the old
one is already handed over to it): :meth:`Deadline.watch` makes every socket a TLS context wraps
one the watchdog shuts down too, from the start of its handshake, so a server that stalls or
creeps mid-handshake (implicit TLS or STARTTLS) is cut like any other.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

# How long an exchange may take: FLOOR_SECONDS, plus its bytes at BYTES_PER_SECOND. The floor
# covers a server's own work (a SELECT of a large folder, a content filter behind DATA), which
# an honest server does within seconds; 100 KB/s is below a slow mobile or ADSL link (1 Mbit/s is
# about 125 KB/s), so an honest but slow server finishes its largest batch (4 MB: 60 + 42 s) in
# time, and a trickling one (a byte every 20 s) is cut after about a minute. Tests lower both.
FLOOR_SECONDS = 60.0
BYTES_PER_SECOND = 100_000.0


def allowed(size: int = 0) -> float:
    """The seconds an exchange moving about ``size`` bytes may take."""
    return FLOOR_SECONDS + max(size, 0) / BYTES_PER_SECOND


class Deadline:
    """``with Deadline(seconds, source):`` shuts down the socket ``source()`` gives (read when the
    time is up, so a socket replaced by STARTTLS is the one shut) if the block is still running
    after ``seconds``. ``source`` may be set after construction, once the connection exists."""

    def __init__(self, seconds: float,
                 source: Callable[[], socket.socket | None] | None = None) -> None:
        self.seconds = seconds
        self.source = source
        self.passed = False
        self._also: list[socket.socket] = []  # handed over by add (a new one, a TLS one)
        self._over = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:  # a block that ended is never cut afterwards
            self._over = True
        self._timer.cancel()

    def add(self, sock: socket.socket) -> None:
        """Shut ``sock`` down too when the time is up (one the caller does not hold yet)."""
        with self._lock:
            self._also.append(sock)

    def watch(self, context: ssl.SSLContext) -> ssl.SSLContext:
        """``context``, changed so that each socket it wraps is :meth:`add`-ed as its handshake
        starts; for a context made for this one connection."""
        add = self.add

        class Watched(ssl.SSLSocket):
            def do_handshake(self, block: bool = False) -> None:
                add(self)
                super().do_handshake(block)

        context.sslsocket_class = Watched
        return context

    def _fire(self) -> None:
        with self._lock:
            if self._over:
                return
            self.passed = True
            sock = self.source() if self.source is not None else None
            for each in (sock, *self._also):
                if each is None:
                    continue
                # The plain socket's shutdown, even under TLS: SSLSocket.shutdown would also drop
                # its TLS state under the reading thread's feet. A socket handed over to TLS
                # meanwhile (detached) refuses: the TLS one it became is among _also.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(each, socket.SHUT_RDWR)


def opened_socket(event: str, info: dict[str, Any]) -> socket.socket | None:
    """From httpcore's request trace (``extensions={"trace": …}``): the socket a connection has
    just opened (plain, then its TLS one), for a :class:`Deadline` to shut down; else None. An
    HTTP client hands its sockets over this way, as it never shows them otherwise."""
    if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
        return None
    sock = info["return_value"].get_extra_info("socket")
    return sock if isinstance(sock, socket.socket) else None
