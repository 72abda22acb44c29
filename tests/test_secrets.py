"""Secrets live in the keyring only: never in the database, a file, a log line or an error."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend

from leaddesk import secrets
from leaddesk.db import Database
from leaddesk.ingest import imap
from leaddesk.secrets import KeyringUnavailableError
from tests.support.cli import Runner
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import free_port

PASSWORD = "Tr0ub4dor&3-unique-canary"


class HangingKeyring(KeyringBackend):
    """A Secret Service stuck on an unlock prompt nobody can see."""

    priority = 1
    release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


def every_file_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def test_password_reaches_only_the_keyring(run: Runner, tmp_path: Path,
                                           memory_keyring: MemoryKeyring,
                                           caplog: pytest.LogCaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    added = run("accounts", "add", "imap", "site", "--host", "127.0.0.1", "--port",
                str(free_port()), "--user", "alice", "--security", "plain", "--password-stdin")
    assert added.code == 0, added.err
    # A sync that fails (nothing listens) must not leak it either.
    failed = run("-v", "sync", "site")
    assert failed.code == 1
    assert "refused the connection" in failed.err
    listing = run("accounts", "list", "--json")

    assert memory_keyring.store == {(secrets.SERVICE, "account:site"): PASSWORD}
    for text in (added.out, added.err, failed.out, failed.err, listing.out, caplog.text):
        assert PASSWORD not in text
    files = list(every_file_under(tmp_path / "data", tmp_path / "config"))
    assert any(f.name == "leaddesk.db" for f in files)
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path


def test_wrong_password_error_does_not_echo_it(sqlite_url: str,
                                               memory_keyring: MemoryKeyring) -> None:
    settings = imap.ImapSettings(host="127.0.0.1", port=free_port(), security="plain",
                                 user="alice")
    with pytest.raises(imap.ImapError) as excinfo:
        imap.connect(settings, PASSWORD)
    assert PASSWORD not in str(excinfo.value)


def test_no_keyring_is_a_clear_message_naming_the_fix() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(KeyringUnavailableError, match="GNOME Keyring or KWallet"):
            secrets.set_secret("account:site", PASSWORD)
        with pytest.raises(KeyringUnavailableError, match="no keyring is available"):
            secrets.get_secret("account:site")
    finally:
        keyring.set_keyring(previous)


def test_a_hanging_keyring_times_out_instead_of_freezing(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(HangingKeyring())
    monkeypatch.setattr(secrets, "TIMEOUT_SECONDS", 0.2)
    try:
        with pytest.raises(KeyringUnavailableError, match="did not answer"):
            secrets.get_secret("account:site")
    finally:
        HangingKeyring.release.set()
        keyring.set_keyring(previous)


def test_a_missing_secret_says_how_to_set_it(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(secrets.SecretMissingError, match="accounts edit"):
        secrets.get_secret("account:site")


def test_the_schema_has_no_place_for_secrets(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    try:
        from sqlalchemy import inspect
        columns = {c["name"] for table in inspect(db.engine).get_table_names()
                   for c in inspect(db.engine).get_columns(table)}
    finally:
        db.close()
    assert not {c for c in columns if any(word in c for word in ("password", "token"))}
