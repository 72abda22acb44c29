"""The post the visitor came from, beside the message.

Title, date, author, excerpt, categories and tags and a link, as LeadDesk last read them from the
team's site; a note when the post is not looked up yet, could not be read, or is on a host that is
not one of the team's sites. When the post changed since the lead arrived, a button switches between
the post as it is now and as the visitor saw it (the snapshot kept with the lead).

Everything shown comes from a web page that strangers' links point at: it is shown as plain text,
and only http(s) links are offered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from leaddesk.detail import PostView, SubmissionDetail

from leaddesk.ui.colours import warning_style
from leaddesk.ui.safe_text import PlainLabel, RichLabel, escape
from leaddesk.ui.widgets import Chip, caption, clear_layout, muted, never_widens

CATEGORY_COLOUR = "#7e57c2"
FIELD_NAMES = {"title": "title", "excerpt": "text", "author": "author", "categories": "categories",
               "tags": "tags"}


def _wrapping(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    return label


def _date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local.day} {local.strftime('%B %Y')}"


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class PostPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.addWidget(caption("The post they came from"))
        self.title = _wrapping(PlainLabel())
        self.title.setObjectName("postTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.byline = _wrapping(muted())
        self.terms = QHBoxLayout()  # categories as chips; tags, often many, as wrapped text
        self.terms.setSpacing(4)
        self.tags = _wrapping(muted())
        self.tags.setObjectName("postTags")
        self.excerpt = _wrapping(PlainLabel())
        self.excerpt.setObjectName("postExcerpt")
        self.excerpt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link = _wrapping(RichLabel())  # only our own markup, the URL escaped
        self.link.setOpenExternalLinks(False)
        self.link.linkActivated.connect(self._open)
        self.note = _wrapping(PlainLabel())
        self.note.setObjectName("postNote")
        self.warning = _wrapping(PlainLabel())
        self.warning.setObjectName("postChanged")
        self.warning.setStyleSheet(warning_style(self))
        self.toggle = QPushButton("Show it as the visitor saw it")
        self.toggle.setObjectName("postSnapshotToggle")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        for label in (self.title, self.byline, self.tags, self.excerpt, self.link, self.note,
                      self.warning):
            never_widens(label)  # a long title or URL wraps; it never widens the detail pane
        for widget in (self.title, self.byline):
            layout.addWidget(widget)
        layout.addLayout(self.terms)
        for widget in (self.tags, self.excerpt, self.link, self.note, self.warning):
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.post: PostView | None = None

    def show_detail(self, detail: SubmissionDetail) -> None:
        post = self.post = detail.post
        url = post.url if post else detail.row.page_url
        self.toggle.blockSignals(True)
        self.toggle.setChecked(False)
        self.toggle.blockSignals(False)
        if post is None:
            self._fill(detail.row.post_title or url or "No page recorded",
                       None, None, (), (), "")
            self.note.setText("The form did not say which page the visitor was on." if not url
                              else "This page has not been looked up yet.")
        else:
            self._show_post(post, snapshot=False)
            self.note.setText(_note(post))
        self.note.setVisible(bool(self.note.text()))
        self.link.setText(_link(url, post.leads if post else None))
        changed = bool(post and post.changed_since and post.snapshot)
        if changed and post is not None:
            what = ", ".join(FIELD_NAMES.get(f, f) for f in post.changed_fields)
            self.warning.setText(f"⚠ The post changed since this lead arrived ({what}). "
                                 f"Showing it as it is now.")
        self.warning.setVisible(changed)
        self.toggle.setVisible(changed)

    def _show_post(self, post: PostView, *, snapshot: bool) -> None:
        if snapshot and post.snapshot:
            s = post.snapshot
            self._fill(s.get("title") or post.url, s.get("author"), _parse(s.get("published_at")),
                       tuple(s.get("categories") or ()), tuple(s.get("tags") or ()),
                       s.get("excerpt") or "")
        else:
            self._fill(post.title or post.url, post.author, post.published_at, post.categories,
                       post.tags, post.excerpt or "")

    def _fill(self, title: str, author: str | None, published: datetime | None,
              categories: tuple[str, ...], tags: tuple[str, ...], excerpt: str) -> None:
        self.title.setText(title)
        self.byline.setText(" · ".join(p for p in (author, _date(published)) if p))
        self.byline.setVisible(bool(self.byline.text()))
        for index in range(self.terms.count()):
            item = self.terms.itemAt(index)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()  # at once; clear_layout deletes it later
        clear_layout(self.terms)
        for name in categories[:3]:
            self.terms.addWidget(Chip(name, CATEGORY_COLOUR))
        self.terms.addStretch(1)
        self.tags.setText(" · ".join(f"#{name}" for name in tags))
        self.tags.setVisible(bool(tags))
        self.excerpt.setText(excerpt)
        self.excerpt.setVisible(bool(excerpt))

    def _toggled(self, as_it_was: bool) -> None:
        if self.post is None:
            return
        self._show_post(self.post, snapshot=as_it_was)
        self.toggle.setText("Show it as it is now" if as_it_was else "Show it as the visitor saw it")
        self.warning.setText(self.warning.text().replace(
            "Showing it as it is now." if as_it_was else "Showing it as the visitor saw it.",
            "Showing it as the visitor saw it." if as_it_was else "Showing it as it is now."))

    def _open(self, url: str) -> None:
        if urlsplit(url).scheme in ("http", "https"):
            QDesktopServices.openUrl(QUrl(url))


def _note(post: PostView) -> str:
    host = urlsplit(post.url).hostname or post.url
    if post.state == "not-allowed":
        return (f"{host} is not one of your sites, so LeadDesk does not open this page. If it is "
                f"yours, add it under Settings → Sites & topics.")
    if post.state == "pending":
        return "Not looked up yet: LeadDesk reads the post from your site after the next sync."
    if post.state == "failed":
        return f"Could not read this post: {post.fetch_error}. LeadDesk tries again later."
    return ""


def _link(url: str | None, leads: int | None) -> str:
    if not url:
        return ""
    count = f" · {leads} lead{'s' if leads != 1 else ''} from this page" if leads else ""
    if urlsplit(url).scheme not in ("http", "https"):
        return escape(url) + count
    return f'<a href="{escape(url)}">Open in browser ↗</a>{count}'

