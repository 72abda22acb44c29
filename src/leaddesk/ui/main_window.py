"""The main window: top bar, banner, the pages (Inbox, Leads, Insights), status bar, tray.

It wires the pieces together and owns what spans pages: sync, shortcuts, undo, remembered
geometry. The pages own their own content.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from leaddesk.config import current_user, demo_db_url
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.team.changes import Change, EchoFilter

from leaddesk.ui.banner import Banner
from leaddesk.ui.corrections import Corrections
from leaddesk.ui.format import ago
from leaddesk.ui.inbox import InboxPage
from leaddesk.ui.insights_page import InsightsPage
from leaddesk.ui.leads_page import LeadsPage
from leaddesk.ui.live import LiveUpdates, PresenceLeases
from leaddesk.ui.operations import Operations, Outcome
from leaddesk.ui.post_resolver import PostResolver, ResolveReport
from leaddesk.ui.safe_text import PlainLabel, ask_text, message_box
from leaddesk.ui.settings import AUTO_SYNC_MINUTES, ME, SAVED_VIEWS, Settings
from leaddesk.ui.shortcuts import SHORTCUTS, STATUS_HINT, ShortcutSheet
from leaddesk.ui.sync_controller import SyncController, SyncOutcome
from leaddesk.ui.tasks import TaskRunner
from leaddesk.ui.top_bar import TopBar
from leaddesk.ui.tray import Tray
from leaddesk.ui.views import SavedView, saved_views_from_json, saved_views_to_json

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
SPLIT_KEY = "window/inbox_split"
DETAIL_SPLIT_KEY = "window/detail_split"


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, me: str, tasks: TaskRunner | None = None,
                 settings: Settings | None = None, title_suffix: str = "",
                 live: bool | None = None) -> None:
        super().__init__()
        self.db = db
        self.me = me
        self.tasks = tasks or TaskRunner(self)
        self.settings = settings or Settings()
        self.setWindowTitle(f"LeadDesk{title_suffix}")
        self.ops = Operations(db, self.tasks, me, self)
        self.echoes = EchoFilter()
        self.sync = SyncController(db, self.tasks, self)
        self.posts = PostResolver(db, self.tasks, self)  # post lookups: on start, after each sync
        self.last_synced: datetime | None = None

        self.top = TopBar()
        self.banner = Banner()
        self.inbox = InboxPage(db, self.tasks, self.ops, me)
        self.leads = LeadsPage(db, self.tasks)
        self.insights = InsightsPage(db, self.tasks)
        self.pages = QStackedWidget()
        for page in (self.inbox, self.leads, self.insights):
            self.pages.addWidget(page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.synced_label = PlainLabel("Not synced yet")
        self.db_label = PlainLabel(self._db_description())
        self.statusBar().addWidget(self.synced_label)
        self.statusBar().addWidget(self.db_label)
        self.statusBar().addPermanentWidget(PlainLabel(STATUS_HINT))
        self.tray = Tray(self)
        self.corrections = Corrections(self, db, self.tasks, self.ops, self.inbox, self.banner, me)
        self._connect()
        self._bind_shortcuts()
        self._restore_layout()
        self.auto_sync = QTimer(self)
        self.auto_sync.timeout.connect(self.start_sync)
        self.apply_auto_sync()
        self.clock = QTimer(self)
        self.clock.timeout.connect(self._tick)
        self.clock.start(30_000)
        self.inbox.reload()
        self.sync.finished.connect(lambda _outcome: self.posts.start())
        self.posts.finished.connect(self._posts_resolved)
        QTimer.singleShot(0, self.posts.start)
        QTimer.singleShot(0, self.corrections.start_stale)  # mail an older parser read
        # Live team mode; off by default under the inline test runner (no background threads).
        self._start_live(not self.tasks.inline if live is None else live)

    def _db_description(self) -> str:
        return "PostgreSQL" if self.db.dialect == "postgresql" else "SQLite"

    # ------------------------------------------------------------ wiring
    def _connect(self) -> None:
        top = self.top
        top.page_changed.connect(self.show_page)
        top.search_changed.connect(self.inbox.set_text)
        top.chip_removed.connect(self.inbox.remove_chip)
        top.sync_clicked.connect(self.start_sync)
        top.cancel_clicked.connect(self.sync.cancel)
        top.export_clicked.connect(self.export)
        top.settings_clicked.connect(self.open_settings)
        self.inbox.chips_changed.connect(top.set_chips)
        self.sync.running_changed.connect(
            lambda running: top.sync_started() if running else top.sync_stopped())
        self.sync.progress.connect(top.sync_progress)
        self.sync.finished.connect(self._sync_finished)
        self.ops.succeeded.connect(self._operation_done)
        self.ops.conflicted.connect(self._conflict)
        self.ops.failed.connect(lambda text: self.banner.show_message(text))
        self.tasks.unhandled_error.connect(self.show_error)
        self.inbox.sidebar.save_requested.connect(self.save_view)
        self.inbox.sidebar.saved_delete_requested.connect(self.delete_saved_view)
        self.inbox.set_saved_views(saved_views_from_json(self.settings.get_str(SAVED_VIEWS)))
        self.leads.export_requested.connect(self.export_leads)
        self.inbox.new_count_changed.connect(self.tray.set_new_count)
        welcome = self.inbox.detail.welcome
        welcome.add_mailbox.connect(self.add_mailbox)
        welcome.open_demo.connect(self.open_demo)
        welcome.add_api.connect(self.add_api_source)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        if self.pages.currentWidget() is self.leads:
            self.leads.reload()
        elif self.pages.currentWidget() is self.insights:
            self.insights.reload()

    def _bind_shortcuts(self) -> None:
        handlers = {
            "next": lambda: self.inbox.step_selection(1),
            "previous": lambda: self.inbox.step_selection(-1),
            "done": lambda: self._status("done"),
            "open": lambda: self._status("open"),
            "waiting": lambda: self._status("waiting"),
            "spam": lambda: self._status("spam"),
            "restore": self.corrections.restore,
            "reparse": self.corrections.start_all,
            "assign": self.inbox.detail.card.open_owner_menu,
            "tag": self.inbox.detail.card.ask_tag,
            "reply": self.reply,
            "search": self.top.focus_search,
            "undo": self.undo,
            "sync": self.start_sync,
            "help": lambda: ShortcutSheet(self).exec(),
        }
        for name, key, what in SHORTCUTS:
            action = QAction(what, self)
            action.setObjectName(f"action-{name}")
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(handlers[name])
            self.addAction(action)

    def _status(self, status: str) -> None:
        ids = self.inbox.selected_ids()
        if ids:
            self.ops.set_status(ids, status, self.inbox._version())

    # ------------------------------------------------------------ outcomes
    def _operation_done(self, outcome: Outcome) -> None:
        self.echoes.expect(outcome.ids)  # refreshed here: the feed's echo need not reload again
        self.inbox.refresh(outcome.ids)
        undo = " — Ctrl+Z undoes it" if outcome.change is not None else ""
        self.statusBar().showMessage(f"{outcome.label}{undo}", 5000)

    def _conflict(self, message: str, ids: object) -> None:
        self.banner.show_message(f"{message}. The message was reloaded: check it and try "
                                 f"again.", "warning")
        self.inbox.refresh(list(ids) if isinstance(ids, tuple | list) else [])

    def undo(self) -> None:
        if not self.ops.undo():
            self.statusBar().showMessage("Nothing to undo", 3000)

    def show_error(self, exc: object) -> None:
        if isinstance(exc, LeadDeskError):
            self.banner.show_message(str(exc))
        else:
            message_box(self, "LeadDesk", f"Something went wrong: {exc}\n\nYour data is safe; the "
                        f"action was not completed. Run `leaddesk -v gui` to see details.",
                        icon=QMessageBox.Icon.Critical)

    # ------------------------------------------------------------ sync
    def _posts_resolved(self, report: ResolveReport) -> None:
        if report.changed:
            self.inbox.refresh()  # titles, snapshots and derived topics beside the messages

    def start_sync(self) -> None:
        self.sync.start()

    def _sync_finished(self, outcome: SyncOutcome) -> None:
        self.last_synced = datetime.now().astimezone()
        self._tick()
        if outcome.errors:
            self.banner.show_message("Sync problem — " + " · ".join(outcome.errors))
        elif outcome.accounts == 0:
            self.banner.show_message(
                "No mailbox is set up yet: add one with `leaddesk accounts add imap NAME …`.",
                "info", seconds=8)
        if outcome.added or outcome.threaded:
            self.inbox.reload()
        if outcome.added:
            self.tray.notify_new(outcome.added)
        self.tray.notify_answers(outcome.answers)

    def apply_auto_sync(self) -> None:
        minutes = self.settings.get_int(AUTO_SYNC_MINUTES)
        if minutes > 0:
            self.auto_sync.start(minutes * 60_000)
        else:
            self.auto_sync.stop()

    def _tick(self) -> None:
        self.synced_label.setText(f"Synced {ago(self.last_synced)}" if self.last_synced
                                  else "Not synced yet")

    # ------------------------------------------------------------ other pages and dialogs
    def export(self) -> None:
        """Export what the Inbox shows, or the selected messages when several are selected."""
        from leaddesk.export import selection
        if self.pages.currentWidget() is self.leads:
            self.export_leads(self.leads.current_filter())
            return
        selected = self.inbox.selected_ids()
        if len(selected) > 1:
            self._open_export(selection(selected), "the selected messages", len(selected))
        else:
            self._open_export(self.inbox.current_filter(), "the messages in this view",
                              self.inbox.model.rowCount())

    def export_leads(self, flt: object) -> None:
        from leaddesk.query import Filter
        if isinstance(flt, Filter):
            self._open_export(flt, "the leads of this filter", None, per_lead=True)

    def _open_export(self, flt: object, what: str, count: int | None, *,
                     per_lead: bool = False) -> None:
        from leaddesk.query import Filter

        from leaddesk.ui.export_dialog import ExportDialog
        if not isinstance(flt, Filter):
            return
        dialog = ExportDialog(self.db, self.tasks, flt, what=what, count=count, parent=self)
        if per_lead:
            dialog.per.setCurrentIndex(1)
        if dialog.exec() and dialog.outcome is not None:
            self.statusBar().showMessage(f"Exported {dialog.outcome.rows:,} rows to "
                                         f"{dialog.outcome.path}", 8000)

    def open_settings(self) -> None:
        from leaddesk.ui.settings_dialog import SettingsDialog
        dialog = SettingsDialog(self.settings, self.db, self.tasks, self.me, self)
        if dialog.exec():
            self.apply_auto_sync()
            self._apply_me(self.settings.get_str(ME) or current_user())
        self.inbox.reload_sidebar()  # members and tags may have changed

    def save_view(self) -> None:
        name, ok = ask_text(self, "Save view", "Name of this view:")
        if not ok or not name.strip():
            return
        kept = [v for v in self.inbox.saved if v.name != name.strip()]
        self._store_saved([*kept, self.inbox.current_as_saved(name.strip())])

    def delete_saved_view(self, name: str) -> None:
        self._store_saved([v for v in self.inbox.saved if v.name != name])

    def _store_saved(self, views: list[SavedView]) -> None:
        self.settings.set(SAVED_VIEWS, saved_views_to_json(views))
        self.settings.sync()
        self.inbox.set_saved_views(views)

    def add_mailbox(self) -> None:
        from leaddesk.ui.mailbox_dialog import MailboxDialog
        dialog = MailboxDialog(self.db, self.tasks, self.me, self)
        if dialog.exec() and dialog.added is not None:
            self.statusBar().showMessage(f"Added {dialog.added.name}; syncing…", 5000)
            self.start_sync()

    def reply(self) -> None:
        """Open the reply window for the message shown (several may be open at once)."""
        from leaddesk.ui.composer import Composer
        shown = self.inbox.detail.current
        if shown is None:
            return
        composer = Composer(self.db, self.tasks, shown.row.id, self.me, self)
        composer.sent.connect(self._reply_sent)
        composer.draft_saved.connect(lambda sid: self.inbox.refresh([sid]))
        composer.show()
        self.composer = composer  # the newest one, for tests and screenshots

    def _reply_sent(self, result: object) -> None:
        from leaddesk.reply.service import SendResult
        if not isinstance(result, SendResult):
            return
        self.inbox.refresh()
        self.statusBar().showMessage(f"Reply sent to {', '.join(result.recipients)}", 6000)
        if result.copy_error:
            self.banner.show_message(result.copy_error, "warning")

    def add_api_source(self) -> None:
        from leaddesk.ui.accounts_dialog import AccountsDialog
        dialog = AccountsDialog(self.db, self.tasks, self.me, self)
        if dialog.tab.add("api") is not None:
            self.start_sync()

    def open_demo(self) -> None:
        """Fill the demo database from the bundled mailbox and open a window on it."""
        from leaddesk import demo_site
        from leaddesk.ingest import files
        from leaddesk.resources import demo_mailbox

        def work() -> tuple[Database, demo_site.DemoSite]:
            demo = Database.open(demo_db_url())
            files.import_paths(demo, [demo_mailbox()])
            # The demo blog is served on loopback for as long as the demo window lives, so its
            # posts resolve for real (the window's resolver runs on start).
            site = demo_site.DemoSite().start()
            with demo.session() as session:
                demo_site.register(session, site.base)
            return demo, site

        def opened(result: tuple[Database, demo_site.DemoSite]) -> None:
            demo, site = result
            window = MainWindow(demo, me=self.me, settings=self.settings, title_suffix=" — demo")
            window.destroyed.connect(site.stop)
            window.show()
            self.demo_window = window  # keep it alive

        self.statusBar().showMessage("Opening the demo…", 5000)
        self.tasks.net(work, opened)

    # ------------------------------------------------------------ team mode
    def _start_live(self, enabled: bool) -> None:
        self.live = LiveUpdates(self.db, self)
        self.live.changed.connect(self._live_changed)
        self.live.state_changed.connect(self._live_state)
        self.ops.reconnecting.connect(
            lambda reason: self._live_state("reconnecting", reason))
        self.ops.succeeded.connect(lambda _outcome: self._live_state("connected", ""))
        self.presence = PresenceLeases(self.db, self.tasks, self.me, self)
        self.presence.viewers_changed.connect(self.inbox.detail.set_viewers)
        self.inbox.list.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.presence.show(self.inbox._current_id()))
        self.presence.show(self.inbox._current_id())  # the first message may be open already
        self._reconnecting = False
        if enabled:
            self.live.start()

    def _apply_me(self, me: str) -> None:
        """Settings → "I am" takes effect at once: on audit events and on the presence line."""
        self.me = me
        self.ops.actor = me
        self.presence.member = me

    def _live_changed(self, changes: list[Change]) -> None:
        """A colleague (or the sync worker) changed something: refresh what shows it."""
        changes = self.echoes.drop(changes)
        if not changes:
            return
        if any(c.table == "presence" for c in changes):
            self.presence.renew()
        if all(c.is_presence_only for c in changes):
            return
        if len(self.inbox.selected_ids()) > 1:
            # Reloading would drop the user's multi-selection: counts only, list on next change.
            self.inbox.reload_sidebar()
        else:
            self.inbox.refresh()  # list, counts and the open message, selection kept
        page = self.pages.currentWidget()
        if page is self.leads:
            self.leads.reload()
        elif page is self.insights:
            self.insights.reload()

    def _live_state(self, state: str, reason: str) -> None:
        if state == "reconnecting" and not self._reconnecting:
            self._reconnecting = True
            self.banner.show_message(
                "Reconnecting to the database… Changes you make now are retried and saved when "
                "it is back; you will be told if one cannot be saved.", "warning")
            self.db_label.setText(f"{self._db_description()} — reconnecting…")
        elif state == "connected" and self._reconnecting:
            self._reconnecting = False
            self.banner.show_message("Connected to the database again; the view is up to date.",
                                     "info", seconds=5)
            self.db_label.setText(self._db_description())

    # ------------------------------------------------------------ layout memory
    def _restore_layout(self) -> None:
        geometry = self.settings.blob(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 860)
        for key, splitter in ((SPLIT_KEY, self.inbox.split),
                              (DETAIL_SPLIT_KEY, self.inbox.detail.split)):
            state = self.settings.blob(key)
            if state is not None:
                splitter.restoreState(state)

    def save_layout(self) -> None:
        self.settings.set_blob(GEOMETRY_KEY, self.saveGeometry())
        self.settings.set_blob(SPLIT_KEY, self.inbox.split.saveState())
        self.settings.set_blob(DETAIL_SPLIT_KEY, self.inbox.detail.split.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.sync.cancel()
        self.posts.cancel()
        self.corrections.reparse.cancel()
        self.live.stop()
        self.presence.show(None)  # give the lease back rather than let it expire
        self.tasks.wait(10_000)
        self.tray.hide()
        super().closeEvent(event)
