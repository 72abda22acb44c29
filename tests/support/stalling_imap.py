"""A scripted IMAP server on loopback that stalls at one point of a session, the way a hung or
overloaded server does: it stays silent there, or (``trickle=True``) sends one byte every
``TRICKLE_SECONDS`` of an answer that never ends, never silent long enough for a read timeout.

Where (``at``):

- ``greeting``: accepts, never greets;
- ``handshake``: for an implicit-TLS account: accepts, never finishes the TLS handshake;
- ``starttls``: answers STARTTLS with OK, then never answers the handshake;
- ``append``: takes the APPEND's message, never confirms it;
- ``done``: on the first connection, announces new mail during IDLE and never answers the DONE
  that ends it; later connections behave (a server back to health).

Otherwise it answers just enough IMAP for a login, an empty read-only folder, IDLE and LOGOUT.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading

from tests.support import listener

TRICKLE_SECONDS = 0.5
PLACES = ("greeting", "handshake", "starttls", "append", "done")
CAPABILITIES = b"IMAP4rev1 STARTTLS IDLE AUTH=PLAIN"
FOLDER_ANSWER = (b"* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n"
                 b"* OK [UIDNEXT 1] ok\r\n* FLAGS (\\Seen)\r\n")
# A TLS record header announcing a 16 kB handshake record: a client waits for all of it.
TLS_RECORD = b"\x16\x03\x03\x40\x00"


class StallingImapServer:
    """``StallingImapServer(at, trickle=…)`` listens on 127.0.0.1:``port`` until :meth:`close`;
    ``connections`` counts the ones accepted, ``appended`` the APPENDs' messages taken."""

    def __init__(self, at: str, *, trickle: bool = False) -> None:
        if at not in PLACES:
            raise ValueError(at)
        self.at, self.trickle = at, trickle
        self.connections = 0
        self.appended: list[bytes] = []
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
            threading.Thread(target=self._serve, args=(conn, self.connections), daemon=True).start()

    def _stall(self, conn: socket.socket, start: bytes) -> None:
        """Silence, or ``start`` then a byte at a time, until the client hangs up or the server
        closes."""
        if not self.trickle:
            with contextlib.suppress(OSError):
                while conn.recv(4096):  # read what comes, answer nothing
                    pass
            return
        if start == TLS_RECORD:
            # After the client's hello: sent along with STARTTLS's OK, the record would be read
            # into the client's buffer of plain lines, and TLS would start at the wrong byte.
            conn.recv(4096)
        conn.sendall(start)
        while not self._closed.wait(TRICKLE_SECONDS):
            conn.sendall(b"\0" if start == TLS_RECORD else b".")

    def _serve(self, conn: socket.socket, number: int) -> None:
        with contextlib.suppress(OSError), conn:
            if self.at in ("greeting", "handshake"):
                self._stall(conn, b"* OK" if self.at == "greeting" else TLS_RECORD)
                return
            conn.sendall(b"* OK [CAPABILITY " + CAPABILITIES + b"] ready\r\n")
            lines = conn.makefile("rb")
            for line in lines:
                tag, _, rest = line.partition(b" ")
                command = rest.split(b" ", 1)[0].strip().upper()
                if command == b"UID":
                    command = rest.split(b" ", 2)[1].strip().upper()
                ok = tag + b" OK done\r\n"
                if command == b"STARTTLS":
                    conn.sendall(tag + b" OK begin TLS\r\n")
                    if self.at == "starttls":
                        self._stall(conn, TLS_RECORD)
                    return  # no TLS here: a client past the handshake is not expected
                if command == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY " + CAPABILITIES + b"\r\n" + ok)
                elif command in (b"LOGIN", b"NOOP"):
                    conn.sendall(ok)
                elif command in (b"SELECT", b"EXAMINE"):
                    conn.sendall(FOLDER_ANSWER + tag + b" OK [READ-ONLY] done\r\n")
                elif command == b"SEARCH":
                    conn.sendall(b"* SEARCH\r\n" + ok)
                elif command == b"LIST":
                    name = rest.rstrip().rsplit(b" ", 1)[-1]
                    conn.sendall(b'* LIST () "/" ' + name + b"\r\n" + ok)
                elif command == b"APPEND":
                    size = re.search(rb"\{(\d+)\+?\}\r\n$", line)
                    conn.sendall(b"+ go ahead\r\n")
                    self.appended.append(lines.read(int(size.group(1)) if size else 0))
                    lines.readline()  # the CRLF ending the command
                    if self.at == "append":
                        self._stall(conn, tag + b" OK")
                        return
                    conn.sendall(ok)
                elif command == b"IDLE":
                    conn.sendall(b"+ idling\r\n")
                    if self.at == "done" and number == 1:
                        conn.sendall(b"* 1 EXISTS\r\n")
                        lines.readline()  # DONE
                        self._stall(conn, tag + b" OK")
                        return
                    lines.readline()  # DONE, whenever the client ends the wait
                    conn.sendall(tag + b" OK idle done\r\n")
                elif command == b"LOGOUT":
                    conn.sendall(b"* BYE bye\r\n" + ok)
                    return
                else:
                    conn.sendall(tag + b" BAD unknown command\r\n")

    def close(self) -> None:
        self._closed.set()
        listener.stop(self._listener)
