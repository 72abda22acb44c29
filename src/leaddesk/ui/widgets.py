"""Small reusable widgets: tag chips, section captions, elided labels, settings button rows, a
flow layout, and the palette new tags take their colour from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QHelpEvent,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from leaddesk.ui.colours import message_style
from leaddesk.ui.safe_text import PlainLabel, tooltip

W = TypeVar("W", bound=QWidget)


class FitWidthDelegate(QStyledItemDelegate):
    """Items as wide as their list, never wider: a long name elides ("…") and shows whole,
    as plain text, in its tooltip, instead of scrolling the list sideways."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                  ) -> bool:
        text = index.data()
        if event.type() == QEvent.Type.ToolTip and text:
            QToolTip.showText(event.globalPos(), tooltip(str(text)), view)
            return True
        return super().helpEvent(event, view, option, index)


def list_beside_form(owner: QWidget, chosen: Callable[[int], None]
                     ) -> tuple[QVBoxLayout, QListWidget, QFormLayout]:
    """A settings catalogue's layout: the list on the left (``chosen(row)`` on a new row), the
    chosen item's form on the right; returns (the owner's layout, the list, the form)."""
    layout = QVBoxLayout(owner)
    split = QSplitter()
    items = QListWidget()
    items.setItemDelegate(FitWidthDelegate(items))  # a long rule or template name elides
    items.currentRowChanged.connect(chosen)
    split.addWidget(items)
    editor = QWidget()
    form = QFormLayout(editor)
    form.setContentsMargins(0, 0, 0, 0)
    split.addWidget(editor)
    split.setStretchFactor(1, 3)
    layout.addWidget(split, 1)
    return layout, items, form


def button_row(layout: QBoxLayout, buttons: Sequence[tuple[str, Callable[[], None]]]) -> QLabel:
    """A row of push buttons under a list, and below it the label where their errors show
    (plain text: messages quote what strangers wrote)."""
    row = QHBoxLayout()
    for label, handler in buttons:
        button = QPushButton(label)
        button.clicked.connect(handler)
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    message = PlainLabel()
    message.setWordWrap(True)
    message.setTextFormat(Qt.TextFormat.PlainText)
    message.setStyleSheet(message_style(ok=False, widget=message))
    layout.addWidget(message)
    return message


def colour_dot(colour: str, size: int = 10) -> QIcon:
    """A filled circle in ``colour``: a tag's or topic's colour beside its name."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    return QIcon(pixmap)


def never_widens(widget: W) -> W:
    """Let a layout give ``widget`` less width than its text asks for (a wrapped label wraps
    further, an elided one elides): a header's content then never pushes a splitter."""
    policy = widget.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    widget.setSizePolicy(policy)
    return widget


def readable_on(colour: QColor) -> QColor:
    """Black or white text, whichever reads better on ``colour``."""
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor("#000000") if luminance > 150 else QColor("#ffffff")


def chip_style(colour: str) -> str:
    base = QColor(colour)
    tint = QColor(base)
    tint.setAlpha(60)
    return (f"background: rgba({tint.red()},{tint.green()},{tint.blue()},0.28);"
            f"border: 1px solid rgba({base.red()},{base.green()},{base.blue()},0.55);"
            f"border-radius: 9px; padding: 1px 8px;")


CHIP_MAX_WIDTH = 200


class Chip(QWidget):
    """A coloured, rounded label with an optional remove button."""

    removed = Signal(str)

    def __init__(self, text: str, colour: str = "#808080", *, removable: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text
        # One rounded shape around the name and its ×, so the × reads as part of the chip.
        self.setObjectName("chip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#chip {{ {chip_style(colour)} padding: 0px; }}"
                           "#chip QLabel { background: transparent; border: none; "
                           f"padding: 1px {2 if removable else 8}px 1px 8px; }}"
                           "#chip QToolButton { border: none; background: transparent; "
                           "padding: 0px 6px 0px 0px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        label = PlainLabel(text)
        label.setMaximumWidth(CHIP_MAX_WIDTH)  # a very long tag name is cut, not the pane widened
        layout.addWidget(label)
        if removable:
            button = QToolButton()
            button.setText("×")
            button.setAutoRaise(True)
            button.setToolTip(tooltip(f"Remove {text}"))
            button.setAccessibleName(f"Remove {text}")
            button.clicked.connect(lambda: self.removed.emit(self.text))
            layout.addWidget(button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


def caption(text: str) -> QLabel:
    """A small upper-case section caption in the palette's muted colour."""
    label = PlainLabel(text.upper())
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.8)
    font.setBold(True)
    label.setFont(font)
    return mute(label)


def mute(label: W) -> W:
    """``label`` drawn in the palette's muted (placeholder) colour."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText,
                     palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def muted(text: str = "") -> QLabel:
    label = mute(PlainLabel(text))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def clear_layout(layout: QHBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


MIN_SCROLLED_HEIGHT = 200  # a DownScroll asks no more height than this: the rest scrolls


class DownScroll(QScrollArea):
    """Holds ``widget`` at the viewport's width and scrolls it down only when the viewport is
    shorter than the widget's minimum: as narrow as the widget may be (never cutting it off at the
    side), as short as a few lines. ``sideways`` also lets it be narrower than the widget's
    minimum, scrolling sideways then (a settings tab on a 640 px wide screen).

    Sized by hand rather than with ``widgetResizable``, which takes a wrapping label's preferred
    height (height-for-width) as the least it may have, and so scrolled where the old layout fit.
    """

    def __init__(self, widget: QWidget, *, sideways: bool = False) -> None:
        super().__init__()
        self.inner = widget
        self.sideways = False
        self.setWidget(widget)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.set_sideways(sideways)
        widget.installEventFilter(self)  # its minimum changes: an editor opens, a bar shows
        self.viewport().installEventFilter(self)

    def set_sideways(self, sideways: bool) -> None:
        """Whether it may be narrower than its widget's minimum (and scroll sideways then)."""
        self.sideways = sideways
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if sideways
                                          else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.updateGeometry()
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (watched is self.inner and kind == QEvent.Type.LayoutRequest) or (
                watched is self.viewport() and kind == QEvent.Type.Resize):
            self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        view = self.viewport().size()
        least = self.inner.minimumSizeHint().expandedTo(self.inner.minimumSize())
        width = max(view.width(), least.width()) if self.sideways else view.width()
        height = least.height()
        layout = self.inner.layout()
        if layout is not None and layout.hasHeightForWidth():
            # Wrapped lines and flowed buttons need more height at this width than the minimum
            # says: without it a short screen (853 x 533 at a scale of 1.5) squeezed the
            # header's rows onto one another and cut the message tabs below their minimum.
            height = max(height, layout.minimumHeightForWidth(width))
        size = QSize(width, max(view.height(), height))
        if self.inner.size() != size:
            self.inner.resize(size)

    def minimumSizeHint(self) -> QSize:
        inner = self.inner.minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        width = min(inner.width(), MIN_SCROLLED_HEIGHT) if self.sideways else inner.width()
        return QSize(width + bar, min(inner.height(), MIN_SCROLLED_HEIGHT))


def scrolled(widget: QWidget) -> DownScroll:
    """``widget`` at the size it is given, scrolling only where that is less than its minimum:
    a settings tab that fits any screen at all (640 × 400 at a scale of 2) without its dialog
    asking for more than the screen has."""
    return DownScroll(widget, sideways=True)


SCREEN_MARGIN = 16  # a window opened at its size leaves this much of the screen around it


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` × ``height``, or less where its screen is smaller: a dialog
    sized for a desktop opened larger than an 800 × 600 or scaled screen, its buttons off it."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    window.resize(max(1, min(width, room.width() - SCREEN_MARGIN)),
                  max(1, min(height, room.height() - SCREEN_MARGIN)))


def dialog_layout(dialog: QDialog, title: str, width: int, height: int) -> QVBoxLayout:
    """Title, size (within the screen) and the vertical layout of a simple dialog."""
    dialog.setWindowTitle(title)
    resize_within_screen(dialog, width, height)
    return QVBoxLayout(dialog)


def close_button(dialog: QDialog, layout: QBoxLayout) -> None:
    """A Close button at the bottom of a dialog that only shows something."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


# ------------------------------------------------------------------ layouts that never widen a pane
class FlowLayout(QLayout):
    """Lays its items out left to right and wraps to the next line when the width runs out (Qt's
    flow layout example), so a row of buttons and chips never asks for more width than its widest
    item: many tags make the header taller, never the pane wider.

    ``fill`` makes it a bar: items that expand (a search box) shrink to their minimum before a
    line breaks and take each line's spare width, and items are centred on their line, so a wide
    window shows one even row and a narrow one wraps it instead of growing wider than the screen.
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 4,
                 fill: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._fill = fill
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _lines(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        """The visible items with the sizes a line break is decided by (in a bar, the least
        each may have), broken into lines no wider than ``width``."""
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item in self._visible():
            size = (item.minimumSize() if self._fill else item.sizeHint()).boundedTo(
                QSize(width, 10_000))
            if lines[-1] and used + size.width() > width:
                lines.append([])
                used = 0
            lines[-1].append((item, size))
            used += size.width() + self._spacing
        return lines

    def _widths(self, items: list[tuple[QLayoutItem, QSize]], width: int) -> list[int]:
        """A bar's line: every item from its least toward the width it asks for, as far as the
        line allows; what is left goes to the items that expand (a search box)."""
        least = [size.width() for _item, size in items]
        if not self._fill:
            return least
        wanted = [max(item.sizeHint().width(), size.width()) for item, size in items]
        spare = width - sum(least) - self._spacing * (len(items) - 1)
        need = sum(wanted) - sum(least)
        if spare <= need:
            share = spare / need if need > 0 else 0.0
            return [low + int((want - low) * share) for low, want in zip(least, wanted, strict=True)]
        growing = [i for i, (item, _size) in enumerate(items) if self._grows(item)]
        extra = (spare - need) // len(growing) if growing else 0
        return [want + (extra if i in growing else 0) for i, want in enumerate(wanted)]

    def _grows(self, item: QLayoutItem) -> bool:
        return self._fill and bool(item.expandingDirections() & Qt.Orientation.Horizontal)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y, line = area.y(), 0
        for number, items in enumerate(self._lines(area.width())):
            if number:
                y += line + self._spacing
            heights = [max(size.height(), item.sizeHint().height()) if self._fill
                       else size.height() for item, size in items]
            line = max(heights, default=0)
            x = area.x()
            for (item, _size), width, height in zip(
                    items, self._widths(items, area.width()), heights, strict=True):
                top = y + (line - height) // 2 if self._fill else y
                if move:
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, height)))
                x += width + self._spacing
        return y + line - rect.y() + margins.bottom()


class ElidedLabel(PlainLabel):
    """One line of plain text drawn with "…" at the end when it does not fit (the whole text
    stays the label's text and its tooltip): a 200-character name never widens its pane.

    ``whole`` asks a layout for the whole text's width (a status bar's line, a list's footer) and
    elides only when less is left; otherwise the label takes whatever width it is given.
    ``mode`` says where the "…" goes (in the middle keeps a line's end, "(3 assigned)", in view).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, *, whole: bool = False,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__("", parent)
        self.mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Preferred if whole else QSizePolicy.Policy.Ignored,
                           QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(tooltip(text) if text else "")

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), self.mode, area.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         shown)
        painter.end()


# ------------------------------------------------------------------ tag colours
# New tags take the first of these no tag uses yet (then round again): distinct hues that read
# on light and dark palettes, never the grey a tag gets when nobody chose.
TAG_PALETTE = ("#e53935", "#fb8c00", "#fdd835", "#43a047", "#00897b", "#1e88e5", "#3949ab",
               "#8e24aa", "#d81b60", "#6d4c41", "#00acc1", "#7cb342")


def next_tag_colour(used: Iterable[str]) -> str:
    """The palette colour the fewest existing tags use (the first such, in palette order)."""
    counts = Counter(c.lower() for c in used)
    return min(TAG_PALETTE, key=lambda c: (counts[c], TAG_PALETTE.index(c)))
