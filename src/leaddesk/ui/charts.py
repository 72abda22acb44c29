"""Charts (QtCharts): leads per topic over time as stacked bars, and the per-post table.

Both pages draw the same way: :func:`chart_range` turns "Last 90 days" into the query's start
and the chart's periods (so the Leads and Insights charts start on the same day), each topic has
its colour from :class:`~leaddesk.ui.colours.TopicColours` (the same on every page), text takes
the palette's colour at a contrast of at least 4.5:1, and the legend is our own wrapping row of
plain labels under the chart, so a long topic name is never cut.

Qt Charts draws bar-set labels as HTML: topic names pass through ``safe_text.chart_text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from leaddesk import insights, query
from leaddesk.insights import Period, PostStats, TopicCount
from leaddesk.query import Filter

from leaddesk.ui.colours import TopicColours, palette_text
from leaddesk.ui.format import short_time
from leaddesk.ui.safe_text import PlainItemDelegate, PlainLabel, chart_text, tooltip
from leaddesk.ui.table_memory import remembered, restore
from leaddesk.ui.widgets import FlowLayout

MAX_TOPICS = 6  # the rest are summed as "Other" so the legend stays legible
MAX_BARS = 26  # periods shown at most; an older start is moved up to the first one shown
RANGES = (("Last 30 days", 30), ("Last 90 days", 90), ("Last 12 months", 365), ("All time", 0))
DEFAULT_RANGE = 1  # the last 90 days, per week: a quarter, as a manager reviews it
WEEKS_UP_TO_DAYS = 120  # a longer range is drawn per month
NO_TOPIC_LABEL = "No topic"
OTHER_LABEL = "Other"


# ------------------------------------------------------------------ the date range, for both pages
@dataclass(frozen=True)
class ChartRange:
    """A range picked on a page: where the query starts and how the chart buckets it."""

    days: int  # 0: all time
    unit: Period
    start: datetime | None  # the query's received_from (local midnight); None: all time
    today: date

    def periods(self, counts: Sequence[TopicCount]) -> list[date]:
        """Every period from the range's start (or the first lead) to today, empty ones too,
        the last :data:`MAX_BARS` of them."""
        return self.all_periods(counts)[-MAX_BARS:]

    def all_periods(self, counts: Sequence[TopicCount]) -> list[date]:
        if self.start is not None:
            first = bucket(self.start.date(), self.unit)
        else:
            first = min((c.period for c in counts), default=bucket(self.today, self.unit))
        last = max(bucket(self.today, self.unit), max((c.period for c in counts), default=first))
        found: list[date] = []
        current = first
        while current <= last:
            found.append(current)
            current = next_period(current, self.unit)
        return found

    def label(self, periods: Sequence[date]) -> str:
        if not periods:
            return ""
        end = min(next_period(periods[-1], self.unit) - timedelta(days=1), self.today)
        start = max(periods[0], self.start.date()) if self.start else periods[0]
        return f"{day_label(start, year=start.year != end.year)} – {day_label(end, year=True)}"

    def with_start(self, flt: Filter) -> Filter:
        return flt.with_(received_from=self.start) if self.start is not None else flt


def topic_counts(session: Session, flt: Filter,
                 rng: ChartRange) -> tuple[ChartRange, list[TopicCount]]:
    """Leads per topic for the range (in a worker). Weeks that would not fit the chart
    (:data:`MAX_BARS`) are counted per month instead, rather than cut off the oldest leads."""
    counts = insights.leads_per_topic(session, rng.with_start(flt), period=rng.unit)
    if rng.unit == "week" and len(rng.all_periods(counts)) > MAX_BARS:
        rng = replace(rng, unit="month")
        counts = insights.leads_per_topic(session, rng.with_start(flt), period="month")
    return rng, counts


def chart_range(days: int, *, unit: Period | None = None,
                now: datetime | None = None) -> ChartRange:
    """The one date-range rule of the Leads and Insights pages: ``days`` back from today's
    midnight (0: all time), per week up to :data:`WEEKS_UP_TO_DAYS` days and per month beyond,
    unless the page asks for a unit."""
    moment = (now or datetime.now().astimezone()).astimezone()
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=days) if days else None
    chosen: Period = unit or ("week" if days and days <= WEEKS_UP_TO_DAYS else "month")
    return ChartRange(days, chosen, start, moment.date())


def bucket(day: date, unit: Period) -> date:
    """The Monday of the week or the first of the month, as the database buckets leads."""
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def next_period(start: date, unit: Period) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def day_label(day: date, *, year: bool = False) -> str:
    return f"{day.day} {day.strftime('%b')}" + (f" {day.year}" if year else "")


def period_label(start: date, unit: Period) -> str:
    """A bar's label, short enough for a narrow chart (the title gives the years)."""
    return day_label(start) if unit == "week" else start.strftime("%b")


def value_ticks(peak: int) -> tuple[int, int]:
    """(top, ticks) of a count axis: whole, round steps (1, 2, 5, 10, 20, 50 …), 3 to 6 ticks."""
    step = 1
    while peak / step > 5:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    top = max(-(-peak // step) * step, step)
    return top, top // step + 1


def range_combo(combo: QComboBox | None = None) -> QComboBox:
    """The range picker both chart pages show, with the same choices and default."""
    combo = combo or QComboBox()
    for label, days in RANGES:
        combo.addItem(label, days)
    combo.setCurrentIndex(DEFAULT_RANGE)
    return combo


def known_topics(session: Session) -> list[str | None]:
    """Every topic with a lead: what topic colours are assigned from, the same on each page."""
    return list(query.facets(session, Filter()).topics)


# ------------------------------------------------------------------ the chart
def swatch(colour: QColor, size: int = 10) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(0, 0, size, size, 2, 2)
    painter.end()
    return pixmap


@dataclass(frozen=True)
class Stack:
    """One topic's bars: its name as shown, its colour, and its count per period."""

    name: str
    colour: QColor
    counts: list[int]


def stacks(counts: Sequence[TopicCount], periods: Sequence[date],
           colours: TopicColours) -> list[Stack]:
    """The busiest topics in the periods shown, each with its colour; the rest as "Other"."""
    shown = set(periods)
    totals: dict[str | None, int] = {}
    for c in counts:
        if c.period in shown:
            totals[c.topic] = totals.get(c.topic, 0) + c.leads
    top = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0] or ""))][:MAX_TOPICS]
    index = {p: i for i, p in enumerate(periods)}
    rows: dict[str | None, list[int]] = {t: [0] * len(periods) for t in top}
    other = [0] * len(periods)
    for c in counts:
        if c.period in shown:
            rows.get(c.topic, other)[index[c.period]] += c.leads
    found = [Stack(t or NO_TOPIC_LABEL, colours.colour(t), row) for t, row in rows.items()]
    if any(other):
        found.append(Stack(OTHER_LABEL, colours.colour(None).darker(130), other))
    return found


class TopicChart(QWidget):
    """Stacked bars of leads per topic per period, with a legend that wraps instead of cutting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(200)
        chart = QChart()
        chart.legend().setVisible(False)  # our own legend below: it wraps, Qt's elides
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view.setChart(chart)
        self.legend = QWidget()
        self.legend.setObjectName("chartLegend")
        self.legend_layout = FlowLayout(self.legend, spacing=12)
        self.legend_layout.setContentsMargins(8, 0, 8, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self.stacks: list[Stack] = []
        self.labels: list[str] = []
        self._shown: tuple[list[TopicCount], ChartRange, list[str | None], str] | None = None
        self.theme()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._turn_labels()

    def _turn_labels(self) -> None:
        """Period labels stand upright when the bars are too narrow for them to lie flat
        (Qt would cut them to "…")."""
        if not self.labels:
            return
        per_bar = self.chart().plotArea().width() / len(self.labels)
        for axis in self.chart().axes(Qt.Orientation.Horizontal):
            metrics = QFontMetrics(axis.labelsFont())  # the chart's, not the widget's font
            widest = max(metrics.horizontalAdvance(label) for label in self.labels)
            axis.setLabelsAngle(0 if widest + 8 <= per_bar or per_bar <= 0 else -90)

    def chart(self) -> QChart:
        return self.view.chart()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.theme()
            if self._shown is not None:  # the bars' lightness follows the new background
                counts, rng, topics, title = self._shown
                self.show_counts(counts, rng, topics, title=title)

    def theme(self) -> None:
        """Text, axes and background in the palette's colours (text at 4.5:1 or better)."""
        text, background = palette_text(self.palette())
        chart = self.chart()
        chart.setBackgroundVisible(True)
        chart.setBackgroundBrush(background)
        chart.setBackgroundPen(Qt.PenStyle.NoPen)
        chart.setTitleBrush(text)
        font = chart.titleFont()
        font.setBold(True)
        chart.setTitleFont(font)
        chart.legend().setLabelColor(text)
        self.view.setBackgroundBrush(background)
        grid = QColor(text)
        grid.setAlpha(40)
        for axis in chart.axes():
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)
        for label in self.legend.findChildren(QLabel):
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, text)
            label.setPalette(palette)

    def show_counts(self, counts: Sequence[TopicCount], rng: ChartRange,
                    topics: Sequence[str | None], *, title: str = "") -> None:
        """Draw ``counts``; ``topics`` is every topic the team has (see :func:`known_topics`),
        so each keeps its colour whatever this chart shows. A new palette redraws it."""
        self._shown = (list(counts), rng, list(topics), title)
        colours = TopicColours(topics, self.chart().backgroundBrush().color())
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        periods = rng.periods(counts)
        chart.setTitle(chart_text(title))
        self.stacks = stacks(counts, periods, colours)
        series = QStackedBarSeries()
        for stack in self.stacks:
            bar = QBarSet(chart_text(stack.name))  # Qt Charts reads the label as HTML
            bar.setColor(stack.colour)
            bar.setBorderColor(stack.colour)
            bar.append([float(n) for n in stack.counts])
            series.append(bar)
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.setTruncateLabels(False)  # upright instead of cut (see _turn_labels)
        self.labels = [period_label(p, rng.unit) for p in periods]
        labels.append(self.labels)
        chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(labels)
        axis = QValueAxis()
        axis.setLabelFormat("%d")
        peak = max((sum(s.counts[i] for s in self.stacks) for i in range(len(periods))), default=0)
        top, ticks = value_ticks(peak)
        axis.setRange(0, top)
        axis.setTickCount(ticks)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        self._fill_legend()
        self.theme()
        self._turn_labels()

    def _fill_legend(self) -> None:
        self.fill_legend([(stack.colour, f"{stack.name} ({sum(stack.counts):,})")
                          for stack in self.stacks])

    def fill_legend(self, entries: Sequence[tuple[QColor, str]]) -> None:
        """The legend below the chart: a swatch and plain words per entry, wrapping."""
        while self.legend_layout.count():
            item = self.legend_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for colour, words in entries:
            entry = QWidget()
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            mark = PlainLabel()
            mark.setPixmap(swatch(colour))
            row.addWidget(mark)
            row.addWidget(PlainLabel(words))
            self.legend_layout.addWidget(entry)
        self.legend.updateGeometry()


# ------------------------------------------------------------------ leads per post
def first_lead_text(stats: PostStats) -> str:
    """"6 h", "2 d"; "–" when not known (no date, no lead, or published before tracking)."""
    delay = stats.time_to_first_lead
    if delay is None:
        return "–"
    hours = delay.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


def before_tracking(stats: PostStats) -> bool:
    return (stats.published_at is not None and stats.tracking_since is not None
            and stats.published_at < stats.tracking_since)


class PostTable(QTableWidget):
    HEADERS: tuple[str, ...] = ("Post", "Published", "Leads", "First lead after")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.setItemDelegate(PlainItemDelegate(self))  # post titles come from the site
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.HEADERS)):
            self.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.posts: list[PostStats] = []

    def _key(self, row: int) -> int:
        return self.posts[row].post_id

    def show_posts(self, posts: Sequence[PostStats]) -> None:
        # New leads reorder the posts: the chosen post and the one on top stay, not the rows.
        memory = remembered(self, self._key)
        self.clearSelection()
        self.posts = list(posts)
        self.setRowCount(len(posts))
        for row, post in enumerate(posts):
            cells = (post.title or post.url, short_time(post.published_at), str(post.leads),
                     first_lead_text(post))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(tooltip(post.url))
                if column == 3 and before_tracking(post):
                    item.setToolTip("Published before LeadDesk began keeping leads: its first "
                                    "lead may never have been stored")
                if post.leads == 0:
                    item.setForeground(self.palette().placeholderText())
                self.setItem(row, column, item)
        restore(self, memory, self._key)
