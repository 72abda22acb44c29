"""Charts (QtCharts): leads per topic over time as stacked bars, and the per-post table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from leaddesk.insights import PostStats, TopicCount

from leaddesk.ui.format import short_time
from leaddesk.ui.safe_text import chart_text, tooltip

# A palette that stays readable on light and dark backgrounds.
TOPIC_COLOURS = ("#7e57c2", "#43a047", "#1e88e5", "#f9a825", "#e53935", "#00897b", "#8d6e63",
                 "#5c6bc0", "#c0ca33", "#757575")
MAX_TOPICS = 6  # the rest are summed as "Other" so the legend stays legible


class TopicChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        chart = QChart()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundVisible(False)
        self.setChart(chart)

    def show_counts(self, counts: Sequence[TopicCount], *, title: str, last: int = 12) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        periods = sorted({c.period for c in counts})[-last:]
        totals: dict[str, int] = {}
        for c in counts:
            if c.period in periods:
                name = c.topic or "No topic"
                totals[name] = totals.get(name, 0) + c.leads
        top = [name for name, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:MAX_TOPICS]]
        grid: dict[str, dict[object, int]] = {name: {} for name in [*top, "Other"]}
        for c in counts:
            if c.period not in periods:
                continue
            name = c.topic or "No topic"
            row = grid[name if name in top else "Other"]
            row[c.period] = row.get(c.period, 0) + c.leads
        series = QStackedBarSeries()
        for i, (name, per_period) in enumerate(grid.items()):
            if not per_period:
                continue
            bar = QBarSet(chart_text(name))
            bar.setColor(QColor(TOPIC_COLOURS[i % len(TOPIC_COLOURS)]))
            for period in periods:
                bar.append(per_period.get(period, 0))
            series.append(bar)
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.append([f"{p.day} {p.strftime('%b')}" for p in periods])
        chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(labels)
        axis = QValueAxis()
        axis.setLabelFormat("%d")
        peak = max((sum(row.get(p, 0) for row in grid.values()) for p in periods), default=0)
        axis.setRange(0, max(peak, 1))
        axis.setTickCount(min(max(peak, 1), 5) + 1)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)


def hours_text(stats: PostStats) -> str:
    delay = stats.time_to_first_lead
    if delay is None:
        return "–"
    hours = delay.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


class PostTable(QTableWidget):
    HEADERS: tuple[str, ...] = ("Post", "Published", "Leads", "First lead after")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.HEADERS)):
            self.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)

    def show_posts(self, posts: Sequence[PostStats]) -> None:
        self.setRowCount(len(posts))
        for row, post in enumerate(posts):
            cells = (post.title or post.url, short_time(post.published_at), str(post.leads),
                     hours_text(post))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(tooltip(post.url))
                if post.leads == 0:
                    item.setForeground(self.palette().placeholderText())
                self.setItem(row, column, item)
