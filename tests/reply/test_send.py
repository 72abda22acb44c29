"""Sending replies to a real aiosmtpd server (AUTH, STARTTLS, implicit TLS, an untrusted
certificate) and asserting on the exact message it received; failures keep the draft."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Reply, Submission
from leaddesk.errors import ValidationError
from leaddesk.reply import compose, service, smtp
from leaddesk.reply.compose import Draft
from leaddesk.reply.templates import TemplateInfo
from tests.reply.conftest import ServerFactory, SmtpAccountFactory
from tests.support import smtp as smtp_support
from tests.support.postgres import free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

TEMPLATE = TemplateInfo(0, "white paper", None,
                        "Hi {first_name},\n\nthanks for reading “{post_title}”. {my_name}")


def draft_for(db: Database, lead_id: int) -> Draft:
    with db.session() as s:
        lead = compose.load_lead(s, lead_id)
    return compose.default_draft(lead, my_name="Ada", template=TEMPLATE)


def replies(db: Database) -> list[Reply]:
    with db.session() as s:
        rows = list(s.execute(select(Reply).order_by(Reply.id)).scalars())
        s.expunge_all()
        return rows


def status_of(db: Database, lead_id: int) -> str:
    with db.session() as s:
        return s.execute(select(Submission.status).where(Submission.id == lead_id)).scalar_one()


@pytest.mark.parametrize("mode", ["plain", "starttls", "ssl"])
def test_the_server_receives_exactly_the_reply(db: Database, lead_id: int, mode: str,
                                               smtp_server: ServerFactory,
                                               smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server(mode)
    account = smtp_account(server)
    result = service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")

    assert server.logins == [smtp_support.USER]
    (got,) = server.received
    assert got.mail_from == "team@example-agency.com"
    assert got.rcpt_tos == ["zoe@example.net"]
    msg = got.message
    assert msg["From"] == "Ada from Example Agency <team@example-agency.com>"
    assert msg["To"] == "zoe@example.net"
    assert msg["Cc"] is None
    assert msg["Subject"] == "Re: Patient engagement"  # the topic, not the notification's subject
    assert msg["In-Reply-To"] == "<notification-1@example-agency.com>"
    assert msg["References"] == "<notification-1@example-agency.com>"
    assert msg["Message-ID"] == result.message_id
    assert msg["Message-ID"].endswith("@example-agency.com>")
    assert msg["Date"] is not None
    body = msg.get_content().replace("\r\n", "\n")
    assert body.startswith("Hi Zoë,\n\nthanks for reading “Europe's IMI Sets Pace”. Ada\n\nOn ")
    assert body.endswith("Zoë Müller wrote:\n> Could you send the white paper?\n> Thanks!\n")

    (row,) = replies(db)
    assert (row.state, row.error, row.message_id) == ("sent", None, result.message_id)
    assert row.sent_at is not None
    assert row.in_reply_to == "<notification-1@example-agency.com>"
    assert result.status == "waiting"
    assert status_of(db, lead_id) == "waiting"
    with db.session() as s:
        actions = list(s.execute(select(AuditEvent.action).where(
            AuditEvent.entity == "submission", AuditEvent.entity_id == lead_id)).scalars())
    assert actions == ["reply", "status"]


def test_a_second_reply_threads_under_the_first(db: Database, lead_id: int,
                                                smtp_server: ServerFactory,
                                                smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")
    account = smtp_account(server, after_send="keep")
    first = service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    second = server.received[1].message
    assert second["References"] == f"<notification-1@example-agency.com> {first.message_id}"
    assert status_of(db, lead_id) == "new"  # the account says: keep the status


def test_cc_and_edited_recipients_go_to_the_envelope(db: Database, lead_id: int,
                                                     smtp_server: ServerFactory,
                                                     smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")
    draft = draft_for(db, lead_id)
    edited = Draft(to=("Zoë Müller <zoe@example.net>",), cc=("boss@example-agency.com",),
                   subject="About the white paper", body=draft.body)
    service.send_reply(db, lead_id, edited, smtp_account(server), actor="Ada")
    (got,) = server.received
    assert got.rcpt_tos == ["zoe@example.net", "boss@example-agency.com"]
    assert got.message["Cc"] == "boss@example-agency.com"
    assert got.message["Subject"] == "About the white paper"


def assert_kept_and_not_sent(db: Database, lead_id: int, error: str) -> Reply:
    (row,) = replies(db)
    assert row.state == "failed"
    assert error in (row.error or "")
    assert row.sent_at is None
    assert row.body.startswith("Hi Zoë")  # the draft is kept
    assert status_of(db, lead_id) == "new"  # nothing marked as sent
    return row


def test_an_untrusted_certificate_is_refused(db: Database, lead_id: int,
                                             smtp_server: ServerFactory,
                                             smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("ssl")
    account = smtp_account(server, trust=False)
    with pytest.raises(smtp.SmtpError, match=r"certificate of 127\.0\.0\.1:\d+ is not trusted"):
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert server.received == []
    assert_kept_and_not_sent(db, lead_id, "not trusted")


def test_untrusted_certificate_after_starttls(db: Database, lead_id: int,
                                              smtp_server: ServerFactory,
                                              smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("starttls")
    with pytest.raises(smtp.SmtpError, match="not trusted"):
        smtp.check(smtp_account(server, trust=False).smtp,
                   smtp_support.PASSWORD)


def test_wrong_password_keeps_the_draft_and_a_retry_sends_it(
        db: Database, lead_id: int, smtp_server: ServerFactory,
        smtp_account: SmtpAccountFactory, memory_keyring: object) -> None:
    from leaddesk import secrets
    server = smtp_server("starttls")
    account = smtp_account(server, password="wrong-password")
    with pytest.raises(smtp.SmtpError, match=r"refused the login for sender@example\.com") as exc:
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert "wrong-password" not in str(exc.value)
    kept = assert_kept_and_not_sent(db, lead_id, "refused the login")
    with db.session() as s:
        again = service.unsent_draft(s, lead_id, "Ada")
    assert again is not None
    assert again.reply_id == kept.id

    secrets.set_secret(secrets.secret_ref(account.name), smtp_support.PASSWORD)
    result = service.send_reply(db, lead_id, again.draft, account, actor="Ada",
                                reply_id=again.reply_id)
    assert result.reply_id == kept.id
    assert [r.state for r in replies(db)] == ["sent"]
    assert len(server.received) == 1


def test_refused_connection_keeps_the_draft(db: Database, lead_id: int,
                                            smtp_server: ServerFactory,
                                            smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")
    account = smtp_account(server, port=free_port())  # nothing listens there
    with pytest.raises(smtp.SmtpError, match="refused the connection"):
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert_kept_and_not_sent(db, lead_id, "refused the connection")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out(db: Database, lead_id: int, silent_port: int,
                                               smtp_server: ServerFactory,
                                               smtp_account: SmtpAccountFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtp, "TIMEOUT_SECONDS", 0.5)
    account = smtp_account(smtp_server("plain"), port=silent_port)
    with pytest.raises(smtp.SmtpError, match="did not answer in time"):
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert_kept_and_not_sent(db, lead_id, "did not answer")


def test_unknown_host_is_named_as_dns(smtp_server: ServerFactory,
                                      smtp_account: SmtpAccountFactory) -> None:
    account = smtp_account(smtp_server("ssl"), host="no-such-host.invalid")
    with pytest.raises(smtp.SmtpError, match="DNS lookup failed"):
        smtp.check(account.smtp, smtp_support.PASSWORD)


@pytest.mark.parametrize("bad", [
    Draft(to=("zoe@example.net",), subject="Hello\r\nBcc: victim@example.org", body="x"),
    Draft(to=("zoe@example.net\nBcc: victim@example.org",), subject="Hello", body="x"),
    Draft(to=("zoe@example.net",), cc=("a@b.org\r",), subject="Hello", body="x"),
])
def test_a_line_break_in_a_header_is_refused_before_anything_happens(
        db: Database, lead_id: int, bad: Draft, smtp_server: ServerFactory,
        smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")
    with pytest.raises(ValidationError, match="line break"):
        service.send_reply(db, lead_id, bad, smtp_account(server), actor="Ada")
    assert server.received == []
    assert replies(db) == []


def test_every_write_of_a_send_goes_through_the_databases_writer(
        db: Database, lead_id: int, smtp_server: ServerFactory,
        smtp_account: SmtpAccountFactory) -> None:
    """The window sends on its network pool and hands each write to its database worker: here a
    one-thread executor stands for that worker, and the SMTP talk stays on the caller's thread."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    server = smtp_server("plain")
    account = smtp_account(server)
    worker = ThreadPoolExecutor(max_workers=1)
    writes: list[int] = []

    def on_worker(work):
        def run():
            writes.append(threading.get_ident())
            return work()
        return worker.submit(run).result()

    try:
        worker_thread = worker.submit(threading.get_ident).result()
        result = service.send_reply(replace(db, writer=on_worker), lead_id, draft_for(db, lead_id),
                                    account, actor="Ada")
    finally:
        worker.shutdown()
    assert len(server.received) == 1
    assert result.status == "waiting"
    # The draft, the sent mark and the status change: three transactions, all on the worker.
    assert len(writes) >= 3
    assert set(writes) == {worker_thread}
    assert replies(db)[0].state == "sent"
