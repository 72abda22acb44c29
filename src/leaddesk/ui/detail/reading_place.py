"""Where the user is reading in a lead, kept when the same lead is shown again.

A colleague's tag, a reply arriving, a rule's change: the open lead is read again from the
database and shown afresh. Another lead opens on its Message tab at the top; the same one must
stay on the tab the user chose, scrolled where they were, the formatted view still on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractScrollArea

if TYPE_CHECKING:
    from leaddesk.ui.detail.message import MessageTabs


@dataclass(frozen=True)
class ReadingPlace:
    tab: int
    formatted: bool
    scrolled: tuple[int, ...]  # each reading area's vertical scroll position


def _areas(tabs: MessageTabs) -> tuple[QAbstractScrollArea, ...]:
    return tabs.text, tabs.html, tabs.source, tabs.notes, tabs.timeline, tabs.fields


def remember(tabs: MessageTabs) -> ReadingPlace:
    return ReadingPlace(tabs.currentIndex(), tabs.formatted.isChecked(),
                        tuple(area.verticalScrollBar().value() for area in _areas(tabs)))


def restore(tabs: MessageTabs, place: ReadingPlace) -> None:
    """Back to ``place``; the scroll positions again once the new text is laid out (a text
    area computes its length lazily, and would cut a far position short now)."""
    tabs.setCurrentIndex(place.tab)

    def scroll() -> None:
        for area, value in zip(_areas(tabs), place.scrolled, strict=True):
            area.verticalScrollBar().setValue(value)

    scroll()
    QTimer.singleShot(0, tabs, scroll)
