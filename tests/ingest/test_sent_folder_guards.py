"""The Sent-folder reader's own guards, each alone against a real Dovecot: the folder's position
after a UIDVALIDITY reset of an empty folder, a reply that threads by its headers though it went
to another address, a connection lost mid-read as one clear line, the progress it reports, and
the header block picked out of a FETCH answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.imapclient import SENT
from sqlalchemy import delete, func, select
from sqlalchemy.orm import undefer

from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Message, SyncState
from leaddesk.db.types import utcnow
from leaddesk.ingest import imap, sent_folder
from leaddesk.ingest.sent_folder import _header_block
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.ingest.test_sent_folder import colleague_reply, put_in, sync
from tests.support.imap_faults import LosingFirstBody
from tests.support.mail import notification
from tests.support.reporting import Recorder


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


def _position(db: Database, account: AccountInfo, folder: str) -> tuple[int | None, int | None]:
    with db.session() as s:
        state = s.execute(select(SyncState).where(SyncState.account_id == account.id,
                                                  SyncState.folder == folder)).scalar_one()
        return state.uidvalidity, state.last_uid


def _messages(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Message)).scalar_one())


def _recreate(mailbox: Mailbox, folder: str) -> int:
    client = mailbox.client()
    client.delete_folder(folder)
    client.create_folder(folder)
    value = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
    client.logout()
    return value


def test_an_emptied_sent_folder_is_read_from_its_first_message(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later))
    assert sync(db, site).threaded == 1
    assert _position(db, site, sent)[1] == 1
    # Recreated empty: the new UIDVALIDITY is remembered with nothing read yet...
    fresh = _recreate(mailbox, sent)
    assert sync(db, site).threaded == 0
    assert _position(db, site, sent) == (fresh, 0)
    # ...so the folder's first message (UID 1 again) is read.
    put_in(mailbox, sent, colleague_reply(2, to="visitor2@example.net", when=later))
    assert sync(db, site).threaded == 1
    assert _messages(db) == 2


def test_a_reply_threads_by_its_headers_whatever_address_it_went_to(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    sync(db, site)
    put_in(mailbox, sent, colleague_reply(
        1, to="nadia.private@example.org", when=utcnow() + timedelta(hours=1),
        in_reply_to="<notification-1@example-pharma-agency.com>"))
    assert sync(db, site).threaded == 1


def test_the_sent_read_reports_its_progress(db: Database, mailbox: Mailbox, sent: str,
                                            imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2), notification(3))
    sync(db, site, sent=False)
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, *(colleague_reply(n, to=f"visitor{n}@example.net", when=later)
                            for n in (1, 2, 3)))
    client = mailbox.client()
    spy = Recorder()
    try:
        result = sent_folder.sync_sent(db, client, site, site.imap, sent, batch_size=2, reporter=spy)
    finally:
        client.logout()
    assert result.threaded == 3
    assert spy.calls == [("started", "sent site", 3), ("progress", 2, 3), ("progress", 3, 3),
                         ("finished", "sent site: 3 joined conversations, 0 already there")]


class _Dropping:
    """A real client whose connection drops at the n-th FETCH."""

    def __init__(self, client: IMAPClient, at_fetch: int) -> None:
        self._client, self._left = client, at_fetch

    def fetch(self, *args: Any, **kwargs: Any) -> Any:
        self._left -= 1
        if self._left <= 0:
            raise ConnectionResetError(104, "Connection reset by peer")
        return self._client.fetch(*args, **kwargs)

    def select_folder(self, *args: Any, **kwargs: Any) -> Any:
        if self._left < 0:
            raise ConnectionResetError(104, "Connection reset by peer")
        return self._client.select_folder(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.mark.parametrize("at_fetch", [-1, 1, 2], ids=["on-select", "headers", "bodies"])
def test_a_dropped_connection_is_one_clear_line_and_keeps_the_place(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory,
        at_fetch: int) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    sync(db, site, sent=False)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net",
                                          when=utcnow() + timedelta(hours=1)))
    client = mailbox.client()
    try:
        with pytest.raises(imap.ImapError) as error:
            sent_folder.sync_sent(db, _Dropping(client, at_fetch), site,
                                  site.imap, sent)
    finally:
        client.logout()
    message = str(error.value)
    assert site.imap.where in message
    assert "Connection reset by peer" in message or "connection" in message.lower()
    assert _messages(db) == 0
    assert sync(db, site).threaded == 1  # the next sync reads it: nothing lost


def test_the_header_block_is_picked_from_the_fetch_answer() -> None:
    header = b"Message-ID: <a@example.net>\r\n\r\n"
    assert _header_block({b"SEQ": 4, b"X-GM-LABELS": b"\\Sent",
                          b"BODY[HEADER.FIELDS (MESSAGE-ID)]": header}) == header
    assert _header_block({b"SEQ": 4, b"BODY[HEADER.FIELDS (MESSAGE-ID)]": None}) == b""
    assert _header_block({b"SEQ": 4}) == b""


# ---------------------------------------------------------------------- what a stored reply keeps
def test_sent_sync_is_on_unless_turned_off(imap_account: AccountFactory) -> None:
    account = imap_account("site")
    legacy = {k: v for k, v in account.settings.items() if k != "sent_sync"}
    assert sent_folder.enabled(replace(account, settings=legacy))  # accounts from before the setting
    assert sent_folder.enabled(replace(account, settings={**legacy, "sent_sync": True}))
    assert not sent_folder.enabled(replace(account, settings={**legacy, "sent_sync": False}))


class _SpecialUse:
    def __init__(self, found: str | None) -> None:
        self.found = found
        self.asked: list[bytes] = []

    def find_special_folder(self, flag: bytes) -> str | None:
        self.asked.append(flag)
        return self.found


def test_the_folder_marked_sent_is_used_when_none_is_named(imap_account: AccountFactory) -> None:
    account = imap_account("site")
    assert "sent_folder" not in account.settings or not account.settings["sent_folder"]
    marked = _SpecialUse("Sent Items")
    assert sent_folder.find_folder(marked, account, account.imap) == "Sent Items"
    assert marked.asked == [SENT]
    assert sent_folder.find_folder(_SpecialUse(None), account, account.imap) is None


def _stored_out(db: Database) -> list[Message]:
    with db.session() as s:
        return list(s.execute(select(Message).where(Message.direction == "out")
                              .options(undefer(Message.raw)).order_by(Message.id)).scalars())


def test_a_reply_from_sent_keeps_its_text_raw_account_and_key(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    sync(db, site, sent=False)
    reply = colleague_reply(1, to="visitor1@example.net", when=utcnow() + timedelta(hours=1))
    put_in(mailbox, sent, reply)
    sync(db, site)
    client = mailbox.client()
    validity = int(client.folder_status(sent, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
    client.logout()
    [stored] = _stored_out(db)
    assert "Bob here: I attached the white paper." in stored.body_text
    assert stored.raw == reply
    assert stored.account_id == site.id
    assert stored.source_key == f"imap:{site.id}:{sent}:{validity}:1"


def test_a_reply_without_a_date_is_dated_by_the_server(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1))
    sync(db, site, sent=False)
    undated = b"\r\n".join(line for line in colleague_reply(
        1, to="visitor1@example.net", when=utcnow()).split(b"\r\n") if not line.startswith(b"Date:"))
    arrived = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    client = mailbox.client()
    client.append(sent, undated, flags=(b"\\Seen",), msg_time=arrived)
    client.logout()
    sync(db, site)
    [stored] = _stored_out(db)
    assert imap.aware(stored.sent_at) == arrived


def test_a_body_gone_before_its_fetch_skips_only_that_message(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    sync(db, site, sent=False)
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later),
           colleague_reply(2, to="visitor2@example.net", when=later))
    client = mailbox.client()
    try:
        result = sent_folder.sync_sent(db, LosingFirstBody(client), site, site.imap, sent)
    finally:
        client.logout()
    assert result.threaded == 1
    assert [m.message_id for m in _stored_out(db)] == ["<colleague-2@example-agency.com>"]


def test_known_replies_add_up_over_batches(db: Database, mailbox: Mailbox, sent: str,
                                           imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later),
           colleague_reply(2, to="visitor2@example.net", when=later))
    assert sync(db, site).threaded == 2
    with db.session() as s:  # forget how far Sent was read: both come round again
        s.execute(delete(SyncState).where(SyncState.folder == sent))
        s.commit()
    client = mailbox.client()
    try:
        again = sent_folder.sync_sent(db, client, site, site.imap, sent, batch_size=1)
    finally:
        client.logout()
    assert (again.threaded, again.duplicates) == (0, 2)
