"""Painting for the message list (a delegate, not widgets per cell): tags as chips in their
colours, the owner's initials in a coloured circle, the status badge with a red "Overdue" badge
(the team's target, in business hours) and "waiting 3 d" (amber past this desktop's setting) beside it.

Every word here may be a stranger's (a tag name someone typed, a member's name): it is drawn
with ``QPainter.drawText`` and ``QFontMetrics.elidedText``, never as rich text. The other
columns (visitor, topic, post, received) are drawn by Qt's own item painting, also plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QWidget

from leaddesk.query import SubmissionRow

from leaddesk.ui.colours import amber, name_colour
from leaddesk.ui.list_model import NEEDS_ROLE, OWNER, ROW_ROLE, STATUS, TAGS
from leaddesk.ui.needs import OVERDUE_BADGE, RowNeeds
from leaddesk.ui.safe_text import PlainItemDelegate
from leaddesk.ui.widgets import readable_on

CHIP_GAP = 4
CHIP_PAD = 7
TEXT_GAP = 6  # between the last chip and "waiting 3 d"
Index = QModelIndex | QPersistentModelIndex


def chip_width(metrics: QFontMetrics, text: str) -> int:
    return metrics.horizontalAdvance(text) + 2 * CHIP_PAD


def fit_text(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` when it fits ``width``, else elided ("Speak…"); Qt's own elision cuts a word
    that fits exactly, so it is asked only when the text is too wide."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


class ListDelegate(PlainItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row: SubmissionRow | None = index.data(ROW_ROLE)
        column = index.column()
        if row is None or column not in (TAGS, OWNER, STATUS):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""  # the background and selection as usual; our drawing instead of text
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(option.font)
        rect = QRectF(option.rect.adjusted(4, 4, -4, -4))
        if column == TAGS:
            self._tags(painter, option, rect, row)
        elif column == OWNER:
            self._owner(painter, option, rect, row, str(index.data() or ""))
        else:
            self._status(painter, option, rect, index.data(NEEDS_ROLE))
        painter.restore()

    @staticmethod
    def _text_colour(option: QStyleOptionViewItem) -> QColor:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        return option.palette.color(role)

    @staticmethod
    def _chip(painter: QPainter, rect: QRectF, text: str, fill: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(readable_on(fill))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _tags(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRectF,
              row: SubmissionRow) -> None:
        metrics = option.fontMetrics
        x = rect.left()
        ellipsis = metrics.horizontalAdvance("…") + 2
        for i, (name, colour) in enumerate(zip(row.tags, row.tag_colours, strict=True)):
            room = rect.right() - x - (ellipsis if i < len(row.tags) - 1 else 0)
            text = name
            if chip_width(metrics, text) > room:
                # The first chip elides to fit; later ones give way to "…".
                text = fit_text(metrics, name, int(room) - 2 * CHIP_PAD) if i == 0 else ""
                if not text or text == "…":
                    painter.setPen(self._text_colour(option))
                    painter.drawText(QRectF(x, rect.top(), rect.right() - x, rect.height()),
                                     Qt.AlignmentFlag.AlignVCenter, "…")
                    return
            width = chip_width(metrics, text)
            self._chip(painter, QRectF(x, rect.top(), width, rect.height()), text, QColor(colour))
            x += width + CHIP_GAP

    def _owner(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRectF,
               row: SubmissionRow, text: str) -> None:
        if not text:
            return
        side = min(rect.height() + 2, rect.width())
        circle = QRectF(rect.left(), rect.center().y() - side / 2, side, side)
        fill = name_colour(row.assignee or "", option.palette.color(QPalette.ColorRole.Base))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawEllipse(circle)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(readable_on(fill))
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, text)

    def _status(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRectF,
                needs: RowNeeds | None) -> None:
        if needs is None:
            return
        chip_metrics = option.fontMetrics
        text_font = painter.font()
        text_font.setBold(needs.amber)  # amber text is bold too: not colour alone
        text_metrics = QFontMetrics(text_font)
        chips, text = status_layout(needs, lambda words: chip_width(chip_metrics, words),
                                    text_metrics.horizontalAdvance, int(rect.width()))
        left = rect.left()
        for words, fill in chips:
            width = min(chip_width(chip_metrics, words), rect.right() - left)
            if width <= 2 * CHIP_PAD:
                return  # no room left in a narrow column: the tooltip and text say it all
            badge = fit_text(chip_metrics, words, int(width) - 2 * CHIP_PAD)
            self._chip(painter, QRectF(left, rect.top(), width, rect.height()), badge,
                       QColor(fill))
            left += width + CHIP_GAP
        if not text:
            return
        painter.setFont(text_font)
        left += TEXT_GAP - CHIP_GAP
        room = int(rect.right() - left)
        text = fit_text(text_metrics, text, room)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = (amber(option.palette.color(QPalette.ColorRole.Base))
                  if needs.amber and not selected else self._text_colour(option))
        painter.setPen(colour)
        painter.drawText(QRectF(left, rect.top(), room, rect.height()),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)


def status_layout(needs: RowNeeds, chip: Callable[[str], int], text: Callable[[str], int],
                  room: int) -> tuple[list[tuple[str, str]], str]:
    """The Status cell's chips (words, colour) and time text that fit ``room`` pixels, given
    each chip's and text's width. In order of preference: every chip with "waiting 3 d", every
    chip with "3 d"; then, for an overdue lead, "Overdue" and the time without the status chip
    (the row's tooltip and words still name the status; a new lead's row is bold). When nothing
    fits whole, the most urgent chip ("Overdue", else the status) and the short time, elided."""
    chips = [(needs.badge, needs.badge_colour)] + ([OVERDUE_BADGE] if needs.overdue else [])
    times = ([needs.waiting_text, needs.waiting_text.removeprefix("waiting ")]
             if needs.waiting is not None else [""])
    plans = [(chips, t) for t in times] + ([(chips[1:], t) for t in times] if needs.overdue
                                           else [])

    def width(plan: tuple[list[tuple[str, str]], str]) -> int:
        shown, words = plan
        used = sum(chip(w) for w, _ in shown) + CHIP_GAP * (len(shown) - 1)
        return used + (TEXT_GAP + text(words) if words else 0)

    return next((plan for plan in plans if width(plan) <= room), (chips[-1:], times[-1]))
