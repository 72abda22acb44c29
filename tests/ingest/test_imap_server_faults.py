"""IMAP faults a real site's mailbox produces, against real servers on loopback: a mailbox
restored under its old UIDVALIDITY with its UIDs numbered again, a folder of mail without
Message-IDs recreated under a new one, a certificate made out to another host or expired, TLS
asked of the plain port, a connection cut in the middle of a message larger than the batch
budget, the server ending the session mid-sync (an administrator's kick, the folder deleted by
another client), and a password stored with a line break. Each is one line saying what happened
and what to do, without the password; the database holds every message once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from select import select as wait_readable

import pytest
from sqlalchemy import func, select

from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import imap
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.ingest.tls_listener import TlsListener, certificate
from tests.support.dovecot import PASSWORD, USER
from tests.support.imap_faults import BeforeFetch
from tests.support.mail import notification
from tests.support.proxy import CuttingProxy


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


def message_ids(db: Database) -> list[str | None]:
    with db.session() as session:
        return sorted(session.execute(select(Submission.message_id)).scalars(), key=str)


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count(Submission.id))).scalar_one())


def ids(*numbers: int) -> list[str]:
    return sorted(f"<notification-{n}@example-pharma-agency.com>" for n in numbers)


def test_a_mailbox_restored_under_its_old_uidvalidity_is_read_again_without_doubles(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    """A restore from backup or a migration that keeps the UIDVALIDITY but numbers the messages
    from 1 again (RFC 3501 forbids it; it happens): a UIDNEXT at or below the last UID read
    shows it. Trusting the old position would skip new mail under the reused UIDs for good."""
    site = imap_account("site")
    mailbox.append(notification(1), notification(2), notification(3))
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 3
    old = mailbox.uidvalidity()
    mailbox.recreate()
    mailbox.server.doveadm("mailbox", "update", "-u", USER, "--uid-validity", str(old),
                           mailbox.folder)
    mailbox.append(notification(1), notification(4))  # one restored, one new: UIDs 1 and 2
    assert mailbox.uidvalidity() == old
    result = imap.sync_account(db, site, PASSWORD, sent=False)
    assert (result.added, result.duplicates) == (1, 1)
    mailbox.append(notification(5))  # UID 3: the last UID read before the restore
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 1
    assert message_ids(db) == ids(1, 2, 3, 4, 5)
    assert keys(db) == [f"{old}:1", f"{old}:2", f"{old}:3", f"{old}+1:2", f"{old}+1:3"]
    # A new UIDVALIDITY later starts a numbering of its own, the same from batch to batch.
    mailbox.recreate()
    mailbox.append(notification(6))
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 1
    mailbox.append(notification(7))
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 1
    assert keys(db)[-2:] == [f"{mailbox.uidvalidity()}:1", f"{mailbox.uidvalidity()}:2"]


def test_a_restored_mailbox_that_got_more_mail_than_it_held_loses_none_of_it(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    """The same restore, but more mail arrived before the next sync than the folder held: UIDNEXT
    is past the last UID read and shows nothing. The message now at that UID is another than the
    one stored under it: that shows it."""
    site = imap_account("site")
    mailbox.append(notification(1), notification(2))
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 2
    old = mailbox.uidvalidity()
    mailbox.recreate()
    mailbox.server.doveadm("mailbox", "update", "-u", USER, "--uid-validity", str(old),
                           mailbox.folder)
    mailbox.append(notification(1), notification(5), notification(6))  # UIDs 1-3, UIDNEXT 4
    assert mailbox.uidvalidity() == old
    result = imap.sync_account(db, site, PASSWORD, sent=False)
    assert (result.added, result.duplicates) == (2, 1)
    assert message_ids(db) == ids(1, 2, 5, 6)
    assert keys(db) == [f"{old}:1", f"{old}:2", f"{old}+1:2", f"{old}+1:3"]
    # The message at the last UID read is the one stored: the next sync reads on, nothing again.
    mailbox.append(notification(7))
    result = imap.sync_account(db, site, PASSWORD, sent=False)
    assert (result.added, result.duplicates) == (1, 0)
    assert keys(db)[-1] == f"{old}+1:4"


def keys(db: Database) -> list[str]:
    """The numbering and UID of each message's source key, in the order stored."""
    with db.session() as session:
        return [key.split(":", 3)[3] for key in session.execute(
            select(Submission.source_key).order_by(Submission.id)).scalars()]


@pytest.fixture
def tls_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TlsListener, Path]]:
    names, expired = request.param
    cert = certificate(tmp_path, names=names, expired=expired)
    server = TlsListener(cert)
    yield server, cert
    server.close()


@pytest.mark.parametrize(("tls_server", "expected"), [
    ((("mail.other-host.example",), False),
     "is made out to another host (IP address mismatch, certificate is not valid for "
     "'127.0.0.1'.)"),
    ((("127.0.0.1",), True), "has expired (certificate has expired)"),
], indirect=["tls_server"], ids=["another-host", "expired"])
def test_a_wrong_certificate_says_what_is_wrong_with_it_and_sends_nothing(
        imap_account: AccountFactory, tls_server: tuple[TlsListener, Path], expected: str) -> None:
    """The certificate is trusted (its own CA file): what is left is its name or its dates,
    which a CA file does not mend; the advice must not send the user after one."""
    server, cert = tls_server
    settings = imap_account("site", security="ssl", port=server.port, ca_file=str(cert)).imap
    with pytest.raises(imap.ImapError) as caught:
        imap.connect(settings, PASSWORD)
    message = str(caught.value)
    assert message.startswith(f"the certificate of {settings.where} {expected}")
    assert "--ca-file" not in message
    assert ("--host" in message) == ("another host" in expected)
    assert PASSWORD not in message
    assert server.handshakes == 0  # not a byte of the login left


def test_tls_asked_of_the_plain_port_names_the_security(
        imap_account: AccountFactory, mailbox: Mailbox) -> None:
    settings = imap_account("site", security="ssl", port=mailbox.server.port).imap
    started = time.monotonic()
    with pytest.raises(imap.ImapError) as caught:
        imap.connect(settings, PASSWORD)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith(f"TLS with {settings.where} failed (")
    assert message.endswith("check --security (ssl for port 993, starttls for 143)")


BIG = 300_000


def big_notification(n: int) -> bytes:
    return notification(n, message="A long enquiry. " * (BIG // 16))


def test_a_cut_in_the_middle_of_a_message_larger_than_the_batch_budget(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The large message is a batch of its own; the cut in its literal keeps the batches before
    it and the position before it, and the next sync stores it whole, once."""
    monkeypatch.setattr(imap, "BATCH_BYTES", 50_000)
    mailbox.append(notification(1), notification(2), big_notification(3), notification(4))
    proxy = CuttingProxy(mailbox.server.port)
    try:
        site = imap_account("site", security="plain", port=proxy.port, ca_file=None)
        proxy.cut_after = BIG // 2  # far past the small ones, well inside the large one
        with pytest.raises(imap.ImapError) as caught:
            imap.sync_account(db, site, PASSWORD, sent=False, batch_size=1)
        message = str(caught.value)
        assert message.startswith(f"the connection to {site.imap.where} was lost")
        assert message.endswith("the sync kept everything fetched so far, run it again")
        assert message_ids(db) == ids(1, 2)
        proxy.cut_after = None
        result = imap.sync_account(db, site, PASSWORD, sent=False, batch_size=1)
    finally:
        proxy.close()
    assert result.added == 2
    assert message_ids(db) == ids(1, 2, 3, 4)
    with db.session() as session:
        raw = session.execute(select(Submission.raw).where(
            Submission.message_id == ids(3)[0])).scalar_one()
    assert raw == big_notification(3)


@pytest.mark.parametrize(("how", "said"), [
    ("kick", "Server shutting down."),
    ("delete", "FETCH failed: Mailbox was deleted under us"),
])
def test_the_server_ending_the_session_mid_sync_is_quoted(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox, how: str,
        said: str) -> None:
    """An administrator's kick (a restart, a migration) or another client deleting the folder:
    the server says why it ends the session, and the user needs its words, not a class name."""
    site = imap_account("site")
    mailbox.append(notification(1), notification(2))

    def end_session() -> None:
        if how == "kick":
            mailbox.server.doveadm("kick", USER)
            # doveadm returns once the kick is sent and the session ends a moment later: wait for
            # the server's BYE, or the FETCH may be answered first (the test failed once so).
            wait_readable([client.socket()], [], [], 5.0)
        else:
            other = mailbox.client()
            other.delete_folder(mailbox.folder)
            other.logout()

    client = imap.connect(site.imap, PASSWORD)
    try:
        with pytest.raises(imap.ImapError) as caught:
            imap.sync_once(db, BeforeFetch(client, "BODY.PEEK[]", end_session), site, site.imap,
                           sent=False)
    finally:
        imap.logout(client)
    assert str(caught.value) == (f"the IMAP server {site.imap.where} ended the session (it said: "
                                 f"{said}); the sync kept everything fetched so far, run it again")
    assert count(db) == 0
    if how == "kick":
        assert imap.sync_account(db, site, PASSWORD, sent=False).added == 2
        assert message_ids(db) == ids(1, 2)


def test_a_password_stored_with_a_line_break_after_it_logs_in_without_it(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    """`echo PASSWORD | secret-tool store …` keeps the Enter; LOGIN cannot carry it."""
    site = imap_account("site", password=PASSWORD + "\n")
    mailbox.append(notification(1))
    assert imap.sync_account(db, site, PASSWORD + "\r\n", sent=False).added == 1


@pytest.mark.parametrize("password", [f"{PASSWORD}\r\nA9 LOGOUT", f"{PASSWORD[:5]}\n{PASSWORD[5:]}",
                                      f"{PASSWORD}\0"])
def test_a_password_with_a_line_break_inside_is_one_line_and_never_sent(
        imap_account: AccountFactory, mailbox: Mailbox, password: str) -> None:
    """Sent as is, the part after the line break reached the server as a command of its own,
    and its "BAD" came back as "wrong user name or password"."""
    settings = imap_account("site").imap
    with pytest.raises(imap.ImapLoginError) as caught:
        imap.connect(settings, password)
    assert str(caught.value) == (
        f"the password for {USER} on {settings.where} holds a line break or a NUL character, "
        f"which no password sent over IMAP can hold: it was probably stored with one; set it "
        f"again with `leaddesk accounts edit NAME --password-stdin`")


def test_a_recreated_folder_of_mail_without_message_ids_is_read_again_without_doubles(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    """Some form plugins send no Message-ID: after a new UIDVALIDITY only the content tells a
    message already stored from a new one."""
    def bare(n: int) -> bytes:
        return b"\r\n".join(line for line in notification(n).split(b"\r\n")
                            if not line.startswith(b"Message-ID:"))

    site = imap_account("site")
    mailbox.append(bare(1), bare(2))
    assert imap.sync_account(db, site, PASSWORD, sent=False).added == 2
    mailbox.recreate()
    mailbox.append(bare(1), bare(2), bare(3))
    result = imap.sync_account(db, site, PASSWORD, sent=False)
    assert (result.added, result.duplicates) == (1, 2)
    assert count(db) == 3
