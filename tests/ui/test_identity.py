"""Views follow who I am at once: Settings → "I am" changes Mine, the sidebar's sections, note
authors, audit events, "Assign to me" and the reply's identity without a restart."""

from __future__ import annotations

from sqlalchemy import select

from leaddesk import detail, triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent

from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings_dialog import SettingsDialog


def become(qtbot, window: MainWindow, name: str) -> None:
    """What a user does: Settings → General → I am, then OK."""
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.me.setText(name)
    dialog.accept()


def section_names(window: MainWindow) -> dict[str, list[str]]:
    sidebar = window.inbox.sidebar
    sections: dict[str, list[str]] = {}
    for i in range(sidebar.topLevelItemCount()):
        top = sidebar.topLevelItem(i)
        assert top is not None
        if not top.isHidden():
            sections[top.text(0)] = [e.text(0) for e in (top.child(n) for n in
                                                         range(top.childCount())) if e]
    return sections


def test_mine_follows_i_am_without_a_restart(qtbot, window: MainWindow, ui_db: Database) -> None:
    ids = window.inbox.model.ids
    with ui_db.session() as s:
        for sid in ids[:3]:
            triage.assign(s, sid, "Ada", actor="Ada")
    window.inbox.choose_view("mine")
    assert window.inbox.model.rowCount() == 0  # tester owns nothing
    become(qtbot, window, "Ada")
    assert window.ctx.actor == "Ada"
    assert window.inbox.view.key == "mine"
    assert window.inbox.model.rowCount() == 3
    assert window.inbox.sidebar._view_items["mine"].text(1) == "3"
    sections = section_names(window)
    assert sections["TOPICS"]
    assert sections["TAGS"] == ["hot lead"]


def test_notes_events_and_assign_to_me_follow_i_am(qtbot, window: MainWindow,
                                                   ui_db: Database) -> None:
    become(qtbot, window, "Ada")
    shown = window.inbox.detail.current
    assert shown is not None
    card = window.inbox.detail.card
    assert card.me == "Ada"
    window.inbox.detail.message.note_input.setText("called back")
    window.inbox.detail.message.note_input.returnPressed.emit()
    qtbot.keyClick(window.inbox.list, "m")  # assign to me
    with ui_db.session() as s:
        now = detail.load(s, shown.row.id)
        actors = set(s.scalars(select(AuditEvent.actor).where(
            AuditEvent.entity == "submission", AuditEvent.entity_id == shown.row.id)))
    assert [n.author for n in now.notes] == ["Ada"]
    assert now.row.assignee == "Ada"
    assert actors == {"Ada"}
    assert not card.assign_me.isVisibleTo(card)  # it is mine now: nothing to offer


def test_the_reply_is_written_as_who_i_am_now(qtbot, window: MainWindow) -> None:
    become(qtbot, window, "Ada")
    window.reply()
    assert window.composer.actor == "Ada"
    assert window.composer.reply_as.text() == "Ada"
    window.composer.close()


def test_i_am_offers_the_team_members(qtbot, window: MainWindow) -> None:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert [dialog.me_choice.itemText(i) for i in range(dialog.me_choice.count())] == [
        "Ada", "tester"]
    assert dialog.me.text() == ""  # not chosen yet: the login name
    dialog.me_choice.setCurrentIndex(0)
    dialog.accept()
    assert window.ctx.actor == "Ada"
