"""The window's side of correcting and re-reading leads, wired in one place.

- the detail pane's verdict bar and the N key bring a hidden lead back (status new);
- the pane's "Correct details" form saves through Operations.edit (version-checked, Ctrl+Z);
  an e-mail that belongs to another contact offers to merge the two;
- the Fields tab's context menu teaches a label for the message's form, then offers to re-read
  the stored mail;
- re-reading runs in the background with progress and a Cancel in the status bar; on start, the
  messages an older parser read are re-read by themselves.
"""

from __future__ import annotations

from sqlalchemy import select

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
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import labels
from leaddesk.posts.topics import known_topics

from leaddesk.ui.banner import Banner
from leaddesk.ui.inbox import InboxPage
from leaddesk.ui.operations import Operations, Outcome
from leaddesk.ui.reparse_controller import ReparseController
from leaddesk.ui.safe_text import ask_yes_no
from leaddesk.ui.tasks import TaskRunner

# What the Fields tab offers to teach, in the words people use.
TEACH = (("name", "Name"), ("first_name", "First name"), ("last_name", "Last name"),
         ("email", "E-mail"), ("phone", "Phone"), ("company", "Company"), ("topic", "Topic"),
         ("message", "Message"), ("page_url", "Page URL"))


def team_topics(db: Database) -> list[str]:
    """The topics to pick from: mapped and category topics, and those leads already carry."""
    with db.session() as session:
        found = dict(known_topics(session))
        for topic in session.scalars(select(Submission.topic).distinct()
                                     .where(Submission.topic.is_not(None))):
            if topic:
                found.setdefault(topic.casefold(), topic)
    return sorted(found.values(), key=str.casefold)


class Corrections(QObject):
    def __init__(self, window: QMainWindow, db: Database, tasks: TaskRunner, ops: Operations,
                 inbox: InboxPage, banner: Banner, me: str) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.tasks = tasks
        self.ops = ops
        self.inbox = inbox
        self.banner = banner
        self.me = me
        self.reparse = ReparseController(db, tasks, self)
        pane = inbox.detail
        pane.verdict.restore_requested.connect(self.restore)
        pane.edit.save_requested.connect(self.save_edit)
        ops.merge_offered.connect(self.offer_merge)
        ops.succeeded.connect(self._after_operation)
        fields: QTableWidget = pane.message.fields
        fields.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        fields.customContextMenuRequested.connect(self._fields_menu)

        bar = window.statusBar()
        self.progress = QProgressBar()
        self.progress.setObjectName("reparseProgress")
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("Re-reading %v/%m")
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
            self.ops.set_status(ids, "new", self.inbox._version())

    # ------------------------------------------------------------ corrections
    def save_edit(self, changes: dict[str, str | None]) -> None:
        shown = self.inbox.detail.current
        if shown is not None:
            self.ops.edit(shown.row.id, changes, shown.row.version)

    def load_topics(self) -> None:
        self.tasks.db(lambda: team_topics(self.db), self.inbox.detail.edit.set_topics)

    def _after_operation(self, outcome: Outcome) -> None:
        if outcome.change is not None and outcome.change.action == "edit":
            self.load_topics()  # a topic typed by hand joins the list

    def ask(self, title: str, text: str) -> bool:
        """A yes/no question (tests answer it without a dialog)."""
        return ask_yes_no(self.window, title, text)

    def offer_merge(self, keep: int, drop: int) -> None:
        if not self.ask("Merge contacts?",
                        f"This address already belongs to contact {keep}. Merge contact {drop} "
                        f"(the lead's previous contact) into it? Its other address is kept as an "
                        f"alias."):
            return

        def work() -> str:
            with self.db.session() as session:
                result = contacts.merge_contacts(session, keep, drop, actor=self.me)
            return f"Merged contact {result.dropped_id} into {result.kept.id}"

        self.tasks.db(work, self._merged, lambda exc: self.banner.show_message(str(exc)))

    def _merged(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)
        self.inbox.refresh()

    # ------------------------------------------------------------ teaching a label
    def _fields_menu(self, point: QPoint) -> None:
        table = self.inbox.detail.message.fields
        item = table.item(table.rowAt(point.y()), 0)
        menu = QMenu(table)
        if item is not None:
            label = item.text()
            teach = menu.addMenu(f"“{label}” is the…")
            for key, text in TEACH:
                action = QAction(text, teach)
                action.triggered.connect(lambda _=False, k=key, lb=label: self.teach(lb, k))
                teach.addAction(action)
        reread = menu.addAction("Re-read stored mail now")
        reread.triggered.connect(self.start_all)
        menu.popup(table.viewport().mapToGlobal(point))

    def teach(self, label: str, field: str) -> None:
        """Remember that ``label`` on this message's form is ``field``; offer to re-read."""
        shown = self.inbox.detail.current
        if shown is None:
            return
        sid, page = shown.row.id, shown.row.page_url or ""

        def work() -> labels.LabelRule:
            with self.db.session() as session:
                # The notification's sender; a record without one (a form API's JSON) by its
                # page's host rather than every form.
                form = labels.sender_of(detail.raw_bytes(session, sid)) or labels.host_of(page)
                return labels.map_label(session, label, field, form=form, actor=self.me)

        self.tasks.db(work, self._taught, lambda exc: self.banner.show_message(str(exc)))

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
        self.window.statusBar().showMessage(summary, 8000)
        if changed:
            self.inbox.refresh()
