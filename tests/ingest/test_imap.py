"""IMAP sync against a real Dovecot on loopback: incremental, interrupted, reset, refused."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from leaddesk.account_settings import ImapSettings
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


def seen_flags(mailbox: Mailbox) -> list[bool]:
    client = mailbox.client()
    client.select_folder(mailbox.folder, readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    client.logout()
    return [b"\\Seen" in flags[uid] for uid in sorted(flags)]


def two_new_mails(mailbox: Mailbox, imap_account: AccountFactory
                  ) -> tuple[AccountInfo, ImapSettings, Any]:
    """An account with two unread mails, and a client logged in to it (the test logs out)."""
    account = imap_account()
    mailbox.append(notification(1), notification(2))
    settings = account.imap
    return account, settings, imap.connect(settings, PASSWORD)


def test_bodies_are_peeked_even_in_a_writable_folder(db: Database, mailbox: Mailbox,
                                                      imap_account: AccountFactory) -> None:
    # The read-only SELECT is taken out of the way: BODY.PEEK alone must keep \Seen unset.
    account, settings, client = two_new_mails(mailbox, imap_account)
    asked: list[bool] = []
    select_folder = client.select_folder

    def writable(folder: str, readonly: bool = False) -> object:
        asked.append(readonly)
        return select_folder(folder, readonly=False)

    client.select_folder = writable
    try:
        assert imap.sync_once(db, client, account, settings).added == 2
        assert asked  # every folder the sync opened (the lead folder, the Sent folder) …
        assert all(asked)  # … it asked to open read-only, the other safeguard
        assert seen_flags(mailbox) == [False, False]
        # The control: in this writable folder a plain BODY[] fetch does set \Seen.
        client.fetch(client.search(["ALL"])[:1], ["BODY[]"])
        assert seen_flags(mailbox) == [True, False]
    finally:
        imap.logout(client)


def test_a_read_only_folder_keeps_seen_unset_even_without_peek(db: Database, mailbox: Mailbox,
                                                               imap_account: AccountFactory) -> None:
    # The other way round: BODY.PEEK is taken out of the way, the read-only SELECT alone remains.
    account, settings, client = two_new_mails(mailbox, imap_account)
    fetch = client.fetch

    def without_peek(messages: object, data: list[str], *args: object, **kwargs: object) -> object:
        return fetch(messages, [d.replace("BODY.PEEK[]", "BODY[]") for d in data], *args, **kwargs)

    client.fetch = without_peek
    try:
        assert imap.sync_once(db, client, account, settings).added == 2
    finally:
        imap.logout(client)
    assert seen_flags(mailbox) == [False, False]


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


# ------------------------------------------------------------------ sync state, without a server
class ScriptedClient:
    """Just enough of IMAPClient for plan_folder and the fetch loop: one folder's UIDs."""

    def __init__(self, uidvalidity: int, messages: dict[int, bytes],
                 dates: dict[int, object] | None = None) -> None:
        self.uidvalidity = uidvalidity
        self.messages = messages
        self.dates = dates or {}
        self.searches: list[list[object]] = []
        self.vanish: set[int] = set()  # expunged between SEARCH and FETCH

    def select_folder(self, folder: str, readonly: bool = False) -> dict[bytes, object]:
        assert readonly
        return {b"UIDVALIDITY": self.uidvalidity}

    def search(self, criteria: list[object]) -> list[int]:
        self.searches.append(criteria)
        first = int(str(criteria[1]).split(":")[0])
        # "n:*" always matches the highest UID, even when it is below n.
        return sorted({uid for uid in self.messages if uid >= first} | {max(self.messages)})

    def fetch(self, uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
        if data == ["RFC822.SIZE"]:  # the batch plan: sizes first
            return {uid: {b"RFC822.SIZE": len(self.messages[uid])} for uid in uids
                    if uid not in self.vanish}
        if data == ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]:  # is the last UID read the same mail?
            return {uid: {b"BODY[HEADER.FIELDS (MESSAGE-ID)]": b"".join(
                line + b"\r\n" for line in self.messages[uid].split(b"\r\n")
                if line.lower().startswith(b"message-id:"))} for uid in uids
                if uid in self.messages and uid not in self.vanish}
        assert data == ["BODY.PEEK[]", "INTERNALDATE"]
        return {uid: {b"BODY[]": self.messages[uid], b"INTERNALDATE": self.dates.get(uid)}
                for uid in uids if uid not in self.vanish}


@pytest.fixture
def offline_account(db: Database, memory_keyring: object) -> AccountInfo:
    from leaddesk import accounts
    with db.session() as s:
        return accounts.add_account(s, "box", "imap", {
            "host": "imap.example.org", "port": 993, "security": "ssl", "user": "leads@example.org",
            "folder": "INBOX", "since": "2026-03-01"}, actor="tester")


def sync_offline(db: Database, account: AccountInfo, client: ScriptedClient,
                 batch_size: int = 2) -> BatchResult:
    # The lead folder's state only: the Sent folder has tests of its own.
    return imap.sync_once(db, client, account, account.imap,
                          batch_size=batch_size, sent=False)


def state_of(db: Database) -> tuple[int | None, int | None]:
    with db.session() as s:
        state = s.execute(select(SyncState)).scalar_one()
        return state.uidvalidity, state.last_uid


def test_the_first_sync_asks_since_the_date_and_records_the_last_uid(
        db: Database, offline_account: AccountInfo) -> None:
    client = ScriptedClient(7, {n: notification(n) for n in (3, 4, 9)})
    result = sync_offline(db, offline_account, client)
    assert result.added == 3
    assert client.searches == [["UID", "1:*", "SINCE", date(2026, 3, 1)]]
    assert state_of(db) == (7, 9)
    assert stored(db) == [f"<notification-{n}@example-pharma-agency.com>" for n in (3, 4, 9)]
    with db.session() as s:
        keys = s.execute(select(Submission.source_key).order_by(Submission.id)).scalars().all()
    assert keys == [f"imap:{offline_account.id}:INBOX:7:{n}" for n in (3, 4, 9)]


def test_a_later_sync_asks_only_for_newer_uids_and_skips_the_highest_old_one(
        db: Database, offline_account: AccountInfo) -> None:
    client = ScriptedClient(7, {n: notification(n) for n in (3, 4)})
    sync_offline(db, offline_account, client)
    again = sync_offline(db, offline_account, client)  # the server answers "5:*" with UID 4
    assert (again.added, again.duplicates) == (0, 0)
    assert client.searches[-1] == ["UID", "5:*"]
    assert state_of(db) == (7, 4)
    client.messages[5] = notification(5)
    assert sync_offline(db, offline_account, client).added == 1
    assert state_of(db) == (7, 5)


def test_a_new_uidvalidity_rereads_the_folder_and_matches_by_message_id(
        db: Database, offline_account: AccountInfo) -> None:
    sync_offline(db, offline_account, ScriptedClient(7, {n: notification(n) for n in (1, 2)}))
    client = ScriptedClient(8, {1: notification(1), 2: notification(2), 3: notification(3)})
    result = sync_offline(db, offline_account, client)
    assert (result.added, result.duplicates) == (1, 2)
    assert client.searches == [["UID", "1:*", "SINCE", date(2026, 3, 1)]]
    assert state_of(db) == (8, 3)


def test_an_emptied_folder_with_a_new_uidvalidity_is_remembered(
        db: Database, offline_account: AccountInfo) -> None:
    sync_offline(db, offline_account, ScriptedClient(7, {4: notification(4)}))
    client = ScriptedClient(8, {4: notification(4)})
    client.search = lambda criteria: []  # type: ignore[method-assign]
    assert sync_offline(db, offline_account, client).added == 0
    assert state_of(db) == (8, 0)  # the next sync starts at UID 1 of the new folder
    # Nothing new and no reset: the state stays as it is.
    assert sync_offline(db, offline_account, client).added == 0
    assert state_of(db) == (8, 0)


def test_a_message_expunged_before_its_fetch_is_skipped_and_the_state_moves_on(
        db: Database, offline_account: AccountInfo) -> None:
    naive = datetime(2026, 3, 2, 9, 30)  # imapclient hands INTERNALDATE over naive or aware
    aware = datetime(2026, 3, 2, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    client = ScriptedClient(7, {n: notification(n) for n in (1, 2, 3)}, dates={1: naive, 3: aware})
    client.vanish = {2}
    assert sync_offline(db, offline_account, client, batch_size=2).added == 2
    assert state_of(db) == (7, 3)
    with db.session() as s:
        received = s.execute(select(Submission.received_at).order_by(Submission.id)).scalars().all()
    assert received == [datetime(2026, 3, 2, 9, 30, tzinfo=UTC), datetime(2026, 3, 2, 9, 30, tzinfo=UTC)]


@pytest.mark.parametrize(("response", "new_mail"), [
    ((2, b"EXISTS"), True), ((1, b"RECENT"), True), ((3, b"EXPUNGE"), False),
    ((b"OK", b"Still here"), False), ((2,), False), (b"EXISTS", False), (None, False),
])
def test_only_exists_and_recent_announce_mail(response: object, new_mail: bool) -> None:
    assert imap.announces_mail(response) is new_mail


def test_the_mailbox_address_is_never_the_visitor() -> None:
    settings = ImapSettings("h", 993, "ssl", "leads@example.org")
    assert imap.with_mailbox(["wordpress@site.example"], settings) == [
        "wordpress@site.example", "leads@example.org"]
    assert imap.with_mailbox([], ImapSettings("h", 993, "ssl", "leads")) == []


def test_batches_are_cut_by_count_and_by_bytes() -> None:
    sizes = {1: 100, 2: 100, 3: 900, 4: 5000, 5: 10, 6: 10, 7: 10}
    assert imap.plan_batches([1, 2, 3, 4, 5, 6, 7], sizes, batch_size=3, batch_bytes=1000) == [
        [1, 2], [3], [4], [5, 6, 7]]  # 100+100+900 > 1000; the large one alone; then by count
    assert imap.plan_batches([1, 2, 3], {}, batch_size=2) == [[1, 2], [3]]  # no sizes: by count
    assert imap.plan_batches([], sizes, batch_size=2) == []


def test_a_sync_fetches_sizes_first_then_batches_by_bytes(
        db: Database, offline_account: AccountInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "BATCH_BYTES", 2 * len(notification(1)) + 10)
    client = ScriptedClient(7, {n: notification(n) for n in range(1, 6)})
    asked: list[tuple[list[int], list[str]]] = []
    real_fetch = client.fetch

    def fetch(uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
        asked.append((list(uids), data))
        return real_fetch(uids, data)

    client.fetch = fetch  # type: ignore[method-assign]
    assert sync_offline(db, offline_account, client, batch_size=200).added == 5
    assert asked == [([1, 2, 3, 4, 5], ["RFC822.SIZE"]),
                     ([1, 2], ["BODY.PEEK[]", "INTERNALDATE"]),
                     ([3, 4], ["BODY.PEEK[]", "INTERNALDATE"]),
                     ([5], ["BODY.PEEK[]", "INTERNALDATE"])]
    assert state_of(db) == (7, 5)


def test_a_transaction_holds_batch_size_messages_fetched_a_few_at_a_time(
        db: Database, offline_account: AccountInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    """--batch-size counts the messages of a transaction; FETCHes (and parse chunks) are smaller,
    and a transaction of several ends with the state of its last FETCH."""
    from leaddesk.progress import NullReporter

    class Progress(NullReporter):
        def __init__(self) -> None:
            self.done: list[int] = []

        def progress(self, done: int, total: int | None) -> None:
            self.done.append(done)

    monkeypatch.setattr(imap, "FETCH_SIZE", 2)
    client = ScriptedClient(7, {n: notification(n) for n in range(1, 6)})
    asked: list[list[int]] = []
    real_fetch = client.fetch

    def fetch(uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
        if data != ["RFC822.SIZE"]:
            asked.append(list(uids))
        return real_fetch(uids, data)

    client.fetch = fetch  # type: ignore[method-assign]
    progress = Progress()
    result = imap.sync_once(db, client, offline_account, offline_account.imap, batch_size=4,
                            sent=False, reporter=progress)
    assert result.added == 5
    assert asked == [[1, 2], [3, 4], [5]]
    assert progress.done == [4, 5]  # two transactions: four messages, then one
    assert state_of(db) == (7, 5)


def test_a_fetch_error_reaches_the_sync_after_the_batches_before_it_are_stored(
        db: Database, offline_account: AccountInfo) -> None:
    """The fetch thread's failure is raised in the sync, as one clear line; what came before it
    is stored with its state, so the next sync resumes after it."""
    client = ScriptedClient(7, {n: notification(n) for n in range(1, 6)})
    real_fetch = client.fetch

    def fetch(uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
        if 5 in uids and data != ["RFC822.SIZE"]:
            raise ConnectionResetError("gone")
        return real_fetch(uids, data)

    client.fetch = fetch  # type: ignore[method-assign]
    with pytest.raises(imap.ImapError, match="was lost"):
        sync_offline(db, offline_account, client, batch_size=2)
    assert state_of(db) == (7, 4)
    assert len(stored(db)) == 4
    assert not [t for t in threading.enumerate() if t.name == "imap-fetch"]


def test_a_cancelled_sync_stops_its_fetch_thread_before_returning(
        db: Database, offline_account: AccountInfo) -> None:
    from leaddesk.progress import Cancelled, CancelToken, NullReporter

    class CancelAfterFirstBatch(NullReporter):
        def progress(self, done: int, total: int | None) -> None:
            token.cancel()

    token = CancelToken()
    client = ScriptedClient(7, {n: notification(n) for n in range(1, 30)})
    with pytest.raises(Cancelled):
        imap.sync_once(db, client, offline_account, offline_account.imap, batch_size=2,
                       sent=False, reporter=CancelAfterFirstBatch(), cancel=token)
    assert not [t for t in threading.enumerate() if t.name == "imap-fetch"]
    assert state_of(db) == (7, 2)
