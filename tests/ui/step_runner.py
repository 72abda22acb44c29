"""A task runner whose database work waits until the test runs it: the order of tasks, seen."""

from __future__ import annotations

from typing import Any

from leaddesk.ui.tasks import TaskRunner


class StepRunner(TaskRunner):
    """Database tasks and long reads wait until the test runs them, one at a time, in the
    order they were asked for (``step()``), or those of one kind first (``step("read")``)."""

    def __init__(self) -> None:
        super().__init__(inline=True)
        self.queued: list[tuple[str, Any, Any, Any]] = []

    def db(self, function: Any, on_done: Any = None, on_error: Any = None) -> None:
        self.queued.append(("db", function, on_done, on_error))

    def read(self, function: Any, on_done: Any = None, on_error: Any = None) -> None:
        self.queued.append(("read", function, on_done, on_error))

    def step(self, kind: str | None = None) -> bool:
        for index, (queued_kind, *task) in enumerate(self.queued):
            if kind is None or queued_kind == kind:
                del self.queued[index]
                super().db(*task)
                return True
        return False
