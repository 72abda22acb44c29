"""The stored rules: unique names, dense order, checked references, audited edits, options."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk import response_times
from leaddesk.business_hours import BusinessHours
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, TeamMember
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.rules import catalog
from leaddesk.rules.spec import RuleSpec, parse_action
from tests.rules.conftest import add_members, add_rule


def names(db: Database) -> list[tuple[int, str]]:
    with db.session() as s:
        return [(r.position, r.name) for r in catalog.list_rules(s)]


def test_order_names_and_positions(db: Database) -> None:
    add_rule(db, "a")
    add_rule(db, "b")
    add_rule(db, "c", position=1)
    assert names(db) == [(1, "c"), (2, "a"), (3, "b")]
    with db.session() as s:
        catalog.move_rule(s, "b", -1, actor="Ada")
    assert names(db) == [(1, "c"), (2, "b"), (3, "a")]
    with db.session() as s:
        catalog.remove_rule(s, "C", actor="Ada")
        catalog.edit_rule(s, "a", actor="Ada", new_name="first", position=1)
    assert names(db) == [(1, "first"), (2, "b")]
    with pytest.raises(ValidationError, match="a rule named 'b' exists"):
        add_rule(db, "B")
    with db.session() as s, pytest.raises(ValidationError, match="a rule named 'b' exists"):
        catalog.edit_rule(s, "first", actor="Ada", new_name="b")
    with db.session() as s, pytest.raises(ValidationError, match="did you mean first"):
        catalog.get_rule(s, "frist")


def test_references_are_checked_with_the_closest_names(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no team member 'Anna'; add one"):
        add_rule(db, "r", do=["assign=Anna"])
    add_members(db, "Anna", "Ben")
    with pytest.raises(ValidationError, match="did you mean Anna"):
        add_rule(db, "r", do=["assign=round-robin:Ben,Ana"])
    with pytest.raises(NotFoundError, match="no template 'thanks'"):
        add_rule(db, "r", do=["acknowledge=thanks"])
    with db.session() as s:
        s.get(TeamMember, 1)
        member = s.execute(select(TeamMember).where(TeamMember.name == "Ben")).scalar_one()
        member.active = False  # removed members cannot be given leads
    with pytest.raises(ValidationError, match="unknown team member 'Ben'"):
        add_rule(db, "r", do=["assign=Ben"])
    with db.session() as s, pytest.raises(ValidationError, match="at least one action"):
        catalog.add_rule(s, RuleSpec("empty"), actor="Ada")


def test_changes_are_audited(db: Database) -> None:
    add_members(db, "Anna")
    add_rule(db, "r", ["topic=x"], ["assign=Anna"])
    with db.session() as s:
        catalog.edit_rule(s, "r", actor="Ben", actions=[parse_action("tag=y")], stop=True,
                          enabled=False)
        catalog.remove_rule(s, "r", actor="Cleo")
        events = [(e.actor, e.action, e.after) for e in s.execute(
            select(AuditEvent).where(AuditEvent.entity == "rule").order_by(AuditEvent.id)
        ).scalars()]
    assert [e[:2] for e in events] == [("Ada", "rule.add"), ("Ben", "rule.edit"),
                                       ("Cleo", "rule.remove")]
    assert events[1][2] == {"name": "r", "position": 1, "enabled": False, "stop": True,
                            "when": [["topic", "x"]], "do": [["tag", "y"]]}


def test_options(db: Database) -> None:
    with db.session() as s:
        assert catalog.get_options(s) == {"timezone": "", "acknowledgements": "off",
                                          "acknowledge-account": ""}
        catalog.set_option(s, "timezone", "Europe/Stockholm", actor="Ada")
        assert str(catalog.rules_zone(s)) == "Europe/Stockholm"
        with pytest.raises(ValidationError, match="unknown time zone"):
            catalog.set_option(s, "timezone", "Mars/Olympus", actor="Ada")
        with pytest.raises(ValidationError, match="on or off"):
            catalog.set_option(s, "acknowledgements", "yes", actor="Ada")
        with pytest.raises(ValidationError, match="did you mean timezone"):
            catalog.set_option(s, "timezon", "UTC", actor="Ada")


def test_an_unset_zone_is_the_team_business_hours_zone(db: Database) -> None:
    """The worker on a UTC server and a desktop in Stockholm read "hours" in the same zone."""
    with db.session() as s:
        assert catalog.rules_zone(s) == catalog.zone_of("")  # nothing saved: this computer's
        assert catalog.default_zone_label(s) == "this computer's"
        response_times.save_policy(
            s, response_times.ResponsePolicy(BusinessHours("America/Chicago")), actor="Ada")
        assert str(catalog.rules_zone(s)) == "America/Chicago"
        assert catalog.default_zone_label(s) == "the team's business hours (America/Chicago)"
        catalog.set_option(s, "timezone", "Asia/Tokyo", actor="Ada")  # the rules' own wins
        assert str(catalog.rules_zone(s)) == "Asia/Tokyo"


def test_away(db: Database) -> None:
    add_members(db, "Anna")
    with db.session() as s:
        assert catalog.set_away(s, "anna", True, actor="Ada") == "Anna"
        assert catalog.away_members(s) == {"anna"}
        with pytest.raises(ValidationError, match="did you mean Anna"):
            catalog.set_away(s, "Ann", True, actor="Ada")
