"""The Insights page: leads per topic per week or month, leads per post, posts that bring none.

Its bar holds its own range and unit (the same range rule as the Leads page, see
:func:`leaddesk.ui.charts.chart_range`) and an Export that writes the page's two tables, leads
per topic per period and leads per post, as CSV: never the Inbox's rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from leaddesk import insights
from leaddesk.export.cells import neutralise
from leaddesk.insights import Period, PostStats, TopicCount
from leaddesk.query import Filter

from leaddesk.ui.charts import (
    ChartRange,
    PostTable,
    TopicChart,
    chart_range,
    first_lead_text,
    known_topics,
    period_label,
    range_combo,
    topic_counts,
)
from leaddesk.ui.context import AppContext
from leaddesk.ui.filter_bar import export_button, page_bar
from leaddesk.ui.operations import DbOp, NetOp
from leaddesk.ui.page import BusPage
from leaddesk.ui.response_chart import ResponseTimesPanel
from leaddesk.ui.widgets import DownScroll, ElidedLabel, caption, mute, muted


@dataclass(frozen=True)
class InsightsData:
    range: ChartRange  # per month when the weeks would not fit
    counts: list[TopicCount]
    posts: list[PostStats]
    median: timedelta | None
    topics: list[str | None]


def describe(delay: timedelta | None) -> str:
    if delay is None:
        return "not known yet (posts published since tracking began, with a lead)"
    hours = delay.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def topic_rows(counts: Sequence[TopicCount], rng: ChartRange) -> list[list[str]]:
    """The chart as a table: one row per period and topic, in the periods the chart shows."""
    shown = set(rng.periods(counts))
    return [[c.period.isoformat(), period_label(c.period, rng.unit), c.topic or "", str(c.leads)]
            for c in counts if c.period in shown]


def post_rows(posts: Sequence[PostStats]) -> list[list[str]]:
    return [[p.title or "", p.url, p.published_at.isoformat() if p.published_at else "",
             str(p.leads), p.first_lead_at.isoformat() if p.first_lead_at else "",
             first_lead_text(p).replace("–", "")] for p in posts]


TOPIC_HEADERS = ["period_start", "period", "topic", "leads"]
POST_HEADERS = ["post", "url", "published", "leads", "first_lead_at", "first_lead_after"]


def write_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """A CSV for Excel (UTF-8 with BOM), every cell formula-safe (titles come from websites)."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
            count += 1
    return count


class InsightsPage(BusPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: InsightsData | None = None
        self.bar, bar = page_bar()
        self.range = range_combo()
        self.unit = QComboBox()
        self.unit.addItem("Per week", "week")
        self.unit.addItem("Per month", "month")
        for combo in (self.range, self.unit):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
            bar.addWidget(combo)
        # One line that elides on a narrow window (whole in its tooltip), never clipped mid-word.
        self.median = mute(ElidedLabel())
        bar.addWidget(self.median, 1)
        self.export = export_button("Export these tables…")
        menu = QMenu(self.export)
        menu.addAction("Leads per topic, per period (CSV)…", lambda: self.export_table("topics"))
        menu.addAction("Leads per post (CSV)…", lambda: self.export_table("posts"))
        self.export.setMenu(menu)
        bar.addWidget(self.export)
        self.chart = TopicChart()
        self.posts = PostTable()
        self.silent = muted()
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(caption("Leads per post"))
        lower_layout.addWidget(self.posts, 1)
        lower_layout.addWidget(self.silent)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(lower)
        split.setSizes([420, 320])
        self.responses = ResponseTimesPanel(ctx)  # time to first answer: loads when shown
        split.addWidget(self.responses)
        self.range.currentIndexChanged.connect(
            lambda _i: self.responses.set_range(self.chart_range()))
        split.setSizes([300, 200, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        # Charts and tables are taller than an 800 x 600 screen: they scroll, the window stays.
        layout.addWidget(DownScroll(split), 1)

    def chart_range(self) -> ChartRange:
        unit: Period = "week" if self.unit.currentData() == "week" else "month"
        return chart_range(self.range.currentData() or 0, unit=unit)

    def reload(self) -> None:
        rng = self.chart_range()

        def load(session: Session) -> InsightsData:
            return InsightsData(*topic_counts(session, Filter(), rng),
                                insights.leads_per_post(session, rng.with_start(Filter())),
                                insights.median_time_to_first_lead(session),
                                known_topics(session))

        DbOp(self.ctx, load, parent=self, what="loading insights").success(
            self._show).run_in_background()

    def _show(self, data: InsightsData) -> None:
        self.data = data
        rng = data.range
        periods = rng.periods(data.counts)
        self.chart.show_counts(data.counts, rng, data.topics,
                               title=f"Leads per topic, per {rng.unit} · {rng.label(periods)}")
        self.posts.show_posts(data.posts)
        self.median.setText(f"Median time from publication to first lead: {describe(data.median)}")
        silent = [p for p in data.posts if p.leads == 0 and p.published_at is not None]
        self.silent.setText("Posts with no leads in this range: "
                            + (", ".join(p.title or p.url for p in silent) or "none"))

    # ------------------------------------------------------------ export
    def table(self, which: str) -> tuple[list[str], list[list[str]]]:
        """The rows of one of the page's tables, as shown (``topics`` or ``posts``)."""
        if self.data is None:
            return [], []
        if which == "topics":
            return TOPIC_HEADERS, topic_rows(self.data.counts, self.data.range)
        return POST_HEADERS, post_rows(self.data.posts)

    def export_table(self, which: str, path: str | None = None) -> None:
        if path is None:
            name = "leads-per-topic.csv" if which == "topics" else "leads-per-post.csv"
            path, _ = QFileDialog.getSaveFileName(self, "Export to", str(Path.home() / name),
                                                  "CSV (*.csv)")
            if not path:
                return
        headers, rows = self.table(which)
        target = path
        (NetOp(self.ctx, lambda: write_table(target, headers, rows), parent=self,
               what="export")
         .success(lambda n: self._exported(n, target)).run_in_background())

    def _exported(self, rows: int, path: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(f"Exported {rows:,} rows to {path}", 8000)
