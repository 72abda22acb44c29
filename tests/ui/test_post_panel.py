"""The post beside the message, the Sites & topics settings tab, and the resolver's pass."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from leaddesk import detail
from leaddesk.db import Database
from leaddesk.db.models import Post
from leaddesk.posts import sites, snapshot, topics
from tests.support.factories import make_submission
from tests.ui.conftest import inline_context

from leaddesk.ui.detail.post import PostPanel
from leaddesk.ui.post_resolver import PostResolver
from leaddesk.ui.settings_sites import SitesTab

BLOG = "https://www.example-pharma-agency.com"


def _lead(db: Database, url: str, **post: object) -> int:
    with db.session() as s:
        p = Post(url=url, **post)
        s.add(p)
        s.flush()
        snap = snapshot.snapshot_of(p) if p.source else None
        return make_submission(s, post_id=p.id, page_url=url, post_snapshot=snap).id


def _show(qtbot, db: Database, sid: int) -> PostPanel:
    panel = PostPanel()
    qtbot.addWidget(panel)
    with db.session() as s:
        panel.show_detail(detail.load(s, sid))
    return panel


def test_a_resolved_post_with_hostile_markup_shows_as_text(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    sid = _lead(db, f"{BLOG}/blog/a/", title="<b>Bold</b> <img src=x onerror=alert(1)>",
                excerpt="<script>alert(2)</script>", author="Brian Castle", source="rest",
                categories=["Digital"], tags=["Micro-influencers", "KOL"],
                published_at=datetime(2026, 5, 19, 7, tzinfo=UTC))
    panel = _show(qtbot, db, sid)
    for label in (panel.title, panel.excerpt, panel.byline, panel.tags, panel.note):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert panel.title.text() == "<b>Bold</b> <img src=x onerror=alert(1)>"
    assert panel.byline.text() == "Brian Castle · 19 May 2026"
    assert panel.tags.text() == "#Micro-influencers · #KOL"
    assert "Open in browser" in panel.link.text()
    assert panel.note.isHidden()
    assert panel.toggle.isHidden()
    db.close()


def test_notes_for_posts_not_looked_up_failed_or_off_the_allowlist(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    with db.session() as s:
        sites.add_site(s, BLOG)
    waiting = _lead(db, f"{BLOG}/blog/new/", title="From the form")
    failed = _lead(db, f"{BLOG}/blog/gone/", fetch_error="the page was not found (HTTP 404)")
    stranger = _lead(db, "https://stranger.example/x", fetch_error="not looked up")
    assert "after the next sync" in _show(qtbot, db, waiting).note.text()
    assert _show(qtbot, db, waiting).title.text() == "From the form"
    assert "Could not read this post: the page was not found" in _show(qtbot, db, failed).note.text()
    panel = _show(qtbot, db, stranger)
    assert panel.note.text().startswith("stranger.example is not one of your sites")
    assert panel.title.text() == "https://stranger.example/x"  # the URL is still shown
    db.close()


def test_a_changed_post_can_be_seen_as_the_visitor_saw_it(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    sid = _lead(db, f"{BLOG}/blog/a/", title="Old title", source="rest", tags=["A"])
    with db.session() as s:
        post = s.query(Post).one()
        post.title, post.tags = "New title", ["B"]
    panel = _show(qtbot, db, sid)
    assert panel.title.text() == "New title"
    assert panel.warning.text().startswith("⚠ The post changed since this lead arrived (title, tags)")
    assert panel.toggle.isVisibleTo(panel)
    panel.toggle.click()
    assert (panel.title.text(), panel.tags.text()) == ("Old title", "#A")
    assert panel.warning.text().endswith("Showing it as the visitor saw it.")
    panel.toggle.click()
    assert panel.title.text() == "New title"
    db.close()


def test_the_settings_tab_edits_sites_and_mappings_and_rederives(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    sid = _lead(db, f"{BLOG}/blog/a/", title="A", source="rest", categories=["Digital"], tags=["KOL"])
    with db.session() as s:
        sites.add_site(s, BLOG, name="Blog")
    tab = SitesTab(inline_context(db))
    qtbot.addWidget(tab)
    assert tab.sites.item(0).text() == f"{BLOG}  — Blog"
    def cell(row: int, column: int) -> QTableWidgetItem:
        item = tab.table.item(row, column)
        assert item is not None
        return item

    rows = {cell(r, 1).text(): r for r in range(tab.table.rowCount())}
    assert cell(rows["Digital"], 2).text() == "Digital"
    cell(rows["KOL"], 2).setText("Key opinion leaders")  # as if edited in place
    with db.session() as s:
        assert topics.Mappings.load(s).explicit("tag", "kol") == "Key opinion leaders"
    tab.rederive()
    assert tab.topics_message.text() == "Topics re-derived: 1 leads changed."
    with db.session() as s:
        assert detail.load(s, sid).row.topic == "Key opinion leaders"
    db.close()


def test_the_resolver_runs_a_pass_and_reports(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    _lead(db, "https://stranger.example/x")
    resolver = PostResolver(inline_context(db))
    with qtbot.waitSignal(resolver.finished) as blocker:
        assert resolver.start()
    assert blocker.args[0].not_allowed == 1
    assert not resolver.running
    db.close()


def test_a_narrow_panel_wraps_the_link_line_rather_than_cut_it(qtbot, sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    sid = _lead(db, f"{BLOG}/blog/b/", title="A post", source="rest")
    with db.session() as s:  # a second lead from the page: "· 2 leads from this page"
        make_submission(s, post_id=s.query(Post).one().id, page_url=f"{BLOG}/blog/b/")
    panel = _show(qtbot, db, sid)
    panel.resize(180, 500)  # the post's column beside the message, on a 1920 px screen
    panel.show()
    qtbot.waitExposed(panel)
    link = panel.link
    assert "2 leads from this page" in link.text()
    words = link.fontMetrics().horizontalAdvance("Open in browser ↗ · 2 leads from this page")
    assert words > link.width()  # too long for one line here ...
    assert link.height() >= 2 * link.fontMetrics().height()  # ... so it takes two
    db.close()
