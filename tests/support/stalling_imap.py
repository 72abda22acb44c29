"""A scripted IMAP server on loopback that stalls at one point of a session, the way a hung or
overloaded server does: it stays silent there, or (``trickle=True``) sends one byte at a time of an
answer that never ends (tests/support/stalling.py).

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

import re
import socket

from tests.support.stalling import TLS_RECORD, StallingServer

PLACES = ("greeting", "handshake", "starttls", "append", "done")
CAPABILITIES = b"IMAP4rev1 STARTTLS IDLE AUTH=PLAIN"
FOLDER_ANSWER = (b"* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n"
                 b"* OK [UIDNEXT 1] ok\r\n* FLAGS (\\Seen)\r\n")


class StallingImapServer(StallingServer):
    """``StallingImapServer(at, trickle=…)`` listens on 127.0.0.1:``port`` until :meth:`close`;
    ``connections`` counts the ones accepted, ``appended`` the APPENDs' messages taken."""

    def __init__(self, at: str, *, trickle: bool = False) -> None:
        super().__init__(at, PLACES, trickle=trickle)
        self.appended: list[bytes] = []

    def serve(self, conn: socket.socket, number: int) -> None:
        if self.at in ("greeting", "handshake"):
            self.stall(conn, b"* OK" if self.at == "greeting" else TLS_RECORD)
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
                    self.stall(conn, TLS_RECORD)
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
                    self.stall(conn, tag + b" OK")
                    return
                conn.sendall(ok)
            elif command == b"IDLE":
                conn.sendall(b"+ idling\r\n")
                if self.at == "done" and number == 1:
                    conn.sendall(b"* 1 EXISTS\r\n")
                    lines.readline()  # DONE
                    self.stall(conn, tag + b" OK")
                    return
                lines.readline()  # DONE, whenever the client ends the wait
                conn.sendall(tag + b" OK idle done\r\n")
            elif command == b"LOGOUT":
                conn.sendall(b"* BYE bye\r\n" + ok)
                return
            else:
                conn.sendall(tag + b" BAD unknown command\r\n")
