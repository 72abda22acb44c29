"""Accounts in Settings: IMAP mailboxes, SMTP identities and API sources, added, edited, removed
and tested from the window.

Settings go to the database, passwords and tokens to the keyring through ``leaddesk.secrets``.
Every keyring or network call runs in the network pool (a locked keyring may take its full
timeout); the window only ever waits on a signal. A failure is one line under the form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from leaddesk import accounts, connection, secrets
from leaddesk.accounts import AccountInfo
from leaddesk.errors import LeadDeskError

from leaddesk.ui.colours import message_style
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, NetOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel, ask_yes_no
from leaddesk.ui.widgets import close_button, dialog_layout

KIND_LABELS = {"imap": "Mailbox (IMAP)", "smtp": "Sending (SMTP)", "api": "Form API",
               "file": "Files"}
SECRET_WORD = {"api": "Token"}
NONE = "— none —"



def _error_label() -> QLabel:
    label = PlainLabel()
    label.setWordWrap(True)
    return label


def show_result(label: QLabel, text: str, *, ok: bool) -> None:
    label.setStyleSheet(message_style(ok=ok, widget=label))
    label.setText(text)


class AccountEditor(QDialog):
    """Add or edit one account of a kind; "Test connection" tries the values as typed."""

    def __init__(self, ctx: AppContext, kind: str, *,
                 existing: AccountInfo | None = None, imap_names: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.existing = existing
        self.saved: AccountInfo | None = None
        verb = "Edit" if existing else "Add"
        self.setWindowTitle(f"{verb} {KIND_LABELS.get(kind, kind)} account")
        self.setMinimumWidth(500)
        s: dict[str, Any] = dict(existing.settings) if existing else {}
        self.form = QFormLayout(self)
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setReadOnly(existing is not None)
        self.name.setPlaceholderText({"smtp": "replies", "api": "netlify"}.get(kind, "website"))
        self.form.addRow("Name", self.name)
        self.fields: dict[str, QLineEdit] = {}
        if kind in ("imap", "smtp"):
            self._server_rows(kind, s)
        if kind == "imap":
            self._line("folder", "Folder", s.get("folder") or "INBOX")
        if kind == "smtp":
            self._line("from_address", "From address", s.get("from_address"), "team@example.com")
            self._line("from_name", "From name", s.get("from_name"), "Ada from Example Agency")
            self.sent_account = QComboBox()
            self.sent_account.addItem(NONE, None)
            for name in imap_names or []:
                self.sent_account.addItem(name, name)
            index = self.sent_account.findData(s.get("sent_account"))
            self.sent_account.setCurrentIndex(max(index, 0))
            self.form.addRow("Copy to Sent of", self.sent_account)
            self._line("sent_folder", "Sent folder", s.get("sent_folder"),
                       "found automatically (\\Sent)")
            self.after_send = QComboBox()
            self.after_send.addItems(list(accounts.AFTER_SEND_CHOICES))
            self.after_send.setCurrentText(s.get("after_send") or accounts.DEFAULT_AFTER_SEND)
            self.form.addRow("Status after replying", self.after_send)
        if kind == "api":
            self.preset = QComboBox()
            self.preset.addItems(list(accounts.API_PRESETS))
            self.preset.setCurrentText(s.get("preset") or "netlify")
            self.form.addRow("Service", self.preset)
            self._line("base_url", "Base URL", s.get("base_url"), "only for generic or self-hosted")
            self._line("form", "Form", s.get("form"), "site or form id")
        word = SECRET_WORD.get(kind, "Password")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        if existing:
            self.secret.setPlaceholderText(f"leave empty to keep the stored {word.lower()}")
        self.form.addRow(word, self.secret)
        note = PlainLabel(f"The {word.lower()} is kept in your system keyring, never in a file or "
                      f"the database.")
        note.setWordWrap(True)
        note.setEnabled(False)
        self.form.addRow(note)
        self.status = _error_label()
        self.form.addRow(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.test_button = self.buttons.addButton("Test connection",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)

    def _line(self, key: str, label: str, value: Any, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(str(value) if value not in (None, "") else "")
        edit.setPlaceholderText(placeholder)
        self.fields[key] = edit
        self.form.addRow(label, edit)
        return edit

    def _server_rows(self, kind: str, s: dict[str, Any]) -> None:
        self._line("host", "Server", s.get("host"), f"{kind}.example.com")
        self.security = QComboBox()
        self.security.addItems(list(accounts.SECURITY_MODES))
        self.security.setCurrentText(s.get("security") or "ssl")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(s.get("port") or accounts.DEFAULT_PORTS[(kind, "ssl")]))
        self.security.currentTextChanged.connect(
            lambda mode: self.port.setValue(accounts.DEFAULT_PORTS[(kind, mode)]))
        self.form.addRow("Security", self.security)
        self.form.addRow("Port", self.port)
        self._line("user", "User", s.get("user"), "info@example.com")
        self._line("ca_file", "CA file", s.get("ca_file"),
                   "only for a server with its own certificate authority")

    def settings(self) -> dict[str, Any]:
        values: dict[str, Any] = {k: e.text().strip() or None for k, e in self.fields.items()}
        if self.kind in ("imap", "smtp"):
            values.update(security=self.security.currentText(), port=self.port.value())
        if self.kind == "smtp":
            values.update(sent_account=self.sent_account.currentData(),
                          after_send=self.after_send.currentText())
        if self.kind == "api":
            values.update(preset=self.preset.currentText(),
                          config=dict((self.existing.settings if self.existing else {})
                                      .get("config") or {}))
        return values

    def _busy(self, text: str) -> None:
        self.buttons.setEnabled(False)
        show_result(self.status, text, ok=True)

    def _done(self, text: str, *, ok: bool) -> None:
        self.buttons.setEnabled(True)
        show_result(self.status, text, ok=ok)

    def test(self) -> None:
        """Log in with the values as typed (the stored secret when the field is empty)."""
        try:
            checked = accounts.check_settings(self.kind, self.settings())
        except LeadDeskError as exc:
            show_result(self.status, str(exc), ok=False)
            return
        typed = self.secret.text()
        ref = self.existing.secret_ref if self.existing else None
        info = AccountInfo(self.existing.id if self.existing else 0,
                           self.name.text().strip() or "new", self.kind, checked, ref, True)
        if not typed and ref is None:
            show_result(self.status, "Fill in the password first.", ok=False)
            return

        def work() -> str:
            secret = typed or secrets.get_secret(str(ref))
            return connection.check_connection(info, secret)

        self._busy("Testing the connection…")
        (NetOp(self.ctx, work, parent=self, what="testing the connection")
         .success(lambda text: self._done(f"OK: {text}", ok=True))
         .failure(self._failed).run_in_background())

    def _failed(self, exc: BaseException) -> bool:
        self._done("That did not work.", ok=False)
        return bool(known_error_in(lambda text: self._done(text, ok=False))(exc))

    def save(self) -> None:
        name = self.name.text().strip()
        secret = self.secret.text()
        if self.existing is None and not secret:
            show_result(self.status, f"Fill in the {SECRET_WORD.get(self.kind, 'password').lower()}.",
                        ok=False)
            return
        values, kind, existing = self.settings(), self.kind, self.existing
        db, actor = self.ctx.db, self.ctx.actor

        def work() -> AccountInfo:
            # Keyring and database together, off the GUI thread: a refusing keyring rolls back.
            return accounts.save_account(db, existing.name if existing else name, values,
                                         kind=None if existing else kind,
                                         secret=secret or None, actor=actor)

        def saved(info: AccountInfo) -> None:
            self.saved = info
            self.accept()

        self._busy("Saving…")
        (NetOp(self.ctx, work, parent=self, what="saving the account")
         .success(saved).failure(self._failed).run_in_background())


class AccountsTab(QWidget):
    """The Settings tab: every account, with add, edit, remove and test."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.accounts: list[AccountInfo] = []
        layout = QVBoxLayout(self)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Name", "Kind", "Connects to", "From / folder"])
        self.list.setRootIsDecorated(False)
        self.list.itemDoubleClicked.connect(lambda *_: self.edit())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for label, handler in (("Add mailbox…", lambda: self.add("imap")),
                               ("Add SMTP…", lambda: self.add("smtp")),
                               ("Add API source…", lambda: self.add("api")),
                               ("Edit…", self.edit), ("Remove", self.remove),
                               ("Test connection", self.test)):
            button = QPushButton(label)
            button.clicked.connect(handler)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = _error_label()
        layout.addWidget(self.result)
        self.refresh()

    def refresh(self) -> None:
        DbOp(self.ctx, accounts.list_accounts, parent=self, what="listing the accounts").success(
            self._show).failure(self._failed).run_in_background()

    def _failed(self, exc: BaseException) -> bool:
        return bool(known_error_in(lambda text: show_result(self.result, text, ok=False))(exc))

    def _show(self, found: list[AccountInfo]) -> None:
        self.accounts = found
        self.list.clear()
        for a in found:
            extra = a.settings.get("from_address") or a.settings.get("folder") or ""
            item = QTreeWidgetItem([a.name + ("" if a.enabled else " (off)"),
                                    KIND_LABELS.get(a.kind, a.kind), a.describe(), str(extra)])
            item.setData(0, 256, a.name)
            self.list.addTopLevelItem(item)
        for column in range(3):
            self.list.resizeColumnToContents(column)
        for column in range(2):  # short columns get some air; the address column is long already
            self.list.setColumnWidth(column, self.list.columnWidth(column) + 12)

    def chosen(self) -> AccountInfo | None:
        item = self.list.currentItem()
        name = item.data(0, 256) if item is not None else None
        return next((a for a in self.accounts if a.name == name), None)

    def _imap_names(self) -> list[str]:
        return [a.name for a in self.accounts if a.kind == "imap"]

    def add(self, kind: str) -> AccountInfo | None:
        editor = AccountEditor(self.ctx, kind,
                               imap_names=self._imap_names(), parent=self)
        if editor.exec() and editor.saved is not None:
            show_result(self.result, f"Added {editor.saved.name}.", ok=True)
            self.refresh()
        return editor.saved

    def edit(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        editor = AccountEditor(self.ctx, chosen.kind, existing=chosen,
                               imap_names=self._imap_names(), parent=self)
        if editor.exec() and editor.saved is not None:
            show_result(self.result, f"Saved {chosen.name}.", ok=True)
            self.refresh()

    def remove(self, *, confirm: bool = True) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        if confirm and not ask_yes_no(
                self, "Remove account", f"Remove {chosen.name} and its keyring entry? Messages "
                f"already fetched stay."):
            return

        db, actor = self.ctx.db, self.ctx.actor

        def removed(info: AccountInfo) -> None:
            show_result(self.result, f"Removed {info.name}.", ok=True)
            self.refresh()

        (NetOp(self.ctx, lambda: accounts.delete_account(db, chosen.name, actor=actor),
               parent=self, what="removing the account")
         .success(removed).failure(self._failed).run_in_background())

    def test(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen.secret_ref is None:
            return
        ref = chosen.secret_ref

        def work() -> str:
            return connection.check_connection(chosen, secrets.get_secret(ref))

        show_result(self.result, f"Testing {chosen.name}…", ok=True)
        (NetOp(self.ctx, work, parent=self, what=f"testing {chosen.name}")
         .success(lambda text: show_result(self.result, f"{chosen.name}: OK, {text}", ok=True))
         .failure(known_error_in(lambda text: show_result(self.result, f"{chosen.name}: {text}",
                                                          ok=False)))
         .run_in_background())


class AccountsDialog(QDialog):
    """The accounts tab on its own, for the welcome page's "Add API source…"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = dialog_layout(self, "Accounts", 760, 420)
        self.tab = AccountsTab(ctx, self)
        layout.addWidget(self.tab)
        close_button(self, layout)
