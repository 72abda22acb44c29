"""The one operation type: results published on the bus, and the default failure path (a known
error is the banner, anything else a dialog with details and an ERROR log line)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.errors import ValidationError

from leaddesk.ui.bus import ChangeBus
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.operations import DbOp, NetOp, changes_of, known_error_in


def broken(_session: Session) -> None:
    raise ZeroDivisionError("a bug in the work")


def test_a_known_error_becomes_the_banner_with_what_to_do(window: MainWindow) -> None:
    def refused(_session: Session) -> None:
        raise ValidationError("the tag name is empty; type a name first")

    DbOp(window.ctx, refused, parent=window, what="tagging").run_in_background()
    assert window.banner.isVisible()
    assert window.banner.label.text() == "the tag name is empty; type a name first"


def test_an_unknown_error_is_a_dialog_with_details_and_logged_at_error(
        qtbot, window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    with qtbot.waitSignal(window.ctx.failures.dialog_shown) as shown:
        DbOp(window.ctx, broken, parent=window, what="tagging").run_in_background()
    box = shown.args[0]
    assert "a bug in the work" in box.text()
    assert "not completed" in box.text()
    assert "Traceback" in box.detailedText()
    assert "ZeroDivisionError" in box.detailedText()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "tagging" in errors[0].getMessage()
    assert "ZeroDivisionError: a bug in the work" in errors[0].getMessage()  # -v shows it
    assert not window.banner.isVisible()
    box.close()


def test_a_failure_handler_that_shows_it_takes_it_and_one_that_does_not_still_shows_it(
        qtbot, window: MainWindow) -> None:
    said: list[str] = []

    def refused(_session: Session) -> None:
        raise ValidationError("no such tag")

    DbOp(window.ctx, refused, parent=window).failure(known_error_in(said.append)) \
        .run_in_background()
    assert said == ["no such tag"]
    assert not window.banner.isVisible()  # shown beside the input, not twice
    # The same handler does not take a bug: it goes the default way (never swallowed).
    with qtbot.waitSignal(window.ctx.failures.dialog_shown) as shown:
        DbOp(window.ctx, broken, parent=window).failure(known_error_in(said.append)) \
            .run_in_background()
    shown.args[0].close()
    assert said == ["no such tag"]


def test_a_result_that_says_what_changed_is_published_with_its_initiator(
        window: MainWindow) -> None:
    heard: list[tuple[list[Change], object]] = []
    window.ctx.bus.changes_made.connect(lambda c, i: heard.append((c, i)))
    sid = window.inbox.current_id()
    assert sid is not None
    got: list[object] = []
    change = Change.of(Kind.SUBMISSION, [sid], {"notes"})
    DbOp(window.ctx, lambda _s: change, parent=window.inbox).success(got.append) \
        .run_in_background()
    assert heard == [([change], window.inbox)]
    assert got == [change]  # success runs after the pages heard of it


def test_a_read_is_not_looked_through_for_change_records(window: MainWindow) -> None:
    class Rows:
        @property
        def changes(self) -> list[Change]:
            raise AssertionError("a read's result was looked through")  # a million ids, once

    heard: list[object] = []
    window.ctx.bus.changes_made.connect(lambda c, _i: heard.append(c))
    got: list[object] = []
    DbOp(window.ctx, lambda _s: Rows(), parent=window.inbox).reading().success(got.append) \
        .run_in_background()
    assert len(got) == 1
    assert heard == []


def test_network_work_hands_its_writes_to_the_database_worker(window: MainWindow) -> None:
    threads: list[str] = []
    runner = window.tasks
    real_db, real_net = runner.db, runner.net

    def db(function, on_done=None, on_error=None):
        threads.append("db")
        real_db(function, on_done, on_error)

    def net(function, on_done=None, on_error=None):
        threads.append("net")
        real_net(function, on_done, on_error)

    runner.db, runner.net = db, net  # type: ignore[method-assign]
    try:
        result: list[object] = []
        NetOp(window.ctx, lambda: 41, lambda _session, fetched: fetched + 1, parent=window) \
            .success(result.append).run_in_background()
    finally:
        runner.db, runner.net = real_db, real_net  # type: ignore[method-assign]
    assert threads == ["net", "db"]
    assert result == [42]


def test_changes_of_reads_records_edits_and_lists() -> None:
    one = Change.of(Kind.TAG, [1])
    two = Change.of(Kind.MEMBER, [2])

    class WithChanges:
        changes = (one, two)

    assert changes_of(one) == [one]
    assert changes_of(WithChanges()) == [one, two]
    assert changes_of([one, "not a change"]) == [one]
    assert changes_of([1, "two", None, one]) == [one]  # plain values beside a record: still found
    assert changes_of([1, 2, 3]) == []
    assert changes_of(()) == []
    assert changes_of(42) == []


def test_the_bus_merges_a_batch_per_kind_and_drops_empty_changes(qtbot) -> None:
    bus = ChangeBus()
    heard: list[list[Change]] = []
    bus.changes_made.connect(lambda changes, _i: heard.append(changes))
    bus.publish([Change.of(Kind.SUBMISSION, [1], {"status"}),
                 Change.of(Kind.SUBMISSION, [2], {"tags"}), Change.of(Kind.TAG, [])])
    assert heard == [[Change.of(Kind.SUBMISSION, [1, 2], {"status", "tags"})]]
    bus.publish([Change.of(Kind.SUBMISSION, [])])  # nothing written: nothing to refresh
    assert len(heard) == 1
