"""Settings → Team: one row per member, with the "Away" toggle that round-robin rules read.

Marking someone away (or back) runs the very core function ``leaddesk rules away|back`` runs
(:func:`leaddesk.rules.catalog.set_away`, audited as the current actor) through a DbOp, and puts
a member change on the bus so every page that shows members refreshes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from leaddesk import triage
from leaddesk.changes import Change, Kind
from leaddesk.rules import catalog

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.widgets import ElidedLabel


def member_text(member: triage.Member) -> str:
    """"Ada  (3 assigned)", with "— inactive" for a removed member who still owns work."""
    return f"{member.name}  ({member.assigned} assigned)" + (
        "" if member.active else "  — inactive")


class MemberRow(QWidget):
    """A member's line in the Team tab: name and load on the left, "Away" on the right."""

    away_toggled = Signal(str, bool)

    def __init__(self, member: triage.Member, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = member
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        # A 120-character name elides (its whole text in the tooltip), keeping "(3 assigned)"
        # and the toggle in view: the list never scrolls sideways.
        self.label = ElidedLabel(member_text(member), mode=Qt.TextElideMode.ElideMiddle)
        layout.addWidget(self.label, 1)
        self.away = QCheckBox("Away")
        self.away.setObjectName("memberAway")
        self.away.setChecked(member.away)
        # Only an active member can be away: a removed one gets no leads anyway.
        self.away.setEnabled(member.active)
        self.away.setToolTip("Round-robin rules skip a member marked away until they are back")
        self.away.toggled.connect(lambda on: self.away_toggled.emit(member.name, on))
        layout.addWidget(self.away)


def set_away(ctx: AppContext, parent: QWidget, name: str, away: bool, *,
             refresh: Callable[[], None], error: Callable[[str], None]) -> None:
    """Mark ``name`` away or back in the database worker; ``refresh`` runs afterwards either way
    (after a refusal it puts the toggle back as stored), a known error goes to ``error``."""
    actor = ctx.actor

    def work(session: Session) -> Change:
        catalog.set_away(session, name, away, actor=actor)
        return Change.of(Kind.MEMBER)

    def failed(exc: BaseException) -> bool | None:
        refresh()
        return known_error_in(error)(exc)

    (DbOp(ctx, work, parent=parent, what=f"marking {name} {'away' if away else 'back'}")
     .success(lambda _change: refresh()).failure(failed).run_in_background())
