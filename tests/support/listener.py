"""A scripted server's listening socket: :class:`Scripted` accepts on loopback, one thread per
connection, and :func:`stop` wakes its accepting thread so it ends."""

from __future__ import annotations

import contextlib
import socket
import threading


def stop(listener: socket.socket) -> None:
    # close() alone leaves the accepting thread blocked for the rest of the test run; a
    # shutdown wakes it (and a later fork of the test process carries one thread fewer).
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()


class Scripted:
    """Listens on 127.0.0.1:``port`` until :meth:`close`, counting ``connections``; each
    accepted one is given to :meth:`serve` (numbered from 1) on a thread of its own and closed
    after it, an OSError (the client gone) ending it quietly."""

    def __init__(self) -> None:
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

    def close(self) -> None:
        self._closed.set()
        stop(self._listener)
