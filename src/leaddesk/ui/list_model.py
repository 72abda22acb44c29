"""The message list's model: it holds the ordered ids of the current filter and loads rows lazily.

A million ids cost a few megabytes; the rows behind them are fetched a page at a time, in the
database worker, when the view first asks for one of them, and kept in a bounded page cache. A
reload bumps a generation counter so that pages still in flight for an old filter are dropped.
After a change whose ids are known, :meth:`refresh_rows` re-fetches just those rows of the cached
pages (one query) and repaints them; nothing else is reset, so selection and scroll stay put.

What each row shows beyond its fields (status badge, "Overdue", unread dot, owner's initials,
"waiting 3 d") comes from :func:`leaddesk.ui.needs.row_needs` through ``NEEDS_ROLE``; the delegate
(:mod:`leaddesk.ui.list_delegate`) paints it, and the display roles carry the same in words. The
team's response-time policy behind "Overdue" is read once when the model is made and again when
it changes (a setting change on the bus: Settings → Response times here, or another desktop).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from leaddesk import query, response_times
from leaddesk.changes import Change, Kind
from leaddesk.query import Sort, SubmissionRow
from leaddesk.response_times import ResponsePolicy

from leaddesk.ui.colours import amber
from leaddesk.ui.context import AppContext
from leaddesk.ui.format import long_time, short_time
from leaddesk.ui.icons import no_dot, unread_dot
from leaddesk.ui.needs import RowNeeds, row_needs
from leaddesk.ui.operations import DbOp
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.settings import WAITING_AMBER_HOURS

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the SubmissionRow, or None while loading
ID_ROLE = Qt.ItemDataRole.UserRole + 2
NEEDS_ROLE = Qt.ItemDataRole.UserRole + 3  # a RowNeeds: badge, unread, waiting
# Unanswered past the team's target in business hours (leaddesk.response_times).
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 4

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
MAX_CACHED_ROWS = 6000
Index = QModelIndex | QPersistentModelIndex


# Ids indexed per slice: one dict(zip(...)) of a million ids is a single C call that holds the
# GIL for ~80 ms, which the GUI thread would wait out; a slice takes ~1.5 ms (50,000 left gaps of
# 55-74 ms in bench_window_actions once the list was read beside the database worker).
INDEX_SLICE = 20_000


@dataclass(frozen=True)
class IdList:
    """A list's ids in display order and each id's row, built where the ids are read (the
    reader thread beside the database worker), so that the GUI thread never walks a million ids
    to index them."""

    ids: list[int]
    rows: dict[int, int]  # id -> row, so row_of is a lookup, not a search

    @classmethod
    def of(cls, ids: list[int]) -> IdList:
        rows: dict[int, int] = {}
        for start in range(0, len(ids), INDEX_SLICE):
            rows.update(zip(ids[start:start + INDEX_SLICE], range(start, start + INDEX_SLICE),
                            strict=False))
        return cls(ids, rows)


class SubmissionListModel(QAbstractTableModel):
    sort_requested = Signal(object, bool)  # Sort, descending
    page_loaded = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._ids: list[int] = []
        self._rows: dict[int, int] = {}  # id -> row, so row_of is a lookup, not a search
        # The rows (as _rows numbers them) removed since it was built, in order: remove_ids.
        self._removed: list[int] = []
        # Rows by id, least recently used first: a new id list (a re-sort, a row leaving the
        # view) keeps every row still valid, so the list repaints without a round trip.
        self._cache: OrderedDict[int, SubmissionRow] = OrderedDict()
        self._pending: set[int] = set()  # page numbers being fetched for the current id list
        self._gone: set[int] = set()  # asked for, not found (deleted meanwhile): not asked again
        self._generation = 0
        self._bold = QFont()
        self._bold.setBold(True)
        self.amber_after = timedelta(hours=ctx.settings.get(WAITING_AMBER_HOURS))
        ctx.settings.changed.connect(self._setting_changed)
        # A clock tests can stop. To the minute: "waiting N d" and the Overdue badge need no more,
        # and every row painted in that minute then shares one business-hours deadline
        # (response_times caches it per moment) instead of working it out again per row.
        self.now = lambda: datetime.now().astimezone().replace(second=0, microsecond=0)
        # The team's policy: the process's active one until this model's own read answers.
        self.policy: ResponsePolicy = response_times.active()
        ctx.bus.changes_made.connect(self._changes_made)
        self.load_policy()

    def load_policy(self) -> None:
        """Read the team's response-time policy (in the database worker), then repaint."""
        DbOp(self.ctx, response_times.load_policy, parent=self,
             what="reading the team's business hours").success(
            self.set_policy).run_in_background()

    def set_policy(self, policy: ResponsePolicy) -> None:
        self.policy = policy
        self.repaint_column(STATUS)

    def _changes_made(self, changes: list[Change], _initiator: object) -> None:
        if any(c.kind in (Kind.SETTING, Kind.ANY)
               and c.touches((response_times.SETTING_KEY,)) for c in changes):
            self.load_policy()

    def _setting_changed(self, key: str) -> None:
        if key == WAITING_AMBER_HOURS.key:
            self.amber_after = timedelta(hours=self.ctx.settings.get(WAITING_AMBER_HOURS))
            self.repaint_column(STATUS)

    def repaint_column(self, column: int) -> None:
        """Repaint one column of every row (time passing changes "waiting 3 d")."""
        if self._ids:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    # ------------------------------------------------------------ content
    def set_ids(self, ids: Sequence[int] | IdList, *, keep_rows: bool = True) -> None:
        """Show ``ids``; ``keep_rows=False`` forgets every cached row too (all may be stale).
        An :class:`IdList` (a long list, read and indexed off the GUI thread) is taken as it is:
        the model owns it from here."""
        listed = ids if isinstance(ids, IdList) else IdList.of(list(ids))
        self._reset(listed.ids, listed.rows, [], keep_rows=keep_rows)

    def _reset(self, ids: list[int], rows: dict[int, int], removed: list[int], *,
               keep_rows: bool) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids, self._rows, self._removed = ids, rows, removed
        self._pending.clear()
        self._gone.clear()
        if not keep_rows:
            self._cache.clear()
        self.endResetModel()

    def show_first(self, rows: Sequence[SubmissionRow]) -> None:
        """Show the first page of a new list at once, its rows included, while the full id list
        is still being read (at a million rows that takes seconds): see :meth:`grow`."""
        self._store(rows)
        self.set_ids([r.id for r in rows])
        if rows:
            self.page_loaded.emit()

    def grow(self, listed: IdList) -> bool:
        """Append the rest of a list whose first page is shown: True if ``listed`` starts with
        the ids shown (rows are inserted, so selection and scroll stay put; the model owns
        ``listed`` from here), else False (nothing done; the caller sets the whole list)."""
        shown = len(self._ids)
        ids = listed.ids
        if not shown or len(ids) <= shown or ids[:shown] != self._ids:
            return False
        self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
        # The first rows are the same ids at the same rows: the whole list and its index replace
        # them, with no walk over a million ids here on the GUI thread.
        self._ids, self._rows = ids, listed.rows
        self._removed = []
        self.endInsertRows()
        return True

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Take ``ids`` out of the list now (they left the view: a lead marked done in the
        Inbox), before the list is read again. Their rows go one by one; the index stays as it
        was built, each later row's place found by how many rows above it went."""
        for sid in ids:
            row = self.row_of(sid)
            if row < 0:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            insort(self._removed, self._rows[sid])
            self.endRemoveRows()

    def forget_rows(self) -> None:
        """Forget every cached row (all may be stale), keeping the list, its index and the rows
        removed from it: its rows are read again as they are shown."""
        self._reset(self._ids, self._rows, self._removed, keep_rows=False)

    @property
    def ids(self) -> list[int]:
        return self._ids

    def row_of(self, submission_id: int) -> int:
        row = self._rows.get(submission_id, -1)
        if row < 0 or not self._removed:
            return row
        above = bisect_left(self._removed, row)
        if above < len(self._removed) and self._removed[above] == row:
            return -1  # removed
        return row - above

    def cached_ids(self, ids: Iterable[int] | None = None) -> list[int]:
        """Which of ``ids`` (None: all) have their row cached."""
        return list(self._cache) if ids is None else [i for i in ids if i in self._cache]

    def refresh_rows(self, ids: Iterable[int] | None = None) -> None:
        """Re-fetch the cached rows of ``ids`` (None: every cached row) and repaint them; rows
        not cached are fetched when the view needs them anyway."""
        wanted = self.cached_ids(ids)
        if wanted:
            (DbOp(self.ctx, lambda s: query.rows_by_ids(s, wanted), parent=self,
                  what="reloading messages").reading()
             .success(self._replaced).run_in_background())

    def _replaced(self, rows: list[SubmissionRow]) -> None:
        self._store(rows)
        for row in sorted(row for r in rows if (row := self.row_of(r.id)) >= 0):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _store(self, rows: Iterable[SubmissionRow]) -> None:
        for row in rows:
            self._cache[row.id] = row
            self._cache.move_to_end(row.id)
        while len(self._cache) > MAX_CACHED_ROWS:
            self._cache.popitem(last=False)

    def submission(self, row: int) -> SubmissionRow | None:
        if not 0 <= row < len(self._ids):
            return None
        sid = self._ids[row]
        if sid not in self._cache and sid not in self._gone:
            self._request(row // PAGE_SIZE)  # answers at once when tasks run inline (tests)
        found = self._cache.get(sid)
        if found is not None:
            self._cache.move_to_end(sid)
        return found

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        generation = self._generation
        ids = [i for i in self._ids[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
               if i not in self._cache]

        def failed(exc: BaseException) -> bool:
            # The page stays "pending" until the list reloads: a repaint must not repeat it.
            return False  # the failure is shown

        (DbOp(self.ctx, lambda s: query.rows_by_ids(s, ids), parent=self,
              what="loading messages").reading()
         .success(lambda rows: self._loaded(generation, number, ids, rows))
         .failure(failed).run_in_background())

    def _loaded(self, generation: int, number: int, asked: list[int],
                rows: list[SubmissionRow]) -> None:
        self._store(rows)  # rows are fresh whatever list asked for them
        if generation != self._generation:
            return
        self._pending.discard(number)
        found = {r.id for r in rows}
        self._gone.update(i for i in asked if i not in found)
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
        column = index.column()
        if role == NEEDS_ROLE:
            return self.needs(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.needs(row).describe() if column == STATUS else self._display(row, column)
        if role == OVERDUE_ROLE:
            return self.needs(row).overdue
        if role == Qt.ItemDataRole.FontRole and (row.status == "new" or row.unread):
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and column == VISITOR:
            # Every row keeps the dot's room, so names line up whether or not one is unread.
            return unread_dot() if row.unread else no_dot()
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS and self.needs(row).amber:
            return amber(QGuiApplication.palette().color(QPalette.ColorRole.Base))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, self.needs(row))
        return None

    def needs(self, row: SubmissionRow) -> RowNeeds:
        return row_needs(row, now=self.now(), amber_after=self.amber_after, policy=self.policy)

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
            return initials(row.assignee)
        return short_time(row.received_at)

    @staticmethod
    def _tooltip(row: SubmissionRow, column: int, needs: RowNeeds) -> str | None:
        text = None
        if column == VISITOR:
            text = f"{row.name or ''} <{row.email or ''}>\n{row.company or ''}".strip()
            if row.message_count > 1:
                text += f"\n{row.message_count} messages in the conversation"
            if row.unread:
                text += "\nAn answer you have not read yet"
        elif column == POST:  # the title cut short, and where it is
            text = "\n".join(t for t in (row.post_title, row.page_url) if t)
        elif column == TOPIC:
            text = row.topic
        elif column == TAGS:
            text = ", ".join(row.tags)
        elif column == OWNER:
            text = f"Assigned to {row.assignee}" if row.assignee else "Nobody's yet"
        elif column == STATUS:
            text = needs.describe()
            if needs.waiting is not None:
                text += " for an answer" + (" (longer than your amber setting)" if needs.amber
                                            else "")
            if needs.overdue:
                text += "\nUnanswered for longer than the team's target, in business hours"
        elif column == RECEIVED:
            text = long_time(row.received_at)
        # A hidden message says why on every cell: a real lead must never vanish unexplained.
        if row.hidden_reason:
            text = f"{row.hidden_reason}\nN brings it back" + (f"\n\n{text}" if text else "")
        return tooltip(text) if text else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)


def initials(name: str | None) -> str:
    """ "Anna Kowalski" → "AK", "Ada" → "Ad": short enough for a narrow Owner column."""
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:2].capitalize()
    return (words[0][0] + words[-1][0]).upper()
