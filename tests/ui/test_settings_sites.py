"""Settings → Sites: the demo's loopback copy of its blog is labelled as the demo's, never shown
as a mirror the user set up (its port changes every run)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QToolTip

from leaddesk import demo_site
from leaddesk.db import Database
from leaddesk.posts import sites
from tests.ui.conftest import inline_context

from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.settings_sites import SitesTab, site_text
from leaddesk.ui.widgets import FitWidthDelegate

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def test_the_demo_blog_is_labelled_and_its_port_not_shown() -> None:
    demo = sites.SiteInfo(demo_site.ORIGIN, demo_site.NAME, "http://127.0.0.1:41234", WHEN)
    text = site_text(demo)
    assert "127.0.0.1" not in text
    assert "41234" not in text
    assert text == f"{demo_site.ORIGIN}  — the demo's own blog, not one of your sites"


def test_other_sites_and_a_users_own_loopback_mirror_are_shown_as_they_are() -> None:
    staging = sites.SiteInfo("https://blog.example.org", None, "http://127.0.0.1:8080", WHEN)
    assert site_text(staging) == "https://blog.example.org  (fetched from http://127.0.0.1:8080)"
    # The demo's origin fetched from somewhere that is not this machine is no demo copy.
    remote = sites.SiteInfo(demo_site.ORIGIN, None, "https://mirror.example.org", WHEN)
    assert "demo" not in site_text(remote)
    assert "fetched from https://mirror.example.org" in site_text(remote)
    assert site_text(sites.SiteInfo("https://a.example", "A", None, WHEN)) == \
        "https://a.example  — A"


def test_the_tab_lists_the_running_demo_site_as_the_demos(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    try:
        with demo_site.serving(db) as served:
            tab = SitesTab(inline_context(db))
            qtbot.addWidget(tab)
            line = tab.sites.item(0).text()
            assert "the demo's own blog" in line
            assert served.base not in line
    finally:
        db.close()


def test_a_long_site_name_elides_and_never_scrolls_the_list_sideways(
        qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    name = "<b>Pharma</b> " + "Marketing-Insights-and-Patient-Engagement-" * 4
    try:
        with db.session() as session:
            sites.add_site(session, "https://blog.example.org", name=name)
        tab = SitesTab(inline_context(db))
        qtbot.addWidget(tab)
        tab.resize(640, 400)
        tab.show()
        qtbot.waitExposed(tab)
        qtbot.waitUntil(lambda: tab.sites.count() == 1)
        QApplication.processEvents()
        assert tab.sites.horizontalScrollBar().maximum() == 0
        assert tab.sites.visualItemRect(tab.sites.item(0)).width() <= \
            tab.sites.viewport().width()
        delegate = tab.sites.itemDelegate()
        assert isinstance(delegate, FitWidthDelegate)
        index = tab.sites.model().index(0, 0)
        event = QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5),
                           tab.sites.mapToGlobal(QPoint(5, 5)))
        assert delegate.helpEvent(event, tab.sites, QStyleOptionViewItem(), index)
        qtbot.waitUntil(QToolTip.isVisible)
        assert QToolTip.text() == tooltip(tab.sites.item(0).text())  # whole, and plain
        assert name.strip() in tab.sites.item(0).text()
        QToolTip.hideText()
    finally:
        db.close()
