"""Settings → Team: the Away toggle marks a member away (or back) through the core function
`leaddesk rules away|back` uses, audited as the actor, published on the bus; a refusal shows its
message under the list and puts the toggle back."""

from __future__ import annotations

from sqlalchemy import select

from PySide6.QtWidgets import QApplication

from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Tag, TeamMember
from leaddesk.rules import roundrobin

from leaddesk.ui.context import AppContext
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.settings_dialog import SettingsDialog
from leaddesk.ui.settings_team import MemberRow


def rows(dialog: SettingsDialog) -> dict[str, MemberRow]:
    found: dict[str, MemberRow] = {}
    members = dialog.members.list
    for i in range(members.count()):
        row = members.itemWidget(members.item(i))
        assert isinstance(row, MemberRow)
        found[row.member.name] = row
    return found


def away(db: Database) -> dict[str, bool]:
    with db.session() as s:
        return {m.name: m.away for m in s.scalars(select(TeamMember))}


def test_away_toggle_marks_a_member_away_and_back(qtbot, ctx: AppContext,
                                                  ui_db: Database) -> None:
    heard: list[list[Change]] = []
    ctx.bus.changes_made.connect(lambda changes, _who: heard.append(changes))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    shown = rows(dialog)
    assert set(shown) == {"Ada", "tester"}
    assert not shown["Ada"].away.isChecked()
    assert shown["Ada"].label.text() == "Ada  (0 assigned)"

    shown["Ada"].away.click()
    assert away(ui_db) == {"Ada": True, "tester": False}
    assert heard == [[Change.of(Kind.MEMBER)]]  # once: reading the team back publishes nothing
    assert rows(dialog)["Ada"].away.isChecked()  # refreshed from the database
    with ui_db.session() as s:  # round-robin skips her now
        assert roundrobin.pick(s, None, ["Ada", "tester"]) == "tester"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "member.away")).one()
    assert (event.actor, event.after) == ("tester", {"away": True})

    rows(dialog)["Ada"].away.click()
    assert away(ui_db)["Ada"] is False
    assert not rows(dialog)["Ada"].away.isChecked()
    assert dialog.members.error.text() == ""


def test_a_refused_toggle_says_why_and_shows_what_is_stored(qtbot, ctx: AppContext,
                                                            ui_db: Database) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    with ui_db.session() as s:  # removed on another desktop while this dialog was open
        s.delete(s.scalars(select(TeamMember).where(TeamMember.name == "Ada")).one())
    ada = rows(dialog)["Ada"]
    ada.away.click()
    assert "Ada" in dialog.members.error.text()
    assert set(rows(dialog)) == {"tester"}
    assert away(ui_db) == {"tester": False}


LONG_MEMBER = "Dr. <b>Maximiliana</b> " + "Alexandra-von-Hohenzollern-" * 5  # 120 characters


def test_a_120_character_name_elides_with_a_plain_tooltip_and_never_scrolls_sideways(
        qtbot, ctx: AppContext, ui_db: Database) -> None:
    assert len(LONG_MEMBER.strip()) >= 120
    with ui_db.session() as s:
        s.add(TeamMember(name=LONG_MEMBER.strip()))
        s.add(Tag(name="T" * 120, colour="#e53935"))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.resize(640, 400)
    dialog.show()
    qtbot.waitExposed(dialog)
    for tab in (dialog.members, dialog.tags):
        dialog.show_tab(tab)
        QApplication.processEvents()
        assert not tab.list.horizontalScrollBar().isVisible()
        assert tab.list.horizontalScrollBar().maximum() == 0
    row = rows(dialog)[LONG_MEMBER.strip()]
    assert row.width() <= dialog.members.list.viewport().width()
    assert row.away.geometry().right() <= row.width()  # the toggle stays in view
    assert row.label.text() == f"{LONG_MEMBER.strip()}  (0 assigned)"
    assert row.label.toolTip() == tooltip(row.label.text())  # whole, escaped: plain text
    assert "&lt;b&gt;" in row.label.toolTip()
    tag = dialog.tags.list.item(0)
    assert tag.toolTip() == tooltip(tag.text())


def test_away_on_a_member_far_down_leaves_the_list_where_it_is(
        qtbot, ctx: AppContext, ui_db: Database) -> None:
    with ui_db.session() as s:
        for n in range(40):
            s.add(TeamMember(name=f"Member {n:02d}"))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.resize(640, 400)
    dialog.show()
    dialog.show_tab(dialog.members)
    qtbot.waitExposed(dialog)
    members = dialog.members.list
    bar = members.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    where = bar.value()
    under = members.itemAt(20, members.viewport().height() // 2)
    assert under is not None
    name = under.data(256)
    rows(dialog)[name].away.click()  # the toggle under the pointer: the list refreshes
    assert away(ui_db)[name] is True
    QApplication.processEvents()
    assert bar.value() == where
    again = members.itemAt(20, members.viewport().height() // 2)
    assert again is not None
    assert again.data(256) == name  # the same member under the pointer
