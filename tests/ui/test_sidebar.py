"""The sidebar: views, topic and tag facets with counts, saved views; clicks say what was chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from leaddesk.query import Facets

from leaddesk.ui.sidebar import NO_TOPIC_LABEL, Sidebar
from leaddesk.ui.views import builtin_views


def child(section: QTreeWidgetItem, index: int) -> QTreeWidgetItem:
    item = section.child(index)
    assert item is not None
    return item


def click(qtbot, sidebar: Sidebar, text: str) -> None:
    item = next(i for i in sidebar.findItems(text, Qt.MatchFlag.MatchRecursive
                                             | Qt.MatchFlag.MatchExactly))
    sidebar.itemClicked.emit(item, 0)


def test_counts_facets_and_choices(qtbot) -> None:
    sidebar = Sidebar(builtin_views("tester"))
    qtbot.addWidget(sidebar)
    sidebar.set_view_counts({"inbox": 1234, "spam": 2})
    assert sidebar._view_items["inbox"].text(1) == "1,234"
    assert sidebar._view_items["done"].text(1) == ""
    sidebar.set_facets(Facets(topics={"Speakers": 3, None: 2, "Digital": 5},
                              tags={"hot lead": 4}), {"hot lead": "#e53935"}, ("Digital",), ())
    topics = [child(sidebar._topics, i) for i in range(sidebar._topics.childCount())]
    assert [t.text(0) for t in topics] == ["Digital", "Speakers", NO_TOPIC_LABEL]  # by name
    assert topics[0].font(0).bold()  # the chosen one
    assert not child(sidebar._tags, 0).icon(0).isNull()  # the tag's colour
    chosen: list[object] = []
    sidebar.view_chosen.connect(chosen.append)
    sidebar.topic_toggled.connect(chosen.append)
    sidebar.tag_toggled.connect(chosen.append)
    click(qtbot, sidebar, "Waiting")
    click(qtbot, sidebar, NO_TOPIC_LABEL)
    click(qtbot, sidebar, "hot lead")
    assert chosen == ["waiting", None, "hot lead"]


def test_saved_views_and_an_empty_facet_section(qtbot) -> None:
    sidebar = Sidebar(builtin_views("tester"))
    qtbot.addWidget(sidebar)
    sidebar.set_facets(Facets(), {}, (), ())
    assert sidebar._tags.isHidden()
    sidebar.set_saved_views(["PE leads"])
    saved: list[str] = []
    asked: list[bool] = []
    sidebar.saved_chosen.connect(saved.append)
    sidebar.save_requested.connect(lambda: asked.append(True))
    click(qtbot, sidebar, "PE leads")
    click(qtbot, sidebar, "+ Save current view…")
    assert saved == ["PE leads"]
    assert asked == [True]


def names(section: QTreeWidgetItem) -> list[str]:
    return [child(section, i).text(0) for i in range(section.childCount())]


def test_the_order_holds_still_when_counts_change(qtbot) -> None:
    sidebar = Sidebar(builtin_views("tester"))
    qtbot.addWidget(sidebar)
    colours = {"vip": "#e53935", "Later": "#1e88e5"}
    sidebar.set_facets(Facets(topics={"Speakers": 9, "digital": 1, None: 1},
                              tags={"vip": 5, "Later": 1}), colours, (), ())
    before = names(sidebar._topics), names(sidebar._tags)
    assert before == (["digital", "Speakers", NO_TOPIC_LABEL], ["Later", "vip"])
    # After an action the counts turn over, and a view may hold none of a topic or tag:
    # the entries stay where they were, greyed with 0, and the sections never vanish.
    sidebar.set_facets(Facets(topics={"digital": 7}, tags={}), colours, (), ())
    assert (names(sidebar._topics), names(sidebar._tags)) == before
    assert not sidebar._topics.isHidden()
    assert not sidebar._tags.isHidden()
    assert child(sidebar._topics, 1).text(1) == "0"
