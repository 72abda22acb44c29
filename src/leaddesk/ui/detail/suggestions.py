"""The suggestion strip of the lead detail: "Suggested: topic Speakers (82 %) … because …",
with Accept (Y), Reject, and Undo after an accept.

Shown for untriaged leads only (a new submission missing a topic, tags or an owner). The
suggestions are computed in the database worker (leaddesk.suggest, after an incremental update of
the model); the very first training counts in the network pool and holds the database writer only
to store the result. Nothing is applied until the person accepts: the accept goes through triage,
audited as them, and is undone in one click. Everything shown is plain text (values and reasons
come from what visitors and colleagues typed).
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from leaddesk import suggest
from leaddesk.db.models import Status
from leaddesk.errors import ConflictError, NotFoundError
from leaddesk.query import SubmissionRow
from leaddesk.suggest import store

from leaddesk.ui.colours import SUGGESTION_HUE, notice_style
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, NetOp
from leaddesk.ui.safe_text import PlainLabel, tooltip

# Folding in the latest triage costs up to a few hundred milliseconds at 100k leads (the stored
# model is re-encoded), held in the shared database worker: at most this often, not per lead.
# Suggestions a little behind are harmless: a rejected value is never shown again for its lead at
# once, and an accepted lead is no longer untriaged.
REFRESH_SECONDS = store.UPDATE_EVERY_SECONDS


def _load(session: Session, submission_id: int, refresh: bool) -> suggest.Suggestions:
    """The lead's suggestions, after folding in the latest triage when ``refresh``."""
    if refresh:
        store.catch_up(session)
    return suggest.suggest(session, submission_id)


def summary(found: suggest.Suggestions) -> str:
    """One line: what is suggested, with confidence, and why the first suggestion."""
    items = found.all
    if not items:
        return ""
    shown = ", ".join(f"{s.target} {s.value} ({s.percent})" for s in items)
    return f"Suggested: {shown} \u2014 because {items[0].because()}"


def details(found: suggest.Suggestions) -> str:
    return "\n".join(f"{s.target} {s.value}: {s.percent}, because {s.because()}"
                     for s in found.all)


class SuggestionStrip(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionStrip")
        self.setStyleSheet(notice_style("suggestionStrip", SUGGESTION_HUE, self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        self.text = PlainLabel()
        self.text.setObjectName("suggestionText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.accept_button = QPushButton("Accept (Y)")
        self.accept_button.setObjectName("acceptSuggestion")
        self.accept_button.setToolTip("Apply the suggestions as your own triage (undoable)")
        self.accept_button.clicked.connect(self.accept)
        self.reject_button = QPushButton("Reject")
        self.reject_button.setObjectName("rejectSuggestion")
        self.reject_button.setToolTip("Not these: the app learns from it; the lead is unchanged")
        self.reject_button.clicked.connect(self.reject)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoSuggestion")
        self.undo_button.clicked.connect(self.undo)
        for button in (self.accept_button, self.reject_button, self.undo_button):
            layout.addWidget(button)
        self.ctx: AppContext | None = None
        self.lead: int | None = None
        self.shown: suggest.Suggestions | None = None
        self.accepted: suggest.Accepted | None = None
        self._training = False
        self._refreshed = -REFRESH_SECONDS  # the first lead shown brings the model up to date
        self.hide()

    def bind(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------ showing
    def show_row(self, row: SubmissionRow) -> None:
        if row.id != self.lead:
            self.accepted = None
        self.lead, self.shown = row.id, None
        if self.accepted is not None:
            self._show_accepted()
            return
        self.hide()
        if self.ctx is None or not row.is_submission or row.status != Status.NEW.value:
            return
        lead = row.id
        now = time.monotonic()
        refresh = now - self._refreshed >= REFRESH_SECONDS
        if refresh:
            self._refreshed = now
        (DbOp(self.ctx, lambda s: _load(s, lead, refresh), parent=self, what="suggesting")
         .success(lambda found: self._loaded(lead, found))
         .failure(self._quiet).run_in_background())

    def _loaded(self, lead: int, found: suggest.Suggestions) -> None:
        if lead != self.lead or self.accepted is not None:
            return  # the person moved on meanwhile
        if not found.trained:
            self._first_training()
            return
        self.shown = found
        if not found.all:
            self.hide()
            return
        self.text.setText(summary(found))
        self.text.setToolTip(tooltip(details(found)))
        self._buttons(suggesting=True)
        self.show()

    def _show_accepted(self) -> None:
        assert self.accepted is not None
        self.text.setText(f"Applied: {self.accepted.describe()}")
        self.text.setToolTip("")
        self._buttons(suggesting=False)
        self.show()

    def _buttons(self, *, suggesting: bool) -> None:
        self.accept_button.setVisible(suggesting)
        self.reject_button.setVisible(suggesting)
        self.undo_button.setVisible(not suggesting)

    def _quiet(self, exc: BaseException) -> bool:
        # A suggestion that cannot be computed (a conflict, a lead deleted meanwhile) is simply
        # not shown; anything unexpected takes the default path.
        self.hide()
        return isinstance(exc, ConflictError | NotFoundError)

    def _first_training(self) -> None:
        """Nothing learnt yet: count the team's triage once, off the database worker."""
        if self._training or self.ctx is None:
            return
        self._training = True
        ctx = self.ctx

        def done(_trained: store.Trained) -> None:
            self._training = False
            if self.lead is not None and self.shown is None:
                lead = self.lead
                (DbOp(ctx, lambda s: suggest.suggest(s, lead), parent=self, what="suggesting")
                 .success(lambda found: self._loaded(lead, found) if found.trained else None)
                 .failure(self._quiet).run_in_background())

        def failed(exc: BaseException) -> bool:
            self._training = False
            return self._quiet(exc)

        (NetOp(ctx, lambda: store.compute_apart(ctx.db),
               lambda s, trained: store.save(s, trained, revision=None),
               parent=self, what="learning from the team's triage")
         .success(done).failure(failed).run_in_background())

    # ------------------------------------------------------------ deciding
    def accept(self) -> None:
        """Apply what is shown (the Y key): through triage, as the person at the keyboard."""
        found, ctx = self.shown, self.ctx
        if found is None or ctx is None or not self.isVisible() or not found.all:
            return
        actor = ctx.actor

        def work(session: Session) -> suggest.Accepted:
            return suggest.accept(session, found.submission_id, actor=actor, shown=found)

        def applied(accepted: suggest.Accepted) -> None:
            if self.lead == accepted.submission_id:
                self.accepted = accepted
                self._show_accepted()

        DbOp(ctx, work, parent=self, what="accepting the suggestions").success(
            applied).run_in_background()

    def reject(self) -> None:
        found, ctx = self.shown, self.ctx
        if found is None or ctx is None:
            return
        actor = ctx.actor
        lead = found.submission_id

        def work(session: Session) -> suggest.Suggestions:
            suggest.reject(session, lead, actor=actor, shown=found)
            return suggest.suggest(session, lead)

        self.hide()
        DbOp(ctx, work, parent=self, what="rejecting the suggestions").success(
            lambda again: self._loaded(lead, again)).run_in_background()

    def undo(self) -> None:
        accepted, ctx = self.accepted, self.ctx
        if accepted is None or ctx is None:
            return
        actor = ctx.actor

        def work(session: Session) -> list[object]:
            return list(suggest.undo_accept(session, accepted, actor=actor))

        def undone(_result: list[object]) -> None:
            self.accepted = None
            self.hide()

        DbOp(ctx, work, parent=self, what="undoing the accepted suggestions").success(
            undone).run_in_background()
