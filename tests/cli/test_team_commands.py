"""`leaddesk team init` and `leaddesk team status` on SQLite and a real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from leaddesk.db import Database, migrate
from leaddesk.db.models import AuditEvent
from leaddesk.team import presence
from tests.support.cli import Runner
from tests.support.factories import make_submission


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database never opened by LeadDesk: `team init` creates the schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'team.db'}"
    return str(request.getfixturevalue("empty_postgres_url"))


def test_team_init_migrates_and_adds_members_once(empty_db_url: str, run: Runner) -> None:
    first = run("--db", empty_db_url, "--as", "admin", "team", "init", "--member",
                "Ada:ada@example.org", "--member", "Bob", "--json")
    assert first.code == 0, first.err
    data = json.loads(first.out)
    assert data["revision"] == migrate.head_revision()
    assert [(m["name"], m["email"], m["created"]) for m in data["members"]] == [
        ("Ada", "ada@example.org", True), ("Bob", None, True)]
    dialect = data["dialect"]
    assert data["live_updates"] == ("LISTEN/NOTIFY" if dialect == "postgresql"
                                    else "PRAGMA data_version (desktops on this machine)")
    again = run("--db", empty_db_url, "team", "init", "--member", "ada")
    assert again.code == 0
    assert "Ada <ada@example.org>: already a member" in again.out
    db = Database.open(empty_db_url)
    with db.session() as s:
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "member.add")))
    db.close()
    assert actors == {"admin"}  # --as is the name on the audit events


def test_team_init_rejects_a_bad_member_before_any_change(db_url: str, run: Runner) -> None:
    result = run("--db", db_url, "team", "init", "--member", ":x@example.org")
    assert result.code == 1
    assert result.err.startswith("leaddesk: --member ':x@example.org': give a name")


def test_team_status_shows_members_and_viewers(db_url: str, run: Runner) -> None:
    run("--db", db_url, "team", "init", "--member", "Ada")
    db = Database.open(db_url)
    with db.session() as s:
        sid = make_submission(s).id
        presence.renew(s, sid, "desk-1", "Ada")
    db.close()
    text = run("--db", db_url, "team", "status")
    assert text.code == 0, text.err
    assert "Ada" in text.out
    assert f"#{sid}" in text.out
    assert "none running" in text.out
    data = json.loads(run("--db", db_url, "team", "status", "--json").out)
    assert [m["name"] for m in data["members"]] == ["Ada"]
    assert data["workers"] == []
    assert [(v["submission_id"], v["member"]) for v in data["viewing"]] == [(sid, "Ada")]
