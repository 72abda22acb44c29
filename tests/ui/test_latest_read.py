"""One read at a time, the latest asked for next: what runs, in which order, after a failure too."""

from __future__ import annotations

from typing import Any

from leaddesk.db import Database
from tests.ui.step_runner import StepRunner

from leaddesk.ui.context import AppContext
from leaddesk.ui.latest_read import LatestRead
from leaddesk.ui.settings import Settings


def _reader(ui_db: Database) -> tuple[LatestRead, StepRunner, list[str]]:
    runner = StepRunner()
    return LatestRead(AppContext(ui_db, runner, "tester", Settings())), runner, []


def _ask(reader: LatestRead, name: str, log: list[str], *, fails: bool = False) -> None:
    def work(_session: Any) -> str:
        log.append(f"read {name}")
        if fails:
            raise RuntimeError(f"{name} failed")
        return name

    def failed(exc: BaseException) -> bool:
        log.append(f"failed {exc}")
        return True
    reader.ask(name, work, lambda result: log.append(f"shown {result}"), failed)


def drain(runner: StepRunner) -> None:
    while runner.step():
        pass


def test_only_the_latest_asked_for_while_one_runs_runs_next(ui_db: Database) -> None:
    reader, runner, log = _reader(ui_db)
    for name in ("a", "b", "c", "d"):
        _ask(reader, name, log)
    assert len(runner.queued) == 1  # b, c and d wait for a, on the GUI thread
    drain(runner)
    assert log == ["read a", "shown a", "read d", "shown d"]
    _ask(reader, "e", log)  # idle again: it runs at once
    drain(runner)
    assert log[-2:] == ["read e", "shown e"]


def test_the_same_read_asked_again_while_it_runs_runs_again(ui_db: Database) -> None:
    # The read in flight may have begun before the change that asked for it again.
    reader, runner, log = _reader(ui_db)
    _ask(reader, "a", log)
    _ask(reader, "a", log)
    drain(runner)
    assert log == ["read a", "shown a", "read a", "shown a"]


def test_a_failed_read_lets_the_next_one_run(ui_db: Database) -> None:
    reader, runner, log = _reader(ui_db)
    _ask(reader, "a", log, fails=True)
    _ask(reader, "b", log)
    drain(runner)
    assert log == ["read a", "failed a failed", "read b", "shown b"]
    _ask(reader, "c", log)
    drain(runner)
    assert log[-1] == "shown c"
