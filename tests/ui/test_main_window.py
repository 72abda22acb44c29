"""The triage window, driven as a user would: select, keys, search, undo, conflicts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from leaddesk import triage
from leaddesk.db import Database
from tests.ui.hostile import HOSTILE, MARKUP, SHOWN, reorders

from leaddesk.ui.main_window import MainWindow


def answer_prompt(monkeypatch, text: str) -> None:
    """The next prompt (safe_text.ask_text) is answered with ``text`` and OK."""
    from PySide6.QtWidgets import QInputDialog

    def answered(dialog: QInputDialog) -> int:
        dialog.setTextValue(text)
        return 1
    monkeypatch.setattr(QInputDialog, "exec", answered)


def visible_names(window: MainWindow) -> list[str]:
    model = window.inbox.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_opens_on_the_inbox_with_counts_and_the_newest_message(window: MainWindow) -> None:
    names = visible_names(window)
    assert len(names) == 30
    assert names[0] == "Visitor 29"
    assert "Spammer" not in names
    assert window.inbox.detail.card.name.text() == "Visitor 29"
    views = window.inbox.sidebar._view_items
    assert views["inbox"].text(1) == "30"
    assert views["spam"].text(1) == "1"
    assert window.inbox.detail.post.title.text() == "Europe's IMI Sets Pace"


def test_keyboard_moves_and_marks_done(qtbot, window: MainWindow, ui_db: Database) -> None:
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_J)
    assert window.inbox.detail.card.name.text() == "Visitor 28"
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_E)
    names = visible_names(window)
    assert "Visitor 28" not in names  # done leaves the inbox
    assert window.inbox.detail.card.name.text() == "Visitor 27"  # and the next one shows
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Visitor 28" in visible_names(window)


def test_search_is_debounced_and_filters_in_the_database(qtbot, window: MainWindow) -> None:
    window.inbox.search.setText("Visitor 07")
    qtbot.waitUntil(lambda: visible_names(window) == ["Visitor 07"], timeout=3000)


def test_topic_in_the_sidebar_becomes_a_removable_chip(window: MainWindow) -> None:
    window.inbox.toggle_topic("Patient engagement")
    assert len(visible_names(window)) == 10
    items = [window.inbox.chip_row.itemAt(i) for i in range(window.inbox.chip_row.count())]
    chips = [item.widget() for item in items if item is not None]
    assert [getattr(chip, "text", None) for chip in chips] == ["Patient engagement"]
    window.inbox.remove_chip("topic", "Patient engagement")
    assert len(visible_names(window)) == 30


def test_a_colleagues_change_becomes_a_clear_conflict(window: MainWindow, ui_db: Database) -> None:
    shown = window.inbox.detail.current
    assert shown is not None
    with ui_db.session() as s:  # a colleague, on another desktop, changes the same lead
        triage.set_status(s, shown.row.id, "waiting", actor="Ada")
    window.inbox.detail.card.status_chosen.emit("done")
    assert window.banner.isVisible()
    assert "Ada" in window.banner.label.text()
    with ui_db.session() as s:
        assert triage.set_status(s, shown.row.id, "waiting", actor="x").changed is False


def test_tags_and_owner_from_the_card(window: MainWindow) -> None:
    card = window.inbox.detail.card
    card.tag_added.emit("vip")
    card.assignee_chosen.emit("Ada")
    current = window.inbox.detail.current
    assert current is not None
    assert "vip" in current.row.tags
    assert current.row.assignee == "Ada"


def test_layout_is_remembered(qtbot, ui_db: Database) -> None:
    from PySide6.QtWidgets import QSplitter

    from leaddesk.ui.settings import COLUMN_WIDTHS, GEOMETRY, INBOX_SPLIT, LAST_PAGE
    from leaddesk.ui.tasks import TaskRunner
    first = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(first)
    first.show()
    first.inbox.split.setSizes([150, 300, 350])
    sizes = first.inbox.split.sizes()
    first.inbox.list.horizontalHeader().resizeSection(0, 222)
    first.top.pages.setCurrentIndex(2)
    first.close()
    second = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(second)
    assert second.settings.get(GEOMETRY)
    assert second.settings.get(INBOX_SPLIT) == sizes
    assert second.settings.get(COLUMN_WIDTHS)[0] == 222
    assert second.settings.get(LAST_PAGE) == 2
    assert second.pages.currentWidget() is second.insights
    assert second.inbox.column_widths()[0] == 222  # as dragged, however narrow the list is now
    assert isinstance(second.inbox.split, QSplitter)


def test_saved_views_come_back_after_a_restart(qtbot, window: MainWindow, ui_db: Database,
                                               monkeypatch) -> None:
    from leaddesk.ui.tasks import TaskRunner
    window.inbox.toggle_topic("Patient engagement")
    window.inbox.choose_view("unassigned")
    answer_prompt(monkeypatch, "PE leads")
    window.save_view()
    window.close()
    again = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(again)
    assert [v.name for v in again.inbox.saved] == ["PE leads"]
    again.inbox.choose_saved("PE leads")
    assert again.inbox.view.key == "unassigned"
    assert len(visible_names(again)) == 10


def test_export_dialog_writes_exactly_the_view(qtbot, window: MainWindow, tmp_path) -> None:
    import csv

    from leaddesk.ui.export_dialog import ExportDialog
    window.inbox.toggle_topic("Patient engagement")
    dialog = ExportDialog(window.ctx, window.inbox.current_filter(),
                          what="the messages in this view", count=10, parent=window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "pe.csv"))
    dialog.start()
    assert dialog.outcome is not None
    assert dialog.outcome.rows == 10
    with open(tmp_path / "pe.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    assert {r["topic"] for r in rows} == {"Patient engagement"}


def test_settings_manage_team_members_and_tag_colours(qtbot, window: MainWindow,
                                                      monkeypatch) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    from leaddesk.ui.settings_dialog import SettingsDialog
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    answer_prompt(monkeypatch, "Ben")
    dialog._add_member()
    names = [dialog.members.list.item(i).data(256) for i in range(dialog.members.list.count())]
    assert "Ben" in names
    dialog.tags.list.setCurrentRow(0)
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    dialog._recolour_tag()
    with window.db.session() as s:
        from leaddesk import triage
        assert [t.colour for t in triage.list_tags(s)] == ["#123456"]
    dialog.tags.list.setCurrentRow(0)
    answer_prompt(monkeypatch, "")
    dialog._rename_tag()  # an empty name changes nothing
    answer_prompt(monkeypatch, "Ben")
    dialog._add_member()  # a duplicate is refused in one clear line
    assert "Ben" in dialog.members.error.text()


def test_add_mailbox_reports_a_refused_connection_and_saves_nothing(qtbot, window: MainWindow,
                                                                    memory_keyring) -> None:
    from leaddesk import accounts
    from tests.support.postgres import free_port

    from leaddesk.ui.mailbox_dialog import MailboxDialog
    dialog = MailboxDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.host.setText("127.0.0.1")
    dialog.security.setCurrentText("plain")
    dialog.port.setValue(free_port())
    dialog.user.setText("alice")
    dialog.password.setText("pw-that-must-not-leak")
    dialog._test_and_save()
    assert "refused the connection" in dialog.status.text()
    assert "pw-that-must-not-leak" not in dialog.status.text()
    assert dialog.added is None
    with window.db.session() as s:
        assert accounts.list_accounts(s) == []
    assert memory_keyring.store == {}


def test_the_sidebar_order_holds_after_an_action(qtbot, window: MainWindow) -> None:
    from tests.ui.test_sidebar import names
    topics = window.inbox.sidebar._topics
    order = names(topics)
    assert order == ["Patient engagement", "Speakers bureaus"]  # by name, not by count
    for _ in range(4):  # the counts change with each
        window.inbox.set_status("done")
    assert names(topics) == order


def test_undo_selects_the_restored_lead(qtbot, window: MainWindow) -> None:
    inbox = window.inbox
    inbox.step_selection(3)
    gone = inbox.current_id()
    inbox.set_status("done")
    assert gone not in inbox.model.ids
    inbox.step_selection(5)  # the user moves on
    window.undo()
    assert inbox.current_id() == gone
    assert inbox.detail.current is not None
    assert inbox.detail.current.row.id == gone


def test_escape_closes_the_composer(qtbot, window: MainWindow) -> None:
    window.reply()
    composer = window.composer
    qtbot.waitExposed(composer)
    assert composer.isVisible()
    qtbot.keyClick(composer.body, Qt.Key.Key_Escape)
    assert not composer.isVisible()


def test_each_lead_opens_on_its_message(qtbot, window: MainWindow) -> None:
    tabs = window.inbox.detail.message
    tabs.setCurrentWidget(tabs.notes_page)  # the user adds a note on this one …
    window.inbox.step_selection(1)  # … and moves on
    assert tabs.currentWidget() is tabs.message_page


def test_the_shortcut_sheet_shows_keys_as_typed() -> None:
    from leaddesk.ui.shortcuts import SHORTCUTS, as_typed
    keys = {name: as_typed(key) for name, key, _ in SHORTCUTS}
    assert (keys["next"], keys["previous"], keys["done"], keys["assign_me"]) == ("j", "k", "e", "m")
    assert keys["undo"] == "Ctrl+Z"
    assert len({key for _, key, _ in SHORTCUTS}) == len(SHORTCUTS)  # no key does two things


def test_reply_and_template_from_the_header(qtbot, window: MainWindow, ui_db: Database) -> None:
    from leaddesk.reply import templates
    with ui_db.session() as s:
        templates.add_template(s, "Speakers info", "Hi {first_name},\n\nhere is our speakers "
                               "bureau brochure.", actor="tester")
    window.load_templates()
    card = window.inbox.detail.card
    assert card.template_names() == ["Speakers info"]
    card.template_menu.actions()[0].trigger()
    composer = window.composer
    assert "speakers bureau brochure" in composer.body.toPlainText()
    composer.close()
    card.reply.click()
    assert window.composer is not composer


def test_escape_leaves_the_correction_form_unsaved(qtbot, window: MainWindow) -> None:
    edit = window.inbox.detail.edit
    edit.open_editor()
    edit.inputs["name"].setText("Someone Else")
    qtbot.keyClick(edit.inputs["name"], Qt.Key.Key_Escape)
    assert edit.form_box.isHidden()
    assert window.inbox.detail.card.name.text() == "Visitor 29"


def test_the_conversation_holds_the_history_and_message_the_form(qtbot,
                                                                 window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel
    card = window.inbox.detail.card
    card.assignee_chosen.emit("Ada")
    card.tag_added.emit("vip")
    tabs = window.inbox.detail.message
    assert tabs.currentWidget() is tabs.message_page
    assert tabs.fields.rowCount() == 1  # the form's field, in the grid above the text
    lines = [e.text() for e in tabs.timeline.entries if isinstance(e, QLabel)]
    assert any(line.startswith("Owner → Ada by tester") for line in lines)
    assert any(line.startswith("Tag added: vip by tester") for line in lines)


def test_show_formatted_switches_to_the_safe_html_view(qtbot, window: MainWindow) -> None:
    import dataclasses
    pane = window.inbox.detail
    shown = pane.current
    assert shown is not None
    tabs = pane.message
    tabs.show_detail(dataclasses.replace(shown, body_html="<p>Hello <b>there</b></p>"), None)
    assert tabs.formatted.isVisibleTo(tabs)
    assert tabs.body.currentWidget() is tabs.text
    tabs.formatted.click()
    assert tabs.body.currentWidget() is tabs.html
    assert "Hello there" in tabs.html.toPlainText()
    tabs.show_detail(shown, None)  # the next lead opens on its plain text again
    assert tabs.body.currentWidget() is tabs.text
    assert not tabs.formatted.isVisibleTo(tabs)  # this one has no HTML part


def test_post_lookups_and_the_stale_reread_start_after_the_first_rows(qtbot, ui_db: Database,
                                                                      monkeypatch) -> None:
    # They wait for the first painted rows (so they do not compete with the first page), and
    # then start once, even if more pages load later.
    from leaddesk.ui.corrections import Corrections
    from leaddesk.ui.post_resolver import PostResolver
    from leaddesk.ui.tasks import TaskRunner
    started: list[tuple[str, int]] = []
    win: list[MainWindow] = []

    def record(what: str) -> object:  # a stand-in for the method, recording its call
        def run(self, *args, **kwargs) -> bool:
            started.append((what, win[0].inbox.model.rowCount() if win else -1))
            return True
        return run
    monkeypatch.setattr(PostResolver, "start", record("posts"))
    monkeypatch.setattr(Corrections, "start_stale", record("stale"))
    window = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    win.append(window)
    qtbot.addWidget(window)
    assert started == []  # nothing before the event loop has shown the first page
    window.show()
    qtbot.waitUntil(lambda: len(started) == 2, timeout=1500)  # well before the 2 s fallback
    assert sorted(what for what, _ in started) == ["posts", "stale"]
    assert all(rows > 0 for _, rows in started)
    window.inbox.model.page_loaded.emit()  # a later page: nothing starts again
    qtbot.wait(50)
    assert len(started) == 2


def test_the_status_bar_names_a_visitor_and_a_file_without_reordering_them(
        window: MainWindow) -> None:
    """Status-bar messages are drawn plain, but a U+202E in an address or a file name would still
    reverse the rest of the line."""
    from leaddesk.reply.service import SendResult
    window._reply_sent(SendResult(reply_id=1, message_id="<r@x>", recipients=(HOSTILE,),
                                  status="sent", copied_to=None, copy_error=None, refused=()))
    assert window.statusBar().currentMessage() == f"Reply sent to {SHOWN}"
    assert not reorders(window.statusBar().currentMessage())
    window.insights._exported(3, f"/home/me/{MARKUP}\u202evsc.exe")
    assert window.statusBar().currentMessage() == f"Exported 3 rows to /home/me/{MARKUP}vsc.exe"
