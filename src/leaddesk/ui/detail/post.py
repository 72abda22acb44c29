"""The post the visitor came from, beside the message."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from leaddesk.detail import SubmissionDetail

from leaddesk.ui.format import short_time
from leaddesk.ui.widgets import Chip, caption, clear_layout, muted


class PostPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.addWidget(caption("The post they came from"))
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.byline = muted()
        self.topics = QHBoxLayout()
        self.topics.setSpacing(4)
        self.excerpt = QLabel()
        self.excerpt.setWordWrap(True)
        self.excerpt.setTextFormat(Qt.TextFormat.PlainText)  # visitor-controlled sites: never markup
        self.link = QLabel()
        self.link.setOpenExternalLinks(False)
        self.link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b26b00;")
        for widget in (self.title, self.byline):
            layout.addWidget(widget)
        layout.addLayout(self.topics)
        for widget in (self.excerpt, self.link, self.warning):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_detail(self, detail: SubmissionDetail) -> None:
        post = detail.post
        clear_layout(self.topics)
        url = post.url if post else detail.row.page_url
        if post is None:
            self.title.setText(detail.row.post_title or "No page recorded")
            self.byline.setText("")
            self.excerpt.setText(
                "The form did not say which page the visitor was on." if not url else
                "This page has not been looked up yet.")
        else:
            self.title.setText(post.title or url or "")
            self.byline.setText(" · ".join(p for p in (post.author,
                                                       short_time(post.published_at)) if p))
            for name in (*post.categories, *post.tags)[:6]:
                self.topics.addWidget(Chip(name, "#7e57c2"))
            self.topics.addStretch(1)
            self.excerpt.setText(post.excerpt or "")
        if url:
            count = f" · {post.leads} leads from this post" if post else ""
            self.link.setText(f'<a href="{_escape(url)}">Open in browser ↗</a>{count}')
        else:
            self.link.setText("")
        self.warning.setText("⚠ the post was edited since this lead arrived — showing it as it "
                             "is now" if post and post.changed_since else "")
        self.warning.setVisible(bool(post and post.changed_since))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
