"""Correcting and re-reading from the window, offscreen: the reason a message is hidden and the
one-key way back, the 'Correct details' form with Ctrl+Z, the merge offer, teaching a label from
the field grid, and the background re-read."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from leaddesk.db import Database
from leaddesk.db.models import Contact, LabelMapping, Submission
from tests.support.correction_mail import SENDER, lead
from tests.support.factories import make_contact, make_submission
from tests.ui.hostile import MARKUP, as_drawn

from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.tasks import TaskRunner


def stored(db: Database, sid: int) -> Any:
    with db.session() as s:
        return s.execute(select(Submission).where(Submission.id == sid)).scalar_one()


def open_window(qtbot: Any, db: Database) -> MainWindow:
    win = MainWindow(db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(win)
    win.show()
    return win


def select_id(window: MainWindow, sid: int) -> None:
    row = window.inbox.model.row_of(sid)
    assert row >= 0
    window.inbox.select_row(row)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every yes/no question the window asks is answered yes, and recorded."""
    asked: list[str] = []
    from leaddesk.ui.corrections import Corrections

    def ask(self: Corrections, title: str, text: str) -> bool:
        asked.append(title)
        return True

    monkeypatch.setattr(Corrections, "ask", ask)
    return asked


def test_a_spam_message_says_why_and_n_brings_it_back(qtbot: Any, window: MainWindow,
                                                      ui_db: Database) -> None:
    with ui_db.session() as s:
        sid = make_submission(s, visitor_name="Real Lead", status="spam",
                              spam_reason="spam phrase '<b>backlinks</b>'").id
    window.inbox.choose_view("spam")
    select_id(window, sid)
    bar = window.inbox.detail.verdict
    assert bar.isVisible()
    assert bar.reason.text() == "Marked spam: spam phrase '<b>backlinks</b>'"
    assert bar.reason.textFormat() == Qt.TextFormat.PlainText
    tip = window.inbox.model.index(window.inbox.model.row_of(sid), 2).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;backlinks" in tip
    assert "N brings it back" in tip
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_N)
    assert stored(ui_db, sid).status == "new"
    assert stored(ui_db, sid).verdict_by == "tester"
    window.inbox.choose_view("inbox")
    assert window.inbox.model.row_of(sid) >= 0


def test_a_message_called_not_a_submission_comes_back_with_one_click(
        window: MainWindow, ui_db: Database) -> None:
    with ui_db.session() as s:
        sid = make_submission(s, visitor_name="Hidden Lead", is_submission=False,
                              not_submission_reason="no form fields found (an ordinary e-mail)").id
    window.inbox.choose_view("all")  # the view that lists what the inbox hides
    select_id(window, sid)
    bar = window.inbox.detail.verdict
    assert bar.isVisible()
    assert "Not a form submission: no form fields found" in bar.reason.text()
    bar.restore.click()
    assert stored(ui_db, sid).is_submission


def test_correct_details_saves_marks_and_ctrl_z_undoes(qtbot: Any, window: MainWindow,
                                                       ui_db: Database) -> None:
    shown = window.inbox.detail.current
    assert shown is not None
    sid = shown.row.id
    panel = window.inbox.detail.edit
    assert not panel.form_box.isVisible()
    panel.toggle.click()
    assert panel.form_box.isVisible()
    assert panel.topic.findText("Patient engagement") >= 0  # the team's topics to pick from
    panel.inputs["name"].setText("Dr Visitor")
    panel.topic.setEditText("Rare diseases")
    panel.save_button.click()
    row = stored(ui_db, sid)
    assert (row.visitor_name, row.topic, row.topic_source) == (
        "Dr Visitor", "Rare diseases", "manual")
    assert window.inbox.detail.card.name.text() == "Dr Visitor"
    assert panel.edited.text() == "Edited by tester: name, topic"
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    row = stored(ui_db, sid)
    assert (row.visitor_name, row.topic) == ("Visitor 29", "Speakers bureaus")
    assert not row.edited_fields


def test_a_bad_email_is_refused_in_the_form(window: MainWindow, ui_db: Database) -> None:
    shown = window.inbox.detail.current
    assert shown is not None
    panel = window.inbox.detail.edit
    panel.toggle.click()
    panel.inputs["email"].setText("visitor at example")
    panel.save_button.click()
    assert panel.error.isVisible()
    assert "invalid e-mail address" in panel.error.text()
    assert stored(ui_db, shown.row.id).version == shown.row.version


def test_an_email_of_another_contact_offers_a_merge(window: MainWindow, ui_db: Database,
                                                    answers: list[str]) -> None:
    with ui_db.session() as s:
        old = make_contact(s, "typo@example.org")
        known = make_contact(s, "right@example.org")
        sid = make_submission(s, visitor_name="Merge Me", contact_id=old.id,
                              visitor_email="typo@example.org").id
        old_id, known_id = old.id, known.id
    window.inbox.reload()
    select_id(window, sid)
    panel = window.inbox.detail.edit
    panel.toggle.click()
    panel.inputs["email"].setText("right@example.org")
    panel.save_button.click()
    assert answers == ["Merge contacts?"]
    row = stored(ui_db, sid)
    assert row.contact_id == known_id
    with ui_db.session() as s:
        assert s.get(Contact, old_id) is None  # merged into the known contact


def test_teaching_a_label_rereads_stored_mail(qtbot: Any, ui_db: Database,
                                               answers: list[str]) -> None:
    with ui_db.session() as s:
        sid = make_submission(s, raw=lead(), visitor_name="Jane Roe",
                              fields={"Area of work": "Oncology"}).id
    window = open_window(qtbot, ui_db)
    select_id(window, sid)
    table = window.inbox.detail.message.fields
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    window.corrections.teach("Area of work", "topic")
    with ui_db.session() as s:
        rule = s.scalars(select(LabelMapping)).one()
        assert (rule.form, rule.field, rule.created_by) == (SENDER, "topic", "tester")
    assert answers == ["Label taught"]
    assert stored(ui_db, sid).topic == "Oncology"


def test_a_field_label_with_markup_and_ampersands_is_offered_as_typed(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A form's own label names the "is the…" menu: Qt reads a lone "&" in a menu title as a
    mnemonic ("Tom & Jerry" showed as "Tom  Jerry"); the label taught stays the label as sent."""
    with ui_db.session() as s:
        sid = make_submission(s, raw=lead(), visitor_name="Jane Roe",
                              fields={MARKUP: "Oncology"}).id
    window = open_window(qtbot, ui_db)
    select_id(window, sid)
    taught: list[tuple[str, str]] = []
    monkeypatch.setattr(window.corrections, "teach", lambda lb, k: taught.append((lb, k)))
    table = window.inbox.detail.message.fields
    (row,) = [r for r in range(table.rowCount())
              if (cell := table.item(r, 0)) is not None and cell.text() == MARKUP]
    window.corrections._fields_menu(QPoint(5, table.rowViewportPosition(row) + 2))
    menu = table.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly)[-1]
    teach = menu.actions()[0]
    assert as_drawn(teach.text()) == f"“{MARKUP}” is the…"
    assert teach.iconText() == f"“{MARKUP}” is the"  # Qt's own reading (it drops "…" too)
    submenu = teach.menu()
    assert isinstance(submenu, QMenu)
    submenu.actions()[0].trigger()
    assert taught == [(MARKUP, "name")]
    menu.close()


def test_mail_an_older_parser_read_is_reread_when_the_window_opens(qtbot: Any,
                                                                   ui_db: Database) -> None:
    with ui_db.session() as s:
        sid = make_submission(s, raw=lead(), visitor_name="Area of work",
                              parser_version=0).id
    window = open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: stored(ui_db, sid).visitor_name == "Jane Roe", timeout=5000)
    assert not window.corrections.progress.isVisible()


def test_the_windows_reread_holds_the_database_worker_one_small_batch_at_a_time(
        qtbot: Any, ui_db: Database, monkeypatch: Any) -> None:
    """The re-read shares the database worker with triage: small batches keep a key press from
    waiting behind a long one."""
    from leaddesk import reparse
    from leaddesk.reparse import runner

    with ui_db.session() as s:
        ids = [make_submission(s, raw=lead(), visitor_name="Area of work", parser_version=0).id
               for _ in range(reparse.INTERACTIVE_BATCH + 3)]
    sizes: list[int] = []
    real = runner._batch_in_transaction

    def counted(db, batch_ids, *args):
        sizes.append(len(batch_ids))
        return real(db, batch_ids, *args)

    monkeypatch.setattr(runner, "_batch_in_transaction", counted)
    monkeypatch.setattr(reparse, "INTERACTIVE_SECONDS", 1e-9)
    open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: all(stored(ui_db, sid).visitor_name == "Jane Roe" for sid in ids),
                    timeout=10_000)
    # The first batch is the most a batch holds; the rest follow its time against the budget
    # (tests/reparse), here one so small that every later batch is a single message.
    assert sizes == [reparse.INTERACTIVE_BATCH, 1, 1, 1]
    assert reparse.INTERACTIVE_BATCH < runner.BATCH


def test_the_reread_after_an_upgrade_waits_while_the_user_is_at_work(
        qtbot: Any, ui_db: Database, monkeypatch: Any) -> None:
    """Between its batches the background re-read waits until the keyboard and mouse have been
    left alone a while: at a million leads it made every action 2-6 times slower."""
    import time

    from PySide6.QtWidgets import QLineEdit

    from leaddesk.ui import activity
    from leaddesk.ui.context import AppContext
    from leaddesk.ui.reparse_controller import ReparseController
    from leaddesk.ui.settings import Settings

    monkeypatch.setattr(activity, "QUIET_SECONDS", 0.6)
    with ui_db.session() as s:
        ids = [make_submission(s, raw=lead(), visitor_name="Area of work", parser_version=0).id
               for _ in range(3)]
    controller = ReparseController(AppContext(ui_db, TaskRunner(), "tester", Settings()))
    box = QLineEdit()
    qtbot.addWidget(box)
    box.show()
    controller.activity.last = time.monotonic() + 60  # at work while the re-read starts
    started: list[bool] = []
    controller.running_changed.connect(started.append)
    assert controller.start_stale()
    qtbot.waitUntil(lambda: started == [True], timeout=5_000)  # its watch is on from here
    controller.activity.last = time.monotonic()  # from now on only the keys keep it fresh
    typing_until = time.monotonic() + 1.5
    while time.monotonic() < typing_until:  # keys every 0.2 s: the filter sees each of them
        qtbot.keyClick(box, "a")
        qtbot.wait(200)
        assert all(stored(ui_db, sid).visitor_name == "Area of work" for sid in ids)
    qtbot.waitUntil(lambda: all(stored(ui_db, sid).visitor_name == "Jane Roe" for sid in ids),
                    timeout=10_000)
    qtbot.waitUntil(lambda: not controller.running, timeout=5_000)
    before = controller.activity.last
    qtbot.keyClick(box, "b")  # done: the filter is off again
    assert controller.activity.last == before


def test_a_reread_a_person_asked_for_does_not_wait(qtbot: Any, ui_db: Database) -> None:
    import time

    from leaddesk.ui.context import AppContext
    from leaddesk.ui.reparse_controller import ReparseController
    from leaddesk.ui.settings import Settings

    with ui_db.session() as s:
        sid = make_submission(s, raw=lead(), visitor_name="Area of work", parser_version=0).id
    controller = ReparseController(AppContext(ui_db, TaskRunner(), "tester", Settings()))
    controller.activity.last = time.monotonic() + 3600  # busy for the next hour
    assert controller.start_all()
    qtbot.waitUntil(lambda: stored(ui_db, sid).visitor_name == "Jane Roe", timeout=10_000)
