"""The Insights page: leads per topic per week or month, leads per post, posts that bring none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from leaddesk import insights
from leaddesk.insights import Period, PostStats, TopicCount

from leaddesk.ui.charts import PostTable, TopicChart
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp
from leaddesk.ui.page import BusPage
from leaddesk.ui.response_chart import ResponseTimesPanel
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import caption, muted


@dataclass(frozen=True)
class InsightsData:
    counts: list[TopicCount]
    posts: list[PostStats]
    median: timedelta | None


def describe(delay: timedelta | None) -> str:
    if delay is None:
        return "not known yet (posts need a publication date)"
    hours = delay.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.1f} days"


class InsightsPage(BusPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        bar = QHBoxLayout()
        self.period = QComboBox()
        self.period.addItem("Per week", "week")
        self.period.addItem("Per month", "month")
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(PlainLabel("Leads per topic"))
        bar.addWidget(self.period)
        bar.addStretch(1)
        self.median = muted()
        self.median.setWordWrap(False)
        bar.addWidget(self.median)
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
        split.addWidget(ResponseTimesPanel(ctx))  # time to first answer: loads when shown
        split.setSizes([300, 200, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def reload(self) -> None:
        period: Period = "month" if self.period.currentData() == "month" else "week"

        def load(session: Session) -> InsightsData:
            return InsightsData(insights.leads_per_topic(session, period=period),
                                insights.leads_per_post(session),
                                insights.median_time_to_first_lead(session))

        DbOp(self.ctx, load, parent=self, what="loading insights").success(
            self._show).run_in_background()

    def _show(self, data: InsightsData) -> None:
        unit = "week" if self.period.currentData() == "week" else "month"
        self.chart.show_counts(data.counts, title=f"Leads per topic, per {unit}")
        self.posts.show_posts(data.posts)
        self.median.setText(f"Median time from publication to first lead: {describe(data.median)}")
        silent = [p for p in data.posts if p.leads == 0 and p.published_at is not None]
        self.silent.setText("Posts with no leads since publication: "
                            + (", ".join(p.title or p.url for p in silent) or "none"))
