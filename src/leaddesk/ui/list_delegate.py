"""Painting for the message list: tags as coloured chips (a delegate, not widgets per cell)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from leaddesk.ui.list_model import ROW_ROLE
from leaddesk.ui.widgets import readable_on

CHIP_GAP = 4
CHIP_PAD = 7


class TagChipDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is None or not row.tags:
            super().paint(painter, option, index)
            return
        # Draw the selection/background as usual, then our chips instead of the text.
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 4, -4, -4)
        metrics = option.fontMetrics
        x = float(rect.left())
        for name, colour in zip(row.tags, row.tag_colours, strict=True):
            width = metrics.horizontalAdvance(name) + 2 * CHIP_PAD
            if x + width > rect.right():
                painter.setPen(option.palette.text().color())
                painter.drawText(QRectF(x, rect.top(), rect.right() - x, rect.height()),
                                 Qt.AlignmentFlag.AlignVCenter, "…")
                break
            fill = QColor(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            chip = QRectF(x, rect.top(), width, rect.height())
            painter.drawRoundedRect(chip, rect.height() / 2, rect.height() / 2)
            painter.setPen(readable_on(fill))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += width + CHIP_GAP
        painter.restore()
