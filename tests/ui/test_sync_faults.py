"""A mail server's fault as the window shows it: the sync report holds the same one line the
command line prints (what happened, what to do), never a traceback or the password, and the
leads already stored stay as they were."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leaddesk import accounts
from leaddesk.db import Database
from tests.support.fake_imap import FakeImapServer

from leaddesk.ui.main_window import MainWindow

PASSWORD = "pässwörd-Secr3t-4471"  # beyond ASCII: LOGIN could not even send it before


@pytest.fixture
def dropping() -> Iterator[FakeImapServer]:
    server = FakeImapServer("drop-at-login")
    yield server
    server.close()


def test_a_server_dropping_the_login_is_one_line_in_the_sync_report(
        qtbot, window: MainWindow, ui_db: Database, dropping: FakeImapServer,
        memory_keyring: object) -> None:
    settings = {"host": "127.0.0.1", "port": dropping.port, "security": "plain", "user": "ada",
                "folder": "INBOX"}
    accounts.save_account(ui_db, "site", settings, kind="imap", secret=PASSWORD, actor="tester")
    before = window.inbox.model.rowCount()
    window.start_sync()
    qtbot.waitUntil(window.sync_problems.isVisible, timeout=10_000)
    (problem,) = window.sync.report.problems
    assert problem.item == "site"
    assert problem.reason == (f"the IMAP server 127.0.0.1:{dropping.port} closed the connection "
                              f"during the login: check the port and --security (ssl for port "
                              f"993, starttls for 143), then try again")
    assert PASSWORD not in problem.reason + problem.advice
    assert "Traceback" not in problem.reason
    assert window.inbox.model.rowCount() == before
