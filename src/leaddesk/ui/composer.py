"""The reply window: To, Cc, Subject, a saved reply to start from, and the text with the quote.

Non-modal, so the inbox stays usable while writing. Loading runs in the database pool; sending
(keyring, SMTP, the copy to Sent) runs in the network pool. A failure keeps the window open with
the error and the draft stored; success closes it and tells the main window to refresh the lead.
Closing an unsent, edited reply keeps it as a draft for next time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk import accounts
from leaddesk.accounts import AccountInfo
from leaddesk.changes import Change, Kind
from leaddesk.reply import compose, service, templates
from leaddesk.reply.compose import Draft, Lead
from leaddesk.reply.templates import TemplateInfo

from leaddesk.ui.colours import message_style
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, NetOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel, without_overrides
from leaddesk.ui.widgets import resize_within_screen

NO_TEMPLATE = "— no template —"


@dataclass(frozen=True)
class ComposeData:
    lead: Lead
    accounts: list[AccountInfo]
    templates: list[TemplateInfo]
    stored: service.StoredDraft | None


def _addresses(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split(",") if a.strip())


class Composer(QWidget):
    sent = Signal(object)  # service.SendResult

    def __init__(self, ctx: AppContext, submission_id: int,
                 parent: QWidget | None = None, *, template: str | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.submission_id = submission_id
        self.actor = ctx.actor  # who writes this reply, even if "I am" changes meanwhile
        self.start_template = template  # the saved reply chosen from the lead's header
        self.data: ComposeData | None = None
        self.reply_id: int | None = None
        self.finished = False
        self.setWindowTitle("Reply")
        resize_within_screen(self, 720, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.account = QComboBox()
        self.account.setToolTip("The SMTP account the reply goes out through")
        self.to = QLineEdit()
        self.cc = QLineEdit()
        self.cc.setPlaceholderText("optional; separate addresses with commas")
        self.subject = QLineEdit()
        self.template = QComboBox()
        self.template.setToolTip("Fills in the visitor's name, the post they read and your name; "
                                 "manage templates in Settings → Templates")
        self.template.activated.connect(self._template_chosen)
        self.reply_as = PlainLabel(self.actor)
        self.reply_as.setObjectName("replyAs")
        self.reply_as.setToolTip("Who signs and owns this reply: Settings → General → I am")
        for label, widget in (("Reply as", self.reply_as), ("From", self.account), ("To", self.to),
                              ("Cc", self.cc),
                              ("Subject", self.subject), ("Template", self.template)):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.body = QPlainTextEdit()
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        layout.addWidget(self.body, 1)
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send now (Ctrl+Return)")
        self.save_button = QPushButton("Save draft")
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.send_button.clicked.connect(self.send)
        self.save_button.clicked.connect(self.save_draft)
        self.buttons.rejected.connect(self.close)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.send)
        self._set_busy(True, "Loading…")
        self._load()

    # ------------------------------------------------------------ loading
    def _load(self) -> None:
        sid, actor = self.submission_id, self.actor

        def load(session: Session) -> ComposeData:
            return ComposeData(
                lead=compose.load_lead(session, sid),
                accounts=[a for a in accounts.list_accounts(session, "smtp") if a.enabled],
                templates=templates.list_templates(session),
                stored=service.unsent_draft(session, sid, actor))

        def failed(exc: BaseException) -> bool:
            self._set_busy(False, "The reply cannot be written now.", error=True)
            return bool(known_error_in(lambda text: self._set_busy(False, text, error=True))(exc))

        DbOp(self.ctx, load, parent=self, what="opening the reply").success(
            self._loaded).failure(failed).run_in_background()

    def _loaded(self, data: ComposeData) -> None:
        self.data = data
        # A title is plain text, but a stranger's override would reverse it.
        self.setWindowTitle(without_overrides(
            f"Reply to {data.lead.name or data.lead.email or 'the visitor'}"))
        self.account.clear()
        for info in data.accounts:
            sender = info.settings.get("from_address", "")
            self.account.addItem(f"{info.settings.get('from_name') or info.name} <{sender}>",
                                 info.name)
        self.template.clear()
        self.template.addItem(NO_TEMPLATE)
        for t in data.templates:
            self.template.addItem(t.name)
        stored = data.stored
        if stored is not None:
            self.reply_id = stored.reply_id
            chosen = next((i for i, a in enumerate(data.accounts) if a.id == stored.account_id), 0)
            self.account.setCurrentIndex(chosen)
            self._fill(stored.draft)
        else:
            self._fill(compose.default_draft(data.lead, my_name=self._my_name()))
        self.body.document().setModified(False)
        if stored is None and self.start_template:
            self.apply_template(self.start_template)
        problem, error = None, True
        if not data.accounts:
            problem = ("No SMTP account to send from yet: add one in Settings → Accounts. "
                       "You can still write and save a draft.")
        elif stored is not None and stored.error:
            problem = f"The last attempt failed: {stored.error}"
        elif stored is not None:
            problem, error = "Your unsent draft of this reply is back.", False
        self._set_busy(False, problem, error=error)
        self.send_button.setEnabled(bool(data.accounts))
        self.body.setFocus()
        self.body.moveCursor(self.body.textCursor().MoveOperation.Start)

    def _fill(self, draft: Draft) -> None:
        self.to.setText(", ".join(draft.to))
        self.cc.setText(", ".join(draft.cc))
        self.subject.setText(draft.subject)
        self.body.setPlainText(draft.body)

    def _chosen_account(self) -> AccountInfo | None:
        if self.data is None or not self.data.accounts:
            return None
        name = self.account.currentData()
        return next((a for a in self.data.accounts if a.name == name), self.data.accounts[0])

    def _my_name(self) -> str:
        return service.my_name(self._chosen_account(), self.actor)

    def draft(self) -> Draft:
        return Draft(to=_addresses(self.to.text()), cc=_addresses(self.cc.text()),
                     subject=self.subject.text().strip(), body=self.body.toPlainText())

    def apply_template(self, name: str) -> None:
        """Put the saved reply ``name`` above the quote (recipients stay as typed)."""
        index = self.template.findText(name)
        if index >= 0:
            self.template.setCurrentIndex(index)
            self._template_chosen(index)

    def _template_chosen(self, index: int) -> None:
        if self.data is None or index <= 0:
            return
        template = self.data.templates[index - 1]
        self._fill(compose.apply_template(self.draft(), self.data.lead, template,
                                          my_name=self._my_name()))
        self.body.document().setModified(True)

    # ------------------------------------------------------------ actions
    def _set_busy(self, busy: bool, message: str | None = None, *, error: bool = False) -> None:
        for widget in (self.send_button, self.save_button, self.body, self.to, self.cc,
                       self.subject, self.template, self.account):
            widget.setEnabled(not busy)
        self.say(message, error=error)

    def say(self, message: str | None, *, error: bool = False) -> None:
        self.error.setStyleSheet(message_style(ok=False, widget=self) if error else "")
        self.error.setVisible(bool(message))
        self.error.setText(message or "")

    def send(self) -> None:
        account = self._chosen_account()
        if account is None or self.data is None or not self.send_button.isEnabled():
            return
        draft = self.draft()
        self._set_busy(True, f"Sending through {account.name}…")
        # net_db: the send runs on the network pool and hands its writes to the database worker.
        sid, actor, reply_id, db = self.submission_id, self.actor, self.reply_id, self.ctx.net_db

        def work() -> service.SendResult:
            return service.send_reply(db, sid, draft, account, actor=actor, reply_id=reply_id)

        def changed(result: service.SendResult) -> list[Change]:
            fields = {"replies", "status"} if result.status else {"replies"}
            return [Change.of(Kind.SUBMISSION, [sid], fields)]

        (NetOp(self.ctx, work, parent=self, what="sending the reply").changes(changed)
         .success(self._sent).failure(self._failed).run_in_background())

    def _sent(self, result: service.SendResult) -> None:
        self.finished = True
        self.sent.emit(result)
        self.close()

    def _failed(self, exc: BaseException) -> bool:
        # The service kept the draft (marked failed); the next Send continues that same reply.
        self._set_busy(False, "Not sent; the draft is kept.", error=True)
        return bool(known_error_in(
            lambda text: self._set_busy(False, f"Not sent: {text}", error=True))(exc))

    def save_draft(self) -> None:
        draft = self.draft()
        account = self._chosen_account()
        sid, actor, reply_id = self.submission_id, self.actor, self.reply_id

        def work(session: Session) -> int:
            return service.store_draft(session, sid, draft, actor=actor, reply_id=reply_id,
                                       account_id=account.id if account else None)

        def saved(new_id: int) -> None:
            self.reply_id = new_id
            self.body.document().setModified(False)
            self.say("Draft saved.")

        (DbOp(self.ctx, work, parent=self, what="saving the draft")
         .changes(lambda _id: [Change.of(Kind.SUBMISSION, [sid], {"replies"})])
         .success(saved).failure(known_error_in(lambda text: self.say(text, error=True)))
         .run_in_background())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape leaves, as from a dialog; an edited reply is kept as a draft (closeEvent). A
        # key event rather than a shortcut: it works whichever window the system calls active.
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # An edited, unsent reply is never lost: it is kept as a draft for next time.
        if not self.finished and self.data is not None and self.body.document().isModified():
            self.save_draft()
        super().closeEvent(event)
