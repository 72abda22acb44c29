"""The lead's conversation as one timeline: the submission, our replies, their answers,
colleagues' replies, notes, status changes and the rest of its history in time order.

Each e-mail shows its direction and sender; quoted history is folded behind a button. Everything
a stranger wrote is shown as plain text (never Qt rich text).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.conversations.timeline import SENT_HERE, SUBMISSION, MessageView, TimelineEntry

from leaddesk.ui.context import AppContext
from leaddesk.ui.detail.rule_event import RuleEventEntry, rule_of, undo_rule
from leaddesk.ui.format import long_time
from leaddesk.ui.safe_text import PlainLabel

# Left edge colours: the visitor's mail and the team's, readable on light and dark palettes.
INBOUND_COLOUR = "#1e88e5"
OUTBOUND_COLOUR = "#43a047"


def plain_label(text: str, *, object_name: str = "", selectable: bool = True) -> PlainLabel:
    """A wrapped label that never interprets its text as markup, and never wider than the
    timeline: a word longer than the line (a pasted token, a 5,000-character string) is cut at
    the edge, still selectable whole, where it used to widen the timeline into a sideways scroll."""
    label = PlainLabel(text)
    label.setWordWrap(True)
    policy = label.sizePolicy()  # keeps the height-for-width a wrapped label needs
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    if object_name:
        label.setObjectName(object_name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading(message: MessageView) -> str:
    """"← Nadia Benali <nadia@…> · 3 Mar 2026, 10:00" and, for our side, who sent it how."""
    if message.direction == "in":
        what = "Submission from" if message.kind == SUBMISSION else "Answer from"
        return f"← {what} {message.sender} · {long_time(message.date)}"
    how = f" (from LeadDesk, by {message.author})" if message.kind == SENT_HERE and message.author \
        else ""
    return f"→ Reply by {message.sender}{how} · {long_time(message.date)}"


class MessageEntry(QFrame):
    """One e-mail: heading, subject, what it says, and its quoted history folded."""

    def __init__(self, message: MessageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.setObjectName("timelineMessage")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        # A coloured bar on the left says who wrote: the visitor (blue) or the team (green).
        self.bar = QFrame()
        self.bar.setFixedWidth(3)
        self.bar.setAutoFillBackground(True)
        palette = self.bar.palette()
        palette.setColor(QPalette.ColorRole.Window,
                         QColor(INBOUND_COLOUR if message.direction == "in" else OUTBOUND_COLOUR))
        self.bar.setPalette(palette)
        outer.addWidget(self.bar)
        layout = QVBoxLayout()
        layout.setContentsMargins(0, 2, 4, 2)
        layout.setSpacing(2)
        outer.addLayout(layout, 1)
        self.heading = plain_label(heading(message), object_name="timelineHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        if message.subject and message.kind != SUBMISSION:
            self.subject = plain_label(message.subject)
            self.subject.setEnabled(False)  # the palette's secondary text colour
            layout.addWidget(self.subject)
        folded = message.folded
        self.body = plain_label(folded.fresh or "(no text)")
        layout.addWidget(self.body)
        self.quote_toggle: QToolButton | None = None
        self.quoted: PlainLabel | None = None
        if folded.has_quote:
            lines = len(folded.quoted.splitlines())
            self.quote_toggle = QToolButton()
            self.quote_toggle.setCheckable(True)
            self.quote_toggle.setAutoRaise(True)
            self.quote_toggle.setText(f"Show quoted text ({lines} lines)")
            self.quoted = plain_label(folded.quoted)
            self.quoted.setEnabled(False)
            self.quoted.hide()
            self.quote_toggle.toggled.connect(self._toggle_quote)
            layout.addWidget(self.quote_toggle, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(self.quoted)

    def _toggle_quote(self, shown: bool) -> None:
        assert self.quoted is not None
        assert self.quote_toggle is not None
        self.quoted.setVisible(shown)
        lines = len(self.quoted.text().splitlines())
        self.quote_toggle.setText("Hide quoted text" if shown else
                                  f"Show quoted text ({lines} lines)")


def event_text(entry: TimelineEntry) -> str:
    """A note, a reply not sent, a status or other change as a quiet line or two."""
    if entry.kind == "note":
        return f"Note by {entry.actor} · {long_time(entry.at)}\n{entry.text}"
    if entry.kind == "reply":
        return entry.text  # a draft or a failed reply, headed by its state (message.reply_text)
    if entry.kind == "event":
        return f"{entry.text[:1].upper()}{entry.text[1:]} by {entry.actor} · {long_time(entry.at)}"
    return f"Status {entry.text} by {entry.actor} · {long_time(entry.at)}"


class TimelineView(QScrollArea):
    """The timeline of the lead shown in the detail pane, rebuilt when another lead is shown.

    Bound to the app (:meth:`bind`), a change a rule made offers Undo (rule_event)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
        self.entries: list[QWidget] = []
        self._content = QWidget()
        self.setWidget(self._content)
        self.ctx: AppContext | None = None
        self.lead: int | None = None

    def bind(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def show_entries(self, entries: tuple[TimelineEntry, ...], lead: int | None = None) -> None:
        self.lead = lead
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(10)
        self.entries = []
        for entry in entries:
            widget: QWidget
            rule = rule_of(entry.actor) if entry.message is None else None
            if entry.message is not None:
                widget = MessageEntry(entry.message)
            elif rule is not None and entry.kind in ("event", "status") \
                    and self.ctx is not None and lead is not None:
                widget = self._rule_entry(event_text(entry), rule)
            else:
                widget = plain_label(event_text(entry), object_name=f"timeline_{entry.kind}")
                widget.setEnabled(False)
            layout.addWidget(widget)
            self.entries.append(widget)
        layout.addStretch(1)
        self.setWidget(content)  # the old content is deleted with it
        self._content = content

    def _rule_entry(self, text: str, rule: str) -> RuleEventEntry:
        entry = RuleEventEntry(text, rule)
        entry.undo_requested.connect(lambda name: self._undo(entry, name))
        return entry

    def _undo(self, entry: RuleEventEntry, rule: str) -> None:
        def error(message: str) -> None:
            if any(e is entry for e in self.entries):  # not when another lead is shown since
                entry.show_error(message)

        if self.ctx is not None and self.lead is not None:
            undo_rule(self.ctx, self, self.lead, rule, error=error)

    def messages(self) -> list[MessageEntry]:
        return [e for e in self.entries if isinstance(e, MessageEntry)]
