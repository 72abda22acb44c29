"""The whole detail pane: card on top, then the message beside the post (below it when the pane
is narrow); empty state when idle.

Its width is the splitter's business, never its content's: every part wraps, elides or scrolls,
so assigning, tagging or opening a lead with a 200-character name leaves the panes where they are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from leaddesk.detail import SubmissionDetail

from leaddesk.ui.colours import PRESENCE_HUE, notice_style
from leaddesk.ui.detail.card import VisitorCard
from leaddesk.ui.detail.edit_fields import EditFieldsPanel
from leaddesk.ui.detail.message import MessageTabs
from leaddesk.ui.detail.post import PostPanel
from leaddesk.ui.detail.suggestions import SuggestionStrip
from leaddesk.ui.detail.verdict import VerdictBar
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.welcome import Welcome
from leaddesk.ui.widgets import DownScroll

# Narrower than this, the post goes under the message rather than beside it.
SIDE_BY_SIDE_WIDTH = 640
POST_BELOW_HEIGHT = 170  # the post's title, a few lines of it and its link


class DetailPane(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = PlainLabel("Select a message to read it here.\n\n"
                            "j / k move through the list · / searches · ? shows every shortcut")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)  # one line of it set the pane's least width (378 px)
        self.empty.setEnabled(False)
        self.addWidget(self.empty)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        # Team mode: who else has this message open right now (leaddesk.ui.live.PresenceLeases).
        self.also_viewing = PlainLabel()
        self.also_viewing.setObjectName("alsoViewing")
        self.also_viewing.setStyleSheet(notice_style("alsoViewing", PRESENCE_HUE, self,
                                                     extra="padding: 3px 8px; "))
        self.also_viewing.hide()
        self.also_viewing.setWordWrap(True)
        layout.addWidget(self.also_viewing)
        self.verdict = VerdictBar()  # why a hidden message is hidden, and the way back
        layout.addWidget(self.verdict)
        self.card = VisitorCard()
        layout.addWidget(self.card)
        self.suggestions = SuggestionStrip()  # learnt topic, tags, owner for an untriaged lead
        layout.addWidget(self.suggestions)
        self.edit = EditFieldsPanel()  # correcting what the parser read
        self.card.action_row.addWidget(self.edit.strip_widget())  # on the Reply line: no row of its own
        layout.addWidget(self.edit)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("messagePostSplit")
        self.message = MessageTabs()
        self.post = PostPanel()
        # The post scrolls (down only) when its strip is short: below the message on a narrow
        # pane it is a few lines high, and a long excerpt must not be cut off mid-line.
        post_box = QScrollArea()
        post_box.setObjectName("postScroll")
        post_box.setWidget(self.post)
        post_box.setWidgetResizable(True)
        post_box.setFrameShape(QFrame.Shape.NoFrame)
        post_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.split.addWidget(self.message)
        self.split.addWidget(post_box)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        layout.addWidget(self.split, 1)
        # The page scrolls (down) when what it holds is taller than the pane: with the
        # correction form open on a 700-pixel screen it was, and the window grew off the screen.
        # On the narrowest windows it may scroll sideways too (see MainWindow.resizeEvent).
        self.page_scroll = DownScroll(page)
        self.page_scroll.setObjectName("detailScroll")
        self.addWidget(self.page_scroll)
        self.welcome = Welcome()
        self.addWidget(self.welcome)
        self.current: SubmissionDetail | None = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wanted = (Qt.Orientation.Horizontal if event.size().width() >= SIDE_BY_SIDE_WIDTH
                  else Qt.Orientation.Vertical)
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            vertical = wanted == Qt.Orientation.Vertical
            # Below the message the post keeps a short strip; more height goes to the message.
            self.split.setStretchFactor(0, 1 if vertical else 2)
            self.split.setStretchFactor(1, 0 if vertical else 1)
            total = max(sum(self.split.sizes()), 600)
            post = POST_BELOW_HEIGHT if vertical else total // 3
            self.split.setSizes([total - post, post])

    def least_width(self) -> int:
        """The width the lead's page needs to show whole, without scrolling sideways."""
        bar = self.page_scroll.verticalScrollBar().sizeHint().width()
        return self.page_scroll.inner.minimumSizeHint().width() + bar

    def show_welcome(self) -> None:
        self.current = None
        self.setCurrentWidget(self.welcome)

    def show_detail(self, detail: SubmissionDetail, raw: bytes | None) -> None:
        self.current = detail
        self.verdict.show_row(detail.row)
        self.card.show_detail(detail)
        self.suggestions.show_row(detail.row)
        self.edit.show_row(detail.row)
        self.message.show_detail(detail, raw)
        self.post.show_detail(detail)
        self.setCurrentIndex(1)

    def clear(self) -> None:
        self.current = None
        self.setCurrentIndex(0)

    def set_viewers(self, names: list[str]) -> None:
        """"Also viewing: Ada, Bob" above the card, hidden when nobody else is looking."""
        self.also_viewing.setText(f"Also viewing: {', '.join(names)}")
        self.also_viewing.setVisible(bool(names))
