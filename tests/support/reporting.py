"""A Reporter that remembers every call, for tests that assert on what a sync reported."""

from __future__ import annotations

from typing import Any

from leaddesk.progress import NullReporter


class Recorder(NullReporter):
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def started(self, what: str, total: int | None) -> None:
        self.calls.append(("started", what, total))

    def progress(self, done: int, total: int | None) -> None:
        self.calls.append(("progress", done, total))

    def item_failed(self, item: str, reason: str) -> None:
        self.calls.append(("failed", item, reason))

    def finished(self, summary: str) -> None:
        self.calls.append(("finished", summary))

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        """The arguments of each call of one kind ("started", "progress", "failed", "finished")."""
        return [call[1:] for call in self.calls if call[0] == kind]
