"""A loopback TCP proxy that can cut connections, or trickle the server's bytes, to test dropped
connections and servers that creep mid-sync."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.support.postgres import free_port


class CuttingProxy:
    """Forwards 127.0.0.1:port to a target; after ``cut_after`` bytes from the server it drops
    every connection (and keeps dropping new ones until ``cut_after`` is reset to None). After
    ``trickle_after`` bytes from the server (counted like ``forwarded``) it passes the rest on
    one byte every ``trickle_seconds``: a server that creeps, never silent long enough for a
    read timeout."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.cut_after: int | None = None
        self.forwarded = 0
        self.trickle_after: int | None = None
        self.trickle_seconds = 0.2
        self._stopped = threading.Event()  # ends the trickling at close()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        try:
            while True:
                data = source.recv(4096)
                if not data:
                    break
                ahead = len(data)  # bytes passed on at once, the rest trickles
                if from_server:
                    with self._lock:
                        self.forwarded += len(data)
                        cut = self.cut_after is not None and self.forwarded > self.cut_after
                        if self.trickle_after is not None:
                            ahead = max(self.trickle_after - (self.forwarded - len(data)), 0)
                    if cut:
                        self.drop_all()
                        return
                sink.sendall(data[:ahead])
                for byte in data[ahead:]:
                    if self._stopped.wait(self.trickle_seconds):
                        return
                    sink.sendall(bytes([byte]))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def drop_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._closed = True
        self._stopped.set()
        with contextlib.suppress(OSError):  # wakes the accepting thread (close() alone does not)
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self.drop_all()
