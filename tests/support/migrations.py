"""Helpers for tests of one Alembic revision on a database with history."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from leaddesk.db import migrate


def revision_before(revision: str) -> str:
    """The revision ``revision`` follows (it moves when another branch's revision lands first)."""
    down = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision).down_revision
    assert isinstance(down, str)
    return down
