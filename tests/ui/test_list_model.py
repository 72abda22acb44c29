"""The lazy message-list model: ids up front, rows fetched a page at a time; a cell cut short
shows whole, as plain text, in its tooltip."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt

from leaddesk import query, response_times, triage
from leaddesk.business_hours import BusinessHours
from leaddesk.changes import Change
from leaddesk.db import Database
from leaddesk.db.models import Tag
from leaddesk.query import Filter
from leaddesk.response_times import ResponsePolicy
from tests.support.factories import BASE_TIME, make_post, make_submission
from tests.ui.conftest import inline_context

from leaddesk.ui import list_model
from leaddesk.ui.context import AppContext
from leaddesk.ui.list_model import (
    NEEDS_ROLE,
    OVERDUE_ROLE,
    POST,
    ROW_ROLE,
    STATUS,
    TAGS,
    TOPIC,
    SubmissionListModel,
)
from leaddesk.ui.operations import DbOp
from leaddesk.ui.safe_text import tooltip
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
    assert runner.loads == 1  # the team's response-time policy, read once for the model
    runner.loads = 0
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
    runner.loads = 0  # the policy read at creation; rows are counted below
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
    from leaddesk.db.models import Submission

    from leaddesk.ui.icons import no_dot, unread_dot
    from leaddesk.ui.list_model import OWNER, VISITOR, initials
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
    model.set_policy(ResponsePolicy(BusinessHours("UTC"), 80.0))  # ten business days: amber only
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
    assert needs(ids[4]).amber
    assert waiting.data(Qt.ItemDataRole.ForegroundRole) is not None  # amber
    ctx.settings.set(WAITING_AMBER_HOURS, 48)  # the team allows two days: no longer amber
    assert not needs(ids[4]).amber
    assert waiting.data(Qt.ItemDataRole.ForegroundRole) is None


def ui_db_row_time(model: SubmissionListModel, sid: int):
    row = model.index(model.row_of(sid), 0).data(ROW_ROLE)
    return row.last_inbound_at or row.received_at


def test_initials() -> None:
    from leaddesk.ui.list_model import initials
    assert [initials(n) for n in ("Anna Kowalski", "ada", "Jean de la Fontaine", "", None)] == [
        "AK", "Ad", "JF", "", ""]


def test_the_overdue_badge_follows_the_teams_stored_policy_and_its_changes(qtbot,
                                                                         ui_db: Database) -> None:
    one_day = ResponsePolicy(BusinessHours("UTC"), 8.0)  # mon-fri 09:00-17:00
    try:
        with ui_db.session() as s:
            response_times.save_policy(s, one_day, actor="Ada")
        response_times.activate(ResponsePolicy(BusinessHours("UTC"), 100.0))  # a stale global
        ctx = inline_context(ui_db)
        model = SubmissionListModel(ctx)
        assert model.policy == one_day  # the stored policy, read when the model is made
        with ui_db.session() as s:
            ids = query.ids(s, Filter())
        model.set_ids(ids)
        first = model.index(len(ids) - 1, STATUS)  # Visitor 00, in on Monday BASE_TIME 09:00
        assert first.data(ROW_ROLE).received_at == BASE_TIME
        # Tuesday 09:00 is exactly one business day later; a minute more is past the target.
        model.now = lambda: BASE_TIME + timedelta(days=1)
        assert first.data(OVERDUE_ROLE) is False
        assert not first.data(NEEDS_ROLE).overdue
        assert "Overdue" not in first.data()
        model.now = lambda: BASE_TIME + timedelta(days=1, minutes=1)
        assert first.data(OVERDUE_ROLE) is True
        assert first.data() == "New · Overdue · waiting 1 d"
        assert "longer than the team&#x27;s target" in first.data(Qt.ItemDataRole.ToolTipRole)

        def save_two_days(session: Session) -> Change:
            return response_times.save_policy(session, ResponsePolicy(BusinessHours("UTC"), 16.0),
                                              actor="Ada")

        # Settings → Response times saves through a DbOp, which announces it on the bus.
        with qtbot.waitSignal(model.dataChanged):
            DbOp(ctx, save_two_days, parent=model, what="saving").run_in_background()
        assert model.policy.target_hours == 16.0
        assert first.data(OVERDUE_ROLE) is False
    finally:
        response_times.activate(ResponsePolicy())


def test_a_cell_cut_short_shows_whole_and_plain_in_its_tooltip(qapp, ui_db: Database) -> None:
    title = "<b>Europe's</b> IMI " + "Sets the Pace " * 12
    with ui_db.session() as s:
        post = make_post(s, "https://example.org/blog/long/", title)
        lead = make_submission(s, topic="<i>Very</i> long topic " * 6, post_id=post.id,
                               page_url="https://example.org/blog/long/?utm=1")
        lead.tags.append(Tag(name="a rather long tag <u>name</u>", colour="#e53935"))
        lead.tags.append(Tag(name="and another", colour="#43a047"))
        sid = lead.id
    model = SubmissionListModel(inline_context(ui_db))
    model.set_ids([sid])
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.index(0, POST).data(tip) == tooltip(
        f"{title}\nhttps://example.org/blog/long/?utm=1")
    assert model.index(0, TOPIC).data(tip) == tooltip("<i>Very</i> long topic " * 6)
    tags = model.index(0, TAGS).data(tip)
    assert "a rather long tag &lt;u&gt;name&lt;/u&gt;" in tags
    assert "and another" in tags


def test_an_id_list_indexes_every_row_across_its_slices(monkeypatch) -> None:
    monkeypatch.setattr(list_model, "INDEX_SLICE", 3)  # ten ids: four slices, the last short
    ids = [50, 7, 31, 2, 99, 14, 8, 61, 23, 5]
    listed = list_model.IdList.of(ids)
    assert listed.rows == {sid: row for row, sid in enumerate(ids)}


def test_growing_takes_the_whole_list_and_its_index(qapp, ui_db: Database) -> None:
    ctx = inline_context(ui_db)
    model = SubmissionListModel(ctx)
    with ui_db.session() as s:
        ids = query.ids(s, Filter())
        first = query.rows_by_ids(s, ids[:2])
    model.show_first(first)
    assert not model.grow(list_model.IdList.of(list(reversed(ids))))  # another list: not grown
    assert model.grow(list_model.IdList.of(ids))
    assert model.ids == ids
    assert model.rowCount() == len(ids)
    assert [model.row_of(sid) for sid in ids] == list(range(len(ids)))
    model.forget_rows()  # the list stays, indexed as before
    assert model.ids == ids
    assert model.row_of(ids[-1]) == len(ids) - 1


def test_removed_rows_leave_and_every_later_row_moves_up(qapp, ui_db: Database) -> None:
    model = SubmissionListModel(inline_context(ui_db))
    ids = [50, 7, 31, 2, 99, 14, 8]
    model.set_ids(ids)
    model.remove_ids([31, 99, 1234])  # 1234 is not listed: nothing happens for it
    assert model.ids == [50, 7, 2, 14, 8]
    assert [model.row_of(sid) for sid in (50, 7, 31, 2, 99, 14, 8)] == [0, 1, -1, 2, -1, 3, 4]
    model.remove_ids([50])
    assert [model.row_of(sid) for sid in (7, 2, 14, 8)] == [0, 1, 2, 3]
    model.forget_rows()  # every cached row forgotten: the list and its removals stay
    assert [model.row_of(sid) for sid in (50, 7, 31, 2, 14, 8)] == [-1, 0, -1, 1, 2, 3]
    model.set_ids([8, 50])  # a new list: its own rows
    assert (model.row_of(8), model.row_of(50)) == (0, 1)
