"""The open lead holds still when it is shown again (a colleague's change, an answer arriving):
the same tab, scrolled where the user was; another lead opens on its Message at the top."""

from __future__ import annotations

from datetime import timedelta

from leaddesk import triage
from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from tests.support.factories import BASE_TIME, make_submission
from tests.ui.test_main_window_layout import open_window, settle

from leaddesk.ui.bus import ELSEWHERE

LONG = "\n".join(f"line {n} of a very long message" for n in range(500))


def test_a_refresh_of_the_open_lead_keeps_the_tab_and_the_scroll(qtbot, ui_db: Database) -> None:
    with ui_db.session() as s:
        sid = make_submission(s, body_text=LONG, received_at=BASE_TIME + timedelta(days=9)).id
    window = open_window(qtbot, ui_db)
    window.resize(1280, 800)
    detail = window.inbox.detail
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.row.id == sid)
    tabs = detail.message
    text = tabs.text.verticalScrollBar()
    qtbot.waitUntil(lambda: text.maximum() > 100)
    text.setValue(text.maximum() // 2)  # reading the middle of the message
    where = text.value()
    tabs.setCurrentWidget(tabs.timeline)  # then the conversation, scrolled down too
    settle()
    timeline = tabs.timeline.verticalScrollBar()
    qtbot.waitUntil(lambda: timeline.maximum() > 100)
    timeline.setValue(timeline.maximum() // 2)
    down = timeline.value()
    with ui_db.session() as s:  # a colleague tags it
        triage.add_tag(s, sid, "vip", actor="Ada")
    window.ctx.bus.publish([Change.of(Kind.SUBMISSION, [sid], ["tags"])], ELSEWHERE)
    qtbot.waitUntil(lambda: "vip" in (detail.current.row.tags if detail.current else []))
    settle()
    assert tabs.currentWidget() is tabs.timeline
    assert timeline.value() == down
    assert text.value() == where
    window.inbox.step_selection(1)  # another lead: its Message, from the top
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.row.id != sid)
    settle()
    assert tabs.currentWidget() is tabs.message_page
    assert text.value() == 0
