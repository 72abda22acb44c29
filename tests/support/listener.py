"""Stopping a scripted server's listening socket so its accepting thread wakes and ends."""

from __future__ import annotations

import contextlib
import socket


def stop(listener: socket.socket) -> None:
    # close() alone leaves the accepting thread blocked for the rest of the test run; a
    # shutdown wakes it (and a later fork of the test process carries one thread fewer).
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()
