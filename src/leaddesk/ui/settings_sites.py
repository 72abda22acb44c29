"""Settings → Sites & topics: the sites allowlist and the category/tag → topic mapping.

Only pages on the listed sites are ever requested. The mapping table lists every category and tag
of the resolved posts with the topic it gives; the Topic column is editable (empty: back to the
default, one topic per category). "Re-derive topics" applies the mapping to the leads. Database
work runs in the db pool; errors show under the section they belong to.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from leaddesk import demo_site
from leaddesk.changes import Change, Kind
from leaddesk.posts import sites, topics

from leaddesk.ui.colours import message_style
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel, ask_item, ask_text
from leaddesk.ui.widgets import FitWidthDelegate, button_row

ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("Kind", "Term", "Topic", "How", "Posts")
TOPIC_COLUMN = 2
POSTS = Change(Kind.POST)  # a site or a mapping changed: what posts give



def site_text(site: sites.SiteInfo) -> str:
    """A site's line; the demo's loopback copy of its blog is named as such, without its port."""
    if demo_site.is_demo_mirror(site.origin, site.fetch_base):
        return f"{site.origin}  — the demo's own blog, not one of your sites"
    text = site.origin + (f"  — {site.name}" if site.name else "")
    return text + (f"  (fetched from {site.fetch_base})" if site.fetch_base else "")

class SitesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)

        box = QGroupBox("The team's sites — LeadDesk reads posts only from these")
        inner = QVBoxLayout(box)
        self.sites = QListWidget()
        self.sites.setMaximumHeight(90)
        # A blog's name comes from its own pages: a long one elides, whole in its tooltip.
        self.sites.setItemDelegate(FitWidthDelegate(self.sites))
        inner.addWidget(self.sites)
        self.sites_message = button_row(inner, [("Add site…", self._add_site),
                                              ("Remove", self._remove_site)])
        layout.addWidget(box)

        box = QGroupBox("Topics of interest from post categories and tags")
        inner = QVBoxLayout(box)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("topicMappings")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        inner.addWidget(self.table, 1)
        hint = PlainLabel("Double-click a topic to change it; clear it to go back to the default. "
                      "A form's own topic field always wins.")
        hint.setWordWrap(True)
        inner.addWidget(hint)
        self.topics_message = button_row(inner, [
            ("Add mapping…", self._add_mapping), ("No topic", self._no_topic),
            ("Use default", lambda: self._use_default()), ("Re-derive topics", self.rederive)])
        layout.addWidget(box, 1)
        self.refresh()

    # ------------------------------------------------------------ loading
    def refresh(self) -> None:
        def load(session: Session) -> tuple[list[sites.SiteInfo], list[topics.MappingInfo]]:
            return sites.list_sites(session), topics.list_mappings(session)

        DbOp(self.ctx, load, parent=self, what="loading sites and topics").success(
            self._show).run_in_background()

    def _show(self, data: tuple[list[sites.SiteInfo], list[topics.MappingInfo]]) -> None:
        found_sites, mappings = data
        self.sites.clear()
        for site in found_sites:
            entry = QListWidgetItem(site_text(site))
            entry.setData(ROLE, site.origin)
            self.sites.addItem(entry)
        if not found_sites:
            self.sites_message.setText("No site yet: posts are not looked up until you add "
                                       "your blog's address.")
        self.table.blockSignals(True)
        self.table.setRowCount(len(mappings))
        for row, m in enumerate(mappings):
            values = (m.kind, m.term, m.topic or "", "mapped" if m.explicit else "default",
                      str(m.posts))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column != TOPIC_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column == TOPIC_COLUMN and not m.topic:
                    item.setToolTip("no topic")
                item.setData(ROLE, (m.kind, m.term, m.topic or ""))
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        self.table.blockSignals(False)

    # ------------------------------------------------------------ changes
    def _change(self, message: QLabel, work: Callable[[Session], object], done: str = "", *,
                changed: Change = POSTS) -> None:
        """One change to the sites or mappings; ``changed`` is what it changes (for the bus)."""
        def finished(result: object) -> None:
            message.setStyleSheet("")
            message.setText(done.format(result=result))
            self.refresh()

        def failed(text: str) -> None:
            message.setStyleSheet(message_style(ok=False, widget=message))
            message.setText(text)

        message.clear()
        (DbOp(self.ctx, work, parent=self, what="changing sites and topics")
         .changes(lambda _result: [changed]).success(finished).failure(known_error_in(failed))
         .run_in_background())

    def _add_site(self) -> None:
        url, ok = ask_text(self, "Add site", "Your site's address (e.g. https://www.example.com):")
        if ok and url.strip():
            self._change(self.sites_message, lambda s: sites.add_site(s, url.strip()),
                         "Added. Its posts are looked up after the next sync.")

    def _remove_site(self) -> None:
        item = self.sites.currentItem()
        if item is not None:
            origin = str(item.data(ROLE))
            self._change(self.sites_message, lambda s: sites.remove_site(s, origin),
                         f"Removed {origin}; its posts stay as they are.")

    def _selected(self) -> tuple[str, str, str] | None:
        item = self.table.item(self.table.currentRow(), TOPIC_COLUMN)
        data = item.data(ROLE) if item is not None else None
        return (str(data[0]), str(data[1]), str(data[2])) if data else None

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() != TOPIC_COLUMN:
            return
        kind, term, before = item.data(ROLE)
        topic = item.text().strip()
        if topic == before:
            return
        if topic:
            self._change(self.topics_message, lambda s: topics.set_mapping(s, kind, term, topic),
                         f"{term} → {topic}. Re-derive topics to apply it to the leads.")
        else:
            self._use_default(kind, term)

    def _add_mapping(self) -> None:
        kind, ok = ask_item(self, "Add mapping", "Kind of term:", list(topics.KINDS), current=1,
                            editable=False)
        if not ok:
            return
        term, ok = ask_text(self, "Add mapping", f"The {kind}'s name:")
        if not ok or not term.strip():
            return
        topic, ok = ask_text(self, "Add mapping", f"Topic for {term.strip()}:")
        if ok:
            self._change(self.topics_message,
                         lambda s: topics.set_mapping(s, kind, term.strip(), topic.strip()),
                         "Mapping saved. Re-derive topics to apply it to the leads.")

    def _no_topic(self) -> None:
        chosen = self._selected()
        if chosen:
            kind, term, _ = chosen
            self._change(self.topics_message, lambda s: topics.set_mapping(s, kind, term, None),
                         f"{term} gives no topic now. Re-derive topics to apply it.")

    def _use_default(self, kind: str | None = None, term: str | None = None) -> None:
        if kind is None or term is None:
            chosen = self._selected()
            if not chosen:
                return
            kind, term, _ = chosen
        k, t = kind, term

        def work(session: Session) -> None:
            if any(m.explicit for m in topics.list_mappings(session)
                   if m.kind == k and m.term.casefold() == t.casefold()):
                topics.remove_mapping(session, k, t)

        self._change(self.topics_message, work,
                     f"{t} uses the default again. Re-derive topics to apply it.")

    def rederive(self) -> None:
        self._change(self.topics_message,
                     lambda s: topics.rederive(s, actor=self.ctx.actor),
                     "Topics re-derived: {result} leads changed.",
                     changed=Change.of(Kind.SUBMISSION, None, {"topic"}))
