"""The "Test connection" of an IMAP account against a scripted server on loopback: a server that
logs in and then creeps through its answer to SELECT ends the test in time with one line (it
fails, hanging past its wait, without the deadline on that SELECT)."""

from __future__ import annotations

import pytest

from leaddesk import connection, net_deadline
from leaddesk.accounts import AccountInfo
from leaddesk.ingest import imap
from tests.support.fake_imap import FakeImapServer
from tests.support.waiting import finishes_within


def test_a_folder_opened_a_byte_at_a_time_ends_the_connection_test_in_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net_deadline, "FLOOR_SECONDS", 1.0)
    server = FakeImapServer("trickle-at-select")
    try:
        info = AccountInfo(1, "site", "imap", {"host": "127.0.0.1", "port": server.port,
                                               "security": "plain", "user": "ada"},
                           "account:site", True)
        finished, outcome, took = finishes_within(
            lambda: connection.check_connection(info, "pw-9c1e"), 31)
    finally:
        server.close()
    assert finished, f"the connection test still hung after {took:.0f} s"
    assert took < 11
    assert isinstance(outcome, imap.ImapStalledError)
    assert str(outcome) == (f"the IMAP server 127.0.0.1:{server.port} stopped sending while "
                            f"opening the folder INBOX after 1 s; logged in, but the folder was "
                            f"not opened: try again later")
