"""The IMAP reader's own guards, each alone against a real Dovecot: each account and folder keeps
its own position, an emptied folder is read from UID 1, a message gone before its FETCH skips only
itself, taught labels apply to mail read over IMAP, the fetch thread's failures are one clear line
and a slow store never stalls it; plus the time-zone and logout helpers."""

from __future__ import annotations

import queue
import re
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Submission, SyncState
from leaddesk.db.types import utcnow
from leaddesk.ingest import imap, labels
from leaddesk.ingest.locks import SyncInProgressError, account_lock
from leaddesk.progress import Cancelled, CancelToken
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.ingest.test_imap import sync
from tests.ingest.test_sent_folder import colleague_reply, put_in
from tests.support.correction_mail import lead
from tests.support.dovecot import PASSWORD
from tests.support.imap_faults import LosingFirstBody
from tests.support.mail import notification
from tests.support.reporting import Recorder


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


def test_each_account_keeps_its_own_position(db: Database, mailbox: Mailbox,
                                             imap_account: AccountFactory) -> None:
    mailbox.append(notification(1), notification(2))
    assert sync(db, imap_account("first")).added == 2
    # A second account on the same folder reads it all (and recognises both leads).
    second = sync(db, imap_account("second"))
    assert (second.added, second.duplicates) == (0, 2)


def test_each_folder_keeps_its_own_position(db: Database, mailbox: Mailbox, sent: str,
                                            imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net",
                                          when=utcnow() + timedelta(hours=1)))
    sync(db, site)
    mailbox.append(notification(3))
    again = sync(db, site)
    assert (again.added, again.duplicates) == (1, 0)


def test_an_emptied_folder_is_read_from_its_first_message(db: Database, mailbox: Mailbox,
                                                          imap_account: AccountFactory) -> None:
    site = imap_account("site")
    assert sync(db, site).added == 0  # empty: the folder is known, nothing read yet
    mailbox.append(notification(1))
    assert sync(db, site).added == 1
    with db.session() as s:
        state = s.execute(select(SyncState).where(SyncState.account_id == site.id)).scalar_one()
        assert state.last_uid == 1
        assert state.synced_at is not None


def test_a_message_gone_before_its_fetch_skips_only_itself(db: Database, mailbox: Mailbox,
                                                           imap_account: AccountFactory) -> None:
    site = imap_account("site")
    mailbox.append(notification(1), notification(2), notification(3))
    client = mailbox.client()
    try:
        result = imap.sync_once(db, LosingFirstBody(client), site, site.imap, batch_size=10,
                                sent=False)
    finally:
        client.logout()
    assert result.added == 2
    with db.session() as s:
        ids = set(s.execute(select(Submission.message_id)).scalars())
    assert ids == {"<notification-2@example-pharma-agency.com>",
                   "<notification-3@example-pharma-agency.com>"}


def test_a_label_taught_meanwhile_applies_to_mail_read_over_imap(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory) -> None:
    with db.session() as s:
        labels.map_label(s, "Area of work", "topic", actor="Ada")
        s.commit()
    mailbox.append(lead())
    sync(db, imap_account("site"))
    with db.session() as s:
        assert s.execute(select(Submission.topic)).scalar_one() == "Oncology"


class _DroppingOnSizes:
    def __init__(self, client: IMAPClient) -> None:
        self._client = client

    def fetch(self, messages: list[int], parts: list[str]) -> Any:
        if "RFC822.SIZE" in parts:
            raise ConnectionResetError(104, "Connection reset by peer")
        return self._client.fetch(messages, parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_a_connection_dropped_while_sizing_the_batches_is_one_clear_line(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory) -> None:
    site = imap_account("site")
    mailbox.append(notification(1))
    client = mailbox.client()
    try:
        with pytest.raises(imap.ImapError) as error:
            imap.sync_once(db, _DroppingOnSizes(client), site, site.imap, sent=False)
    finally:
        client.logout()
    assert str(error.value) == (f"the connection to {site.imap.where} was lost "
                                f"(ConnectionResetError); the sync kept everything fetched so far, "
                                f"run it again")
    assert sync(db, site).added == 1  # nothing was stored, nothing is lost



def test_a_slow_store_never_stalls_the_fetch_thread(db: Database, mailbox: Mailbox,
                                                    imap_account: AccountFactory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = imap_account("site")
    total = imap.FETCH_AHEAD * 2 + 3
    mailbox.append(*(notification(n) for n in range(1, total + 1)))
    monkeypatch.setattr(queue.Queue, "put", _slow_full_once(queue.Queue.put))
    client = mailbox.client()
    try:
        plan = imap.plan_folder(db, client, site, site.imap)
        got = []
        with imap._Fetcher(client, site, site.imap, plan, batch_size=1) as batches:
            for (_found, last_uid), _ in batches:
                got.append(last_uid)
    finally:
        client.logout()
    assert got == plan.uids


def _slow_full_once(put: Any) -> Any:
    """queue.put that reports the queue full once, as a busy consumer would."""
    seen: set[int] = set()

    def patched(self: queue.Queue[Any], item: Any, block: bool = True,
                timeout: float | None = None) -> None:
        if id(item) not in seen and timeout is not None:
            seen.add(id(item))
            raise queue.Full
        put(self, item, block, timeout)
    return patched


def test_aware_reads_a_naive_moment_as_utc_and_converts_others(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        naive = datetime(2026, 11, 20, 10, 30)
        assert imap.aware(naive) == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
        assert imap.aware(naive).utcoffset() == timedelta(0)
        cet = datetime(2026, 11, 20, 11, 30, tzinfo=timezone(timedelta(hours=1)))
        assert imap.aware(cet) == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
        assert imap.aware(cet).utcoffset() == timedelta(0)
        assert imap.aware(cet).tzinfo is UTC
    finally:
        monkeypatch.undo()
        time.tzset()


class _GoneAlready:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def logout(self) -> None:
        raise self.error


@pytest.mark.parametrize("error", [ConnectionResetError(104, "reset"), EOFError(),
                                   IMAPClientError("BYE")])
def test_logout_is_quiet_when_the_connection_is_gone(error: BaseException) -> None:
    imap.logout(_GoneAlready(error))


def test_a_folder_recreated_empty_is_read_from_its_first_message(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory) -> None:
    site = imap_account("site")
    mailbox.append(notification(1))
    assert sync(db, site).added == 1
    mailbox.recreate()  # a new UIDVALIDITY, and nothing in it yet: remembered at UID 0
    assert sync(db, site).added == 0
    mailbox.append(notification(2))  # UID 1 of the new folder
    assert sync(db, site).added == 1


# ---------------------------------------------------------------------- what a failure says
def test_each_failure_is_one_line_naming_the_server(imap_account: AccountFactory) -> None:
    settings = imap_account("site").imap
    where = settings.where
    refused = str(imap.explain(ConnectionRefusedError(111, "refused"), settings))
    assert refused == (f"the IMAP server {settings.host}:{settings.port} refused the connection; "
                       f"check the host, the port and that the server is running")
    broken = ssl.SSLError(1, "wrong version number")
    broken.reason = "WRONG_VERSION_NUMBER"  # as the ssl module sets it on a real handshake
    tls = str(imap.explain(broken, settings))
    assert f"TLS with {settings.host}:{settings.port} failed" in tls
    assert tls.endswith("check --security (ssl for port 993, starttls for 143)")
    assert str(imap.explain(TimeoutError(), settings)) == (
        f"the IMAP server {where} did not answer in time; the sync kept everything fetched so far, "
        f"run it again")
    assert str(imap.explain(IMAPClientError("NO [LIMIT] too many"), settings)) == (
        f"the IMAP server {where} answered with an error: NO [LIMIT] too many")
    assert str(imap.explain(ValueError("odd answer"), settings)) == (
        f"IMAP failure with {where}: odd answer")


@pytest.mark.parametrize("security", ["ssl", "starttls", "plain"])
def test_connections_have_a_timeout_and_tls_where_asked(imap_account: AccountFactory,
                                                        security: str) -> None:
    settings = imap_account("site", security=security).imap
    client = imap.connect(settings, PASSWORD)
    try:
        sock = client.socket()
        assert sock.gettimeout() == imap.TIMEOUT_SECONDS
        assert isinstance(sock, ssl.SSLSocket) == (security != "plain")
    finally:
        imap.logout(client)


def test_an_untrusted_certificate_after_starttls_is_one_clear_line(
        imap_account: AccountFactory) -> None:
    settings = imap_account("site", security="starttls", ca_file=None).imap
    with pytest.raises(imap.ImapError, match=r"certificate .* is not trusted"):
        imap.connect(settings, PASSWORD)


# ---------------------------------------------------------------------- batches by count and bytes
def test_batches_are_cut_at_the_byte_limit_exactly() -> None:
    uids = [1, 2, 3, 4]
    assert imap.plan_batches(uids, {1: 50, 2: 50, 3: 50, 4: 50}, 10, 100) == [[1, 2], [3, 4]]
    assert imap.plan_batches(uids, {1: 50, 2: 51, 3: 49, 4: 1}, 10, 100) == [[1], [2, 3], [4]]
    assert imap.plan_batches(uids, {1: 100, 2: 100}, 10, 100) == [[1], [2, 3, 4]]
    assert imap.plan_batches(uids, {}, 10, 0) == [[1, 2, 3, 4]]  # no sizes: expunged, empty
    assert imap.plan_batches(uids, {1: 1, 2: 1, 3: 1, 4: 1}, 3, 100) == [[1, 2, 3], [4]]


# ---------------------------------------------------------------------- one sync, end to end
def test_a_sync_reads_sent_by_default_reports_and_can_be_cancelled(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net",
                                          when=utcnow() + timedelta(hours=1)))
    spy = Recorder()
    result = imap.sync_account(db, site, PASSWORD, reporter=spy)
    assert (result.added, result.threaded) == (1, 1)
    assert spy.of("finished")[0] == ("sync site: 1 added, 0 already there",)
    cancel = CancelToken()
    cancel.cancel()
    mailbox.append(notification(2))
    with pytest.raises(Cancelled):
        imap.sync_account(db, site, PASSWORD, cancel=cancel)
    client = mailbox.client()
    try:  # sync_once reads Sent by default too
        put_in(mailbox, sent, colleague_reply(2, to="visitor2@example.net",
                                              when=utcnow() + timedelta(hours=1)))
        assert imap.sync_once(db, client, site, site.imap).threaded == 1
    finally:
        client.logout()


def test_a_second_sync_is_refused_by_the_accounts_name(db: Database,
                                                       imap_account: AccountFactory) -> None:
    site = imap_account("the-site")
    with account_lock(db, site.id, site.name), \
            pytest.raises(SyncInProgressError, match="the-site"):
        imap.sync_account(db, site, PASSWORD)


def test_the_mailbox_address_is_never_taken_for_the_visitor(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory) -> None:
    site = imap_account("site", user="alice@example-pharma-agency.com")
    assert imap.with_mailbox(["forms@example.org"], site.imap) == [
        "forms@example.org", "alice@example-pharma-agency.com"]
    assert imap.with_mailbox([], imap_account("plain").imap) == []


def test_both_phases_report_and_store_under_the_account(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later),
           colleague_reply(2, to="visitor2@example.net", when=later))
    spy = Recorder()
    imap.sync_account(db, site, PASSWORD, reporter=spy, batch_size=1)
    assert spy.of("started") == [("sync site", 2), ("sent site", 2)]
    assert spy.of("progress") == [(1, 2), (2, 2), (1, 2), (2, 2)]  # one message a batch, both phases
    assert spy.of("finished") == [("sync site: 2 added, 0 already there",),
                                  ("sent site: 2 joined conversations, 0 already there",)]
    with db.session() as s:
        assert set(s.execute(select(Submission.account_id)).scalars()) == {site.id}


def test_sent_can_be_left_out_of_one_sync(db: Database, mailbox: Mailbox, sent: str,
                                          imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net",
                                          when=utcnow() + timedelta(hours=1)))
    assert imap.sync_account(db, site, PASSWORD, sent=False).threaded == 0


class _Dropping:
    """A real client whose connection drops at the named call."""

    def __init__(self, client: IMAPClient, at: str) -> None:
        self._client, self._at = client, at

    def __getattr__(self, name: str) -> Any:
        if name == self._at:
            def dropped(*args: Any, **kwargs: Any) -> Any:
                raise ConnectionResetError(104, "Connection reset by peer")
            return dropped
        return getattr(self._client, name)


@pytest.mark.parametrize("at", ["select_folder", "folder_exists"])
def test_a_drop_before_or_between_the_folders_is_one_line(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory, at: str) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    client = mailbox.client()
    try:
        with pytest.raises(imap.ImapError) as error:
            imap.sync_once(db, _Dropping(client, at), site, site.imap)
    finally:
        client.logout()
    assert str(error.value) == (f"the connection to {site.imap.where} was lost "
                                f"(ConnectionResetError); the sync kept everything fetched so far, "
                                f"run it again")


def test_a_missing_sent_folder_names_the_server(db: Database, mailbox: Mailbox,
                                                imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder="Nowhere")
    with pytest.raises(imap.ImapError, match=re.escape(f"'Nowhere' does not exist on {site.imap.where}")):
        imap.sync_account(db, site, PASSWORD)


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_an_unreadable_ca_file_is_one_clear_line(imap_account: AccountFactory, tmp_path: Path,
                                                 security: str) -> None:
    settings = imap_account("site", security=security, ca_file=str(tmp_path / "gone.pem")).imap
    with pytest.raises(imap.ImapError, match=r"gone\.pem"):
        imap.connect(settings, PASSWORD)
