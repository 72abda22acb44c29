"""The application icon (from resources/icons, SVG source) and the tray badge with a count."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from leaddesk.errors import LeadDeskError
from leaddesk.resources import resources_dir


def app_icon() -> QIcon:
    try:
        path = resources_dir() / "icons" / "leaddesk.svg"
    except LeadDeskError:
        return QIcon()
    return QIcon(str(path)) if path.exists() else QIcon()


def badge_icon(count: int, size: int = 64) -> QIcon:
    """The app icon with the number of new leads in a corner badge."""
    pixmap = app_icon().pixmap(size, size)
    if pixmap.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor("#2f6fde"))
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = size * 0.6
    rect = QRectF(size - diameter, 0, diameter, diameter)
    painter.setBrush(QColor("#d93025"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(rect)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(diameter * 0.55))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "99+" if count > 99 else str(count))
    painter.end()
    return QIcon(pixmap)


_DOTS: dict[str, QIcon] = {}


def _dot(colour: str, size: int) -> QIcon:
    """A round dot of ``colour`` ("" for an empty one of the same size), made once."""
    if colour not in _DOTS:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        if colour:
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
            painter.end()
        _DOTS[colour] = QIcon(pixmap)
    return _DOTS[colour]


def unread_dot(size: int = 10) -> QIcon:
    """The list's mark of a lead with an answer its owner has not read."""
    return _dot("#1e88e5", size)


def no_dot(size: int = 10) -> QIcon:
    """An empty icon of the unread dot's size: read rows keep the dot's room, names line up."""
    return _dot("", size)
