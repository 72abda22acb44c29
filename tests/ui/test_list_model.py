"""The lazy message-list model: ids up front, rows fetched a page at a time."""

from __future__ import annotations

from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Filter
from tests.ui.conftest import inline_context

from leaddesk.ui import list_model
from leaddesk.ui.context import AppContext
from leaddesk.ui.list_model import ROW_ROLE, SubmissionListModel
from leaddesk.ui.settings import Settings
from leaddesk.ui.tasks import TaskRunner


class CountingRunner(TaskRunner):
    def __init__(self) -> None:
        super().__init__(inline=True)
        self.loads = 0

    def db(self, function, on_done=None, on_error=None):
        self.loads += 1
        super().db(function, on_done, on_error)


def test_rows_load_lazily_a_page_at_a_time(qtmodeltester, ui_db: Database,
                                           monkeypatch) -> None:
    monkeypatch.setattr(list_model, "PAGE_SIZE", 10)
    runner = CountingRunner()
    model = SubmissionListModel(AppContext(ui_db, runner, "tester", Settings()))
    with ui_db.session() as s:
        ids = query.ids(s, Filter())
    model.set_ids(ids)
    assert model.rowCount() == 30
    assert runner.loads == 0  # nothing fetched until the view asks
    row = model.index(0, 0).data(ROW_ROLE)
    assert runner.loads == 1
    assert row is not None
    assert row.name == "Visitor 29"
    model.index(5, 0).data(ROW_ROLE)
    assert runner.loads == 1  # same page, from the cache
    model.index(25, 0).data(ROW_ROLE)
    assert runner.loads == 2
    qtmodeltester.check(model)


def test_new_submissions_are_bold_and_stale_pages_are_dropped(ui_db: Database) -> None:
    model = SubmissionListModel(inline_context(ui_db))
    with ui_db.session() as s:
        ids = query.ids(s, Filter())
    model.set_ids(ids)
    font = model.index(0, 0).data(0x0006 - 0x0006 + 6)  # Qt.FontRole
    assert font is not None
    assert font.bold()
    model._loaded(model._generation - 1, 0, [ids[0]], [])  # a page answering an older list
    assert model.index(0, 0).data(ROW_ROLE) is not None


def test_row_of_is_a_lookup_and_a_new_id_list_keeps_the_cached_rows(ui_db: Database) -> None:
    runner = CountingRunner()
    model = SubmissionListModel(AppContext(ui_db, runner, "tester", Settings()))
    with ui_db.session() as s:
        ids = query.ids(s, Filter())
    model.set_ids(ids)
    assert model.index(0, 0).data(ROW_ROLE) is not None
    assert runner.loads == 1
    assert model.row_of(ids[7]) == 7
    assert model.row_of(-1) == -1
    model.set_ids(list(reversed(ids)))  # a re-sort: the same rows, another order
    assert model.row_of(ids[7]) == len(ids) - 8
    assert model.index(len(ids) - 1, 0).data(ROW_ROLE).id == ids[0]
    assert runner.loads == 1  # the row came from the cache
    model.refresh_rows([ids[0], 999_999])  # one query, for the cached row only
    assert runner.loads == 2
