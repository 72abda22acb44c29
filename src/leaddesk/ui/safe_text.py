"""Words from strangers shown as words: labels, tooltips, message boxes, prompts, notifications.

Qt guesses whether a string is rich text (``Qt::mightBeRichText``) for labels, tooltips and
message boxes, and rich text loads images: a visitor named ``Zed <img src="file:///dev/zero">``
would make Qt read that file on the GUI thread (exhausting memory; a FIFO blocks the window for
good; on Windows a ``file://host/share`` path reaches a stranger's SMB server). So every widget in
``leaddesk.ui`` that can show words from a submission, contact, post, API record or mail header
goes through this module, and ``tests/ui/test_safe_text.py`` walks the source to keep it so:

* :class:`PlainLabel` instead of ``QLabel``; :class:`RichLabel` only for our own markup, built with
  :func:`escape` around every value;
* :func:`tooltip` for every tooltip that is not a literal;
* :func:`message_box`, :func:`ask_text` and :func:`ask_item` instead of ``QMessageBox`` and
  ``QInputDialog``'s static helpers;
* :func:`chart_text` for Qt Charts' legends and axis labels (always drawn as HTML);
* :func:`notification` for tray messages, whose renderer may read markup;
* :func:`action_text` for menu entries, menu titles and tool buttons, which read ``&`` as a
  mnemonic; :class:`PlainItemDelegate` and :class:`PlainStatusBar` where a single line of a
  stranger's text is drawn plain but could still be reordered by a bidi override.

The sanitised HTML view (``ui/detail/message.py``) stays the one place a message's HTML is drawn,
and it loads no resource at all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMessageBox,
    QStatusBar,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

_NOTIFICATION_LOOKALIKES = str.maketrans({"<": "‹", ">": "›", "&": "＆"})


def escape(text: object) -> str:
    """``text`` as HTML that shows it literally (for our own rich text around a stranger's words)."""
    return html.escape(str(text), quote=True)


# Left-to-right and right-to-left OVERRIDE force the order of the letters after them: a stranger's
# "\u202eSPOOF" reads "FOOPS", "invoice\u202efdp.exe" reads "invoiceexe.pdf". Real right-to-left
# text never needs them (embeddings and isolates, which only set a direction, stay).
_OVERRIDES = dict.fromkeys(map(ord, "\u202d\u202e"))


def without_overrides(text: str) -> str:
    """``text`` with no bidirectional override left to reorder what it shows."""
    return text.translate(_OVERRIDES)


# A word-wrapped label asks for its longest word's width, at the least and as its preferred
# width: a server's error quoting a stranger's 5,000-letter word made the window 59,000 px wide.
WRAPPED_WORD_CHARS = 30  # a longer word is cut at the label's edge (still selectable whole)
WRAPPED_LINE_CHARS = 80  # the width Qt itself prefers for a wrapped label with ordinary words


class PlainLabel(QLabel):
    """A label that never reads its text as markup, nor lets it reorder itself (overrides).

    Word-wrapped, it never asks for more than ``WRAPPED_WORD_CHARS`` average characters as its
    least width (``WRAPPED_LINE_CHARS`` as its preferred one), however long a word it shows.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(without_overrides(text))

    def minimumSizeHint(self) -> QSize:
        return self._capped(super().minimumSizeHint(), WRAPPED_WORD_CHARS)

    def sizeHint(self) -> QSize:
        return self._capped(super().sizeHint(), WRAPPED_LINE_CHARS)

    def _capped(self, hint: QSize, chars: int) -> QSize:
        if self.wordWrap():
            widest = self.fontMetrics().averageCharWidth() * chars
            margins = self.contentsMargins()
            hint.setWidth(min(hint.width(), widest + margins.left() + margins.right()))
        return hint


class RichLabel(QLabel):
    """A label for markup we write ourselves: every value inside it must pass through :func:`escape`."""

    def __init__(self, html_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(html_text)


# A tooltip is never scrolled: a stranger's 500 lines, or a 5,000-letter word, would make one
# taller or wider than the screen, most of it out of sight.
TOOLTIP_LINES = 20
TOOLTIP_CHARS = 1000
TOOLTIP_WORD = 60  # a longer unbroken "word" gets break opportunities every this many characters
_LONG_WORD = re.compile(rf"\S{{{TOOLTIP_WORD}}}")


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept, and fits on a screen.

    Tooltips always guess, and an escaped string would be guessed plain when it holds no ``&lt;``
    (showing ``&amp;`` as is); wrapping it in a paragraph makes the guess "rich" and the escape exact.
    More than ``TOOLTIP_LINES`` lines or ``TOOLTIP_CHARS`` characters are cut short ("…"), and
    a very long word may break anywhere.
    """
    if not text:
        return ""
    lines = without_overrides(text).splitlines()
    body = "\n".join(lines[:TOOLTIP_LINES])
    if len(body) > TOOLTIP_CHARS:
        body = body[:TOOLTIP_CHARS] + "…"
    if len(lines) > TOOLTIP_LINES:
        body += f"\n… {len(lines) - TOOLTIP_LINES:,} more lines"
    body = _LONG_WORD.sub(lambda word: word.group(0) + "\u200b", body)
    return f'<p style="white-space:pre-wrap">{escape(body)}</p>'


def action_text(text: str) -> str:
    """``text`` for a menu entry, a menu's title or a tool button, shown as typed.

    Qt reads a lone ``&`` there as a keyboard mnemonic: an owner "Tom & Jerry" showed as
    "Tom  Jerry" with the space underlined, and "&Quit" gave the button an Alt+Q shortcut. Each
    ``&`` is doubled (shown once), and no bidi override is left to reorder the line.
    """
    return without_overrides(text).replace("&", "&&")


class PlainItemDelegate(QStyledItemDelegate):
    """An item view's painting with no bidi override left in a cell's one line of text.

    Item views draw their text plain already; a stranger's ``\u202e`` would still reverse the
    rest of the cell ("Zed \u202elivE" reads "Zed Evil"). The model keeps the text as it came.
    """

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = without_overrides(option.text)


class PlainStatusBar(QStatusBar):
    """A status bar whose messages (drawn plain) keep no bidi override: they name visitors'
    addresses, owners, tags and file names."""

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        super().showMessage(without_overrides(text), timeout or 0)


def chart_text(text: str) -> str:
    """Text for a Qt Charts legend entry or axis label, which Qt Charts always draws as HTML
    (one line: no bidi override is left to reorder it)."""
    return escape(without_overrides(text))


def notification(text: str) -> str:
    """A tray notification's text with no markup characters left.

    Depending on the platform the message is drawn by a Qt label (guessing rich text) or by a
    notification server that reads a subset of HTML; look-alike characters read the same in both.
    No bidi override is left to reorder it.
    """
    return without_overrides(text).translate(_NOTIFICATION_LOOKALIKES)


def message_box(parent: QWidget | None, title: str, text: str, *,
                icon: QMessageBox.Icon = QMessageBox.Icon.Information,
                buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
                default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
                details: str | None = None) -> QMessageBox.StandardButton:
    """A modal message box whose text is plain, with no bidi override; returns the button pressed."""
    box = QMessageBox(icon, title, without_overrides(text), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    if details:
        box.setDetailedText(details)  # a plain-text area already
    return QMessageBox.StandardButton(box.exec())


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes or No, No being the default."""
    return message_box(parent, title, text, icon=QMessageBox.Icon.Question,
                       buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                       default=QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes


def _prompt(parent: QWidget | None, title: str, label: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    for child in dialog.findChildren(QLabel):  # the prompt may quote a name a stranger chose
        child.setTextFormat(Qt.TextFormat.PlainText)
    return dialog


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """One line of text from the user, like ``QInputDialog.getText`` with a plain prompt."""
    dialog = _prompt(parent, title, label)
    dialog.setTextValue(text)
    accepted = bool(dialog.exec())
    return dialog.textValue(), accepted


def ask_item(parent: QWidget | None, title: str, label: str, items: Sequence[str], *,
             current: int = 0, editable: bool = True) -> tuple[str, bool]:
    """A choice from ``items`` (or a new value when editable), with a plain prompt."""
    dialog = _prompt(parent, title, label)
    dialog.setComboBoxItems(list(items))
    dialog.setComboBoxEditable(editable)
    if items:
        dialog.setTextValue(items[min(max(current, 0), len(items) - 1)])
    accepted = bool(dialog.exec())
    return dialog.textValue(), accepted
