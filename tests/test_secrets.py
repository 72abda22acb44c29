"""Secrets live in the keyring only: never in the database, a file, a log line or an error."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring

from leaddesk import secrets
from leaddesk.account_settings import ImapSettings
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import imap
from leaddesk.secrets import KeyringUnavailableError
from tests.support.cli import Runner
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import free_port

PASSWORD = "Tr0ub4dor&3-unique-canary"


class HangingKeyring(KeyringBackend):
    """A Secret Service stuck on an unlock prompt nobody can see."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()  # set at the end of the test, so the thread can end

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


@contextlib.contextmanager
def using_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Make ``backend`` the keyring for the block, then put the previous one back."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


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
    settings = ImapSettings(host="127.0.0.1", port=free_port(), security="plain",
                            user="alice")
    with pytest.raises(imap.ImapError) as excinfo:
        imap.connect(settings, PASSWORD)
    assert PASSWORD not in str(excinfo.value)


def test_no_keyring_is_a_clear_message_naming_the_fix() -> None:
    with using_keyring(keyring.backends.fail.Keyring()):
        with pytest.raises(KeyringUnavailableError, match="GNOME Keyring or KWallet"):
            secrets.set_secret("account:site", PASSWORD)
        with pytest.raises(KeyringUnavailableError, match="no keyring is available"):
            secrets.get_secret("account:site")


def test_a_hanging_keyring_times_out_instead_of_freezing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "TIMEOUT_SECONDS", 0.2)
    backend = HangingKeyring()
    try:
        with using_keyring(backend), pytest.raises(KeyringUnavailableError, match="did not answer"):
            secrets.get_secret("account:site")
    finally:
        backend.release.set()


def plaintext(tmp_path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    return backend


def test_a_plain_text_keyring_is_refused_unless_chosen(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    backend = plaintext(tmp_path)
    with using_keyring(backend):
        with pytest.raises(KeyringUnavailableError, match="plain text or not at all"):
            secrets.set_secret("account:site", PASSWORD)
        assert not Path(backend.file_path).exists()
        # Chosen explicitly (a headless server), it is the user's call.
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
        secrets.set_secret("account:site", PASSWORD)
        assert secrets.get_secret("account:site") == PASSWORD


def test_the_null_keyring_would_lose_the_secret_and_is_refused() -> None:
    with using_keyring(keyring.backends.null.Keyring()), pytest.raises(
            KeyringUnavailableError, match="GNOME Keyring"):
        secrets.set_secret("account:site", PASSWORD)


def test_a_chainer_writing_to_plain_text_is_refused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    class Chained(KeyringBackend):
        """Like keyring's ChainerBackend: writes go to the first of ``backends``."""

        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.backends = [plaintext(tmp_path), MemoryKeyring()]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            self.backends[0].set_password(service, username, password)

        def delete_password(self, service: str, username: str) -> None:
            pass

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    with using_keyring(Chained()), pytest.raises(KeyringUnavailableError, match="plain text"):
        secrets.set_secret("account:site", PASSWORD)
    assert not (tmp_path / "keyring_pass.cfg").exists()


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


# ------------------------------------------------------------------ every path through the keyring
class FailingKeyring(MemoryKeyring):
    """A keyring whose every call raises ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


def test_store_read_and_delete_use_the_leaddesk_service(memory_keyring: MemoryKeyring) -> None:
    ref = secrets.secret_ref("site")
    assert ref == "account:site"
    secrets.set_secret(ref, PASSWORD)
    assert memory_keyring.store == {("LeadDesk", "account:site"): PASSWORD}
    assert secrets.get_secret(ref) == PASSWORD
    secrets.delete_secret(ref)
    assert memory_keyring.store == {}
    secrets.delete_secret(ref)  # already gone: deleting again is fine
    with pytest.raises(secrets.SecretMissingError,
                       match=r"^the keyring holds no password for site; set it again with "):
        secrets.get_secret(ref)


def test_an_empty_secret_is_refused_before_the_keyring(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(LeadDeskError, match=r"^an empty password or token cannot be stored$"):
        secrets.set_secret("account:site", "")
    assert memory_keyring.store == {}


def test_an_empty_stored_secret_counts_as_missing(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[("LeadDesk", "account:site")] = ""
    with pytest.raises(secrets.SecretMissingError):
        secrets.get_secret("account:site")


@pytest.mark.parametrize(("call", "what"), [
    (lambda: secrets.set_secret("account:site", PASSWORD), "store the password"),
    (lambda: secrets.get_secret("account:site"), "read the password"),
    (lambda: secrets.delete_secret("account:site"), "delete the password"),
])
@pytest.mark.parametrize(("error", "message"), [
    (keyring.errors.NoKeyringError("none"), "no keyring is available to {what}; "),
    (keyring.errors.KeyringLocked("locked"), "the keyring is locked, cannot {what}; "),
    (keyring.errors.InitError("D-Bus went away\nat line 2"),
     "the keyring failed to {what} (D-Bus went away); "),
    (keyring.errors.KeyringError("  "), "the keyring failed to {what} (KeyringError); "),
    (RuntimeError("no session bus"), "the keyring failed to {what} (no session bus); "),
])
def test_each_keyring_failure_is_one_clear_line(call: Any, what: str, error: Exception,
                                                message: str) -> None:
    with using_keyring(FailingKeyring(error)), pytest.raises(KeyringUnavailableError) as excinfo:
        call()
    text = str(excinfo.value)
    assert text == message.format(what=what) + secrets.FIX_HINT
    assert "\n" not in text
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__


def test_an_unexpected_error_is_not_dressed_up(memory_keyring: MemoryKeyring) -> None:
    with using_keyring(FailingKeyring(ValueError("a bug"))), pytest.raises(ValueError, match="a bug"):
        secrets.get_secret("account:site")


def test_the_timeout_names_what_it_was_doing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "TIMEOUT_SECONDS", 0.2)
    backend = HangingKeyring()
    try:
        with using_keyring(backend), pytest.raises(KeyringUnavailableError) as excinfo:
            secrets.set_secret("account:site", PASSWORD)
        # The stuck call is left behind on a named daemon thread, so quitting never waits for it.
        stuck = [t for t in threading.enumerate() if t.name == "keyring" and t.is_alive()]
        assert stuck
        assert all(t.daemon for t in stuck)
    finally:
        backend.release.set()
    assert str(excinfo.value) == ("the keyring did not answer within 0 s while trying to store the "
                                  "password (it may be waiting to be unlocked); " + secrets.FIX_HINT)


def test_another_chosen_backend_does_not_allow_plain_text(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    with using_keyring(plaintext(tmp_path)), pytest.raises(KeyringUnavailableError) as excinfo:
        secrets.set_secret("account:site", PASSWORD)
    assert str(excinfo.value).startswith(
        "no secure keyring is available to store the password (only "
        "keyrings.alt.file.PlaintextKeyring, which keeps passwords in plain text or not at all); ")


def test_a_chainer_with_no_backends_is_judged_itself(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.backends = []  # type: ignore[attr-defined]
    secrets.set_secret("account:site", PASSWORD)
    assert secrets.get_secret("account:site") == PASSWORD
