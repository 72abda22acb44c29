"""IMAP faults as a user meets them, against real servers on loopback: a server that closes at
once or at LOGIN, a port that expects TLS, a password beyond ASCII, a LOGIN refused for another
reason than the password (busy, locked, expired, TLS required), the folder deleted between syncs,
a body the server answers as NIL, a folder without a UIDVALIDITY. Each is one line saying what
happened and what to do, and a later sync stores every message once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from leaddesk.account_settings import ImapSettings
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import imap
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.support.dovecot import PASSWORD, WIDE_PASSWORD, WIDE_USER
from tests.support.fake_imap import BEHAVIOURS, REFUSE_LOGIN, FakeImapServer
from tests.support.imap_faults import FirstBodyAnsweredAs, SelectWithout
from tests.support.mail import notification


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count(Submission.id))).scalar_one())


@pytest.fixture(params=BEHAVIOURS)
def fake(request: pytest.FixtureRequest) -> Iterator[FakeImapServer]:
    server = FakeImapServer(request.param)
    yield server
    server.close()


def test_a_server_that_drops_before_or_at_login_is_one_line_about_the_port(
        imap_account: AccountFactory, fake: FakeImapServer) -> None:
    settings = imap_account("site", security="plain", port=fake.port).imap
    with pytest.raises(imap.ImapError) as caught:
        imap.connect(settings, PASSWORD)
    message = str(caught.value)
    step = "during the login" if fake.behaviour.endswith("at-login") else "before the login"
    assert message == (f"the IMAP server {settings.where} closed the connection {step}: check "
                       f"the port and --security (ssl for port 993, starttls for 143), then "
                       f"try again")
    assert "wrong user name or password" not in message  # a drop is not a refused password
    assert PASSWORD not in message


def test_a_plain_connection_to_the_tls_port_times_out_naming_the_security(
        imap_account: AccountFactory, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # The TLS port waits for a handshake, the client for a greeting: only the timeout ends it.
    monkeypatch.setattr(imap, "TIMEOUT_SECONDS", 0.5)
    settings = imap_account("site", security="starttls", port=mailbox.server.ssl_port).imap
    started = time.monotonic()
    with pytest.raises(imap.ImapError) as caught:
        imap.connect(settings, PASSWORD)
    assert time.monotonic() - started < 10
    assert str(caught.value) == (f"the IMAP server {settings.where} did not answer in time before "
                                 f"the login: check the port and --security (ssl for port 993, "
                                 f"starttls for 143), then try again")


def test_a_password_beyond_ascii_logs_in_and_a_wrong_one_is_refused(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    settings = imap_account("site", user=WIDE_USER, folder="INBOX").imap
    imap.logout(imap.connect(settings, WIDE_PASSWORD))
    with pytest.raises(imap.ImapError, match="refused the login for zoe: wrong user name or password"):
        imap.connect(settings, "wröng")


def test_a_folder_deleted_between_syncs_is_named_and_nothing_is_lost_or_doubled(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox) -> None:
    site = imap_account("site")
    mailbox.append(notification(1), notification(2))
    assert imap.sync_account(db, site, PASSWORD).added == 2
    client = mailbox.client()
    client.delete_folder(mailbox.folder)
    client.logout()
    with pytest.raises(imap.ImapError) as caught:
        imap.sync_account(db, site, PASSWORD)
    message = str(caught.value)
    assert message.startswith(f"the folder {mailbox.folder} cannot be opened on "
                              f"{site.imap.where} (Mailbox doesn't exist: {mailbox.folder}): it "
                              f"may have been renamed or deleted")
    assert "`leaddesk accounts edit site --folder FOLDER`" in message
    assert "secs" not in message  # the server's timings are noise to a user
    assert count(db) == 2
    client = mailbox.client()
    client.create_folder(mailbox.folder)
    client.logout()
    mailbox.append(notification(1), notification(2), notification(3))
    result = imap.sync_account(db, site, PASSWORD)
    assert (result.added, count(db)) == (1, 3)


def connect_to_fake(imap_account: AccountFactory, behaviour: str, answer: bytes = b"", *,
                    security: str = "plain") -> tuple[ImapSettings, str]:
    """The settings of an account on a scripted server, and the message its login fails with."""
    server = FakeImapServer(behaviour, answer)
    try:
        settings = imap_account("site", security=security, port=server.port).imap
        with pytest.raises(imap.ImapError) as caught:
            imap.connect(settings, PASSWORD)
    finally:
        server.close()
    return settings, str(caught.value)


def test_starttls_asked_of_a_server_that_does_not_offer_it_names_the_security(
        imap_account: AccountFactory) -> None:
    # Its capabilities name no STARTTLS.
    settings, message = connect_to_fake(imap_account, "drop-at-login", security="starttls")
    assert message == (
        f"the IMAP server {settings.where} answered with an error before the login: Server does "
        f"not support STARTTLS capability; check --security (ssl for port 993, starttls for 143)")


@pytest.mark.parametrize(("answer", "expected"), [
    (b"NO [UNAVAILABLE] Temporary authentication failure. [host:2026-12-06 10:00:00]",
     "it could not check the login right now (a problem on the server's side, not the password; "
     "try again later) (it said: [UNAVAILABLE] Temporary authentication failure. "
     "[host:2026-12-06 10:00:00])"),
    (b"NO [ALERT] Your account is locked: call the help desk",
     "and says: Your account is locked: call the help desk; ask the mailbox's administrator, "
     "then try again"),
    (b"NO [CONTACTADMIN] Account disabled", "and says: Account disabled; ask the mailbox's"),
    (b"NO [LIMIT] Too many connections\x07\x1b[31m", "has too many connections open for this "
     "user; close other mail programs on the mailbox or try again later (it said: [LIMIT] Too "
     "many connections [31m)"),
    (b"NO [PRIVACYREQUIRED] Plaintext login disallowed", "accepts the login only over TLS"),
    (b"NO [EXPIRED] Password expired", "says the password has expired; change it with the mail "
     "provider"),
    (b"NO [AUTHENTICATIONFAILED] Authentication failed.", "wrong user name or password"),
    (b"NO Login failed " + PASSWORD.encode(), "wrong user name or password"),
])
def test_a_refused_login_says_what_the_servers_code_means(
        imap_account: AccountFactory, answer: bytes, expected: str) -> None:
    settings, message = connect_to_fake(imap_account, REFUSE_LOGIN, answer)
    assert message.startswith(f"the IMAP server {settings.where} refused the login for ")
    assert expected in message
    assert ("wrong user name" in message) == (b"AUTHENTICATIONFAILED" in answer
                                              or b"[" not in answer)
    assert "\n" not in message
    assert "\x1b" not in message
    assert PASSWORD not in message


@pytest.mark.parametrize("password", ["wrong", "user", "IMAP"])
def test_a_short_wrong_password_never_blanks_the_message_about_it(
        imap_account: AccountFactory, password: str) -> None:
    settings = imap_account("site").imap
    with pytest.raises(imap.ImapError) as caught:
        imap.connect(settings, password)
    assert str(caught.value) == (f"the IMAP server {settings.where} refused the login for "
                                 f"{settings.user}: wrong user name or password; set it again "
                                 f"with `leaddesk accounts edit NAME --password-stdin`")


def test_a_server_echoing_the_password_never_shows_it(imap_account: AccountFactory) -> None:
    _, message = connect_to_fake(imap_account, REFUSE_LOGIN,
                                 b"NO [ALERT] bad password " + PASSWORD.encode())
    assert message.endswith("and says: bad password •••; ask the mailbox's "
                                      "administrator, then try again")


@pytest.mark.parametrize("body", [None, "missing"])
def test_a_body_the_server_cannot_give_is_kept_empty_and_flagged(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox, body: str | None) -> None:
    site = imap_account("site")
    mailbox.append(notification(1), notification(2))
    client = mailbox.client()
    try:
        result = imap.sync_once(db, FirstBodyAnsweredAs(client, body), site, site.imap,
                                sent=False)
    finally:
        client.logout()
    assert result.added == 2
    with db.session() as session:
        rows = session.execute(select(Submission.raw, Submission.problems)
                               .order_by(Submission.id)).all()
    assert rows[0].raw == b""
    assert "the message is empty" in rows[0].problems
    assert imap.sync_account(db, site, PASSWORD).added == 0  # nothing read twice
    assert count(db) == 2


@pytest.mark.parametrize("uidvalidity", [None, b"soon"])
def test_a_folder_without_a_uidvalidity_is_read_not_at_all_and_says_why(
        db: Database, imap_account: AccountFactory, mailbox: Mailbox,
        uidvalidity: bytes | None) -> None:
    site = imap_account("site")
    mailbox.append(notification(1))
    client = mailbox.client()
    try:
        with pytest.raises(imap.ImapError) as caught:
            imap.sync_once(db, SelectWithout(client, uidvalidity), site, site.imap, sent=False)
    finally:
        client.logout()
    assert str(caught.value) == (
        f"the IMAP server {site.imap.where} did not say the UIDVALIDITY of {mailbox.folder}, "
        f"which LeadDesk needs to know which messages it has read; nothing was read. Ask the "
        f"server's administrator")
    assert count(db) == 0
    assert imap.sync_account(db, site, PASSWORD).added == 1
