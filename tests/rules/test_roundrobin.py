"""Round-robin: an even spread that survives restarts (new Database objects, as a new process
would open), away members skipped, and no flood for a member coming back."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Submission, TeamMember
from leaddesk.rules import catalog, roundrobin
from tests.rules.conftest import add_members, add_rule, import_mail
from tests.support.mail import notification


def owners(url: str) -> Counter[str]:
    db = Database.open(url)
    try:
        with db.session() as s:
            return Counter(name for (name,) in s.execute(
                select(TeamMember.name).join(Submission, Submission.assignee_id == TeamMember.id)))
    finally:
        db.close()


def import_in_new_process(url: str, folder: Path, first: int, count: int) -> None:
    """One import as a separate run: its own Database (engine, sessions), closed afterwards."""
    db = Database.open(url)
    try:
        import_mail(db, folder, *(notification(n) for n in range(first, first + count)))
    finally:
        db.close()


def test_the_spread_stays_even_across_restarts(db_url: str, db: Database, tmp_path: Path) -> None:
    add_members(db, "Anna", "Ben", "Cleo")
    add_rule(db, "rr", [], ["assign=round-robin:Anna,Ben,Cleo"])
    # Seven runs of one lead each: a cursor kept in memory would give every run to Anna.
    for n in range(1, 8):
        import_in_new_process(db_url, tmp_path / f"run{n}", n, 1)
    import_in_new_process(db_url, tmp_path / "big", 100, 5)
    assert owners(db_url) == {"Anna": 4, "Ben": 4, "Cleo": 4}


def test_away_members_are_skipped_and_come_back_level(db_url: str, db: Database,
                                                      tmp_path: Path) -> None:
    add_members(db, "Anna", "Ben")
    add_rule(db, "rr", [], ["assign=round-robin:Anna,Ben"])
    with db.session() as s:
        catalog.set_away(s, "anna", True, actor="Ada")
    import_in_new_process(db_url, tmp_path / "a", 1, 4)
    assert owners(db_url) == {"Ben": 4}
    with db.session() as s:
        catalog.set_away(s, "Anna", False, actor="Ada")
    import_in_new_process(db_url, tmp_path / "b", 10, 4)
    # Anna was kept level while away: she does not get all four "to catch up".
    assert owners(db_url) == {"Ben": 6, "Anna": 2}


def test_everyone_away_leaves_the_lead_unassigned(db: Database, tmp_path: Path) -> None:
    add_members(db, "Anna")
    add_rule(db, "rr", [], ["assign=round-robin:Anna", "tag=routed"])
    with db.session() as s:
        catalog.set_away(s, "Anna", True, actor="Ada")
    import_mail(db, tmp_path / "m", notification(1))
    with db.session() as s:
        row = s.execute(select(Submission)).scalar_one()
        assert row.assignee_id is None
        assert [t.name for t in row.tags] == ["routed"]


def test_counters_are_kept_per_rule(db: Database) -> None:
    add_members(db, "Anna", "Ben")
    spec = add_rule(db, "rr", [], ["assign=round-robin:Anna,Ben"])
    assert spec.id is not None
    with db.session() as s:
        picks = [roundrobin.pick(s, spec.id, ["Anna", "Ben"]) for _ in range(5)]
        assert picks == ["Anna", "Ben", "Anna", "Ben", "Anna"]
        assert roundrobin.counters(s, spec.id) == {"Anna": 3, "Ben": 2}
        # Without a stored rule (a preview) nothing is counted.
        assert [roundrobin.pick(s, None, ["Ben", "Anna"]) for _ in range(2)] == ["Ben", "Ben"]
