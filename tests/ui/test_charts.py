"""Charts: one colour per topic on every page, text readable in a dark theme (WCAG 4.5:1), one
date-range rule for both pages, a legend that never cuts a name, no "first lead after 5700 d";
the post table keeps the chosen post when the posts reorder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from PySide6.QtCharts import QStackedBarSeries
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from leaddesk.insights import PostStats, TopicCount

from leaddesk.ui.charts import PostTable, TopicChart, chart_range, value_ticks
from leaddesk.ui.colours import TopicColours, contrast
from leaddesk.ui.main_window import MainWindow

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
LONG = "Medical education and continuing professional development"


def dark_palette(text: str) -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#1e1e1e"),
                         (QPalette.ColorRole.Base, "#121212"),
                         (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.Text, text)):
        palette.setColor(role, QColor(colour))
    return palette


def counts_for(rng, topics) -> list[TopicCount]:
    periods = rng.periods([])
    return [TopicCount(p, t, n + 1) for n, p in enumerate(periods[-4:]) for t in topics]


@pytest.mark.parametrize("text", ["#e6e6e6", "#4a4a4a"])  # the theme's text; dark grey on dark
@pytest.mark.parametrize("dark_first", [True, False])  # themed before drawing, or switched after
def test_chart_text_reads_on_a_dark_palette(qtbot, text: str, dark_first: bool) -> None:
    chart = TopicChart()
    qtbot.addWidget(chart)
    rng = chart_range(90, now=NOW)
    if dark_first:
        chart.setPalette(dark_palette(text))
    chart.show_counts(counts_for(rng, ["Speakers bureaus", LONG, None]), rng,
                      ["Speakers bureaus", LONG], title="Leads per topic")
    if not dark_first:
        chart.setPalette(dark_palette(text))
    background = chart.chart().backgroundBrush().color()
    assert background == QColor("#1e1e1e")  # the palette's, not Qt Charts' light theme
    qchart = chart.chart()
    colours = [qchart.titleBrush().color(), qchart.legend().labelColor()]
    for axis in qchart.axes():
        colours += [axis.labelsBrush().color(), axis.titleBrush().color()]
    colours += [label.palette().color(QPalette.ColorRole.WindowText)
                for label in chart.legend.findChildren(QLabel) if label.text()]
    assert len(colours) > 6
    for colour in colours:
        assert contrast(colour, background) >= 4.5, colour.name()
    for stack in chart.stacks:  # bars stand out from the background too (3:1 for graphics)
        assert contrast(stack.colour, background) >= 3.0


def test_the_legend_shows_every_name_whole_and_bar_labels_are_escaped(qtbot) -> None:
    chart = TopicChart()
    qtbot.addWidget(chart)
    chart.resize(320, 400)
    chart.show()
    rng = chart_range(90, now=NOW)
    hostile = "<img src=x> Speakers"
    chart.show_counts(counts_for(rng, [LONG, hostile]), rng, [LONG, hostile])
    texts = [label.text() for label in chart.legend.findChildren(QLabel) if label.text()]
    assert any(t.startswith(LONG) for t in texts)
    assert not any("…" in t for t in texts)
    assert any(t.startswith(hostile) for t in texts)  # plain labels: shown as typed
    series = chart.chart().series()[0]
    assert isinstance(series, QStackedBarSeries)
    labels = [bar.label() for bar in series.barSets()]
    assert "&lt;img src=x&gt; Speakers" in labels  # Qt Charts reads bar labels as HTML


def test_one_colour_per_topic_whatever_else_is_shown() -> None:
    everything = ["Speakers bureaus", "Patient engagement", "Market access", None]
    white, black = QColor("#ffffff"), QColor("#000000")
    a, b = TopicColours(everything, white), TopicColours(list(reversed(everything)), white)
    assert all(a.colour(t) == b.colour(t) for t in everything)  # order does not matter
    assert len({a.colour(t).name() for t in everything}) == len(everything)  # all different
    # The same hue on a dark background, lighter so that it stands out.
    dark = TopicColours(everything, black)
    assert dark.colour("Market access").hue() == a.colour("Market access").hue()
    assert dark.colour("Market access").lightness() > a.colour("Market access").lightness()


def test_same_topic_same_colour_and_same_range_on_both_pages(qtbot, window: MainWindow) -> None:
    window.top.pages.setCurrentIndex(1)
    leads = window.leads
    leads.period.setCurrentIndex(leads.period.findData(0))
    leads.topic.setCurrentIndex(leads.topic.findData("Patient engagement"))  # one topic only
    qtbot.waitUntil(lambda: [s.name for s in leads.chart.stacks] == ["Patient engagement"],
                    timeout=3000)
    window.top.pages.setCurrentIndex(2)
    insights = window.insights
    insights.range.setCurrentIndex(insights.range.findData(0))
    qtbot.waitUntil(lambda: len(insights.chart.stacks) == 2, timeout=3000)
    on_insights = {s.name: s.colour.name() for s in insights.chart.stacks}
    assert on_insights["Patient engagement"] == leads.chart.stacks[0].colour.name()
    assert on_insights["Patient engagement"] != on_insights["Speakers bureaus"]
    # One range rule: the same choice starts both pages' queries and charts on the same day.
    for days in (30, 90, 365):
        leads.period.setCurrentIndex(leads.period.findData(days))
        insights.range.setCurrentIndex(insights.range.findData(days))
        assert leads.current_filter().received_from == insights.chart_range().start
    leads.period.setCurrentIndex(leads.period.findData(90))
    insights.range.setCurrentIndex(insights.range.findData(90))
    insights.unit.setCurrentIndex(insights.unit.findData("week"))
    qtbot.waitUntil(lambda: leads.chart.labels and leads.chart.labels == insights.chart.labels,
                    timeout=3000)


def test_chart_range_buckets_weeks_and_months_from_one_rule() -> None:
    weekly = chart_range(90, now=NOW)
    assert weekly.unit == "week"
    assert weekly.start is not None
    assert (weekly.start.hour, weekly.start.minute) == (0, 0)  # from midnight, on both pages
    assert NOW - weekly.start <= timedelta(days=91)
    periods = weekly.periods([])
    assert periods[0].weekday() == 0
    assert periods[-1] == date(2026, 11, 30)
    assert all(b - a == timedelta(days=7) for a, b in pairwise(periods))
    monthly = chart_range(365, now=NOW)
    assert monthly.unit == "month"
    assert monthly.periods([])[-1] == date(2026, 12, 1)
    assert len(monthly.periods([])) == 13
    everything = chart_range(0, now=NOW)
    old = [TopicCount(date(2026, 1, 1), "A", 1)]
    assert everything.start is None
    assert everything.periods(old)[0] == date(2026, 1, 1)
    assert value_ticks(17) == (20, 5)
    assert value_ticks(0) == (1, 2)


def test_no_time_to_first_lead_for_a_post_published_before_tracking(qtbot) -> None:
    table = PostTable()
    qtbot.addWidget(table)
    began = datetime(2026, 9, 15, tzinfo=UTC)
    old = PostStats(1, "IMI", "https://example.org/imi", datetime(2011, 2, 15, tzinfo=UTC), 3,
                    datetime(2026, 9, 20, tzinfo=UTC), began)
    new = PostStats(2, "New", "https://example.org/new", datetime(2026, 10, 1, tzinfo=UTC), 1,
                    datetime(2026, 10, 3, tzinfo=UTC), began)
    table.show_posts([old, new])
    before, after = table.item(0, 3), table.item(1, 3)
    assert before is not None
    assert after is not None
    assert before.text() == "–"  # not "5700 d"
    assert "before" in before.toolTip()
    assert after.text() == "2 d"


def test_the_post_table_keeps_the_chosen_post_when_new_leads_reorder_it(qtbot) -> None:
    def post(number: int, leads: int) -> PostStats:
        return PostStats(number, f"Post {number}", f"https://example.org/{number}", None, leads,
                         None)

    table = PostTable()
    qtbot.addWidget(table)
    table.show_posts([post(n, 10 - n) for n in range(1, 6)])
    table.selectRow(2)  # Post 3
    table.show_posts([post(5, 20), *(post(n, 10 - n) for n in range(1, 5))])  # 5 moves up
    chosen = [table.posts[i.row()].title for i in table.selectionModel().selectedRows()]
    assert chosen == ["Post 3"]
