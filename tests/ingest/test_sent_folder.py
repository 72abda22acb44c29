"""Conversations against a real Dovecot and aiosmtpd: our reply and its copy in Sent, the
visitor's answers in INBOX, a colleague's reply put in Sent by another mail program, re-syncs,
a UIDVALIDITY reset of Sent, Sent numbered again under its old UIDVALIDITY, and a SIGKILL in
the middle of reading Sent."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from leaddesk import query
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Message, Submission
from leaddesk.db.types import utcnow
from leaddesk.ingest import imap
from leaddesk.ingest.store import BatchResult
from leaddesk.reply import compose, service
from tests.ingest.conftest import AccountFactory, Mailbox, cli_with_imap_account
from tests.posts.helpers import submission as lead
from tests.reply.conftest import (
    ServerFactory,
    SmtpAccountFactory,
    smtp_account,  # noqa: F401  (the fixture)
)
from tests.support.conversation import answer, mail
from tests.support.dovecot import PASSWORD, USER
from tests.support.mail import notification

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

COLLEAGUE = "Bob Martin <bob@example-agency.com>"


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


def put_in(mailbox: Mailbox, folder: str, *messages: bytes) -> None:
    client = mailbox.client()
    for message in messages:
        client.append(folder, message, flags=(b"\\Seen",))
    client.logout()


def sync(db: Database, account: AccountInfo, **kwargs: object) -> BatchResult:
    return imap.sync_account(db, account, PASSWORD, **kwargs)  # type: ignore[arg-type]


def conversation(db: Database, lead_id: int) -> list[tuple[str, str | None]]:
    with db.session() as s:
        return [(d, a) for d, a in s.execute(
            select(Message.direction, Message.from_addr).where(Message.submission_id == lead_id)
            .order_by(Message.sent_at, Message.id))]


def needs_reply(db: Database) -> list[int]:
    with db.session() as s:
        return list(query.ids(s, query.Filter(needs_reply=True)))


def colleague_reply(n: int, *, to: str, when: datetime, in_reply_to: str | None = None,
                    references: str | None = None) -> bytes:
    return mail(sender=COLLEAGUE, to=to, subject="Re: Patient engagement",
                message_id=f"<colleague-{n}@example-agency.com>", in_reply_to=in_reply_to,
                references=references, when=when,
                body="Bob here: I attached the white paper.\r\n\r\n> Yes please")


def test_a_whole_conversation(db: Database, mailbox: Mailbox, sent: str,
                              imap_account: AccountFactory, smtp_server: ServerFactory,
                              smtp_account: SmtpAccountFactory) -> None:  # noqa: F811
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1, name="Nadia Benali", email="nadia@example.net"))
    assert sync(db, site).added == 1
    with db.session() as s:
        lead_id = s.execute(select(Submission.id)).scalar_one()
        draft = compose.default_draft(compose.load_lead(s, lead_id), my_name="Ada")
    assert needs_reply(db) == [lead_id]

    # Our reply, over SMTP, with its copy in Sent.
    account = smtp_account(smtp_server("plain"), sent_account="site", sent_folder=sent)
    draft = compose.Draft(to=draft.to, subject=draft.subject, body="Here it is.\n\n" + draft.body)
    ours = service.send_reply(db, lead_id, draft, account, actor="Ada")
    assert ours.copied_to == sent
    assert needs_reply(db) == []
    assert lead(db, lead_id).status == "waiting"

    # The visitor answers; a colleague answers that from another mail program.
    now = utcnow()
    mailbox.append(answer(1, to_message=ours.message_id, when=now + timedelta(minutes=1)))
    put_in(mailbox, sent, colleague_reply(
        1, to="nadia@example.net", when=now + timedelta(minutes=2),
        in_reply_to="<answer-1@example.net>", references=f"{ours.message_id} <answer-1@example.net>"))
    first = sync(db, site)
    assert (first.added, first.threaded) == (0, 2)
    assert first.duplicates == 1  # our own reply's copy in Sent, known by its Message-ID
    assert [a.who for a in first.answers] == ["Nadia Benali"]
    assert conversation(db, lead_id) == [("out", "team@example-agency.com"),
                                         ("in", "nadia@example.net"),
                                         ("out", "bob@example-agency.com")]
    row = lead(db, lead_id)
    assert (row.status, row.unread, row.message_count) == ("open", True, 4)
    assert needs_reply(db) == []  # the colleague answered last

    # A mail program that drops In-Reply-To and References: sender + "Re:" subject still match.
    mailbox.append(answer(2, to_message=None, quote=False, when=now + timedelta(minutes=3)))
    second = sync(db, site)
    assert (second.added, second.threaded) == (0, 1)
    assert needs_reply(db) == [lead_id]
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 1

    third = sync(db, site)
    assert (third.added, third.threaded, third.duplicates) == (0, 0, 0)
    assert lead(db, lead_id).message_count == 5


def test_sent_sync_can_be_turned_off(db: Database, mailbox: Mailbox, sent: str,
                                     imap_account: AccountFactory) -> None:
    mailbox.append(notification(1))
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net",
                                          when=utcnow() + timedelta(hours=1)))
    assert sync(db, imap_account("site", sent_folder=sent), sent=False).threaded == 0
    assert sync(db, imap_account("off", sent_folder=sent, sent_sync=False)).threaded == 0
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Message)).scalar_one() == 0


def test_a_missing_sent_folder_is_one_clear_line(db: Database, imap_account: AccountFactory,
                                                 mailbox: Mailbox) -> None:
    mailbox.append(notification(1))
    with pytest.raises(imap.ImapError, match=r"Sent folder 'Nowhere' does not exist.*--sent-folder"):
        sync(db, imap_account("site", sent_folder="Nowhere"))
    with db.session() as s:  # the INBOX part is kept
        assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == 1


def test_uidvalidity_reset_of_sent_adds_nothing_twice(db: Database, mailbox: Mailbox, sent: str,
                                                      imap_account: AccountFactory) -> None:
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    sync(db, site)
    later = utcnow() + timedelta(hours=1)
    unrelated = mail(sender=COLLEAGUE, to="supplier@example.com", subject="Invoice",
                     message_id="<invoice@example-agency.com>", body="Please find…", when=later)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later), unrelated)
    assert sync(db, site).threaded == 1
    old = mailbox.uidvalidity()
    client = mailbox.client()
    client.delete_folder(sent)
    client.create_folder(sent)
    client.logout()
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later), unrelated,
           colleague_reply(2, to="visitor2@example.net", when=later))
    result = sync(db, site)
    assert (result.threaded, result.duplicates) == (1, 1)
    assert mailbox.uidvalidity() == old  # only Sent was recreated
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Message)).scalar_one() == 2


def test_a_sent_folder_restored_under_its_old_uidvalidity_loses_no_new_reply(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory) -> None:
    """Sent numbered from 1 again under the same UIDVALIDITY (a restore, a migration): a reply
    under a reused UID is read, not taken for the old message that had that UID."""
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1), notification(2))
    sync(db, site)
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, colleague_reply(1, to="visitor1@example.net", when=later),
           colleague_reply(3, to="visitor1@example.net", when=later))
    assert sync(db, site).threaded == 2
    old = int(mailbox.client().folder_status(sent, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
    client = mailbox.client()
    client.delete_folder(sent)
    client.create_folder(sent)
    client.logout()
    mailbox.server.doveadm("mailbox", "update", "-u", USER, "--uid-validity", str(old), sent)
    # UID 1 again: a new reply, to the other visitor, where the old reply was.
    put_in(mailbox, sent, colleague_reply(2, to="visitor2@example.net", when=later))
    result = sync(db, site)
    assert (result.threaded, result.duplicates) == (1, 0)
    with db.session() as s:
        keys = sorted(s.execute(select(Message.source_key).where(Message.direction == "out"))
                      .scalars(), key=str)
    assert [k.split(":", 3)[3] for k in keys if k] == [f"{old}+1:1", f"{old}:1", f"{old}:2"]


def test_sigkill_while_reading_sent_loses_and_doubles_nothing(sqlite_url: str, mailbox: Mailbox,
                                                              sent: str, tmp_path: Path) -> None:
    total = 120
    mailbox.append(*(notification(n) for n in range(1, total + 1)))
    later = utcnow() + timedelta(hours=1)
    put_in(mailbox, sent, *(colleague_reply(n, to=f"visitor{n}@example.net", when=later)
                            for n in range(1, total + 1)))
    base, env = cli_with_imap_account(mailbox, sqlite_url, tmp_path, "--sent-folder", sent)
    worker = subprocess.Popen([*base, "sync", "site", "--batch-size", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = Database.open(sqlite_url)

    def messages() -> list[str | None]:
        with db.session() as s:
            return list(s.execute(select(Message.message_id)).scalars())

    try:
        deadline = time.monotonic() + 120
        while len(messages()) < 10 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert 0 < len(messages()) < total, "the sync was not caught while reading Sent"
        resumed = subprocess.run([*base, "sync", "site"], env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        ids = messages()
        with db.session() as s:
            leads = s.execute(select(func.count()).select_from(Submission)).scalar_one()
    finally:
        db.close()
    assert leads == total
    assert len(ids) == total
    assert len(set(ids)) == total


def test_the_first_answer_from_leaddesk_or_the_sent_folder(
        db: Database, mailbox: Mailbox, sent: str, imap_account: AccountFactory,
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:  # noqa: F811
    site = imap_account("site", sent_folder=sent)
    mailbox.append(notification(1, name="Nadia Benali", email="nadia@example.net"))
    sync(db, site)
    with db.session() as s:
        lead_id = s.execute(select(Submission.id)).scalar_one()
        draft = compose.default_draft(compose.load_lead(s, lead_id), my_name="Ada")
    # Our reply over SMTP is the first answer, at the moment it was sent.
    account = smtp_account(smtp_server("plain"), sent_account="site", sent_folder=sent)
    ours = service.send_reply(db, lead_id, draft, account, actor="Ada")
    first = lead(db, lead_id).first_answered_at
    assert first is not None
    assert abs(first - utcnow()) < timedelta(minutes=1)
    # A colleague had answered from another mail program an hour before; Sent is read now: the
    # first answer moves back to the colleague's. Our own copy in Sent changes nothing.
    earlier = (first - timedelta(hours=1)).replace(microsecond=0)
    put_in(mailbox, sent, colleague_reply(1, to="nadia@example.net", when=earlier,
                                          in_reply_to="<notification-1@example-pharma-agency.com>"))
    result = sync(db, site)
    assert (result.threaded, result.duplicates) == (1, 1)
    assert lead(db, lead_id).first_answered_at == earlier
    assert ours.message_id is not None
