"""A table that holds still when its rows are replaced: what the user looks at stays put.

A page that reloads its whole table when new leads arrive, or when a colleague's change lands,
resets its model; without help the view would keep its scroll offset (showing other rows, as
everything moved down) and lose the selection. :func:`remembered` notes, by a key that survives
the reload (a contact's id, say), the row at the top, the current row and the selected ones;
:func:`restore` puts them back where they are now. Rows that left are simply not chosen again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

RowKey = Callable[[int], Hashable]  # the key of the model's row number


@dataclass(frozen=True)
class Remembered:
    top: Hashable | None
    current: Hashable | None
    selected: tuple[Hashable, ...]


def remembered(view: QTableView, key_of: RowKey) -> Remembered:
    """The keys of the top, current and selected rows of ``view``, before its model resets."""
    rows = view.model().rowCount()
    top = view.rowAt(0)
    current = view.currentIndex().row()
    selected = sorted({i.row() for i in view.selectionModel().selectedRows()})
    return Remembered(key_of(top) if 0 <= top < rows else None,
                      key_of(current) if 0 <= current < rows else None,
                      tuple(key_of(r) for r in selected if 0 <= r < rows))


def restore(view: QTableView, memory: Remembered, key_of: RowKey) -> None:
    """Scroll and select as before the reset, by key (see :func:`remembered`)."""
    model = view.model()
    where = {key_of(r): r for r in range(model.rowCount())}
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for key in memory.selected:
        if key in where:
            selection.select(model.index(where[key], 0), flags.Select | flags.Rows)
    if memory.current in where:
        selection.setCurrentIndex(model.index(where[memory.current], 0), flags.NoUpdate)
    # Last, as a new current row scrolls itself into view. The same row stays on top even at
    # the very top (as in the Inbox): rows arriving above must not slide another lead under the
    # pointer a moment before a click; the count and the scroll bar say they are there.
    if memory.top in where:
        view.scrollTo(model.index(where[memory.top], 0),
                      QAbstractItemView.ScrollHint.PositionAtTop)
    else:
        view.scrollToTop()
