"""The message list's model: it holds the ordered ids of the current filter and loads rows lazily.

A million ids cost a few megabytes; the rows behind them are fetched a page at a time, in the
database worker, when the view first asks for one of them, and kept in a bounded page cache. A
reload bumps a generation counter so that pages still in flight for an old filter are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Sort, SubmissionRow

from leaddesk.ui.format import short_time
from leaddesk.ui.icons import unread_dot
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.tasks import TaskRunner

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the SubmissionRow, or None while loading
ID_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[tuple[str, Sort | None], ...] = (
    ("Visitor", Sort.NAME),
    ("Topic", Sort.TOPIC),
    ("Post", None),
    ("Tags", None),
    ("Owner", None),
    ("Status", Sort.STATUS),
    ("Received", Sort.RECEIVED),
)

VISITOR, TOPIC, POST, TAGS, OWNER, STATUS, RECEIVED = range(len(COLUMNS))

PAGE_SIZE = 100
MAX_CACHED_PAGES = 60
Index = QModelIndex | QPersistentModelIndex


class SubmissionListModel(QAbstractTableModel):
    sort_requested = Signal(object, bool)  # Sort, descending
    page_loaded = Signal()

    def __init__(self, db: Database, tasks: TaskRunner) -> None:
        super().__init__()
        self.db = db
        self.tasks = tasks
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, SubmissionRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------ content
    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._pages.clear()
        self._pending.clear()
        self.endResetModel()

    @property
    def ids(self) -> list[int]:
        return self._ids

    def row_of(self, submission_id: int) -> int:
        try:
            return self._ids.index(submission_id)
        except ValueError:
            return -1

    def submission(self, row: int) -> SubmissionRow | None:
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE_SIZE
        if number not in self._pages:
            self._request(number)  # answers at once when tasks run inline (tests)
        page = self._pages.get(number)
        if page is None:
            return None
        self._pages.move_to_end(number)
        return page.get(self._ids[row])

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        generation = self._generation
        ids = self._ids[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]

        def load() -> list[SubmissionRow]:
            with self.db.session() as session:
                return query.rows_by_ids(session, ids)

        self.tasks.db(load, lambda rows: self._loaded(generation, number, rows),
                      lambda exc: self._pending.discard(number))

    def _loaded(self, generation: int, number: int, rows: list[SubmissionRow]) -> None:
        if generation != self._generation:
            return  # a page for a filter that is no longer shown
        self._pending.discard(number)
        self._pages[number] = {r.id: r for r in rows}
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = number * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit()

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        row = self.submission(index.row())
        if role == ROW_ROLE:
            return row
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.FontRole and (row.status == "new" or row.unread):
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and index.column() == VISITOR and row.unread:
            return unread_dot()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        return None

    @staticmethod
    def _display(row: SubmissionRow, column: int) -> str:
        if column == VISITOR:
            who = row.name or row.email or "(unknown visitor)"
            # The number of e-mails in the conversation, once there is one.
            return f"{who}  ({row.message_count})" if row.message_count > 1 else who
        if column == TOPIC:
            return row.topic or ""
        if column == POST:
            return row.post_title or row.page_url or ""
        if column == TAGS:
            return ", ".join(row.tags)
        if column == OWNER:
            return row.assignee or ""
        if column == STATUS:
            return row.status
        return short_time(row.received_at)

    @staticmethod
    def _tooltip(row: SubmissionRow, column: int) -> str | None:
        text = None
        if column == VISITOR:
            text = f"{row.name or ''} <{row.email or ''}>\n{row.company or ''}".strip()
            if row.message_count > 1:
                text += f"\n{row.message_count} messages in the conversation"
            if row.unread:
                text += "\nAn answer you have not read yet"
        elif column == POST:
            text = row.page_url
        # A hidden message says why on every cell: a real lead must never vanish unexplained.
        if row.hidden_reason:
            text = f"{row.hidden_reason}\nN brings it back" + (f"\n\n{text}" if text else "")
        return tooltip(text) if text else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)
