"""Acknowledgements on a real aiosmtpd server: off by default, once per contact per day, threaded,
never to spam or to mail that is not a form submission."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import Reply, RuleAcknowledgement
from leaddesk.reply import templates
from leaddesk.rules import acknowledge, catalog
from tests.reply.conftest import SmtpAccountFactory
from tests.reply.conftest import smtp_account as smtp_account  # the fixture, shared
from tests.rules.conftest import Importer, add_rule, audit_of, lead, mid
from tests.support.mail import notification
from tests.support.smtp import ServerFactory, SmtpServer

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def server(db: Database, smtp_server: ServerFactory, smtp_account: SmtpAccountFactory
           ) -> SmtpServer:
    started = smtp_server("plain")
    smtp_account(started)
    with db.session() as s:
        templates.add_template(s, "thanks", "Hi {first_name},\n\nthanks, we will answer soon.\n",
                               "Thanks for your message", actor="Ada")
    return started


def switch_on(db: Database) -> None:
    with db.session() as s:
        catalog.set_option(s, catalog.ACKNOWLEDGEMENTS, "on", actor="Ada")


def acks(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(c, st) for c, st in s.execute(
            select(RuleAcknowledgement.contact, RuleAcknowledgement.state)
            .order_by(RuleAcknowledgement.id))]


def test_off_by_default(db: Database, server: SmtpServer, imported: Importer) -> None:
    add_rule(db, "ack", [], ["acknowledge=thanks"])
    imported(notification(1))
    assert server.received == []
    assert acks(db) == []


def test_sent_once_per_contact_per_day_and_threaded(db: Database, server: SmtpServer,
                                                    imported: Importer) -> None:
    add_rule(db, "ack", [], ["acknowledge=thanks"])
    switch_on(db)
    imported(notification(1, name="Zoë Müller", email="Zoe@Example.net"))
    (got,) = server.received
    assert got.rcpt_tos == ["zoe@example.net"]
    msg = got.message
    assert msg["Subject"] == "Thanks for your message"
    assert msg["In-Reply-To"] == mid(1)
    assert msg["References"] == mid(1)
    assert msg.get_content().replace("\r\n", "\n").startswith("Hi Zoë,\n\nthanks, we will")

    first = lead(db, mid(1))
    assert first.status == "new"  # an acknowledgement is not an answer
    assert ("rule: ack", "reply") in audit_of(db, first.id)
    with db.session() as s:
        (reply,) = s.execute(select(Reply)).scalars()
        assert (reply.author, reply.state, reply.in_reply_to) == ("rule: ack", "sent", mid(1))

    # The same visitor writes again the same day (another address case, another import): no
    # second acknowledgement; someone else gets theirs.
    imported(notification(2, email="zoe@example.NET"), notification(3))
    assert [r.rcpt_tos for r in server.received] == [["zoe@example.net"],
                                                     ["visitor3@example.net"]]
    assert acks(db) == [("zoe@example.net", "sent"), ("visitor3@example.net", "sent")]


def test_never_to_spam_even_when_a_rule_below_marks_it(db: Database, server: SmtpServer,
                                                       imported: Importer) -> None:
    add_rule(db, "ack", [], ["acknowledge=thanks"])
    add_rule(db, "tokens", ["words=tokens"], ["spam"])
    switch_on(db)
    imported(notification(1, message="We sell tokens for your launch"),
             notification(2, message="Buy bitcoin now, cheap viagra"))
    assert lead(db, mid(1)).status == "spam"
    assert lead(db, mid(2)).status == "spam"  # the parser's verdict
    assert server.received == []
    assert acks(db) == []


def test_a_lead_marked_spam_before_sending_is_skipped(db: Database, server: SmtpServer,
                                                      imported: Importer) -> None:
    imported(notification(1))
    row = lead(db, mid(1))
    with db.session() as s:  # queued, then a person marks the lead spam before it goes out
        s.add(RuleAcknowledgement(contact="visitor1@example.net", day="2026-03-02",
                                  submission_id=row.id, rule="ack", template="thanks"))
        triage.set_status(s, row.id, "spam", actor="Ada")
    switch_on(db)
    assert acknowledge.send_pending(db).skipped == 1
    assert server.received == []
    assert acks(db) == [("visitor1@example.net", "skipped")]


def test_old_mail_from_an_import_is_never_acknowledged(db: Database, server: SmtpServer,
                                                       imported: Importer, tmp_path: object
                                                       ) -> None:
    import os
    add_rule(db, "ack", [], ["acknowledge=thanks"])
    switch_on(db)
    result = imported(notification(1))
    assert len(server.received) == 1  # a fresh file: acknowledged
    folder = tmp_path / "old"  # type: ignore[operator]
    folder.mkdir()
    old = folder / "old.eml"
    old.write_bytes(notification(5))
    os.utime(old, (1_700_000_000, 1_700_000_000))  # November 2023
    from leaddesk.ingest.files import import_paths
    assert import_paths(db, [folder]).added == 1
    assert len(server.received) == 1
    assert result.added == 1
