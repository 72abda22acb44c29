"""Each IMAP command that moves mail (LOGIN, SELECT, SEARCH, a FETCH of sizes, headers or a
batch of bodies) runs under an overall deadline (leaddesk.net_deadline) sized to what it moves.

The socket's 30 s timeout ends a silent server but not one that sends a byte every 20 s: then a
FETCH never ends and the sync hangs. :func:`deadline` arms a watchdog for one command; when it
passes, the socket is shut down, the blocked read returns, and the failure becomes one line
naming the server and the time ("stopped sending in the middle of a message batch after N s").
What the sync stored before is kept (each batch is its own transaction with its UID position), so
the next sync resumes where it stopped. IDLE's wait is never under a deadline: it is long by
design, and it is ended by its own checks (leaddesk.team.worker); its start and the answer to its
end (DONE) are.

The connection itself is too: IMAPClient reads the greeting (and, with implicit TLS, does the
handshake) inside its constructor, before LeadDesk holds the client. :class:`WatchedClient`
hands its socket to the connection's deadline as it is made, and a TLS context passed through
``Deadline.watch`` hands over the TLS socket as its handshake starts (STARTTLS too).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from typing import Any

from imapclient import IMAPClient
from imapclient.imap4 import IMAP4WithTimeout

from leaddesk import net_deadline
from leaddesk.account_settings import ImapSettings
from leaddesk.ingest.imap_errors import ImapError

# Bytes per message of what a FETCH brings besides bodies, for its deadline: a line such as
# "* 123456 FETCH (UID 123456 RFC822.SIZE 123456)" is under 64; the Sent folder's header fields
# (Message-ID, In-Reply-To, References, To, Cc, Date) rarely pass 4 kB, a long References too.
SIZE_LINE_BYTES = 64
HEADER_BYTES = 4096
UID_BYTES = 8  # "1234567 " in a SEARCH answer

KEPT = "what was read before is stored; try again later"


class ImapStalledError(ImapError):
    """Raised when the server did not finish a command within its deadline (it trickled bytes
    or stopped mid-answer with the connection open)."""


def socket_of(client: Any) -> Any:
    # A client without a socket (a scripted one in tests) has nothing to shut down.
    find = getattr(client, "socket", None)
    return find() if callable(find) else None


@contextlib.contextmanager
def deadline(client: Any, settings: ImapSettings, doing: str, *, size: int = 0,
             then: str = KEPT) -> Iterator[net_deadline.Deadline]:
    """Run the block (one command on ``client``) under a deadline for ``size`` bytes; past it,
    the socket is shut down and the failure raised as :class:`ImapStalledError`: "the IMAP server
    HOST stopped sending ``doing`` after N s; ``then``". ``client`` is None while the block makes
    the connection (:class:`WatchedClient` names its socket to the deadline yielded)."""
    watchdog = net_deadline.Deadline(net_deadline.allowed(size), lambda: socket_of(client))
    try:
        with watchdog:
            yield watchdog
    except Exception:
        if not watchdog.passed:
            raise
        raise ImapStalledError(f"the IMAP server {settings.where} stopped sending {doing} after "
                               f"{watchdog.seconds:.0f} s; {then}") from None


class _WatchedIMAP4(IMAP4WithTimeout):  # type: ignore[misc]  # imapclient is untyped
    """imaplib's connection, whose socket is handed to ``made`` before the greeting is read."""

    def __init__(self, host: str, port: int, timeout: float | None,
                 made: Callable[[socket.socket], None]) -> None:
        self._made = made
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock: socket.socket = super()._create_socket(timeout)
        self._made(sock)
        return sock


class WatchedClient(IMAPClient):  # type: ignore[misc]  # imapclient is untyped
    """An IMAPClient whose greeting is read under ``watchdog``: the plain socket is handed to it
    as soon as it is connected. (With implicit TLS the handshake's socket is handed over by the
    ``ssl_context``, which the caller passes through ``watchdog.watch``.)"""

    def __init__(self, watchdog: net_deadline.Deadline, host: str, **options: Any) -> None:
        self._watchdog = watchdog
        super().__init__(host, **options)

    def _create_IMAP4(self) -> Any:
        if self.ssl or self.stream:
            return super()._create_IMAP4()
        return _WatchedIMAP4(self.host, self.port, self._timeout.connect, self._watchdog.add)
