"""Fixtures for ingest tests: a real Dovecot on loopback, a test keyring, IMAP accounts."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from leaddesk import accounts, secrets
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from tests.support.dovecot import PASSWORD, USER, DovecotServer, available
from tests.support.keyrings import MemoryKeyring


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    if not available():
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed on CI (apt-get install dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    server = DovecotServer.create()
    yield server
    server.destroy()


@dataclass
class Mailbox:
    """One IMAP folder of its own for a test, with a client to put mail in it."""

    server: DovecotServer
    folder: str

    def client(self) -> IMAPClient:
        context = ssl.create_default_context(cafile=str(self.server.cert))
        client = IMAPClient("127.0.0.1", port=self.server.ssl_port, ssl=True, ssl_context=context)
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes, flags: tuple[bytes, ...] = ()) -> None:
        client = self.client()
        for message in messages:
            client.append(self.folder, message, flags=flags)
        client.logout()

    def recreate(self) -> None:
        """Delete and recreate the folder: the server hands out a new UIDVALIDITY."""
        client = self.client()
        client.delete_folder(self.folder)
        client.create_folder(self.folder)
        client.logout()

    def uidvalidity(self) -> int:
        client = self.client()
        value = int(client.folder_status(self.folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        client.logout()
        return value


@pytest.fixture
def mailbox(dovecot: DovecotServer) -> Mailbox:
    box = Mailbox(dovecot, f"test-{uuid.uuid4().hex[:10]}")
    client = box.client()
    client.create_folder(box.folder)
    client.logout()
    return box


AccountFactory = Callable[..., AccountInfo]


@pytest.fixture
def imap_account(db: Database, mailbox: Mailbox, memory_keyring: MemoryKeyring) -> AccountFactory:
    def make(name: str = "site", *, password: str = PASSWORD, security: str = "ssl",
             port: int | None = None, ca_file: str | None = "default",
             since: str | None = None, **extra: object) -> AccountInfo:
        server = mailbox.server
        chosen_port = port or (server.ssl_port if security == "ssl" else server.port)
        settings = {"host": "127.0.0.1", "port": chosen_port, "security": security, "user": USER,
                    "folder": mailbox.folder,
                    "ca_file": str(server.cert) if ca_file == "default" else ca_file,
                    "since": since, **extra}
        with db.session() as session:
            info = accounts.add_account(session, name, "imap", settings, actor="tester")
        secrets.set_secret(secrets.secret_ref(name), password)
        return info
    return make


def cli_with_imap_account(mailbox: Mailbox, database_url: str, tmp_path: Path,
                          *options: str) -> tuple[list[str], dict[str, str]]:
    """The `leaddesk` command line and environment for a real sync process (which a test may
    SIGKILL), after adding the IMAP account "site" through it with ``options``."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    base = [sys.executable, "-m", "leaddesk", "--db", database_url]
    server = mailbox.server
    subprocess.run([*base, "accounts", "add", "imap", "site", "--host", "127.0.0.1", "--port",
                    str(server.ssl_port), "--user", USER, "--ca-file", str(server.cert),
                    "--folder", mailbox.folder, *options, "--password-stdin"],
                   input=f"{PASSWORD}\n", text=True, env=env, check=True, capture_output=True)
    return base, env


@pytest.fixture
def sent(mailbox: Mailbox) -> str:
    """A Sent folder of the test's own (the shared server's "Sent" belongs to every test)."""
    folder = f"{mailbox.folder}-sent"
    client = mailbox.client()
    client.create_folder(folder)
    client.logout()
    return folder
