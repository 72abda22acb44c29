"""Announcing a write no trigger announces: the team-wide settings, on PostgreSQL.

The statement triggers of revision 0003 NOTIFY the change channel for the tables desktops watch
(:mod:`leaddesk.team.changes` listens). ``team_settings`` has no trigger, so whoever writes a
team setting announces it in the same transaction: PostgreSQL delivers a NOTIFY on commit only,
never after a rollback. SQLite desktops learn of it from the setting's audit event instead.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

CHANNEL = "leaddesk_changes"  # revision 0003 keeps its own copy of the name, as migrations must


def announce(session: Session, table: str) -> None:
    """Tell the other desktops on PostgreSQL that ``table`` changed (ids unknown)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    payload = json.dumps({"table": table, "op": "UPDATE", "ids": None})
    session.execute(select(func.pg_notify(CHANNEL, payload)))
