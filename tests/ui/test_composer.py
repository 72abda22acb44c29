"""The reply window, driven as a user would: r opens it on the lead, a template fills it in,
Send delivers to a real aiosmtpd server; a failure keeps the window, the error and the draft."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt

from leaddesk import accounts, detail, secrets
from leaddesk.db import Database
from leaddesk.reply import templates
from tests.support import smtp as smtp_support
from tests.support.factories import BASE_TIME, make_submission
from tests.support.postgres import free_port
from tests.support.smtp import Handler, ServerFactory, SmtpServer
from tests.ui.hostile import HOSTILE, LONG_WORD, SHOWN, on_a_laptop, reorders
from tests.ui.test_main_window_layout import open_window

from leaddesk.ui.composer import Composer
from leaddesk.ui.main_window import MainWindow

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def set_up(db: Database, server: SmtpServer | None, *, port: int | None = None) -> None:
    with db.session() as s:
        templates.add_template(s, "white paper", "Hi {first_name},\n\nthanks for reading "
                                                 "“{post_title}”.\n\n{my_name}", actor="tester")
        if server is not None:
            accounts.add_account(s, "replies", "smtp", {
                "host": "127.0.0.1", "port": port or server.port, "security": "plain",
                "user": smtp_support.USER, "from_address": "team@example-agency.com",
                "from_name": "Ada"}, actor="tester")
    if server is not None:
        secrets.set_secret(secrets.secret_ref("replies"), smtp_support.PASSWORD)


def open_composer(qtbot, window: MainWindow) -> Composer:
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_R)
    composer: Composer = window.composer
    qtbot.addWidget(composer)
    assert composer.isVisible()
    return composer


def test_r_opens_the_composer_and_send_delivers(qtbot, window: MainWindow, ui_db: Database,
                                                smtp_server: ServerFactory,
                                                memory_keyring) -> None:
    server = smtp_server("plain")
    set_up(ui_db, server)
    composer = open_composer(qtbot, window)
    shown = window.inbox.detail.current
    assert shown is not None
    assert composer.to.text() == shown.row.email
    # The visitor's own words (here the topic), never the notification's "New message from …".
    assert composer.subject.text() == f"Re: {shown.row.topic}"
    assert composer.body.toPlainText().startswith("\n\nOn ")
    composer.apply_template("white paper")
    assert composer.body.toPlainText().startswith(
        "Hi Visitor,\n\nthanks for reading “Europe's IMI Sets Pace”.\n\nAda\n\nOn ")
    composer.cc.setText("boss@example-agency.com")
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)

    assert not composer.isVisible()
    (got,) = server.received
    assert got.rcpt_tos == [shown.row.email, "boss@example-agency.com"]
    assert got.message["In-Reply-To"] == shown.row.message_id
    assert got.message.get_content().startswith("Hi Visitor,")
    assert "Reply sent to" in window.statusBar().currentMessage()
    with ui_db.session() as s:  # waiting: it left the inbox view
        now = detail.load(s, shown.row.id)
    assert now.row.status == "waiting"
    assert now.replies[0].state == "sent"
    window.inbox.detail.show_detail(now, None)
    tabs = window.inbox.detail.message
    (sent,) = tabs.timeline.messages()[1:]  # the reply joins the conversation
    assert sent.body.text().startswith("Hi Visitor,")
    assert tabs.tabText(tabs.indexOf(tabs.timeline)) == "Conversation (2)"


def test_a_failed_send_keeps_the_window_the_error_and_the_draft(
        qtbot, window: MainWindow, ui_db: Database, smtp_server: ServerFactory,
        memory_keyring) -> None:
    set_up(ui_db, smtp_server("plain"), port=free_port())
    composer = open_composer(qtbot, window)
    composer.body.setPlainText("My careful answer")
    composer.send()
    assert composer.isVisible()
    assert "refused the connection" in composer.error.text()
    assert composer.send_button.isEnabled()
    composer.close()
    again = open_composer(qtbot, window)
    assert again.body.toPlainText() == "My careful answer"
    assert "The last attempt failed" in again.error.text()
    current = window.inbox.detail.current
    assert current is not None
    assert current.row.status == "new"


def test_without_an_smtp_account_the_draft_can_still_be_kept(qtbot, window: MainWindow,
                                                             ui_db: Database) -> None:
    set_up(ui_db, None)
    composer = open_composer(qtbot, window)
    assert not composer.send_button.isEnabled()
    assert "Settings → Accounts" in composer.error.text()
    composer.body.setPlainText("Draft for later")
    composer.body.document().setModified(True)
    composer.close()  # an edited draft is kept on close
    again = open_composer(qtbot, window)
    assert again.body.toPlainText() == "Draft for later"


def test_the_composer_refuses_a_unicode_line_break_in_the_subject(
        qtbot, window: MainWindow, ui_db: Database, smtp_server: ServerFactory,
        memory_keyring) -> None:
    server = smtp_server("plain")
    set_up(ui_db, server)
    composer = open_composer(qtbot, window)
    composer.subject.setText("Re: paper\u2028Bcc: victim@example.org")
    composer.send()
    qtbot.waitUntil(lambda: "line break" in composer.error.text(), timeout=10_000)
    assert composer.isVisible()
    assert server.received == []


QUOTED = "<b>Refused</b><img src=x> Tom & Jerry"


class QuotingHandler(Handler):
    """A server that refuses the message, quoting the visitor's words back (as some filters do)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return f"554 5.7.1 {QUOTED} {LONG_WORD}"  # the core keeps the first 200 characters


def test_a_visitors_name_and_a_servers_error_quoting_it_show_as_typed_and_fit(
        qtbot, ui_db: Database, cert_dir: Path, memory_keyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    with ui_db.session() as s:
        make_submission(s, visitor_name=HOSTILE, received_at=BASE_TIME + timedelta(days=9))
    with SmtpServer("plain", cert_dir, QuotingHandler()) as server:
        set_up(ui_db, server)
        window = open_window(qtbot, ui_db)
        composer = open_composer(qtbot, window)
        assert composer.windowTitle() == f"Reply to {SHOWN}"  # a title is plain, but reorders
        composer.body.setPlainText("Thanks!")
        composer.send()
        qtbot.waitUntil(lambda: "Refused" in composer.error.text(), timeout=10_000)
    error = composer.error
    assert error.textFormat() == Qt.TextFormat.PlainText
    assert QUOTED in error.text()
    assert not reorders(error.text())
    assert composer.isVisible()
    assert composer.width() <= screen.width()  # the 5,000-letter word is cut, not the window widened
    assert composer.minimumSizeHint().width() <= screen.width()
