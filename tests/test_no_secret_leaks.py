"""After adding accounts, syncing and replying (and failing once), neither password appears in
the database file, the config or data directories, the command output or the logs. The same for
a form API's token through every way a sync can fail (a refused token, a server quoting the
token back, a redirect to another host, unreadable pages) and for an IMAP server that quotes the
password back when it refuses the login; base64 (how Basic and SASL carry them) counts too."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.api.server import FormApiServer, Netlify, Reply, Seen
from tests.ingest.conftest import Mailbox
from tests.support import smtp as smtp_support
from tests.support.cli import Result, Runner
from tests.support.dovecot import PASSWORD as IMAP_PASSWORD
from tests.support.dovecot import USER as IMAP_USER
from tests.support.fake_imap import REFUSE_LOGIN, FakeImapServer
from tests.support.keyrings import MemoryKeyring
from tests.support.mail import notification
from tests.support.smtp import ServerFactory

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
SECRETS = (IMAP_PASSWORD, smtp_support.PASSWORD)
TOKEN = "tok-LEAK-canary-8c41f0e2d9"


def forms(secret: str) -> list[bytes]:
    """Every form a secret may take on its way out: as is, and in base64 (Basic, SASL PLAIN)."""
    return [secret.encode(), base64.b64encode(secret.encode()),
            base64.b64encode(f":{secret}".encode())]


@dataclass
class Steps:
    """Runs `leaddesk -v …` in-process, checks its exit code and keeps what it printed."""

    run: Runner
    monkeypatch: pytest.MonkeyPatch
    results: list[Result] = field(default_factory=list)

    def __call__(self, *argv: str, stdin: str | None = None, code: int = 0) -> Result:
        if stdin is not None:
            self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
        result = self.run("-v", *argv)
        assert result.code == code, result.err
        self.results.append(result)
        return result

    def texts(self) -> list[str]:
        return [r.out + r.err for r in self.results]


@pytest.fixture
def steps(run: Runner, monkeypatch: pytest.MonkeyPatch) -> Steps:
    return Steps(run, monkeypatch)


def assert_nowhere(secrets_: tuple[str, ...], tmp_path: Path, texts: list[str]) -> None:
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    files += [p for p in (tmp_path / "config").rglob("*") if p.is_file()]
    files += list(tmp_path.glob("*.db*"))
    assert any(p.name == "leaddesk.db" for p in files)
    for secret in secrets_:
        for form in forms(secret):
            for path in files:
                assert form not in path.read_bytes(), path
            for text in texts:
                assert form.decode() not in text


def test_passwords_appear_nowhere_but_the_keyring(
        steps: Steps, tmp_path: Path, mailbox: Mailbox, smtp_server: ServerFactory,
        memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox.append(notification(1), notification(2))
    server = smtp_server("starttls")
    step = steps
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
    assert_nowhere(SECRETS, tmp_path, [*steps.texts(), caplog.text])


def test_an_api_token_appears_nowhere_whatever_the_sync_meets(
        steps: Steps, tmp_path: Path, memory_keyring: MemoryKeyring,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server, elsewhere = FormApiServer(), FormApiServer()
    try:
        fake = Netlify(server)

        def on(number: int) -> Any:
            return lambda seen: seen.path == fake.path and seen.query.get("page") == str(number)

        steps("accounts", "add", "api", "forms", "--preset", "netlify", "--form", fake.form,
              "--base-url", f"{server.url}/api/v1", "--config", str(_config(tmp_path)),
              "--token-stdin", stdin=TOKEN)
        steps("accounts", "test", "forms", "--json")
        server.inject(Reply(401, {"message": "bad token " + TOKEN}), times=2, when=on(1))
        steps("sync", "forms", code=1)
        steps("accounts", "test", "forms", code=1)
        server.inject(Reply(400, f"no such form; you sent Authorization: Bearer {TOKEN}".encode()),
                      when=on(1))
        steps("sync", "forms", code=1)
        moved = elsewhere.url.replace("127.0.0.1", "localhost")
        server.inject(Reply(302, b"", {"Location": f"{moved}/steal?token={TOKEN}"}), when=on(2))
        steps("sync", "forms", "--log-format", "json", code=1)
        server.inject(Reply(200, f"<html><title>{TOKEN}</title></html>".encode()), when=on(2))
        steps("sync", "forms", "--log-format", "json", code=1)  # a page not read: exit 1
        steps("sync", "forms")
        steps("list", "--json")
        steps("accounts", "list", "--json")
        assert elsewhere.requests == []
        assert all(s.headers.get("authorization") == f"Bearer {TOKEN}"
                   for s in server.requests if isinstance(s, Seen))
    finally:
        server.close()
        elsewhere.close()
    assert_nowhere((TOKEN,), tmp_path, [*steps.texts(), caplog.text])


def test_an_imap_server_quoting_the_password_back_never_gets_it_shown(
        steps: Steps, tmp_path: Path, memory_keyring: MemoryKeyring,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = FakeImapServer(REFUSE_LOGIN, b"NO [ALERT] wrong password " + IMAP_PASSWORD.encode())
    try:
        steps("accounts", "add", "imap", "site", "--host", "127.0.0.1", "--port",
              str(server.port), "--security", "plain", "--user", IMAP_USER, "--password-stdin",
              stdin=IMAP_PASSWORD)
        refused = steps("accounts", "test", "site", "--json", code=1)
        assert "wrong password •••" in refused.out
        steps("sync", "site", code=1)
    finally:
        server.close()
    assert_nowhere((IMAP_PASSWORD,), tmp_path, [*steps.texts(), caplog.text])


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "netlify.json"
    path.write_text('{"per_page": 3}')
    return path
