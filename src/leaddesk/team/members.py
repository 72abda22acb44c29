"""Setting a shared database up for a team (``leaddesk team init``) and reporting on it
(``leaddesk team status``): schema, members, which worker syncs which account, who views what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from leaddesk import accounts, triage
from leaddesk.db import Database, migrate
from leaddesk.errors import ValidationError
from leaddesk.ingest.locks import held_locks
from leaddesk.team import presence


@dataclass(frozen=True)
class MemberSpec:
    name: str
    email: str | None = None

    @classmethod
    def parse(cls, text: str) -> MemberSpec:
        """``NAME`` or ``NAME:EMAIL`` as typed after ``--member``."""
        name, _, email = text.partition(":")
        if not name.strip():
            raise ValidationError(f"--member {text!r}: give a name, as NAME or NAME:EMAIL")
        return cls(name.strip(), email.strip() or None)


@dataclass(frozen=True)
class MemberResult:
    name: str
    email: str | None
    created: bool  # False: was already on the team


@dataclass(frozen=True)
class TeamInit:
    database: str
    dialect: str
    revision: str
    live_updates: str  # how desktops learn of changes
    members: list[MemberResult]


@dataclass(frozen=True)
class Worker:
    account: str
    holder: str
    since: datetime | None


@dataclass(frozen=True)
class TeamStatus:
    database: str
    dialect: str
    members: list[triage.Member]
    workers: list[Worker]
    viewing: list[presence.Lease]


def live_updates(db: Database) -> str:
    if db.dialect != "postgresql":
        return "PRAGMA data_version (desktops on this machine)"
    with db.engine.connect() as conn:
        installed = conn.execute(text(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'leaddesk_notify_change_%'"
        )).scalar()
    return "LISTEN/NOTIFY" if installed else "missing: run `leaddesk db upgrade`"


def init_team(db: Database, members: Sequence[MemberSpec], *, actor: str) -> TeamInit:
    """The schema is current (``Database.open`` migrated it); add the members not there yet.

    Safe to run again: existing members are reported, not duplicated.
    """
    results = []
    with db.session() as session:
        existing = {m.name.casefold(): m for m in triage.list_members(session)}
        for spec in members:
            found = existing.get(spec.name.casefold())
            if found is not None:
                results.append(MemberResult(found.name, found.email, created=False))
                continue
            added = triage.add_member(session, spec.name, spec.email, actor=actor)
            existing[added.name.casefold()] = added
            results.append(MemberResult(added.name, added.email, created=True))
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn) or "none"
    return TeamInit(db.display_url, db.dialect, revision, live_updates(db), results)


def team_status(db: Database) -> TeamStatus:
    with db.session() as session:
        members = triage.list_members(session)
        names = _account_names(session)
        viewing = presence.active(session)
    workers = [Worker(names[lock.account_id], lock.holder, lock.since)
               for lock in held_locks(db, names)]
    return TeamStatus(db.display_url, db.dialect, members, workers, viewing)


def _account_names(session: Session) -> dict[int, str]:
    return {a.id: a.name for a in accounts.list_accounts(session)}
