"""After adding accounts, syncing and replying (and failing once), neither password appears in
the database file, the config or data directories, the command output or the logs."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from tests.ingest.conftest import Mailbox
from tests.support import smtp as smtp_support
from tests.support.cli import Result, Runner
from tests.support.dovecot import PASSWORD as IMAP_PASSWORD
from tests.support.dovecot import USER as IMAP_USER
from tests.support.keyrings import MemoryKeyring
from tests.support.mail import notification
from tests.support.smtp import ServerFactory

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
SECRETS = (IMAP_PASSWORD, smtp_support.PASSWORD)


def test_passwords_appear_nowhere_but_the_keyring(
        run: Runner, tmp_path: Path, mailbox: Mailbox, smtp_server: ServerFactory,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox.append(notification(1), notification(2))
    server = smtp_server("starttls")
    results: list[Result] = []

    def step(*argv: str, stdin: str | None = None, code: int = 0) -> Result:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
        result = run("-v", *argv)
        assert result.code == code, result.err
        results.append(result)
        return result

    step("accounts", "add", "imap", "site", "--host", "127.0.0.1", "--port",
         str(mailbox.server.ssl_port), "--user", IMAP_USER, "--ca-file", str(mailbox.server.cert),
         "--folder", mailbox.folder, "--password-stdin", stdin=IMAP_PASSWORD)
    step("accounts", "add", "smtp", "replies", "--host", "127.0.0.1", "--port", str(server.port),
         "--security", "starttls", "--user", smtp_support.USER, "--ca-file", str(server.cert),
         "--from", "team@example-agency.com", "--sent-copy", "site", "--sent-folder",
         mailbox.folder, "--password-stdin", stdin=smtp_support.PASSWORD)
    step("accounts", "test", "site")
    step("accounts", "test", "replies")
    step("sync", "site")
    body = tmp_path / "body.txt"
    body.write_text("Thanks for writing!")
    sent = step("reply", "1", "--body-file", str(body), "--json")
    assert '"copied_to": "' + mailbox.folder in sent.out
    step("accounts", "list", "--json")
    step("show", "1", "--json")
    # A failure path too: a wrong password must not be echoed back either.
    memory_keyring.store[("LeadDesk", "account:replies")] = IMAP_PASSWORD
    step("reply", "2", "--body-file", str(body), code=1)

    assert len(server.received) == 1
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    files += [p for p in (tmp_path / "config").rglob("*") if p.is_file()]
    files += list(tmp_path.glob("*.db*"))
    assert any(p.name == "leaddesk.db" for p in files)
    texts = [r.out + r.err for r in results] + [caplog.text]
    for secret in SECRETS:
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
        for text in texts:
            assert secret not in text
