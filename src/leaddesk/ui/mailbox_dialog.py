"""Adding an IMAP mailbox from the window: settings to the database, the password to the keyring.

The connection is tested in a worker before anything is saved, so a typo in the host or a wrong
password is reported in the dialog (one clear line) instead of at the first sync.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from leaddesk import accounts
from leaddesk.account_settings import ImapSettings
from leaddesk.accounts import DEFAULT_PORTS, AccountInfo
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import imap

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import NetOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel


class MailboxDialog(QDialog):
    def __init__(self, ctx: AppContext,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.added: AccountInfo | None = None
        self.setWindowTitle("Add a mailbox")
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        self.name = QLineEdit("website")
        self.host = QLineEdit()
        self.host.setPlaceholderText("imap.example.com")
        self.security = QComboBox()
        self.security.addItems(list(accounts.SECURITY_MODES))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.security.currentTextChanged.connect(
            lambda mode: self.port.setValue(DEFAULT_PORTS[("imap", mode)]))
        self.user = QLineEdit()
        self.user.setPlaceholderText("info@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder = QLineEdit("INBOX")
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("only for a server with its own certificate authority")
        for label, widget in (("Name", self.name), ("Server", self.host),
                              ("Security", self.security), ("Port", self.port),
                              ("User", self.user), ("Password", self.password),
                              ("Folder", self.folder), ("CA file", self.ca_file)):
            form.addRow(label, widget)
        note = PlainLabel("The password is kept in your system keyring, never in a file.")
        note.setWordWrap(True)
        form.addRow(note)
        self.status = PlainLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._test_and_save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _settings(self) -> dict[str, object]:
        return {"host": self.host.text().strip(), "port": self.port.value(),
                "security": self.security.currentText(), "user": self.user.text().strip(),
                "folder": self.folder.text().strip() or "INBOX",
                "ca_file": self.ca_file.text().strip() or None}

    def _test_and_save(self) -> None:
        name = self.name.text().strip()
        password = self.password.text()
        if not self.host.text().strip() or not password:
            self.status.setText("Fill in the server, the user and the password.")
            return
        try:
            settings = ImapSettings.parse(self._settings())
        except LeadDeskError as exc:  # plain to another machine, no user…: one line, here
            self.status.setText(str(exc))
            return
        self.status.setText("Checking the connection…")
        self.buttons.setEnabled(False)
        db, actor = self.ctx.db, self.ctx.actor

        def work() -> AccountInfo:
            # Network pool: the login and the keyring may each take seconds.
            imap.logout(imap.connect(settings, password))
            return accounts.save_account(db, name, settings.to_dict(), kind="imap",
                                         secret=password, actor=actor)

        def saved(info: AccountInfo) -> None:
            self.added = info
            self.accept()

        def failed(exc: BaseException) -> bool:
            self.buttons.setEnabled(True)
            self.status.setText("Not added.")
            return bool(known_error_in(self.status.setText)(exc))

        (NetOp(self.ctx, work, parent=self, what="adding the mailbox")
         .success(saved).failure(failed).run_in_background())
