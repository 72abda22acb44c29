"""Settings → Response times: the team's business hours (time zone, working hours, holidays) and
how long a lead may wait for a first answer before it is overdue.

They are a team-wide setting in the database (leaddesk.response_times), so on a shared PostgreSQL
every desktop measures the same way. :func:`load_team_policy` reads them when the window opens, so
the "Overdue" view and the list's badge use the team's hours from the first paint.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from leaddesk import response_times
from leaddesk.business_hours import BusinessHours, format_week, parse_holidays, parse_week
from leaddesk.changes import Change
from leaddesk.errors import ValidationError
from leaddesk.response_times import ResponsePolicy

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import button_row


def load_team_policy(ctx: AppContext, parent: QObject) -> None:
    """Read the team's policy in the database worker and make it this process's active one."""
    DbOp(ctx, response_times.load_policy, parent=parent,
         what="reading the team's business hours").run_in_background()


def describe(policy: ResponsePolicy) -> str:
    """One line on what the policy means, for the tab and the Insights page."""
    hours = policy.hours
    weekly = sum(end - start for day in hours.week for start, end in day) / 60
    return (f"{format_week(hours.week)} ({weekly:g} h a week), {hours.time_zone}; "
            f"a lead unanswered for more than {policy.target_hours:g} business hours is overdue")


class HoursTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        box = QGroupBox("Business hours — shared by the whole team")
        form = QFormLayout(box)
        self.zone = QComboBox()
        self.zone.setObjectName("timeZone")
        self.zone.setEditable(True)
        self.zone.addItems(sorted(available_timezones()))
        form.addRow("Time zone:", self.zone)
        self.week = QLineEdit()
        self.week.setObjectName("workingHours")
        self.week.setPlaceholderText("mon-fri 09:00-17:00; sat 10:00-12:00")
        form.addRow("Working hours:", self.week)
        self.holidays = QLineEdit()
        self.holidays.setObjectName("holidays")
        self.holidays.setPlaceholderText("2026-12-24, 2026-12-25, 2027-01-01")
        form.addRow("Holidays:", self.holidays)
        self.target = QDoubleSpinBox()
        self.target.setObjectName("targetHours")
        self.target.setRange(0.25, 24 * 365)
        self.target.setDecimals(2)
        self.target.setSingleStep(1)
        self.target.setSuffix(" business hours")
        form.addRow("Overdue after:", self.target)
        layout.addWidget(box)
        hint = PlainLabel("Time to first answer and to done count only working time: nights, "
                          "weekends and holidays are left out, and clock changes are followed. "
                          "Several spans a day are comma-separated: mon-fri 08:00-12:00,13:00-17:00")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.summary = PlainLabel()
        self.summary.setObjectName("hoursSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.message = button_row(layout, [("Save business hours", self.save)])
        self.message.setObjectName("hoursMessage")
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        DbOp(self.ctx, response_times.load_policy, parent=self,
             what="reading the team's business hours").success(self.show_policy).run_in_background()

    def show_policy(self, policy: ResponsePolicy) -> None:
        self.zone.setCurrentText(policy.hours.time_zone)
        self.week.setText(format_week(policy.hours.week))
        self.holidays.setText(", ".join(sorted(d.isoformat() for d in policy.hours.holidays)))
        self.target.setValue(policy.target_hours)
        self.summary.setText("In force: " + describe(policy))

    def policy(self) -> ResponsePolicy:
        """What the fields say; a mistake raises the one-line ValidationError to show."""
        hours = BusinessHours(self.zone.currentText().strip(), parse_week(self.week.text()),
                              parse_holidays(self.holidays.text()))
        return ResponsePolicy(hours, self.target.value())

    def save(self) -> None:
        try:
            policy = self.policy()  # read on this thread: widgets never leave it
        except ValidationError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("")

        def write(session: Session) -> Change:
            return response_times.save_policy(session, policy, actor=self.ctx.actor)

        DbOp(self.ctx, write, parent=self, what="saving the business hours").success(
            lambda _change: self._saved(policy)).failure(
            known_error_in(self.message.setText)).run_in_background()

    def _saved(self, policy: ResponsePolicy) -> None:
        self.show_policy(policy)
        self.message.setText("Saved for the whole team.")
