"""A stranger's text at its worst, and how to read what Qt really shows of it.

``HOSTILE`` is markup (bold, an image, a link to a local file), entities, ampersands (Qt's
mnemonic marker in menus and buttons) and a right-to-left override; ``LONG_WORD`` is a
5,000-letter word. Every place that shows a stranger's words must show ``SHOWN``: the same
characters, none read as markup, with only the override gone (it would reverse what follows).
"""

from __future__ import annotations

import re

import pytest

from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem

MARKUP = '<b>x</b><img src=x onerror=1><a href="file:///etc/passwd">y</a> Tom & Jerry &&amp;'
HOSTILE = f"{MARKUP} \u202eevil"
SHOWN = f"{MARKUP} evil"
LONG_WORD = "W" * 5000
OVERRIDES = ("\u202d", "\u202e")


def as_drawn(text: str) -> str:
    """What a menu entry, menu title or button draws of ``text``: "&&" is "&", "&x" is "x"."""
    return re.sub("&(.)", r"\1", text)


def drawn_in(view: QAbstractItemView, index: QModelIndex) -> str:
    """The text ``view``'s delegate draws in the cell at ``index``."""
    option = QStyleOptionViewItem()
    delegate = view.itemDelegateForIndex(index)
    delegate.initStyleOption(option, index)  # type: ignore[attr-defined]
    return option.text


def reorders(text: str) -> bool:
    return any(mark in text for mark in OVERRIDES)


def on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> QRect:
    """Every window's screen is 1280 × 800 (``availableGeometry``): what a long word may not widen."""
    room = QRect(0, 0, 1280, 800)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: room)
    return room
