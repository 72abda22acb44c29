"""The Inbox page on the change bus: an action refreshes exactly the rows it touched, another
desktop's change arrives through the bus, and the selection and scroll survive every refresh."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from PySide6.QtCore import QItemSelectionModel

from leaddesk import detail, query, triage
from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from leaddesk.detail import SubmissionDetail
from leaddesk.query.first import first_page
from tests.ui.step_runner import StepRunner

from leaddesk.ui import inbox as inbox_module
from leaddesk.ui.bus import ELSEWHERE
from leaddesk.ui.inbox import InboxPage
from leaddesk.ui.list_model import PAGE_SIZE
from leaddesk.ui.main_window import MainWindow


class Queries(Counter[str]):
    """How often the page asks the database for ids, rows, counts and facets, and which rows."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[int]] = []  # the ids of each rows_by_ids call

    def reset(self) -> None:
        self.clear()
        self.rows.clear()


@pytest.fixture
def queries(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Queries:
    counted = Queries()

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            if name == "rows_by_ids":
                counted.rows.append(sorted(args[1]))
            return real(*args, **kwargs)
        return call

    for name in ("ids", "rows_by_ids", "count", "facets"):
        monkeypatch.setattr(query, name, spy(name, getattr(query, name)))
    model = window.inbox.model
    for row in range(model.rowCount()):  # the list as a user sees it: every row loaded
        model.submission(row)
    counted.reset()
    return counted


def shown(inbox: InboxPage) -> SubmissionDetail:
    current = inbox.shown()
    assert current is not None
    return current


def shown_names(inbox: InboxPage) -> list[str]:
    return [inbox.model.index(r, 0).data() for r in range(inbox.model.rowCount())]


def test_a_tag_refreshes_exactly_the_row_it_touched(window: MainWindow,
                                                    queries: Queries) -> None:
    inbox = window.inbox
    sid = inbox.current_id()
    assert sid is not None
    inbox.detail.card.tag_added.emit("follow-up")
    # The inbox view does not filter on tags: no id query; the one row for the list and the
    # open message (the same lead); counts and facets once.
    assert queries["ids"] == 0
    assert queries.rows == [[sid], [sid]]
    assert queries["facets"] == 1
    assert "follow-up" in inbox.model.index(0, 3).data()
    assert "follow-up" in shown(inbox).row.tags


def test_a_status_that_leaves_the_view_requeries_the_list_once(window: MainWindow,
                                                               queries: Queries) -> None:
    inbox = window.inbox
    before = inbox.model.rowCount()
    inbox.set_status("waiting")  # the inbox shows new and open
    assert queries["ids"] == 1
    assert queries["facets"] == 1
    assert inbox.model.rowCount() == before - 1


def test_a_note_repaints_nothing_in_the_list_and_counts_nothing(window: MainWindow,
                                                                queries: Queries) -> None:
    sid = window.inbox.current_id()
    assert sid is not None
    window.ops.add_note(sid, "called back")
    assert (queries["ids"], queries["facets"]) == (0, 0)
    assert shown(window.inbox).notes[-1].body == "called back"


def test_another_desktops_change_arrives_through_the_bus(window: MainWindow, ui_db: Database,
                                                         queries: Queries) -> None:
    inbox = window.inbox
    sid = inbox.current_id()
    assert sid is not None
    with ui_db.session() as s:  # a colleague assigns the open lead
        triage.assign(s, sid, "Ada", actor="Ada")
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [sid], {"assignee"})], ELSEWHERE)
    assert inbox.model.index(0, 4).data() == "Ad"  # the row: the owner's initials
    assert shown(inbox).row.assignee == "Ada"  # the open message
    assert queries["ids"] == 0  # the view does not filter on owners
    assert queries.rows == [[sid], [sid]]  # the row, the open message


def select_rows(inbox: InboxPage, rows: list[int]) -> None:
    inbox.select_row(rows[0])
    for row in rows[1:]:
        inbox.list.selectionModel().select(
            inbox.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_selection_and_scroll_survive_a_refresh_that_moves_rows(qtbot, window: MainWindow,
                                                                ui_db: Database) -> None:
    inbox = window.inbox
    window.resize(1024, 500)
    ids = list(inbox.model.ids)
    select_rows(inbox, [12, 14, 15])
    inbox.list.scrollTo(inbox.model.index(10, 0), inbox.list.ScrollHint.PositionAtTop)
    top = ids[inbox.list.rowAt(0)]
    chosen = set(inbox.selected_ids())
    gone = ids[2]  # above the selection: every selected row moves up one
    with ui_db.session() as s:
        triage.set_status(s, gone, "done", actor="Ada")
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [gone], {"status"})], ELSEWHERE)
    assert gone not in inbox.model.ids
    assert set(inbox.selected_ids()) == chosen
    assert inbox.current_id() == ids[12]
    assert inbox.model.ids[inbox.list.rowAt(0)] == top


def test_new_mail_elsewhere_adds_rows_and_counts(window: MainWindow, ui_db: Database,
                                                 queries: Queries) -> None:
    from tests.support.factories import make_submission
    inbox = window.inbox
    current = inbox.current_id()
    with ui_db.session() as s:
        new = make_submission(s, visitor_name="Fresh Lead").id
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [new], {"created"})], ELSEWHERE)
    assert "Fresh Lead" in shown_names(inbox)
    assert inbox.current_id() == current  # the user's place is kept
    assert window.inbox.sidebar._view_items["inbox"].text(1) == "31"


def test_i_am_follows_the_setting_at_once(window: MainWindow, ui_db: Database) -> None:
    from leaddesk.ui.settings import ME
    with ui_db.session() as s:
        triage.assign(s, window.inbox.model.ids[0], "Ada", actor="Ada")
    window.settings.set(ME, "Ada")
    assert window.ctx.actor == "Ada"
    window.inbox.choose_view("mine")
    assert window.inbox.model.rowCount() == 1


def _stepped_window(qtbot: Any, ui_db: Database) -> tuple[MainWindow, StepRunner]:
    runner = StepRunner()
    window = MainWindow(ui_db, me="tester", tasks=runner)
    qtbot.addWidget(window)
    while runner.step():
        pass
    return window, runner


def _until_the_list_is_asked_for(runner: StepRunner) -> bool:
    """Run the database worker's tasks until a write has asked for the list again."""
    while not any(kind == "read" for kind, *_ in runner.queued):
        if not runner.step("db"):
            return False
    return True


def test_a_lead_marked_done_leaves_the_inbox_at_once_and_the_next_one_opens(
        qtbot: Any, ui_db: Database) -> None:
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    inbox.select_row(3)
    while runner.step():
        pass
    inbox.set_status("done")
    # Before anything is written or read again (a million ids take seconds to read):
    assert inbox.model.ids == ids[:3] + ids[4:]
    assert inbox.current_id() == ids[4]
    assert inbox.model.row_of(ids[3]) == -1
    assert inbox.model.row_of(ids[5]) == 4
    # The next lead's detail is read and the status written (the bus asks for the list
    # again), while the list still waits its turn beside them.
    assert _until_the_list_is_asked_for(runner)
    assert shown(inbox).row.id == ids[4]
    while runner.step():
        pass
    assert inbox.model.ids == ids[:3] + ids[4:]  # what the list read again says too
    with ui_db.session() as s:
        assert query.ids(s, inbox.current_filter()) == inbox.model.ids


def _opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the leads whose detail is read from here on."""
    opened: list[int] = []
    real = detail.load

    def load(session: Any, submission_id: int) -> SubmissionDetail:
        opened.append(submission_id)
        return real(session, submission_id)
    monkeypatch.setattr(detail, "load", load)  # the module the page calls it through
    return opened


@pytest.mark.parametrize("row", [3, -1])
def test_a_lead_marked_done_opens_only_the_lead_it_lands_on(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch, row: int) -> None:
    # Qt moves the current row off a removed one to its neighbour before the next lead is
    # chosen: that passing row is never read (a read on the database worker, before the one
    # the user waits for). The last lead lands on the row Qt moved to, and that one opens.
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    row = row % len(ids)
    inbox.select_row(row)
    while runner.step():
        pass
    opened = _opened(monkeypatch)
    inbox.set_status("done")
    while runner.step():
        pass
    landed = ids[row + 1] if row + 1 < len(ids) else ids[row - 1]
    assert opened == [landed]
    assert shown(inbox).row.id == landed == inbox.current_id()


def test_leads_passed_while_one_is_read_are_never_read(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # Holding the arrow key: one lead's read at a time, and then only the latest asked for.
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    opened = _opened(monkeypatch)
    for row in range(1, 6):
        inbox.select_row(row)
    while runner.step():
        pass
    assert opened == [ids[1], ids[5]]
    assert shown(inbox).row.id == ids[5]


def test_a_list_read_before_a_second_lead_is_written_does_not_bring_it_back(
        qtbot: Any, ui_db: Database) -> None:
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    inbox.set_status("done")  # the first lead...
    inbox.set_status("done")  # ...and at once the one after it
    assert inbox.model.ids == ids[2:]
    assert _until_the_list_is_asked_for(runner)  # the first is written
    assert runner.step("read")  # the list read again, before the second is written
    assert inbox.model.ids == ids[2:]  # the second did not flicker back
    while runner.step():
        pass
    assert inbox.model.ids == ids[2:]


def test_a_list_read_begun_before_a_second_lead_was_marked_does_not_bring_it_back(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first lead's write asks for the list again; the second lead is marked done while
    # that read runs, so the read holds it: it must not come back, nor open again.
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    opened = _opened(monkeypatch)
    inbox.set_status("done")
    assert _until_the_list_is_asked_for(runner)  # the first is written
    inbox.set_status("done")  # the second, before that read has run
    runner.step("read")  # the read that began before it
    assert inbox.model.ids == ids[2:]
    assert inbox.current_id() == ids[2]
    while runner.step():
        pass
    assert inbox.model.ids == ids[2:]
    assert inbox.current_id() == ids[2]
    assert opened == [ids[1], ids[2]]  # each once, as it became the next lead


def test_a_lead_shown_again_after_an_empty_list_is_read_again(window: MainWindow) -> None:
    # A search that finds nothing clears the detail; emptying it selects the same newest lead,
    # which must open again (it is not the lead still on screen).
    inbox = window.inbox
    first = shown(inbox).row.id
    inbox.set_text("no visitor wrote this")
    assert inbox.model.rowCount() == 0
    assert inbox.shown() is None
    inbox.set_text("")
    assert inbox.current_id() == first
    assert shown(inbox).row.id == first


def test_a_list_read_keeps_the_lead_the_user_moved_to_while_it_ran(
        qtbot: Any, ui_db: Database) -> None:
    from tests.support.factories import make_submission
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    with ui_db.session() as s:
        new = make_submission(s, visitor_name="Fresh Lead").id
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [new], {"created"})], ELSEWHERE)
    inbox.select_row(5)  # while the list is read again
    while runner.step():
        pass
    assert new in inbox.model.ids
    assert inbox.current_id() == ids[5]  # not the lead open when the read began
    assert shown(inbox).row.id == ids[5]


@pytest.mark.parametrize("own_change_names_ids", [True, False])
def test_a_lead_marked_done_and_reopened_elsewhere_comes_back(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch,
        own_change_names_ids: bool) -> None:
    # A lead taken out of the list at once must never stay hidden once its change is written:
    # here a colleague reopens it, and their change names no ids (as for many rows at once);
    # nor when the change written for it named none either.
    if not own_change_names_ids:
        real = triage.set_status

        def unnamed(*args: Any, **kwargs: Any) -> Change:
            real(*args, **kwargs)
            return Change(Kind.SUBMISSION, None, frozenset({"status"}))
        monkeypatch.setattr(triage, "set_status", unnamed)
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)
    inbox.set_status("done")
    while runner.step():
        pass
    assert ids[0] not in inbox.model.ids
    with ui_db.session() as s:
        triage.set_status(s, ids[0], "new", actor="Ada")
    window.ctx.bus.publish([Change(Kind.SUBMISSION, None, frozenset({"status"}))], ELSEWHERE)
    while runner.step():
        pass
    assert inbox.model.ids == ids


def test_a_status_change_that_fails_brings_its_lead_back(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    ids = list(inbox.model.ids)

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(triage, "set_status", refused)
    monkeypatch.setattr(window.ctx.failures, "report", lambda *_a, **_k: None)
    inbox.set_status("done")
    assert inbox.model.ids == ids[1:]
    while runner.step():
        pass
    assert inbox.model.ids == ids


def test_the_whole_list_read_before_its_first_page_stays(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 5)  # a page shorter than the list
    window, runner = _stepped_window(qtbot, ui_db)
    inbox = window.inbox
    inbox.choose_view("all")
    while runner.step("read"):  # the id list, read beside the database worker, comes first
        pass
    while runner.step():  # then the first page, which must not shrink the list to one page
        pass
    with ui_db.session() as s:
        assert inbox.model.ids == query.ids(s, inbox.current_filter())


def test_the_window_asks_for_its_first_page_once_before_it_is_built_and_shows_it(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[query.Filter] = []

    def counted(session: Any, flt: query.Filter, *, limit: int) -> Any:
        asked.append(flt)
        return first_page(session, flt, limit=limit)
    monkeypatch.setattr(inbox_module, "first_page", counted)
    runner = StepRunner()
    window = MainWindow(ui_db, me="tester", tasks=runner)
    qtbot.addWidget(window)
    inbox = window.inbox
    # Queued while the window was built, ahead of the id list; reload() did not ask again.
    while inbox.model.rowCount() == 0 and runner.step():
        pass
    assert asked == [inbox.current_filter()]
    with ui_db.session() as s:
        expected = query.find(s, inbox.current_filter(), limit=PAGE_SIZE).rows
    assert inbox.model.cached_ids(inbox.model.ids) == [r.id for r in expected]
    while runner.step():
        pass
    assert asked == [inbox.current_filter()]


def test_a_first_page_asked_for_early_is_not_shown_for_another_list(
        qtbot: Any, ui_db: Database) -> None:
    runner = StepRunner()
    window = MainWindow(ui_db, me="tester", tasks=runner)
    qtbot.addWidget(window)
    inbox = window.inbox
    inbox.prefetch_first_page()  # the Inbox view's page, on its way...
    inbox.choose_view("spam")  # ...when another view is chosen
    while runner.step():
        pass
    with ui_db.session() as s:
        spam = query.ids(s, inbox.current_filter())
    assert spam
    assert inbox.model.ids == spam
    shown = [inbox.model.submission(r) for r in range(inbox.model.rowCount())]
    assert {r.status for r in shown if r is not None} == {"spam"}


def test_the_first_page_shows_before_the_whole_list_which_then_grows_in_place(
        qtbot: Any, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 10)
    runner = StepRunner()
    window = MainWindow(ui_db, me="tester", tasks=runner)
    qtbot.addWidget(window)
    window.show()
    inbox = window.inbox
    totals: list[int] = []
    inbox.total_changed.connect(totals.append)
    while inbox.model.rowCount() == 0 and runner.step():
        pass
    with ui_db.session() as s:
        everything = query.ids(s, inbox.current_filter())
    assert len(everything) > 10
    # The first page, rows and all, before the id list: nothing left to fetch to paint it.
    assert inbox.model.ids == everything[:10]
    assert inbox.model.cached_ids(everything[:10]) == everything[:10]
    assert totals == []
    assert inbox.footer.text().startswith(f"{len(everything):,} messages")  # counted at once
    assert f"Export {len(everything):,} leads" in inbox.export.text()
    assert inbox.current_id() == everything[0]
    inbox.select_row(3)
    resets: list[bool] = []
    inbox.model.modelReset.connect(lambda: resets.append(True))
    for _ in range(500):
        if not runner.step():
            break
    assert inbox.model.ids == everything
    assert totals[-1] == len(everything)
    assert resets == []  # appended, not reset: what the user picked meanwhile stays
    assert inbox.current_id() == everything[3]
    assert f"{len(everything):,} messages" in inbox.footer.text()
