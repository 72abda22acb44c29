"""The lazy message-list model: ids up front, rows fetched a page at a time."""

from __future__ import annotations

from leaddesk import query, triage
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


def test_rows_load_lazily_a_page_at_a_time(qapp, qtmodeltester, ui_db: Database,
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


def test_badge_unread_dot_initials_and_waiting_are_in_the_roles(qapp, ui_db: Database) -> None:
    from datetime import timedelta

    from PySide6.QtCore import Qt

    from leaddesk.db.models import Submission
    from tests.support.factories import BASE_TIME

    from leaddesk.ui.icons import no_dot, unread_dot
    from leaddesk.ui.list_model import NEEDS_ROLE, OWNER, STATUS, VISITOR, initials
    from leaddesk.ui.settings import WAITING_AMBER_HOURS

    with ui_db.session() as s:
        ids = query.ids(s, Filter())
        done, answered, unread, owned = (s.get_one(Submission, i) for i in ids[:4])
        done.status = "done"
        answered.last_outbound_at = BASE_TIME + timedelta(days=30)
        unread.unread = True
        owned.assignee_id = triage.list_members(s)[0].id  # Ada
    ctx = inline_context(ui_db)
    ctx.settings.set(WAITING_AMBER_HOURS, 24)
    model = SubmissionListModel(ctx)
    model.set_ids(ids)
    row_of = {sid: n for n, sid in enumerate(ids)}
    a_day_later = ui_db_row_time(model, ids[4]) + timedelta(hours=25)
    model.now = lambda: a_day_later

    def needs(sid: int):
        return model.index(row_of[sid], STATUS).data(NEEDS_ROLE)

    assert needs(ids[0]).badge == "Done"
    assert needs(ids[0]).waiting is None
    assert needs(ids[1]).waiting is None  # our answer is the newest e-mail
    assert needs(ids[2]).unread
    dot = model.index(row_of[ids[2]], VISITOR).data(Qt.ItemDataRole.DecorationRole)
    room = model.index(row_of[ids[4]], VISITOR).data(Qt.ItemDataRole.DecorationRole)
    assert dot.cacheKey() == unread_dot().cacheKey()
    assert room.cacheKey() == no_dot().cacheKey() != dot.cacheKey()  # read rows keep the room
    assert model.index(row_of[ids[3]], OWNER).data() == initials("Ada") == "Ad"
    assert model.index(row_of[ids[4]], OWNER).data() == ""
    waiting = model.index(row_of[ids[4]], STATUS)
    assert waiting.data() == "New · waiting 1 d"
    assert needs(ids[4]).overdue
    assert waiting.data(Qt.ItemDataRole.ForegroundRole) is not None  # amber
    ctx.settings.set(WAITING_AMBER_HOURS, 48)  # the team allows two days: no longer amber
    assert not needs(ids[4]).overdue
    assert waiting.data(Qt.ItemDataRole.ForegroundRole) is None


def ui_db_row_time(model: SubmissionListModel, sid: int):
    row = model.index(model.row_of(sid), 0).data(ROW_ROLE)
    return row.last_inbound_at or row.received_at


def test_initials() -> None:
    from leaddesk.ui.list_model import initials
    assert [initials(n) for n in ("Anna Kowalski", "ada", "Jean de la Fontaine", "", None)] == [
        "AK", "Ad", "JF", "", ""]
