"""The list's painting: chips, initials and badges drawn as plain text, words that fit kept whole,
the red "Overdue" badge on either side of the team's target."""

from __future__ import annotations

from datetime import timedelta

import pytest

from PySide6.QtCore import QRect
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QStyleOptionViewItem

from leaddesk.db import Database
from leaddesk.db.models import Submission, Tag
from tests.support.factories import BASE_TIME, make_post, make_submission
from tests.ui.hostile import HOSTILE, SHOWN, drawn_in
from tests.ui.test_main_window_layout import open_window
from tests.ui.test_needs import DAY, POLICY, TUESDAY_9
from tests.ui.test_needs import row as lead

from leaddesk.ui.colours import TEXT_CONTRAST, contrast
from leaddesk.ui.list_delegate import ListDelegate, fit_text, status_layout
from leaddesk.ui.list_model import COLUMNS, NEEDS_ROLE, POST, ROW_ROLE, STATUS, TOPIC, VISITOR
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.needs import OVERDUE_BADGE, RowNeeds, row_needs
from leaddesk.ui.widgets import readable_on


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


def test_a_visitors_override_reorders_no_cell_and_markup_shows_as_typed(
        qtbot, ui_db: Database) -> None:
    """Name, topic and post title are drawn by Qt's plain item painting; a stranger's U+202E
    would still reverse the rest of the cell."""
    with ui_db.session() as s:
        post = make_post(s, "https://example.org/blog/hostile/", HOSTILE)
        make_submission(s, visitor_name=HOSTILE, topic=HOSTILE, post_id=post.id,
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    model = window.inbox.model
    qtbot.waitUntil(lambda: model.index(0, VISITOR).data() == HOSTILE)
    for column in (VISITOR, TOPIC, POST):
        assert drawn_in(window.inbox.list, model.index(0, column)) == SHOWN, column


def paint_status(needs: RowNeeds, base: str) -> QImage:
    """The Status cell of one row painted on a ``base``-coloured row, as the list paints it."""
    model = QStandardItemModel(1, len(COLUMNS))
    item = QStandardItem()
    item.setData(lead(), ROW_ROLE)
    item.setData(needs, NEEDS_ROLE)
    model.setItem(0, STATUS, item)
    image = QImage(260, 28, QImage.Format.Format_RGB32)
    image.fill(QColor(base))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 260, 28)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor(base))
    option.palette = palette
    painter = QPainter(image)
    ListDelegate().paint(painter, option, model.index(0, STATUS))
    painter.end()
    return image


def pixels_of(image: QImage, colour: str) -> int:
    rgb = QColor(colour).rgb()
    return sum(image.pixel(x, y) == rgb for x in range(image.width())
               for y in range(image.height()))


@pytest.mark.parametrize("base", ["#ffffff", "#1f1f1f"])  # a light and a dark list
def test_the_overdue_badge_is_painted_past_the_teams_target_only(qapp, base: str) -> None:
    on_time = row_needs(lead(), now=TUESDAY_9, amber_after=DAY, policy=POLICY)
    late = row_needs(lead(), now=TUESDAY_9 + timedelta(minutes=1), amber_after=DAY, policy=POLICY)
    red = OVERDUE_BADGE[1]
    assert pixels_of(paint_status(on_time, base), red) == 0
    assert pixels_of(paint_status(late, base), red) > 200  # a whole chip, not a stray pixel
    # Its words are drawn in the chip's readable colour: AA contrast for text.
    assert contrast(readable_on(QColor(red)), QColor(red)) >= TEXT_CONTRAST


def test_the_status_cell_gives_way_in_order_and_keeps_overdue_longest() -> None:
    late = row_needs(lead(), now=TUESDAY_9 + 2 * DAY, amber_after=DAY, policy=POLICY)
    on_time = row_needs(lead(), now=TUESDAY_9, amber_after=DAY, policy=POLICY)

    def letters(words: str) -> int:
        return 10 * len(words)  # widths by letters: the arithmetic, not a font

    def plan(needs: RowNeeds, room: int) -> tuple[list[str], str]:
        chips, time = status_layout(needs, letters, letters, room)
        return [words for words, _colour in chips], time

    # "New"=30, "Overdue"=70, gap 4, text gap 6, "waiting 3 d"=110, "3 d"=30.
    assert plan(late, 500) == (["New", "Overdue"], "waiting 3 d")
    assert plan(late, 140) == (["New", "Overdue"], "3 d")
    assert plan(late, 139) == (["Overdue"], "3 d")  # the status gives way before "Overdue"
    assert plan(late, 106) == (["Overdue"], "3 d")
    assert plan(late, 60) == (["Overdue"], "3 d")  # nothing fits: the most urgent chip, elided
    assert plan(on_time, 146) == (["New"], "waiting 1 d")
    assert plan(on_time, 60) == (["New"], "1 d")
