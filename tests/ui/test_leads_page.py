"""The Leads page owns its bar: no Inbox chips or search there, and its Export writes the
contacts of its own filter, never the Inbox's rows; a cell cut short shows whole in its tooltip."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QPushButton

from leaddesk.changes import CREATED, Change, Kind
from leaddesk.db import Database
from leaddesk.db.models import Submission
from tests.support.factories import BASE_TIME, make_member, make_post, make_submission
from tests.ui.hostile import HOSTILE, SHOWN, drawn_in
from tests.ui.test_main_window_layout import open_window

from leaddesk.ui.bus import ELSEWHERE
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.safe_text import tooltip


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_leads_and_insights_show_no_inbox_filters(qtbot, window: MainWindow) -> None:
    window.inbox.toggle_topic("Patient engagement")  # an Inbox chip exists now
    for index, page in ((1, window.leads), (2, window.insights)):
        window.top.pages.setCurrentIndex(index)
        assert window.pages.currentWidget() is page
        assert not window.inbox.bar.isVisible()
        assert not window.inbox.search.isVisible()
        assert not any(chip.isVisible() for chip in window.inbox.bar.findChildren(QPushButton))
        assert not window.inbox.bar.isAncestorOf(page)
        # What the page shows of its own: its bar, with its own Export.
        assert page.bar.isVisible()
        assert page.export.isVisible()
        assert page.export is not window.inbox.export
    assert window.leads.search.placeholderText() == "Filter contacts…"
    assert window.insights.bar.findChildren(QLineEdit) == []


def test_export_from_leads_writes_its_contacts_not_the_inbox_rows(qtbot, window: MainWindow,
                                                                  ui_db: Database,
                                                                  tmp_path: Path) -> None:
    with ui_db.session() as s:  # five leads are done: gone from the Inbox, still leads
        for sub in s.query(Submission).filter(Submission.visitor_name.in_(
                [f"Visitor {n:02d}" for n in (1, 2, 4, 7, 8)])):
            sub.status = "done"
    window.inbox.reload()
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    leads.period.setCurrentIndex(leads.period.findData(0))  # all time: the fixture is March's
    leads.status.setCurrentIndex(leads.status.findData("done"))
    qtbot.waitUntil(lambda: leads.model.rowCount() == 5, timeout=3000)
    assert leads.export.text() == "Export 5 contacts…"
    dialog = leads.export_dialog()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "leads.csv"))
    dialog.start()
    assert dialog.outcome is not None
    assert dialog.outcome.rows == 5
    rows = read_csv(tmp_path / "leads.csv")
    inbox_names = {window.inbox.model.index(r, 0).data() for r in
                   range(window.inbox.model.rowCount())}
    written = {r["name"] for r in rows}
    assert written == {f"Visitor {n:02d}" for n in (1, 2, 4, 7, 8)}
    assert not written & inbox_names  # not one Inbox row


def test_the_inbox_export_says_what_it_writes(qtbot, window: MainWindow) -> None:
    inbox = window.inbox
    assert inbox.export.text() == "Export 30 leads in this view…"
    inbox.toggle_topic("Patient engagement")
    assert inbox.export.text() == "Export 10 leads in this view…"
    from PySide6.QtCore import QItemSelectionModel
    selection = inbox.list.selectionModel()
    for row in (0, 1, 2):
        selection.select(inbox.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    assert inbox.export.text() == "Export 3 selected leads…"
    dialog = inbox.export_dialog()
    qtbot.addWidget(dialog)
    assert len(dialog.flt.ids) == 3


def test_a_cell_cut_short_shows_whole_and_plain_in_its_tooltip(qtbot, window: MainWindow,
                                                               ui_db: Database) -> None:
    name, company = "<b>Zed</b> " + "Hohenzollern-" * 15, "<i>Evil</i> Corp " * 12
    with ui_db.session() as s:
        make_submission(s, visitor_name=name, visitor_email="zed@example.org",
                        visitor_company=company, received_at=BASE_TIME + timedelta(days=9))
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    leads.period.setCurrentIndex(leads.period.findData(0))  # all time: the fixture is March's
    qtbot.waitUntil(lambda: any(leads.model.index(r, 0).data() == name.strip()
                                for r in range(leads.model.rowCount())), timeout=3000)
    row = next(r for r in range(leads.model.rowCount())
               if leads.model.index(r, 0).data() == name.strip())
    tip = Qt.ItemDataRole.ToolTipRole
    assert leads.model.index(row, 0).data(tip) == tooltip(f"{name.strip()}\nzed@example.org")
    assert leads.model.index(row, 1).data(tip) == tooltip(company)
    assert leads.model.index(row, 7).data(tip) is None  # a number is never cut short


def test_the_table_holds_still_when_new_leads_arrive(qtbot, window: MainWindow,
                                                     ui_db: Database) -> None:
    window.resize(1280, 500)  # a short window: the table scrolls
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    leads.period.setCurrentIndex(leads.period.findData(0))  # all time: the fixture is March's
    qtbot.waitUntil(lambda: leads.model.rowCount() == 30, timeout=3000)
    table = leads.table
    table.scrollTo(leads.model.index(20, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    table.selectRow(22)
    top_name = leads.model.index(table.rowAt(0), 0).data()
    chosen = leads.model.index(22, 0).data()
    assert table.rowAt(0) > 0
    with ui_db.session() as s:  # two new leads, the newest first: rows move down by two
        ids = [make_submission(s, visitor_name=f"Newcomer {n}", visitor_email=f"new{n}@example.org",
                               received_at=BASE_TIME + timedelta(days=20, hours=n)).id
               for n in range(2)]
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, ids, [CREATED])], ELSEWHERE)
    qtbot.waitUntil(lambda: leads.model.rowCount() == 32, timeout=3000)
    assert leads.model.index(table.rowAt(0), 0).data() == top_name  # the same lead at the top
    current = table.selectionModel().selectedRows()
    assert [i.data() for i in current] == [chosen]  # and the same one chosen
    table.scrollToTop()  # even at the very top, the rows under the pointer stay put
    newest = leads.model.index(0, 0).data()
    with ui_db.session() as s:
        sid = make_submission(s, visitor_name="Latest", visitor_email="latest@example.org",
                              received_at=BASE_TIME + timedelta(days=30)).id
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [sid], [CREATED])], ELSEWHERE)
    qtbot.waitUntil(lambda: leads.model.rowCount() == 33, timeout=3000)
    assert leads.model.index(table.rowAt(0), 0).data() == newest
    assert leads.model.index(0, 0).data() == "Latest"  # one scroll up
    assert [i.data() for i in table.selectionModel().selectedRows()] == [chosen]


def test_on_a_very_narrow_window_the_contact_keeps_its_room(qtbot, window: MainWindow) -> None:
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    header = leads.table.horizontalHeader()
    leads.columns.view.resize(320, 300)  # what a 640 px wide screen leaves the table
    leads.columns.fit()
    assert header.sectionSize(0) >= leads.columns.minimums[0] * 0.8  # a name, not "Dr…"
    assert sum(header.sectionSize(c) for c in range(header.count())
               if not header.isSectionHidden(c)) <= leads.table.viewport().width()
    assert not header.isSectionHidden(6)  # when they last wrote stays


def test_a_strangers_name_company_topic_owner_and_post_reorder_no_cell_or_choice(
        qtbot, ui_db: Database) -> None:
    with ui_db.session() as s:
        owner = make_member(s, HOSTILE)
        post = make_post(s, "https://example.org/blog/hostile/", HOSTILE)
        make_submission(s, visitor_name=HOSTILE, visitor_company=HOSTILE, topic=HOSTILE,
                        assignee_id=owner.id, post_id=post.id,
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    leads.period.setCurrentIndex(leads.period.findData(0))
    qtbot.waitUntil(lambda: any(leads.model.index(r, 0).data() == HOSTILE
                                for r in range(leads.model.rowCount())), timeout=3000)
    row = next(r for r in range(leads.model.rowCount())
               if leads.model.index(r, 0).data() == HOSTILE)
    for column in range(6):  # contact, company, first post, topic, status, owner
        if column != 4:
            assert drawn_in(leads.table, leads.model.index(row, column)) == SHOWN, column
    qtbot.waitUntil(lambda: leads.owner.count() > 1)
    assert f"Owner: {SHOWN}" in [leads.owner.itemText(i) for i in range(leads.owner.count())]
    assert f"Topic: {SHOWN}" in [leads.topic.itemText(i) for i in range(leads.topic.count())]
    assert leads.topic.itemData(leads.topic.findText(f"Topic: {SHOWN}")) == HOSTILE
    posts = leads.posts
    (cell,) = [c for r in range(posts.rowCount())
               if (c := posts.item(r, 0)) is not None and "Jerry" in c.text()]
    assert drawn_in(posts, posts.indexFromItem(cell)) == SHOWN
