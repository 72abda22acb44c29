"""A lead with a conversation, offscreen: the timeline (direction, sender, folded quotes, status
changes, plain text only), the unread dot and message count, reading it, the Needs reply view,
and a reply from the composer that answers the visitor's latest e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from leaddesk import accounts, secrets, triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, store_batch
from tests.support import smtp as smtp_support
from tests.support.conversation import answer, our_reply
from tests.support.factories import BASE_TIME, make_submission
from tests.support.smtp import ServerFactory

from leaddesk.ui.detail.timeline import MessageEntry
from leaddesk.ui.list_model import VISITOR
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.tray import answered_text

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

REPLY = "<reply-1@example-agency.com>"
ANSWER = "<answer-1@example.net>"
NOTIFICATION = "<nadia-notification-1@example.org>"


def converse(db: Database, *, owner: str | None = None, n: int = 1) -> int:
    """Nadia's lead, newest of the inbox: her submission, our reply, her answer."""
    with db.session() as s:
        lead = make_submission(s, visitor_name="Nadia Benali", visitor_email="nadia@example.net",
                               message_id=NOTIFICATION.replace("1@", f"{n}@"), status="waiting",
                               received_at=BASE_TIME + timedelta(days=3))
        our_reply(s, lead, message_id=REPLY.replace("1@", f"{n}@"),
                  when=BASE_TIME + timedelta(days=3, hours=1))
        lead_id = lead.id
        if owner:
            triage.assign(s, lead_id, owner, actor="tester")
    raw = answer(n, to_message=REPLY.replace("1@", f"{n}@"),
                 body="Yes please, <b>send it</b> to my colleague too.",
                 when=BASE_TIME + timedelta(days=3, hours=2))
    store_batch(db, [Incoming(f"k:answer:{n}", raw, parse_message(raw))], account_id=None)
    return lead_id


def open_lead(qtbot, window: MainWindow, lead_id: int) -> None:
    window.inbox.reload()
    qtbot.waitUntil(lambda: window.inbox.model.row_of(lead_id) >= 0)
    window.inbox.select_row(window.inbox.model.row_of(lead_id))
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None
                    and window.inbox.detail.current.row.id == lead_id)


def test_the_timeline_shows_the_conversation(qtbot, window: MainWindow, ui_db: Database) -> None:
    lead_id = converse(ui_db)
    open_lead(qtbot, window, lead_id)
    tabs = window.inbox.detail.message
    # It opens on its Message, which says the conversation holds more and leads there.
    assert tabs.currentWidget() is tabs.message_page
    assert tabs.more.isVisibleTo(tabs)
    assert tabs.more.text().startswith("2 more messages")
    tabs.more.click()
    assert tabs.currentWidget() is tabs.timeline
    assert tabs.tabText(tabs.currentIndex()) == "Conversation (3)"
    entries = tabs.timeline.messages()
    assert [e.heading.text().split(" · ")[0] for e in entries] == [
        "← Submission from Nadia Benali <nadia@example.net>",
        "→ Reply by Ada <team@example-agency.com> (from LeadDesk, by Ada)",
        "← Answer from Nadia Benali <nadia@example.net>"]
    last: MessageEntry = entries[-1]
    assert last.body.textFormat() == Qt.TextFormat.PlainText
    assert last.body.text() == "Yes please, <b>send it</b> to my colleague too."
    assert last.quote_toggle is not None
    assert last.quoted is not None
    assert last.quoted.isHidden()
    qtbot.mouseClick(last.quote_toggle, Qt.MouseButton.LeftButton)
    assert not last.quoted.isHidden()
    assert "> Thanks for reading!" in last.quoted.text()
    events = [e.text() for e in tabs.timeline.entries if isinstance(e, QLabel)]
    assert any("waiting → open by LeadDesk sync" in text for text in events)


def test_unread_dot_count_and_reading(qtbot, window: MainWindow, ui_db: Database) -> None:
    mine = converse(ui_db)
    theirs = converse(ui_db, owner="Ada", n=2)  # Ada's lead stays unread while I look at it
    window.inbox.reload()
    model = window.inbox.model
    qtbot.waitUntil(lambda: model.row_of(theirs) >= 0)
    index = model.index(model.row_of(theirs), VISITOR)
    assert index.data() == "Nadia Benali  (3)"
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    window.inbox.select_row(model.row_of(mine))
    qtbot.waitUntil(lambda: not unread(ui_db, mine))
    open_lead(qtbot, window, theirs)
    assert unread(ui_db, theirs)


def unread(db: Database, lead_id: int) -> bool:
    with db.session() as s:
        return bool(s.execute(select(Submission.unread).where(Submission.id == lead_id))
                    .scalar_one())


def test_the_needs_reply_view(qtbot, window: MainWindow, ui_db: Database) -> None:
    lead_id = converse(ui_db)
    window.inbox.choose_view("needs_reply")
    qtbot.waitUntil(lambda: window.inbox.model.row_of(lead_id) >= 0)
    with ui_db.session() as s:
        answered = make_submission(s, status="open")
        our_reply(s, answered, message_id="<reply-2@example-agency.com>")
    window.inbox.reload()
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() > 0)
    assert window.inbox.model.row_of(answered.id) == -1


def test_the_tray_names_who_answered() -> None:
    assert answered_text(["Nadia Benali"]) == "Nadia Benali answered"
    assert answered_text(["Nadia Benali", "Omar"]) == "Nadia Benali and Omar answered"
    assert answered_text(["A", "B", "C", "A"]) == "A and 2 others answered"


def test_the_composer_answers_the_latest_answer(qtbot, window: MainWindow, ui_db: Database,
                                                smtp_server: ServerFactory,
                                                memory_keyring) -> None:
    server = smtp_server("plain")
    with ui_db.session() as s:
        accounts.add_account(s, "replies", "smtp", {
            "host": "127.0.0.1", "port": server.port, "security": "plain",
            "user": smtp_support.USER, "from_address": "team@example-agency.com",
            "from_name": "Ada"}, actor="tester")
    secrets.set_secret(secrets.secret_ref("replies"), smtp_support.PASSWORD)
    lead_id = converse(ui_db)
    open_lead(qtbot, window, lead_id)
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_R)
    composer = window.composer
    qtbot.addWidget(composer)
    body = composer.body.toPlainText()
    assert "Nadia Benali wrote:\n> Yes please, <b>send it</b> to my colleague too.\n" in body
    assert "Hello, I would like" not in body  # not the original submission
    assert "> > Thanks for reading!" not in body  # the answer's own quote is not quoted again
    composer.body.setPlainText("Done, sent to both of you.\n\n" + body)
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(server.received) == 1)
    sent = server.received[0].message
    assert sent["In-Reply-To"] == ANSWER
    assert sent["References"] == f"{NOTIFICATION} {REPLY} {ANSWER}"
