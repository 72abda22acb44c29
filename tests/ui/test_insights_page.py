"""The Insights page exports its own tables (leads per topic per period, leads per post), never
the Inbox's rows, and its cells are formula-safe; its sections line up."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from leaddesk.db import Database
from leaddesk.db.models import Post

from leaddesk.ui.insights_page import POST_HEADERS, TOPIC_HEADERS
from leaddesk.ui.main_window import MainWindow


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_writes_the_chart_and_post_tables(qtbot, window: MainWindow, ui_db: Database,
                                                 tmp_path: Path) -> None:
    with ui_db.session() as s:
        s.query(Post).update({Post.title: "=HYPERLINK(\"http://evil\")"})
    window.top.pages.setCurrentIndex(2)
    insights = window.insights
    insights.range.setCurrentIndex(insights.range.findData(0))  # all time
    qtbot.waitUntil(lambda: insights.data is not None and bool(insights.data.counts),
                    timeout=3000)
    assert "Inbox" not in insights.export.text()
    insights.export_table("topics", str(tmp_path / "topics.csv"))
    insights.export_table("posts", str(tmp_path / "posts.csv"))
    topics = read_rows(tmp_path / "topics.csv")
    assert topics[0] == TOPIC_HEADERS
    # Every lead of the chart, by topic; nothing of the Inbox's columns (name, e-mail…).
    totals: dict[str, int] = {}
    for _start, _label, topic, leads in topics[1:]:
        totals[topic] = totals.get(topic, 0) + int(leads)
    assert totals == {"Patient engagement": 10, "Speakers bureaus": 20}
    posts = read_rows(tmp_path / "posts.csv")
    assert posts[0] == POST_HEADERS
    assert [(p[0], p[3]) for p in posts[1:]] == [("'=HYPERLINK(\"http://evil\")", "30")]


def test_the_response_times_section_lines_up_with_the_others(qtbot, window: MainWindow) -> None:
    window.resize(1280, 800)
    window.top.pages.setCurrentIndex(2)
    page = window.insights
    qtbot.waitUntil(lambda: page.responses.isVisible())
    posts = next(label for label in page.findChildren(QLabel) if label.text() == "LEADS PER POST")
    ours = page.responses.caption
    assert ours.mapTo(window, QPoint(0, 0)).x() == posts.mapTo(window, QPoint(0, 0)).x()
    summary = page.responses.overall
    assert summary.mapTo(page, QPoint(summary.width(), 0)).x() < page.width() - 4  # clear of the edge
