"""The copy of a sent reply lands in the IMAP Sent folder of a real Dovecot (APPEND)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Reply
from leaddesk.reply import compose, service
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.reply.conftest import ServerFactory, SmtpAccountFactory

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
    assert "refused the login" in result.copy_error
    assert len(server.received) == 1
    with db.session() as s:
        row = s.execute(select(Reply)).scalar_one()
        assert (row.state, row.copied_to_sent_at) == ("sent", None)
