"""IMAP sync against a real Dovecot on loopback: incremental, interrupted, reset, refused."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Submission, SyncState
from leaddesk.ingest import imap
from leaddesk.ingest.locks import SyncInProgressError, account_lock
from leaddesk.ingest.store import BatchResult
from tests.ingest.conftest import AccountFactory, Mailbox, cli_with_imap_account
from tests.support.dovecot import PASSWORD
from tests.support.mail import notification
from tests.support.proxy import CuttingProxy


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    # Sync logic is the same on both databases; PostgreSQL gets its own lock test below.
    database = Database.open(sqlite_url)
    yield database
    database.close()


def stored(db: Database) -> list[str | None]:
    with db.session() as s:
        return list(s.execute(select(Submission.message_id).order_by(Submission.id)).scalars())


def sync(db: Database, account: AccountInfo, **kwargs: object) -> BatchResult:
    return imap.sync_account(db, account, PASSWORD, **kwargs)  # type: ignore[arg-type]


def test_first_incremental_and_empty_resync(db: Database, mailbox: Mailbox,
                                            imap_account: AccountFactory) -> None:
    account = imap_account()
    mailbox.append(*(notification(n) for n in range(1, 6)))
    first = sync(db, account, batch_size=2)
    assert (first.added, first.duplicates) == (5, 0)

    mailbox.append(notification(6), notification(7))
    second = sync(db, account)
    assert (second.added, second.duplicates) == (2, 0)

    third = sync(db, account)
    assert (third.added, third.duplicates) == (0, 0)
    assert stored(db) == [f"<notification-{n}@example-pharma-agency.com>" for n in range(1, 8)]

    with db.session() as s:
        lead = s.execute(select(Submission).where(
            Submission.message_id == "<notification-3@example-pharma-agency.com>")).scalar_one()
        assert lead.visitor_email == "visitor3@example.net"
        assert lead.raw is not None
        assert lead.raw.startswith(b"From: Example Pharma Agency")
        state = s.execute(select(SyncState)).scalar_one()
        assert state.last_uid == 7
        assert state.uidvalidity == mailbox.uidvalidity()


def test_sync_never_sets_seen_or_deletes(db: Database, mailbox: Mailbox,
                                         imap_account: AccountFactory) -> None:
    mailbox.append(notification(1), notification(2))
    sync(db, imap_account())
    client = mailbox.client()
    client.select_folder(mailbox.folder, readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    client.logout()
    assert len(flags) == 2
    assert all(b"\\Seen" not in f for f in flags.values())


def test_uidvalidity_reset_rematches_on_message_id(db: Database, mailbox: Mailbox,
                                                   imap_account: AccountFactory) -> None:
    account = imap_account()
    mailbox.append(*(notification(n) for n in range(1, 4)))
    sync(db, account)
    old = mailbox.uidvalidity()
    mailbox.recreate()
    mailbox.append(*(notification(n) for n in range(1, 5)))  # the same three, plus one new
    assert mailbox.uidvalidity() != old
    result = sync(db, account)
    assert (result.added, result.duplicates) == (1, 3)
    assert len(stored(db)) == 4


def test_connection_cut_mid_batch_then_resumed(db: Database, mailbox: Mailbox,
                                               imap_account: AccountFactory) -> None:
    mailbox.append(*(notification(n) for n in range(1, 21)))
    proxy = CuttingProxy(mailbox.server.port)
    try:
        account = imap_account(security="plain", port=proxy.port, ca_file=None)
        proxy.cut_after = 12_000  # past login and the first batches, well before the end
        with pytest.raises(imap.ImapError, match=r"connection .* was lost|did not answer"):
            sync(db, account, batch_size=3)
        kept = stored(db)
        assert 0 < len(kept) < 20
        proxy.cut_after = None
        result = sync(db, account, batch_size=3)
    finally:
        proxy.close()
    assert result.added == 20 - len(kept)
    assert sorted(map(str, stored(db))) == sorted(
        f"<notification-{n}@example-pharma-agency.com>" for n in range(1, 21))


def test_sigkill_mid_sync_loses_and_doubles_nothing(sqlite_url: str, mailbox: Mailbox,
                                                    tmp_path: Path) -> None:
    total = 150
    mailbox.append(*(notification(n) for n in range(1, total + 1)))
    base, env = cli_with_imap_account(mailbox, sqlite_url, tmp_path)
    worker = subprocess.Popen([*base, "sync", "site", "--batch-size", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = Database.open(sqlite_url)
    try:
        deadline = time.monotonic() + 60
        while len(stored(db)) < 10 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert 0 < len(stored(db)) < total, "the sync was not caught mid-way"
        resumed = subprocess.run([*base, "sync", "site"], env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        ids = stored(db)
    finally:
        db.close()
    assert len(ids) == total
    assert len(set(ids)) == total


def test_first_sync_honours_the_since_date(db: Database, mailbox: Mailbox,
                                           imap_account: AccountFactory) -> None:
    client = mailbox.client()
    client.append(mailbox.folder, notification(1), msg_time=datetime(2024, 1, 5, tzinfo=UTC))
    client.append(mailbox.folder, notification(2), msg_time=datetime(2026, 2, 5, tzinfo=UTC))
    client.logout()
    result = sync(db, imap_account(since=date(2026, 1, 1).isoformat()))
    assert result.added == 1
    assert stored(db) == ["<notification-2@example-pharma-agency.com>"]


def test_starttls_with_the_servers_ca(db: Database, mailbox: Mailbox,
                                      imap_account: AccountFactory) -> None:
    mailbox.append(notification(1))
    assert sync(db, imap_account(security="starttls")).added == 1


def test_wrong_password_is_one_clear_line(db: Database, imap_account: AccountFactory) -> None:
    account = imap_account()
    with pytest.raises(imap.ImapError, match="wrong user name or password") as excinfo:
        imap.sync_account(db, account, "not-the-password")
    assert "not-the-password" not in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_untrusted_certificate_is_refused(db: Database, imap_account: AccountFactory) -> None:
    account = imap_account(ca_file=None)
    with pytest.raises(imap.ImapError, match=r"certificate .* is not trusted"):
        sync(db, account)
    assert stored(db) == []


def test_refused_connection(db: Database, imap_account: AccountFactory) -> None:
    from tests.support.postgres import free_port
    account = imap_account(port=free_port())
    with pytest.raises(imap.ImapError, match="refused the connection"):
        sync(db, account)


def test_a_second_sync_of_the_same_account_is_refused(db: Database,
                                                      imap_account: AccountFactory) -> None:
    account = imap_account()
    with account_lock(db, account.id, account.name), pytest.raises(
            SyncInProgressError, match="already running"):
        sync(db, account)


@pytest.mark.postgres
def test_the_sync_lock_holds_across_connections_on_postgresql(postgres_url: str) -> None:
    first = Database.open(postgres_url)
    second = Database.open(postgres_url)
    try:
        with account_lock(first, 7, "site"):
            with pytest.raises(SyncInProgressError), account_lock(second, 7, "site"):
                pass
            with account_lock(second, 8, "other"):
                pass
        with account_lock(second, 7, "site"):
            pass
    finally:
        first.close()
        second.close()
