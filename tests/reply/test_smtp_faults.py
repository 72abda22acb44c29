"""SMTP faults as a user meets them, against a real aiosmtpd server on loopback: a recipient
refused or greylisted, the connection dropped before DATA, or after the whole message went over
but before the server confirmed it (delivery unknown: said so, and the retry keeps the
Message-ID), a temporary refusal, a password beyond ASCII or stored with a line break, a plain
connection to the TLS port, STARTTLS not on offer. Each is one line saying what happened and
what to do; the draft is kept, and sending it again once the server is well delivers it exactly
once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.reply import service, smtp
from tests.reply.conftest import ServerFactory, SmtpAccountFactory
from tests.reply.test_send import assert_kept_and_not_sent, draft_for, replies
from tests.support import smtp as smtp_support
from tests.support.smtp import Handler, SmtpServer

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


TRICKLE_SECONDS = 0.2
TRICKLE_FOR = 120.0  # a server left trickling (a client without its deadline) gives up


@dataclass
class Faulty(Handler):
    """A recording server with one fault until ``fault`` is set to None. ``trickle-at-mail`` and
    ``trickle-after-data`` answer MAIL FROM or the end of DATA one byte every TRICKLE_SECONDS,
    never finishing the line (tests/reply/test_smtp_deadline.py)."""

    fault: str | None = None

    async def _trickle(self, server: Any) -> None:
        # A reply cut mid-code: smtplib reads it as code -1, a "refusal" the client must not
        # take for the server's own answer (it would say "not sent" after DATA).
        server.transport.write(b"25")
        for _ in range(int(TRICKLE_FOR / TRICKLE_SECONDS)):
            if server.transport.is_closing():
                return
            await asyncio.sleep(TRICKLE_SECONDS)
            server.transport.write(b".")

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.fault == "refuse-recipient":
            return "550 5.1.1 <" + address + ">: mailbox unavailable"
        if self.fault == "greylist":
            return "450 4.2.0 <" + address + ">: Greylisted, try again in 5 minutes"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.fault == "drop-before-data":
            server.transport.abort()  # before any of the message was handed over
        if self.fault == "trickle-at-mail":
            await self._trickle(server)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fault == "trickle-after-data":
            await self._trickle(server)  # the whole message was read; the answer creeps
        if self.fault == "drop-in-data":
            server.transport.abort()  # the message's end was read, the answer never comes
            return "250 OK"
        if self.fault == "temporary":
            return "452 4.3.1 Insufficient system storage"
        if self.fault == "several-lines":
            return ("554-5.7.1 Message refused as spam\r\n554-5.7.1 \x1b[2J see "
                    "https://help.example/spam\r\n554 5.7.1 ask your administrator")
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def faulty(cert_dir: Path) -> Iterator[SmtpServer]:
    with SmtpServer("plain", cert_dir, Faulty()) as server:
        yield server


@pytest.mark.parametrize(("fault", "error"), [
    ("refuse-recipient", "refused the recipient zoe@example.net; check the address (550 5.1.1 "
                         "<zoe@example.net>: mailbox unavailable)"),
    ("greylist", "turned the recipient zoe@example.net away for now (450 4.2.0 "
                 "<zoe@example.net>: Greylisted, try again in 5 minutes); nothing was sent, try "
                 "again later"),
    ("drop-before-data", "closed the connection; nothing was sent"),
    ("drop-in-data", "broke after the whole reply was handed over and before the server "
                     "confirmed it, so it may have been delivered; it is kept as not sent"),
    ("temporary", "452 4.3.1 Insufficient system storage; nothing was sent, try again later"),
    ("several-lines", "554 5.7.1 Message refused as spam 5.7.1 [2J see https://help.example/spam "
                      "5.7.1 ask your administrator; nothing was sent, check the message"),
])
def test_a_failed_delivery_keeps_the_draft_and_a_retry_sends_it_once(
        db: Database, lead_id: int, faulty: SmtpServer, smtp_account: SmtpAccountFactory,
        fault: str, error: str) -> None:
    handler = faulty.handler
    assert isinstance(handler, Faulty)
    handler.fault = fault
    account = smtp_account(faulty)
    with pytest.raises(smtp.SmtpError) as caught:
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert error in str(caught.value)
    assert "\n" not in str(caught.value)
    assert smtp_support.PASSWORD not in str(caught.value)
    retry_delivers_once(db, lead_id, faulty, account, error)


def retry_delivers_once(db: Database, lead_id: int, server: SmtpServer, account: AccountInfo,
                        error: str) -> None:
    """After a failed send (``error`` kept on the draft, nothing received), the fault gone,
    sending the draft again delivers it exactly once."""
    row = assert_kept_and_not_sent(db, lead_id, error)
    assert server.received == []
    handler = server.handler
    assert isinstance(handler, Faulty)
    handler.fault = None
    service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada",
                       reply_id=row.id)
    assert [r.state for r in replies(db)] == ["sent"]
    assert len(server.received) == 1
    # The attempt that may have arrived and the retry are one message to the recipient.
    assert server.received[0].message["Message-ID"] == row.message_id


def test_a_password_beyond_ascii_logs_in_and_a_wrong_one_is_refused(
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("starttls")
    account = smtp_account(server, user=smtp_support.WIDE_USER,
                           password=smtp_support.WIDE_PASSWORD)
    smtp.check(account.smtp, smtp_support.WIDE_PASSWORD)
    assert server.logins == [smtp_support.WIDE_USER]
    with pytest.raises(smtp.SmtpError, match=r"refused the login for zoe@example\.com: wrong user "
                                             "name or password"):
        smtp.check(account.smtp, "wröng-pässword")


def test_a_password_stored_with_a_line_break_logs_in_without_it_and_one_inside_is_never_sent(
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory) -> None:
    """A tool that kept the Enter after the password: it logs in. A line break or NUL inside:
    one line, and the server never sees a login (smtplib would send it, and the refusal would
    read as a wrong password)."""
    server = smtp_server("starttls")
    account = smtp_account(server, user=smtp_support.WIDE_USER,
                           password=smtp_support.WIDE_PASSWORD)
    smtp.check(account.smtp, smtp_support.WIDE_PASSWORD + "\r\n")
    assert server.logins == [smtp_support.WIDE_USER]
    for broken in ("pass\nword", "pass\rword", "pass\0word"):
        with pytest.raises(smtp.SmtpError, match="holds a line break or a NUL") as caught:
            smtp.check(account.smtp, broken)
        assert broken not in str(caught.value)
    assert server.logins == [smtp_support.WIDE_USER]  # no second login was tried


@pytest.mark.parametrize("security", ["plain", "starttls"])
def test_no_tls_on_the_tls_port_names_the_security(
        smtp_server: ServerFactory, smtp_account: SmtpAccountFactory,
        monkeypatch: pytest.MonkeyPatch, security: str) -> None:
    # The TLS port waits for a handshake, the client for a greeting: only the timeout ends it.
    monkeypatch.setattr(smtp, "TIMEOUT_SECONDS", 0.5)
    account = smtp_account(smtp_server("ssl"), security=security)
    with pytest.raises(smtp.SmtpError) as caught:
        smtp.check(account.smtp, smtp_support.PASSWORD)
    assert str(caught.value) == (
        f"the SMTP server {account.smtp.where} did not answer in time before the login: check "
        f"the port and --security (ssl for port 465, starttls for 587); nothing was sent")


def test_starttls_asked_of_a_server_that_does_not_offer_it_names_the_security(
        db: Database, lead_id: int, smtp_server: ServerFactory,
        smtp_account: SmtpAccountFactory) -> None:
    server = smtp_server("plain")  # it offers no STARTTLS
    account = smtp_account(server, security="starttls")
    with pytest.raises(smtp.SmtpError) as caught:
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert str(caught.value) == (
        f"the SMTP server {account.smtp.where} does not offer what is needed (STARTTLS extension "
        f"not supported by server.); check --security")
    assert_kept_and_not_sent(db, lead_id, "STARTTLS extension not supported")
    assert server.received == []
