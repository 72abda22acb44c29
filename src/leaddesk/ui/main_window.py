"""The main window: top bar, banner, the pages (Inbox, Leads, Insights), status bar, tray.

It builds the app context (:mod:`leaddesk.ui.context`) and wires the pieces together; it owns what
spans pages: sync and its report, shortcuts, undo, the banner, remembered layout. The pages own
their content and follow the change bus themselves; the window never reaches into them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import Session

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.changes import Change, Kind
from leaddesk.db import Database

from leaddesk.ui.banner import Banner
from leaddesk.ui.context import AppContext
from leaddesk.ui.corrections import Corrections
from leaddesk.ui.format import ago
from leaddesk.ui.inbox import InboxPage
from leaddesk.ui.live import LiveUpdates, PresenceLeases
from leaddesk.ui.operations import DbOp
from leaddesk.ui.page import focus_search
from leaddesk.ui.post_resolver import PostResolver
from leaddesk.ui.safe_text import PlainLabel, PlainStatusBar, action_text, ask_text
from leaddesk.ui.settings import (
    AUTO_SYNC_MINUTES,
    COLUMN_WIDTHS,
    DETAIL_SPLIT,
    GEOMETRY,
    INBOX_SPLIT,
    LAST_PAGE,
    ME,
    SAVED_VIEWS,
    Settings,
)
from leaddesk.ui.settings_hours import load_team_policy
from leaddesk.ui.shortcuts import SHORTCUTS, STATUS_HINT, ShortcutSheet
from leaddesk.ui.sync_controller import SyncController
from leaddesk.ui.sync_report import SyncReport, SyncReportDialog
from leaddesk.ui.tasks import TaskRunner
from leaddesk.ui.top_bar import TopBar
from leaddesk.ui.tray import Tray
from leaddesk.ui.triage_actions import TriageActions
from leaddesk.ui.views import SavedView, saved_views_from_json, saved_views_to_json
from leaddesk.ui.widgets import ElidedLabel

if TYPE_CHECKING:
    from leaddesk.ui.insights_page import InsightsPage
    from leaddesk.ui.leads_page import LeadsPage

DEFAULT_SIZE = (1440, 860)  # on a screen that has room; a smaller screen gets what it has
# Below this window width the sidebar folds away (Ctrl+B or the status bar's ☰ brings it back),
# so the list and the lead keep readable widths at 1024 px.
NARROW_WIDTH = 1180
# Start-up work that can wait (post lookups, the re-read of mail an older parser read) waits for
# the inbox's first painted rows, or this long if no first page comes (an empty view, a failure).
AFTER_FIRST_PAINT_FALLBACK_MS = 2000
SIDEBAR_WIDTH = 190
SIDEWAYS_WIDTH = 600
LIST_LEAST = 240  # of a first start's inbox list, before the detail gets the width it needs
LEADS_PAGE, INSIGHTS_PAGE = 1, 2  # their places in the page stack (the top bar's order)
PageT = TypeVar("PageT", bound=QWidget)


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, me: str, tasks: TaskRunner | None = None,
                 settings: Settings | None = None, title_suffix: str = "",
                 live: bool | None = None) -> None:
        super().__init__()
        tasks = tasks or TaskRunner(self)
        self.ctx = AppContext(db, tasks, me, settings or Settings())
        for part in (self.ctx.bus, self.ctx.failures):  # they live and die with the window
            part.setParent(self)
        # The context's parts under the names the window (and its tests) use.
        self.db, self.tasks, self.settings = db, tasks, self.ctx.settings
        self.setWindowTitle(f"LeadDesk{title_suffix}")
        self.setStatusBar(PlainStatusBar())  # its messages name visitors, owners and files
        self.ops = TriageActions(self.ctx, self)
        self.sync = SyncController(self.ctx, self)
        self.posts = PostResolver(self.ctx, self)  # post lookups: on start, after each sync
        self.last_synced: datetime | None = None

        self.top = TopBar()
        self.banner = Banner()
        self.inbox = InboxPage(self.ctx, self.ops)
        self.inbox.prefetch_first_page()  # read while the rest is built; shown by reload() below
        # Leads and Insights are built on their first visit (see the properties below): most
        # starts only show the inbox, and building them (charts included) delayed its first rows.
        self._leads: LeadsPage | None = None
        self._insights: InsightsPage | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self.inbox)
        for _ in (LEADS_PAGE, INSIGHTS_PAGE):
            self.pages.addWidget(QWidget())  # a place holder until the page is built
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.synced_label = PlainLabel("Not synced yet")
        self.sync_problems = QPushButton()
        self.sync_problems.setObjectName("syncProblems")
        self.sync_problems.setFlat(True)
        self.sync_problems.setToolTip("What went wrong in the last sync, and what to do")
        self.sync_problems.clicked.connect(self.open_sync_report)
        self.sync_problems.hide()
        # The database line and the shortcut hint elide on a narrow screen (640 px wide at a scale
        # of 2) rather than set the window's least width: their whole text is in the tooltip.
        self.db_label = ElidedLabel(self._db_description(), whole=True)
        self.sidebar_toggle = QToolButton()
        self.sidebar_toggle.setObjectName("sidebarToggle")
        self.sidebar_toggle.setText("☰")
        self.sidebar_toggle.setAutoRaise(True)
        self.sidebar_toggle.setToolTip("Show or hide the sidebar (Ctrl+B)")
        self.sidebar_toggle.clicked.connect(self.toggle_sidebar)
        self._sidebar_chosen: bool | None = None  # None: follow the window's width
        self._fitted = False
        self.statusBar().addWidget(self.sidebar_toggle)
        self.statusBar().addWidget(self.synced_label)
        self.statusBar().addWidget(self.db_label)
        # Permanent: a passing status message must not cover it.
        self.statusBar().addPermanentWidget(self.sync_problems)
        self.shortcut_hint = ElidedLabel(STATUS_HINT, whole=True)
        self.statusBar().addPermanentWidget(self.shortcut_hint)
        self.tray = Tray(self, self.ctx.settings)
        self.corrections = Corrections(self, self.ctx, self.ops, self.inbox)
        self._connect()
        self._bind_shortcuts()
        self._restore_layout()
        self.auto_sync = QTimer(self)
        self.auto_sync.timeout.connect(self.start_sync)
        self.apply_auto_sync()
        self.clock = QTimer(self)
        self.clock.timeout.connect(self._tick)
        self.clock.start(30_000)
        # Mail an older parser read, and the post lookups: after the first rows are painted, so
        # they do not compete with the first page for the interpreter (measured in bench_window).
        # Hooked before the first query: an inline task runner (tests) answers it at once.
        self._after_first_paint(self.posts.start, self.corrections.start_stale)
        load_team_policy(self.ctx, self)  # before the inbox's first query: "Overdue" uses it
        self.inbox.reload()
        self.load_templates()
        self.sync.finished.connect(lambda _report: self.posts.start())
        # Live team mode; off by default under the inline test runner (no background threads).
        self._start_live(not self.tasks.inline if live is None else live)

    @property
    def me(self) -> str:
        return self.ctx.actor

    @property
    def leads(self) -> LeadsPage:
        """The managers' Leads page, built on first use."""
        if self._leads is None:
            from leaddesk.ui.leads_page import LeadsPage
            self._leads = self._put_page(LEADS_PAGE, LeadsPage(self.ctx))
        return self._leads

    @property
    def insights(self) -> InsightsPage:
        """The Insights page, built on first use."""
        if self._insights is None:
            from leaddesk.ui.insights_page import InsightsPage
            self._insights = self._put_page(INSIGHTS_PAGE, InsightsPage(self.ctx))
        return self._insights

    def _put_page(self, index: int, page: PageT) -> PageT:
        """``page`` in the place holder's place in the stack."""
        holder = self.pages.widget(index)
        assert holder is not None  # the place holder, put there in __init__
        current = self.pages.currentIndex()
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(holder)
        holder.deleteLater()
        self.pages.setCurrentIndex(current)  # building a page never shows it
        return page

    def _after_first_paint(self, *jobs: Callable[[], object]) -> None:
        """Run ``jobs`` once, on the event-loop turn after the inbox's first page is shown (or
        the database is found empty, or after AFTER_FIRST_PAINT_FALLBACK_MS)."""
        pending = list(jobs)

        def run() -> None:
            while pending:  # emptied by the first of the three triggers; the others find nothing
                QTimer.singleShot(0, self, pending.pop(0))  # dropped if the window is gone

        self.inbox.model.page_loaded.connect(run)
        self.inbox.empty_database.connect(run)
        QTimer.singleShot(AFTER_FIRST_PAINT_FALLBACK_MS, self, run)

    def _db_description(self) -> str:
        return "PostgreSQL" if self.db.dialect == "postgresql" else "SQLite"

    # ------------------------------------------------------------ wiring
    def _connect(self) -> None:
        top = self.top
        top.page_changed.connect(self.show_page)
        top.sync_clicked.connect(self.start_sync)
        top.cancel_clicked.connect(self.sync.cancel)
        top.settings_clicked.connect(self.open_settings)
        self.sync.running_changed.connect(
            lambda running: top.sync_started() if running else top.sync_stopped())
        self.sync.progress.connect(top.sync_progress)
        self.sync.finished.connect(self._sync_finished)
        self.ops.done.connect(self._action_done)
        self.ctx.failures.banner_requested.connect(
            lambda text, kind: self.banner.show_message(text, kind))
        self.tasks.unhandled_error.connect(lambda exc: self.ctx.failures.report(exc, self))
        self.ctx.bus.changes_made.connect(self._changes_made)
        self.inbox.sidebar.save_requested.connect(self.save_view)
        self.inbox.sidebar.saved_delete_requested.connect(self.delete_saved_view)
        self.inbox.set_saved_views(saved_views_from_json(self.settings.get(SAVED_VIEWS)))
        self.inbox.new_count_changed.connect(self.tray.set_new_count)
        self.inbox.detail.message.timeline.bind(self.ctx)  # Undo on a rule's change
        card = self.inbox.detail.card
        card.set_me(self.ctx.actor)
        card.reply_requested.connect(self.reply)
        card.template_chosen.connect(lambda name: self.reply(template=name))
        self.ops.undone.connect(self._reselect)
        welcome = self.inbox.detail.welcome
        welcome.add_mailbox.connect(self.add_mailbox)
        welcome.open_demo.connect(self.open_demo)
        welcome.add_api.connect(self.add_api_source)

    def show_page(self, index: int) -> None:
        page = self.leads if index == LEADS_PAGE else self.insights if index == INSIGHTS_PAGE \
            else None
        self.pages.setCurrentIndex(index)
        self.settings.set(LAST_PAGE, index)
        if page is not None:
            page.reload()

    def _bind_shortcuts(self) -> None:
        handlers = {
            "next": lambda: self.inbox.step_selection(1),
            "previous": lambda: self.inbox.step_selection(-1),
            "done": lambda: self.inbox.set_status("done"),
            "open": lambda: self.inbox.set_status("open"),
            "waiting": lambda: self.inbox.set_status("waiting"),
            "spam": lambda: self.inbox.set_status("spam"),
            "restore": self.corrections.restore,
            "reparse": self.corrections.start_all,
            "assign": self.inbox.detail.card.open_owner_menu,
            "assign_me": self.inbox.detail.card.assign_to_me,
            "sidebar": self.toggle_sidebar,
            "tag": self.inbox.detail.card.ask_tag,
            "suggestion": self.inbox.detail.suggestions.accept,
            "reply": self.reply,
            "search": lambda: focus_search(self.pages.currentWidget()),  # the page's own box
            "undo": self.undo,
            "sync": self.start_sync,
            "help": lambda: ShortcutSheet(self).exec(),
        }
        for name, key, what in SHORTCUTS:
            action = QAction(action_text(what), self)
            action.setObjectName(f"action-{name}")
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(handlers[name])
            self.addAction(action)

    # ------------------------------------------------------------ outcomes
    def _action_done(self, label: str, undoable: bool) -> None:
        undo = " — Ctrl+Z undoes it" if undoable else ""
        self.statusBar().showMessage(f"{label}{undo}", 5000)
        self._live_state("connected", "")

    def _changes_made(self, changes: list[Change], _initiator: object) -> None:
        """What spans pages: the presence line, and settings the window itself applies."""
        if any(c.kind in (Kind.PRESENCE, Kind.ANY) for c in changes):
            self.presence.renew()
        if any(c.kind == Kind.SETTING and c.touches([AUTO_SYNC_MINUTES.key]) for c in changes):
            self.apply_auto_sync()
        if any(c.kind == Kind.SETTING and c.touches([ME.key]) for c in changes):
            self._follow_me()
        if any(c.kind in (Kind.TEMPLATE, Kind.ANY) for c in changes):
            self.load_templates()

    def _follow_me(self) -> None:
        """Settings → "I am" changed: "Assign to me" and the open lead's header follow at once
        (the context's actor, which notes, events and new replies use, has followed already)."""
        self.inbox.detail.message.timeline.bind(self.ctx)  # Undo on a rule's change
        card = self.inbox.detail.card
        card.set_me(self.ctx.actor)
        if self.inbox.detail.current is not None:
            card.show_detail(self.inbox.detail.current)

    def load_templates(self) -> None:
        """The saved replies the header's Template menu offers."""
        from leaddesk.reply import templates

        def load(session: Session) -> list[str]:
            return [t.name for t in templates.list_templates(session)]

        DbOp(self.ctx, load, parent=self, what="loading the templates").success(
            self.inbox.detail.card.set_templates).run_in_background()

    def _reselect(self, submission_id: int) -> None:
        """Select the lead an undo brought back: at once if the list holds it again, else once
        the list is re-queried (that later query wins over any still under way)."""
        row = self.inbox.model.row_of(submission_id)
        if row >= 0:
            self.inbox.select_row(row)
        else:
            self.inbox.reload(keep=submission_id)

    def undo(self) -> None:
        if not self.ops.undo():
            self.statusBar().showMessage("Nothing to undo", 3000)

    # ------------------------------------------------------------ sync
    def start_sync(self) -> None:
        self.sync.start()

    def _sync_finished(self, report: SyncReport) -> None:
        self.last_synced = datetime.now().astimezone()
        self._tick()
        headline = report.headline()
        self.sync_problems.setText(f"⚠ {headline}" if headline else "")
        self.sync_problems.setVisible(bool(headline))
        if headline:
            self.banner.show_message(f"Sync: {headline}. Click it in the status bar to see what "
                                     f"to do.", "warning", seconds=10)
        elif report.accounts == 0:
            self.banner.show_message(
                "No mailbox is set up yet: add one with `leaddesk accounts add imap NAME …`.",
                "info", seconds=8)
        if report.added:
            self.tray.notify_new(report.added)
        self.tray.notify_answers(report.answers)

    def open_sync_report(self) -> None:
        SyncReportDialog(self.sync.report, self).exec()

    def apply_auto_sync(self) -> None:
        minutes = self.settings.get(AUTO_SYNC_MINUTES)
        if minutes > 0:
            self.auto_sync.start(minutes * 60_000)
        else:
            self.auto_sync.stop()

    def _tick(self) -> None:
        self.synced_label.setText(f"Synced {ago(self.last_synced)}" if self.last_synced
                                  else "Not synced yet")

    # ------------------------------------------------------------ other pages and dialogs
    def open_settings(self) -> None:
        from leaddesk.ui.settings_dialog import SettingsDialog
        SettingsDialog(self.ctx, self).exec()  # what it changes is published on the bus

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
        dialog = MailboxDialog(self.ctx, self)
        if dialog.exec() and dialog.added is not None:
            self.statusBar().showMessage(f"Added {dialog.added.name}; syncing…", 5000)
            self.start_sync()

    def reply(self, template: str | None = None) -> None:
        """Open the reply window for the message shown (several may be open at once), starting
        from the saved reply ``template`` if one is named."""
        from leaddesk.ui.composer import Composer
        shown = self.inbox.shown()
        if shown is None:
            return
        composer = Composer(self.ctx, shown.row.id, self, template=template or None)
        composer.sent.connect(self._reply_sent)
        composer.show()
        self.composer = composer  # the newest one, for tests and screenshots

    def _reply_sent(self, result: object) -> None:
        from leaddesk.reply.service import SendResult
        if not isinstance(result, SendResult):
            return
        self.statusBar().showMessage(f"Reply sent to {', '.join(result.recipients)}", 6000)
        if result.copy_error:
            self.banner.show_message(result.copy_error, "warning")

    def add_api_source(self) -> None:
        from leaddesk.ui.accounts_dialog import AccountsDialog
        dialog = AccountsDialog(self.ctx, self)
        if dialog.tab.add("api") is not None:
            self.start_sync()

    def open_demo(self) -> None:
        """Replace this (empty) window by one on the demo database (see ui.app)."""
        from leaddesk.ui.app import open_demo_instead
        open_demo_instead(self)

    # ------------------------------------------------------------ team mode
    def _start_live(self, enabled: bool) -> None:
        self.live = LiveUpdates(self.ctx, self)
        self.live.state_changed.connect(self._live_state)
        self.ctx.bus.reconnecting.connect(
            lambda reason: self._live_state("reconnecting", reason))
        self.presence = PresenceLeases(self.ctx, self)
        self.presence.viewers_changed.connect(self.inbox.detail.set_viewers)
        # The lead on screen, once its detail is read (not each row the cursor passes: their
        # renewals would queue before the read the user waits for).
        self.inbox.lead_shown.connect(self.presence.show)
        shown = self.inbox.shown()
        self.presence.show(shown.row.id if shown is not None else None)  # open already
        self._reconnecting = False
        if enabled:
            self.live.start()

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
        geometry = self.settings.get(GEOMETRY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        self.fit_to_screen()
        self.inbox.detail.page_scroll.set_sideways(self.width() < SIDEWAYS_WIDTH)  # before split
        for option, splitter in ((INBOX_SPLIT, self.inbox.split),
                                 (DETAIL_SPLIT, self.inbox.detail.split)):
            sizes = self.settings.get(option)
            if option is INBOX_SPLIT and sizes == option.default:  # never arranged: fit it
                sizes = default_split(self.width(), self.inbox.detail.least_width())
            elif option is INBOX_SPLIT and len(sizes) == 3 and sizes[0] == 0:
                # Folded last time (a narrow window): a wide one opens it again.
                sidebar = default_split(self.width())[0]
                sizes = [sidebar, sizes[1], max(sizes[2] - sidebar, 0)]
            if len(sizes) == splitter.count():
                splitter.setSizes(sizes)
        page = self.settings.get(LAST_PAGE)
        if 0 < page < self.pages.count():
            self.top.pages.setCurrentIndex(page)  # emits page_changed: the page loads

    def fit_to_screen(self) -> None:
        """Keep the window within the available area of the screen it is on (a geometry
        remembered on a bigger monitor, or the default size on a small one, would reach past
        its edges). Run before the first show and again once the frame's size is known."""
        screen = QGuiApplication.screenAt(self.frameGeometry().center()) or self.screen()
        frame = self.frameGeometry()
        border = frame.size() - self.geometry().size()  # title bar and edges
        fitted = clamped(frame, screen.availableGeometry())
        if fitted != frame:
            self.resize(fitted.size() - border)
            self.move(fitted.topLeft())  # a top-level window's position is its frame's

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # the window manager has framed it now
            self._fitted = True
            QTimer.singleShot(0, self.fit_to_screen)

    def toggle_sidebar(self) -> None:
        """Show or hide the sidebar; the choice holds until the next start."""
        self._sidebar_chosen = self.inbox.sidebar.isHidden()
        self._show_sidebar(self._sidebar_chosen)

    def _show_sidebar(self, shown: bool) -> None:
        split = self.inbox.split
        if shown != self.inbox.sidebar.isHidden():  # isVisible() is False until the window shows
            return
        self.inbox.sidebar.setVisible(shown)
        sizes = split.sizes()
        if shown and sizes[0] < SIDEBAR_WIDTH:  # folded at start: give it room, from the detail
            room = SIDEBAR_WIDTH - sizes[0]
            split.setSizes([SIDEBAR_WIDTH, sizes[1], max(sizes[2] - room, 0)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        # On a window narrower than this (512 px: 1024 x 768 at a scale of 2) the lead's page
        # may scroll sideways rather than leave the list 130 px; wider, it keeps its width.
        self.inbox.detail.page_scroll.set_sideways(event.size().width() < SIDEWAYS_WIDTH)
        super().resizeEvent(event)
        if self._sidebar_chosen is None:  # fold it away on a narrow window, unless chosen
            self._show_sidebar(event.size().width() >= NARROW_WIDTH)

    def save_layout(self) -> None:
        self.settings.set(GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(INBOX_SPLIT, self.inbox.split.sizes())
        self.settings.set(DETAIL_SPLIT, self.inbox.detail.split.sizes())
        self.settings.set(COLUMN_WIDTHS, self.inbox.column_widths())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.sync.cancel()
        self.posts.cancel()
        self.corrections.reparse.cancel()
        self.live.stop()
        self.presence.show(None)  # give the lease back rather than let it expire
        self.tasks.wait(10_000)
        self.ctx.close()
        self.tray.hide()
        super().closeEvent(event)


def default_split(width: int, detail_least: int = 0) -> list[int]:
    """Sidebar, list and detail widths for a first start: the list gets a little more than
    the detail; on a narrow window the sidebar is folded away. The detail gets at least
    ``detail_least`` (what it shows whole) while the list keeps ``LIST_LEAST``."""
    sidebar = 0 if width < NARROW_WIDTH else SIDEBAR_WIDTH
    rest = max(width - sidebar, 2)
    detail = rest - rest * 52 // 100
    detail = max(detail, min(detail_least, rest - LIST_LEAST))
    return [sidebar, rest - detail, detail]


def clamped(window: QRect, available: QRect) -> QRect:
    """``window`` moved, and shrunk only if it must, to lie within ``available``."""
    width = max(1, min(window.width(), available.width()))
    height = max(1, min(window.height(), available.height()))
    x = max(available.left(), min(window.x(), available.right() + 1 - width))
    y = max(available.top(), min(window.y(), available.bottom() + 1 - height))
    return QRect(x, y, width, height)
