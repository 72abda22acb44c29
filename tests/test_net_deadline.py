"""The overall-deadline watchdog: its rule for how long, a blocked read released when the time
passes, and a block that ended in time never cut afterwards."""

from __future__ import annotations

import socket
import time

import pytest

from leaddesk import net_deadline
from leaddesk.net_deadline import Deadline


def test_the_deadline_is_a_floor_plus_the_bytes_at_a_slow_rate() -> None:
    assert net_deadline.allowed() == 60.0
    assert net_deadline.allowed(4_000_000) == pytest.approx(100.0)  # the largest IMAP batch
    assert net_deadline.allowed(-5) == 60.0


def test_a_read_blocked_past_the_deadline_returns() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(30)  # the per-read timeout never trips: the watchdog ends the read
        started = time.monotonic()
        with Deadline(0.3, lambda: ours) as deadline:
            assert ours.recv(1) == b""
        assert time.monotonic() - started < 10
        assert deadline.passed


def test_a_block_that_ends_in_time_is_never_cut() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        with Deadline(0.2, lambda: ours) as deadline:
            theirs.sendall(b"x")
            assert ours.recv(1) == b"x"
        deadline._timer.join(5)  # the cancelled timer has ended: nothing fires later
        assert not deadline.passed
        theirs.sendall(b"y")
        assert ours.recv(1) == b"y"
