"""A stranger's words are shown as words: no widget reads a visitor's text as markup.

Every visitor field below holds an image pointing at a canary PNG and at a FIFO, plus bold, a link
and an entity. The window, the list's tooltips, the topic chip, the composer and the Leads and
Insights pages are opened on that lead; then no canary pixel may appear on screen, the FIFO must
never have been opened (opening it would block a real window for good), and each label must show
the literal text. A second test walks the UI's source so the next widget gets it right by default.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from leaddesk.db import Database
from leaddesk.db.models import Tag
from tests.support.factories import BASE_TIME, make_member, make_post, make_submission

from leaddesk.ui import list_model
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.safe_text import PlainLabel, notification, tooltip
from leaddesk.ui.tasks import TaskRunner

UI = Path(list_model.__file__).parent
CANARY = QColor(255, 0, 255)


# Runs in its own process: a GUI thread blocked opening the FIFO may hold this interpreter's GIL.
WATCHER = """
import errno, os, sys, time
fifo, marker = sys.argv[1], sys.argv[2]
while True:
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno != errno.ENXIO:
            raise
        time.sleep(0.002)
        continue
    open(marker, "w").close()
    os.close(fd)  # the reader gets end-of-file and goes on
"""


class FifoWatch:
    """Notices when anything opens the FIFO for reading, and unblocks it: a non-blocking open for
    writing succeeds only while a reader holds the other end."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.marker = path.with_suffix(".opened")
        self._process = subprocess.Popen([sys.executable, "-c", WATCHER, str(path), str(self.marker)])

    @property
    def opened(self) -> bool:
        return self.marker.exists()

    def stop(self) -> None:
        self._process.kill()
        self._process.wait()


@pytest.fixture
def traps(tmp_path: Path) -> Iterator[tuple[str, FifoWatch]]:
    canary = tmp_path / "canary.png"
    image = QImage(48, 48, QImage.Format.Format_RGB32)
    image.fill(CANARY)
    assert image.save(str(canary))
    fifo = FifoWatch(tmp_path / "fifo.png")
    hostile = (f'Zed <img src="file://{canary}"><img src="file://{fifo.path}"> <b>bold</b> '
               f'<a href="http://127.0.0.1:9/x">link</a> &lt; end')
    yield hostile, fifo
    fifo.stop()


@pytest.fixture
def hostile_window(qtbot, sqlite_url: str, traps: tuple[str, FifoWatch]) -> Iterator[MainWindow]:
    hostile, _ = traps
    db = Database.open(sqlite_url)
    with db.session() as s:
        make_member(s, "tester")
        post = make_post(s, "https://example.org/blog/imi/", hostile)
        tag = Tag(name="ok tag", colour="#e53935")
        s.add(tag)
        lead = make_submission(
            s, visitor_name=hostile, visitor_email="zed@example.net", visitor_company=hostile,
            visitor_phone=hostile, topic=hostile, subject=hostile, page_url="https://example.org/x",
            fields={"Your Name": hostile, "Your Subject": hostile, "Your Message": hostile},
            body_text=hostile, received_at=BASE_TIME + timedelta(days=30), post_id=post.id)
        lead.tags.append(tag)
    win = MainWindow(db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    db.close()


def canary_on_screen(widget: QWidget) -> bool:
    image = widget.grab().toImage()
    step = 2
    return any(image.pixelColor(x, y) == CANARY
               for y in range(0, image.height(), step) for x in range(0, image.width(), step))


def literal_everywhere(root: QWidget, hostile: str) -> None:
    for label in root.findChildren(QLabel):
        if "Zed" not in label.text():
            continue
        if label.textFormat() == Qt.TextFormat.PlainText:
            text = label.text()  # whole, or cut short with "…" (the header's contact line)
            cut = [part.removesuffix("…") for part in text.split(" · ") if part.endswith("…")]
            assert hostile in text or text in hostile or any(
                hostile.startswith(part) for part in cut), text
        else:  # our own markup: the stranger's part must arrive escaped
            assert "<img" not in label.text(), label.text()


def test_every_widget_shows_a_visitors_markup_as_text_and_loads_nothing(
        qtbot, hostile_window: MainWindow, traps: tuple[str, FifoWatch]) -> None:
    hostile, fifo = traps
    win = hostile_window
    qtbot.waitUntil(lambda: win.inbox.detail.current is not None, timeout=10_000)
    shown = win.inbox.detail.current
    assert shown is not None
    assert shown.row.name == hostile

    win.inbox.toggle_topic(hostile)  # the topic filter chip
    model = win.inbox.list.model()
    for column in range(model.columnCount()):
        tip = model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)
        if tip:
            assert "<img" not in tip
            QToolTip.showText(QPoint(10, 10), tip, win.inbox.list)
    qtbot.keyClick(win.inbox.list, Qt.Key.Key_R)  # the composer, titled with the visitor's name
    for page in range(win.pages.count()):
        win.show_page(page)
        QApplication.processEvents()
        assert not canary_on_screen(win)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            literal_everywhere(widget, hostile)
            assert not canary_on_screen(widget), widget
    QToolTip.hideText()
    assert not fifo.opened


def test_tooltips_and_notifications_show_markup_literally() -> None:
    assert tooltip("A & B") == '<p style="white-space:pre-wrap">A &amp; B</p>'
    assert "&lt;img" in tooltip('<img src="file:///dev/zero">')
    assert tooltip(None) == ""
    assert notification('<img src="x"> & co') == '‹img src="x"› ＆ co'


def test_a_tooltip_of_a_strangers_500_lines_or_5000_letter_word_fits_on_the_screen(qtbot) -> None:
    lines = tooltip("\n".join(f"<b>line {i}</b>" for i in range(500)))
    assert lines.count("\n") == 20  # 20 lines and the count of the rest
    assert "&lt;b&gt;line 19&lt;/b&gt;\n… 480 more lines</p>" in lines
    word = tooltip("W" * 5000)
    assert len(word) < 1200  # cut short …
    assert "W" * 61 not in word  # … and free to break every 60 letters
    assert word.replace("\u200b", "").endswith("W…</p>")
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.show()
    screen = owner.screen().availableGeometry()
    for text in ("\n".join(f"line {i}" for i in range(500)), "W" * 5000, "word " * 2000):
        QToolTip.showText(screen.center(), tooltip(text), owner)
        qtbot.waitUntil(QToolTip.isVisible)
        shown = next(w for w in QApplication.topLevelWidgets()
                     if w.inherits("QTipLabel") and w.isVisible())
        assert shown.height() <= screen.height()
        assert shown.width() <= screen.width()
        QToolTip.hideText()


# ------------------------------------------------------------------ the source keeps it so

ALLOWED_RICH_LABELS = {"shortcuts.py", "post.py"}  # our own markup, every value escaped
SAFE_CALLS = {"tooltip", "notification", "action_text"}


def _ui_sources() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(UI.rglob("*.py")):
        if path.name != "safe_text.py":
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_safe_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.IfExp):
        return _is_safe_text(node.body) and _is_safe_text(node.orelse)
    return isinstance(node, ast.Call) and _name(node.func) in SAFE_CALLS


def test_the_ui_source_uses_the_safe_helpers() -> None:
    problems = []
    for path, tree in _ui_sources():
        where = path.relative_to(UI)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _name(node.func)
            owner = _name(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            if called == "QLabel":
                problems.append(f"{where}:{node.lineno} QLabel(): use PlainLabel or RichLabel")
            if called == "RichLabel" and path.name not in ALLOWED_RICH_LABELS:
                problems.append(f"{where}:{node.lineno} RichLabel() outside the reviewed places")
            if owner in ("QMessageBox", "QInputDialog") and called[0].islower():
                problems.append(f"{where}:{node.lineno} {owner}.{called}(): use safe_text's helpers")
            if called == "setToolTip" and node.args and not _is_safe_text(node.args[-1]):
                problems.append(f"{where}:{node.lineno} setToolTip() needs tooltip(…)")
            if called == "showMessage" and path.name == "tray.py" and len(node.args) > 1 \
                    and not _is_safe_text(node.args[1]):
                problems.append(f"{where}:{node.lineno} a notification needs notification(…)")
            # A menu entry's or menu's title reads a lone "&" as a mnemonic.
            text_first = called in ("QAction", "addMenu") or (called == "addAction"
                                                              and len(node.args) > 1)
            if text_first and node.args and not _is_safe_text(node.args[0]):
                problems.append(f"{where}:{node.lineno} {called}() needs action_text(…)")
            if called == "setHtml" and path.name != "message.py":
                problems.append(f"{where}:{node.lineno} setHtml() outside the sanitised view")
            if called == "setTextFormat" and node.args and _name(node.args[0]) != "PlainText":
                problems.append(f"{where}:{node.lineno} setTextFormat() to something not plain")
    assert problems == []


def test_a_strangers_bidi_override_reorders_nothing_and_real_rtl_text_stays(
        qtbot, ui_db: Database) -> None:
    body = "Pay to invoice\u202efdp.exe\u202c today. مرحبا بكم \u2067שלום\u2069 123"
    with ui_db.session() as s:
        make_submission(s, body_text=body, received_at=BASE_TIME + timedelta(days=30))
    win = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.inbox.detail.current is not None)
    tabs = win.inbox.detail.message
    expected = "Pay to invoicefdp.exe\u202c today. مرحبا بكم \u2067שלום\u2069 123"
    assert expected in tabs.text.toPlainText()
    assert any(label.text().startswith(expected) for label in tabs.timeline.findChildren(QLabel))
    everything = [label.text() for label in win.findChildren(QLabel)] + [tabs.text.toPlainText()]
    assert not any("\u202e" in text or "\u202d" in text for text in everything)
    assert "\u202e" not in tooltip(body)
    assert PlainLabel("\u202dabc").text() == "abc"
