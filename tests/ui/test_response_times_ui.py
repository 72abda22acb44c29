"""Response times in the window: the "Overdue" view and the list's overdue role, Settings →
Response times (team-wide, validated, plain text), and the Insights panel's medians and p90."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from leaddesk import response_times
from leaddesk.business_hours import BusinessHours
from leaddesk.db import Database
from leaddesk.db.models import Submission, TeamMember
from leaddesk.response_stats import ResponseStat
from leaddesk.response_times import ResponsePolicy
from tests.ui.hostile import HOSTILE, SHOWN, drawn_in

from leaddesk.ui.charts import chart_range
from leaddesk.ui.context import AppContext
from leaddesk.ui.list_model import ID_ROLE, OVERDUE_ROLE
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.response_chart import (
    ResponseChart,
    ResponseTable,
    ResponseTimesPanel,
    group_label,
)
from leaddesk.ui.settings_dialog import SettingsDialog
from leaddesk.ui.settings_hours import HoursTab

POLICY = ResponsePolicy(BusinessHours("Europe/Stockholm"), 8.0)
NAME = "<b>Ada</b> & co"  # a stranger-shaped name: shown as typed, never as markup


@pytest.fixture(autouse=True)
def _default_policy() -> Iterator[None]:
    response_times.activate(ResponsePolicy())
    yield
    response_times.activate(ResponsePolicy())


@pytest.fixture
def answered(ui_db: Database) -> list[int]:
    """Three of the 30 leads answered an hour (business time) after they arrived, by Ada."""
    with ui_db.session() as s:
        ada = s.execute(select(TeamMember).where(TeamMember.name == "Ada")).scalar_one()
        ada.name = NAME
        leads = list(s.execute(select(Submission).where(Submission.status != "spam")
                               .order_by(Submission.id).limit(3)).scalars())
        for lead in leads:  # BASE_TIME is Monday 09:00 UTC, 10:00 in Stockholm
            lead.first_answered_at = lead.received_at + timedelta(hours=1)
            lead.assignee_id = ada.id
        return [lead.id for lead in leads]


def test_the_overdue_view_and_role(qtbot, ui_db: Database, answered: list[int],
                                   window: MainWindow) -> None:
    window.inbox.choose_view("overdue")
    model = window.inbox.model
    qtbot.waitUntil(lambda: model.rowCount() == 27)  # the 30 old leads but the answered three
    shown = {model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())}
    assert not shown & set(answered)
    assert all(model.index(row, 0).data(OVERDUE_ROLE) is True for row in range(model.rowCount()))
    window.inbox.choose_view("inbox")
    qtbot.waitUntil(lambda: model.rowCount() == 30)
    flags = {model.index(row, 0).data(ID_ROLE): model.index(row, 0).data(OVERDUE_ROLE)
             for row in range(model.rowCount())}
    assert [i for i, late in flags.items() if not late] == sorted(answered, reverse=True)


def test_the_hours_tab_saves_for_the_team_and_names_mistakes(qtbot, ctx: AppContext,
                                                            ui_db: Database) -> None:
    tab = HoursTab(ctx)
    qtbot.addWidget(tab)
    assert tab.week.text() == "mon-fri 09:00-17:00"  # the defaults, until someone saves
    tab.zone.setCurrentText("Europe/Stockholm")
    tab.week.setText("mon-thu 08:00-16:00; fri 08:00-12:00")
    tab.holidays.setText("2026-12-24 2026-12-25")
    tab.target.setValue(4)
    tab.save()
    assert tab.message.text() == "Saved for the whole team."
    with ui_db.session() as s:
        stored = response_times.load_policy(s)
    assert stored.target_hours == 4
    assert stored.hours.time_zone == "Europe/Stockholm"
    assert len(stored.hours.holidays) == 2
    assert response_times.active() == stored
    assert "36 h a week" in tab.summary.text()
    for field, bad, says in ((tab.week, "mon 17:00-09:00", "must start before"),
                             (tab.holidays, "tomorrow", "YYYY-MM-DD")):
        field.setText(bad)
        tab.save()
        assert says in tab.message.text()
        field.setText("mon-fri 09:00-17:00" if field is tab.week else "")
    tab.zone.setCurrentText("Mars/Olympus")
    tab.save()
    assert "unknown time zone" in tab.message.text()
    with ui_db.session() as s:
        assert response_times.load_policy(s) == stored  # nothing was saved by a mistake
    assert tab.message.textFormat().name == "PlainText"


def test_settings_has_a_response_times_tab(qtbot, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Response times" in titles
    assert isinstance(dialog.hours, HoursTab)


def test_the_insights_panel(qtbot, ctx: AppContext, ui_db: Database, answered: list[int]) -> None:
    with ui_db.session() as s:
        response_times.save_policy(s, POLICY, actor="Ada")
    panel = ResponseTimesPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_range(chart_range(0))  # all time: the test leads are from March
    panel.show()  # the first show loads
    qtbot.waitUntil(lambda: panel.report is not None)
    assert panel.overall.text().startswith("All time: median 1.0 h, 90th percentile 1.0 h;")
    assert "27 waiting, 27 overdue" in panel.overall.text()
    assert "Europe/Stockholm" in panel.policy.text()
    panel.grouping.setCurrentIndex(panel.grouping.findData("owner"))
    def text(row: int, column: int) -> str:
        item = panel.table.item(row, column)
        assert item is not None
        return item.text()

    cells = [[text(r, c) for c in range(panel.table.columnCount())]
             for r in range(panel.table.rowCount())]
    assert cells == [[NAME, "3", "1.0 h", "1.0 h", "0", "0"],
                     ["No owner", "0", "—", "—", "27", "27"]]
    (labels,) = [a for a in panel.chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert labels.categories() == ["&lt;b&gt;Ada&lt;/b&gt; &amp; co"]  # drawn as HTML: escaped
    for label in panel.findChildren(QLabel):
        assert label.textFormat().name == "PlainText"
    # The legend is ours, below the bars, and whole even in the short panel of a 1024x700 window.
    panel.resize(1000, 180)
    qtbot.waitUntil(lambda: panel.chart.height() <= 160)
    legend = panel.chart.legend

    def words() -> list[str]:  # a redraw's old entries go with deleteLater: wait for them
        return [label.text() for label in legend.findChildren(QLabel) if label.text()]

    qtbot.waitUntil(lambda: words() == ["Median", "90th percentile"])
    assert legend.isVisible()
    assert legend.height() >= panel.chart.legend_layout.heightForWidth(legend.width())  # one row, whole
    assert legend.geometry().bottom() < panel.chart.height()
    assert panel.chart.view.geometry().bottom() < legend.geometry().top()  # no overlap


def test_the_insights_panel_follows_the_pages_range_picker(qtbot, window: MainWindow,
                                                           answered: list[int]) -> None:
    window.top.pages.setCurrentIndex(2)
    insights = window.insights
    panel = insights.responses
    qtbot.waitUntil(lambda: panel.report is not None)
    assert panel.report is not None
    assert panel.overall.text().startswith("Last 90 days:")  # the picker's default
    assert panel.report.overall.answered == 0  # the test leads arrived in March
    insights.range.setCurrentIndex(insights.range.findData(0))  # all time
    qtbot.waitUntil(lambda: panel.overall.text().startswith("All time:"))
    assert (panel.report.overall.answered, panel.report.overall.waiting) == (3, 27)
    # Picked while the page is hidden: measured when it is shown again, not before.
    window.top.pages.setCurrentIndex(0)
    insights.range.setCurrentIndex(insights.range.findData(30))
    assert panel.stale
    assert panel.overall.text().startswith("All time:")
    window.top.pages.setCurrentIndex(2)
    qtbot.waitUntil(lambda: panel.overall.text().startswith("Last 30 days:"))
    assert panel.report.overall.answered == 0


W = TypeVar("W", bound=QWidget)


def _weeks(count: int) -> list[ResponseStat]:
    monday = date(2026, 9, 7)
    return [ResponseStat("week", monday + timedelta(weeks=i), 2, 1, 0, 3600.0, 7200.0)
            for i in range(count)]


def _shown(qtbot: Any, widget: W, width: int, height: int) -> W:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_narrow_chart_shows_the_latest_weeks_whole_rather_than_cut_labels(qtbot) -> None:
    chart = _shown(qtbot, ResponseChart(), 900, 180)
    chart.show_stats(_weeks(12), title="Time to first answer per week")

    def labels() -> list[str]:
        (axis,) = [a for a in chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
        assert not axis.truncateLabels()  # whole words, never "1…"
        return axis.categories()

    weeks = [group_label(s, short=True) for s in _weeks(12)]
    assert labels() == weeks[-8:]  # SHOWN, the latest
    chart.resize(260, 180)
    qtbot.waitUntil(lambda: len(labels()) < 8)
    shown = labels()
    assert shown == weeks[-len(shown):]  # the latest weeks
    axis = next(a for a in chart.chart().axes() if isinstance(a, QBarCategoryAxis))
    widest = max(QFontMetrics(axis.labelsFont()).horizontalAdvance(w) for w in shown)
    assert widest <= chart.chart().plotArea().width() / len(shown)  # each fits lying flat


def test_a_narrow_table_keeps_the_group_whole_and_scrolls_sideways(qtbot) -> None:
    table = _shown(qtbot, ResponseTable(), 900, 200)
    table.show_stats(_weeks(3))
    group = table.horizontalHeader()
    needed = table.sizeHintForColumn(0)
    qtbot.waitUntil(lambda: group.sectionSize(0) > needed + 100)  # room to spare: it stretches
    for width in (300, 260):  # the window made narrower
        table.resize(width, 200)
        qtbot.waitUntil(lambda: group.sectionSize(0) < needed + 100)
        assert group.sectionSize(0) >= needed  # "21 Sep 2026", not "…"


def test_an_owner_named_with_markup_and_an_override_shows_as_typed_in_table_and_chart(
        qtbot) -> None:
    stats = [ResponseStat("owner", HOSTILE, 2, 1, 0, 3600.0, 7200.0)]
    table = ResponseTable()
    qtbot.addWidget(table)
    table.show_stats(stats)
    assert drawn_in(table, table.model().index(0, 0)) == SHOWN
    chart = ResponseChart()
    qtbot.addWidget(chart)
    chart.resize(900, 300)
    chart.show_stats(stats, title="Time to first answer per owner")
    (axis,) = [a for a in chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert axis.categories() == [html.escape(SHOWN)]  # drawn as HTML: escaped, not reversed
