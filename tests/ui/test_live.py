"""Live team mode in the window: a colleague's change and presence show up without a click, and
a dropped database shows "reconnecting" until it is back. Two desktops = two Database handles."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from leaddesk import triage
from leaddesk.changes import EVERYTHING, Change, Kind
from leaddesk.db import Database
from leaddesk.team import presence
from leaddesk.team.changes import ChangeFeed, FeedLost, FeedState
from tests.ui.conftest import inline_context

from leaddesk.ui.bus import ELSEWHERE
from leaddesk.ui.live import LiveUpdates
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.tasks import TaskRunner


@pytest.fixture
def live_window(qtbot, ui_db: Database) -> Iterator[MainWindow]:
    win = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True), live=True)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.live.stop()


@pytest.fixture
def colleague(ui_db: Database) -> Iterator[Database]:
    other = Database.open(str(ui_db.engine.url))
    yield other
    other.close()


def test_a_colleagues_change_appears_in_the_open_message(qtbot, live_window: MainWindow,
                                                         colleague: Database) -> None:
    shown = live_window.inbox.detail.current
    assert shown is not None
    assert shown.row.assignee is None
    with colleague.session() as s:
        triage.assign(s, shown.row.id, "Ada", actor="Ada")

    def updated() -> None:
        current = live_window.inbox.detail.current
        assert current is not None
        assert current.row.id == shown.row.id
        assert current.row.assignee == "Ada"
        assert current.row.version == shown.row.version + 1

    qtbot.waitUntil(updated, timeout=5000)


def test_new_mail_from_the_worker_updates_the_counts(qtbot, live_window: MainWindow,
                                                     colleague: Database) -> None:
    from tests.support.factories import make_submission
    before = live_window.inbox.model.rowCount()
    with colleague.session() as s:
        make_submission(s, visitor_name="Fresh Lead")
    qtbot.waitUntil(lambda: live_window.inbox.model.rowCount() == before + 1, timeout=5000)


def test_also_viewing_shows_who_else_has_the_message_open(qtbot, live_window: MainWindow,
                                                          colleague: Database) -> None:
    shown = live_window.inbox.detail.current
    assert shown is not None
    label = live_window.inbox.detail.also_viewing
    assert label.isHidden()
    with colleague.session() as s:
        presence.renew(s, shown.row.id, "desk-ada", "Ada")
    qtbot.waitUntil(lambda: label.isVisible() and label.text() == "Also viewing: Ada",
                    timeout=5000)
    with colleague.session() as s:
        assert presence.viewers(s, shown.row.id, exclude_client="desk-ada") == ["tester"]
        presence.release(s, "desk-ada")
    qtbot.waitUntil(label.isHidden, timeout=5000)


def test_reconnecting_is_shown_and_cleared(qtbot, live_window: MainWindow) -> None:
    live_window.live.state_changed.emit("reconnecting", "connection refused")
    assert live_window.banner.isVisible()
    assert "Reconnecting to the database" in live_window.banner.label.text()
    assert "reconnecting" in live_window.db_label.text()
    live_window.live.state_changed.emit("connected", "")
    assert "Connected to the database again" in live_window.banner.label.text()
    assert "reconnecting" not in live_window.db_label.text()


class _Scripted(ChangeFeed):
    """Delivers a burst of changes, then loses the connection once, then is quiet."""

    backoff_seconds = (0.01,)

    def __init__(self) -> None:
        self.step = 0
        self.lock = threading.Lock()

    def open(self) -> None:
        pass

    def poll(self, timeout: float) -> list[Change]:
        with self.lock:
            self.step += 1
            step = self.step
        if step <= 3:
            return [Change.of(Kind.SUBMISSION, [step], {"status"})]
        if step == 4:
            raise FeedLost("server closed the connection")
        threading.Event().wait(min(timeout, 0.05))
        return []

    def close(self) -> None:
        pass


def test_live_updates_debounce_a_burst_and_report_the_gap(qtbot, ui_db: Database) -> None:
    ctx = inline_context(ui_db)
    live = LiveUpdates(ctx, feed=_Scripted(), debounce_ms=200)
    batches: list[tuple[list[Change], object]] = []
    states: list[str] = []
    ctx.bus.changes_made.connect(lambda changes, initiator: batches.append((changes, initiator)))
    live.state_changed.connect(lambda state, reason: states.append(state))
    live.start()
    try:
        qtbot.waitUntil(lambda: states == [FeedState.RECONNECTING.value,
                                           FeedState.CONNECTED.value], timeout=5000)
        qtbot.waitUntil(lambda: any(EVERYTHING in b for b, _ in batches), timeout=5000)
    finally:
        live.stop()
    first, initiator = batches[0]
    assert initiator == ELSEWHERE
    assert first[0] == Change.of(Kind.SUBMISSION, [1, 2, 3], {"status"})  # one refresh


def test_an_own_action_is_not_heard_again_from_the_feed(qtbot, live_window: MainWindow,
                                                        colleague: Database) -> None:
    """The feed recognises this desktop's own commits: the action published its change once,
    and only the colleague's later write comes from the feed."""
    shown = live_window.inbox.detail.current
    assert shown is not None
    heard: list[tuple[list[Change], object]] = []
    live_window.ctx.bus.changes_made.connect(lambda c, i: heard.append((c, i)))
    live_window.ops.set_status([shown.row.id], "open")
    other = live_window.inbox.model.ids[-1]
    with colleague.session() as s:  # after ours: once it is heard, ours would have been too
        triage.add_tag(s, other, "later", actor="Ada")
    qtbot.waitUntil(lambda: any(i == ELSEWHERE for _, i in heard), timeout=5000)
    own = [c for c, i in heard if i is live_window.ops]
    assert own == [[Change.of(Kind.SUBMISSION, [shown.row.id], {"status"})]]
    from_feed = [c for changes, i in heard if i == ELSEWHERE for c in changes]
    assert all(shown.row.id not in (c.ids or ()) for c in from_feed)
    assert any(other in (c.ids or ()) for c in from_feed)


def test_presence_follows_the_lead_on_screen_once_it_is_read(qtbot, ui_db: Database) -> None:
    # Marking a lead done opens the next: its read goes first, before the write; its "also
    # viewing" renewal waits for it, and the row the cursor passed on the way gets none.
    from tests.ui.step_runner import StepRunner
    runner = StepRunner()
    win = MainWindow(ui_db, me="tester", tasks=runner, live=True)
    qtbot.addWidget(win)
    try:
        while runner.step():
            pass
        ids = list(win.inbox.model.ids)
        assert win.presence.current == ids[0]
        win.inbox.set_status("done")
        queued = [task.__self__.what for _kind, task, *_ in runner.queued]
        assert queued == [f"opening #{ids[1]}", f"status → done on #{ids[0]}"]
        while runner.step():
            pass
        assert win.presence.current == ids[1]
        with ui_db.session() as s:
            assert presence.viewers(s, ids[1], exclude_client="desk-ada") == ["tester"]
    finally:
        win.live.stop()
