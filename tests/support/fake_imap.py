"""A scripted server on loopback that misbehaves the way a wrong port or a dying IMAP server does:
it closes after its greeting, drops the connection at LOGIN, says BYE, or is not IMAP at all; or
(``refuse-login``) answers LOGIN with the line given as ``login_answer``, e.g.
``NO [UNAVAILABLE] …``; or (``trickle-at-login``, ``trickle-at-select``) answers that command
one byte every ``TRICKLE_SECONDS``, never ending the line, never silent long enough for a read
timeout."""

from __future__ import annotations

import socket

from tests.support import listener

GREETING = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"
BEHAVIOURS = ("close-after-greeting", "drop-at-login", "bye-at-login", "not-imap")
REFUSE_LOGIN = "refuse-login"
TRICKLES = ("trickle-at-login", "trickle-at-select")
TRICKLE_SECONDS = 0.2


class FakeImapServer(listener.Scripted):
    """``FakeImapServer(behaviour)`` listens on 127.0.0.1:``port`` until :meth:`close`."""

    def __init__(self, behaviour: str, login_answer: bytes = b"") -> None:
        if behaviour not in (*BEHAVIOURS, REFUSE_LOGIN, *TRICKLES):
            raise ValueError(behaviour)
        self.behaviour = behaviour
        self.login_answer = login_answer
        super().__init__()

    def serve(self, conn: socket.socket, number: int) -> None:
        if self.behaviour == "not-imap":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        conn.sendall(GREETING)
        if self.behaviour == "close-after-greeting":
            return
        for line in conn.makefile("rb"):
            tag, _, rest = line.partition(b" ")
            command = rest.split(b" ", 1)[0].strip().upper()
            # A read-only SELECT is EXAMINE.
            opening = command.replace(b"EXAMINE", b"SELECT").decode().lower()
            if self.behaviour == f"trickle-at-{opening}":
                self._trickle(conn)
                return
            if command == b"LOGIN" and self.behaviour == "trickle-at-select":
                conn.sendall(tag + b" OK logged in\r\n")
                continue
            if command in (b"LOGIN", b"AUTHENTICATE") and self.behaviour == REFUSE_LOGIN:
                conn.sendall(tag + b" " + self.login_answer + b"\r\n")
                continue
            if command in (b"LOGIN", b"AUTHENTICATE"):
                if self.behaviour == "bye-at-login":
                    conn.sendall(b"* BYE shutting down\r\n")
                conn.shutdown(socket.SHUT_RDWR)
                return
            if command == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
            else:
                conn.sendall(tag + b" BAD unknown command\r\n")

    def _trickle(self, conn: socket.socket) -> None:
        """An untagged answer that never ends, until the client shuts the connection or the
        server closes."""
        conn.sendall(b"* OK")
        while not self._closed.wait(TRICKLE_SECONDS):
            conn.sendall(b".")
