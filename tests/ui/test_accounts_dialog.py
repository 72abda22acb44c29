"""Accounts and templates in Settings: add, edit, test and remove from the window, secrets to the
keyring only (in a worker, with a timeout), errors in one line under the form."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from leaddesk import accounts, secrets
from leaddesk.db import Database
from leaddesk.reply import templates
from tests.support import smtp as smtp_support
from tests.support.smtp import ServerFactory
from tests.test_secrets import HangingKeyring, using_keyring
from tests.ui.conftest import inline_context
from tests.ui.hostile import LONG_WORD, MARKUP, on_a_laptop
from tests.ui.test_main_window_layout import settle

from leaddesk.ui.accounts_dialog import AccountEditor, AccountsTab, show_result
from leaddesk.ui.context import AppContext
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings import Settings
from leaddesk.ui.settings_dialog import SettingsDialog
from leaddesk.ui.settings_templates import TemplatesTab
from leaddesk.ui.tasks import TaskRunner

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
SECRET = "ui-canary-Pa55word-8812"


def first_row(tab: AccountsTab) -> QTreeWidgetItem:
    item = tab.list.topLevelItem(0)
    assert item is not None
    return item


def fill_smtp(editor: AccountEditor, port: int, password: str = SECRET) -> None:
    editor.name.setText("replies")
    editor.fields["host"].setText("127.0.0.1")
    editor.security.setCurrentText("plain")
    editor.port.setValue(port)
    editor.fields["user"].setText(smtp_support.USER)
    editor.fields["from_address"].setText("team@example-agency.com")
    editor.fields["from_name"].setText("Ada")
    editor.secret.setText(password)


@pytest.fixture
def tab(qtbot, ui_db: Database) -> AccountsTab:
    widget = AccountsTab(inline_context(ui_db))
    qtbot.addWidget(widget)
    return widget


def test_settings_has_accounts_and_templates_tabs(qtbot, window: MainWindow) -> None:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    names = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert {"Accounts", "Templates"} <= set(names)


def test_add_test_edit_and_remove_an_smtp_account(qtbot, tab: AccountsTab, ui_db: Database,
                                                  memory_keyring,
                                                  smtp_server: ServerFactory) -> None:
    server = smtp_server("plain")
    editor = AccountEditor(tab.ctx, "smtp", parent=tab)
    qtbot.addWidget(editor)
    fill_smtp(editor, server.port, "wrong")
    editor.test()
    assert "refused the login for sender@example.com" in editor.status.text()
    editor.secret.setText(smtp_support.PASSWORD)
    editor.test()
    assert editor.status.text().startswith("OK: logged in to 127.0.0.1")
    editor.save()
    assert editor.saved is not None
    assert memory_keyring.store == {(secrets.SERVICE, "account:replies"): smtp_support.PASSWORD}
    tab.refresh()
    assert first_row(tab).text(3) == "team@example-agency.com"

    tab.list.setCurrentItem(first_row(tab))
    tab.test()
    assert "replies: OK" in tab.result.text()
    chosen = tab.chosen()
    assert chosen is not None
    edit = AccountEditor(tab.ctx, "smtp", existing=chosen, parent=tab)
    qtbot.addWidget(edit)
    assert edit.secret.text() == ""  # the secret is never read back into the form
    edit.fields["from_name"].setText("Ada Lovelace")
    edit.after_send.setCurrentText("keep")
    edit.save()  # an empty password field keeps the stored one
    with ui_db.session() as s:
        info = accounts.get_account(s, "replies")
    assert (info.settings["from_name"], info.settings["after_send"]) == ("Ada Lovelace", "keep")
    assert memory_keyring.store[(secrets.SERVICE, "account:replies")] == smtp_support.PASSWORD

    tab.refresh()
    tab.list.setCurrentItem(first_row(tab))
    tab.remove(confirm=False)
    assert "Removed replies" in tab.result.text()
    assert memory_keyring.store == {}
    assert tab.list.topLevelItemCount() == 0


def test_a_servers_words_quoting_markup_and_a_long_word_show_as_typed_and_fit(
        qtbot, tab: AccountsTab, monkeypatch: pytest.MonkeyPatch) -> None:
    """What "Test connection" says goes through ``show_result``: the core cuts a server's words
    to 200 characters, still a word three screens wide."""
    screen = on_a_laptop(monkeypatch)
    editor = AccountEditor(tab.ctx, "imap", parent=tab)
    qtbot.addWidget(editor)
    editor.show()
    said = f"the IMAP server refused the login for zed and says: {MARKUP} {LONG_WORD[:200]}"
    show_result(editor.status, said, ok=False)
    settle()
    assert editor.status.textFormat() == Qt.TextFormat.PlainText
    assert editor.status.text() == said
    assert editor.width() <= screen.width()
    assert editor.minimumSizeHint().width() <= screen.width()


def test_no_keyring_is_named_and_nothing_is_saved(qtbot, tab: AccountsTab,
                                                  ui_db: Database) -> None:
    with using_keyring(keyring.backends.fail.Keyring()):
        editor = AccountEditor(tab.ctx, "smtp", parent=tab)
        qtbot.addWidget(editor)
        fill_smtp(editor, 2525)
        editor.save()
    assert "GNOME Keyring or KWallet" in editor.status.text()
    assert SECRET not in editor.status.text()
    assert editor.saved is None
    assert editor.buttons.isEnabled()
    with ui_db.session() as s:
        assert accounts.list_accounts(s) == []


def test_a_locked_keyring_never_blocks_the_window(qtbot, ui_db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "TIMEOUT_SECONDS", 0.5)
    tasks = TaskRunner()  # real worker threads: the GUI thread must stay free
    backend = HangingKeyring()  # a Secret Service waiting on an unlock prompt nobody can see
    try:
        with using_keyring(backend):
            editor = AccountEditor(AppContext(ui_db, tasks, "tester", Settings()), "smtp")
            qtbot.addWidget(editor)
            fill_smtp(editor, 2525)
            editor.save()
            assert not editor.buttons.isEnabled()  # busy, but the call returned at once
            qtbot.waitUntil(lambda: "did not answer" in editor.status.text(), timeout=5000)
    finally:
        backend.release.set()
        tasks.wait()
    assert "GNOME Keyring" in editor.status.text()
    assert editor.buttons.isEnabled()


def test_api_source_is_treated_generically(qtbot, tab: AccountsTab, ui_db: Database,
                                           memory_keyring) -> None:
    editor = AccountEditor(tab.ctx, "api", parent=tab)
    qtbot.addWidget(editor)
    editor.name.setText("netlify")
    editor.preset.setCurrentText("netlify")
    editor.fields["form"].setText("site-123")
    editor.secret.setText("tok-canary")
    editor.save()
    with ui_db.session() as s:
        info = accounts.get_account(s, "netlify")
    assert info.settings["preset"] == "netlify"
    assert info.settings["form"] == "site-123"
    assert memory_keyring.store == {(secrets.SERVICE, "account:netlify"): "tok-canary"}


def test_welcome_api_button_opens_the_accounts_dialog(qtbot, window: MainWindow,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(AccountsTab, "add", lambda self, kind: opened.append(kind))
    window.inbox.detail.welcome.add_api.emit()
    assert opened == ["api"]


def test_templates_tab_saves_and_refuses_unknown_placeholders(qtbot, ui_db: Database) -> None:
    tab = TemplatesTab(inline_context(ui_db))
    qtbot.addWidget(tab)
    tab.new()
    tab.name.setText("thanks")
    tab.body.setPlainText("Hi {firstname}")
    tab.save()
    assert "unknown placeholder {firstname}" in tab.error.text()
    tab.body.setPlainText("Hi {first_name}")
    tab.subject.setText("About {post_title}")
    tab.save()
    assert tab.error.text() == ""
    with ui_db.session() as s:
        (saved,) = templates.list_templates(s)
    assert (saved.name, saved.subject, saved.body) == ("thanks", "About {post_title}",
                                                       "Hi {first_name}")
    tab.delete()
    with ui_db.session() as s:
        assert templates.list_templates(s) == []
