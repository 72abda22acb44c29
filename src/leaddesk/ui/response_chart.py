"""Insights → response times: the median and 90th percentile of time to first answer in business
hours per week, per owner or per topic, as bars and as a table with the leads still waiting and
overdue. The figures come from leaddesk.response_stats, loaded in the database worker, over the
range picked on the Insights page (:meth:`ResponseTimesPanel.set_range`; the same start as its
other charts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QSplitter,
    QStyle,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from leaddesk import response_stats
from leaddesk.changes import Change, Kind
from leaddesk.query import Filter
from leaddesk.response_stats import (
    Collected,
    Grouping,
    ResponseReport,
    ResponseStat,
    duration_text,
)

from leaddesk.ui.charts import DEFAULT_RANGE, RANGES, ChartRange, PostTable, TopicChart, chart_range
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, NetOp
from leaddesk.ui.page import COUNTED_FIELDS, BusPage
from leaddesk.ui.safe_text import chart_text
from leaddesk.ui.settings_hours import describe
from leaddesk.ui.widgets import ElidedLabel, caption, mute, muted

MEDIAN_COLOUR, P90_COLOUR = "#1e88e5", "#f9a825"
SHOWN = 8  # the latest weeks, or the busiest owners and topics, in the chart
GROUPS: tuple[tuple[str, Grouping], ...] = (("Per week", "week"), ("Per owner", "owner"),
                                            ("Per topic", "topic"))
_ANSWER_FIELDS = (*COUNTED_FIELDS, "replies", "answers")


def range_text(rng: ChartRange) -> str:
    """"Last 90 days", as the range picker says it."""
    return next((label for label, days in RANGES if days == rng.days), f"Last {rng.days} days")


def group_label(stat: ResponseStat, *, short: bool = False) -> str:
    """An owner or topic as typed; a week as its Monday ("14 Sep", or "14 Sep 2026")."""
    if stat.key is None:
        return {"owner": "No owner", "topic": "No topic"}.get(stat.by, "All")
    if isinstance(stat.key, str):
        return stat.key
    return f"{stat.key.day} {stat.key.strftime('%b' if short else '%b %Y')}"


class ResponseChart(TopicChart):
    """Median and 90th percentile side by side, in business hours (a TopicChart's view)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(140)  # third on the Insights page: the window must fit 1024x700
        # The bars give way, not the legend below them: at 1024x700 the panel is ~180 px tall.
        self.view.setMinimumHeight(100)
        self._stats: tuple[Sequence[ResponseStat], str] | None = None
        self._drawn = SHOWN  # groups in the chart now

    def show_stats(self, stats: Sequence[ResponseStat], *, title: str) -> None:
        self._stats = (stats, title)
        self._draw(stats, title, self._room(stats))

    def _room(self, stats: Sequence[ResponseStat]) -> int:
        """How many groups fit with their labels lying flat, at most SHOWN: on a narrow page
        the chart shows the latest weeks (the busiest owners) rather than labels cut to "1…";
        the table beside it has them all. Upright labels would not fit its height either."""
        axes = self.chart().axes(Qt.Orientation.Horizontal)
        metrics = QFontMetrics(axes[0].labelsFont() if axes else QBarCategoryAxis().labelsFont())
        widest = max((metrics.horizontalAdvance(group_label(s, short=True)) for s in stats),
                     default=0)
        plot = self.chart().plotArea().width() or self.width() - 60
        return max(1, min(SHOWN, int(plot // (widest + 10)))) if widest else SHOWN

    def _turn_labels(self) -> None:
        if self._stats is not None:
            stats, title = self._stats
            room = self._room(stats)
            if room != self._drawn:
                self._draw(stats, title, room)

    def _draw(self, stats: Sequence[ResponseStat], title: str, room: int) -> None:
        self._drawn = room
        chart = self.chart()
        chart.removeAllSeries()
        for old in chart.axes():
            chart.removeAxis(old)
        chart.setTitle(chart_text(title) if self.height() > 260 else "")  # room for bars first
        # Qt Charts ignores the palette: take the text colour from it, so a dark theme reads.
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        chart.setTitleBrush(ink)
        chart.legend().setLabelColor(ink)
        answered = [s for s in stats if s.answered]
        shown = answered[-room:] if stats and stats[0].by == "week" else answered[:room]
        series = QBarSeries()
        kinds = (("Median", MEDIAN_COLOUR, lambda s: s.median_s),
                 ("90th percentile", P90_COLOUR, lambda s: s.p90_s))
        # Qt's legend is off (a TopicChart's): ours wraps below the bars, never cut off.
        self.fill_legend([(QColor(colour), name) for name, colour, _value in kinds])
        for name, colour, value in kinds:
            bars = QBarSet(name)
            bars.setColor(QColor(colour))
            for stat in shown:
                bars.append((value(stat) or 0) / 3600)
            series.append(bars)
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.append([chart_text(group_label(s, short=True)) for s in shown])
        labels.setTruncateLabels(False)  # they fit (see _room): Qt cuts them in a short chart
        labels.setLabelsColor(ink)
        chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(labels)
        axis = QValueAxis()
        axis.setLabelFormat("%.0f h")
        axis.setTickCount(3)  # legible however short the panel is
        axis.setLabelsColor(ink)
        peak = max(((s.p90_s or 0) / 3600 for s in shown), default=0)
        axis.setRange(0, max(peak * 1.1, 1))
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        self.theme()  # the new axes and legend words in the palette's colours (4.5:1)


class ResponseTable(PostTable):
    """The groups' figures (a PostTable's look, other columns)."""

    HEADERS: tuple[str, ...] = ("Group", "Answered", "Median", "P90", "Waiting", "Overdue")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseTable")
        self.setWordWrap(False)  # "16 Nov 2026" on one line

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_group()

    def _fit_group(self) -> None:
        """The group column takes the room left where every column fits, else its contents' width
        and the table scrolls sideways: the group is what a row is about, and a stretched column
        was the one cut to "…" on an 800 px window."""
        header = self.horizontalHeader()
        need = sum(max(self.sizeHintForColumn(c), header.sectionSizeHint(c))
                   for c in range(self.columnCount()))
        mode = (QHeaderView.ResizeMode.Stretch if need <= self.viewport().width()
                else QHeaderView.ResizeMode.ResizeToContents)
        if header.sectionResizeMode(0) != mode:
            header.setSectionResizeMode(0, mode)

    def show_stats(self, stats: Sequence[ResponseStat]) -> None:
        rows = list(reversed(stats)) if stats and stats[0].by == "week" else list(stats)
        self.setRowCount(len(rows))
        for row, stat in enumerate(rows):
            cells = (group_label(stat), str(stat.answered), duration_text(stat.median_s),
                     duration_text(stat.p90_s), str(stat.waiting), str(stat.overdue))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)  # plain text: an owner or topic is shown as typed
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if column == 5 and stat.overdue:
                    item.setForeground(QColor("#e53935"))
                self.setItem(row, column, item)
        self._fit_group()


class ResponseTimesPanel(BusPage):
    """The response-times part of the Insights page; it loads when first shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.stale = True  # nothing loaded yet: the first show loads
        self.report: ResponseReport | None = None
        self.range = chart_range(RANGES[DEFAULT_RANGE][1])  # the picker's default until told
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.caption = caption("Time to first answer")
        bar.addWidget(self.caption)
        self.grouping = QComboBox()
        self.grouping.setObjectName("responseGrouping")
        for label, key in GROUPS:
            self.grouping.addItem(label, key)
        self.grouping.currentIndexChanged.connect(lambda _i: self._draw())
        bar.addWidget(self.grouping)
        bar.addStretch(1)
        self.overall = mute(ElidedLabel(whole=True))  # elides when narrow; whole in the tooltip
        self.overall.setObjectName("responseOverall")
        bar.addWidget(self.overall)
        self.chart = ResponseChart()
        self.table = ResponseTable()
        self.policy = muted()
        self.policy.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        # In line with the page's other sections ("Leads per post"), clear of the window's edges.
        margins = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin)
        layout.setContentsMargins(margins, 0, margins, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.policy)

    def affected_by(self, change: Change) -> bool:
        if change.kind == Kind.SUBMISSION:
            return change.touches(_ANSWER_FIELDS)
        return change.kind in (Kind.ANY, Kind.MEMBER, Kind.SETTING)

    def set_range(self, rng: ChartRange) -> None:
        """Measure the leads of ``rng`` (the page's range picker): now if shown, else when shown."""
        self.range = rng
        if self.isVisible():
            self.reload()
        else:
            self.stale = True

    def reload(self) -> None:
        rng = self.range
        since = rng.with_start(Filter())

        def load(session: Session) -> Collected:
            return response_stats.collect(session, since)

        def measure(collected: Collected) -> None:
            # The arithmetic (seconds at 100k leads) runs in the other pool: the database
            # worker is free for the user's triage meanwhile.
            NetOp(self.ctx, lambda: response_stats.build(collected, datetime.now(UTC)),
                  parent=self, what="measuring response times").success(
                lambda report: self._loaded(report, rng)).run_in_background()

        DbOp(self.ctx, load, parent=self, what="loading response times").success(
            measure).run_in_background()

    def _loaded(self, report: ResponseReport, rng: ChartRange) -> None:
        if rng != self.range:
            return  # an older pick answering late: the newer one's report follows
        self.report = report
        overall = report.overall
        self.overall.setText(
            f"{range_text(rng)}: median {duration_text(overall.median_s)}, 90th percentile "
            f"{duration_text(overall.p90_s)}; {overall.waiting} waiting, "
            f"{overall.overdue} overdue")
        self.policy.setText("Business hours: " + describe(report.policy)
                            + " (Settings → Response times)")
        self._draw()

    def _draw(self) -> None:
        if self.report is None:
            return
        by: Grouping = self.grouping.currentData()
        stats = self.report.groups[by]
        label = self.grouping.currentText().lower()
        self.chart.show_stats(stats, title=f"Time to first answer {label} (business hours)")
        self.table.show_stats(stats)
