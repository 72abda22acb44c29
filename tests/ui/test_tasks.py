"""The task pools' one service for network work that must write: :meth:`TaskRunner.write` runs
the write in the single database worker and hands back its result or its exception."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import shiboken6

from leaddesk.ui.tasks import TaskRunner


class Refused(Exception):
    pass


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


def db_worker_thread(qtbot, tasks: TaskRunner) -> int:
    seen: list[int] = []
    tasks.db(threading.get_ident, seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    return seen[0]


def test_a_network_task_writes_in_the_database_worker_and_gets_the_result(
        qtbot, tasks: TaskRunner) -> None:
    worker = db_worker_thread(qtbot, tasks)
    got: list[tuple[int, int]] = []

    def fetch_then_write() -> tuple[int, int]:
        return threading.get_ident(), tasks.write(threading.get_ident)

    tasks.net(fetch_then_write, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    ((fetched_in, written_in),) = got
    assert written_in == worker
    assert fetched_in not in (worker, threading.get_ident())


def test_the_writes_exception_is_raised_again_in_the_waiting_thread(qtbot, tasks: TaskRunner) -> None:
    raised = Refused("the unique key refused it")
    caught: list[BaseException] = []

    def failing() -> None:
        raise raised

    tasks.net(lambda: tasks.write(failing), None, caught.append)
    qtbot.waitUntil(lambda: bool(caught), timeout=5_000)
    assert caught == [raised]  # the same object: a caller's ``except IntegrityError`` still works


def test_a_write_asked_for_inside_the_database_worker_runs_at_once(qtbot, tasks: TaskRunner) -> None:
    got: list[tuple[int, int]] = []
    # Waiting for the single worker from inside it would wait forever.
    tasks.db(lambda: (threading.get_ident(), tasks.write(threading.get_ident)), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    ((outer, inner),) = got
    assert outer == inner


def test_the_gui_thread_may_not_wait_for_a_write(qtbot, tasks: TaskRunner) -> None:
    with pytest.raises(RuntimeError, match="GUI thread"):
        tasks.write(lambda: 1)


def test_inline_tasks_write_inline(qtbot) -> None:
    assert TaskRunner(inline=True).write(threading.get_ident) == threading.get_ident()


def test_a_task_finishing_after_its_window_closed_raises_nothing(qtbot, tasks: TaskRunner) -> None:
    # On quit Qt deletes the objects a task would report to while it still runs: its result has
    # nowhere to go, and must not come out of the worker as "Signal source has been deleted".
    release = threading.Event()
    ran: list[bool] = []

    def slow() -> None:
        release.wait(10)
        ran.append(True)

    tasks.db(slow, lambda _: None)
    for signals in list(tasks._alive):
        shiboken6.delete(signals)
    release.set()
    assert tasks.wait(10_000)
    assert ran == [True]
