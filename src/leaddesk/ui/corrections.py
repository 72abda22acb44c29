"""The window's side of correcting and re-reading leads, wired in one place.

- the detail pane's verdict bar and the N key bring a hidden lead back (status new);
- the pane's "Correct details" form saves through TriageActions.edit (version-checked, Ctrl+Z);
  an e-mail that belongs to another contact offers to merge the two;
- the field grid's context menu (Message tab) teaches a label for the message's form, then offers to re-read
  the stored mail;
- re-reading runs in the background with progress and a Cancel in the status bar; on start, the
  messages an older parser read are re-read by themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableWidget,
)

from leaddesk import contacts, detail
from leaddesk.changes import Change, Kind
from leaddesk.db.models import Submission
from leaddesk.posts.topics import known_topics

from leaddesk.ui.context import AppContext
from leaddesk.ui.inbox import InboxPage
from leaddesk.ui.operations import DbOp
from leaddesk.ui.reparse_controller import ReparseController
from leaddesk.ui.safe_text import action_text, ask_yes_no, tooltip
from leaddesk.ui.triage_actions import TriageActions

if TYPE_CHECKING:
    # The labels (and through them the whole parser) are loaded when a label is taught, not to
    # start the window.
    from leaddesk.ingest import labels

# What the field grid (Message tab) offers to teach, in the words people use.
TEACH = (("name", "Name"), ("first_name", "First name"), ("last_name", "Last name"),
         ("email", "E-mail"), ("phone", "Phone"), ("company", "Company"), ("topic", "Topic"),
         ("message", "Message"), ("page_url", "Page URL"))


def team_topics(session: Session) -> list[str]:
    """The topics to pick from: mapped and category topics, and those leads already carry."""
    found = dict(known_topics(session))
    for topic in session.scalars(select(Submission.topic).distinct()
                                 .where(Submission.topic.is_not(None))):
        if topic:
            found.setdefault(topic.casefold(), topic)
    return sorted(found.values(), key=str.casefold)


class Corrections(QObject):
    def __init__(self, window: QMainWindow, ctx: AppContext, ops: TriageActions,
                 inbox: InboxPage) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.ops = ops
        self.inbox = inbox
        self.reparse = ReparseController(ctx, self)
        pane = inbox.detail
        pane.verdict.restore_requested.connect(self.restore)
        pane.edit.save_requested.connect(self.save_edit)
        ops.merge_offered.connect(self.offer_merge)
        ctx.bus.changes_made.connect(self._changes_made)
        fields: QTableWidget = pane.message.fields
        fields.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        fields.customContextMenuRequested.connect(self._fields_menu)

        bar = window.statusBar()
        self.progress = QProgressBar()
        self.progress.setObjectName("reparseProgress")
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("Re-reading %v/%m")
        self.progress.setToolTip(tooltip(
            "Stored mail read again with this version's parser. After an upgrade it goes on "
            "in your pauses: it waits while you type, click or scroll."))
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("reparseCancel")
        self.cancel.clicked.connect(self.reparse.cancel)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel)
        self._show_progress(False)
        self.reparse.running_changed.connect(self._show_progress)
        self.reparse.progress.connect(self._advance)
        self.reparse.finished.connect(self._reparsed)
        self.load_topics()

    # ------------------------------------------------------------ hidden leads
    def restore(self) -> None:
        """N: a hidden lead (spam, not a submission) back to new; any lead to new."""
        ids = self.inbox.selected_ids()
        if ids:
            self.ops.set_status(ids, "new", self.inbox.shown_version())

    # ------------------------------------------------------------ corrections
    def save_edit(self, changes: dict[str, str | None]) -> None:
        shown = self.inbox.shown()
        if shown is not None:
            self.ops.edit(shown.row.id, changes, shown.row.version)

    def load_topics(self) -> None:
        DbOp(self.ctx, team_topics, parent=self, what="listing topics").success(
            self.inbox.detail.edit.set_topics).run_in_background()

    def _changes_made(self, changes: list[Change], _initiator: object) -> None:
        if any(c.kind in (Kind.POST, Kind.ANY) or (c.kind == Kind.SUBMISSION and c.fields
                                                   is not None and "topic" in c.fields)
               for c in changes):
            self.load_topics()  # a topic typed by hand, or a new mapping, joins the list

    def ask(self, title: str, text: str) -> bool:
        """A yes/no question (tests answer it without a dialog)."""
        return ask_yes_no(self.window, title, text)

    def offer_merge(self, keep: int, drop: int) -> None:
        if not self.ask("Merge contacts?",
                        f"This address already belongs to contact {keep}. Merge contact {drop} "
                        f"(the lead's previous contact) into it? Its other address is kept as an "
                        f"alias."):
            return

        actor = self.ctx.actor
        (DbOp(self.ctx, lambda s: contacts.merge_contacts(s, keep, drop, actor=actor),
              parent=self.window, what="merging contacts")
         .success(self._merged).run_in_background())

    def _merged(self, result: contacts.MergeResult) -> None:
        self.window.statusBar().showMessage(
            f"Merged contact {result.dropped_id} into {result.kept.id}", 5000)

    # ------------------------------------------------------------ teaching a label
    def _fields_menu(self, point: QPoint) -> None:
        table = self.inbox.detail.message.fields
        item = table.item(table.rowAt(point.y()), 0)
        menu = QMenu(table)
        if item is not None:
            label = item.text()
            teach = menu.addMenu(action_text(f"“{label}” is the…"))
            for key, text in TEACH:
                action = QAction(action_text(text), teach)
                action.triggered.connect(lambda _=False, k=key, lb=label: self.teach(lb, k))
                teach.addAction(action)
        reread = menu.addAction("Re-read stored mail now")
        reread.triggered.connect(self.start_all)
        menu.popup(table.viewport().mapToGlobal(point))

    def teach(self, label: str, field: str) -> None:
        """Remember that ``label`` on this message's form is ``field``; offer to re-read."""
        shown = self.inbox.shown()
        if shown is None:
            return
        sid, page, actor = shown.row.id, shown.row.page_url or "", self.ctx.actor

        from leaddesk.ingest import labels

        def work(session: Session) -> labels.LabelRule:
            # The notification's sender; a record without one (a form API's JSON) by its page's
            # host rather than every form.
            form = labels.sender_of(detail.raw_bytes(session, sid)) or labels.host_of(page)
            return labels.map_label(session, label, field, form=form, actor=actor)

        DbOp(self.ctx, work, parent=self.window, what="teaching a label").success(
            self._taught).run_in_background()

    def _taught(self, rule: labels.LabelRule) -> None:
        where = f"mail from {rule.form}" if rule.form else "every form"
        if self.ask("Label taught",
                    f"“{rule.label}” is now read as {rule.field.replace('_', ' ')} on {where}; "
                    f"new mail is read with it.\n\nRe-read the stored mail now? Fields a person "
                    f"corrected stay as they are."):
            self.start_all()

    # ------------------------------------------------------------ re-reading
    def start_all(self) -> None:
        if not self.reparse.start_all():
            self.window.statusBar().showMessage("A re-read is already running", 3000)

    def start_stale(self) -> None:
        self.reparse.start_stale()

    def _show_progress(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel.setVisible(running)
        if running:
            self.progress.setRange(0, 0)

    def _advance(self, done: int, total: object) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _reparsed(self, summary: str, changed: int) -> None:
        # What changed reached the pages over the bus; the summary says how many.
        self.window.statusBar().showMessage(summary, 8000)
