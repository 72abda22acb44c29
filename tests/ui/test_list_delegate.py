"""The list's painting: chips, initials and badges drawn as plain text, words that fit kept whole."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from leaddesk.db import Database
from leaddesk.db.models import Submission, Tag

from leaddesk.ui.list_delegate import fit_text
from leaddesk.ui.main_window import MainWindow


def test_a_word_that_fits_exactly_is_not_elided(qapp) -> None:
    font = QFont()
    font.setBold(True)
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance("New")
    assert fit_text(metrics, "New", width) == "New"  # Qt's own elision gave "N…" here
    assert fit_text(metrics, "Speakers bureaus", width).endswith("…")


def test_rows_with_markup_in_tags_and_names_paint_as_text(qtbot, window: MainWindow,
                                                          ui_db: Database) -> None:
    with ui_db.session() as s:
        sub = s.query(Submission).filter(Submission.visitor_name == "Visitor 29").one()
        sub.visitor_name = '<img src="file:///dev/zero">Zed'
        sub.tags.append(Tag(name="<b>bold</b>", colour="#1e88e5"))
        sub.unread = True
    window.inbox.model.set_ids(window.inbox.model.ids, keep_rows=False)
    window.resize(1600, 900)
    window.inbox.split.setSizes([200, 900, 500])
    image = window.inbox.list.grab()  # paints every column of the visible rows
    assert not image.isNull()
    assert window.inbox.model.index(0, 0).data() == '<img src="file:///dev/zero">Zed'
