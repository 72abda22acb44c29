"""Response times per lead: time to first answer and time to done in business hours, and which
leads are overdue; the team's policy (business hours and target) stored in the database.

* **First answer**: from the submission's arrival (``received_at``) to the team's first e-mail in
  the conversation, sent from LeadDesk or any mail client (``submissions.first_answered_at``, kept
  by :mod:`leaddesk.conversations.record`).
* **Done**: from arrival to the last time a person (or the sync) set the status to done, while
  the lead is still done; read from the audit log.
* **Overdue**: a lead (not spam, not done, a real submission) nobody answered whose business-time
  wait is *more* than the target. A query asks "received before :meth:`ResponsePolicy.overdue_before`",
  which is exactly that (:meth:`leaddesk.business_hours.BusinessHours.earliest_over`).

The policy is a team-wide setting (table ``team_settings``): every desktop on a shared PostgreSQL
sees the same hours. :func:`load_policy` reads it and makes it the process's active policy, which
a filter without an explicit deadline uses (the window's "Overdue" view).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.business_hours import BusinessHours, zone
from leaddesk.changes import Change, Kind
from leaddesk.db.announce import announce
from leaddesk.db.models import AuditEvent, Status, Submission, TeamSetting
from leaddesk.db.types import utcnow
from leaddesk.errors import ValidationError
from leaddesk.query import Filter
from leaddesk.triage.results import STATUS

SETTING_KEY = "response_times"
DEFAULT_TARGET_HOURS = 8.0  # one business day of 09:00-17:00
HOUR = 3600.0
_CLOSED = (Status.DONE.value, Status.SPAM.value)


def local_zone_name() -> str:
    """This machine's IANA zone when it can be told (``TZ``, ``/etc/localtime``), else UTC: the
    default until someone saves the team's hours."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):  # a broken link: UTC below
        candidates.append(str(Path("/etc/localtime").resolve()).partition("zoneinfo/")[2])
    for name in candidates:
        if name:
            try:
                zone(name)
                return name
            except ValidationError:
                continue
    return "UTC"


@dataclass(frozen=True)
class ResponsePolicy:
    """The team's business hours and how long a lead may wait for a first answer."""

    hours: BusinessHours = field(default_factory=lambda: BusinessHours(local_zone_name()))
    target_hours: float = DEFAULT_TARGET_HOURS

    def __post_init__(self) -> None:
        if not 0 < self.target_hours <= 24 * 365:
            raise ValidationError(f"response target {self.target_hours:g} h is out of range; "
                                  f"give business hours above 0 (8 = one 09:00-17:00 day)")

    @property
    def target_seconds(self) -> float:
        return self.target_hours * HOUR

    def overdue_before(self, now: datetime) -> datetime:
        """Leads received before this instant and still unanswered at ``now`` are overdue."""
        return self.hours.earliest_over(now, self.target_seconds)

    def business_seconds(self, start: datetime, end: datetime) -> float:
        return self.hours.seconds_between(start, end)

    def as_json(self) -> dict[str, Any]:
        return {**self.hours.as_json(), "target_hours": self.target_hours}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResponsePolicy:
        target = data.get("target_hours", DEFAULT_TARGET_HOURS)
        try:
            hours = float(target)
        except (TypeError, ValueError):
            raise ValidationError(f"response target {target!r} is not a number of hours") from None
        return cls(BusinessHours.from_json(data), hours)


_active: ResponsePolicy | None = None


def activate(policy: ResponsePolicy) -> None:
    """Make ``policy`` the one filters without an explicit deadline use in this process."""
    global _active
    _active = policy


def active() -> ResponsePolicy:
    """The policy last loaded or saved here (the defaults until then)."""
    global _active
    if _active is None:
        _active = ResponsePolicy()
    return _active


def _stored_policy(session: Session) -> ResponsePolicy | None:
    """The policy the team saved; None when none was saved or this release cannot read it (the
    defaults then stand in rather than break the list; saving again in Settings replaces it)."""
    # On the table, not the mapped class: at the window's start this is the first query, and a
    # Core statement does not configure every mapper first (~40 ms before the inbox's first page).
    table = TeamSetting.__table__.c
    stored = session.execute(select(table.value).where(table.key == SETTING_KEY)).scalar()
    try:
        return ResponsePolicy.from_json(stored) if stored else None
    except ValidationError:
        return None


def load_policy(session: Session) -> ResponsePolicy:
    """The team's stored policy (the defaults when none was saved), made the active one."""
    policy = _stored_policy(session) or ResponsePolicy()
    activate(policy)
    return policy


def stored_time_zone(session: Session) -> str | None:
    """The time zone of the team's saved business hours; None when the team saved none."""
    policy = _stored_policy(session)
    return policy.hours.time_zone if policy is not None else None


def save_policy(session: Session, policy: ResponsePolicy, *, actor: str) -> Change:
    """Store ``policy`` for the whole team (audited), and make it the active one here."""
    row = session.get(TeamSetting, SETTING_KEY)
    before = dict(row.value) if row is not None else None
    if row is None:
        row = TeamSetting(key=SETTING_KEY)
        session.add(row)
    row.value = policy.as_json()
    row.updated_by = actor
    row.updated_at = utcnow()
    session.add(AuditEvent(actor=actor, action="response_times", entity="setting", entity_id=None,
                           before=before, after=policy.as_json()))
    session.flush()
    announce(session, TeamSetting.__tablename__)  # colleagues' lists re-read the target at once
    activate(policy)
    return Change.of(Kind.SETTING, None, {SETTING_KEY})


def resolve(session: Session, flt: Filter, now: datetime | None = None) -> Filter:
    """``flt`` with the overdue deadline worked out from the stored policy for ``now``."""
    if flt.overdue is None or flt.overdue_before is not None:
        return flt
    return flt.with_(overdue_before=load_policy(session).overdue_before(now or utcnow()))


# ------------------------------------------------------------------ one lead
class LeadLike(Protocol):
    """What :func:`overdue` reads of a lead: a list row (:class:`leaddesk.query.SubmissionRow`)."""

    @property
    def received_at(self) -> datetime: ...
    @property
    def first_answered_at(self) -> datetime | None: ...
    @property
    def status(self) -> str: ...
    @property
    def is_submission(self) -> bool: ...


def overdue(lead: LeadLike, now: datetime, hours: ResponsePolicy | None = None) -> bool:
    """Whether the list should badge ``lead`` as overdue at ``now`` (the active policy unless
    ``hours`` is given): unanswered, open, and waiting more than the target."""
    policy = hours or active()
    if lead.first_answered_at is not None or lead.status in _CLOSED or not lead.is_submission:
        return False
    # The same test as the SQL filter: cheap per row however old the lead (a list paints many
    # rows with one ``now``), and equal to "waited more than the target" by construction.
    return lead.received_at < _deadline(policy, now)


@lru_cache(maxsize=64)
def _deadline(policy: ResponsePolicy, now: datetime) -> datetime:
    return policy.overdue_before(now)


@dataclass(frozen=True)
class LeadTimes:
    """One lead's response times; the ``*_s`` figures are business seconds."""

    received_at: datetime
    first_answered_at: datetime | None
    time_to_first_answer_s: float | None
    done_at: datetime | None
    time_to_done_s: float | None
    waiting_s: float | None  # unanswered: how long it has waited so far
    overdue: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "first_answered_at": _iso(self.first_answered_at),
            "time_to_first_answer_s": _rounded(self.time_to_first_answer_s),
            "done_at": _iso(self.done_at),
            "time_to_done_s": _rounded(self.time_to_done_s),
            "overdue": self.overdue,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _rounded(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def done_times(session: Session, submission_ids: Sequence[int]) -> dict[int, datetime]:
    """When each lead that is done now was last set to done (from the audit log)."""
    found: dict[int, datetime] = {}
    if not submission_ids:
        return found
    done = set(session.execute(select(Submission.id).where(
        Submission.id.in_(submission_ids), Submission.status == Status.DONE.value)).scalars())
    if not done:
        return found
    events = session.execute(
        select(AuditEvent.entity_id, AuditEvent.at, AuditEvent.after)
        .where(AuditEvent.entity == "submission", AuditEvent.action == STATUS,
               AuditEvent.entity_id.in_(done))
        .order_by(AuditEvent.at, AuditEvent.id))
    for lead, at, after in events:
        if lead is not None and (after or {}).get("status") == Status.DONE.value:
            found[int(lead)] = at  # later events overwrite: the last move to done wins
    return found


def lead_times(lead: LeadLike, done_at: datetime | None, now: datetime,
               policy: ResponsePolicy | None = None) -> LeadTimes:
    policy = policy or active()
    answered = lead.first_answered_at
    return LeadTimes(
        received_at=lead.received_at,
        first_answered_at=answered,
        time_to_first_answer_s=(policy.business_seconds(lead.received_at, answered)
                                if answered else None),
        done_at=done_at,
        time_to_done_s=policy.business_seconds(lead.received_at, done_at) if done_at else None,
        waiting_s=None if answered else policy.business_seconds(lead.received_at, now),
        overdue=overdue(lead, now, policy),
    )



def for_lead(session: Session, lead: LeadLike, submission_id: int,
             now: datetime | None = None) -> LeadTimes:
    """One lead's :class:`LeadTimes` under the team's stored policy."""
    done = done_times(session, [submission_id]).get(submission_id)
    return lead_times(lead, done, now or datetime.now(UTC), load_policy(session))
