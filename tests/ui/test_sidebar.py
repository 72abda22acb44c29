"""The sidebar: views, topic and tag facets with counts, saved views; clicks say what was chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem

from leaddesk.query import Facets
from tests.ui.hostile import HOSTILE, SHOWN, drawn_in

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


def test_a_refresh_leaves_a_scrolled_sidebar_where_it_is(qtbot) -> None:
    """Clicking a tag far down a long list, then the counts' refresh, must not scroll the
    sidebar back to its views: the next click would land on another tag."""
    sidebar = Sidebar(builtin_views("tester"))
    qtbot.addWidget(sidebar)
    sidebar.resize(200, 300)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    tags = {f"tag {n:02d}": "#e53935" for n in range(60)}
    facets = Facets(topics={"Speakers": 3}, tags=dict.fromkeys(tags, 1))
    sidebar.set_facets(facets, tags, (), ())
    bar = sidebar.verticalScrollBar()
    bar.setValue(bar.maximum())
    far = next(i for i in sidebar.findItems("tag 55", Qt.MatchFlag.MatchRecursive))
    sidebar.setCurrentItem(far)  # what a click does
    sidebar.itemClicked.emit(far, 0)
    where = bar.value()
    under = sidebar.itemAt(10, 150)
    assert under is not None
    shown = under.text(0)
    for _ in range(2):  # the reload the click starts, then another desktop's change
        sidebar.set_view_counts({"inbox": 12})
        sidebar.set_facets(facets, tags, (), ("tag 55",))
        sidebar.select_view("inbox")
        QApplication.processEvents()
        assert bar.value() == where
        again = sidebar.itemAt(10, 150)
        assert again is not None
        assert again.text(0) == shown


def test_a_topic_typed_by_a_stranger_shows_as_typed_and_reorders_nothing(qtbot) -> None:
    sidebar = Sidebar(builtin_views("tester"))
    qtbot.addWidget(sidebar)
    sidebar.set_facets(Facets(topics={HOSTILE: 1}, tags={}), {}, (), ())
    item = child(sidebar._topics, 0)
    assert item.text(0) == HOSTILE  # kept as it came: the filter needs the stored value
    assert drawn_in(sidebar, sidebar.indexFromItem(item, 0)) == SHOWN
    chosen: list[object] = []
    sidebar.topic_toggled.connect(chosen.append)
    sidebar.itemClicked.emit(item, 0)
    assert chosen == [HOSTILE]
