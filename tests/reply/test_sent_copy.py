"""The copy of a sent reply lands in the IMAP Sent folder of a real Dovecot (APPEND); a mailbox
that refuses the login or stops answering mid-APPEND leaves the reply sent once, and says so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk import net_deadline
from leaddesk.db import Database
from leaddesk.db.models import Reply
from leaddesk.reply import compose, service
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.reply.conftest import ServerFactory, SmtpAccountFactory
from tests.support.stalling_imap import StallingImapServer
from tests.support.waiting import finishes_within

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def send(db: Database, lead_id: int, account: object) -> service.SendResult:
    with db.session() as s:
        lead = compose.load_lead(s, lead_id)
    draft = compose.default_draft(lead, my_name="Ada")
    draft = compose.Draft(to=draft.to, subject=draft.subject, body="Thanks!\n\n" + draft.body)
    return service.send_reply(db, lead_id, draft, account, actor="Ada")  # type: ignore[arg-type]


def stored(mailbox: Mailbox, folder: str, message_id: str) -> list[tuple[bytes, tuple[bytes, ...]]]:
    client = mailbox.client()
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["HEADER", "Message-ID", message_id])
        data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"])
        return [(bytes(d[b"BODY[]"]), tuple(d[b"FLAGS"])) for d in data.values()]
    finally:
        client.logout()


def test_the_reply_is_appended_to_the_configured_sent_folder(
        db: Database, lead_id: int, mailbox: Mailbox, imap_account: AccountFactory,
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("starttls")
    imap = imap_account("site")
    account = smtp_account(server, sent_account=imap.name, sent_folder=mailbox.folder)
    result = send(db, lead_id, account)
    assert result.copied_to == mailbox.folder
    assert result.copy_error is None
    ((raw, flags),) = stored(mailbox, mailbox.folder, result.message_id)
    assert b"\\Seen" in flags
    sent = server.received[0].message
    assert f"Message-ID: {result.message_id}".encode() in raw
    assert sent["Subject"].encode() in raw
    with db.session() as s:
        row = s.execute(select(Reply)).scalar_one()
        assert row.copied_to_sent_at is not None


def test_without_a_setting_the_folder_named_sent_is_found(
        db: Database, lead_id: int, mailbox: Mailbox, imap_account: AccountFactory,
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:
    client = mailbox.client()
    if not client.folder_exists("Sent"):
        client.create_folder("Sent")
    client.logout()
    account = smtp_account(smtp_server("plain"), sent_account=imap_account("site").name)
    result = send(db, lead_id, account)
    assert result.copied_to == "Sent"
    assert len(stored(mailbox, "Sent", result.message_id)) == 1


def test_a_failed_copy_does_not_unsend_the_reply(
        db: Database, lead_id: int, mailbox: Mailbox, imap_account: AccountFactory,
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")
    imap = imap_account("site", password="not-the-password")
    account = smtp_account(server, sent_account=imap.name, sent_folder=mailbox.folder)
    result = send(db, lead_id, account)
    assert result.copied_to is None
    assert result.copy_error is not None
    assert result.copy_error.startswith("the reply was sent, but its copy was not filed in the "
                                        "Sent folder: the IMAP server ")
    assert "refused the login" in result.copy_error
    assert len(server.received) == 1
    with db.session() as s:
        row = s.execute(select(Reply)).scalar_one()
        assert (row.state, row.copied_to_sent_at) == ("sent", None)


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
def test_a_stalled_append_ends_in_time_and_says_the_reply_was_sent_once(
        db: Database, lead_id: int, imap_account: AccountFactory, smtp_server: ServerFactory,
        smtp_account: SmtpAccountFactory, monkeypatch: pytest.MonkeyPatch, trickle: bool) -> None:
    monkeypatch.setattr(net_deadline, "FLOOR_SECONDS", 1.0)
    stalling = StallingImapServer("append", trickle=trickle)
    server = smtp_server("plain")
    try:
        mailbox = imap_account("site", security="plain", port=stalling.port, ca_file=None)
        account = smtp_account(server, sent_account=mailbox.name, sent_folder="Sent")
        finished, outcome, took = finishes_within(lambda: send(db, lead_id, account), 31)
    finally:
        stalling.close()
    assert finished, f"the reply's worker still hung after {took:.0f} s"
    assert took < 11
    assert isinstance(outcome, service.SendResult)
    assert outcome.copied_to is None
    assert outcome.copy_error == (
        f"the reply was sent, but its copy was not filed in the Sent folder: the IMAP server "
        f"{mailbox.imap.where} stopped sending while storing it in Sent after 1 s; it may be "
        f"missing there; do not send the reply again")
    assert len(server.received) == 1
    ((copy,),) = [stalling.appended]
    assert f"Message-ID: {outcome.message_id}".encode() in copy
    with db.session() as s:
        row = s.execute(select(Reply)).scalar_one()
        assert (row.state, row.copied_to_sent_at) == ("sent", None)
