""""Also viewing: X": short leases a desktop renews while it shows a message.

A desktop (``client_id``, one per window) holds at most one lease: opening another message moves
it. A lease lives :data:`LEASE_SECONDS` unless renewed (the UI renews every
:data:`RENEW_SECONDS`), so a crashed or disconnected desktop drops out by itself. Times come from
the database server on PostgreSQL, so desktops whose clocks disagree still agree on who is there.

Functions work in the caller's session and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from leaddesk.db.models import Presence
from leaddesk.db.types import utcnow

LEASE_SECONDS = 30
RENEW_SECONDS = 10


@dataclass(frozen=True)
class Lease:
    submission_id: int
    client_id: str
    member: str
    expires_at: datetime


def new_client_id() -> str:
    return uuid.uuid4().hex


def _now(session: Session) -> datetime:
    if session.get_bind().dialect.name == "postgresql":
        now = session.scalar(select(func.now()))
        if isinstance(now, datetime):
            return now
    return utcnow()


def renew(session: Session, submission_id: int, client_id: str, member: str, *,
          seconds: int = LEASE_SECONDS) -> list[str]:
    """Hold (or extend) this desktop's lease on one message; return who else is viewing it."""
    now = _now(session)
    expires = now + timedelta(seconds=seconds)
    # Moving to another message drops the old lease; expired leases of anyone are swept too.
    session.execute(delete(Presence).where(
        ((Presence.client_id == client_id) & (Presence.submission_id != submission_id))
        | (Presence.expires_at < now)))
    renewed = session.execute(
        update(Presence)
        .where(Presence.client_id == client_id, Presence.submission_id == submission_id)
        .values(expires_at=expires, member=member)
        .execution_options(synchronize_session=False))
    if not getattr(renewed, "rowcount", 0):
        session.add(Presence(submission_id=submission_id, client_id=client_id, member=member,
                             expires_at=expires))
        session.flush()
    return _viewers(session, submission_id, client_id, now)


def release(session: Session, client_id: str) -> None:
    """This desktop shows no message any more (closed, or the selection was cleared)."""
    session.execute(delete(Presence).where(Presence.client_id == client_id))


def viewers(session: Session, submission_id: int, *, exclude_client: str | None = None
            ) -> list[str]:
    """Names of the people viewing the message now, without ``exclude_client``'s own lease."""
    return _viewers(session, submission_id, exclude_client, _now(session))


def _viewers(session: Session, submission_id: int, exclude_client: str | None,
             now: datetime) -> list[str]:
    query = select(Presence.member).where(Presence.submission_id == submission_id,
                                          Presence.expires_at >= now)
    if exclude_client is not None:
        query = query.where(Presence.client_id != exclude_client)
    return sorted(set(session.scalars(query)), key=lambda n: (n.casefold(), n))


def active(session: Session) -> list[Lease]:
    """Every live lease, by message, for ``leaddesk team status``."""
    now = _now(session)
    rows = session.execute(select(Presence).where(Presence.expires_at >= now)
                           .order_by(Presence.submission_id, Presence.member)).scalars()
    return [Lease(p.submission_id, p.client_id, p.member, p.expires_at) for p in rows]
