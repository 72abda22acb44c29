"""The triage page: sidebar of views and facets, the lazy message list, and the detail pane.

It owns the current view, facet picks, search text and sort; every change re-queries the database
in the worker (ids for the list, counts and facets for the sidebar) and never filters in Python.

It follows the change bus (:meth:`InboxPage.on_changes`): rows whose ids are known are re-fetched
and repainted; the id list is re-queried only when a change can move rows in or out of the view or
reorder it (a field the filter or the sort reads, new mail, a deletion); counts and facets reload
once per batch; the open message reloads when it is among the changed rows. Selection and scroll
position survive every refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from leaddesk import detail, query, triage
from leaddesk.changes import CREATED, DELETED, Change, Kind
from leaddesk.detail import SubmissionDetail
from leaddesk.query import Facets, Filter, Sort
from leaddesk.query.first import first_page

from leaddesk.ui.column_fit import ColumnFit
from leaddesk.ui.context import AppContext
from leaddesk.ui.detail.pane import DetailPane
from leaddesk.ui.filter_bar import SearchBox, chip_strip, export_button, page_bar
from leaddesk.ui.latest_read import LatestRead
from leaddesk.ui.list_delegate import ListDelegate
from leaddesk.ui.list_model import (
    COLUMNS,
    ID_ROLE,
    OWNER,
    PAGE_SIZE,
    POST,
    RECEIVED,
    ROW_ROLE,
    STATUS,
    TAGS,
    TOPIC,
    IdList,
    SubmissionListModel,
)
from leaddesk.ui.operations import DbOp
from leaddesk.ui.settings import COLUMN_WIDTHS, ME
from leaddesk.ui.sidebar import NO_TOPIC_LABEL, Sidebar
from leaddesk.ui.triage_actions import TriageActions
from leaddesk.ui.views import Narrowing, SavedView, View, builtin_views, combine
from leaddesk.ui.widgets import Chip, ElidedLabel, clear_layout

if TYPE_CHECKING:
    # Loaded when Export is clicked (the export package and its presets): not to start.
    from leaddesk.ui.export_dialog import ExportDialog

# Below these widths a column would cut its words ("Eu…", "19 N"): the others shrink first.
MIN_WIDTHS = (110, 70, 90, 50, 50, 100, 0)  # Received: measured from the font, see _min_widths
TOPIC_ROOM = 160  # spare pixels the Topic column needs to stay, for the visitor and post to grow
WAITING_REPAINT_MS = 60_000  # "waiting 3 d" follows the clock

# The submission fields the sidebar counts and facets read: other changes leave them alone.
COUNTED = frozenset({CREATED, DELETED, "status", "is_spam", "is_submission", "assignee", "topic",
                     "tags", "unread", "answers", "replies"})


@dataclass(frozen=True)
class _Memory:
    current: int | None
    selected: set[int]
    top: int | None  # the id at the top of the visible list
    row: int  # the current row, for "the next one" when the current message leaves


@dataclass(frozen=True)
class SidebarData:
    counts: dict[str, int]
    facets: Facets
    tag_colours: dict[str, str]
    members: list[str]


FirstPage = tuple[tuple[query.SubmissionRow, ...], query.Estimate]


@dataclass
class _EarlyPage:
    """A first page asked for before the list is loaded: its rows once they arrive, or what to do
    with them when they do."""

    flt: Filter
    found: FirstPage | None = None
    deliver: Callable[[FirstPage], None] | None = None

    def arrived(self, found: FirstPage) -> None:
        self.found = found
        if self.deliver is not None:
            self.deliver(found)


def _without(ids: list[int], leaving: frozenset[int]) -> list[int]:
    return [i for i in ids if i not in leaving] if leaving else ids


class InboxPage(QWidget):
    filter_changed = Signal(object)  # the Filter now shown
    empty_database = Signal()  # nothing at all stored yet: the first run
    new_count_changed = Signal(int)
    chips_changed = Signal(list)
    total_changed = Signal(int)
    lead_shown = Signal(object)  # the id of the lead the detail pane now shows, or None

    def __init__(self, ctx: AppContext, actions: TriageActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ops = actions
        self.views = {v.key: v for v in builtin_views(ctx.actor)}
        self.view: View = self.views["inbox"]
        self.narrowing = Narrowing()
        self.order = Filter()
        self.tag_colours: dict[str, str] = {}
        self._load_generation = 0
        self._listed: Filter | None = None  # the filter whose list the model holds or awaits
        # The number of matches while only the first page is shown (the id list on its way).
        self._estimate: query.Estimate | None = None
        self._listed_generation = -1  # the load whose whole id list is shown
        # Rows set_status took out of the list before their change was written: a list read
        # meanwhile (another change's) leaves them out too, so they do not flicker back.
        self._leaving: set[int] = set()
        self._early: _EarlyPage | None = None  # see prefetch_first_page
        self._opening = LatestRead(ctx, self)  # the lead to open: only the latest asked for
        self._opened: int | None = None  # the lead whose detail is shown or on its way
        # While rows leave the list, Qt moves the current row to a neighbour first: no lead
        # opens for that passing row (_leave opens the one it lands on).
        self._current_quiet = False

        self.sidebar = Sidebar(list(self.views.values()))
        self.model = SubmissionListModel(ctx)
        self.list = QTableView()
        self.list.setObjectName("messageList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSortingEnabled(True)
        self.list.horizontalHeader().setSortIndicator(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)
        self.list.verticalHeader().setVisible(False)
        self.list.verticalHeader().setDefaultSectionSize(26)
        # Fixed row heights: with a million rows, Qt must not measure each one on a reset.
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list.setShowGrid(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setItemDelegate(ListDelegate(self.list))
        stored = ctx.settings.get(COLUMN_WIDTHS)
        defaults = COLUMN_WIDTHS.default
        # The post takes the slack. The topic (also in the sidebar and the lead's header) steps
        # aside before the visitor and post are cut short; when even the minimums do not fit,
        # the tags, then the owner follow: the visitor, what needs doing and when stay.
        self.columns = ColumnFit(
            self.list, stretch=POST, minimums=self._min_widths(),
            # On a window too narrow even for those (640 px at a scale of 2) the post goes
            # too, rather than squeeze the visitor's name to two letters.
            optional=((TOPIC, TOPIC_ROOM), (TAGS, 0), (OWNER, 0), (POST, 0)),
            preferred=stored if len(stored) == len(COLUMNS) else defaults,
            save=lambda widths: ctx.settings.set(COLUMN_WIDTHS, widths))
        self._clock = QTimer(self)
        self._clock.timeout.connect(lambda: self.model.repaint_column(STATUS))
        self._clock.start(WAITING_REPAINT_MS)

        self.bar, bar_layout = page_bar()
        self.search = SearchBox("Search visitor, message, post…  ( / )")
        self.search.search_changed.connect(self.set_text)
        bar_layout.addWidget(self.search, 2)
        chips, self.chip_row = chip_strip()
        bar_layout.addWidget(chips, 3)
        self.export = export_button("Export…")
        self.export.clicked.connect(self.open_export)
        bar_layout.addWidget(self.export)
        # Elided on a narrow window: the list's count line never sets how narrow the list may be.
        self.footer = ElidedLabel(whole=True)
        self.footer.setContentsMargins(6, 2, 6, 2)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(self.list, 1)
        list_layout.addWidget(self.footer)
        self.detail = DetailPane()
        self.detail.suggestions.bind(ctx)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("inboxSplit")
        self.split.addWidget(self.sidebar)
        self.split.addWidget(list_box)
        self.split.addWidget(self.detail)
        self.split.setSizes([230, 600, 610])
        # A wider window widens the list as much as the lead: its post and tag columns read
        # whole, where a lead's lines past ~100 characters only get harder to read.
        self.split.setStretchFactor(1, 1)
        self.split.setStretchFactor(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.split, 1)

        self.sidebar.view_chosen.connect(self.choose_view)
        self.sidebar.topic_toggled.connect(self.toggle_topic)
        self.sidebar.tag_toggled.connect(self.toggle_tag)
        self.sidebar.saved_chosen.connect(self.choose_saved)
        self.saved: list[SavedView] = []
        self.model.sort_requested.connect(self._sort)
        self.model.page_loaded.connect(self._update_footer)
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_export())
        self.chips_changed.connect(self._show_chips)
        card = self.detail.card
        card.status_chosen.connect(self.set_status)
        card.assignee_chosen.connect(lambda who: self.ops.assign(self.selected_ids(), who,
                                                                 self.shown_version()))
        card.tag_added.connect(lambda t: self.ops.add_tag(self.selected_ids(), t,
                                                          self.shown_version()))
        card.tag_removed.connect(lambda t: self.ops.remove_tag(self.selected_ids(), t,
                                                               self.shown_version()))
        self.detail.message.note_added.connect(self._add_note)
        ctx.bus.changes_made.connect(self.on_changes)
        # A status change that failed brings back the rows set_status took out at once; one
        # that was written lets the lists read from then on say where they are (also when its
        # change named no ids, or changed nothing).
        actions.failed.connect(self._status_failed)
        actions.written.connect(self._leaving.difference_update)

    def _add_note(self, text: str) -> None:
        current = self.current_id()
        if current is not None:
            self.ops.add_note(current, text)

    def set_status(self, status: str) -> None:
        """The selected messages (or the open one) move to ``status``. When that takes them out
        of the list, they leave it at once and the next lead opens, without waiting for the list
        to be read again (seconds at a million leads); if the change fails, the list is read
        again and they come back."""
        ids = self.selected_ids()
        if not ids:
            return
        version = self.shown_version()  # of the lead shown now, before the next one opens
        self._leave(ids, status)  # first: the next lead's read goes ahead of the write
        self.ops.set_status(ids, status, version)

    def _leave(self, ids: list[int], status: str) -> None:
        """Take ``ids`` out of the list at once if ``status`` takes them out of the view, and
        open the lead their place falls to."""
        if self.current_filter().drops_status(status) and self._estimate is None:
            rows = sorted(row for sid in ids if (row := self.model.row_of(sid)) >= 0)
            self._leaving.update(ids)
            shown = self.current_id()
            self._current_quiet = True
            try:
                self.model.remove_ids(ids)
                if rows and self.model.rowCount():
                    self.select_row(min(rows[0], self.model.rowCount() - 1))
            finally:
                self._current_quiet = False
            if self.current_id() != shown:
                self._current_changed(self.list.currentIndex(), QModelIndex())

    def column_widths(self) -> list[int]:
        """The widths the user gave the columns (not what a narrow window squeezed them to)."""
        return list(self.columns.preferred)

    def _min_widths(self) -> list[int]:
        metrics = self.list.fontMetrics()
        widths = list(MIN_WIDTHS)
        # A received date stays whole ("28 Sep 2024", "Yesterday"), in a bold row too.
        widths[RECEIVED] = int(metrics.horizontalAdvance("28 Sep 2024") * 1.1) + 8
        return widths

    # ------------------------------------------------------------ the page's bar
    def focus_search(self) -> None:
        self.search.focus()

    def _show_chips(self, chips: list[tuple[str, str, str, str]]) -> None:
        """(kind, value, label, colour) for each active filter, as removable chips."""
        clear_layout(self.chip_row)
        for kind, value, label, colour in chips:
            chip = Chip(label, colour, removable=True)
            chip.removed.connect(lambda _text, k=kind, v=value: self.remove_chip(k, v))
            self.chip_row.addWidget(chip)

    def _export_scope(self) -> tuple[Filter, str, int]:
        """What Export writes from here: the selected leads when several are, else the view."""
        selected = self.selected_ids()
        what, count = self._export_words(len(selected))
        if len(selected) > 1:
            from leaddesk.export import selection
            return selection(selected), what, count
        return self.current_filter(), what, count

    def _export_words(self, selected: int) -> tuple[str, int]:
        """What Export names, and how many: the selected leads when several are, else the view."""
        if selected > 1:
            return "selected leads", selected
        return "leads in this view", (self.model.rowCount() if self._estimate is None
                                      else self._estimate.value)

    def _update_export(self) -> None:
        # On every change of the selection: counted, not read. The selected leads' ids (and the
        # export module) only when Export is clicked: 31 ms on the GUI thread for 200 leads.
        what, count = self._export_words(self._selected_count())
        self.export.setText(f"Export {count:,} {what}…")

    def export_dialog(self) -> ExportDialog:
        from leaddesk.ui.export_dialog import ExportDialog
        flt, what, count = self._export_scope()
        return ExportDialog(self.ctx, flt, what=what, count=count, parent=self)

    def open_export(self) -> None:
        from leaddesk.ui.export_dialog import run_export
        run_export(self.export_dialog())

    # ------------------------------------------------------------ what is shown
    def current_filter(self) -> Filter:
        return combine(self.view, self.narrowing, sort=self.order)

    def choose_view(self, key: str) -> None:
        self.view = self.views[key]
        self.reload()

    def set_saved_views(self, saved: list[SavedView]) -> None:
        self.saved = saved
        self.sidebar.set_saved_views([v.name for v in saved])

    def current_as_saved(self, name: str) -> SavedView:
        return SavedView(name, self.view.key, self.narrowing)

    def choose_saved(self, name: str) -> None:
        for saved in self.saved:
            if saved.name == name and saved.view in self.views:
                self.view = self.views[saved.view]
                self.narrowing = saved.narrowing
                self.reload()
                return

    def toggle_topic(self, topic: str | None) -> None:
        self.narrowing = self.narrowing.toggle_topic(topic)
        self.reload()

    def toggle_tag(self, tag: str) -> None:
        self.narrowing = self.narrowing.toggle_tag(tag)
        self.reload()

    def set_text(self, text: str) -> None:
        self.narrowing = replace(self.narrowing, text=text)
        self.reload()

    def set_days(self, days: int | None) -> None:
        self.narrowing = replace(self.narrowing, days=days)
        self.reload()

    def remove_chip(self, kind: str, value: str) -> None:
        if kind == "topic":
            self.toggle_topic(None if value == "" else value)
        elif kind == "tag":
            self.toggle_tag(value)
        elif kind == "days":
            self.set_days(None)

    def _sort(self, key: Sort, descending: bool) -> None:
        self.order = Filter(sort=key, descending=descending)
        self.reload()

    def chips(self) -> list[tuple[str, str, str, str]]:
        chips = [("topic", t or "", t or NO_TOPIC_LABEL, "#7e57c2") for t in self.narrowing.topics]
        chips += [("tag", t, t, self.tag_colours.get(t, "#808080")) for t in self.narrowing.tags]
        if self.narrowing.days:
            chips.append(("days", str(self.narrowing.days), f"{self.narrowing.days} days", "#607d8b"))
        return chips

    # ------------------------------------------------------------ loading
    def reload(self, keep: int | None = None) -> None:
        """Re-query ids for the list and the sidebar's counts, keeping the selection if possible
        (or selecting ``keep``, a lead an undo brought back, once the list holds it)."""
        self._requery(keep)
        self.reload_sidebar()
        self.filter_changed.emit(self.current_filter())
        self.chips_changed.emit(self.chips())

    def prefetch_first_page(self) -> None:
        """Ask the database worker for the current list's first page now; the next
        :meth:`reload` shows it (at once if it has arrived). The window calls this as soon as
        the page exists, so the worker reads it while the rest of the window is built: on
        start, the rows are then there for the window's very first paint."""
        early = self._early = _EarlyPage(self.current_filter())
        flt = early.flt
        (DbOp(self.ctx, lambda s: first_page(s, flt, limit=PAGE_SIZE), parent=self,
              what="loading the list").reading().success(early.arrived).run_in_background())

    def _requery(self, keep: int | None = None) -> None:
        flt = self.current_filter()
        self._load_generation += 1
        generation = self._load_generation
        if flt != self._listed:
            # A new list (start, another view, filter or sort): its first page is painted at
            # once with the number of matches (exact, or "about N" for a common word); the full
            # id list (seconds at a million rows) follows, is appended and gives the exact total.
            self._listed = flt

            def show(found: FirstPage) -> None:
                self._show_first(generation, *found, keep)
            early, self._early = self._early, None
            if early is not None and early.flt == flt:  # asked for already (prefetch_first_page)
                if early.found is not None:
                    show(early.found)
                else:
                    early.deliver = show
            else:
                (DbOp(self.ctx, lambda s: first_page(s, flt, limit=PAGE_SIZE), parent=self,
                      what="loading the list").reading().success(show).run_in_background())
        # Read and indexed beside the database worker (DbOp.aside), not looked through for
        # change records: at a million rows each of these took the GUI thread seconds or held
        # up the next click.
        leaving = frozenset(self._leaving)
        (DbOp(self.ctx, lambda s: IdList.of(_without(query.ids(s, flt), leaving)), parent=self,
              what="loading the list").aside()
         .success(lambda listed: self._show_ids(generation, listed, keep, leaving))
         .run_in_background())

    def _status_failed(self, ids: tuple[int, ...]) -> None:
        """A status change failed: the rows set_status took out come back with the list."""
        self._leaving.difference_update(ids)
        self._requery()

    def _show_first(self, generation: int, rows: tuple[query.SubmissionRow, ...],
                    total: query.Estimate, keep: int | None) -> None:
        # The whole list (read beside the database worker) may have come first: it stays.
        if generation != self._load_generation or self._listed_generation == generation:
            return
        memory = self._remember(keep)  # now: the user may have moved on while it was read
        self._estimate = total
        self.model.show_first(rows)
        self._update_footer()
        self._restore(memory, self.model.ids)

    def reload_sidebar(self) -> None:
        views = dict(self.views)
        narrowing = self.narrowing
        view = self.view

        def load(session: Session) -> SidebarData:
            counts = {key: query.count(session, v.base) for key, v in views.items()}
            counts["new"] = query.count(session, Filter(statuses=("new",)))
            facets = query.facets(session, combine(view, narrowing))
            tags = {t.name: t.colour for t in triage.list_tags(session)}
            members = [m.name for m in triage.list_members(session)]
            return SidebarData(counts, facets, tags, members)

        DbOp(self.ctx, load, parent=self, what="counting").aside().success(
            self._show_sidebar).run_in_background()

    def on_changes(self, changes: list[Change], initiator: object) -> None:
        """Refresh what the changes touch, and only that (see the module docstring)."""
        if any(c.kind == Kind.SETTING and c.touches([ME.key]) for c in changes):
            self._follow_me()
            return
        if any(c.kind == Kind.ANY for c in changes):
            self.model.forget_rows()
            self.reload()
            self._reload_detail_if(None)
            return
        catalogue = any(c.kind in (Kind.TAG, Kind.MEMBER, Kind.CONTACT, Kind.POST) for c in changes)
        rows = [c for c in changes if c.kind == Kind.SUBMISSION]
        for change in rows:  # written: the list read from here on tells whether they left
            self._leaving.difference_update(change.ids or ())
        if not rows and not catalogue:
            return
        membership = self.current_filter().depends_on()
        if any(c.touches(membership) for c in rows):
            self._requery()
        known: set[int] = set()
        for change in rows:
            if change.ids is None:
                known = set()
                self.model.refresh_rows(None)
                break
            known |= change.ids
        else:
            self.model.refresh_rows(known)
        if catalogue:  # a renamed tag, a member, a contact or post shows in many rows
            self.model.refresh_rows(None)
        if catalogue or any(c.touches(COUNTED) for c in rows):
            self.reload_sidebar()  # once per batch
        self._reload_detail_if(None if catalogue or any(c.ids is None for c in rows) else known)

    def _reload_detail_if(self, ids: set[int] | None) -> None:
        current = self.current_id()
        if current is not None and (ids is None or current in ids):
            self.load_detail(current)

    def _follow_me(self) -> None:
        """Settings → "I am" changed: the Mine view is someone else's now."""
        self.views = {v.key: v for v in builtin_views(self.ctx.actor)}
        self.view = self.views[self.view.key]
        self.reload()

    def _show_sidebar(self, data: SidebarData) -> None:
        self.tag_colours = data.tag_colours
        self.sidebar.set_view_counts(data.counts)
        self.new_count_changed.emit(data.counts.get("new", 0))
        if data.counts.get("all", 0) == 0 and data.counts.get("spam", 0) == 0:
            self.detail.show_welcome()
            self.empty_database.emit()
        self.sidebar.set_facets(data.facets, data.tag_colours, self.narrowing.topics,
                                self.narrowing.tags)
        self.sidebar.select_view(self.view.key)
        self.detail.card.set_choices(data.members, data.tag_colours)
        self.chips_changed.emit(self.chips())

    def _remember(self, keep: int | None) -> _Memory:
        """What the user is looking at: restored after the list's ids are re-queried."""
        top = self.list.rowAt(0)
        selected = {int(i.data(ID_ROLE)) for i in self.list.selectionModel().selectedRows()}
        return _Memory(keep if keep is not None else self.current_id(), selected,
                       self.model.ids[top] if 0 <= top < len(self.model.ids) else None,
                       self.list.currentIndex().row())

    def _show_ids(self, generation: int, listed: IdList, keep: int | None,
                  left: frozenset[int]) -> None:
        """The whole list, read beside the database worker; ``left``: the rows set_status had
        taken out when the read began, left out of it."""
        if generation != self._load_generation:
            return
        self._listed_generation = generation
        self._estimate = None
        memory: _Memory | None = None
        # Taken out by set_status while this was read, so perhaps in it: their rows go again.
        late = self._leaving - left
        if late or not self._same_or_grown(listed):
            memory = self._remember(keep)  # now: the user may have moved on during the read
            self.model.set_ids(listed)
            self.model.remove_ids(late)
        self.total_changed.emit(self.model.rowCount())
        self._update_footer()
        self._update_export()
        if memory is not None:
            self._restore(memory, self.model.ids)

    def _same_or_grown(self, listed: IdList) -> bool:
        """Whether the model now shows ``listed`` without a reset, the selection, scroll and
        cached rows as they were: it held these very ids, or their first page (the rest is
        appended)."""
        if listed.ids == self.model.ids and self.model.rowCount():
            return True
        return self.model.grow(listed)

    def _restore(self, memory: _Memory, ids: list[int]) -> None:
        row = self.model.row_of(memory.current) if memory.current is not None else -1
        if row < 0 and memory.current is not None and memory.row >= 0 and ids:
            row = min(memory.row, len(ids) - 1)  # the message left the view: show the next one
        if row < 0 and ids:
            row = 0  # a new view opens on its newest message
        top = self.model.row_of(memory.top) if memory.top is not None else -1
        if top >= 0:
            self.list.scrollTo(self.model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        if row >= 0:
            self.select_row(row, scroll=top < 0)
            others = [self.model.row_of(i) for i in memory.selected if i != memory.current]
            selection = self.list.selectionModel()
            for other in (r for r in others if r >= 0):
                selection.select(self.model.index(other, 0),
                                 QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        elif self.detail.currentWidget() is not self.detail.welcome:
            self._clear_detail()

    def _update_footer(self) -> None:
        if self._estimate is not None:  # the first page is shown, the id list still on its way
            about = "" if self._estimate.exact else "about "
            self.footer.setText(f"{about}{self._estimate.value:,} messages · "
                                f"reading the whole list…")
            return
        shown = self.model.rowCount()
        order = self.current_filter()
        arrow = "↓" if order.descending else "↑"
        self.footer.setText(f"{shown:,} messages · sorted by {order.sort.value} {arrow} · "
                            f"rows load as you scroll")

    # ------------------------------------------------------------ selection and detail
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.list.selectionModel().selectedRows()})
        ids = [int(self.model.index(r, 0).data(ID_ROLE)) for r in rows]
        current = self.current_id()
        return ids or ([current] if current is not None else [])

    def _selected_count(self) -> int:
        """How many leads :meth:`selected_ids` would give, without reading them."""
        selected = len(self.list.selectionModel().selectedRows())
        return selected or int(self.list.currentIndex().isValid())

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def shown_version(self) -> int | None:
        """The version the user is looking at, so a colleague's edit in between is a conflict."""
        shown = self.detail.current
        return shown.row.version if shown is not None and self._selected_count() == 1 else None

    def select_row(self, row: int, *, scroll: bool = True) -> None:
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        if scroll:
            self.list.scrollTo(index)

    def step_selection(self, step: int) -> None:
        current = self.list.currentIndex().row()
        target = max(0, min(self.model.rowCount() - 1, current + step if current >= 0 else 0))
        if self.model.rowCount():
            self.select_row(target)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._current_quiet:
            return
        if not current.isValid():
            self._clear_detail()
            return
        submission_id = int(current.data(ID_ROLE))
        if submission_id != self._opened:  # a list read again selects it anew: nothing to read
            self.load_detail(submission_id)

    def load_detail(self, submission_id: int) -> None:
        self._opened = submission_id
        def load(session: Session) -> tuple[SubmissionDetail, bytes]:
            return detail.load(session, submission_id), detail.raw_bytes(session, submission_id)

        def show(result: tuple[SubmissionDetail, bytes]) -> None:
            if self.current_id() == submission_id:
                self.detail.show_detail(*result)
                self.lead_shown.emit(submission_id)
                if result[0].row.unread:
                    self.ops.mark_read(submission_id)

        def failed(exc: BaseException) -> bool:
            if self.current_id() == submission_id:
                self._clear_detail()
            return False  # and the failure is shown

        self._opening.ask(f"opening #{submission_id}", load, show, failed)

    def _clear_detail(self) -> None:
        self._opened = None
        self.detail.clear()
        self.lead_shown.emit(None)

    def current_row(self) -> query.SubmissionRow | None:
        index = self.list.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def shown(self) -> SubmissionDetail | None:
        """The message open in the detail pane."""
        return self.detail.current
