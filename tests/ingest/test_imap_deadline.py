"""A server that trickles bytes (never silent long enough for the 30 s read timeout) or stops
mid-answer never hangs a sync: each command that moves mail has an overall deadline, past which
the socket is shut down and the sync ends with one line; what was read before is stored and the
next sync stores every message exactly once. Each test fails (hangs past its wait) without its
watchdog. A server that accepts and then never finishes its greeting, an implicit-TLS handshake
or a STARTTLS one (silent, or creeping) is cut the same way. A long IDLE after a sync is never
cut."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from imapclient.exceptions import IMAPClientError
from sqlalchemy import func, select

from leaddesk import net_deadline
from leaddesk.db import Database
from leaddesk.db.models import Message, Submission
from leaddesk.db.types import utcnow
from leaddesk.ingest import imap, sent_folder
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.ingest.test_imap import sync
from tests.ingest.test_sent_folder import colleague_reply, put_in
from tests.support.dovecot import PASSWORD
from tests.support.fake_imap import TRICKLES, FakeImapServer
from tests.support.imap_faults import BeforeFetch
from tests.support.mail import notification
from tests.support.proxy import CuttingProxy
from tests.support.stalling_imap import StallingImapServer
from tests.support.waiting import finishes_within

FLOOR = 1.0
WAIT = FLOOR + 30  # far beyond the deadline, far below what the trickle would take
SLACK = 10  # a loaded machine's thread start, SQLite writes, the login
CHECK_PORT = ("nothing was read; check the port and --security (ssl for port 993, starttls for "
              "143), then try again")


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net_deadline, "FLOOR_SECONDS", FLOOR)


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


@pytest.fixture
def proxy(mailbox: Mailbox) -> Iterator[CuttingProxy]:
    server = CuttingProxy(mailbox.server.port)
    yield server
    server.close()  # also ends a trickle a hanging sync (no watchdog) still waits on


def count(db: Database, model: type[Submission] | type[Message] = Submission) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_batch_trickled_mid_message_ends_the_sync_in_time_and_the_next_stores_each_once(
        db: Database, mailbox: Mailbox, proxy: CuttingProxy,
        imap_account: AccountFactory) -> None:
    mailbox.append(*(notification(n) for n in range(1, 21)))
    account = imap_account(security="plain", port=proxy.port, ca_file=None)
    proxy.trickle_after = 12_000  # past the login and the first batches, well before the end
    finished, outcome, took = finishes_within(lambda: sync(db, account, batch_size=3), WAIT)
    assert finished, f"the sync still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    assert isinstance(outcome, imap.ImapStalledError)
    assert str(outcome) == (f"the IMAP server {account.imap.where} stopped sending in the middle "
                            f"of a message batch after 1 s; what was read before is stored; try "
                            f"again later")
    kept = count(db)
    assert 0 < kept < 20
    proxy.trickle_after = None
    assert sync(db, account, batch_size=3).added == 20 - kept
    assert count(db) == 20


@pytest.mark.parametrize("behaviour", TRICKLES)
def test_a_login_or_select_trickled_ends_in_time_with_one_line(
        db: Database, imap_account: AccountFactory, behaviour: str) -> None:
    server = FakeImapServer(behaviour)
    try:
        account = imap_account("site", security="plain", port=server.port, ca_file=None)
        finished, outcome, took = finishes_within(
            lambda: imap.sync_account(db, account, PASSWORD), WAIT)
    finally:
        server.close()
    assert finished, f"the sync still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    doing, then = (("during the login", "nothing was read") if behaviour.endswith("login") else
                   (f"while opening the folder {account.imap.folder}", "what was read before is "
                                                                       "stored"))
    assert str(outcome) == (f"the IMAP server {account.imap.where} stopped sending {doing} after "
                            f"1 s; {then}; try again later")
    assert count(db) == 0


@pytest.mark.parametrize(("part", "doing"), [
    (sent_folder.HEADER_FETCH, "in the middle of the Sent folder's headers"),
    ("BODY.PEEK[]", "in the middle of a message batch of the Sent folder")])
def test_the_sent_folder_trickled_ends_in_time_and_the_next_sync_joins_each_reply_once(
        db: Database, mailbox: Mailbox, sent: str, proxy: CuttingProxy,
        imap_account: AccountFactory, part: str, doing: str) -> None:
    site = imap_account("site", security="plain", port=proxy.port, ca_file=None,
                        sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    assert sync(db, site, sent=False).added == 2
    put_in(mailbox, sent, *(colleague_reply(n, to=f"visitor{n}@example.net",
                                            when=utcnow() + timedelta(hours=1)) for n in (1, 2)))

    def trickle_from_here() -> None:  # every byte from now on creeps
        proxy.trickle_after = proxy.forwarded

    client = imap.connect(site.imap, PASSWORD)
    finished, outcome, took = finishes_within(lambda: sent_folder.sync_sent(
        db, BeforeFetch(client, part, trickle_from_here), site, site.imap, sent), WAIT)
    if not finished:
        proxy.close()  # ends the trickle the hanging read waits on
    imap.logout(client)
    assert finished, f"the Sent folder's reading still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    assert str(outcome) == (f"the IMAP server {site.imap.where} stopped sending {doing} after 1 s; "
                            f"what was read before is stored; try again later")
    assert count(db, Message) == 0
    proxy.trickle_after = None
    assert sync(db, site).threaded == 2
    assert sync(db, site).threaded == 0
    assert count(db, Message) == 2


def test_a_long_idle_after_a_sync_is_not_cut_by_a_deadline(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory) -> None:
    site = imap_account("site")
    mailbox.append(notification(1))
    client = imap.connect(site.imap, PASSWORD)
    try:
        assert imap.sync_once(db, client, site, site.imap).added == 1
        client.idle()
        # Twice the deadline of every command before, waiting on a socket a stray watchdog
        # would have shut.
        client.idle_check(timeout=2 * FLOOR + 1)
        mailbox.append(notification(2))
        announced = False
        for _ in range(20):
            if any(imap.announces_mail(r) for r in client.idle_check(timeout=1)):
                announced = True
                break
        client.idle_done()
        assert announced
        assert imap.sync_once(db, client, site, site.imap).added == 1
    except (OSError, IMAPClientError, EOFError) as exc:
        pytest.fail(f"the connection was cut during IDLE: {exc!r}")
    finally:
        imap.logout(client)
    assert count(db) == 2


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
@pytest.mark.parametrize(("at", "security", "doing", "then"), [
    ("greeting", "plain", "its greeting", CHECK_PORT),
    ("handshake", "ssl", "its greeting", CHECK_PORT),
    ("starttls", "starttls", "during STARTTLS", "nothing was read; try again later"),
])
def test_a_server_stalling_before_the_login_ends_the_connection_in_time(
        imap_account: AccountFactory, at: str, security: str, doing: str, then: str,
        trickle: bool) -> None:
    # The greeting and an implicit-TLS handshake are read inside IMAPClient's constructor, a
    # STARTTLS handshake inside wrap_socket: before LeadDesk holds the socket either way.
    server = StallingImapServer(at, trickle=trickle)
    try:
        account = imap_account("site", security=security, port=server.port, ca_file=None)
        finished, outcome, took = finishes_within(
            lambda: imap.connect(account.imap, PASSWORD), WAIT)
    finally:
        server.close()
    assert finished, f"the connection still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    assert isinstance(outcome, imap.ImapStalledError)
    assert str(outcome) == (f"the IMAP server {account.imap.where} stopped sending {doing} after "
                            f"1 s; {then}")
