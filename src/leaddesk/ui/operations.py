"""Every triage action of the UI as a small named operation with a success and a failure path.

Operations run in the database worker. On success the window refreshes what changed and remembers
the change for undo; a conflict (someone else changed the lead) becomes a clear banner and a
refresh; any other error a banner that says what to do.

A database that drops (a restart, a network cut) does not lose an action: it is retried for a
while (``reconnecting`` tells the window), without ever applying it twice, and if the database
stays away the banner says plainly that it was NOT saved (leaddesk.team.resilience).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject, Signal

from leaddesk import triage
from leaddesk.conversations.record import mark_read
from leaddesk.db import Database
from leaddesk.errors import ConflictError
from leaddesk.team.resilience import run_with_retry

from leaddesk.ui.tasks import TaskRunner

Single = Callable[[Session, int], triage.Change]
Bulk = Callable[[Session, Sequence[int]], int]


@dataclass(frozen=True)
class Outcome:
    label: str
    ids: tuple[int, ...]
    change: triage.Change | None  # the undoable change, for single-row operations


class Operations(QObject):
    succeeded = Signal(object)  # Outcome
    conflicted = Signal(str, object)  # message, ids to refresh
    failed = Signal(str)
    reconnecting = Signal(str)  # the database dropped during an action, which is being retried
    read_marked = Signal(int)  # a lead's unread answer is read now (its id)
    merge_offered = Signal(int, int)  # an edited e-mail belongs to another contact: keep, drop

    def __init__(self, db: Database, tasks: TaskRunner, actor: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.actor = actor
        self.last_change: triage.Change | None = None

    def _run(self, label: str, ids: Sequence[int], single: Single, bulk: Bulk,
             after: Callable[[], None] | None = None) -> None:
        ids = tuple(ids)
        if not ids:
            return

        def attempt(session: Session) -> Outcome:
            if len(ids) == 1:
                return Outcome(label, ids, single(session, ids[0]))
            bulk(session, ids)
            return Outcome(label, ids, None)

        def saved(session: Session, outcome: Outcome) -> bool:
            # Bulk changes skip rows already changed, so running them again is harmless.
            change = outcome.change
            return change is not None and triage.was_saved(session, change, actor=self.actor)

        what = f"{label} on #{ids[0]}" if len(ids) == 1 else f"{label} on {len(ids)} messages"

        def work() -> Outcome:
            return run_with_retry(self.db, attempt, what=what, verify=saved,
                                  on_retry=lambda n, reason: self.reconnecting.emit(reason))

        self.tasks.db(work, lambda outcome: self._ok(outcome, after),
                      lambda exc: self._bad(exc, ids))

    def _ok(self, outcome: Outcome, after: Callable[[], None] | None = None) -> None:
        if outcome.change is not None and outcome.change.changed:
            self.last_change = outcome.change
        self.succeeded.emit(outcome)
        if after is not None:
            after()

    def _bad(self, exc: BaseException, ids: tuple[int, ...]) -> None:
        if isinstance(exc, ConflictError):
            self.conflicted.emit(str(exc), ids)
        else:
            self.failed.emit(str(exc))

    def set_status(self, ids: Sequence[int], status: str, version: int | None = None) -> None:
        self._run(f"status → {status}", ids,
                  lambda s, i: triage.set_status(s, i, status, actor=self.actor,
                                                 expected_version=version),
                  lambda s, many: triage.bulk_set_status(s, many, status, actor=self.actor))

    def assign(self, ids: Sequence[int], who: str | None, version: int | None = None) -> None:
        self._run(f"owner → {who or 'nobody'}", ids,
                  lambda s, i: triage.assign(s, i, who, actor=self.actor,
                                             expected_version=version),
                  lambda s, many: triage.bulk_assign(s, many, who, actor=self.actor))

    def add_tag(self, ids: Sequence[int], tag: str, version: int | None = None) -> None:
        self._run(f"tag {tag} added", ids,
                  lambda s, i: triage.add_tag(s, i, tag, actor=self.actor,
                                              expected_version=version),
                  lambda s, many: triage.bulk_add_tag(s, many, tag, actor=self.actor))

    def remove_tag(self, ids: Sequence[int], tag: str, version: int | None = None) -> None:
        self._run(f"tag {tag} removed", ids,
                  lambda s, i: triage.remove_tag(s, i, tag, actor=self.actor,
                                                 expected_version=version),
                  lambda s, many: triage.bulk_remove_tag(s, many, tag, actor=self.actor))

    def add_note(self, submission_id: int, text: str) -> None:
        self._run("note added", [submission_id],
                  lambda s, i: triage.add_note(s, i, text, actor=self.actor),
                  lambda s, many: 0)

    def mark_read(self, submission_id: int) -> None:
        """The owner opened a lead with an unread answer (anyone, while nobody owns it)."""
        def work() -> bool:
            with self.db.session() as session:
                return mark_read(session, submission_id, actor=self.actor)

        self.tasks.db(work, lambda changed: self.read_marked.emit(submission_id) if changed
                      else None, lambda exc: self.failed.emit(str(exc)))
    def edit(self, submission_id: int, changes: dict[str, str | None],
             version: int | None = None) -> None:
        """Correct fields of one lead (leaddesk.triage.edits); undoable like any triage action."""
        offers: list[tuple[int, int]] = []

        def single(s: Session, i: int) -> triage.Change:
            offers.clear()  # a retry starts over
            result = triage.edit_submission(s, i, changes, actor=self.actor,
                                            expected_version=version)
            if result.merge_offer is not None:
                offers.append(result.merge_offer)
            return result.change

        def offer() -> None:
            for keep, drop in offers:
                self.merge_offered.emit(keep, drop)

        self._run(f"edited {', '.join(changes)}", [submission_id], single, lambda s, many: 0,
                  after=offer)

    def undo(self) -> bool:
        change = self.last_change
        if change is None:
            return False
        self.last_change = None
        self._run("undone", [change.submission_id],
                  lambda s, i: triage.undo(s, change, actor=self.actor), lambda s, many: 0)
        return True
