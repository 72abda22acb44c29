"""The managers' Leads page: one row per contact, filters as drop-downs, chart and posts beside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from leaddesk import insights, leads, triage
from leaddesk.changes import Change, Kind
from leaddesk.db.models import Status
from leaddesk.insights import PostStats, TopicCount
from leaddesk.leads import LeadRow
from leaddesk.query import Filter

from leaddesk.ui.charts import (
    ChartRange,
    PostTable,
    TopicChart,
    chart_range,
    known_topics,
    range_combo,
    topic_counts,
)
from leaddesk.ui.colours import TopicColours
from leaddesk.ui.column_fit import ColumnFit
from leaddesk.ui.context import AppContext
from leaddesk.ui.export_dialog import ExportDialog, run_export
from leaddesk.ui.filter_bar import BarCombo, SearchBox, export_button, wrapping_bar
from leaddesk.ui.format import short_time
from leaddesk.ui.operations import DbOp
from leaddesk.ui.page import BusPage
from leaddesk.ui.safe_text import PlainItemDelegate, PlainLabel, tooltip, without_overrides
from leaddesk.ui.table_memory import remembered, restore
from leaddesk.ui.widgets import DownScroll, caption, colour_dot

SHOWN_LIMIT = 5000  # rows in the table; the count and the export always cover every lead
Index = QModelIndex | QPersistentModelIndex
TOPIC_COLUMN = 3
TEXT_COLUMNS = (1, 2, 3, 5)  # company, first-touch post, topic, owner: they elide
# Contact, Company, First-touch post (takes the slack), Topic, Status, Owner, Last, #
WIDTHS = (170, 140, 200, 150, 70, 90, 80, 36)
MIN_WIDTHS = (110, 70, 90, 80, 60, 50, 70, 30)


class LeadsModel(QAbstractTableModel):
    HEADERS = ("Contact", "Company", "First-touch post", "Topic", "Status", "Owner", "Last", "#")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LeadRow] = []
        self.colours: TopicColours | None = None  # the topic's colour, as on the charts

    def set_rows(self, rows: list[LeadRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def key(self, row: int) -> tuple[str, int]:
        """What names row ``row``'s lead across reloads: its contact, else its latest message."""
        lead = self.rows[row]
        return ("contact", lead.contact_id) if lead.contact_id is not None else (
            "message", lead.latest_submission_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        shown = (row.name or row.email or "", row.company or "", row.first_post or "",
                 row.first_topic or "No topic", row.status.capitalize(), row.owner or "",
                 short_time(row.last_at), str(row.messages))[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return shown
        if role == Qt.ItemDataRole.ToolTipRole:
            # A cell cut short ("Dr. Maximil…") shows whole here; the contact's with the address.
            if index.column() == 0:
                return tooltip("\n".join(t for t in (row.name, row.email) if t))
            return tooltip(shown) if index.column() in TEXT_COLUMNS else None
        if (role == Qt.ItemDataRole.DecorationRole and index.column() == TOPIC_COLUMN
                and self.colours is not None):
            return colour_dot(self.colours.colour(row.first_topic).name())
        return None


@dataclass(frozen=True)
class LeadsData:
    rows: list[LeadRow]
    contacts: int
    messages: int
    range: ChartRange  # per month when the weeks would not fit
    counts: list[TopicCount]
    posts: list[PostStats]
    topics: list[str | None]


class LeadsPage(BusPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._generation = 0
        self.contacts = 0
        self.bar, bar = wrapping_bar()  # four drop-downs, search, export: wraps when narrow
        self.topic = BarCombo()
        self.period = range_combo(BarCombo())
        self.owner = BarCombo()
        self.status = BarCombo()
        self.status.addItem("Status: not spam", None)
        for status in Status:
            if status is not Status.SPAM:
                self.status.addItem(f"Status: {status.value}", status.value)
        self.search = SearchBox("Filter contacts…")
        self.search.search_changed.connect(lambda _text: self.reload())
        self.summary = PlainLabel()
        self.export = export_button("Export contacts…")
        self.export.clicked.connect(self.open_export)
        for combo in (self.topic, self.period, self.owner, self.status):
            bar.addWidget(combo)
        bar.addWidget(self.search)
        bar.addWidget(self.export)
        self.summary.setContentsMargins(6, 2, 6, 2)

        self.model = LeadsModel()
        self.table = QTableView()
        self.table.setObjectName("leadsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(PlainItemDelegate(self.table))  # every text cell is a stranger's
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        # The company steps aside first; on a very narrow window (640 px at a scale of 2) the
        # owner, the topic and the post follow, rather than cut the contact's name to "Dr…".
        self.columns = ColumnFit(self.table, stretch=2, preferred=WIDTHS, minimums=MIN_WIDTHS,
                                 optional=((1, 0), (5, 0), (TOPIC_COLUMN, 0), (2, 0)))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(caption("Leads per topic"))
        self.chart = TopicChart()
        side_layout.addWidget(self.chart, 3)
        side_layout.addWidget(caption("Leads per post"))
        self.posts = PostTable()
        side_layout.addWidget(self.posts, 2)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.summary)  # under the table, as the Inbox's footer
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("leadsSplit")
        split.addWidget(table_box)
        self.side = DownScroll(side)  # the chart keeps its height; a short screen scrolls
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(split, 1)
        for combo in (self.topic, self.period, self.owner, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self._choices_loaded = False

    def focus_search(self) -> None:
        self.search.focus()

    def on_changes(self, changes: list[Change], initiator: object) -> None:
        # A new member or topic belongs in the drop-downs too.
        if any(c.kind in (Kind.MEMBER, Kind.ANY) or (c.kind == Kind.SUBMISSION and c.touches(
                ["topic", "created"])) for c in changes):
            self._choices_loaded = False
        super().on_changes(changes, initiator)

    def current_filter(self, now: datetime | None = None) -> Filter:
        flt = chart_range(self.period.currentData() or 0, now=now).with_start(Filter())
        topic = self.topic.currentData()
        if self.topic.currentIndex() > 0:
            flt = flt.with_(topics=(topic,))
        if self.owner.currentIndex() > 0:
            flt = flt.with_(assignees=(self.owner.currentData(),))
        if self.status.currentData():
            flt = flt.with_(statuses=(self.status.currentData(),))
        if self.search.text().strip():
            flt = flt.with_(text=self.search.text().strip())
        return flt

    def reload(self) -> None:
        if not self._choices_loaded:
            self._load_choices()
        flt = self.current_filter()
        rng = chart_range(self.period.currentData() or 0)
        self._generation += 1
        generation = self._generation

        def load(session: Session) -> LeadsData:
            contacts, messages = leads.count_leads(session, flt)
            return LeadsData(leads.lead_rows(session, flt, limit=SHOWN_LIMIT), contacts,
                             messages, *topic_counts(session, flt, rng),
                             insights.leads_per_post(session, flt), known_topics(session))

        (DbOp(self.ctx, load, parent=self, what="loading leads")
         .success(lambda data: self._show(generation, data)).run_in_background())

    def _show(self, generation: int, data: LeadsData) -> None:
        if generation != self._generation:
            return
        rng = data.range
        self.model.colours = TopicColours(data.topics, self.palette().base().color())
        memory = remembered(self.table, self.model.key)  # new leads or a colleague's change:
        self.model.set_rows(data.rows)
        restore(self.table, memory, self.model.key)  # the same leads stay on top and chosen
        self.contacts = data.contacts
        self.summary.setText(f"{data.contacts:,} contacts · {data.messages:,} messages")
        self.export.setText(f"Export {data.contacts:,} contacts…")
        self.chart.show_counts(data.counts, rng, data.topics,
                               title=f"per {rng.unit} · {rng.label(rng.periods(data.counts))}")
        self.posts.show_posts(data.posts)

    def export_dialog(self) -> ExportDialog:
        """The Export of this page: one row per contact, exactly the filter above."""
        return ExportDialog(self.ctx, self.current_filter(), what="contacts",
                            count=self.contacts, per_lead=True, parent=self)

    def open_export(self) -> None:
        run_export(self.export_dialog())

    def _load_choices(self) -> None:
        def load(session: Session) -> tuple[list[str | None], list[str]]:
            from leaddesk import query
            topics = list(query.facets(session, Filter()).topics)
            members = [m.name for m in triage.list_members(session)]
            return sorted(topics, key=lambda t: (t is None, t or "")), members

        def fill(choices: tuple[list[str | None], list[str]]) -> None:
            topics, members = choices
            for combo, label in ((self.topic, "Topic: all"), (self.owner, "Owner: anyone")):
                combo.blockSignals(True)
                combo.clear()
                combo.addItem(label, None)
            for topic in topics:
                self.topic.addItem(without_overrides(f"Topic: {topic or 'No topic'}"), topic)
            for member in members:
                self.owner.addItem(without_overrides(f"Owner: {member}"), member)
            for combo in (self.topic, self.owner):
                combo.blockSignals(False)
            self._choices_loaded = True

        DbOp(self.ctx, load, parent=self, what="loading topics and owners").success(
            fill).run_in_background()
