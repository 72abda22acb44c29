"""`leaddesk accounts add|edit|remove|list|test`: settings in the database, secrets in the keyring,
connection tests against real servers naming the exact failure."""

from __future__ import annotations

import io
import json
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy import select

from leaddesk import secrets
from leaddesk.db import Database
from leaddesk.db.models import Account
from tests.ingest.conftest import Mailbox
from tests.support import smtp as smtp_support
from tests.support.cli import Result, Runner
from tests.support.dovecot import PASSWORD as IMAP_PASSWORD
from tests.support.dovecot import USER as IMAP_USER
from tests.support.keyrings import MemoryKeyring
from tests.support.postgres import free_port
from tests.support.smtp import ServerFactory
from tests.test_secrets import plaintext, using_keyring

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def add_smtp(run: Runner, url: str, monkeypatch: pytest.MonkeyPatch, port: int, *extra: str,
             name: str = "replies", password: str = smtp_support.PASSWORD) -> Result:
    with_stdin(monkeypatch, password)
    return run("--db", url, "accounts", "add", "smtp", name, "--host", "127.0.0.1", "--port",
               str(port), "--user", smtp_support.USER, "--from", "team@example-agency.com",
               "--from-name", "Ada", "--password-stdin", *extra)


def listing(run: Runner, url: str) -> list[dict[str, object]]:
    result = run("--db", url, "accounts", "list", "--json")
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines()]


def test_add_smtp_keeps_the_password_in_the_keyring_only(
        run: Runner, sqlite_url: str, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    result = add_smtp(run, sqlite_url, monkeypatch, 2525, "--security", "plain")
    assert result.code == 0, result.err
    assert "added SMTP account replies" in result.out
    assert memory_keyring.store == {(secrets.SERVICE, "account:replies"): smtp_support.PASSWORD}
    (row,) = listing(run, sqlite_url)
    assert row["kind"] == "smtp"
    assert row["from"] == "team@example-agency.com"
    assert (row["port"], row["security"]) == (2525, "plain")
    assert smtp_support.PASSWORD not in json.dumps(row)


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "smtp.example.com", "--user", "bob"], "needs --from"),
    (["--host", "smtp.example.com", "--from", "a@b.org", "--security", "plain"], "only allowed"),
    (["--host", "smtp.example.com", "--from", "not-an-address"], "invalid From address"),
])
def test_bad_smtp_settings_are_one_clear_line(run: Runner, sqlite_url: str, args: list[str],
                                              message: str, memory_keyring: MemoryKeyring,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, "pw")
    result = run("--db", sqlite_url, "accounts", "add", "smtp", "x", *args, "--password-stdin")
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert memory_keyring.store == {}


def test_edit_changes_settings_and_the_secret(run: Runner, sqlite_url: str,
                                              memory_keyring: MemoryKeyring,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert add_smtp(run, sqlite_url, monkeypatch, 465).code == 0
    result = run("--db", sqlite_url, "accounts", "edit", "replies", "--security", "starttls",
                 "--after-send", "keep", "--disable")
    assert result.code == 0, result.err
    (row,) = listing(run, sqlite_url)
    assert (row["security"], row["port"], row["enabled"]) == ("starttls", 587, False)
    with_stdin(monkeypatch, "new-secret")
    assert run("--db", sqlite_url, "accounts", "edit", "replies", "--password-stdin").code == 0
    assert memory_keyring.store[(secrets.SERVICE, "account:replies")] == "new-secret"
    nothing = run("--db", sqlite_url, "accounts", "edit", "replies")
    assert (nothing.code, "nothing to change" in nothing.err) == (1, True)
    missing = run("--db", sqlite_url, "accounts", "edit", "nope", "--port", "1")
    assert (missing.code, "no account named 'nope'" in missing.err) == (1, True)


def test_remove_deletes_the_row_and_the_keyring_entry(run: Runner, sqlite_url: str,
                                                      memory_keyring: MemoryKeyring,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, IMAP_PASSWORD)
    assert run("--db", sqlite_url, "accounts", "add", "imap", "site", "--host", "localhost",
               "--user", "alice", "--security", "plain", "--password-stdin").code == 0
    assert add_smtp(run, sqlite_url, monkeypatch, 465, "--sent-copy", "site").code == 0
    blocked = run("--db", sqlite_url, "accounts", "remove", "site")
    assert blocked.code == 1
    assert "copies sent replies to 'site'" in blocked.err
    assert run("--db", sqlite_url, "accounts", "edit", "replies", "--sent-copy", "none").code == 0
    result = run("--db", sqlite_url, "accounts", "remove", "site")
    assert result.code == 0, result.err
    assert [r["name"] for r in listing(run, sqlite_url)] == ["replies"]
    assert (secrets.SERVICE, "account:site") not in memory_keyring.store


def test_no_keyring_names_the_fix_and_adds_nothing(run: Runner, sqlite_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with using_keyring(keyring.backends.fail.Keyring()):
        result = add_smtp(run, sqlite_url, monkeypatch, 465)
    assert result.code == 1
    assert "GNOME Keyring or KWallet" in result.err
    db = Database.open(sqlite_url)
    with db.session() as s:
        assert s.execute(select(Account)).first() is None
    db.close()


def test_a_plain_text_keyring_is_never_a_silent_fallback(run: Runner, sqlite_url: str,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    with using_keyring(plaintext(tmp_path)):
        result = add_smtp(run, sqlite_url, monkeypatch, 465)
    assert result.code == 1
    assert "plain text" in result.err
    assert "GNOME Keyring" in result.err
    assert not (tmp_path / "keyring_pass.cfg").exists()


# ------------------------------------------------------------------ test connection
def test_smtp_test_connection_ok_and_each_failure_named(
        run: Runner, sqlite_url: str, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch, smtp_server: ServerFactory) -> None:
    server = smtp_server("ssl")
    assert add_smtp(run, sqlite_url, monkeypatch, server.port, "--ca-file",
                    str(server.cert)).code == 0
    ok = run("--db", sqlite_url, "accounts", "test", "replies")
    assert ok.code == 0, ok.err
    assert "replies: OK, logged in to 127.0.0.1" in ok.out
    assert server.logins == [smtp_support.USER]

    def failure(*change: str) -> str:
        assert run("--db", sqlite_url, "accounts", "edit", "replies", *change).code == 0
        result = run("--db", sqlite_url, "accounts", "test", "replies", "--json")
        assert result.code == 1
        data = json.loads(result.out)
        assert data["ok"] is False
        return str(data["message"])

    assert "not trusted" in failure("--ca-file", "none")
    assert "refused the connection" in failure("--port", str(free_port()))
    assert "DNS lookup failed" in failure("--host", "no-such-host.invalid")
    assert run("--db", sqlite_url, "accounts", "edit", "replies", "--host", "127.0.0.1",
               "--port", str(server.port), "--ca-file", str(server.cert)).code == 0
    memory_keyring.store[(secrets.SERVICE, "account:replies")] = "wrong"
    wrong = run("--db", sqlite_url, "accounts", "test", "replies")
    assert wrong.code == 1
    assert "refused the login for sender@example.com" in wrong.err
    assert "wrong" not in wrong.err.replace("wrong user name", "")


def test_imap_test_connection_against_dovecot(run: Runner, sqlite_url: str, mailbox: Mailbox,
                                              memory_keyring: MemoryKeyring,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, IMAP_PASSWORD)
    assert run("--db", sqlite_url, "accounts", "add", "imap", "site", "--host", "127.0.0.1",
               "--port", str(mailbox.server.ssl_port), "--user", IMAP_USER, "--ca-file",
               str(mailbox.server.cert), "--folder", mailbox.folder, "--password-stdin").code == 0
    ok = run("--db", sqlite_url, "accounts", "test", "site")
    assert ok.code == 0, ok.err
    assert f"{mailbox.folder} holds 0 messages" in ok.out
    assert run("--db", sqlite_url, "accounts", "edit", "site", "--folder", "No-Such").code == 0
    missing = run("--db", sqlite_url, "accounts", "test", "site")
    assert (missing.code, "cannot be opened" in missing.err) == (1, True)
    memory_keyring.store[(secrets.SERVICE, "account:site")] = "bad"
    bad = run("--db", sqlite_url, "accounts", "test", "site")
    assert (bad.code, "refused the login" in bad.err) == (1, True)


@pytest.mark.parametrize("watch", [[], ["--watch"]])
def test_syncing_an_smtp_identity_is_one_clear_line(run: Runner, sqlite_url: str,
                                                    watch: list[str]) -> None:
    db = Database.open(sqlite_url)
    with db.session() as s:
        s.add(Account(name="replies", kind="smtp", settings={"host": "127.0.0.1", "port": 25}))
    db.close()
    result = run("--db", sqlite_url, "sync", "replies", *watch)
    assert result.code == 1
    assert result.err == ("leaddesk: replies is an smtp account: only IMAP mailboxes and form "
                          "APIs are synced\n")


def test_an_imap_accounts_sent_folder_and_answer_settings(run: Runner, sqlite_url: str,
                                                          memory_keyring: MemoryKeyring,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def settings() -> dict[str, object]:
        db = Database.open(sqlite_url)
        with db.session() as s:
            found = dict(s.execute(select(Account.settings)).scalar_one())
        db.close()
        return found

    with_stdin(monkeypatch, IMAP_PASSWORD)
    assert run("--db", sqlite_url, "accounts", "add", "imap", "site", "--host", "localhost",
               "--user", "alice", "--security", "plain", "--password-stdin").code == 0
    assert {k: settings()[k] for k in ("sent_folder", "sent_sync", "on_answer")} == {
        "sent_folder": None, "sent_sync": True, "on_answer": "open"}
    assert run("--db", sqlite_url, "accounts", "edit", "site", "--sent-folder", "Gesendet",
               "--no-sent-sync", "--on-answer", "keep").code == 0
    assert {k: settings()[k] for k in ("sent_folder", "sent_sync", "on_answer")} == {
        "sent_folder": "Gesendet", "sent_sync": False, "on_answer": "keep"}
    assert run("--db", sqlite_url, "accounts", "edit", "site", "--sent-sync").code == 0
    assert settings()["sent_sync"] is True
    bad = run("--db", sqlite_url, "accounts", "edit", "site", "--on-answer", "close")
    assert bad.code == 2


def test_a_secret_written_into_the_settings_too_is_refused_and_nothing_saved(
        run: Runner, sqlite_url: str, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    token = "tok-in-the-config-77"
    config = tmp_path / "api.json"
    config.write_text(json.dumps({
        "url": "{base_url}/v1/leads", "fields": {"id": "id"}, "records": "data",
        "auth": {"type": "header", "name": "X-Key"}, "fields_note": token}))
    with_stdin(monkeypatch, token)
    result = run("--db", sqlite_url, "accounts", "add", "api", "forms", "--preset", "generic",
                 "--base-url", "https://api.example.org", "--config", str(config),
                 "--token-stdin")
    assert result.code == 1
    assert result.err == ("leaddesk: the password or token of forms also appears in its settings, "
                          "which are stored in the database; take it out of them (the keyring "
                          "alone keeps it). Nothing was saved\n")
    assert listing(run, sqlite_url) == []
    assert memory_keyring.store == {}
    # The same for a password typed into another field of an account being edited.
    assert add_smtp(run, sqlite_url, monkeypatch, 2525, "--security", "plain").code == 0
    with_stdin(monkeypatch, "hunter2-and-more")
    edited = run("--db", sqlite_url, "accounts", "edit", "replies", "--from-name",
                 "hunter2-and-more", "--password-stdin")
    assert edited.code == 1
    assert "also appears in its settings" in edited.err
    db = Database.open(sqlite_url)
    with db.session() as session:
        (stored,) = session.execute(select(Account.settings)).scalars()
    db.close()
    assert stored["from_name"] == "Ada"
    assert memory_keyring.store == {(secrets.SERVICE, "account:replies"): smtp_support.PASSWORD}
