"""A table whose rows are replaced holds still: the same row on top, the same rows chosen, by key;
a chosen row that left is not replaced by whatever took its place."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

from leaddesk.ui.table_memory import remembered, restore


def fill(model: QStandardItemModel, names: list[str]) -> None:
    model.clear()  # a reset, as a page's model does on reload
    for name in names:
        model.appendRow(QStandardItem(name))


def test_rows_arriving_above_and_leaving_keep_the_view_on_the_same_rows(qtbot) -> None:
    model = QStandardItemModel()
    fill(model, [f"lead {n}" for n in range(100)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(model.index(40, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    view.selectRow(42)
    view.selectionModel().select(model.index(44, 0), view.selectionModel().SelectionFlag.Select
                                 | view.selectionModel().SelectionFlag.Rows)

    def key(row: int) -> str:
        return str(model.index(row, 0).data())
    memory = remembered(view, key)
    fill(model, ["new 1", "new 2"] + [f"lead {n}" for n in range(100) if n != 44])
    restore(view, memory, key)
    assert key(view.rowAt(0)) == "lead 40"
    assert key(view.currentIndex().row()) == "lead 42"
    assert [key(i.row()) for i in view.selectionModel().selectedRows()] == ["lead 42"]
