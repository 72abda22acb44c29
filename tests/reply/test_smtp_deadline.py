"""An SMTP server that trickles its replies (a byte now and then, never silent long enough for
smtplib's read timeout) never hangs a send: the whole session has one deadline, past which the
socket is shut down. Cut before the message's end went over, the reply was not sent; cut after
it, it may have been delivered (never "not sent"); either way the draft is kept and sending it
again delivers it once, with the same Message-ID. Each test fails (hangs past its wait) without
the watchdog."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leaddesk import net_deadline
from leaddesk.db import Database
from leaddesk.reply import service, smtp
from tests.reply.conftest import SmtpAccountFactory
from tests.reply.test_send import assert_kept_and_not_sent, draft_for
from tests.reply.test_smtp_faults import Faulty, faulty, retry_delivers_once  # noqa: F401
from tests.support import smtp as smtp_support
from tests.support.smtp import SmtpServer
from tests.support.stalling_smtp import StallingSmtpServer
from tests.support.waiting import finishes_within

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

FLOOR = 1.0
WAIT = FLOOR + 30  # far beyond the deadline, far below what the trickle would take
SLACK = 10  # a loaded machine's thread start, SQLite writes, the login


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net_deadline, "FLOOR_SECONDS", FLOOR)


@pytest.mark.parametrize(("fault", "error"), [
    ("trickle-at-mail", "stopped answering in time (the send was not done after 1 s; it sends "
                        "its replies too slowly); nothing was sent, try again later"),
    ("trickle-after-data", "stopped answering in time (cut after 1 s) after the whole reply was "
                           "handed over and before the server confirmed it, so it may have been "
                           "delivered; it is kept as not sent"),
])
def test_a_trickled_reply_ends_the_send_in_time_and_a_retry_delivers_once(
        db: Database, lead_id: int, faulty: SmtpServer,  # noqa: F811
        smtp_account: SmtpAccountFactory, fault: str, error: str) -> None:
    handler = faulty.handler
    assert isinstance(handler, Faulty)
    handler.fault = fault
    account = smtp_account(faulty)
    finished, outcome, took = finishes_within(lambda: service.send_reply(
        db, lead_id, draft_for(db, lead_id), account, actor="Ada"), WAIT)
    assert finished, f"the send still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    assert isinstance(outcome, smtp.SmtpError)
    assert isinstance(outcome, smtp.SmtpUncertainError) == (fault == "trickle-after-data")
    assert str(outcome).startswith(f"the SMTP server {account.smtp.where} {error}")
    assert "\n" not in str(outcome)
    retry_delivers_once(db, lead_id, faulty, account, error)


def stalled(server: StallingSmtpServer, call: Callable[[], object]) -> object:
    """What ``call`` against ``server`` raised or returned, once it ended in time."""
    try:
        finished, outcome, took = finishes_within(call, WAIT)
    finally:
        server.close()
    assert finished, f"it still hung after {took:.0f} s"
    assert took < FLOOR + SLACK
    return outcome


STALLED = ("stopped answering in time (the send was not done after 1 s; it sends its replies too "
           "slowly); nothing was sent, try again later")


def test_a_trickled_greeting_ends_the_connection_test_in_time(
        faulty: SmtpServer, smtp_account: SmtpAccountFactory) -> None:  # noqa: F811
    server = StallingSmtpServer("greeting", trickle=True)
    account = smtp_account(faulty, port=server.port)
    outcome = stalled(server, lambda: smtp.check(account.smtp, smtp_support.PASSWORD))
    assert str(outcome) == f"the SMTP server {account.smtp.where} {STALLED}"


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
@pytest.mark.parametrize(("at", "security"), [
    ("greeting", "plain"), ("handshake", "ssl"), ("starttls", "starttls")])
def test_a_server_stalling_before_the_login_ends_the_send_in_time_and_nothing_is_sent(
        db: Database, lead_id: int, faulty: SmtpServer,  # noqa: F811
        smtp_account: SmtpAccountFactory, at: str, security: str, trickle: bool) -> None:
    # A TLS handshake runs inside wrap_socket, before smtplib's own socket is the TLS one.
    server = StallingSmtpServer(at, trickle=trickle)
    account = smtp_account(faulty, port=server.port, security=security)
    outcome = stalled(server, lambda: service.send_reply(
        db, lead_id, draft_for(db, lead_id), account, actor="Ada"))
    assert str(outcome) == f"the SMTP server {account.smtp.where} {STALLED}"
    assert_kept_and_not_sent(db, lead_id, "stopped answering in time")
