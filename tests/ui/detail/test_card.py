"""The lead header: a tag picker with colours, new tags in a palette colour, Assign to me; a
stranger's very long company stays a line or two (whole in the tooltip) on a small screen."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen

from leaddesk import triage
from leaddesk.db import Database
from tests.support.factories import BASE_TIME, make_member, make_submission
from tests.ui.hostile import HOSTILE, SHOWN, as_drawn, reorders
from tests.ui.test_main_window_layout import open_window, settle

from leaddesk.ui.detail.card import VisitorCard
from leaddesk.ui.detail.tag_picker import TagPicker
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.widgets import TAG_PALETTE, next_tag_colour

TAGS = {"hot lead": "#e53935", "KOL": "#43a047", "follow-up": "#fb8c00"}


def test_the_picker_offers_the_tags_with_their_colours(qtbot) -> None:
    picker = TagPicker(TAGS, on_lead=("kol",))
    qtbot.addWidget(picker)
    assert picker.entries() == ["follow-up", "hot lead", "KOL"]
    kol = picker.list.item(2)
    assert kol is not None
    assert not kol.flags() & Qt.ItemFlag.ItemIsEnabled  # already on the lead
    assert not kol.icon().isNull()
    qtbot.keyClicks(picker.search, "ho")
    assert picker.entries() == ["ho", "hot lead"]  # create "ho", or the tag it finds
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.chosen == "hot lead"


def test_a_new_tag_is_offered_in_the_next_palette_colour(qtbot) -> None:
    picker = TagPicker(TAGS)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.search, "  speaker  bureau ")
    assert picker.entries()[0] == "speaker bureau"
    assert picker.list.item(0).text() == "Create “speaker bureau”"
    assert picker.new_colour == next_tag_colour(TAGS.values())
    assert picker.new_colour not in TAGS.values()
    assert picker.new_colour != triage.DEFAULT_TAG_COLOUR
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.chosen == "speaker bureau"
    typed_again = TagPicker(TAGS)
    qtbot.addWidget(typed_again)
    qtbot.keyClicks(typed_again.search, "Hot Lead")  # no second "hot lead" in other letters
    assert typed_again.entries() == ["hot lead"]


def test_palette_colours_are_used_in_turn() -> None:
    assert next_tag_colour([]) == TAG_PALETTE[0]
    assert next_tag_colour([TAG_PALETTE[0].upper()]) == TAG_PALETTE[1]
    assert next_tag_colour(TAG_PALETTE) == TAG_PALETTE[0]  # round again


def test_tagging_from_the_window_creates_the_tag_in_colour(window: MainWindow,
                                                          ui_db: Database) -> None:
    window.inbox.detail.card.tag_added.emit("speaker bureau")
    with ui_db.session() as s:
        colours = {t.name: t.colour for t in triage.list_tags(s)}
    assert colours["speaker bureau"] == next_tag_colour(["#e53935"])  # after "hot lead"
    current = window.inbox.detail.current
    assert current is not None
    assert "speaker bureau" in current.row.tags


def test_assign_to_me_uses_who_i_am(qtbot) -> None:
    card = VisitorCard()
    qtbot.addWidget(card)
    chosen: list[object] = []
    card.assignee_chosen.connect(chosen.append)
    card.assign_to_me()
    assert chosen == []  # nobody to assign to yet
    card.set_me("Ada")
    card.assign_me.click()
    assert chosen == ["Ada"]


def test_a_strangers_255_character_company_stays_a_line_or_two_and_whole_in_the_tooltip(
        qtbot, ui_db: Database, monkeypatch) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(0, 0, 800, 600))
    company = ("<i>Evil</i> Corp &amp; " * 12)[:255]
    with ui_db.session() as s:
        make_submission(s, visitor_company=company, visitor_email="zed@example.org",
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    card = window.inbox.detail.card
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None
                    and window.inbox.detail.current.row.company == company)
    settle()
    reach = card.reach
    assert reach.text().startswith("<i>Evil</i> Corp")  # plain text, cut with "…"
    assert "…" in reach.text()
    assert reach.toolTip() == tooltip(f"{company}\nzed@example.org")
    assert reach.height() >= reach.heightForWidth(reach.width())  # all of it shows …
    assert reach.height() <= 3 * reach.fontMetrics().lineSpacing() + 4  # … in at most 3 lines


def test_an_owner_named_with_markup_and_ampersands_shows_as_typed_on_the_button_and_menu(
        qtbot, ui_db: Database) -> None:
    """Owner names come from a shared team database: a lone "&" on a tool button or in a menu is
    a mnemonic to Qt (shown as an underline, and an Alt shortcut), an override reverses the line."""
    with ui_db.session() as s:
        owner = make_member(s, HOSTILE)
        make_submission(s, assignee_id=owner.id, received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    card = window.inbox.detail.card
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None
                    and window.inbox.detail.current.row.assignee == HOSTILE)
    assert as_drawn(card.owner.text()) == f"Owner: {SHOWN} ▾"
    assert card.owner.toolTip() == tooltip(f"Owner: {HOSTILE} — assign (a)")
    (entry,) = [a for a in card.owner_menu.actions() if "Jerry" in a.text()]
    assert as_drawn(entry.text()) == SHOWN
    assert entry.iconText() == SHOWN  # Qt's own reading of the mnemonics
    assert not reorders(entry.text())
    assert not reorders(card.owner.text())
    chosen: list[object] = []
    card.assignee_chosen.connect(chosen.append)
    entry.trigger()
    assert chosen == [HOSTILE]  # the member as stored, not as shown
