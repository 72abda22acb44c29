"""The triage actions of the window (status, owner, tags, notes, undo) as operations.

Each is a :class:`~leaddesk.ui.operations.DbOp` that survives a dropped database (retried, never
applied twice, see leaddesk.team.resilience) and publishes what it changed on the bus, where the
pages refresh exactly those rows. A conflict (a colleague changed the lead meanwhile) is a known
error: the banner says so, and the lead is refreshed so the user sees what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject, Signal

from leaddesk import triage
from leaddesk.changes import Change, Kind
from leaddesk.conversations.record import mark_read
from leaddesk.errors import ConflictError

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp
from leaddesk.ui.widgets import next_tag_colour

Single = Callable[[Session, int, str], triage.Edit]
Bulk = Callable[[Session, Sequence[int], str], Change]


class TriageActions(QObject):
    done = Signal(str, bool)  # what was done, whether Ctrl+Z undoes it
    merge_offered = Signal(int, int)  # an edited e-mail belongs to another contact: keep, drop
    undone = Signal(int)  # the lead an undo restored
    failed = Signal(object)  # the ids of a change that failed (the error itself is shown)
    written = Signal(object)  # the ids of a change that was written (published first)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_edit: triage.Edit | None = None

    def _run(self, label: str, ids: Sequence[int], single: Single, bulk: Bulk,
             after: Callable[[], None] | None = None) -> None:
        ids = tuple(ids)
        if not ids:
            return
        actor = self.ctx.actor

        def work(session: Session) -> triage.Edit | Change:
            if len(ids) == 1:
                return single(session, ids[0], actor)
            return bulk(session, ids, actor)

        def saved(session: Session, result: triage.Edit | Change) -> bool:
            # Bulk changes skip rows already changed, so running them again is harmless.
            return isinstance(result, triage.Edit) and triage.was_saved(session, result,
                                                                        actor=actor)

        def succeeded(result: triage.Edit | Change) -> None:
            edit = result if isinstance(result, triage.Edit) else None
            if edit is not None and edit.changed:
                self.last_edit = edit
            self.done.emit(label, edit is not None)
            self.written.emit(ids)
            if after is not None:
                after()

        def failed(exc: BaseException) -> bool:
            if isinstance(exc, ConflictError):  # reload the lead, so the user sees what changed
                self.ctx.bus.publish([Change.of(Kind.SUBMISSION, ids)], self)
            self.failed.emit(ids)
            return False  # the default path shows it: a conflict is a known error (banner)

        what = f"{label} on #{ids[0]}" if len(ids) == 1 else f"{label} on {len(ids)} messages"
        (DbOp(self.ctx, work, parent=self, what=what).retrying(what=what, verify=saved)
         .success(succeeded).failure(failed).run_in_background())

    def set_status(self, ids: Sequence[int], status: str, version: int | None = None) -> None:
        self._run(f"status → {status}", ids,
                  lambda s, i, actor: triage.set_status(s, i, status, actor=actor,
                                                        expected_version=version),
                  lambda s, many, actor: triage.bulk_set_status(s, many, status, actor=actor))

    def assign(self, ids: Sequence[int], who: str | None, version: int | None = None) -> None:
        self._run(f"owner → {who or 'nobody'}", ids,
                  lambda s, i, actor: triage.assign(s, i, who, actor=actor,
                                                    expected_version=version),
                  lambda s, many, actor: triage.bulk_assign(s, many, who, actor=actor))

    def add_tag(self, ids: Sequence[int], tag: str, version: int | None = None) -> None:
        """Tag the leads; a tag nobody has yet is created in the next palette colour (the one
        the tag picker showed beside "Create"), not the core's grey."""
        def single(s: Session, i: int, actor: str) -> triage.Edit:
            _create_in_colour(s, tag, actor)
            return triage.add_tag(s, i, tag, actor=actor, expected_version=version)

        def bulk(s: Session, many: Sequence[int], actor: str) -> Change:
            _create_in_colour(s, tag, actor)
            return triage.bulk_add_tag(s, many, tag, actor=actor)

        self._run(f"tag {tag} added", ids, single, bulk)

    def remove_tag(self, ids: Sequence[int], tag: str, version: int | None = None) -> None:
        self._run(f"tag {tag} removed", ids,
                  lambda s, i, actor: triage.remove_tag(s, i, tag, actor=actor,
                                                        expected_version=version),
                  lambda s, many, actor: triage.bulk_remove_tag(s, many, tag, actor=actor))

    def add_note(self, submission_id: int, text: str) -> None:
        self._run("note added", [submission_id],
                  lambda s, i, actor: triage.add_note(s, i, text, actor=actor),
                  lambda s, many, actor: triage.submission_change(triage.NOTE, []))

    def mark_read(self, submission_id: int) -> None:
        """The owner opened a lead with an unread answer (anyone, while nobody owns it)."""
        actor = self.ctx.actor

        def work(session: Session) -> Change:
            changed = mark_read(session, submission_id, actor=actor)
            return Change.of(Kind.SUBMISSION, [submission_id] if changed else [], ["unread"])

        DbOp(self.ctx, work, parent=self, what="marking the answer read").run_in_background()

    def edit(self, submission_id: int, changes: dict[str, str | None],
             version: int | None = None) -> None:
        """Correct fields of one lead (leaddesk.triage.edits); undoable like any triage action."""
        offers: list[tuple[int, int]] = []

        def single(s: Session, i: int, actor: str) -> triage.Edit:
            offers.clear()  # a retry starts over
            result = triage.edit_submission(s, i, changes, actor=actor, expected_version=version)
            if result.merge_offer is not None:
                offers.append(result.merge_offer)
            return result.change

        def offer() -> None:
            for keep, drop in offers:
                self.merge_offered.emit(keep, drop)

        self._run(f"edited {', '.join(changes)}", [submission_id], single,
                  lambda s, many, actor: triage.submission_change(triage.EDIT, []), after=offer)

    def undo(self) -> bool:
        """Undo the last single-lead action; ``undone(id)`` follows once it is saved, so the
        window can select the restored lead."""
        edit = self.last_edit
        if edit is None:
            return False
        self.last_edit = None
        self._run("undone", [edit.submission_id],
                  lambda s, i, actor: triage.undo(s, edit, actor=actor),
                  lambda s, many, actor: triage.submission_change(edit.action, []),
                  after=lambda: self.undone.emit(edit.submission_id))
        return True


def _create_in_colour(session: Session, name: str, actor: str) -> None:
    tags = triage.list_tags(session)
    wanted = " ".join(name.split()).casefold()
    if wanted and not any(t.name.casefold() == wanted for t in tags):
        triage.create_tag(session, name.strip(), next_tag_colour(t.colour for t in tags),
                          actor=actor)
